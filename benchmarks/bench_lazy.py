"""Benchmark: the α sweep of lazy training on the quadratic network, and (optionally) the ReLU gap.

Prints, for the paired quadratic network (lazysym.nn.lazy; §4 target, τ = 1):

1. the finite-horizon gap sup_(t≤T) ‖αh(w_α) − αh̄(w̄_α)‖/‖f*‖ against α, its fitted rate, and the
   wall time of each pair of flows;
2. the risk reached at the horizon T = 20 against α, with the NN (Theorem 3) and NT values;
3. with ``--relu``: ReLU NN (SGD) against NT (least squares) test errors for N < d and N ≥ d
   (poster Figure 3; d = 100 by default there, N ∈ {d/10, d/4, d/2}, several minutes).

Run: ``python benchmarks/bench_lazy.py [--d 6] [--M 3] [--seed 0] [--relu] [--relu-d 100]``.
"""

from __future__ import annotations

import argparse
import time

from lazysym.nn import lazy as lz
from lazysym.objects.models import paper_quadratic_target


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--d", type=int, default=6)
    ap.add_argument("--M", type=int, default=3)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--T", type=float, default=5.0, help="finite horizon of the gap")
    ap.add_argument("--relu", action="store_true")
    ap.add_argument("--relu-d", type=int, default=100)
    ap.add_argument("--relu-seeds", type=int, default=3)
    ap.add_argument("--relu-steps", type=int, default=20000)
    args = ap.parse_args(argv)

    target = paper_quadratic_target(args.d, args.seed)
    net = lz.paired_init(args.d, args.M, 1.0, args.seed + 1)
    print(f"# paired quadratic network, d = {args.d}, M = {args.M}, τ = 1, §4 target (seed {args.seed})")
    print(f"# ‖Dh(w0)‖² = {lz.dh_norm(net) ** 2:.4g}, κ(α=1) = {lz.kappa(net, target):.4g}\n")

    alphas = [3.0, 10.0, 30.0, 100.0, 300.0, 1000.0, 3000.0, 10000.0]
    print(f"## finite horizon T = {args.T}")
    print(f"{'alpha':>8} {'sup gap/|f*|':>14} {'kappa':>10} {'steps':>7} {'seconds':>8}")
    sups = []
    for a in alphas:
        p = lz.lazy_paths(net, target, a, t_max=args.T, n_record=100)
        sups.append(p.sup_gap / p.norm_fstar)
        print(f"{a:8.0f} {sups[-1]:14.4e} {lz.kappa(net, target, alpha=a):10.3e} {p.steps:7d} "
              f"{p.wall:8.3f}")
    print(f"fitted rate (α ≥ 30): gap ∝ α^-{lz.fit_rate(alphas[2:], sups[2:]):.3f}\n")

    print("## risk at the horizon T = 20 (normalised by ‖f*‖²)")
    for M in (args.M, args.d):
        t0 = time.perf_counter()
        s = lz.alpha_sweep(target, M, [0.5, 1.0, 3.0, 10.0, 30.0, 100.0, 300.0, 1000.0],
                           t_max=20.0, rng=args.seed + 1)
        print(f"M = {M}: NN value {s['nn'] / s['norm2']:.5f}, NT value {s['nt'] / s['norm2']:.5f} "
              f"({time.perf_counter() - t0:.2f} s)")
        print(f"{'alpha':>8} {'risk(T)':>10} {'seconds':>8}")
        for a, r, w in zip(s["alphas"], s["risk"] / s["norm2"], s["wall"]):
            print(f"{a:8.1f} {r:10.5f} {w:8.3f}")
        print()

    if args.relu:
        from lazysym.compare.relu_gap import relu_gap_experiment
        d = args.relu_d
        Ns = [d // 10, d // 4, d // 2]     # N < d (NT at N ≥ d needs a (Nd)² Gram matrix)
        print(f"## ReLU, d = {d}: NN (SGD, {args.relu_steps} steps) vs NT (least squares)")
        res = relu_gap_experiment(paper_quadratic_target(d, args.seed), Ns, seeds=args.relu_seeds,
                                  sgd_steps=args.relu_steps, n_test=20000, rng_key=args.seed,
                                  n_train_factor=10)
        print(f"{'N':>5} {'NN':>8} {'NT':>8} {'NT-NN':>8} {'se':>8}")
        for row in res.summary():
            print(f"{row['N']:5d} {row['NN']:8.4f} {row['NT']:8.4f} {row['NT-NN']:8.4f} "
                  f"{row['se(NT-NN)']:8.4f}")
        print(f"({res.wall:.1f} s)")


if __name__ == "__main__":
    main()

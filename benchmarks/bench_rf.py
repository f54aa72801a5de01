"""Exact population RF risk (lazysym.rf.exact) vs the paper's §4 Monte-Carlo estimator.

Setting of §4 / Figure 1: d = 450, qf with B diagonal, i.i.d. Exp(1) entries (centred),
w_i ~ N(0, I_d/d); N ∈ {45, 450, 1350, 4500}; σ = x² − 1 and ReLU. (``--model mg``: the
Figure 2 mixture, Δ diagonal with entries in {2, 1.5, 1}/√d.)

For each (σ, N) the table gives

* the exact normalised risk R/‖f*‖², its wall time and its a-posteriori error bound;
* the §4 estimator (least squares on n_train fresh samples, test on n_test = 10⁴ fresh ones):
  its wall time and error at the largest n_train ≤ 5·10⁵ that fits ``--mc-budget`` seconds
  (*measured*), split into the CLT standard error of the test set and the exact excess risk of
  the fitted coefficients, (â − a*)ᵀK(â − a*) (from ``rf_risk_of_coefficients``);
* when that n_train is below the paper's 5·10⁵, the *extrapolated* time at 5·10⁵ (the run costs
  O((n_train + n_test)·(N² + Nd)): the measured time scaled by the number of samples) and the
  extrapolated excess (excess ∝ 1/n_train, see lazysym.rf.montecarlo); the CLT standard error
  depends on n_test only and is measured.

Extrapolated numbers are marked with ``~``. Wall times depend on the load of the machine
(the numbers in the report were taken on 2 shared cores).

Usage::

    python benchmarks/bench_rf.py --threads 1        # full table (~10 minutes)
    python benchmarks/bench_rf.py --sizes 45 450 --mc-budget 20
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time

if __name__ == "__main__" and "--threads" in sys.argv:
    # must happen before numpy loads OpenBLAS. On a loaded 2-core machine, 1 thread is several
    # times faster for both methods (measured: exact N = 450 in 0.05 s vs 0.4–4 s with 2 threads)
    _t = sys.argv[sys.argv.index("--threads") + 1]
    os.environ["OPENBLAS_NUM_THREADS"] = os.environ["OMP_NUM_THREADS"] = _t

import numpy as np  # noqa: E402

from lazysym.objects.models import paper_mixture, paper_quadratic_target  # noqa: E402
from lazysym.rf import exact as rx
from lazysym.rf import montecarlo as mc

N_TRAIN_PAPER = 500_000
N_TEST_PAPER = 10_000


def _timed(fn, *args, **kwargs):
    t0 = time.perf_counter()
    out = fn(*args, **kwargs)
    return out, time.perf_counter() - t0


def run(d: int, sizes, acts, model_kind: str, mc_budget: float, seed: int) -> list[dict]:
    rng = np.random.default_rng(seed)
    model = paper_quadratic_target(d, rng) if model_kind == "qf" else paper_mixture(d, rng)
    rows = []
    for act in acts:
        # warm-up: the first call resolves the activation (SymPy) and loads modules
        rx.rf_solve(np.eye(d)[:, :2], model, act)
        for N in sizes:
            W = np.random.default_rng([seed, N]).standard_normal((d, N)) / math.sqrt(d)
            sol, t_exact = _timed(rx.rf_solve, W, model, act)
            norm2 = sol.norm2
            # pilot: a small fit to learn the cost per training sample
            n_pilot = max(2 * N, 5_000)
            _, t_pilot = _timed(mc.fit_rf_least_squares, W, model, act, n_train=n_pilot,
                                rng=np.random.default_rng([seed, N, 1]))
            per_sample = t_pilot / n_pilot
            n_train = int(min(N_TRAIN_PAPER, max(n_pilot, mc_budget / per_sample)))
            n_train = int(round(n_train, -3)) if n_train >= 10_000 else n_train
            res, t_mc = _timed(mc.rf_risk_montecarlo, W, model, act, n_train=n_train,
                               n_test=N_TEST_PAPER, rng=np.random.default_rng([seed, N, 2]))
            r_hat = rx.rf_risk_of_coefficients(W, model, res.coefficients, act)
            excess = r_hat - sol.risk
            err = abs(res.estimate - sol.risk)
            row = {
                "sigma": act, "N": N, "R/|f|^2": sol.risk / norm2,
                "exact s": t_exact, "exact bound": sol.error_bound / norm2, "method": sol.method,
                "n_train": n_train, "MC s": t_mc, "MC R/|f|^2": res.estimate / norm2,
                "|MC-exact|": err / norm2, "stderr": res.stderr / norm2,
                "excess": excess / norm2, "measured": n_train == N_TRAIN_PAPER,
            }
            if n_train < N_TRAIN_PAPER:
                # cost is linear in the samples drawn (a test sample costs less than a training
                # sample, so scaling the whole run by the sample count errs on the high side
                # only by the test part, ≤ n_test/(n_train + n_test) of the total)
                row["MC s @5e5"] = t_mc * (N_TRAIN_PAPER + N_TEST_PAPER) / (n_train + N_TEST_PAPER)
                row["excess @5e5"] = excess / norm2 * n_train / N_TRAIN_PAPER
            else:
                row["MC s @5e5"] = t_mc
                row["excess @5e5"] = excess / norm2
            row["speed-up"] = row["MC s @5e5"] / t_exact
            rows.append(row)
            _print_row(row)
    return rows


HEADER = (f"{'σ':6} {'N':>5} | {'R/‖f‖² exact':>13} {'time':>7} {'bound':>8} | "
          f"{'n_train':>7} {'time':>7} {'|MC−ex|':>8} {'stderr':>8} {'excess':>8} | "
          f"{'time@5e5':>9} {'excess@5e5':>10} {'speed-up':>9}")


def _print_row(r: dict) -> None:
    mark = "" if r["measured"] else "~"
    print(f"{r['sigma']:6} {r['N']:>5} | {r['R/|f|^2']:>13.6f} {r['exact s']:>6.2f}s "
          f"{r['exact bound']:>8.1e} | {r['n_train']:>7} {r['MC s']:>6.1f}s "
          f"{r['|MC-exact|']:>8.1e} {r['stderr']:>8.1e} {r['excess']:>8.1e} | "
          f"{mark + format(r['MC s @5e5'], '.0f') + 's':>9} "
          f"{mark + format(r['excess @5e5'], '.1e'):>10} {mark + format(r['speed-up'], '.0f') + '×':>9}",
          flush=True)


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--d", type=int, default=450)
    ap.add_argument("--sizes", type=int, nargs="+", default=[45, 450, 1350, 4500])
    ap.add_argument("--acts", nargs="+", default=["x^2-1", "relu"])
    ap.add_argument("--model", choices=["qf", "mg"], default="qf")
    ap.add_argument("--mc-budget", type=float, default=60.0,
                    help="seconds allowed for one Monte-Carlo fit (n_train is chosen to fit)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=None,
                    help="BLAS threads for both methods (default: the environment's)")
    args = ap.parse_args(argv)
    print(f"RF risk, {args.model}, d = {args.d}, w_i ~ N(0, I/d); errors and risks are "
          f"normalised by E y²; '~' = extrapolated from the measured n_train to 5e5; "
          f"BLAS threads: {os.environ.get('OPENBLAS_NUM_THREADS', 'default')}; "
          f"load average {os.getloadavg()[0]:.1f}")
    print(HEADER)
    print("-" * len(HEADER))
    run(args.d, args.sizes, args.acts, args.model, args.mc_budget, args.seed)


if __name__ == "__main__":
    main()

"""One-pass SGD at the paper's scale (§4: d = 450, batch 100, 2·10⁵ steps) against gradient flow
on the closed-form population loss (§2.3) reaching the same risk.

Prints a table: method, steps / flow time, wall time, risk L, excess over inf L (= R_NN, exact).
SGD runs for ``--budget`` seconds (as many of the 2·10⁵ steps as fit); the time for all 2·10⁵
steps is extrapolated from the measured time per step (stated as such). The gradient flow
starts from the same initialisation and is stopped at the first record where its risk is ≤ the
risk SGD reached, then run on to ``--flow-rel`` relative excess.

BLAS is pinned to one thread (set before numpy is imported): on a shared 2-core machine,
multi-threaded OpenBLAS made the 100×450 @ 450×45 products of an SGD step ~15× slower (measured
8 ms vs 0.3 ms per product).

Usage: /work/venv/bin/python benchmarks/bench_training.py [--d 450] [--N 45] [--budget 120]
"""

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

import argparse  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

from lazysym.nn import nn_risk_quadratic  # noqa: E402
from lazysym.nn.training import gradient_flow, random_init, sgd  # noqa: E402
from lazysym.objects.models import paper_quadratic_target  # noqa: E402


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--d", type=int, default=450)
    ap.add_argument("--N", type=int, default=45)
    ap.add_argument("--batch", type=int, default=100)
    ap.add_argument("--step", type=float, default=1e-4,
                    help="SGD step ε (ε = 1e-3 diverged at d = 450 in this parametrisation)")
    ap.add_argument("--paper-steps", type=int, default=200_000)
    ap.add_argument("--budget", type=float, default=120.0, help="SGD wall-clock budget (s)")
    ap.add_argument("--flow-rel", type=float, default=1e-6,
                    help="run the flow on until (L − inf L)/inf L ≤ this")
    ap.add_argument("--t-far", type=float, default=120.0, help="longest flow time")
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args(argv)

    target = paper_quadratic_target(a.d, a.seed)           # §4: B diag, Exp(1) entries, centred
    inf_L = nn_risk_quadratic(target, a.N)
    W0, c0 = random_init(a.d, a.N, a.seed + 1, scale=1.0)
    print(f"d = {a.d}, N = {a.N}, batch = {a.batch}, ε = {a.step:g}; inf L = {inf_L:.6g} "
          f"(‖f*‖² = {target.norm2:.6g}); L(W₀, c₀) = "
          f"{sgd(target, W0, c0, step=a.step, steps=1, rng=0).risks[0]:.6g}")

    # time per SGD step from a short run, then as many steps as fit in the budget
    probe = sgd(target, W0, c0, step=a.step, steps=500, rng=a.seed + 2, batch=a.batch)
    per_step = probe.wall / 500
    n = int(min(a.paper_steps, max(500, a.budget / per_step)))
    n -= n % 100
    run = sgd(target, W0, c0, step=a.step, steps=n, rng=a.seed + 3, batch=a.batch,
              record_every=max(1, n // 50), progress=True)
    per_step = run.wall / n
    R = run.final_risk

    # gradient flow from the same initialisation: first record with L ≤ R, then to flow-rel
    t_sgd = n * a.step
    t_far = max(4 * t_sgd, a.t_far)
    t0 = time.perf_counter()
    # record on a geometric grid that contains SGD's time t exactly (no interpolation)
    grid = np.unique(np.concatenate([np.geomspace(min(t_sgd, t_far) / 1000, t_far, 400), [t_sgd]]))
    fl = gradient_flow(target, W0, c0, t_max=t_far, rtol=1e-8, t_eval=grid, keep_path=True)
    wall_far = time.perf_counter() - t0
    hit = np.flatnonzero(fl.risks <= R)
    rows = [("SGD (one pass)", f"{n} steps (t = {t_sgd:g})", run.wall, R)]
    rows.append(("SGD, extrapolated", f"{a.paper_steps} steps (t = {a.paper_steps * a.step:g})",
                 per_step * a.paper_steps, float("nan")))
    if hit.size:
        k = int(hit[0])
        t_hit = float(fl.times[k])
        if k > 0:
            # refine inside [t_{k-1}, t_k] from the recorded state (L is non-increasing along
            # the flow): resolution (t_k − t_{k−1})/400
            Wp, cp = fl.path[k - 1]
            dt = float(fl.times[k] - fl.times[k - 1])
            fine = gradient_flow(target, Wp, cp, t_max=dt, rtol=1e-8,
                                 t_eval=np.linspace(0, dt, 401)[1:])
            j = int(np.flatnonzero(fine.risks <= R)[0])
            t_hit = float(fl.times[k - 1] + fine.times[j])
        t0 = time.perf_counter()
        fh = gradient_flow(target, W0, c0, t_max=t_hit, rtol=1e-8, n_record=1)
        rows.append(("gradient flow → same risk", f"t = {t_hit:.4g} ({fh.steps[-1]} RK steps)",
                     time.perf_counter() - t0, fh.final_risk))
    same_t = float(fl.risks[int(np.flatnonzero(fl.times == t_sgd)[0])])
    rows.append(("gradient flow at SGD's t", f"t = {t_sgd:g}", float("nan"), same_t))
    rel = (fl.risks - inf_L) / inf_L
    ok = np.flatnonzero(rel <= a.flow_rel)
    if ok.size:
        t_conv = float(fl.times[ok[0]])
        t0 = time.perf_counter()
        fc = gradient_flow(target, W0, c0, t_max=t_conv, rtol=1e-8, n_record=1)
        rows.append((f"gradient flow → {a.flow_rel:g} rel.", f"t = {t_conv:.4g} "
                     f"({fc.steps[-1]} RK steps)", time.perf_counter() - t0, fc.final_risk))
    else:
        rows.append((f"gradient flow to t = {t_far:g}", f"{fl.steps[-1]} RK steps", wall_far,
                     fl.final_risk))

    print()
    print(f"{'method':32s} {'length':34s} {'wall (s)':>10s} {'risk L':>12s} {'L − inf L':>12s} "
          f"{'rel. excess':>12s}")
    for name, length, wall, risk in rows:
        ws = f"{wall:10.2f}" if np.isfinite(wall) else f"{'—':>10s}"
        if np.isfinite(risk):
            print(f"{name:32s} {length:34s} {ws} {risk:12.6g} {risk - inf_L:12.4g} "
                  f"{(risk - inf_L) / inf_L:12.3e}")
        else:
            print(f"{name:32s} {length:34s} {ws} {'(not run)':>12s}")
    print(f"\nSGD: {per_step * 1e3:.3f} ms/step measured over {n} steps "
          f"(batch {a.batch}); the 2·10⁵-step time is that rate × 2·10⁵ (extrapolated).")


if __name__ == "__main__":
    main()

"""Benchmark: exact finite-d NT risks at the paper's size (d = 450, §4), qf and mg.

For N ∈ {45, 225, 450, 900, 4500} and one draw of W ~ N(0, I/d) (seeded), prints the time per
evaluation of :func:`lazysym.nt.nt_risk_quadratic` (B diagonal Exp(1), §4) and
:func:`lazysym.nt.nt_risk_mixture` (Σ = I, Δ diagonal in {2, 1.5, 1}/√d, §4), the values, and the
printed limits (Theorem 2, Theorem 5 κ form) for comparison.

Run: ``python benchmarks/bench_nt.py [--repeat 3] [--seed 0] [--d 450]``. Timings depend on the
BLAS thread setting; on a shared machine ``OPENBLAS_NUM_THREADS=1`` is the more stable choice.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from lazysym.nt import nt_risk_mixture, nt_risk_quadratic, theorem2_risk, theorem5_kappa_risk, trace_ratio
from lazysym.objects.models import paper_mixture, paper_quadratic_target


def _timed(fn, repeat):
    times, val = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        val = fn()
        times.append(time.perf_counter() - t0)
    return val, float(np.median(times))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--d", type=int, default=450)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    d = args.d
    rng = np.random.default_rng(args.seed)
    target = paper_quadratic_target(d, rng)
    mix = paper_mixture(d, rng)
    ratio = trace_ratio(target)
    hdr = (f"{'N':>6} {'rho':>6} | {'qf time [s]':>11} {'R_NT/|f*|^2':>12} {'Thm 2':>8} | "
           f"{'mg time [s]':>11} {'R_NT (mg)':>10} {'Thm 5 k':>8}")
    print(f"d = {d}, seed = {args.seed}, median of {args.repeat} runs per evaluation")
    print(hdr)
    print("-" * len(hdr))
    for N in (45, 225, 450, 900, 4500):
        W = rng.standard_normal((d, N)) / np.sqrt(d)
        qf, tq = _timed(lambda W=W: nt_risk_quadratic(W, target), args.repeat)
        mg, tm = _timed(lambda W=W: nt_risk_mixture(W, mix), args.repeat)
        print(f"{N:>6} {N / d:>6.2f} | {tq:>11.3f} {qf / target.norm2:>12.5f} "
              f"{float(theorem2_risk(N / d, ratio)):>8.5f} | {tm:>11.3f} {mg:>10.5f} "
              f"{float(theorem5_kappa_risk(N / d, mix.Delta)):>8.5f}")


if __name__ == "__main__":
    main()

"""Exact NN risks at the paper's size (d = 450, N from 45 to 4500; Figures 1 and 2), with timings.

qf: the §4 target (B diagonal, Exp(1) entries, centred), lazysym.nn.nn_risk_quadratic
(normalised by ‖f*‖²), and the time of one evaluation (the eigenvalues are computed once, when
the QuadraticTarget is built, so this is the O(d) sum; the mg time includes two d×d eigh).
mg: the §4 mixture (Σ = I, Δ diagonal with entries in {2, 1.5, 1}/√d), lazysym.nn.nn_risk_mixture
next to Theorem 6's value, and the time of one evaluation.

Run: /work/venv/bin/python benchmarks/bench_nn.py
"""

from __future__ import annotations

import time

from lazysym.nn import nn_risk_mixture, nn_risk_quadratic, theorem6_risk
from lazysym.objects.models import paper_mixture, paper_quadratic_target

D = 450
NS = (45, 90, 180, 225, 360, 450, 900, 2250, 4500)
REPEATS = 5


def _time(fn, *args, **kw):
    best = float("inf")
    for _ in range(REPEATS):
        t0 = time.perf_counter()
        val = fn(*args, **kw)
        best = min(best, time.perf_counter() - t0)
    return val, best


def main() -> None:
    target = paper_quadratic_target(D, 0)
    mix = paper_mixture(D, 0)
    print(f"d = {D}; best of {REPEATS} timings per evaluation")
    print(f"{'N':>6} {'rho':>6} | {'qf R_NN/|f*|^2':>15} {'ms':>8} | "
          f"{'mg R_NN exact':>14} {'Thm 6':>8} {'ms':>8}")
    for N in NS:
        qf, tq = _time(nn_risk_quadratic, target, N, normalized=True)
        mg, tm = _time(nn_risk_mixture, mix, N)
        th6 = theorem6_risk(mix, N)
        print(f"{N:>6} {N / D:>6.2f} | {qf:>15.6f} {1e3 * tq:>8.2f} | "
              f"{mg:>14.6f} {th6:>8.5f} {1e3 * tm:>8.2f}")


if __name__ == "__main__":
    main()

"""Cost of the certified finite-d risks (issue 13, point 3): ``certified=True`` against float64.

Prints, for d ∈ {20, 50, 100} and N ∈ {d/2, d}, CPU seconds of each certified risk (RF with
σ = x² − 1 in exact rationals and with relu in arb balls, NT and NN for the quadratic target, NN
for the mixture), the float64 time, and the ball's radius relative to the value. One BLAS thread.

    python benchmarks/bench_certified.py [--dps 30] [--sizes 20,50,100]
"""

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import argparse
import time
from pathlib import Path

import numpy as np

from lazysym import nn, nt, rf
from lazysym.objects.models import paper_mixture, paper_quadratic_target


def cpu(fn):
    t = time.process_time()
    out = fn()
    return out, time.process_time() - t


def _cases(W, target, mix, N, dps):
    """(name, certified call, float64 call) for one (d, N)."""
    return [
        ("RF x²−1 (rationals)", lambda: rf.rf_risk(W, target, "x^2-1", certified=True, dps=dps),
         lambda: rf.rf_risk(W, target, "x^2-1")),
        ("RF relu (balls)", lambda: rf.rf_risk(W, target, "relu", certified=True, dps=dps),
         lambda: rf.rf_risk(W, target, "relu")),
        ("RF x²−1 mixture", lambda: rf.rf_risk(W, mix, "x^2-1", certified=True, dps=dps),
         lambda: rf.rf_risk(W, mix, "x^2-1")),
        ("NT qf", lambda: nt.nt_risk_quadratic(W, target, certified=True, dps=dps),
         lambda: nt.nt_risk_quadratic(W, target)),
        ("NN qf", lambda: nn.nn_risk_quadratic(target, N, certified=True, dps=dps),
         lambda: nn.nn_risk_quadratic(target, N)),
        ("NN mixture", lambda: nn.nn_risk_mixture(mix, N, certified=True, dps=dps),
         lambda: nn.nn_risk_mixture(mix, N)),
    ]


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--dps", type=int, default=30)
    p.add_argument("--sizes", default="20,50,100")
    a = p.parse_args()
    print(f"load {Path('/proc/loadavg').read_text().split()[0]}; dps {a.dps}")
    print(f"{'d':>4} {'N':>4}  {'what':<22} {'certified s':>11} {'float s':>8} {'rel. radius':>11}")
    for d in (int(v) for v in a.sizes.split(",")):
        rng = np.random.default_rng(d)
        target, mix = paper_quadratic_target(d, rng), paper_mixture(d, rng)
        for N in (d // 2, d):
            W = rng.standard_normal((d, N)) / np.sqrt(d)
            cases = _cases(W, target, mix, N, a.dps)
            for name, cert, flt in cases:
                ball, tc = cpu(cert)
                _, tf = cpu(flt)
                mid = abs(float(ball.mid()))
                rel = float(ball.rad()) / mid if mid else float(ball.rad())
                print(f"{d:>4} {N:>4}  {name:<22} {tc:>11.3f} {tf:>8.4f} {rel:>11.1e}", flush=True)
    print(f"load {Path('/proc/loadavg').read_text().split()[0]}")


if __name__ == "__main__":
    main()

"""Seed robustness of the §1/§2.3/eq. (6)/(13)/Chizat–Bach/ReLU claims: a flip table.

Runs each claim at seeds S0..S1−1 (default sizes; ``--thorough`` for the large ones), compares
the verdict and strength with the ledger, and prints per claim: flips k/n, the Clopper–Pearson
95% upper bound on the flip probability, and the mean CPU seconds per run. Usage::

    OPENBLAS_NUM_THREADS=1 nice -n 10 python benchmarks/bench_seeds_cb.py 0 50
    OPENBLAS_NUM_THREADS=1 nice -n 10 python benchmarks/bench_seeds_cb.py 0 10 --thorough
"""

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import argparse
import sys
import time

import mpmath

from proofs_check.ledger import load_ledger
from proofs_check.registry import Context, get, run_claim

IDS = ["sec1.rf_in_nn", "sec1.nt_in_nn2n", "sec2.3.loss", "sec2.3.loss.closed_form", "prop1",
       "thm3.sgd", "thm3.value", "eq13.nn", "eq6", "cb.finite_horizon", "cb.infinite_horizon",
       "cb.kappa", "cb.width", "cb.lazy_limit", "poster.relu_gap"]
#: claims whose evidence does not depend on the seed beyond integer instances (cheap to sweep)
DEFAULT = IDS


def clopper_pearson_upper(k: int, n: int, level: float = 0.95) -> float:
    """One-sided upper confidence bound on a binomial probability (exact, by bisection)."""
    if k >= n:
        return 1.0
    lo, hi = 0.0, 1.0
    for _ in range(60):
        p = (lo + hi) / 2
        cdf = sum(mpmath.binomial(n, j) * p ** j * (1 - p) ** (n - j) for j in range(k + 1))
        if cdf > 1 - level:
            lo = p
        else:
            hi = p
    return hi


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("s0", type=int)
    ap.add_argument("s1", type=int)
    ap.add_argument("--thorough", action="store_true")
    ap.add_argument("--only", nargs="*", default=None)
    a = ap.parse_args()
    ids = a.only or DEFAULT
    ledger = load_ledger()
    flips = {c: [] for c in ids}
    cpu = {c: 0.0 for c in ids}
    for s in range(a.s0, a.s1):
        for cid in ids:
            t0 = time.process_time()
            o = run_claim(get(cid), Context(seed=s, thorough=a.thorough))
            cpu[cid] += time.process_time() - t0
            if o.error is not None or {"verdict": o.verdict, "strength": o.strength} != ledger[cid]:
                flips[cid].append((s, o.verdict, o.note[:80]))
        print(f"seed {s} done; flips so far {sum(len(v) for v in flips.values())}", file=sys.stderr,
              flush=True)
    n = a.s1 - a.s0
    print(f"{'claim':26s} {'flips':>7s} {'CP95 upper':>11s} {'CPU s/run':>10s}  flipped seeds")
    for cid in ids:
        k = len(flips[cid])
        print(f"{cid:26s} {k:>3d}/{n:<3d} {clopper_pearson_upper(k, n):>11.3f} {cpu[cid] / n:>10.2f}  "
              f"{[f[0] for f in flips[cid]]}")
    for cid in ids:
        for f in flips[cid]:
            print(cid, f)


if __name__ == "__main__":
    main()

"""Do the verdicts depend on the seed? Run the claims over many seeds and print the flip table.

For each claim: how many of the n seeds gave a verdict (or strength) off the ledger, k/n, with
the one-sided Clopper–Pearson 95 % upper bound on the flip probability (k = 0 of n = 50 bounds
it by 5.8 %; the design target of ``proofs_check.evidence.decisions`` is 1e-4 per claim, which
needs n ≈ 30 000 clean seeds to confirm — this table finds the claims that are far off it), the
internal errors, and the verdicts seen. Each (claim, seed) pair is one task of a process pool.
Run from the repository root::

    python benchmarks/bench_seeds.py --seeds 0-49 --jobs 2
    python benchmarks/bench_seeds.py --seeds 0-19,100 --only thm2 eq13.rf --thorough
"""

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse
import math
import sys
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor, as_completed


def seeds_of(text: str) -> list[int]:
    """'0-49' → 0..49; '0-9,20,30-31' → 0..9, 20, 30, 31 (non-negative, no duplicates)."""
    out: list[int] = []
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        lo, _, hi = part.partition("-")
        if not lo.isdigit() or (hi and not hi.isdigit()):
            raise argparse.ArgumentTypeError(f"seeds are non-negative integers or ranges a-b; got {part!r}")
        a, b = int(lo), int(hi or lo)
        if b < a:
            raise argparse.ArgumentTypeError(f"empty range {part!r}")
        out += range(a, b + 1)
    if not out:
        raise argparse.ArgumentTypeError("no seeds given")
    return list(dict.fromkeys(out))


def clopper_pearson_upper(k: int, n: int, conf: float = 0.95) -> float:
    """One-sided Clopper–Pearson upper bound p_u: P(Bin(n, p_u) ≤ k) = 1 − conf (1 when k = n).

    Bisection on the exact binomial CDF (decreasing in p), to 1e-12.
    """
    if k >= n:
        return 1.0

    def cdf(p: float) -> float:
        return math.fsum(math.comb(n, i) * p ** i * (1 - p) ** (n - i) for i in range(k + 1))

    lo, hi = 0.0, 1.0
    while hi - lo > 1e-12:
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if cdf(mid) > 1 - conf else (lo, mid)
    return hi


def _task(cid: str, seed: int, dps: int, thorough: bool, expected: dict | None) -> dict:
    from proofs_check import cli
    rec = cli.run([cid], dps=dps, seed=seed, thorough=thorough,
                  ledger={cid: expected} if expected else {})[0]
    return {"id": cid, "seed": seed, "verdict": rec["verdict"], "strength": rec["strength"],
            "off": not rec["matches_ledger"], "seconds": rec["seconds"]}


def _cpu() -> float:
    """CPU seconds of this process and its finished children (the pool's workers)."""
    import resource
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--seeds", type=seeds_of, default=seeds_of("0-49"), help="e.g. 0-49 (default)")
    p.add_argument("--only", nargs="+", metavar="ID", help="these claims (default: all)")
    p.add_argument("--thorough", action="store_true")
    p.add_argument("--dps", type=int, default=30)
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = p.parse_args()
    # the bound itself, checked against its closed form at k = 0: 1 − 0.05^(1/n)
    assert abs(clopper_pearson_upper(0, 50) - (1 - 0.05 ** (1 / 50))) < 1e-9

    from proofs_check.ledger import load_ledger
    from proofs_check.registry import all_claims
    ids = [c.id for c in all_claims()]
    if args.only:
        unknown = sorted(set(args.only) - set(ids))
        if unknown:
            sys.exit(f"unknown claim id(s): {', '.join(unknown)}")
        ids = [i for i in ids if i in set(args.only)]
    ledger = load_ledger()
    tasks = [(cid, s) for cid in ids for s in args.seeds]
    t0, cpu0 = time.perf_counter(), _cpu()
    results: list[dict] = []
    with ProcessPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        futs = [pool.submit(_task, cid, s, args.dps, args.thorough, ledger.get(cid)) for cid, s in tasks]
        for k, f in enumerate(as_completed(futs), 1):
            results.append(f.result())
            if k % max(1, len(tasks) // 20) == 0 or k == len(tasks):
                print(f"  {k}/{len(tasks)} runs, {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    wall = time.perf_counter() - t0
    n = len(args.seeds)
    print(f"{len(ids)} claims × {n} seeds ({min(args.seeds)}..{max(args.seeds)}), "
          f"{'thorough' if args.thorough else 'default'} sizes, dps {args.dps}, {args.jobs} processes; "
          f"{wall:.0f} s wall; load {os.getloadavg()[0]:.1f}")
    print(f"{'claim':32s} {'ledger':34s} {'off':>7s} {'CP95 up':>8s} {'s/run':>6s}  "
          "seeds off (verdicts seen)")
    worst = []
    for cid in ids:
        rs = [r for r in results if r["id"] == cid]
        off = sorted(r["seed"] for r in rs if r["off"])
        exp = ledger.get(cid)
        led = f"{exp['verdict']} · {exp['strength']}" if exp else "(not in the ledger)"
        seen = Counter(f"{r['verdict']} · {r['strength']}" for r in rs)
        up = clopper_pearson_upper(len(off), n)
        mean_s = sum(r["seconds"] for r in rs) / len(rs)
        detail = ", ".join(map(str, off[:10])) + (" …" if len(off) > 10 else "")
        if off:
            detail += "  (" + "; ".join(f"{v}: {c}" for v, c in seen.most_common()) + ")"
            worst.append(cid)
        print(f"{cid:32s} {led:34s} {len(off):>3d}/{n:<3d} {up:8.3f} {mean_s:6.2f}  {detail}")
    print(f"\nclaims with a flip: {len(worst)} of {len(ids)}"
          + (f" ({', '.join(worst)})" if worst else "")
          + f"; {len(tasks)} runs, {_cpu() - cpu0:.0f} s CPU (workers and this process)")


if __name__ == "__main__":
    main()

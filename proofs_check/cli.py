"""The ``proofs-check`` command: run the paper's claims and report a verdict for each.

Exit status: 0 when every verdict matches the checked-in ledger (``proofs_check/ledger.toml``),
1 when one differs (each difference is printed), 2 on a usage error.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

from . import report
from .ledger import load_ledger
from .registry import Context, all_claims, get, run_claim

__all__ = ["main", "run"]


def _progress(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def _run_one(cid: str, dps: int, seed: int, thorough: bool, expected: str | None) -> dict:
    ctx = Context(dps=dps, seed=seed, thorough=thorough)
    return report.record(run_claim(get(cid), ctx), expected)


def run(ids: list[str], *, dps: int = 30, seed: int = 0, thorough: bool = False, jobs: int = 1,
        ledger: dict | None = None, progress=_progress) -> list[dict]:
    """Run the claims ``ids`` (in a process pool when ``jobs > 1``); records in the order given."""
    ledger = load_ledger() if ledger is None else ledger
    out: dict[str, dict] = {}
    n = len(ids)
    t0 = time.perf_counter()

    def done(rec):
        out[rec["id"]] = rec
        flag = "" if rec["matches_ledger"] else f"  ≠ ledger ({rec['expected']})"
        progress(f"[{len(out)}/{n}] {rec['id']}: {rec['verdict']}{flag} "
                 f"({rec['seconds']:.1f} s; {time.perf_counter() - t0:.0f} s elapsed)")

    if jobs > 1:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            futs = [pool.submit(_run_one, cid, dps, seed, thorough, ledger.get(cid)) for cid in ids]
            for f in as_completed(futs):
                done(f.result())
    else:
        for cid in ids:
            progress(f"[{len(out) + 1}/{n}] {cid} ...")
            done(_run_one(cid, dps, seed, thorough, ledger.get(cid)))
    return [out[cid] for cid in ids]


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="proofs-check",
        description="Check each claim of Ghorbani et al. (NeurIPS 2019) against independent "
                    "evidence (symbolic derivations, exact finite-d risks, simulations) and "
                    "print a verdict per claim.",
        epilog="Exit status: 0 = every verdict matches the ledger, 1 = a verdict differs, "
               "2 = usage error.")
    p.add_argument("--list", action="store_true", help="list the claims and exit")
    p.add_argument("--only", nargs="+", metavar="ID", help="run only these claims")
    p.add_argument("--thorough", action="store_true", help="larger d, more draws (slower)")
    p.add_argument("--dps", type=int, default=30, help="mpmath digits for the formulas (default 30)")
    p.add_argument("--seed", type=int, default=0, help="seed of every random draw (default 0)")
    p.add_argument("--jobs", type=int, default=1, help="run claims in a pool of N processes")
    p.add_argument("--json", action="store_true", help="print the versioned JSON report instead of the table")
    p.add_argument("--markdown", metavar="FILE", help="also write a Markdown report (with PNG plots)")
    p.add_argument("--figures", metavar="DIR", help="also draw Figures 1 and 2 of the paper (PNG) into DIR")
    return p


def main(argv: list[str] | None = None) -> int:
    p = _parser()
    try:
        args = p.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors, 0 on --help
        return int(exc.code or 0)
    if args.dps < 1:
        p.print_usage(sys.stderr)
        print("proofs-check: error: --dps must be ≥ 1", file=sys.stderr)
        return 2
    if args.jobs < 1:
        print("proofs-check: error: --jobs must be ≥ 1", file=sys.stderr)
        return 2
    if args.markdown or args.figures:
        try:
            import matplotlib  # noqa: F401
        except ImportError:
            print("proofs-check: error: --markdown and --figures draw PNG plots with matplotlib, "
                  "which is not installed; pip install 'lazysym[figures]'", file=sys.stderr)
            return 2
    claims = all_claims()
    if args.list:
        for c in claims:
            print(f"{c.id:32s} {c.source}")
        return 0
    ids = [c.id for c in claims]
    if args.only:
        unknown = [i for i in args.only if i not in ids]
        if unknown:
            print(f"proofs-check: error: unknown claim id(s): {', '.join(unknown)}\n"
                  f"valid ids: {', '.join(ids)}", file=sys.stderr)
            return 2
        ids = list(dict.fromkeys(args.only))
    settings = {"dps": args.dps, "seed": args.seed, "thorough": args.thorough}
    records = run(ids, dps=args.dps, seed=args.seed, thorough=args.thorough,
                  jobs=min(args.jobs, os.cpu_count() or 1) if args.jobs > 1 else 1)
    if args.json:
        print(report.to_json(records, settings))
    else:
        print(report.table(records))
    if args.markdown:
        path = report.to_markdown(records, settings, Path(args.markdown))
        print(f"Markdown report: {path}", file=sys.stderr)
    if args.figures:
        from lazysym import figures
        for f in figures.draw_all(Path(args.figures), seed=args.seed, progress=_progress):
            print(f"figure: {f}", file=sys.stderr)
    errors = [r for r in records if r["verdict"] == "error"]
    for r in errors:
        print(f"internal error in {r['id']}: {r['note']}", file=sys.stderr)
    if errors:
        return 3
    bad = [r for r in records if not r["matches_ledger"]]
    for r in bad:
        print(f"verdict differs from the ledger: {r['id']}: got {r['verdict']!r} · "
              f"{r['strength']!r}, ledger expects {r['expected']!r}", file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

"""The ``proofs-check`` command: run the paper's claims and report a verdict for each.

Exit status (the contract; every option and output path is validated before anything runs):

``0``
    every verdict (and its strength) matches the checked-in ledger (``proofs_check/ledger.toml``);
``1``
    a verdict differs from the ledger (each difference is printed on stderr);
``2``
    usage error: a bad option or value, an unknown claim id, an output path that cannot be
    written, a missing optional extra, an unreachable scheduler — one line on stderr, nothing run;
``3``
    internal error: an exception inside a claim's check (never reported as a verdict) or in the
    command itself — one line on stderr, the traceback with ``--debug``.

Output survives any terminal: the table is drawn for the terminal's width (80 columns when
stdout is not a terminal, or ``COLUMNS``), in colour only on a colour TTY, in ASCII when the
output's encoding is not UTF-8; the progress goes to stderr (a bar on a TTY, plain lines
otherwise).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
import traceback
from collections.abc import Callable
from concurrent.futures import Executor, as_completed
from pathlib import Path
from typing import Any, NoReturn, TextIO

from . import report
from .ledger import load_ledger
from .registry import Context, Outcome, all_claims, get, run_claim

__all__ = ["EXIT_DIFFERS", "EXIT_INTERNAL", "EXIT_OK", "EXIT_USAGE", "main", "run"]

EXIT_OK, EXIT_DIFFERS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3

#: ``progress(event, claim_id, record)``: event is "start" (record None) or "done".
Progress = Callable[[str, str, "dict | None"], None]


class UsageError(Exception):
    """A usage error: one line, exit 2."""


def _run_one(cid: str, dps: int, seed: int, thorough: bool, expected: dict | None,
             sweeps: Executor | None = None, audit: bool = False) -> dict:
    ctx = Context(dps=dps, seed=seed, thorough=thorough, executor=sweeps)
    if not audit:
        return report.record(run_claim(get(cid), ctx), expected)
    from .audit import self_test
    c = get(cid)
    t0 = time.perf_counter()
    try:
        data = c.evidence(ctx)
    except Exception as exc:  # an internal error, reported as run_claim reports one
        return report.record(Outcome(c, "error", "numerical", None, None,
                                     time.perf_counter() - t0,
                                     note=f"check raised {type(exc).__name__}: {exc}",
                                     error="".join(traceback.format_exception(exc))), expected)
    t_evidence = time.perf_counter() - t0
    out = run_claim(c, ctx, data=data)
    out.seconds += t_evidence          # the evidence is part of the check's time
    rec = report.record(out, expected)
    rec["self_test"] = self_test(c, out, data, ctx)
    return rec


def run(ids: list[str], *, dps: int = 30, seed: int = 0, thorough: bool = False, jobs: int = 1,
        executor: Executor | None = None, sweeps: bool = False, ledger: dict | None = None,
        progress: Progress | None = None, audit: bool = False) -> list[dict]:
    """Run the claims ``ids`` and return their records (:func:`proofs_check.report.record`) in
    the order given.

    Parameters
    ----------
    ids : list of str
        Claim ids (see ``proofs-check --list``).
    dps, seed, thorough
        The :class:`~proofs_check.registry.Context` of every claim.
    jobs : int
        Without an ``executor``: run the claims in a pool of ``jobs`` processes (1: serially).
    executor : concurrent.futures.Executor or None
        Any executor (a process pool, :class:`proofs_check.executors.DaskExecutor`, ...): each
        claim is one task. The caller keeps ownership (it is not shut down here).
    sweeps : bool
        With an ``executor``: run the claims one after the other in this process and give the
        executor to their :class:`~proofs_check.registry.Context`, so a heavy claim maps its
        independent sweep points over it (``ctx.map``) instead.
    ledger : dict or None
        Expected ``{"verdict", "strength"}`` per id (default: ``proofs_check/ledger.toml``).
    progress : callable or None
        Called as ``progress("start", id, None)`` (serial runs) and ``progress("done", id,
        record)``.
    audit : bool
        Also run each claim's graded self-test on its own evidence
        (:func:`proofs_check.audit.self_test`); its result is the record's ``self_test`` entry.
    """
    ledger = load_ledger() if ledger is None else ledger
    tell: Progress = progress or (lambda event, cid, rec: None)
    out: dict[str, dict] = {}

    def done(rec: dict) -> None:
        out[rec["id"]] = rec
        tell("done", rec["id"], rec)

    if executor is None and jobs > 1:
        from concurrent.futures import ProcessPoolExecutor
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            return run(ids, dps=dps, seed=seed, thorough=thorough, executor=pool, ledger=ledger,
                       progress=progress, audit=audit)
    if executor is None or sweeps:
        for cid in ids:
            tell("start", cid, None)
            done(_run_one(cid, dps, seed, thorough, ledger.get(cid), executor, audit))
    else:
        futs = [executor.submit(_run_one, cid, dps, seed, thorough, ledger.get(cid), None, audit)
                for cid in ids]
        for f in as_completed(futs):
            done(f.result())
    return [out[cid] for cid in ids]


# ------------------------------------------------------------------------------------------
# arguments
# ------------------------------------------------------------------------------------------

class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # one line, exit 2 (argparse prints the usage)
        raise UsageError(f"{message} (see --help)")

    def _print_message(self, message: str, file: Any = None) -> None:  # --help on any terminal
        file = file or sys.stdout
        if message:
            file.write(message if report.can_encode(file) else report.ascii_text(message))


def _int_at_least(lo: int) -> Callable[[str], int]:
    def conv(s: str) -> int:
        try:
            v = int(s)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be an integer; got {s!r}") from None
        if v < lo:
            raise argparse.ArgumentTypeError(f"must be ≥ {lo}; got {v}")
        return v
    return conv


def _parser() -> argparse.ArgumentParser:
    from .executors import EXECUTORS
    p = _Parser(
        prog="proofs-check",
        description="Check each claim of Ghorbani, Mei, Misiakiewicz & Montanari, 'Limitations "
                    "of Lazy Training of Two-layers Neural Networks' (NeurIPS 2019) against "
                    "independent evidence (symbolic derivations, exact finite-d risks, "
                    "simulations) and print a verdict per claim, in the paper's order.",
        epilog="Exit status: 0 = every verdict matches the ledger, 1 = a verdict differs, "
               "2 = usage error (nothing run), 3 = internal error (--debug for the traceback).")
    p.add_argument("--version", action="store_true", help="print the version and exit")
    p.add_argument("--list", action="store_true",
                   help="list the claims (with --only: those; with --json: as JSON) and exit")
    p.add_argument("--only", nargs="+", metavar="ID", help="run only these claims")
    p.add_argument("--thorough", action="store_true", help="larger d, more draws (slower)")
    p.add_argument("--dps", type=_int_at_least(1), default=30,
                   help="mpmath digits for the formulas (default 30)")
    p.add_argument("--seed", type=_int_at_least(0), default=0,
                   help="seed of every random draw, ≥ 0 (default 0)")
    p.add_argument("--jobs", type=_int_at_least(1), default=1,
                   help="worker processes (default 1; > 1 implies --executor process)")
    p.add_argument("--executor", choices=EXECUTORS, default=None,
                   help="where claims run: serial, process (a pool of --jobs), dask (a Dask "
                        "cluster: --scheduler, or a local one of --jobs workers)")
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help="address of a Dask scheduler, e.g. tcp://10.0.0.1:8786 (--executor dask)")
    p.add_argument("--json", action="store_true",
                   help="print the versioned JSON report instead of the table")
    p.add_argument("--markdown", metavar="FILE", help="also write a Markdown report (with PNG plots)")
    p.add_argument("--figures", metavar="DIR", help="also draw Figures 1 and 2 of the paper (PNG) into DIR")
    p.add_argument("--figures-size", choices=("paper", "draft"), default=None,
                   help="with --figures: 'paper' (§4: d = 450, 10 draws, both frames; minutes of "
                        "CPU for the left frames, tens of minutes for the right ones) or 'draft' "
                        "(d = 60, seconds)")
    p.add_argument("--figures-left-only", action="store_true",
                   help="with --figures: only the left frames (risk against N)")
    p.add_argument("--audit", action="store_true",
                   help="also check the checker: each claim's graded self-test on its own "
                        "evidence, the statistical rules' calibration, the certified ψ's "
                        "interval arithmetic (about twice the time; exit 1 if any fails)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress on stderr")
    p.add_argument("--debug", action="store_true", help="print tracebacks of internal errors")
    return p


def _writable_file(opt: str, value: str) -> Path:
    if not value.strip():
        raise UsageError(f"{opt} needs a file name; got an empty path")
    path = Path(value).expanduser()
    if path.is_dir():
        raise UsageError(f"{opt} {value!r} is a directory; give a file name")
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise UsageError(f"{opt} {value!r}: directory {str(parent)!r} does not exist")
    if not os.access(parent, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise UsageError(f"{opt} {value!r}: not writable")
    return path


def _writable_dir(opt: str, value: str) -> Path:
    if not value.strip():
        raise UsageError(f"{opt} needs a directory; got an empty path")
    path = Path(value).expanduser()
    if path.exists() and not path.is_dir():
        raise UsageError(f"{opt} {value!r} exists and is not a directory")
    existing = path
    while not existing.exists():          # the directory is created later: its nearest
        existing = existing.parent        # existing ancestor must be writable
    if not existing.is_dir():
        raise UsageError(f"{opt} {value!r}: {str(existing)!r} is not a directory")
    if not os.access(existing, os.W_OK):
        raise UsageError(f"{opt} {value!r}: {str(existing)!r} is not writable")
    return path


def _validate(args: argparse.Namespace) -> tuple[list[str], Path | None, Path | None]:
    """Check every option that can be checked before running anything; the claim ids to run
    and the output paths. Raises :class:`UsageError`.
    """
    if args.scheduler is not None and args.executor not in (None, "dask"):
        raise UsageError(f"--scheduler needs --executor dask; got --executor {args.executor}")
    if args.scheduler is not None:
        args.executor = "dask"
        if not args.scheduler.strip():
            raise UsageError("--scheduler needs an address, e.g. tcp://127.0.0.1:8786")
    if args.executor == "serial" and args.jobs > 1:
        raise UsageError(f"--executor serial runs one claim at a time; got --jobs {args.jobs}")
    if args.executor is None:
        args.executor = "process" if args.jobs > 1 else "serial"
    md = _writable_file("--markdown", args.markdown) if args.markdown is not None else None
    if md is not None:   # the plots go beside the report, in <stem>_plots/
        _writable_dir("--markdown (its plots)", str(md.parent / f"{md.stem}_plots"))
    if args.figures is None and (args.figures_size is not None or args.figures_left_only):
        raise UsageError("--figures-size and --figures-left-only need --figures DIR")
    args.figures_size = args.figures_size or "paper"
    figs = _writable_dir("--figures", args.figures) if args.figures is not None else None
    if (md or figs) and not args.list:
        try:
            import matplotlib  # noqa: F401  (only checking that the optional extra is there)
        except ImportError:
            raise UsageError("--markdown and --figures draw PNG plots with matplotlib, which "
                             "is not installed; pip install 'lazysym[figures]'") from None
    ids = [c.id for c in all_claims()]
    if args.only is not None:
        wanted = [i.strip() for i in args.only]
        unknown = [i for i in wanted if i not in ids]
        if unknown:
            raise UsageError(f"unknown claim id(s): {', '.join(unknown) or repr('')}; valid "
                             f"ids: {', '.join(ids)}")
        ids = [i for i in ids if i in set(wanted)]   # the paper's order, duplicates dropped
    return ids, md, figs


# ------------------------------------------------------------------------------------------
# output
# ------------------------------------------------------------------------------------------

class _Out:
    """stdout and stderr as the terminal can take them: ASCII when the encoding is not UTF-8,
    colour only on a colour TTY (and not under ``NO_COLOR`` or ``TERM=dumb``).
    """

    def __init__(self, stdout: TextIO, stderr: TextIO) -> None:
        self.stdout, self.stderr = stdout, stderr
        self.unicode = report.can_encode(stdout)
        self.err_unicode = report.can_encode(stderr)
        tty = hasattr(stdout, "isatty") and stdout.isatty()
        self.color = (tty and self.unicode and "NO_COLOR" not in os.environ
                      and os.environ.get("TERM") != "dumb")
        self.err_tty = hasattr(stderr, "isatty") and stderr.isatty()
        cols = shutil.get_terminal_size((80, 24)).columns if tty else 0
        env = os.environ.get("COLUMNS", "")
        self.width = int(env) if env.isdigit() and int(env) > 0 else (cols or 80)

    def out(self, text: str) -> None:
        self.stdout.write((text if self.unicode else report.ascii_text(text)) + "\n")
        self.stdout.flush()

    def err(self, text: str) -> None:
        self.stderr.write((text if self.err_unicode else report.ascii_text(text)) + "\n")
        self.stderr.flush()


def _listing(claims: list, ledger: dict, o: _Out, as_json: bool) -> None:
    rows = [{"id": c.id, "source": c.source, "statement": c.statement, "method": c.method,
             "expected": ledger.get(c.id)} for c in claims]
    if as_json:
        import json
        o.out(json.dumps({"paper": report.PAPER, "claims": rows}, indent=2,
                         ensure_ascii=not o.unicode))
        return
    w = max([2] + [len(r["id"]) for r in rows])
    for r in rows:
        exp = r["expected"] or {}
        o.out(f"{r['id']:<{w}}  {exp.get('verdict', '(not in the ledger)')} · "
              f"{exp.get('strength', '-')}")
        o.out(f"{'':<{w}}  {r['source']}")


class _Progress:
    """A rich progress bar on a TTY, else one plain line per claim (both on stderr)."""

    def __init__(self, o: _Out, n: int, quiet: bool) -> None:
        self.o, self.n, self.quiet, self.k = o, n, quiet, 0
        self.t0 = time.perf_counter()
        self.bar: Any = None
        if not quiet and o.err_tty:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
            con = Console(file=o.stderr, safe_box=not o.err_unicode)
            self.bar = Progress(TextColumn("{task.description}"), BarColumn(),
                                MofNCompleteColumn(), TimeElapsedColumn(), console=con,
                                transient=True)
            self.task = self.bar.add_task("claims", total=n)
            self.bar.start()

    def __call__(self, event: str, cid: str, rec: dict | None) -> None:
        if self.quiet:
            return
        if self.bar is not None:
            if event == "start":
                self.bar.update(self.task, description=report.ascii_text(cid)
                                if not self.o.err_unicode else cid)
            else:
                self.bar.advance(self.task)
            return
        if event == "done" and rec is not None:
            self.k += 1
            flag = "" if rec["matches_ledger"] else "  ≠ ledger"
            self.o.err(f"[{self.k}/{self.n}] {cid}: {rec['verdict']} · {rec['strength']}{flag} "
                       f"({rec['seconds']:.1f} s; {time.perf_counter() - self.t0:.0f} s elapsed)")

    def stop(self) -> None:
        if self.bar is not None:
            self.bar.stop()


def _version() -> str:
    import platform

    import lazysym
    return f"proofs-check {lazysym.__version__} (lazysym {lazysym.__version__}, Python " \
           f"{platform.python_version()})"


def _main(argv: list[str] | None, o: _Out) -> int:
    args = _parser().parse_args(argv)
    if args.version:
        o.out(_version())
        return EXIT_OK
    ids, md, figs = _validate(args)
    ledger = load_ledger()
    if args.list:
        _listing([get(i) for i in ids], ledger, o, args.json)
        return EXIT_OK
    executor = None
    if args.executor in ("process", "dask"):
        from .executors import ExecutorError, make_executor
        try:
            executor = make_executor(args.executor, jobs=min(args.jobs, os.cpu_count() or 1)
                                     if args.executor == "process" else args.jobs,
                                     scheduler=args.scheduler)
        except ExecutorError as exc:
            raise UsageError(str(exc)) from None
    settings: dict[str, Any] = {"dps": args.dps, "seed": args.seed, "thorough": args.thorough,
                                "jobs": args.jobs, "executor": args.executor,
                                "only": None if args.only is None else ids}
    started = time.time()
    bar = _Progress(o, len(ids), args.quiet)
    try:
        records = run(ids, dps=args.dps, seed=args.seed, thorough=args.thorough,
                      executor=executor, ledger=ledger, progress=bar, audit=args.audit)
    finally:
        bar.stop()
        if executor is not None:
            executor.shutdown()
    audit_rows = None
    if args.audit:
        from .audit import platform_audit
        audit_rows = platform_audit()
        settings["audit"] = True
    prov = report.provenance(started, time.time() - started, records)
    if args.json:
        o.out(report.to_json(records, settings, prov, ensure_ascii=not o.unicode,
                             audit=audit_rows))
    else:
        import lazysym
        sizes = "thorough sizes" if args.thorough else "default sizes"
        import textwrap
        o.out(textwrap.fill(
            f"proofs-check {lazysym.__version__}: Ghorbani, Mei, Misiakiewicz & Montanari, "
            f"NeurIPS 2019 (arXiv:{report.PAPER['arxiv']}); dps {args.dps}, seed {args.seed}, "
            f"{sizes}; {prov['seconds']:.0f} s", width=max(o.width, 40)))
        o.out(report.table(records, width=o.width, unicode=o.unicode, color=o.color))
        if audit_rows is not None:
            o.out(report.audit_text(records, audit_rows, width=max(o.width, 40),
                                    unicode=o.unicode))
    if md is not None:
        from .report_markdown import to_markdown
        o.err(f"Markdown report: {to_markdown(records, settings, md, prov)}")
    if figs is not None:
        from lazysym import figures
        for f in figures.draw_all(figs, seed=args.seed, size=args.figures_size,
                                  right=not args.figures_left_only, workers=args.jobs,
                                  progress=lambda m: None if args.quiet else o.err(m)):
            o.err(f"figure: {f}")
    failed = [] if audit_rows is None else report.audit_failures(records, audit_rows)
    for line in failed:
        o.err(f"proofs-check: audit failed: {line}")
    errors = [r for r in records if r["verdict"] == "error"]
    for r in errors:
        o.err(f"proofs-check: internal error in {r['id']}: {r['note']}"
              + ("" if args.debug else " (run with --debug for the traceback)"))
        if args.debug and r["traceback"]:
            o.err(r["traceback"].rstrip())
    if errors:
        return EXIT_INTERNAL
    bad = [r for r in records if not r["matches_ledger"]]
    for r in bad:
        exp = r["expected"]
        want = f"{exp['verdict']} · {exp['strength']}" if exp else "no entry"
        o.err(f"proofs-check: verdict differs from the ledger: {r['id']}: got {r['verdict']} · "
              f"{r['strength']}, ledger: {want}")
    return EXIT_DIFFERS if (bad or failed) else EXIT_OK


def main(argv: list[str] | None = None) -> int:
    """Run ``proofs-check`` with ``argv`` (default: the command line); the exit status."""
    o = _Out(sys.stdout, sys.stderr)
    debug = "--debug" in (sys.argv[1:] if argv is None else argv)
    try:
        return _main(argv, o)
    except UsageError as exc:
        o.err(f"proofs-check: error: {exc}")
        return EXIT_USAGE
    except SystemExit as exc:    # --help
        return int(exc.code or 0) if not isinstance(exc.code, str) else EXIT_USAGE
    except KeyboardInterrupt:
        o.err("proofs-check: interrupted")
        return 130
    except Exception as exc:     # an internal error of the package: one line, exit 3
        o.err(f"proofs-check: internal error: {type(exc).__name__}: {exc}"
              + ("" if debug else " (run with --debug for the traceback)"))
        if debug:
            o.err("".join(traceback.format_exception(exc)).rstrip())
        return EXIT_INTERNAL


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

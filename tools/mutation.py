"""Mutation score of the checks: apply each catalogued single-site mutant, see whether
``proofs-check`` (and then the tests) notice.

The catalogue is ``tools/mutants.toml``: one ``[[mutant]]`` table per mutant, with

``id``          a unique name;
``file``        the source file (relative to the repository root);
``function``    the function (or ``Class.method``) whose body the mutation must fall inside;
``find``        the exact text to replace — it must occur exactly once inside that function;
``replace``     what replaces it;
``claims``      the claim ids whose checks call the mutated code (run with ``proofs-check --only``);
``tests``       the test files of the mutated module (run with pytest when the claims miss it);
``equivalent``  empty, or the reason the mutant cannot change any result (it is then not scored);
``kind``        optional: what sort of slip it is (a constant, a sign, d → d + 1, an exponent, …).

For each non-equivalent mutant the driver copies the repository to a scratch directory, applies
the mutation there, runs ``proofs-check --only <claims>`` from the copy (a mutant is *killed by
the checks* when the run exits non-zero: a verdict left the ledger, or the check raised), and
otherwise runs the listed tests (*killed by the tests* when they fail). It prints one row per
mutant and the two scores::

    python tools/mutation.py --check          # every mutant applies (no runs)
    python tools/mutation.py --baseline       # the claims and tests pass unmutated
    nice -n 5 python tools/mutation.py --jobs 1 --interleave --results /tmp/mutants.jsonl
    python tools/mutation.py --only nt.thm2.square --jobs 1 --keep
    python tools/mutation.py --audit --jobs 2   # the score of `proofs-check --audit` alone

The copy must really be the one imported: ``PYTHONPATH`` points at it, and before each run the
driver checks that ``lazysym`` and ``proofs_check`` resolve inside it (an editable install of the
main checkout would otherwise shadow the mutation; such a mutant is reported ``invalid``).

Run by hand (measured: 474 s wall for the whole catalogue with ``--jobs 2`` on the shared 2-core
machine at load ≈ 2); the scores are reported in the README and at the top of the catalogue.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = ROOT / "tools" / "mutants.toml"
_IGNORE = shutil.ignore_patterns(".venv", ".git", "__pycache__", ".hypothesis", ".pytest_cache",
                                 "*.egg-info", "build", "report", "figures", "docs/_build")


@dataclass
class Mutant:
    id: str
    file: str
    function: str
    find: str
    replace: str
    claims: list[str]
    tests: list[str]
    equivalent: str = ""
    kind: str = ""


@dataclass
class Result:
    mutant: Mutant
    outcome: str          # "checks", "tests", "survived", "equivalent", "invalid"
    seconds: float = 0.0
    detail: str = ""
    extra: dict = field(default_factory=dict)


def load(path: Path = CATALOGUE) -> list[Mutant]:
    """The catalogue, validated: unique ids, known fields, lists of claims and tests."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    out, seen = [], set()
    for row in data.get("mutant", []):
        m = Mutant(**row)
        if m.id in seen:
            raise ValueError(f"duplicate mutant id {m.id!r}")
        seen.add(m.id)
        out.append(m)
    return out


def _function_span(source: str, name: str) -> tuple[int, int]:
    """Character offsets of the function ``name`` (``f`` or ``Class.f``) in ``source``."""
    tree = ast.parse(source)
    parts = name.split(".")
    nodes = tree.body
    node = None
    for part in parts:
        # the last definition of that name: the implementation after any @overload stubs
        node = next((n for n in reversed(nodes) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef,
                                                                 ast.ClassDef)) and n.name == part), None)
        if node is None:
            raise ValueError(f"function {name!r} not found")
        nodes = node.body
    assert node is not None
    lines = source.splitlines(keepends=True)
    start = sum(len(s) for s in lines[: node.lineno - 1])
    end = sum(len(s) for s in lines[: node.end_lineno])
    return start, end


def apply(m: Mutant, root: Path) -> None:
    """Apply ``m`` to the tree at ``root`` (raises ValueError if it does not apply cleanly)."""
    path = root / m.file
    src = path.read_text(encoding="utf-8")
    a, b = _function_span(src, m.function)
    body = src[a:b]
    n = body.count(m.find)
    if n != 1:
        raise ValueError(f"{m.id}: {m.find!r} occurs {n} times in {m.function} ({m.file})")
    path.write_text(src[:a] + body.replace(m.find, m.replace) + src[b:], encoding="utf-8")


def _run(cmd: list[str], cwd: Path, timeout: float) -> tuple[int, str]:
    env = dict(os.environ, PYTHONPATH=str(cwd), OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1",
               MKL_NUM_THREADS="1")
    try:
        p = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True,
                           timeout=timeout, check=False)
        return p.returncode, p.stdout[-1000:] + p.stderr[-3000:]
    except subprocess.TimeoutExpired:
        return -1, f"timeout after {timeout:.0f} s"


#: proofs-check's exit statuses (see ``proofs_check.cli``), for the report.
_EXIT = {1: "a verdict left the ledger or an audit check failed", 2: "usage error",
         3: "internal error (the check raised)", -1: "timeout"}


def _origins(tree: Path, timeout: float) -> str:
    """Empty if ``lazysym`` and ``proofs_check`` import from ``tree`` (PYTHONPATH must win over
    the editable install of the main checkout), else what they resolve to.
    """
    code, out = _run([sys.executable, "-c", "import importlib.util as u; "
                      "print(u.find_spec('lazysym').origin); print(u.find_spec('proofs_check').origin)"],
                     tree, timeout)
    paths = out.split()
    if code != 0 or len(paths) != 2 or not all(Path(x).resolve().is_relative_to(tree.resolve())
                                               for x in paths):
        return f"imports resolve outside the scratch copy: {out.strip()[:200]}"
    return ""


def _which(out: str) -> str:
    """The claims proofs-check reported as differing from the ledger (or raising), from its stderr."""
    hits = []
    for line in out.splitlines():
        for tag in ("verdict differs from the ledger: ", "internal error in ", "audit failed: "):
            if tag in line:
                hits.append(line.split(tag, 1)[1][:90])
    return (": " + "; ".join(hits)) if hits else ""


def run_one(m: Mutant, timeout: float = 900.0, keep: bool = False,
            audit: bool = False) -> Result:
    """Apply one mutant in a scratch copy and run its claims (``audit``: with
    ``proofs-check --audit``), then its tests."""
    t0 = time.perf_counter()
    if m.equivalent:
        return Result(m, "equivalent", 0.0, m.equivalent)
    scratch = Path(tempfile.mkdtemp(prefix=f"mutant-{m.id}-"))
    try:
        tree = scratch / "repo"
        shutil.copytree(ROOT, tree, ignore=_IGNORE)
        try:
            apply(m, tree)
        except (ValueError, SyntaxError) as exc:
            return Result(m, "invalid", time.perf_counter() - t0, str(exc))
        bad = _origins(tree, timeout)
        if bad:
            return Result(m, "invalid", time.perf_counter() - t0, bad)
        py = sys.executable
        # no claim calls the code: the checks cannot see it (code 0 = survived the checks)
        cmd = [py, "-m", "proofs_check.cli", "--only", *m.claims, "--json"]
        code, out = (_run(cmd + (["--audit"] if audit else []), tree, timeout)
                     if m.claims else (0, ""))
        if code != 0:
            return Result(m, "checks", time.perf_counter() - t0,
                          f"proofs-check exit {code} ({_EXIT.get(code, 'failed')}){_which(out)}")
        if not m.tests:
            return Result(m, "survived", time.perf_counter() - t0, "no tests listed")
        code, out = _run([py, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", *m.tests],
                         tree, timeout)
        if code != 0:
            lines = out.strip().splitlines()
            failed = [ln.split(" - ", 1)[0][len("FAILED "):] for ln in lines
                      if ln.startswith("FAILED ")]
            last = lines[-1] if lines else f"pytest exit {code}"
            return Result(m, "tests", time.perf_counter() - t0,
                          last + (f" ({failed[0]})" if failed else ""))
        return Result(m, "survived", time.perf_counter() - t0, "")
    finally:
        if not keep:
            shutil.rmtree(scratch, ignore_errors=True)


def check_applies(muts: list[Mutant], root: Path = ROOT) -> list[str]:
    """One message per mutant that does not apply cleanly (its ``find`` must occur exactly once
    in its function, and the mutated file must still parse); empty if all apply.
    """
    problems = []
    with tempfile.TemporaryDirectory() as tmp:
        for m in muts:
            tree = Path(tmp) / m.id
            (tree / m.file).parent.mkdir(parents=True, exist_ok=True)
            try:
                shutil.copy(root / m.file, tree / m.file)
                apply(m, tree)
                ast.parse((tree / m.file).read_text(encoding="utf-8"))
            except (OSError, ValueError, SyntaxError) as exc:
                problems.append(f"{m.id}: {exc}")
    return problems


def baseline(muts: list[Mutant], timeout: float) -> int:
    """Run the union of the mutants' claims (and then their test files) on an *unmutated* scratch
    copy: both must pass, or a mutant 'killed' by them proves nothing.
    """
    claims = sorted({c for m in muts if not m.equivalent for c in m.claims})
    tests = sorted({t for m in muts if not m.equivalent for t in m.tests})
    with tempfile.TemporaryDirectory(prefix="mutant-baseline-") as tmp:
        tree = Path(tmp) / "repo"
        shutil.copytree(ROOT, tree, ignore=_IGNORE)
        bad = _origins(tree, timeout)
        if bad:
            print(bad)
            return 1
        t0 = time.perf_counter()
        code, out = _run([sys.executable, "-m", "proofs_check.cli", "--only", *claims, "--json"],
                         tree, timeout)
        print(f"baseline proofs-check --only ({len(claims)} claims): exit {code} "
              f"in {time.perf_counter() - t0:.0f} s")
        if code != 0:
            print(out[-1500:])
            return 1
        t0 = time.perf_counter()
        code, out = _run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *tests],
                         tree, timeout)
        print(f"baseline pytest ({len(tests)} files): exit {code} in {time.perf_counter() - t0:.0f} s")
        if code != 0:
            print(out[-1500:])
            return 1
    return 0


def interleave(muts: list[Mutant]) -> list[Mutant]:
    """``muts`` round-robin over their files (catalogue order within a file)."""
    by_file: dict[str, list[Mutant]] = {}
    for m in muts:
        by_file.setdefault(m.file, []).append(m)
    queues = list(by_file.values())
    out: list[Mutant] = []
    while any(queues):
        for q in queues:
            if q:
                out.append(q.pop(0))
    return out


def scores(results: list[Result]) -> dict[str, float | int]:
    """Counts and the two scores over the non-equivalent, valid mutants."""
    scored = [r for r in results if r.outcome in ("checks", "tests", "survived")]
    n = len(scored)
    by_checks = sum(r.outcome == "checks" for r in scored)
    by_tests = sum(r.outcome == "tests" for r in scored)
    return {"mutants": len(results), "scored": n,
            "equivalent": sum(r.outcome == "equivalent" for r in results),
            "invalid": sum(r.outcome == "invalid" for r in results),
            "killed_by_checks": by_checks, "killed_by_tests": by_tests,
            "survived": n - by_checks - by_tests,
            "score_checks": by_checks / n if n else float("nan"),
            "score_total": (by_checks + by_tests) / n if n else float("nan")}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--only", nargs="+", metavar="ID", help="run only these mutants")
    p.add_argument("--jobs", type=int, default=2, help="mutants run in parallel (default 2)")
    p.add_argument("--timeout", type=float, default=900.0, help="seconds per command")
    p.add_argument("--keep", action="store_true", help="keep the scratch copies")
    p.add_argument("--check", action="store_true",
                   help="only check that every mutant applies (no runs)")
    p.add_argument("--interleave", action="store_true",
                   help="run the mutants round-robin over their files (a run cut short is then a "
                        "stratified sample)")
    p.add_argument("--results", metavar="FILE",
                   help="also append one JSON line per finished mutant to FILE")
    p.add_argument("--audit", action="store_true",
                   help="run proofs-check with --audit (self-tests, rule calibration, ψ "
                        "arithmetic audit): the score of `proofs-check --audit` alone")
    p.add_argument("--baseline", action="store_true",
                   help="run the mutants' claims and tests on an unmutated copy (must pass)")
    args = p.parse_args(argv)
    muts = load()
    if args.only:
        unknown = sorted(set(args.only) - {m.id for m in muts})
        if unknown:
            print(f"unknown mutant id(s): {unknown}", file=sys.stderr)
            return 2
        muts = [m for m in muts if m.id in args.only]
    if args.check:
        problems = check_applies(muts)
        for msg in problems:
            print(msg)
        print(f"{len(muts) - len(problems)}/{len(muts)} mutants apply")
        return 1 if problems else 0
    if args.baseline:
        return baseline(muts, args.timeout)
    if args.interleave:
        muts = interleave(muts)
    results: list[Result] = []
    t0 = time.perf_counter()
    with ProcessPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        futs = {pool.submit(run_one, m, args.timeout, args.keep, args.audit): m for m in muts}
        for i, f in enumerate(as_completed(futs), 1):
            r = f.result()
            results.append(r)
            if args.results:
                with open(args.results, "a", encoding="utf-8") as fh:
                    fh.write(json.dumps({"id": r.mutant.id, "file": r.mutant.file,
                                         "function": r.mutant.function, "kind": r.mutant.kind,
                                         "claims": r.mutant.claims, "outcome": r.outcome,
                                         "seconds": round(r.seconds, 1), "detail": r.detail},
                                        ensure_ascii=False) + "\n")
            print(f"[{i}/{len(muts)}] {r.mutant.id:40s} {r.outcome:10s} {r.seconds:6.1f} s  "
                  f"{r.detail[:200]}", flush=True)
    s = scores(results)
    print()
    print(f"{s['mutants']} mutants: {s['equivalent']} equivalent, {s['invalid']} invalid, "
          f"{s['scored']} scored in {time.perf_counter() - t0:.0f} s")
    print(f"killed by proofs-check: {s['killed_by_checks']}/{s['scored']} = "
          f"{100 * s['score_checks']:.1f} %")
    print(f"killed by proofs-check or the tests: "
          f"{s['killed_by_checks'] + s['killed_by_tests']}/{s['scored']} = "
          f"{100 * s['score_total']:.1f} %")
    surv = sorted((r for r in results if r.outcome == "survived"), key=lambda r: r.mutant.id)
    if surv:
        print("survivors:")
        for r in surv:
            mm = r.mutant
            print(f"  {mm.id:34s} {mm.kind:28s} {mm.file}:{mm.function}  "
                  f"claims {', '.join(mm.claims)}")
    bad = sorted(r.mutant.id for r in results if r.outcome == "invalid")
    if bad:
        print("invalid: " + ", ".join(bad))
    return 0


if __name__ == "__main__":
    sys.exit(main())

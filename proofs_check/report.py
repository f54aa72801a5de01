"""Reports of a ``proofs-check`` run: records, the terminal table, JSON and provenance.

``--json`` prints one object, versioned by its ``schema`` field (``"lazysym.proofs-check/2"``);
its JSON Schema is ``proofs_check/report_schema.json`` (validated in the tests). Each claim
record carries the verdict and its strength, the ledger's expectation, the sizes the check used,
and the comparison(s) behind it with the criteria of the acceptance rule, the statistics it used
and the evidence table (machine-readable keys; display labels under ``columns``).
``provenance`` records the package version, the git commit when available, the Python and
library versions, the platform, the start time, the duration and the sizes per claim.

The terminal table (:func:`table`) is drawn with rich and fits the width it is given: the
optional columns (source, method) appear only where they fit, text columns fold rather than
being cut, and :func:`ascii_text` makes every line printable on an ASCII terminal. The Markdown
report is :mod:`proofs_check.report_markdown`.
"""

from __future__ import annotations

import io
import json
import math
import numbers
import re
import unicodedata
from pathlib import Path
from typing import Any

from .registry import STRENGTHS, VERDICTS, Comparison, Outcome

__all__ = ["LEGEND", "PAPER", "SCHEMA", "ascii_text", "can_encode", "key_of", "provenance",
           "record", "schema", "summary", "table", "to_json"]

SCHEMA = "lazysym.proofs-check/2"
PAPER = {
    "title": "Limitations of Lazy Training of Two-layers Neural Networks",
    "authors": ["Behrooz Ghorbani", "Song Mei", "Theodor Misiakiewicz", "Andrea Montanari"],
    "venue": "Advances in Neural Information Processing Systems 32 (NeurIPS 2019)",
    "arxiv": "1906.08899",
}

#: What the numeric columns of the table mean (printed under it).
LEGEND = (
    "error: for an asymptotic claim, |mean(exact - formula)| at the largest d; for an "
    "identity, the largest |formula - evidence| (0 when proved symbolically). "
    "rate: the fitted a in |error| ~ C d^-a (asymptotic claims; - when not fitted). "
    "s: seconds inside the check. Details: --markdown FILE or --json."
)


def _plain(v: Any) -> Any:
    """A JSON-friendly version of a value (mpf, numpy scalars, SymPy → float or str)."""
    if v is None or isinstance(v, (bool, str)):
        return v
    if isinstance(v, numbers.Integral):
        return int(v)
    if isinstance(v, dict):
        return {str(k): _plain(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_plain(x) for x in v]
    if hasattr(v, "dtype") and getattr(v, "ndim", 0) > 0:
        return [_plain(x) for x in v.tolist()]
    try:
        f = float(v)
    except (TypeError, ValueError):
        return str(v)
    if isinstance(v, float) or hasattr(v, "dtype") or type(v).__name__ in ("mpf",):
        return f if math.isfinite(f) else str(f)
    return str(v) if not math.isfinite(f) else f


_KEY = re.compile(r"^[a-z][a-z0-9_]*$")


def key_of(label: str) -> str:
    """A machine-readable key (snake_case) for a column label: "|error| (mean)" → "error_mean"."""
    if _KEY.match(label):
        return label
    k = re.sub(r"[^0-9a-z]+", "_", label.lower().replace("ρ", "rho").replace("σ", "sigma")
               .replace("‖", "").replace("²", "2")).strip("_")
    if not k or not k[0].isalpha():
        k = "c_" + k
    return k


def _table(rows: list[dict], labels: dict[str, str]) -> tuple[list[dict], dict[str, str]]:
    """Rows with machine-readable keys, and the key → display label map."""
    columns: dict[str, str] = {}
    out = []
    for r in rows:
        row = {}
        for label, v in r.items():
            k = key_of(str(label))
            columns.setdefault(k, labels.get(k, str(label) if str(label) != k
                                             else k.replace("_", " ")))
            row[k] = _plain(v)
        out.append(row)
    return out, columns


def _comparison(c: Comparison | None) -> dict | None:
    if c is None:
        return None
    table, columns = _table(c.table, c.labels)
    return {"agrees": bool(c.agrees), "kind": c.kind, "strength": c.strength,
            "strength_note": c.strength_note, "error": _plain(c.error), "rate": _plain(c.rate),
            "rate_ci": _plain(c.rate_ci), "criteria": {key_of(k): bool(v) for k, v in c.criteria.items()},
            "stats": {key_of(k): _plain(v) for k, v in c.stats.items()}, "note": c.note,
            "columns": columns, "table": table,
            "proof": None if c.proof is None else {key_of(k): str(v) for k, v in c.proof.items()}}


def _sizes(o: Outcome) -> Any:
    """The sizes the check used (``Comparison.stats["sizes"]``), from the comparison behind the
    verdict, else the printed one; None when the claim does not record them.
    """
    for c in (o.main, o.printed):
        if c is not None and c.stats.get("sizes") is not None:
            return _plain(c.stats["sizes"])
    return None


def record(o: Outcome, expected: dict | None) -> dict:
    """A plain, picklable, JSON-ready dict for one outcome (see the module docstring).

    ``expected`` is the ledger's entry ``{"verdict": ..., "strength": ...}`` (or None).
    """
    main = o.main
    matches = expected is not None and expected == {"verdict": o.verdict, "strength": o.strength}
    return {
        "id": o.claim.id, "source": o.claim.source, "method": o.claim.method,
        "statement": o.claim.statement, "corrected_statement": o.claim.corrected_statement,
        "correction": o.claim.correction, "hypothesis": o.claim.hypothesis,
        "verdict": o.verdict, "strength": o.strength,
        "strength_note": main.strength_note if main else "",
        "expected": expected, "matches_ledger": bool(matches),
        "error": _plain(main.error) if main else None,
        "rate": _plain(main.rate) if main else None,
        "rate_ci": _plain(main.rate_ci) if main else None,
        "seconds": round(o.seconds, 3),
        "sizes": _sizes(o),
        "note": "; ".join(x for x in (o.note, o.claim.note, main.note if main else "") if x),
        "traceback": o.error,
        "evidence": {"printed": _comparison(o.printed), "corrected": _comparison(o.corrected)},
    }


# ------------------------------------------------------------------------------------------
# text that survives any terminal
# ------------------------------------------------------------------------------------------

_ASCII = {
    "ρ": "rho", "ψ": "psi", "σ": "sigma", "Σ": "Sigma", "Δ": "Delta", "δ": "delta", "λ": "lambda",
    "α": "alpha", "β": "beta", "γ": "gamma", "Γ": "Gamma", "ε": "eps", "ζ": "zeta", "η": "eta",
    "θ": "theta", "κ": "kappa", "μ": "mu", "τ": "tau", "φ": "phi", "Ω": "Omega", "ℓ": "l",
    "𝒯": "T", "§": "S", "·": ".", "×": "x", "–": "-", "—": "--", "−": "-", "…": "...",
    "‖": "||", "⟨": "<", "⟩": ">", "≤": "<=", "≥": ">=", "≠": "!=", "≈": "~", "≲": "<~",
    "∝": "~", "⪰": ">=", "⊆": "subset of", "⊥": "perp", "∞": "inf", "→": "->", "↦": "|->",
    "↓": "v", "⇐": "<=", "∇": "grad", "∈": "in", "√": "sqrt", "∧": "and", "±": "+-",
    "²": "^2", "³": "^3", "¹": "^1", "⁶": "^6", "ᵀ": "^T", "₀": "0", "₁": "1", "₂": "2",
    "₊": "+", "ᵢ": "_i", "ⱼ": "_j", "“": '"', "”": '"', "‘": "'", "’": "'", "✓": "ok",
    "Λ": "Lambda", "Π": "Pi", "Φ": "Phi", "Ψ": "Psi", "ξ": "xi", "π": "pi", "ν": "nu", "χ": "chi",
    "ω": "omega", "≫": ">>", "≪": "<<", "≳": ">~", "⁴": "^4", "⁵": "^5", "⁰": "^0", "⁻": "^-",
    "₃": "3", "₄": "4", "ₖ": "_k", "ₙ": "_n", "∑": "sum", "∫": "int", "∂": "d", "⊗": "(x)",
}


def ascii_text(text: str) -> str:
    """``text`` in ASCII: Greek letters and mathematical signs spelled out (ρ → rho, ≤ → <=),
    accents dropped (NFKD), anything else as ``?``. For terminals that cannot print UTF-8.
    """
    out = []
    for ch in text:
        if ord(ch) < 128:
            out.append(ch)
        elif ch in _ASCII:
            out.append(_ASCII[ch])
        else:
            base = unicodedata.normalize("NFKD", ch).encode("ascii", "ignore").decode()
            out.append(base if base or unicodedata.combining(ch) else "?")
    return "".join(out)


def can_encode(stream: Any, sample: str = "ρ‖·—≤") -> bool:
    """Whether ``stream``'s encoding can write ``sample`` (e.g. False for ASCII or Latin-1)."""
    enc = getattr(stream, "encoding", None) or "ascii"
    try:
        sample.encode(enc)
    except (UnicodeEncodeError, LookupError):
        return False
    return True


# ------------------------------------------------------------------------------------------
# the terminal table
# ------------------------------------------------------------------------------------------

_VERDICT_STYLE = {"holds": "green", "holds asymptotically": "green", "erratum": "yellow",
                  "missing hypothesis": "yellow", "informal": "cyan", "inconclusive": "red",
                  "error": "bold red"}
_STRENGTH_STYLE = {"proved": "bold", "certified": "", "numerical": "dim"}

#: Space a folded text column needs to be worth showing: the source column needs about 30
#: characters (the median source is 32 characters: one or two lines a row), the method column 50
#: (the median method is 193 characters: four lines a row at 50).
_SOURCE_MIN, _METHOD_MIN = 30, 50
_GAP = 2   # between two columns: one space of padding and the (blank) vertical rule


def _num(v: Any, fmt: str) -> str:
    if v is None:
        return "-"
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return format(v, fmt)
    return str(v)


def _cells(r: dict) -> dict[str, str]:
    exp = r.get("expected") or {}
    verdict = r["verdict"]
    if not r["matches_ledger"]:
        verdict += (f" ≠ ledger: {exp.get('verdict')} · {exp.get('strength')}" if exp
                    else " (not in the ledger)")
    return {"id": r["id"] + ("" if r["matches_ledger"] else " !"), "source": r["source"],
            "method": r["method"], "verdict": verdict, "verdict_only": r["verdict"],
            "strength": "-" if r["verdict"] == "error" else r["strength"],
            "error": _num(r["error"], ".2g"), "rate": _num(r["rate"], ".2f"),
            "s": f"{r['seconds']:.1f}"}


def _layout(cells: list[dict[str, str]], width: int) -> list[str]:
    """The richest column set that fits ``width``: the fixed columns always (``s`` dropped
    first when even they do not fit), then source, then method, each when the space left for
    it is at least its minimum (:data:`_SOURCE_MIN`, :data:`_METHOD_MIN`).
    """
    def w(col: str) -> int:
        # the verdict column folds a ledger difference onto further lines: its own width is
        # that of the verdict words ("holds asymptotically")
        key = "verdict_only" if col == "verdict" else col
        return max([len(col)] + [len(c[key]) for c in cells])

    fixed = ["id", "verdict", "strength", "error", "rate", "s"]
    need = sum(w(c) for c in fixed) + _GAP * (len(fixed) - 1)
    if need > width:
        fixed.remove("s")
        need -= w("s") + _GAP
    left = width - need
    if left < _SOURCE_MIN + _GAP:
        return fixed
    if left < _SOURCE_MIN + _METHOD_MIN + 2 * _GAP:
        return ["id", "source", *fixed[1:]]
    return ["id", "source", "method", *fixed[1:]]


def table(records: list[dict], *, width: int = 100, unicode: bool = True, color: bool = False,
          legend: bool = True) -> str:
    """The terminal table of a run, at most ``width`` characters a line.

    Columns: id, source, method, verdict, strength, error, rate, s (seconds). Source and method
    appear only when they fit (:func:`_layout`) and fold inside their column (nothing is cut);
    a row whose verdict differs from the ledger is marked ``!`` and says what the ledger
    expects. ``unicode=False`` draws ASCII and spells out Greek letters and signs
    (:func:`ascii_text`); ``color=True`` adds ANSI colours (verdicts green / yellow / cyan /
    red). Below the table: the counts per verdict and strength, and the :data:`LEGEND`.
    """
    from rich.box import Box
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    width = max(int(width), 40)
    conv = (lambda s: s) if unicode else ascii_text
    cells = [{k: conv(v) for k, v in _cells(r).items()} for r in records]
    cols = _layout(cells, width)
    wide = "method" in cols
    rule = "─" if unicode else "-"
    # rich's SIMPLE_HEAD box (blank rules, one line under the header), drawn with `rule`
    simple = Box(f"    \n    \n {rule}{rule} \n    \n    \n    \n    \n    \n", ascii=not unicode)
    t = Table(box=simple, show_edge=False, pad_edge=False, padding=(0, 1, 0, 0),
              show_lines=wide, safe_box=False, expand="source" in cols)
    for c in cols:
        if c in ("source", "method"):
            t.add_column(c, overflow="fold", ratio=2 if c == "method" else 1,
                         min_width=_SOURCE_MIN if c == "source" else _METHOD_MIN)
        elif c == "verdict":
            # a ledger difference folds under the verdict words instead of widening the column
            t.add_column(c, overflow="fold", ratio=None,
                         max_width=max([7] + [len(x["verdict_only"]) for x in cells]))
        else:
            t.add_column(c, no_wrap=True, justify="right" if c in ("error", "rate", "s") else "left")
    for r, cl in zip(records, cells):
        row = []
        for c in cols:
            style = ""
            if c == "verdict":
                style = _VERDICT_STYLE.get(r["verdict"], "")
            elif c == "strength":
                style = _STRENGTH_STYLE.get(r["strength"], "")
            elif c == "id" and not r["matches_ledger"]:
                style = "bold red"
            row.append(Text(cl[c], style=style if color else ""))
        t.add_row(*row)
    buf = io.StringIO()
    con = Console(file=buf, width=width, color_system="standard" if color else None,
                  force_terminal=color, legacy_windows=False, emoji=False, highlight=False,
                  markup=False, safe_box=not unicode)
    con.print(t)
    s = summary(records)
    counts = ", ".join(f"{n} {v}" for v, n in s["counts"].items() if n)
    strengths = ", ".join(f"{n} {k}" for k, n in s["strengths"].items() if n)
    foot = f"{len(records)} claims: {counts or 'none run'}"
    foot += f". Strength: {strengths}." if strengths else "."
    if s["mismatches"]:
        foot += f" {len(s['mismatches'])} differ from the ledger (marked !)."
    dropped = [c for c in ("source", "method") if c not in cols]
    if dropped and records:
        foot += f" Not shown at {width} columns: {' and '.join(dropped)}."
    con.print(Text(conv(foot)))
    if legend:
        con.print(Text(conv(LEGEND), style="dim" if color else ""))
    return "\n".join(line.rstrip() for line in buf.getvalue().splitlines())


def summary(records: list[dict]) -> dict:
    """Counts per verdict and per strength, ledger mismatches and internal errors."""
    return {"counts": {v: sum(r["verdict"] == v for r in records) for v in (*VERDICTS, "error")},
            "strengths": {s: sum(r["strength"] == s and r["verdict"] != "error" for r in records)
                          for s in STRENGTHS},
            "mismatches": [r["id"] for r in records if not r["matches_ledger"]],
            "errors": [r["id"] for r in records if r["verdict"] == "error"]}


# ------------------------------------------------------------------------------------------
# provenance and JSON
# ------------------------------------------------------------------------------------------

def _git_commit() -> str | None:
    """The checked-out commit of the source tree, when it is a git work tree (else None)."""
    import subprocess
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], cwd=Path(__file__).parent,
                             capture_output=True, text=True, timeout=5, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    commit = out.stdout.strip()
    return commit if out.returncode == 0 and re.fullmatch(r"[0-9a-f]{40}", commit) else None


def provenance(started: float, seconds: float, records: list[dict] | None = None) -> dict:
    """Who computed this report, with what, where and when (``started``: a UNIX time), and the
    sizes each claim used (from its records; claims that record none are left out).
    """
    import datetime
    import platform
    import sys
    from importlib import metadata

    import lazysym

    def version(dist: str) -> str | None:
        try:
            return metadata.version(dist)
        except metadata.PackageNotFoundError:
            return None

    return {"lazysym": lazysym.__version__, "git_commit": _git_commit(),
            "python": sys.version.split()[0],
            "libraries": {d: version(d) for d in ("numpy", "sympy", "mpmath", "python-flint",
                                                  "rich")},
            "platform": platform.platform(),
            "started": datetime.datetime.fromtimestamp(started, datetime.UTC).isoformat(),
            "seconds": round(seconds, 3),
            "sizes": {r["id"]: r["sizes"] for r in records or [] if r.get("sizes") is not None}}


def to_json(records: list[dict], settings: dict, prov: dict | None = None, *,
            ensure_ascii: bool = False, audit: list[dict] | None = None) -> str:
    """The JSON report (schema ``lazysym.proofs-check/2``); ``ensure_ascii`` escapes non-ASCII
    characters (lossless, for terminals that cannot print UTF-8). With ``audit`` (the rows of
    :func:`proofs_check.audit.platform_audit`) the report gains an ``audit`` object.
    """
    import time
    prov = prov or provenance(time.time(), sum(r["seconds"] for r in records), records)
    doc = {"schema": SCHEMA, "paper": PAPER, "provenance": prov, "settings": settings,
           "claims": records, "summary": summary(records)}
    if audit is not None:
        doc["audit"] = {"checks": audit, "failures": audit_failures(records, audit)}
    return json.dumps(doc, indent=2, ensure_ascii=ensure_ascii)


def audit_failures(records: list[dict], audit: list[dict]) -> list[str]:
    """One line per failed item of ``proofs-check --audit``: a claim whose self-test let a wrong
    variant through (or raised), a claim with a verdict but no wrong variant to reject (its check
    is never shown to fail), a claim that ran without a self-test, or a failed calibration /
    arithmetic check. Claims whose verdict is ``inconclusive`` or ``error`` are reported by the
    ledger comparison and the internal-error path instead.
    """
    out: list[str] = []
    for r in records:
        st = r.get("self_test")
        if r["verdict"] in ("inconclusive", "error"):
            continue
        if st is None:
            out.append(f"{r['id']}: no self-test ran")
        elif st["accepted"]:
            out.append(f"{r['id']}: self-test accepted {', '.join(st['accepted'])}")
        elif st["total"] == 0:
            out.append(f"{r['id']}: no wrong variant to reject, so the check is never shown to fail")
    out += [f"{a['part']}: {a['name']} ({a['detail']})" for a in audit if not a["ok"]]
    return out


def audit_text(records: list[dict], audit: list[dict], *, width: int = 80,
               unicode: bool = True) -> str:
    """The audit's summary under the table: self-tests, then the checker's own checks."""
    import textwrap
    st = [r["self_test"] for r in records if r.get("self_test")]
    n_ok = sum(not t["accepted"] for t in st)
    lines = [f"Audit: self-test {n_ok}/{len(st)} claims reject all of their wrong variants "
             f"({sum(t['rejected'] for t in st)}/{sum(t['total'] for t in st)} variants "
             f"rejected on the claims' own evidence)."]
    for part in dict.fromkeys(a["part"] for a in audit):
        items = [a for a in audit if a["part"] == part]
        good = sum(a["ok"] for a in items)
        lines.append(f"Audit: {part} {good}/{len(items)} checks pass "
                     f"({sum(a['cases'] for a in items)} cases).")
    for f in audit_failures(records, audit):
        lines.append(f"FAILED: {f}")
    text = "\n".join(textwrap.fill(ln, width=width, subsequent_indent="  ") for ln in lines)
    return text if unicode else ascii_text(text)


def schema() -> dict:
    """The JSON Schema of :func:`to_json`'s output."""
    return json.loads((Path(__file__).with_name("report_schema.json")).read_text(encoding="utf-8"))

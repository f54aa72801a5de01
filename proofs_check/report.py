"""Reports of a ``proofs-check`` run: records, the terminal table, JSON and Markdown.

``--json`` prints one object, versioned by its ``schema`` field (``"lazysym.proofs-check/2"``);
its JSON Schema is ``proofs_check/report_schema.json`` (validated in the tests). Each claim
record carries the verdict and its strength, the ledger's expectation, and the comparison(s)
behind it with the criteria of the acceptance rule, the statistics it used and the evidence
table (machine-readable keys; display labels under ``columns``). ``provenance`` records the
package version, the git commit when available, the Python and library versions, the platform,
the start time and the duration.
"""

from __future__ import annotations

import json
import math
import numbers
import re
from pathlib import Path

from .registry import STRENGTHS, VERDICTS, Comparison, Outcome

__all__ = ["PAPER", "SCHEMA", "key_of", "provenance", "record", "schema", "summary", "table",
           "to_json", "to_markdown"]

SCHEMA = "lazysym.proofs-check/2"
PAPER = {
    "title": "Limitations of Lazy Training of Two-layers Neural Networks",
    "authors": ["Behrooz Ghorbani", "Song Mei", "Theodor Misiakiewicz", "Andrea Montanari"],
    "venue": "Advances in Neural Information Processing Systems 32 (NeurIPS 2019)",
    "arxiv": "1906.08899",
}


def _plain(v):
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


def _comparison(c: Comparison | None):
    if c is None:
        return None
    table, columns = _table(c.table, c.labels)
    return {"agrees": bool(c.agrees), "kind": c.kind, "strength": c.strength,
            "strength_note": c.strength_note, "error": _plain(c.error), "rate": _plain(c.rate),
            "rate_ci": _plain(c.rate_ci), "criteria": {key_of(k): bool(v) for k, v in c.criteria.items()},
            "stats": {key_of(k): _plain(v) for k, v in c.stats.items()}, "note": c.note,
            "columns": columns, "table": table,
            "proof": None if c.proof is None else {key_of(k): str(v) for k, v in c.proof.items()}}


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
        "note": "; ".join(x for x in (o.note, o.claim.note, main.note if main else "") if x),
        "traceback": o.error,
        "evidence": {"printed": _comparison(o.printed), "corrected": _comparison(o.corrected)},
    }


def _fmt(v, width=None):
    if v is None:
        return "—"
    if isinstance(v, float):
        return f"{v:.3g}"
    return str(v)


def table(records: list[dict]) -> str:
    """The terminal table: id, source, method, verdict, error, rate, seconds."""
    cols = [("id", "id"), ("source", "source"), ("method", "method"), ("verdict", "verdict"),
            ("error", "error"), ("rate", "rate"), ("seconds", "s")]
    rows = []
    for r in records:
        exp = r["expected"] or {}
        v = f"{r['verdict']} · {r['strength']}" + (
            "" if r["matches_ledger"] else
            f"  (ledger: {exp.get('verdict')} · {exp.get('strength')})")
        rows.append([r["id"], r["source"], r["method"], v, _fmt(r["error"]), _fmt(r["rate"]),
                     f"{r['seconds']:.1f}"])
    widths = [max(len(h), *(len(row[i]) for row in rows)) if rows else len(h)
              for i, (_, h) in enumerate(cols)]
    widths = [min(w, 48) for w in widths]

    def line(cells):
        return "  ".join((c if len(c) <= w else c[: w - 1] + "…").ljust(w)
                         for c, w in zip(cells, widths)).rstrip()

    out = [line([h for _, h in cols]), line(["-" * w for w in widths])]
    out += [line(row) for row in rows]
    counts = {v: sum(r["verdict"] == v for r in records) for v in VERDICTS}
    out.append("")
    out.append(", ".join(f"{n} {v}" for v, n in counts.items()) + f"  ({len(records)} claims)")
    return "\n".join(out)


def summary(records: list[dict]) -> dict:
    """Counts per verdict and per strength, ledger mismatches and internal errors."""
    return {"counts": {v: sum(r["verdict"] == v for r in records) for v in VERDICTS},
            "strengths": {s: sum(r["strength"] == s and r["verdict"] != "error" for r in records)
                          for s in STRENGTHS},
            "mismatches": [r["id"] for r in records if not r["matches_ledger"]],
            "errors": [r["id"] for r in records if r["verdict"] == "error"]}


def provenance(started: float, seconds: float) -> dict:
    """Who computed this report, with what, where and when (``started``: a UNIX time)."""
    import datetime
    import platform
    import subprocess
    import sys
    from importlib import metadata

    import lazysym

    def version(dist: str) -> str | None:
        try:
            return metadata.version(dist)
        except metadata.PackageNotFoundError:
            return None

    commit = None
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], cwd=Path(__file__).parent,
                             capture_output=True, text=True, timeout=5, check=False)
        commit = out.stdout.strip() or None if out.returncode == 0 else None
    except (OSError, subprocess.SubprocessError):
        commit = None
    return {"lazysym": lazysym.__version__, "git_commit": commit,
            "python": sys.version.split()[0],
            "libraries": {d: version(d) for d in ("numpy", "sympy", "mpmath", "python-flint")},
            "platform": platform.platform(),
            "started": datetime.datetime.fromtimestamp(started, datetime.UTC).isoformat(),
            "seconds": round(seconds, 3)}


def to_json(records: list[dict], settings: dict, prov: dict | None = None) -> str:
    """The JSON report (schema ``lazysym.proofs-check/2``)."""
    import time
    prov = prov or provenance(time.time(), sum(r["seconds"] for r in records))
    return json.dumps({"schema": SCHEMA, "paper": PAPER, "provenance": prov,
                       "settings": settings, "claims": records, "summary": summary(records)},
                      indent=2, ensure_ascii=False)


def schema() -> dict:
    """The JSON Schema of :func:`to_json`'s output."""
    return json.loads((Path(__file__).with_name("report_schema.json")).read_text())


def _md_table(rows: list[dict]) -> list[str]:
    if not rows:
        return ["_(no table)_"]
    cols = list(dict.fromkeys(k for r in rows for k in r))

    def cell(v):
        return _fmt(_plain(v)).replace("|", "\\|").replace("\n", " ")

    out = ["| " + " | ".join(c.replace("|", "\\|") for c in cols) + " |", "|" + "---|" * len(cols)]
    out += ["| " + " | ".join(cell(r.get(c)) for c in cols) + " |" for r in rows]
    return out


def _plot(rec: dict, path: Path) -> bool:
    """Log-log plot of mean |error| against d for an asymptotic comparison; False if none."""
    ev = rec["evidence"]["corrected"] if rec["verdict"] == "erratum" else rec["evidence"]["printed"]
    if not ev or not ev["table"]:
        return False
    pts = [(r.get("d"), r.get("error_mean")) for r in ev["table"]]
    pts = [(float(d), float(e)) for d, e in pts
           if isinstance(d, (int, float)) and isinstance(e, (int, float)) and e > 0]
    if len(pts) < 2:
        return False
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(4.2, 3.0), dpi=110)
    ds, es = zip(*pts)
    ax.loglog(ds, es, "o-", label="mean |exact − formula|")
    if rec.get("rate"):
        ax.loglog(ds, [es[0] * (d / ds[0]) ** (-rec["rate"]) for d in ds], "--",
                  label=f"fit d^-{rec['rate']:.2f}")
    ax.set_xlabel("d")
    ax.set_ylabel("error")
    ax.set_title(rec["id"])
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return True


def to_markdown(records: list[dict], settings: dict, path: Path) -> Path:
    """Write a Markdown report (with PNG error plots in ``<stem>_plots/``); returns the path."""
    path = Path(path)
    plots = path.parent / f"{path.stem}_plots"
    lines = ["# proofs-check report", "", f"Paper: {PAPER['title']} ({PAPER['venue']}, arXiv:{PAPER['arxiv']})", "",
             f"Settings: dps = {settings['dps']}, seed = {settings['seed']}, "
             f"thorough = {settings['thorough']}", ""]
    s = summary(records)
    lines += ["| verdict | claims |", "|---|---|"]
    lines += [f"| {v} | {n} |" for v, n in s["counts"].items()]
    lines += ["", "| id | source | verdict | error | rate |", "|---|---|---|---|---|"]
    lines += [f"| [{r['id']}](#{r['id'].replace('.', '')}) | {r['source']} | {r['verdict']} | "
              f"{_fmt(r['error'])} | {_fmt(r['rate'])} |" for r in records]
    for r in records:
        lines += ["", f"## {r['id']}", "", f"**Source:** {r['source']}  ", f"**Method:** {r['method']}  ",
                  f"**Verdict:** {r['verdict']}" + ("" if r["matches_ledger"] else
                                                    f" (ledger expects {r['expected']})"), "",
                  "Printed:", "", f"$$ {r['statement']} $$", ""]
        if r["corrected_statement"]:
            lines += ["Corrected:", "", f"$$ {r['corrected_statement']} $$", ""]
        if r["note"]:
            lines += [f"_{r['note']}_", ""]
        for label in ("printed", "corrected"):
            ev = r["evidence"][label]
            if ev:
                lines += [f"Evidence against the {label} form (agrees: {ev['agrees']}, "
                          f"kind: {ev['kind']}):", ""]
                lines += _md_table(ev["table"]) + [""]
        plots.mkdir(parents=True, exist_ok=True)
        png = plots / f"{r['id']}.png"
        if _plot(r, png):
            lines += [f"![error against d for {r['id']}]({plots.name}/{png.name})", ""]
        lines += [f"Re-run: `proofs-check --only {r['id']} --thorough`", ""]
    path.write_text("\n".join(lines))
    return path

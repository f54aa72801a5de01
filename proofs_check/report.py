"""Reports of a ``proofs-check`` run: records, the terminal table, JSON and Markdown.

JSON schema
-----------
``--json`` prints one object, versioned by its ``schema`` field (currently
``"lazysym.proofs-check/1"``; the JSON Schema is ``proofs_check/report_schema.json``)::

    {
      "schema": "lazysym.proofs-check/1",
      "paper": "...",
      "settings": {"dps": 30, "seed": 0, "thorough": false},
      "claims": [
        {
          "id": "thm2", "source": "§2.2, Theorem 2", "method": "...",
          "statement": "<printed formula, LaTeX>",
          "corrected_statement": "<LaTeX>" | null,
          "verdict": "holds" | "holds asymptotically" | "erratum" | "inconclusive",
          "expected": "<ledger verdict>" | null, "matches_ledger": true | false,
          "error": <float> | null, "rate": <float> | null, "seconds": <float>,
          "note": "...",
          "evidence": {"printed": <comparison>, "corrected": <comparison> | null}
        }, ...
      ],
      "summary": {"counts": {"holds": n, ...}, "mismatches": ["id", ...]}
    }

where ``<comparison>`` is ``{"agrees": bool, "kind": "identity" | "asymptotic", "error": float |
null, "rate": float | null, "note": str, "table": [ {column: value, ...}, ... ]}``.
"""

from __future__ import annotations

import json
import math
import numbers
from pathlib import Path

from .registry import VERDICTS, Comparison, Outcome

__all__ = ["SCHEMA", "PAPER", "record", "table", "to_json", "to_markdown", "schema"]

SCHEMA = "lazysym.proofs-check/1"
PAPER = ("Ghorbani, Mei, Misiakiewicz, Montanari. Limitations of Lazy Training of Two-layers "
         "Neural Networks. NeurIPS 2019.")


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
    try:
        f = float(v)
    except (TypeError, ValueError):
        return str(v)
    if isinstance(v, float) or hasattr(v, "dtype") or type(v).__name__ in ("mpf",):
        return f if math.isfinite(f) else str(f)
    return str(v) if not math.isfinite(f) else f


def _comparison(c: Comparison | None):
    if c is None:
        return None
    return {"agrees": bool(c.agrees), "kind": c.kind, "error": _plain(c.error),
            "rate": _plain(c.rate), "note": c.note, "table": _plain(c.table)}


def record(o: Outcome, expected: str | None) -> dict:
    """A plain, picklable, JSON-ready dict for one outcome (see the module docstring)."""
    main = o.main
    return {
        "id": o.claim.id, "source": o.claim.source, "method": o.claim.method,
        "statement": o.claim.statement, "corrected_statement": o.claim.corrected_statement,
        "verdict": o.verdict, "expected": expected,
        "matches_ledger": expected == o.verdict,
        "error": _plain(main.error) if main else None,
        "rate": _plain(main.rate) if main else None,
        "seconds": round(o.seconds, 3),
        "note": "; ".join(x for x in (o.note, o.claim.note, main.note if main else "") if x),
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
        v = r["verdict"] + ("" if r["matches_ledger"] else f"  (ledger: {r['expected']})")
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
    return {"counts": {v: sum(r["verdict"] == v for r in records) for v in VERDICTS},
            "mismatches": [r["id"] for r in records if not r["matches_ledger"]]}


def to_json(records: list[dict], settings: dict) -> str:
    return json.dumps({"schema": SCHEMA, "paper": PAPER, "settings": settings,
                       "claims": records, "summary": summary(records)}, indent=2,
                      ensure_ascii=False)


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
    pts = [(r.get("d"), r.get("|error| (mean)")) for r in ev["table"]]
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
    lines = ["# proofs-check report", "", f"Paper: {PAPER}", "",
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

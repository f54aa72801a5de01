"""The Markdown report of a ``proofs-check`` run (``--markdown FILE``), with PNG error plots.

For each claim: source, method, verdict and strength (and the ledger's expectation when it
differs), the printed and corrected statements, the hypothesis a ``missing hypothesis`` verdict
adds, for a ``proved`` comparison its chain (closed form, limit, bound: ``Comparison.proof``),
the sizes used, each comparison's acceptance criteria, and its evidence **one table per setting**
(rows that differ in a configuration column — the case, ρ, the family — are never averaged or
joined). The plot draws |error| against d, one line per setting, the printed form dashed and the
corrected form solid for an erratum, and the fitted rate as a line of that slope through the
points it was fitted on (never anchored at the first point). The report starts with its
provenance (:func:`proofs_check.report.provenance`).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from .report import PAPER, summary

__all__ = ["fit_line", "series", "settings_of", "to_markdown"]

#: Columns that measure (never a configuration), whatever their values.
_MEASURES = {"draws", "exact_mean", "spread_std", "formula", "error_mean", "error_se", "error",
             "bias_bound", "exact", "value", "difference", "agrees"}


def _fmt(v: Any) -> str:
    if v is None:
        return "—"
    if isinstance(v, float):
        return f"{v:.4g}"
    return str(v)


def _conf(v: Any) -> str:
    return "(main sweep)" if v is None else _fmt(v)


def settings_of(rows: list[dict], x: str = "d") -> list[tuple[dict, list[dict]]]:
    """Split evidence rows into settings: ``[(configuration, rows), ...]``.

    The configuration columns are the fewest columns (other than ``x`` and the measurements)
    that make ``x`` unique within each group: columns of text, integers or booleans are tried
    before floating-point ones, each by its number of distinct values. Without an ``x`` column,
    or when no choice makes it unique, all rows form one setting.
    """
    if not rows or any(x not in r for r in rows):
        return [({}, rows)]

    def unique_x(keys: list[str]) -> bool:
        seen = set()
        for r in rows:
            k = (tuple(str(r.get(c)) for c in keys), str(r[x]))
            if k in seen:
                return False
            seen.add(k)
        return True

    if unique_x([]):
        return [({}, rows)]
    cand = [k for k in dict.fromkeys(k for r in rows for k in r) if k != x and k not in _MEASURES]
    distinct = {k: len({str(r.get(k)) for r in rows}) for k in cand}
    cand = [k for k in cand if 1 < distinct[k] < len(rows)]
    cand.sort(key=lambda k: (any(isinstance(r.get(k), float) for r in rows), distinct[k]))
    keys: list[str] = []
    for k in cand:
        keys.append(k)
        if unique_x(keys):
            break
    else:
        return [({}, rows)]
    groups: dict[tuple, list[dict]] = {}
    for r in rows:
        groups.setdefault(tuple(str(r.get(k)) for k in keys), []).append(r)
    return [({k: g[0].get(k) for k in keys}, g) for g in groups.values()]


def _md_table(rows: list[dict], columns: dict[str, str], drop: tuple[str, ...] = ()) -> list[str]:
    if not rows:
        return ["_(no table)_"]
    cols = [c for c in dict.fromkeys(k for r in rows for k in r) if c not in drop]

    def cell(v: Any) -> str:
        return _fmt(v).replace("|", "\\|").replace("\n", " ")

    out = ["| " + " | ".join(cell(columns.get(c, c)) for c in cols) + " |",
           "|" + "---|" * len(cols)]
    out += ["| " + " | ".join(cell(r.get(c)) for c in cols) + " |" for r in rows]
    return out


def _error_points(rows: list[dict]) -> list[tuple[float, float, float]]:
    """(d, |error|, standard error or 0) of the rows with a positive finite error, by d."""
    ykey = "error_mean" if any("error_mean" in r for r in rows) else "error"
    pts = []
    for r in rows:
        d, e, se = r.get("d"), r.get(ykey), r.get("error_se")
        if isinstance(d, (int, float)) and isinstance(e, (int, float)) and not isinstance(e, bool):
            if math.isfinite(float(e)) and abs(float(e)) > 0:
                se = float(se) if isinstance(se, (int, float)) and math.isfinite(float(se)) else 0.0
                pts.append((float(d), abs(float(e)), abs(se)))
    return sorted(pts)


def series(rec: dict) -> list[tuple[str, dict, list[tuple[float, float, float]]]]:
    """The lines of a claim's error plot: ``(form, setting, [(d, |error|, s.e.), ...])`` for
    each comparison (printed, corrected) and each of its settings (:func:`settings_of`) with
    positive errors at two distinct d or more.
    """
    out = []
    for form in ("printed", "corrected"):
        ev = rec["evidence"][form]
        if not ev:
            continue
        for conf, rows in settings_of(ev["table"]):
            pts = _error_points(rows)
            if len({d for d, _, _ in pts}) >= 2:
                out.append((form, conf, pts))
    return out


def fit_line(pts: list[tuple[float, float, float]], rate: float) -> tuple[list[float], list[float]]:
    """The fitted line |error| = C d^(−rate) over the d range of ``pts``: two points (ds, ys).

    The rate comes from the fit (:func:`proofs_check.evidence.decisions.rate_fit`: weighted
    least squares of log|e| on log d over the points resolved above three standard errors,
    weights (|e|/s.e.)², unweighted when there are no standard errors). A least-squares line
    passes through the (weighted) centroid of its points, so C is recovered from the same
    points and weights — the line is the fit's, not one anchored at the first point.
    """
    used = [(d, e, se) for d, e, se in pts if e > 3.0 * se] or pts
    ws = [1.0 if se == 0 else (e / se) ** 2 for _, e, se in used]
    if any(se == 0 for _, _, se in used):
        ws = [1.0] * len(used)
    cx = sum(w * math.log(d) for w, (d, _, _) in zip(ws, used)) / sum(ws)
    cy = sum(w * math.log(e) for w, (_, e, _) in zip(ws, used)) / sum(ws)
    ds = [pts[0][0], pts[-1][0]]
    return ds, [math.exp(cy - rate * (math.log(d) - cx)) for d in ds]


def _plot(rec: dict, path: Path) -> str | None:
    """Log-log plot of |error| against d (see the module docstring); the caption, or None
    when no comparison has at least two positive errors at distinct d.
    """
    lines = series(rec)
    if not lines:
        return None
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FixedLocator, NullFormatter, NullLocator, ScalarFormatter

    fig, ax = plt.subplots(figsize=(5.6, 3.6), dpi=110)
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    confs = list(dict.fromkeys(str(conf) for _, conf, _ in lines))
    both = len({form for form, _, _ in lines}) > 1
    for form, conf, pts in lines:
        label = form + (" " + ", ".join(f"{k}={_conf(v)}" for k, v in conf.items()) if conf else "")
        ax.loglog([p[0] for p in pts], [p[1] for p in pts], marker="o" if form == "printed" else "s",
                  ls="--" if form == "printed" and both else "-",
                  color=colours[confs.index(str(conf)) % len(colours)], label=label, ms=4)
    caption = f"|error| against d for {rec['id']}"
    if both:
        caption += " (printed form dashed, corrected form solid)"
    main_form = "corrected" if rec["verdict"] in ("erratum", "missing hypothesis", "informal") \
        else "printed"
    main = [ln for ln in lines if ln[0] == main_form]
    rate = rec.get("rate")
    # the rate is fitted on the main sweep: the one setting, or the rows without the extra
    # configuration columns (decisions.asymptotic's own rows, before its extra_rows)
    swept = main if len(main) == 1 else [ln for ln in main
                                         if ln[1] and all(v is None for v in ln[1].values())]
    if isinstance(rate, (int, float)) and len(swept) == 1:
        ds, ys = fit_line(swept[0][2], float(rate))
        ax.loglog(ds, ys, ":", color="k", label=f"fit: d^-{rate:.2f}")
        caption += f"; dotted: the fitted line, rate {rate:.2f}"
    elif isinstance(rate, (int, float)):
        caption += f"; fitted rate {rate:.2f} (its sweep is not one of the lines: not drawn)"
    all_d = sorted({d for _, _, pts in lines for d, _, _ in pts})
    step = max(1, math.ceil(len(all_d) / 6))             # at most 6 labelled ticks: no overlap
    ax.xaxis.set_major_locator(FixedLocator(all_d[::step]))
    ax.xaxis.set_major_formatter(ScalarFormatter())
    ax.xaxis.set_minor_locator(NullLocator())
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.set_xlabel("d")
    ax.set_ylabel("|error|")
    ax.set_title(rec["id"], fontsize=9)
    ax.legend(fontsize=6, loc="best")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return caption


def _provenance(prov: dict, settings: dict) -> list[str]:
    libs = ", ".join(f"{k} {v}" for k, v in prov["libraries"].items() if v)
    out = ["| provenance | |", "|---|---|",
           f"| lazysym | {prov['lazysym']} |",
           f"| git commit | {prov['git_commit'] or '— (not a git checkout)'} |",
           f"| Python | {prov['python']} ({libs}) |",
           f"| platform | {prov['platform']} |",
           f"| started | {prov['started']} |",
           f"| duration | {prov['seconds']:.1f} s |"]
    out += [f"| {k} | {_fmt(v)} |" for k, v in settings.items()]
    return out


def _comparison(label: str, ev: dict) -> list[str]:
    verdict = "agrees" if ev["agrees"] else "disagrees"
    out = [f"**Evidence against the {label} form** — {verdict} ({ev['kind']}, {ev['strength']}"
           + (f": {ev['strength_note']}" if ev["strength_note"] else "") + ")", ""]
    if ev["criteria"]:
        out += ["Criteria: " + ", ".join(f"{k} {'✓' if v else '✗'}"
                                         for k, v in ev["criteria"].items()), ""]
    if ev.get("proof"):
        out += ["Proof:", ""] + [f"- {k.replace('_', ' ')}: ${v}$" if k in
                                 ("closed_form", "limit") else f"- {k.replace('_', ' ')}: {v}"
                                 for k, v in ev["proof"].items()] + [""]
    if ev["note"]:
        out += [f"_{ev['note']}_", ""]
    for conf, rows in settings_of(ev["table"]):
        if conf:
            out += ["Setting: " + ", ".join(f"{ev['columns'].get(k, k)} = {_conf(v)}"
                                            for k, v in conf.items()), ""]
        out += _md_table(rows, ev["columns"], drop=tuple(conf)) + [""]
    return out


def to_markdown(records: list[dict], settings: dict, path: Path, prov: dict | None = None) -> Path:
    """Write the Markdown report to ``path`` (PNG plots in ``<stem>_plots/`` beside it) and
    return ``path``.
    """
    import time

    from .report import provenance
    path = Path(path)
    prov = prov or provenance(time.time(), sum(r["seconds"] for r in records), records)
    plots = path.parent / f"{path.stem}_plots"
    lines = ["# proofs-check report", "",
             f"Paper: *{PAPER['title']}*, {', '.join(PAPER['authors'])}. {PAPER['venue']}, "
             f"arXiv:{PAPER['arxiv']}.", ""]
    lines += _provenance(prov, settings) + [""]
    s = summary(records)
    lines += ["| verdict | claims |", "|---|---|"]
    lines += [f"| {v} | {n} |" for v, n in s["counts"].items() if n]
    lines += ["", "| id | source | verdict | strength | error | rate |", "|---|---|---|---|---|---|"]
    lines += [f"| [{r['id']}](#{r['id'].replace('.', '')}) | {r['source'].replace('|', chr(92) + '|')} | "
              f"{r['verdict']}"
              f"{'' if r['matches_ledger'] else ' (≠ ledger)'} | {r['strength']} | "
              f"{_fmt(r['error'])} | {_fmt(r['rate'])} |" for r in records]
    for r in records:
        exp = r["expected"]
        lines += ["", f"## {r['id']}", "", f"**Source:** {r['source']}  ",
                  f"**Method:** {r['method']}  ",
                  f"**Verdict:** {r['verdict']} · {r['strength']}"
                  + ("" if r["matches_ledger"] else
                     f" (the ledger expects {exp['verdict']} · {exp['strength']})" if exp
                     else " (not in the ledger)") + "  "]
        if r["strength_note"]:
            lines += [f"**Strength:** {r['strength_note']}  "]
        if r.get("sizes") is not None:
            lines += [f"**Sizes:** {_fmt(r['sizes'])}  "]
        lines += ["", "Printed:", "", f"$$ {r['statement']} $$", ""]
        if r["corrected_statement"]:
            lines += [f"Corrected ({r['correction']}):", "", f"$$ {r['corrected_statement']} $$", ""]
        if r["hypothesis"]:
            lines += [f"Hypothesis added: {r['hypothesis']}", ""]
        if r["note"]:
            lines += [f"_{r['note']}_", ""]
        if r["verdict"] == "error" and r["traceback"]:
            lines += ["Internal error:", "", "```", r["traceback"].rstrip(), "```", ""]
        for label in ("printed", "corrected"):
            ev = r["evidence"][label]
            if ev:
                lines += _comparison(label, ev)
        plots.mkdir(parents=True, exist_ok=True)
        png = plots / f"{r['id']}.png"
        caption = _plot(r, png)
        if caption:
            lines += [f"![{caption}]({plots.name}/{png.name})", "", f"_{caption}._", ""]
        lines += [f"Re-run: `proofs-check --only {r['id']} --thorough`", ""]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path

"""The reports: the terminal table at 80 and 200 columns, ASCII output, provenance, the JSON
schema, and the Markdown report (settings, the fitted line, errata drawn with both forms)."""

import json
import math
import re

import jsonschema
import pytest
from rich.cells import cell_len

from proofs_check import report
from proofs_check import report_markdown as M
from proofs_check.registry import VERDICTS, all_claims


def _records(n=None, mismatch=()):
    """Records with the real claims' ids, sources and methods (their widths are what the table
    must fit), and made-up verdicts and numbers (no check is run)."""
    out = []
    for i, c in enumerate(all_claims()[:n]):
        v = VERDICTS[i % len(VERDICTS)]
        out.append({"id": c.id, "source": c.source, "method": c.method, "verdict": v,
                    "strength": ("proved", "certified", "numerical")[i % 3],
                    "expected": {"verdict": "holds", "strength": "proved"},
                    "matches_ledger": c.id not in mismatch, "error": 10.0 ** -(i % 9) * 1.234,
                    "rate": None if i % 4 else 0.98 + i / 100, "seconds": 0.1 * i, "sizes": None})
    return out


def _lines(text):
    return text.splitlines()


@pytest.mark.parametrize("unicode", [True, False])
def test_table_fits_80_columns(unicode):
    recs = _records(mismatch={"thm2", "poster.rho_inf_any_activation"})
    text = report.table(recs, width=80, unicode=unicode)
    assert max(cell_len(line) for line in _lines(text)) <= 80
    for r in recs:                       # every claim is there, its id whole, on one line
        assert re.search(rf"^{re.escape(r['id'])}\b", text, re.M), r["id"]
    assert "Not shown at 80 columns: source and method" in text
    assert "error:" in text and "rate:" in text          # the legend
    if not unicode:
        assert text.isascii()


def test_table_at_200_columns_cuts_nothing():
    recs = _records()
    text = report.table(recs, width=200)
    assert max(cell_len(line) for line in _lines(text)) <= 200
    words = set(text.split())
    for r in recs:     # source and method shown, folded inside their column, no word cut
        for w in (r["source"] + " " + r["method"]).split():
            assert w in words or len(w) > 30, (r["id"], w)
    assert "Not shown" not in text


def test_table_between_shows_source_only():
    recs = _records()
    text = report.table(recs, width=150)
    header = _lines(text)[0].split()
    assert "source" in header and "method" not in header
    assert max(cell_len(line) for line in _lines(text)) <= 150


def test_table_marks_a_ledger_difference_and_colours_only_when_asked():
    recs = _records(6, mismatch={all_claims()[2].id})
    plain = report.table(recs, width=100)
    assert "\x1b[" not in plain
    assert f"{recs[2]['id']} !" in plain
    assert "≠ ledger:" in plain and "holds · proved" in plain   # folded in the verdict column
    assert "1 differ from the ledger" in plain
    coloured = report.table(recs, width=100, color=True)
    assert "\x1b[" in coloured


def test_ascii_text_spells_out_every_character_the_claims_use():
    text = " ".join(c.source + " " + c.method + " " + c.id for c in all_claims())
    out = report.ascii_text(text)
    assert out.isascii() and "?" not in out.replace("?'", "").replace("? ", "")
    assert report.ascii_text("ρ ≤ ‖B‖²_F · λ₂ ≠ 0") == "rho <= ||B||^2_F . lambda2 != 0"


def test_can_encode():
    import io
    assert report.can_encode(io.TextIOWrapper(io.BytesIO(), encoding="utf-8"))
    assert not report.can_encode(io.TextIOWrapper(io.BytesIO(), encoding="ascii"))
    assert not report.can_encode(io.TextIOWrapper(io.BytesIO(), encoding="latin-1"))


def test_key_of():
    assert report.key_of("|error| (mean)") == "error_mean"
    assert report.key_of("ρ") == "rho"
    assert report.key_of("2‖B‖²") == "c_2b2"
    assert report.key_of("already_a_key") == "already_a_key"


def test_provenance_has_versions_commit_time_and_sizes():
    recs = _records(3)
    recs[1]["sizes"] = {"d": [50, 100], "draws": 6}
    prov = report.provenance(0.0, 1.5, recs)
    assert prov["started"].startswith("1970-01-01T00:00:00")
    assert prov["seconds"] == 1.5 and prov["python"] and prov["libraries"]["numpy"]
    assert prov["git_commit"] is None or re.fullmatch(r"[0-9a-f]{40}", prov["git_commit"])
    assert prov["sizes"] == {recs[1]["id"]: {"d": [50, 100], "draws": 6}}
    import lazysym
    assert prov["lazysym"] == lazysym.__version__


def test_json_schema_accepts_a_report_and_refuses_display_keys():
    recs = [dict(r, correction="formula", hypothesis="", statement="x", corrected_statement=None,
                 strength_note="", rate_ci=None, note="", traceback=None,
                 evidence={"printed": None, "corrected": None}) for r in _records(4)]
    doc = json.loads(report.to_json(recs, {"dps": 30, "seed": 0, "thorough": False}))
    jsonschema.validate(doc, report.schema())
    ev = {"agrees": True, "kind": "identity", "strength": "proved", "strength_note": "", "error": 0.0,
          "rate": None, "rate_ci": None, "criteria": {"ok": True}, "stats": {}, "note": "",
          "columns": {"error_mean": "|error| (mean)"}, "table": [{"error_mean": 0.0}], "proof": None}
    doc["claims"][0]["evidence"]["printed"] = ev
    jsonschema.validate(doc, report.schema())
    ev["table"] = [{"|error| (mean)": 0.0}]        # a display label as a key: refused
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(doc, report.schema())


def test_json_ensure_ascii():
    recs = [dict(r, statement="ρ") for r in _records(1)]
    assert report.to_json(recs, {"dps": 30, "seed": 0, "thorough": False},
                          ensure_ascii=True).isascii()


# ------------------------------------------------------------------------------------------
# Markdown
# ------------------------------------------------------------------------------------------

def _sweep_rows():
    # decisions.asymptotic's own rows (the main sweep), then extra rows for two cases
    rows = [{"d": d, "draws": 6, "error_mean": 1.0 / d, "error_se": 0.01 / d} for d in (50, 100, 200, 400)]
    rows += [{"case": c, "rho": r, "d": d, "error_mean": k / d ** 2}
             for c, r, k in (("relu", 1.0, 3.0), ("x^2", 2.0, 5.0)) for d in (50, 100, 200, 400)]
    return rows


def test_settings_split_on_the_configuration_not_the_measurements():
    groups = M.settings_of(_sweep_rows())
    assert [conf for conf, _ in groups] == [{"case": None}, {"case": "relu"}, {"case": "x^2"}]
    assert all(len(rows) == 4 and len({r["d"] for r in rows}) == 4 for _, rows in groups)
    one = [{"d": d, "error_mean": 1.0 / d} for d in (10, 20)]
    assert M.settings_of(one) == [({}, one)]
    no_d = [{"x": 1}, {"x": 1}]
    assert M.settings_of(no_d) == [({}, no_d)]


def test_fit_line_is_the_fit_not_the_first_point():
    from proofs_check.evidence.decisions import rate_fit
    ds = [50, 100, 200, 400]
    es = [2.0 / 50, 0.7 / 100, 0.9 / 200, 0.2 / 400]       # noisy around C/d
    se = [e / 20 for e in es]
    fit = rate_fit(ds, es, se)
    x, y = M.fit_line(list(zip(ds, es, se)), fit.rate)
    assert x == [50, 400]
    slope = (math.log(y[1]) - math.log(y[0])) / (math.log(400) - math.log(50))
    assert slope == pytest.approx(-fit.rate)
    assert y[0] != pytest.approx(es[0], rel=1e-3)          # not anchored at the first point
    # the weighted least-squares line: weighted residuals of log|e| sum to zero
    resid = [math.log(e) - (math.log(y[0]) - fit.rate * (math.log(d) - math.log(50)))
             for d, e in zip(ds, es)]
    ws = [(e / s) ** 2 for e, s in zip(es, se)]
    assert sum(w * r for w, r in zip(ws, resid)) == pytest.approx(0.0, abs=1e-9 * sum(ws))


def _comparison(rows, agrees):
    return {"agrees": agrees, "kind": "asymptotic", "strength": "numerical", "strength_note": "",
            "error": 0.1, "rate": None, "rate_ci": None, "criteria": {"within_bias": agrees},
            "stats": {}, "note": "", "columns": {"error_mean": "|error| (mean)"}, "table": rows,
            "proof": None}


def _erratum_record():
    printed = [dict(r, error_mean=0.1 + r["error_mean"]) for r in _sweep_rows()]
    return {"id": "t.erratum", "source": "test", "method": "m", "statement": "a",
            "corrected_statement": "b", "correction": "formula", "hypothesis": "",
            "verdict": "erratum", "strength": "numerical", "strength_note": "", "expected": None,
            "matches_ledger": False, "error": 0.0025, "rate": 1.0, "rate_ci": None, "seconds": 0.1,
            "sizes": {"d": [50, 100, 200, 400]}, "note": "", "traceback": None,
            "evidence": {"printed": _comparison(printed, False),
                         "corrected": _comparison(_sweep_rows(), True)}}


def test_erratum_plot_draws_both_forms_per_setting():
    lines = M.series(_erratum_record())
    assert sorted((form, str(conf)) for form, conf, _ in lines) == sorted(
        (form, str(c)) for form in ("printed", "corrected")
        for c in ({"case": None}, {"case": "relu"}, {"case": "x^2"}))


def test_markdown_report(tmp_path):
    rec = _erratum_record()
    proved = dict(_erratum_record(), id="t.proved", verdict="holds", strength="proved",
                  matches_ledger=True, expected={"verdict": "holds", "strength": "proved"})
    proved["evidence"] = {"printed": dict(_comparison([], True), kind="identity", strength="proved",
                                          proof={"closed_form": "1/d", "limit": "0",
                                                 "bound": "|R_d - 0| <= 1/d"}),
                          "corrected": None}
    path = M.to_markdown([rec, proved], {"dps": 30, "seed": 0, "thorough": False},
                         tmp_path / "r.md")
    text = path.read_text(encoding="utf-8")
    assert "| git commit |" in text and "| lazysym |" in text
    assert text.count("Setting: case = ") == 6       # 3 settings × 2 forms, never averaged
    assert "printed form dashed, corrected form solid" in text
    assert "the fitted line, rate 1.00" in text
    assert "- closed form: $1/d$" in text and "- bound: |R_d - 0| <= 1/d" in text
    assert "(the ledger expects" not in text and "(not in the ledger)" in text
    assert (tmp_path / "r_plots" / "t.erratum.png").read_bytes()[:4] == b"\x89PNG"
    for block in text.split("\n\n"):    # each table row has as many cells as its header
        rows = [line for line in block.splitlines() if line.startswith("|")]
        if rows:
            assert len({len(re.findall(r"(?<!\\)\|", line)) for line in rows}) == 1, block

"""The proofs-check command: exit codes, --list/--only, JSON (validated against its schema), Markdown."""

import json

import jsonschema
import pytest

from proofs_check import cli, report
from proofs_check import registry as R
from proofs_check.evidence import legacy as L
from tests.test_registry import _exact_claim


@pytest.fixture
def fake_registry(monkeypatch):
    reg = {}
    monkeypatch.setattr(R, "REGISTRY", reg)
    monkeypatch.setattr(R, "_load", lambda: None)
    ds = [50, 100, 200, 400]
    R.register(_exact_claim(lambda: 0.5, cid="ok.exact"))
    R.register(_exact_claim(lambda: 0.6, corrected=lambda: 0.5, cid="ok.erratum"))
    R.register(R.Claim(
        id="ok.asym", source="test", statement=r"\frac{1}{2}", method="exact finite-d",
        printed=lambda d: 0.5,
        evidence=lambda ctx: [0.5 + 1 / d for d in ds],
        compare=lambda f, data, ctx: L.compare_asymptotic(ds, data, [f(d) for d in ds],
                                                          max_final=0.1)))
    ledger = {"ok.exact": {"verdict": "holds", "strength": "numerical"},
              "ok.erratum": {"verdict": "erratum", "strength": "numerical"},
              "ok.asym": {"verdict": "holds asymptotically", "strength": "numerical"}}
    monkeypatch.setattr(cli, "load_ledger", lambda: dict(ledger))
    return ledger


def test_table_and_exit_zero(fake_registry, capsys):
    assert cli.main([]) == 0
    out = capsys.readouterr().out
    assert "ok.exact" in out and "holds asymptotically" in out and "erratum" in out


def test_mismatch_exits_one_and_says_which(fake_registry, capsys, monkeypatch):
    fake_registry["ok.exact"] = {"verdict": "erratum", "strength": "numerical"}
    monkeypatch.setattr(cli, "load_ledger", lambda: dict(fake_registry))
    assert cli.main(["--only", "ok.exact"]) == 1
    assert "ok.exact" in capsys.readouterr().err


@pytest.mark.parametrize("argv", [["--only", "nope"], ["--dps", "0"], ["--jobs", "0"],
                                  ["--bogus"], ["--dps", "x"]])
def test_usage_errors_exit_two(fake_registry, argv, capsys):
    assert cli.main(argv) == 2
    err = capsys.readouterr().err
    if argv[:2] == ["--only", "nope"]:
        assert "valid ids" in err and "ok.exact" in err


def test_list(fake_registry, capsys):
    assert cli.main(["--list"]) == 0
    assert "ok.asym" in capsys.readouterr().out


def test_json_validates_against_schema(fake_registry, capsys):
    assert cli.main(["--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    jsonschema.validate(doc, report.schema())
    assert doc["schema"] == "lazysym.proofs-check/2"
    assert doc["provenance"]["lazysym"] and doc["summary"]["errors"] == []
    by_id = {c["id"]: c for c in doc["claims"]}
    assert by_id["ok.erratum"]["corrected_statement"] == "c"
    assert by_id["ok.asym"]["rate"] == pytest.approx(1.0, abs=0.2)


def test_markdown_report(fake_registry, tmp_path):
    md = tmp_path / "report.md"
    assert cli.main(["--markdown", str(md)]) == 0
    text = md.read_text()
    assert "## ok.asym" in text and "$$" in text
    png = tmp_path / "report_plots" / "ok.asym.png"
    assert png.exists() and png.read_bytes()[:4] == b"\x89PNG"
    # every Markdown table row has as many cells as its header (unescaped pipes delimit cells)
    import re
    for block in text.split("\n\n"):
        rows = [line for line in block.splitlines() if line.startswith("|")]
        if rows:
            cells = {len(re.findall(r"(?<!\\)\|", line)) for line in rows}
            assert len(cells) == 1, block


def test_jobs_pool_gives_same_records():
    # real claims (the pool's workers import the registry themselves): one symbolic, one numeric
    ids = ["sec2.3.loss", "thm2"]
    recs1 = cli.run(ids, jobs=1, ledger={}, progress=lambda m: None)
    recs2 = cli.run(ids, jobs=2, ledger={}, progress=lambda m: None)
    assert [r["id"] for r in recs2] == ids
    assert [r["verdict"] for r in recs1] == [r["verdict"] for r in recs2]
    assert [r["error"] for r in recs1] == [r["error"] for r in recs2]   # same seed, same numbers

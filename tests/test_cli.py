"""The proofs-check command's contract: exit 0/1/2/3, every option validated before anything runs
(one line on stderr), internal errors never reported as verdicts, output that survives an ASCII
terminal, --list/--only/--json, --version, JSON validated against its schema, Markdown, the
paper's order of the claims."""

import io
import json
import pkgutil
import sys
from concurrent.futures import ThreadPoolExecutor

import jsonschema
import pytest

import proofs_check.claims as claims_pkg
from proofs_check import cli, executors, report
from proofs_check import registry as R
from proofs_check.evidence import decisions as L
from tests.test_registry import _exact_claim

RUNS = []       # evidence calls of the fake claims: a usage error must leave it empty


def _counted(claim):
    ev = claim.evidence

    def evidence(ctx):
        RUNS.append(claim.id)
        return ev(ctx)
    return R.Claim(**{**claim.__dict__, "evidence": evidence})


def _boom(ctx):
    raise ZeroDivisionError("the evidence divided by zero")


@pytest.fixture
def fake_registry(monkeypatch):
    RUNS.clear()
    reg = {}
    monkeypatch.setattr(R, "REGISTRY", reg)
    monkeypatch.setattr(R, "_load", lambda: None)
    ds = [50, 100, 200, 400]
    R.register(_counted(_exact_claim(lambda: 0.5, cid="ok.exact")))
    R.register(_counted(_exact_claim(lambda: 0.6, corrected=lambda: 0.5, cid="ok.erratum")))
    R.register(_counted(R.Claim(
        id="ok.asym", source="test §2.1, ρ → ∞", statement=r"\frac{1}{2}", method="exact finite-d ‖B‖²",
        printed=lambda d: 0.5,
        evidence=lambda ctx: [0.5 + 1 / d for d in ds],
        compare=lambda f, data, ctx: L.asymptotic(ds, data, [f(d) for d in ds],
                                                  bias=lambda d: 2 / d, bias_note="2/d"))))
    ledger = {"ok.exact": {"verdict": "holds", "strength": "numerical"},
              "ok.erratum": {"verdict": "erratum", "strength": "numerical"},
              "ok.asym": {"verdict": "holds asymptotically", "strength": "numerical"}}
    monkeypatch.setattr(cli, "load_ledger", lambda: dict(ledger))
    return ledger


@pytest.fixture
def broken_claim(fake_registry):
    R.register(R.Claim(id="bad.raises", source="test", statement="x", method="raises",
                       printed=lambda: 0.5, evidence=_boom,
                       compare=lambda f, data, ctx: L.values([f()], [data], rtol=1e-14)))
    fake_registry["bad.raises"] = {"verdict": "holds", "strength": "numerical"}
    return fake_registry


def test_table_and_exit_zero(fake_registry, capsys):
    assert cli.main([]) == cli.EXIT_OK
    out = capsys.readouterr().out
    assert "ok.exact" in out and "holds asymptotically" in out and "erratum" in out
    assert "3 claims:" in out and "error:" in out           # summary and legend
    assert sorted(RUNS) == ["ok.asym", "ok.erratum", "ok.exact"]


def test_mismatch_exits_one_and_says_which(fake_registry, capsys, monkeypatch):
    fake_registry["ok.exact"] = {"verdict": "erratum", "strength": "numerical"}
    monkeypatch.setattr(cli, "load_ledger", lambda: dict(fake_registry))
    assert cli.main(["--only", "ok.exact"]) == cli.EXIT_DIFFERS
    err = capsys.readouterr().err
    assert "verdict differs from the ledger: ok.exact" in err


@pytest.mark.parametrize("argv", [
    ["--only", "nope"], ["--only", ""], ["--dps", "0"], ["--dps", "x"], ["--jobs", "0"],
    ["--seed", "-1"], ["--bogus"], ["--markdown", ""], ["--figures", ""],
    ["--markdown", "{tmp}"], ["--markdown", "{tmp}/missing/r.md"], ["--figures", "{file}"],
    ["--figures", "{file}/sub"], ["--figures-size", "draft"], ["--figures-left-only"],
    ["--figures", "{tmp}", "--figures-size", "huge"], ["--markdown", "{tmp}/afile.md"],
    ["--executor", "process", "--scheduler", "tcp://127.0.0.1:1"], ["--scheduler", " "],
    ["--executor", "serial", "--jobs", "2"], ["--executor", "nope"],
])
def test_usage_errors_exit_two_with_one_line_before_running(fake_registry, argv, capsys, tmp_path):
    (tmp_path / "afile").write_text("x")
    (tmp_path / "afile_plots").write_text("x")       # where afile.md's plots would go
    argv = [a.format(tmp=tmp_path, file=tmp_path / "afile") for a in argv]
    assert cli.main(argv + ["--markdown", str(tmp_path / "ok.md")] if "--markdown" not in argv
                    else argv) == cli.EXIT_USAGE
    err = capsys.readouterr().err
    assert err.startswith("proofs-check: error: ") and err.count("\n") == 1, err
    assert RUNS == [], "a usage error must be found before any claim runs"
    assert not (tmp_path / "ok.md").exists()
    if argv[:2] == ["--only", "nope"]:
        assert "valid ids" in err and "ok.exact" in err


def test_unreachable_scheduler_is_a_usage_error(fake_registry, capsys, monkeypatch):
    def refuse(kind, **kw):
        raise executors.ExecutorError("cannot reach the Dask scheduler at 'tcp://x:1'")
    monkeypatch.setattr(executors, "make_executor", refuse)
    assert cli.main(["--scheduler", "tcp://x:1"]) == cli.EXIT_USAGE
    assert "cannot reach the Dask scheduler" in capsys.readouterr().err and RUNS == []


def test_exception_in_a_claim_is_an_internal_error(broken_claim, capsys):
    assert cli.main([]) == cli.EXIT_INTERNAL           # exit 3 even though others match
    cap = capsys.readouterr()
    err_lines = [line for line in cap.err.splitlines() if "internal error" in line]
    assert err_lines == ["proofs-check: internal error in bad.raises: check raised "
                         "ZeroDivisionError: the evidence divided by zero (run with --debug for "
                         "the traceback)"]
    assert "Traceback" not in cap.err
    assert "bad.raises !" in cap.out and "inconclusive" not in cap.out


def test_debug_prints_the_traceback(broken_claim, capsys):
    assert cli.main(["--only", "bad.raises", "--debug"]) == cli.EXIT_INTERNAL
    err = capsys.readouterr().err
    assert "Traceback" in err and "_boom" in err


def test_exception_outside_a_claim_is_an_internal_error(fake_registry, capsys, monkeypatch):
    def broken(*a, **k):
        raise RuntimeError("report writer broke")
    monkeypatch.setattr(report, "table", broken)
    assert cli.main(["--only", "ok.exact", "--quiet"]) == cli.EXIT_INTERNAL
    err = capsys.readouterr().err
    assert err.strip() == ("proofs-check: internal error: RuntimeError: report writer broke "
                           "(run with --debug for the traceback)")


def test_list_honours_only_and_json(fake_registry, capsys):
    assert cli.main(["--list"]) == 0
    out = capsys.readouterr().out
    assert "ok.asym" in out and "ok.exact" in out
    assert cli.main(["--list", "--only", "ok.asym"]) == 0
    out = capsys.readouterr().out
    assert "ok.asym" in out and "ok.exact" not in out
    assert cli.main(["--list", "--only", "ok.asym", "ok.exact", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert [c["id"] for c in doc["claims"]] == ["ok.exact", "ok.asym"]   # registry order
    assert doc["claims"][1]["expected"] == {"verdict": "holds asymptotically",
                                            "strength": "numerical"}
    assert RUNS == []


def test_version(capsys):
    import lazysym
    assert cli.main(["--version"]) == 0
    assert capsys.readouterr().out.startswith(f"proofs-check {lazysym.__version__} ")


def _ascii_streams(monkeypatch):
    out = io.TextIOWrapper(io.BytesIO(), encoding="ascii", errors="strict")
    err = io.TextIOWrapper(io.BytesIO(), encoding="ascii", errors="strict")
    monkeypatch.setattr(sys, "stdout", out)
    monkeypatch.setattr(sys, "stderr", err)
    return out, err


def _text(stream):
    stream.flush()
    return stream.buffer.getvalue().decode("ascii")


@pytest.mark.parametrize("argv", [[], ["--json"], ["--list"], ["--help"], ["--only", "ρ"]])
def test_ascii_terminal(fake_registry, monkeypatch, argv):
    out, err = _ascii_streams(monkeypatch)      # strict ASCII: any non-ASCII character raises
    code = cli.main(argv)
    assert code == (cli.EXIT_USAGE if argv[:1] == ["--only"] else cli.EXIT_OK)
    text = _text(out)
    if argv == []:
        assert "rho -> inf" in text or "ok.asym" in text
    if argv == ["--json"]:
        doc = json.loads(text)                   # lossless: non-ASCII escaped, not dropped
        assert doc["claims"][2]["method"] == "exact finite-d ‖B‖²"
    _text(err)


def test_colour_only_on_a_tty(fake_registry, capsys):
    assert cli.main([]) == 0
    assert "\x1b[" not in capsys.readouterr().out     # pytest's capture is not a TTY


def test_width_follows_columns(fake_registry, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    assert cli.main([]) == 0
    out = capsys.readouterr().out
    assert "method" in out.splitlines()[1] and "exact finite-d ‖B‖²" in out
    monkeypatch.setenv("COLUMNS", "80")
    assert cli.main([]) == 0
    out = capsys.readouterr().out
    assert "Not shown at 80 columns: source and method" in " ".join(out.split())
    assert max(len(x) for x in out.splitlines()) <= 80


def test_json_validates_against_schema(fake_registry, capsys):
    assert cli.main(["--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    jsonschema.validate(doc, report.schema())
    assert doc["schema"] == "lazysym.proofs-check/2"
    assert doc["provenance"]["lazysym"] and doc["summary"]["errors"] == []
    assert doc["settings"] == {"dps": 30, "seed": 0, "thorough": False, "jobs": 1,
                               "executor": "serial", "only": None}
    by_id = {c["id"]: c for c in doc["claims"]}
    assert by_id["ok.erratum"]["corrected_statement"] == "c"
    assert by_id["ok.asym"]["rate"] == pytest.approx(1.0, abs=0.2)


def test_json_with_an_internal_error_validates(broken_claim, capsys):
    assert cli.main(["--json"]) == cli.EXIT_INTERNAL
    doc = json.loads(capsys.readouterr().out)
    jsonschema.validate(doc, report.schema())
    assert doc["summary"]["errors"] == ["bad.raises"]
    bad = next(c for c in doc["claims"] if c["id"] == "bad.raises")
    assert bad["verdict"] == "error" and "ZeroDivisionError" in bad["traceback"]


def test_markdown_report(fake_registry, tmp_path, capsys):
    md = tmp_path / "report.md"
    assert cli.main(["--markdown", str(md)]) == 0
    text = md.read_text(encoding="utf-8")
    assert "## ok.asym" in text and "$$" in text and "| lazysym |" in text
    png = tmp_path / "report_plots" / "ok.asym.png"
    assert png.exists() and png.read_bytes()[:4] == b"\x89PNG"


def test_run_with_any_executor_and_sweeps(fake_registry):
    seen = []

    def evidence(ctx):
        seen.append(ctx.executor)
        return sum(ctx.map(lambda x: x / 6, [1, 2]))     # 1/6 + 2/6 = 1/2

    R.register(R.Claim(id="ok.sweep", source="test", statement="1/2", method="mapped",
                       printed=lambda: 0.5, evidence=evidence,
                       compare=lambda f, data, ctx: L.values([f()], [data], rtol=1e-14)))
    ledger = {"ok.sweep": {"verdict": "holds", "strength": "numerical"}}
    with ThreadPoolExecutor(2) as pool:
        recs = cli.run(["ok.sweep", "ok.exact"], executor=pool, ledger=ledger)   # claims as tasks
        assert [r["id"] for r in recs] == ["ok.sweep", "ok.exact"]
        assert seen == [None]
        recs = cli.run(["ok.sweep"], executor=pool, sweeps=True, ledger=ledger)  # sweep points
        assert seen[-1] is pool and recs[0]["verdict"] == "holds" and recs[0]["matches_ledger"]


def test_jobs_pool_gives_same_records():
    # real claims (the pool's workers import the registry themselves): one symbolic, one numeric
    ids = ["sec2.3.loss", "thm2"]
    recs1 = cli.run(ids, jobs=1, ledger={})
    recs2 = cli.run(ids, jobs=2, ledger={})
    assert [r["id"] for r in recs2] == ids
    assert [r["verdict"] for r in recs1] == [r["verdict"] for r in recs2]
    assert [r["error"] for r in recs1] == [r["error"] for r in recs2]   # same seed, same numbers


def test_claims_are_imported_in_the_papers_order():
    modules = {m.name for m in pkgutil.iter_modules(claims_pkg.__path__)}
    assert set(claims_pkg.ORDER) == modules, "list every claim module in claims.ORDER"
    ids = [c.id for c in R.all_claims()]
    assert ids[0].startswith("sec1.") and ids[-1].startswith("cb.")
    order = [ids.index(i) for i in ("sec1.rf_in_nn", "thm1.eq10", "thm2", "sec2.3.loss",
                                    "thm4.eq15", "thm5.W", "thm6", "poster.thm1", "cb.kappa")]
    assert order == sorted(order)


class _TTY(io.StringIO):
    def isatty(self):
        return True


def test_progress_is_a_bar_on_a_tty_and_lines_otherwise(fake_registry, capsys, monkeypatch):
    assert cli.main([]) == 0
    assert capsys.readouterr().err.count("\n") == 3          # one plain line per claim
    tty = _TTY()
    monkeypatch.setattr(sys, "stderr", tty)
    assert cli.main([]) == 0
    assert "[1/3]" not in tty.getvalue() and "3/3" in tty.getvalue()   # rich's bar: M/N done
    assert cli.main(["--quiet"]) == 0


def test_figures_options_reach_draw_all(fake_registry, monkeypatch, tmp_path, capsys):
    import lazysym.figures as F
    seen = {}

    def fake_draw_all(outdir, **kw):
        seen.update(kw, outdir=outdir)
        return []
    monkeypatch.setattr(F, "draw_all", fake_draw_all)
    assert cli.main(["--figures", str(tmp_path), "--figures-size", "draft", "--figures-left-only",
                     "--seed", "3", "-q"]) == cli.EXIT_OK
    assert seen["size"] == "draft" and seen["right"] is False and seen["seed"] == 3
    seen.clear()
    assert cli.main(["--figures", str(tmp_path), "-q"]) == cli.EXIT_OK
    assert seen["size"] == "paper" and seen["right"] is True      # the paper's size by default

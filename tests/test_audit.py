"""``proofs-check --audit`` (:mod:`proofs_check.audit`): every piece passes on this build and
fails when the thing it audits is broken (each break below is one of the catalogued mutants of
``tools/mutants.toml`` that only the tests used to see)."""

from __future__ import annotations

import dataclasses
import io
import json
from contextlib import redirect_stderr, redirect_stdout

import jsonschema
import numpy as np

from lazysym.objects import fixed_point as fp
from proofs_check import audit, cli, report
from proofs_check.evidence import decisions as D
from proofs_check.registry import Comparison, Context, get, run_claim


def _failed(checks) -> list[str]:
    return [c.name for c in checks if not c.ok]


def test_platform_audit_passes_on_this_build():
    rows = audit.platform_audit()
    assert rows and all(r["ok"] for r in rows), [r for r in rows if not r["ok"]]
    assert {r["part"] for r in rows} == {"decision rules", "certified ψ arithmetic"}


def test_arithmetic_audit_sees_a_floor_for_a_ceiling(monkeypatch):
    """fp.fix_prod.floor_for_ceil: (⌊x⌋, ⌊x⌋) instead of (⌊x⌋, ⌈x⌉)."""
    orig = fp._fix_prod
    monkeypatch.setattr(fp, "_fix_prod", lambda *a: (orig(*a)[0],) * 2)
    bad = _failed(fp.audit_arithmetic())
    assert any("floor/ceil" in n for n in bad) and any("bounds of h" in n for n in bad)


def test_arithmetic_audit_sees_too_few_guard_bits(monkeypatch):
    """fp.guard_bits.24_to_2."""
    orig = fp._guard_bits
    monkeypatch.setattr(fp, "_guard_bits", lambda *a: orig(*a) - 22)
    assert any("guard bits" in n for n in _failed(fp.audit_arithmetic()))


def test_arithmetic_audit_sees_inward_rounding(monkeypatch):
    """fp.result.rounding: a lower end rounded up."""
    orig = fp._frac_to_mpf
    monkeypatch.setattr(fp, "_frac_to_mpf", lambda v, bits, rnd: orig(v, bits, "c"))
    assert any("outward" in n for n in _failed(fp.audit_arithmetic()))


def test_rule_calibration_sees_a_loosened_rule(monkeypatch):
    """dec.mean_se.ddof-like: a standard error 10× too large accepts shifts and never rejects."""
    orig = D.mean_se
    monkeypatch.setattr(D, "mean_se", lambda v: (lambda m, s, k: (m, 10 * s, k))(*orig(v)))
    bad = _failed(audit.calibrate_rules())
    assert any("false-rejection" in n for n in bad)


def test_rule_calibration_sees_bessel_and_dof_slips(monkeypatch):
    """Small slips of the t test: the 40000-trial simulation resolves them (measured 6.4–6.9 %
    and 6.3 % against the band 5 % ± 0.44 %)."""
    orig = D.mean_se

    def no_bessel(v):
        m, _, k = orig(v)
        x = np.asarray(v, dtype=float)
        return m, float(np.std(x) / np.sqrt(x.size)), k

    monkeypatch.setattr(D, "mean_se", no_bessel)
    assert any("false-rejection" in n for n in _failed(audit.calibrate_rules()))
    monkeypatch.setattr(D, "mean_se", orig)
    monkeypatch.setattr(D, "_quantile", lambda a, k: D.t_quantile(a / 2, k) if k > 1 else 0.0)
    assert any("false-rejection" in n for n in _failed(audit.calibrate_rules()))


def test_rule_calibration_sees_a_changed_default_level(monkeypatch):
    """The verdicts use the rules' default α = ALPHA_CLAIM: a default changed is seen."""
    orig = D.within

    def within(draws, target, *, bias=0.0, alpha=1e-15):
        return orig(draws, target, bias=bias, alpha=alpha)

    monkeypatch.setattr(D, "within", within)
    assert any("verdicts' level" in n for n in _failed(audit.calibrate_rules()))


def test_rule_calibration_sees_a_wrong_quantile(monkeypatch):
    """dec.t_quantile.half: the quantile at twice the level."""
    orig = D.t_quantile
    monkeypatch.setattr(D, "t_quantile", lambda a, k: orig(min(2 * a, 0.99), k))
    assert "quantiles against tables" in _failed(audit.calibrate_rules())


def test_rule_calibration_sees_an_always_true_symbolic_rule(monkeypatch):
    """dec.symbolic.always."""
    monkeypatch.setattr(D, "symbolic", lambda a, b, **k: Comparison(True, "identity", 0.0, None,
                                                                     [], ""))
    assert "exact rules (values, symbolic)" in _failed(audit.calibrate_rules())


def test_self_test_reports_a_rule_that_accepts_everything():
    c = get("sec2.3.loss")
    ctx = Context()
    data = c.evidence(ctx)
    out = run_claim(c, ctx, data=data)
    st = audit.self_test(c, out, data, ctx)
    assert st["total"] >= 5 and st["rejected"] == st["total"] and not st["accepted"]
    lax = dataclasses.replace(c, compare=lambda f, d, x: Comparison(True, "identity", 0.0, None,
                                                                     [], ""))
    st = audit.self_test(lax, out, data, ctx)
    assert st["rejected"] == 0 and len(st["accepted"]) == st["total"]


def _cli(argv):
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = cli.main(argv)
    return code, out.getvalue(), err.getvalue()


def test_cli_audit_json_is_valid_and_lists_the_self_test():
    code, out, _ = _cli(["--only", "sec2.3.loss", "thm1.isotropic", "--audit", "--json", "-q"])
    assert code == 0
    doc = json.loads(out)
    jsonschema.validate(doc, report.schema())
    assert doc["settings"]["audit"] is True and doc["audit"]["failures"] == []
    assert all(c["self_test"]["rejected"] == c["self_test"]["total"] > 0 for c in doc["claims"])
    text_code, text, _ = _cli(["--only", "sec2.3.loss", "--audit", "-q"])
    assert text_code == 0 and "Audit: self-test 1/1 claims" in text


def test_cli_audit_exits_1_when_a_check_fails(monkeypatch):
    monkeypatch.setattr(audit, "calibrate_rules", lambda seed=12: [
        fp.AuditCheck("broken on purpose", False, 1, "x")])
    code, _, err = _cli(["--only", "thm1.isotropic", "--audit", "-q"])
    assert code == cli.EXIT_DIFFERS and "audit failed: decision rules: broken on purpose" in err
    # without --audit nothing of it runs
    assert _cli(["--only", "thm1.isotropic", "-q"])[0] == 0


def test_audit_failures_name_vacuous_and_missing_self_tests():
    base = {"id": "x", "verdict": "holds"}
    assert report.audit_failures([{**base, "self_test": {"form": "printed", "total": 0,
                                                         "rejected": 0, "accepted": []}}], []) \
        == ["x: no wrong variant to reject, so the check is never shown to fail"]
    assert report.audit_failures([base], []) == ["x: no self-test ran"]
    # an inconclusive verdict already fails through the ledger; its self-test is not run
    assert report.audit_failures([{**base, "verdict": "inconclusive"}], []) == []


def test_a_crashing_audit_is_a_failed_audit_not_a_lost_report(monkeypatch):
    def boom(**kw):
        raise RuntimeError("broken")

    monkeypatch.setattr(audit, "audit_arithmetic", boom)
    rows = audit.platform_audit()
    assert [r["ok"] for r in rows if r["part"] == "certified ψ arithmetic"] == [False]
    code, out, err = _cli(["--only", "thm1.isotropic", "--audit", "--json", "-q"])
    assert code == cli.EXIT_DIFFERS and "raised RuntimeError: broken" in err
    assert json.loads(out)["claims"][0]["verdict"] == "holds"


def test_audit_times_include_the_evidence(monkeypatch):
    """The record's seconds cover the evidence, computed outside run_claim under --audit."""
    import time

    from proofs_check import registry

    c = get("thm1.isotropic")

    def slow(ctx):
        time.sleep(0.3)
        return c.evidence(ctx)

    monkeypatch.setattr(registry, "get", lambda cid: dataclasses.replace(c, evidence=slow))
    monkeypatch.setattr(cli, "get", lambda cid: dataclasses.replace(c, evidence=slow))
    rec = cli._run_one("thm1.isotropic", 30, 0, False, None, None, True)
    assert rec["seconds"] >= 0.3 and rec["self_test"]["rejected"] == rec["self_test"]["total"] > 0


def test_audit_is_deterministic():
    a, b = audit.platform_audit(), audit.platform_audit()
    assert a == b
    assert np.isfinite([r["cases"] for r in a]).all()

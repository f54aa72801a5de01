"""The registry and the verdict logic, on synthetic claims whose truth is known."""


import pytest

from proofs_check import registry as R
from proofs_check.evidence import decisions as L


def _exact_claim(printed, corrected=None, cid="t.exact"):
    # evidence: 1/3 + 1/6 computed from its parts; the formula should be 1/2
    return R.Claim(id=cid, source="test", statement="1/2", method="exact",
                   printed=printed, corrected=corrected,
                   corrected_statement=None if corrected is None else "c",
                   evidence=lambda ctx: 1 / 3 + 1 / 6,
                   compare=lambda f, data, ctx: L.values([f()], [data], rtol=1e-14))


def test_verdicts_from_evidence():
    ctx = R.Context()
    assert R.run_claim(_exact_claim(lambda: 0.5), ctx).verdict == "holds"
    assert R.run_claim(_exact_claim(lambda: 0.6, corrected=lambda: 0.5), ctx).verdict == "erratum"
    out = R.run_claim(_exact_claim(lambda: 0.6, corrected=lambda: 0.7), ctx)
    assert out.verdict == "inconclusive" and "neither" in out.note
    out = R.run_claim(_exact_claim(lambda: 0.6), ctx)
    assert out.verdict == "inconclusive" and "no corrected form" in out.note


def test_a_crashing_check_is_an_internal_error_not_a_verdict():
    def boom(ctx):
        raise RuntimeError("no evidence today")
    c = R.Claim(id="t.boom", source="test", statement="x", method="m", printed=lambda: 1,
                evidence=boom, compare=lambda f, d, ctx: None)
    out = R.run_claim(c, R.Context())
    assert out.verdict == "error" and "no evidence today" in out.note
    assert "RuntimeError" in out.error


def test_register_refuses_duplicates_and_get_lists_valid_ids(monkeypatch):
    monkeypatch.setattr(R, "REGISTRY", {})
    monkeypatch.setattr(R, "_load", lambda: None)
    R.register(_exact_claim(lambda: 0.5, cid="a"))
    with pytest.raises(ValueError, match="duplicate"):
        R.register(_exact_claim(lambda: 0.5, cid="a"))
    with pytest.raises(KeyError, match="valid ids: a"):
        R.get("nope")


def test_context_rng_is_reproducible_and_keyed():
    ctx = R.Context(seed=3)
    assert ctx.rng("x", 1).random() == ctx.rng("x", 1).random()
    assert ctx.rng("x", 1).random() != ctx.rng("x", 2).random()
    assert R.Context(seed=4).rng("x", 1).random() != ctx.rng("x", 1).random()

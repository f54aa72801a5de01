"""The registry and the verdict logic, on synthetic claims whose truth is known."""

import math

import numpy as np
import pytest
import sympy as sp

from proofs_check import registry as R
from proofs_check.evidence import legacy as L


def _exact_claim(printed, corrected=None, cid="t.exact"):
    # evidence: 1/3 + 1/6 computed from its parts; the formula should be 1/2
    return R.Claim(id=cid, source="test", statement="1/2", method="exact",
                   printed=printed, corrected=corrected,
                   corrected_statement=None if corrected is None else "c",
                   evidence=lambda ctx: 1 / 3 + 1 / 6,
                   compare=lambda f, data, ctx: L.compare_values([f()], [data], rtol=1e-14))


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


def _asymptotic_data(ds, c=2.0, rate=0.5, offset=0.0):
    rng = np.random.default_rng(0)
    return [0.3 + offset + c * d ** (-rate) * (1 + 0.05 * rng.standard_normal(3)) for d in ds]


def test_asymptotic_agreement_and_its_failure():
    ds = [50, 100, 200, 400]
    exact = _asymptotic_data(ds)
    good = L.compare_asymptotic(ds, exact, [0.3] * 4, max_final=0.12)
    assert good.agrees and good.kind == "asymptotic" and 0.4 < good.rate < 0.6
    # a wrong limit (plateau of the error) fails on the rate
    fast = _asymptotic_data(ds, rate=1.0)
    assert L.compare_asymptotic(ds, fast, [0.3] * 4, max_final=0.02).agrees
    bad = L.compare_asymptotic(ds, fast, [0.3 * 1.1 + 0.05] * 4, max_final=0.02)
    assert not bad.agrees and "rate" in bad.note
    # a wrong limit that the finite-d values are still crossing can show a falling error:
    # only `max_final` (set below the size of a meaningful deviation) catches it
    crossing = L.compare_asymptotic(ds, exact, [0.38] * 4, max_final=0.012)
    assert not crossing.agrees and "final error" in crossing.note
    # exact at every d -> identity
    same = L.compare_asymptotic(ds, [np.full(3, 0.3)] * 4, [0.3] * 4, max_final=0.2)
    assert same.agrees and same.kind == "identity"


def test_fit_rate_recovers_power_law():
    ds = np.array([10, 20, 40, 80, 160])
    assert L.fit_rate(ds, 3 * ds ** -1.0) == pytest.approx(1.0)


def test_perturbed_changes_every_kind_of_value():
    import mpmath
    assert L.perturbed(lambda: True)() is False
    assert L.perturbed(lambda: 1.0)() == pytest.approx(1.15)
    assert abs(L.perturbed(lambda: mpmath.mpf(1))() - mpmath.mpf("1.15")) < 1e-12
    assert np.allclose(L.perturbed(lambda: np.ones(2))(), 1.15)
    x = sp.Symbol("x")
    assert sp.simplify(L.perturbed(lambda: x)() - x) != 0
    assert L.perturbed(lambda: (1.0, 2.0))() == pytest.approx((1.15, 2.25))


def test_symbolic_comparison():
    x = sp.Symbol("x")
    assert L.compare_symbolic((x + 1) ** 2, x ** 2 + 2 * x + 1).agrees
    assert not L.compare_symbolic((x + 1) ** 2, x ** 2 + 1).agrees


def test_compare_values_refuses_nan_and_shape_mismatch():
    assert not L.compare_values([math.nan], [1.0], rtol=1).agrees
    assert not L.compare_values([1.0, 2.0], [1.0], rtol=1).agrees


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

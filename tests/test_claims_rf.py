"""RF claims: evidence paths independent of the formulas under test (issue 12, point 4)."""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from lazysym import rf
from lazysym.objects.models import GaussianMixture
from proofs_check.registry import Context, get

CTX = Context()


def test_zetas_by_definition_by_hand():
    """d = 2, Σ = diag(1, 3/2), Δ = diag(1/2, −1/4), Γ = diag(1/4, 1/2):
    Tr(ΣΓΣΓ) = 1/16 + 9/16 = 5/8, ζ₁ = 2·(5/8)/2 = 5/8; Tr(ΔΓ) = 1/8 − 1/8 = 0, ζ₂ = 0;
    with Δ = diag(1/2, 1/4): Tr(ΔΓ) = 1/4, ζ₂ = 2·(1/16)/4 = 1/32."""
    from proofs_check.claims.s3_1_random_features import zetas_by_definition
    G = np.diag([0.25, 0.5])
    m = GaussianMixture(np.diag([1.0, 1.5]), np.diag([0.5, -0.25]))
    assert zetas_by_definition(m, G) == (Fraction(5, 8), Fraction(0))
    m = GaussianMixture(np.diag([1.0, 1.5]), np.diag([0.5, 0.25]))
    assert zetas_by_definition(m, G) == (Fraction(5, 8), Fraction(1, 32))


def test_eq16_rejects_a_d_plus_1_slip_in_zeta2():
    """ζ₂ = (d + 1)Tr(ΔΓ)²/4 (an O(1/d) slip the finite-d risks cannot resolve) is rejected by
    ``theorem_limit``, whose derived value uses ζ's computed from their definitions."""
    from proofs_check.claims.s3_1_random_features import eq16_corrected
    c = get("thm4.eq16")
    data = c.evidence(CTX)
    assert c.compare(c.corrected, data, CTX).agrees

    def slipped(mixture, Gamma, activation, dps=30):
        h = rf.hermite_data(activation, dps=dps)
        if h["lambda2_is_zero"]:
            return eq16_corrected(mixture, Gamma, activation, dps)
        z1, z2 = rf.theorem4_zetas(mixture, Gamma, exact=True)
        z2 = z2 * (mixture.d + 1) / mixture.d
        return float(z1 / (z1 + z2))

    cmp = c.compare(slipped, data, CTX)
    assert not cmp.agrees and not cmp.criteria["theorem_limit"]


def test_psi_bracket_check_rejects_an_unsound_bracket(monkeypatch):
    """The exact re-check of the certified ψ (criterion ``psi_certificate`` of cor1.eq12 and
    poster.thm1): a bracket shifted off the root, or wider than promised, fails; the true one
    passes."""
    from dataclasses import replace

    import mpmath

    from lazysym.objects import fixed_point
    from lazysym.objects.spectra import Atoms
    from proofs_check.evidence import rf_anchors as ev

    args = (Fraction(1, 3), Fraction(1, 2), Fraction(3, 7), Atoms(["0.4", "1.6"]))
    assert ev.psi_bracket_check(*args, dps=30)["ok"]
    real = fixed_point.solve_psi

    def shifted(*a, **k):  # off the root by 1e-25 relative (≥ 2 widths; exact brackets too)
        r = real(*a, **k)
        with mpmath.workprec(200):
            w = max(r.upper - r.lower, r.lower * mpmath.mpf(10) ** -25)
            return replace(r, lower=r.lower + 2 * w, upper=r.upper + 2 * w)

    def wide(*a, **k):
        r = real(*a, **k)
        return replace(r, lower=r.lower * (1 - mpmath.mpf(10) ** -20))

    for bad in (shifted, wide):
        monkeypatch.setattr(fixed_point, "solve_psi", bad)
        assert not ev.psi_bracket_check(*args, dps=30)["ok"]
    monkeypatch.setattr(fixed_point, "solve_psi", real)
    c = get("cor1.eq12")
    data = c.evidence(CTX)
    assert c.compare(c.printed, data, CTX).criteria["psi_certificate"]
    monkeypatch.setattr(fixed_point, "solve_psi", shifted)
    assert not c.compare(c.printed, data, CTX).criteria["psi_certificate"]


def test_rational_rf_risk_by_hand():
    """d = 1, N = 1, w = 1: φ = x² − 1. qf f* = b(x² − 1) is in the span: risk 0. mg with
    Σ = 1, Δ = δ: E φ|y = −yδ, so b = E yφ = −δ and K = E φ² = δ² + 2(1 + δ²):
    R = 1 − δ²/(2 + 3δ²)."""
    from lazysym.objects.models import QuadraticTarget
    from proofs_check.evidence.rf_anchors import rational_rf_risk

    assert rational_rf_risk([[1.0]], QuadraticTarget(np.array([[0.5]]))) == 0
    m = GaussianMixture(np.eye(1), np.array([[0.5]]))
    assert rational_rf_risk([[1.0]], m) == 1 - Fraction(1, 4) / (2 + Fraction(3, 4))


def test_sweep_anchor_criterion_is_necessary():
    """A solver off its rational anchor by 1e-9 (far below any statistical tolerance of the
    sweep, far above float64 round-off) is rejected; with the criterion off it passes."""
    import copy

    c = get("thm1.eq10")
    data = c.evidence(CTX)
    assert c.compare(c.printed, data, CTX).criteria["exact_risk_anchor"]
    bad = copy.copy(data)
    bad["anchor"] = dict(data["anchor"], solver=data["anchor"]["solver"] * (1 + 1e-9))
    cmp = c.compare(c.printed, bad, CTX)
    assert not cmp.agrees and not cmp.criteria["exact_risk_anchor"]
    assert all(v for k, v in cmp.criteria.items() if k != "exact_risk_anchor")


def test_kernel_anchor_criterion_is_necessary():
    """A kernel 1e-9 off Gaussian quadrature (relative) is rejected in a sweep (thm1.trace_zero,
    centred ReLU) and in a ρ → ∞ claim (thm4.eq16); the criterion switched off (removed) passes."""
    import copy

    for cid, form in (("thm1.trace_zero", "printed"), ("thm4.eq16", "corrected")):
        c = get(cid)
        f = c.printed if form == "printed" else c.corrected
        data = c.evidence(CTX)
        assert data["anchor"]["kernels"]
        assert c.compare(f, data, CTX).criteria["kernel_anchor"]
        bad = copy.copy(data)
        bad["anchor"] = dict(data["anchor"],
                             kernels={k: 1e-9 for k in data["anchor"]["kernels"]})
        cmp = c.compare(f, bad, CTX)
        assert not cmp.agrees and not cmp.criteria["kernel_anchor"]
        assert all(v for k, v in cmp.criteria.items() if k != "kernel_anchor")


def test_kernel_anchor_sees_a_wrong_relu_constant(monkeypatch):
    """mu2 of the ReLU at a/√π instead of a/√(2π) (the cross moment b of a qf target)."""
    import math

    from lazysym.objects.models import QuadraticTarget
    from lazysym.rf import exact, kernels
    from proofs_check.evidence import rf_anchors as ev
    from proofs_check.evidence.rf_instances import resolve

    W = np.array([[0.5, -0.25], [1.0, 0.5], [0.0, 0.75]])
    t = QuadraticTarget(np.diag([1.0, 0.5, 0.25]))
    assert ev.kernel_anchor(W, t, resolve("relu_centered"))["dev"] <= ev.KERNEL_TOL
    real = kernels.mu2

    def wrong(act, a):
        v = real(act, a)
        return v * math.sqrt(2) if getattr(act, "kind", "") == "relu" else v

    monkeypatch.setattr(exact, "mu2", wrong)
    assert ev.kernel_anchor(W, t, resolve("relu_centered"))["dev"] > ev.KERNEL_TOL


def test_eq13_rf_derivation_must_be_the_printed_row(monkeypatch):
    """eq13.rf's recorded proof (eq. (12) at Γ = I/d) is checked to be the printed row: a
    substitution slip Γ = I/(d + 1) is rejected."""
    import sympy as sp

    from proofs_check.claims import s2_1_random_features as m

    c = get("eq13.rf")
    data = c.evidence(CTX)
    m._eq13_derivation.cache_clear()
    assert c.compare(c.printed, data, CTX).criteria["derivation_is_the_row"]
    S = rf.SYMBOLS
    slipped = rf.eq12_expr().subs({S.GB: S.trB / (S.d + 1), S.GF: S.d / (S.d + 1) ** 2})
    monkeypatch.setattr(m.rf, "derive_eq13_rf", lambda: sp.simplify(slipped))
    m._eq13_derivation.cache_clear()
    try:
        cmp = c.compare(c.printed, data, CTX)
        assert not cmp.agrees and not cmp.criteria["derivation_is_the_row"]
    finally:
        monkeypatch.undo()
        m._eq13_derivation.cache_clear()

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

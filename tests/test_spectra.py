"""Tests for lazysym.objects.spectra: the laws D of A2 (Theorem 1) and B2 (Theorem 4).

Independent evidence: exact rational sums, known moments of the named laws, tanh–sinh quadrature
of the densities against the closed-form resolvents, numpy eigenvalues of ΣΓ, and sample
covariance matrices against the Marchenko–Pastur law.
"""

from __future__ import annotations

import re
from fractions import Fraction

import mpmath
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lazysym.errors import AssumptionError
from lazysym.objects.fixed_point import solve_psi
from lazysym.objects.spectra import (
    PROBABILITY,
    Atoms,
    Density,
    Spectrum,
    check_a2,
    check_b2,
    exponential,
    marchenko_pastur,
    point_mass,
    spectrum_of,
    spectrum_of_gamma,
    spectrum_of_gamma_sigma,
    uniform,
)

# ------------------------------------------------------------------------------------------
# Atoms
# ------------------------------------------------------------------------------------------

def test_atoms_exact_storage_merging_and_defaults():
    D = Atoms(["1/3", 0.5, "1/3", 2])
    assert D.values_exact == (Fraction(1, 3), Fraction(1, 2), Fraction(2))
    assert D.weights_exact == (Fraction(1, 2), Fraction(1, 4), Fraction(1, 4))
    assert D.mean_exact() == Fraction(1, 6) + Fraction(1, 8) + Fraction(1, 2)
    assert D.is_atomic and len(D) == 3
    np.testing.assert_allclose(D.values, [1 / 3, 0.5, 2.0])
    # floats are taken exactly (0.1 is the binary number nearest 1/10, not 1/10)
    assert Atoms([0.1]).values_exact[0] == Fraction(0.1) != Fraction(1, 10)
    assert Atoms([mpmath.mpf("0.25")]).values_exact[0] == Fraction(1, 4)


def test_weights_renormalised_exactly_and_zero_weights_dropped():
    D = Atoms([1, 2, 3], [0.3, 0.7 - 1e-14, 0])
    assert sum(D.weights_exact) == 1 and len(D) == 2


def test_integrate_and_mean_match_exact_sums():
    D = Atoms([0, "1/7", 3, 10], ["0.1", "0.2", "0.3", "0.4"])
    with mpmath.workdps(60):
        exact = sum(Fraction(w) * Fraction(t) ** 3 for t, w in
                    ((0, "0.1"), ("1/7", "0.2"), (3, "0.3"), (10, "0.4")))
        got = D.integrate(lambda t: t ** 3, dps=50)
        assert abs(got - mpmath.mpf(exact.numerator) / exact.denominator) < mpmath.mpf(10) ** -48
    m = D.mean(dps=40)
    with mpmath.workdps(40):
        assert m == mpmath.mpf(D.mean_exact().numerator) / D.mean_exact().denominator


@given(st.lists(st.floats(0, 1e6), min_size=1, max_size=20))
def test_mean_exact_is_the_rational_average(vals):
    D = Atoms(vals)
    assert D.mean_exact() == sum((Fraction(v) for v in vals), Fraction(0)) / len(vals)
    assert sum(D.weights_exact) == 1


@pytest.mark.parametrize("values, weights, needle", [
    ([], None, "at least one"),
    ([-0.5, 1], None, "≥ 0"),
    ([float("nan")], None, "finite"),
    ([float("inf")], None, "finite"),
    ([1, 2], [0.5, 0.6], "sum to 1"),
    ([1, 2], [1.5, -0.5], "≥ 0"),
    ([1, 2], [1.0], "match"),
    (["x"], None, "written as a decimal or p/q"),
    (["nan"], None, "decimal"),
    (np.ones((2, 2)), None, "one-dimensional"),
    ([1 + 1j], None, "real"),
    ([mpmath.pi], None, "constant"),
])
def test_atoms_bad_input(values, weights, needle):
    with pytest.raises(AssumptionError, match=needle) as info:
        Atoms(values, weights)
    assert info.value.assumption == PROBABILITY


@pytest.mark.parametrize("values", [3.0, "1 2", {1: 2}])
def test_atoms_wrong_type(values):
    with pytest.raises(TypeError, match="values must be a sequence of numbers"):
        Atoms(values)


def test_atoms_huge_exponent_string_is_refused_at_once():
    """13 characters must not build 10^999999999 (issue 11): refused by the exponent cap, in far
    less than a second (the string is never converted)."""
    with pytest.raises(AssumptionError, match="decimal_exponent") as info:
        Atoms(["1e999999999"])
    assert info.value.assumption == "limit decimal_exponent"
    from lazysym import limits
    with limits.raised(decimal_exponent=2000):
        assert Atoms(["1e-1500", "1"]).values_exact[0] == Fraction(1, 10 ** 1500)
    with pytest.raises(AssumptionError, match="float64's range"):
        Atoms(["1e400"])


# ------------------------------------------------------------------------------------------
# densities and named laws
# ------------------------------------------------------------------------------------------

def _moments(law):
    """Known first two moments of the named laws (textbook formulas)."""
    return {
        "uniform(1,3)": (uniform(1, 3), 2, Fraction(13, 3)),                       # (a²+ab+b²)/3
        "exponential(2)": (exponential(2), Fraction(1, 2), Fraction(1, 2)),       # 2/r²
        "MP(0.5)": (marchenko_pastur(Fraction(1, 2)), 1, Fraction(3, 2)),           # s²(1+y)
        "MP(3, scale 2)": (marchenko_pastur(3, 2), 2, 16),                         # 4·(1+3)
        "MP(1)": (marchenko_pastur(1), 1, 2),
    }[law]


@pytest.mark.parametrize("law", ["uniform(1,3)", "exponential(2)", "MP(0.5)", "MP(3, scale 2)",
                                 "MP(1)"])
def test_named_laws_moments_by_quadrature(law):
    D, m1, m2 = _moments(law)
    with mpmath.workdps(30):
        assert abs(D.integrate(lambda t: 1, dps=25) - 1) < mpmath.mpf(10) ** -20
        assert abs(D.integrate(lambda t: t, dps=25) - float(m1)) < mpmath.mpf(10) ** -18
        assert abs(D.integrate(lambda t: t * t, dps=25) - mpmath.mpf(m2.numerator if isinstance(
            m2, Fraction) else m2) / (m2.denominator if isinstance(m2, Fraction) else 1)) \
            < mpmath.mpf(10) ** -18
        assert D.mean(dps=25) == mpmath.mpf(float(m1))


@pytest.mark.parametrize("law", [uniform(0, 2), uniform("0.5", 4), exponential(1),
                                 exponential("0.25"), marchenko_pastur("0.3"),
                                 marchenko_pastur(1), marchenko_pastur(4, "0.5")],
                         ids=lambda D: D.name)
@pytest.mark.parametrize("c", ["1e-6", "0.3", "1", "50", "1e5"])
def test_closed_form_resolvent_matches_quadrature(law, c):
    """R(c) = ∫D(dt)/(1+ct) and R'(c): closed form vs tanh–sinh of the density (generic path)."""
    R, dR, _ = law._resolvent(mpmath.mpf(c), dps=30)
    Rq, dRq, _ = Spectrum._resolvent(law, mpmath.mpf(c), dps=30)
    with mpmath.workdps(30):
        # both sides at 30 digits (+ guard): measured worst relative gap 7.6e-32 over this grid;
        # 1e-28 leaves 2 digits for quadrature. R' is computed at ~half precision (all Newton
        # needs; generic path at 20 digits): measured worst 7.5e-22, tolerance 1e-17.
        assert abs(R - Rq) <= mpmath.mpf(10) ** -28 * abs(Rq)
        assert abs(dR - dRq) <= mpmath.mpf(10) ** -17 * abs(dRq)


def test_mp_resolvent_includes_atom_at_zero():
    """For ratio y > 1, R(c) → 1 − 1/y as c → ∞ (the atom at 0 is never damped)."""
    D = marchenko_pastur(4)
    with mpmath.workdps(30):
        R, _, _ = D._resolvent(mpmath.mpf(10) ** 20, dps=30)
        assert abs(R - mpmath.mpf(3) / 4) < mpmath.mpf(10) ** -15


def test_sample_covariance_spectrum_approaches_marchenko_pastur():
    """ESD of XXᵀ/n (p/n = 1/2) vs MP(1/2): ψ differs by O(1/p).

    Measured mean |Δψ| (ρ=2, λ₁=1/2, λ̃=1/4; 5 seeds): 6.3e-3 (p=100), 3.8e-3 (p=200),
    1.9e-3 (p=400) — rate ≈ 1; with the 3 seeds used here 3.6e-2 (p=25) and 4.8e-3 (p=200).
    The tolerance 0.02 is ≈ 5× the p=200 mean; the error must also fall by > 2 from p=25 to 200
    (rate 1 predicts 8). (p ≤ 200 keeps numpy's eigvalsh fast on a loaded machine.)
    """
    psi_mp = solve_psi(2, 0.5, 0.25, marchenko_pastur(0.5), dps=15).value
    errs = {}
    for p in (25, 200):
        e = []
        for seed in range(3):
            X = np.random.default_rng(seed).standard_normal((p, 2 * p))
            E = spectrum_of(X @ X.T / (2 * p))
            e.append(abs(float(solve_psi(2, 0.5, 0.25, E, dps=15).value - psi_mp)))
        errs[p] = np.mean(e)
    assert errs[200] < errs[25] / 2 and errs[200] < 0.02


@pytest.mark.parametrize("make, needle", [
    (lambda: Density(lambda t: mpmath.mpf(1), 0, 2), "integrate to 1"),
    (lambda: Density(lambda t: mpmath.mpf(1), -1, 0), re.escape("[0,∞)")),
    (lambda: Density(lambda t: mpmath.mpf(1), 2, 1), "a < b"),
    (lambda: Density(lambda t: 2 * t - 1, 0, 1), "≥ 0"),
    (lambda: Density("pdf", 0, 1), "callable"),
    (lambda: Density(lambda t: 1 / (1 + t) ** 2, 0, mpmath.inf), "mean"),
    (lambda: uniform(2, 2), "a < b"),
    (lambda: exponential(0), "rate > 0"),
    (lambda: marchenko_pastur(0), "ratio > 0"),
    (lambda: marchenko_pastur(1, -1), "scale > 0"),
])
def test_density_bad_input(make, needle):
    with pytest.raises(AssumptionError, match=needle):
        make()


def test_custom_density_integrates():
    tri = Density(lambda t: t / 2, 0, 2, "triangle")
    with mpmath.workdps(40):
        assert abs(tri.mean(dps=35) - mpmath.mpf(4) / 3) < mpmath.mpf(10) ** -34


# ------------------------------------------------------------------------------------------
# ESDs of A2 / B2
# ------------------------------------------------------------------------------------------

def test_spectrum_of_gamma_isotropic_and_diagonal():
    assert spectrum_of_gamma(np.eye(5) / 5).values_exact == (Fraction(1),)
    G = np.diag([0.1, 0.2, 0.3, 0.4])
    D = spectrum_of_gamma(G)
    np.testing.assert_allclose(D.values, [0.4, 0.8, 1.2, 1.6], rtol=1e-14)
    assert float(D.mean(dps=15)) == pytest.approx(1, abs=1e-14)      # Tr Γ = 1 ⇔ mean 1


def test_spectrum_of_gamma_sigma_matches_eigenvalues_of_sigma_gamma():
    rng = np.random.default_rng(3)
    d = 6
    A = rng.standard_normal((d, d))
    G = A @ A.T
    B = rng.standard_normal((d, d))
    S = B @ B.T + np.eye(d)
    G = G / np.trace(G @ S)
    D = spectrum_of_gamma_sigma(G, S)
    ref = np.sort(np.linalg.eigvals(d * S @ G).real)   # ΣΓ is similar to Γ^{1/2}ΣΓ^{1/2}
    np.testing.assert_allclose(D.values, ref, rtol=1e-9)
    assert float(D.mean(dps=15)) == pytest.approx(1, rel=1e-12)     # Tr ΓΣ = 1 ⇔ mean 1


def test_check_a2_message():
    d = 10
    with pytest.raises(AssumptionError, match=r"Theorem 1 assumes Tr\(Γ\) = 1 \(A2\); got 0.93") \
            as info:
        check_a2(0.93 * np.eye(d) / d)
    assert info.value.assumption == "A2"
    with pytest.raises(AssumptionError, match="A2"):
        spectrum_of_gamma(np.eye(d))
    spectrum_of_gamma(np.eye(d), check=False)      # an explicit opt-out works


def test_check_b2_message():
    d = 4
    S = np.diag([1.0, 2.0, 3.0, 4.0])
    with pytest.raises(AssumptionError, match=r"Theorem 4 assumes Tr\(ΓΣ\) = 1 \(B2\); got 0.93"):
        check_b2(0.93 * np.eye(d) / 10, S)
    check_b2(np.eye(d) / 10, S)
    with pytest.raises(AssumptionError, match="same shape"):
        check_b2(np.eye(3) / 3, S)


@pytest.mark.parametrize("M, needle", [
    (np.diag([1.0, -0.5]), "positive semidefinite"),
    (np.array([[1.0, 2.0], [0.0, 1.0]]), "symmetric"),
    (np.array([[np.nan]]), "finite"),
])
def test_spectrum_of_bad_matrix(M, needle):
    with pytest.raises(AssumptionError, match=needle):
        spectrum_of(M)


def test_roundoff_negative_eigenvalue_is_clipped():
    v = np.array([1.0, 1.0]) / np.sqrt(2)
    M = np.outer(v, v)            # eigenvalues {0, 1} up to round-off
    D = spectrum_of(M)
    assert min(D.values_exact) >= 0


def test_point_mass():
    D = point_mass("2.5")
    assert D.values_exact == (Fraction(5, 2),) and D.weights_exact == (Fraction(1),)

"""Tests for lazysym.nn: the NN optimum (qf, mg), Theorems 3 and 6, the Bayes error."""

from __future__ import annotations

import mpmath
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lazysym.errors import AssumptionError, ConvergenceError
from lazysym.nn import (
    bayes_risk_mixture,
    mixture_quadratic_risk,
    mixture_risk_monte_carlo,
    nn_minimizer,
    nn_minimizer_mixture,
    nn_risk_mixture,
    nn_risk_mixture_numerical,
    nn_risk_quadratic,
    theorem3_value,
    theorem6_risk,
    theorem6_risk_rho_ge_1,
)
from lazysym.nn.loss import population_loss
from lazysym.objects.models import GaussianMixture, QuadraticTarget, paper_mixture
from proofs_check.evidence.landscape import saddle_free_newton as _saddle_free_newton


def _random_sym(d, rng, *, psd, rank=None):
    Q, _ = np.linalg.qr(rng.standard_normal((d, d)))
    lam = rng.exponential(1.0, size=d) if psd else rng.standard_normal(d)
    if rank is not None:
        lam[rank:] = 0.0
    B = (Q * lam) @ Q.T
    return (B + B.T) / 2


def _general_mixture(d, rng, scale=0.5):
    G = rng.standard_normal((d, d))
    Sigma = np.eye(d) + G @ G.T / (2 * d)
    A = rng.standard_normal((d, d))
    return GaussianMixture(Sigma, scale * (A + A.T) / np.sqrt(2 * d) / np.sqrt(d))


# ------------------------------------------------------------------------------------------------
# quadratic target: Eckart–Young and the non-PSD optimum
# ------------------------------------------------------------------------------------------------

@given(d=st.integers(1, 7), N=st.integers(1, 9), seed=st.integers(0, 10**6),
       psd=st.booleans(), b0=st.floats(-5, 5))
def test_no_W_beats_the_optimum_and_the_minimizer_attains_it(d, N, seed, psd, b0):
    rng = np.random.default_rng(seed)
    target = QuadraticTarget(_random_sym(d, rng, psd=psd), b0=b0)
    best = nn_risk_quadratic(target, N)
    W, c = nn_minimizer(target, N)
    # the minimiser attains the value (round-off of B − WWᵀ: ~1e-15·‖B‖²)
    assert population_loss(W, c, target) == pytest.approx(best, rel=1e-10, abs=1e-12)
    for _ in range(20):
        Wr = rng.standard_normal((d, N)) * rng.uniform(0.1, 2.0)
        cr = target.b0 + float(np.trace(target.B - Wr @ Wr.T))  # optimal offset for Wr
        assert population_loss(Wr, cr, target) >= best - 1e-10 * max(1.0, best)
    if psd:
        assert theorem3_value(target, N) == pytest.approx(best, rel=1e-12, abs=1e-14)


def test_numerical_minimisation_matches_for_non_psd_B():
    rng = np.random.default_rng(7)
    for d, N in [(3, 1), (4, 2), (5, 3), (4, 4)]:
        target = QuadraticTarget(_random_sym(d, rng, psd=False))
        num = min(_saddle_free_newton(target, N, rng)[0] for _ in range(3))
        # saddle-free Newton to ‖∇L‖ ≤ 1e-13: the excess is ≲ 1e-18 at these sizes (measured)
        assert num == pytest.approx(nn_risk_quadratic(target, N), rel=1e-9, abs=1e-12)


def test_non_psd_examples_by_hand():
    # B = diag(1, −1): the +1 direction is fitted, the −1 one is paid in full: 2·1
    assert nn_risk_quadratic(QuadraticTarget(np.diag([1.0, -1.0])), 1) == pytest.approx(2.0)
    assert nn_risk_quadratic(QuadraticTarget(np.diag([1.0, -1.0])), 5) == pytest.approx(2.0)
    # B = −I: nothing can be fitted, the risk is that of the best constant, 2‖B‖²_F = 2d
    assert nn_risk_quadratic(QuadraticTarget(-np.eye(4)), 3) == pytest.approx(8.0)
    # normalised version of the centred target: divided by 2‖B‖²_F
    t = QuadraticTarget(np.diag([3.0, 2.0, 1.0]))
    assert nn_risk_quadratic(t, 1, normalized=True) == pytest.approx((4 + 1) / (9 + 4 + 1))


def test_theorem3_value_high_precision():
    rng = np.random.default_rng(3)
    t = QuadraticTarget(_random_sym(5, rng, psd=True))
    v = theorem3_value(t, 2, dps=40)
    assert isinstance(v, mpmath.mpf)
    assert float(v) == pytest.approx(theorem3_value(t, 2), rel=1e-12)
    assert mpmath.mp.dps == 15
    # exact rational spectrum: B = diag(3, 2, 1) → 2·(1²) at N = 2, to 40 digits
    v = theorem3_value(QuadraticTarget(np.diag([3.0, 2.0, 1.0])), 2, dps=40)
    with mpmath.workdps(40):
        assert abs(v - 2) < mpmath.mpf(10) ** -35


# ------------------------------------------------------------------------------------------------
# Gaussian mixture
# ------------------------------------------------------------------------------------------------

def test_risk_functional_against_monte_carlo():
    rng = np.random.default_rng(11)
    m = _general_mixture(6, rng, scale=0.8)
    A = rng.standard_normal((6, 6))
    S = 0.1 * (A + A.T)
    for c in (None, 0.3):
        exact = mixture_quadratic_risk(S, c, m)
        cc = -float(np.sum(S * m.Sigma)) if c is None else c
        mc = mixture_risk_monte_carlo(S, cc, m, n=200_000, rng=5)
        assert abs(mc.value - exact) < 5 * mc.stderr  # CLT: 5σ


def test_exact_mixture_optimum_against_monte_carlo():
    m = _general_mixture(8, np.random.default_rng(2), scale=1.0)
    S, c = nn_minimizer_mixture(m, 3)
    assert np.linalg.matrix_rank(S, tol=1e-10) <= 3
    assert mixture_quadratic_risk(S, c, m) == pytest.approx(nn_risk_mixture(m, 3), rel=1e-12)
    mc = mixture_risk_monte_carlo(S, c, m, n=200_000, rng=9)
    assert abs(mc.value - nn_risk_mixture(m, 3)) < 5 * mc.stderr


@pytest.mark.parametrize("commuting", [True, False])
@pytest.mark.parametrize("N", [1, 2, 4, 6])
def test_closed_form_equals_numerical_rank_constrained_minimum(commuting, N):
    rng = np.random.default_rng(100 + N)
    d = 6
    if commuting:
        m = GaussianMixture(np.diag(rng.uniform(0.5, 2.0, d)),
                            np.diag(rng.choice([-1.0, 1.0], d) * rng.uniform(0.1, 0.4, d)))
    else:
        m = _general_mixture(d, rng, scale=0.8)
    num = nn_risk_mixture_numerical(m, N, rng=rng, starts=6)
    # projected gradient converges to a step ≤ 1e-13 (strongly convex quadratic before the
    # projection); measured agreement ≤ 3e-16
    assert num == pytest.approx(nn_risk_mixture(m, N), abs=1e-10)


def test_theorem6_difference_shrinks_like_one_over_d():
    diffs = []
    for d in (25, 50, 100, 200, 400):
        m = paper_mixture(d, 4)
        N = d // 2
        diffs.append(abs(nn_risk_mixture(m, N) - theorem6_risk(m, N)))
    slope = np.polyfit(np.log([25, 50, 100, 200, 400]), np.log(diffs), 1)[0]
    assert -1.3 < slope < -0.7  # O(Σσ⁴) = O(1/d) under M2
    assert all(a > b for a, b in zip(diffs, diffs[1:]))


def test_rho_ge_1_and_high_precision():
    m = paper_mixture(30, 1)
    assert theorem6_risk(m, 30) == pytest.approx(theorem6_risk_rho_ge_1(m), rel=1e-13)
    assert theorem6_risk(m, 300) == pytest.approx(theorem6_risk(m, 30), rel=1e-15)
    v = theorem6_risk(m, 10, dps=50)
    assert isinstance(v, mpmath.mpf) and float(v) == pytest.approx(theorem6_risk(m, 10), rel=1e-14)
    # exact ≥ Theorem 6 (σ²/(1+σ²) ≤ σ²) and decreasing in N
    vals = [nn_risk_mixture(m, N) for N in (1, 5, 10, 30)]
    assert all(a > b for a, b in zip(vals, vals[1:]))
    assert all(nn_risk_mixture(m, N) >= theorem6_risk(m, N) for N in (1, 5, 30))


def test_bayes_error_one_dimensional_quadrature_and_ordering():
    delta = 0.6
    m = GaussianMixture(np.eye(1), np.array([[delta]]))
    est = bayes_risk_mixture(m, n=200_000, rng=1)

    def dens(x, v):
        return mpmath.exp(-x * x / (2 * v)) / mpmath.sqrt(2 * mpmath.pi * v)

    def integrand(x):
        p, q = dens(x, 1 - delta), dens(x, 1 + delta)
        return 0.5 * (p + q) * (1 - ((p - q) / (p + q)) ** 2)

    with mpmath.workdps(20):
        exact = float(mpmath.quad(integrand, [-mpmath.inf, 0, mpmath.inf]))
    assert abs(est.value - exact) < 5 * est.stderr
    # the MMSE is below every predictor, in particular the best quadratic one
    assert est.value < nn_risk_mixture(m, 1)
    # Δ = 0: E[y|x] = 0, MMSE = 1 with no variance
    z = bayes_risk_mixture(GaussianMixture(np.eye(3), np.zeros((3, 3))), n=1000, rng=0)
    assert z.value == pytest.approx(1.0) and z.stderr == pytest.approx(0.0, abs=1e-12)


def test_numerical_optimiser_reports_non_convergence():
    m = paper_mixture(6, 0)
    with pytest.raises(ConvergenceError):
        nn_risk_mixture_numerical(m, 2, rng=0, starts=1, max_iter=1, tol=1e-300)


# ------------------------------------------------------------------------------------------------
# bad input
# ------------------------------------------------------------------------------------------------

_PSD = QuadraticTarget(np.diag([2.0, 1.0]))
_NOT_PSD = QuadraticTarget(np.diag([1.0, -1.0]))
_MIX = paper_mixture(9, 0)

BAD = [
    ("B non-symmetric", lambda: QuadraticTarget(np.array([[1.0, 2.0], [0.0, 1.0]])), "symmetric"),
    ("B has NaN", lambda: QuadraticTarget(np.array([[np.nan, 0.0], [0.0, 1.0]])), "finite"),
    ("Theorem 3 needs B ⪰ 0", lambda: theorem3_value(_NOT_PSD, 1), "Theorem 3 assumes B ⪰ 0"),
    ("N = 0", lambda: nn_risk_quadratic(_PSD, 0), "N ≥ 1"),
    ("N < 0", lambda: nn_minimizer(_PSD, -2), "N ≥ 1"),
    ("N not an integer", lambda: theorem3_value(_PSD, 1.5), "N integer"),
    ("N a bool", lambda: nn_risk_quadratic(_PSD, True), "N integer"),
    ("target not a QuadraticTarget", lambda: nn_risk_quadratic(np.eye(2), 1), "qf target"),
    ("dps = 0", lambda: theorem3_value(_PSD, 1, dps=0), "dps"),
    ("mixture N = 0", lambda: nn_risk_mixture(_MIX, 0), "N ≥ 1"),
    ("mixture wrong type", lambda: theorem6_risk(np.eye(9), 1), "mg model"),
    ("S wrong shape", lambda: mixture_quadratic_risk(np.eye(3), 0.0, _MIX), "S shape"),
    ("S has NaN", lambda: mixture_quadratic_risk(np.full((9, 9), np.nan), 0.0, _MIX), "finite"),
    ("Bayes n = 0", lambda: bayes_risk_mixture(_MIX, n=0, rng=0), "n ≥ 1"),
    ("Bayes without a seed", lambda: bayes_risk_mixture(_MIX, n=10, rng=None), "seeded"),
    ("Σ ± Δ not PD", lambda: GaussianMixture(np.eye(2), 2 * np.eye(2)), "M1/M2"),
]


@pytest.mark.parametrize("case, call, fragment", BAD, ids=[b[0] for b in BAD])
def test_bad_input_raises_assumption_error(case, call, fragment):
    with pytest.raises(AssumptionError) as info:
        call()
    assert fragment in str(info.value)


def test_eq13_nn_row_float_and_exact_paths_agree_with_the_hand_value():
    """Eq. (13) NN row for B = diag(3, 2, 1): 1 − Σ_{i≤N} λᵢ²/‖B‖²_F = 1 − 9/14, 1 − 13/14, 0."""
    from fractions import Fraction

    from lazysym.nn.summary import eq13_nn_row
    B = np.diag([3.0, 2.0, 1.0])
    for N, want in ((1, Fraction(5, 14)), (2, Fraction(1, 14)), (3, Fraction(0)), (5, Fraction(0))):
        assert abs(eq13_nn_row(B, N) - float(want)) < 1e-15
        got = eq13_nn_row(B, N, dps=30)
        with mpmath.workdps(40):
            assert abs(got - mpmath.mpf(want.numerator) / want.denominator) < mpmath.mpf(10) ** -29


def test_theorem6_depends_on_sigma_and_delta_only_through_the_whitened_delta():
    """Theorem 6's risk is a function of Δ̃ = Σ^{-1/2}ΔΣ^{-1/2} (the quadratic network's class is
    invariant under x ↦ Σ^{-1/2}x): (Σ, Δ) = (diag s, diag δ) gives the same risk as (I, diag δ/s),
    on both the float and the dps paths (a Σ ≠ I case: the mutation run found none checked)."""
    from fractions import Fraction

    from lazysym.nn.formulas import theorem6_risk
    s = [Fraction(2), Fraction(1, 2), Fraction(4), Fraction(1)]
    dl = [Fraction(1), Fraction(1, 4), Fraction(-3, 2), Fraction(1, 8)]
    m = GaussianMixture(np.diag([float(x) for x in s]), np.diag([float(x) for x in dl]))
    w = GaussianMixture(np.eye(4), np.diag([float(a / b) for a, b in zip(dl, s)]))
    for N in (1, 2, 4):
        assert abs(theorem6_risk(m, N) - theorem6_risk(w, N)) < 1e-14
        a, b = theorem6_risk(m, N, dps=30), theorem6_risk(w, N, dps=30)
        with mpmath.workdps(40):
            assert abs(a - b) < mpmath.mpf(10) ** -28
    # exact (Fraction) inputs take the exact-matrix path
    def diag(v):
        return [[v[i] if i == j else Fraction(0) for j in range(4)] for i in range(4)]
    one = [Fraction(1)] * 4
    for N in (1, 2, 4):
        a = theorem6_risk((diag(s), diag(dl)), N, dps=30)
        b = theorem6_risk((diag(one), diag([x / y for x, y in zip(dl, s)])), N, dps=30)
        with mpmath.workdps(40):
            assert abs(a - b) < mpmath.mpf(10) ** -28

"""lazysym.objects.hermite: exact vs mpmath vs float64 Hermite data, Parseval, A1, bad input."""

import math

import mpmath
import numpy as np
import pytest
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

from lazysym.errors import AssumptionError
from lazysym.objects import activations as A
from lazysym.objects import hermite as H

x = A.x
PHI = sp.exp(-x**2 / 2) / sp.sqrt(2 * sp.pi)
EXACT_NAMES = ["quadratic", "quadratic_centered", "relu", "relu_centered", "abs", "erf"]


def mpf_close(a, b, digits):
    return abs(mpmath.mpf(a) - mpmath.mpf(b)) <= mpmath.mpf(10) ** (-digits) * max(1, abs(b))


# ------------------------------------------------------------------------------------------
# exact closed forms
# ------------------------------------------------------------------------------------------

def test_relu_known_values():
    lam = H.hermite_coefficients(A.RELU, 2, exact=True)
    assert sp.simplify(lam[0] - 1 / sp.sqrt(2 * sp.pi)) == 0
    assert lam[1] == sp.Rational(1, 2)
    assert sp.simplify(lam[2] - 1 / sp.sqrt(2 * sp.pi)) == 0
    assert H.second_moment(A.RELU, exact=True) == sp.Rational(1, 2)
    assert sp.simplify(H.lambda_tilde(A.RELU, exact=True) - sp.Rational(1, 4)) == 0


def test_relu_closed_form_all_orders():
    # independent closed form: λ_k(ReLU) = φ(0) He_{k-2}(0) for k ≥ 2 (He_kφ = −(He_{k−1}φ)'),
    # He_{2m}(0) = (−1)^m (2m−1)!!, He_odd(0) = 0
    lam = H.hermite_coefficients(A.RELU, 12, dps=40)
    for k in range(2, 13):
        with mpmath.workdps(45):
            expect = 0 if k % 2 else \
                (-1) ** ((k - 2) // 2) * mpmath.fac2(k - 3) / mpmath.sqrt(2 * mpmath.pi)
            assert mpf_close(lam[k], expect, 38), k


def test_quadratic_centered_corollary1_data():
    act = A.QUADRATIC_CENTERED
    assert H.hermite_coefficient(act, 0, exact=True) == 0
    assert H.hermite_coefficient(act, 1, exact=True) == 0
    assert H.hermite_coefficient(act, 2, exact=True) == 2
    assert H.second_moment(act, exact=True) == 2
    assert H.lambda_tilde(act, exact=True) == 2
    assert mpf_close(H.lambda_tilde(act), 2, 28)


def test_erf_closed_forms():
    lam = H.hermite_coefficients(A.ERF, 5, exact=True)
    assert lam[0] == 0 and lam[2] == 0 and lam[4] == 0
    assert sp.simplify(lam[1] - 1 / sp.sqrt(sp.pi)) == 0
    assert sp.simplify(lam[3] + 1 / (2 * sp.sqrt(sp.pi))) == 0
    assert H.second_moment(A.ERF, exact=True) == sp.Rational(1, 3)
    # erf(x) (c = 1): (2/π) arcsin(2/3), checked against mpmath quadrature
    e1 = A.from_expr(sp.erf(x), "erf1")
    m2 = H.second_moment(e1, exact=True)
    assert sp.simplify(m2 - 2 / sp.pi * sp.asin(sp.Rational(2, 3))) == 0
    assert mpf_close(sp.N(m2, 40), H.second_moment(e1, dps=35), 33)


@pytest.mark.parametrize("name", EXACT_NAMES)
def test_exact_matches_mpmath(name):
    act = A.activation(name)
    exact = H.hermite_coefficients(act, 4, exact=True)
    num = H.hermite_coefficients(act, 4, dps=30)
    for k in range(5):
        # 30 requested digits, absolute scale max(1, √k!) (see hermite_coefficient): 1e-28
        assert mpf_close(sp.N(exact[k], 40), num[k], 28), (name, k)
    assert mpf_close(sp.N(H.second_moment(act, exact=True), 40), H.second_moment(act, dps=30), 28)


def test_exact_by_direct_sympy_integration():
    # the piecewise-polynomial route, cross-checked against SymPy integrating Max(x,0)-type
    # expressions over ℝ directly (SymPy rewrites Max itself)
    for k in range(4):
        direct = sp.integrate(sp.Max(x, 0) * sp.hermite_prob(k, x) * PHI, (x, -sp.oo, sp.oo))
        assert sp.simplify(direct - H.hermite_coefficient(A.RELU, k, exact=True)) == 0


def test_no_closed_form_raises():
    with pytest.raises(AssumptionError, match="closed form"):
        H.hermite_coefficient(A.TANH, 1, exact=True)
    with pytest.raises(AssumptionError, match="closed form"):
        H.second_moment(A.SOFTPLUS, exact=True)


# ------------------------------------------------------------------------------------------
# mpmath
# ------------------------------------------------------------------------------------------

def test_odd_activations_have_zero_lambda2():
    assert H.hermite_coefficient(A.TANH, 2) == 0
    assert H.hermite_coefficient(A.ERF, 2) == 0
    assert H.hermite_coefficient(A.ERF, 2, exact=True) == 0


def test_tanh_stable_under_dps_sweep():
    lo = H.hermite_coefficients(A.TANH, 5, dps=50)
    mid = H.hermite_coefficients(A.TANH, 5, dps=70)
    hi = H.hermite_coefficients(A.TANH, 5, dps=100)
    for k in range(6):
        assert mpf_close(lo[k], hi[k], 49), k
        assert mpf_close(mid[k], hi[k], 69), k


def test_tanh_by_stein_identity():
    # independent integrand: E[σ(G)He_k(G)] = E[σ^(k)(G)] with σ^(k) from SymPy
    lam = H.hermite_coefficients(A.TANH, 4, dps=30)
    for k in (1, 3, 4):
        dk = sp.lambdify(x, sp.diff(sp.tanh(x), x, k), "mpmath")
        with mpmath.workdps(40):
            ref = mpmath.quad(lambda t, dk=dk: dk(t) * mpmath.npdf(t), [-mpmath.inf, 0, mpmath.inf])
        assert mpf_close(lam[k], ref, 28), k


def test_softplus_values():
    lam = H.hermite_coefficients(A.SOFTPLUS, 2, dps=30)
    # softplus' = logistic, symmetric about 1/2: λ₁ = E[logistic(G)] = 1/2 exactly
    assert mpf_close(lam[1], mpmath.mpf(1) / 2, 28)
    # λ₀ = E softplus(G): independent check from the Gaussian expectation with mpmath's npdf
    with mpmath.workdps(40):
        ref = mpmath.quad(lambda t: mpmath.log1p(mpmath.exp(t)) * mpmath.npdf(t),
                          [-mpmath.inf, 0, mpmath.inf])
    assert mpf_close(lam[0], ref, 28)


@pytest.mark.parametrize("name, kmax, tail_max", [("tanh", 20, 1e-5), ("relu", 20, 1e-2),
                                                  ("erf", 15, 1e-4)])
def test_parseval_tail_shrinks(name, kmax, tail_max):
    act = A.activation(name)
    sums = H.parseval_partial_sums(act, kmax, dps=25)
    m2 = H.second_moment(act, dps=25)
    tails = [m2 - s for s in sums]
    assert all(t >= -mpmath.mpf(10) ** -20 for t in tails)        # S_K ≤ E σ² (Bessel)
    assert all(b <= a + mpmath.mpf(10) ** -20 for a, b in zip(tails, tails[1:]))  # monotone
    # measured tails at K = kmax: tanh 3.3e-6, relu ~1e-3, erf ~3e-5 (thresholds ≥ 3× above)
    assert tails[-1] < tail_max
    assert tails[-1] < tails[1] / 10


def test_parseval_exact_for_quadratic():
    sums = H.parseval_partial_sums(A.QUADRATIC_CENTERED, 4, dps=30)
    assert mpf_close(sums[2], 2, 28) and mpf_close(sums[4], 2, 28)


def test_coefficients_list_matches_single_calls():
    lst = H.hermite_coefficients("softplus", 3, dps=25)
    for k in range(4):
        assert mpf_close(lst[k], H.hermite_coefficient("softplus", k, dps=25), 24)


def test_no_global_precision_change():
    H.hermite_coefficient(A.TANH, 3, dps=60)
    assert mpmath.mp.dps == 15


# ------------------------------------------------------------------------------------------
# A1
# ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", A.NAMES)
def test_a1_holds_for_named(name):
    assert H.check_a1(name) is None


@pytest.mark.parametrize("expr, fragment", [
    ("x", "nonlinear"), ("3*x + 1", "nonlinear"), ("2", "nonlinear"),
    ("Max(x, 0) + Min(x, 0)", "nonlinear"),              # = x, written piecewise
    ("exp(x**2)", "c₁ < 1"), ("exp(x**2/4)", "c₁ < 1"),   # c₁ = 1 is excluded too
    ("Piecewise((exp(x**2), x > 0), (0, True))", "c₁ < 1"),
    ("1/x", "continuous"),
])
def test_a1_violations(expr, fragment):
    with pytest.raises(AssumptionError, match=fragment) as err:
        H.check_a1(A.from_expr(expr))
    assert err.value.assumption == "A1"


def test_a1_borderline_holds():
    assert H.check_a1(A.from_expr("exp(x**2/5)")) is None   # σ² = exp(0.8·u²/2): c₁ = 0.8
    assert H.check_a1(A.from_expr("sin(x)")) is None


# ------------------------------------------------------------------------------------------
# scaled coefficients (float64)
# ------------------------------------------------------------------------------------------

SCALES = [sp.Rational(-13, 10), sp.Rational(2, 5), sp.Integer(1), sp.Rational(5, 2)]


@pytest.mark.parametrize("name", ["relu", "abs", "quadratic_centered", "relu_centered", "tanh",
                                  "erf", "softplus"])
def test_scaled_vs_mpmath(name):
    act = A.activation(name)
    kmax = 6
    mu = H.scaled_hermite_coefficients(act, np.array([float(a) for a in SCALES]), kmax)
    m2 = H.scaled_second_moment(act, np.array([float(a) for a in SCALES]))
    assert mu.shape == (len(SCALES), kmax + 1) and mu.dtype == np.float64
    for i, a in enumerate(SCALES):
        # reference: the mpmath coefficients of the activation σ(a·), built independently
        sa = A.from_expr(act.expr.subs(x, a * x), f"{name}({a}x)")
        ref = H.hermite_coefficients(sa, kmax, dps=20)
        for k in range(kmax + 1):
            # float64 target 1e-13 of max(1, |μ_k|)·√k! (the trapezoid stopping rule); measured
            # ≤ 7e-16 for these activations and scales
            tol = 1e-13 * max(1.0, abs(float(ref[k]))) * math.sqrt(math.factorial(k))
            assert abs(mu[i, k] - float(ref[k])) <= tol, (name, float(a), k)
        assert m2[i] == pytest.approx(float(H.second_moment(sa, dps=20)), rel=1e-13)


def test_scaled_zero_scale_and_kinked_fallback():
    mu = H.scaled_hermite_coefficients(A.RELU_CENTERED, np.array([0.0]), 3)
    np.testing.assert_allclose(mu[0], [-1 / math.sqrt(2 * math.pi), 0, 0, 0], atol=1e-16)
    # a kinked non-polynomial σ takes the mpmath fallback
    kinked = A.from_expr("Max(tanh(x), 0)", "relu_tanh")
    mu = H.scaled_hermite_coefficients(kinked, np.array([1.0]), 2)
    ref = H.hermite_coefficients(kinked, 2, dps=20)
    np.testing.assert_allclose(mu[0], [float(v) for v in ref], rtol=1e-14, atol=1e-16)


@pytest.mark.parametrize("r", [-0.7, 0.3, 0.9])
def test_mehler_kernel_relu_and_erf(r):
    a, b = 0.8, 1.7
    c = H.scaled_hermite_coefficients(A.RELU, np.array([a, b]), 400, normalized=True)
    series = float(np.sum(c[0] * c[1] * r ** np.arange(401)))
    # arc-cosine kernel (Cho & Saul): E[relu(aG1)relu(bG2)] = ab/(2π)(√(1−r²) + (π − arccos r) r)
    arccos = a * b / (2 * math.pi) * (math.sqrt(1 - r * r) + (math.pi - math.acos(r)) * r)
    # truncation: |c_k| ~ k^(-5/4), tail ≤ Σ_{k>400} k^(-5/2) 0.9^k ≪ 1e-12
    assert series == pytest.approx(arccos, abs=1e-12)
    c = H.scaled_hermite_coefficients(A.ERF, np.array([a, b]), 120, normalized=True)
    series = float(np.sum(c[0] * c[1] * r ** np.arange(121)))
    # E[erf(aG1/√2) erf(bG2/√2)] = (2/π) arcsin(abr / √((1+a²)(1+b²)))
    exact = 2 / math.pi * math.asin(a * b * r / math.sqrt((1 + a * a) * (1 + b * b)))
    assert series == pytest.approx(exact, abs=1e-12)


def test_scaled_large_order_normalized_finite():
    scales = np.linspace(0.25, 1, 4)
    c = H.scaled_hermite_coefficients(A.TANH, scales, 300, normalized=True)
    assert np.all(np.isfinite(c))
    # Parseval at scale a: Σ_{k≤300} c_k² = E tanh(aG)² − tail; for a ≤ 1 the measured
    # |c_k| at k ≥ 280 are ≤ 4e-12, so the tail is < 1e-20 and only round-off remains (measured
    # ≤ 1e-15 relative). (At a = 2 the tail at k = 300 is still ~1e-12: slower decay.)
    m2 = H.scaled_second_moment(A.TANH, scales)
    np.testing.assert_allclose(np.sum(c**2, axis=1), m2, rtol=1e-13)


@given(st.floats(-5, 5, allow_nan=False), st.floats(-3, 3, allow_nan=False))
def test_quadratic_family_property(c0, a):
    act = A.quadratic(c0)
    mu = H.scaled_hermite_coefficients(act, np.array([a]), 4)[0]
    # σ(aG) = a²G² + c0 = a² He_2(G) + (a² + c0)
    np.testing.assert_allclose(mu, [a * a + c0, 0, 2 * a * a, 0, 0], atol=1e-13 * (1 + abs(c0) + a * a))
    assert H.scaled_second_moment(act, np.array([a]))[0] == pytest.approx(
        (a * a + c0) ** 2 + 2 * a**4, rel=1e-13, abs=1e-13)


@given(st.floats(0.05, 20, allow_nan=False))
def test_relu_homogeneity_property(a):
    mu = H.scaled_hermite_coefficients(A.RELU, np.array([a, 1.0]), 6)
    np.testing.assert_allclose(mu[0], a * mu[1], rtol=1e-13, atol=1e-15)
    assert mu[0, 0] == pytest.approx(a / math.sqrt(2 * math.pi), rel=1e-14)   # E relu(aG)


# ------------------------------------------------------------------------------------------
# bad input
# ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("call, fragment", [
    (lambda: H.hermite_coefficient("relu", -1), "≥ 0"),
    (lambda: H.hermite_coefficient("relu", 1.5), "integer"),
    (lambda: H.hermite_coefficient("relu", True), "integer"),
    (lambda: H.hermite_coefficient("relu", 1, dps=0), "dps"),
    (lambda: H.hermite_coefficient("relu", 1, dps=-5), "dps"),
    (lambda: H.hermite_coefficient("relu", 1, dps=20.5), "dps"),
    (lambda: H.hermite_coefficients("relu", -2), "kmax"),
    (lambda: H.second_moment("relu", dps="30"), "dps"),
    (lambda: H.parseval_partial_sums("tanh", 3, dps=0), "dps"),
    (lambda: H.hermite_coefficient("swish", 1), "valid names"),
    (lambda: H.check_a1("gelu"), "valid names"),
    (lambda: H.hermite_coefficient(42, 1), "Activation"),
    (lambda: H.scaled_hermite_coefficients("relu", np.array([1.0, np.nan]), 3), "NaN"),
    (lambda: H.scaled_hermite_coefficients("tanh", np.array([np.inf]), 3), "NaN"),
    (lambda: H.scaled_hermite_coefficients("relu", np.ones((2, 2)), 3), "dimension"),
    (lambda: H.scaled_hermite_coefficients("relu", [1.0], -1), "kmax"),
    (lambda: H.scaled_second_moment("erf", [float("nan")]), "NaN"),
])
def test_bad_input(call, fragment):
    with pytest.raises(AssumptionError, match=fragment):
        call()


@pytest.mark.parametrize("name", ["relu_centered", "relu", "quadratic_centered", "abs"])
def test_lambda_tilde_mpmath_equals_exact(name):
    """The mpmath λ̃ = E σ² − λ₁² against the exact SymPy value, to 25 digits (dps = 30)."""
    act = A.activation(name)
    exact = H.lambda_tilde(act, exact=True)
    num = H.lambda_tilde(act, dps=30)
    with mpmath.workdps(40):
        assert abs(num - mpmath.mpf(sp.N(exact, 40))) < mpmath.mpf(10) ** -25

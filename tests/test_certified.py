"""Certified finite-d risks (issue 13, point 3): the balls of ``certified=True`` contain the exact
risks, computed here by routes that do not share the library's formulas:

* RF and NT with σ = u² + c: the L² projection written on quadratic forms, E[(m + xᵀMx)(m' +
  xᵀM'x)] = (m + Tr MC)(m' + Tr M'C) + 2 Tr(MCM'C) (Isserlis), solved in SymPy rationals
  (``gauss_jordan_solve``) — for NT over the redundant spanning set of the tangent space
  (:func:`lazysym.nt.exact.tangent_space_basis`), not through P⊥;
* RF with relu: every kernel entry and every b_i by one-dimensional mpmath quadrature at 40 digits
  (conditioning on one Gaussian: E[relu(μ + τZ)] = μΦ(μ/τ) + τφ(μ/τ)), solved in mpmath;
* NN: targets whose eigenvalues are known exactly (2×2 blocks [[a, b], [b, a]] with dyadic a, b;
  the §4 mixture with Σ = I and diagonal Δ; commuting non-diagonal Σ, Δ), the optimum then
  summed in Fractions.

And the float64 paths lie within the ball's radius plus their stated float64 error bounds.
"""

from __future__ import annotations

import math
from fractions import Fraction

import flint
import mpmath
import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from lazysym.errors import AssumptionError, ConvergenceError
from lazysym.limits import raised
from lazysym.nn.optimum import nn_risk_mixture, nn_risk_quadratic
from lazysym.nt.certified import nt_risk_quadratic_exact
from lazysym.nt.exact import nt_risk_quadratic, tangent_space_basis
from lazysym.objects.balls import ball_accuracy, ball_contains
from lazysym.objects.models import GaussianMixture, QuadraticTarget, paper_mixture, paper_quadratic_target
from lazysym.rf.certified import rf_risk_exact
from lazysym.rf.exact import rf_risk, rf_solve

EPS = float(np.finfo(float).eps)


def R(v: float) -> sp.Rational:
    """The exact binary value of a float as a SymPy Rational."""
    n, d = float(v).as_integer_ratio()
    return sp.Rational(n, d)


def Rm(A: np.ndarray) -> sp.Matrix:
    return sp.Matrix(A.shape[0], A.shape[1], [R(v) for v in np.asarray(A).ravel()])


def _projection_risk(forms, target_form, covs, ey2) -> sp.Rational:
    """E y² − max over the span of the quadratic forms (m, M) of the L² fit, in rationals.

    ``covs``: list of (weight, C, sign): the inner product averages over x ~ N(0, C) with weight;
    the target is y = sign for mg (target_form None) or b₀ + xᵀBx for qf.
    """
    n = len(forms)

    def ip(f, g, C):
        (m, M), (m2, M2) = f, g
        return (m + (M * C).trace()) * (m2 + (M2 * C).trace()) + 2 * (M * C * M2 * C).trace()

    G = sp.zeros(n, n)
    b = sp.zeros(n, 1)
    for w, C, sign in covs:
        for i in range(n):
            for j in range(n):
                G[i, j] += w * ip(forms[i], forms[j], C)
            if target_form is None:
                m, M = forms[i]
                b[i] += w * sign * (m + (M * C).trace())
            else:
                b[i] += w * ip(forms[i], target_form, C)
    sol, params = G.gauss_jordan_solve(b)
    sol = sol.subs({p: 0 for p in params})
    return sp.nsimplify(ey2 - (b.T * sol)[0, 0])


def _fraction(q: sp.Rational) -> Fraction:
    q = sp.Rational(q)
    return Fraction(int(q.p), int(q.q))


# ---- RF, quadratic activation: exact rationals -----------------------------------------------

@pytest.mark.parametrize("c0", [-1, 0, sp.Rational(1, 3)])
@pytest.mark.parametrize("N", [1, 3, 8])        # 8 > d(d+1)/2 + 1 = 7: K is singular
def test_rf_quadratic_exact_equals_the_projection_on_quadratic_forms(c0, N):
    rng = np.random.default_rng(10 + N)
    d = 3
    B = rng.standard_normal((d, d))
    target = QuadraticTarget((B + B.T) / 2, 0.25)
    W = rng.standard_normal((d, N))
    act = {-1: "x^2-1", 0: "x^2", sp.Rational(1, 3): "x^2+1/3"}[c0]
    Wm = Rm(W)
    forms = [(sp.Rational(c0), Wm[:, i] * Wm[:, i].T) for i in range(N)]
    Bm, b0 = Rm(target.B), R(target.b0)
    ey2 = (b0 + Bm.trace()) ** 2 + 2 * (Bm * Bm).trace()
    want = _projection_risk(forms, (b0, Bm), [(1, sp.eye(d), None)], ey2)
    got = rf_risk_exact(W, target, act)
    assert got == _fraction(want)
    ball = rf_risk(W, target, act, certified=True, dps=40)
    assert ball_contains(ball, got) and ball_accuracy(ball) >= 40


@pytest.mark.parametrize("N", [2, 4])
def test_rf_quadratic_exact_mixture_equals_the_projection(N):
    rng = np.random.default_rng(20 + N)
    d = 3
    S = np.diag([1.0, 1.5, 2.0])
    D = rng.standard_normal((d, d)) * 0.1
    mix = GaussianMixture(S, (D + D.T) / 2)
    W = rng.standard_normal((d, N))
    Wm = Rm(W)
    forms = [(sp.Integer(-1), Wm[:, i] * Wm[:, i].T) for i in range(N)]
    Sm, Dm = Rm(mix.Sigma), Rm(mix.Delta)
    half = sp.Rational(1, 2)
    want = _projection_risk(forms, None, [(half, Sm - Dm, 1), (half, Sm + Dm, -1)], 1)
    assert rf_risk_exact(W, mix, "x^2-1") == _fraction(want)


def test_rf_exact_detects_a_wrong_kernel_constant():
    """Break the Isserlis factor 2 → 3 in the reference: the exact value must no longer match
    (the comparison above can fail)."""
    rng = np.random.default_rng(3)
    d, N = 3, 3
    target = QuadraticTarget(np.diag([1.0, 2.0, 0.5]))
    W = rng.standard_normal((d, N))
    Wm = Rm(W)
    forms = [(sp.Integer(-1), Wm[:, i] * Wm[:, i].T) for i in range(N)]
    Bm, b0 = Rm(target.B), R(target.b0)
    G = sp.Matrix(N, N, lambda i, j: (forms[i][0] + forms[i][1].trace()) * (forms[j][0] + forms[j][1].trace())
                  + 3 * (forms[i][1] * forms[j][1]).trace())
    b = sp.Matrix(N, 1, lambda i, _: (forms[i][0] + forms[i][1].trace()) * (b0 + Bm.trace())
                  + 2 * (forms[i][1] * Bm).trace())
    wrong = (b0 + Bm.trace()) ** 2 + 2 * (Bm * Bm).trace() - (b.T * G.solve(b))[0, 0]
    assert rf_risk_exact(W, target, "x^2-1") != _fraction(wrong)


# ---- RF, relu: balls against 40-digit quadrature ---------------------------------------------

def _relu_reference(W: np.ndarray, target: QuadraticTarget, dps: int = 40) -> mpmath.mpf:
    """R_RF for σ = relu by 1-D quadrature of each E[σ_iσ_j] and E[f*σ_i] (module docstring)."""
    with mpmath.workdps(dps):
        d, N = W.shape
        Wm = [[mpmath.mpf(float(v)) for v in W[:, i]] for i in range(N)]
        Bm = mpmath.matrix([[mpmath.mpf(float(v)) for v in row] for row in target.B])
        b0 = mpmath.mpf(float(target.b0))
        phi = lambda z: mpmath.exp(-z * z / 2) / mpmath.sqrt(2 * mpmath.pi)  # noqa: E731
        Phi = lambda z: mpmath.ncdf(z)  # noqa: E731

        def dot(u, v):
            return mpmath.fsum(a * b for a, b in zip(u, v, strict=True))

        def erelu(mu, tau):
            return mu * Phi(mu / tau) + tau * phi(mu / tau) if tau > 0 else max(mu, 0)

        a = [mpmath.sqrt(dot(w, w)) for w in Wm]
        K = mpmath.matrix(N, N)
        for i in range(N):
            for j in range(N):
                r = dot(Wm[i], Wm[j]) / (a[i] * a[j])
                s = mpmath.sqrt(max(1 - r * r, 0))
                # u_i = a_i g, u_j = a_j (r g + s Z): E over Z in closed form, over g by quadrature
                K[i, j] = mpmath.quad(lambda g, i=i, j=j, r=r, s=s: a[i] * g * phi(g)
                                      * erelu(a[j] * r * g, a[j] * s), [0, mpmath.inf])
        trB = sum(Bm[k, k] for k in range(d))
        b = mpmath.matrix(N, 1)
        for i in range(N):
            wh = [v / a[i] for v in Wm[i]]
            q = dot(wh, [dot([Bm[k, m] for m in range(d)], wh) for k in range(d)])
            # E[f* relu(a g)] with f* = b0 + q g² + (terms whose mean given g is tr B − q)
            b[i] = mpmath.quad(lambda g, i=i, q=q: (b0 + q * g * g + trB - q) * a[i] * g * phi(g),
                               [0, mpmath.inf])
        ey2 = (b0 + trB) ** 2 + 2 * mpmath.fsum(Bm[k, m] ** 2 for k in range(d) for m in range(d))
        x = mpmath.lu_solve(K, b)
        return ey2 - mpmath.fsum(b[i] * x[i] for i in range(N))


def test_rf_relu_ball_contains_the_40_digit_quadrature_value():
    rng = np.random.default_rng(4)
    d, N = 4, 3
    target = paper_quadratic_target(d, rng)
    W = rng.standard_normal((d, N)) / 2
    ball = rf_risk(W, target, "relu", certified=True, dps=30)
    ref = _relu_reference(W, target)
    assert ball_accuracy(ball) >= 30
    with mpmath.workdps(40):
        # the quadrature is accurate to ~38 digits; the ball to 30: they must overlap
        assert abs(float(ball.mid()) - float(ref)) <= float(ball.rad()) + 1e-30 * float(ref)
        mid = mpmath.mpf(ball.mid().str(45, radius=False))
        assert abs(mid - ref) <= mpmath.mpf(float(ball.rad())) + mpmath.mpf(10) ** -35 * abs(ref)


# ---- float64 within radius + its error bound ---------------------------------------------------

@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), d=st.integers(5, 8), N=st.integers(1, 12),
       act=st.sampled_from(["x^2-1", "x^2", "relu", "relu_centered", "abs"]),
       mixture=st.booleans())
def test_float64_rf_risk_lies_within_the_ball_plus_its_error_bound(seed, d, N, act, mixture):
    rng = np.random.default_rng(seed)
    model = paper_mixture(d, rng) if mixture else paper_quadratic_target(d, rng)
    W = rng.standard_normal((d, N)) / math.sqrt(d)
    sol = rf_solve(W, model, act)
    try:
        ball = rf_risk(W, model, act, certified=True, dps=25)
    except ConvergenceError:      # K not provably invertible: nearly parallel neurons (relu)
        assert act not in ("x^2-1", "x^2")
        return
    slack = float(ball.rad()) + sol.error_bound + 64 * EPS * sol.norm2
    assert abs(float(ball.mid()) - sol.risk) <= slack


@pytest.mark.parametrize("d,N", [(6, 1), (6, 3), (6, 6), (6, 9), (30, 12), (30, 29)])
@pytest.mark.parametrize("offset", [True, False])
def test_float64_nt_and_nn_risks_lie_within_the_ball_plus_a_float_bound(d, N, offset):
    """Stated float64 bounds: NT (QR + SVD of W, backward stable) and NN (eigvalsh) within
    8·d·ε·‖f*‖² of the exact value; measured ≤ 3·10⁻¹⁶·‖f*‖² at d ≤ 100."""
    rng = np.random.default_rng(d * 100 + N)
    B = rng.standard_normal((d, d))
    for target in (paper_quadratic_target(d, rng), QuadraticTarget((B + B.T) / 2, 0.7)):
        W = rng.standard_normal((d, N))
        bound = 8 * d * EPS * target.norm2
        ball = nt_risk_quadratic(W, target, offset=offset, certified=True)
        flt = nt_risk_quadratic(W, target, offset=offset)
        assert abs(float(ball.mid()) - flt) <= float(ball.rad()) + bound
        ball = nn_risk_quadratic(target, N, certified=True)
        assert abs(float(ball.mid()) - nn_risk_quadratic(target, N)) <= float(ball.rad()) + bound


# ---- NT: exact rationals against the tangent-space spanning set -------------------------------

@pytest.mark.parametrize("N", [1, 2, 3])
@pytest.mark.parametrize("offset", [True, False])
def test_nt_exact_equals_the_projection_on_the_tangent_space(N, offset):
    rng = np.random.default_rng(30 + N)
    d = 3
    B = rng.standard_normal((d, d))
    target = QuadraticTarget((B + B.T) / 2, -0.5)
    W = rng.standard_normal((d, N))
    if N == 3:
        W[:, 2] = 2 * W[:, 0]           # exactly rank 2
    forms = [(sp.Integer(0), Rm(E)) for E in tangent_space_basis(W)]
    if offset:
        forms.append((sp.Integer(1), sp.zeros(d, d)))
    Bm, b0 = Rm(target.B), R(target.b0)
    ey2 = (b0 + Bm.trace()) ** 2 + 2 * (Bm * Bm).trace()
    want = _projection_risk(forms, (b0, Bm), [(1, sp.eye(d), None)], ey2)
    got = nt_risk_quadratic_exact(W, target, offset=offset)
    assert got == _fraction(want)
    assert ball_contains(nt_risk_quadratic(W, target, offset=offset, certified=True, dps=40), got)


# ---- NN: exact eigenvalues ----------------------------------------------------------------------

def _block_target(pairs) -> tuple[QuadraticTarget, list[Fraction]]:
    """Block-diagonal B of [[a, b], [b, a]] blocks: eigenvalues a ± b exactly (dyadic a, b)."""
    d = 2 * len(pairs)
    B = np.zeros((d, d))
    ev = []
    for k, (a, b) in enumerate(pairs):
        B[2 * k:2 * k + 2, 2 * k:2 * k + 2] = [[a, b], [b, a]]
        ev += [Fraction(a) + Fraction(b), Fraction(a) - Fraction(b)]
    return QuadraticTarget(B), ev


@pytest.mark.parametrize("N", [1, 2, 3, 5, 8])
def test_nn_ball_contains_the_exact_eckart_young_value(N):
    # eigenvalues 3.5, −0.5, 1.25, 1.25 (repeated), 0.75, 0.75 (repeated), −2, 0
    target, ev = _block_target([(1.5, 2.0), (1.25, 0.0), (0.75, 0.0), (-1.0, 1.0)])
    ev.sort(reverse=True)
    want = 2 * (sum(v * v for v in ev[N:]) + sum(min(v, 0) ** 2 for v in ev[:N]))
    ball = nn_risk_quadratic(target, N, certified=True, dps=40)
    assert ball_contains(ball, want)
    assert ball_accuracy(ball, scale=1e-40 * target.norm2) >= 40
    # a wrong tail (N + 1) is outside the ball
    wrong = 2 * (sum(v * v for v in ev[N + 1:]) + sum(min(v, 0) ** 2 for v in ev[:N + 1]))
    if wrong != want:
        assert not ball_contains(ball, wrong)


@pytest.mark.parametrize("N", [1, 3, 7, 20])
def test_nn_mixture_ball_contains_the_exact_value(N):
    mix = paper_mixture(12, np.random.default_rng(5))        # Σ = I, Δ diagonal, ties
    delta = sorted((Fraction(float(v)) for v in np.diag(mix.Delta)), key=abs, reverse=True)
    want = 2 / (2 + sum(v * v / (1 + v * v) for v in delta[:N]))
    ball = nn_risk_mixture(mix, N, certified=True, dps=40)
    assert ball_contains(ball, want) and ball_accuracy(ball) >= 40
    assert abs(float(ball.mid()) - nn_risk_mixture(mix, N)) <= 8 * 12 * EPS


def test_nn_mixture_ball_with_commuting_non_diagonal_sigma():
    # Σ = [[2, 1], [1, 2]] (eigenvalues 3, 1 on (1, 1), (1, −1)); Δ = [[a, b], [b, a]]: Σ⁻¹Δ has
    # eigenvalues (a + b)/3 and a − b
    a, b = 0.25, 0.125
    mix = GaussianMixture(np.array([[2.0, 1.0], [1.0, 2.0]]), np.array([[a, b], [b, a]]))
    deltas = sorted([Fraction(a + b) / 3, Fraction(a - b)], key=abs, reverse=True)
    for N in (1, 2):
        want = 2 / (2 + sum(v * v / (1 + v * v) for v in deltas[:N]))
        assert ball_contains(nn_risk_mixture(mix, N, certified=True), want)


# ---- bad input ------------------------------------------------------------------------------------

def test_certified_mode_refuses_what_it_cannot_certify():
    rng = np.random.default_rng(6)
    target = paper_quadratic_target(3, rng)
    W = rng.standard_normal((3, 2))
    with pytest.raises(AssumptionError, match="certified activation"):
        rf_risk(W, target, "tanh", certified=True)
    with pytest.raises(AssumptionError, match="rational activation"):
        rf_risk_exact(W, target, "relu")
    W0 = W.copy()
    W0[:, 1] = 0.0
    with pytest.raises(AssumptionError, match="w_i ≠ 0"):
        rf_risk(W0, target, "relu", certified=True)
    Wpar = W.copy()
    Wpar[:, 1] = 2 * W[:, 0]
    with pytest.raises(ConvergenceError, match="could not certify"):
        rf_risk(Wpar, target, "relu", certified=True, dps=10)
    with pytest.raises(AssumptionError, match="certified flag"):
        rf_risk(W, target, certified="yes")  # type: ignore[call-overload]
    with pytest.raises(AssumptionError, match="certified flag"):
        nt_risk_quadratic(W, target, certified=1)  # type: ignore[call-overload]
    with raised(certified_order=2), pytest.raises(AssumptionError, match="certified_order"):
        nn_risk_quadratic(target, 1, certified=True)


def test_flint_precision_is_restored():
    old = flint.ctx.prec
    rf_risk(np.eye(3)[:, :2], paper_quadratic_target(3, 0), "relu", certified=True, dps=50)
    assert flint.ctx.prec == old

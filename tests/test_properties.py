"""Property tests (hypothesis) against exact finite-d computations: Eckart–Young, strict saddles,
NT ≥ NN, RF ≥ NT, rotation invariance, scaling, monotonicity in N.

Profiles: ``ci`` (default, 25 examples) and ``thorough`` (HYPOTHESIS_PROFILE=thorough, 400).
Tolerances: every risk here is a float64 closed form of O(‖B‖²_F) computed with O(d³) flops; a
relative 1e-9 of ‖f*‖² (plus 1e-12 absolute) is ~10⁶ ulps, far above the round-off and far below
any violation of the inequalities tested (which would be of the size of the gaps, O(λ²)).
"""

import numpy as np
from hypothesis import example, given
from hypothesis import strategies as st

from lazysym.nn import nn_minimizer, nn_risk_quadratic
from lazysym.nn.landscape import critical_points, numeric_hessian_spectrum
from lazysym.nn.loss import loss_gradient, population_loss
from lazysym.nt import nt_risk_quadratic
from lazysym.objects.models import GaussianMixture, QuadraticTarget
from lazysym.rf.exact import rf_risk_quadratic
from lazysym.testing import (
    gaussian_mixtures,
    orthogonal_matrices,
    psd_matrices,
    quadratic_targets,
    random_weights,
    spectra,
    weights,
)

DIMS = st.integers(1, 5)
NS = st.integers(1, 5)
SEEDS = st.integers(0, 2 ** 32 - 1)


def _tol(target):
    return 1e-9 * max(1.0, target.norm2) + 1e-12


def _opt_c(W, target):
    return float(np.trace(target.B - W @ W.T)) + target.b0


@st.composite
def target_and_N(draw, psd=True):
    d = draw(DIMS)
    return draw(quadratic_targets(d, psd=psd, centred=draw(st.booleans()))), draw(NS)


B_TIE = np.diag([1.0, 1.0, 0.5])               # tie at the N = 1 boundary
B_ZERO = np.zeros((3, 3))
B_RANK1 = np.outer([1.0, 2.0, 0.0], [1.0, 2.0, 0.0])


@given(target_and_N(), SEEDS)
@example((QuadraticTarget(B_TIE), 1), 0)
@example((QuadraticTarget(B_ZERO), 2), 1)
@example((QuadraticTarget(B_RANK1), 3), 2)
def test_eckart_young(tN, seed):
    """No (W, c) beats 2Σ_{i>N}λ_i² (B ⪰ 0, Theorem 3's inf L); the minimiser attains it."""
    target, N = tN
    lam = target.eigenvalues
    best = 2.0 * float(np.sum(lam[N:] ** 2))
    assert abs(nn_risk_quadratic(target, N) - best) <= _tol(target)
    W, c = nn_minimizer(target, N)
    assert abs(population_loss(W, c, target) - best) <= _tol(target)
    rng = np.random.default_rng(seed)
    for scale in (0.1, 1.0, 3.0):
        Wr = random_weights(target.d, N, rng, scale=scale)
        assert population_loss(Wr, _opt_c(Wr, target), target) >= best - _tol(target)
        assert population_loss(Wr, rng.standard_normal(), target) >= best - _tol(target)
    # the landscape's enumeration agrees on the minimum
    assert abs(critical_points(target, N)[0].loss - best) <= _tol(target)


@given(target_and_N(psd=True))
@example((QuadraticTarget(B_TIE), 1))
@example((QuadraticTarget(B_ZERO), 2))
@example((QuadraticTarget(np.diag([1.0, 0.6, 0.55])), 2))   # λ_b < λ_a < 2λ_b: not a free column
def test_strict_saddle_signs(tN):
    """B ⪰ 0: at every non-minimal critical point λ_min(∇²L) < 0 (numpy eigvalsh); at the
    minima λ_min ≥ 0; and the gradient vanishes at every enumerated point."""
    target, N = tN
    cps = critical_points(target, N)
    h_tol = 1e-10 * max(1.0, float(np.max(np.abs(target.eigenvalues)))) * max(1, N)
    for cp in cps:
        gW, gc = loss_gradient(cp.W, cp.c, target)
        assert max(float(np.abs(gW).max()), abs(gc)) <= 1e-10 * max(1.0, target.norm2)
        lmin = numeric_hessian_spectrum(cp.W, cp.c, target)[0]
        if cp.kind == "global minimum":
            assert lmin >= -h_tol
        else:
            assert cp.kind == "strict saddle"
            assert lmin < -h_tol and abs(lmin - cp.lambda_min) <= 1e-8 * max(1.0, abs(lmin))


@given(target_and_N(psd=False))
def test_indefinite_B_classification_is_consistent(tN):
    """Any symmetric B: the enumerated global minimum is nn_risk_quadratic's inf L."""
    target, N = tN
    cps = critical_points(target, N)
    assert abs(cps[0].loss - nn_risk_quadratic(target, N)) <= _tol(target)


@given(target_and_N(), SEEDS)
@example((QuadraticTarget(B_RANK1), 1), 0)
def test_nt_at_least_nn_and_rf_at_least_nt(tN, seed):
    """B ⪰ 0: R_NT(W) ≥ R_NN (NN optimises W); σ = x²: R_RF(W) ≥ R_NT(W) (F_RF ⊂ F_NT)."""
    target, N = tN
    W = random_weights(target.d, N, seed)
    nn = nn_risk_quadratic(target, N)
    nt = nt_risk_quadratic(W, target)
    rf = rf_risk_quadratic(W, target, "x^2")
    assert nt >= nn - _tol(target)
    assert rf >= nt - _tol(target)


@given(target_and_N(), st.data(), SEEDS)
def test_rotation_invariance(tN, data, seed):
    """B → QBQᵀ, W → QW leaves L, R_NT, R_RF, R_NN unchanged (x ~ N(0, I) is rotation invariant)."""
    target, N = tN
    d = target.d
    Q = data.draw(orthogonal_matrices(d))
    assert np.allclose(Q @ Q.T, np.eye(d), atol=1e-12)
    rot = QuadraticTarget(Q @ target.B @ Q.T, target.b0)
    W = random_weights(d, N, seed)
    c = float(np.random.default_rng(seed).standard_normal())
    tol = _tol(target)
    assert abs(population_loss(Q @ W, c, rot) - population_loss(W, c, target)) <= tol
    assert abs(nt_risk_quadratic(Q @ W, rot) - nt_risk_quadratic(W, target)) <= tol
    assert abs(rf_risk_quadratic(Q @ W, rot, "x^2") - rf_risk_quadratic(W, target, "x^2")) <= tol
    assert abs(nn_risk_quadratic(rot, N) - nn_risk_quadratic(target, N)) <= tol
    gW, gc = loss_gradient(W, c, target)
    gW2, gc2 = loss_gradient(Q @ W, c, rot)
    assert np.allclose(gW2, Q @ gW, atol=1e-9 * max(1.0, target.norm2)) and abs(gc - gc2) <= tol


@given(target_and_N(), st.floats(0.1, 10.0), SEEDS)
@example((QuadraticTarget(B_TIE), 2), 10.0, 0)
def test_scaling(tN, s, seed):
    """Centred targets: B → sB scales every risk by s² (W → √s W, c → s c for L)."""
    target, N = tN
    target = QuadraticTarget(target.B)                       # centred
    scaled = QuadraticTarget(s * target.B)
    W = random_weights(target.d, N, seed)
    c = float(np.random.default_rng(seed).standard_normal())
    tol = 1e-9 * max(1.0, scaled.norm2) + 1e-12
    assert abs(population_loss(np.sqrt(s) * W, s * c, scaled)
               - s * s * population_loss(W, c, target)) <= tol
    assert abs(nn_risk_quadratic(scaled, N) - s * s * nn_risk_quadratic(target, N)) <= tol
    assert abs(nt_risk_quadratic(W, scaled) - s * s * nt_risk_quadratic(W, target)) <= tol


@given(target_and_N(), SEEDS)
def test_monotone_in_N(tN, seed):
    """More neurons never hurt: R_NN(N+1) ≤ R_NN(N); R_NT with nested W (one column added)."""
    target, N = tN
    tol = _tol(target)
    assert nn_risk_quadratic(target, N + 1) <= nn_risk_quadratic(target, N) + tol
    W = random_weights(target.d, N + 1, seed)
    assert nt_risk_quadratic(W, target) <= nt_risk_quadratic(W[:, :N], target) + tol
    assert rf_risk_quadratic(W, target, "x^2") <= rf_risk_quadratic(W[:, :N], target, "x^2") + tol


@given(st.integers(1, 6).flatmap(lambda d: psd_matrices(d, min_value=0.5, max_cond=4.0)))
def test_strategies_psd_and_condition(B):
    ev = np.linalg.eigvalsh(B)
    assert np.allclose(B, B.T) and ev[0] >= 0.5 * (1 - 1e-9)
    assert ev[-1] / ev[0] <= 4.0 * (1 + 1e-9)


@given(st.integers(1, 6).flatmap(lambda d: gaussian_mixtures(d)))
def test_strategies_mixture_valid(m):
    assert isinstance(m, GaussianMixture)
    for y in (1, -1):
        assert np.linalg.eigvalsh(m.covariance(y))[0] > 0
    assert m.m2_scale <= 2.0 * (1 + 1e-9)


@given(st.integers(1, 6).flatmap(lambda d: spectra(d, min_value=-1.0, max_value=2.0)),
       st.integers(1, 4).flatmap(lambda n: weights(3, n)))
def test_strategies_shapes(lam, W):
    assert np.all(np.diff(lam) <= 0) and lam.min() >= -1.0 and lam.max() <= 2.0
    assert W.shape[0] == 3 and 1 <= W.shape[1] <= 4

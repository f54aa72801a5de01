"""The NT model fitted by least squares on n samples (lazysym.nt.sampled): features, matrix-free
products, dense vs CGLS, warm starts across nested n, ConvergenceError at maxiter, the sampler."""

import numpy as np
import pytest

from lazysym import nt
from lazysym.errors import AssumptionError, ConvergenceError
from lazysym.nt.sampled import NTLeastSquares, sample_model
from lazysym.objects.models import GaussianMixture, QuadraticTarget, paper_mixture, paper_quadratic_target


def test_nt_least_squares_matches_population_and_cgls():
    """Dense normal equations and matrix-free CGLS (warm-started across the nested n) give the
    same fits (min-norm for n < p), and at n = 200p the fitted risk is within the O(p/n) excess
    of the exact NT risk."""
    d, N = 12, 4
    t = paper_quadratic_target(d, 5)
    W = np.random.default_rng(6).standard_normal((d, N)) / np.sqrt(d)
    p = d * N - N * (N - 1) // 2 + 1
    ns = [p // 2, p - 1, p, p + 1, 3 * p, 200 * p]
    a, pa = nt.nt_least_squares(W, t, ns, 9)
    info = NTLeastSquares([], 0, "")
    b, pb = nt.nt_least_squares(W, t, ns, 9, dense_max_p=1, tol=1e-12, info=info)
    assert pa == pb == p and info.method == "cgls" and len(info.iterations) == len(ns)
    # n = p ± 1 is the ill-conditioned end: 1e-6 relative is what CGLS at tol 1e-12 reaches there
    np.testing.assert_allclose(a, b, rtol=1e-6)
    exact = nt.nt_risk_quadratic(W, t)
    assert exact <= a[-1] <= exact * (1 + 3 * p / (200 * p))  # excess ≈ p/n relative (~0.5%)
    assert a[0] > a[-1]
    m = paper_mixture(d, 5)
    r, _ = nt.nt_least_squares(W, m, [200 * p], 9)
    e = nt.nt_risk_mixture(W, m)
    assert e <= r[0] <= e * (1 + 3 * p / (200 * p))


def test_warm_start_equals_cold_start():
    """Each n warm-started from the previous fit gives the fit a cold start (θ = 0) gives: the
    previous fit lies in the row space of the current Φ, so the minimum-norm solution is kept
    (n < p included)."""
    d, N = 10, 3
    t = paper_quadratic_target(d, 1)
    W = np.random.default_rng(2).standard_normal((d, N))
    p = nt.NTFeatures(W).p
    ns = [p // 3, p // 2, 2 * p]
    warm, _ = nt.nt_least_squares(W, t, ns, 4, dense_max_p=1, tol=1e-12)
    cold = []
    for n in ns:       # the same nested samples (same seed), each solved from θ = 0 densely
        cold.append(nt.nt_least_squares(W, t, [n], 4)[0][0])
    np.testing.assert_allclose(warm, cold, rtol=1e-8)


def test_cgls_raises_at_maxiter_with_diagnostics():
    d, N = 10, 3
    t = paper_quadratic_target(d, 1)
    W = np.random.default_rng(2).standard_normal((d, N))
    p = nt.NTFeatures(W).p
    with pytest.raises(ConvergenceError) as err:
        nt.nt_least_squares(W, t, [p], 0, dense_max_p=1, maxiter=2)
    diag = err.value.diagnostics
    assert diag["n"] == p and diag["p"] == p and diag["iterations"] == 2
    assert float(diag["relative_residual"]) > diag["tol"]


def test_loose_tolerance_is_detected():
    """The stopping rule matters: at tol 0.3 the fit near n = p is visibly off the tight one (so
    the comparison above, which uses the tight rule, could fail if CGLS stopped early)."""
    d, N = 12, 4
    t = paper_quadratic_target(d, 5)
    W = np.random.default_rng(6).standard_normal((d, N)) / np.sqrt(d)
    p = nt.NTFeatures(W).p
    tight, _ = nt.nt_least_squares(W, t, [p + 2], 9, dense_max_p=1, tol=1e-12)
    loose, _ = nt.nt_least_squares(W, t, [p + 2], 9, dense_max_p=1, tol=0.3)
    assert abs(loose[0] - tight[0]) > 1e-3 * tight[0]


def test_nt_features_represent_tangent_space():
    """The coordinates map to c + xᵀSx with P⊥SP⊥ = 0 (the class of eq. (3), lazysym.nt)."""
    d, N = 9, 3
    W = np.random.default_rng(0).standard_normal((d, N))
    feats = nt.NTFeatures(W)
    th = np.random.default_rng(1).standard_normal(feats.p)
    S, c = feats.to_quadratic(th)
    X = np.random.default_rng(2).standard_normal((7, d))
    np.testing.assert_allclose(feats(X) @ th, c + np.einsum("ni,ij,nj->n", X, S, X), rtol=1e-12)
    Pp = np.eye(d) - W @ np.linalg.pinv(W)
    assert np.max(np.abs(Pp @ S @ Pp)) < 1e-12


def test_matrix_free_products_match_features():
    """matvec/rmatvec (used by CGLS at large p) equal Φθ and Φᵀv with Φ formed explicitly."""
    d, N = 10, 4
    W = np.random.default_rng(3).standard_normal((d, N))
    feats = nt.NTFeatures(W)
    X = np.random.default_rng(4).standard_normal((13, d))
    th = np.random.default_rng(5).standard_normal(feats.p)
    v = np.random.default_rng(6).standard_normal(13)
    Phi, Z = feats(X), feats.rotate(X)
    np.testing.assert_allclose(feats.matvec(Z, th), Phi @ th, rtol=1e-11, atol=1e-11)
    np.testing.assert_allclose(feats.rmatvec(Z, v), Phi.T @ v, rtol=1e-11, atol=1e-11)


def test_diagonal_sampler_has_the_model_law():
    """sample_model's O(d) path: qf labels are f*(x) exactly; mg class covariances are Σ ∓ Δ
    (empirical covariance within 5 CLT standard errors: Var of x_a x_b is C_aa C_bb + C_ab²)."""
    t = paper_quadratic_target(6, 0)
    X, y = sample_model(t, 500, 1)
    np.testing.assert_allclose(y, t(X), rtol=1e-12, atol=1e-12)
    m = GaussianMixture(np.diag([1.0, 2.0, 1.5]), np.diag([0.3, -0.5, 0.2]))
    X, y = sample_model(m, 40_000, 2)
    for lab in (1.0, -1.0):
        Xc = X[y == lab]
        C = m.covariance(int(lab))
        emp = Xc.T @ Xc / len(Xc)
        se = np.sqrt((np.outer(np.diag(C), np.diag(C)) + C ** 2) / len(Xc))
        assert np.all(np.abs(emp - C) < 5 * se)
    assert abs(np.mean(y)) < 5 / np.sqrt(len(y))
    # non-diagonal models fall back to model.sample
    R = np.linalg.qr(np.random.default_rng(3).standard_normal((3, 3)))[0]
    m2 = GaussianMixture(np.eye(3), R @ np.diag([0.3, -0.2, 0.1]) @ R.T)
    X2, y2 = sample_model(m2, 10, 4)
    assert X2.shape == (10, 3) and set(np.unique(y2)) <= {-1.0, 1.0}
    t2 = QuadraticTarget(np.ones((3, 3)))
    X3, y3 = sample_model(t2, 10, 5)
    np.testing.assert_allclose(y3, t2(X3))


@pytest.mark.parametrize("kw", [dict(ns=[10, 5]), dict(ns=[]), dict(tol=0.0), dict(tol=2.0),
                                dict(maxiter=0), dict(W=np.ones((5, 2)))])
def test_bad_inputs(kw):
    args = dict(W=np.ones((4, 2)) + np.eye(4, 2), model=paper_quadratic_target(4, 0), ns=[5, 10],
                rng=0)
    args.update(kw)
    with pytest.raises(AssumptionError):
        nt.nt_least_squares(**args)

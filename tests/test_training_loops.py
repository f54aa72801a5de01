"""The training loops of lazysym.nn.training used by the figures: the closed-form reduced gradient
flow (against an independent Runge–Kutta integration), the trained risks against the exact
optima (Theorem 3; the mixture optimum), the mixture SGD, the staged SGD, and bad inputs."""

import numpy as np
import pytest

from lazysym.errors import AssumptionError, ConvergenceError
from lazysym.nn import nn_risk_mixture, nn_risk_quadratic, theorem3_value
from lazysym.nn import training as T
from lazysym.nn.optimum import mixture_quadratic_risk
from lazysym.objects.models import QuadraticTarget, paper_mixture, paper_quadratic_target


def _rk4_flow(B, W0, times, h=1e-4):
    """Ẇ = 8(B − WWᵀ)W by classical RK4 with a fixed small step (independent of the closed form)."""
    def f(W):
        return 8.0 * (B - W @ W.T) @ W
    W, t, out = W0.copy(), 0.0, []
    for tk in times:
        while t < tk - 1e-12:
            k1 = f(W)
            k2 = f(W + h / 2 * k1)
            k3 = f(W + h / 2 * k2)
            k4 = f(W + h * k3)
            W = W + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
            t += h
        out.append(W @ W.T)
    return out


@pytest.mark.parametrize("N", [3, 8, 12])
def test_reduced_flow_matches_runge_kutta(N):
    """Closed form vs RK4 (h = 1e-4, local error O(h⁵)·‖f‖): measured max |ΔM| ≤ 1.2e-11 at
    d = 8 for N ∈ {3, 8, 12} (N < d, = d, > d: both branches); asserted 1e-8."""
    t = paper_quadratic_target(8, 3)
    W0, _ = T.random_init(8, N, 5, scale=0.5)
    times = [0.3, 1.0, 2.5]
    Fs = T.reduced_flow(t, W0, times)
    for F, M in zip(Fs, _rk4_flow(t.B, W0, times)):
        assert np.max(np.abs(F @ F.T - M)) < 1e-8


def test_reduced_flow_mutant_is_caught(monkeypatch):
    """Break the Riccati solution on purpose (16 → 15 in the weight (1 − e^{−16λt})/λ): the RK4
    comparison above then fails by far more than its tolerance."""
    t = paper_quadratic_target(8, 3)
    real = T._flow_weight
    monkeypatch.setattr(T, "_flow_weight", lambda lam, s: real(lam, s) * 15.0 / 16.0)
    for N in (3, 12):
        W0, _ = T.random_init(8, N, 5, scale=0.5)
        (F,) = T.reduced_flow(t, W0, [1.0])
        (M,) = _rk4_flow(t.B, W0, [1.0])
        assert np.max(np.abs(F @ F.T - M)) > 1e-3


@pytest.mark.parametrize("N", [1, 4, 20, 30])
def test_trained_flow_reaches_theorem3(N):
    """nn_reduced_flow from a random start ends at inf L = 2Σ_{i>N}λ_i² (Theorem 3, exact at
    finite d): never below it; above by < 1e-3 of ‖f*‖² (stopping rule: relative decrease
    < 1e-4 per doubling of t; measured excess ≤ 2e-4·‖f*‖² at d = 20)."""
    t = paper_quadratic_target(20, 7)
    risk, time_ = T.nn_reduced_flow(t, N, 11)
    opt = theorem3_value(t, N)
    assert opt - 1e-9 * t.norm2 <= risk <= opt + 1e-3 * t.norm2
    assert time_ > 0


def test_flow_bad_inputs():
    t = paper_quadratic_target(5, 0)
    with pytest.raises(AssumptionError, match="B ⪰ 0"):
        T.reduced_flow(QuadraticTarget(np.diag([1.0, -1.0, 0.5])), np.ones((3, 2)), [1.0])
    with pytest.raises(AssumptionError, match="full row rank"):
        T.reduced_flow(t, np.ones((5, 7)), [1.0])
    with pytest.raises(AssumptionError):
        T.reduced_flow(t, np.eye(5, 2), [1.0, 0.5])
    with pytest.raises(ConvergenceError) as err:
        T.nn_reduced_flow(t, 2, 0, t0=1e-6, t_max=2e-6, rtol=1e-300)
    assert "risk" in err.value.diagnostics


@pytest.mark.parametrize("N", [3, 12, 40])
@pytest.mark.parametrize("method", ["cg", "gd"])
def test_mixture_gd_reaches_the_optimum(N, method):
    """Conjugate gradient / steepest descent on (W, a) with c at its minimiser ends at the exact
    optimum of nn_risk_mixture (its risk evaluated by mixture_quadratic_risk, an independent
    formula): never below, above by < 1e-4 (measured ≤ 3e-6 at d = 20 for N ∈ {3, 12, 40})."""
    m = paper_mixture(20, 4)
    risk, iters = T.mixture_gradient_descent(m, N, 1, method=method)
    opt = nn_risk_mixture(m, N)
    assert opt - 1e-10 <= risk <= opt + 1e-4
    assert iters > 0


@pytest.mark.parametrize("N", [20, 45])
def test_mixture_gd_certified_gap(N):
    """N ≥ d: the stopping rule ‖∇_S R‖²/(2μ) ≤ gtol·R is a certified bound on the gap to the
    global optimum (R is μ-strongly convex in S), so the trained risk is within gtol·R of
    nn_risk_mixture (plus rounding of the final evaluation, 1e-12). A μ four times too large
    (the Hessian bound without its 4) or the wrong gradient would stop early and fail here
    (measured gaps 0.27 and 0.37 of gtol·R at N = 20, 45; with μ four times too large both
    fail)."""
    m = paper_mixture(20, 4)
    gtol = 1e-5
    risk, _ = T.mixture_gradient_descent(m, N, 2, gtol=gtol)
    opt = nn_risk_mixture(m, N)
    assert opt - 1e-12 <= risk <= opt + gtol * risk + 1e-12


def test_mixture_cg_beats_gd():
    """Same certified stop, fewer iterations with conjugate directions (measured at d = 20,
    N = 30: 15 against 31; at d = 450, N = 1800: 65 against ~1100 for the earlier backtracking
    descent)."""
    m = paper_mixture(20, 4)
    r_cg, it_cg = T.mixture_gradient_descent(m, 30, 3, method="cg")
    r_gd, it_gd = T.mixture_gradient_descent(m, 30, 3, method="gd", max_iter=20000)
    assert r_cg == pytest.approx(r_gd, abs=1e-6)
    assert it_cg < it_gd, (it_cg, it_gd)


def test_sym_product_and_line_minimum():
    """The two helpers of the exact line search: X diag(b) Xᵀ by rank-k updates (exactly
    symmetric, equal to the general product), and the minimiser over η > 0 of a polynomial."""
    rng = np.random.default_rng(0)
    X, b = rng.standard_normal((7, 11)), rng.standard_normal(11)
    S = T._sym_product(X, b)
    np.testing.assert_array_equal(S, S.T)
    np.testing.assert_allclose(S, (X * b) @ X.T, atol=1e-12)
    # (η − 2)²(η + 1)² + 1: minimisers at η = 2 (value 1) and −1 (not > 0)
    P = np.polynomial.polynomial
    poly = P.polyadd(P.polymul(P.polypow([-2.0, 1.0], 2), P.polypow([1.0, 1.0], 2)), [1.0])
    assert T._line_minimum(poly) == pytest.approx(2.0, rel=1e-9)
    assert T._line_minimum(np.array([1.0, 2.0, 1.0])) is None      # (1 + η)²: increasing on η > 0


def test_mixture_gd_general_sigma():
    """Non-identity Σ (GD in whitened coordinates), Δ ⪰ 0 as in §4: still the exact optimum.
    (With Δ̃ of mixed signs GD can stop at a non-global stationary point: measured excess 0.008
    for Δ = diag(0.3, −0.2, 0.25, 0.1, −0.15, 0.05), seed 2, by conjugate gradient and steepest
    descent alike; the stopping rule certifies only the span for N < d — the figures draw
    the trained dots next to the exact optimum, so such a gap would be visible.)"""
    rng = np.random.default_rng(0)
    A = rng.standard_normal((6, 6))
    Sigma = np.eye(6) + 0.1 * (A + A.T) / 2 @ ((A + A.T) / 2)
    Delta = np.diag([0.3, 0.2, 0.25, 0.1, 0.15, 0.05])
    from lazysym.objects.models import GaussianMixture
    m = GaussianMixture(Sigma, Delta)
    for seed in (1, 2, 3):
        risk, _ = T.mixture_gradient_descent(m, 3, seed)
        assert nn_risk_mixture(m, 3) - 1e-10 <= risk <= nn_risk_mixture(m, 3) + 1e-4


def test_mixture_gd_raises_at_max_iter():
    with pytest.raises(ConvergenceError) as err:
        T.mixture_gradient_descent(paper_mixture(10, 0), 3, 0, max_iter=3, gtol=1e-300)
    assert err.value.diagnostics["iterations"] == 3


def test_sgd_mixture_learns_and_is_seeded():
    """One-pass SGD on the mixture network at d = 10: the exact risk falls well below 1 towards the
    optimum (measured final − optimum ≈ 0.01 after 2·10⁴ samples), reproducibly per seed."""
    m = paper_mixture(10, 0)
    n, r = T.sgd_mixture(m, 5, 3, step=0.03, steps=200, batch=100)
    n2, r2 = T.sgd_mixture(m, 5, 3, step=0.03, steps=200, batch=100)
    np.testing.assert_array_equal(r, r2)
    assert n[-1] == 200 * 100 and np.all(np.diff(n) > 0)
    opt = nn_risk_mixture(m, 5)
    assert r[-1] >= opt - 1e-12 and r[-1] - opt < 0.5 * (1.0 - opt)
    with pytest.raises(ConvergenceError):
        T.sgd_mixture(m, 5, 3, step=50.0, steps=200, batch=100)


def test_sgd_staged_one_stage_is_plain_sgd():
    """stages=1 (the constant step of §4) in segments is exactly one sgd run on the same stream."""
    t = paper_quadratic_target(8, 1)
    W0, c0 = T.random_init(8, 3, 2, scale=0.5)
    n, r = T.sgd_staged(t, W0, c0, 5, step=1e-3, steps=300, batch=10, record=7)
    full = T.sgd(t, W0, c0, step=1e-3, steps=300, rng=5, batch=10)
    assert n[-1] == 3000
    assert r[-1] == pytest.approx(full.final_risk, rel=1e-12)


def test_nn_gradient_descent_without_svd():
    """The GD loop with the ∞-norm step bound still reaches inf L (d = 15, N = 4)."""
    t = paper_quadratic_target(15, 2)
    risk, it = T.nn_gradient_descent(t, 4, 0, iters=20000, rtol=1e-7)
    opt = nn_risk_quadratic(t, 4)
    assert opt - 1e-9 <= risk <= opt + 1e-3 * t.norm2
    del it


def test_mixture_quadratic_risk_used_is_the_exact_one():
    """The trained risk is the closed form at S = W diag(a) Wᵀ: cross-check the formula against a
    Monte Carlo estimate at one point (CLT 5 s.e.)."""
    m = paper_mixture(6, 1)
    S = np.diag(np.linspace(-0.2, 0.1, 6))
    exact = mixture_quadratic_risk(S, None, m)
    rng = np.random.default_rng(0)
    from lazysym.nt.sampled import sample_model
    X, y = sample_model(m, 200_000, rng)
    loss = (y - np.einsum("ij,jk,ik->i", X, S, X) + np.trace(S)) ** 2
    assert abs(loss.mean() - exact) < 5 * loss.std() / np.sqrt(len(loss))


def test_sgd_shared_one_run_is_the_single_run():
    """One run of sgd_shared on a stream is exactly sgd_staged (qf) / sgd_mixture (mg) on the
    same stream (same chunking of the samples, same updates; rel. 1e-12: the products are
    batched differently), and a diverging run beside it changes nothing for the others."""
    t = paper_quadratic_target(12, 1)
    W0, c0 = T.random_init(12, 3, 2, scale=0.5)
    W1, c1 = T.random_init(12, 5, 3, scale=0.5)
    n, r = T.sgd_staged(t, W0, c0, 5, step=1e-3, steps=300, batch=10, record=7)
    n1, r1 = T.sgd_staged(t, W1, c1, 5, step=2e-3, steps=300, batch=10, record=7)
    out = T.sgd_shared(t, [T.SharedRun(W0, c0, 1e-3), T.SharedRun(W1, c1, 2e-3),
                           T.SharedRun(W1, c1, 50.0)], 5, steps=300, batch=10, record=7)
    np.testing.assert_array_equal(out[0][0], n)
    np.testing.assert_allclose(out[0][1], r, rtol=1e-12)
    np.testing.assert_allclose(out[1][1], r1, rtol=1e-12)
    assert np.all(np.isinf(out[2][1][1:]))                 # ε = 50 diverges: +∞ from then on
    m = paper_mixture(10, 0)
    n, r = T.sgd_mixture(m, 5, 3, step=0.03, steps=200, batch=100, record=9)
    rng = np.random.default_rng(3)                          # sgd_mixture's init from its seed
    W = rng.standard_normal((10, 5)) / np.sqrt(10)
    a = rng.standard_normal(5) / 5
    out = T.sgd_shared(m, [T.SharedRun(W, 0.0, 50.0, a), T.SharedRun(W, 0.0, 0.03, a)], rng,
                       steps=200, batch=100, record=9)
    np.testing.assert_array_equal(out[1][0], n)
    np.testing.assert_allclose(out[1][1], r, rtol=1e-12)
    assert np.isinf(out[0][1][-1])


def test_sgd_shared_bad_runs():
    t = paper_quadratic_target(6, 0)
    m = paper_mixture(6, 0)
    W = np.zeros((6, 2))
    with pytest.raises(AssumptionError):
        T.sgd_shared(t, [], 0, steps=10)
    with pytest.raises(AssumptionError, match="network of the model"):
        T.sgd_shared(m, [T.SharedRun(W, 0.0, 0.01)], 0, steps=10)
    with pytest.raises(AssumptionError, match="network of the model"):
        T.sgd_shared(t, [T.SharedRun(W, 0.0, 0.01, np.ones(2))], 0, steps=10)
    with pytest.raises(AssumptionError, match="ε > 0"):
        T.sgd_shared(t, [T.SharedRun(W, 0.0, -1.0)], 0, steps=10)
    with pytest.raises(AssumptionError, match="a shape"):
        T.sgd_shared(m, [T.SharedRun(W, 0.0, 0.01, np.ones(3))], 0, steps=10)


def test_sgd_shared_diverging_run_does_not_leak():
    """A run that passes the first record and overflows between records (record=2, as the
    pilots) ends at +∞ while the runs beside it are exactly their solo runs: per-run sums by
    reduceat, not by a 0/1 product (∞·0 = NaN poisoned every run; measured on the §4 pilots,
    where all eight pilots came out 'diverged')."""
    t = paper_quadratic_target(12, 1)
    W0, c0 = T.random_init(12, 3, 2, scale=0.5)
    solo = T.sgd_shared(t, [T.SharedRun(W0, c0, 1e-3)], 5, steps=300, batch=10, record=2)
    out = T.sgd_shared(t, [T.SharedRun(W0, c0, 1e-3), T.SharedRun(W0, c0, 0.03)], 5,
                       steps=300, batch=10, record=2)
    assert np.isfinite(out[1][1][0]) and np.isinf(out[1][1][-1])
    np.testing.assert_array_equal(out[0][1], solo[0][1])
    m = paper_mixture(10, 0)
    rng = np.random.default_rng(3)
    W = rng.standard_normal((10, 5)) / np.sqrt(10)
    a = rng.standard_normal(5) / 5
    solo = T.sgd_shared(m, [T.SharedRun(W, 0.0, 0.03, a)], 3, steps=200, batch=100, record=2)
    out = T.sgd_shared(m, [T.SharedRun(W, 0.0, 1.0, a), T.SharedRun(W, 0.0, 0.03, a)], 3,
                       steps=200, batch=100, record=2)
    assert np.isfinite(out[0][1][0]) and np.isinf(out[0][1][-1])
    np.testing.assert_array_equal(out[1][1], solo[0][1])

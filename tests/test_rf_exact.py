"""Tests of lazysym.rf.exact: exact finite-d RF kernels and risks (§2.1, §3.1)."""

import itertools
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lazysym.errors import AssumptionError, ConvergenceError
from lazysym.objects.activations import from_expr
from lazysym.objects.models import GaussianMixture, QuadraticTarget, paper_mixture, paper_quadratic_target
from lazysym.rf import exact as rx
from lazysym.rf.kernels import erf_vectorized

CLOSED = ["x^2-1", "x^2", "x^2+0.5", "relu", "relu_centered", "abs", "erf"]


def _orthogonal(d, rng):
    q, r = np.linalg.qr(rng.standard_normal((d, d)))
    return q * np.sign(np.diag(r))


def _random_model(kind, d, rng):
    if kind == "qf":
        A = rng.standard_normal((d, d))
        return QuadraticTarget((A + A.T) / 2, b0=float(rng.normal()))
    S = np.eye(d) + 0.3 * np.diag(rng.uniform(size=d))
    D = np.diag(rng.uniform(-1, 1, size=d)) / (2 * math.sqrt(d))
    return GaussianMixture(S, D)


# --------------------------------------------------------------------------------------------
# closed forms vs independent evaluations
# --------------------------------------------------------------------------------------------

def _gauss_rule(n):
    """n-point Gauss rule for N(0, 1): Golub–Welsch nodes, Christoffel weights 1/Σ_k h_k(t)²
    (relative accuracy; numpy's hermegauss weights lose ~1e-9 at n = 120)."""
    off = np.sqrt(np.arange(1, n, dtype=float))
    t = np.linalg.eigvalsh(np.diag(off, 1) + np.diag(off, -1))
    t = t[np.abs(t) <= 20]
    s, h0, h1 = 1.0 + t * t, np.ones_like(t), t.copy()
    for k in range(1, n - 1):
        h0, h1 = h1, (t * h1 - math.sqrt(k) * h0) / math.sqrt(k + 1)
        s += h1 * h1
    return t, 1.0 / s


def _tensor_gauss(d, n):
    """Product Gauss–Hermite rule for N(0, I_d): exact for polynomials of degree ≤ 2n − 1 per
    coordinate (numpy's hermegauss, weights normalised to 1)."""
    t, w = np.polynomial.hermite_e.hermegauss(n)
    w = w / w.sum()
    pts = np.array(list(itertools.product(t, repeat=d)))
    wts = np.prod(np.array(list(itertools.product(w, repeat=d))), axis=1)
    return pts, wts


@pytest.mark.parametrize("kind", ["qf", "mg"])
@pytest.mark.parametrize("c0", [-1.0, 0.0, 0.7])
def test_quadratic_kernel_equals_exact_quadrature(kind, c0):
    """Isserlis closed form vs a product Gauss rule that is exact for the degree-4 integrands."""
    rng = np.random.default_rng(11)
    d, N = 3, 5
    model = _random_model(kind, d, rng)
    W = rng.standard_normal((d, N))
    act = f"x^2{c0:+g}" if c0 else "x^2"
    K, b = rx.rf_gram(W, model, act)
    Z, w = _tensor_gauss(d, 4)            # degree 7 ≥ 4: exact
    if kind == "qf":
        comps = [(Z, model(Z), w)]
    else:
        comps = []
        for y in (1, -1):
            L = np.linalg.cholesky(model.covariance(y))
            comps.append((Z @ L.T, np.full(len(w), float(y)), w / 2))
    Kq = sum((F := (X @ W) ** 2 + c0).T @ (F * ww[:, None]) for X, _, ww in comps)
    bq = sum(((X @ W) ** 2 + c0).T @ (y * ww) for X, y, ww in comps)
    # both sides are float64 sums of O(10) terms of size ≤ max|K|: a few hundred ulps
    scale = np.max(np.abs(K))
    assert np.max(np.abs(K - Kq)) <= 1e-12 * scale
    assert np.max(np.abs(b - bq)) <= 1e-12 * max(1.0, np.max(np.abs(b)))


@pytest.mark.parametrize("act", ["relu", "relu_centered", "abs", "erf"])
@pytest.mark.parametrize("kind", ["qf", "mg"])
def test_closed_form_kernels_equal_hermite_series(act, kind):
    """Arc-cosine / arcsin closed forms vs the norm-dependent Mehler series (automatic kmax)."""
    rng = np.random.default_rng(5)
    d, N = 40, 12
    model = paper_quadratic_target(d, rng) if kind == "qf" else paper_mixture(d, rng)
    W = rng.standard_normal((d, N)) / math.sqrt(d)
    K1, b1 = rx.rf_gram(W, model, act)
    K2, b2 = rx.rf_gram(W, model, act, kernel="series")
    s1, s2 = rx.rf_solve(W, model, act), rx.rf_solve(W, model, act, kernel="series")
    assert s1.kmax is None and s2.kmax is not None
    # the automatic kmax certifies ≤ SERIES_RTOL·max K_ii truncation; plus float64 round-off
    tol = rx.SERIES_RTOL * np.max(np.diag(K1)) + 1e-14
    assert np.max(np.abs(K1 - K2)) <= tol
    assert np.max(np.abs(b1 - b2)) <= 1e-13 * max(1.0, np.max(np.abs(b1)))
    assert abs(s1.risk - s2.risk) <= s2.error_bound + 1e-12 * s1.norm2


@pytest.mark.parametrize("kmax", [2, 5, 9])
def test_truncated_series_error_within_parseval_bound(kmax):
    """A deliberately short series errs, but by no more than max|r|^(kmax+1)·max K_ii."""
    rng = np.random.default_rng(8)
    d, N = 6, 10
    W = rng.standard_normal((d, N)) / math.sqrt(d)
    model = paper_quadratic_target(d, rng)
    K, _ = rx.rf_gram(W, model, "relu")
    Ks, _ = rx.rf_gram(W, model, "relu", kmax=kmax, kernel="series")
    a = np.linalg.norm(W, axis=0)
    R = (W.T @ W) / np.outer(a, a)
    np.fill_diagonal(R, 0)
    err = np.max(np.abs(K - Ks))
    bound = np.max(np.abs(R)) ** (kmax + 1) * np.max(np.diag(K))
    assert 1e-12 < err <= bound
    assert np.allclose(np.diag(K), np.diag(Ks), rtol=1e-14, atol=0)


@pytest.mark.parametrize("kmax", [0, 1, 3])
def test_cross_moments_do_not_depend_on_kmax(kmax):
    """b uses μ₀ and μ₂ exactly even when the kernel series is cut below order 2."""
    rng = np.random.default_rng(9)
    d, N = 7, 5
    W = rng.standard_normal((d, N)) / math.sqrt(d)
    for model in (QuadraticTarget(np.diag(rng.exponential(size=d)), b0=0.4),
                  paper_mixture(d, rng)):
        _, b = rx.rf_gram(W, model, "relu_centered")
        _, bs = rx.rf_gram(W, model, "relu_centered", kmax=kmax, kernel="series")
        assert np.allclose(b, bs, rtol=1e-13, atol=1e-14)


def test_smooth_activations_series_against_quadrature():
    """tanh/softplus kernels (series only) vs a direct 2-d Gauss–Hermite integral per pair."""
    rng = np.random.default_rng(3)
    d, N = 5, 4
    W = rng.standard_normal((d, N)) / math.sqrt(d)
    model = paper_quadratic_target(d, rng)
    t, w = _gauss_rule(300)
    for name, fn in (("tanh", np.tanh), ("softplus", lambda u: np.logaddexp(0.0, u))):
        K, _ = rx.rf_gram(W, model, name)
        for i, j in itertools.combinations(range(N), 2):
            # (u, v) = L (g1, g2) with L the Cholesky factor of the 2×2 covariance
            C = W[:, [i, j]].T @ W[:, [i, j]]
            L = np.linalg.cholesky(C)
            g1, g2 = np.meshgrid(t, t, indexing="ij")
            u = L[0, 0] * g1
            v = L[1, 0] * g1 + L[1, 1] * g2
            val = np.sum(np.outer(w, w) * fn(u) * fn(v))
            # measured: the 2-d rule changes by < 1e-16 from 240 to 960 nodes; the series is
            # certified to SERIES_RTOL·max K_ii ≈ 1e-11 at most
            assert abs(K[i, j] - val) <= rx.SERIES_RTOL * np.max(np.diag(K)) + 1e-14


def test_reference_gauss_rule_integrates_gaussian_moments():
    """The test's reference rule is exact for E G^(2k) = (2k−1)!! (to float64), k ≤ 20."""
    t, w = _gauss_rule(300)
    for k in range(0, 21):
        exact = float(math.prod(range(2 * k - 1, 0, -2)))
        assert abs(np.sum(w * t ** (2 * k)) - exact) <= 1e-13 * exact
        assert abs(np.sum(w * t ** (2 * k + 1))) <= 1e-13 * exact * 10


# --------------------------------------------------------------------------------------------
# the risk
# --------------------------------------------------------------------------------------------

@given(seed=st.integers(0, 2**32 - 1), d=st.integers(1, 6), N=st.integers(1, 14),
       kind=st.sampled_from(["qf", "mg"]), act=st.sampled_from(CLOSED),
       scale=st.floats(0.05, 3.0))
def test_risk_is_a_projection(seed, d, N, kind, act, scale):
    """0 ≤ R ≤ E y², R is the risk of a* and no perturbed second layer does better."""
    rng = np.random.default_rng(seed)
    model = _random_model(kind, d, rng)
    W = scale * rng.standard_normal((d, N))
    sol = rx.rf_solve(W, model, act)
    assert 0.0 <= sol.risk <= sol.norm2
    tol = sol.error_bound + 1e-9 * sol.norm2
    r_star = rx.rf_risk_of_coefficients(W, model, sol.coefficients, act)
    assert abs(r_star - sol.risk) <= tol + 1e-9 * float(sol.coefficients @ sol.coefficients)
    for _ in range(3):
        delta = rng.standard_normal(N) * (0.1 + np.abs(sol.coefficients).max())
        assert rx.rf_risk_of_coefficients(W, model, sol.coefficients + delta, act) >= \
            sol.risk - tol


@given(seed=st.integers(0, 2**32 - 1), d=st.integers(2, 7), N=st.integers(1, 12),
       kind=st.sampled_from(["qf", "mg"]), act=st.sampled_from(["x^2-1", "relu", "erf"]))
def test_risk_invariant_under_common_rotation(seed, d, N, kind, act):
    """R(QW; QBQᵀ) = R(W; B) (qf), R(QW; QΣQᵀ, QΔQᵀ) = R(W; Σ, Δ) (mg)."""
    rng = np.random.default_rng(seed)
    model = _random_model(kind, d, rng)
    W = rng.standard_normal((d, N)) / math.sqrt(d)
    Q = _orthogonal(d, rng)
    if kind == "qf":
        rot = QuadraticTarget(Q @ model.B @ Q.T, b0=model.b0)
    else:
        rot = GaussianMixture(Q @ model.Sigma @ Q.T, Q @ model.Delta @ Q.T)
    s0, s1 = rx.rf_solve(W, model, act), rx.rf_solve(Q @ W, rot, act)
    # rotating perturbs K and b by round-off (~1e-15 relative); the risk moves by ≲ ‖a‖²‖δK‖
    tol = 2 * (s0.error_bound + s1.error_bound) + 1e-10 * s0.norm2
    assert abs(s0.risk - s1.risk) <= tol


def test_rotation_check_has_teeth():
    """Rotating W without rotating B does change the risk (so the check above can fail)."""
    rng = np.random.default_rng(1)
    d, N = 5, 6
    model = paper_quadratic_target(d, rng)
    W = rng.standard_normal((d, N)) / math.sqrt(d)
    Q = _orthogonal(d, rng)
    assert abs(rx.rf_risk_quadratic(W, model) - rx.rf_risk_quadratic(Q @ W, model)) > 1e-3


def test_quadratic_features_span_all_quadratics():
    """d = 2: {(wᵀx)² − 1} spans {⟨x, Mx⟩ + c} (dimension 4), so N = 9 > 4 features fit any
    quadratic target exactly; K has rank 4 and the eigh path with its rank cut-off is used."""
    rng = np.random.default_rng(2)
    target = QuadraticTarget(np.array([[2.0, 0.7], [0.7, -1.0]]), b0=3.0)
    W = rng.standard_normal((2, 9))
    sol = rx.rf_solve(W, target, "x^2-1")
    assert sol.method == "eigh" and sol.rank == 4
    assert sol.risk <= 1e-11 * target.norm2
    # with 3 < 4 features the fit is not exact
    assert rx.rf_risk_quadratic(W[:, :3], target) > 1e-3


def test_duplicate_neurons_do_not_change_the_risk():
    rng = np.random.default_rng(4)
    d, N = 8, 6
    for model in (paper_quadratic_target(d, rng), paper_mixture(d, rng)):
        for act in ("x^2-1", "relu"):
            W = rng.standard_normal((d, N)) / math.sqrt(d)
            s = rx.rf_solve(W, model, act)
            s2 = rx.rf_solve(np.hstack([W, W[:, :3]]), model, act)
            assert s2.method == "eigh" and s2.rank == N
            assert abs(s.risk - s2.risk) <= 1e-9 * s.norm2


def test_single_neuron_closed_form():
    """N = 1, σ = x² − 1, qf: R = ‖f*‖² − b²/K with b = 2wᵀBw + E f*(‖w‖²−1),
    K = (‖w‖²−1)² + 2‖w‖⁴ (hand-derived by Isserlis)."""
    B = np.diag([1.0, 2.0, 0.5])
    target = QuadraticTarget(B, b0=0.25)
    w = np.array([0.3, -0.8, 0.4])
    n2 = w @ w
    b = 2 * w @ B @ w + target.mean * (n2 - 1)
    K = (n2 - 1) ** 2 + 2 * n2 ** 2
    expected = target.norm2 - b * b / K
    assert rx.rf_risk_quadratic(w[:, None], target) == pytest.approx(expected, rel=1e-14)
    assert rx.rf_risk_quadratic_normalized(w[:, None], target) == \
        pytest.approx(expected / target.norm2, rel=1e-14)


def test_mixture_single_neuron_closed_form():
    """mg, σ = x² − 1, N = 1: b = −wᵀΔw, K = ½Σ_± [(wᵀC±w − 1)² + 2(wᵀC±w)²], R = 1 − b²/K."""
    d = 9
    rng = np.random.default_rng(0)
    mix = paper_mixture(d, rng)
    w = rng.standard_normal(d) / 2
    qp, qm = w @ mix.covariance(1) @ w, w @ mix.covariance(-1) @ w
    K = 0.5 * ((qp - 1) ** 2 + 2 * qp ** 2 + (qm - 1) ** 2 + 2 * qm ** 2)
    b = -w @ mix.Delta @ w
    assert rx.rf_risk_mixture(w[:, None], mix) == pytest.approx(1 - b * b / K, rel=1e-14)


def test_activation_aliases_agree():
    rng = np.random.default_rng(6)
    W = rng.standard_normal((4, 5))
    t = paper_quadratic_target(4, rng)
    from lazysym.objects import activations as A
    assert rx.rf_risk_quadratic(W, t, "x^2-1") == rx.rf_risk_quadratic(W, t, A.QUADRATIC_CENTERED)
    assert rx.rf_risk_quadratic(W, t, "x^2") == rx.rf_risk_quadratic(W, t, "quadratic")
    assert rx.rf_risk_quadratic(W, t, "x^2+0.5") == rx.rf_risk_quadratic(W, t, A.quadratic(0.5))
    assert rx.rf_risk(W, t, "relu") == rx.rf_risk_quadratic(W, t, A.RELU)


def test_erf_helper_matches_math_erf():
    x = np.concatenate([np.linspace(-7, 7, 4001), [-30.0, 30.0, 0.0, 2.4999, 2.5, 2.5001]])
    ref = np.array([math.erf(v) for v in x])
    assert np.max(np.abs(erf_vectorized(x) - ref)) <= 1e-14


def test_automatic_kmax_refuses_an_uncertified_series():
    """Two parallel neurons (|r| = 1) of a slowly converging σ: the cap cannot certify 1e-10."""
    W = np.array([[1.7, 3.4], [0.5, 1.0], [1.0, 2.0]])
    with pytest.raises(ConvergenceError):
        rx.rf_solve(W, paper_quadratic_target(3, 0), "tanh")


# --------------------------------------------------------------------------------------------
# bad input
# --------------------------------------------------------------------------------------------

_T = paper_quadratic_target(3, 0)
_M = paper_mixture(3, 0)
_W = np.random.default_rng(0).standard_normal((3, 4))

BAD = [
    ("W wrong d", lambda: rx.rf_risk_quadratic(np.ones((4, 2)), _T), "W shape"),
    ("W 1-d", lambda: rx.rf_risk_quadratic(np.ones(3), _T), "W shape"),
    ("W NaN", lambda: rx.rf_risk_quadratic(np.where(_W > 0, np.nan, _W), _T), "W finite"),
    ("W no column", lambda: rx.rf_risk_quadratic(np.ones((3, 0)), _T), "N ≥ 1"),
    ("unknown activation", lambda: rx.rf_risk_quadratic(_W, _T, "swish"), "known activation name"),
    ("activation type", lambda: rx.rf_risk_quadratic(_W, _T, 3), "activation type"),
    ("linear σ (A1)", lambda: rx.rf_risk_quadratic(_W, _T, from_expr("2*x + 1")), "A1"),
    ("model type", lambda: rx.rf_risk(_W, "qf"), "model type"),
    ("qf fn, mg model", lambda: rx.rf_risk_quadratic(_W, _M), "quadratic target (qf, eq. (8))"),
    ("mg fn, qf model", lambda: rx.rf_risk_mixture(_W, _T), "mg model"),
    ("kmax negative", lambda: rx.rf_solve(_W, _T, "tanh", kmax=-1), "kmax ≥ 0"),
    ("kmax float", lambda: rx.rf_solve(_W, _T, "tanh", kmax=3.5), "kmax integer"),
    ("kmax 10**9 (22 GiB)", lambda: rx.rf_solve(_W, _T, "tanh", kmax=10**9), "limit series_terms"),
    ("σ outside L²(γ)", lambda: rx.rf_solve(_W, _T, "exp(x^2/2)"), "A1"),
    ("σ not real", lambda: rx.rf_solve(_W, _T, "sqrt(x)"), "A1"),
    ("kernel", lambda: rx.rf_gram(_W, _T, "relu", kernel="exact"), "kernel method"),
    ("f* = 0", lambda: rx.rf_risk_quadratic_normalized(
        _W, QuadraticTarget(np.zeros((3, 3)), b0=0.0)), "f* ≠ 0"),
    ("coefficients", lambda: rx.rf_risk_of_coefficients(_W, _T, np.ones(3)),
     "coefficients shape"),
    ("X shape", lambda: rx.rf_features(np.ones((5, 2)), _W), "X shape"),
]


@pytest.mark.parametrize("call,assumption", [(c, a) for _, c, a in BAD],
                         ids=[name for name, _, _ in BAD])
def test_bad_input_raises_assumption_error(call, assumption):
    with pytest.raises(AssumptionError) as info:
        call()
    assert info.value.assumption == assumption

"""Tests for lazysym.nt: the NT model, exactly at finite d (qf and mg) and its printed limits."""

from __future__ import annotations

import mpmath
import numpy as np
import pytest
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

from lazysym.errors import AssumptionError
from lazysym.nt import (
    haar_projection_moments,
    mixture_moments,
    nt_expected_risk_quadratic,
    nt_limit_no_offset,
    nt_risk_mixture,
    nt_risk_quadratic,
    span_projection,
    tangent_space_basis,
    theorem2_bound,
    theorem2_limit_symbolic,
    theorem2_risk,
    theorem5_kappa,
    theorem5_kappa_risk,
    theorem5_risk,
    theorem5_risk_rho_ge_1,
    trace_ratio,
)
from lazysym.objects.models import GaussianMixture, QuadraticTarget, paper_mixture


def _sym(rng, d):
    A = rng.standard_normal((d, d))
    return (A + A.T) / 2


# --------------------------------------------------------------------------------------------
# qf: the projection formula against brute-force least squares over an explicit basis of 𝒯
# --------------------------------------------------------------------------------------------

def _brute_force_qf(W, target, offset):
    """min over (c, S ∈ span{w_i e_jᵀ + e_j w_iᵀ}) of E(f* − c − xᵀSx)², by the Gaussian Gram
    matrix E[φ_k φ_l] = (m_k + Tr M_k)(m_l + Tr M_l) + 2Tr(M_k M_l) (Isserlis) and a pseudo-inverse."""
    d = target.d
    feats = [(1.0, np.zeros((d, d)))] if offset else []
    feats += [(0.0, E) for E in tangent_space_basis(W)]
    tr = np.array([m + np.trace(M) for m, M in feats])
    Ms = np.array([M for _, M in feats]).reshape(len(feats), -1)
    G = np.outer(tr, tr) + 2.0 * Ms @ Ms.T
    b = tr * target.mean + 2.0 * Ms @ target.B.ravel()
    coef = np.linalg.lstsq(G, b, rcond=None)[0]
    return target.norm2 - float(b @ coef)


@given(seed=st.integers(0, 10_000), d=st.integers(1, 6), N=st.integers(1, 8),
       deficient=st.booleans(), centred=st.booleans())
def test_projection_formula_matches_brute_force(seed, d, N, deficient, centred):
    rng = np.random.default_rng(seed)
    W = rng.standard_normal((d, N))
    if deficient and N >= 2:  # repeated / dependent columns: the span of the actual columns
        W[:, -1] = 2.0 * W[:, 0]
    target = QuadraticTarget(_sym(rng, d), None if centred else float(rng.normal()))
    scale = target.norm2
    for offset in (True, False):
        got = nt_risk_quadratic(W, target, offset=offset)
        want = _brute_force_qf(W, target, offset)
        # float64 least squares on a Gram matrix of condition ≲ 1e8: 1e-7 relative to ‖f*‖².
        assert got == pytest.approx(want, abs=1e-7 * scale)


@given(seed=st.integers(0, 10_000), d=st.integers(2, 7), N=st.integers(1, 9))
def test_tangent_space_dimension(seed, d, N):
    W = np.random.default_rng(seed).standard_normal((d, N))
    E = tangent_space_basis(W).reshape(N * d, -1)
    r = min(d, N)
    assert np.linalg.matrix_rank(E) == r * d - r * (r - 1) // 2
    _, rank = span_projection(W)
    assert rank == r


def test_isserlis_inner_product_by_monte_carlo():
    """E[(m + xᵀMx)(m' + xᵀM'x)] = (m + Tr M)(m' + Tr M') + 2Tr(MM'), the basis of the qf formulas."""
    rng = np.random.default_rng(3)
    d, n = 4, 400_000
    M, M2 = _sym(rng, d), _sym(rng, d)
    X = rng.standard_normal((n, d))
    f = 0.3 + np.einsum("ni,ij,nj->n", X, M, X)
    g = -1.1 + np.einsum("ni,ij,nj->n", X, M2, X)
    prod = f * g
    exact = (0.3 + np.trace(M)) * (-1.1 + np.trace(M2)) + 2 * np.sum(M * M2)
    assert abs(prod.mean() - exact) <= 5 * prod.std() / np.sqrt(n)  # CLT, 5σ


def test_full_rank_and_zero_weights():
    rng = np.random.default_rng(0)
    t = QuadraticTarget(_sym(rng, 5))
    assert nt_risk_quadratic(rng.standard_normal((5, 7)), t) == pytest.approx(0.0, abs=1e-24)
    # no offset, N ≥ d: 2 b0²/(d + 2) (the mean must be paid with a quadratic form)
    W = rng.standard_normal((5, 9))
    assert nt_risk_quadratic(W, t, offset=False) == pytest.approx(2 * t.b0 ** 2 / 7, rel=1e-12)
    # W = 0: rank 0, the class is the constants (offset) or {0}
    assert nt_risk_quadratic(np.zeros((5, 2)), t) == pytest.approx(t.variance, rel=1e-12)
    assert nt_risk_quadratic(np.zeros((5, 2)), t, offset=False) == pytest.approx(t.norm2, rel=1e-12)


@given(seed=st.integers(0, 10_000), d=st.integers(2, 7), N=st.integers(1, 9))
def test_offset_false_never_better(seed, d, N):
    rng = np.random.default_rng(seed)
    t = QuadraticTarget(_sym(rng, d), float(rng.normal()))
    W = rng.standard_normal((d, N))
    assert nt_risk_quadratic(W, t, offset=False) >= nt_risk_quadratic(W, t) - 1e-12 * t.norm2


@given(seed=st.integers(0, 10_000), d=st.integers(2, 7), N=st.integers(1, 9))
def test_rotation_invariance(seed, d, N):
    rng = np.random.default_rng(seed)
    B, W = _sym(rng, d), rng.standard_normal((d, N))
    Q, _ = np.linalg.qr(rng.standard_normal((d, d)))
    for off in (True, False):
        a = nt_risk_quadratic(W, QuadraticTarget(B), offset=off)
        b = nt_risk_quadratic(Q @ W, QuadraticTarget(Q @ B @ Q.T), offset=off)
        assert a == pytest.approx(b, rel=1e-9, abs=1e-12)
    mix = GaussianMixture(np.eye(d) + 0.3 * np.diag(rng.uniform(size=d)), 0.2 * _sym(rng, d) / d)
    rot = GaussianMixture(Q @ mix.Sigma @ Q.T, Q @ mix.Delta @ Q.T)
    assert nt_risk_mixture(W, mix) == pytest.approx(nt_risk_mixture(Q @ W, rot), rel=1e-9)


# --------------------------------------------------------------------------------------------
# qf: the exact expectation over W
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("d,N", [(8, 2), (8, 5), (5, 4)])
@pytest.mark.parametrize("offset", [True, False])
def test_expected_risk_matches_monte_carlo_over_w(d, N, offset):
    rng = np.random.default_rng(100 * d + N)
    t = QuadraticTarget(np.diag(rng.exponential(size=d)) + 0.3 * _sym(rng, d))
    M = 3000
    vals = np.array([nt_risk_quadratic(rng.standard_normal((d, N)) / np.sqrt(d), t, offset=offset)
                     for _ in range(M)])
    exact = nt_expected_risk_quadratic(t, N, offset=offset)
    assert abs(vals.mean() - exact) <= 4.5 * vals.std() / np.sqrt(M)  # CLT, 4.5σ


def test_haar_moments_by_monte_carlo():
    """E Tr(PBPB) and E Tr(PB)² for a Haar rank-k projection, against sampled projections."""
    rng = np.random.default_rng(7)
    d, k, M = 6, 2, 20_000
    B = _sym(rng, d)
    mo = haar_projection_moments(d, k)
    a, b = [], []
    for _ in range(M):
        Q, _ = np.linalg.qr(rng.standard_normal((d, k)))
        P = Q @ Q.T
        PB = P @ B
        a.append(np.sum(PB * PB.T))
        b.append(np.trace(PB) ** 2)
    a, b = np.array(a), np.array(b)
    ea = float(mo["alpha"]) * np.trace(B) ** 2 + float(mo["beta"]) * np.sum(B * B)
    eb = float(mo["gamma"]) * np.trace(B) ** 2 + float(mo["delta"]) * np.sum(B * B)
    assert abs(a.mean() - ea) <= 4.5 * a.std() / np.sqrt(M)
    assert abs(b.mean() - eb) <= 4.5 * b.std() / np.sqrt(M)


def test_expected_risk_is_zero_for_n_at_least_d():
    t = QuadraticTarget(np.diag([1.0, 2.0, 3.0]))
    assert nt_expected_risk_quadratic(t, 3) == 0.0
    assert nt_expected_risk_quadratic(t, 10, offset=False) == pytest.approx(2 * 36 / 5)


def test_theorem2_is_the_limit_of_the_exact_expectation_symbolically():
    lim, (rho, r) = theorem2_limit_symbolic()
    printed = (1 - rho) ** 2 * (1 - r) + (1 - rho) * r  # ρ < 1
    assert sp.simplify(lim - printed) == 0
    poster = (1 - rho) ** 2 + rho * (1 - rho) * r
    assert sp.expand(printed - poster) == 0
    # lambdified against the numeric exact expectation at large d
    f = sp.lambdify((rho, r), lim)
    d = 600
    t = QuadraticTarget(np.diag(np.linspace(0.5, 2.0, d)))
    ex = nt_expected_risk_quadratic(t, d // 4) / t.norm2
    assert f(0.25, trace_ratio(t)) == pytest.approx(ex, abs=2.0 / d)  # O(1/d), coefficient < 2


def test_printed_formulas_precision_and_values():
    v = theorem2_risk(0.5, 0.5, dps=50)
    assert isinstance(v, mpmath.mpf)
    with mpmath.workdps(50):
        assert abs(v - mpmath.mpf(3) / 8) < mpmath.mpf(10) ** -45
    assert float(theorem2_risk(2.0, 0.3)) == 0.0
    assert float(theorem2_bound(0.25)) == 0.75
    assert float(nt_limit_no_offset(2.0, 0.3)) == pytest.approx(0.3)
    assert mpmath.mp.dps == 15


# --------------------------------------------------------------------------------------------
# mg
# --------------------------------------------------------------------------------------------

def _small_mixture(seed, d=4):
    rng = np.random.default_rng(seed)
    Sigma = np.diag(rng.uniform(0.8, 2.0, size=d))
    Delta = 0.25 * _sym(rng, d)
    return GaussianMixture(Sigma, Delta)


def test_mixture_moments_by_monte_carlo():
    mix = _small_mixture(1)
    rng = np.random.default_rng(2)
    S, S2 = _sym(rng, 4), _sym(rng, 4)
    n = 400_000
    X, y = mix.sample(n, rng)
    g = np.einsum("ni,ij,nj->n", X, S, X)
    g2 = np.einsum("ni,ij,nj->n", X, S2, X)
    mo = mixture_moments(S, mix)
    Sg, D = mix.Sigma, mix.Delta
    cov = (np.sum(S * D) * np.sum(S2 * D) + 2 * np.trace(S @ Sg @ S2 @ Sg)
           + 2 * np.trace(S @ D @ S2 @ D))
    for sample, exact in ((g, mo["mean"]), (y * g, mo["cov_y"]),
                          ((g - g.mean()) * (g2 - g2.mean()), cov),
                          ((g - g.mean()) ** 2, mo["var"])):
        assert abs(sample.mean() - exact) <= 5 * sample.std() / np.sqrt(n)  # CLT, 5σ


def _brute_force_mg(W, mix):
    """min over S ∈ span{w_i e_jᵀ + e_j w_iᵀ} of 1 + 2Tr(SΔ) + Var(xᵀSx), by the Gram matrix."""
    E = tangent_space_basis(W)
    Sg, D = mix.Sigma, mix.Delta
    t = np.array([np.sum(e * D) for e in E])
    ES = np.array([(e @ Sg).ravel() for e in E])
    ED = np.array([(e @ D).ravel() for e in E])
    n = len(E)
    # Tr(E_a Σ E_b Σ) = ⟨E_aΣ, (E_bΣ)ᵀ⟩
    G = (np.outer(t, t) + 2 * ES @ ES.reshape(n, *Sg.shape).transpose(0, 2, 1).reshape(n, -1).T
         + 2 * ED @ ED.reshape(n, *D.shape).transpose(0, 2, 1).reshape(n, -1).T)
    coef = np.linalg.lstsq(G, -t, rcond=None)[0]
    return 1.0 + float(t @ coef)


@given(seed=st.integers(0, 10_000), d=st.integers(2, 5), N=st.integers(1, 6))
def test_mixture_risk_matches_brute_force(seed, d, N):
    mix = _small_mixture(seed, d)
    W = np.random.default_rng(seed + 1).standard_normal((d, N))
    # CG to 1e-13; brute force Gram lstsq in float64: agreement to 1e-9.
    assert nt_risk_mixture(W, mix, tol=1e-13) == pytest.approx(_brute_force_mg(W, mix), abs=1e-9)


def test_mixture_risk_matches_monte_carlo_fit():
    """Fit c + xᵀSx, S ∈ 𝒯(W), by least squares on n samples; test on m fresh samples."""
    mix = GaussianMixture(np.diag([1.0, 1.5, 0.7]),
                          np.array([[0.45, 0.2, 0.0], [0.2, -0.3, 0.1], [0.0, 0.1, 0.3]]))
    W = np.array([[1.0], [0.5], [-0.2]])
    rng = np.random.default_rng(11)
    E = tangent_space_basis(W)  # N d = 3 matrices, dim 𝒯 = 3

    def feats(X):
        return np.column_stack([np.ones(len(X))] + [np.einsum("ni,ij,nj->n", X, e, X) for e in E])

    n = m = 300_000
    X, y = mix.sample(n, rng)
    coef = np.linalg.lstsq(feats(X), y, rcond=None)[0]
    Xt, yt = mix.sample(m, rng)
    loss = (yt - feats(Xt) @ coef) ** 2
    exact = nt_risk_mixture(W, mix)
    # test risk = exact + fitting excess (≥ 0, ≈ exact·p/n = 1.3e-5 for p = 4) ± CLT (4.5σ).
    clt = 4.5 * loss.std() / np.sqrt(m)
    assert exact - clt <= loss.mean() <= exact + clt + 10 * exact * 4 / n
    # and the exact risk is visibly not the leading-order Theorem 5 value at this tiny d
    assert abs(theorem5_risk(W, mix) - exact) > 3 * clt


def test_mixture_vs_theorem5_difference_shrinks_with_d():
    diffs = []
    for d in (20, 40, 80, 160):
        rng = np.random.default_rng(d)
        mix = paper_mixture(d, rng)
        W = rng.standard_normal((d, d // 2)) / np.sqrt(d)
        diffs.append(abs(nt_risk_mixture(W, mix) - theorem5_risk(W, mix)))
    # the neglected Tr(SΔSΔ) term is O(‖Δ‖²_op) = O(1/d): each doubling of d should roughly halve
    # the difference (measured d·diff = 0.68, 0.72, 0.71, 0.68 at d = 20…160); require a factor
    # ≥ 1.6 per step and d·diff < 2 (~3× the measured constant).
    assert all(b < a / 1.6 for a, b in zip(diffs, diffs[1:]))
    assert max(dd * x for dd, x in zip((20, 40, 80, 160), diffs)) < 2.0


def test_mixture_special_cases():
    mix = _small_mixture(5, d=4)
    W = np.random.default_rng(0).standard_normal((4, 6))
    # N ≥ d, Δ small: the ρ ≥ 1 value up to the neglected term; Δ = 0 gives exactly 1
    assert nt_risk_mixture(W, GaussianMixture(np.eye(4), np.zeros((4, 4)))) == 1.0
    assert nt_risk_mixture(np.zeros((4, 2)), mix) == 1.0
    assert 0.0 < nt_risk_mixture(W, mix) < 1.0
    Dl = np.diag([0.1, 0.2, -0.1, 0.05])
    assert float(theorem5_risk_rho_ge_1(Dl)) == pytest.approx(1 / (1 + np.sum(Dl ** 2) / 2))
    assert float(theorem5_kappa(3.0, Dl)) == 1.0
    assert float(theorem5_kappa_risk(3.0, Dl)) == pytest.approx(float(theorem5_risk_rho_ge_1(Dl)))


def test_theorem5_literal_inverse_equals_projection():
    """For full column rank W the printed (WᵀΣW)⁻¹ form equals the span projection."""
    mix = _small_mixture(9, d=5)
    W = np.random.default_rng(1).standard_normal((5, 3))
    sq = mix.sigma_sqrt
    U, r = span_projection(sq @ W)
    Pp = U[:, r:] @ U[:, r:].T
    Dt = mix.delta_tilde
    C = Pp @ Dt @ Pp
    assert theorem5_risk(W, mix) == pytest.approx(2 / (2 + np.sum(Dt ** 2) - np.sum(C ** 2)),
                                                  rel=1e-12)


# --------------------------------------------------------------------------------------------
# bad input
# --------------------------------------------------------------------------------------------

_B = np.diag([1.0, 2.0, 3.0])
_W = np.ones((3, 2))
_MIX = GaussianMixture(np.eye(3), 0.1 * np.eye(3))


@pytest.mark.parametrize("call,assumption", [
    (lambda: nt_risk_quadratic(_W, QuadraticTarget(np.array([[1.0, 2.0, 0], [0, 1.0, 0],
                                                             [0, 0, 1.0]]))), "B symmetric"),
    (lambda: nt_risk_quadratic(np.ones((4, 2)), QuadraticTarget(_B)), "W shape"),
    (lambda: nt_risk_quadratic(np.ones(3), QuadraticTarget(_B)), "W shape"),
    (lambda: nt_risk_quadratic(np.ones((3, 0)), QuadraticTarget(_B)), "N ≥ 1"),
    (lambda: nt_risk_quadratic(np.full((3, 2), np.nan), QuadraticTarget(_B)), "W finite"),
    (lambda: nt_risk_quadratic(_W, QuadraticTarget(np.diag([1.0, np.nan, 1.0]))), "B finite"),
    (lambda: nt_risk_quadratic(_W, QuadraticTarget(_B), offset="yes"), "offset flag"),
    (lambda: nt_expected_risk_quadratic(QuadraticTarget(_B), 0), "N ≥ 1"),
    (lambda: nt_expected_risk_quadratic(QuadraticTarget(_B), -3), "N ≥ 1"),
    (lambda: nt_expected_risk_quadratic(QuadraticTarget(_B), 2.5), "N integer"),
    (lambda: nt_risk_quadratic(_W, _B), "quadratic target (qf, eq. (8))"),
    (lambda: theorem2_risk(-0.5, 0.3), "ρ > 0"),
    (lambda: theorem2_risk(0.5, 1.5), "Tr(B)² ≤ d‖B‖²_F"),
    (lambda: theorem2_risk(float("nan"), 0.3), "ρ finite"),
    (lambda: theorem2_risk(0.5, 0.3, dps=0), "dps ≥ 1"),
    (lambda: trace_ratio(np.zeros((3, 3))), "B ≠ 0"),
    (lambda: nt_risk_mixture(_W, "not a mixture"), "mg model"),
    (lambda: nt_risk_mixture(np.ones((4, 2)), _MIX), "W shape"),
    (lambda: nt_risk_mixture(_W, _MIX, tol=0.0), "tol ∈ (0, 1)"),
    (lambda: theorem5_risk(np.full((3, 1), np.inf), _MIX), "W finite"),
    (lambda: theorem5_kappa(0.5, np.array([[0.0, 1.0], [2.0, 0.0]])), "Δ symmetric"),
])
def test_bad_input(call, assumption):
    with pytest.raises(AssumptionError) as exc:
        call()
    assert exc.value.assumption == assumption


def test_conjugate_gradient_cap_raises_convergence_error():
    from lazysym.errors import ConvergenceError
    mix = GaussianMixture(np.eye(6), 0.9 * np.diag([1, -1, 1, -1, 1, -1.0]))
    W = np.random.default_rng(0).standard_normal((6, 3))
    with pytest.raises(ConvergenceError):
        nt_risk_mixture(W, mix, maxiter=1)

"""Tests for lazysym.compare.gaps: NT ≥ NN for B ⪰ 0, the non-PSD counterexample, eq. (6)'s gap, ratios."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lazysym.compare.gaps import (
    exp_B,
    flat_B,
    gap_asymptotic,
    gap_finite_d,
    non_psd_counterexample,
    nt_minus_nn,
    nt_nn_ratio,
    power_law_B,
    ratio_growth,
    spiked_B,
)
from lazysym.errors import AssumptionError
from lazysym.nn import nn_risk_quadratic
from lazysym.nt import nt_risk_quadratic
from lazysym.objects.models import QuadraticTarget


def _psd(d, rng, rank):
    Q, _ = np.linalg.qr(rng.standard_normal((d, d)))
    lam = rng.exponential(1.0, size=d)
    lam[rank:] = 0.0
    B = (Q * lam) @ Q.T
    return QuadraticTarget((B + B.T) / 2)


def _nt_brute_force(W, B):
    """min over A ∈ R^{d×N} of 2‖B − (WAᵀ + AWᵀ)‖²_F by least squares on the linear map A ↦ M."""
    d, N = W.shape
    cols = []
    for k in range(d * N):
        A = np.zeros(d * N)
        A[k] = 1.0
        A = A.reshape(d, N)
        cols.append((W @ A.T + A @ W.T).ravel())
    Mmap = np.array(cols).T
    coef = np.linalg.lstsq(Mmap, B.ravel(), rcond=None)[0]
    r = B.ravel() - Mmap @ coef
    return 2.0 * float(r @ r)


@pytest.mark.parametrize("seed", range(6))
def test_nt_risk_equals_brute_force_least_squares(seed):
    rng = np.random.default_rng(seed)
    d, N = 5, 1 + seed % 4
    A = rng.standard_normal((d, d))
    t = QuadraticTarget(A + A.T)  # indefinite
    W = rng.standard_normal((d, N))
    if seed == 5:
        W[:, -1] = W[:, 0]  # rank-deficient W
    # both are exact; lstsq residual carries ~1e-14 relative round-off
    assert nt_risk_quadratic(W, t) == pytest.approx(_nt_brute_force(W, t.B), rel=1e-9, abs=1e-12)


@given(d=st.integers(1, 12), N=st.integers(1, 14), seed=st.integers(0, 10**6),
       rank=st.integers(0, 12), dup=st.booleans())
def test_nt_at_least_nn_for_psd_B_for_every_W(d, N, seed, rank, dup):
    rng = np.random.default_rng(seed)
    t = _psd(d, rng, min(rank, d))
    W = rng.standard_normal((d, N)) * rng.uniform(0.01, 3.0)
    if dup and N > 1:
        W[:, 1:] = W[:, :1]  # rank-1 W: still R_NT ≥ R_NN (interlacing with r ≤ N)
    scale = max(1.0, t.norm2)
    assert nt_minus_nn(W, t) >= -1e-10 * scale


def test_non_psd_B_can_have_nt_below_nn():
    target, W, nt, nn = non_psd_counterexample()
    assert nt == pytest.approx(0.0, abs=1e-14) and nn == pytest.approx(2.0)
    assert nt_minus_nn(W, target) < -1.9
    # B = −I: NN cannot fit anything (2‖B‖² = 2d); NT fits all but P⊥BP⊥ = −P⊥: 2(d − N)
    t = QuadraticTarget(-np.eye(5))
    W = np.random.default_rng(0).standard_normal((5, 2))
    assert nt_risk_quadratic(W, t) == pytest.approx(6.0) and nn_risk_quadratic(t, 2) == pytest.approx(10.0)


@pytest.mark.parametrize("beta", [1.0, 0.3, 7.0])
def test_flat_B_has_zero_gap_for_every_W(beta):
    rng = np.random.default_rng(1)
    t = flat_B(30, beta)
    for N in (1, 10, 29, 30):
        W = rng.standard_normal((30, N))
        # 2β²(d − N) on both sides; round-off ~1e-15·‖f*‖²
        assert abs(nt_minus_nn(W, t)) <= 1e-10 * t.norm2
        assert gap_asymptotic(t, N) == pytest.approx(0.0, abs=1e-12)


@pytest.mark.parametrize("family", ["exp", "spiked", "power"])
def test_finite_d_gap_approaches_theorem2_minus_theorem3(family):
    errs = []
    for d in (40, 160):
        t = {"exp": lambda d: exp_B(d, 3), "spiked": lambda d: spiked_B(d, 0.2),
             "power": lambda d: power_law_B(d, 1.0)}[family](d)
        N = d // 2
        g = gap_finite_d(t, N, draws=4, rng=d)
        assert np.all(g >= -1e-12)
        errs.append(abs(float(np.mean(g)) - gap_asymptotic(t, N)))
    # measured |mean gap − formula| at d = 40 / 160: exp 1.8e-4 / 3.2e-3, spiked 1.1e-2 / 1.7e-3,
    # power 2.4e-2 / 9.8e-3. For the power law a few top eigenvalues dominate and ‖P⊥v₁‖⁴ fluctuates
    # by O(d^{-1/2}) per W, hence its larger tolerance; any wrong formula is off by ≳ 0.05.
    assert errs[-1] < (3e-2 if family == "power" else 1e-2)


def test_ratio_grows_like_d_to_the_2alpha_minus_1():
    # measured: α = 1 → fitted exponent 0.996, α = 1.5 → 2.05 over d = 50..400
    for alpha, tol in ((1.0, 0.15), (1.5, 0.2)):
        res = ratio_growth(alpha, 0.5, [50, 100, 200, 400], draws=2, rng=0)
        assert abs(res["rate"] - res["predicted_rate"]) < tol
        assert all(a < b for a, b in zip(res["ratio"], res["ratio"][1:]))
    # rank ≤ N: R_NN = 0 < R_NT, an infinite ratio
    r = nt_nn_ratio(spiked_B(40, 0.2), 10, draws=2, rng=0)
    assert np.all(np.isinf(r))


BAD = [
    ("kappa = 0", lambda: spiked_B(10, 0.0), "0 < κ ≤ 1"),
    ("kappa > 1", lambda: spiked_B(10, 1.5), "0 < κ ≤ 1"),
    ("alpha ≤ 1/2", lambda: power_law_B(10, 0.5), "α > 1/2"),
    ("rho ≥ 1 for a ratio", lambda: ratio_growth(1.0, 1.0, [10, 20], draws=1, rng=0), "0 < ρ < 1"),
    ("W wrong shape", lambda: nt_minus_nn(np.ones((3, 2)), flat_B(4)), "W shape"),
    ("W has NaN", lambda: nt_risk_quadratic(np.full((4, 2), np.nan), flat_B(4)), "finite"),
    ("N = 0", lambda: gap_finite_d(flat_B(4), 0, draws=1, rng=0), "N ≥ 1"),
    ("no seed", lambda: gap_finite_d(flat_B(4), 1, draws=1, rng=None), "seeded"),
    ("gap needs B ⪰ 0", lambda: gap_asymptotic(QuadraticTarget(np.diag([1.0, -1.0])), 1),
     "Theorem 3 assumes B ⪰ 0"),
    ("flat with beta = 0", lambda: flat_B(4, 0.0), "B ≠ 0"),
]


@pytest.mark.parametrize("case, call, fragment", BAD, ids=[b[0] for b in BAD])
def test_bad_input_raises_assumption_error(case, call, fragment):
    with pytest.raises(AssumptionError) as info:
        call()
    assert fragment in str(info.value)

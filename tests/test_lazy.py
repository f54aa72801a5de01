"""The α-scaled flows, the tangent model, κ and the α sweep (lazysym.nn.lazy)."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lazysym.errors import AssumptionError
from lazysym.nn import lazy as lz
from lazysym.nn import nn_risk_quadratic
from lazysym.nn.training import gradient_flow
from lazysym.nt import nt_risk_quadratic
from lazysym.objects.models import QuadraticTarget, paper_quadratic_target


def _small(d=4, M=2, tau=1.0, seed=0):
    return paper_quadratic_target(d, seed), lz.paired_init(d, M, tau, seed + 1)


def _h(net, W, c):
    """(S, c) of h(w) for w = (W, c), straight from the definition Σ a_j w_j w_jᵀ."""
    S = sum(net.a[j] * np.outer(W[:, j], W[:, j]) for j in range(net.m))
    return S, c


# ------------------------------------------------------------------------------------------------
# L² geometry
# ------------------------------------------------------------------------------------------------

@given(st.integers(1, 5), st.integers(0, 10_000))
def test_coords_inner_product_is_the_isserlis_form(d, seed):
    rng = np.random.default_rng(seed)
    A, A2 = rng.standard_normal((2, d, d))
    S, S2 = (A + A.T) / 2, (A2 + A2.T) / 2
    c, c2 = rng.standard_normal(2)
    lhs = lz.l2_inner_coords(S, c) @ lz.l2_inner_coords(S2, c2)
    rhs = 2 * np.sum(S * S2) + (c + np.trace(S)) * (c2 + np.trace(S2))
    assert lhs == pytest.approx(rhs, rel=1e-12, abs=1e-12)
    assert lz.l2_norm(S, c) == pytest.approx(math.sqrt(lz.l2_inner_coords(S, c) @
                                                       lz.l2_inner_coords(S, c)), rel=1e-12)


def test_l2_norm_against_monte_carlo():
    rng = np.random.default_rng(3)
    d = 4
    A = rng.standard_normal((d, d))
    S, c = (A + A.T) / 2, 0.7
    X = rng.standard_normal((400_000, d))
    f2 = (c + np.einsum("ni,ij,nj->n", X, S, X)) ** 2
    se = f2.std() / math.sqrt(f2.size)
    # CLT: 5 standard errors
    assert abs(f2.mean() - lz.l2_norm(S, c) ** 2) < 5 * se


# ------------------------------------------------------------------------------------------------
# initialisation, Jacobian, operator norms
# ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("frame", ["orthonormal", "gaussian"])
@pytest.mark.parametrize("d,M", [(5, 2), (4, 4), (3, 5)])
def test_paired_init_has_zero_output(frame, d, M):
    net = lz.paired_init(d, M, 0.7, 0, frame=frame)
    assert net.m == 2 * M and net.W0.shape == (d, 2 * M)
    assert np.max(np.abs(net.S0)) < 1e-14
    U = net.W0[:, :M]
    if frame == "orthonormal" and M <= d:
        assert np.allclose(U.T @ U, 0.49 * np.eye(M), atol=1e-12)
    if frame == "orthonormal" and M > d:
        assert np.allclose(U @ U.T, 0.49 * (M / d) * np.eye(d), atol=1e-12)


def test_jacobian_against_finite_differences():
    tg, net = _small(4, 2)
    rng = np.random.default_rng(5)
    W = net.W0 + 0.3 * rng.standard_normal(net.W0.shape)
    J = lz.jacobian(net, W)
    eps = 1e-6
    cols = []
    for j in range(net.m):
        for p in range(net.d):
            Wp, Wm = W.copy(), W.copy()
            Wp[p, j] += eps
            Wm[p, j] -= eps
            cols.append((lz.l2_inner_coords(*_h(net, Wp, 0.0)) -
                         lz.l2_inner_coords(*_h(net, Wm, 0.0))) / (2 * eps))
    cols.append(lz.l2_inner_coords(np.zeros((4, 4)), 1.0))
    # central differences of a quadratic: exact up to round-off ~ 1e-10
    assert np.allclose(J, np.array(cols).T, atol=1e-8)


def test_dh_norm_is_the_sup_over_directions():
    tg, net = _small(5, 2)
    J = lz.jacobian(net)
    n = lz.dh_norm(net)
    rng = np.random.default_rng(0)
    D = rng.standard_normal((J.shape[1], 2000))
    D /= np.linalg.norm(D, axis=0)
    assert np.max(np.linalg.norm(J @ D, axis=0)) <= n * (1 + 1e-12)
    v = np.linalg.svd(J)[2][0]
    assert np.linalg.norm(J @ v) == pytest.approx(n, rel=1e-10)


def test_d2h_norm_bound_and_attainment():
    """‖D²h[δ, δ']‖ ≤ 2√3 max|a| ‖δ‖‖δ'‖ (also off the diagonal), with equality at one neuron."""
    rng = np.random.default_rng(1)
    net = lz.LazyNetwork(rng.standard_normal((4, 3)), np.array([0.5, -2.0, 1.0]))
    bound = lz.d2h_norm(net)
    assert bound == pytest.approx(2 * math.sqrt(3) * 2.0)

    def d2(D1, D2):   # second derivative of S(W) = W A Wᵀ: D1 A D2ᵀ + D2 A D1ᵀ
        return (D1 * net.a) @ D2.T + (D2 * net.a) @ D1.T
    worst = 0.0
    for _ in range(3000):
        D1, D2 = rng.standard_normal((2, 4, 3))
        D1 /= np.linalg.norm(D1)
        D2 /= np.linalg.norm(D2)
        worst = max(worst, lz.l2_norm(d2(D1, D2), 0.0))
    assert worst <= bound * (1 + 1e-12)
    D = np.zeros((4, 3))
    D[0, 1] = 1.0
    assert lz.l2_norm(d2(D, D), 0.0) == pytest.approx(bound, rel=1e-12)


def test_kappa_scales_as_one_over_alpha_and_matches_its_parts():
    tg, net = _small(5, 2)
    k1 = lz.kappa(net, tg)
    assert k1 == pytest.approx(math.sqrt(tg.norm2) * lz.d2h_norm(net) / lz.dh_norm(net) ** 2)
    for al in (3.0, 100.0):
        assert lz.kappa(net, tg, alpha=al) == pytest.approx(k1 / al, rel=1e-12)


def test_width_kappa_follows_the_poster_rate():
    tg = paper_quadratic_target(6, 0)
    for sched in (lambda m: 1.0, lambda m: 1.0 / m):
        ratios = [np.mean([lz.width_kappa(6, m, sched(m), tg, rng=(m, k)) for k in range(3)])
                  / lz.width_kappa_bound(m, sched(m)) for m in (8, 64, 256)]
        # measured ratios within [0.8, 2.6] (proofs_check cb.width); a wrong rate would drift
        # by a factor ≥ 5 over m = 8..256
        assert 0.3 < min(ratios) and max(ratios) < 5


# ------------------------------------------------------------------------------------------------
# flows
# ------------------------------------------------------------------------------------------------

def test_flow_vector_field_is_minus_gradient_of_F():
    tg, net = _small(4, 2)
    al = 7.0
    sysm = lz._System(net, tg, al)
    rng = np.random.default_rng(2)
    y = rng.standard_normal(net.d * net.m + 1)

    def F(yv):   # F = R(αh)/α², R = ½‖·‖², in the variables W = W₀ + V/α, c = γ/α
        W = net.W0 + yv[:-1].reshape(net.d, net.m) / al
        S, c = _h(net, W, yv[-1] / al)
        return 0.5 * lz.l2_norm(al * S - tg.B, al * c - tg.b0) ** 2 / al ** 2
    g = np.zeros_like(y)
    for i in range(y.size):
        e = np.zeros_like(y)
        e[i] = 1e-5
        g[i] = (F(y + e) - F(y - e)) / 2e-5
    # ẇ = −∇_w F and V = αw ⇒ ẏ = −α² ∇_y F
    assert np.allclose(sysm.rhs(False)(y), -al ** 2 * g, rtol=1e-6, atol=1e-6)


def test_alpha_one_matches_training_gradient_flow():
    """With a = +1 and α = 1, F = L/2 (lazysym.nn.loss), so our path at t is training's at t/2."""
    tg = paper_quadratic_target(4, 2)
    rng = np.random.default_rng(4)
    W0, c0 = 0.5 * rng.standard_normal((4, 3)), 0.3
    net = lz.LazyNetwork(W0, np.ones(3), c0)
    p = lz.lazy_paths(net, tg, 1.0, t_eval=np.array([0.5, 2.0]), tangent=False)
    ref = gradient_flow(tg, W0, c0, t_max=1.0, t_eval=np.array([0.25, 1.0]), rtol=1e-11,
                        atol=1e-13)
    assert np.allclose(p.risk, ref.risks, rtol=1e-7)


def test_tangent_path_has_the_closed_form_of_kernel_gradient_flow():
    """Tangent model: φ̇ = −JJᵀ(φ − φ*) in L² coordinates, so φ(t) − φ* = e^{−tJJᵀ}(φ₀ − φ*)."""
    tg, net = _small(4, 2, tau=0.8)
    J = lz.jacobian(net)
    K = J @ J.T
    ev, Q = np.linalg.eigh(K)
    r0 = -lz.l2_inner_coords(tg.B, tg.b0)       # φ₀ − φ* with h(w₀) = 0
    ts = np.array([0.1, 0.7, 3.0])
    p = lz.lazy_paths(net, tg, 5.0, t_eval=ts)
    for t, rt in zip(ts, p.risk_tangent[1:]):
        r = Q @ (np.exp(-t * ev) * (Q.T @ r0))
        assert rt == pytest.approx(float(r @ r), rel=1e-8)


def test_tangent_flow_ends_at_the_nt_risk_of_the_paper():
    tg, net = _small(5, 2)
    M = 2
    nt = nt_risk_quadratic(net.W0[:, :M], tg)      # lazysym.nt: 2‖P⊥BP⊥‖²_F
    assert lz.tangent_limit_risk(net, tg) == pytest.approx(nt, rel=1e-10)
    p = lz.lazy_paths(net, tg, 10.0, t_max=80.0, n_record=4)
    assert p.risk_tangent[-1] == pytest.approx(nt, rel=1e-7)
    assert np.all(np.diff(p.risk) <= 1e-12 * tg.norm2)      # gradient flow: risk non-increasing


def test_nn_limit_is_theorem_3():
    tg = paper_quadratic_target(6, 0)
    assert lz.nn_limit_risk(tg, 2) == pytest.approx(nn_risk_quadratic(tg, 2), rel=1e-12)


def test_finite_horizon_gap_vanishes_with_alpha():
    tg, net = _small(4, 2)
    r = lz.finite_horizon_sweep(net, tg, [20.0, 80.0, 320.0], t_max=3.0, n_record=30)
    assert np.all(np.diff(r["sup_gap"]) < 0)
    # measured rate 2.0 (first order cancels by the pairing); at least the O(1/α) of the theorem
    assert r["rate"] > 1.5
    # integrator consistency: tighter tolerance moves the smallest gap by < 1%
    p = lz.lazy_paths(net, tg, 320.0, t_max=3.0, n_record=30, rtol=1e-12, atol=1e-14)
    assert p.sup_gap / p.norm_fstar == pytest.approx(r["sup_gap"][-1], rel=1e-2)


def test_stop_gap_stops_at_the_threshold():
    tg, net = _small(4, 2)
    p = lz.lazy_paths(net, tg, 4.0, t_eval=np.linspace(0.25, 200, 800), rtol=1e-8, stop_gap=0.3)
    assert p.gap[-1] / p.norm_fstar >= 0.3 > p.gap[-2] / p.norm_fstar
    assert p.times[-1] < 200


def test_relative_gap_ratio_below_the_bound():
    tg, net = _small(4, 2)
    r = lz.relative_gap_ratio(net, tg, 10.0, n_record=10)
    assert r["t_tilde"][-1] == pytest.approx(1.0)
    assert 0 < r["sup_ratio"] < 1


def test_alpha_sweep_ends_between_nn_and_nt_and_plots(tmp_path):
    tg = paper_quadratic_target(4, 1)
    s = lz.alpha_sweep(tg, 2, [0.5, 1000.0], t_max=20.0, rng=3)
    assert s["nn"] < s["nt"]
    # small α: NN value; large α: NT value (cb.lazy_limit measures the rates)
    assert s["risk"][0] == pytest.approx(s["nn"], rel=1e-3, abs=1e-6 * s["norm2"])
    assert s["risk"][1] == pytest.approx(s["nt"], rel=1e-2)
    out = tmp_path / "sweep.png"
    from lazysym.figures import plot_alpha_sweep
    plot_alpha_sweep([s], out)
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_dopri_on_a_linear_system():
    A = np.array([[-1.0, 2.0], [-2.0, -1.0]])
    ev, Q = np.linalg.eig(A)
    y0 = np.array([1.0, 0.5])
    ts = np.array([0.3, 1.0, 4.0])
    Y, _ = lz._dopri(lambda y: A @ y, y0, ts, rtol=1e-11, atol=1e-13, max_steps=10_000)
    exact = [np.real(Q @ (np.exp(ev * t) * np.linalg.solve(Q, y0))) for t in ts]
    assert np.allclose(Y, exact, rtol=1e-8, atol=1e-11)


# ------------------------------------------------------------------------------------------------
# bad input
# ------------------------------------------------------------------------------------------------

def test_bad_input_raises_assumption_error():
    tg, net = _small(4, 2)
    with pytest.raises(AssumptionError, match="α > 0"):
        lz.lazy_paths(net, tg, 0.0, t_max=1.0)
    with pytest.raises(AssumptionError, match="τ > 0"):
        lz.paired_init(4, 2, -1.0, 0)
    with pytest.raises(AssumptionError, match="matching dimensions"):
        lz.kappa(net, paper_quadratic_target(5, 0))
    with pytest.raises(AssumptionError, match="t_eval"):
        lz.lazy_paths(net, tg, 1.0, t_eval=[1.0, 0.5])
    with pytest.raises(AssumptionError, match="horizon"):
        lz.lazy_paths(net, tg, 1.0)
    with pytest.raises(AssumptionError, match="B ⪰ 0"):
        lz.nn_limit_risk(QuadraticTarget(np.diag([1.0, -1.0])), 1)
    with pytest.raises(AssumptionError, match="a shape"):
        lz.LazyNetwork(np.ones((3, 2)), np.ones(3))
    with pytest.raises(AssumptionError, match="frame"):
        lz.paired_init(4, 2, 1.0, 0, frame="haar")
    with pytest.raises(AssumptionError, match="seeded"):
        lz.paired_init(4, 2, 1.0, None)
    with pytest.raises(AssumptionError):
        lz.LazyNetwork(np.array([[np.nan]]), np.ones(1))

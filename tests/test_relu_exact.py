"""Exact population risks of ReLU models (lazysym.compare.relu_exact), checked against routes that
do not use their closed forms: Monte Carlo with CLT bars (5 standard errors: a two-sided normal
tail of 6e-7 per comparison), the RF exact risk of the same network (lazysym.rf.exact, an
independent implementation of the arc-cosine kernel), and 40-digit quadrature of a Gram block.
"""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest

from lazysym.compare.relu_exact import relu_network_risk, relu_nt_risk
from lazysym.compare.relu_gap import ReluNetwork, fit_relu_nt, relu_gap_experiment, train_relu_nn
from lazysym.errors import AssumptionError
from lazysym.objects.balls import ball_accuracy
from lazysym.objects.models import QuadraticTarget, paper_quadratic_target
from lazysym.rf.exact import rf_risk_of_coefficients
from lazysym.rf.montecarlo import test_error_montecarlo as mc_error

Z = 5.0


def _target(d: int, seed: int) -> QuadraticTarget:
    rng = np.random.default_rng(seed)
    B = rng.standard_normal((d, d))
    return QuadraticTarget((B + B.T) / 2, 0.4)


def test_network_risk_without_offset_equals_the_rf_exact_risk_of_its_second_layer():
    rng = np.random.default_rng(0)
    target = _target(5, 1)
    W, a = rng.standard_normal((5, 4)), rng.standard_normal(4)
    net = ReluNetwork(W, a, 0.0)
    want = rf_risk_of_coefficients(W, target, a, "relu")
    assert relu_network_risk(net, target) == pytest.approx(want, rel=1e-12)


@pytest.mark.parametrize("seed", [0, 1])
def test_network_risk_matches_monte_carlo(seed):
    target = _target(4, seed)
    net = train_relu_nn(target, 3, steps=500, rng=seed, step=0.02)
    mc = mc_error(net, target, 200_000, seed + 100)
    assert abs(relu_network_risk(net, target) - mc.estimate) <= Z * mc.stderr


def test_nt_risk_matches_the_least_squares_fit_on_many_samples():
    """The fitted NT on n samples has risk R_NT + (estimation excess ≈ p/n·R_NT ≥ 0)."""
    target = _target(4, 3)
    W = np.random.default_rng(4).standard_normal((4, 3))
    p, n = 3 * 4 + 1, 200_000
    f = fit_relu_nt(target, W, n_train=n, rng=5)
    mc = mc_error(f, target, 200_000, 6)
    r = relu_nt_risk(W, target)
    assert mc.estimate >= r - Z * mc.stderr
    assert mc.estimate <= r * (1 + 4 * p / n) + Z * mc.stderr


def test_nt_gram_block_against_quadrature():
    """E[x_k x_l 1{u_i>0} 1{u_j>0}] for the unit pair ŵ_i = e₁, ŵ_j = (cos θ, sin θ): 2-D
    quadrature in polar coordinates (∫ r³e^{-r²/2} dr = 2) against the closed form's entries."""
    from lazysym.compare.relu_exact import _nt_system_float

    th = 1.1
    W = np.array([[1.0, math.cos(th)], [0.0, math.sin(th)], [0.0, 0.0]])
    G, _, _ = _nt_system_float(W, _target(3, 0))
    block = G[0:3, 3:6]
    with mpmath.workdps(30):
        lo, hi = th - mpmath.pi / 2, mpmath.pi / 2          # the wedge u_i > 0, u_j > 0
        c2 = mpmath.quad(lambda p: mpmath.cos(p) ** 2, [lo, hi]) / mpmath.pi
        cs = mpmath.quad(lambda p: mpmath.cos(p) * mpmath.sin(p), [lo, hi]) / mpmath.pi
        s2 = mpmath.quad(lambda p: mpmath.sin(p) ** 2, [lo, hi]) / mpmath.pi
        perp = (hi - lo) / (2 * mpmath.pi)
    want = np.array([[float(c2), float(cs), 0], [float(cs), float(s2), 0], [0, 0, float(perp)]])
    assert np.allclose(block, want, atol=1e-14)


@pytest.mark.parametrize("d,N", [(3, 2), (6, 4)])
def test_balls_agree_with_float64(d, N):
    target = paper_quadratic_target(d, d)
    rng = np.random.default_rng(N)
    W = rng.standard_normal((d, N)) / math.sqrt(d)
    net = ReluNetwork(W, rng.standard_normal(N), 0.3)
    for fl, ball in ((relu_network_risk(net, target), relu_network_risk(net, target, certified=True)),
                     (relu_nt_risk(W, target), relu_nt_risk(W, target, certified=True, dps=25))):
        assert ball_accuracy(ball) >= 25
        assert abs(float(ball.mid()) - fl) <= float(ball.rad()) + 1e-12 * target.norm2


def test_experiment_certifies_the_gap_and_can_refute_it():
    """At d = 12, N = 4 the trained network's ball lies below NT's for each seed; a network
    that predicts 0 (risk ‖f*‖²) is not below NT — the comparison can fail."""
    target = paper_quadratic_target(12, 7)
    res = relu_gap_experiment(target, [4], seeds=2, sgd_steps=1500, n_test=2000, rng_key=1,
                              step=0.05, decay=1.0, certify=True, dps=15)
    assert res.gap_certified[4] == [True, True]
    zero = ReluNetwork(np.eye(12)[:, :4], np.zeros(4), 0.0)
    W = np.random.default_rng(0).standard_normal((12, 4)) / math.sqrt(12)
    assert not bool(relu_nt_risk(W, target, certified=True) > relu_network_risk(zero, target, certified=True))


def test_bad_input():
    target = paper_quadratic_target(3, 0)
    W = np.ones((3, 2))
    with pytest.raises(AssumptionError, match="non-parallel"):
        relu_nt_risk(W, target)
    W[:, 1] = 0
    with pytest.raises(AssumptionError, match="w_i ≠ 0"):
        relu_network_risk(ReluNetwork(W, np.ones(2), 0.0), target)
    with pytest.raises(AssumptionError, match="net"):
        relu_network_risk("net", target)


# ---- the claim poster.relu_gap: each criterion of its rule is necessary ------------------------

def test_relu_gap_claim_criteria_are_each_necessary():
    """Corrupt one piece of the claim's evidence at a time: only the matching criterion fails."""
    import copy

    from proofs_check.claims import poster_relu
    from proofs_check.registry import Context, get

    c = get("poster.relu_gap")
    ctx = Context(seed=0)
    data = c.evidence(ctx)
    base = poster_relu.compare(c.printed, data, ctx)
    assert base.agrees and all(base.criteria.values())

    def corrupt(fn):
        bad = copy.deepcopy(data)
        for case in bad["cases"]:
            fn(case)
        cmp = poster_relu.compare(c.printed, bad, ctx)
        return {k for k, v in cmp.criteria.items() if not v}, cmp.agrees

    # the trained network's certified risk disagrees with its Monte Carlo test error
    def nn_off(case):
        case["z_nn_exact"] = [z + 10 * poster_relu.Z_CONSIST for z in case["z_nn_exact"]]
    assert corrupt(nn_off) == ({"nn_exact_agrees_with_test_error"}, False)

    # the exact NT risk lies above what a least-squares fit of the same class achieves
    def nt_off(case):
        case["z_nt_exact"] = [-10 * poster_relu.Z_CONSIST for _ in case["z_nt_exact"]]
    assert corrupt(nt_off) == ({"nt_exact_below_fit_test_error"}, False)

    # the balls' midpoints and the float64 closed forms disagree
    def float_off(case):
        case["float_dev"] = 1e-6
    assert corrupt(float_off) == ({"balls_match_float64"}, False)

    # the gap is not proved at one seed
    def gap_off(case):
        case["certified"] = [False] + case["certified"][1:]
        case["gap_present"] = False
    assert corrupt(gap_off) == ({"presence_matches"}, False)

"""Tests of L(W, c) (§2.3): the symbolic derivation (lazysym.nn.loss_symbolic) against the closed
form, the numeric functions (lazysym.nn.loss) against the symbolic gradient/Hessian, finite
differences and Monte Carlo."""

import numpy as np
import pytest
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

from lazysym.errors import AssumptionError
from lazysym.nn.loss import loss_gradient, loss_hessian, pack, population_loss, unpack
from lazysym.nn.loss_symbolic import (
    closed_form_loss,
    closed_form_loss_explicit,
    derive_loss,
    derive_loss_explicit,
    loss_symbols,
)
from lazysym.objects.gaussian import evaluate_traces, frobenius2, trace
from lazysym.objects.models import QuadraticTarget

SIZES = [(1, 1), (2, 1), (2, 2), (3, 2), (3, 3)]


def random_point(rng, d, N):
    W = rng.standard_normal((d, N))
    G = rng.standard_normal((d, d))
    B = (G + G.T) / 2
    return W, float(rng.standard_normal()), QuadraticTarget(B, float(rng.standard_normal()))


# ------------------------------------------------------------------------------------------
# symbolic identities
# ------------------------------------------------------------------------------------------

def test_derived_equals_closed_form_general_d():
    assert sp.expand(derive_loss() - closed_form_loss()) == 0


def test_identity_is_falsifiable():
    # a wrong closed form (factor 1 instead of 2, or Tr(B + WWᵀ)) is not identified with it
    s = loss_symbols()
    M = s.B - s.W * s.W.T
    wrong1 = frobenius2(M) + (trace(M) + s.b0 - s.c) ** 2
    wrong2 = 2 * frobenius2(M) + (trace(s.B + s.W * s.W.T) + s.b0 - s.c) ** 2
    assert sp.expand(derive_loss() - wrong1) != 0
    assert sp.expand(derive_loss() - wrong2) != 0


@pytest.mark.parametrize("d,N", SIZES)
def test_derived_equals_closed_form_explicit(d, N):
    assert sp.expand(derive_loss_explicit(d, N).expr - closed_form_loss_explicit(d, N)) == 0


def test_general_derivation_specialises_to_explicit():
    # the trace-form derivation evaluated at explicit symbolic matrices = the coordinate one
    s = loss_symbols()
    E = derive_loss_explicit(2, 2)
    got = evaluate_traces(derive_loss(), {s.B: E.B, s.W: E.W})
    assert sp.expand(got - E.expr) == 0


def test_explicit_sizes_checked():
    with pytest.raises(AssumptionError):
        derive_loss_explicit(5, 1)
    with pytest.raises(AssumptionError):
        derive_loss_explicit(2, 0)
    E = derive_loss_explicit(2, 2)
    with pytest.raises(AssumptionError):
        E.loss(np.zeros((2, 3)), 0.0, np.eye(2), 0.0)
    with pytest.raises(AssumptionError):
        E.loss(np.zeros((2, 2)), 0.0, np.array([[1.0, 2.0], [0.0, 1.0]]), 0.0)


# ------------------------------------------------------------------------------------------
# symbolic (lambdified) vs numeric lazysym.nn.loss
# ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("d,N", SIZES)
def test_symbolic_gradient_hessian_match_numeric(d, N):
    E = derive_loss_explicit(d, N)
    rng = np.random.default_rng(100 + 10 * d + N)
    for _ in range(5):
        W, c, tg = random_point(rng, d, N)
        # float64 evaluation of two degree-4 polynomials in O(1) entries, values O(10..1e3):
        # agreement to 1e-10 relative is round-off (a wrong term is an O(1) relative error).
        L = population_loss(W, c, tg)
        assert abs(E.loss(W, c, tg.B, tg.b0) - L) <= 1e-10 * max(1.0, abs(L))
        gW, gc = loss_gradient(W, c, tg)
        sW, sc = E.gradient(W, c, tg.B, tg.b0)
        scale = max(1.0, np.max(np.abs(gW)))
        assert np.max(np.abs(gW - sW)) <= 1e-10 * scale and abs(gc - sc) <= 1e-10 * scale
        H = loss_hessian(W, c, tg)
        assert np.max(np.abs(H - E.hessian(W, c, tg.B, tg.b0))) <= 1e-10 * max(1.0, np.max(np.abs(H)))


def test_symbolic_hessian_is_jacobian_of_symbolic_gradient_and_symmetric():
    E = derive_loss_explicit(2, 2)
    assert (E.hess - E.hess.T).is_zero_matrix
    assert sp.expand(E.grad[-1] - sp.diff(E.expr, E.c)) == 0
    assert sp.expand(E.grad[-1] + 2 * (E.B.trace() - sum(E.W[i, j] ** 2 for i in range(2)
                                                         for j in range(2)) + E.b0 - E.c)) == 0


# ------------------------------------------------------------------------------------------
# numeric loss vs finite differences and Monte Carlo
# ------------------------------------------------------------------------------------------

@given(seed=st.integers(0, 2 ** 32 - 1), d=st.integers(1, 5), N=st.integers(1, 4))
def test_gradient_and_hessian_vs_finite_differences(seed, d, N):
    rng = np.random.default_rng(seed)
    W, c, tg = random_point(rng, d, N)
    theta = pack(W, c)
    h = 1e-5
    gW, gc = loss_gradient(W, c, tg)
    g = pack(gW, gc)
    H = loss_hessian(W, c, tg)
    fd_g = np.empty_like(theta)
    fd_H = np.empty((theta.size, theta.size))
    for k in range(theta.size):
        e = np.zeros_like(theta)
        e[k] = h
        Lp = population_loss(*unpack(theta + e, d), tg)
        Lm = population_loss(*unpack(theta - e, d), tg)
        fd_g[k] = (Lp - Lm) / (2 * h)
        gp = pack(*loss_gradient(*unpack(theta + e, d), tg))
        gm = pack(*loss_gradient(*unpack(theta - e, d), tg))
        fd_H[:, k] = (gp - gm) / (2 * h)
    # central differences: truncation h²·|f'''|/6 with |f'''| = O(100·scale) here, plus
    # round-off ε·|L|/h ≈ 1e-11·|L|; 1e-6 relative to the scale of the values bounds both.
    scale_g = max(1.0, np.max(np.abs(g)), population_loss(W, c, tg))
    assert np.max(np.abs(fd_g - g)) <= 1e-6 * scale_g
    scale_H = max(1.0, np.max(np.abs(H)), np.max(np.abs(g)))
    assert np.max(np.abs(fd_H - H)) <= 1e-6 * scale_H


@pytest.mark.parametrize("d,N", [(3, 2), (4, 1)])
def test_loss_vs_monte_carlo(d, N):
    rng = np.random.default_rng(7 * d + N)
    W, c, tg = random_point(rng, d, N)
    X, y = tg.sample(200_000, rng)
    fhat = np.sum((X @ W) ** 2, axis=1) + c
    sq = (y - fhat) ** 2
    mean, se = sq.mean(), sq.std(ddof=1) / np.sqrt(sq.size)
    L = population_loss(W, c, tg)
    # CLT: the sample mean is within 5 estimated standard errors of E (fails w.p. ~6e-7 if right)
    assert abs(mean - L) <= 5 * se
    # and the check has power: the loss with the factor 2 dropped is far outside
    M = tg.B - W @ W.T
    wrong = float(np.sum(M * M)) + (np.trace(M) + tg.b0 - c) ** 2
    assert abs(mean - wrong) > 5 * se

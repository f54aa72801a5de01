"""Tests of lazysym.rf.montecarlo: the §4 RF estimator and CLT test errors, against the exact risks.

``test_error_montecarlo`` is reached as ``mc.test_error_montecarlo`` (a bare import would be
collected by pytest as a test).
"""

import math

import numpy as np
import pytest

from lazysym.errors import AssumptionError
from lazysym.objects.models import QuadraticTarget, paper_mixture, paper_quadratic_target
from lazysym.rf import exact as rx
from lazysym.rf import montecarlo as mc

D, N = 10, 20


def _setup(kind, seed=0):
    rng = np.random.default_rng(seed)
    model = paper_quadratic_target(D, rng) if kind == "qf" else paper_mixture(D, rng)
    W = rng.standard_normal((D, N)) / math.sqrt(D)
    return model, W


@pytest.mark.parametrize("act", ["x^2-1", "relu"])
@pytest.mark.parametrize("kind", ["qf", "mg"])
def test_exact_optimum_matches_fresh_sample_test_error(kind, act):
    """The exact a* evaluated on 2·10⁵ fresh samples: within 4 CLT standard errors of the exact
    risk (two-sided; a false alarm has probability ≈ 6e-5 per case)."""
    model, W = _setup(kind)
    sol = rx.rf_solve(W, model, act)
    res = mc.test_error_montecarlo(lambda X: rx.rf_features(X, W, act) @ sol.coefficients,
                                   model, 200_000, np.random.default_rng(1))
    assert res.n_train == 0 and res.n_test == 200_000
    assert abs(res.estimate - sol.risk) <= 4 * res.stderr
    # the check has teeth: the registry's perturbation R → 1.1·R + 0.05 would fail it
    assert abs(1.1 * sol.risk + 0.05 - res.estimate) > 4 * res.stderr


@pytest.mark.parametrize("act", ["x^2-1", "relu"])
@pytest.mark.parametrize("kind", ["qf", "mg"])
def test_section4_estimate_approaches_exact(kind, act):
    """§4 procedure: the fitted coefficients' exact excess risk (â − a*)ᵀK(â − a*) falls like
    1/n_train, and each test-set estimate is within 4 CLT standard errors of the exact risk of
    its own â."""
    model, W = _setup(kind)
    exact = rx.rf_risk(W, model, act)
    excess = []
    for i, n_train in enumerate((2_000, 20_000, 200_000)):
        res = mc.rf_risk_montecarlo(W, model, act, n_train=n_train, n_test=50_000,
                                    rng=np.random.default_rng([7, i]))
        r_hat = rx.rf_risk_of_coefficients(W, model, res.coefficients, act)
        assert r_hat >= exact - 1e-9 * abs(exact)             # a* is optimal
        assert abs(res.estimate - r_hat) <= 4 * res.stderr
        excess.append(r_hat - exact)
    # the excess is ≈ c·N·R/n_train; measured c ∈ [0.5, 2.5] at d = 10, N = 20 (it is a
    # χ²-like variable per fit, relative spread ≈ √(2/N) ≈ 0.3): demand c ∈ (0.1, 8) and a fall
    for n_train, e in zip((2_000, 20_000, 200_000), excess):
        assert 0.1 < e * n_train / (N * exact) < 8
    assert excess[0] > excess[1] > excess[2]


def test_trivial_predictor_on_mixture_is_exact():
    """y² = 1 for mg: the zero predictor has squared error exactly 1, stderr exactly 0."""
    model, _ = _setup("mg")
    res = mc.test_error_montecarlo(lambda X: np.zeros(len(X)), model, 1000, 3)
    assert res.estimate == pytest.approx(1.0, abs=1e-15) and res.stderr == pytest.approx(0, abs=1e-15)


def test_trivial_predictor_on_quadratic_target():
    """E f*² = ‖f*‖² = 2‖B‖²_F + (E f*)²: within 4 CLT standard errors."""
    model, _ = _setup("qf")
    model = QuadraticTarget(model.B, b0=1.0)
    res = mc.test_error_montecarlo(lambda X: np.zeros(len(X)), model, 100_000, 4)
    assert abs(res.estimate - model.norm2) <= 4 * res.stderr


def test_chunking_does_not_change_the_result():
    """qf draws are one standard-normal stream, so chunk sizes only regroup the sums."""
    model, W = _setup("qf")
    a = np.random.default_rng(5).standard_normal(N)
    pred = lambda X: rx.rf_features(X, W, "relu") @ a  # noqa: E731
    r1 = mc.test_error_montecarlo(pred, model, 10_001, 9, chunk=10_001)
    r2 = mc.test_error_montecarlo(pred, model, 10_001, 9, chunk=97)
    assert r1.estimate == pytest.approx(r2.estimate, rel=1e-12)
    assert r1.stderr == pytest.approx(r2.stderr, rel=1e-9)
    f1 = mc.fit_rf_least_squares(W, model, "relu", n_train=5_000, rng=2, chunk=5_000)
    f2 = mc.fit_rf_least_squares(W, model, "relu", n_train=5_000, rng=2, chunk=333)
    assert np.allclose(f1, f2, rtol=1e-8, atol=1e-10)


def test_stderr_is_sample_std_over_sqrt_n():
    model, W = _setup("qf")
    rng = np.random.default_rng(11)
    a = rng.standard_normal(N)
    res = mc.test_error_montecarlo(lambda X: rx.rf_features(X, W) @ a, model, 5_000, 12)
    X, y = model.sample(5_000, np.random.default_rng(12))
    e = (y - rx.rf_features(X, W) @ a) ** 2
    assert res.estimate == pytest.approx(e.mean(), rel=1e-12)
    assert res.stderr == pytest.approx(e.std(ddof=1) / math.sqrt(5_000), rel=1e-9)


def test_underdetermined_fit_is_finite():
    """n_train < N: the empirical Gram matrix is singular; the pseudo-inverse still fits."""
    model, W = _setup("mg")
    res = mc.rf_risk_montecarlo(W, model, "relu", n_train=5, n_test=100, rng=0)
    assert np.all(np.isfinite(res.coefficients)) and np.isfinite(res.estimate)


_MODEL, _W = _setup("qf")

BAD = [
    ("n_train 0", lambda: mc.rf_risk_montecarlo(_W, _MODEL, n_train=0, n_test=10, rng=0),
     "n_train ≥ 1"),
    ("n_test 1", lambda: mc.rf_risk_montecarlo(_W, _MODEL, n_train=10, n_test=1, rng=0),
     "n ≥ 2"),
    ("n float", lambda: mc.test_error_montecarlo(lambda X: X[:, 0], _MODEL, 10.5, 0),
     "n integer"),
    ("rng None", lambda: mc.rf_risk_montecarlo(_W, _MODEL, n_train=10, n_test=10, rng=None),
     "seeded randomness"),
    ("chunk 0", lambda: mc.test_error_montecarlo(lambda X: X[:, 0], _MODEL, 10, 0, chunk=0),
     "chunk ≥ 1"),
    ("W shape", lambda: mc.rf_risk_montecarlo(_W.T, _MODEL, n_train=10, n_test=10, rng=0),
     "W shape"),
    ("activation", lambda: mc.rf_risk_montecarlo(_W, _MODEL, "gelu", n_train=10, n_test=10,
                                                 rng=0), "known activation name"),
    ("model", lambda: mc.rf_risk_montecarlo(_W, "mg", n_train=10, n_test=10, rng=0),
     "model type"),
    ("predict not callable", lambda: mc.test_error_montecarlo(3.0, _MODEL, 10, 0),
     "predict callable"),
    ("predict shape", lambda: mc.test_error_montecarlo(lambda X: X, _MODEL, 10, 0),
     "predict output shape"),
    ("predict NaN", lambda: mc.test_error_montecarlo(lambda X: np.full(len(X), np.nan),
                                                     _MODEL, 10, 0), "predictions finite"),
]


@pytest.mark.parametrize("call,assumption", [(c, a) for _, c, a in BAD],
                         ids=[name for name, _, _ in BAD])
def test_bad_input_raises_assumption_error(call, assumption):
    with pytest.raises(AssumptionError) as info:
        call()
    assert info.value.assumption == assumption

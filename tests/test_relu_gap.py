"""ReLU NN (SGD) against NT (least squares) on the quadratic target (lazysym.compare.relu_gap)."""


import numpy as np
import pytest

from lazysym.compare.relu_gap import fit_relu_nt, nt_features, relu_gap_experiment, train_relu_nn
from lazysym.errors import AssumptionError, ConvergenceError
from lazysym.objects.models import QuadraticTarget, paper_quadratic_target
from lazysym.rf.montecarlo import test_error_montecarlo as mc_error


def test_nt_features_definition():
    rng = np.random.default_rng(0)
    X, W = rng.standard_normal((7, 3)), rng.standard_normal((3, 2))
    F = nt_features(X, W)
    assert F.shape == (7, 3 * 2 + 1)
    for n in range(7):
        for i in range(2):
            on = float(X[n] @ W[:, i] > 0)
            assert np.allclose(F[n, 3 * i:3 * i + 3], on * X[n])
    assert np.all(F[:, -1] == 1)


def test_nt_fit_equals_direct_least_squares():
    """Chunked normal equations = lstsq on the full design (same samples, same seed)."""
    tg = paper_quadratic_target(4, 0)
    W = np.random.default_rng(1).standard_normal((4, 2)) / 2
    f = fit_relu_nt(tg, W, n_train=3000, rng=5, chunk=700)
    rng = np.random.default_rng(5)
    X, y, done = [], [], 0
    while done < 3000:
        m = min(700, 3000 - done)
        Xi, yi = tg.sample(m, rng)
        X.append(Xi)
        y.append(yi)
        done += m
    X, y = np.vstack(X), np.concatenate(y)
    coef = np.linalg.lstsq(nt_features(X, W), y, rcond=None)[0]
    Xt = np.random.default_rng(9).standard_normal((50, 4))
    assert np.allclose(f(Xt), nt_features(Xt, W) @ coef, rtol=1e-8, atol=1e-8)


def test_nt_with_paired_neurons_fits_linear_plus_constant_part_exactly():
    """With neurons ±w the NT class holds every linear function (1{u>0} + 1{u<0} = 1 a.s.), so
    y = ⟨v, x⟩ + 2 is fitted exactly; with the same neuron twice it is not (only the half-space
    1{⟨w,x⟩>0}⟨a,x⟩ is available)."""
    rng = np.random.default_rng(0)
    X = rng.standard_normal((400, 3))
    v = np.array([0.3, -1.0, 0.7])
    y = X @ v + 2.0
    w = np.array([[1.0], [0.5], [-0.2]])

    def rms_residual(W):
        F = nt_features(X, W)
        coef = np.linalg.lstsq(F, y, rcond=None)[0]
        return float(np.sqrt(np.mean((F @ coef - y) ** 2)))

    assert rms_residual(np.hstack([w, -w])) < 1e-10
    assert rms_residual(np.hstack([w, w])) > 0.1


def test_sgd_beats_the_trivial_predictor_and_is_reproducible():
    tg = paper_quadratic_target(6, 2)
    net = train_relu_nn(tg, 4, steps=600, rng=3, step=0.05)
    net2 = train_relu_nn(tg, 4, steps=600, rng=3, step=0.05)
    assert np.array_equal(net.W, net2.W) and net.c == net2.c
    e = mc_error(net, tg, 20000, 4)
    # the trivial predictor 0 has normalised risk 1; measured ≈ 0.5 here; CLT bar 4 s.e.
    assert e.estimate / tg.norm2 + 4 * e.stderr / tg.norm2 < 0.9


def test_gap_experiment_small():
    tg = paper_quadratic_target(10, 1)
    r = relu_gap_experiment(tg, [3], seeds=2, sgd_steps=800, n_test=5000, rng_key=0)
    row = r.summary()[0]
    assert row["N"] == 3 and row["seeds"] == 2
    assert row["NT"] == pytest.approx(np.mean(r.nt[3]))
    assert row["NT-NN"] > 0          # measured ≈ 0.2 at these sizes
    r2 = relu_gap_experiment(tg, [3], seeds=2, sgd_steps=800, n_test=5000, rng_key=0)
    assert r2.nn == r.nn and r2.nt == r.nt


def test_bad_input():
    tg = paper_quadratic_target(4, 0)
    with pytest.raises(AssumptionError, match="ε > 0"):
        train_relu_nn(tg, 2, steps=10, rng=0, step=0.0)
    with pytest.raises(AssumptionError, match="n_train ≥ p"):
        fit_relu_nt(tg, np.ones((4, 2)), n_train=5, rng=0)
    with pytest.raises(AssumptionError, match="quadratic target"):
        train_relu_nn(np.eye(4), 2, steps=10, rng=0)
    with pytest.raises(AssumptionError, match="seeded"):
        train_relu_nn(tg, 2, steps=10, rng=None)
    with pytest.raises(ConvergenceError):
        train_relu_nn(tg, 2, steps=2000, rng=0, step=1e3)
    with pytest.raises(AssumptionError, match="f\\* ≠ 0"):
        train_relu_nn(QuadraticTarget(np.zeros((2, 2))), 1, steps=1, rng=0)

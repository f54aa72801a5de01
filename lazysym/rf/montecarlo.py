r"""The paper's Monte-Carlo RF procedure (§4), as an independent cross-check of
:mod:`lazysym.rf.exact`.

§4: "RF models are fitted directly by solving KKT conditions with 5×10⁵ observations. After
fitting the model, the test error is evaluated on 10⁴ fresh samples." :func:`rf_risk_montecarlo`
does exactly this — least squares on ``n_train`` fresh samples (normal equations accumulated in
chunks, memory O(N² + chunk·N)), then the mean squared error on ``n_test`` fresh samples, with
its CLT standard error.

Bias. The fitted coefficients :math:`\hat a` differ from the population optimum :math:`a^\star`;
the test error estimates the risk of :math:`\hat a`,

.. math::

    R(\hat a) = R_{RF,N} + (\hat a - a^\star)^\top K (\hat a - a^\star) \ge R_{RF,N},

and the excess term (estimation error) is :math:`O(N/n_{train})` times the residual scale
(classically :math:`\approx \operatorname{tr}(K^{-1}E[\varphi\varphi^\top\varepsilon^2])/n_{train}`,
with :math:`\varepsilon = y - \varphi^\top a^\star`). So :func:`rf_risk_montecarlo` is biased
upward by :math:`O(N/n_{train})` on top of the CLT noise of the test set; the exact risk of the
fitted coefficients is available as :func:`lazysym.rf.exact.rf_risk_of_coefficients`.

:func:`test_error_montecarlo` evaluates a given predictor on fresh samples (no fit, no bias): a
pure CLT check of an exact risk, e.g. of the exact optimal coefficients.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from lazysym._linalg import solve_normal_equations
from lazysym._typing import SeedLike
from lazysym._validate import as_generator, as_weights, positive_int
from lazysym.errors import AssumptionError, check, check_type
from lazysym.objects.activations import ActivationLike
from lazysym.objects.models import GaussianMixture, QuadraticTarget
from lazysym.rf.kernels import activation_numpy, resolve_activation

__all__ = ["MCResult", "rf_risk_montecarlo", "test_error_montecarlo", "fit_rf_least_squares"]

#: Default number of floats of one chunk of features (chunk rows = this / N): 32 MB.
_CHUNK_FLOATS = 4_000_000


@dataclass(frozen=True)
class MCResult:
    """A Monte-Carlo test error with its CLT standard error.

    Attributes
    ----------
    estimate : float
        Mean squared test error over ``n_test`` fresh samples.
    stderr : float
        Sample standard deviation of the squared errors / √n_test (CLT).
    n_train : int
        Training samples used to fit (0 for a given predictor).
    n_test : int
        Fresh test samples.
    coefficients : ndarray or None
        The fitted second-layer weights (``rf_risk_montecarlo`` only).
    """

    estimate: float
    stderr: float
    n_train: int
    n_test: int
    coefficients: np.ndarray | None = None


def _check_model(model):
    check_type(isinstance(model, (QuadraticTarget, GaussianMixture)), "model",
               "a QuadraticTarget (qf) or a GaussianMixture (mg)", model)


def _sample(model, m: int, rng: np.random.Generator):
    """``model.sample(m, rng)``, with f*(X) for qf evaluated as Σ_j (XB)_ij X_ij: the same
    standard-normal stream and values to round-off, ~15× faster at d = 450 than the
    three-operand einsum of ``QuadraticTarget.__call__``.
    """
    if isinstance(model, QuadraticTarget):
        X = rng.standard_normal((m, model.d))
        return X, model.b0 + np.einsum("ij,ij->i", X @ model.B, X)
    return model.sample(m, rng)


def _chunk_rows(chunk, width: int) -> int:
    if chunk is None:
        return max(64, _CHUNK_FLOATS // max(width, 1))
    return positive_int(chunk, "chunk")


def fit_rf_least_squares(W: ArrayLike, model: QuadraticTarget | GaussianMixture,
                         activation: ActivationLike = "x^2-1", *, n_train: int, rng: SeedLike,
                         chunk: int | None = None) -> np.ndarray:
    r"""Least-squares second layer on ``n_train`` fresh samples (§4, "solving KKT conditions").

    .. math::

        \hat a = \Big(\sum_{t\le n}\varphi(x_t)\varphi(x_t)^\top\Big)^{+}
                 \sum_{t\le n}\varphi(x_t) y_t,\qquad \varphi(x) = \sigma(W^\top x).

    The normal equations are accumulated over chunks of samples (memory O(N²)); the solve is a
    Cholesky factorisation, with an ``eigh`` pseudo-inverse (relative cut-off 10·N·ε) if the
    empirical Gram matrix is singular (e.g. n_train < N).

    Parameters
    ----------
    W : array (d, N)
        First-layer weights, neurons as columns.
    model : QuadraticTarget or GaussianMixture
        The data distribution (qf or mg).
    activation : str or Activation
        As in :func:`lazysym.rf.exact.rf_risk_quadratic`.
    n_train : int
        Number of training samples.
    rng : int, SeedSequence or numpy.random.Generator
        Randomness (required).
    chunk : int, optional
        Samples per chunk (default: 4·10⁶ / N).
    """
    _check_model(model)
    W = as_weights(W, model.d)
    n_train = positive_int(n_train, "n_train", cap="samples")
    rng = as_generator(rng)
    sig = activation_numpy(resolve_activation(activation))
    N = W.shape[1]
    rows = _chunk_rows(chunk, max(N, model.d))
    A = np.zeros((N, N))
    c = np.zeros(N)
    yy = 0.0
    done = 0
    while done < n_train:
        m = min(rows, n_train - done)
        X, y = _sample(model, m, rng)
        with np.errstate(over="ignore", invalid="ignore"):
            F = sig(X @ W)
        check(bool(np.all(np.isfinite(F))), "σ(XW) overflowed float64 (non-finite features)",
              assumption="features finite", fix="use a slower-growing σ")
        A += F.T @ F
        c += F.T @ y
        yy += float(y @ y)
        done += m
    A /= n_train
    c /= n_train
    return solve_normal_equations(A, c, yy / n_train)


def test_error_montecarlo(predict: Callable[[np.ndarray], ArrayLike],
                          model: QuadraticTarget | GaussianMixture, n: int, rng: SeedLike, *,
                          chunk: int | None = None) -> MCResult:
    r"""Mean squared error :math:`E[(y - \hat f(x))^2]` of a given predictor on ``n`` fresh samples.

    Parameters
    ----------
    predict : callable
        ``predict(X)`` for X of shape (m, d) returns the m predictions.
    model : QuadraticTarget or GaussianMixture
        The data distribution (qf: y = f*(x); mg: y = ±1).
    n : int
        Number of fresh samples.
    rng : int, SeedSequence or numpy.random.Generator
        Randomness (required).
    chunk : int, optional
        Samples per chunk (default: 4·10⁶ / d).

    Returns
    -------
    MCResult
        ``estimate`` is the mean squared error, ``stderr`` = (sample std of the squared errors)/√n;
        by the CLT the estimate is within 4·stderr of the true risk with probability ≈ 1 − 6·10⁻⁵.
        ``n_train`` = 0.
    """
    _check_model(model)
    check(callable(predict), f"predict must be callable; got {type(predict).__name__}",
          assumption="predict callable")
    n = positive_int(n, "n", cap="samples")
    check(n >= 2, f"a standard error needs n ≥ 2 test samples; got {n}", assumption="n ≥ 2")
    rng = as_generator(rng)
    rows = _chunk_rows(chunk, model.d)
    # Chan et al.'s pairwise combination of (count, mean, M2): stable in one pass.
    cnt, mean, m2 = 0, 0.0, 0.0
    while cnt < n:
        m = min(rows, n - cnt)
        X, y = _sample(model, m, rng)
        pred = np.asarray(predict(X), dtype=float).reshape(-1)
        if pred.shape != (m,):
            raise AssumptionError(f"predict(X) must return {m} values; got shape {pred.shape}",
                                  assumption="predict output shape")
        if not np.all(np.isfinite(pred)):
            raise AssumptionError("predict(X) returned NaN or infinite values",
                                  assumption="predictions finite")
        e = (y - pred) ** 2
        mb = float(e.mean())
        m2b = float(np.sum((e - mb) ** 2))
        tot = cnt + m
        delta = mb - mean
        mean += delta * m / tot
        m2 += m2b + delta * delta * cnt * m / tot
        cnt = tot
    var = m2 / (n - 1)
    return MCResult(float(mean), float(np.sqrt(var / n)), 0, n, None)


def rf_risk_montecarlo(W: ArrayLike, model: QuadraticTarget | GaussianMixture,
                       activation: ActivationLike = "x^2-1", *, n_train: int, n_test: int,
                       rng: SeedLike, chunk: int | None = None) -> MCResult:
    r"""The §4 estimate of the RF risk: fit on ``n_train`` samples, test on ``n_test`` fresh ones.

    Estimates :math:`R_{RF,N}` (eq. (4); qf raw risk, or mg risk) as the paper's experiments do
    (n_train = 5·10⁵, n_test = 10⁴ there). Biased upward by the estimation error
    :math:`(\hat a - a^\star)^\top K(\hat a - a^\star) = O(N/n_{train})` (module docstring);
    ``stderr`` covers only the test-set noise.

    Parameters
    ----------
    W, model, activation, n_train, rng, chunk
        As in :func:`fit_rf_least_squares`.
    n_test : int
        Fresh test samples (≥ 2).

    Returns
    -------
    MCResult
        With the fitted ``coefficients``.
    """
    _check_model(model)
    W = as_weights(W, model.d)
    n_test = positive_int(n_test, "n_test", cap="samples")
    rng = as_generator(rng)
    a = fit_rf_least_squares(W, model, activation, n_train=n_train, rng=rng, chunk=chunk)
    sig = activation_numpy(resolve_activation(activation))
    res = test_error_montecarlo(lambda X: sig(X @ W) @ a, model, n_test, rng, chunk=chunk)
    return MCResult(res.estimate, res.stderr, int(n_train), n_test, a)


# pytest would collect a function called test_* imported into a test module's namespace; set
# through __dict__ because the typed function object declares no such attribute
test_error_montecarlo.__dict__["__test__"] = False

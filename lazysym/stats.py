"""Estimates with their uncertainty: the Monte Carlo result type and the convergence-rate fit.

One type for every Monte Carlo estimate of the package (:class:`MonteCarloEstimate`), and one
least-squares rate fit (:func:`fit_rate`) used by the library and by ``proofs_check``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

__all__ = ["MonteCarloEstimate", "fit_rate", "mean_estimate"]


@dataclass(frozen=True)
class MonteCarloEstimate:
    """A Monte Carlo mean with its CLT standard error (sample std / √n).

    Attributes
    ----------
    value : float
        The sample mean.
    stderr : float
        Sample standard deviation / √n (the CLT standard error of ``value``).
    n : int
        Number of samples averaged.
    n_train : int
        Training samples used to fit the predictor whose error is estimated (0 if none).
    coefficients : ndarray or None
        Fitted coefficients, when the estimate is the test error of a fit.
    """

    value: float
    stderr: float
    n: int
    n_train: int = 0
    coefficients: np.ndarray | None = None

    def z(self, reference: float) -> float:
        """(value − reference)/stderr: the estimate's distance to ``reference`` in standard errors."""
        return (self.value - reference) / self.stderr if self.stderr > 0 else (
            0.0 if self.value == reference else float(np.sign(self.value - reference)) * np.inf)


def mean_estimate(s1: float, s2: float, n: int, **extra: Any) -> MonteCarloEstimate:
    """A :class:`MonteCarloEstimate` from the running sums Σv and Σv² of n samples (``extra``:
    the other fields, ``n_train`` and ``coefficients``).
    """
    mean = s1 / n
    var = max(s2 / n - mean * mean, 0.0) * n / max(n - 1, 1)
    return MonteCarloEstimate(float(mean), float(np.sqrt(var / n)), int(n), **extra)


def fit_rate(xs: ArrayLike, errors: ArrayLike) -> float:
    """Least-squares slope γ of log(error) against log(x): the rate in error ∝ x^(−γ).

    Errors equal to 0 are floored at 1e-300 (an exact agreement counts as a very fast rate).
    """
    x = np.asarray(xs, dtype=float)
    e = np.maximum(np.asarray(errors, dtype=float), 1e-300)
    return float(-np.polyfit(np.log(x), np.log(e), 1)[0])

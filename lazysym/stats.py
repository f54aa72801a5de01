"""Estimates with their uncertainty: the Monte Carlo result type and the convergence-rate fit.

One type for every Monte Carlo estimate of the package (:class:`MonteCarloEstimate`), and one
least-squares rate fit (:func:`fit_rate`) used by the library and by ``proofs_check``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from lazysym._validate import as_finite_array, as_real, positive_int
from lazysym.errors import check

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
        """(value − reference)/stderr: the estimate's distance to ``reference`` in standard errors
        (±inf for a zero standard error and a different value: a documented infinity).
        """
        reference = as_real(reference, "reference")
        return (self.value - reference) / self.stderr if self.stderr > 0 else (
            0.0 if self.value == reference else float(np.sign(self.value - reference)) * np.inf)


def mean_estimate(s1: float, s2: float, n: int, **extra: Any) -> MonteCarloEstimate:
    """A :class:`MonteCarloEstimate` from the running sums Σv and Σv² of n samples (``extra``:
    the other fields, ``n_train`` and ``coefficients``).
    """
    s1, s2 = as_real(s1, "s1 (Σv)"), as_real(s2, "s2 (Σv²)")
    n = positive_int(n, "n")
    check(s2 >= 0, f"Σv² must be ≥ 0; got {s2}", assumption="running sums")
    mean = s1 / n
    var = max(s2 / n - mean * mean, 0.0) * n / max(n - 1, 1)
    return MonteCarloEstimate(float(mean), float(np.sqrt(var / n)), int(n), **extra)


def fit_rate(xs: ArrayLike, errors: ArrayLike) -> float:
    """Least-squares slope γ of log(error) against log(x): the rate in error ∝ x^(−γ).

    Errors equal to 0 are floored at 1e-300 (an exact agreement counts as a very fast rate).
    The fit has two unknowns (slope, intercept): it needs at least two distinct x > 0, and errors
    ≥ 0, all finite, one per x.
    """
    x = as_finite_array(xs, "xs", ndim=1)
    e = as_finite_array(errors, "errors", ndim=1)
    check(x.shape == e.shape, f"one error per x: got {x.size} x values and {e.size} errors",
          assumption="paired data")
    check(bool(np.all(x > 0)), "a log–log fit needs x > 0", assumption="x > 0")
    check(bool(np.all(e >= 0)), "errors must be ≥ 0", assumption="errors ≥ 0")
    check(np.unique(x).size >= 2, f"a rate fit (slope and intercept: 2 unknowns) needs at least 2 "
          f"distinct x values; got {np.unique(x).size}", assumption="enough data for the fit",
          fix="measure at two or more sizes")
    lx, le = np.log(x), np.log(np.maximum(e, 1e-300))
    # least squares in closed form (np.polyfit warns instead of raising on rank deficiency)
    lx0 = lx - lx.mean()
    return float(-(lx0 @ (le - le.mean())) / (lx0 @ lx0))

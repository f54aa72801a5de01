r"""The Bayes error (MMSE) of the Gaussian mixture (§3, opening remarks), and a Monte Carlo check
of the mixture risk of a quadratic predictor.

:func:`bayes_risk_mixture` estimates the MMSE :math:`E[1 - E[y|x]^2]`,
:math:`E[y|x] = \tanh(\mathrm{LLR}(x)/2)`, by Monte Carlo with a CLT standard error.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from lazysym._linalg import whiten
from lazysym._typing import SeedLike
from lazysym._validate import (
    as_generator,
    as_mixture,
    as_real,
    as_symmetric,
    positive_int,
)
from lazysym.errors import check
from lazysym.objects.models import GaussianMixture
from lazysym.stats import MonteCarloEstimate, mean_estimate

__all__ = ['bayes_risk_mixture', 'mixture_risk_monte_carlo']




def _whitened_sampler(mixture: GaussianMixture) -> np.ndarray:
    """δ (eigenvalues of Δ̃): in z = Vᵀ Σ^{-1/2} x the classes are N(0, I − yδ) (diagonal)."""
    _, delta, _ = whiten(mixture.Sigma, mixture.Delta)
    return delta


def bayes_risk_mixture(mixture: GaussianMixture, *, n: int, rng: SeedLike,
                       batch: int = 20000) -> MonteCarloEstimate:
    r"""The Bayes error (MMSE) :math:`E[1 - E[y|x]^2]` of the (mg) model (§3), by Monte Carlo.

    :math:`E[y|x] = \tanh(\mathrm{LLR}(x)/2)` with
    :math:`\mathrm{LLR} = \log p_{+}(x) - \log p_{-}(x)` for the two Gaussian densities. The
    invertible map :math:`z = V^\top\Sigma^{-1/2}x` (V the eigenvectors of Δ̃) leaves E[y|x]
    unchanged and makes both classes diagonal, :math:`z | y \sim N(0, I - y\,\mathrm{diag}(\delta))`,
    so each sample costs O(d):

    .. math::  \mathrm{LLR} = \tfrac12\sum_i\Big[\log\frac{1+\delta_i}{1-\delta_i}
               - z_i^2\Big(\frac{1}{1-\delta_i} - \frac{1}{1+\delta_i}\Big)\Big].

    Parameters
    ----------
    n:
        Number of samples, at most ``LIMITS.samples`` (:mod:`lazysym.limits`) (x drawn from
        the mixture, y marginalised: the estimator is
        :math:`\operatorname{sech}^2(\mathrm{LLR}/2)`, a Rao–Blackwellised version of (y − E[y|x])²).
    rng:
        Seed or numpy Generator.
    batch:
        Samples per vectorised block (capped so that each work array stays ≤ 16 MB).

    Returns
    -------
    MonteCarloEstimate
        ``value``, CLT ``stderr`` and ``n``.
    """
    mixture = as_mixture(mixture, "bayes_risk_mixture")
    n = positive_int(n, "n", cap="samples")
    batch = positive_int(batch, "batch")
    rng = as_generator(rng)
    delta = _whitened_sampler(mixture)
    batch = max(1, min(batch, 2_000_000 // delta.size))  # ≤ 16 MB per work array
    const = 0.5 * np.sum(np.log1p(delta) - np.log1p(-delta))
    quad = 0.5 * (1.0 / (1.0 - delta) - 1.0 / (1.0 + delta))
    s1 = s2 = 0.0
    done = 0
    while done < n:
        m = min(batch, n - done)
        y = rng.choice(np.array([-1.0, 1.0]), size=m)
        z = rng.standard_normal((m, delta.size)) * np.sqrt(1.0 - np.outer(y, delta))
        llr = const - (z * z) @ quad
        v = 1.0 - np.tanh(llr / 2.0) ** 2
        s1 += float(np.sum(v))
        s2 += float(np.sum(v * v))
        done += m
    return mean_estimate(s1, s2, n)


def mixture_risk_monte_carlo(S: ArrayLike, c: float, mixture: GaussianMixture, *, n: int,
                             rng: SeedLike, batch: int = 20000) -> MonteCarloEstimate:
    r"""Monte Carlo :math:`E(y - \langle x,Sx\rangle - c)^2` from samples of the (mg) model itself
    (:meth:`GaussianMixture.sample`, no whitening): the independent check of
    :func:`mixture_quadratic_risk`.
    """
    mixture = as_mixture(mixture, "mixture_risk_monte_carlo")
    S = as_symmetric(S, "S")
    check(S.shape[0] == mixture.d, f"S must be d×d with d = {mixture.d} (the mixture's dimension); "
          f"got shape {S.shape}", assumption="S shape")
    c = as_real(c, "c")
    n = positive_int(n, "n", cap="samples")
    batch = positive_int(batch, "batch")
    rng = as_generator(rng)
    s1 = s2 = 0.0
    done = 0
    while done < n:
        m = min(batch, n - done)
        X, y = mixture.sample(m, rng)
        r = (y - np.einsum("ni,ij,nj->n", X, S, X) - c) ** 2
        s1 += float(np.sum(r))
        s2 += float(np.sum(r * r))
        done += m
    return mean_estimate(s1, s2, n)


r"""The fully trained network's printed asymptotic risks: Theorem 3 (§2.3), Theorem 6 (§3.3).

Transcribed once, as printed, with their equation numbers; ``proofs_check`` holds them against the
exact finite-d optimum of :mod:`lazysym.nn.optimum`.

* :func:`theorem3_value` — Theorem 3, :math:`\inf_{W,c} L(W,c) = 2\sum_{i=N+1}^d\lambda_i(B)^2`.
* :func:`theorem6_risk` — Theorem 6, :math:`2/(2 + \sum_{i\le N\wedge d}\lambda_i(\tilde\Delta)^2)`.
* :func:`theorem6_risk_rho_ge_1` — Theorem 6 for ρ ≥ 1, :math:`1/(1 + \|\tilde\Delta\|_F^2/2)`.
"""

from __future__ import annotations

import mpmath
import numpy as np

from lazysym._linalg import whiten
from lazysym._typing import MPF
from lazysym._validate import (
    GUARD_DIGITS,
    as_mixture,
    as_target,
    check_dps,
    positive_int,
)
from lazysym.errors import check
from lazysym.objects.models import GaussianMixture, QuadraticTarget

__all__ = ['theorem3_value', 'theorem6_risk', 'theorem6_risk_rho_ge_1']


def _sorted_eigs_mp(M: np.ndarray, dps: int) -> list[MPF]:
    """Eigenvalues of the symmetric float64 matrix M in mpmath at ``dps`` digits (descending)."""
    with mpmath.workdps(dps + GUARD_DIGITS):
        ev = mpmath.eigsy(mpmath.matrix(M.tolist()), eigvals_only=True)
        return sorted((ev[i] for i in range(M.shape[0])), reverse=True)


def theorem3_value(target: QuadraticTarget, N: int, *, dps: int | None = None) -> float | MPF:
    r"""Theorem 3's printed value :math:`\inf_{W,c}L(W,c) = 2\sum_{i=N+1}^{d}\lambda_i(B)^2`.

    Theorem 3 assumes :math:`B\succeq 0`; a B with a negative eigenvalue raises
    :class:`~lazysym.errors.AssumptionError` (use :func:`nn_risk_quadratic` for any symmetric B).

    Parameters
    ----------
    dps:
        ``None``: a float. An integer: the eigenvalues are recomputed with ``mpmath.eigsy`` and the
        sum returned as an ``mpf`` at that many digits (O(d³) in mpmath: keep d small).
    """
    target = as_target(target)
    N = positive_int(N, "N")
    ev = target.eigenvalues
    scale = max(1.0, float(np.max(np.abs(ev))))
    check(ev[-1] >= -1e-10 * scale * target.d,
          f"Theorem 3 assumes B ⪰ 0 (positive semidefinite); smallest eigenvalue {ev[-1]:.6g}",
          assumption="B ⪰ 0", fix="use nn_risk_quadratic, which handles any symmetric B")
    if dps is None:
        tail = ev[N:]
        return 2.0 * float(np.sum(tail * tail))
    dps = check_dps(dps)
    evm = _sorted_eigs_mp(target.B, dps)
    with mpmath.workdps(dps + GUARD_DIGITS):
        val = 2 * mpmath.fsum(e * e for e in evm[N:])
    with mpmath.workdps(dps):
        return +val


def _singular_values_desc(mixture: GaussianMixture) -> np.ndarray:
    _, delta, _ = whiten(mixture.Sigma, mixture.Delta)
    return np.sort(np.abs(delta))[::-1]


def theorem6_risk(mixture: GaussianMixture, N: int, *, dps: int | None = None) -> float | MPF:
    r"""Theorem 6's printed asymptotic NN risk
    :math:`2/(2 + \sum_{i=1}^{N\wedge d}\lambda_i(\tilde\Delta)^2)`.

    :math:`\lambda_i(\tilde\Delta)` are the singular values of
    :math:`\tilde\Delta = \Sigma^{-1/2}\Delta\Sigma^{-1/2}` in decreasing order (as Theorem 6
    defines them). Assumes M1 and M2 (the model checks Σ ≻ 0 and Σ ± Δ ≻ 0). The exact finite-d value is
    :func:`nn_risk_mixture`; the difference is :math:`O(\sum_i\lambda_i^4) = O(1/d)` under M2.
    ``dps``: return an ``mpf`` evaluated at that precision (the singular values are float64).
    """
    mixture = as_mixture(mixture)
    N = positive_int(N, "N")
    s = _singular_values_desc(mixture)[:N]
    if dps is None:
        return 2.0 / (2.0 + float(np.sum(s * s)))
    dps = check_dps(dps)
    with mpmath.workdps(dps + GUARD_DIGITS):
        val = 2 / (2 + mpmath.fsum(mpmath.mpf(float(x)) ** 2 for x in s))
    with mpmath.workdps(dps):
        return +val


def theorem6_risk_rho_ge_1(mixture: GaussianMixture) -> float:
    r"""Theorem 6, case ρ ≥ 1: :math:`1/(1 + \|\tilde\Delta\|_F^2/2)` (the paper states it for
    Σ = I).
    """
    mixture = as_mixture(mixture)
    Dt = mixture.delta_tilde
    return 1.0 / (1.0 + float(np.sum(Dt * Dt)) / 2.0)


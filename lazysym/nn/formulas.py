r"""The fully trained network's printed asymptotic risks: Theorem 3 (§2.3), Theorem 6 (§3.3).

Transcribed once, as printed, with their equation numbers; ``proofs_check`` holds them against the
exact finite-d optimum of :mod:`lazysym.nn.optimum`.

* :func:`theorem3_value` — Theorem 3, :math:`\inf_{W,c} L(W,c) = 2\sum_{i=N+1}^d\lambda_i(B)^2`.
* :func:`theorem6_risk` — Theorem 6, :math:`2/(2 + \sum_{i\le N\wedge d}\lambda_i(\tilde\Delta)^2)`.
* :func:`theorem6_risk_rho_ge_1` — Theorem 6 for ρ ≥ 1, :math:`1/(1 + \|\tilde\Delta\|_F^2/2)`.
* :func:`eq17_nn_risk` — eq. (17), NN row (Σ = I), :math:`1/(1 + \sum_{i\le N\wedge d}\lambda_i(\Delta)^2/2)`.

dps honesty: with ``dps`` given, the singular values of Δ̃ are computed in mpmath at ``dps`` + guard
digits from Σ, Δ taken exactly — a GaussianMixture's float64 entries as the exact binary numbers
they are, or an exact pair ``(Sigma, Delta)`` of integer / Fraction / SymPy-rational / mpmath
matrices. Diagonal Σ and Δ take an O(d) path; otherwise Cholesky and ``mpmath.eigsy`` (O(d³) in
mpmath: about 1.5 s at d = 50).
"""

from __future__ import annotations

import functools
from typing import Any

import mpmath
import numpy as np

from lazysym._linalg import whiten
from lazysym._typing import MPF
from lazysym._validate import (
    GUARD_DIGITS,
    as_mixture,
    as_mpf,
    as_symmetric,
    as_target,
    check_dps,
    positive_int,
)
from lazysym.errors import check
from lazysym.objects.models import GaussianMixture, QuadraticTarget

__all__ = ['theorem3_value', 'theorem6_risk', 'theorem6_risk_rho_ge_1', 'eq17_nn_risk',
           'singular_values_mp']


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


def _mp_entry(x: Any) -> MPF:
    if isinstance(x, (float, np.floating)):
        return mpmath.mpf(float(x))  # exact binary value
    if isinstance(x, (int, np.integer)) and not isinstance(x, bool):
        return mpmath.mpf(int(x))
    return as_mpf(x, "matrix entry")


def _mp_matrix(M: Any) -> list[list[MPF]]:
    if isinstance(M, mpmath.matrix):
        rows = [[M[i, j] for j in range(M.cols)] for i in range(M.rows)]
    elif hasattr(M, "tolist"):
        rows = M.tolist()
    else:
        rows = [list(r) for r in M]
    return [[_mp_entry(x) for x in r] for r in rows]


def _pair(mixture: Any) -> tuple[Any, Any, bool]:
    """(Σ, Δ, exact?) from a GaussianMixture (float64, validated) or an exact pair."""
    if isinstance(mixture, tuple) and len(mixture) == 2:
        Sg, Dl = mixture
        # validate the model through its float64 image (M1, Σ ± Δ ≻ 0); the exact entries are used
        as_mixture(GaussianMixture(np.array(_mp_matrix(Sg), dtype=float),
                                   np.array(_mp_matrix(Dl), dtype=float)))
        return Sg, Dl, True
    mixture = as_mixture(mixture)
    return mixture.Sigma, mixture.Delta, False


@functools.lru_cache(maxsize=32)
def _sv_cached(key: bytes, Sg: tuple, Dl: tuple, dps: int) -> tuple:
    with mpmath.workdps(dps + GUARD_DIGITS):
        S = [list(r) for r in Sg]
        D = [list(r) for r in Dl]
        d = len(S)
        diag = all(S[i][j] == 0 and D[i][j] == 0 for i in range(d) for j in range(d) if i != j)
        if diag:
            ev = [D[i][i] / S[i][i] for i in range(d)]
        else:
            L = mpmath.cholesky(mpmath.matrix(S))
            Li = L ** -1
            M = Li * mpmath.matrix(D) * Li.T  # similar to Σ^{-1/2}ΔΣ^{-1/2}: same eigenvalues
            M = (M + M.T) / 2
            e = mpmath.eigsy(M, eigvals_only=True)
            ev = [e[i] for i in range(d)]
        return tuple(sorted((abs(x) for x in ev), reverse=True))


def singular_values_mp(mixture: GaussianMixture | tuple[Any, Any], *, dps: int) -> list[MPF]:
    r"""Singular values of :math:`\tilde\Delta = \Sigma^{-1/2}\Delta\Sigma^{-1/2}` (descending) at
    ``dps`` digits, from Σ, Δ taken exactly (see the module docstring).
    """
    dps = check_dps(dps)
    Sg, Dl, _ = _pair(mixture)
    if isinstance(Sg, np.ndarray) and isinstance(Dl, np.ndarray) and Sg.dtype != object \
            and Dl.dtype != object and not np.any(Sg - np.diag(np.diag(Sg))) \
            and not np.any(Dl - np.diag(np.diag(Dl))):
        # diagonal float64 Σ, Δ: the singular values are |Δᵢᵢ|/Σᵢᵢ, one division each at dps
        with mpmath.workdps(dps + GUARD_DIGITS):
            ev = [abs(mpmath.mpf(float(a)) / mpmath.mpf(float(b)))
                  for a, b in zip(np.diag(Dl), np.diag(Sg))]
        return sorted(ev, reverse=True)
    with mpmath.workdps(dps + GUARD_DIGITS):
        S = tuple(tuple(r) for r in _mp_matrix(Sg))
        D = tuple(tuple(r) for r in _mp_matrix(Dl))
    key = repr((S, D)).encode()
    return list(_sv_cached(key, S, D, dps))


def theorem6_risk(mixture: GaussianMixture | tuple[Any, Any], N: int, *,
                  dps: int | None = None) -> float | MPF:
    r"""Theorem 6's printed asymptotic NN risk
    :math:`2/(2 + \sum_{i=1}^{N\wedge d}\lambda_i(\tilde\Delta)^2)`.

    :math:`\lambda_i(\tilde\Delta)` are the singular values of
    :math:`\tilde\Delta = \Sigma^{-1/2}\Delta\Sigma^{-1/2}` in decreasing order (as Theorem 6
    defines them). Assumes M1 and M2 (the model checks Σ ≻ 0 and Σ ± Δ ≻ 0). The exact finite-d
    value is :func:`nn_risk_mixture`; :func:`lazysym.nn.symbolic.theorem6_error_chain` derives
    the difference, :math:`0 \le R_{exact} - R_{printed} \le \tfrac12\sum_i\sigma_i^4/(1+\sigma_i^2)`.

    ``dps`` None: a float (float64 eigenvalues). An integer: an mpf with that many correct digits
    for the exact inputs (:func:`singular_values_mp`); ``mixture`` may then also be an exact pair
    ``(Sigma, Delta)``.
    """
    N = positive_int(N, "N")
    if dps is None:
        Sg, Dl, exact = _pair(mixture)
        m = GaussianMixture(np.array(_mp_matrix(Sg), dtype=float),
                            np.array(_mp_matrix(Dl), dtype=float)) if exact else as_mixture(mixture)
        s = _singular_values_desc(m)[:N]
        return 2.0 / (2.0 + float(np.sum(s * s)))
    dps = check_dps(dps)
    sv = singular_values_mp(mixture, dps=dps)[:N]
    with mpmath.workdps(dps + GUARD_DIGITS):
        val = 2 / (2 + mpmath.fsum(x * x for x in sv))
    with mpmath.workdps(dps):
        return +val


def theorem6_risk_rho_ge_1(mixture: GaussianMixture | tuple[Any, Any], *,
                           dps: int | None = None) -> float | MPF:
    r"""Theorem 6, case ρ ≥ 1: :math:`1/(1 + \|\tilde\Delta\|_F^2/2)` (the paper states it for
    Σ = I). ``dps`` as in :func:`theorem6_risk`.
    """
    if dps is None:
        Sg, Dl, exact = _pair(mixture)
        m = GaussianMixture(np.array(_mp_matrix(Sg), dtype=float),
                            np.array(_mp_matrix(Dl), dtype=float)) if exact else as_mixture(mixture)
        Dt = m.delta_tilde
        return 1.0 / (1.0 + float(np.sum(Dt * Dt)) / 2.0)
    dps = check_dps(dps)
    sv = singular_values_mp(mixture, dps=dps)
    with mpmath.workdps(dps + GUARD_DIGITS):
        val = 1 / (1 + mpmath.fsum(x * x for x in sv) / 2)
    with mpmath.workdps(dps):
        return +val


def eq17_nn_risk(Delta: Any, N: int, *, dps: int = 30) -> MPF:
    r"""Eq. (17), NN row, as printed (Σ = I):
    :math:`1/(1 + \sum_{i=1}^{N\wedge d}\lambda_i(\Delta)^2/2)`, λᵢ(Δ) read as in Theorem 6
    (singular values, descending). Δ: float64 (exact binary values), exact entries, or an mpmath
    matrix; evaluated at ``dps`` digits.
    """
    N = positive_int(N, "N")
    dps = check_dps(dps)
    if isinstance(Delta, np.ndarray) and Delta.dtype != object:
        D: Any = as_symmetric(Delta, "Δ")
        eye: Any = np.eye(D.shape[0])
    else:
        with mpmath.workdps(dps + GUARD_DIGITS):
            D = _mp_matrix(Delta)
        eye = [[1 if i == j else 0 for j in range(len(D))] for i in range(len(D))]
    sv = singular_values_mp((eye, D) if not isinstance(D, np.ndarray) else
                            GaussianMixture(eye, D), dps=dps)[:N]
    with mpmath.workdps(dps + GUARD_DIGITS):
        val = 1 / (1 + mpmath.fsum(x * x for x in sv) / 2)
    with mpmath.workdps(dps):
        return +val

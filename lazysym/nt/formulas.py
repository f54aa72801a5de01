r"""The neural-tangent risks as printed: Theorem 2 (§2.2), the remark after it, Theorem 5 (§3.2).

Transcribed once, as printed, with their equation numbers; ``proofs_check`` holds them against the
exact finite-d risks of :mod:`lazysym.nt.exact` and :mod:`lazysym.nt.haar`. mpmath values at the
caller's ``dps``.
"""

from __future__ import annotations

import mpmath
import numpy as np
from numpy.typing import ArrayLike

from lazysym._linalg import sigma_factors
from lazysym._typing import MPF, RealLike
from lazysym._validate import (
    as_mixture,
    as_mpf,
    as_symmetric,
    as_weights,
    check_dps,
    check_rho,
)
from lazysym.errors import check
from lazysym.nt.exact import span_projection
from lazysym.objects.models import GaussianMixture, QuadraticTarget

__all__ = ['trace_ratio', 'theorem2_risk', 'theorem2_bound', 'nt_limit_no_offset', 'theorem5_risk',
           'theorem5_kappa', 'theorem5_kappa_risk', 'theorem5_risk_rho_ge_1']




def _ratio(ratio: RealLike) -> RealLike:
    """Tr(B)²/(d‖B‖²_F) validated; returned as given, clipped to [0, 1] only if outside."""
    with mpmath.workdps(30):
        v = as_mpf(ratio, "Tr(B)²/(d‖B‖²_F)")
    # Cauchy–Schwarz: Tr(B)² ≤ d‖B‖²_F, so the ratio lies in [0, 1] (round-off allowance 1e-12).
    check(-1e-12 <= v <= 1 + 1e-12,
          f"the ratio Tr(B)²/(d‖B‖²_F) lies in [0, 1] by Cauchy–Schwarz; got {ratio}",
          assumption="Tr(B)² ≤ d‖B‖²_F")
    return 0 if v < 0 else 1 if v > 1 else ratio


def trace_ratio(B: QuadraticTarget | ArrayLike, *, name: str = "B") -> float:
    r""":math:`\operatorname{Tr}(B)^2/(d\|B\|_F^2) \in [0, 1]` (Theorem 2, eq. (13); κ of
    Theorem 5 with B = Δ); B ≠ 0. ``name`` labels the matrix in error messages.
    """
    if isinstance(B, QuadraticTarget):
        B = B.B
    B = as_symmetric(B, name)
    f2 = float(np.sum(B * B))
    check(f2 > 0, f"Tr({name})²/(d‖{name}‖²_F) needs {name} ≠ 0 (the normalisation vanishes)",
          assumption=f"{name} ≠ 0")
    return float(np.trace(B)) ** 2 / (B.shape[0] * f2)


def theorem2_risk(rho: RealLike, ratio: RealLike, *, dps: int = 30) -> MPF:
    r"""Theorem 2 (§2.2) as printed: the limit of :math:`E[R_{NT,N}(f_*)]/\|f_*\|^2_{L^2}`.

    .. math:: (1-\rho)_+^2\Big(1 - \frac{\operatorname{Tr}(B)^2}{d\|B\|_F^2}\Big)
              + (1-\rho)_+ \frac{\operatorname{Tr}(B)^2}{d\|B\|_F^2}

    Parameters
    ----------
    rho: N/d > 0.  ratio: Tr(B)²/(d‖B‖²_F) ∈ [0, 1].  dps: mpmath digits.

    Returns an :class:`mpmath.mpf` (normalised risk; assumes E f* = 0 as Theorem 2 does).
    """
    rho, ratio, dps = check_rho(rho, "Theorem 2"), _ratio(ratio), check_dps(dps)
    with mpmath.workdps(dps + 5):
        p = max(mpmath.mpf(1) - as_mpf(rho, 'ρ'), mpmath.mpf(0))
        r = as_mpf(ratio, 'ratio')
        val = p ** 2 * (1 - r) + p * r
    with mpmath.workdps(dps):
        return +val


def theorem2_bound(rho: RealLike, *, dps: int = 30) -> MPF:
    r"""The remark after Theorem 2: :math:`E[R_{NT}] \le (1-\rho)_+\|f_*\|^2 + o(1)`
    (normalised bound).
    """
    rho, dps = check_rho(rho, "Theorem 2"), check_dps(dps)
    with mpmath.workdps(dps + 5):
        val = max(mpmath.mpf(1) - as_mpf(rho, 'ρ'), mpmath.mpf(0))
    with mpmath.workdps(dps):
        return +val


def nt_limit_no_offset(rho: RealLike, ratio: RealLike, *, dps: int = 30) -> MPF:
    r"""Limit of :math:`E[R^{\text{no }c}_{NT}]/\|f_*\|^2` for the poster's class (no offset),
    centred f*.

    Derived here (not printed anywhere): the limit of :func:`nt_expected_risk_quadratic` with
    ``offset=False`` is Theorem 2's value plus
    :math:`\min(\rho, 1)\operatorname{Tr}(B)^2/(d\|B\|_F^2)`,

    .. math:: (1-\rho)_+^2 + \rho(1-\rho)_+ r + \min(\rho, 1)\, r, \qquad
              r = \frac{\operatorname{Tr}(B)^2}{d\|B\|_F^2},

    because :math:`2E[\operatorname{Tr}(PB)^2]/(N+2) \to 2\min(\rho,1)\operatorname{Tr}(B)^2/d`.
    """
    rho, ratio, dps = check_rho(rho, "Theorem 2"), _ratio(ratio), check_dps(dps)
    with mpmath.workdps(dps + 5):
        rh, r = as_mpf(rho, 'ρ'), as_mpf(ratio, 'ratio')
        p = max(1 - rh, mpmath.mpf(0))
        val = p ** 2 + rh * p * r + min(rh, mpmath.mpf(1)) * r
    with mpmath.workdps(dps):
        return +val


def theorem5_risk(W: ArrayLike, mixture: GaussianMixture) -> float:
    r"""Theorem 5, first display, for the given W (§3.2):

    .. math:: \frac{2}{2 + \|\tilde\Delta\|_F^2 - \|P_\perp\tilde\Delta P_\perp\|_F^2},\qquad
              P_\perp = I - \Sigma^{1/2}W(W^\top\Sigma W)^{-1}W^\top\Sigma^{1/2}.

    The printed :math:`(W^\top\Sigma W)^{-1}` exists only for W of full column rank (N ≤ d); it is
    used as printed then. Otherwise (N > d, or rank-deficient W) the projection perpendicular to
    span(Σ^{1/2}W) — what the text says P⊥ is — is used (P⊥ = 0 when that span is R^d).
    """
    mixture = as_mixture(mixture)
    W = as_weights(W, mixture.d)
    d, N = W.shape
    Sh, Dt = sigma_factors(mixture.Sigma, mixture.Delta)
    G = W.T @ mixture.Sigma @ W
    if N <= d and np.linalg.matrix_rank(G) == N:
        SW = Sh @ W
        Pp = np.eye(d) - SW @ np.linalg.solve(G, SW.T)
    else:
        U, r = span_projection(Sh @ W)
        Pp = U[:, r:] @ U[:, r:].T
    C = Pp @ Dt @ Pp
    return 2.0 / (2.0 + float(np.sum(Dt * Dt)) - float(np.sum(C * C)))


def theorem5_kappa(rho: RealLike, Delta: ArrayLike, *, dps: int = 30) -> MPF:
    r"""κ(ρ, Δ) of Theorem 5 (second display):

    .. math:: \kappa = 1
              - (1-\rho)_+^2\Big(1 - \frac{\operatorname{Tr}(\Delta)^2}{d\|\Delta\|_F^2}\Big)
              - (1-\rho)_+\frac{\operatorname{Tr}(\Delta)^2}{d\|\Delta\|_F^2}.
    """
    rho, dps = check_rho(rho, "Theorem 2"), check_dps(dps)
    ratio = trace_ratio(Delta, name="Δ")
    with mpmath.workdps(dps + 5):
        p = max(1 - as_mpf(rho, 'ρ'), mpmath.mpf(0))
        q = as_mpf(ratio, 'ratio')
        val = 1 - p ** 2 * (1 - q) - p * q
    with mpmath.workdps(dps):
        return +val


def theorem5_kappa_risk(rho: RealLike, Delta: ArrayLike, *, dps: int = 30) -> MPF:
    r"""Theorem 5, second display (Σ = I, w_i ~ N(0, I/d)):
    :math:`2/(2 + \kappa(\rho,\Delta)\|\Delta\|_F^2)`.
    """
    Dl = as_symmetric(Delta, "Δ")
    dps = check_dps(dps)
    with mpmath.workdps(dps + 5):
        k = theorem5_kappa(rho, Dl, dps=dps + 5)
        val = 2 / (2 + k * mpmath.mpf(float(np.sum(Dl * Dl))))
    with mpmath.workdps(dps):
        return +val


def theorem5_risk_rho_ge_1(Delta: ArrayLike, *, dps: int = 30) -> MPF:
    r"""Theorem 5, ρ ≥ 1 (Σ = I): :math:`1/(1 + \|\Delta\|_F^2/2)`."""
    Dl = as_symmetric(Delta, "Δ")
    dps = check_dps(dps)
    with mpmath.workdps(dps + 5):
        val = 1 / (1 + mpmath.mpf(float(np.sum(Dl * Dl))) / 2)
    with mpmath.workdps(dps):
        return +val


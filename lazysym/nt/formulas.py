r"""The neural-tangent risks as printed: Theorem 2 (§2.2), the remark after it, Theorem 5 (§3.2).

Transcribed once, as printed, with their equation numbers; ``proofs_check`` holds them against the
exact finite-d risks of :mod:`lazysym.nt.exact` and :mod:`lazysym.nt.haar` and against the
symbolic limits of :mod:`lazysym.nt.symbolic`.

Two backends, one transcription. The scalar formulas (Theorem 2, its bound, the poster's form,
eq. (13)'s NT row, the class without offset) are written once as a body in (1 − ρ)₊, ρ and r;
called with numbers they return an mpmath value at the caller's ``dps`` (exact inputs —
int, Fraction, ``"p/q"``, mpf, SymPy rationals — stay exact until the final rounding); called with
a SymPy symbol they return the SymPy expression of the same body ((1 − ρ)₊ = Max(1 − ρ, 0)).

dps honesty: the matrix formulas (κ, Theorem 5's second display and ρ ≥ 1 case, eq. (17)) take
Δ as float64 (treated as the exact binary numbers it holds), integers, Fractions, SymPy numbers
or an mpmath matrix, and compute Tr Δ and ‖Δ‖²_F at ``dps`` + guard digits.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable
from typing import Any

import mpmath
import numpy as np
from numpy.typing import ArrayLike

from lazysym._linalg import sigma_factors
from lazysym._typing import MPF, RealLike
from lazysym._validate import (
    GUARD_DIGITS,
    as_mixture,
    as_mpf,
    as_symmetric,
    as_sympy_real,
    as_weights,
    check_dps,
    check_rho,
)
from lazysym.errors import check
from lazysym.nt.exact import span_projection
from lazysym.objects.models import GaussianMixture, QuadraticTarget

__all__ = ['trace_ratio', 'theorem2_risk', 'theorem2_bound', 'poster_theorem2_risk', 'eq13_nt_risk',
           'nt_limit_no_offset', 'theorem5_risk', 'theorem5_kappa', 'theorem5_kappa_risk',
           'theorem5_risk_rho_ge_1', 'eq17_nt_risk']


# --------------------------------------------------------------------------------------------
# two backends: mpmath numbers or SymPy expressions
# --------------------------------------------------------------------------------------------

def _is_symbolic(*xs: Any) -> bool:
    """True when an argument is a SymPy expression with free symbols."""
    try:
        import sympy as sp
    except ImportError:  # pragma: no cover
        return False
    return any(isinstance(x, sp.Basic) and bool(x.free_symbols) for x in xs)


def _symbolic(body: Callable[..., Any], rho: Any, *others: Any, with_min: bool = False) -> Any:
    """``body`` on SymPy arguments, built by :func:`lazysym._validate.as_sympy_real` (a string is
    parsed by the whitelist parser, never ``sympify``-ed; ρ must not be known ≤ 0, the ratio
    not known < 0).
    """
    import sympy as sp
    rho = as_sympy_real(rho, "ρ", sign="positive")
    p = sp.Max(1 - rho, 0)
    extra = (sp.Min(rho, 1),) if with_min else ()
    return body(p, rho, *[as_sympy_real(o, "Tr(B)²/(d‖B‖²_F)", sign="nonnegative")
                          for o in others], *extra)


def _numeric(body: Callable[..., Any], rho: RealLike, *others: RealLike, dps: int,
             with_min: bool = False, names: tuple[str, ...] = ()) -> MPF:
    with mpmath.workdps(dps + GUARD_DIGITS):
        rh = as_mpf(rho, "ρ")
        vals = [as_mpf(o, n) for o, n in zip(others, names)]
        p = max(1 - rh, mpmath.mpf(0))
        extra = (min(rh, mpmath.mpf(1)),) if with_min else ()
        val = body(p, rh, *vals, *extra)
    with mpmath.workdps(dps):
        return +val


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
    Theorem 5 with B = Δ); B ≠ 0. ``name`` labels the matrix in error messages. A float (see
    :func:`theorem5_kappa` for the value at ``dps``).
    """
    if isinstance(B, QuadraticTarget):
        B = B.B
    B = as_symmetric(B, name)
    f2 = float(np.sum(B * B))
    check(f2 > 0, f"Tr({name})²/(d‖{name}‖²_F) needs {name} ≠ 0 (the normalisation vanishes)",
          assumption=f"{name} ≠ 0")
    return float(np.trace(B)) ** 2 / (B.shape[0] * f2)


# --------------------------------------------------------------------------------------------
# Theorem 2 and its relatives: one body each, p = (1 − ρ)₊
# --------------------------------------------------------------------------------------------

def _theorem2(p, rho, r):
    return p ** 2 * (1 - r) + p * r


def _poster_theorem2(p, rho, r):
    return p ** 2 + rho * p * r


def _eq13_nt(p, rho, r):
    return p ** 2 + rho * p + r


def _no_offset(p, rho, r, rho_min_1):
    return p ** 2 + rho * p * r + rho_min_1 * r


def _bound(p, rho):
    return p


def _scalar(body: Callable[..., Any], rho: RealLike, ratio: RealLike, dps: int,
            with_min: bool = False) -> Any:
    if _is_symbolic(rho, ratio):
        return _symbolic(body, rho, ratio, with_min=with_min)
    rho, ratio, dps = check_rho(rho, "Theorem 2"), _ratio(ratio), check_dps(dps)
    return _numeric(body, rho, ratio, dps=dps, with_min=with_min, names=("ratio",))


def theorem2_risk(rho: RealLike, ratio: RealLike, *, dps: int = 30) -> MPF:
    r"""Theorem 2 (§2.2) as printed: the limit of :math:`E[R_{NT,N}(f_*)]/\|f_*\|^2_{L^2}`.

    .. math:: (1-\rho)_+^2\Big(1 - \frac{\operatorname{Tr}(B)^2}{d\|B\|_F^2}\Big)
              + (1-\rho)_+ \frac{\operatorname{Tr}(B)^2}{d\|B\|_F^2}

    Parameters
    ----------
    rho: N/d > 0.  ratio: Tr(B)²/(d‖B‖²_F) ∈ [0, 1].  dps: mpmath digits.

    Returns an :class:`mpmath.mpf` (normalised risk; assumes E f* = 0 as Theorem 2 does), or the
    SymPy expression when ``rho`` or ``ratio`` is symbolic.
    """
    return _scalar(_theorem2, rho, ratio, dps)


def poster_theorem2_risk(rho: RealLike, ratio: RealLike, *, dps: int = 30) -> MPF:
    r"""The poster's Theorem 2 as printed (also eq. (13)'s NT row with the '+' read as a product):
    :math:`(1-\rho)_+^2 + \rho(1-\rho)_+\operatorname{Tr}(B)^2/(d\|B\|_F^2)`.
    """
    return _scalar(_poster_theorem2, rho, ratio, dps)


def eq13_nt_risk(rho: RealLike, ratio: RealLike, *, dps: int = 30) -> MPF:
    r"""Eq. (13), NT row, as printed:
    :math:`(1-\rho)_+^2 + \rho(1-\rho)_+ + \operatorname{Tr}(B)^2/(d\|B\|_F^2)`.
    """
    return _scalar(_eq13_nt, rho, ratio, dps)


def theorem2_bound(rho: RealLike, *, dps: int = 30) -> MPF:
    r"""The remark after Theorem 2: :math:`E[R_{NT}] \le (1-\rho)_+\|f_*\|^2 + o(1)`
    (normalised bound).
    """
    if _is_symbolic(rho):
        return _symbolic(_bound, rho)
    rho, dps = check_rho(rho, "Theorem 2"), check_dps(dps)
    return _numeric(_bound, rho, dps=dps)


def nt_limit_no_offset(rho: RealLike, ratio: RealLike, *, dps: int = 30) -> MPF:
    r"""Limit of :math:`E[R^{\text{no }c}_{NT}]/\|f_*\|^2` for the poster's class (no offset),
    centred f*.

    Derived, not printed anywhere (:func:`lazysym.nt.symbolic.theorem2_limit_chain` with
    ``offset=False``): Theorem 2's value plus :math:`\min(\rho, 1)\operatorname{Tr}(B)^2/(d\|B\|_F^2)`,

    .. math:: (1-\rho)_+^2 + \rho(1-\rho)_+ r + \min(\rho, 1)\, r, \qquad
              r = \frac{\operatorname{Tr}(B)^2}{d\|B\|_F^2},

    because :math:`2E[\operatorname{Tr}(PB)^2]/(N+2) \to 2\min(\rho,1)\operatorname{Tr}(B)^2/d`.
    """
    return _scalar(_no_offset, rho, ratio, dps, with_min=True)


# --------------------------------------------------------------------------------------------
# Theorem 5
# --------------------------------------------------------------------------------------------

def theorem5_risk(W: ArrayLike, mixture: GaussianMixture) -> float:
    r"""Theorem 5, first display, for the given W (§3.2):

    .. math:: \frac{2}{2 + \|\tilde\Delta\|_F^2 - \|P_\perp\tilde\Delta P_\perp\|_F^2},\qquad
              P_\perp = I - \Sigma^{1/2}W(W^\top\Sigma W)^{-1}W^\top\Sigma^{1/2}.

    The printed :math:`(W^\top\Sigma W)^{-1}` exists only for W of full column rank (N ≤ d); it is
    used as printed then. Otherwise (N > d, or rank-deficient W) the projection perpendicular to
    span(Σ^{1/2}W) — what the text says P⊥ is — is used (P⊥ = 0 when that span is R^d).
    A float64 value (W-dependent: no ``dps``).
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


def _entry_mpf(x: Any) -> MPF:
    """One matrix entry as an mpf in the ambient precision (exact inputs kept exact)."""
    if isinstance(x, (float, np.floating)):
        return mpmath.mpf(float(x))  # a float64 is an exact binary number: no rounding
    if isinstance(x, (numbers.Integral, np.integer)) and not isinstance(x, bool):
        return mpmath.mpf(int(x))
    return as_mpf(x, "Δ entry")


def delta_invariants(Delta: Any, name: str = "Δ") -> tuple[int, MPF, MPF]:
    r"""(d, Tr Δ, ‖Δ‖²_F) of a symmetric matrix, as mpf at the ambient precision.

    Accepts a float64 array (its entries are exact binary numbers; only the non-zero ones are
    summed), a numpy object array or nested list of ints / Fractions / SymPy numbers / mpf, a
    SymPy matrix or an mpmath matrix; symmetry is checked exactly for exact entries. Call inside
    ``mpmath.workdps``.
    """
    if isinstance(Delta, mpmath.matrix):
        rows = [[Delta[i, j] for j in range(Delta.cols)] for i in range(Delta.rows)]
    elif hasattr(Delta, "tolist") and not isinstance(Delta, np.ndarray):  # SymPy Matrix
        rows = Delta.tolist()
    else:
        arr = np.asarray(Delta, dtype=object) if not isinstance(Delta, np.ndarray) else Delta
        if arr.dtype != object:
            A = as_symmetric(arr, name)
            d = A.shape[0]
            tr = mpmath.fsum(_entry_mpf(x) for x in np.diag(A))
            f2 = mpmath.fsum(_entry_mpf(x) ** 2 for x in A.ravel()[np.flatnonzero(A)])
            return d, tr, f2
        rows = arr.tolist()
    d = len(rows)
    check(d >= 1 and all(len(r) == d for r in rows), f"{name} must be square; got {d} rows",
          assumption=f"{name} square")
    ent = [[_entry_mpf(x) for x in r] for r in rows]
    for i in range(d):
        for j in range(i):
            check(ent[i][j] == ent[j][i], f"{name} must be symmetric; entry ({i}, {j}) differs",
                  assumption=f"{name} symmetric", fix=f"pass ({name} + {name}.T) / 2")
    tr = mpmath.fsum(ent[i][i] for i in range(d))
    f2 = mpmath.fsum(x * x for r in ent for x in r)
    return d, tr, f2


def _kappa(p, rho, q):
    return 1 - p ** 2 * (1 - q) - p * q


def _kappa_mp(rho: RealLike, Delta: Any) -> tuple[MPF, MPF]:
    """(κ(ρ, Δ), ‖Δ‖²_F) in the ambient precision."""
    d, tr, f2 = delta_invariants(Delta)
    check(f2 > 0, "κ(ρ, Δ) needs Δ ≠ 0 (Tr(Δ)²/(d‖Δ‖²_F) is undefined)", assumption="Δ ≠ 0")
    q = tr * tr / (d * f2)
    rh = as_mpf(rho, "ρ")
    return _kappa(max(1 - rh, mpmath.mpf(0)), rh, q), f2


def theorem5_kappa(rho: RealLike, Delta: ArrayLike, *, dps: int = 30) -> MPF:
    r"""κ(ρ, Δ) of Theorem 5 (second display):

    .. math:: \kappa = 1
              - (1-\rho)_+^2\Big(1 - \frac{\operatorname{Tr}(\Delta)^2}{d\|\Delta\|_F^2}\Big)
              - (1-\rho)_+\frac{\operatorname{Tr}(\Delta)^2}{d\|\Delta\|_F^2}.

    Tr Δ and ‖Δ‖²_F at ``dps`` + guard digits (:func:`delta_invariants`).
    """
    rho, dps = check_rho(rho, "Theorem 5"), check_dps(dps)
    with mpmath.workdps(dps + GUARD_DIGITS):
        k, _ = _kappa_mp(rho, Delta)
    with mpmath.workdps(dps):
        return +k


def theorem5_kappa_risk(rho: RealLike, Delta: ArrayLike, *, dps: int = 30) -> MPF:
    r"""Theorem 5, second display (Σ = I, w_i ~ N(0, I/d)):
    :math:`2/(2 + \kappa(\rho,\Delta)\|\Delta\|_F^2)`.
    """
    rho, dps = check_rho(rho, "Theorem 5"), check_dps(dps)
    with mpmath.workdps(dps + GUARD_DIGITS):
        k, f2 = _kappa_mp(rho, Delta)
        val = 2 / (2 + k * f2)
    with mpmath.workdps(dps):
        return +val


def eq17_nt_risk(rho: RealLike, Delta: ArrayLike, *, dps: int = 30) -> MPF:
    r"""Eq. (17), NT row, as printed: :math:`1/(1 + \kappa(\rho,\Delta)\|\Delta\|_F^2/2)`
    (Σ = I, w_i ~ N(0, I/d)).
    """
    rho, dps = check_rho(rho, "eq. (17)"), check_dps(dps)
    with mpmath.workdps(dps + GUARD_DIGITS):
        k, f2 = _kappa_mp(rho, Delta)
        val = 1 / (1 + k * f2 / 2)
    with mpmath.workdps(dps):
        return +val


def theorem5_risk_rho_ge_1(Delta: ArrayLike, *, dps: int = 30) -> MPF:
    r"""Theorem 5, ρ ≥ 1 (Σ = I): :math:`1/(1 + \|\Delta\|_F^2/2)`."""
    dps = check_dps(dps)
    with mpmath.workdps(dps + GUARD_DIGITS):
        _, _, f2 = delta_invariants(Delta)
        val = 1 / (1 + f2 / 2)
    with mpmath.workdps(dps):
        return +val

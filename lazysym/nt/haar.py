r"""Moments of a Haar-random projection, and the exact expectation over W of the NT risk (§2.2).

Expectation over W (i.i.d. columns N(0, I_d/d), N < d)
-------------------------------------------------------
The law of W is invariant under W → QW, so span W is a uniformly (Haar) random N-plane and W has
rank N a.s. For a Haar projection P of rank k the moments

.. math::

    E\operatorname{Tr}(PBPB) = \alpha_k \operatorname{Tr}(B)^2 + \beta_k\operatorname{Tr}(B^2),\quad
    E\operatorname{Tr}(PB)^2 = \gamma_k\operatorname{Tr}(B)^2 + \delta_k\operatorname{Tr}(B^2)

are *derived* by orthogonal Weingarten calculus in :mod:`lazysym.nt.symbolic` (nothing typed in);
they come out as :math:`\alpha_k = k(d-k)/(d(d-1)(d+2))`, :math:`\beta_k = k(kd + d - 2)/(d(d-1)(d+2))`,
:math:`\gamma_k = k(k(d+1) - 2)/(d(d-1)(d+2))`, :math:`\delta_k = 2k(d-k)/(d(d-1)(d+2))` (the tests
check them against an independent derivation from the Beta law of :math:`v^\top Pv` and against
sampled projections).

With k = d − N for :math:`P_\perp`, :math:`E R_{NT} = 2(\alpha_{d-N}\operatorname{Tr}(B)^2 +
\beta_{d-N}\|B\|_F^2)`; for N ≥ d it is 0 a.s. As N/d → ρ < 1 the normalised value tends to
:math:`(1-\rho)^2 + \rho(1-\rho)\,\mathrm{Tr}(B)^2/(d\|B\|_F^2)`, which is Theorem 2
(:func:`lazysym.nt.symbolic.theorem2_limit_chain` takes the limit and the exact error).
"""

from __future__ import annotations

import functools
import numbers
from fractions import Fraction
from typing import TYPE_CHECKING

import numpy as np

from lazysym._validate import (
    as_flag,
    as_target,
    positive_int,
)
from lazysym.errors import check
from lazysym.objects.models import QuadraticTarget

if TYPE_CHECKING:  # SymPy is imported by the one function that needs it
    import sympy as sp

__all__ = ['haar_projection_moments', 'nt_expected_risk_quadratic', 'theorem2_limit_symbolic']


def haar_projection_moments(d: int, k: int) -> dict[str, Fraction]:
    r"""Exact coefficients for a uniformly random rank-k orthogonal projection P in R^d.

    .. math::

        E\operatorname{Tr}(PBPB) = \alpha\operatorname{Tr}(B)^2 + \beta\operatorname{Tr}(B^2),\qquad
        E\operatorname{Tr}(PB)^2 = \gamma\operatorname{Tr}(B)^2 + \delta\operatorname{Tr}(B^2)

    for every symmetric B. The coefficients are the rational functions *derived* by Weingarten
    calculus in :func:`lazysym.nt.symbolic.haar_projection_moments_symbolic`, evaluated exactly
    at (d, k). Returns the rationals ``{"alpha", "beta", "gamma", "delta"}``; k = 0 and k = d are
    the deterministic cases P = 0 and P = I (d = 1 has only those).
    """
    d = positive_int(d, "d")
    check(isinstance(k, numbers.Integral) and 0 <= int(k) <= d,
          f"the rank k must be an integer in [0, d = {d}]; got {k!r}", assumption="0 ≤ k ≤ d")
    k = int(k)
    if k == 0:
        return {"alpha": Fraction(0), "beta": Fraction(0), "gamma": Fraction(0), "delta": Fraction(0)}
    if k == d:  # P = I
        return {"alpha": Fraction(0), "beta": Fraction(1), "gamma": Fraction(1), "delta": Fraction(0)}
    return {key: Fraction(int(v.p), int(v.q)) for key, v in _moments_at(d, k).items()}


@functools.lru_cache(maxsize=4096)
def _moments_at(d: int, k: int) -> dict:
    from lazysym.nt.symbolic import SYMBOLS, haar_projection_moments_symbolic
    mo = haar_projection_moments_symbolic()
    at = {SYMBOLS["d"]: d, SYMBOLS["k"]: k}
    return {key: mo[key].subs(at) for key in ("alpha", "beta", "gamma", "delta")}


def _exact_invariants(target: QuadraticTarget) -> tuple[Fraction, Fraction, Fraction]:
    """(Tr B, ‖B‖²_F, b₀) as exact rationals (float64 entries are exact binary numbers)."""
    B = target.B
    nz = np.flatnonzero(B)
    flat = B.ravel()
    tr = sum((Fraction(float(x)) for x in np.diag(B)), Fraction(0))
    f2 = sum((Fraction(float(flat[i])) ** 2 for i in nz), Fraction(0))
    return tr, f2, Fraction(float(target.b0))


def nt_expected_risk_quadratic(target: QuadraticTarget, N: int, *, offset: bool = True,
                               exact: bool = False) -> float | Fraction:
    r"""Exact :math:`E_W[R_{NT,N}(f_*)]` over W with i.i.d. columns N(0, I_d/d), at finite d.

    .. math::

        E_W R_{NT,N} = 2\big(\alpha_{d-N}\operatorname{Tr}(B)^2 + \beta_{d-N}\|B\|_F^2\big)
        \quad (N < d), \qquad 0 \quad (N \ge d),

    with the Haar coefficients of :func:`haar_projection_moments` (derivation in the module
    docstring). With ``offset=False`` (the poster's class) the extra term
    :math:`2E[a^2]/(N+2)`, :math:`a = m - \operatorname{Tr}(PB)`, m = E f*, is added, using
    :math:`E\operatorname{Tr}(PB) = (N/d)\operatorname{Tr}B` and the γ, δ moments; for N ≥ d it is
    :math:`2b_0^2/(d+2)` a.s.

    ``exact=True`` returns the same value as an exact :class:`~fractions.Fraction` (the float64
    entries of B and b₀ taken as the exact binary numbers they are; the moments are exact
    rationals): a certified value, with no round-off at all.

    Returns the raw risk (divide by ``target.norm2`` for Theorem 2's normalisation).
    """
    target = as_target(target)
    N = positive_int(N, "N")
    offset, exact = as_flag(offset, "offset"), as_flag(exact, "exact")
    d = target.d
    if exact:
        return _expected_risk_exact(target, N, offset)
    B = target.B
    t2 = float(np.trace(B)) ** 2
    f2 = float(np.sum(B * B))
    if N >= d:
        return 0.0 if offset else 2.0 * target.b0 ** 2 / (d + 2)
    mo = haar_projection_moments(d, d - N)
    risk = 2.0 * (float(mo["alpha"]) * t2 + float(mo["beta"]) * f2)
    if not offset:
        mp = haar_projection_moments(d, N)
        m = target.mean
        ea2 = (m * m - 2.0 * m * (N / d) * float(np.trace(B))
               + float(mp["gamma"]) * t2 + float(mp["delta"]) * f2)
        risk += 2.0 * ea2 / (N + 2)
    return risk


def _expected_risk_exact(target: QuadraticTarget, N: int, offset: bool) -> Fraction:
    """:func:`nt_expected_risk_quadratic` in exact rational arithmetic."""
    d = target.d
    tr, f2, b0 = _exact_invariants(target)
    if N >= d:
        return Fraction(0) if offset else 2 * b0 ** 2 / (d + 2)
    mo = haar_projection_moments(d, d - N)
    risk = 2 * (mo["alpha"] * tr ** 2 + mo["beta"] * f2)
    if not offset:
        mp = haar_projection_moments(d, N)
        m = b0 + tr
        ea2 = m * m - 2 * m * Fraction(N, d) * tr + mp["gamma"] * tr ** 2 + mp["delta"] * f2
        risk += 2 * ea2 / (N + 2)
    return risk


def theorem2_limit_symbolic() -> tuple[sp.Expr, tuple[sp.Symbol, sp.Symbol]]:
    r"""SymPy: the limit d → ∞ (N = ρd, ρ < 1, Tr(B)² = r·d‖B‖²_F) of the exact normalised
    expectation, with the Haar moments derived by Weingarten calculus
    (:func:`lazysym.nt.symbolic.theorem2_limit_chain`) — an independent derivation of Theorem 2's
    right side.

    Returns ``(limit, (rho, r))`` with SymPy symbols ρ and r.
    """
    from lazysym.nt.symbolic import SYMBOLS, theorem2_limit_chain
    return theorem2_limit_chain(offset=True)["limit_lt1"], (SYMBOLS["rho"], SYMBOLS["r"])

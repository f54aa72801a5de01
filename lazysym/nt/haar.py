r"""Moments of a Haar-random projection, and the exact expectation over W of the NT risk (§2.2).

Expectation over W (i.i.d. columns N(0, I_d/d), N < d)
-------------------------------------------------------
The law of W is invariant under W → QW, so span W is a uniformly (Haar) random N-plane and W has
rank N a.s. For a Haar projection P of rank k, :math:`B\mapsto E\operatorname{Tr}(PBPB)` and
:math:`B \mapsto E\operatorname{Tr}(PB)^2` are O(d)-invariant quadratic forms on symmetric matrices,
hence combinations of :math:`\operatorname{Tr}(B)^2` and :math:`\operatorname{Tr}(B^2)` (the symmetric
matrices split into the two irreducible pieces R·I and the traceless ones). The two coefficients
follow from B = I (Tr P = k) and B = vvᵀ (:math:`v^\top P v \sim \mathrm{Beta}(k/2, (d-k)/2)`,
:math:`E(v^\top Pv)^2 = k(k+2)/(d(d+2))`):

.. math::

    E\operatorname{Tr}(PBPB) = \alpha_k \operatorname{Tr}(B)^2 + \beta_k\operatorname{Tr}(B^2),\quad
    \alpha_k = \frac{k(d-k)}{d(d-1)(d+2)},\quad \beta_k = \frac{k(kd + d - 2)}{d(d-1)(d+2)},

    E\operatorname{Tr}(PB)^2 = \gamma_k\operatorname{Tr}(B)^2 + \delta_k\operatorname{Tr}(B^2),\quad
    \gamma_k = \frac{k(k(d+1) - 2)}{d(d-1)(d+2)},\quad \delta_k = \frac{2k(d-k)}{d(d-1)(d+2)}.

With k = d − N for :math:`P_\perp`, :math:`E R_{NT} = 2(\alpha_{d-N}\operatorname{Tr}(B)^2 +
\beta_{d-N}\|B\|_F^2)`; for N ≥ d it is 0 a.s. As N/d → ρ < 1 the normalised value tends to
:math:`(1-\rho)^2 + \rho(1-\rho)\,\mathrm{Tr}(B)^2/(d\|B\|_F^2)`, which is Theorem 2.
"""

from __future__ import annotations

import numbers
from fractions import Fraction
from typing import TYPE_CHECKING

import numpy as np

from lazysym._validate import (
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

    for every symmetric B (derivation in the module docstring). Returns the rationals
    ``{"alpha", "beta", "gamma", "delta"}``; k = 0 and k = d are the deterministic cases.
    """
    d = positive_int(d, "d")
    check(isinstance(k, numbers.Integral) and 0 <= int(k) <= d,
          f"the rank k must be an integer in [0, d = {d}]; got {k!r}", assumption="0 ≤ k ≤ d")
    k = int(k)
    if k == 0:
        return {"alpha": Fraction(0), "beta": Fraction(0), "gamma": Fraction(0), "delta": Fraction(0)}
    if k == d:  # P = I
        return {"alpha": Fraction(0), "beta": Fraction(1), "gamma": Fraction(1), "delta": Fraction(0)}
    den = d * (d - 1) * (d + 2)
    return {"alpha": Fraction(k * (d - k), den), "beta": Fraction(k * (k * d + d - 2), den),
            "gamma": Fraction(k * (k * (d + 1) - 2), den), "delta": Fraction(2 * k * (d - k), den)}


def nt_expected_risk_quadratic(target: QuadraticTarget, N: int, *, offset: bool = True) -> float:
    r"""Exact :math:`E_W[R_{NT,N}(f_*)]` over W with i.i.d. columns N(0, I_d/d), at finite d.

    .. math::

        E_W R_{NT,N} = 2\big(\alpha_{d-N}\operatorname{Tr}(B)^2 + \beta_{d-N}\|B\|_F^2\big)
        \quad (N < d), \qquad 0 \quad (N \ge d),

    with the Haar coefficients of :func:`haar_projection_moments` (derivation in the module
    docstring). With ``offset=False`` (the poster's class) the extra term
    :math:`2E[a^2]/(N+2)`, :math:`a = m - \operatorname{Tr}(PB)`, m = E f*, is added, using
    :math:`E\operatorname{Tr}(PB) = (N/d)\operatorname{Tr}B` and the γ, δ moments; for N ≥ d it is
    :math:`2b_0^2/(d+2)` a.s.

    Returns the raw risk (divide by ``target.norm2`` for Theorem 2's normalisation).
    """
    target = as_target(target)
    N = positive_int(N, "N")
    d = target.d
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


def theorem2_limit_symbolic() -> tuple[sp.Expr, tuple[sp.Symbol, sp.Symbol]]:
    r"""SymPy: the limit d → ∞ (N = ρd, ρ < 1, Tr(B)² = r·d‖B‖²_F) of the exact normalised
    expectation built from the Haar moments — an independent derivation of Theorem 2's right side.

    Returns ``(limit, (rho, r))`` with SymPy symbols ρ and r.
    """
    import sympy as sp
    d, rho, r, F = sp.symbols("d rho r F", positive=True)
    k = (1 - rho) * d
    den = d * (d - 1) * (d + 2)
    alpha = k * (d - k) / den
    beta = k * (k * d + d - 2) / den
    expected = sp.cancel(sp.together(2 * (alpha * r * d * F + beta * F) / (2 * F)))
    num, den = sp.fraction(expected)
    num, den = sp.Poly(num, d), sp.Poly(den, d)
    # a rational function of d: with equal degrees its limit is the ratio of leading coefficients
    if num.degree() == den.degree():
        lim = num.LC() / den.LC()
    else:  # pragma: no cover - not reached for these moments
        lim = sp.limit(expected, d, sp.oo)
    return sp.simplify(lim), (rho, r)


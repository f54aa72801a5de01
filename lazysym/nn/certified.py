r"""Certified finite-d NN optima: balls that contain the exact optimal risks (issue 13).

The objects are those of :mod:`lazysym.nn.optimum`:

* qf (§2.3, Theorem 3 at finite d, Eckart–Young):
  :math:`\inf_{W,c}L = 2\big(\sum_{i>N}\lambda_i(B)^2 + \sum_{i\le N}(\lambda_i(B))_-^2\big)
  = 2\big(\|B\|_F^2 - \sum_{i\le N\wedge d}(\lambda_{(i)})_+^2\big)` with
  :math:`\lambda_{(1)}\ge\lambda_{(2)}\ge\dots`;
* mg (§3.3, the exact optimum behind Theorem 6):
  :math:`R_{NN,N} = 2/(2 + \sum_{i\le N\wedge d} g(\delta_{(i)}))`, :math:`g(\delta) =
  \delta^2/(1+\delta^2)`, over the eigenvalues δ of :math:`\tilde\Delta = \Sigma^{-1/2}\Delta
  \Sigma^{-1/2}` ordered by :math:`|\delta|` — the eigenvalues of the rational matrix
  :math:`\Sigma^{-1}\Delta` (similar to :math:`\tilde\Delta`).

Method. ‖B‖²_F is exact (rational). The eigenvalues are the roots of the exact characteristic
polynomial (``fmpq_mat.charpoly``), enclosed with their multiplicities by flint's rigorous root
isolation (``fmpq_poly.complex_roots``: square-free factorisation, then isolation of each
factor's roots), so repeated eigenvalues (the §4 mixture has only three distinct values) are no
obstacle. The sum of the N largest values of a non-decreasing
function f of the eigenvalues is then bracketed by order statistics: if
:math:`\lambda_k\in[l_k, u_k]` for every k, the j-th largest :math:`\lambda_{(j)}` lies between the
j-th largest :math:`l` and the j-th largest :math:`u`, so
:math:`\sum_{j\le N}f(l_{(j)}) \le \sum_{j\le N}f(\lambda_{(j)}) \le \sum_{j\le N}f(u_{(j)})`.
(For mg, f acts on :math:`\delta^2`, enclosed from the ball of δ.) The qf risk is ≥ 0 (a sum of
squares): the ball is intersected with [0, ∞).

Precision: :func:`lazysym.objects.balls.certify` (relative radius ≤ 10^-dps, or absolute
10^-2dps·scale for a risk that is 0, e.g. B ⪰ 0 and N ≥ rank B).
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import flint
import numpy as np
from flint import arb

from lazysym._validate import as_mixture, as_target, check_dps, positive_int
from lazysym.limits import check_limit
from lazysym.objects.balls import arb_of, certify, fmpq_matrix, fmpq_of
from lazysym.objects.models import GaussianMixture, QuadraticTarget

__all__ = ["nn_risk_quadratic_certified", "nn_risk_mixture_certified", "exact_norm2"]


def _charpoly(M: Any) -> Any:
    """The exact characteristic polynomial of a rational matrix (``flint.fmpq_poly``)."""
    return M.charpoly()


def _eigen_balls(poly: Any) -> list[Any]:
    """Real balls containing the roots, with multiplicity, of a characteristic polynomial with
    real roots (flint isolates the roots of each square-free factor rigorously).
    """
    out = []
    for z, mult in poly.complex_roots():
        if not (z.is_finite() and z.imag.contains(0)):
            raise ValueError(f"root enclosure {z} not finite or not real at this precision")
        out.extend([z.real] * int(mult))
    return out


def _exact_mid(v: Any) -> Fraction:
    """The midpoint of a ball as an exact rational: the order of the endpoints is decided exactly
    (a float64 key could swap two endpoints closer than 1e-16 and leave the sum outside its ball).
    """
    man, exp = v.mid().man_exp()
    return Fraction(int(man)) * Fraction(2) ** int(exp)


def _top_sum(lo: list[Any], hi: list[Any], N: int, f) -> Any:
    """A ball containing Σ_{j ≤ N} f(λ_(j)) given λ_k ∈ [lo_k, hi_k] (f non-decreasing)."""
    lo_s = sorted(lo, key=_exact_mid, reverse=True)[:N]
    hi_s = sorted(hi, key=_exact_mid, reverse=True)[:N]
    low = sum((f(v) for v in lo_s), arb(0))
    up = sum((f(v) for v in hi_s), arb(0))
    return low.union(up)


def _pos_sq(v: Any) -> Any:
    return v * v if v > 0 else arb(0)


def exact_norm2(target: QuadraticTarget) -> Any:
    r""":math:`\|f_*\|^2 = (b_0 + \operatorname{Tr}B)^2 + 2\|B\|_F^2` of the binary B, b₀ as a ball
    (exact rational, rounded outward at flint's precision).
    """
    target = as_target(target)
    Bq = fmpq_matrix(target.B, "B")
    d = target.d
    mean = fmpq_of(target.b0) + sum((Bq[i, i] for i in range(d)), flint.fmpq(0))
    return arb_of(mean * mean + 2 * sum((Bq[i, j] ** 2 for i in range(d) for j in range(d)),
                                        flint.fmpq(0)))


def nn_risk_quadratic_certified(target: QuadraticTarget, N: int, *, dps: int = 30) -> Any:
    r"""A ball containing :math:`\inf_{W,c}L(W,c)` (§2.3; Theorem 3 at finite d, any symmetric B)
    for the float64 B read exactly, with ``dps`` correct digits (module docstring).

    Parameters
    ----------
    target : QuadraticTarget
        The quadratic target (eq. (8)); d at most ``LIMITS.certified_order``.
    N : int
        Number of neurons, ≥ 1.
    dps : int
        Correct digits of the ball.

    Returns
    -------
    flint.arb
        The raw risk (divide by ``target.norm2`` for eq. (13)'s normalisation).
    """
    dps = check_dps(dps)
    target = as_target(target, "the certified NN risk")
    N = positive_int(N, "N")
    d = check_limit("certified_order", target.d, "dimension d of a certified NN risk")
    Bq = fmpq_matrix(target.B, "B")
    fro2 = sum((Bq[i, j] ** 2 for i in range(d) for j in range(d)), flint.fmpq(0))
    k = min(N, d)
    poly = _charpoly(Bq)

    def compute() -> Any:
        ev = _eigen_balls(poly)
        lo = [v.lower() for v in ev]
        hi = [v.upper() for v in ev]
        risk = 2 * (arb_of(fro2) - _top_sum(lo, hi, k, _pos_sq))
        lower, upper = risk.lower(), risk.upper()
        if upper < 0:
            raise ValueError("negative enclosure")  # cannot happen for a correct enclosure
        return (lower if lower > 0 else flint.arb(0)).union(upper)

    return certify(compute, dps=dps, scale=max(float(target.norm2), 1e-300), what="NN risk")


def nn_risk_mixture_certified(mixture: GaussianMixture, N: int, *, dps: int = 30) -> Any:
    r"""A ball containing the exact mg optimum :math:`R_{NN,N} = 2/(2 + \sum_{i\le N}
    \delta_{(i)}^2/(1+\delta_{(i)}^2))` of :func:`lazysym.nn.optimum.nn_risk_mixture` (§3.3), for
    the float64 Σ, Δ read exactly, with ``dps`` correct digits (module docstring).
    """
    dps = check_dps(dps)
    mixture = as_mixture(mixture, "the certified NN mixture risk")
    N = positive_int(N, "N")
    d = check_limit("certified_order", mixture.d, "dimension d of a certified NN risk")
    M = fmpq_matrix(np.asarray(mixture.Sigma), "Σ").inv() * fmpq_matrix(np.asarray(mixture.Delta), "Δ")
    k = min(N, d)
    poly = _charpoly(M)

    def g(s: Any) -> Any:          # s = δ², g non-decreasing in s ≥ 0
        return s / (1 + s)

    def compute() -> Any:
        ev = _eigen_balls(poly)
        sq = [abs(v) for v in ev]                      # |δ| as a ball
        lo = [(v.lower() if v.lower() > 0 else flint.arb(0)) for v in sq]
        hi = [v.upper() for v in sq]
        total = _top_sum([v * v for v in lo], [v * v for v in hi], k, g)
        return 2 / (2 + total)

    return certify(compute, dps=dps, scale=1.0, what="NN mixture risk")

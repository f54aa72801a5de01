r"""Certified finite-d NT risks for the quadratic target: the exact rational value (issue 13).

The object is :func:`lazysym.nt.exact.nt_risk_quadratic` — the NT class (3) with σ(u) = u² is
:math:`\{c + x^\top Sx : P_\perp SP_\perp = 0\}` and its risk for
:math:`f_* = b_0 + x^\top Bx` is

.. math::

    R_{NT,N} = 2\|P_\perp BP_\perp\|_F^2 \quad(\text{offset}),\qquad
    R^{\text{no }c}_{NT,N} = 2\|P_\perp BP_\perp\|_F^2
        + \frac{2(b_0 + \operatorname{Tr}P_\perp BP_\perp)^2}{r + 2}\quad(\text{poster's class}),

(derivation in :mod:`lazysym.nt.exact`; §2.2, Theorem 2 at finite d). With the float64 entries of
W, B and b₀ read as exact binary numbers, every step is rational: the columns of W spanning its
column space are the pivot columns of its reduced row echelon form (r = the exact rank), and
:math:`P = W_r(W_r^\top W_r)^{-1}W_r^\top` (each column first scaled by a power of two to an
integer vector: the span is unchanged). In traces, with :math:`G = W_r^\top W_r`,
:math:`\|P_\perp BP_\perp\|_F^2 = \operatorname{Tr}B^2 - 2\operatorname{Tr}(G^{-1}W_r^\top B^2W_r)
+ \operatorname{Tr}\big((G^{-1}W_r^\top BW_r)^2\big)` and
:math:`\operatorname{Tr}P_\perp BP_\perp = \operatorname{Tr}B - \operatorname{Tr}(G^{-1}W_r^\top
BW_r)`: two r×r rational solves (``flint.fmpq_mat``).

The float64 path decides the rank numerically (:func:`lazysym.nt.exact.span_projection`); for a W
within round-off of rank deficiency the two ranks can differ, and then so do the risks (the
exact one is the risk of the binary W as given). For a well-conditioned W the float64 value is
within a few hundred ulps of ``norm2`` of the exact one (tested at d ≤ 40).

Cost: r×r solves; measured in ``benchmarks/bench_certified.py`` (d = 100: about a second).
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import flint
import numpy as np
from numpy.typing import ArrayLike

from lazysym._validate import as_target, as_weights, check_dps
from lazysym.errors import check
from lazysym.limits import check_limit
from lazysym.objects.balls import arb_matrix, arb_of, certify, fmpq_matrix, fmpq_of, fraction_of
from lazysym.objects.models import QuadraticTarget

__all__ = ["nt_risk_quadratic_exact", "nt_risk_quadratic_certified"]


def _column_integers(W: np.ndarray) -> Any:
    """W with each column scaled by a power of two to integers (same span), as ``fmpz_mat``."""
    d, N = W.shape
    cols = []
    for j in range(N):
        fr = [float(v).as_integer_ratio() for v in W[:, j]]
        den = max(q for _, q in fr)                   # a power of two
        cols.append([p * (den // q) for p, q in fr])
    return flint.fmpz_mat(d, N, [cols[j][i] for i in range(d) for j in range(N)])


def _pivoted_columns(W: np.ndarray, r: int) -> list[int]:
    """The r column indices chosen by Gram–Schmidt with column pivoting in float64 (candidates only:
    the caller verifies them exactly).
    """
    R = np.array(W, dtype=float, copy=True)
    chosen: list[int] = []
    for _ in range(r):
        norms = np.sum(R * R, axis=0)
        norms[chosen] = -1.0
        j = int(np.argmax(norms))
        chosen.append(j)
        q = R[:, j] / np.sqrt(norms[j]) if norms[j] > 0 else R[:, j]
        R -= np.outer(q, q @ R)
    return chosen


def _independent_columns(W: np.ndarray, Wz: Any) -> list[int]:
    """Indices of columns of W forming a basis of its column space, decided exactly: the exact
    rank r by flint's modular ``rank`` of the integer matrix Wz; candidates from float64
    Gram–Schmidt with pivoting, accepted when their exact rank is r, else the pivot columns of
    the fraction-free reduced row echelon form.
    """
    d, N = Wz.nrows(), Wz.ncols()

    def exact_rank(cols: list[int]) -> int:
        return int(flint.fmpz_mat(d, len(cols), [Wz[i, j] for i in range(d) for j in cols]).rank())

    order = _pivoted_columns(W, min(d, N))          # most independent first
    if exact_rank(order) == len(order):             # full rank: the generic case
        return sorted(order)
    r = int(Wz.rank())
    if r == 0:
        return []
    if exact_rank(order[:r]) == r:
        return sorted(order[:r])
    R, _, rank = Wz.rref()
    return [next(j for j in range(N) if R[i, j] != 0) for i in range(rank)]


def _risk(W: np.ndarray, target: QuadraticTarget, offset: bool, field: str) -> Any:
    """The risk in exact rationals (``field="q"``: fmpq) or balls at the current precision
    (``"arb"``); the rank and the basis columns are exact in both.
    """
    d, N = W.shape
    Wz = _column_integers(W)            # P depends on span W only
    cols = _independent_columns(W, Wz)
    r = len(cols)
    mat: Any
    num: Any
    if field == "q":
        mat, num = flint.fmpq_mat, flint.fmpq
        Bm = fmpq_matrix(target.B, "B")
        b0 = fmpq_of(target.b0)
    else:
        mat, num = flint.arb_mat, flint.arb
        Bm = arb_matrix(target.B, "B")
        b0 = arb_of(target.b0)
    trB = sum((Bm[i, i] for i in range(d)), num(0))
    fro2 = sum((Bm[i, j] ** 2 for i in range(d) for j in range(d)), num(0))
    if r == 0:
        risk, trC = 2 * fro2, trB
    elif r == d:
        risk, trC = num(0), num(0)
    else:
        Q = mat(flint.fmpz_mat(d, r, [Wz[i, j] for i in range(d) for j in cols]))
        Qt = Q.transpose()
        G = Qt * Q
        BQ = Bm * Q
        X = G.solve(BQ.transpose() * BQ)       # G⁻¹QᵀB²Q
        Y = G.solve(Qt * BQ)                   # G⁻¹QᵀBQ
        YY = Y * Y
        # ‖P⊥BP⊥‖² = tr B² − 2 tr(PB²) + tr(PBPB), P = QG⁻¹Qᵀ; tr P⊥BP⊥ = tr B − tr(PB)
        risk = 2 * (fro2 - 2 * sum((X[i, i] for i in range(r)), num(0))
                    + sum((YY[i, i] for i in range(r)), num(0)))
        trC = trB - sum((Y[i, i] for i in range(r)), num(0))
    if not offset:
        a = b0 + trC
        risk += 2 * a * a / (r + 2)
    return risk


def _prepare(W_in: ArrayLike, target_in: QuadraticTarget, offset: bool
             ) -> tuple[np.ndarray, QuadraticTarget, bool]:
    target = as_target(target_in, "the certified NT risk")
    W = as_weights(W_in, target.d)
    check(isinstance(offset, (bool, np.bool_)), f"offset must be a bool; got {offset!r}",
          assumption="offset flag")
    check_limit("certified_order", W.shape[0], "dimension d of a certified NT risk")
    check_limit("certified_order", W.shape[1], "width N of a certified NT risk")
    return W, target, bool(offset)


def nt_risk_quadratic_exact(W: ArrayLike, target: QuadraticTarget, *, offset: bool = True) -> Fraction:
    r"""The exact NT risk :math:`2\|P_\perp BP_\perp\|_F^2` (+ the poster's no-offset term) of the
    given W as a Fraction (module docstring; §2.2, eq. (3)–(4), Theorem 2 at finite d).

    Parameters as :func:`lazysym.nt.exact.nt_risk_quadratic`; the rank is the exact rank of W.
    """
    W, target, offset = _prepare(W, target, offset)
    return fraction_of(_risk(W, target, offset, "q"))


def nt_risk_quadratic_certified(W: ArrayLike, target: QuadraticTarget, *, offset: bool = True,
                                dps: int = 30) -> Any:
    r"""A ball (``flint.arb``) containing the exact NT risk of :func:`nt_risk_quadratic_exact`,
    with ``dps`` correct digits: the same formula in arb balls (the rank and the basis columns of
    W are decided exactly), much faster than the rationals for r close to d.
    """
    dps = check_dps(dps)
    W, target, offset = _prepare(W, target, offset)
    def compute() -> Any:
        risk = _risk(W, target, offset, "arb")
        lower, upper = risk.lower(), risk.upper()     # a risk is ≥ 0: clip the ball there
        if upper < 0:
            raise ValueError("negative enclosure")
        return (lower if lower > 0 else flint.arb(0)).union(upper)

    return certify(compute, dps=dps, scale=max(float(target.norm2), 1e-300), what="NT risk")

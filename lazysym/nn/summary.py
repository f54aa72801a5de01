r"""Printed statements of §1 and §2.3 that :mod:`lazysym.nn.formulas` does not hold: the "inner
bounds" of §1, the loss step of §2.3, the NN row of eq. (13), and eq. (6).

Transcribed once, as printed, with their equation numbers; ``proofs_check`` holds them against
evidence that never uses them.

* :func:`rf_embedding` — §1, "Inner bounds": :math:`\mathcal F_{RF,N}(W)\subseteq\mathcal F_{NN,N}`,
  "the random feature model is simply obtained by fixing all the first layer weights".
* :func:`nt_feature` — §1: :math:`\varepsilon^{-1}[\sigma(\langle w_i+\varepsilon a_i,x\rangle) -
  \sigma(\langle w_i,x\rangle)] = \langle a_i,x\rangle\sigma'(\langle w_i,x\rangle) + o(1)` (the
  right side).
* :func:`loss_integrand` — §2.3, the printed step
  :math:`L(W,c) = E[(\langle xx^\top, B - WW^\top\rangle + b_0 - c)^2]` (the integrand).
* :func:`eq13_nn_row` — eq. (13), row M = NN:
  :math:`R_{NN,N}/\|f_*\|^2 \approx 1 - \sum_{i=1}^{d\wedge N}\lambda_i(B)^2/\|B\|_F^2`.
* :func:`eq6_gap_exists` — eq. (6) as printed: a GAP(ρ) > 0 "independent of N, d" exists, for
  every B ⪰ 0 (the statement is an existence claim, transcribed as the truth value it asserts).
  The corrected, B-dependent gap is :func:`lazysym.compare.gaps.gap_asymptotic`.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from typing import Any

import mpmath
import numpy as np

from lazysym._typing import MPF
from lazysym._validate import (
    GUARD_DIGITS,
    as_finite_array,
    as_mpf,
    as_real,
    as_symmetric,
    check_dps,
    positive_int,
)
from lazysym.errors import check, check_type
from lazysym.limits import check_limit
from lazysym.objects.models import QuadraticTarget

__all__ = ["rf_embedding", "nt_feature", "loss_integrand", "eq13_nn_row", "eq6_gap_exists"]


def _entry(v: Any, name: str) -> Any:
    """A finite real or a SymPy expression without NaN/∞, kept as given."""
    import sympy as sp
    if isinstance(v, sp.Basic):
        check(isinstance(v, sp.Expr) and not v.has(sp.nan, sp.zoo, sp.oo, -sp.oo),
              f"{name} must be a finite scalar expression; got {v}", assumption=f"{name} finite")
        return v
    if isinstance(v, (Fraction, int, np.integer)) and not isinstance(v, (bool, np.bool_)):
        return v
    as_real(v, name)
    return v


def _finite_result(value: Any, what: str) -> Any:
    """``value`` unless it is (or contains) NaN or an infinity."""
    import sympy as sp
    if isinstance(value, sp.Basic):
        check(not value.has(sp.nan, sp.zoo, sp.oo, -sp.oo), f"{what} is not finite: {value}",
              assumption="finite result")
    else:
        as_real(value, what)
    return value


def rf_embedding(a: Any, W: Any) -> tuple[Any, list, list]:
    r"""§1: an RF function :math:`\sum_i a_i\sigma(\langle w_i, x\rangle)` (eq. (2)) is the network
    of eq. (1) with parameters :math:`(c, a, W) = (0, a, W)` ("fixing all the first layer
    weights"). ``W`` is given by rows (d rows of N entries: neuron i is column i); ``a`` has N
    entries. Entries are finite reals or SymPy expressions (checked, kept as given); d, N ≤
    ``LIMITS.dimension``.
    """
    check_type(isinstance(a, (list, tuple, np.ndarray)) and np.ndim(a) == 1, "a",
               "a sequence of N second-layer weights", a)
    check_type(isinstance(W, (list, tuple, np.ndarray)) and all(
        isinstance(r, (list, tuple, np.ndarray)) and np.ndim(r) == 1 for r in W), "W",
        "the first-layer weights by rows (d sequences of N entries)", W)
    N = len(a)
    check(N >= 1 and len(W) >= 1, "a and W need N ≥ 1 neurons and d ≥ 1 rows",
          assumption="N, d ≥ 1")
    check_limit("dimension", N, "N (entries of a)")
    check_limit("dimension", len(W), "d (rows of W)")
    check(all(len(r) == N for r in W), f"each row of W must have N = {N} entries (one per neuron)",
          assumption="W shape")
    return (0, [_entry(v, "a entry") for v in a], [[_entry(v, "W entry") for v in r] for r in W])


def nt_feature(sigma: Any, a: Any, w: Any, x: Any) -> Any:
    r"""§1: the printed limit :math:`\langle a, x\rangle\sigma'(\langle w, x\rangle)` of
    :math:`\varepsilon^{-1}[\sigma(\langle w+\varepsilon a,x\rangle) - \sigma(\langle w,x\rangle)]`
    (SymPy: ``sigma`` a function of one variable returning a SymPy expression, ``a, w, x`` SymPy
    column vectors of one length).
    """
    import sympy as sp
    check_type(callable(sigma), "sigma", "a function of one SymPy variable", sigma)
    for name, v in (("a", a), ("w", w), ("x", x)):
        check_type(isinstance(v, sp.MatrixBase) and v.shape[1] == 1, name,
                   "a SymPy column vector", v)
    check(a.shape == w.shape == x.shape, f"a, w, x must have one length; got {a.shape[0]}, "
          f"{w.shape[0]}, {x.shape[0]}", assumption="vector lengths")
    u = sp.Dummy("u")
    su = sigma(u)
    check_type(isinstance(su, sp.Expr), "sigma(u)", "a SymPy expression", su)
    return _finite_result(a.dot(x) * sp.diff(su, u).subs(u, w.dot(x)), "⟨a,x⟩σ'(⟨w,x⟩)")


def loss_integrand(inner_xxT: Callable[[Any], Any], B: Any, W: Any, b0: Any, c: Any) -> Any:
    r"""§2.3, the integrand of the printed step
    :math:`L(W,c) = E\big[(\langle xx^\top, B - WW^\top\rangle + b_0 - c)^2\big]`.

    ``inner_xxT(M)`` is :math:`\langle xx^\top, M\rangle` in the caller's representation (a
    random quadratic form for Wick's rule, or :math:`\sum_{ij}x_ix_jM_{ij}` in coordinates); B, W
    are SymPy matrices of that representation (matrix symbols or explicit matrices); b₀, c are
    finite reals or SymPy expressions.
    """
    import sympy as sp
    check_type(callable(inner_xxT), "inner_xxT", "a function M ↦ ⟨xxᵀ, M⟩", inner_xxT)
    for name, M in (("B", B), ("W", W)):
        check_type(isinstance(M, (sp.MatrixBase, sp.MatrixExpr)), name,
                   "a SymPy matrix or matrix expression", M)
    check(B.shape[0] == B.shape[1] == W.shape[0], f"B must be d×d and W d×N; got {B.shape}, "
          f"{W.shape}", assumption="shapes")
    b0, c = _entry(b0, "b0"), _entry(c, "c")
    return _finite_result((inner_xxT(B - W * W.T) + b0 - c) ** 2, "the integrand")


def _mp_symmetric(B: Any) -> mpmath.matrix:
    """B as an mpmath matrix at the ambient precision, exact inputs kept exact.

    Accepts a :class:`QuadraticTarget` (float64 entries, exact binary values), a numpy array, a
    nested list of ints / Fractions / floats / strings, a SymPy matrix, or an mpmath matrix.
    """
    if isinstance(B, QuadraticTarget):
        B = B.B
    if isinstance(B, mpmath.matrix):
        rows = [[B[i, j] for j in range(B.cols)] for i in range(B.rows)]
    elif hasattr(B, "tolist") and not isinstance(B, np.ndarray):   # SymPy matrices
        rows = B.tolist()
    else:
        rows = np.asarray(B, dtype=object).tolist()
    check_type(isinstance(rows, list) and all(isinstance(r, list) for r in rows), "B",
               "a square matrix", B)
    check(len(rows) > 0 and all(len(r) == len(rows) for r in rows),
          f"B must be a square d×d matrix; got {len(rows)} rows", assumption="B square")
    check_limit("dimension", len(rows), "dimension d of B")
    M = mpmath.matrix(len(rows), len(rows))
    for i, r in enumerate(rows):
        for j, v in enumerate(r):
            M[i, j] = as_mpf(v, "B entry")
    for i in range(M.rows):
        for j in range(i):
            check(M[i, j] == M[j, i], f"B must be symmetric; B[{i},{j}] ≠ B[{j},{i}]",
                  assumption="B symmetric")
    return M


def eq13_nn_row(B: Any, N: int, *, dps: int | None = None) -> float | MPF:
    r"""Eq. (13), row M = NN, as printed:
    :math:`\frac{R_{NN,N}(f_*)}{\|f_*\|_{L_2}^2} \approx 1 - \frac{\sum_{i=1}^{d\wedge N}
    \lambda_i(\mathbf B)^2}{\|\mathbf B\|_F^2}` (λ₁ ≥ … ≥ λ_d).

    Parameters
    ----------
    B:
        The target's matrix: a :class:`~lazysym.objects.models.QuadraticTarget`, or a symmetric
        matrix (numpy array, nested list of ints/Fractions/floats, SymPy or mpmath matrix).
        Eq. (13) is stated for B ⪰ 0 (Theorem 3); the formula itself is evaluated for any B ≠ 0.
    N:
        Number of neurons, an integer ≥ 1.
    dps:
        ``None``: a float (numpy eigenvalues). An integer: an ``mpf`` correct to ``dps`` digits for
        exact inputs — the entries are converted exactly (Fractions and SymPy rationals are not
        rounded to float; floats are exact binary values), ‖B‖²_F and the eigenvalues
        (``mpmath.eigsy``) are computed at ``dps`` + :data:`~lazysym._validate.GUARD_DIGITS`.
    """
    N = positive_int(N, "N")
    if dps is None:
        Bf = B.B if isinstance(B, QuadraticTarget) else as_symmetric(B, "B")
        lam = np.sort(np.linalg.eigvalsh(Bf))[::-1]
        f2 = float(np.sum(Bf * Bf))
        check(f2 > 0, "eq. (13) divides by ‖B‖²_F; got B = 0", assumption="B ≠ 0")
        return 1.0 - float(np.sum(lam[:min(N, lam.size)] ** 2)) / f2
    dps = check_dps(dps)
    with mpmath.workdps(dps + GUARD_DIGITS):
        M = _mp_symmetric(B)
        d = M.rows
        f2 = mpmath.fsum(M[i, j] ** 2 for i in range(d) for j in range(d))
        check(f2 > 0, "eq. (13) divides by ‖B‖²_F; got B = 0", assumption="B ≠ 0")
        ev = mpmath.eigsy(M, eigvals_only=True)
        lam_mp = sorted((ev[i] for i in range(d)), reverse=True)
        val = 1 - mpmath.fsum(x * x for x in lam_mp[:min(N, d)]) / f2
    with mpmath.workdps(dps):
        return +val


def eq6_gap_exists(eigenvalues: Any, N: int) -> bool:
    r"""Eq. (6) as printed: for B ⪰ 0 there is a :math:`\mathrm{GAP}(\rho) > 0`, independent of N
    and d, with :math:`\inf_{\mathcal F_{NN,N}} E(f - f_*)^2 \le R_{NT,N}(f_*) - \mathrm{GAP}(\rho)`
    — asserted for every spectrum (the returned truth value), whatever ``eigenvalues`` and N.
    """
    positive_int(N, "N")
    check_type(eigenvalues is not None and not isinstance(eigenvalues, (str, bytes)), "eigenvalues",
               "a sequence of real numbers", eigenvalues)
    lam = as_finite_array([float(x) if isinstance(x, Fraction) else x
                           for x in np.ravel(np.asarray(eigenvalues, dtype=object))], "eigenvalues")
    check(lam.size > 0 and bool(np.all(lam >= 0)), "eq. (6) is stated for B ⪰ 0",
          assumption="B ⪰ 0")
    return True

r"""Gaussian moments by Isserlis/Wick: products of quadratic forms (trace form, symbolic d) and
polynomials in explicit coordinates (small d).

Everything here is *derived* from Isserlis' theorem (Wick's rule) for :math:`x \sim N(0, \Sigma)`,

.. math::

    E[x_{i_1} x_{i_2} \cdots x_{i_{2k}}] = \sum_{\text{pairings } \pi} \prod_{\{a,b\} \in \pi}
    \Sigma_{i_a i_b}, \qquad E[x_{i_1} \cdots x_{i_{2k+1}}] = 0,

and used for the population loss of §2.3 (:mod:`lazysym.nn.loss_symbolic`) and the closure
argument of §1 ("Inner bounds").

**Trace form (general, symbolic d).** A quadratic form :math:`q_A(x) = x^\top A x` has two
"half-edges" (the row and column index of A). A Wick pairing of the 2m half-edges of
:math:`q_{A_1} \cdots q_{A_m}` joins the forms into closed cycles, and each cycle contributes the
trace of the product of its matrices with a :math:`\Sigma` between consecutive ones (a matrix met
through its column index enters transposed). :func:`expect_quadratic_forms` enumerates the
(2m−1)!! pairings literally. For symmetric :math:`A_k` the sum collapses to the permutation
formula below: an (undirected) cycle through L ≥ 3 forms is produced by :math:`2^L` pairings (two
half-edge choices per form) and is two cycles of π (its two directions), a 2-cycle by 2 pairings
and one transposition, a self-loop by one pairing; so each cycle of π of length L carries
:math:`2^{L-1}`, i.e.

.. math::

    E\Big[\prod_{k=1}^m x^\top A_k x\Big] = \sum_{\pi \in S_m} 2^{\,m - \#\mathrm{cyc}(\pi)}
    \prod_{c \in \mathrm{cyc}(\pi)} \operatorname{Tr}\Big(\prod_{k \in c} A_k \Sigma\Big),

e.g. :math:`E[q_A q_C] = \operatorname{Tr}(A\Sigma)\operatorname{Tr}(C\Sigma) +
2\operatorname{Tr}(A\Sigma C\Sigma)`;
:func:`wick_permutation_formula` implements that second form independently (they are tested
against each other, against explicit coordinates and against quadrature).

Matrices are SymPy :class:`~sympy.MatrixSymbol` objects (shape ``(d, d)`` or ``(d, N)`` with
symbolic ``d``, ``N``); :class:`SymmetricMatrixSymbol` marks symmetric ones (``A.T == A``).
Traces are the canonical, commutative :class:`Tr` atoms: ``Tr(A, Sigma, C, Sigma)`` is
:math:`\operatorname{Tr}(A\Sigma C\Sigma)`, normalised under cyclic rotation and transposition,
so equal traces are equal SymPy objects and identities are decided by ``expand``.

**Explicit coordinates (small d).** :func:`isserlis_moment` gives :math:`E[x^\alpha]` for an
explicit (symbolic or numeric) Σ by the Isserlis recursion
:math:`E[x_i x^{\beta}] = \sum_j \beta_j \Sigma_{ij} E[x^{\beta - e_j}]`;
:func:`expect_polynomial` applies it to a polynomial in :math:`x_1, \dots, x_d`.
:func:`evaluate_traces` turns a trace-form result into a number/expression for explicit matrices,
and :func:`gauss_hermite_expectation` is an independent numerical integrator (tensor
Gauss–Hermite quadrature), exact for polynomials of degree ≤ 2·order − 1.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterable, Sequence
from functools import cache
from typing import Any

import numpy as np
import sympy as sp
from numpy.typing import ArrayLike
from sympy import (
    Identity,
    MatAdd,
    MatMul,
    MatPow,
    MatrixBase,
    MatrixExpr,
    MatrixSymbol,
    Transpose,
    ZeroMatrix,
)

from lazysym._linalg import psd_sqrt
from lazysym._validate import as_symmetric, check_psd, positive_int
from lazysym.errors import AssumptionError, check, check_type
from lazysym.limits import check_limit
from lazysym.objects.expressions import parse_expression

__all__ = [
    "SymmetricMatrixSymbol", "symmetric_matrix", "Tr", "QuadForm", "trace", "frobenius2",
    "matrix_words", "pairings", "expect_quadratic_forms", "wick_permutation_formula",
    "expect_forms", "form_mean", "form_covariance", "isserlis_moment", "expect_polynomial",
    "evaluate_traces", "gauss_hermite_expectation",
]


# --------------------------------------------------------------------------------------------
# matrix symbols, words and canonical traces
# --------------------------------------------------------------------------------------------

class SymmetricMatrixSymbol(MatrixSymbol):
    """A :class:`~sympy.MatrixSymbol` known to be symmetric: its transpose is itself."""

    def __new__(cls, name: str, n: int | sp.Expr,
                m: int | sp.Expr | None = None) -> SymmetricMatrixSymbol:
        """A symmetric ``n × n`` matrix symbol (``m``, if given, must equal ``n``)."""
        m = n if m is None else m
        obj = super().__new__(cls, name, n, m)
        if obj.shape[0] != obj.shape[1]:
            raise AssumptionError(f"a symmetric matrix must be square; got shape {obj.shape}",
                                  assumption=f"{name} symmetric")
        return obj

    def _eval_transpose(self):
        return self


def symmetric_matrix(name: str, d: int | sp.Expr) -> SymmetricMatrixSymbol:
    """A symmetric ``d × d`` matrix symbol (``d`` an integer ≥ 1 or a SymPy symbol)."""
    check_type(isinstance(name, str) and name.isidentifier(), "name", "an identifier string", name)
    if isinstance(d, sp.Symbol):
        return SymmetricMatrixSymbol(name, d, d)
    d = positive_int(d, "d", cap="dimension")
    return SymmetricMatrixSymbol(name, d, d)


def _sym(expr, name: str, variables: Sequence[sp.Symbol] = ()) -> sp.Expr:
    """``expr`` as a SymPy object without ``eval``: a string goes through the whitelist parser
    (with ``variables`` as its names), anything else through ``sympify(strict=True)`` (SymPy
    objects and numbers only: plain ``sympify`` would parse an unknown object's ``str``).
    """
    if isinstance(expr, str):
        out = parse_expression(expr, {str(v): v for v in variables})
    else:
        try:
            out = sp.sympify(expr, strict=True)
        except (sp.SympifyError, TypeError, ValueError) as exc:
            raise AssumptionError(f"{name} must be a SymPy expression (or a string); got "
                                  f"{type(expr).__name__}", assumption=f"{name} type") from exc
    check_type(isinstance(out, sp.Expr), name, "a SymPy expression (or a string)", expr,
               assumption=f"{name} type")
    check(not (isinstance(out, sp.Basic) and out.has(sp.nan, sp.zoo, sp.oo, -sp.oo)),
          f"{name} must be finite; got the non-finite value {out}", assumption=f"{name} finite")
    return out


def _only_sympy_args(cls_name: str, args: tuple) -> None:
    """SymPy's ``Function.__new__`` sympifies its arguments *before* ``eval`` sees them, and plain
    sympify ``eval``-s a string: refuse anything that is not already a SymPy object.
    """
    for a in args:
        check_type(isinstance(a, sp.Basic), f"{cls_name} argument", "a SymPy matrix expression", a,
                   assumption="symbolic matrices")


def _letter_key(letter) -> tuple:
    if isinstance(letter, Transpose):
        return (str(letter.arg.name), 1)
    return (str(letter.name), 0)


def _tp_letter(letter):
    """Transpose of one letter (a symbol or the transpose of a symbol)."""
    if isinstance(letter, Transpose):
        return letter.arg
    if isinstance(letter, SymmetricMatrixSymbol):
        return letter
    return Transpose(letter)


def _canonical_word(letters: Sequence) -> tuple:
    """Representative of Tr(word) under cyclic rotation and Tr(X) = Tr(Xᵀ) (reverse + transpose)."""
    n = len(letters)
    if n == 0:
        return ()
    rev = [_tp_letter(x) for x in reversed(letters)]
    best = list(letters)
    best_key = tuple(_letter_key(x) for x in best)
    for w in (list(letters), rev):
        for r in range(n):
            cand = w[r:] + w[:r]
            key = tuple(_letter_key(x) for x in cand)
            if key < best_key:
                best, best_key = cand, key
    return tuple(best)


def _check_chain(letters: Sequence) -> None:
    """The product must be defined and square (so that its trace is)."""
    for a, b in zip(letters, letters[1:]):
        if sp.simplify(a.shape[1] - b.shape[0]) != 0:
            raise AssumptionError(f"matrix product {a}·{b} undefined: shapes {a.shape}, {b.shape}",
                                  assumption="conformable shapes")
    if sp.simplify(letters[0].shape[0] - letters[-1].shape[1]) != 0:
        raise AssumptionError(f"trace of a non-square product (rows {letters[0].shape[0]}, columns "
                              f"{letters[-1].shape[1]})", assumption="square product")


class Tr(sp.Function):
    r"""The trace :math:`\operatorname{Tr}(L_1 L_2 \cdots L_k)` of a product of matrix letters.

    A commutative SymPy atom. Its arguments are the letters (:class:`~sympy.MatrixSymbol` or
    ``Transpose`` of one); on construction they are rotated/transposed to a canonical
    representative, so ``Tr(A, B) == Tr(B, A)`` and ``Tr(W, Transpose(W)) == Tr(Transpose(W), W)``.
    Use :func:`trace` to take the trace of a general matrix expression (it expands sums).
    """

    is_commutative = True

    def __new__(cls, *args: Any, **options: Any) -> Any:
        """Refuse non-SymPy arguments before SymPy sympifies (and would ``eval``) them."""
        _only_sympy_args("Tr", args)
        return super().__new__(cls, *args, **options)

    @classmethod
    def eval(cls, *letters: MatrixExpr) -> Tr | None:
        """Canonicalise the letters under rotation and transposition (SymPy's construction hook)."""
        if not letters:
            raise AssumptionError("Tr needs at least one matrix letter; use the dimension for Tr(I)",
                                  assumption="non-empty product")
        for x in letters:
            if not (isinstance(x, MatrixSymbol)
                    or (isinstance(x, Transpose) and isinstance(x.arg, MatrixSymbol))):
                raise AssumptionError(f"Tr takes matrix symbols (or their transposes); got {x!r}",
                                      assumption="matrix letters", fix="use trace(expression)")
        _check_chain(letters)
        canon = _canonical_word(letters)
        if tuple(canon) != tuple(letters):
            return cls(*canon)
        return None

    def _eval_is_commutative(self):
        return True

    def _eval_is_real(self):
        return True

    def _sympystr(self, printer):
        return "Tr(" + "*".join(printer._print(x) for x in self.args) + ")"

    def _latex(self, printer, exp=None):
        tex = (r"\operatorname{Tr}\left(" + " ".join(printer._print(x) for x in self.args)
               + r"\right)")
        return tex if exp is None else f"{tex}^{{{exp}}}"


def _as_matrix_expr(M) -> MatrixExpr:
    if isinstance(M, MatrixBase):
        raise AssumptionError("the trace engine takes matrix symbols/expressions; got an explicit "
                              "matrix", assumption="symbolic matrices",
                              fix="use evaluate_traces or expect_polynomial for explicit matrices")
    if not isinstance(M, MatrixExpr):
        raise AssumptionError(f"expected a SymPy matrix expression; got {type(M).__name__}",
                              assumption="symbolic matrices")
    return M


def matrix_words(M: MatrixExpr) -> list[tuple[sp.Expr, tuple]]:
    """Expand a matrix expression into ``[(coefficient, letters), ...]`` (letters: symbols or
    transposed symbols; an empty tuple is the identity). Sums, scalar multiples, products,
    transposes and non-negative integer powers are expanded; nothing else is accepted.
    """
    M = _as_matrix_expr(M)
    if isinstance(M, MatrixSymbol):
        return [(sp.Integer(1), (M,))]
    if isinstance(M, Identity):
        return [(sp.Integer(1), ())]
    if isinstance(M, ZeroMatrix):
        return []
    if isinstance(M, Transpose):
        return [(c, tuple(_tp_letter(x) for x in reversed(w))) for c, w in matrix_words(M.arg)]
    if isinstance(M, MatAdd):
        return [t for a in M.args for t in matrix_words(a)]
    if isinstance(M, MatMul):
        coeff, mats = M.as_coeff_matrices()
        out = [(sp.sympify(coeff, strict=True), ())]
        for F in mats:
            fw = matrix_words(F)
            out = [(c1 * c2, w1 + w2) for c1, w1 in out for c2, w2 in fw]
        return out
    if isinstance(M, MatPow):
        e = M.exp
        check(e.is_Integer and e >= 0, f"only non-negative integer powers are expanded; got {e}",
              assumption="polynomial matrix expression")
        check_limit("exponent", int(e), f"power of the matrix expression {M}")
        fw = matrix_words(M.base)
        check_limit("enumeration", max(1, len(fw)) ** int(e),
                    f"number of words of the expansion of {M}")
        out = [(sp.Integer(1), ())]
        for _ in range(int(e)):
            out = [(c1 * c2, w1 + w2) for c1, w1 in out for c2, w2 in fw]
        return out
    raise AssumptionError(f"cannot expand matrix expression of type {type(M).__name__}: {M}",
                          assumption="polynomial matrix expression")


def _trace_of_words(words: Iterable[tuple[sp.Expr, tuple]], dim) -> sp.Expr:
    total = sp.Integer(0)
    for c, w in words:
        if len(w) == 0:
            total += c * dim
        else:
            _check_chain(w)
            total += c * Tr(*w)
    return total


def trace(M: MatrixExpr | MatrixBase | np.ndarray) -> sp.Expr:
    """Tr(M): for an explicit SymPy/numpy matrix its trace; for a matrix expression the expanded
    sum of canonical :class:`Tr` atoms (Tr(I_d) = d).
    """
    if isinstance(M, (MatrixBase, np.ndarray)):
        # entry by entry, never sp.Matrix(array): it would sympify (eval) a string entry
        E = _explicit_matrix(M, "M")
        check(E.shape[0] == E.shape[1], f"trace of a non-square matrix {E.shape}",
              assumption="square matrix")
        return E.trace()
    M = _as_matrix_expr(M)
    check(sp.simplify(M.shape[0] - M.shape[1]) == 0, f"trace of a non-square matrix {M.shape}",
          assumption="square matrix")
    return sp.expand(_trace_of_words(matrix_words(M), M.shape[0]))


def frobenius2(M: MatrixExpr | MatrixBase | np.ndarray) -> sp.Expr:
    r""":math:`\|M\|_F^2 = \operatorname{Tr}(M M^\top)`, explicit or in trace form."""
    if isinstance(M, (MatrixBase, np.ndarray)):
        M = _explicit_matrix(M, "M")   # never sp.Matrix(array): it would eval a string entry
        return sp.expand(sum(x * x for x in M))
    M = _as_matrix_expr(M)
    return trace(M * M.T)


# --------------------------------------------------------------------------------------------
# Wick's rule for products of quadratic forms
# --------------------------------------------------------------------------------------------

def pairings(items: Sequence) -> Iterable[list[tuple]]:
    """All perfect matchings of ``items`` (an even number of them): (n−1)!! lists of pairs."""
    items = list(items)
    if not items:
        yield []
        return
    if len(items) % 2:
        return
    first, rest = items[0], items[1:]
    for i, partner in enumerate(rest):
        for tail in pairings(rest[:i] + rest[i + 1:]):
            yield [(first, partner)] + tail


def _check_sigma(Sigma) -> MatrixExpr:
    Sigma = _as_matrix_expr(Sigma)
    check(sp.simplify(Sigma.shape[0] - Sigma.shape[1]) == 0,
          f"Σ must be square; got shape {Sigma.shape}", assumption="Σ covariance")
    fw: dict[tuple, sp.Expr] = {}
    for c, w in matrix_words(Sigma):
        fw[tuple(w)] = fw.get(tuple(w), 0) + c
    bw: dict[tuple, sp.Expr] = {}
    for c, w in matrix_words(Sigma.T):
        bw[tuple(w)] = bw.get(tuple(w), 0) + c
    diff = {k: sp.simplify(fw.get(k, 0) - bw.get(k, 0)) for k in set(fw) | set(bw)}
    check(all(v == 0 for v in diff.values()),
          f"Σ must be symmetric (a covariance); {Sigma} ≠ its transpose",
          assumption="Σ symmetric", fix="use SymmetricMatrixSymbol or Identity")
    return Sigma


def _cycle_word(cycle, mats_words, sigma_words):
    """Expand Tr(A_{k1}^{o1} Σ A_{k2}^{o2} Σ ⋯ A_{kL}^{oL} Σ) into (coeff, letters) pairs."""
    out = [(sp.Integer(1), ())]
    for k, transposed in cycle:
        aw = mats_words[k][1] if transposed else mats_words[k][0]
        out = [(c1 * c2, w1 + w2) for c1, w1 in out for c2, w2 in aw]
        out = [(c1 * c2, w1 + w2) for c1, w1 in out for c2, w2 in sigma_words]
    return out


def _cycles_of_pairing(m: int, pairing) -> list[tuple]:
    """Cycles of the graph on forms 0..m-1 given by a pairing of half-edges (k, side).

    Each cycle is a tuple of (k, transposed): form k is traversed from row (side 0) to column
    (side 1), or — if entered through its column index — transposed.
    """
    partner = {}
    for a, b in pairing:
        partner[a] = b
        partner[b] = a
    seen = set()
    cycles = []
    for start in range(m):
        if start in seen:
            continue
        cyc = [(start, False)]
        seen.add(start)
        exit_ = (start, 1)
        while True:
            k, side = partner[exit_]
            if k == start and side == 0:
                break
            seen.add(k)
            cyc.append((k, side == 1))
            exit_ = (k, 0) if side == 1 else (k, 1)
        cycles.append(tuple(cyc))
    return cycles


def expect_quadratic_forms(mats: Sequence[MatrixExpr], Sigma: MatrixExpr | None = None) -> sp.Expr:
    r"""Trace form of :math:`E[\prod_k x^\top A_k x]`, :math:`x \sim N(0, \Sigma)`, by Isserlis.

    Enumerates the (2m−1)!! Wick pairings of the 2m indices and sums, over each, the product of
    the traces of its cycles (see the module docstring). Non-symmetric :math:`A_k` are allowed
    (a form entered through its column index contributes :math:`A_k^\top`).

    Parameters
    ----------
    mats:
        Square matrix expressions :math:`A_1, \dots, A_m` (symbols, sums, products, transposes).
    Sigma:
        The covariance: a :class:`SymmetricMatrixSymbol`, ``Identity(d)`` (default: the identity
        of the size of ``A_1``) or a symmetric expression.

    Returns
    -------
    sympy.Expr
        Expanded polynomial in :class:`Tr` atoms (and ``d`` for Tr(I)). For m = 2:
        :math:`\operatorname{Tr}(A\Sigma)\operatorname{Tr}(C\Sigma)
        + \operatorname{Tr}(A\Sigma C\Sigma) + \operatorname{Tr}(A\Sigma C^\top\Sigma)`.
    """
    mats = [_as_matrix_expr(A) for A in mats]
    if not mats:
        return sp.Integer(1)
    check_limit("enumeration", math.prod(range(1, 2 * len(mats), 2)),
                f"number of Wick pairings (2m−1)!! of m = {len(mats)} quadratic forms")
    dim = mats[0].shape[0]
    Sigma = Identity(dim) if Sigma is None else _check_sigma(Sigma)
    for A in mats:
        check(sp.simplify(A.shape[0] - A.shape[1]) == 0 and sp.simplify(A.shape[0] - dim) == 0,
              f"quadratic forms need square matrices of size {dim}; got {A.shape}",
              assumption="A square, conformable with Σ")
    check(sp.simplify(Sigma.shape[0] - dim) == 0, f"Σ has shape {Sigma.shape}, forms have size {dim}",
          assumption="Σ conformable")
    m = len(mats)
    mats_words = [(matrix_words(A), matrix_words(A.T)) for A in mats]
    sigma_words = matrix_words(Sigma)
    half_edges = [(k, s) for k in range(m) for s in (0, 1)]
    cache: dict[tuple, sp.Expr] = {}
    total = sp.Integer(0)
    for p in pairings(half_edges):
        term = sp.Integer(1)
        for cyc in _cycles_of_pairing(m, p):
            if cyc not in cache:
                cache[cyc] = _trace_of_words(_cycle_word(cyc, mats_words, sigma_words), dim)
            term *= cache[cyc]
        total += term
    return sp.expand(total)


def _perm_cycles(perm: Sequence[int]) -> list[list[int]]:
    seen, out = set(), []
    for s in range(len(perm)):
        if s in seen:
            continue
        c, j = [], s
        while j not in seen:
            seen.add(j)
            c.append(j)
            j = perm[j]
        out.append(c)
    return out


def wick_permutation_formula(mats: Sequence[MatrixExpr],
                             Sigma: MatrixExpr | None = None) -> sp.Expr:
    r"""The permutation form :math:`\sum_{\pi\in S_m} 2^{m-\#\mathrm{cyc}(\pi)}
    \prod_c \operatorname{Tr}(\prod_{k\in c}A_k\Sigma)`.

    Valid for **symmetric** :math:`A_k` only (checked); an independent implementation of
    :func:`expect_quadratic_forms` (same value, different combinatorics), used as a cross-check.
    """
    mats = [_as_matrix_expr(A) for A in mats]
    if not mats:
        return sp.Integer(1)
    check_limit("enumeration", math.factorial(len(mats)),
                f"number of permutations m! of m = {len(mats)} quadratic forms")
    dim = mats[0].shape[0]
    Sigma = Identity(dim) if Sigma is None else _check_sigma(Sigma)
    for A in mats:
        _check_sigma(A)  # symmetric
    m = len(mats)
    total = sp.Integer(0)
    for perm in itertools.permutations(range(m)):
        cyc = _perm_cycles(perm)
        term = sp.Integer(2) ** (m - len(cyc))
        for c in cyc:
            term *= trace(MatMul(*[x for k in c for x in (mats[k], Sigma)]))
        total += term
    return sp.expand(total)


class QuadForm(sp.Function):
    r"""The random quadratic form :math:`x^\top A x` (a commutative SymPy atom), to be averaged
    over :math:`x \sim N(0, \Sigma)` by :func:`expect_forms`. Also :math:`\langle xx^\top, A\rangle`.
    """

    is_commutative = True

    def __new__(cls, *args: Any, **options: Any) -> Any:
        """Refuse non-SymPy arguments before SymPy sympifies (and would ``eval``) them."""
        _only_sympy_args("QuadForm", args)
        return super().__new__(cls, *args, **options)

    @classmethod
    def eval(cls, A: MatrixExpr) -> None:
        """Check that ``A`` is a matrix expression (SymPy's construction hook; never simplifies)."""
        _as_matrix_expr(A)
        return None

    def _eval_is_commutative(self):
        return True

    def _eval_is_real(self):
        return True

    def _sympystr(self, printer):
        return f"(x.T*{printer._print(self.args[0])}*x)"

    def _latex(self, printer, exp=None):
        tex = r"\left(x^\top \left(" + printer._print(self.args[0]) + r"\right) x\right)"
        return tex if exp is None else f"{tex}^{{{exp}}}"


def expect_forms(expr: sp.Expr, Sigma: MatrixExpr | None = None) -> sp.Expr:
    r""":math:`E[\text{expr}]` for ``expr`` a polynomial in :class:`QuadForm` atoms with scalar
    (commutative) coefficients, :math:`x \sim N(0, \Sigma)`; each monomial by
    :func:`expect_quadratic_forms`. ``Sigma`` defaults to the identity.
    """
    check_type(not isinstance(expr, str), "expr", "a SymPy expression in QuadForm atoms", expr)
    expr = sp.expand(_sym(expr, "expr"))
    forms = sorted(expr.atoms(QuadForm), key=sp.default_sort_key)
    if not forms:
        return expr
    poly = sp.Poly(expr, *forms)
    total = sp.Integer(0)
    for exps, coeff in poly.terms():
        mats = [f.args[0] for f, e in zip(forms, exps) for _ in range(e)]
        total += coeff * expect_quadratic_forms(mats, Sigma)
    return sp.expand(total)


def form_mean(A: MatrixExpr, Sigma: MatrixExpr | None = None,
              const: sp.Expr | float = 0) -> sp.Expr:
    r""":math:`E[x^\top A x + c] = \operatorname{Tr}(A\Sigma) + c`."""
    return expect_forms(QuadForm(A) + const, Sigma)


def form_covariance(A: MatrixExpr, C: MatrixExpr, Sigma: MatrixExpr | None = None) -> sp.Expr:
    r""":math:`\operatorname{Cov}(x^\top A x + a, x^\top C x + c)` (constants drop out); for symmetric
    A, C this is :math:`2\operatorname{Tr}(A\Sigma C\Sigma)`.
    """
    return sp.expand(expect_forms(QuadForm(A) * QuadForm(C), Sigma)
                     - expect_forms(QuadForm(A), Sigma) * expect_forms(QuadForm(C), Sigma))


# --------------------------------------------------------------------------------------------
# explicit coordinates
# --------------------------------------------------------------------------------------------

def _explicit_matrix(M, name: str) -> sp.ImmutableMatrix:
    """An explicit SymPy matrix from a SymPy matrix, a numpy array or nested lists, entry by entry
    through ``sympify(strict=True)`` (a string entry would be ``eval``-ed by ``sp.Matrix``), with
    finite numeric entries.
    """
    if isinstance(M, MatrixBase):
        out = sp.ImmutableMatrix(M)
    else:
        check_type(not isinstance(M, (str, bytes)) and M is not None, name,
                   "an explicit matrix (SymPy Matrix, numpy array or nested lists)", M)
        arr = np.asarray(M, dtype=object)
        check(arr.ndim == 2, f"{name} must be a 2-d matrix; got shape {arr.shape}",
              assumption=f"{name} shape")
        check_limit("dimension", max(arr.shape), f"size of {name}")
        rows = [[_sym(v, f"entry of {name}") for v in row] for row in arr]
        out = sp.ImmutableMatrix(rows)
    check_limit("dimension", max(out.shape), f"size of {name}")
    for v in out:
        check(not v.is_number or (v.is_real is True and v.is_finite is True),
              f"{name} has a non-finite or non-real entry {v}", assumption=f"{name} finite")
    return out


def _explicit_sigma(Sigma) -> sp.ImmutableMatrix:
    S = _explicit_matrix(Sigma, "Σ")
    check(S.shape[0] == S.shape[1] and S.shape[0] >= 1, f"Σ must be square; got shape {S.shape}",
          assumption="Σ covariance")
    asym = (S - S.T).applyfunc(sp.simplify)
    check(asym.is_zero_matrix is True, "Σ must be symmetric", assumption="Σ symmetric",
          fix="pass (Σ + Σᵀ)/2")
    if all(x.is_number for x in S):
        ev = np.linalg.eigvalsh(np.array(S.evalf(), dtype=float))
        scale = max(1.0, float(np.max(np.abs(ev))))
        check(ev[0] >= -1e-12 * scale * S.shape[0],
              f"Σ must be positive semidefinite (a covariance); smallest eigenvalue {ev[0]:.6g}",
              assumption="Σ ⪰ 0")
    return S


@cache
def _moment(alpha: tuple, S: sp.ImmutableMatrix) -> sp.Expr:
    if sum(alpha) == 0:
        return sp.Integer(1)
    if sum(alpha) % 2:
        return sp.Integer(0)
    i = next(k for k, a in enumerate(alpha) if a)
    beta = list(alpha)
    beta[i] -= 1
    total = sp.Integer(0)
    for j, bj in enumerate(beta):
        if bj == 0 or S[i, j] == 0:
            continue
        gamma = list(beta)
        gamma[j] -= 1
        total += bj * S[i, j] * _moment(tuple(gamma), S)
    return sp.expand(total)


def isserlis_moment(alpha: Sequence[int], Sigma: MatrixBase | ArrayLike) -> sp.Expr:
    r""":math:`E[x_1^{\alpha_1} \cdots x_d^{\alpha_d}]` for :math:`x \sim N(0, \Sigma)` (Isserlis).

    By the recursion :math:`E[x_i x^\beta] = \sum_j \beta_j \Sigma_{ij} E[x^{\beta - e_j}]`
    (pair the first factor :math:`x_i` with each remaining factor), i.e. the sum over pairings.
    ``Sigma`` is an explicit matrix with numeric or symbolic entries (exact arithmetic).
    """
    S = _explicit_sigma(Sigma)
    check_type(not isinstance(alpha, (str, bytes)) and hasattr(alpha, "__iter__"), "alpha",
               "a sequence of non-negative integers", alpha)
    alpha = tuple(alpha)
    check_type(all(isinstance(a, (int, np.integer)) and not isinstance(a, (bool, np.bool_))
                   for a in alpha), "alpha", "a sequence of non-negative integers", alpha)
    alpha = tuple(int(a) for a in alpha)
    check(len(alpha) == S.shape[0] and all(a >= 0 for a in alpha),
          f"exponents must be {S.shape[0]} non-negative integers; got {alpha}",
          assumption="monomial exponents")
    _check_moment_size(alpha)
    return _moment(alpha, S)


def _check_moment_size(alpha: tuple) -> None:
    """The Isserlis recursion visits at most Π(α_i + 1) sub-monomials, at depth |α|/2."""
    check_limit("hermite_degree", sum(alpha), "total degree |α| of the monomial")
    check_limit("enumeration", math.prod(a + 1 for a in alpha),
                f"number Π(α_i + 1) of sub-monomials of the Isserlis recursion for α = {alpha}")


def expect_polynomial(poly: sp.Expr, Sigma: MatrixBase | ArrayLike,
                      xs: Sequence[sp.Symbol] | None = None) -> sp.Expr:
    r""":math:`E[p(x)]` for a polynomial p in :math:`x_1, \dots, x_d`, :math:`x \sim N(0, \Sigma)`.

    Parameters
    ----------
    poly:
        SymPy expression polynomial in ``xs`` (coefficients may contain other symbols).
    Sigma:
        Explicit d×d covariance (SymPy or numpy; symbolic entries allowed).
    xs:
        The d coordinate symbols; default ``x1, ..., xd``.
    """
    S = _explicit_sigma(Sigma)
    d = S.shape[0]
    xs = list(sp.symbols(f"x1:{d + 1}")) if xs is None else list(xs)
    check(len(xs) == d, f"need {d} coordinate symbols for a {d}×{d} Σ; got {len(xs)}",
          assumption="x ∈ R^d")
    check(all(isinstance(v, sp.Symbol) for v in xs), "xs must be SymPy symbols",
          assumption="x ∈ R^d")
    expr = sp.expand(_sym(poly, "poly", xs))
    if not expr.has(*xs):
        return expr
    try:
        P = sp.Poly(expr, *xs)
    except sp.PolynomialError as exc:
        raise AssumptionError(f"expect_polynomial needs a polynomial in {xs}; got {poly}",
                              assumption="polynomial integrand") from exc
    total = sp.Integer(0)
    for exps, coeff in P.terms():
        _check_moment_size(tuple(exps))
        m = _moment(tuple(exps), S)
        if m != 0:
            total += coeff * m
    return sp.expand(total)


def evaluate_traces(expr: sp.Expr, values: dict[MatrixSymbol, MatrixBase | ArrayLike],
                    dims: dict[sp.Symbol, int] | None = None) -> sp.Expr:
    """Substitute explicit matrices for the matrix symbols of a trace-form expression.

    ``values`` maps each :class:`~sympy.MatrixSymbol` to an explicit matrix (SymPy or numpy);
    symbolic dimensions (``d``, ``N``) are read off the shapes (or given in ``dims``). Returns an
    exact SymPy value for SymPy input (a Float for float input; call ``float`` on it).
    """
    check_type(not isinstance(expr, str), "expr", "a SymPy expression in Tr atoms", expr)
    expr = _sym(expr, "expr")
    check_type(isinstance(values, dict), "values", "a dict {MatrixSymbol: matrix}", values)
    check_type(dims is None or isinstance(dims, dict), "dims", "a dict {Symbol: int} or None", dims)
    vals = {}
    dims = dict(dims or {})
    for sym, val in values.items():
        check_type(isinstance(sym, MatrixSymbol), "values key", "a SymPy MatrixSymbol", sym)
        M = sp.Matrix(_explicit_matrix(val, str(sym)))
        for s_dim, v_dim in zip(sym.shape, M.shape):
            if isinstance(s_dim, sp.Symbol):
                if s_dim in dims and int(dims[s_dim]) != v_dim:
                    raise AssumptionError(f"inconsistent dimension {s_dim}: {dims[s_dim]} and {v_dim}",
                                          assumption="conformable shapes")
                dims[s_dim] = v_dim
            else:
                check(int(s_dim) == v_dim, f"{sym} has shape {sym.shape}; value has {M.shape}",
                      assumption="conformable shapes")
        if isinstance(sym, SymmetricMatrixSymbol):
            check((M - M.T).applyfunc(sp.simplify).is_zero_matrix is True,
                  f"{sym} is symmetric but its value is not", assumption=f"{sym} symmetric")
        vals[sym] = M
    rep = {}
    for t in expr.atoms(Tr):
        factors = []
        for x in t.args:
            if isinstance(x, Transpose):
                check(x.arg in vals, f"no value for {x.arg}", assumption="all matrices given")
                factors.append(vals[x.arg].T)
            else:
                check(x in vals, f"no value for {x}", assumption="all matrices given")
                factors.append(vals[x])
        P = factors[0]                 # a Tr atom has at least one letter
        for M in factors[1:]:
            P = P * M
        rep[t] = P.trace()
    check(not expr.atoms(QuadForm), "evaluate_traces takes an expectation (no QuadForm left)",
          assumption="trace form")
    return sp.expand(expr.xreplace(rep).subs(dims))


def gauss_hermite_expectation(f: Callable[[np.ndarray], ArrayLike], Sigma: ArrayLike,
                              order: int = 8) -> float:
    r""":math:`E[f(x)]`, :math:`x \sim N(0, \Sigma)`, by tensor Gauss–Hermite quadrature (numpy).

    Uses ``order`` probabilists' Hermite nodes per axis (``order**d`` points) and
    :math:`x = \Sigma^{1/2} z`; exact (to round-off) when f is a polynomial of degree
    ≤ 2·order − 1. ``f`` maps an (n, d) array of points to n values. Independent of Isserlis.
    """
    check_type(callable(f), "f", "a callable f(X) → values", f)
    S = as_symmetric(Sigma, "Σ")
    check_psd(S, "Σ", assumption="Σ ⪰ 0", context="a Gaussian expectation")
    order = positive_int(order, "order", cap="hermite_degree")
    d = S.shape[0]
    check(d * math.log(order) <= math.log(2_000_000),
          f"order**d = {order}**{d} quadrature points is too many (cap 2·10⁶)",
          assumption="small d", fix="lower order or use expect_polynomial")
    z, w = np.polynomial.hermite_e.hermegauss(order)
    w = w / math.sqrt(2.0 * math.pi)
    Z = np.array(list(itertools.product(z, repeat=d)))
    Wt = np.prod(np.array(list(itertools.product(w, repeat=d))), axis=1)
    X = Z @ psd_sqrt(S).T
    vals = np.asarray(f(X), dtype=float)
    check(vals.shape == (Z.shape[0],), f"f must return one value per point; got shape {vals.shape}",
          assumption="vectorised integrand")
    check(bool(np.all(np.isfinite(vals))), "f returned NaN or infinite values",
          assumption="integrand finite")
    return float(np.dot(Wt, vals))

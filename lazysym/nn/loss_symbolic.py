r"""The population loss :math:`L(W, c)` of §2.3, *derived* symbolically from its definition.

§2.3 defines, for :math:`x \sim N(0, I_d)`, :math:`f_*(x) = b_0 + \langle x, Bx\rangle` (eq. (8)) and
:math:`\hat f(x; W, c) = \sum_{i=1}^N \langle w_i, x\rangle^2 + c`,

.. math::

    L(W,c) = E[(f_*(x) - \hat f(x;W,c))^2]
           = E\big[(\langle xx^\top, B - WW^\top\rangle + b_0 - c)^2\big]

and everyone then uses the closed form
:math:`2\|B - WW^\top\|_F^2 + (\operatorname{Tr}(B - WW^\top) + b_0 - c)^2`.

* :func:`derive_loss` — general (symbolic) d, N: :math:`\sum_i \langle w_i, x\rangle^2 = x^\top WW^\top x`,
  then Wick's rule (:mod:`lazysym.objects.gaussian`) on :math:`E[(b_0 + x^\top Bx - x^\top WW^\top x - c)^2]`;
  a polynomial in canonical traces.
* :func:`closed_form_loss` — the closed form in the same trace representation (typed in, for
  comparison).
* :func:`derive_loss_explicit` — explicit d, N (small): symbols ``w_{ij}`` (coordinate i of neuron j),
  ``b_{ij}``, ``b0``, ``c``; the integrand is expanded in :math:`x_1..x_d` and averaged by Isserlis;
  symbolic gradient and Hessian (SymPy ``diff``) and ``lambdify``-ed numpy functions with the
  same conventions as :mod:`lazysym.nn.loss` (θ = (w₁, …, w_N, c)).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

import numpy as np
import sympy as sp
from numpy.typing import ArrayLike
from sympy import Identity, MatrixSymbol

from lazysym._validate import as_real, as_symmetric, as_weights, positive_int
from lazysym.errors import check
from lazysym.objects.gaussian import (
    QuadForm,
    SymmetricMatrixSymbol,
    expect_forms,
    expect_polynomial,
    frobenius2,
    trace,
)

__all__ = ["LossSymbols", "loss_symbols", "derive_loss", "closed_form_loss", "ExplicitLoss",
           "derive_loss_explicit", "closed_form_loss_explicit", "MAX_EXPLICIT"]

#: Largest d and N for the explicit (coordinate) expansion: the expanded integrand has
#: O((dN)^4) terms, and the Hessian (dN+1)^2 entries.
MAX_EXPLICIT = 4


@dataclass(frozen=True)
class LossSymbols:
    """The symbols of the general-d derivation: d, N, B (symmetric d×d), W (d×N), b0, c."""

    d: sp.Symbol
    N: sp.Symbol
    B: SymmetricMatrixSymbol
    W: MatrixSymbol
    b0: sp.Symbol
    c: sp.Symbol


def loss_symbols() -> LossSymbols:
    """The (cached, SymPy-interned) symbols used by :func:`derive_loss` and :func:`closed_form_loss`."""
    d, N = sp.symbols("d N", integer=True, positive=True)
    return LossSymbols(d, N, SymmetricMatrixSymbol("B", d, d), MatrixSymbol("W", d, N),
                       sp.Symbol("b0", real=True), sp.Symbol("c", real=True))


def derive_loss() -> sp.Expr:
    r"""L(W, c) of §2.3 derived from the definition :math:`E[(f_* - \hat f)^2]`, general d, N.

    :math:`f_* = b_0 + x^\top B x` (eq. (8)) and :math:`\hat f = x^\top WW^\top x + c` (the
    §2.3 network, :math:`\sum_i\langle w_i,x\rangle^2 = x^\top WW^\top x`), :math:`x\sim N(0,I_d)`;
    the expectation is taken by Wick's rule. Returns a polynomial in ``b0``, ``c``, ``d`` and
    canonical traces (:class:`lazysym.objects.gaussian.Tr`) of words in B, W, Wᵀ.
    """
    s = loss_symbols()
    f_star = s.b0 + QuadForm(s.B)
    f_hat = QuadForm(s.W * s.W.T) + s.c
    return expect_forms((f_star - f_hat) ** 2, Identity(s.d))


def closed_form_loss() -> sp.Expr:
    r"""The closed form :math:`2\|B - WW^\top\|_F^2 + (\operatorname{Tr}(B - WW^\top) + b_0 - c)^2`
    (as used with §2.3), in the trace representation of :func:`derive_loss`.
    """
    s = loss_symbols()
    M = s.B - s.W * s.W.T
    return sp.expand(2 * frobenius2(M) + (trace(M) + s.b0 - s.c) ** 2)


@dataclass(frozen=True)
class ExplicitLoss:
    """L(W, c) at explicit d, N: the symbols, the expression, its derivatives and numpy versions.

    ``W[i, j]`` is coordinate i of neuron j (neurons are columns); ``theta`` is the parameter
    ordering θ = (w₁, …, w_N, c) of :mod:`lazysym.nn.loss`. The numpy functions take
    ``(W, c, B, b0)``: ``loss`` → float, ``gradient`` → (∇_W L as d×N, ∂_c L), ``hessian`` →
    (dN+1)×(dN+1) array.
    """

    d: int
    N: int
    x: tuple
    W: sp.ImmutableMatrix
    B: sp.ImmutableMatrix
    b0: sp.Symbol
    c: sp.Symbol
    theta: tuple
    expr: sp.Expr
    grad: sp.ImmutableMatrix
    hess: sp.ImmutableMatrix
    _f: Callable
    _g: Callable
    _h: Callable

    def _args(self, W: ArrayLike, c: float, B: ArrayLike, b0: float) -> tuple[float, ...]:
        W = as_weights(W, self.d)
        check(W.shape[1] == self.N, f"W must have N = {self.N} columns; got {W.shape[1]}",
              assumption="W shape")
        B = as_symmetric(B, "B")
        check(B.shape == (self.d, self.d), f"B must be {self.d}×{self.d}; got {B.shape}",
              assumption="B shape")
        iu = np.triu_indices(self.d)
        return (*W.T.ravel(), as_real(c, "c"), *B[iu], as_real(b0, "b0"))

    def loss(self, W: ArrayLike, c: float, B: ArrayLike, b0: float) -> float:
        """L(W, c) (numpy, from the lambdified derivation)."""
        return float(self._f(*self._args(W, c, B, b0)))

    def gradient(self, W: ArrayLike, c: float, B: ArrayLike,
                 b0: float) -> tuple[np.ndarray, float]:
        """(∇_W L as d×N, ∂L/∂c) from the symbolic gradient."""
        g = np.asarray(self._g(*self._args(W, c, B, b0)), dtype=float).ravel()
        return g[:-1].reshape(self.N, self.d).T.copy(), float(g[-1])

    def hessian(self, W: ArrayLike, c: float, B: ArrayLike, b0: float) -> np.ndarray:
        """∇²L in the ordering θ = (w₁, …, w_N, c) from the symbolic Hessian."""
        return np.asarray(self._h(*self._args(W, c, B, b0)), dtype=float)


def _explicit_symbols(d: int, N: int):
    xs = sp.symbols(f"x1:{d + 1}", real=True)
    W = sp.ImmutableMatrix(d, N, lambda i, j: sp.Symbol(f"w_{i + 1}{j + 1}", real=True))
    bs = {}
    for i in range(d):
        for j in range(i, d):
            bs[(i, j)] = bs[(j, i)] = sp.Symbol(f"b_{i + 1}{j + 1}", real=True)
    B = sp.ImmutableMatrix(d, d, lambda i, j: bs[(i, j)])
    return xs, W, B, sp.Symbol("b0", real=True), sp.Symbol("c", real=True)


def _check_sizes(d, N):
    d = positive_int(d, "d")
    N = positive_int(N, "N")
    check(d <= MAX_EXPLICIT and N <= MAX_EXPLICIT,
          f"the explicit expansion is for small sizes (d, N ≤ {MAX_EXPLICIT}); got d={d}, N={N}",
          assumption="small d, N", fix="use derive_loss() (general d) or lazysym.nn.loss")
    return d, N


@cache
def derive_loss_explicit(d: int, N: int) -> ExplicitLoss:
    r"""L(W, c) at explicit d, N by full expansion of :math:`E[(f_*(x) - \hat f(x;W,c))^2]`.

    :math:`f_* = b_0 + \sum_{ij} b_{ij} x_i x_j`, :math:`\hat f = \sum_{j=1}^N (\sum_i w_{ij} x_i)^2 + c`
    (§2.3, the sum over neurons kept explicit), :math:`x \sim N(0, I_d)`, averaged monomial by
    monomial with Isserlis (:func:`lazysym.objects.gaussian.expect_polynomial`). Gradient and Hessian are
    SymPy derivatives of the result; the numpy functions are ``lambdify``-ed from them.
    """
    d, N = _check_sizes(d, N)
    xs, W, B, b0, c = _explicit_symbols(d, N)
    x = sp.Matrix(xs)
    f_star = b0 + (x.T * B * x)[0, 0]
    f_hat = sum(((W[:, j].T * x)[0, 0]) ** 2 for j in range(N)) + c
    expr = expect_polynomial(sp.expand((f_star - f_hat) ** 2), sp.eye(d), xs)
    theta = tuple(W[i, j] for j in range(N) for i in range(d)) + (c,)
    grad = sp.ImmutableMatrix([sp.diff(expr, t) for t in theta])
    hess = sp.ImmutableMatrix(len(theta), len(theta),
                              lambda a, b: sp.diff(grad[a], theta[b]))
    args = list(theta) + [B[i, j] for i in range(d) for j in range(i, d)] + [b0]
    return ExplicitLoss(d, N, tuple(xs), W, B, b0, c, theta, expr, grad, hess,
                        sp.lambdify(args, expr, "numpy"), sp.lambdify(args, grad, "numpy"),
                        sp.lambdify(args, hess, "numpy"))


def closed_form_loss_explicit(d: int, N: int) -> sp.Expr:
    """The closed form 2‖B − WWᵀ‖²_F + (Tr(B − WWᵀ) + b₀ − c)² in the symbols of
    :func:`derive_loss_explicit` (typed in, for comparison).
    """
    d, N = _check_sizes(d, N)
    _, W, B, b0, c = _explicit_symbols(d, N)
    M = B - W * W.T
    return sp.expand(2 * frobenius2(M) + (trace(M) + b0 - c) ** 2)

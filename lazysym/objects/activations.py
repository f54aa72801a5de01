r"""Activation functions σ: one SymPy expression, three consistent forms.

An :class:`Activation` holds a real SymPy expression in the public symbol :data:`x` and derives
from it a vectorised numpy form (:meth:`Activation.numeric`) and an mpmath form
(:meth:`Activation.mp`, at the ambient working precision). The named instances are the
activations the paper uses or mentions:

====================== ================================= ================================
name                   σ(x)                              remark
====================== ================================= ================================
``quadratic``          :math:`x^2`                       Theorem 2, §2.3 (NT and NN)
``quadratic_centered`` :math:`x^2 - 1 = He_2(x)`         Corollary 1 (λ₀ = 0, λ₂ = 2)
``relu``               :math:`\max(x, 0)`
``relu_centered``      :math:`\max(x,0) - 1/\sqrt{2\pi}` λ₀ = 0, as Theorem 1 assumes
``abs``                :math:`|x|`
``erf``                :math:`\mathrm{erf}(x/\sqrt 2)`   = 2Φ(x) − 1; odd, λ₁ = 1/√π
``tanh``               :math:`\tanh x`                   odd
``softplus``           :math:`\log(1 + e^x)`             numpy/mpmath forms overflow-safe
====================== ================================= ================================

``ERF`` is :math:`\operatorname{erf}(x/\sqrt2)` (not :math:`\operatorname{erf}(x)`): with this
scaling σ(G) = 2Φ(G) − 1 for G ~ N(0, 1), so :math:`E[\sigma(G)^2] = \tfrac{2}{\pi}
\arcsin\tfrac12 = \tfrac13` and :math:`\lambda_1 = 1/\sqrt\pi`.

Activations whose expression contains ``Abs``, ``Max``/``Min``, ``Heaviside``, ``sign`` or
``Piecewise`` are *piecewise*: :attr:`Activation.kinks` lists the points where a branch changes,
and :meth:`Activation.pieces` gives the smooth branch on each interval (used by
:mod:`lazysym.objects.hermite` for exact integration and for quadrature split points).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property
from typing import TypeAlias

import mpmath
import numpy as np
import sympy as sp
from numpy.typing import ArrayLike

from lazysym._typing import MPF, RealLike
from lazysym._validate import as_finite_array, as_mpf, as_real
from lazysym.errors import AssumptionError, check, check_type
from lazysym.limits import check_limit
from lazysym.objects import expressions
from lazysym.objects.expressions import parse_expression

__all__ = [
    "x", "Activation", "QUADRATIC", "QUADRATIC_CENTERED", "quadratic", "RELU", "RELU_CENTERED",
    "ABS", "ERF", "TANH", "SOFTPLUS", "activation", "from_expr", "NAMES", "check_a1_growth",
]

#: The real variable every activation expression is written in.
x = sp.Symbol("x", real=True)

_erf_ufunc = np.frompyfunc(math.erf, 1, 1)
_erfc_ufunc = np.frompyfunc(math.erfc, 1, 1)


def _np_erf(u):
    return np.asarray(_erf_ufunc(u), dtype=float)


def _np_erfc(u):
    return np.asarray(_erfc_ufunc(u), dtype=float)


def _np_softplus(u):
    return np.logaddexp(0.0, u)


def _mp_softplus(u):
    return mpmath.log1p(mpmath.exp(u))


#: numpy replacements for functions NumPy lacks (float64 libm erf/erfc, correctly rounded to ~1 ulp).
_NUMPY_MODULES = [{"erf": _np_erf, "erfc": _np_erfc}, "numpy"]

#: Functions that make an expression piecewise (their arguments' zeros are kinks).
_KINKED = (sp.Abs, sp.Max, sp.Min, sp.Heaviside, sp.sign, sp.Piecewise)


def _real_roots(g: sp.Expr) -> list[sp.Expr]:
    """The real zeros of ``g`` (in x), refusing infinitely many."""
    g = sp.sympify(g)
    if not g.has(x):
        return []
    sol = sp.solveset(g, x, domain=sp.S.Reals)
    if not isinstance(sol, sp.FiniteSet):
        raise AssumptionError(
            f"cannot locate the kinks of the activation: zeros of {g} in x are {sol}",
            assumption="σ piecewise smooth with finitely many kinks",
            fix="write σ with Abs/Max/Piecewise whose switching points are finitely many")
    return [r for r in sol if r.is_real]


def _relational_roots(cond) -> list[sp.Expr]:
    out = []
    for rel in cond.atoms(sp.core.relational.Relational):
        out += _real_roots(rel.lhs - rel.rhs)
    return out


def _find_kinks(expr: sp.Expr) -> tuple:
    pts = []
    for node in sp.preorder_traversal(expr):
        if isinstance(node, (sp.Abs, sp.Heaviside, sp.sign)):
            pts += _real_roots(node.args[0])
        elif isinstance(node, (sp.Max, sp.Min)):
            a = node.args
            for i in range(len(a)):
                for j in range(i + 1, len(a)):
                    pts += _real_roots(a[i] - a[j])
        elif isinstance(node, sp.Piecewise):
            for _, cond in node.args:
                if cond not in (sp.true, sp.false):
                    pts += _relational_roots(cond)
    uniq: list[sp.Expr] = []
    for p in sorted(set(sp.nsimplify(p) if p.is_Float else p for p in pts),
                    key=lambda r: float(r)):
        if not uniq or float(p) != float(uniq[-1]):
            uniq.append(p)
    return tuple(uniq)


def _branch(expr: sp.Expr, point) -> sp.Expr:
    """The smooth expression that ``expr`` equals near ``point`` (not a kink)."""
    if expr.is_Atom or not expr.has(*_KINKED):
        return expr
    val = lambda e: float(sp.N(e.subs(x, point), 30))  # noqa: E731
    if isinstance(expr, sp.Piecewise):
        for ex, cond in expr.args:
            if bool(cond.subs(x, point)):
                return _branch(ex, point)
        raise AssumptionError(f"Piecewise expression {expr} is undefined at x = {point}",
                              assumption="σ defined on ℝ")
    args = [_branch(a, point) for a in expr.args]
    if isinstance(expr, sp.Abs):
        return args[0] if val(args[0]) >= 0 else -args[0]
    if isinstance(expr, sp.Max):
        return max(args, key=val)
    if isinstance(expr, sp.Min):
        return min(args, key=val)
    if isinstance(expr, sp.Heaviside):
        return sp.Integer(1) if val(args[0]) > 0 else sp.Integer(0)
    if isinstance(expr, sp.sign):
        return sp.Integer(1) if val(args[0]) > 0 else sp.Integer(-1)
    return expr.func(*args)


@dataclass(frozen=True)
class Activation:
    r"""An activation function σ: ℝ → ℝ given by a SymPy expression in :data:`x`.

    Parameters
    ----------
    name:
        Short name (used in reports and error messages).
    expr:
        Real SymPy expression in :data:`x` (the symbol of this module). Constants only (no
        other free symbols); a string is read by the whitelist parser
        :func:`lazysym.objects.expressions.parse_expression` (never ``eval``).
    assume_a1:
        The documented override of :func:`check_a1_growth`: ``True`` declares that σ satisfies
        the growth condition of A1 when the conservative rule cannot show it (your
        responsibility; the Hermite series of an activation outside :math:`L^2(\gamma)` is
        meaningless).

    Notes
    -----
    The numpy and mpmath forms are lambdified from ``expr`` once, on construction, so the
    three forms agree by construction up to the precision of each backend (float64 for
    :meth:`numeric`, the ambient ``mpmath.mp`` precision for :meth:`mp`); the test suite
    checks this for every named activation. Assumption **A1** of the paper is *not* checked
    here (a linear σ is a valid activation object); see :func:`lazysym.objects.hermite.check_a1`.
    """

    name: str
    expr: sp.Expr
    assume_a1: bool = False
    _np_fn: Callable = field(init=False, repr=False, compare=False)
    _mp_fn: Callable = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        check(isinstance(self.name, str) and self.name != "",
              f"activation name must be a non-empty string; got {self.name!r}",
              assumption="activation name")
        check_type(isinstance(self.assume_a1, (bool, np.bool_)), "assume_a1", "a bool",
                   self.assume_a1)
        if isinstance(self.expr, str):
            expr = parse_expression(self.expr)           # whitelist parser: no eval
        else:
            try:   # strict: SymPy objects and numbers only (sympify of other objects parses str())
                expr = sp.sympify(self.expr, strict=True)
            except (sp.SympifyError, TypeError, ValueError) as exc:
                raise AssumptionError(
                    f"activation expression must be a SymPy expression in x or a string; got "
                    f"{type(self.expr).__name__}", assumption="σ a SymPy expression in x") from exc
        # accept expressions written with a plain Symbol('x') by mapping it onto the real x
        plain = [s for s in expr.free_symbols if s.name == "x" and s != x]
        expr = expr.subs({s: x for s in plain})
        extra = expr.free_symbols - {x}
        check(not extra, f"activation expression has free symbols other than x: {sorted(map(str, extra))}",
              assumption="σ a function of x only", fix="substitute numbers for the parameters")
        check(isinstance(expr, sp.Expr), f"activation expression must be a SymPy Expr; got {expr!r}",
              assumption="σ a SymPy expression in x")
        bad = [c for c in (sp.oo, -sp.oo, sp.zoo, sp.nan, sp.I) if expr.has(c)]
        check(not bad, f"σ = {expr} contains {bad[0] if bad else ''}: an activation is a finite, "
              "real-valued function", assumption="σ real and finite")
        check_limit("expression_nodes", sum(1 for _ in sp.preorder_traversal(expr)),
                    "number of nodes of the activation expression")
        if expr.is_polynomial(x):
            check_limit("hermite_degree", int(sp.degree(expr, x)) if expr.has(x) else 0,
                        "degree of the polynomial activation")
        object.__setattr__(self, "expr", expr)
        if expr == sp.log(1 + sp.exp(x)):
            # softplus: log(1 + e^u) overflows for u ≳ 710 in float64; logaddexp does not
            np_fn = _np_softplus
        else:
            np_fn = sp.lambdify(x, expr.rewrite(sp.Piecewise) if expr.has(sp.Heaviside, sp.sign)
                                else expr, modules=_NUMPY_MODULES)
        if expr == sp.log(1 + sp.exp(x)):
            # log(1 + e^u) in floating point loses ~|u|/ln10 digits for u ≪ 0; log1p does not
            mp_fn = _mp_softplus
        else:
            mp_fn = sp.lambdify(x, expr, modules="mpmath")
        object.__setattr__(self, "_np_fn", np_fn)
        object.__setattr__(self, "_mp_fn", mp_fn)

    # ---------------------------------------------------------------------------------------
    def numeric(self, u: ArrayLike) -> np.ndarray:
        """σ(u) elementwise, float64, same shape as ``u`` (finite input required)."""
        arr = as_finite_array(u, "u")
        with np.errstate(over="ignore"):
            out = self._np_fn(arr)
        out = np.array(np.broadcast_to(np.asarray(out, dtype=float), arr.shape))
        return out

    def mp(self, u: RealLike) -> MPF:
        """σ(u) as an ``mpmath.mpf`` at the ambient working precision (``mpmath.mp``)."""
        u = as_mpf(u, "u")          # finite, real (strings read exactly, never eval'd)
        v = self._mp_fn(u)
        if isinstance(v, mpmath.mpc):
            check(abs(v.imag) <= abs(v) * mpmath.eps * 16,
                  f"σ({u}) is complex ({v}); the activation must be real on ℝ",
                  assumption="σ real")
            v = v.real
        return mpmath.mpf(v)

    def __call__(self, u: ArrayLike) -> np.ndarray:
        """Shorthand for :meth:`numeric`."""
        return self.numeric(u)

    def __reduce__(self) -> tuple[type[Activation], tuple[str, sp.Expr, bool]]:
        # the lambdified forms do not pickle; rebuild them from (name, expr, assume_a1)
        return (Activation, (self.name, self.expr, self.assume_a1))

    # ---------------------------------------------------------------------------------------
    @cached_property
    def kinks(self) -> tuple:
        """Sorted real points (SymPy numbers) where the expression switches branch."""
        return _find_kinks(self.expr)

    def pieces(self) -> list[tuple]:
        """``[(lo, hi, branch), ...]`` covering ℝ (``lo = -oo`` first, ``hi = oo`` last).

        On the open interval (lo, hi) σ equals the kink-free expression ``branch``.
        """
        return self._pieces

    @cached_property
    def _pieces(self) -> list[tuple]:
        k = list(self.kinks)
        if not k:
            return [(-sp.oo, sp.oo, self.expr)]
        edges = [-sp.oo] + k + [sp.oo]
        out = []
        for lo, hi in zip(edges[:-1], edges[1:]):
            if lo == -sp.oo:
                mid = hi - 1
            elif hi == sp.oo:
                mid = lo + 1
            else:
                mid = (lo + hi) / 2
            out.append((lo, hi, sp.expand(_branch(self.expr, mid))))
        return out

    @cached_property
    def parity(self) -> int:
        """+1 if σ is even, −1 if odd, 0 otherwise (decided by SymPy; 0 when undecided)."""
        refl = self.expr.subs(x, -x)
        probes = (sp.Rational(37, 100), sp.Rational(13, 10), sp.Rational(29, 10))

        def vanishes(e):
            # cheap numeric screen at a few points, then a symbolic proof
            try:
                if any(abs(complex(sp.N(e.subs(x, p), 20))) > 1e-12 for p in probes):
                    return False
                return sp.simplify(e) == 0
            except Exception:  # pragma: no cover - SymPy could not decide: no shortcut
                return False

        if vanishes(refl - self.expr):
            return 1
        if vanishes(refl + self.expr):
            return -1
        return 0

    @cached_property
    def is_piecewise_polynomial(self) -> bool:
        """True if every branch of :meth:`pieces` is a polynomial in x."""
        return all(b.is_polynomial(x) for _, _, b in self.pieces())


#: What the functions taking an activation accept: an :class:`Activation`, one of :data:`NAMES`,
#: or an expression in ``x`` as a string (resolved by :func:`activation`).
ActivationLike: TypeAlias = "Activation | str"


def from_expr(expr: sp.Expr | str, name: str | None = None, *,
              assume_a1: bool = False) -> Activation:
    """An :class:`Activation` from a SymPy expression (or string) in :data:`x`.

    A string is read by the whitelist parser :func:`lazysym.objects.expressions.parse_expression`
    (``^`` is a power; no ``eval``). The numeric and mpmath forms come from ``sympy.lambdify``.
    ``name`` defaults to ``str(expr)``; ``assume_a1`` is the override of :func:`check_a1_growth`.
    """
    if isinstance(expr, str):
        text = expr
        expr = parse_expression(text)
        name = text.strip() if name is None else name
    return Activation(name if name is not None else str(expr), expr, assume_a1)


QUADRATIC = Activation("quadratic", x**2)
QUADRATIC_CENTERED = Activation("quadratic_centered", x**2 - 1)
RELU = Activation("relu", sp.Max(x, 0))
RELU_CENTERED = Activation("relu_centered", sp.Max(x, 0) - 1 / sp.sqrt(2 * sp.pi))
ABS = Activation("abs", sp.Abs(x))
ERF = Activation("erf", sp.erf(x / sp.sqrt(2)))
TANH = Activation("tanh", sp.tanh(x))
SOFTPLUS = Activation("softplus", sp.log(1 + sp.exp(x)))

_NAMED = {a.name: a for a in (QUADRATIC, QUADRATIC_CENTERED, RELU, RELU_CENTERED, ABS, ERF, TANH,
                              SOFTPLUS)}
#: Names accepted by :func:`activation`.
NAMES = tuple(_NAMED)


def quadratic(c0: float | Fraction | sp.Expr = 0) -> Activation:
    r"""σ(x) = x² + c₀ (``c0 = -1`` is Corollary 1's :math:`x^2 - 1`; ``c0 = 0`` is Theorem 2's x²).

    Integers, fractions and SymPy numbers stay exact; a float stays a float.
    """
    if isinstance(c0, sp.Basic):
        check(c0.is_real is True and c0.is_finite is True, f"c0 must be a finite real number; got {c0}",
              assumption="c0 real")
        c = c0
    elif isinstance(c0, int) and not isinstance(c0, bool):
        c = sp.Integer(c0)
    else:
        if isinstance(c0, Fraction):
            c = sp.Rational(c0.numerator, c0.denominator)
        else:
            c = sp.Float(as_real(c0, "c0"))
    return Activation(f"quadratic(c0={c})", x**2 + c)


def activation(name: ActivationLike) -> Activation:
    """Resolve an activation: the package's one resolver (every module that takes an activation
    calls it, so a name means the same function everywhere).

    Accepts an :class:`Activation` (returned as is), a name of :data:`NAMES` (note ``"erf"`` is
    erf(x/√2)), or an expression in ``x`` such as ``"x^2-1"``, ``"x**2 + x - 1"`` or
    ``"erf(x)"``, read by the whitelist parser
    :func:`lazysym.objects.expressions.parse_expression` (``^`` means power; nothing is
    evaluated as Python).

    Raises
    ------
    InputTypeError
        ``name`` is neither a string nor an Activation.
    AssumptionError
        An unknown name that is not a valid expression either (the message lists the names and
        says what the parser refused).
    """
    if isinstance(name, Activation):
        return name
    check_type(isinstance(name, str), "activation",
               "a name, an expression in x or an Activation", name)
    key = name.strip().lower()
    if key in _NAMED:
        return _NAMED[key]
    try:
        return from_expr(name, name.strip())
    except AssumptionError as exc:
        raise AssumptionError(
            f"unknown activation {name[:80]!r}; valid names: {', '.join(NAMES)}, or an expression "
            f"in x such as 'x^2-1' (as an expression: {exc})", assumption="known activation name",
            fix="use one of the names, or activations.from_expr(expr, name)") from None


def check_a1_growth(act: ActivationLike) -> expressions.GrowthBound | None:
    r"""Certify the growth half of assumption **A1** for σ: square integrability under the
    Gaussian, by a conservative rule read off the expression tree.

    A1 asks :math:`\sigma(u)^2 \le c_0\exp(c_1u^2/2)` for some :math:`c_0` and :math:`c_1 < 1`
    (which makes :math:`\sigma \in L^2(\gamma)`, so every Hermite coefficient λ_k exists and
    Parseval holds). :func:`lazysym.objects.expressions.growth_bound` proves a bound on
    :math:`|\sigma(u)|` node by node (polynomials, ``exp`` of what grows at most like
    :math:`a u^2`, bounded functions, ``log`` of what stays above a positive number, ...); A1's
    growth condition follows when that bound is polynomial, :math:`\exp(o(u^2))`, or
    :math:`\exp(a u^2 + o(u^2))` with :math:`a < 1/4` (take any :math:`c_1 \in (4a, 1)`). It also
    proves σ real-valued and bounded on compact sets. Call it before any Hermite computation.
    The nonlinearity half of A1 is :func:`lazysym.objects.hermite.check_a1`'s.

    Returns
    -------
    GrowthBound or None
        The certified bound (``None`` when the activation was built with ``assume_a1=True``).

    Raises
    ------
    AssumptionError
        ``assumption="A1"``: "cannot verify A1" with the reason, when the rule cannot show the
        bound (it is sufficient, not necessary: e.g. ``exp(x^2/2)`` violates A1, and a σ
        built with ``sqrt(x)`` is not real on ℝ). **Override**: if you know σ satisfies A1,
        build it with ``from_expr(expr, name, assume_a1=True)`` (or
        ``Activation(name, expr, assume_a1=True)``).
    """
    act = activation(act)
    if act.assume_a1:
        return None
    fix = ("if you know σ satisfies A1, declare it: activations.from_expr(expr, name, "
           "assume_a1=True)")
    try:
        bound = expressions.growth_bound(act.expr, x)
    except AssumptionError as exc:
        raise AssumptionError(f"cannot verify A1 (σ² ≤ c₀exp(c₁u²/2), c₁ < 1) for σ = {act.expr} "
                              f"({act.name}): {exc}", assumption="A1", fix=fix) from None
    quarter = sp.Rational(1, 4)
    if bound.kind == "exp" and (bound.degree > 2 or (bound.degree == 2 and not bound.lead < quarter)):
        raise AssumptionError(
            f"cannot verify A1 (σ² ≤ c₀exp(c₁u²/2), c₁ < 1) for σ = {act.expr} ({act.name}): the "
            f"best bound the rule proves is {bound.describe()}, which does not show "
            f"log|σ(u)| ≤ c·u² with c < 1/4", assumption="A1", fix=fix)
    return bound

r"""Expressions written as strings (``"x^2-1"``, ``"tanh(x)"``), parsed by a whitelist: no ``eval``.

``sympy.sympify`` evaluates its input with Python's ``eval``: a string such as
``"__import__('os').system(...)"`` runs. Every string the package accepts as an expression goes
through :func:`parse_expression` instead, which reads it with :func:`ast.parse` and builds the
SymPy object node by node from a fixed vocabulary:

* the variables the caller names (``x`` for activations), and the constants ``pi`` and ``E``;
* integer and decimal literals (a decimal is read *exactly*: ``"0.1"`` is 1/10);
* ``+ - * / **`` and ``^`` (a power, as the README writes ``x^2-1``), unary ``+ -``;
* the functions of :data:`FUNCTIONS` (``exp``, ``log``, ``sqrt``, ``tanh``, ``erf``, ``Abs``,
  ``Max``, ...), called with positional arguments only;
* ``Piecewise((expr, cond), ..., (expr, True))`` whose conditions are single comparisons
  (``x > 0``, ``x <= 1/2``) or ``True``.

Anything else — attributes, subscripts, keywords, strings, comparisons, lambdas, other names —
is refused with an :class:`~lazysym.errors.AssumptionError` naming what was refused. Sizes are
capped (:mod:`lazysym.limits`: characters, nodes, the exponent of a numeric power, the digits of
a literal), so a short string cannot ask for unbounded work.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import sympy as sp

from lazysym.errors import AssumptionError, InputTypeError
from lazysym.limits import LIMITS, check_limit

__all__ = ["CONSTANTS", "FUNCTIONS", "GrowthBound", "GrowthUndecided", "growth_bound", "parse_expression"]

#: Functions an expression may call, by the names it may use.
FUNCTIONS: dict[str, type] = {
    "exp": sp.exp, "log": sp.log, "sqrt": sp.sqrt,
    "sin": sp.sin, "cos": sp.cos, "tan": sp.tan, "atan": sp.atan,
    "sinh": sp.sinh, "cosh": sp.cosh, "tanh": sp.tanh,
    "erf": sp.erf, "erfc": sp.erfc,
    "Abs": sp.Abs, "abs": sp.Abs, "Max": sp.Max, "max": sp.Max, "Min": sp.Min, "min": sp.Min,
    "Heaviside": sp.Heaviside, "sign": sp.sign,
}

#: Named constants.
CONSTANTS: dict[str, sp.Expr] = {"pi": sp.pi, "E": sp.E}

_OPS = {ast.Add: sp.Add, ast.Sub: None, ast.Mult: sp.Mul, ast.Div: None, ast.Pow: sp.Pow}
_COMPARE = {ast.Lt: sp.Lt, ast.LtE: sp.Le, ast.Gt: sp.Gt, ast.GtE: sp.Ge}


def _refuse(what: str, text: str) -> AssumptionError:
    allowed = ", ".join(sorted(set(FUNCTIONS) - {"abs", "max", "min"}) + ["Piecewise"])
    return AssumptionError(
        f"expression {text!r}: {what} is not allowed; an expression may use its variables, "
        f"numbers, + - * / ** ^, the constants pi and E and the functions {allowed}",
        assumption="expression whitelist", fix="write the expression with those only")


def parse_expression(text: str, variables: Mapping[str, sp.Symbol] | None = None) -> sp.Expr:
    """The SymPy expression written in ``text`` (see the module docstring for what is allowed).

    Parameters
    ----------
    text:
        The expression, e.g. ``"x^2 - 1"`` or ``"max(x, 0) - 1/sqrt(2*pi)"``.
    variables:
        Name → SymPy symbol for the free variables the expression may use (default: ``x``, the
        real symbol of :mod:`lazysym.objects.activations`).

    Raises
    ------
    AssumptionError
        For anything outside the whitelist, a syntax error, or a size above :data:`LIMITS`.
    TypeError
        If ``text`` is not a string.
    """
    if not isinstance(text, str):
        raise TypeError(f"an expression must be a string; got {type(text).__name__}")
    if variables is None:
        from lazysym.objects.activations import x
        variables = {"x": x}
    if not (isinstance(variables, Mapping) and all(isinstance(k, str) and isinstance(v, sp.Symbol)
                                                    for k, v in variables.items())):
        raise InputTypeError(f"variables must be a mapping name → sympy.Symbol; got "
                             f"{type(variables).__name__}", assumption="variables type")
    check_limit("expression_chars", len(text), "length of the expression string")
    src = text.strip().replace("^", "**")
    if not src:
        raise AssumptionError("the expression is empty", assumption="expression whitelist")
    try:
        tree = ast.parse(src, mode="eval")
    except (SyntaxError, ValueError) as exc:
        why = exc.msg if isinstance(exc, SyntaxError) else str(exc)
        raise AssumptionError(f"expression {text!r} is not valid syntax ({why})",
                              assumption="expression whitelist") from None
    nodes = sum(1 for _ in ast.walk(tree))
    check_limit("expression_nodes", nodes, "number of nodes of the expression")
    for name in variables:
        if name in FUNCTIONS or name in CONSTANTS:
            raise AssumptionError(f"variable name {name!r} collides with a function or constant",
                                  assumption="expression whitelist")
    return _build(tree.body, text, dict(variables))


def _number(node: ast.Constant, text: str) -> sp.Expr:
    v = node.value
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise _refuse(f"the literal {v!r}", text)
    seg = ast.get_source_segment(text.replace("^", "**"), node) if hasattr(node, "lineno") else None
    if isinstance(v, int):
        check_limit("decimal_exponent", len(str(abs(v))), "digits of an integer literal")
        return sp.Integer(v)
    raw = seg if seg is not None else repr(v)
    mant, _, exp = raw.lower().partition("e")
    if exp:
        try:
            e = int(exp)
        except ValueError:
            raise _refuse(f"the literal {raw!r}", text) from None
        check_limit("decimal_exponent", abs(e), "decimal exponent of a literal")
    return sp.Rational(raw)


def _build(node: ast.AST, text: str, variables: dict[str, sp.Symbol]) -> sp.Expr:
    if isinstance(node, ast.Constant):
        return _number(node, text)
    if isinstance(node, ast.Name):
        if node.id in variables:
            return variables[node.id]
        if node.id in CONSTANTS:
            return CONSTANTS[node.id]
        raise _refuse(f"the name {node.id!r}", text)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        v = _build(node.operand, text, variables)
        return -v if isinstance(node.op, ast.USub) else v
    if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
        a = _build(node.left, text, variables)
        b = _build(node.right, text, variables)
        if isinstance(node.op, ast.Add):
            return a + b
        if isinstance(node.op, ast.Sub):
            return a - b
        if isinstance(node.op, ast.Mult):
            return a * b
        if isinstance(node.op, ast.Div):
            if b == 0:
                raise AssumptionError(f"expression {text!r} divides by zero",
                                      assumption="expression finite")
            return a / b
        if b.is_number:
            if not b.is_real:
                raise _refuse("a non-real exponent", text)
            check_limit("exponent", int(abs(sp.floor(b))) if b.is_finite else LIMITS.exponent + 1,
                        "|exponent| of a power")
        return a ** b
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "Piecewise":
        return _piecewise(node, text, variables)
    if isinstance(node, ast.Call):
        if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
            what = node.func.id if isinstance(node.func, ast.Name) else ast.dump(node.func)[:40]
            raise _refuse(f"a call of {what!r}", text)
        if node.keywords or any(isinstance(a, ast.Starred) for a in node.args):
            raise _refuse("keyword or starred arguments", text)
        args = [_build(a, text, variables) for a in node.args]
        fn = FUNCTIONS[node.func.id]
        if fn in (sp.Max, sp.Min):
            if len(args) < 2:
                raise _refuse(f"{node.func.id} with fewer than two arguments", text)
        elif len(args) != 1:
            raise _refuse(f"{node.func.id} with {len(args)} arguments", text)
        return fn(*args)
    raise _refuse(f"the construct {type(node).__name__}", text)


def _piecewise(node: ast.Call, text: str, variables: dict[str, sp.Symbol]) -> sp.Expr:
    """``Piecewise((expr, cond), ...)``: each argument a pair, each condition a single comparison
    of two expressions or the literal ``True``.
    """
    if node.keywords or not node.args:
        raise _refuse("Piecewise without (expression, condition) pairs", text)
    pairs = []
    for arg in node.args:
        if not (isinstance(arg, ast.Tuple) and len(arg.elts) == 2):
            raise _refuse("a Piecewise argument that is not an (expression, condition) pair", text)
        value, cond = arg.elts
        if isinstance(cond, ast.Constant) and cond.value is True:
            c: sp.Basic = sp.true
        elif (isinstance(cond, ast.Compare) and len(cond.ops) == 1
              and type(cond.ops[0]) in _COMPARE):
            c = _COMPARE[type(cond.ops[0])](_build(cond.left, text, variables),
                                            _build(cond.comparators[0], text, variables))
        else:
            raise _refuse("a Piecewise condition other than one comparison or True", text)
        pairs.append((_build(value, text, variables), c))
    return sp.Piecewise(*pairs)


# --------------------------------------------------------------------------------------------
# growth of an expression in x: a conservative certificate read off the expression tree
# --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class GrowthBound:
    r"""An upper bound on how fast :math:`|f(u)|` grows, proved from the expression tree of f.

    ``kind == "poly"``: :math:`|f(u)| \le \text{lead}\,|u|^{\text{degree}} + o(|u|^{\text{degree}})`;
    ``kind == "exp"``: :math:`\log|f(u)| \le \text{lead}\,|u|^{\text{degree}} +
    o(|u|^{\text{degree}})` (``degree > 0``), as :math:`|u| \to \infty`; in both cases f is
    real-valued and bounded on compact sets. ``lead`` may be ``sympy.oo`` (a bound of that order
    with an unknown constant).
    """

    kind: str
    degree: sp.Expr
    lead: sp.Expr

    def describe(self) -> str:
        """The bound in words, e.g. ``"|f(u)| ≤ C(1 + |u|)^2"`` or ``"log|f(u)| ≤ (1/8)u² + o(u²)"``."""
        if self.kind == "poly":
            return f"|f(u)| ≤ C(1 + |u|)^{self.degree}"
        return f"log|f(u)| ≤ ({self.lead})|u|^{self.degree} + o(|u|^{self.degree})"


class GrowthUndecided(AssumptionError):
    """:func:`growth_bound` could not bound the expression (the reason is the message)."""


#: Functions bounded on ℝ (for a real, locally bounded argument), with a bound of |f|.
_BOUNDED: dict[type, sp.Expr] = {
    sp.sin: sp.Integer(1), sp.cos: sp.Integer(1), sp.tanh: sp.Integer(1), sp.erf: sp.Integer(1),
    sp.erfc: sp.Integer(2), sp.atan: sp.pi / 2, sp.sign: sp.Integer(1), sp.Heaviside: sp.Integer(1),
}
#: Lower bounds of the functions that have one on ℝ.
_LOWER: dict[type, sp.Expr] = {
    sp.exp: sp.Integer(0), sp.cosh: sp.Integer(1), sp.Abs: sp.Integer(0),
    sp.Heaviside: sp.Integer(0), sp.erfc: sp.Integer(0), sp.sin: sp.Integer(-1),
    sp.cos: sp.Integer(-1), sp.tanh: sp.Integer(-1), sp.erf: sp.Integer(-1),
    sp.sign: sp.Integer(-1), sp.atan: -sp.pi / 2,
}
_EPS_DEGREE = sp.Rational(1, 100)   # log|u| = o(|u|^{1/100})


def _undecided(why: str, expr: sp.Expr) -> GrowthUndecided:
    return GrowthUndecided(f"cannot bound the growth of {expr}: {why}",
                           assumption="growth of σ (A1)")


def _poly(degree, lead) -> GrowthBound:
    return GrowthBound("poly", sp.sympify(degree), sp.sympify(lead))


def _combine_sum(bounds: list[GrowthBound]) -> GrowthBound:
    """A bound of |f₁| + … + |f_n| (also of max |f_i|)."""
    exps = [b for b in bounds if b.kind == "exp"]
    pool = exps if exps else bounds
    top = max(b.degree for b in pool)
    leads = [b.lead for b in pool if b.degree == top]
    return GrowthBound("exp" if exps else "poly", top, max(leads) if exps else sum(leads))


def _combine_product(bounds: list[GrowthBound]) -> GrowthBound:
    exps = [b for b in bounds if b.kind == "exp"]
    if not exps:
        lead = sp.Integer(1)
        for b in bounds:
            lead = sp.oo if (b.lead == sp.oo or lead == sp.oo) else lead * b.lead
        return _poly(sum(b.degree for b in bounds), lead)
    top = max(b.degree for b in exps)
    return GrowthBound("exp", top, sum(b.lead for b in exps if b.degree == top))


def _power(b: GrowthBound, p: sp.Expr) -> GrowthBound:
    if b.kind == "poly":
        return _poly(b.degree * p, sp.oo if b.lead == sp.oo else b.lead ** p)
    return GrowthBound("exp", b.degree, b.lead * p)


def _lower(expr: sp.Expr, x: sp.Symbol) -> sp.Expr | None:
    """A number L with expr(u) ≥ L for every real u, or None when no rule applies."""
    if expr.is_number:
        return expr if (expr.is_real and expr.is_finite) else None
    if expr.is_Add:
        parts = [_lower(a, x) for a in expr.args]
        return None if any(p is None for p in parts) else sp.Add(*parts)
    if expr.is_Mul:
        coeff, rest = expr.as_coeff_Mul()
        factors = sp.Mul.make_args(rest)
        lows = [_lower(f, x) for f in factors]
        if coeff >= 0 and all(lo is not None and lo >= 0 for lo in lows):
            return coeff * sp.Mul(*lows)
        return None
    if expr.is_Pow:
        base, e = expr.args
        if e.is_number and e.is_real:
            lo = _lower(base, x)
            if e.is_integer and e.is_even:
                return lo ** e if (lo is not None and lo > 0) else sp.Integer(0)
            if lo is not None and lo >= 0:
                return lo ** e if e > 0 else sp.Integer(0)
        return None
    if isinstance(expr, sp.log):
        lo = _lower(expr.args[0], x)
        return sp.log(lo) if (lo is not None and lo > 0) else None
    if isinstance(expr, (sp.Max, sp.Min)):
        lows = [_lower(a, x) for a in expr.args]
        known: list[Any] = [lo for lo in lows if lo is not None]
        if isinstance(expr, sp.Max):
            return max(known) if known else None
        return min(known) if len(known) == len(lows) else None
    for fn, lo in _LOWER.items():
        if isinstance(expr, fn):
            return lo
    return None


def _upper_part(expr: sp.Expr, x: sp.Symbol) -> GrowthBound:
    """A (poly) bound of max(expr, 0): how fast expr can grow towards +∞."""
    if expr.is_polynomial(x):
        P = sp.Poly(expr, x)
        n, c = P.degree(), P.LC()
        if n <= 0:
            return _poly(0, max(sp.sympify(c), 0))
        if c > 0 or n % 2 == 1:           # → +∞ at one end at least
            return _poly(n, abs(c))
        return _poly(0, sp.oo)            # bounded above (→ −∞ at both ends)
    if expr.is_Mul:
        coeff, rest = expr.as_coeff_Mul()
        lo = _lower(rest, x)
        if coeff < 0 and lo is not None and lo >= 0:
            return _poly(0, 0)            # a negative multiple of something ≥ 0
    if expr.is_Add:
        parts = [_upper_part(a, x) for a in expr.args]
        return _combine_sum(parts)
    return growth_bound(expr, x)


def growth_bound(expr: sp.Expr, x: sp.Symbol | None = None) -> GrowthBound:
    r"""A :class:`GrowthBound` for the real function u ↦ expr(u), or :class:`GrowthUndecided`.

    Rules, by node of the expression tree: numbers (finite, real); x; sums, products and
    ``Max``/``Min`` (combined); a power :math:`g^p` with p a real number (p a positive integer;
    p > 0 with g ≥ 0; p < 0 with g bounded below by a positive number); ``exp(g)`` (by how fast g
    grows towards +∞: ``exp(-x**2)`` is bounded); ``log(g)`` with g bounded below by a positive
    number; ``sinh``/``cosh`` of a polynomially bounded g; the bounded functions ``sin``, ``cos``,
    ``tanh``, ``erf``, ``erfc``, ``atan``, ``sign``, ``Heaviside`` of a real, locally bounded
    argument; ``Abs``; ``Piecewise`` (every branch bounded on ℝ). Lower bounds are read off the
    tree too (``1 + exp(x) ≥ 1``, ``x**2 + 1 ≥ 1``). Anything else is undecided: the rule is
    sufficient, not necessary.
    """
    if x is None:
        from lazysym.objects.activations import x as x_sym
        x = x_sym
    if not isinstance(x, sp.Symbol):
        raise InputTypeError(f"x must be a sympy.Symbol; got {type(x).__name__}",
                             assumption="x type")
    if isinstance(expr, str):
        expr = parse_expression(expr, {x.name: x})
    try:
        expr = sp.sympify(expr, strict=True)
    except (sp.SympifyError, TypeError, ValueError):
        raise InputTypeError(f"expr must be a SymPy expression (or a string); got "
                             f"{type(expr).__name__}", assumption="expr type") from None
    if not isinstance(expr, sp.Expr):
        raise InputTypeError(f"expr must be a SymPy expression; got {type(expr).__name__}",
                             assumption="expr type")
    if expr.is_number:
        if not (expr.is_real is True and expr.is_finite is True):
            raise AssumptionError(f"σ must be a finite real-valued function; the expression "
                                  f"contains the non-finite or non-real constant {expr}",
                                  assumption="σ real and finite")
        return _poly(0, abs(expr))
    if expr == x:
        return _poly(1, 1)
    if expr.is_Symbol:
        raise _undecided(f"it depends on {expr}, not only on {x}", expr)
    if expr.is_Add or isinstance(expr, (sp.Max, sp.Min)):
        return _combine_sum([growth_bound(a, x) for a in expr.args])
    if expr.is_Mul:
        return _combine_product([growth_bound(a, x) for a in expr.args])
    if expr.is_Pow:
        base, p = expr.args
        if not (p.is_number and p.is_real and p.is_finite):
            if base.is_number and base.is_positive:       # c**g = exp(g log c)
                return growth_bound(sp.exp(p * sp.log(base), evaluate=False), x)
            raise _undecided(f"the exponent {p} is not a real number", expr)
        b = growth_bound(base, x)
        if p == 0:
            return _poly(0, 1)
        if p.is_integer and p > 0:
            return _power(b, p)
        lo = _lower(base, x)
        if p > 0:
            if lo is None or lo < 0:
                raise _undecided(f"{base} may be negative, so {expr} may not be real", expr)
            return _power(b, p)
        if lo is None or lo <= 0:
            raise _undecided(f"{base} is not bounded below by a positive number, so {expr} may "
                             "be unbounded near a zero of it", expr)
        return _poly(0, lo ** p)
    if isinstance(expr, sp.exp):
        up = _upper_part(expr.args[0], x)
        if up.kind == "exp":
            raise _undecided(f"its exponent {expr.args[0]} itself grows exponentially", expr)
        if up.degree == 0:
            return _poly(0, sp.oo if up.lead == sp.oo else sp.exp(up.lead))
        return GrowthBound("exp", up.degree, up.lead)
    if isinstance(expr, sp.log):
        arg = expr.args[0]
        lo = _lower(arg, x)
        if lo is None or lo <= 0:
            raise _undecided(f"{arg} is not bounded below by a positive number (log of it may be "
                             "undefined or unbounded)", expr)
        b = growth_bound(arg, x)
        if b.kind == "exp":
            return _poly(b.degree, b.lead)
        return _poly(_EPS_DEGREE, 1) if b.degree > 0 else _poly(0, sp.oo)
    if isinstance(expr, (sp.sinh, sp.cosh)):
        b = growth_bound(expr.args[0], x)
        if b.kind == "exp":
            raise _undecided("the argument grows exponentially", expr)
        if b.degree == 0:
            return _poly(0, sp.oo if b.lead == sp.oo else sp.cosh(b.lead))
        return GrowthBound("exp", b.degree, b.lead)
    if isinstance(expr, sp.Abs):
        return growth_bound(expr.args[0], x)
    if isinstance(expr, sp.Piecewise):
        if expr.args[-1][1] != sp.true:
            raise _undecided("the Piecewise may be undefined (its last condition is not True)", expr)
        return _combine_sum([growth_bound(e, x) for e, _ in expr.args])
    bound = next((b for fn, b in _BOUNDED.items() if isinstance(expr, fn)), None)
    if bound is not None:
        for a in expr.args:
            growth_bound(a, x)              # the argument must be real and locally bounded
        return _poly(0, bound)
    if isinstance(expr, sp.tan):
        b = growth_bound(expr.args[0], x)
        if b.kind == "poly" and b.degree == 0 and b.lead < sp.pi / 2:
            return _poly(0, sp.tan(b.lead))
        raise _undecided("tan has poles on ℝ", expr)
    raise _undecided(f"no growth rule for {type(expr).__name__}", expr)

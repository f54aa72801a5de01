r"""Expressions written as strings (``"x^2-1"``, ``"tanh(x)"``), parsed by a whitelist: no ``eval``.

``sympy.sympify`` evaluates its input with Python's ``eval``: a string such as
``"__import__('os').system(...)"`` runs. Every string the package accepts as an expression goes
through :func:`parse_expression` instead, which reads it with :func:`ast.parse` and builds the
SymPy object node by node from a fixed vocabulary:

* the variables the caller names (``x`` for activations), and the constants ``pi`` and ``E``;
* integer and decimal literals (a decimal is read *exactly*: ``"0.1"`` is 1/10);
* ``+ - * / **`` and ``^`` (a power, as the README writes ``x^2-1``), unary ``+ -``;
* the functions of :data:`FUNCTIONS` (``exp``, ``log``, ``sqrt``, ``tanh``, ``erf``, ``Abs``,
  ``Max``, ...), called with positional arguments only.

Anything else — attributes, subscripts, keywords, strings, comparisons, lambdas, other names —
is refused with an :class:`~lazysym.errors.AssumptionError` naming what was refused. Sizes are
capped (:mod:`lazysym.limits`: characters, nodes, the exponent of a numeric power, the digits of
a literal), so a short string cannot ask for unbounded work.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping

import sympy as sp

from lazysym.errors import AssumptionError
from lazysym.limits import LIMITS, check_limit

__all__ = ["CONSTANTS", "FUNCTIONS", "parse_expression"]

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


def _refuse(what: str, text: str) -> AssumptionError:
    allowed = ", ".join(sorted(set(FUNCTIONS) - {"abs", "max", "min"}))
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
            raise ValueError(f"variable name {name!r} collides with a function or constant")
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

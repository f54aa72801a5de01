"""lazysym.objects.expressions: the whitelist parser (no eval) and the growth certificate of A1.

The parser is checked against SymPy objects built by hand; injections are refused and execute
nothing (a file that must not appear). The growth rule is checked against *exact* growth: for
σ = exp(a·x²), E σ(G)² = (1 − 4a)^(−1/2) is finite iff a < 1/4, and the rule must accept every
a < 1/4 and refuse a ≥ 1/4; certified leads are compared with log|f(u)|/|u|^deg at large u.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import mpmath
import pytest
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

from lazysym import limits
from lazysym.errors import AssumptionError
from lazysym.objects import activations
from lazysym.objects.expressions import GrowthUndecided, growth_bound, parse_expression

x = activations.x
PWNED = Path(tempfile.gettempdir()) / f"lazysym_expr_injection_{os.getpid()}"

INJECTIONS = [
    f"__import__('pathlib').Path({str(PWNED)!r}).touch()",
    f"exec(\"open({str(PWNED)!r}, 'w')\")",
    f"eval(\"open({str(PWNED)!r}, 'w')\")",
    "().__class__.__bases__[0].__subclasses__()",
    "x.__class__",
    "lambda: 0",
    "[c for c in ().__class__.__mro__]",
    "open('/etc/passwd').read()",
    "globals()",
    "x; import os",
    "__builtins__",
    "sympify('x')",
    "Symbol('x')",
    "exp(x, evaluate=False)",
    "exp(*[x])",
    "'x'",
    "b'x'",
    "x if True else 0",
    "x == 1",
    "(x := 3)",
    "{x: 1}",
    "x[0]",
    "f'{x}'",
    "...",
]


@pytest.mark.parametrize("text", INJECTIONS)
def test_injections_are_refused_and_execute_nothing(text):
    PWNED.unlink(missing_ok=True)
    with pytest.raises(AssumptionError) as info:
        parse_expression(text)
    assert info.value.assumption == "expression whitelist"
    assert not PWNED.exists()


@pytest.mark.parametrize("text, expected", [
    ("x^2-1", x ** 2 - 1),
    ("x**2 + x - 1", x ** 2 + x - 1),
    ("0.1*x", sp.Rational(1, 10) * x),                 # decimals are exact
    ("2.5e-1", sp.Rational(1, 4)),
    ("max(x, 0) - 1/sqrt(2*pi)", sp.Max(x, 0) - 1 / sp.sqrt(2 * sp.pi)),
    ("erf(x/sqrt(2))", sp.erf(x / sp.sqrt(2))),
    ("log(1 + exp(x))", sp.log(1 + sp.exp(x))),
    ("-x", -x),
    ("+x", x),
    ("Abs(x) + abs(x)", 2 * sp.Abs(x)),
    ("Heaviside(x)*sign(x)", sp.Heaviside(x) * sp.sign(x)),
    ("E**x", sp.exp(x)),
    ("Piecewise((x**2, x > 1/2), (0, True))", sp.Piecewise((x ** 2, x > sp.Rational(1, 2)),
                                                         (0, True))),
])
def test_parse_builds_the_sympy_expression(text, expected):
    assert sp.simplify(parse_expression(text) - expected) == 0


def test_parse_with_named_variables():
    a, b = sp.symbols("a b")
    assert parse_expression("a*b^2", {"a": a, "b": b}) == a * b ** 2
    with pytest.raises(AssumptionError, match="the name 'x'"):
        parse_expression("x", {"a": a})


def test_parse_caps_are_the_limits_and_can_be_raised():
    with pytest.raises(AssumptionError, match="limit exponent"):
        parse_expression("x**600")
    with limits.raised(exponent=600):
        assert parse_expression("x**600") == x ** 600
    with pytest.raises(AssumptionError, match="limit expression_nodes"):
        parse_expression("+".join(["x"] * 600))


@given(st.text(max_size=40))
def test_any_text_parses_or_is_refused_cleanly(text):
    PWNED.unlink(missing_ok=True)
    try:
        out = parse_expression(text)
    except AssumptionError:
        return
    assert isinstance(out, sp.Expr) and out.free_symbols <= {x}


# --------------------------------------------------------------------------------------------
# the growth rule
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("a", [sp.Rational(1, 5), sp.Rational(6, 25), sp.Rational(249, 1000),
                               sp.Rational(1, 4), sp.Rational(26, 100), sp.Rational(1, 2), 1])
def test_a1_threshold_is_the_exact_integrability_threshold(a):
    """σ = exp(a x²): E σ(G)² = (1 − 4a)^(−1/2) < ∞ iff a < 1/4 (and A1's c₁ = 4a < 1)."""
    act = activations.from_expr(sp.exp(a * x ** 2), f"exp({a}x²)")
    if a < sp.Rational(1, 4):
        bound = activations.check_a1_growth(act)
        assert bound.kind == "exp" and bound.degree == 2 and bound.lead == a
        # independent check: the Gaussian integral converges to its closed form
        with mpmath.workdps(20):
            val = mpmath.quad(lambda u: mpmath.exp(2 * float(a) * u * u - u * u / 2),
                              [-mpmath.inf, 0, mpmath.inf]) / mpmath.sqrt(2 * mpmath.pi)
            assert abs(val - (1 - 4 * float(a)) ** -0.5) < 1e-10
    else:
        with pytest.raises(AssumptionError, match="cannot verify A1") as info:
            activations.check_a1_growth(act)
        assert info.value.assumption == "A1"


@pytest.mark.parametrize("name", activations.NAMES)
def test_named_activations_are_certified(name):
    assert activations.check_a1_growth(name) is not None


@pytest.mark.parametrize("text, kind, degree", [
    ("x^3 - 3*x", "poly", 3), ("tanh(x)", "poly", 0), ("log(1 + exp(x))", "poly", 1),
    ("1/(1 + exp(-x))", "poly", 0), ("x*erf(x)", "poly", 1), ("sqrt(x^2 + 1)", "poly", 1),
    ("exp(-x^2)", "poly", 0), ("exp(1 - abs(x))", "poly", 0), ("cos(x)*x^2", "poly", 2),
    ("exp(x)", "exp", 1), ("x^3*exp(x)", "exp", 1), ("sinh(x)", "exp", 1), ("2^x", "exp", 1),
    ("exp(x^2/8)", "exp", 2), ("Max(x, 0)^2", "poly", 2),
])
def test_growth_bounds(text, kind, degree):
    b = growth_bound(parse_expression(text))
    assert (b.kind, b.degree) == (kind, degree)


@pytest.mark.parametrize("text", ["x^3 - 3*x", "log(1 + exp(x))", "x*erf(x)", "exp(x^2/8)",
                                  "x^3*exp(x)", "sinh(x)", "sqrt(x^2 + 1)", "cos(x)*x^2"])
def test_certified_bounds_hold_numerically(text):
    """The certificate is an upper bound: at |u| = 10³, 10⁴ the true growth is below it."""
    expr = parse_expression(text)
    b = growth_bound(expr)
    f = sp.lambdify(x, expr, "mpmath")
    with mpmath.workdps(40):
        for u in (mpmath.mpf(1000), mpmath.mpf(-1000), mpmath.mpf(10000), mpmath.mpf(-10000)):
            v = abs(f(u))
            if b.kind == "poly":
                assert v <= (float(b.lead) + 1) * (1 + abs(u)) ** float(b.degree)
            else:
                # the o(|u|^deg) remainder (here 3·log|u| at most) is below 0.05·|u|^deg for |u| ≥ 10³
                assert mpmath.log(v) <= (float(b.lead) + 0.05) * abs(u) ** float(b.degree)


@pytest.mark.parametrize("text, fragment", [
    ("sqrt(x)", "may be negative"), ("log(x)", "not bounded below"), ("1/x", "not bounded below"),
    ("exp(exp(x))", "exponentially"), ("tan(x)", "poles"), ("sin(1/x)", "not bounded below"),
    ("x^x", "not a real number"), ("Piecewise((x, x > 0))", "undefined"),
])
def test_growth_undecided(text, fragment):
    with pytest.raises(GrowthUndecided, match=fragment):
        growth_bound(parse_expression(text))


def test_override_is_documented_and_works():
    act = activations.from_expr("exp(x^2/2)", "wide", assume_a1=True)
    assert activations.check_a1_growth(act) is None
    with pytest.raises(AssumptionError, match="assume_a1=True"):
        activations.check_a1_growth("exp(x^2/2)")

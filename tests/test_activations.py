"""lazysym.objects.activations: the three forms (SymPy, numpy, mpmath) agree; names, kinks, errors."""

import mpmath
import numpy as np
import pytest
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

from lazysym.errors import AssumptionError
from lazysym.objects import activations as A

x = A.x
POINTS = [-30.0, -7.5, -2.0, -1.0, -0.3, 0.0, 0.25, 1.0, 1.7, 3.0, 9.0]


@pytest.mark.parametrize("name", A.NAMES)
def test_three_forms_agree_float64(name):
    act = A.activation(name)
    u = np.array(POINTS)
    num = act.numeric(u)
    # SymPy evaluated at 30 digits is the reference; float64 forms agree to a few ulps
    ref = np.array([float(act.expr.subs(x, sp.Float(p, 30)).evalf(30)) for p in POINTS])
    mp = np.array([float(act.mp(p)) for p in POINTS])
    assert num.shape == u.shape
    np.testing.assert_allclose(num, ref, rtol=1e-14, atol=1e-15)
    np.testing.assert_allclose(mp, ref, rtol=1e-14, atol=1e-15)


@pytest.mark.parametrize("name", A.NAMES)
def test_mp_form_follows_ambient_precision(name):
    act = A.activation(name)
    for p in ("-2.5", "0.75", "4"):
        with mpmath.workdps(60):
            v = act.mp(mpmath.mpf(p))
            ref = mpmath.mpf(str(act.expr.subs(x, sp.Rational(p)).evalf(70)))
            # 60 working digits: agreement to 1e-55 relative (a few guard digits of slack)
            assert abs(v - ref) <= mpmath.mpf(10) ** -55 * max(1, abs(ref))


def test_numeric_shapes_and_scalars():
    u = np.linspace(-2, 2, 12).reshape(3, 4)
    for name in A.NAMES:
        out = A.activation(name).numeric(u)
        assert out.shape == (3, 4) and out.dtype == np.float64
    assert A.RELU.numeric(2.0).shape == ()
    # a constant expression still returns an array of u's shape
    assert A.from_expr("3", "const").numeric(u).shape == (3, 4)


def test_known_values():
    assert A.RELU.numeric(np.array([-1.0, 2.0])).tolist() == [0.0, 2.0]
    assert float(A.RELU_CENTERED.mp(0)) == pytest.approx(-1 / np.sqrt(2 * np.pi), rel=1e-15)
    assert float(A.ERF.mp(1.0)) == pytest.approx(0.6826894921370859, rel=1e-15)  # P(|G| ≤ 1)
    assert A.QUADRATIC_CENTERED.expr == x**2 - 1
    # softplus does not overflow in float64
    big = A.SOFTPLUS.numeric(np.array([1000.0, -1000.0]))
    assert big[0] == 1000.0 and big[1] == 0.0


def test_quadratic_family():
    assert A.quadratic(-1).expr == x**2 - 1
    assert A.quadratic(0).expr == x**2
    from fractions import Fraction
    assert A.quadratic(Fraction(1, 3)).expr == x**2 + sp.Rational(1, 3)
    assert A.quadratic(0.5).numeric(np.array([1.0])).tolist() == [1.5]


def test_kinks_and_pieces():
    assert A.RELU.kinks == (0,)
    assert [b for _, _, b in A.RELU.pieces()] == [0, x]
    assert A.ABS.pieces()[0][2] == -x
    assert A.TANH.kinks == ()
    hinge = A.from_expr("Abs(x - 1) + Max(x, 2)", "hinge")
    assert hinge.kinks == (1, 2)
    assert [b for _, _, b in hinge.pieces()] == [3 - x, x + 1, 2 * x - 1]
    assert hinge.is_piecewise_polynomial and not A.TANH.is_piecewise_polynomial
    pw = A.from_expr(sp.Piecewise((x**2, x > sp.Rational(1, 2)), (0, True)), "pw")
    assert pw.kinks == (sp.Rational(1, 2),)


def test_parity():
    assert A.TANH.parity == -1 and A.ERF.parity == -1
    assert A.ABS.parity == 1 and A.QUADRATIC_CENTERED.parity == 1
    assert A.RELU.parity == 0 and A.SOFTPLUS.parity == 0


def test_from_expr_plain_symbol_and_string():
    plain = sp.Symbol("x")
    a = A.from_expr(plain**3 - plain, "cubic")
    assert a.expr == x**3 - x
    b = A.from_expr("x**3 - x")
    assert b.expr == a.expr and b.name == "x**3 - x"
    np.testing.assert_allclose(a.numeric(np.array([2.0])), [6.0])


def test_pickle_roundtrip():
    import pickle
    for act in (A.RELU, A.SOFTPLUS, A.quadratic(0.5)):
        back = pickle.loads(pickle.dumps(act))
        assert back == act
        np.testing.assert_array_equal(back.numeric(np.array(POINTS)), act.numeric(np.array(POINTS)))


def test_activation_lookup_passthrough():
    assert A.activation(A.TANH) is A.TANH
    assert A.activation(" ReLU ") is A.RELU


@pytest.mark.parametrize("call, fragment", [
    (lambda: A.activation("sigmoidish"), "valid names"),
    (lambda: A.activation(3), "activation must be a name"),
    (lambda: A.from_expr("x + y"), "the name 'y' is not allowed"),
    (lambda: A.from_expr(x + sp.Symbol("y")), "other than x"),
    (lambda: A.from_expr("x +* 2"), "not valid syntax"),
    (lambda: A.RELU.numeric(np.array([1.0, np.nan])), "NaN"),
    (lambda: A.TANH.mp(float("inf")), "finite"),
    (lambda: A.quadratic(float("nan")), "finite"),
    (lambda: A.Activation("", x), "name"),
    (lambda: A.from_expr("sqrt(x)").mp(-1.0), "real"),
])
def test_bad_input(call, fragment):
    with pytest.raises(AssumptionError, match=fragment):
        call()


@given(st.floats(-30, 30, allow_nan=False), st.sampled_from(A.NAMES))
def test_numeric_matches_mp_property(u, name):
    act = A.activation(name)
    v = float(act.numeric(np.array([u]))[0])
    w = float(act.mp(u))
    # both float64-accurate evaluations of the same function: a few ulps apart
    assert v == pytest.approx(w, rel=1e-13, abs=1e-300)

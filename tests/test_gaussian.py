"""Tests of lazysym.objects.gaussian: the Wick engine in trace form against explicit coordinates (exact,
symbolic entries), against Gauss–Hermite quadrature (numeric) and against the permutation formula."""

import numpy as np
import pytest
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st
from sympy import Identity, MatrixSymbol, Transpose

from lazysym.errors import AssumptionError
from lazysym.objects.gaussian import (
    QuadForm,
    Tr,
    evaluate_traces,
    expect_forms,
    expect_polynomial,
    expect_quadratic_forms,
    form_covariance,
    form_mean,
    frobenius2,
    gauss_hermite_expectation,
    isserlis_moment,
    pairings,
    symmetric_matrix,
    trace,
    wick_permutation_formula,
)

d_, N_ = sp.symbols("d N", integer=True, positive=True)
A = symmetric_matrix("A", d_)
C = symmetric_matrix("C", d_)
S = symmetric_matrix("Sigma", d_)
M = MatrixSymbol("M", d_, d_)  # not symmetric
W = MatrixSymbol("W", d_, N_)

# Trace forms computed once (the engine is exact; the tests below evaluate them).
TWO = expect_quadratic_forms([A, C], S)
THREE = expect_quadratic_forms([A, C, A], S)
FOUR = expect_quadratic_forms([A, C, A, C], S)
NONSYM = expect_quadratic_forms([M, C], S)


def sym_matrix_of_symbols(name, d):
    return sp.Matrix(d, d, lambda i, j: sp.Symbol(f"{name}{min(i, j)}{max(i, j)}"))


def quad(x, Mat):
    return sp.expand((x.T * Mat * x)[0, 0])


# ------------------------------------------------------------------------------------------
# canonical traces
# ------------------------------------------------------------------------------------------

def test_trace_canonical_under_rotation_and_transpose():
    B = symmetric_matrix("B", d_)
    assert Tr(A, C) == Tr(C, A)
    assert Tr(A, C, B) == Tr(C, B, A) == Tr(B, A, C)
    assert Tr(A, C, B) == Tr(B, C, A)  # transpose-reversal (all symmetric)
    assert Tr(W, Transpose(W)) == Tr(Transpose(W), W)
    assert trace(W.T * A * W) == trace(A * W * W.T)
    assert trace(M) == trace(M.T)
    assert trace(Identity(d_)) == d_


def test_distinct_traces_stay_distinct():
    # Tr(ABC) ≠ Tr(ACB) in general, and Tr(M C) ≠ Tr(Mᵀ C) for non-symmetric M: the
    # canonicalisation must not identify them (checked numerically too).
    B = symmetric_matrix("B", d_)
    # with all-symmetric letters Tr(ABC) = Tr((ABC)ᵀ) = Tr(ACB); with four letters not:
    assert Tr(A, B, C) == Tr(A, C, B)
    assert Tr(A, B, A, C) != Tr(A, A, B, C)
    assert Tr(M, C, M) != Tr(M, C, Transpose(M))
    rng = np.random.default_rng(3)
    Mv = rng.standard_normal((3, 3))
    Cv = rng.standard_normal((3, 3))
    Cv = Cv + Cv.T
    vals = {M: Mv, C: Cv}
    a = float(evaluate_traces(trace(M * C * M), vals))
    b = float(evaluate_traces(trace(M * C * M.T), vals))
    assert abs(a - np.trace(Mv @ Cv @ Mv)) < 1e-10 and abs(b - np.trace(Mv @ Cv @ Mv.T)) < 1e-10
    assert abs(a - b) > 1e-3


def test_trace_rejects_bad_input():
    with pytest.raises(AssumptionError):
        trace(W)  # not square
    with pytest.raises(AssumptionError):
        Tr(W, A)  # product W·A undefined (d×N times d×d)
    with pytest.raises(AssumptionError):
        expect_quadratic_forms([A], M)  # Σ not symmetric
    with pytest.raises(AssumptionError):
        expect_quadratic_forms([sp.eye(2)])  # explicit matrix in the trace engine


# ------------------------------------------------------------------------------------------
# known closed forms
# ------------------------------------------------------------------------------------------

def test_two_forms_closed_form():
    assert sp.expand(TWO - (Tr(A, S) * Tr(C, S) + 2 * Tr(A, S, C, S))) == 0


def test_third_moment_of_one_form():
    # E[(xᵀAx)³] = Tr(A)³ + 6 Tr(A)Tr(A²) + 8 Tr(A³) (cumulants κ_m = 2^{m-1}(m-1)! Tr A^m).
    e = expect_quadratic_forms([A, A, A])
    assert sp.expand(e - (Tr(A) ** 3 + 6 * Tr(A) * Tr(A, A) + 8 * Tr(A, A, A))) == 0


def test_nonsymmetric_form():
    # xᵀMx = xᵀ((M+Mᵀ)/2)x: E[q_M q_C] = Tr(MΣ)Tr(CΣ) + Tr(MΣCΣ) + Tr(MᵀΣCΣ).
    expected = Tr(M, S) * Tr(C, S) + trace(M * S * C * S) + trace(M.T * S * C * S)
    assert sp.expand(NONSYM - expected) == 0


def test_pairings_count():
    for n in range(0, 9, 2):
        assert sum(1 for _ in pairings(range(n))) == (1 if n == 0 else int(np.prod(range(n - 1, 0, -2))))


@pytest.mark.parametrize("mats", [[A, C], [A, C, A], [A, C, A, C], [A, A, C, C]])
def test_pairing_sum_equals_permutation_formula(mats):
    assert sp.expand(expect_quadratic_forms(mats, S) - wick_permutation_formula(mats, S)) == 0


def test_mean_and_covariance():
    assert sp.expand(form_mean(A, S, 5) - (Tr(A, S) + 5)) == 0
    assert sp.expand(form_covariance(A, C, S) - 2 * Tr(A, S, C, S)) == 0
    # the covariance of the form with itself is the variance 2 Tr((AΣ)²)
    assert sp.expand(form_covariance(A, A, S) - 2 * Tr(A, S, A, S)) == 0
    # the constant drops out of the covariance, not out of the mean
    x = expect_forms((QuadForm(A) + 3) * (QuadForm(C) - 2), S) - \
        expect_forms(QuadForm(A) + 3, S) * expect_forms(QuadForm(C) - 2, S)
    assert sp.expand(x - 2 * Tr(A, S, C, S)) == 0


# ------------------------------------------------------------------------------------------
# trace form vs explicit coordinates, exact with symbolic entries
# ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("d", [1, 2, 3])
def test_two_forms_trace_vs_explicit_symbolic(d):
    Av, Cv, Sv = (sym_matrix_of_symbols(n, d) for n in ("a", "c", "s"))
    x = sp.Matrix(sp.symbols(f"x1:{d + 1}"))
    explicit = expect_polynomial(quad(x, Av) * quad(x, Cv), Sv, list(x))
    via_trace = evaluate_traces(TWO, {A: Av, C: Cv, S: Sv})
    assert sp.expand(explicit - via_trace) == 0


@pytest.mark.parametrize("d", [2, 3])
def test_three_forms_trace_vs_explicit_symbolic(d):
    Av, Cv = sym_matrix_of_symbols("a", d), sym_matrix_of_symbols("c", d)
    Sv = sym_matrix_of_symbols("s", d) if d == 2 else sp.diag(*sp.symbols("s1:4"))
    x = sp.Matrix(sp.symbols(f"x1:{d + 1}"))
    explicit = expect_polynomial(quad(x, Av) ** 2 * quad(x, Cv), Sv, list(x))
    assert sp.expand(explicit - evaluate_traces(THREE, {A: Av, C: Cv, S: Sv})) == 0


def test_four_forms_and_nonsymmetric_trace_vs_explicit_symbolic():
    d = 2
    Av, Cv, Sv = (sym_matrix_of_symbols(n, d) for n in ("a", "c", "s"))
    x = sp.Matrix(sp.symbols("x1:3"))
    explicit = expect_polynomial(quad(x, Av) ** 2 * quad(x, Cv) ** 2, Sv, list(x))
    assert sp.expand(explicit - evaluate_traces(FOUR, {A: Av, C: Cv, S: Sv})) == 0
    Mv = sp.Matrix(2, 2, sp.symbols("m1:5"))  # general, non-symmetric
    explicit = expect_polynomial(quad(x, Mv) * quad(x, Cv), Sv, list(x))
    assert sp.expand(explicit - evaluate_traces(NONSYM, {M: Mv, C: Cv, S: Sv})) == 0


@pytest.mark.parametrize("order", ["CM", "MM", "MCM"])
def test_nonsymmetric_forms_entered_transposed(order):
    # a non-symmetric form met through its column index must enter transposed: with M not the
    # first form of a cycle (C·M, M·M, M·C·M) the engine's orientation bookkeeping is exercised
    d = 2
    Cv, Sv = sym_matrix_of_symbols("c", d), sym_matrix_of_symbols("s", d)
    Mv = sp.Matrix(d, d, sp.symbols("m1:5"))
    mats = [{"C": C, "M": M}[ch] for ch in order]
    vals = [{"C": Cv, "M": Mv}[ch] for ch in order]
    x = sp.Matrix(sp.symbols("x1:3"))
    explicit = expect_polynomial(sp.Mul(*[quad(x, V) for V in vals]), Sv, list(x))
    got = evaluate_traces(expect_quadratic_forms(mats, S), {M: Mv, C: Cv, S: Sv})
    assert sp.expand(explicit - got) == 0


def test_isserlis_moments():
    s = sp.symbols("s11 s12 s22")
    Sv = sp.Matrix([[s[0], s[1]], [s[1], s[2]]])
    assert isserlis_moment((4, 0), Sv) == 3 * s[0] ** 2
    assert sp.expand(isserlis_moment((2, 2), Sv) - (s[0] * s[2] + 2 * s[1] ** 2)) == 0
    assert isserlis_moment((3, 0), Sv) == 0 and isserlis_moment((1, 2), Sv) == 0
    # E[x^6] = 15 σ⁶ (5!! pairings)
    assert isserlis_moment((6,), sp.Matrix([[2]])) == 15 * 8
    with pytest.raises(AssumptionError):
        isserlis_moment((2, 0), sp.Matrix([[1, 2], [0, 1]]))  # not symmetric
    with pytest.raises(AssumptionError):
        isserlis_moment((2, 0), sp.Matrix([[1, 2], [2, 1]]))  # not PSD
    with pytest.raises(AssumptionError):
        expect_polynomial(sp.Symbol("x1") ** sp.Rational(1, 2), sp.eye(1))


# ------------------------------------------------------------------------------------------
# numeric: against Gauss–Hermite quadrature (independent of Isserlis)
# ------------------------------------------------------------------------------------------

def _random_case(rng, d):
    G = rng.standard_normal((d, d))
    Sv = G @ G.T / d + 0.1 * np.eye(d)
    Av = rng.standard_normal((d, d))
    Cv = rng.standard_normal((d, d))
    return Sv, (Av + Av.T) / 2, (Cv + Cv.T) / 2


def _qf(X, Mat):
    return np.einsum("ni,ij,nj->n", X, Mat, X)


@pytest.mark.parametrize("d", [2, 3])
def test_trace_forms_vs_quadrature(d):
    rng = np.random.default_rng(10 + d)
    Sv, Av, Cv = _random_case(rng, d)
    vals = {A: Av, C: Cv, S: Sv}
    # degree 4, 6, 8 polynomials: 5 nodes per axis integrate degree ≤ 9 exactly, so only
    # float64 round-off remains (values are O(10..1e3); rtol 1e-10 is ~1e5 ulps).
    quad_two = gauss_hermite_expectation(lambda X: _qf(X, Av) * _qf(X, Cv), Sv, 5)
    quad_three = gauss_hermite_expectation(lambda X: _qf(X, Av) ** 2 * _qf(X, Cv), Sv, 5)
    quad_four = gauss_hermite_expectation(lambda X: _qf(X, Av) ** 2 * _qf(X, Cv) ** 2, Sv, 5)
    for expr, ref in ((TWO, quad_two), (THREE, quad_three), (FOUR, quad_four)):
        got = float(evaluate_traces(expr, vals))
        assert abs(got - ref) <= 1e-10 * max(1.0, abs(ref))


def test_quadrature_detects_a_wrong_formula():
    # the check can fail: dropping the factor 2 of the pairing term is visible numerically
    rng = np.random.default_rng(0)
    Sv, Av, Cv = _random_case(rng, 3)
    ref = gauss_hermite_expectation(lambda X: _qf(X, Av) * _qf(X, Cv), Sv, 4)
    wrong = float(evaluate_traces(Tr(A, S) * Tr(C, S) + Tr(A, S, C, S), {A: Av, C: Cv, S: Sv}))
    assert abs(wrong - ref) > 1e-3 * abs(ref)


def test_quadrature_rejects_bad_sigma():
    with pytest.raises(AssumptionError):
        gauss_hermite_expectation(lambda X: X[:, 0], np.array([[1.0, 2.0], [2.0, 1.0]]), 3)


sym_entries = st.floats(-2, 2, allow_nan=False, allow_infinity=False)


@given(d=st.integers(2, 4), data=st.data())
def test_property_random_psd_sigma(d, data):
    G = np.array(data.draw(st.lists(sym_entries, min_size=d * d, max_size=d * d))).reshape(d, d)
    Sv = G @ G.T  # PSD, possibly singular
    Av = np.array(data.draw(st.lists(sym_entries, min_size=d * d, max_size=d * d))).reshape(d, d)
    Cv = np.array(data.draw(st.lists(sym_entries, min_size=d * d, max_size=d * d))).reshape(d, d)
    Av, Cv = (Av + Av.T) / 2, (Cv + Cv.T) / 2
    vals = {A: Av, C: Cv, S: Sv}
    # degree-4 and degree-6 integrands: 4 nodes per axis are exact up to degree 7.
    ref2 = gauss_hermite_expectation(lambda X: _qf(X, Av) * _qf(X, Cv), Sv, 4)
    ref3 = gauss_hermite_expectation(lambda X: _qf(X, Av) ** 2 * _qf(X, Cv), Sv, 4)
    got2 = float(evaluate_traces(TWO, vals))
    got3 = float(evaluate_traces(THREE, vals))
    # scale of the terms (not of the possibly cancelling sum): round-off is relative to it
    scale = (1 + np.linalg.norm(Sv)) ** 3 * (1 + np.linalg.norm(Av)) ** 2 * (1 + np.linalg.norm(Cv))
    assert abs(got2 - ref2) <= 1e-11 * scale
    assert abs(got3 - ref3) <= 1e-11 * scale
    # the mean and the variance of the form by the engine vs quadrature
    mean = float(evaluate_traces(form_mean(A, S), vals))
    var = float(evaluate_traces(form_covariance(A, A, S), vals))
    assert abs(mean - np.trace(Av @ Sv)) <= 1e-12 * scale
    ref_var = gauss_hermite_expectation(lambda X: (_qf(X, Av) - mean) ** 2, Sv, 3)
    assert abs(var - ref_var) <= 1e-11 * scale


def test_frobenius_and_trace_explicit_vs_symbolic():
    Bv = sp.Matrix([[1, 2], [2, 5]])
    Wv = sp.Matrix([[1, 0, 3], [2, 1, -1]])
    B = symmetric_matrix("B", d_)
    expr = frobenius2(B - W * W.T)
    assert evaluate_traces(expr, {B: Bv, W: Wv}) == frobenius2(Bv - Wv * Wv.T)
    assert frobenius2(Bv - Wv * Wv.T) == sum(x ** 2 for x in (Bv - Wv * Wv.T))
    assert evaluate_traces(trace(W * W.T) + d_, {W: Wv}) == trace(Wv * Wv.T) + 2


@pytest.mark.parametrize("m", [1, 2, 3, 4, 5])
def test_pairings_per_full_cycle(m):
    # the docstring's count: pairings joining all m forms into one cycle number 2^m for m ≥ 3
    # (two directions of the cycle in S_m, each weighted 2^{m-1}); 2 for m = 2, 1 for m = 1;
    # (m−1)!/2 undirected cycles for m ≥ 3
    from lazysym.objects.gaussian import _cycles_of_pairing
    half = [(k, s) for k in range(m) for s in (0, 1)]
    n_one_cycle = sum(1 for p in pairings(half) if len(_cycles_of_pairing(m, p)) == 1)
    from math import factorial
    expected = {1: 1, 2: 2}.get(m, 2 ** m * factorial(m - 1) // 2)
    assert n_one_cycle == expected


def test_quadform_and_tr_never_evaluate_a_string(tmp_path):
    """SymPy's Function.__new__ sympifies (evals) its arguments before eval() sees them; found by
    the thorough fuzz profile: form_mean("__import__(...)") ran the string. Now refused first."""
    from lazysym.errors import InputTypeError
    from lazysym.objects import gaussian as g

    flag = tmp_path / "pwned"
    payload = f"__import__('pathlib').Path({str(flag)!r}).touch()"
    for call in (lambda: g.form_mean(payload), lambda: g.QuadForm(payload), lambda: g.Tr(payload),
                 lambda: g.form_covariance(payload, payload)):
        with pytest.raises(InputTypeError, match="SymPy matrix expression"):
            call()
    assert not flag.exists()

"""Bad input across the package, as one table: each call raises the package's error
(:class:`AssumptionError`, or :class:`~lazysym.errors.InputTypeError` — a TypeError too — for a
wrong type, or :class:`ConvergenceError`), whose message names the problem; never a NaN, a
hang, a silent wrong number, a cryptic error or the execution of an injected string.

Rows whose function lives in a module this table cannot fix yet are kept out of it and listed,
with the failing call, in ``tests/test_fuzz.py::PENDING`` (checked to still fail there); the
entries fixed since are rows at the end of the table.
A row marked ``[new]`` uses an entry point added with this table (``limits``,
``check_a1_growth``, ...); the others were run unchanged against the previous version too
(see the hardening report).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import numpy as np
import pytest
import sympy as sp

import lazysym as ls
from lazysym import limits, nn, nt, rf, stats, testing
from lazysym.compare import chizat_bach, gaps, relu_gap
from lazysym.errors import AssumptionError, ConvergenceError
from lazysym.nn import eckart_young, landscape, lazy, loss, loss_symbolic, training
from lazysym.nn import summary as nn_summary
from lazysym.nn import symbolic as nn_symbolic
from lazysym.nt import symbolic as nt_symbolic
from lazysym.objects import (
    activations,
    expressions,
    fixed_point,
    gaussian,
    hermite,
    hermite_arb,
    spectra,
)
from lazysym.rf import exact as rx
from lazysym.rf import montecarlo as mc

x = activations.x
_B = np.diag([3.0, 2.0, 1.0])
_T = ls.QuadraticTarget(_B)
_W = np.ones((3, 2))
_MIX = ls.GaussianMixture(np.eye(3), 0.1 * np.eye(3))
_G93 = 0.93 * np.eye(3) / 3
_I3 = np.eye(3) / 3
_D1 = spectra.point_mass(1)
_NONPSD = ls.QuadraticTarget(np.diag([1.0, -1.0]))
_NET = lazy.paired_init(3, 2, 1.0, 0)
_A = sp.MatrixSymbol("A", 3, 3)
_X1 = sp.Symbol("x1")
_ZERO_T = ls.QuadraticTarget(np.zeros((3, 3)), b0=0.0)
_WIDE_T = ls.QuadraticTarget(np.diag(np.arange(1.0, 21.0)))

#: A file that an executed injection would create (the side effect checked after every row).
PWNED = Path(tempfile.gettempdir()) / f"lazysym_injection_{os.getpid()}"
INJECT = f"__import__('pathlib').Path({str(PWNED)!r}).touch()"


def _linear():
    return activations.from_expr(2 * x + 1, "affine")


def _assign_B():
    _T.B[0, 0] = -1.0


BAD = [
    # (what, call, words the message must contain)
    # ---- limits and the expression parser -------------------------------------------------
    ("[new] unknown limit", lambda: limits.raised(foo=1).__enter__(), ["unknown limit"]),
    ("[new] limit 0", lambda: limits.raised(dps=0).__enter__(), ["positive integer"]),
    ("[new] limit bool", lambda: limits.raised(dps=True).__enter__(), ["positive integer"]),
    ("parse: not a string", lambda: expressions.parse_expression(3), ["must be a string"]),
    ("parse: too long", lambda: expressions.parse_expression("x+" * 1500 + "x"),
     ["expression_chars"]),
    ("parse: injection", lambda: expressions.parse_expression(INJECT), ["not allowed"]),
    ("parse: attribute", lambda: expressions.parse_expression("x.__class__"), ["Attribute"]),
    ("parse: dunder of a tuple", lambda: expressions.parse_expression("().__class__"),
     ["not allowed"]),
    ("parse: lambda", lambda: expressions.parse_expression("lambda: 1"), ["Lambda"]),
    ("parse: conditional", lambda: expressions.parse_expression("x if x else 1"), ["IfExp"]),
    ("parse: list", lambda: expressions.parse_expression("[x]"), ["List"]),
    ("parse: string literal", lambda: expressions.parse_expression("'a'"), ["literal"]),
    ("parse: complex literal", lambda: expressions.parse_expression("x**1j"), ["literal"]),
    ("parse: huge power", lambda: expressions.parse_expression("x**99999"), ["exponent"]),
    ("parse: tower of powers", lambda: expressions.parse_expression("10**10**10"), ["exponent"]),
    ("parse: huge decimal exponent", lambda: expressions.parse_expression("1e99999"),
     ["decimal exponent"]),
    ("parse: two arguments", lambda: expressions.parse_expression("exp(x, 2)"),
     ["2 arguments"]),
    ("parse: keyword", lambda: expressions.parse_expression("exp(x=1)"), ["keyword"]),
    ("parse: 1/0", lambda: expressions.parse_expression("1/0"), ["divides by zero"]),
    ("parse: empty", lambda: expressions.parse_expression("  "), ["empty"]),
    ("parse: syntax", lambda: expressions.parse_expression("x +"), ["syntax"]),
    ("parse: unknown function", lambda: expressions.parse_expression("gamma(x)"),
     ["'gamma'"]),
    ("[new] parse: Piecewise with 'and'",
     lambda: expressions.parse_expression("Piecewise((x, x > 0 and x < 1), (0, True))"),
     ["Piecewise condition"]),
    ("[new] growth: other symbol", lambda: expressions.growth_bound(x + sp.Symbol("y")),
     ["depends on y"]),
    ("[new] growth: oo", lambda: expressions.growth_bound(sp.oo), ["non-finite"]),
    # ---- activations ----------------------------------------------------------------------
    ("activation: int", lambda: activations.activation(3), ["activation must be"]),
    ("activation: None", lambda: activations.activation(None), ["activation must be"]),
    ("activation: injection", lambda: activations.activation(INJECT), ["not allowed"]),
    ("activation: 'oo'", lambda: activations.activation("oo"), ["'oo' is not allowed"]),
    ("activation: 'nan'", lambda: activations.activation("nan"), ["'nan' is not allowed"]),
    ("activation: unknown name", lambda: activations.activation("sigmoidish"), ["valid names"]),
    ("from_expr: injection", lambda: activations.from_expr(INJECT), ["not allowed"]),
    ("from_expr: other symbol", lambda: activations.from_expr(x + sp.Symbol("y")),
     ["other than x"]),
    ("Activation: injection string", lambda: activations.Activation("a", INJECT),
     ["not allowed"]),
    ("Activation: oo", lambda: activations.Activation("a", x + sp.oo), ["finite"]),
    ("Activation: complex", lambda: activations.Activation("a", x + sp.I), ["real"]),
    ("Activation: nan", lambda: activations.Activation("a", sp.nan), ["finite"]),
    ("Activation: object", lambda: activations.Activation("a", object()),
     ["SymPy expression"]),
    ("[new] Activation: assume_a1 not bool",
     lambda: activations.Activation("a", x, assume_a1="yes"), ["assume_a1 must be a bool"]),
    ("Activation: empty name", lambda: activations.Activation("", x), ["name"]),
    ("Activation: name not str", lambda: activations.Activation(3, x), ["name"]),
    ("Activation: degree 5000", lambda: activations.Activation("a", x ** 5000),
     ["hermite_degree"]),
    ("σ numeric: NaN", lambda: activations.RELU.numeric(np.array([1.0, np.nan])), ["NaN"]),
    ("σ numeric: string", lambda: activations.RELU.numeric("abc"), ["real array"]),
    ("σ mp: inf", lambda: activations.TANH.mp(float("inf")), ["finite"]),
    ("σ mp: 'nan'", lambda: activations.TANH.mp("nan"), ["decimal"]),
    ("σ mp: complex", lambda: activations.TANH.mp(1j), ["real number"]),
    ("σ mp: injection", lambda: activations.TANH.mp(INJECT), ["decimal"]),
    ("σ mp: complex value", lambda: activations.from_expr("sqrt(x)").mp(-1.0), ["real"]),
    ("quadratic(c0=nan)", lambda: activations.quadratic(float("nan")), ["finite"]),
    ("quadratic(c0='1')", lambda: activations.quadratic("1"), ["c0 must be a real number"]),
    ("[new] A1 growth: exp(x²/2)", lambda: activations.check_a1_growth("exp(x^2/2)"),
     ["cannot verify A1"]),
    ("[new] A1 growth: sqrt(x)", lambda: activations.check_a1_growth("sqrt(x)"),
     ["cannot verify A1", "negative"]),
    ("[new] A1 growth: log(x)", lambda: activations.check_a1_growth("log(x)"),
     ["cannot verify A1"]),
    ("[new] A1 growth: exp(exp(x))", lambda: activations.check_a1_growth("exp(exp(x))"),
     ["exponentially"]),
    ("[new] A1 growth: 1/x", lambda: activations.check_a1_growth("1/x"),
     ["cannot verify A1"]),
    ("[new] A1 growth: not an activation", lambda: activations.check_a1_growth(5),
     ["activation must be"]),
    # ---- hermite ----------------------------------------------------------------------------
    ("hermite: negative dps", lambda: hermite.hermite_coefficient(activations.RELU, 2, dps=-3),
     ["dps"]),
    ("hermite: float dps", lambda: hermite.hermite_coefficient(activations.RELU, 2, dps=2.5),
     ["dps"]),
    ("hermite: dps 10**9", lambda: hermite.hermite_coefficient(activations.RELU, 2,
                                                               dps=10 ** 9), ["dps"]),
    ("hermite: negative k", lambda: hermite.hermite_coefficient(activations.RELU, -1), ["k"]),
    ("hermite: injection", lambda: hermite.hermite_coefficient(INJECT, 0), ["not allowed"]),
    ("hermite: 'oo'", lambda: hermite.hermite_coefficient("oo", 0), ["'oo' is not allowed"]),
    ("linear activation (A1)", lambda: hermite.check_a1(_linear()), ["A1"]),
    ("check_a1 unknown", lambda: hermite.check_a1("gelu"), ["valid names"]),
    ("second moment: injection", lambda: hermite.second_moment(INJECT), ["not allowed"]),
    # ---- fixed point ------------------------------------------------------------------------
    ("ρ ≤ 0 for ψ", lambda: fixed_point.solve_psi(0, 0.5, 0.25, _D1), ["ρ"]),
    ("λ̃ ≤ 0 for ψ", lambda: fixed_point.solve_psi(1, 0.5, 0, _D1), ["λ̃"]),
    ("ψ: ρ = inf", lambda: fixed_point.solve_psi(float("inf"), 0.5, 0.25, _D1), ["finite"]),
    ("ψ: ρ string exponent", lambda: fixed_point.solve_psi("1e999999999", 0.5, 0.25, _D1),
     ["decimal_exponent"]),
    ("ψ: λ̃ junk string", lambda: fixed_point.solve_psi(1, 0.5, "abc", _D1), ["string"]),
    ("ψ: dps 0", lambda: fixed_point.solve_psi(1, 0.5, 0.25, _D1, dps=0), ["dps"]),
    ("ψ residual: ρ NaN", lambda: fixed_point.psi_residual(1, float("nan"), 0.5, 0.25, _D1),
     ["finite"]),
    ("ψ bracket: ρ < 0", lambda: fixed_point.psi_bracket(-1, 0.5, 0.25, _D1), ["ρ"]),
    # ---- spectra ----------------------------------------------------------------------------
    ("negative atom", lambda: spectra.Atoms([-1.0, 1.0]), ["≥ 0"]),
    ("weights not summing to 1", lambda: spectra.Atoms([1.0, 2.0], [0.3, 0.3]), ["1"]),
    ("atoms: 1e999999999", lambda: spectra.Atoms(["1e999999999"]), ["decimal_exponent"]),
    ("atoms: empty", lambda: spectra.Atoms([]), ["at least one"]),
    ("atoms: a string", lambda: spectra.Atoms("12"), ["sequence"]),
    ("atoms: NaN", lambda: spectra.Atoms([float("nan")]), ["finite"]),
    ("atoms: 'inf'", lambda: spectra.Atoms(["inf"]), ["decimal"]),
    ("atoms: beyond float64", lambda: spectra.Atoms(["1e400"]), ["float64"]),
    ("atoms: weights length", lambda: spectra.Atoms([1, 2], [1.0]), ["match"]),
    ("atoms: nested list", lambda: spectra.Atoms([[1, 2]]), ["atom value"]),
    ("atoms: dps 0", lambda: spectra.Atoms([1]).integrate(lambda t: t, dps=0), ["dps"]),
    ("[new] atoms: dps 10**9", lambda: spectra.Atoms([1]).mean(dps=10 ** 9), ["limit dps"]),
    ("uniform b < a", lambda: spectra.uniform(2, 1), ["a < b"]),
    ("uniform 'nan'", lambda: spectra.uniform("nan", 1), ["decimal"]),
    ("exponential rate 0", lambda: spectra.exponential(0), ["rate > 0"]),
    ("MP ratio 0", lambda: spectra.marchenko_pastur(0), ["ratio > 0"]),
    ("MP scale < 0", lambda: spectra.marchenko_pastur(1, -1), ["scale > 0"]),
    ("density: pdf not callable", lambda: spectra.Density(3, 0, 1), ["callable"]),
    ("density: negative pdf", lambda: spectra.Density(lambda t: -1, 0, 1), ["≥ 0"]),
    ("density: mass 2", lambda: spectra.Density(lambda t: 2, 0, 1), ["integrate to 1"]),
    ("density: pdf returns a string", lambda: spectra.Density(lambda t: "a", 0, 1),
     ["real number"]),
    ("density: support below 0", lambda: spectra.Density(lambda t: 1, -1, 0), ["[0,∞)"]),
    ("Tr Γ ≠ 1 (A2)", lambda: spectra.check_a2(_G93), ["A2", "0.93"]),
    ("A2: tol < 0", lambda: spectra.check_a2(_I3, tol=-1), ["tol"]),
    ("A2: tol a string", lambda: spectra.check_a2(_I3, tol="a"), ["tol must be a real"]),
    ("A2: Γ not PSD", lambda: spectra.check_a2(np.diag([2.0, -1.0])), ["positive semidefinite"]),
    ("B2: shapes", lambda: spectra.check_b2(np.eye(2) / 2, np.eye(3)), ["same shape"]),
    ("ESD of a non-PSD matrix", lambda: spectra.spectrum_of(-np.eye(2)), ["positive semidefinite"]),
    ("ESD of NaN", lambda: spectra.spectrum_of([[np.nan]]), ["NaN"]),
    ("[new] ESD: check not a bool", lambda: spectra.spectrum_of_gamma(_I3, check="no"),
     ["check must be a bool"]),
    # ---- models -----------------------------------------------------------------------------
    ("non-square B", lambda: ls.QuadraticTarget(np.ones((2, 3))), ["square"]),
    ("non-symmetric B", lambda: ls.QuadraticTarget(np.array([[1.0, 2.0], [0.0, 1.0]])),
     ["symmetric"]),
    ("NaN in B", lambda: ls.QuadraticTarget(np.array([[np.nan]])), ["NaN"]),
    ("B a string", lambda: ls.QuadraticTarget("B"), ["real array"]),
    ("B overflowing", lambda: ls.QuadraticTarget([[1e200]]), ["overflows"]),
    ("b0 inf", lambda: ls.QuadraticTarget(np.eye(2), b0=float("inf")), ["finite"]),
    ("b0 a string", lambda: ls.QuadraticTarget(np.eye(2), b0="1"), ["real number"]),
    ("B 0×0", lambda: ls.QuadraticTarget(np.zeros((0, 0))), ["at least 1x1"]),
    ("B complex", lambda: ls.QuadraticTarget([[1 + 1j]]), ["real"]),
    ("B ragged", lambda: ls.QuadraticTarget([[1.0], [1.0, 2.0]]), ["ragged"]),
    ("[new] B larger than the dimension cap",
     lambda: ls.QuadraticTarget(np.broadcast_to(np.eye(1), (20_001, 20_001))), ["dimension"]),
    ("sample n = 0", lambda: _T.sample(0, 0), ["n ≥ 1"]),
    ("seed -1", lambda: _T.sample(10, -1), ["seed ≥ 0"]),
    ("seed 1.5", lambda: _T.sample(10, 1.5), ["rng must be"]),
    ("seed None", lambda: _T.sample(10, None), ["seed"]),
    ("seed True", lambda: _T.sample(10, True), ["rng must be"]),
    ("seed 'abc'", lambda: _T.sample(10, "abc"), ["rng must be"]),
    ("seed [-1]", lambda: _T.sample(10, [-1]), ["seed entries"]),
    ("sample 10**12 points", lambda: _T.sample(10 ** 12, 0), ["sample"]),
    ("f*(X) with the wrong d", lambda: _T(np.ones((2, 5))), ["X shape"]),
    ("f*(X) with NaN", lambda: _T(np.full((2, 3), np.nan)), ["NaN"]),
    ("require_psd", lambda: _NONPSD.require_psd("Theorem 3"), ["B ⪰ 0"]),
    ("Σ not positive definite (M1)", lambda: ls.GaussianMixture(-np.eye(2), 0 * np.eye(2)),
     ["M1"]),
    ("Σ ± Δ not a covariance", lambda: ls.GaussianMixture(np.eye(2), 2 * np.eye(2)), ["Δ"]),
    ("Σ, Δ shapes", lambda: ls.GaussianMixture(np.eye(2), np.eye(3)), ["same shape"]),
    ("Δ not symmetric", lambda: ls.GaussianMixture(np.eye(2), [[0.0, 0.1], [0.0, 0.0]]),
     ["symmetric"]),
    ("label 0", lambda: _MIX.covariance(0), ["+1 or -1"]),
    ("label True", lambda: _MIX.covariance(True), ["+1 or -1"]),
    ("paper target d = 0", lambda: ls.paper_quadratic_target(0, 0), ["d ≥ 1"]),
    ("[new] paper target d = 10**6", lambda: ls.paper_quadratic_target(10 ** 6, 0),
     ["dimension"]),
    ("paper mixture seed 'x'", lambda: ls.paper_mixture(3, "x"), ["rng must be"]),
    # ---- gaussian moments -------------------------------------------------------------------
    ("E[poly]: injection", lambda: gaussian.expect_polynomial(INJECT, np.eye(1), [_X1]),
     ["not allowed"]),
    ("E[poly]: Σ a string", lambda: gaussian.expect_polynomial(_X1 ** 2, "[[1]]", [_X1]),
     ["explicit matrix"]),
    ("E[poly]: Σ entry injection", lambda: gaussian.expect_polynomial(_X1 ** 2, [[INJECT]],
                                                                      [_X1]), ["not allowed"]),
    ("E[poly]: Σ NaN", lambda: gaussian.expect_polynomial(_X1 ** 2, [[float("nan")]], [_X1]),
     ["non-finite"]),
    ("isserlis: degree 10**6", lambda: gaussian.isserlis_moment((10 ** 6,), [[1]]),
     ["hermite_degree"]),
    ("isserlis: float exponent", lambda: gaussian.isserlis_moment((1.5,), [[1]]),
     ["alpha must be"]),
    ("isserlis: Σ < 0", lambda: gaussian.isserlis_moment((2,), [[-1]]), ["semidefinite"]),
    ("isserlis: wrong length", lambda: gaussian.isserlis_moment((2, 2), [[1]]),
     ["exponents"]),
    ("E[forms]: a string", lambda: gaussian.expect_forms("QuadForm(A)"), ["expr must be"]),
    ("Wick: 9 forms", lambda: gaussian.expect_quadratic_forms([_A] * 9), ["Wick pairings"]),
    ("Wick permutations: 10 forms", lambda: gaussian.wick_permutation_formula([_A] * 10),
     ["permutations"]),
    ("matrix power 10**6", lambda: gaussian.matrix_words(_A ** 1_000_000), ["exponent"]),
    ("Gauss–Hermite: f not callable", lambda: gaussian.gauss_hermite_expectation(3, np.eye(1)),
     ["callable"]),
    ("Gauss–Hermite: f NaN", lambda: gaussian.gauss_hermite_expectation(
        lambda X: np.full(len(X), np.nan), np.eye(1)), ["finite"]),
    ("Gauss–Hermite: 100^8 points", lambda: gaussian.gauss_hermite_expectation(
        lambda X: X[:, 0], np.eye(8), order=100), ["too many"]),
    ("traces: a string", lambda: gaussian.evaluate_traces("Tr(A)", {}), ["expr must be"]),
    ("Tr()", lambda: gaussian.Tr(), ["at least one"]),
    # ---- RF: exact and Monte Carlo ------------------------------------------------------------
    ("RF: W of the wrong d", lambda: rx.rf_risk_quadratic(np.ones((4, 2)), _T), ["d×N"]),
    ("RF: unknown activation", lambda: rx.rf_risk_quadratic(_W, _T, "swish"), ["valid names"]),
    ("RF: injection", lambda: rx.rf_risk_quadratic(_W, _T, INJECT), ["not allowed"]),
    ("RF: activation an int", lambda: rx.rf_risk_quadratic(_W, _T, 3), ["activation must be"]),
    ("RF: kmax 10**9", lambda: rx.rf_solve(_W, _T, "tanh", kmax=10 ** 9), ["series_terms"]),
    ("RF: σ outside L²(γ)", lambda: rx.rf_solve(_W, _T, "exp(x^2/2)"), ["A1"]),
    ("RF: model a string", lambda: rx.rf_gram(_W, "qf"), ["model must be"]),
    ("RF: qf function, mg model", lambda: rx.rf_risk_quadratic(_W, _MIX), ["QuadraticTarget"]),
    ("RF: X of the wrong d", lambda: rx.rf_features(np.ones((5, 2)), _W), ["X must be n×d"]),
    ("RF: X NaN", lambda: rx.rf_features([[np.nan, 1.0, 1.0]], _W), ["NaN"]),
    ("RF: coefficients NaN", lambda: rx.rf_risk_of_coefficients(_W, _T, [np.nan, 1.0]),
     ["NaN"]),
    ("RF: kernel", lambda: rx.rf_gram(_W, _T, "relu", kernel="exact"), ["kernel"]),
    ("MC: n_train 0", lambda: mc.rf_risk_montecarlo(_W, _T, n_train=0, n_test=10, rng=0),
     ["n_train"]),
    ("MC: seed -1", lambda: mc.rf_risk_montecarlo(_W, _T, n_train=10, n_test=10, rng=-1),
     ["seed ≥ 0"]),
    ("MC: injection", lambda: mc.rf_risk_montecarlo(_W, _T, INJECT, n_train=10, n_test=10,
                                                    rng=0), ["not allowed"]),
    ("[new] MC: 10**12 samples", lambda: mc.test_error_montecarlo(lambda X: X[:, 0], _T, 10 ** 12,
                                                                  0), ["samples"]),
    ("MC: chunk 0", lambda: mc.fit_rf_least_squares(_W, _T, n_train=10, rng=0, chunk=0),
     ["chunk"]),
    ("MC: predict NaN", lambda: mc.test_error_montecarlo(lambda X: np.full(len(X), np.nan), _T,
                                                         10, 0), ["NaN"]),
    # ---- RF: printed formulas ------------------------------------------------------------------
    ("Corollary 1 with Tr Γ ≠ 1", lambda: rf.corollary1_risk(ls.QuadraticTarget(_B - np.eye(3) * 2),
                                                              _G93, 1.0), ["A2"]),
    ("Theorem 4 with Tr ΓΣ ≠ 1 (B2)", lambda: rf.theorem4_risk(_MIX, _G93, 1.0), ["B2"]),
    ("Theorem 1: injection", lambda: rf.theorem1_risk(_T, _I3, 1.0, INJECT), ["not allowed"]),
    ("Theorem 1: ρ = inf", lambda: rf.theorem1_risk(_T, _I3, float("inf")), ["ρ"]),
    ("Theorem 1: ρ 1e999999999", lambda: rf.theorem1_risk(_T, _I3, "1e999999999"),
     ["decimal_exponent"]),
    ("Theorem 1: dps 10**9", lambda: rf.theorem1_risk(_T, _I3, 1.0, dps=10 ** 9), ["dps"]),
    ("eq. (13): ρ < 0", lambda: rf.eq13_rf_risk(_T, -1), ["ρ"]),
    # ---- NT ---------------------------------------------------------------------------------
    ("NT: NaN in W", lambda: nt.nt_risk_quadratic(np.full((3, 2), np.nan), _T), ["NaN"]),
    ("NT: target a string", lambda: nt.nt_risk_quadratic(_W, "B"), ["QuadraticTarget"]),
    ("Theorem 2: ρ = inf", lambda: nt.theorem2_risk(float("inf"), 0.5), ["ρ"]),
    ("Theorem 2: ratio NaN", lambda: nt.theorem2_risk(1, float("nan")), ["finite"]),
    ("Haar moments: d = 0", lambda: nt.haar_projection_moments(0, 1), ["d"]),
    # ---- NN: formulas and optimum --------------------------------------------------------------
    ("Theorem 3 with B not PSD", lambda: nn.theorem3_value(_NONPSD, 1), ["B ⪰ 0"]),
    ("N ≤ 0", lambda: nn.nn_risk_quadratic(_T, 0), ["N"]),
    ("N = 2.5", lambda: nn.nn_risk_quadratic(_T, 2.5), ["N"]),
    ("Theorem 6: N = 0", lambda: nn.theorem6_risk(_MIX, 0), ["N"]),
    ("Bayes: n = 0", lambda: nn.bayes_risk_mixture(_MIX, n=0, rng=0), ["n"]),
    ("Bayes: seed -1", lambda: nn.bayes_risk_mixture(_MIX, n=10, rng=-1), ["seed"]),
    ("mixture risk: NaN in S", lambda: nn.mixture_quadratic_risk(np.full((3, 3), np.nan), 0.0,
                                                                 _MIX), ["NaN"]),
    # ---- NN: loss, landscape ---------------------------------------------------------------------
    ("W of the wrong shape", lambda: loss.population_loss(np.ones((4, 2)), 0.0, _T), ["d×N"]),
    ("loss: c NaN", lambda: loss.population_loss(_W, float("nan"), _T), ["finite"]),
    ("loss: target a string", lambda: loss.population_loss(_W, 0.0, "T"), ["QuadraticTarget"]),
    ("loss: W overflowing", lambda: loss.population_loss(np.full((3, 2), 1e200), 0.0, _T),
     ["overflows"]),
    ("[new] Hessian of size 30001", lambda: loss.loss_hessian(np.ones((3, 10_000)), 0.0, _T),
     ["dimension"]),
    ("unpack: size", lambda: loss.unpack(np.ones(5), 3), ["theta"]),
    ("unpack: d = 0", lambda: loss.unpack(np.ones(7), 0), ["d ≥ 1"]),
    ("pack: W a string", lambda: loss.pack("W", 0.0), ["real array"]),
    ("critical points with N ≤ 0", lambda: landscape.critical_points(_T, 0), ["N"]),
    ("[new] critical points: limit=None, 616666 families",
     lambda: landscape.critical_points(_WIDE_T, 10, limit=None), ["enumeration"]),
    ("critical points: limit 0", lambda: landscape.critical_points(_T, 2, limit=0), ["limit"]),
    ("critical point: S strings", lambda: landscape.critical_point(_T, ["a"], 2), ["S must be"]),
    ("critical point: S repeated", lambda: landscape.critical_point(_T, [0, 0], 2),
     ["repeated"]),
    ("spectrum: ascending", lambda: landscape.closed_form_spectrum([1.0, 2.0], [0], 1),
     ["descending"]),
    ("spectrum: NaN", lambda: landscape.closed_form_spectrum([2.0, np.nan], [0], 1), ["NaN"]),
    ("Hessian spectrum: dps 0", lambda: landscape.hessian_spectrum(_T, [0], 1, dps=0), ["dps"]),
    ("family member: cp a string", lambda: landscape.family_member(_T, "cp", 0),
     ["cp must be"]),
    ("Proposition 1, B not PSD", lambda: landscape.strict_saddle_constants(_NONPSD, 1, 1.0, 0),
     ["B ⪰ 0"]),
    ("Ω(B₀) empty", lambda: landscape.sample_sublevel_points(_T, 1, -1.0, 0), ["empty"]),
    ("sublevel: radius < 0", lambda: landscape.sample_sublevel_points(_T, 1, 100.0, 0,
                                                                      radii=[-1.0]),
     ["radii"]),
    ("loss_symbolic: d = 5", lambda: loss_symbolic.derive_loss_explicit(5, 1), ["small"]),
    ("loss_symbolic: d = 0", lambda: loss_symbolic.derive_loss_explicit(0, 1), ["d ≥ 1"]),
    ("loss_symbolic: d = 2.5", lambda: loss_symbolic.closed_form_loss_explicit(2.5, 1),
     ["d must be an integer"]),
    # ---- NN: training --------------------------------------------------------------------------
    ("SGD step too large (divergence)",
     lambda: training.sgd(_T, _W, 0.0, step=10.0, steps=50, rng=0), ["step"]),
    ("SGD without a seed", lambda: training.sgd(_T, _W, 0.0, step=1e-3, steps=5, rng=None),
     ["seed"]),
    ("[new] SGD 10**12 steps", lambda: training.sgd(_T, _W, 0.0, step=1e-3, steps=10 ** 12,
                                                    rng=0), ["iterations"]),
    ("SGD step < 0", lambda: training.sgd(_T, _W, 0.0, step=-1.0, steps=5, rng=0), ["ε > 0"]),
    ("SGD W0 shape", lambda: training.sgd(_T, np.ones((2, 2)), 0.0, step=1e-3, steps=5, rng=0),
     ["d×N"]),
    ("[new] SGD blowup 0", lambda: training.sgd(_T, _W, 0.0, step=1e-3, steps=5, rng=0,
                                                blowup=0.0), ["blowup"]),
    ("flow: t_max < 0", lambda: training.gradient_flow(_T, _W, 0.0, t_max=-1.0), ["t_max"]),
    ("flow: t_eval decreasing", lambda: training.gradient_flow(_T, _W, 0.0, t_max=3.0,
                                                               t_eval=[2.0, 1.0]), ["t_eval"]),
    ("flow: rtol 0", lambda: training.gradient_flow(_T, _W, 0.0, t_max=1.0, rtol=0.0),
     ["tolerances"]),
    ("[new] flow: 10**12 steps", lambda: training.gradient_flow(_T, _W, 0.0, t_max=1.0,
                                                                max_steps=10 ** 12),
     ["iterations"]),
    ("flow: max_steps reached", lambda: training.gradient_flow(_T, _W, 0.0, t_max=100.0,
                                                               max_steps=3), ["max_steps"]),
    ("random_init: d = 0", lambda: training.random_init(0, 1, 0), ["d ≥ 1"]),
    ("random_init: scale 0", lambda: training.random_init(3, 2, 0, scale=0.0), ["scale"]),
    # ---- NN: lazy training ---------------------------------------------------------------------
    ("lazy: a of the wrong length", lambda: lazy.LazyNetwork(np.ones((3, 2)), np.ones(3)),
     ["a must have"]),
    ("lazy: offset a string", lambda: lazy.LazyNetwork(np.ones((3, 2)), np.ones(2),
                                                       offset="yes"), ["offset"]),
    ("lazy: τ < 0", lambda: lazy.paired_init(3, 2, -1.0, 0), ["τ > 0"]),
    ("lazy: frame", lambda: lazy.paired_init(3, 2, 1.0, 0, frame="hex"), ["frame"]),
    ("lazy: τ NaN", lambda: lazy.signed_init(3, 2, 0, tau=float("nan")), ["finite"]),
    ("lazy: α = 0", lambda: lazy.kappa(_NET, _T, alpha=0.0), ["α > 0"]),
    ("[new] lazy: κ at Dh = 0", lambda: lazy.kappa(lazy.LazyNetwork(np.zeros((3, 2)), np.ones(2),
                                                                    offset=False), _T),
     ["Dh(w₀)"]),
    ("lazy: S not square", lambda: lazy.l2_norm(np.ones((2, 3)), 0.0), ["square"]),
    ("lazy: S NaN", lambda: lazy.l2_norm([[np.nan]], 0.0), ["NaN"]),
    ("lazy: c shape", lambda: lazy.l2_inner_coords(np.eye(2), [1.0, 2.0]), ["c must have"]),
    ("lazy: width 0", lambda: lazy.width_kappa_bound(0, 1.0), ["m > 0"]),
    ("lazy: α < 0", lambda: lazy.width_kappa_bound(1.0, -1.0), ["α > 0"]),
    ("lazy: no horizon", lambda: lazy.lazy_paths(_NET, _T, 1.0), ["t_max"]),
    ("lazy: max_steps reached", lambda: lazy.lazy_paths(_NET, _T, 1.0, t_max=10.0,
                                                        max_steps=2), ["max_steps"]),
    ("lazy: one α", lambda: lazy.finite_horizon_sweep(_NET, _T, [1.0], t_max=0.1),
     ["two α"]),
    ("lazy: dimensions", lambda: lazy.lazy_paths(lazy.paired_init(2, 1, 1.0, 0), _T, 1.0,
                                                 t_max=1.0), ["d"]),
    ("lazy: net a string", lambda: lazy.tangent_limit_risk("net", _T), ["LazyNetwork"]),
    # ---- compare -------------------------------------------------------------------------------
    ("gaps: target a string", lambda: gaps.nt_minus_nn(_W, "T"), ["QuadraticTarget"]),
    ("gaps: N = 0", lambda: gaps.gap_asymptotic(_T, 0), ["N"]),
    ("gaps: draws 0", lambda: gaps.gap_finite_d(_T, 1, draws=0, rng=0), ["draws"]),
    ("gaps: seed -5", lambda: gaps.nt_nn_ratio(_T, 1, draws=2, rng=-5), ["seed"]),
    ("flat B: β = 0", lambda: gaps.flat_B(3, 0.0), ["B ≠ 0"]),
    ("spiked B: κ = 2", lambda: gaps.spiked_B(3, 2.0), ["κ"]),
    ("power law: α = 0.2", lambda: gaps.power_law_B(3, 0.2), ["α > 1/2"]),
    ("ratio growth: ρ = 1.5", lambda: gaps.ratio_growth(1.0, 1.5, [4, 8], draws=1, rng=0),
     ["ρ"]),
    ("ratio growth: one d", lambda: gaps.ratio_growth(1.0, 0.5, [4], draws=1, rng=0),
     ["two distinct d"]),
    ("ratio growth: ds a string", lambda: gaps.ratio_growth(1.0, 0.5, "48", draws=1, rng=0),
     ["ds must be"]),
    ("ReLU NN: steps 0", lambda: relu_gap.train_relu_nn(_T, 2, steps=0, rng=0), ["steps"]),
    ("ReLU NN: f* = 0", lambda: relu_gap.train_relu_nn(_ZERO_T, 2, steps=1, rng=0), ["f*"]),
    ("ReLU NT: n_train < p", lambda: relu_gap.fit_relu_nt(_T, _W, n_train=3, rng=0),
     ["n_train"]),
    ("ReLU NT features: X shape", lambda: relu_gap.nt_features([[1.0, 2.0]], _W), ["X must be"]),
    ("ReLU gap: rng_key -1", lambda: relu_gap.relu_gap_experiment(
        _T, [2], seeds=1, sgd_steps=1, n_test=10, rng_key=-1), ["rng_key"]),
    # ---- stats ----------------------------------------------------------------------------------
    ("fit_rate: one point", lambda: stats.fit_rate([1.0], [1.0]), ["2 distinct"]),
    ("fit_rate: lengths", lambda: stats.fit_rate([1.0, 2.0], [1.0]), ["one error per x"]),
    ("fit_rate: x = 0", lambda: stats.fit_rate([0.0, 1.0], [1.0, 1.0]), ["x > 0"]),
    ("fit_rate: NaN", lambda: stats.fit_rate([1.0, 2.0], [np.nan, 1.0]), ["NaN"]),
    ("fit_rate: error < 0", lambda: stats.fit_rate([1.0, 2.0], [-1.0, 1.0]), ["≥ 0"]),
    ("mean_estimate: n = 0", lambda: stats.mean_estimate(1.0, 1.0, 0), ["n ≥ 1"]),
    ("z against NaN", lambda: stats.MonteCarloEstimate(1.0, 0.1, 10).z(float("nan")),
     ["finite"]),
    # ---- testing (plain generators) --------------------------------------------------------------
    ("random_psd: scale < 0", lambda: testing.random_psd(3, 0, scale=-1.0), ["scale > 0"]),
    ("random_psd: cond < 1", lambda: testing.random_psd(3, 0, cond=0.5), ["cond"]),
    ("psd_with_spectrum: NaN", lambda: testing.psd_with_spectrum([np.nan], 0), ["NaN"]),
    ("random_orthogonal: d = 0", lambda: testing.random_orthogonal(0, 0), ["d ≥ 1"]),
    ("random_weights: seed 'x'", lambda: testing.random_weights(3, 2, "x"), ["rng must be"]),
    # ---- immutability ---------------------------------------------------------------------------
    ("B is read-only", _assign_B, ["read-only"]),
    # ---- the former tests/test_fuzz.py PENDING entries, fixed at their source ---------------------
    ("Theorem 1 (11): bare matrix B", lambda: rf.theorem1_limit(_B, _I3), ["QuadraticTarget"]),
    ("Corollary 1: bare matrix B", lambda: rf.corollary1_risk(_B, _I3, 1.0), ["QuadraticTarget"]),
    ("rf.invariants: bare matrix B", lambda: rf.invariants(_B), ["QuadraticTarget"]),
    ("eq. (17): Δ violating M1", lambda: rf.eq17_rf_risk(2 * np.eye(3), 1.0),
     ["positive definite"]),
    ("psi_bounds: ρ < 0", lambda: rf.psi_bounds(-1, 1, 1), ["ρ = N/d", "> 0"]),
    ("psi_bounds: λ̃ = 0", lambda: rf.psi_bounds(1, 1, 0), ["λ̃", "> 0"]),
    ("psi_bounds: overflow", lambda: rf.psi_bounds(1e308, 1.0, 1e-300), ["overflow"]),
    ("psi_bounds: injection", lambda: rf.psi_bounds(INJECT, 1, 1), ["not allowed"]),
    ("derive_psi_quadratic: injection", lambda: rf.derive_psi_quadratic(INJECT), ["not allowed"]),
    ("derive_psi_quadratic: λ̃ < 0", lambda: rf.derive_psi_quadratic(-1), ["λ̃", "> 0"]),
    ("derive_eq11: injection", lambda: rf.derive_eq11(INJECT), ["not allowed"]),
    ("derive_eq16: injection", lambda: rf.derive_eq16(INJECT), ["not allowed"]),
    ("derive_eq16: λ₂ = oo", lambda: rf.derive_eq16(sp.oo), ["finite"]),
    ("Theorem 2 symbolic: injected ratio", lambda: nt.theorem2_risk(sp.Symbol("r", positive=True),
                                                                    INJECT), ["not allowed"]),
    ("trace: string entry in an array", lambda: gaussian.trace(np.array([[INJECT]])),
     ["not allowed"]),
    ("frobenius2: string entry in an array", lambda: gaussian.frobenius2(np.array([[INJECT]])),
     ["not allowed"]),
    ("λ_k of exp(x²/2) (not in L²(γ))", lambda: hermite.hermite_coefficient("exp(x**2/2)", 0),
     ["A1"]),
    ("second moment of exp(x²/2)", lambda: hermite.second_moment("exp(x**2/2)"), ["A1"]),
    ("Hermite polynomial degree 10**9", lambda: hermite.hermite_polynomial(10 ** 9),
     ["hermite_degree"]),
    ("hermite_coefficients kmax 10**9", lambda: hermite.hermite_coefficients("relu", 10 ** 9),
     ["hermite_degree"]),
    ("parseval kmax 10**9", lambda: hermite.parseval_partial_sums("relu", 10 ** 9),
     ["hermite_degree"]),
    ("scaled Hermite kmax 10**9", lambda: hermite.scaled_hermite_coefficients(
        "relu", [1.0], 10 ** 9), ["hermite_degree"]),
    ("sgd_staged: 10**9 steps", lambda: training.sgd_staged(
        _T, _W, 0.0, np.random.default_rng(0), step=1e-3, steps=10 ** 9, batch=2), ["iterations"]),
    ("sgd_staged: bare matrix", lambda: training.sgd_staged(
        _B, _W, 0.0, 0, step=1e-3, steps=5, batch=2), ["QuadraticTarget"]),
    ("sgd_mixture: 10**9 steps", lambda: training.sgd_mixture(
        _MIX, 2, 0, step=1e-3, steps=10 ** 9, batch=2), ["iterations"]),
    ("sgd_mixture: decay 0", lambda: training.sgd_mixture(
        _MIX, 2, 0, step=1e-3, steps=5, batch=2, decay=0), ["decay"]),
    ("sgd_mixture: steps × batch", lambda: training.sgd_mixture(
        _MIX, 2, 0, step=1e-3, steps=10 ** 6, batch=10 ** 6), ["samples"]),
    ("sgd_mixture: seed 'x'", lambda: training.sgd_mixture(
        _MIX, 2, "x", step=1e-3, steps=5, batch=2), ["rng"]),
    ("Bayes risk: n = 10**9", lambda: nn.bayes_risk_mixture(_MIX, n=10 ** 9, rng=0), ["samples"]),
    ("mixture MC: n = 10**9", lambda: nn.mixture_risk_monte_carlo(np.eye(3), 0.0, _MIX,
                                                                  n=10 ** 9, rng=0), ["samples"]),
    ("mixture MC: c 'junk'", lambda: nn.mixture_risk_monte_carlo(np.eye(3), "junk", _MIX, n=10,
                                                                 rng=0), ["c must be"]),
    ("nn_minimizer: N = 10**6", lambda: nn.nn_minimizer(_T, 10 ** 6), ["dimension"]),
    ("nn_risk_mixture_numerical: starts", lambda: nn.nn_risk_mixture_numerical(
        _MIX, 2, rng=0, starts=10 ** 9), ["iterations"]),
    ("nn_risk_mixture_numerical: starts × max_iter", lambda: nn.nn_risk_mixture_numerical(
        _MIX, 2, rng=0, starts=10 ** 5, max_iter=10 ** 5), ["starts × max_iter"]),
    ("mixture_quadratic_risk: c 'junk'", lambda: nn.mixture_quadratic_risk(np.eye(3), "junk",
                                                                          _MIX), ["c must be"]),
    ("nn_gradient_descent: target None", lambda: training.nn_gradient_descent(None, 2, 0),
     ["QuadraticTarget"]),
    ("mixture GD: bare matrix", lambda: training.mixture_gradient_descent(np.eye(3), 2, 0),
     ["GaussianMixture"]),
    ("reduced_flow: times 'junk'", lambda: training.reduced_flow(_T, _W, "junk"), ["times"]),
    ("reduced_flow: t = 10**9 (N < d)", lambda: training.reduced_flow(
        _T, np.ones((3, 1)), [0.0, 1e9]), ["composition steps"]),
    # ---- public callables added by the merged branches -------------------------------------------
    ("perfect_matchings: m = nan", lambda: nt_symbolic.perfect_matchings(float("nan")),
     ["integer"]),
    ("perfect_matchings: m odd", lambda: nt_symbolic.perfect_matchings(3), ["even"]),
    ("perfect_matchings: m = 40", lambda: nt_symbolic.perfect_matchings(40), ["enumeration"]),
    ("count_loops: not a matching", lambda: nt_symbolic.count_loops(((0, 1),), ((0, 2),), 4),
     ["perfect matching"]),
    ("Weingarten n = 10", lambda: nt_symbolic.weingarten_orthogonal(10), ["symbolic_matrix"]),
    ("haar_trace_moment: string Tr(B)", lambda: nt_symbolic.haar_trace_moment(
        ((0, 1),), 1, {1: INJECT}), ["SymPy expression"]),
    ("one_direction_value: r = 10**9", lambda: nn_symbolic.one_direction_value(10 ** 9),
     ["symbolic_matrix"]),
    ("exact_instance: d = 10**6", lambda: eckart_young.exact_instance(10 ** 6, 0),
     ["symbolic_matrix"]),
    ("exact_instance: eigenvalue 'junk'", lambda: eckart_young.exact_instance(
        4, 0, eigenvalues=["junk", 1, 1, 1]), ["junk"]),
    ("infimum_exact: der None", lambda: eckart_young.infimum_exact(None, (1, 0), 1),
     ["Derivation"]),
    ("attained_loss_exact: inst None", lambda: eckart_young.attained_loss_exact(None, 1),
     ["ExactInstance"]),
    ("rf_embedding: NaN weight", lambda: nn_summary.rf_embedding([float("nan")], [[1.0]]),
     ["finite"]),
    ("nt_feature: a not a vector", lambda: nn_summary.nt_feature(lambda u: u, 1, 2, 3),
     ["column vector"]),
    ("eq6_gap_exists: 'junk'", lambda: nn_summary.eq6_gap_exists("junk", 1), ["eigenvalues"]),
    ("eq13_nn_row: 'junk'", lambda: nn_summary.eq13_nn_row("junk", 1), ["B"]),
    ("kappa_bound: κ < 0", lambda: chizat_bach.kappa_bound([0.1], -1.0), ["κ"]),
    ("kappa_bound: 'junk' times", lambda: chizat_bach.kappa_bound("junk", 1.0), ["t_tilde"]),
    ("sharp_quadratic_map: p = 10**6", lambda: chizat_bach.sharp_quadratic_map(10 ** 6, 2, 0),
     ["dimension"]),
    ("Enclosure: bounds 3", lambda: fixed_point.Enclosure(3), ["bounds"]),
    ("arb λ_k: k = 10**9", lambda: hermite_arb.arb_hermite_coefficient("relu", 10 ** 9),
     ["hermite_degree"]),
    ("arb λ_k: k 'junk'", lambda: hermite_arb.arb_hermite_coefficient("relu", "junk"),
     ["integer"]),
    ("arb λ_k of exp(x²/2)", lambda: hermite_arb.arb_hermite_coefficient("exp(x**2/2)", 0),
     ["A1"]),
    ("arb_to_fractions: 'junk'", lambda: hermite_arb.arb_to_fractions("junk"), ["arb"]),
]


@pytest.fixture(autouse=True)
def _no_injection_side_effect():
    PWNED.unlink(missing_ok=True)
    yield
    assert not PWNED.exists(), "an injected string was executed"


@pytest.mark.parametrize("what, call, words", BAD, ids=[b[0] for b in BAD])
def test_bad_input_raises_the_package_error(what, call, words):
    with pytest.raises((AssumptionError, TypeError, ValueError)) as info:
        call()
    err = info.value
    # the package's errors, plus numpy's own ValueError for a write into a read-only array
    assert isinstance(err, (AssumptionError, TypeError)) or "read-only" in str(err), (
        f"{what}: {type(err).__name__} is not the package's error: {err}")
    msg = str(err)
    for w in words:
        assert w in msg, f"{what}: message {msg!r} does not mention {w!r}"
    if isinstance(err, ConvergenceError):
        assert err.diagnostics, f"{what}: a ConvergenceError must carry diagnostics"


def test_the_table_is_large():
    assert len(BAD) >= 150


def test_convergence_error_is_the_package_error_with_diagnostics():
    with pytest.raises(ConvergenceError) as info:
        training.sgd(_T, _W, 0.0, step=10.0, steps=50, rng=0)
    assert isinstance(info.value, ValueError) and info.value.diagnostics


def test_type_errors_are_both_type_and_package_errors():
    """A wrong type is a TypeError (Python's convention) and an AssumptionError (the package's)."""
    with pytest.raises(TypeError) as info:
        _T.sample(10, 1.5)
    assert isinstance(info.value, AssumptionError)


def test_the_injection_check_can_fail():
    """The side-effect check is live: executing the payload does create the file."""
    exec(compile(INJECT, "<payload>", "eval"))   # noqa: S102 - the control of the check above
    assert PWNED.exists()
    PWNED.unlink()

"""lazysym.nt.symbolic: the Haar moments derived by Weingarten calculus, Theorem 2's closed form,
limit and exact error — each result checked symbolically against an independent derivation and
numerically against exact and Monte Carlo computations."""

from __future__ import annotations

from fractions import Fraction

import mpmath
import numpy as np
import pytest
import sympy as sp

from lazysym.nn import eq17_nn_risk, theorem6_risk, theorem6_risk_rho_ge_1
from lazysym.nn.symbolic import theorem6_error_chain
from lazysym.nt import (
    eq17_nt_risk,
    haar_projection_moments,
    nt_expected_risk_quadratic,
    nt_risk_quadratic,
    theorem5_kappa,
    theorem5_kappa_risk,
    theorem5_risk_rho_ge_1,
    trace_ratio,
)
from lazysym.nt.symbolic import (
    SYMBOLS,
    count_loops,
    haar_projection_moments_symbolic,
    nt_expected_risk_symbolic,
    perfect_matchings,
    theorem2_limit_chain,
    weingarten_orthogonal,
)
from lazysym.objects.models import QuadraticTarget

d, k, N, rho, r = (SYMBOLS[x] for x in ("d", "k", "N", "rho", "r"))


def test_matchings_and_weingarten_small_cases():
    assert len(perfect_matchings(4)) == 3 and len(perfect_matchings(6)) == 15
    M, Wg = weingarten_orthogonal(1)
    assert Wg[0, 0] == 1 / d  # E O_ij² = 1/d
    M, Wg = weingarten_orthogonal(2)
    # known closed form (Collins–Śniady): Wg(p, p) = (d + 1)/(d(d − 1)(d + 2)),
    # Wg(p, q ≠ p) = −1/(d(d − 1)(d + 2))
    assert sp.simplify(Wg[0, 0] - (d + 1) / (d * (d - 1) * (d + 2))) == 0
    assert sp.simplify(Wg[0, 1] + 1 / (d * (d - 1) * (d + 2))) == 0
    assert count_loops(M[0], M[0], 4) == [1, 1]


def _beta_law_moments():
    """Independent derivation: O(d)-invariance makes each moment a·Tr(B)² + b·Tr(B²); B = I and
    B = vvᵀ (vᵀPv ~ Beta(k/2, (d−k)/2), E X² from the Beta density by integration) fix a, b."""
    x = sp.Symbol("x", positive=True)
    a_, b_ = k / 2, (d - k) / 2
    # E X² = B(a+2, b)/B(a, b), the Beta function ratio simplified by gammasimp
    ex2 = sp.gammasimp(sp.gamma(a_ + 2) * sp.gamma(a_ + b_) / (sp.gamma(a_) * sp.gamma(a_ + b_ + 2)))
    del x
    A, B = sp.symbols("A B")
    sol1 = sp.solve([A * d ** 2 + B * d - k, A + B - ex2], [A, B])       # E Tr(PBPB): Tr(P) = k at B = I
    sol2 = sp.solve([A * d ** 2 + B * d - k ** 2, A + B - ex2], [A, B])  # E Tr(PB)²: k² at B = I
    return {"alpha": sol1[A], "beta": sol1[B], "gamma": sol2[A], "delta": sol2[B]}


def test_weingarten_moments_equal_the_beta_law_derivation():
    mo = haar_projection_moments_symbolic()
    for key, expr in _beta_law_moments().items():
        assert sp.simplify(mo[key] - expr) == 0, key
    assert mo["mean"] == k / d


@pytest.mark.parametrize("dd,kk", [(5, 2), (7, 3), (6, 5)])
def test_weingarten_moments_by_monte_carlo_over_haar(dd, kk):
    """Sampled Haar projections (QR of a Gaussian matrix), CLT bars at 4.5σ."""
    rng = np.random.default_rng(10 * dd + kk)
    A = rng.standard_normal((dd, dd))
    Bm = (A + A.T) / 2
    mo = haar_projection_moments(dd, kk)
    M = 20_000
    a, b = np.empty(M), np.empty(M)
    for i in range(M):
        Q, _ = np.linalg.qr(rng.standard_normal((dd, kk)))
        PB = Q @ (Q.T @ Bm)
        a[i] = np.sum(PB * PB.T)
        b[i] = np.trace(PB) ** 2
    t1, t2 = np.trace(Bm) ** 2, np.sum(Bm * Bm)
    for s, want in ((a, float(mo["alpha"]) * t1 + float(mo["beta"]) * t2),
                    (b, float(mo["gamma"]) * t1 + float(mo["delta"]) * t2)):
        assert abs(s.mean() - want) <= 4.5 * s.std() / np.sqrt(M)


@pytest.mark.parametrize("dd,NN,offset", [(6, 2, True), (8, 5, True), (6, 3, False), (9, 4, False)])
def test_symbolic_closed_form_equals_exact_and_monte_carlo_expectation(dd, NN, offset):
    rng = np.random.default_rng(dd * 31 + NN)
    t = QuadraticTarget(np.diag(rng.exponential(size=dd)))
    ratio = trace_ratio(t)
    cf = nt_expected_risk_symbolic(offset=offset)
    sym = float(cf.subs({d: dd, N: NN, r: sp.Rational(Fraction(ratio).numerator,
                                                       Fraction(ratio).denominator)}))
    # the exact computation (rational path and float path)
    ex = nt_expected_risk_quadratic(t, NN, offset=offset, exact=True) / Fraction(t.norm2)
    assert sym == pytest.approx(float(ex), rel=1e-12)
    assert nt_expected_risk_quadratic(t, NN, offset=offset) / t.norm2 == pytest.approx(sym, rel=1e-12)
    # Monte Carlo over W with CLT bars (4.5σ)
    M = 4000
    vals = np.array([nt_risk_quadratic(rng.standard_normal((dd, NN)) / np.sqrt(dd), t, offset=offset)
                     for _ in range(M)]) / t.norm2
    assert abs(vals.mean() - sym) <= 4.5 * vals.std() / np.sqrt(M)


def test_theorem2_chain_limit_error_and_bound():
    ch = theorem2_limit_chain(offset=True)
    assert sp.simplify(ch["limit_lt1"] - ((1 - rho) ** 2 * (1 - r) + (1 - rho) * r)) == 0
    assert sp.simplify(ch["error_lt1"] - rho * (1 - rho) * (1 - r) * (d - 2) / ((d - 1) * (d + 2))) == 0
    # the exact numbers: closed form − limit at d = 40, N = 10, r = 1/3, and the bound 1/(4(d+2))
    v = ch["closed_form_lt1"].subs({d: 40, rho: sp.Rational(1, 4), r: sp.Rational(1, 3)})
    lim = ch["limit_lt1"].subs({rho: sp.Rational(1, 4), r: sp.Rational(1, 3)})
    err = v - lim
    assert err == ch["error_lt1"].subs({d: 40, rho: sp.Rational(1, 4), r: sp.Rational(1, 3)})
    assert 0 <= err <= ch["bound"].subs(d, 40) <= sp.Rational(1, 4 * 42)
    # a wrong closed form (d → d + 1 in the moments) gives a different error: the check can fail
    wrong = ch["closed_form_lt1"].subs(d, d + 1)
    assert sp.simplify(wrong - lim - ch["error_lt1"]) != 0
    no = theorem2_limit_chain(offset=False)
    assert sp.simplify(no["limit_lt1"] - ((1 - rho) ** 2 + rho * (1 - rho) * r + rho * r)) == 0
    assert sp.simplify(no["error_ge1"] + 2 * r / (d + 2)) == 0


# --------------------------------------------------------------------------------------------
# dps honesty: rational inputs at dps 45 give ≥ 40 correct digits
# --------------------------------------------------------------------------------------------

_D = [[Fraction(1, 3), Fraction(1, 7), 0], [Fraction(1, 7), Fraction(-2, 9), Fraction(1, 11)],
      [0, Fraction(1, 11), Fraction(1, 5)]]


def _exact_kappa_parts():
    Dm = sp.Matrix(_D).applyfunc(lambda x: sp.Rational(Fraction(x).numerator, Fraction(x).denominator))
    tr, f2 = Dm.trace(), sum(x ** 2 for x in Dm)
    rh = sp.Rational(1, 2)
    q = tr ** 2 / (3 * f2)
    kap = 1 - (1 - rh) ** 2 * (1 - q) - (1 - rh) * q
    return Dm, f2, kap


def _digits(got, want) -> float:
    with mpmath.workdps(60):
        w = mpmath.mpf(str(sp.N(want, 60)))
        err = abs(mpmath.mpf(got) - w)
        return float(-mpmath.log10(err / abs(w))) if err else 60.0


def test_rational_delta_at_dps_45_gives_40_digits():
    Dm, f2, kap = _exact_kappa_parts()
    assert _digits(theorem5_kappa(Fraction(1, 2), _D, dps=45), kap) >= 40
    assert _digits(theorem5_kappa_risk(Fraction(1, 2), _D, dps=45), 2 / (2 + kap * f2)) >= 40
    assert _digits(eq17_nt_risk("1/2", Dm, dps=45), 1 / (1 + kap * f2 / 2)) >= 40
    assert _digits(theorem5_risk_rho_ge_1(_D, dps=45), 1 / (1 + f2 / 2)) >= 40
    # float input: the float64 entries are exact binary numbers, not 16-digit approximations
    Df = np.array([[float(x) for x in row] for row in _D])
    exact_f2 = sum(sp.Rational(Fraction(float(x)).numerator, Fraction(float(x)).denominator) ** 2
                   for x in Df.ravel())
    assert _digits(theorem5_risk_rho_ge_1(Df, dps=45), 1 / (1 + exact_f2 / 2)) >= 40
    assert mpmath.mp.dps == 15


def test_theorem6_and_eq17_at_dps_45_from_exact_inputs():
    S = [[2, Fraction(1, 3)], [Fraction(1, 3), 1]]
    D = [[Fraction(1, 3), Fraction(1, 7)], [Fraction(1, 7), Fraction(-2, 9)]]
    Sm, Dm = sp.Matrix(S), sp.Matrix(D)
    L = Sm.cholesky()
    M = L.inv() * Dm * L.inv().T
    ev = sorted((abs(e) for e in M.eigenvals()), key=lambda e: -sp.N(e, 80))
    assert _digits(theorem6_risk((S, D), 1, dps=45), 2 / (2 + ev[0] ** 2)) >= 40
    assert _digits(theorem6_risk_rho_ge_1((S, D), dps=45),
                   1 / (1 + (ev[0] ** 2 + ev[1] ** 2) / 2)) >= 40
    evD = sorted((abs(e) for e in Dm.eigenvals()), key=lambda e: -sp.N(e, 80))
    assert _digits(eq17_nn_risk(D, 1, dps=45), 1 / (1 + evD[0] ** 2 / 2)) >= 40
    # the float path is honest only to float64: this is what the dps path fixes
    assert _digits(theorem6_risk((S, D), 1), 2 / (2 + ev[0] ** 2)) < 17


def test_symbolic_backend_of_the_printed_formulas():
    from lazysym.nt import eq13_nt_risk, nt_limit_no_offset, poster_theorem2_risk, theorem2_risk
    u = SYMBOLS["u"]
    assert sp.simplify(theorem2_risk(1 - u, r) - poster_theorem2_risk(1 - u, r)) == 0
    assert theorem2_risk(1 + u, r) == 0
    assert eq13_nt_risk(1 + u, r) == r  # the misprint: does not vanish for ρ > 1
    assert sp.simplify(nt_limit_no_offset(1 + u, r) - r) == 0
    # numeric and symbolic backends agree at exact points
    for rv, qv in ((Fraction(1, 3), Fraction(2, 5)), (Fraction(3, 2), Fraction(1, 7))):
        num = theorem2_risk(rv, qv, dps=40)
        sym = theorem2_risk(sp.Symbol("x"), qv).subs("x", sp.Rational(rv.numerator, rv.denominator))
        assert _digits(num, sym) >= 38 or sym == 0 and num == 0


def test_theorem6_error_chain_and_bound_numbers():
    ch = theorem6_error_chain()
    assert ch["identity_holds"] and ch["bound_holds"]
    a, b, gam = ch["symbols"]
    rng = np.random.default_rng(0)
    s = rng.uniform(0, 0.5, size=7)
    av, bv = float(np.sum(s ** 2 / (1 + s ** 2))), float(np.sum(s ** 2))
    ex, pr = 2 / (2 + av), 2 / (2 + bv)
    assert float(ch["error"].subs({a: av, b: bv})) == pytest.approx(ex - pr, rel=1e-12)
    assert 0 <= ex - pr <= 0.5 * (bv - av) * ex ** 2 <= 0.5 * float(np.sum(s ** 4))


@pytest.mark.parametrize("d", [2, 3, 5, 8])
def test_deterministic_ranks_match_the_derived_moments(d):
    """k = d (P = I) and k = 0 (P = 0) are special-cased in haar_projection_moments; the
    Weingarten-derived rational functions, evaluated at those k, must give the same numbers
    (catches a swapped constant in the special cases: the mutation run found none checked them)."""
    from lazysym.nt.haar import haar_projection_moments
    mo = haar_projection_moments_symbolic()
    for k in (0, d):
        got = haar_projection_moments(d, k)
        for key in ("alpha", "beta", "gamma", "delta"):
            expr = mo[key]
            val = expr.subs({s: (d if s.name == "d" else k) for s in expr.free_symbols})
            assert Fraction(int(sp.nsimplify(val).p), int(sp.nsimplify(val).q)) == got[key], (k, key)

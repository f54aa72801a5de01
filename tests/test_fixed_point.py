"""Tests for lazysym.objects.fixed_point: ψ of eq. (9) (Theorem 1) / eq. (14) (Theorem 4).

Independent evidence used here (never the solver's own arithmetic):
* exact rational arithmetic (fractions.Fraction) for the sign of h at the bracket's endpoints;
* SymPy's exact positive root of the quadratic that eq. (9) becomes for D = δ_t;
* a second solve at higher precision (1000 vs 1100 digits);
* Hermite coefficients computed from their definitions (SymPy integrals for ReLU, mpmath
  quadrature for tanh).
"""

from __future__ import annotations

from fractions import Fraction

import mpmath
import numpy as np
import pytest
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

from lazysym.errors import AssumptionError, ConvergenceError
from lazysym.objects.fixed_point import PsiResult, psi_bracket, psi_residual, solve_psi
from lazysym.objects.spectra import (
    Atoms,
    Density,
    exponential,
    marchenko_pastur,
    point_mass,
    spectrum_of_gamma,
    uniform,
)

# ------------------------------------------------------------------------------------------
# independent helpers
# ------------------------------------------------------------------------------------------

def h_exact(psi: Fraction, rho, lam1, lam_t, D: Atoms) -> Fraction:
    """ρ − λ̃ψ − Σ w s/(1+s), s = λ₁²tψ, in exact rational arithmetic."""
    rho, l2, lt = Fraction(rho), Fraction(lam1) ** 2, Fraction(lam_t)
    return rho - lt * psi - sum((w * (l2 * t * psi) / (1 + l2 * t * psi)
                                 for t, w in zip(D.values_exact, D.weights_exact)), Fraction(0))


def assert_bracket_exact(res: PsiResult, rho, lam1, lam_t, D: Atoms) -> None:
    lo, hi = frac(res.lower), frac(res.upper)  # mpf endpoints are dyadic: exact
    assert lo > 0
    assert h_exact(lo, rho, lam1, lam_t, D) > 0 > h_exact(hi, rho, lam1, lam_t, D)
    assert (hi - lo) * 10 ** res.dps <= lo


def frac(x) -> Fraction:
    """The exact value of an mpf (a dyadic rational)."""
    s, m, e, _ = x._mpf_
    v = Fraction(m) * Fraction(2) ** e
    return -v if s else v


def relu_lambdas():
    """λ₁ and λ̃ of the centred ReLU σ = max(x,0) − λ₀, from the definitions (SymPy)."""
    x = sp.Symbol("x", real=True)
    phi = sp.exp(-x ** 2 / 2) / sp.sqrt(2 * sp.pi)
    lam0 = sp.integrate(x * phi, (x, 0, sp.oo))                     # E[ReLU(G)] = 1/√(2π)
    lam1 = sp.integrate(x * x * phi, (x, 0, sp.oo))                 # E[ReLU(G)·G] = 1/2
    second = sp.integrate(x ** 2 * phi, (x, 0, sp.oo)) - lam0 ** 2  # E[σ(G)²], σ centred
    return sp.nsimplify(lam1), sp.simplify(second - lam1 ** 2)


def tanh_lambdas(dps: int = 50):
    """λ₁ = E[tanh(G)G], λ̃ = E[tanh(G)²] − λ₁² by tanh–sinh quadrature at ``dps`` digits."""
    with mpmath.workdps(dps + 10):
        phi = lambda u: mpmath.exp(-u * u / 2) / mpmath.sqrt(2 * mpmath.pi)  # noqa: E731
        nodes = [-mpmath.inf, 0, mpmath.inf]
        lam1 = mpmath.quad(lambda u: mpmath.tanh(u) * u * phi(u), nodes)
        second = mpmath.quad(lambda u: mpmath.tanh(u) ** 2 * phi(u), nodes)
        return +lam1, second - lam1 ** 2


# ------------------------------------------------------------------------------------------
# closed form for D = δ_t
# ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("rho, lam1, lam_t, t0", [
    (Fraction(1, 2), 1, Fraction(1, 2), 1),            # ψ = √2 − 1
    (2, Fraction(1, 2), Fraction(1, 3), 1),
    (Fraction(1, 10), 3, Fraction(7, 100), Fraction(5, 2)),
    (50, Fraction(1, 7), 2, Fraction(1, 4)),
])
def test_point_mass_matches_positive_root_of_quadratic(rho, lam1, lam_t, t0):
    """For D = δ_t eq. (9) is a quadratic in ψ; its positive root (SymPy, exact) is in the bracket."""
    psi = sp.Symbol("psi")
    R, L1, LT, T = (sp.Rational(v.numerator, v.denominator) if isinstance(v, Fraction)
                    else sp.Integer(v) for v in (rho, lam1, lam_t, t0))
    eq9 = sp.Eq(-LT, -R / psi + L1 ** 2 * T / (1 + L1 ** 2 * T * psi))
    roots = sp.solve(eq9, psi)
    pos = [r for r in roots if r.is_positive]
    neg = [r for r in roots if r.is_negative]
    assert len(pos) == 1 and len(neg) == 1          # the negative root a solver can fall into
    exact = pos[0]
    res = solve_psi(rho, lam1, lam_t, point_mass(t0), dps=60)
    assert res.verified and res.digits >= 60
    lo = sp.Rational(*frac(res.lower).as_integer_ratio())
    hi = sp.Rational(*frac(res.upper).as_integer_ratio())
    assert sp.simplify(exact - lo).is_positive and sp.simplify(hi - exact).is_positive
    # and the a-priori bracket of the docstring holds: isotropic root ≤ ψ ≤ ρ/λ̃
    blo, bhi = psi_bracket(rho, lam1, lam_t, point_mass(t0), dps=60)
    assert abs(blo - res.value) <= mpmath.mpf(10) ** -55 * res.value   # δ_t: the iso root is ψ
    assert res.upper <= bhi


def test_sqrt2_minus_1_digits():
    """ρ = 1/2, λ₁ = 1, λ̃ = 1/2, D = δ₁: ψ² + 2ψ − 1 = 0, ψ = √2 − 1; every certified digit."""
    res = solve_psi("1/2", 1, "0.5", point_mass(1), dps=200)
    with mpmath.workdps(230):
        ref = mpmath.nstr(mpmath.sqrt(2) - 1, 215, strip_zeros=False)
    # certified_str is a truncation of ψ's expansion: compare with the reference's digits
    s = res.certified_str()
    mant, exp = s.split("e")
    assert exp == "-1"
    digits = mant.replace(".", "")
    assert len(digits) >= 200
    assert ref.replace("0.", "", 1).startswith(digits)


# ------------------------------------------------------------------------------------------
# 1000 vs 1100 digits
# ------------------------------------------------------------------------------------------

def _cases_1000():
    lam1_r, lamt_r = relu_lambdas()
    lam1_t, lamt_t = tanh_lambdas()
    return [
        ("relu, δ₁", lam1_r, lamt_r, point_mass(1)),
        ("tanh, 3 atoms", lam1_t, lamt_t, Atoms(["0.5", 1, "1.5"], ["1/4", "1/2", "1/4"])),
        ("relu, Marchenko-Pastur(1/2)", lam1_r, lamt_r, marchenko_pastur(Fraction(1, 2))),
        ("x²−1, uniform[0,2]", 0, 2, uniform(0, 2)),
    ]


def test_relu_lambdas_from_definition():
    lam1, lamt = relu_lambdas()
    assert lam1 == sp.Rational(1, 2)
    assert sp.simplify(lamt - (sp.Rational(1, 2) - 1 / (2 * sp.pi) - sp.Rational(1, 4))) == 0


def test_1000_digits_agree_with_1100_digits():
    """Every digit certified at 1000 digits is a digit of the 1100-digit solution.

    The tanh inputs are the quadrature values of λ₁, λ̃ at 50 digits, taken as exact numbers: the
    comparison checks the solver at 1000 digits on those inputs (ψ of tanh itself is only as
    accurate as its λ's). ReLU's λ̃ = 1/4 − 1/(2π) is passed as a SymPy expression (enclosed to
    any precision).
    """
    for name, lam1, lamt, D in _cases_1000():
        r1 = solve_psi(2, lam1, lamt, D, dps=1000)
        r2 = solve_psi(2, lam1, lamt, D, dps=1100)
        assert r1.digits >= 1000 and r2.digits >= 1100, name
        # brackets nest in the sense that both contain ψ: the finer one lies in the coarser
        assert r1.lower <= r2.lower and r2.upper <= r1.upper, name
        s1, s2 = r1.certified_str(), r2.certified_str()
        m1, e1 = s1.split("e")
        m2, e2 = s2.split("e")
        assert e1 == e2 and len(m1) >= 990 and m2.startswith(m1), name
        assert r1.verified == D.is_atomic or lam1 == 0, name


# ------------------------------------------------------------------------------------------
# verification, properties
# ------------------------------------------------------------------------------------------

atoms_st = st.lists(st.one_of(st.just(0.0), st.floats(1e-3, 1e2)), min_size=1, max_size=6)
pos = st.floats(1e-3, 1e3)


@given(vals=atoms_st, rho=pos, lam1=st.floats(-10, 10), lam_t=st.floats(1e-3, 10),
       dps=st.sampled_from([5, 15, 40]))
def test_bracket_is_proved_by_exact_arithmetic(vals, rho, lam1, lam_t, dps):
    D = Atoms(vals)
    res = solve_psi(rho, lam1, lam_t, D, dps=dps)
    assert res.verified and res.digits >= dps
    assert res.lower <= res.value <= res.upper
    if Fraction(lam1) == 0 or max(vals) == 0:
        assert frac(res.lower) <= Fraction(rho) / Fraction(lam_t) <= frac(res.upper)
    else:
        assert_bracket_exact(res, rho, lam1, lam_t, D)


@given(vals=atoms_st, rho=pos, factor=st.floats(1e-6, 10), lam1=st.floats(0.01, 10),
       lam_t=st.floats(1e-3, 10))
def test_psi_strictly_increasing_in_rho(vals, rho, factor, lam1, lam_t):
    D = Atoms(vals)
    r1 = solve_psi(rho, lam1, lam_t, D, dps=30)
    r2 = solve_psi(rho * (1 + factor), lam1, lam_t, D, dps=30)
    assert r1.upper < r2.lower


@given(vals=atoms_st, rho=pos, lam1=st.floats(-10, 10), lam_t=st.floats(1e-3, 10))
def test_residual_tiny_at_psi_and_signed_beside_it(vals, rho, lam1, lam_t):
    D = Atoms(vals)
    res = solve_psi(rho, lam1, lam_t, D, dps=40)
    F = psi_residual(res.value, rho, lam1, lam_t, D, dps=60)
    # |F(value)| ≤ |F'|·width + rounding, F' = ρ/ψ² + Σ w(λ₁²t)²/(1+s)² ≤ ρ/ψ² + λ₁⁴·max t²
    with mpmath.workdps(60):
        slope = rho / res.value ** 2 + lam1 ** 4 * max(vals) ** 2
        bound = slope * (res.upper - res.lower) + mpmath.mpf(10) ** -55 * (rho / res.value + lam_t)
        assert abs(F) <= bound
    # F is increasing: negative left of the bracket, positive right of it (10% away)
    assert psi_residual(res.value * mpmath.mpf("0.9"), rho, lam1, lam_t, D, dps=30) < 0
    assert psi_residual(res.value * mpmath.mpf("1.1"), rho, lam1, lam_t, D, dps=30) > 0


@given(rho=pos, lam1=st.floats(0.01, 10), lam_t=st.floats(1e-3, 10),
       law=st.sampled_from(["uniform", "exponential", "mp-0.5", "mp-3"]))
def test_continuous_bracket_contains_root_of_independent_quadrature(rho, lam1, lam_t, law):
    """Closed-form solve vs. the residual evaluated by tanh–sinh quadrature of the density."""
    D = {"uniform": uniform(0, 2), "exponential": exponential(1),
         "mp-0.5": marchenko_pastur(0.5), "mp-3": marchenko_pastur(3)}[law]
    res = solve_psi(rho, lam1, lam_t, D, dps=25)
    assert not res.verified and res.digits >= 25
    # psi_residual integrates with D.integrate (quadrature), independent of the closed form
    with mpmath.workdps(50):
        left = res.lower * (1 - mpmath.mpf(10) ** -20)
        right = res.upper * (1 + mpmath.mpf(10) ** -20)
    assert psi_residual(left, rho, lam1, lam_t, D, dps=40) < 0
    assert psi_residual(right, rho, lam1, lam_t, D, dps=40) > 0


def test_generic_density_agrees_with_closed_form():
    """The same law as a plain Density (quadrature path) and with its closed-form resolvent."""
    plain = Density(lambda t: mpmath.mpf(1) / 2, 0, 2, "uniform by quadrature")
    a = solve_psi(3, "0.8", "0.3", plain, dps=40)
    b = solve_psi(3, "0.8", "0.3", uniform(0, 2), dps=40)
    assert "quadrature" in a.method and "closed-form" in b.method
    assert a.lower <= b.upper and b.lower <= a.upper
    assert abs(a.value - b.value) <= mpmath.mpf(10) ** -39 * b.value


def test_esd_of_isotropic_gamma_is_point_mass():
    d = 8
    D = spectrum_of_gamma(np.eye(d) / d)
    assert len(D) == 1 and float(D.values[0]) == pytest.approx(1, abs=1e-14)
    r1 = solve_psi(2, 0.5, 0.25, D, dps=30)
    r2 = solve_psi(2, 0.5, 0.25, point_mass(D.values_exact[0]), dps=30)
    assert r1.lower == r2.lower and r1.upper == r2.upper


# ------------------------------------------------------------------------------------------
# λ₁ = 0, low precision, comparison with mpmath.findroot
# ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("rho, lam_t, exact, text", [
    (1, 2, Fraction(1, 2), "5." + "0" * 50 + "e-1"),
    (1, 3, Fraction(1, 3), "3." + "3" * 50 + "e-1"),
    ("2.5", "0.5", Fraction(5), "5." + "0" * 50 + "e+0"),
])
def test_lambda1_zero_gives_rho_over_lambda_tilde(rho, lam_t, exact, text):
    """σ = x² − 1 has λ₁ = 0: the integral vanishes and ψ = ρ/λ̃ exactly (any D)."""
    for D in (point_mass(1), uniform(0, 2), Atoms([0, 1, 5])):
        res = solve_psi(rho, 0, lam_t, D, dps=50)
        assert res.verified and res.iterations == 0
        assert frac(res.lower) <= exact <= frac(res.upper)
        assert res.certified_str().split("e")[0].startswith(text.split("e")[0])
        assert res.certified_str().endswith(text.split("e")[1])
    assert solve_psi(rho, 1, lam_t, point_mass(0), dps=20).iterations == 0   # D = δ₀ too


@pytest.mark.parametrize("dps", [1, 2, 5, 15])
def test_low_precision(dps):
    res = solve_psi(2, 0.5, 0.25, Atoms([1, 2, 3]), dps=dps)
    assert res.digits >= dps and res.verified
    assert_bracket_exact(res, 2, 0.5, 0.25, Atoms([1, 2, 3]))


def test_plain_findroot_lands_on_negative_root_while_solve_psi_does_not():
    """ρ = 1/2, λ₁ = 1, λ̃ = 1/2, D = δ₁: eq. (9) ⇔ ψ² + 2ψ − 1 = 0. Secant from ψ₀ = 1 (a natural
    start) converges to the negative root −1 − √2; solve_psi returns √2 − 1."""
    F = lambda x: mpmath.mpf(1) / 2 - mpmath.mpf(1) / 2 / x + 1 / (1 + x)  # noqa: E731
    with mpmath.workdps(30):
        x = mpmath.findroot(F, 1)
        assert abs(x - (-1 - mpmath.sqrt(2))) < mpmath.mpf(10) ** -25
    res = solve_psi("1/2", 1, "1/2", point_mass(1), dps=30)
    with mpmath.workdps(40):
        assert res.lower <= mpmath.sqrt(2) - 1 <= res.upper


def test_plain_findroot_raises_where_solve_psi_succeeds():
    """A 5-atom D where secant, Anderson and Illinois (mpmath defaults) all raise."""
    rho, lam1, lam_t = 0.021680104655789, 4.626880631380495, 2.2977084556509255
    vals = [14.056240477444168, 4.435907050387006, 3.4709006073550634, 6.0511864307566565,
            1.9585590243228077]
    F = lambda x: lam_t - rho / x + mpmath.fsum(  # noqa: E731
        lam1 ** 2 * t / (1 + lam1 ** 2 * t * x) for t in vals) / 5
    for solver, x0 in (("secant", 1), ("anderson", (0.5, 2)), ("illinois", (0.5, 2))):
        with pytest.raises(ValueError):
            mpmath.findroot(F, x0, solver=solver)
    D = Atoms(vals)
    res = solve_psi(rho, lam1, lam_t, D, dps=30)
    assert_bracket_exact(res, rho, lam1, lam_t, D)


def test_extreme_scales_still_verified():
    cases = [("1e-300", "1e-100", "1e-200", Atoms(["1e50", 0, 3])),
             ("1e300", "1e100", "1e-200", Atoms(["1e-50", 2])),
             (1, "1e-30", "1e-30", Atoms([1, 2]))]
    for rho, l1, lt, D in cases:
        res = solve_psi(rho, l1, lt, D, dps=30)
        assert res.verified
        assert_bracket_exact(res, Fraction(rho), Fraction(l1), Fraction(lt), D)


def test_irrational_parameters_are_enclosed():
    """A SymPy irrational and an mpmath constant are enclosed, not rounded to 15 digits."""
    lt = sp.Rational(1, 4) - 1 / (2 * sp.pi)
    a = solve_psi(2, sp.Rational(1, 2), lt, point_mass(1), dps=80)
    with mpmath.workdps(120):
        b = solve_psi(2, 0.5, mpmath.mpf(1) / 4 - 1 / (2 * mpmath.pi), point_mass(1), dps=80)
    assert a.lower <= b.upper and b.lower <= a.upper
    c = solve_psi(mpmath.pi, 1, 1, point_mass(1), dps=60)
    with mpmath.workdps(100):   # δ₁: ψ² + (2 − π)ψ − π = 0
        exact = ((mpmath.pi - 2) + mpmath.sqrt((2 - mpmath.pi) ** 2 + 4 * mpmath.pi)) / 2
        assert c.lower <= exact <= c.upper


def test_result_fields_and_str():
    res = solve_psi(2, 0.5, 0.25, Atoms([1, 3]), dps=20)
    assert isinstance(res.iterations, int) and res.iterations >= 1
    assert res.dps == 20 and float(res) == pytest.approx(float(res.value))
    assert str(res) == res.certified_str()
    # a bracket straddling a short decimal certifies no digit and says so
    one = solve_psi("1.5", 1, 1, point_mass(1), dps=20)      # ψ = 1 exactly
    assert one.lower < 1 < one.upper and one.certified_str() == ""
    assert "[" in str(one)


def test_convergence_error_carries_bracket(monkeypatch):
    """If the sign check can never succeed, ConvergenceError reports the last bracket."""
    from lazysym.objects import fixed_point as fp
    monkeypatch.setattr(fp._AtomData, "h_lower_bound", lambda self, Psi: 0)
    with pytest.raises(ConvergenceError) as info:
        solve_psi(2, 0.5, 0.25, Atoms([1, 3]), dps=20)
    assert "lower" in info.value.diagnostics and "upper" in info.value.diagnostics


# ------------------------------------------------------------------------------------------
# bad input
# ------------------------------------------------------------------------------------------

D0 = point_mass(1)


@pytest.mark.parametrize("args, kwargs, needle", [
    ((0, 0.5, 0.25, D0), {}, "ρ"),
    ((-1, 0.5, 0.25, D0), {}, "ρ"),
    ((float("nan"), 0.5, 0.25, D0), {}, "finite"),
    ((float("inf"), 0.5, 0.25, D0), {}, "finite"),
    ((1, float("nan"), 0.25, D0), {}, "finite"),
    ((1, 0.5, 0, D0), {}, "A1"),
    ((1, 0.5, 0, D0), {}, "linear"),
    ((1, 0.5, -0.1, D0), {}, "A1"),
    ((1, 0.5, float("nan"), D0), {}, "finite"),
    ((1, 0.5, "abc", D0), {}, "string"),
    ((1, 0.5, 1 + 2j, D0), {}, "real"),
    ((True, 0.5, 0.25, D0), {}, "bool"),
    ((1, 0.5, 0.25, [1.0, 2.0]), {}, "Spectrum"),
    ((1, 0.5, 0.25, np.array([1.0])), {}, "Spectrum"),
    ((1, 0.5, 0.25, D0), {"dps": 0}, "dps"),
    ((1, 0.5, 0.25, D0), {"dps": 2.5}, "dps"),
])
def test_bad_input_raises_assumption_error(args, kwargs, needle):
    with pytest.raises(AssumptionError, match=needle):
        solve_psi(*args, **kwargs)


def test_residual_bad_psi():
    with pytest.raises(AssumptionError, match="ψ"):
        psi_residual(0, 1, 0.5, 0.25, D0)
    with pytest.raises(AssumptionError, match="ψ"):
        psi_residual(-1, 1, 0.5, 0.25, D0)

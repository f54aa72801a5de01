"""Soundness of the certified ψ (issue 12 point 5): the interval arithmetic of
:mod:`lazysym.objects.fixed_point`, primitive by primitive, against exact rationals (Fractions).

A bracket is only as good as its roundings: every lower bound must be ≤ the exact rational value
and every upper bound ≥ it, on adversarial inputs (values on a rounding boundary, tiny and huge
atoms, intervals for irrational parameters). Each test here fails for a known mutant of the
module (measured by applying it: rounding direction flipped in ``_fix_prod``, a wrong lower
bound of h — ``A_lo``/``W_lo`` instead of ``A_hi``/``W_hi`` —, the guard bits 24 → 2, the ceil of
``_ceil_shift`` replaced by a floor, λ₁² bounds for an interval straddling 0).
"""

from __future__ import annotations

import math
import random
from fractions import Fraction

import mpmath
import pytest
import sympy as sp

from lazysym.objects import fixed_point as fp
from lazysym.objects.spectra import Atoms

RNG = random.Random(20240601)


def _floor(v: Fraction) -> int:
    return v.numerator // v.denominator


def _ceil(v: Fraction) -> int:
    return -((-v.numerator) // v.denominator)


def _random_fraction(rng: random.Random, lo_exp: int = -60, hi_exp: int = 60) -> Fraction:
    """Positive rationals spread over many binary orders, often with odd denominators."""
    kind = rng.random()
    e = rng.randint(lo_exp, hi_exp)
    if kind < 0.3:    # dyadic: exactly representable, floor = ceil at enough bits
        return Fraction(rng.randint(1, 2**40)) * Fraction(2) ** e
    if kind < 0.6:    # small odd denominators (1/3, 5/7, ...)
        return Fraction(rng.randint(1, 10**6), rng.choice([3, 5, 7, 9, 11, 13, 10**9 + 7]))
    return Fraction(rng.randint(1, 2**64), rng.randint(1, 2**64)) * Fraction(2) ** e


# --------------------------------------------------------------------------------------------
# fixed-point primitives
# --------------------------------------------------------------------------------------------

def test_fix_prod_floor_and_ceil_enclose_the_exact_product():
    rng = random.Random(1)
    strict = 0
    for _ in range(3000):
        a, b = _random_fraction(rng), _random_fraction(rng)
        P = rng.randint(0, 300)
        lo, hi = fp._fix_prod(a.numerator, a.denominator, b.numerator, b.denominator, P)
        exact = a * b * 2**P
        assert lo == _floor(exact) and hi == _ceil(exact), (a, b, P)
        strict += lo != hi
    assert strict > 1000      # the ceiling was exercised on non-integers


def test_fix_is_floor_and_ceil():
    rng = random.Random(2)
    for _ in range(2000):
        v = _random_fraction(rng)
        P = rng.randint(0, 200)
        lo, hi = fp._fix(v, P)
        assert lo == _floor(v * 2**P) and hi == _ceil(v * 2**P)


def test_ceil_shift_is_a_ceiling():
    rng = random.Random(3)
    for _ in range(2000):
        x = rng.randint(-2**200, 2**200)
        P = rng.randint(0, 150)
        assert fp._ceil_shift(x, P) == _ceil(Fraction(x, 2**P))


@pytest.mark.parametrize("rnd", ["f", "c"])
def test_frac_to_mpf_rounds_outward(rnd):
    rng = random.Random(4)
    for _ in range(500):
        v = _random_fraction(rng, -300, 300)
        bits = rng.randint(20, 200)
        m = fp._frac_to_mpf(v, bits, rnd)
        s, man, e, _ = m._mpf_
        exact = Fraction(man) * Fraction(2) ** e
        assert (exact <= v) if rnd == "f" else (exact >= v)


def test_square_bounds_enclose_for_intervals_straddling_zero():
    class _Interval:
        def __init__(self, lo, hi):
            self.lo, self.hi, self.exact = lo, hi, None

        def bounds(self, bits):
            return self.lo, self.hi

    for lo, hi in [(Fraction(-1, 3), Fraction(1, 7)), (Fraction(-1, 7), Fraction(1, 3)),
                   (Fraction(-2), Fraction(-1)), (Fraction(1, 5), Fraction(2, 5))]:
        slo, shi = fp._square_bounds(_Interval(lo, hi), 64)
        grid = [lo + (hi - lo) * Fraction(k, 50) for k in range(51)]
        assert all(slo <= g * g <= shi for g in grid)


# --------------------------------------------------------------------------------------------
# the rigorous bounds of h on atomic D
# --------------------------------------------------------------------------------------------

def _h_exact(psi: Fraction, rho: Fraction, l2: Fraction, lt: Fraction, D: Atoms) -> Fraction:
    return rho - lt * psi - sum((w * (l2 * t * psi) / (1 + l2 * t * psi)
                                 for t, w in zip(D.values_exact, D.weights_exact)), Fraction(0))


def _adversarial_cases(n: int):
    rng = random.Random(5)
    for k in range(n):
        m = rng.randint(1, 5)
        if k % 3 == 0:      # tiny and huge atoms together
            vals = [_random_fraction(rng, -80, -40), _random_fraction(rng, 40, 80)][:m] + \
                   [Fraction(rng.randint(1, 9), 7) for _ in range(max(0, m - 2))]
        else:
            vals = [_random_fraction(rng, -10, 10) for _ in range(m)]
        weights = [Fraction(rng.randint(1, 9)) for _ in vals]
        tot = sum(weights)
        D = Atoms(vals, [w / tot for w in weights])
        rho = _random_fraction(rng, -8, 8)
        lam1 = _random_fraction(rng, -6, 4) * rng.choice([1, -1])
        lt = _random_fraction(rng, -8, 4)
        yield D, rho, lam1, lt


def test_h_bounds_enclose_exact_h_on_adversarial_data():
    """h_lower_bound ≤ ⌊h·2^P⌋ and h_upper_bound ≥ ⌈h·2^P⌉ at many Ψ, for exact and interval
    parameters (λ̃ irrational: an enclosure). Catches every flipped rounding in the bounds."""
    tight = 0
    for D, rho, lam1, lt in _adversarial_cases(120):
        P = random.Random(int(rho * 1000) % 97).choice([40, 64, 97, 180])
        params = (fp._Param(rho, "ρ", "ρ > 0"), fp._Param(lam1, "λ₁", "real"),
                  fp._Param(lt, "λ̃", "A1"))
        data = fp._AtomData(D, *params, P)
        rng = random.Random(P)
        for _ in range(12):
            Psi = rng.randint(1, 2**(P + rng.randint(-20, 12)))
            exact = _h_exact(Fraction(Psi, 2**P), rho, lam1 * lam1, lt, D) * 2**P
            lo, hi = data.h_lower_bound(Psi), data.h_upper_bound(Psi)
            assert lo <= _floor(exact), (D, rho, lam1, lt, P, Psi)
            assert hi >= _ceil(exact), (D, rho, lam1, lt, P, Psi)
            tight += (lo == _floor(exact)) + (hi == _ceil(exact))
    assert tight > 100        # tight in 144 of 2880 comparisons: a one-unit slip is seen


def test_h_bounds_with_irrational_parameters():
    """λ̃ = 1/2 − 1/(2π) and λ₁ = 1/√2 as enclosures: the bounds hold for every value inside."""
    lt_sym = sp.Rational(1, 2) - 1 / (2 * sp.pi)
    l1_sym = 1 / sp.sqrt(2)
    D = Atoms([Fraction(1, 3), Fraction(5, 2), Fraction(7, 4)])
    rho = Fraction(3, 2)
    P = 120
    data = fp._AtomData(D, fp._Param(rho, "ρ", ""), fp._Param(l1_sym, "λ₁", ""),
                        fp._Param(lt_sym, "λ̃", "A1"), P)
    with mpmath.workdps(80):
        lt_v = fp._Param(lt_sym, "λ̃", "A1").bounds(P + 64)
        l1_v = fp._Param(l1_sym, "λ₁", "").bounds(P + 64)
    for Psi in [2**P // 3, 2**P, 5 * 2**P // 2, 7 * 2**P]:
        for lt in lt_v:
            for l1 in l1_v:
                exact = _h_exact(Fraction(Psi, 2**P), rho, l1 * l1, lt, D) * 2**P
                assert data.h_lower_bound(Psi) <= _floor(exact)
                assert data.h_upper_bound(Psi) >= _ceil(exact)


def test_param_bounds_enclose_irrationals():
    with mpmath.workdps(200):
        for x, ref in [(sp.pi / 7, mpmath.pi / 7), (sp.sqrt(2) - 1, mpmath.sqrt(2) - 1),
                       (sp.Rational(1, 4) - 1 / (2 * sp.pi), mpmath.mpf(1) / 4 - 1 / (2 * mpmath.pi)),
                       (mpmath.pi, mpmath.pi)]:
            p = fp._Param(x, "x", "real")
            for bits in (30, 100, 300):
                lo, hi = p.bounds(bits)
                # the 200-digit reference is within 2^-600 of the true value
                assert lo <= _mp_fraction(ref) + Fraction(1, 2**600)
                assert hi >= _mp_fraction(ref) - Fraction(1, 2**600)
                assert hi - lo <= abs(lo) * Fraction(1, 2**bits) * 2


def _mp_fraction(x) -> Fraction:
    """The exact value of an mpf (unary + would round it to the ambient precision)."""
    s, m, e, _ = (x if isinstance(x, mpmath.mpf) else +x)._mpf_
    v = Fraction(m) * Fraction(2) ** e
    return -v if s else v


# --------------------------------------------------------------------------------------------
# guard bits: the certification has the margin the module docstring promises
# --------------------------------------------------------------------------------------------

def test_guard_bits_leave_the_promised_margin():
    """With P = K + G, the width of [h_lower_bound, h_upper_bound] at Ψ ≈ ψ·2^P must be far
    below λ̃ψ·2^(G−1) (the size of h at the bracket's ends, in units of 2^-P): at least 16 bits
    of margin. Guard bits 24 → 2 leave none."""
    checked = 0
    for D, rho, lam1, lt in _adversarial_cases(60):
        l2 = lam1 * lam1
        psi_lo = rho / (l2 * D.mean_exact() + lt)
        psi_hi = rho / lt
        G = fp._guard_bits(len(D), psi_lo, psi_hi, lt)
        K = 110
        P = K + G
        params = (fp._Param(rho, "ρ", ""), fp._Param(lam1, "λ₁", ""), fp._Param(lt, "λ̃", ""))
        data = fp._AtomData(D, *params, P)
        for psi in (psi_lo, (psi_lo + psi_hi) / 2, psi_hi):
            Psi = _floor(psi * 2**P)
            if Psi <= 0:
                continue
            width = data.h_upper_bound(Psi) - data.h_lower_bound(Psi)
            need = lt * psi * Fraction(2) ** (G - 1)
            assert width * 2**16 <= need, (D, rho, lam1, lt, G, width, float(need))
            checked += 1
    assert checked > 100


# --------------------------------------------------------------------------------------------
# end to end: verified=True means the sign change was proved
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("case", range(40))
def test_verified_bracket_brackets_the_exact_root(case):
    D, rho, lam1, lt = list(_adversarial_cases(40))[case]
    res = fp.solve_psi(rho, lam1, lt, D, dps=25)
    assert res.verified
    lo, hi = _mp_fraction(res.lower), _mp_fraction(res.upper)
    assert 0 < lo <= hi
    if lam1 == 0 or D.values_exact[-1] == 0:
        assert lo <= rho / lt <= hi
        return
    assert _h_exact(lo, rho, lam1 * lam1, lt, D) > 0 > _h_exact(hi, rho, lam1 * lam1, lt, D)
    assert (hi - lo) * 10**25 <= lo


def test_result_rounds_outward():
    lo, hi = Fraction(1, 3), Fraction(1, 3) + Fraction(1, 10**40)
    r = fp._make_result(lo, hi, 35, 0, True, "test")
    assert _mp_fraction(r.lower) <= lo and _mp_fraction(r.upper) >= hi
    assert math.isfinite(float(r.value))

r"""The fixed point ψ of eq. (9) (Theorem 1, §2.1) and eq. (14) (Theorem 4, §3.1), to any precision.

Both theorems define :math:`\psi > 0` as the unique solution of

.. math::

    -\tilde\lambda = -\frac{\rho}{\psi} + \int \frac{\lambda_1^2 t}{1 + \lambda_1^2 t\psi}\,
    \mathcal D(dt),

with :math:`\mathcal D` the limit ESD of :math:`d\cdot\Gamma` (A2, eq. (9)) or of
:math:`d\cdot\Gamma^{1/2}\Sigma\Gamma^{1/2}` (B2, eq. (14)), :math:`\lambda_1` the first Hermite
coefficient of σ and :math:`\tilde\lambda = E[\sigma(G)^2] - \lambda_1^2`.

Existence, uniqueness and a bracket
-----------------------------------
Multiply by ψ > 0 and write :math:`s = \lambda_1^2 t\psi`:

.. math::

    h(\psi) := \rho - \tilde\lambda\psi - \int \frac{s}{1+s}\,\mathcal D(dt) = 0 .

* Each :math:`s/(1+s)` is non-decreasing and concave in ψ (t ≥ 0), and :math:`\tilde\lambda>0`
  (A1: λ̃ = 0 iff σ is linear), so h is **strictly decreasing and convex**.
* :math:`h(0^+) = \rho > 0` and :math:`h(\psi) \le \rho - \tilde\lambda\psi`, so
  :math:`h(\rho/\tilde\lambda) \le 0`: exactly one positive root, :math:`\psi \le \rho/\tilde\lambda`.
* :math:`s/(1+s) \le s` gives :math:`h(\psi)\ge\rho-(\lambda_1^2 m+\tilde\lambda)\psi` with
  :math:`m=\int t\,\mathcal D(dt)`, so :math:`\psi\ge\rho/(\lambda_1^2 m+\tilde\lambda)`. Sharper,
  by Jensen (:math:`t\mapsto ct/(1+ct)` is concave) h is at least the isotropic
  :math:`h_{\rm iso}(\psi)=\rho-\tilde\lambda\psi-a\psi/(1+a\psi)`, :math:`a=\lambda_1^2 m`, so ψ is
  at least the positive root of the quadratic :math:`\tilde\lambda a\psi^2+(\tilde\lambda+a-\rho a)
  \psi-\rho=0` (the exact answer for :math:`\mathcal D=\delta_m`).
* The other root of that quadratic, and of eq. (9) for any atomic :math:`\mathcal D`, is
  negative: a root finder on eq. (9) as printed can converge to it (see the tests).
* If :math:`\lambda_1 = 0` (e.g. σ = x² − 1) or :math:`\mathcal D=\delta_0`, :math:`\psi =
  \rho/\tilde\lambda` exactly.

Because h is convex and decreasing, Newton's method started left of the root increases
monotonically to it; the solver still safeguards every step by the bracket (bisection if a step
leaves it), so it converges for every valid input.

Precision and verification
--------------------------
:func:`solve_psi` returns a bracket ``[lower, upper] ∋ ψ`` with ``upper − lower ≤ 10^(−dps)·lower``.

* For an atomic :math:`\mathcal D` (:class:`~lazysym.objects.spectra.Atoms`, stored as exact rationals)
  Newton runs in fixed-point integer arithmetic with the precision doubled at each stage, and
  the signs :math:`h(\text{lower}) > 0 > h(\text{upper})` are then **proved** by interval
  arithmetic: every quantity is rounded outward (floor for lower bounds, ceiling for upper
  bounds) on integers, so rounding cannot flip a sign. ``verified=True``.
* For a continuous :math:`\mathcal D` the integral is a closed form evaluated with mpmath
  special functions (uniform, exponential, Marchenko–Pastur) or tanh–sinh quadrature
  (:class:`~lazysym.objects.spectra.Density`); neither is rigorous, so ``verified=False``. The sign test
  still requires :math:`|h|` at the endpoints to exceed the integrator's error estimate, at
  working precision ``dps`` + guard digits.

Parameters ρ, λ₁, λ̃ may be ints, floats (taken exactly as the binary numbers they are),
Fractions, decimal strings, mpf, SymPy rationals, or SymPy/mpmath irrational constants (e.g.
``sympy.Rational(1, 4) - 1/(2*sympy.pi)``), which are enclosed in an interval from SymPy's
``evalf`` (trusting its error control) or mpmath at ample precision.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from fractions import Fraction

import mpmath
import numpy as np

from lazysym._typing import MPF, RealLike
from lazysym._validate import check_dps
from lazysym.errors import ConvergenceError, check, check_type
from lazysym.objects.spectra import Atoms, Density, Spectrum, _exact, _to_mpf

__all__ = ["Enclosure", "PsiResult", "solve_psi", "psi_residual", "psi_bracket", "AuditCheck",
           "audit_arithmetic"]

_LOG2_10 = math.log2(10)


# ---------------------------------------------------------------------------------------------
# parameters as exact numbers or certified intervals
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Enclosure:
    """A real number known through enclosures: ``bounds(bits)`` returns Fractions
    ``(lo, hi)`` with lo ≤ x ≤ hi and hi − lo ≲ 2^(−bits)·|x|.

    ``rigorous=True`` when the bounds are proved (e.g. arb balls of
    :mod:`lazysym.objects.hermite_arb`); ``rigorous=False`` for an estimate (e.g. mpmath
    quadrature), in which case a ψ computed from it is reported ``verified=False`` with
    ``reason``.
    """

    bounds: Callable[[int], tuple[Fraction, Fraction]]
    name: str = ""
    rigorous: bool = True
    reason: str = ""

    def __post_init__(self) -> None:
        check_type(callable(self.bounds), "bounds", "a function bits ↦ (lo, hi) of Fractions",
                   self.bounds)
        check_type(isinstance(self.name, str), "name", "a string", self.name)
        check_type(isinstance(self.rigorous, bool), "rigorous", "a bool", self.rigorous)
        check_type(isinstance(self.reason, str), "reason", "a string", self.reason)

    def __float__(self) -> float:
        lo, hi = self.bounds(60)
        return float((lo + hi) / 2)


class _Param:
    """A real parameter: exact (Fraction) or irrational (an enclosure at any number of bits)."""

    def __init__(self, x, name: str, assumption: str):
        self.name = name
        self._x = x
        self.exact: Fraction | None = None
        self.rigorous, self.reason = True, ""
        self._cache: dict[int, tuple[Fraction, Fraction]] = {}
        if isinstance(x, Enclosure):
            self.kind = "enclosure"
            self.rigorous, self.reason = x.rigorous, x.reason
            lo, hi = _enclosure_bounds(x, 64, name)
            check(lo <= hi, f"{name}: empty enclosure", assumption=assumption)
        elif isinstance(x, mpmath.ctx_mp_python._constant):
            self.kind = "mpmath-constant"
        elif type(x).__module__.startswith("sympy") and not _sympy_exact(x):
            import sympy as sp
            check(isinstance(x, sp.Basic) and x.is_number and x.is_extended_real is not False,
                  f"{name} must be a real number; got {x!r}", assumption=assumption)
            v = sp.N(x, 30)
            check(v.is_Float and v.is_finite, f"{name} must be a finite real number; got {x!r}",
                  assumption=assumption)
            self.kind = "sympy"
        else:
            self.exact = _exact(x, name, assumption=assumption)
            self.kind = "exact"

    def bounds(self, bits: int) -> tuple[Fraction, Fraction]:
        """(lo, hi) with lo ≤ x ≤ hi and hi − lo ≤ 2^(−bits)·|x| (equal if x is exact)."""
        if self.exact is not None:
            return self.exact, self.exact
        if bits in self._cache:
            return self._cache[bits]
        if self.kind == "enclosure":
            out = _enclosure_bounds(self._x, bits, self.name)
            self._cache[bits] = out
            return out
        if self.kind == "sympy":
            digits = int((bits + 40) / _LOG2_10) + 8
            fl = self._x.evalf(n=digits)
            v = _exact(fl, self.name, assumption="real")
            # trust evalf to digits − 3 significant digits (it tracks its own error)
            rad = abs(v) * Fraction(1, 10 ** (digits - 3)) + Fraction(1, 2 ** (bits + 200))
        else:
            with mpmath.workprec(bits + 64):
                v = _exact(+self._x, self.name, assumption="real")
            rad = abs(v) * Fraction(1, 2 ** (bits + 40)) + Fraction(1, 2 ** (bits + 200))
        out = (v - rad, v + rad)
        self._cache[bits] = out
        return out

    def mid(self, bits: int = 120) -> Fraction:
        """The midpoint of :meth:`bounds` at ``bits`` bits (x itself if exact)."""
        lo, hi = self.bounds(bits)
        return (lo + hi) / 2


def _enclosure_bounds(e: Enclosure, bits: int, name: str) -> tuple[Fraction, Fraction]:
    """``e.bounds(bits)``, checked: a pair of Fractions lo ≤ hi."""
    out = e.bounds(bits)
    check_type(isinstance(out, tuple) and len(out) == 2
               and all(isinstance(v, Fraction) for v in out),
               f"{name}: Enclosure.bounds({bits})", "a pair (lo, hi) of Fractions", out)
    check(out[0] <= out[1], f"{name}: empty enclosure [{float(out[0])}, {float(out[1])}]",
          assumption=f"{name} enclosure")
    return out


def _sympy_exact(x) -> bool:
    return bool(getattr(x, "is_Rational", False) or getattr(x, "is_Float", False))


def _fix(v: Fraction, P: int) -> tuple[int, int]:
    """(floor, ceil) of v·2^P."""
    return _fix_prod(v.numerator, v.denominator, 1, 1, P)


def _fix_prod(n1: int, d1: int, n2: int, d2: int, P: int) -> tuple[int, int]:
    """(floor, ceil) of (n1 n2)/(d1 d2)·2^P for non-negative n1, n2."""
    n, d = n1 * n2, d1 * d2
    if d & (d - 1) == 0:
        k = d.bit_length() - 1
        if k <= P:
            x = n << (P - k)
            return x, x
    q, r = divmod(n << P, d)
    return q, q + (r != 0)


def _ceil_shift(x: int, P: int) -> int:
    return -((-x) >> P)


def _log2(v: Fraction) -> float:
    """log2 of a positive Fraction, robust to huge/tiny values."""
    n, d = v.numerator, v.denominator
    sh = n.bit_length() - d.bit_length()
    # scale to a float-friendly ratio
    if sh > 0:
        d <<= sh
    else:
        n <<= -sh
    return sh + math.log2(n / d)


# ---------------------------------------------------------------------------------------------
# the result
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class PsiResult:
    r"""ψ of eq. (9)/(14) with a guaranteed bracket.

    Attributes
    ----------
    value : mpf
        A point of ``[lower, upper]`` (their midpoint).
    lower, upper : mpf
        The bracket: :math:`\text{lower} \le \psi \le \text{upper}` and
        :math:`\text{upper}-\text{lower} \le 10^{-\text{dps}}\cdot\text{lower}`. Proved when
        ``verified`` (atomic D); for a continuous D it rests on the integrator's accuracy.
    dps : int
        The requested number of digits.
    iterations : int
        Newton and bisection steps taken (all precision stages).
    verified : bool
        True iff the sign change :math:`h(\text{lower}) > 0 > h(\text{upper})` was proved by
        interval/exact arithmetic (atomic D, or λ₁ = 0) **and** every parameter is exact or
        rigorously enclosed (an :class:`Enclosure` with ``rigorous=False`` makes it False).
    digits : int
        Number of significant decimal digits guaranteed: the relative width of the bracket is
        at most :math:`10^{-\text{digits}}` (``digits ≥ dps``). See :meth:`certified_str` for the
        digit string itself.
    method : str
        How ψ was computed.
    reason : str
        Why ``verified`` is False (empty when it is True).
    """

    value: MPF
    lower: MPF
    upper: MPF
    dps: int
    iterations: int
    verified: bool
    digits: int
    method: str = ""
    reason: str = ""
    _lo: Fraction = field(default=Fraction(0), repr=False, compare=False)
    _hi: Fraction = field(default=Fraction(0), repr=False, compare=False)

    def __float__(self) -> float:
        return float(self.value)

    def certified_str(self) -> str:
        """The decimal digits of ψ that the bracket proves (truncated, not rounded).

        ``"d.ddd…e±X"``: every digit shown is a digit of ψ's decimal expansion, because the
        truncated expansions of ``lower`` and ``upper`` agree on them. Usually ``dps`` or more
        digits; fewer when ψ sits within the bracket's width of a short decimal (for instance
        ψ = 1 exactly is bracketed by 0.999… and 1.000…, which share no digit).
        """
        lo, hi = self._lo, self._hi
        K = self.dps + 5
        S = K + max(0, math.ceil(-_log2(lo) / _LOG2_10)) + 2
        qlo = lo.numerator * 10 ** S // lo.denominator
        qhi = hi.numerator * 10 ** S // hi.denominator
        slo, shi = str(qlo), str(qhi)
        if len(slo) != len(shi):
            return ""
        k = 0
        for a, b in zip(slo, shi):
            if a != b:
                break
            k += 1
        k = min(k, K)
        if k == 0:
            return ""
        exp10 = len(slo) - 1 - S
        body = slo[0] + ("." + slo[1:k] if k > 1 else "")
        return f"{body}e{exp10:+d}"

    def __str__(self) -> str:
        """The certified digits, or the bracket itself when it certifies none."""
        return self.certified_str() or (f"[{mpmath.nstr(self.lower, self.dps + 2)}, "
                                        f"{mpmath.nstr(self.upper, self.dps + 2)}]")


def _make_result(lo: Fraction, hi: Fraction, dps: int, iterations: int, verified: bool,
                 method: str) -> PsiResult:
    """Result from an exact bracket: mpf endpoints rounded outward, digits from the width."""
    bits = max(64, int((dps + 10) * _LOG2_10) + 64)
    lo_m = _frac_to_mpf(lo, bits, "f")
    hi_m = _frac_to_mpf(hi, bits, "c")
    with mpmath.workprec(bits + 8):
        mid = (lo_m + hi_m) / 2
    if hi == lo:
        digits = dps
    else:
        ratio = (hi - lo) / lo
        digits = max(0, int(-_log2(ratio) / _LOG2_10))
        # exact adjustment (the float estimate may be one off): width·10^digits ≤ lower
        while digits > 0 and (hi - lo) * 10 ** digits > lo:
            digits -= 1
        while (hi - lo) * 10 ** (digits + 1) <= lo:
            digits += 1
    return PsiResult(mid, lo_m, hi_m, dps, iterations, verified, digits, method, _lo=lo, _hi=hi)


def _frac_to_mpf(v: Fraction, bits: int, rnd: str):
    """V rounded to ``bits`` bits in direction rnd ('f' floor, 'c' ceiling), exactly if dyadic."""
    n, d = v.numerator, v.denominator
    if d & (d - 1) == 0:
        with mpmath.workprec(max(n.bit_length(), 1) + 8):
            return mpmath.mpf(n) / d
    # make_mpf keeps the tuple as is (mpf(tuple) would re-round it at the ambient precision)
    return mpmath.mp.make_mpf(mpmath.libmp.from_rational(n, d, bits, rnd))


# ---------------------------------------------------------------------------------------------
# input checks
# ---------------------------------------------------------------------------------------------

def _params(rho, lambda1, lambda_tilde, spectrum):
    r = _Param(rho, "ρ", "ρ > 0")
    l1 = _Param(lambda1, "λ₁", "λ₁ real")
    lt = _Param(lambda_tilde, "λ̃", "A1")
    r_lo, _ = r.bounds(64)
    check(r_lo > 0, f"ρ = lim N/d must be > 0; got {float(r.mid()):.6g}", assumption="ρ > 0")
    lt_lo, _ = lt.bounds(64)
    check(lt_lo > 0,
          f"λ̃ = E[σ(G)²] − λ₁² must be > 0 (λ̃ = 0 means σ is linear, excluded by A1); "
          f"got {float(lt.mid()):.6g}", assumption="A1",
          fix="use a nonlinear activation (λ̃ > 0)")
    check(isinstance(spectrum, Spectrum),
          f"spectrum must be a lazysym.objects.spectra.Spectrum (the law D of A2/B2); got "
          f"{type(spectrum).__name__}", assumption="A2/B2 (D a probability distribution on [0,∞))",
          fix="wrap eigenvalues with lazysym.objects.spectra.Atoms(values) or use spectrum_of_gamma(Γ)")
    return r, l1, lt


def _square_bounds(l1: _Param, bits: int) -> tuple[Fraction, Fraction]:
    lo, hi = l1.bounds(bits)
    if lo >= 0:
        return lo * lo, hi * hi
    if hi <= 0:
        return hi * hi, lo * lo
    return Fraction(0), max(lo * lo, hi * hi)


# ---------------------------------------------------------------------------------------------
# the solver
# ---------------------------------------------------------------------------------------------

def solve_psi(rho: RealLike, lambda1: RealLike, lambda_tilde: RealLike, spectrum: Spectrum, *,
              dps: int = 30) -> PsiResult:
    r"""The unique ψ > 0 of eq. (9) (Theorem 1) / eq. (14) (Theorem 4), with a certified bracket.

    .. math::

        -\tilde\lambda = -\frac{\rho}{\psi}
        + \int \frac{\lambda_1^2 t}{1 + \lambda_1^2 t\psi}\,\mathcal D(dt)

    Existence and uniqueness: with :math:`h(\psi) = \psi\cdot(\text{RHS}-\text{LHS})\cdot(-1)
    = \rho - \tilde\lambda\psi - \int \frac{s}{1+s}\mathcal D(dt)`, :math:`s=\lambda_1^2t\psi`,
    h is strictly decreasing (λ̃ > 0, each s/(1+s) non-decreasing in ψ) and convex, with
    :math:`h(0^+)=\rho>0` and :math:`h(\rho/\tilde\lambda)\le 0`; so exactly one positive root,
    in :math:`[\rho/(\lambda_1^2 E_{\mathcal D}[t]+\tilde\lambda),\ \rho/\tilde\lambda]`
    (sharper lower end: the isotropic root, by Jensen). Full argument in the module docstring.

    Parameters
    ----------
    rho : real
        :math:`\rho = \lim N/d > 0`.
    lambda1 : real
        First Hermite coefficient :math:`\lambda_1` of σ (only λ₁² enters; λ₁ = 0 gives
        :math:`\psi=\rho/\tilde\lambda` exactly).
    lambda_tilde : real
        :math:`\tilde\lambda = E[\sigma(G)^2]-\lambda_1^2 > 0` (A1: σ nonlinear).
    spectrum : Spectrum
        The limit law :math:`\mathcal D` (A2 for eq. (9), B2 for eq. (14)).
    dps : int
        Decimal digits wanted (≥ 1; tested from 15 to 1100).

    Returns
    -------
    PsiResult
        ``value``, ``lower``, ``upper`` with ``upper − lower ≤ 10^(−dps)·lower``; ``verified`` is
        True when the sign change at the endpoints is proved (atomic D: outward-rounded integer
        interval arithmetic; λ₁ = 0: exact rational).

    Raises
    ------
    AssumptionError
        ρ ≤ 0, λ̃ ≤ 0 (A1), NaN/inf or non-real parameters, ``spectrum`` not a
        :class:`~lazysym.objects.spectra.Spectrum`, ``dps < 1``.
    ConvergenceError
        If the bracket cannot be certified after repeated precision increases (not expected
        for valid input: carries the last bracket and residual).
    """
    dps = check_dps(dps)
    r, l1, lt = _params(rho, lambda1, lambda_tilde, spectrum)
    trivial = (l1.exact == 0) or (isinstance(spectrum, Atoms) and spectrum.values_exact[-1] == 0)
    if trivial:
        res = _solve_trivial(r, lt, dps)
    elif spectrum.is_atomic and isinstance(spectrum, Atoms):
        res = _solve_atoms(r, l1, lt, spectrum, dps)
    else:
        res = _solve_continuous(r, l1, lt, spectrum, dps)
    loose = [f"{p.name}: {p.reason or 'not rigorously enclosed'}" for p in (r, l1, lt)
             if not p.rigorous and not (p is l1 and trivial and l1.exact == 0)]
    if not res.verified and not loose:
        return replace(res, reason="continuous 𝒟: the integral is evaluated by mpmath "
                                   "(closed form or quadrature), not rigorously")
    if loose:
        return replace(res, verified=False, reason="; ".join(loose))
    return res


def _solve_trivial(r: _Param, lt: _Param, dps: int) -> PsiResult:
    """λ₁²·t ≡ 0 on the support: the integral vanishes and ψ = ρ/λ̃."""
    bits = int((dps + 10) * _LOG2_10) + 64
    r_lo, r_hi = r.bounds(bits)
    lt_lo, lt_hi = lt.bounds(bits)
    return _make_result(r_lo / lt_hi, r_hi / lt_lo, dps, 0, True, "exact: λ₁²t ≡ 0, ψ = ρ/λ̃")


# ---- atomic D: fixed-point Newton + outward-rounded verification -------------------------------

class _AtomData:
    """Fixed-point images (scale 2^P) of the data, rounded down (``*_lo``) and up (``*_hi``)."""

    def __init__(self, spectrum: Atoms, r: _Param, l1: _Param, lt: _Param, P: int):
        self.P = P
        pbits = P + 64
        l2lo, l2hi = _square_bounds(l1, pbits)
        self.R_lo, self.R_hi = _fix(r.bounds(pbits)[0], P)[0], _fix(r.bounds(pbits)[1], P)[1]
        self.L_lo, self.L_hi = _fix(lt.bounds(pbits)[0], P)[0], _fix(lt.bounds(pbits)[1], P)[1]
        A_lo, A_hi, W_lo, W_hi = [], [], [], []
        wcache: dict[Fraction, tuple[int, int]] = {}
        n1l, d1l = l2lo.numerator, l2lo.denominator
        n1h, d1h = l2hi.numerator, l2hi.denominator
        same = l2lo == l2hi
        for t, w in zip(spectrum.values_exact, spectrum.weights_exact):
            if t == 0:
                continue  # contributes s/(1+s) = 0
            lo, hi = _fix_prod(n1l, d1l, t.numerator, t.denominator, P)
            if not same:
                hi = _fix_prod(n1h, d1h, t.numerator, t.denominator, P)[1]
            A_lo.append(lo)
            A_hi.append(hi)
            wb = wcache.get(w)
            if wb is None:
                wb = wcache[w] = _fix(w, P)
            W_lo.append(wb[0])
            W_hi.append(wb[1])
        self.A_lo, self.A_hi, self.W_lo, self.W_hi = A_lo, A_hi, W_lo, W_hi
        self._q: tuple[list[int], list[int], int] | None = None

    def h(self, Psi: int) -> int:
        """h(Ψ/2^P)·2^P, approximately (rounded-down data, floor arithmetic)."""
        P = self.P
        one = 1 << P
        acc = 0
        for a, w in zip(self.A_lo, self.W_lo):
            S = a * Psi >> P
            acc += w * S // (one + S)
        return self.R_lo - (self.L_lo * Psi >> P) - acc

    def hprime(self, Psi: int) -> tuple[int, int]:
        """(h'(ψ)·2^Q, Q) at about half the precision (enough for a quadratically convergent step)."""
        P = self.P
        Q = min(P, max(P // 2 + 32, 96))
        sh = P - Q
        q = self._q
        if q is None:
            q = self._q = ([a >> sh for a in self.A_lo], [w >> sh for w in self.W_lo],
                           self.L_lo >> sh)
        Aq, Wq, Lq = q
        Pq = Psi >> sh
        one = 1 << Q
        acc = 0
        for a, w in zip(Aq, Wq):
            D = one + (a * Pq >> Q)
            acc += ((w * a) << Q) // (D * D)
        hp = -Lq - acc
        return (hp if hp < 0 else -1), Q

    def h_lower_bound(self, Psi: int) -> int:
        """An integer ≤ h(Ψ/2^P)·2^P, rigorously (every rounding against h)."""
        P = self.P
        one = 1 << P
        acc = 0
        for a, w in zip(self.A_hi, self.W_hi):
            S = _ceil_shift(a * Psi, P)                    # ≥ s·2^P
            acc += -((-w * S) // (one + S))                # ≥ w·s/(1+s)·2^P
        return self.R_lo - _ceil_shift(self.L_hi * Psi, P) - acc

    def h_upper_bound(self, Psi: int) -> int:
        """An integer ≥ h(Ψ/2^P)·2^P, rigorously."""
        P = self.P
        one = 1 << P
        acc = 0
        for a, w in zip(self.A_lo, self.W_lo):
            S = a * Psi >> P                               # ≤ s·2^P
            acc += w * S // (one + S)                      # ≤ w·s/(1+s)·2^P
        return self.R_hi - (self.L_lo * Psi >> P) - acc


def _float_start(spectrum: Atoms, rho: float, l2: float, lt: float, lo: float, hi: float):
    """ψ to ~15 digits in float64 (safeguarded Newton), or None if float64 cannot represent it."""
    t, w = spectrum._floats()
    with np.errstate(all="ignore"):
        a = l2 * t
        x = lo
        for _ in range(100):
            s = a * x
            h = rho - lt * x - float(np.dot(w, s / (1 + s)))
            hp = -lt - float(np.dot(w, a / (1 + s) ** 2))
            if not (math.isfinite(h) and math.isfinite(hp)) or hp >= 0:
                return None
            if h > 0:
                lo = max(lo, x)
            else:
                hi = min(hi, x)
            nx = x - h / hp
            if not (lo <= nx <= hi):
                nx = 0.5 * (lo + hi)
            if abs(nx - x) <= 4e-16 * abs(x):
                return nx
            x = nx
    return x if math.isfinite(x) and x > 0 else None


def _iso_root(rho: float, a: float, lt: float) -> float:
    """Positive root of λ̃aψ² + (λ̃ + a − ρa)ψ − ρ = 0 (the isotropic ψ, a lower bound)."""
    if a == 0:
        return rho / lt
    b = lt + a - rho * a
    disc = math.sqrt(b * b + 4 * lt * a * rho)
    return 2 * rho / (b + disc) if b > 0 else (disc - b) / (2 * lt * a)


def _guard_bits(n: int, psi_lo: Fraction, psi_hi: Fraction, lt: Fraction) -> int:
    """Bits beyond the target so that the fixed-point error in h cannot decide a sign.

    With data rounded to 2^-P, |error of h·2^P| ≤ 2ψ + 2n + 4 units, while a bracket of relative
    half-width 2^-K needs |h| resolved to λ̃·ψ·2^-K (|h'| ≥ λ̃): G ≥ log2((2ψ+2n+4)/(λ̃ψ)) + margin.
    """
    lead = _log2(2 / lt + (2 * n + 4) / (lt * psi_lo))
    return 24 + max(0, math.ceil(lead))


def _solve_atoms(r: _Param, l1: _Param, lt: _Param, spectrum: Atoms, dps: int) -> PsiResult:
    K = math.ceil((dps + 2) * _LOG2_10) + 2     # bracket relative width ≈ 2^-K ≤ 10^-(dps+2)
    rm, ltm = r.mid(), lt.mid()
    l2m = l1.mid() ** 2
    m = spectrum.mean_exact()
    psi_lo_q = rm / (l2m * m + ltm)            # bracket of the module docstring
    psi_hi_q = rm / ltm
    G = _guard_bits(len(spectrum), psi_lo_q, psi_hi_q, ltm)
    iterations = 0
    # ---- float64 start
    try:
        fr, fl2, flt = float(rm), float(l2m), float(ltm)
        flo, fhi = float(psi_lo_q), float(psi_hi_q)
        ok = all(math.isfinite(v) and v > 0 for v in (fr, flt, flo, fhi)) and math.isfinite(fl2)
        ok = ok and min(fr, flt, flo) > 1e-280 and max(fhi, fl2 * float(spectrum.values_exact[-1]),
                                                     1 / flt) < 1e280
    except (OverflowError, ZeroDivisionError):
        ok = False
    start = None
    if ok:
        x0 = max(flo, min(fhi, _iso_root(fr, fl2 * float(m), flt)))
        start = _float_start(spectrum, fr, fl2, flt, x0, fhi)
    start_q = Fraction(start) if start is not None else psi_lo_q
    # ---- precision schedule: each stage's accurate bits (P − G) squared reach the next stage
    P_final = K + G
    for _attempt in range(6):
        levels = [P_final]
        while levels[0] > 2 * G + 128:
            levels.insert(0, levels[0] // 2 + G)
        Psi, prevP = _fix(start_q, levels[0])[0], levels[0]
        for k, P in enumerate(levels):
            data = _AtomData(spectrum, r, l1, lt, P)
            lo_b = _fix(psi_lo_q, P)[0] // 2          # safeguard bracket (halved/doubled: slack
            hi_b = 2 * _fix(psi_hi_q, P)[1] + 2       # for the approximate sign tests)
            Psi <<= P - prevP                         # the previous stage's Ψ at scale 2^P
            # first stage: iterate to convergence; later stages: one quadratic step each
            for _ in range(200 + 2 * P if k == 0 else 1):
                Psi, delta, lo_b, hi_b = _newton_step(data, Psi, lo_b, hi_b)
                iterations += 1
                if delta <= Psi >> ((P - G) // 2 + 1):
                    break
            prevP = P
        # ---- certify the bracket on the last stage (a failed try earns one more Newton step)
        P = levels[-1]
        for _try in range(3):
            half = max(1, Psi >> (K + 1))
            lower, upper = Psi - half, Psi + half
            hl = data.h_lower_bound(lower)
            hu = data.h_upper_bound(upper) if hl > 0 else None
            if hl > 0 and hu is not None and hu < 0 and lower > 0:
                lo_f, hi_f = Fraction(lower, 1 << P), Fraction(upper, 1 << P)
                if (hi_f - lo_f) * 10 ** dps <= lo_f:
                    return _make_result(lo_f, hi_f, dps, iterations, True,
                                        f"fixed-point Newton ({len(levels)} precision stages, "
                                        f"{P} bits), outward-rounded interval verification")
            Psi, _, lo_b, hi_b = _newton_step(data, Psi, lo_b, hi_b)
            iterations += 1
        # not certified: more guard bits, restarting from the current estimate
        start_q = Fraction(max(Psi, 1), 1 << P)
        G += 32 + G // 2
        P_final = K + G
    raise ConvergenceError(
        "could not certify the bracket of ψ (eq. (9)) after 6 precision increases",
        diagnostics={"lower": float(Fraction(lower, 1 << P)), "upper": float(Fraction(upper, 1 << P)),
                     "h_lower_bound(lower)": float(Fraction(hl, 1 << P)),
                     "h_upper_bound(upper)": None if hu is None else float(Fraction(hu, 1 << P)),
                     "bits": P})


def _newton_step(data: _AtomData, Psi: int, lo_b: int, hi_b: int):
    """One safeguarded Newton step in fixed point: (new Ψ, |step|, lo_b, hi_b)."""
    hval = data.h(Psi)
    if hval > 0:
        lo_b = max(lo_b, Psi)
    else:
        hi_b = min(hi_b, Psi)
    hp, Q = data.hprime(Psi)
    new = Psi - (hval << Q) // hp
    if not (lo_b < new < hi_b):
        new = (lo_b + hi_b) // 2                  # bisection
    return new, abs(new - Psi), lo_b, hi_b


# ---- continuous D: mpmath Newton with the spectrum's resolvent --------------------------------

def _solve_continuous(r: _Param, l1: _Param, lt: _Param, spectrum: Spectrum,
                      dps: int) -> PsiResult:
    work_bits = int((dps + 40) * _LOG2_10)
    rm, ltm = r.mid(work_bits + 64), lt.mid(work_bits + 64)
    l2m = l1.mid(work_bits + 64) ** 2
    m = _exact(spectrum.mean(dps=30), "mean of D", assumption="A2/B2 (finite mean)")
    psi_lo_q, psi_hi_q = rm / (l2m * m + ltm), rm / ltm
    G = _guard_bits(1, psi_lo_q, psi_hi_q, ltm)
    guard = math.ceil(G / _LOG2_10) + 5
    closed = type(spectrum)._resolvent not in (Spectrum._resolvent, Density._resolvent)
    method = "closed-form resolvent" if closed else "tanh–sinh quadrature"
    iterations = 0
    d_final = dps + 2 + guard
    try:
        a0 = float(l2m * m)
        x0 = _iso_root(float(rm), a0, float(ltm))
        start = Fraction(x0) if math.isfinite(x0) and x0 > 0 else psi_lo_q
    except (OverflowError, ZeroDivisionError):
        start = psi_lo_q
    start = min(max(start, psi_lo_q), psi_hi_q)

    def h_eval(psi, d):
        with mpmath.workdps(d):
            R, dR, err = spectrum._resolvent(l2 * psi, dps=d)
            hv = rho - ltil * psi - (1 - R)
            hp = -ltil + l2 * dR
            return hv, hp, err

    def step(psi, lo_b, hi_b, d):
        hv, hp, _err = h_eval(psi, d)
        if hv > 0:
            lo_b = max(lo_b, psi)
        else:
            hi_b = min(hi_b, psi)
        new = psi - hv / hp if hp < 0 else (lo_b + hi_b) / 2
        if not (lo_b < new < hi_b):
            new = (lo_b + hi_b) / 2
        return new, abs(new - psi), lo_b, hi_b

    for _attempt in range(4):
        levels = [d_final]
        while levels[0] > 2 * guard + 40:
            levels.insert(0, levels[0] // 2 + guard)
        psi = None
        for k, d in enumerate(levels):
            with mpmath.workdps(d + 10):
                rho, ltil, l2 = _to_mpf(rm), _to_mpf(ltm), _to_mpf(l2m)
                lo_b, hi_b = _to_mpf(psi_lo_q) / 2, 2 * _to_mpf(psi_hi_q)
                psi = _to_mpf(start) if psi is None else +psi
                tol = mpmath.mpf(10) ** (-((d - guard) // 2 + 1))
                for _ in range(300 if k == 0 else 1):
                    psi, delta, lo_b, hi_b = step(psi, lo_b, hi_b, d + 10)
                    iterations += 1
                    if delta <= psi * tol:
                        break
        d = levels[-1] + 10
        with mpmath.workdps(d):
            for _try in range(3):
                half = psi * mpmath.mpf(10) ** (-(dps + 2)) / 2
                lower, upper = psi - half, psi + half
                hl, _, el = h_eval(lower, d)
                hu, _, eu = h_eval(upper, d)
                if hl > el and hu < -eu:
                    lo_f = _exact(lower, "lower", assumption="real")
                    hi_f = _exact(upper, "upper", assumption="real")
                    if (hi_f - lo_f) * 10 ** dps <= lo_f:
                        return _make_result(lo_f, hi_f, dps, iterations, False,
                                            f"mpmath Newton ({method}, {len(levels)} precision "
                                            f"stages, {levels[-1]} digits); not rigorous")
                psi, _, lo_b, hi_b = step(psi, lo_b, hi_b, d)
                iterations += 1
            start = _exact(psi, "psi", assumption="real")
        guard += 10 + guard // 2
        d_final = dps + 2 + guard
    raise ConvergenceError(
        f"could not confirm the bracket of ψ (eq. (9)) for {spectrum!r}",
        diagnostics={"lower": mpmath.nstr(lower, 20), "upper": mpmath.nstr(upper, 20),
                     "h(lower)": mpmath.nstr(hl, 5), "h(upper)": mpmath.nstr(hu, 5),
                     "error estimate": mpmath.nstr(max(el, eu), 5)})


# ---------------------------------------------------------------------------------------------
# residual and bracket
# ---------------------------------------------------------------------------------------------

def psi_residual(psi: RealLike, rho: RealLike, lambda1: RealLike, lambda_tilde: RealLike,
                 spectrum: Spectrum, *, dps: int = 30) -> MPF:
    r"""Residual of eq. (9)/(14) at ψ: RHS − LHS,

    .. math::

        F(\psi) = \tilde\lambda - \frac{\rho}{\psi} + \int\frac{\lambda_1^2 t}{1+\lambda_1^2 t
        \psi}\,\mathcal D(dt) \quad (= -h(\psi)/\psi),

    zero exactly at the solution, increasing in ψ. Evaluated with ``spectrum.integrate`` at
    ``dps`` digits (+10 guard), returned rounded to ``dps`` digits.
    """
    dps = check_dps(dps)
    r, l1, lt = _params(rho, lambda1, lambda_tilde, spectrum)
    p = _Param(psi, "ψ", "ψ > 0")
    bits = int((dps + 20) * _LOG2_10)
    check(p.bounds(bits)[0] > 0, f"ψ must be > 0; got {float(p.mid()):.6g}", assumption="ψ > 0")
    with mpmath.workdps(dps + 10):
        ps = _to_mpf(p.mid(bits))
        rh, lm = _to_mpf(r.mid(bits)), _to_mpf(lt.mid(bits))
        l2 = _to_mpf(l1.mid(bits)) ** 2
        integral = spectrum.integrate(lambda t: l2 * t / (1 + l2 * t * ps), dps=dps + 10)
        res = lm - rh / ps + integral
    with mpmath.workdps(dps):
        return +res


def psi_bracket(rho: RealLike, lambda1: RealLike, lambda_tilde: RealLike, spectrum: Spectrum, *,
                dps: int = 30) -> tuple[MPF, MPF]:
    r"""The a-priori bracket of ψ (module docstring): ``(isotropic root, ρ/λ̃)`` as mpf.

    The lower end is the positive root of :math:`\tilde\lambda a\psi^2 + (\tilde\lambda + a -
    \rho a)\psi - \rho = 0` with :math:`a = \lambda_1^2 E_{\mathcal D}[t]` (Jensen), the upper
    end :math:`\rho/\tilde\lambda` (drop the integral).
    """
    dps = check_dps(dps)
    r, l1, lt = _params(rho, lambda1, lambda_tilde, spectrum)
    with mpmath.workdps(dps + 10):
        rh, lm = _to_mpf(r.mid()), _to_mpf(lt.mid())
        a = _to_mpf(l1.mid()) ** 2 * spectrum.mean(dps=dps + 10)
        if a == 0:
            lo = rh / lm
        else:
            b = lm + a - rh * a
            disc = mpmath.sqrt(b * b + 4 * lm * a * rh)
            lo = 2 * rh / (b + disc) if b > 0 else (disc - b) / (2 * lm * a)
        hi = rh / lm
    with mpmath.workdps(dps):
        return +lo, +hi


# ---------------------------------------------------------------------------------------------
# self-audit of the interval arithmetic (run by ``proofs-check --audit``)
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class AuditCheck:
    """One check of :func:`audit_arithmetic`: ``ok`` over ``cases`` exact comparisons."""

    name: str
    ok: bool
    cases: int
    detail: str = ""


def _floor_q(v: Fraction) -> int:
    return v.numerator // v.denominator


def _ceil_q(v: Fraction) -> int:
    return -((-v.numerator) // v.denominator)


def _audit_fraction(rng, lo_exp: int = -60, hi_exp: int = 60) -> Fraction:
    """Positive rationals over many binary orders: dyadic, small odd denominators, or random."""
    kind, e = rng.random(), rng.randint(lo_exp, hi_exp)
    if kind < 0.3:
        return Fraction(rng.randint(1, 2 ** 40)) * Fraction(2) ** e
    if kind < 0.6:
        return Fraction(rng.randint(1, 10 ** 6), rng.choice([3, 5, 7, 9, 11, 13, 10 ** 9 + 7]))
    return Fraction(rng.randint(1, 2 ** 64), rng.randint(1, 2 ** 64)) * Fraction(2) ** e


def _audit_cases(rng, n: int):
    """Adversarial (D, ρ, λ₁, λ̃): tiny and huge atoms together, non-dyadic parameters."""
    for k in range(n):
        m = rng.randint(1, 5)
        if k % 3 == 0:
            vals = [_audit_fraction(rng, -80, -40), _audit_fraction(rng, 40, 80)][:m] + \
                   [Fraction(rng.randint(1, 9), 7) for _ in range(max(0, m - 2))]
        else:
            vals = [_audit_fraction(rng, -10, 10) for _ in range(m)]
        wts = [Fraction(rng.randint(1, 9)) for _ in vals]
        D = Atoms(vals, [w / sum(wts) for w in wts])
        yield (D, _audit_fraction(rng, -8, 8),
               _audit_fraction(rng, -6, 4) * rng.choice([1, -1]), _audit_fraction(rng, -8, 4))


def _h_exact(psi: Fraction, rho: Fraction, l2: Fraction, lt: Fraction, D: Atoms) -> Fraction:
    return rho - lt * psi - sum((w * (l2 * t * psi) / (1 + l2 * t * psi)
                                 for t, w in zip(D.values_exact, D.weights_exact)), Fraction(0))


def _mpf_fraction(x) -> Fraction:
    s, m, e, _ = x._mpf_
    v = Fraction(m) * Fraction(2) ** e
    return -v if s else v


def audit_arithmetic(*, seed: int = 0) -> list[AuditCheck]:
    r"""Audit the outward-rounded arithmetic behind ``verified=True`` against exact rationals.

    ``verified=True`` (eq. (9)/(14) on an atomic D) rests on integer primitives rounding the
    right way; a wrong direction or too few guard bits leaves every ψ the claims use unchanged
    (the error is ~2^-P) yet makes the certificate false. This audit re-derives each primitive's
    result in ``fractions.Fraction`` on adversarial inputs (binary-rounding boundaries, atoms
    2^±80 apart, intervals for irrational λ₁), deterministically from ``seed``:

    * ``_fix_prod`` / ``_fix`` return exactly (⌊x·2^P⌋, ⌈x·2^P⌉); ``_ceil_shift`` is a ceiling;
    * mpf conversion rounds outward; λ₁² bounds enclose λ₁² for intervals straddling 0;
    * ``h_lower_bound`` ≤ ⌊h·2^P⌋ and ``h_upper_bound`` ≥ ⌈h·2^P⌉ (h of the module docstring);
    * the guard bits leave ≥ 16 bits between the bounds' width and |h| at the bracket's ends;
    * :func:`solve_psi`'s promised width ``upper − lower ≤ 10^(−dps)·lower`` and the exact sign
      change at its ends, for ψ ≈ 2^-40…2^-60 (where the fixed-point Ψ is shortest).

    Well under a second (measured 0.14–0.3 s). Returns one :class:`AuditCheck` per item; all
    ``ok`` on a sound build.
    """
    import random

    check_type(isinstance(seed, int) and not isinstance(seed, bool) and 0 <= seed < 2 ** 63,
               "seed", "an int in [0, 2^63)", seed)
    rng = random.Random(seed)
    out: list[AuditCheck] = []

    bad = n = 0
    for _ in range(1500):
        a, b, P = _audit_fraction(rng), _audit_fraction(rng), rng.randint(0, 300)
        lo, hi = _fix_prod(a.numerator, a.denominator, b.numerator, b.denominator, P)
        x = a * b * 2 ** P
        bad += (lo, hi) != (_floor_q(x), _ceil_q(x))
        v = _audit_fraction(rng)
        bad += _fix(v, P) != (_floor_q(v * 2 ** P), _ceil_q(v * 2 ** P))
        z = rng.randint(-2 ** 200, 2 ** 200)
        bad += _ceil_shift(z, P % 150) != _ceil_q(Fraction(z, 2 ** (P % 150)))
        n += 3
    out.append(AuditCheck("fixed-point floor/ceil (_fix_prod, _fix, _ceil_shift)", bad == 0, n,
                          f"{bad} wrong"))

    bad = n = 0
    for _ in range(300):
        v, bits = _audit_fraction(rng, -300, 300), rng.randint(20, 200)
        bad += not _mpf_fraction(_frac_to_mpf(v, bits, "f")) <= v
        bad += not _mpf_fraction(_frac_to_mpf(v, bits, "c")) >= v
        n += 2
    lo_q, hi_q = Fraction(1, 3), Fraction(1, 3) + Fraction(1, 10 ** 40)
    r = _make_result(lo_q, hi_q, 35, 0, True, "audit")
    bad += not (_mpf_fraction(r.lower) <= lo_q and _mpf_fraction(r.upper) >= hi_q)
    n += 1
    out.append(AuditCheck("outward mpf rounding (_frac_to_mpf, results)", bad == 0, n,
                          f"{bad} wrong"))

    class _Iv:
        def __init__(self, lo: Fraction, hi: Fraction) -> None:
            self.lo, self.hi = lo, hi

        def bounds(self, bits: int) -> tuple[Fraction, Fraction]:
            return self.lo, self.hi

    bad = n = 0
    for lo_q, hi_q in [(Fraction(-1, 3), Fraction(1, 7)), (Fraction(-1, 7), Fraction(1, 3)),
                       (Fraction(-2), Fraction(-1)),
                       (Fraction(1, 5), Fraction(2, 5))]:
        slo, shi = _square_bounds(_Iv(lo_q, hi_q), 64)  # type: ignore[arg-type]
        for k in range(51):
            g = lo_q + (hi_q - lo_q) * Fraction(k, 50)
            bad += not slo <= g * g <= shi
            n += 1
    out.append(AuditCheck("λ₁² enclosure (_square_bounds)", bad == 0, n, f"{bad} wrong"))

    bad = n = 0
    for D, rho, lam1, lt in _audit_cases(rng, 60):
        P = rng.choice([40, 64, 97, 180])
        data = _AtomData(D, _Param(rho, "ρ", ""), _Param(lam1, "λ₁", ""), _Param(lt, "λ̃", ""), P)
        for _ in range(12):
            Psi = rng.randint(1, 2 ** (P + rng.randint(-20, 12)))
            x = _h_exact(Fraction(Psi, 2 ** P), rho, lam1 * lam1, lt, D) * 2 ** P
            bad += not data.h_lower_bound(Psi) <= _floor_q(x)
            bad += not data.h_upper_bound(Psi) >= _ceil_q(x)
            n += 2
    out.append(AuditCheck("rigorous bounds of h (h_lower_bound, h_upper_bound)", bad == 0, n,
                          f"{bad} wrong"))

    bad = n = 0
    for D, rho, lam1, lt in _audit_cases(rng, 40):
        psi_lo, psi_hi = rho / (lam1 * lam1 * D.mean_exact() + lt), rho / lt
        G = _guard_bits(len(D), psi_lo, psi_hi, lt)
        P = 110 + G
        data = _AtomData(D, _Param(rho, "ρ", ""), _Param(lam1, "λ₁", ""), _Param(lt, "λ̃", ""), P)
        for psi in (psi_lo, (psi_lo + psi_hi) / 2, psi_hi):
            Psi = _floor_q(psi * 2 ** P)
            if Psi > 0:
                width = data.h_upper_bound(Psi) - data.h_lower_bound(Psi)
                bad += not width * 2 ** 16 <= lt * psi * Fraction(2) ** (G - 1)
                n += 1
    out.append(AuditCheck("guard bits: ≥ 16 bits of margin (_guard_bits)", bad == 0, n,
                          f"{bad} short"))

    bad = n = 0
    atoms = Atoms([Fraction(1, 2), Fraction(3, 2)], [Fraction(1, 2), Fraction(1, 2)])
    for k in (40, 60):
        for dps in (15, 30):
            lt = Fraction(2) ** k
            res = solve_psi(1, 1, lt, atoms, dps=dps)
            end_lo, end_hi = res._lo, res._hi
            bad += not (res.verified and 0 < end_lo < end_hi
                        and (end_hi - end_lo) * 10 ** dps <= end_lo
                        and _h_exact(end_lo, Fraction(1), Fraction(1), lt, atoms) > 0
                        > _h_exact(end_hi, Fraction(1), Fraction(1), lt, atoms))
            n += 1
    out.append(AuditCheck("solve_psi: promised width and exact sign change at tiny ψ", bad == 0,
                          n, f"{bad} wrong"))
    return out

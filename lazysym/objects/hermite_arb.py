r"""Rigorous Hermite data of activations with arb ball arithmetic (python-flint).

Theorem 1 and Theorem 4 need :math:`\lambda_k = E[\sigma(G)\mathrm{He}_k(G)]` and
:math:`\tilde\lambda = E[\sigma(G)^2] - \lambda_1^2`. For σ without a closed form (tanh,
softplus, …) :mod:`lazysym.objects.hermite` evaluates them by mpmath quadrature, whose error
estimate is not a bound. Here they are **enclosed**: a ball :math:`[m \pm r]` that provably
contains the value, so that ψ of eq. (9)/(14) computed from them is ``verified``.

Method. The integral over ℝ is split into

* :math:`[-L, L]`, cut at the kinks of σ, where each kink-free branch is compiled from its SymPy
  expression into arb functions and integrated by :meth:`flint.acb.integral` (rigorous
  Gauss–Legendre with error bounds from the analyticity of the integrand in a neighbourhood of
  the segment; branch cuts of log, sqrt and non-integer powers are reported to it through the
  ``analytic`` flag);
* the tails :math:`|u| > L`, bounded by a **growth majorant** derived from the expression:
  :math:`|\sigma(u)| \le C e^{a|u| + bu^2}(1+|u|)^p` for all real u (rules for +, ×, integer
  powers, exp, log of a quantity ≥ 1, sqrt, and the bounded functions tanh, erf, erfc, sin,
  cos, atan; anything else is refused), :math:`|\mathrm{He}_k(u)| \le S_k(1+|u|)^k` with
  :math:`S_k` the sum of the absolute coefficients, and, for b < 1/2, c = 1/2 − b,
  m = p + k and :math:`L \ge (m + a)/c`,

  .. math:: \int_L^\infty (1+u)^m e^{au - cu^2}\,du \le \frac{(1+L)^m e^{aL - cL^2}}{cL}

  (the factor :math:`(1+u)^m e^{au - cu^2/2}` is non-increasing on [L, ∞), and
  :math:`\int_L^\infty e^{-cu^2/2}du \le e^{-cL^2/2}/(cL)`). L grows until the tail is below
  :math:`2^{-\text{prec}}`.

Activations outside this vocabulary (a function without an arb counterpart, a growth majorant
that cannot be derived, b ≥ 1/2 — A1 allows up to b < 1/4) raise :class:`ArbUnsupported` with the
reason; :func:`lazysym.rf.hermite_data` then falls back to mpmath and ψ is reported
``verified=False`` with that reason.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from fractions import Fraction
from functools import lru_cache
from typing import Any

import sympy as sp

from lazysym._validate import check_dps, nonnegative_int
from lazysym.errors import AssumptionError, ConvergenceError, check, check_type
from lazysym.limits import check_limit
from lazysym.objects.activations import Activation, ActivationLike, activation, check_a1_growth, x

__all__ = ["ArbUnsupported", "arb_constant", "arb_hermite_coefficient", "arb_lambda_tilde",
           "arb_second_moment", "arb_to_fractions", "supports_arb"]


class ArbUnsupported(AssumptionError):
    """σ cannot be enclosed with arb (the message says why).

    An :class:`~lazysym.errors.AssumptionError` (hence still a ``ValueError``): the assumption
    is that σ lies in the vocabulary of the module docstring.
    """

    def __init__(self, message: str):
        super().__init__(message, assumption="σ enclosable with arb",
                         fix="use lazysym.objects.hermite (mpmath quadrature, not verified)")


def _act(act: ActivationLike) -> Activation:
    """The activation, after the growth half of A1 (σ ∈ L²(γ)): before any Hermite computation."""
    a = activation(act)
    check_a1_growth(a)
    return a


# --------------------------------------------------------------------------------------------
# SymPy → arb
# --------------------------------------------------------------------------------------------

_BOUNDED = {sp.tanh: 1, sp.erf: 1, sp.erfc: 2, sp.sin: 1, sp.cos: 1, sp.atan: 2}
_ENTIRE = {sp.exp: "exp", sp.sin: "sin", sp.cos: "cos", sp.sinh: "sinh", sp.cosh: "cosh",
           sp.tanh: "tanh", sp.erf: "erf", sp.erfc: "erfc", sp.atan: "atan", sp.tan: "tan"}


def _const(e: sp.Expr) -> Callable[[], Any] | None:
    """A factory of the number ``e`` as an acb at the *current* precision (constants are made
    when the integrand is evaluated, never at compile time: 1/3 or π made at 53 bits would cap
    the accuracy), or None if ``e`` is not a plain number.
    """
    from flint import acb, arb

    if e.is_Integer:
        n = int(e)
        return lambda: acb(n)
    if e.is_Rational:
        p, q = int(e.p), int(e.q)
        return lambda: acb(arb(p) / q)
    if e.is_Float:
        sign, man, exp, _ = e._mpf_
        m, ex = (-int(man) if sign else int(man)), int(exp)
        return lambda: acb(arb(m) * arb(2) ** ex)
    if e == sp.pi:
        return lambda: acb(arb.pi())
    if e == sp.E:
        return lambda: acb(arb(1).exp())
    return None


def _compile(e: sp.Expr) -> Callable[[Any, bool], Any]:
    """An arb function (z, analytic) → acb for the kink-free SymPy expression ``e`` in x."""
    from flint import acb

    c = _const(e)
    if c is not None:
        const: Callable[[], Any] = c
        return lambda z, an: const()
    if e == x:
        return lambda z, an: z
    if e.is_Add:
        fs = [_compile(a) for a in e.args]
        return lambda z, an: sum((f(z, an) for f in fs[1:]), fs[0](z, an))

    if e.is_Mul:
        fs = [_compile(a) for a in e.args]

        def mul(z: Any, an: bool) -> Any:
            out = fs[0](z, an)
            for f in fs[1:]:
                out = out * f(z, an)
            return out
        return mul
    if e.is_Pow:
        base, ex = e.args
        fb = _compile(base)
        if ex.is_Integer:
            n = int(ex)
            return lambda z, an: fb(z, an) ** n
        if ex == sp.Rational(1, 2):
            return lambda z, an: fb(z, an).sqrt(analytic=an)
        if ex.is_Rational:
            q = _const(ex)
            assert q is not None
            return lambda z, an: (fb(z, an).log(analytic=an) * q()).exp()
        raise ArbUnsupported(f"power with exponent {ex} has no arb counterpart")
    func = e.func
    if func in _ENTIRE and len(e.args) == 1:
        fa = _compile(e.args[0])
        name = _ENTIRE[func]
        return lambda z, an: getattr(fa(z, an), name)()
    if func == sp.log and len(e.args) == 1:
        fa = _compile(e.args[0])
        return lambda z, an: fa(z, an).log(analytic=an)
    del acb
    raise ArbUnsupported(f"{func.__name__} has no arb counterpart in lazysym.objects.hermite_arb "
                         f"(supported: + − × /, integer and rational powers, exp, log, sqrt, sin, "
                         f"cos, tan, atan, sinh, cosh, tanh, erf, erfc)")


def arb_constant(e: sp.Expr) -> Any:
    """The real constant ``e`` (a SymPy number: rationals, π, e, sqrt, exp, log, …) as a ball at
    flint's current precision; :class:`ArbUnsupported` if it has a free symbol or no arb
    counterpart.
    """
    from flint import acb

    check_type(isinstance(e, sp.Expr), "e", "a SymPy expression", e)
    if e.free_symbols:
        raise ArbUnsupported(f"{e} is not a constant (free symbols {sorted(map(str, e.free_symbols))})")
    v = _compile(e)(acb(0), True)
    check(bool(v.imag.is_zero()), f"{e} is not a real constant", assumption="real constant")
    return v.real


# --------------------------------------------------------------------------------------------
# growth majorant: |f(u)| ≤ C·exp(a|u| + b u²)·(1+|u|)^p for every real u
# --------------------------------------------------------------------------------------------

def _nonneg(e: sp.Expr) -> bool:
    return bool(e.is_nonnegative) or bool(sp.simplify(e).is_nonnegative)


def _majorant(e: sp.Expr) -> tuple[Fraction, Fraction, Fraction, Fraction]:
    """(C, a, b, p) ≥ 0 with |e(u)| ≤ C e^{a|u|+bu²}(1+|u|)^p on ℝ; raises ArbUnsupported."""
    if e.is_number:
        v = abs(sp.N(e, 30))
        return (Fraction(str(sp.Float(v, 30))) * Fraction(1001, 1000) + Fraction(1, 10**30),
                Fraction(0), Fraction(0), Fraction(0))
    if e == x:
        return Fraction(1), Fraction(0), Fraction(0), Fraction(1)
    if e.is_Add or e.is_Mul:
        parts = [_majorant(a) for a in e.args]
        if e.is_Add:   # each term ≤ C_i·(common envelope): sum of C's, max of the rest
            return (sum((q[0] for q in parts), Fraction(0)), max(q[1] for q in parts),
                    max(q[2] for q in parts), max(q[3] for q in parts))
        C, a, b, p = Fraction(1), Fraction(0), Fraction(0), Fraction(0)
        for q in parts:
            C, a, b, p = C * q[0], a + q[1], b + q[2], p + q[3]
        return C, a, b, p
    if e.is_Pow:
        base, ex = e.args
        if ex.is_Integer and int(ex) >= 0:
            C, a, b, p = _majorant(base)
            n = int(ex)
            return C ** n, n * a, n * b, n * p
        if ex == sp.Rational(1, 2) and _nonneg(base):
            C, a, b, p = _majorant(base)
            return Fraction(math.isqrt(C.numerator) + 1, math.isqrt(C.denominator) or 1), \
                a / 2, b / 2, p / 2
        raise ArbUnsupported(f"no growth bound for the power {e}")
    func = e.func
    if func in _BOUNDED:
        return Fraction(_BOUNDED[func]), Fraction(0), Fraction(0), Fraction(0)
    if func == sp.exp and _nonneg(-e.args[0]):
        return Fraction(1), Fraction(0), Fraction(0), Fraction(0)      # exp(g) ≤ 1 for g ≤ 0
    if func in (sp.exp, sp.sinh, sp.cosh):
        # |exp(g)|, |sinh g|, |cosh g| ≤ exp(|g|); |g| ≤ C(1+|u|)^p with a = b = 0 needed
        C, a, b, p = _majorant(e.args[0])
        if a or b or p > 2:
            raise ArbUnsupported(f"no growth bound for {e} (superexponential argument)")
        if p <= 1:      # |g| ≤ C(1+|u|) ⇒ exp|g| ≤ e^C·e^{C|u|}
            return _exp_ceil(C), C, Fraction(0), Fraction(0)
        # |g| ≤ C(1+|u|)² ≤ 2C(1 + u²) ⇒ exp|g| ≤ e^{2C}·e^{2Cu²}
        return _exp_ceil(2 * C), Fraction(0), 2 * C, Fraction(0)
    if func == sp.log:
        g = e.args[0]
        rest = sp.expand(g - 1)
        if not _nonneg(rest):
            raise ArbUnsupported(f"no growth bound for {e}: the argument is not provably ≥ 1")
        C, a, b, p = _majorant(g)     # 0 ≤ log g ≤ log⁺C + a|u| + bu² + p·log(1+|u|)
        K = Fraction(max(0, math.ceil(math.log(float(C)) + 1e-9))) + a + b + p
        return K, Fraction(0), Fraction(0), Fraction(2 if b else 1)
    raise ArbUnsupported(f"no growth bound for {e}")


def _exp_ceil(v: Fraction) -> Fraction:
    return Fraction(math.ceil(math.exp(float(v)) * 1.000001) + 1)


# --------------------------------------------------------------------------------------------
# integrals
# --------------------------------------------------------------------------------------------

def _hermite_abs_sum(k: int) -> int:
    return int(sum(abs(c) for c in sp.Poly(sp.hermite_prob(k, x), x).all_coeffs()))


def _tail(maj: tuple, k: int, L: Any) -> Any:
    """Rigorous bound of ∫_L^∞ M(u)|He_k(u)|e^{-u²/2}du (no 1/√(2π)); L an arb ≥ (m+a)/c."""
    from flint import arb

    C, a, b, p = maj
    c = Fraction(1, 2) - b
    m = p + k
    Ca = arb(C.numerator) / C.denominator
    aa = arb(a.numerator) / a.denominator
    ca = arb(c.numerator) / c.denominator
    ma = arb(m.numerator) / m.denominator
    return Ca * _hermite_abs_sum(k) * ((1 + L).log() * ma + aa * L - ca * L * L).exp() / (ca * L)


@lru_cache(maxsize=64)
def _prepared(act: Activation) -> tuple:
    """([(lo, hi, compiled branch)], left majorant, right majorant) or ArbUnsupported."""
    pieces = act.pieces()
    compiled = []
    for lo, hi, br in pieces:
        if br.has(sp.Abs, sp.Max, sp.Min, sp.Heaviside, sp.sign, sp.Piecewise):
            raise ArbUnsupported(f"the branch {br} of σ = {act.expr} is not analytic")
        compiled.append((lo, hi, _compile(br)))
    left, right = _majorant(pieces[0][2]), _majorant(pieces[-1][2])
    return compiled, left, right


def supports_arb(act: ActivationLike) -> tuple[bool, str]:
    """(True, "") if σ's Hermite data can be enclosed with arb, else (False, the reason)."""
    try:
        _prepared(activation(act))
    except ArbUnsupported as exc:
        return False, str(exc)
    return True, ""


def _integral(act: Activation, k: int, square: bool, prec: int) -> Any:
    """Ball containing E[σ(G)^{1 or 2}·He_k(G)] at ``prec`` bits."""
    from flint import acb, arb, ctx

    compiled, left, right = _prepared(act)
    old = ctx.prec
    ctx.prec = prec
    try:
        majs = []
        for maj in (left, right):
            if square:
                maj = (maj[0] ** 2, 2 * maj[1], 2 * maj[2], 2 * maj[3])
            if maj[2] >= Fraction(1, 2):
                raise ArbUnsupported(f"σ{'²' if square else ''} grows like exp({maj[2]}·u²): "
                                     "not integrable against the Gaussian with this bound")
            majs.append(maj)
        kinks = [abs(float(p)) for p in act.kinks]
        Lf = max([4.0] + [q + 1 for q in kinks] +
                 [float((mj[3] + k + mj[1]) / (Fraction(1, 2) - mj[2])) for mj in majs])
        while True:
            L = arb(Fraction(Lf).limit_denominator(1000).numerator) / \
                Fraction(Lf).limit_denominator(1000).denominator
            tail = _tail(majs[0], k, L) + _tail(majs[1], k, L)
            if tail < arb(2) ** (-prec - 8):
                break
            Lf *= 1.25
        he = [int(c) for c in reversed(sp.Poly(sp.hermite_prob(k, x), x).all_coeffs())]
        total = acb(0)
        for lo, hi, f in compiled:
            a = -L if lo == -sp.oo else max(-L, _point(lo))
            b = L if hi == sp.oo else min(L, _point(hi))
            if not a < b:
                continue

            def integrand(z: Any, an: bool, f: Callable = f) -> Any:
                v = f(z, an)
                if square:
                    v = v * v
                h = acb(0)
                for c in reversed(he):
                    h = h * z + c
                return v * h * (-z * z / 2).exp()

            total += acb.integral(integrand, a, b)
        val = total.real / (2 * arb.pi()).sqrt()
        return val + arb(0, tail / (2 * arb.pi()).sqrt())
    finally:
        ctx.prec = old


def _point(p: sp.Expr) -> Any:
    """A kink location (a SymPy number) as an arb ball at the current precision."""
    c = _const(p)
    if c is not None:
        return c().real
    return _compile(p)(None, False).real


def _enclose(act: Activation, k: int, square: bool, dps: int) -> Any:
    check_limit("hermite_degree", k, "Hermite order k")
    bits = int(dps * 3.33) + 20 + int(0.5 * math.lgamma(k + 1) / math.log(2))
    for _ in range(4):
        v = _integral(act, k, square, bits)
        if v.rad() <= abs(v.mid()) * (0.1 ** (dps + 1)) + (0.1 ** (dps + 1)) * math.sqrt(
                math.factorial(min(k, 170))):
            return v
        bits *= 2
    raise ConvergenceError(f"arb could not enclose λ_{k} of {act.name} to {dps} digits",
                           diagnostics={"radius": str(v.rad()), "bits": bits})


def arb_hermite_coefficient(act: ActivationLike, k: int, *, dps: int = 30) -> Any:
    r"""A ball (:class:`flint.arb`) containing :math:`\lambda_k = E[\sigma(G)\mathrm{He}_k(G)]`,
    radius ≤ 10^{-dps}·max(|λ_k|, √k!). Raises :class:`ArbUnsupported` with the reason.
    """
    k = nonnegative_int(k, "Hermite order k", cap="hermite_degree")
    return _enclose(_act(act), k, False, check_dps(dps))


def arb_second_moment(act: ActivationLike, *, dps: int = 30) -> Any:
    r"""A ball containing :math:`E[\sigma(G)^2]`."""
    return _enclose(_act(act), 0, True, check_dps(dps))


def arb_lambda_tilde(act: ActivationLike, *, dps: int = 30) -> Any:
    r"""A ball containing :math:`\tilde\lambda = E[\sigma(G)^2] - \lambda_1^2` (Theorem 1)."""
    from flint import ctx

    dps = check_dps(dps)
    a = _act(act)
    m2, l1 = _enclose(a, 0, True, dps + 2), _enclose(a, 1, False, dps + 2)
    old = ctx.prec
    ctx.prec = int((dps + 10) * 3.33) + 64
    try:
        return m2 - l1 * l1
    finally:
        ctx.prec = old


def arb_to_fractions(v: Any) -> tuple[Fraction, Fraction]:
    """The exact endpoints (lo, hi) of an arb ball as Fractions (lo ≤ every point ≤ hi): the
    midpoint and radius are dyadic, so mid ∓ rad is exact (no rounding at the ambient precision).
    A non-finite ball (infinite midpoint or radius) is refused.
    """
    from flint import arb

    check_type(isinstance(v, arb), "v", "a flint.arb ball", v)
    check(bool(v.is_finite()), f"v = {v} is not a finite ball", assumption="v finite")
    man, exp = v.mid().man_exp()
    mid = Fraction(int(man)) * Fraction(2) ** int(exp)
    rman, rexp = v.rad().man_exp()
    rad = Fraction(int(rman)) * Fraction(2) ** int(rexp)
    return mid - rad, mid + rad

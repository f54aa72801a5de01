r"""Hermite expansions of activations (Theorem 1 and Theorem 4 of the paper).

Probabilists' Hermite polynomials :math:`\mathrm{He}_k` (:math:`\mathrm{He}_0 = 1`,
:math:`\mathrm{He}_1 = x`, :math:`\mathrm{He}_2 = x^2 - 1`,
:math:`\mathrm{He}_{k+1} = x\,\mathrm{He}_k - k\,\mathrm{He}_{k-1}`), orthogonal under
G ~ N(0, 1) with :math:`E[\mathrm{He}_j(G)\mathrm{He}_k(G)] = k!\,\delta_{jk}`. The paper's
Hermite coefficients (Theorem 1)

.. math::

    \lambda_k = E_{G\sim N(0,1)}[\sigma(G)\,\mathrm{He}_k(G)], \qquad
    \tilde\lambda = E[\sigma(G)^2] - \lambda_1^2,

so that :math:`\sigma = \sum_k \frac{\lambda_k}{k!}\mathrm{He}_k` in :math:`L^2(\gamma)` and
:math:`E[\sigma(G)^2] = \sum_k \lambda_k^2/k!` (Parseval).

Three ways to evaluate them:

* ``exact=True`` — a SymPy closed form: piecewise-polynomial σ (x², ReLU, |x|, ...) are
  integrated piece by piece from the definition; smooth σ whose derivative is a polynomial
  times a Gaussian (the erf family) through Stein's identity
  :math:`E[\sigma(G)\mathrm{He}_k(G)] = E[\sigma^{(k)}(G)]`. Anything else (tanh, softplus)
  raises :class:`~lazysym.errors.AssumptionError`.
* default — an ``mpmath.mpf`` correct to ``dps`` digits, by ``mpmath.quad`` split at the kinks
  and inside ``workdps(dps + guard)``; any activation.
* :func:`scaled_hermite_coefficients` — float64, vectorised over many scales a:
  :math:`\mu_k(a) = E[\sigma(aG)\mathrm{He}_k(G)]`, for the exact finite-d random-features
  kernel :math:`E[\sigma(aG_1)\sigma(bG_2)] = \sum_k \mu_k(a)\mu_k(b) r^k / k!`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import lru_cache, partial

import mpmath
import numpy as np
import sympy as sp
from numpy.typing import ArrayLike

from lazysym._typing import MPF
from lazysym._validate import as_finite_array, as_flag, check_dps, nonnegative_int
from lazysym.errors import AssumptionError, ConvergenceError, check_type
from lazysym.objects.activations import Activation, ActivationLike, activation, check_a1_growth, x

__all__ = [
    "hermite_polynomial", "hermite_coefficient", "hermite_coefficients", "second_moment",
    "lambda_tilde", "parseval_partial_sums", "check_a1", "scaled_hermite_coefficients",
    "scaled_second_moment",
]

_PHI = sp.exp(-x**2 / 2) / sp.sqrt(2 * sp.pi)


# --------------------------------------------------------------------------------------------
# input helpers
# --------------------------------------------------------------------------------------------

def _as_act(act: ActivationLike) -> Activation:
    if isinstance(act, Activation):
        return act
    if isinstance(act, str):
        return activation(act)
    raise AssumptionError(f"act must be an Activation or an activation name; got {type(act).__name__}",
                          assumption="σ an Activation",
                          fix="pass lazysym.objects.activations.RELU, 'relu' or activations.from_expr(...)")


def _as_act_a1(act: ActivationLike) -> Activation:
    """The activation, after certifying the growth half of A1 (σ ∈ L²(γ), so that every λ_k
    exists): :func:`lazysym.objects.activations.check_a1_growth`, before any Hermite computation.
    """
    act = _as_act(act)
    check_a1_growth(act)
    return act


def _order(k, name: str = "k") -> int:
    """A Hermite order: an integer in [0, ``LIMITS.hermite_degree``]."""
    return nonnegative_int(k, f"Hermite order {name}", cap="hermite_degree")


def hermite_polynomial(k: int) -> sp.Expr:
    r"""The probabilists' Hermite polynomial :math:`\mathrm{He}_k(x)` (He₂ = x² − 1).

    ``k`` is an integer in [0, ``LIMITS.hermite_degree``] (:mod:`lazysym.limits`).
    """
    return sp.hermite_prob(_order(k), x)


def _he_values(k: int, t):
    """[He_0(t), ..., He_k(t)] by the three-term recurrence (mpmath or numpy ``t``)."""
    out = [t * 0 + 1, t]
    for j in range(1, k):
        out.append(t * out[j] - j * out[j - 1])
    return out[:k + 1]


# --------------------------------------------------------------------------------------------
# exact (SymPy)
# --------------------------------------------------------------------------------------------

def _stein_eligible(act: Activation) -> bool:
    """Smooth σ with σ' = polynomial × exp(quadratic): E[σ^{(k)}(G)] integrates in closed form."""
    if act.kinks:
        return False
    d1 = sp.diff(act.expr, x)
    exps = [e for e in d1.atoms(sp.exp)]
    for e in exps:
        arg = sp.expand(e.args[0])
        if not arg.is_polynomial(x) or sp.degree(arg, x) > 2:
            return False
    dummies = sp.symbols(f"_e0:{len(exps)}")
    poly = d1.subs(dict(zip(exps, dummies)))
    return bool(poly.is_polynomial(x, *dummies)) and not poly.has(sp.Function)


def _closed(value: sp.Expr, what: str, act: Activation) -> sp.Expr:
    if value.has(sp.Integral) or value.has(sp.Limit) or value.has(sp.nan) or value.has(sp.zoo):
        raise AssumptionError(f"SymPy found no closed form for {what} of σ = {act.expr}",
                              assumption="closed form available", fix="use exact=False (mpmath)")
    return sp.simplify(value)


@lru_cache(maxsize=512)
def _exact_coefficient(act: Activation, k: int) -> sp.Expr:
    he = sp.hermite_prob(k, x)
    if act.is_piecewise_polynomial:
        # the definition, piece by piece: ∫_lo^hi branch(x) He_k(x) φ(x) dx
        total = sp.Integer(0)
        for lo, hi, branch in act.pieces():
            total += sp.integrate(sp.expand(branch * he) * _PHI, (x, lo, hi))
        return _closed(total, f"λ_{k}", act)
    if _stein_eligible(act):
        if k == 0:
            if act.parity == -1:
                return sp.Integer(0)
            return _closed(sp.integrate(act.expr * _PHI, (x, -sp.oo, sp.oo)), "λ_0", act)
        # Stein / Gaussian integration by parts: E[σ(G) He_k(G)] = E[σ^(k)(G)]
        deriv = sp.diff(act.expr, x, k)
        return _closed(sp.integrate(sp.expand(deriv * _PHI), (x, -sp.oo, sp.oo)), f"λ_{k}", act)
    raise AssumptionError(
        f"no closed form for the Hermite coefficients of σ = {act.expr} ({act.name}): exact=True "
        "handles piecewise-polynomial σ and σ with σ' = polynomial × Gaussian (erf family)",
        assumption="closed form available", fix="use exact=False (mpmath, any precision)")


@lru_cache(maxsize=128)
def _exact_second_moment(act: Activation) -> sp.Expr:
    if act.is_piecewise_polynomial:
        total = sp.Integer(0)
        for lo, hi, branch in act.pieces():
            total += sp.integrate(sp.expand(branch**2) * _PHI, (x, lo, hi))
        return _closed(total, "E[σ(G)²]", act)
    A, B, c = sp.Wild("A", exclude=[x]), sp.Wild("B", exclude=[x]), sp.Wild("c", exclude=[x, 0])
    m = act.expr.match(A * sp.erf(c * x) + B)
    if m is not None and m.get(A, 0) != 0:
        # E[erf(cG)²] = (2/π) arcsin(2c²/(1 + 2c²)) (Gaussian orthant / arcsine law); the cross
        # term 2AB·E[erf(cG)] vanishes by oddness.
        cc = m[c]
        val = m[A]**2 * 2 / sp.pi * sp.asin(2 * cc**2 / (1 + 2 * cc**2)) + m[B]**2
        return sp.simplify(val)
    raise AssumptionError(
        f"no closed form for E[σ(G)²] with σ = {act.expr} ({act.name}): exact=True handles "
        "piecewise-polynomial σ and A·erf(cx) + B",
        assumption="closed form available", fix="use exact=False (mpmath, any precision)")


# --------------------------------------------------------------------------------------------
# arbitrary precision (mpmath)
# --------------------------------------------------------------------------------------------

def _guard(kmax: int) -> int:
    # He_k(t)φ(t) reaches ~sqrt(k!) in size while λ_k can be much smaller: the quadrature loses
    # about log10(sqrt(k!)) digits to cancellation, plus 10 for the quadrature itself.
    return 10 + int(0.5 * math.lgamma(kmax + 1) / math.log(10)) + 1


def _split_points(act: Activation, kmax: int, dps: int, scale=None) -> list:
    """Finite split points for mpmath.quad: the kinks (divided by ``scale``), 0 and the bulk edges."""
    kinks = [mpmath.mpf(sp.N(p, dps + 20)) for p in act.kinks]
    if scale is not None:
        kinks = [p / scale for p in kinks]
    # beyond |t| > L the integrand He_k(t)φ(t) is below 10^-(dps) of its peak
    L = mpmath.sqrt(kmax + 1) + mpmath.sqrt(2 * (dps + 5) * mpmath.log(10))
    pts = {mpmath.mpf(0), L / 2, -L / 2, L, -L}
    pts.update(p for p in kinks if abs(p) < 2 * L)
    return sorted(pts)


def _mp_coefficients(act: Activation, ks, dps: int, *, moment2: bool = False, scale=None):
    """λ_k for k in ``ks`` (and E[σ(aG)²] if ``moment2``) at ``dps`` digits, one σ-evaluation memo."""
    ks = list(ks)
    kmax = max(ks) if ks else 0
    wd = dps + _guard(kmax)
    out: dict[tuple[str, int | None], MPF] = {}
    with mpmath.workdps(wd):
        a = None if scale is None else mpmath.mpf(scale)
        pts = [mpmath.ninf] + _split_points(act, kmax, wd, a) + [mpmath.inf]
        memo: dict[MPF, tuple[MPF, MPF, list[MPF]]] = {}

        def node(t: MPF) -> tuple[MPF, MPF, list[MPF]]:
            # σ(at), σ(at)·exp(−t²/2) and [He_0(t), ..., He_kmax(t)], shared by every quadrature
            v = memo.get(t)
            if v is None:
                sv = act.mp(t if a is None else a * t)
                v = (sv, sv * mpmath.exp(-t * t / 2), _he_values(kmax, t))
                memo[t] = v
            return v

        def coefficient_integrand(t: MPF, k: int) -> MPF:
            return node(t)[1] * node(t)[2][k]

        def moment2_integrand(t: MPF) -> MPF:
            return node(t)[0] * node(t)[1]

        norm = 1 / mpmath.sqrt(2 * mpmath.pi)
        tol = mpmath.mpf(10) ** (-(dps + 2))
        jobs: list[tuple[str, int | None]] = [("k", k) for k in ks]
        if moment2:
            jobs.append(("m2", None))
        f: Callable[[MPF], MPF]
        for kind, k in jobs:   # k is None exactly for the job "m2"
            if k is not None and act.parity != 0 and (k % 2 == 0) != (act.parity == 1):
                out[(kind, k)] = mpmath.mpf(0)   # symmetry: odd σ has λ_even = 0, even σ λ_odd = 0
                continue
            if k is not None:
                f = partial(coefficient_integrand, k=k)
                # Cauchy–Schwarz scale of λ_k: sqrt(E σ² · k!) ≤ this; relative to 1 for safety
                ref = mpmath.sqrt(mpmath.factorial(k))
            else:
                f = moment2_integrand
                ref = mpmath.mpf(1)
            val, err = mpmath.quad(f, pts, error=True, maxdegree=10)
            val, err = val * norm, err * norm
            if not err <= tol * max(ref, abs(val)):
                raise ConvergenceError(
                    f"mpmath.quad did not reach {dps} digits for "
                    f"{f'λ_{k}' if kind == 'k' else 'E[σ²]'} of {act.name}",
                    diagnostics={"estimate": mpmath.nstr(err, 5), "value": mpmath.nstr(val, 20),
                                 "dps": dps},
                    fix="lower dps or k")
            out[(kind, k)] = val
    with mpmath.workdps(dps):
        return {key: +v for key, v in out.items()}


# --------------------------------------------------------------------------------------------
# public API
# --------------------------------------------------------------------------------------------

def hermite_coefficient(act: ActivationLike, k: int, *, exact: bool = False,
                        dps: int = 30) -> sp.Expr | MPF:
    r"""The k-th Hermite coefficient :math:`\lambda_k = E[\sigma(G)\mathrm{He}_k(G)]` (Theorem 1).

    Parameters
    ----------
    act:
        An :class:`~lazysym.objects.activations.Activation` or a name (``"relu"``, ...).
    k:
        Order, an integer ≥ 0.
    exact:
        ``True``: a SymPy closed form (piecewise-polynomial σ integrated from the definition;
        erf family by Stein's identity :math:`E[\sigma\,\mathrm{He}_k] = E[\sigma^{(k)}]`);
        raises :class:`~lazysym.errors.AssumptionError` when there is none (tanh, softplus).
        ``False``: an ``mpmath.mpf`` accurate to ``dps`` significant digits relative to
        :math:`\max(|\lambda_k|, \sqrt{k!})` (the Cauchy–Schwarz scale for a σ with
        E σ² ≲ 1); exact zeros from the parity of σ are returned as 0.
    dps:
        Decimal digits (integer ≥ 1), used inside ``mpmath.workdps(dps + guard)``.

    Examples
    --------
    ReLU: λ₀ = λ₂ = 1/√(2π), λ₁ = 1/2; σ = x² − 1: λ₁ = 0, λ₂ = 2.
    """
    check_type(isinstance(exact, (bool, np.bool_)), "exact", "a bool", exact)
    act = _as_act_a1(act)
    k = _order(k)
    dps = check_dps(dps)
    if exact:
        return _exact_coefficient(act, k)
    return _mp_coefficients(act, [k], dps)[("k", k)]


def hermite_coefficients(act: ActivationLike, kmax: int, *, exact: bool = False,
                         dps: int = 30) -> list[sp.Expr | MPF]:
    """``[λ_0, ..., λ_kmax]`` (see :func:`hermite_coefficient`)."""
    check_type(isinstance(exact, (bool, np.bool_)), "exact", "a bool", exact)
    act = _as_act_a1(act)
    kmax = _order(kmax, "kmax")
    dps = check_dps(dps)
    if exact:
        return [_exact_coefficient(act, k) for k in range(kmax + 1)]
    vals = _mp_coefficients(act, range(kmax + 1), dps)
    return [vals[("k", k)] for k in range(kmax + 1)]


def second_moment(act: ActivationLike, *, exact: bool = False, dps: int = 30) -> sp.Expr | MPF:
    r""":math:`E[\sigma(G)^2]`, G ~ N(0, 1) (enters :math:`\tilde\lambda` of Theorem 1).

    ``exact=True`` handles piecewise-polynomial σ and :math:`A\,\mathrm{erf}(cx) + B`
    (:math:`E[\mathrm{erf}(cG)^2] = \frac{2}{\pi}\arcsin\frac{2c^2}{1+2c^2}`).
    """
    check_type(isinstance(exact, (bool, np.bool_)), "exact", "a bool", exact)
    act = _as_act_a1(act)
    dps = check_dps(dps)
    if exact:
        return _exact_second_moment(act)
    return _mp_coefficients(act, [], dps, moment2=True)[("m2", None)]


def lambda_tilde(act: ActivationLike, *, exact: bool = False, dps: int = 30) -> sp.Expr | MPF:
    r""":math:`\tilde\lambda = E[\sigma(G)^2] - \lambda_1^2` (Theorem 1, Theorem 4).

    It is the variance of the part of σ(G) orthogonal to He₀ and He₁ plus λ₀²; > 0 for any
    nonlinear σ (assumption A1).
    """
    check_type(isinstance(exact, (bool, np.bool_)), "exact", "a bool", exact)
    act = _as_act_a1(act)
    dps = check_dps(dps)
    if exact:
        return sp.simplify(_exact_second_moment(act) - _exact_coefficient(act, 1) ** 2)
    vals = _mp_coefficients(act, [1], dps + 5, moment2=True)
    with mpmath.workdps(dps):
        return +(vals[("m2", None)] - vals[("k", 1)] ** 2)


def parseval_partial_sums(act: ActivationLike, kmax: int, *, dps: int = 30) -> list[MPF]:
    r"""Partial Parseval sums :math:`S_K = \sum_{k \le K} \lambda_k^2 / k!` for K = 0..kmax.

    They increase to :math:`E[\sigma(G)^2]` (Parseval in :math:`L^2(\gamma)`); the tail
    :math:`E[\sigma^2] - S_K` measures how much of σ lies beyond degree K.
    """
    act = _as_act_a1(act)
    kmax = _order(kmax, "kmax")
    dps = check_dps(dps)
    lam = hermite_coefficients(act, kmax, dps=dps + 5)
    out, s = [], mpmath.mpf(0)
    with mpmath.workdps(dps + 5):
        for k, lk in enumerate(lam):
            s = s + lk ** 2 / mpmath.factorial(k)
            out.append(s)
    with mpmath.workdps(dps):
        return [+v for v in out]


def check_a1(act: ActivationLike) -> None:
    r"""Check assumption **A1** of the paper for σ; raise if it fails, return ``None`` if it holds.

    A1: :math:`\sigma(u)^2 \le c_0 \exp(c_1 u^2/2)` for some :math:`c_0` and :math:`c_1 < 1`,
    and σ is nonlinear (no :math:`a_0, a_1` with :math:`\sigma(u) = a_0 + a_1 u` a.e.).

    Decided symbolically: (i) every branch is bounded on its interval (no poles);
    (ii) :math:`\limsup_{u\to\pm\infty} \log|\sigma(u)|/u^2 < 1/4` on the outer branches
    (polynomials trivially; computed with ``sympy.limit`` otherwise); (iii) σ is not a.e. equal
    to one polynomial of degree ≤ 1. If SymPy cannot compute a limit, the growth is probed
    numerically at |u| = 100, 200 (mpmath) and accepted only if log|σ(u)|/u² < 0.2 there.

    Raises
    ------
    AssumptionError
        With ``assumption="A1"`` and the reason.
    """
    act = _as_act(act)
    pieces = act.pieces()
    # (iii) nonlinearity
    branches = [sp.simplify(b) for _, _, b in pieces]
    first = branches[0]
    if all(sp.simplify(b - first) == 0 for b in branches[1:]) and \
            sp.simplify(sp.diff(first, x, 2)) == 0:
        raise AssumptionError(
            f"Theorems 1 and 4 assume σ nonlinear (A1); σ = {act.expr} ({act.name}) equals "
            f"{sp.expand(first)} = a₀ + a₁u a.e.", assumption="A1",
            fix="use a nonlinear activation (a linear σ gives λ_k = 0 for k ≥ 2)")
    # (i) local boundedness
    for lo, hi, b in pieces:
        try:
            dom = sp.calculus.util.continuous_domain(b, x, sp.Interval.open(lo, hi))
        except (NotImplementedError, ValueError, TypeError):
            dom = None
        if dom is not None and dom != sp.Interval.open(lo, hi):
            raise AssumptionError(
                f"A1 needs σ(u)² ≤ c₀exp(c₁u²/2) for all u; σ = {act.expr} is not continuous on "
                f"{sp.Interval.open(lo, hi)} (continuous only on {dom})", assumption="A1")
        for end, side in ((lo, "+"), (hi, "-")):
            if end.is_finite:
                lim = sp.limit(b, x, end, side)
                if lim.is_finite is not True:
                    raise AssumptionError(
                        f"A1 needs σ bounded on compacts; σ = {act.expr} → {lim} as u → {end}",
                        assumption="A1")
    # (ii) growth on the outer branches
    for (_lo, _hi, b), direction in ((pieces[0], -sp.oo), (pieces[-1], sp.oo)):
        if b.is_polynomial(x):
            continue
        try:
            L = sp.limit(sp.log(sp.Abs(b)) / x**2, x, direction)
        except Exception:  # SymPy gave up: fall back to the numeric probe below
            L = None
        if L is not None and L.is_extended_real and L.is_comparable or L in (sp.oo, -sp.oo):
            if L >= sp.Rational(1, 4):
                raise AssumptionError(
                    f"A1 needs σ(u)² ≤ c₀exp(c₁u²/2) with c₁ < 1; σ = {act.expr} has "
                    f"log|σ(u)|/u² → {L} ≥ 1/4 as u → {direction}", assumption="A1",
                    fix="use an activation growing slower than exp(u²/4)")
            continue
        sgn = 1 if direction == sp.oo else -1
        with mpmath.workdps(30):
            ratios = []
            for u in (100, 200):
                v = abs(act.mp(sgn * u))
                ratios.append(mpmath.log(v) / u**2 if v != 0 else mpmath.mpf(-1))
        if not max(ratios) < 0.2:
            raise AssumptionError(
                f"could not certify the growth bound of A1 for σ = {act.expr}: "
                f"log|σ(u)|/u² = {float(max(ratios)):.3g} at |u| ≤ 200 (needs < 1/4)",
                assumption="A1")
    return None


# --------------------------------------------------------------------------------------------
# float64, vectorised over scales
# --------------------------------------------------------------------------------------------

#: Half-width of the trapezoidal grid: φ(37.5) ≈ 2e-306, so the neglected tails are below float64
#: resolution for any polynomially bounded σ times a normalised Hermite function.
_T = 37.5
_SQRT2 = math.sqrt(2.0)
_INV_SQRT_2PI = 1.0 / math.sqrt(2 * math.pi)
_erfc = np.frompyfunc(math.erfc, 1, 1)
#: |s| beyond which φ(s)·poly(s) < 1e-300: J(j, k, s) equals its value at ±∞ to float64.
_S_INF = 37.5


def _sqrt_factorials(kmax: int) -> np.ndarray:
    """√k! for k = 0..kmax as float64 (inf beyond k ≈ 300)."""
    with np.errstate(over="ignore"):
        return np.exp(0.5 * np.array([math.lgamma(k + 1) for k in range(kmax + 1)]))


def _h_normalized(kmax: int, t: np.ndarray) -> np.ndarray:
    """h_k(t) = He_k(t)/√k!, k = 0..kmax (rows), by h_{k+1} = (t h_k − √k h_{k−1})/√(k+1)."""
    h = np.empty((kmax + 1,) + np.shape(t))
    h[0] = 1.0
    if kmax >= 1:
        h[1] = t
    for k in range(1, kmax):
        h[k + 1] = (t * h[k] - math.sqrt(k) * h[k - 1]) / math.sqrt(k + 1)
    return h


@lru_cache(maxsize=16)
def _trapezoid_grid(h: float, kmax: int):
    """Nodes t, weights h·φ(t) and normalised h_k(t) of the trapezoidal rule on [−T, T]."""
    n = int(_T / h)
    t = h * np.arange(-n, n + 1, dtype=float)
    w = h * np.exp(-t * t / 2) * _INV_SQRT_2PI
    return t, w, _h_normalized(kmax, t)


def _J_table(s: np.ndarray, jmax: int, kmax: int) -> np.ndarray:
    r"""Ĵ[j, k, i] = (1/√k!) ∫_{s_i}^∞ t^j He_k(t) φ(t) dt (s_i may be ±inf), by stable recursions.

    k = 0: truncated moments m_j(s) (m_0 = Q(s), m_1 = φ(s), m_j = s^{j−1}φ(s) + (j−1)m_{j−2}).
    k ≥ 1: He_kφ = −(He_{k−1}φ)' integrates by parts to
    J(j, k, s) = s^j He_{k−1}(s)φ(s) + j·J(j−1, k−1, s), i.e. in normalised form
    Ĵ(j, k) = [s^j h_{k−1}(s)φ(s) + j Ĵ(j−1, k−1)]/√k, with h_{k−1}φ = g_{k−1}·√φ and
    g_k = h_k√φ the (bounded) Hermite functions — nothing overflows for large k or |s|.
    """
    s = np.asarray(s, float)
    J = np.zeros((jmax + 1, kmax + 1, s.size))
    lo_inf = s <= -_S_INF
    fin = np.abs(s) < _S_INF
    sf = s[fin]
    if sf.size:
        phi = np.exp(-sf * sf / 2) * _INV_SQRT_2PI
        rphi = np.sqrt(phi)
        g = _hermite_functions(kmax, sf, rphi)
        spow = [np.ones_like(sf)]
        for _ in range(jmax):
            spow.append(spow[-1] * sf)
        Jf = np.zeros((jmax + 1, kmax + 1, sf.size))
        for j in range(jmax + 1):
            if j == 0:
                Jf[0, 0] = np.asarray(_erfc(sf / _SQRT2), float) / 2
            elif j == 1:
                Jf[1, 0] = phi
            else:
                Jf[j, 0] = spow[j - 1] * phi + (j - 1) * Jf[j - 2, 0]
        for k in range(1, kmax + 1):
            rk = math.sqrt(k)
            for j in range(jmax + 1):
                acc = spow[j] * g[k - 1] * rphi
                if j >= 1:
                    acc = acc + j * Jf[j - 1, k - 1]
                Jf[j, k] = acc / rk
        J[:, :, fin] = Jf
    # s = −∞: E[G^j He_k(G)]/√k!, with E[G^j] = (j−1)!! (j even) and the same recursion
    F = np.zeros((jmax + 1, kmax + 1))
    for j in range(0, jmax + 1, 2):
        F[j, 0] = float(math.prod(range(j - 1, 0, -2)))
    for k in range(1, kmax + 1):
        for j in range(1, jmax + 1):
            F[j, k] = j * F[j - 1, k - 1] / math.sqrt(k)
    J[:, :, lo_inf] = F[:, :, None]
    return J


def _hermite_functions(kmax: int, s: np.ndarray, rphi: np.ndarray) -> np.ndarray:
    """g_k = h_k(s)√φ(s) by the recurrence started at g_0 = √φ (bounded for every k)."""
    g = np.empty((kmax + 1, s.size))
    g[0] = rphi
    if kmax >= 1:
        g[1] = s * rphi
    for k in range(1, kmax):
        g[k + 1] = (s * g[k] - math.sqrt(k) * g[k - 1]) / math.sqrt(k + 1)
    return g


@lru_cache(maxsize=64)
def _poly_pieces(act: Activation, square: bool):
    """[(lo, hi, coeffs c_0..c_p), ...] with lo/hi floats, for σ (or σ²) piecewise polynomial."""
    out = []
    for lo, hi, b in act.pieces():
        poly = sp.Poly(sp.expand(b**2 if square else b), x)
        coeffs = [float(c) for c in reversed(poly.all_coeffs())]
        out.append((float(lo), float(hi), coeffs))
    return out


def _scaled_piecewise_poly(act: Activation, a: np.ndarray, kmax: int, square: bool) -> np.ndarray:
    """Normalised c_k(a) = μ_k(a)/√k! for piecewise-polynomial σ (a ≠ 0), closed form."""
    pieces = _poly_pieces(act, square)
    jmax = max(len(c) for _, _, c in pieces) - 1
    res = np.zeros((a.size, kmax + 1))
    for lo, hi, coeffs in pieces:
        with np.errstate(divide="ignore", invalid="ignore"):
            xlo = np.where(a > 0, lo / a, hi / a)
            xhi = np.where(a > 0, hi / a, lo / a)
        Jlo = _J_table(xlo, jmax, kmax)
        Jhi = _J_table(xhi, jmax, kmax)
        for j, c in enumerate(coeffs):
            if c != 0.0:
                res += (c * a ** j)[:, None] * (Jlo[j] - Jhi[j]).T
    return res


def _trap_eval(act: Activation, a: np.ndarray, kmax: int, square: bool, h: float) -> np.ndarray:
    t, w, hk = _trapezoid_grid(h, kmax)
    vals = act.numeric(np.outer(a, t))           # (scales, nodes)
    if square:
        vals = vals * vals
    return (vals * w) @ hk.T                     # (scales, kmax+1)


def _scaled_normalized(act: Activation, a: np.ndarray, kmax: int, square: bool) -> np.ndarray:
    """c_k(a) = E[g(aG) He_k(G)]/√k!, g = σ or σ², shape (len(a), kmax + 1)."""
    zero = a == 0
    if zero.any():
        # σ(0·G) = σ(0) is constant: c_0 = σ(0), c_k = 0 for k ≥ 1
        res = np.zeros((a.size, kmax + 1))
        if (~zero).any():
            res[~zero] = _scaled_normalized(act, a[~zero], kmax, square)
        v0 = float(act.numeric(np.zeros(1))[0])
        res[zero, 0] = v0 * v0 if square else v0
        return res
    if act.is_piecewise_polynomial:
        return _scaled_piecewise_poly(act, a, kmax, square)
    res = np.zeros((a.size, kmax + 1))
    todo = np.ones(a.size, bool)
    if not act.kinks:
        # Trapezoidal rule on ℝ, halving the step until two steps agree. For an integrand
        # analytic in the strip |Im t| < δ the error is O(exp(−2πδ/h)) (Trefethen & Weideman,
        # SIAM Rev. 2014): entire σ (erf) converge at once; tanh(at) and softplus(at) have
        # poles at distance π/(2|a|) and π/|a|, so the step needed shrinks like 1/|a|. Normalised
        # He_k/√k! keep every term bounded.
        prev = _trap_eval(act, a, kmax, square, 0.25)
        for h in (0.125, 0.0625, 0.03125, 0.015625):
            idx = np.flatnonzero(todo)
            cur = _trap_eval(act, a[idx], kmax, square, h)
            ok = np.all(np.abs(cur - prev[idx]) <= 1e-13 * np.maximum(1.0, np.abs(cur)), axis=1)
            res[idx[ok]] = cur[ok]
            todo[idx[ok]] = False
            if not todo.any():
                return res
            prev[idx] = cur
    # fallback (σ with kinks that is not piecewise polynomial, or the trapezoid did not
    # converge): mpmath at 20 digits, scale by scale
    with mpmath.workdps(20):
        inv = [1 / mpmath.sqrt(mpmath.factorial(k)) for k in range(kmax + 1)]
    for i in np.flatnonzero(todo):
        vals = _mp_coefficients(act, [] if square else range(kmax + 1), 20, moment2=square,
                                scale=float(a[i]))
        res[i] = [float(vals[("m2", None)])] if square else \
            [float(vals[("k", k)] * inv[k]) for k in range(kmax + 1)]
    return res


def scaled_hermite_coefficients(act: ActivationLike, scales: ArrayLike, kmax: int, *,
                                normalized: bool = False) -> np.ndarray:
    r""":math:`\mu_k(a) = E[\sigma(aG)\,\mathrm{He}_k(G)]` for every scale a and k = 0..kmax.

    Used for the exact finite-d random-features kernel
    :math:`E[\sigma(aG_1)\sigma(bG_2)] = \sum_k \mu_k(a)\mu_k(b) r^k / k!` (G₁, G₂ standard
    with correlation r; Mehler's formula). :math:`\mu_k(1) = \lambda_k` of Theorem 1.

    Parameters
    ----------
    act:
        Activation or name.
    scales:
        1-d array of finite reals (norms ‖w‖, typically). Negative scales are allowed
        (:math:`\mu_k(-a) = (-1)^k \mu_k^{\sigma(-\cdot)}(a)`); a = 0 gives
        :math:`\mu_0 = \sigma(0)`, :math:`\mu_k = 0` for k ≥ 1.
    kmax:
        Largest order, ≥ 0.
    normalized:
        Return :math:`c_k(a) = \mu_k(a)/\sqrt{k!}` instead (the coefficients on the orthonormal
        basis He_k/√k!; the kernel is :math:`\sum_k c_k(a) c_k(b) r^k`). Computed directly —
        use it for large kmax, where √k! overflows float64 (k ≳ 300) or μ_k itself is huge.

    Returns
    -------
    numpy.ndarray
        Shape ``(len(scales), kmax + 1)``, float64.

    Notes
    -----
    Accuracy, stated for :math:`c_k = \mu_k/\sqrt{k!}` (tested against
    :func:`hermite_coefficient` at 25+ digits):

    * piecewise-polynomial σ (x², ReLU, |x|, centred ReLU, ...): closed-form truncated
      Gaussian moments (stable recursions in the Hermite functions), exact up to float64
      round-off, |error| ≲ 1e-15·max(1, |c_k|);
    * other kink-free σ (tanh, erf, softplus): trapezoidal rule on [−37.5, 37.5] (exponentially
      convergent for analytic integrands), step halved from 1/4 to 1/64 until two steps agree
      to 1e-13·max(1, |c_k|);
    * anything else (kinked non-polynomial σ, or no agreement at step 1/64, e.g. tanh at
      |a| ≳ 30): mpmath at 20 digits, scale by scale (slow, accurate to float64).
    """
    act = _as_act_a1(act)
    kmax = _order(kmax, "kmax")
    a = as_finite_array(scales, "scales", ndim=1)
    normalized = as_flag(normalized, "normalized")
    c = _scaled_normalized(act, a, kmax, square=False)
    if normalized:
        return c
    with np.errstate(over="ignore", invalid="ignore"):
        return c * _sqrt_factorials(kmax)[None, :]


def scaled_second_moment(act: ActivationLike, scales: ArrayLike) -> np.ndarray:
    r""":math:`E[\sigma(aG)^2]` for every scale a (float64, shape ``(len(scales),)``).

    Same methods and accuracy as :func:`scaled_hermite_coefficients` (applied to σ²).
    """
    act = _as_act_a1(act)
    a = as_finite_array(scales, "scales", ndim=1)
    return _scaled_normalized(act, a, 0, square=True)[:, 0]

r"""Spectral distributions :math:`\mathcal D` on :math:`[0, \infty)`: the limit laws of assumptions
A2 (Theorem 1, §2.1) and B2 (Theorem 4, §3.1).

A2 asks that the empirical spectral distribution (ESD) of :math:`d\cdot\Gamma` converge to a
probability distribution :math:`\mathcal D` over :math:`\mathbb R_{\ge 0}`; B2 asks the same of
:math:`d\cdot\Gamma^{1/2}\Sigma\Gamma^{1/2}`. Both feed the fixed point ψ of eq. (9)/(14), which
only needs integrals :math:`\int f(t)\,\mathcal D(dt)` (see :mod:`lazysym.objects.fixed_point`).

Classes and constructors
------------------------
:class:`Spectrum`
    Base class: :meth:`Spectrum.integrate` (∫ f dD at ``dps`` digits), :meth:`Spectrum.mean`,
    :attr:`Spectrum.is_atomic`.
:class:`Atoms`
    A finite discrete law :math:`\sum_i w_i\delta_{t_i}`, stored **exactly** (every value and
    weight as a :class:`fractions.Fraction`: floats are converted exactly, strings such as
    ``"0.1"`` or ``"1/3"`` are read as the exact rationals they denote). This is what makes the
    fixed point's verification rigorous.
:class:`Density`
    An absolutely continuous law, integrated with :func:`mpmath.quad` (tanh–sinh) — accurate but
    not rigorous. Named laws :func:`uniform`, :func:`exponential` and :func:`marchenko_pastur`
    also carry a closed form of the resolvent :math:`\int \mathcal D(dt)/(1+ct)`.
:func:`point_mass`, :func:`spectrum_of`, :func:`spectrum_of_gamma`, :func:`spectrum_of_gamma_sigma`
    Atomic laws, the latter two being the ESDs named in A2 and B2 (with :func:`check_a2`,
    :func:`check_b2` for their normalisations Tr Γ = 1 and Tr ΓΣ = 1).

Invalid input (a negative atom, weights not summing to one, a non-integrable density) raises
:class:`~lazysym.errors.AssumptionError` naming ``"A2/B2 (D a probability distribution on
[0,∞))"``.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Iterable
from fractions import Fraction

import mpmath
import numpy as np
from numpy.typing import ArrayLike

from lazysym._linalg import psd_sqrt
from lazysym._typing import MPF, RealLike
from lazysym._validate import GUARD_DIGITS, as_symmetric, check_dps, check_psd, parse_decimal
from lazysym.errors import AssumptionError, check, check_type
from lazysym.limits import LIMITS, check_limit

__all__ = [
    "Spectrum", "Atoms", "Density", "MarchenkoPastur", "uniform", "exponential",
    "marchenko_pastur", "point_mass", "spectrum_of", "spectrum_of_gamma",
    "spectrum_of_gamma_sigma", "check_a2", "check_b2", "PROBABILITY",
]

#: The assumption a malformed spectral distribution violates (A2 in Theorem 1, B2 in Theorem 4).
PROBABILITY = "A2/B2 (D a probability distribution on [0,∞))"

#: Weights must sum to one within this (then they are renormalised exactly): float64 weights of a
#: few thousand atoms carry ~1e-13 of summation round-off; a real error is far larger.
WEIGHT_SUM_TOL = 1e-12

#: Extra decimal digits used inside :meth:`Spectrum.integrate` (the result is rounded to ``dps``):
#: the package's one guard-digit policy, :data:`lazysym._validate.GUARD_DIGITS`.
_GUARD = GUARD_DIGITS
_FMAX = Fraction(np.finfo(float).max)


# ---------------------------------------------------------------------------------------------
# exact conversion of scalars
# ---------------------------------------------------------------------------------------------

def _mpf_tuple_to_fraction(t) -> Fraction | None:
    """Exact value of an mpmath ``_mpf_`` tuple (sign, man, exp, bc); None if inf/nan."""
    sign, man, exp, _bc = t
    if not man:
        return Fraction(0) if t == mpmath.libmp.fzero else None
    v = Fraction(man << exp) if exp >= 0 else Fraction(man, 1 << -exp)
    return -v if sign else v


def _exact(x, name: str, *, assumption: str) -> Fraction:
    """``x`` as the exact rational it denotes (see :func:`_exact_value`), within float64's range
    (the spectra's float views, names and quadratures use it).
    """
    v = _exact_value(x, name, assumption=assumption)
    check(abs(v) <= _FMAX, f"{name} must lie in float64's range (|v| ≤ 1.8e308)",
          assumption=assumption, fix="rescale")
    return v


def _exact_value(x, name: str, *, assumption: str) -> Fraction:
    """``x`` as the exact rational it denotes.

    Accepts int, float (and numpy scalars; converted exactly), :class:`~fractions.Fraction`,
    decimal or ``"p/q"`` strings, mpmath ``mpf`` and SymPy ``Rational``/``Float``. Anything
    non-finite or not a real number raises :class:`AssumptionError`.
    """
    if isinstance(x, (bool, np.bool_)):
        raise AssumptionError(f"{name} must be a real number; got the bool {x!r}",
                              assumption=assumption)
    if isinstance(x, Fraction):
        return x
    if isinstance(x, mpmath.ctx_mp_python._constant):
        raise AssumptionError(
            f"{name}: the mpmath constant {x} has no fixed value; pass +{x} evaluated at the "
            "precision you want (an mpf), or an exact number", assumption=assumption)
    if isinstance(x, numbers.Integral):
        return Fraction(int(x))
    if isinstance(x, (float, np.floating)):
        check(math.isfinite(float(x)), f"{name} must be finite; got {x!r}", assumption=assumption)
        return Fraction(float(x))
    if isinstance(x, str):
        # decimal or p/q only, length and exponent capped: "1e999999999" would build 10^999999999
        return parse_decimal(x, name, assumption=assumption)
    mpf_t = getattr(x, "_mpf_", None)
    if isinstance(mpf_t, tuple):  # mpmath.mpf, sympy.Float
        exact = _mpf_tuple_to_fraction(mpf_t)
        if exact is None:
            raise AssumptionError(f"{name} must be finite; got {x!r}", assumption=assumption)
        return exact
    p, q = getattr(x, "p", None), getattr(x, "q", None)  # sympy.Rational / Integer
    if isinstance(p, numbers.Integral) and isinstance(q, numbers.Integral) and q != 0:
        return Fraction(int(p), int(q))
    raise AssumptionError(
        f"{name} must be an exactly representable real number (int, float, Fraction, decimal "
        f"string, mpf, sympy Rational); got {type(x).__name__} {x!r}", assumption=assumption)


def _to_mpf(v: Fraction):
    """A Fraction as an mpf at the ambient precision (correctly rounded)."""
    if v.denominator == 1:
        return mpmath.mpf(v.numerator)
    return mpmath.mpf(v.numerator) / v.denominator


# ---------------------------------------------------------------------------------------------
# the base class
# ---------------------------------------------------------------------------------------------

class Spectrum:
    r"""A probability distribution :math:`\mathcal D` on :math:`[0,\infty)` with finite mean.

    Subclasses implement :meth:`integrate`; :meth:`mean` and the resolvent used by the fixed point
    (:meth:`_resolvent`) derive from it unless overridden by a closed form.

    Attributes
    ----------
    is_atomic : bool
        True for finite discrete laws (:class:`Atoms`), whose integrals are finite sums that
        :mod:`lazysym.objects.fixed_point` evaluates exactly (rigorously verified ψ).
    name : str
        A short description, used in ``repr`` and error messages.
    """

    is_atomic: bool = False
    name: str = "spectrum"

    def integrate(self, f: Callable[[MPF], MPF], *, dps: int = 30) -> MPF:
        r""":math:`\int f(t)\,\mathcal D(dt)` at ``dps`` significant digits (``f`` takes an mpf)."""
        raise NotImplementedError

    def mean(self, *, dps: int = 30) -> MPF:
        r""":math:`\int t\,\mathcal D(dt)` (equal to 1 under A2/B2 normalisation)."""
        return self.integrate(lambda t: t, dps=dps)

    def _resolvent(self, c, *, dps: int):
        r"""``(R, R', err)`` with :math:`R(c) = \int \mathcal D(dt)/(1+ct)`,
        :math:`R'(c) = -\int t\,\mathcal D(dt)/(1+ct)^2`, at ``dps`` digits (ambient ``c ≥ 0``).

        ``err`` is an estimate of the absolute error of ``R`` (heuristic: not a bound).
        """
        with mpmath.workdps(dps):
            c = mpmath.mpf(c)
            r = self.integrate(lambda t: 1 / (1 + c * t), dps=dps)
            dr = -self.integrate(lambda t: t / (1 + c * t) ** 2, dps=max(dps // 2, 15) + 5)
            return r, dr, mpmath.mpf(10) ** (-(dps - 3))

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name}>"


# ---------------------------------------------------------------------------------------------
# finite discrete laws
# ---------------------------------------------------------------------------------------------

class Atoms(Spectrum):
    r"""A finite discrete law :math:`\mathcal D = \sum_i w_i\,\delta_{t_i}` on :math:`[0,\infty)`.

    Parameters
    ----------
    values : sequence
        Atom locations :math:`t_i \ge 0`: floats (numpy arrays included; converted exactly),
        ints, Fractions, strings (``"0.1"``, ``"1/3"``: the exact rational) or mpf.
    weights : sequence, optional
        Non-negative masses summing to 1 within :data:`WEIGHT_SUM_TOL` (then renormalised
        exactly so that they sum to exactly 1). Default: equal weights :math:`1/n`.

    Equal locations are merged (weights added), zero-weight atoms dropped, and atoms sorted, so
    an ESD with repeated eigenvalues costs one term per distinct eigenvalue.

    Raises
    ------
    AssumptionError
        (:data:`PROBABILITY`) for an empty list, a negative or non-finite location, a negative
        weight, or weights that do not sum to 1.

    Examples
    --------
    >>> Atoms([1.0, 3.0]).mean(dps=15)
    mpf('2.0')
    """

    is_atomic = True

    def __init__(self, values: ArrayLike | Iterable[RealLike],
                 weights: ArrayLike | Iterable[RealLike] | None = None) -> None:
        vals = _as_list(values, "values")
        check(len(vals) >= 1, "a spectral distribution needs at least one atom",
              assumption=PROBABILITY)
        check_limit("spectrum_atoms", len(vals), "number of atoms of the spectrum")
        tv = [_exact(v, "atom value", assumption=PROBABILITY) for v in vals]
        for v in tv:
            if v < 0:
                raise AssumptionError(
                    f"atom values must be ≥ 0 (D lives on [0,∞)); got {float(max(v, -_FMAX)):.6g}",
                    assumption=PROBABILITY, fix="pass eigenvalues of a PSD matrix")
            check(v <= _FMAX, "atom values must lie in float64's range (≤ 1.8e308): the float "
                  "views of the spectrum and the quadratures use it", assumption=PROBABILITY,
                  fix="rescale the spectrum")
        if weights is None:
            w = Fraction(1, len(tv))
            tw = [w] * len(tv)
        else:
            ws = _as_list(weights, "weights")
            check(len(ws) == len(tv),
                  f"weights must match values: {len(ws)} weights for {len(tv)} values",
                  assumption=PROBABILITY)
            tw = [_exact(v, "atom weight", assumption=PROBABILITY) for v in ws]
            for v in tw:
                if v < 0:
                    raise AssumptionError(f"atom weights must be ≥ 0; got {float(v):.6g}",
                                          assumption=PROBABILITY)
            total = sum(tw, Fraction(0))
            check(abs(total - 1) <= Fraction(WEIGHT_SUM_TOL),
                  f"atom weights must sum to 1 (a probability distribution); got {float(total):.15g}",
                  assumption=PROBABILITY, fix="normalise the weights")
            if total != 1:
                tw = [v / total for v in tw]
        merged: dict[Fraction, Fraction] = {}
        for v, w in zip(tv, tw):
            if w:
                merged[v] = merged.get(v, Fraction(0)) + w
        items = sorted(merged.items(), key=lambda kv: float(kv[0]))  # float key: fast; ties harmless
        self._t = tuple(v for v, _ in items)
        self._w = tuple(w for _, w in items)
        self._mean_exact: Fraction | None = None
        self._float_cache: tuple[np.ndarray, np.ndarray] | None = None
        self.name = (f"δ_{float(self._t[0]):g}" if len(self._t) == 1
                     else f"{len(self._t)} atoms on [{float(self._t[0]):.4g}, {float(self._t[-1]):.4g}]")

    # exact data ---------------------------------------------------------------------------
    @property
    def values_exact(self) -> tuple[Fraction, ...]:
        """Distinct atom locations (sorted), exactly."""
        return self._t

    @property
    def weights_exact(self) -> tuple[Fraction, ...]:
        """Their masses, exactly (they sum to exactly 1)."""
        return self._w

    def _floats(self) -> tuple[np.ndarray, np.ndarray]:
        if self._float_cache is None:
            self._float_cache = (np.array([float(v) for v in self._t]),
                                 np.array([float(w) for w in self._w]))
        return self._float_cache

    @property
    def values(self) -> np.ndarray:
        """Distinct atom locations as float64 (rounded; a copy)."""
        return self._floats()[0].copy()

    @property
    def weights(self) -> np.ndarray:
        """Their masses as float64 (rounded; a copy)."""
        return self._floats()[1].copy()

    def __len__(self) -> int:
        return len(self._t)

    def mean_exact(self) -> Fraction:
        r""":math:`\sum_i w_i t_i` exactly."""
        if self._mean_exact is None:
            self._mean_exact = sum((w * t for t, w in zip(self._t, self._w)), Fraction(0))
        return self._mean_exact

    # integrals -----------------------------------------------------------------------------
    def integrate(self, f: Callable[[MPF], MPF], *, dps: int = 30) -> MPF:
        r""":math:`\sum_i w_i f(t_i)`, summed at ``dps`` + 10 digits and rounded to ``dps``."""
        dps = check_dps(dps)
        with mpmath.workdps(dps + _GUARD):
            s = mpmath.fsum(_to_mpf(w) * f(_to_mpf(t)) for t, w in zip(self._t, self._w))
        with mpmath.workdps(dps):
            return +s

    def mean(self, *, dps: int = 30) -> MPF:
        """The exact mean, rounded to ``dps`` digits."""
        dps = check_dps(dps)
        with mpmath.workdps(dps):
            return _to_mpf(self.mean_exact())

    def _resolvent(self, c, *, dps: int):
        with mpmath.workdps(dps + _GUARD):
            c = mpmath.mpf(c)
            terms = [(_to_mpf(w), _to_mpf(t)) for t, w in zip(self._t, self._w)]
            r = mpmath.fsum(w / (1 + c * t) for w, t in terms)
            dr = -mpmath.fsum(w * t / (1 + c * t) ** 2 for w, t in terms)
            err = len(terms) * mpmath.mpf(10) ** (-dps)
        return r, dr, err


def _as_list(x, name: str) -> list:
    if isinstance(x, np.ndarray):
        check(x.ndim == 1, f"{name} must be one-dimensional; got shape {x.shape}",
              assumption=PROBABILITY)
        check_limit("spectrum_atoms", x.size, f"number of entries of {name}")
        if x.dtype.kind in "biuf":
            return [v.item() for v in x]
        return list(x)
    check_type(not isinstance(x, (str, bytes, dict, set)) and isinstance(x, Iterable), name,
               "a sequence of numbers (a list or a 1-D array)", x)
    out = []
    for v in x:
        out.append(v)
        if len(out) > LIMITS.spectrum_atoms:    # stop an endless iterator early
            check_limit("spectrum_atoms", len(out), f"number of entries of {name}")
    return out


def point_mass(t: RealLike = 1) -> Atoms:
    r"""The point mass :math:`\delta_t` (the isotropic case Γ = I/d of A2 is :math:`\delta_1`)."""
    return Atoms([t])


# ---------------------------------------------------------------------------------------------
# absolutely continuous laws
# ---------------------------------------------------------------------------------------------

class Density(Spectrum):
    r"""An absolutely continuous law :math:`\mathcal D(dt) = p(t)\,dt` on :math:`[a, b]`.

    Integrals use :func:`mpmath.quad` (tanh–sinh) at ``dps`` + 10 digits over ``[a, *points, b]``
    (give the points where p is not smooth). Quadrature is accurate but **not rigorous**: the
    fixed point reports ``verified=False`` for densities.

    Parameters
    ----------
    pdf : callable
        :math:`p(t)` taking and returning an mpf; must be ≥ 0 and integrate to 1.
    a, b : real
        Support, :math:`0 \le a < b \le \infty` (``b = mpmath.inf`` or ``math.inf`` allowed).
    name : str
        A label.
    points : sequence, optional
        Interior split points for the quadrature.

    Raises
    ------
    AssumptionError
        (:data:`PROBABILITY`) if ``a < 0``, ``b ≤ a``, p is negative at a probe point, or
        :math:`|\int p - 1| > 10^{-10}` (checked at 20 digits: tanh–sinh reaches that easily
        for the piecewise smooth densities it is meant for), or the mean is not finite.
    """

    is_atomic = False

    def __init__(self, pdf: Callable[[MPF], MPF], a: RealLike, b: RealLike,
                 name: str = "density", *, points: Iterable[RealLike] = (),
                 _validate: bool = True) -> None:
        check(callable(pdf), f"pdf must be callable; got {type(pdf).__name__}",
              assumption=PROBABILITY)
        a_f = _exact(a, "support start a", assumption=PROBABILITY)
        check(a_f >= 0, f"the support must lie in [0,∞); got a = {float(a_f):.6g}",
              assumption=PROBABILITY)
        self._a = a_f
        if _is_inf(b):
            self._b = None
        else:
            b_f = _exact(b, "support end b", assumption=PROBABILITY)
            check(b_f > a_f, f"need a < b; got a = {float(a_f):.6g}, b = {float(b_f):.6g}",
                  assumption=PROBABILITY)
            self._b = b_f
        self._points = tuple(_exact(p, "split point", assumption=PROBABILITY) for p in points)
        self.pdf = pdf
        self.name = name
        if _validate:
            self._validate()

    @property
    def support(self) -> tuple[float, float]:
        """(a, b) as floats (b may be inf)."""
        return float(self._a), (math.inf if self._b is None else float(self._b))

    def _nodes(self):
        b = mpmath.inf if self._b is None else _to_mpf(self._b)
        return [_to_mpf(self._a), *(_to_mpf(p) for p in self._points), b]

    def _validate(self) -> None:
        with mpmath.workdps(20):
            nodes = self._nodes()
            hi = nodes[-1] if mpmath.isfinite(nodes[-1]) else nodes[0] + 50
            for k in range(1, 40):
                t = nodes[0] + (hi - nodes[0]) * k / 40
                try:
                    v = mpmath.mpf(self.pdf(t))
                except (TypeError, ValueError) as exc:
                    raise AssumptionError(f"{self.name}: pdf(t) must return a real number (an "
                                          f"mpf); pdf({mpmath.nstr(t, 6)}) gave {exc}",
                                          assumption=PROBABILITY) from None
                check(mpmath.isfinite(v) and v >= 0,
                      f"{self.name}: pdf must be finite and ≥ 0; pdf({mpmath.nstr(t, 6)}) = {v}",
                      assumption=PROBABILITY)
            mass = mpmath.quad(self.pdf, nodes)
            check(abs(mass - 1) <= mpmath.mpf("1e-10"),
                  f"{self.name}: pdf must integrate to 1; got {mpmath.nstr(mass, 12)}",
                  assumption=PROBABILITY, fix="normalise the pdf")
            m, err = mpmath.quad(lambda t: t * self.pdf(t), nodes, error=True)
            # a divergent ∫ t p(t) dt shows as a large quadrature error estimate (e.g. p = 1/(1+t)²:
            # estimate 55, error 1.0); a convergent one reaches ~1e-20 at 20 digits
            check(mpmath.isfinite(m) and err <= mpmath.mpf("1e-8") * max(1, abs(m)),
                  f"{self.name}: D must have a finite mean; quadrature of ∫ t p(t) dt does not "
                  f"converge (estimate {mpmath.nstr(m, 6)}, error {mpmath.nstr(err, 3)})",
                  assumption=PROBABILITY)

    def _quad(self, g: Callable, dps: int):
        """(∫ g p, error estimate) at ``dps`` digits."""
        with mpmath.workdps(dps):
            val, err = mpmath.quad(lambda t: g(t) * self.pdf(t), self._nodes(), error=True)
        return val, err

    def integrate(self, f: Callable[[MPF], MPF], *, dps: int = 30) -> MPF:
        r""":math:`\int_a^b f(t)p(t)\,dt` by tanh–sinh at ``dps`` + 10 digits, rounded to ``dps``."""
        dps = check_dps(dps)
        val, _ = self._quad(f, dps + _GUARD)
        with mpmath.workdps(dps):
            return +val

    def _resolvent(self, c, *, dps: int):
        with mpmath.workdps(dps + _GUARD):
            c = mpmath.mpf(c)
        r, err = self._quad(lambda t: 1 / (1 + c * t), dps + _GUARD)
        dr, _ = self._quad(lambda t: -t / (1 + c * t) ** 2, max(dps // 2, 15) + _GUARD)
        with mpmath.workdps(dps + _GUARD):
            # quad's estimate is the difference of the last two levels; floor it at the
            # working precision (a zero estimate is not credible).
            err = max(abs(err), mpmath.mpf(10) ** (-dps))
        return r, dr, err


def _is_inf(b) -> bool:
    try:
        return (isinstance(b, (float, np.floating)) and math.isinf(float(b))) or (
            isinstance(b, (mpmath.mpf,)) and mpmath.isinf(b) and b > 0)
    except TypeError:
        return False


class _Uniform(Density):
    r"""Uniform law on [a, b]; :math:`R(c) = \log\frac{1+cb}{1+ca}\big/(c(b-a))`."""

    def __init__(self, a, b):
        a_f = _exact(a, "a", assumption=PROBABILITY)
        b_f = _exact(b, "b", assumption=PROBABILITY)
        check(0 <= a_f < b_f, f"uniform(a, b) needs 0 ≤ a < b; got a = {float(a_f):.6g}, "
              f"b = {float(b_f):.6g}", assumption=PROBABILITY)
        self._len = b_f - a_f
        self._end = b_f     # = self._b, never None here (finite support)

        def pdf(t, _inv=1 / self._len):
            return _to_mpf(_inv)

        super().__init__(pdf, a_f, b_f, f"uniform[{float(a_f):g}, {float(b_f):g}]",
                         _validate=False)

    def mean(self, *, dps: int = 30):
        with mpmath.workdps(check_dps(dps)):
            return _to_mpf((self._a + self._end) / 2)

    def _resolvent(self, c, *, dps: int):
        with mpmath.workdps(dps + _GUARD):
            c = mpmath.mpf(c)
            a, b, L = _to_mpf(self._a), _to_mpf(self._end), _to_mpf(self._len)
            if c == 0:
                return mpmath.mpf(1), -(a + b) / 2, mpmath.mpf(0)
            x = c * L / (1 + c * a)
            r = mpmath.log1p(x) / (c * L)
            # R'(c) = -(1/(c² L)) [log((1+cb)/(1+ca)) + 1/(1+cb) − 1/(1+ca)]: the bracket cancels
            # to O((cL)²), so evaluate it with 2·log10(1/(cL)) extra digits.
            extra = 2 * max(0, int(-mpmath.log10(c * (L + a) + mpmath.eps))) + 5
        with mpmath.workdps(dps // 2 + _GUARD + extra):
            c2, a2, b2 = mpmath.mpf(c), _to_mpf(self._a), _to_mpf(self._end)
            L2 = _to_mpf(self._len)
            dr = -(mpmath.log1p(c2 * L2 / (1 + c2 * a2)) + 1 / (1 + c2 * b2)
                   - 1 / (1 + c2 * a2)) / (c2 ** 2 * L2)
        with mpmath.workdps(dps + _GUARD):
            return r, +dr, mpmath.mpf(10) ** (-(dps + _GUARD - 2))


def uniform(a: RealLike = 0, b: RealLike = 2) -> Density:
    r"""The uniform law on :math:`[a, b]`, :math:`0\le a<b` (default [0, 2], mean 1 as A2 wants).

    Has a closed-form resolvent :math:`\int \frac{\mathcal D(dt)}{1+ct} =
    \frac{\log(1+cb) - \log(1+ca)}{c(b-a)}`, so ψ at 1000 digits costs milliseconds.
    """
    return _Uniform(a, b)


class _Exponential(Density):
    r"""Exponential law of rate r; :math:`R(c) = x e^{x} E_1(x)` with :math:`x = r/c`."""

    def __init__(self, rate):
        r_f = _exact(rate, "rate", assumption=PROBABILITY)
        check(r_f > 0, f"exponential(rate) needs rate > 0; got {float(r_f):.6g}",
              assumption=PROBABILITY)
        self._rate = r_f

        def pdf(t):
            r = _to_mpf(r_f)
            return r * mpmath.exp(-r * t)

        super().__init__(pdf, 0, math.inf, f"exponential(rate={float(r_f):g})", _validate=False)

    def mean(self, *, dps: int = 30):
        with mpmath.workdps(check_dps(dps)):
            return _to_mpf(1 / self._rate)

    def _resolvent(self, c, *, dps: int):
        with mpmath.workdps(dps + _GUARD):
            c = mpmath.mpf(c)
            rate = _to_mpf(self._rate)
            if c == 0:
                return mpmath.mpf(1), -1 / rate, mpmath.mpf(0)
            x = rate / c
            # R'(c) = −(x/c)[(1+x) eˣE₁(x) − 1] cancels to O(1/x²) for large x: 2·log10(x) digits
            extra = 2 * max(0, int(mpmath.log10(x))) + 5
        with mpmath.workdps(dps + _GUARD + extra):
            x = _to_mpf(self._rate) / c
            g = mpmath.exp(x) * mpmath.e1(x)
            r = x * g
            dr = -(x / c) * ((1 + x) * g - 1)
        with mpmath.workdps(dps + _GUARD):
            return +r, +dr, mpmath.mpf(10) ** (-(dps + _GUARD - 2))


def exponential(rate: RealLike = 1) -> Density:
    r"""The exponential law :math:`r e^{-rt}\,dt` on :math:`[0,\infty)` (mean 1/r).

    Closed-form resolvent :math:`\int \frac{\mathcal D(dt)}{1+ct} = x e^{x}E_1(x)`, :math:`x=r/c`.
    """
    return _Exponential(rate)


class MarchenkoPastur(Spectrum):
    r"""The Marchenko–Pastur law with ratio y and scale σ² (mean σ²).

    The limit ESD of :math:`\sigma^2 XX^{\mathsf T}/n` for :math:`X\in\mathbb R^{p\times n}` with
    i.i.d. N(0,1) entries and :math:`p/n\to y`: density
    :math:`\frac{\sqrt{(b-t)(t-a)}}{2\pi\sigma^2 y t}` on :math:`[a,b]=[\sigma^2(1-\sqrt y)^2,
    \sigma^2(1+\sqrt y)^2]`, plus an atom of mass :math:`1-1/y` at 0 when :math:`y>1`.

    Resolvent in closed form: with :math:`Q=\sqrt{1+2c\sigma^2(1+y)+c^2\sigma^4(1-y)^2}` and
    :math:`B=1+c\sigma^2(1-y)`, :math:`\int\frac{\mathcal D(dt)}{1+ct}=\frac{2}{Q+B}
    =\frac{Q-B}{2c\sigma^2 y}` (the second form when B < 0, avoiding cancellation).
    """

    is_atomic = False

    def __init__(self, ratio: RealLike, scale: RealLike = 1) -> None:
        y = _exact(ratio, "ratio", assumption=PROBABILITY)
        s = _exact(scale, "scale", assumption=PROBABILITY)
        check(y > 0, f"marchenko_pastur needs ratio > 0; got {float(y):.6g}",
              assumption=PROBABILITY)
        check(s > 0, f"marchenko_pastur needs scale > 0; got {float(s):.6g}",
              assumption=PROBABILITY)
        self._y, self._s = y, s
        self.name = f"Marchenko–Pastur(ratio={float(y):g}, scale={float(s):g})"

    @property
    def ratio(self) -> float:
        """The ratio y = lim p/n (as a float)."""
        return float(self._y)

    @property
    def scale(self) -> float:
        """The scale σ², which is also the mean (as a float)."""
        return float(self._s)

    def _edges(self):
        y, s = _to_mpf(self._y), _to_mpf(self._s)
        return s * (1 - mpmath.sqrt(y)) ** 2, s * (1 + mpmath.sqrt(y)) ** 2

    def pdf(self, t: MPF) -> MPF:
        """Density of the continuous part (total mass min(1, 1/y))."""
        a, b = self._edges()
        y, s = _to_mpf(self._y), _to_mpf(self._s)
        if t <= a or t >= b:
            return mpmath.mpf(0)
        return mpmath.sqrt((b - t) * (t - a)) / (2 * mpmath.pi * s * y * t)

    def integrate(self, f: Callable[[MPF], MPF], *, dps: int = 30) -> MPF:
        r"""Atom at 0 (if y > 1) plus tanh–sinh quadrature over [a, b] at ``dps`` + 10 digits.

        The substitution :math:`t = a + (b-a)(1-\cos\theta)/2` turns the density into the smooth
        :math:`\frac{(b-a)^2\sin^2\theta}{8\pi\sigma^2 y\,t}\,d\theta` on [0, π] (for y = 1,
        a = 0: :math:`\frac{b(1+\cos\theta)}{4\pi\sigma^2}`), so the square-root edges and
        the 1/√t singularity of y = 1 cost no accuracy.
        """
        dps = check_dps(dps)
        with mpmath.workdps(dps + _GUARD):
            a, b = self._edges()
            y, s = _to_mpf(self._y), _to_mpf(self._s)
            half = (b - a) / 2

            def g(th):
                c = mpmath.cos(th)
                t = a + half * (1 - c)
                if self._y == 1:   # a = 0: sin²θ / t = 2(1 + cos θ)/b
                    dens = half * half * 2 * (1 + c) / b / (2 * mpmath.pi * s * y)
                else:
                    dens = half * half * mpmath.sin(th) ** 2 / (2 * mpmath.pi * s * y * t)
                return f(t) * dens

            val = mpmath.quad(g, [0, mpmath.pi])
            if self._y > 1:
                val += (1 - 1 / _to_mpf(self._y)) * f(mpmath.mpf(0))
        with mpmath.workdps(dps):
            return +val

    def mean(self, *, dps: int = 30) -> MPF:
        """The exact mean σ², rounded to ``dps`` digits."""
        with mpmath.workdps(check_dps(dps)):
            return _to_mpf(self._s)

    def _resolvent(self, c, *, dps: int):
        with mpmath.workdps(dps + _GUARD):
            c = mpmath.mpf(c)
            y, s = _to_mpf(self._y), _to_mpf(self._s)
            q = mpmath.sqrt(1 + 2 * c * s * (1 + y) + (c * s * (1 - y)) ** 2)
            bb = 1 + c * s * (1 - y)
            if bb >= 0:
                r = 2 / (q + bb)
            else:
                r = (q - bb) / (2 * c * s * y)
            # R = 2/(Q+B) ⇒ R' = −2(Q' + σ²(1−y))/(Q+B)² = −(Q' + σ²(1−y)) R²/2
            dq = (s * (1 + y) + c * (s * (1 - y)) ** 2) / q
            dr = -(dq + s * (1 - y)) * r ** 2 / 2
            return r, dr, mpmath.mpf(10) ** (-(dps + _GUARD - 2))


def marchenko_pastur(ratio: RealLike, scale: RealLike = 1) -> MarchenkoPastur:
    r"""The Marchenko–Pastur law (see :class:`MarchenkoPastur`); mean ``scale``."""
    return MarchenkoPastur(ratio, scale)


# ---------------------------------------------------------------------------------------------
# empirical spectral distributions (A2, B2)
# ---------------------------------------------------------------------------------------------

def spectrum_of(M: ArrayLike) -> Atoms:
    """The empirical spectral distribution (equal weights on the eigenvalues) of a symmetric PSD
    matrix ``M``.

    Eigenvalues below zero by round-off (within :func:`lazysym._validate.check_psd`'s tolerance)
    are set to 0; a genuinely negative eigenvalue raises :class:`AssumptionError`
    (:data:`PROBABILITY`: the ESD must live on [0, ∞)).
    """
    arr = as_symmetric(M, "M")
    ev = check_psd(arr, "M", assumption=PROBABILITY, context="a spectral distribution on [0,∞)")
    return Atoms(np.maximum(ev, 0.0))


def _trace_check(value: float, tol: float, what: str, theorem: str, assumption: str) -> None:
    check_type(isinstance(tol, numbers.Real) and not isinstance(tol, bool), "tol", "a real number",
               tol)
    check(tol >= 0, f"tol must be ≥ 0; got {tol!r}", assumption="tol ≥ 0")
    check(abs(value - 1) <= tol, f"{theorem} assumes {what} = 1 ({assumption}); got {value:.6g}",
          assumption=assumption, fix=f"rescale so that {what} = 1")


def check_a2(Gamma: ArrayLike, tol: float = 1e-8) -> np.ndarray:
    r"""Check the normalisation of A2 (Theorem 1): Γ symmetric PSD with :math:`\mathrm{Tr}\,\Gamma=1`.

    ``tol`` absorbs float64 round-off in a trace of a normalised matrix (1e-8 ≫ d·ε for any
    d that fits in memory, ≪ any real mis-normalisation). Returns Γ (symmetrised float64).

    Raises
    ------
    AssumptionError
        ``"Theorem 1 assumes Tr(Γ) = 1 (A2); got 0.93"``; or Γ not symmetric / not PSD.
    """
    G = as_symmetric(Gamma, "Γ")
    check_psd(G, "Γ", assumption="Γ ⪰ 0", context="Theorem 1 (A2, Γ a covariance)")
    _trace_check(float(np.trace(G)), tol, "Tr(Γ)", "Theorem 1", "A2")
    return G


def check_b2(Gamma: ArrayLike, Sigma: ArrayLike,
             tol: float = 1e-8) -> tuple[np.ndarray, np.ndarray]:
    r"""Check the normalisation of B2 (Theorem 4): :math:`\mathrm{Tr}(\Gamma\Sigma)=1`, Γ, Σ PSD.

    Returns (Γ, Σ) as symmetrised float64 arrays.

    Raises
    ------
    AssumptionError
        ``"Theorem 4 assumes Tr(ΓΣ) = 1 (B2); got 0.93"``; or a non-symmetric / non-PSD input,
        or shapes that differ.
    """
    G = as_symmetric(Gamma, "Γ")
    S = as_symmetric(Sigma, "Σ")
    check(G.shape == S.shape, f"Γ and Σ must have the same shape; got {G.shape} and {S.shape}",
          assumption="B2 shapes")
    check_psd(G, "Γ", assumption="Γ ⪰ 0", context="Theorem 4 (B2, Γ a covariance)")
    check_psd(S, "Σ", assumption="Σ ⪰ 0", context="Theorem 4 (B2, Σ a covariance)")
    _trace_check(float(np.sum(G * S)), tol, "Tr(ΓΣ)", "Theorem 4", "B2")
    return G, S


def spectrum_of_gamma(Gamma: ArrayLike, *, check: bool = True, tol: float = 1e-8) -> Atoms:
    r"""The ESD of :math:`d\cdot\Gamma` (assumption A2 of Theorem 1), as :class:`Atoms`.

    With ``check=True`` (default) first verifies Tr Γ = 1 with :func:`check_a2`.
    """
    check_type(isinstance(check, (bool, np.bool_)), "check", "a bool", check)
    G = check_a2(Gamma, tol) if check else as_symmetric(Gamma, "Γ")
    return spectrum_of(G.shape[0] * G)




def spectrum_of_gamma_sigma(Gamma: ArrayLike, Sigma: ArrayLike, *, check: bool = True,
                            tol: float = 1e-8) -> Atoms:
    r"""The ESD of :math:`d\cdot\Gamma^{1/2}\Sigma\Gamma^{1/2}` (assumption B2 of Theorem 4).

    With ``check=True`` (default) first verifies Tr(ΓΣ) = 1 with :func:`check_b2`.
    """
    check_type(isinstance(check, (bool, np.bool_)), "check", "a bool", check)
    if check:
        G, S = check_b2(Gamma, Sigma, tol)
    else:
        G, S = as_symmetric(Gamma, "Γ"), as_symmetric(Sigma, "Σ")
    R = psd_sqrt(G)
    M = R @ S @ R
    return spectrum_of(G.shape[0] * (M + M.T) / 2)

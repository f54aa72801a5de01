"""Input validation shared by the library (private: use through the public functions)."""

from __future__ import annotations

import math
import numbers
import re
from fractions import Fraction

import mpmath
import numpy as np

from lazysym.errors import AssumptionError, InputTypeError, check, check_type
from lazysym.limits import check_limit

__all__: list[str] = []

#: Relative tolerance for "symmetric" and "PSD" checks on float64 input: a few hundred ulps of
#: the matrix's scale, so that round-off from e.g. ``Q @ D @ Q.T`` passes and real asymmetry
#: does not.
SYM_RTOL = 1e-10


def _is_int(n) -> bool:
    return isinstance(n, numbers.Integral) and not isinstance(n, (bool, np.bool_))


def as_finite_array(x, name: str, *, ndim: int | None = None,
                    cap_dims: bool = False) -> np.ndarray:
    """``x`` as a float64 array, refusing NaN/inf, non-numeric types and a wrong number of
    dimensions (:class:`~lazysym.errors.InputTypeError` for a type, AssumptionError for a value).
    ``cap_dims``: every axis at most ``LIMITS.dimension``, checked before anything is copied.
    """
    check_type(not isinstance(x, (str, bytes)) and x is not None, name, "a real array", x)
    try:
        raw = np.asarray(x)
    except (TypeError, ValueError) as exc:   # ragged nested lists
        raise AssumptionError(f"{name} must be a rectangular real array; got a ragged "
                              f"{type(x).__name__}", assumption=f"{name} shape") from exc
    if cap_dims:
        for n in raw.shape:
            check_limit("dimension", n, f"size of an axis of {name} (shape {raw.shape})")
    if raw.dtype.kind not in "iufO":
        raise InputTypeError(f"{name} must be a real (float or integer) array; got an array of "
                             f"dtype {raw.dtype}", assumption=f"{name} type")
    try:
        with np.errstate(over="ignore"):
            arr = raw.astype(float)
    except OverflowError as exc:
        raise AssumptionError(f"{name} has entries too large for float64", assumption=f"{name} finite",
                              fix="rescale the input") from exc
    except (TypeError, ValueError) as exc:
        raise InputTypeError(f"{name} must be a real array; got entries that are not real numbers "
                             f"({type(x).__name__})", assumption=f"{name} type") from exc
    if ndim is not None:
        check(arr.ndim == ndim, f"{name} must have {ndim} dimension(s); got shape {arr.shape}",
              assumption=f"{name} shape")
    check(bool(np.all(np.isfinite(arr))), f"{name} has NaN or infinite entries",
          assumption=f"{name} finite", fix="clean the input")
    return arr


def as_symmetric(B, name: str = "B") -> np.ndarray:
    """A square, symmetric, finite matrix (float64), of size at most ``LIMITS.dimension``."""
    arr = as_finite_array(B, name, ndim=2, cap_dims=True)
    check(arr.shape[0] == arr.shape[1], f"{name} must be square; got shape {arr.shape}",
          assumption=f"{name} square")
    check(arr.shape[0] >= 1, f"{name} must be at least 1x1", assumption=f"{name} square")
    check_limit("dimension", arr.shape[0], f"dimension d of {name}")
    scale = max(1.0, float(np.max(np.abs(arr))))
    asym = float(np.max(np.abs(arr - arr.T)))
    check(asym <= SYM_RTOL * scale,
          f"{name} must be symmetric; max |{name} - {name}ᵀ| = {asym:.3g}",
          assumption=f"{name} symmetric", fix=f"pass ({name} + {name}.T) / 2")
    with np.errstate(over="ignore"):
        out = (arr + arr.T) / 2
    check(bool(np.all(np.isfinite(out))), f"{name} has entries too large for float64 arithmetic",
          assumption=f"{name} finite", fix="rescale the input")
    return out


def check_psd(B: np.ndarray, name: str = "B", *, assumption: str = "B ⪰ 0",
              context: str = "") -> np.ndarray:
    """Eigenvalues of the symmetric ``B`` (descending), checking they are ≥ 0 up to round-off."""
    ev = np.linalg.eigvalsh(B)[::-1]
    scale = max(1.0, float(np.max(np.abs(ev))))
    lo = float(ev[-1])
    prefix = f"{context} assumes" if context else "this function assumes"
    check(lo >= -SYM_RTOL * scale * B.shape[0],
          f"{prefix} {name} positive semidefinite ({assumption}); smallest eigenvalue {lo:.6g}",
          assumption=assumption, fix=f"use a PSD {name}, or the function's non-PSD variant")
    return ev


def as_weights(W, d: int | None = None, name: str = "W") -> np.ndarray:
    """First-layer weights ``W ∈ R^{d×N}`` (columns are the neurons ``w_i``, as in the paper)."""
    arr = as_finite_array(W, name, ndim=2, cap_dims=True)
    if d is not None:
        check(arr.shape[0] == d,
              f"{name} must be d×N with d = {d} (columns are the neurons w_i); got shape {arr.shape}",
              assumption=f"{name} shape", fix=f"pass {name} with {d} rows (transpose?)")
    check(arr.shape[0] >= 1, f"{name} must have at least one row (d ≥ 1); got shape {arr.shape}",
          assumption="d ≥ 1")
    check(arr.shape[1] >= 1, f"{name} must have at least one column (N ≥ 1); got shape {arr.shape}",
          assumption="N ≥ 1")
    check_limit("dimension", arr.shape[0], f"rows d of {name}")
    check_limit("dimension", arr.shape[1], f"columns N of {name}")
    with np.errstate(over="ignore"):
        fro2 = float(np.sum(arr * arr))
    check(np.isfinite(fro2), f"{name} is too large for float64 arithmetic: ‖{name}‖²_F overflows "
          f"(largest |entry| {float(np.max(np.abs(arr))):.3g})", assumption=f"{name} representable",
          fix="rescale W (the RF and NT classes do not change when the neurons are scaled)")
    return arr


def as_flag(value, name: str) -> bool:
    """A bool (``True``/``False`` or a numpy bool); anything else is an :class:`InputTypeError`."""
    check_type(isinstance(value, (bool, np.bool_)), name, "a bool", value,
               assumption=f"{name} flag")
    return bool(value)


def as_real(x, name: str) -> float:
    """A finite real scalar as a float (int, float, numpy scalar, Fraction, mpf, SymPy number).

    A string, a bool, a complex number or an array is an :class:`InputTypeError`; NaN, ±∞ and
    numbers beyond float64's range are an :class:`AssumptionError`.
    """
    check_type(not isinstance(x, (bool, np.bool_, str, bytes, complex, np.complexfloating))
               and x is not None and np.ndim(x) == 0, name, "a real number", x)
    try:
        v = float(x)
    except OverflowError as exc:
        raise AssumptionError(f"{name} = {x!r:.40} is too large for float64",
                              assumption=f"{name} finite") from exc
    except (TypeError, ValueError) as exc:   # a SymPy symbol, an mpc, an object
        raise InputTypeError(f"{name} must be a real number; got {type(x).__name__}",
                             assumption=f"{name} type") from exc
    check(math.isfinite(v), f"{name} must be finite; got {v}", assumption=f"{name} finite")
    return v


def positive_int(n, name: str, *, cap: str | None = None) -> int:
    """An integer ≥ 1 (and ≤ ``LIMITS.<cap>`` when ``cap`` names a limit)."""
    check_type(_is_int(n), name, "an integer", n, assumption=f"{name} integer")
    check(int(n) >= 1, f"{name} must be ≥ 1; got {n}", assumption=f"{name} ≥ 1")
    if cap is not None:
        check_limit(cap, int(n), name)
    return int(n)


def nonnegative_int(n, name: str, *, cap: str | None = None) -> int:
    """An integer ≥ 0 (and ≤ ``LIMITS.<cap>`` when ``cap`` names a limit)."""
    check_type(_is_int(n), name, "an integer", n, assumption=f"{name} integer")
    check(int(n) >= 0, f"{name} must be ≥ 0; got {n}", assumption=f"{name} ≥ 0")
    if cap is not None:
        check_limit(cap, int(n), name)
    return int(n)


def check_dps(dps) -> int:
    """Decimal digits of working precision for mpmath: an integer in [1, ``LIMITS.dps``]."""
    check_type(_is_int(dps), "dps (mpmath digits)", "an integer", dps, assumption="dps integer")
    check(int(dps) >= 1, f"dps (mpmath digits) must be ≥ 1; got {dps}",
          assumption="dps ≥ 1", fix="pass e.g. dps=30")
    return check_limit("dps", int(dps), "dps (mpmath digits)")


_SEED_TYPES = ("a seed (an integer ≥ 0 or a sequence of them), a numpy SeedSequence or a "
               "numpy.random.Generator")


def as_generator(seed) -> np.random.Generator:
    """A :class:`numpy.random.Generator` from a seed, a ``SeedSequence``, a BitGenerator or a
    Generator. ``None`` (unseeded), a negative integer, a float, a bool or a string are refused.
    """
    if isinstance(seed, np.random.Generator):
        return seed
    check(seed is not None, "a seed or numpy.random.Generator is required (reproducibility)",
          assumption="seeded randomness", fix="pass seed=0 or rng=np.random.default_rng(0)")
    if isinstance(seed, (np.random.SeedSequence, np.random.BitGenerator)):
        return np.random.default_rng(seed)
    if _is_int(seed):
        check(int(seed) >= 0, f"a seed must be an integer ≥ 0; got {seed}", assumption="seed ≥ 0",
              fix="pass a non-negative integer")
        return np.random.default_rng(int(seed))
    is_seq = isinstance(seed, (list, tuple)) or (isinstance(seed, np.ndarray) and seed.ndim == 1)
    check_type(is_seq and len(seed) >= 1 and all(_is_int(s) for s in seed), "rng", _SEED_TYPES, seed)
    check(all(int(s) >= 0 for s in seed), f"seed entries must be integers ≥ 0; got {seed!r:.60}",
          assumption="seed ≥ 0")
    return np.random.default_rng([int(s) for s in seed])


_DECIMAL = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def parse_decimal(text: str, name: str, *, assumption: str | None = None) -> Fraction:
    """The exact rational written as a decimal (``"0.1"``, ``"-2.5e-3"``) or a ratio ``"p/q"`` of
    two decimals; its length and decimal exponent are capped (:mod:`lazysym.limits`), so
    ``"1e999999999"`` is refused at once instead of building 10^999999999.
    """
    assumption = assumption or f"{name} real"
    check_limit("expression_chars", len(text), f"length of the number string {name}")
    parts = [p.strip() for p in text.strip().split("/")]
    check(len(parts) in (1, 2) and all(_DECIMAL.fullmatch(p) for p in parts),
          f"{name} must be a finite real number written as a decimal or p/q; got the string "
          f"{text!r:.60}",
          assumption=assumption)
    for p in parts:
        mant, _, exp = p.lower().partition("e")
        if exp:
            check_limit("decimal_exponent", abs(int(exp)), f"decimal exponent of {name}")
    vals = [Fraction(p) for p in parts]
    if len(vals) == 2:
        check(vals[1] != 0, f"{name} = {text!r}: division by zero", assumption=assumption)
        return vals[0] / vals[1]
    return vals[0]


def as_mpf(v, name: str):
    """A finite real number (float, int, Fraction, decimal string, mpf, SymPy number) as an mpf at
    the ambient precision, keeping exact inputs exact (a Fraction or "1/3" is not rounded to float
    first). Call it inside ``mpmath.workdps(...)``. NaN, ±∞ (also as a string, an mpf or a SymPy
    object) are refused.
    """
    check_type(not isinstance(v, (bool, np.bool_)), name, "a real number", v)
    if isinstance(v, mpmath.mpf):
        check(bool(mpmath.isfinite(v)), f"{name} must be finite; got {v}", assumption=f"{name} finite")
        return +v
    if isinstance(v, Fraction):
        return mpmath.mpf(v.numerator) / v.denominator
    if isinstance(v, str):
        q = parse_decimal(v, name)
        return mpmath.mpf(q.numerator) / q.denominator
    try:
        import sympy as sp
        if isinstance(v, sp.Basic):
            check(v.is_real is True and v.is_finite is True, f"{name} must be a finite real; got {v}",
                  assumption=f"{name} real")
            return mpmath.mpf(str(sp.N(v, mpmath.mp.dps + 5)))
    except ImportError:  # pragma: no cover
        pass
    if _is_int(v):
        return mpmath.mpf(int(v))
    return mpmath.mpf(as_real(v, name))


# --------------------------------------------------------------------------------------------
# models, ρ, precision: the one place each is checked
# --------------------------------------------------------------------------------------------

#: Extra decimal digits every mpmath evaluation carries on top of the caller's ``dps`` (like
#: mpmath's own ``extraprec``): the result is rounded back to ``dps`` digits on return.
GUARD_DIGITS = 10


def guarded(dps: int):
    """``mpmath.workdps(dps + GUARD_DIGITS)``: the working precision of an evaluation at ``dps``."""
    return mpmath.workdps(check_dps(dps) + GUARD_DIGITS)


def rounded(value, dps: int):
    """``value`` (an mpf) rounded to ``dps`` digits: what a function returns at ``dps``."""
    with mpmath.workdps(dps):
        return +value


def as_target(target, context: str = "this function"):
    """A :class:`~lazysym.objects.models.QuadraticTarget`, refusing anything else.

    A bare matrix B is refused everywhere (not silently centred): the offset b₀ is part of the
    target and only the caller knows it. Wrap it as ``QuadraticTarget(B)`` (centred) or
    ``QuadraticTarget(B, b0)``.
    """
    from lazysym.objects.models import QuadraticTarget
    if isinstance(target, QuadraticTarget):
        return target
    raise InputTypeError(
        f"{context} needs the qf target as a lazysym.QuadraticTarget; got {type(target).__name__}",
        assumption="quadratic target (qf, eq. (8))", fix="wrap the matrix: QuadraticTarget(B) (centred, "
        "b₀ = −Tr B) or QuadraticTarget(B, b0)")


def as_mixture(mixture, context: str = "this function"):
    """A :class:`~lazysym.objects.models.GaussianMixture` (validated on construction: M1 and
    Σ ± Δ ≻ 0), refusing anything else.
    """
    from lazysym.objects.models import GaussianMixture
    if isinstance(mixture, GaussianMixture):
        return mixture
    raise InputTypeError(
        f"{context} needs the mg model as a lazysym.GaussianMixture; got {type(mixture).__name__}",
        assumption="mg model", fix="build GaussianMixture(Sigma, Delta)")


def check_rho(rho, context: str = "this formula"):
    """ρ = N/d: a finite real > 0 (float, int, Fraction, decimal string, mpf or SymPy number).

    Returned as given, so that an exact ρ stays exact for the mpmath evaluation.
    """
    check(not isinstance(rho, bool), f"{context} needs a real ρ = N/d; got {rho!r}",
          assumption="ρ > 0")
    with mpmath.workdps(30):
        r = as_mpf(rho, "ρ")
    check(bool(mpmath.isfinite(r)), f"{context} needs a finite ρ = N/d; got {rho}",
          assumption="ρ finite", fix="pass the ratio N/d of neurons to dimension")
    check(r > 0, f"{context} assumes ρ = N/d > 0; got {rho}", assumption="ρ > 0",
          fix="pass the ratio N/d of neurons to dimension")
    return rho


def n_from_rho(rho, d: int) -> int:
    """The one ρ → N rule of the package: N = max(1, round(ρ·d)) (ρ > 0, d ≥ 1)."""
    d = positive_int(d, "d")
    with mpmath.workdps(30):
        r = as_mpf(check_rho(rho, "n_from_rho"), "ρ")
        N = max(1, int(mpmath.nint(r * d)))
    return check_limit("dimension", N, f"N = round(ρd) for ρ = {rho}, d = {d}")


# --------------------------------------------------------------------------------------------
# SymPy values from user input (never sympify: it evals strings)
# --------------------------------------------------------------------------------------------

def as_sympy_real(v, name: str, *, variables=None, sign: str | None = None):
    """A real scalar SymPy expression from user input, without ``sympify`` (which ``eval``-s
    strings): a string through :func:`lazysym.objects.expressions.parse_expression` (constants
    only, unless ``variables`` names symbols), a SymPy expression as given, an int or Fraction
    exactly, an mpf at its precision, any other real as a float (:func:`as_real`).

    Refused: a non-scalar (matrix, boolean, relation), NaN and infinities (``nan``, ``oo``,
    ``zoo``), an expression SymPy knows is not real, and — with ``sign="positive"`` or
    ``"nonnegative"`` — one SymPy knows violates that sign (an expression with free symbols is
    accepted unless its assumptions contradict the sign).
    """
    import sympy as sp

    from lazysym.objects.expressions import parse_expression

    check_type(not isinstance(v, (bool, np.bool_, bytes)) and v is not None, name,
               "a real number, a SymPy expression or an expression string", v)
    if isinstance(v, str):
        e = parse_expression(v, dict(variables or {}))
    elif isinstance(v, sp.Basic):
        e = v
    elif isinstance(v, Fraction):
        e = sp.Rational(v.numerator, v.denominator)
    elif _is_int(v):
        check_limit("decimal_exponent", int(abs(int(v)).bit_length() * 0.30103),
                    f"decimal digits of the integer {name}")
        e = sp.Integer(int(v))
    elif isinstance(v, mpmath.mpf):
        check(bool(mpmath.isfinite(v)), f"{name} must be finite; got {v}", assumption=f"{name} finite")
        e = sp.Float(v, max(15, mpmath.mp.dps))
    else:
        e = sp.Float(as_real(v, name))
    check_type(isinstance(e, sp.Expr) and not isinstance(e, sp.MatrixExpr) and not e.is_Matrix,
               name, "a real scalar", v)
    check(not e.has(sp.nan, sp.zoo, sp.oo, -sp.oo) and e.is_finite is not False,
          f"{name} must be finite; got {e}", assumption=f"{name} finite")
    check(e.is_real is not False and e.is_extended_real is not False,
          f"{name} must be real; got {e}", assumption=f"{name} real")
    if sign == "positive":
        check(e.is_positive is not False, f"{name} must be > 0; got {e}", assumption=f"{name} > 0")
    elif sign == "nonnegative":
        check(e.is_nonnegative is not False, f"{name} must be ≥ 0; got {e}",
              assumption=f"{name} ≥ 0")
    return e

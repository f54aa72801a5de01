"""Input validation shared by the library (private: use through the public functions)."""

from __future__ import annotations

import numbers
from fractions import Fraction

import mpmath
import numpy as np

from lazysym.errors import AssumptionError, check

__all__: list[str] = []

#: Relative tolerance for "symmetric" and "PSD" checks on float64 input: a few hundred ulps of
#: the matrix's scale, so that round-off from e.g. ``Q @ D @ Q.T`` passes and real asymmetry
#: does not.
SYM_RTOL = 1e-10


def as_finite_array(x, name: str, *, ndim: int | None = None) -> np.ndarray:
    """``x`` as a float64 array, refusing NaN/inf and a wrong number of dimensions."""
    try:
        arr = np.asarray(x, dtype=float)
    except (TypeError, ValueError) as exc:
        raise AssumptionError(f"{name} must be a real array; got {type(x).__name__}",
                              assumption=f"{name} real") from exc
    if ndim is not None:
        check(arr.ndim == ndim, f"{name} must have {ndim} dimension(s); got shape {arr.shape}",
              assumption=f"{name} shape")
    check(bool(np.all(np.isfinite(arr))), f"{name} has NaN or infinite entries",
          assumption=f"{name} finite", fix="clean the input")
    return arr


def as_symmetric(B, name: str = "B") -> np.ndarray:
    """A square, symmetric, finite matrix (float64)."""
    arr = as_finite_array(B, name, ndim=2)
    check(arr.shape[0] == arr.shape[1], f"{name} must be square; got shape {arr.shape}",
          assumption=f"{name} square")
    check(arr.shape[0] >= 1, f"{name} must be at least 1x1", assumption=f"{name} square")
    scale = max(1.0, float(np.max(np.abs(arr))))
    asym = float(np.max(np.abs(arr - arr.T)))
    check(asym <= SYM_RTOL * scale,
          f"{name} must be symmetric; max |{name} - {name}ᵀ| = {asym:.3g}",
          assumption=f"{name} symmetric", fix=f"pass ({name} + {name}.T) / 2")
    return (arr + arr.T) / 2


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
    arr = as_finite_array(W, name, ndim=2)
    if d is not None:
        check(arr.shape[0] == d,
              f"{name} must be d×N with d = {d} (columns are the neurons w_i); got shape {arr.shape}",
              assumption=f"{name} shape", fix=f"pass {name} with {d} rows (transpose?)")
    check(arr.shape[1] >= 1, f"{name} must have at least one column (N ≥ 1); got shape {arr.shape}",
          assumption="N ≥ 1")
    return arr


def as_real(x, name: str) -> float:
    """A finite real scalar."""
    check(isinstance(x, numbers.Real) or (np.ndim(x) == 0 and np.isrealobj(x)),
          f"{name} must be a real number; got {x!r}", assumption=f"{name} real")
    v = float(x)
    check(np.isfinite(v), f"{name} must be finite; got {v}", assumption=f"{name} finite")
    return v


def positive_int(n, name: str) -> int:
    """An integer ≥ 1."""
    check(isinstance(n, numbers.Integral) and not isinstance(n, bool),
          f"{name} must be an integer; got {n!r}", assumption=f"{name} integer")
    check(int(n) >= 1, f"{name} must be ≥ 1; got {n}", assumption=f"{name} ≥ 1")
    return int(n)


def check_dps(dps) -> int:
    """Decimal digits of working precision for mpmath: an integer ≥ 1."""
    check(isinstance(dps, numbers.Integral) and not isinstance(dps, bool),
          f"dps (mpmath digits) must be an integer; got {dps!r}", assumption="dps integer")
    check(int(dps) >= 1, f"dps (mpmath digits) must be ≥ 1; got {dps}",
          assumption="dps ≥ 1", fix="pass e.g. dps=30")
    return int(dps)


def as_generator(seed) -> np.random.Generator:
    """A :class:`numpy.random.Generator` from a seed, a ``SeedSequence`` or a Generator."""
    if isinstance(seed, np.random.Generator):
        return seed
    check(seed is not None, "a seed or numpy.random.Generator is required (reproducibility)",
          assumption="seeded randomness", fix="pass seed=0 or rng=np.random.default_rng(0)")
    return np.random.default_rng(seed)


def as_mpf(v, name: str):
    """A real number (float, int, Fraction, decimal string, mpf, SymPy number) as an mpf at the
    ambient precision, keeping exact inputs exact (a Fraction or "1/3" is not rounded to float
    first). Call it inside ``mpmath.workdps(...)``.
    """
    if isinstance(v, mpmath.mpf):
        return +v
    if isinstance(v, Fraction):
        return mpmath.mpf(v.numerator) / v.denominator
    if isinstance(v, str):
        try:
            if "/" in v:
                num, den = v.split("/")
                return mpmath.mpf(num.strip()) / mpmath.mpf(den.strip())
            return mpmath.mpf(v)
        except (ValueError, TypeError) as exc:
            raise AssumptionError(f"{name} must be a real number; got {v!r}",
                                  assumption=f"{name} real") from exc
    try:
        import sympy as sp
        if isinstance(v, sp.Basic):
            check(v.is_real is True and v.is_finite is True, f"{name} must be a finite real; got {v}",
                  assumption=f"{name} real")
            return mpmath.mpf(str(sp.N(v, mpmath.mp.dps + 5)))
    except ImportError:  # pragma: no cover
        pass
    if isinstance(v, numbers.Integral) and not isinstance(v, bool):
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
    raise AssumptionError(
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
    raise AssumptionError(
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
        return max(1, int(mpmath.nint(r * d)))

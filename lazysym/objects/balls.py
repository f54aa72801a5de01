r"""Exact rationals and arb balls for the certified finite-d risks (python-flint).

The ``certified=True`` modes of :func:`lazysym.rf.rf_risk`, :func:`lazysym.nt.nt_risk_quadratic`
and :func:`lazysym.nn.nn_risk_quadratic` (issue 13, point 3) return a :class:`flint.arb` ball
that provably contains the exact population risk of the *given* inputs. Inputs are float64
arrays (or integers / Fractions); a float is read as the exact binary number it stores, so the
exact risk is a well-defined real number and the ball encloses it:

* :func:`fmpq_of` / :func:`fmpq_matrix`: a number or array as exact rationals (``flint.fmpq``);
* :func:`arb_matrix`: an array as an exact-entry ball matrix (``flint.arb_mat``; a float64 is a
  dyadic rational, so its ball has radius 0 at any precision ≥ 53 bits);
* :func:`certify`: runs a ball computation at increasing precision until the ball has ``dps``
  correct digits (relative radius ≤ 10^-dps, or absolute radius ≤ 10^-2dps times the scale of
  the quantity when it is smaller than 10^-dps of that scale), else
  :class:`~lazysym.errors.ConvergenceError` with the radii reached;
* :func:`ball_accuracy` and :func:`ball_contains`: what tests and users check on a returned ball.

Precision. A ball is never wrong (every operation rounds outwards); more precision only makes
it narrower. :func:`certify` starts at ``4·dps + 64`` bits and doubles the precision up to
``LIMITS.dps``-derived bits; flint's global precision is restored on exit.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from fractions import Fraction
from numbers import Integral
from typing import Any

import flint
import mpmath
import numpy as np

from lazysym._validate import as_real, check_dps
from lazysym.errors import AssumptionError, ConvergenceError, check, check_type
from lazysym.limits import check_limit

__all__ = ["fmpq_of", "fmpq_matrix", "fraction_of", "arb_matrix", "arb_of", "certify",
           "working_precision", "ball_accuracy", "ball_contains", "CERTIFY_ROUNDS"]

#: Precision doublings :func:`certify` tries after the first attempt.
CERTIFY_ROUNDS = 4


def fmpq_of(v: Any, name: str = "value") -> Any:
    """``v`` (a finite float, an integer, a Fraction, a flint.fmpq) as an exact ``flint.fmpq``."""
    if isinstance(v, flint.fmpq):
        return v
    if isinstance(v, flint.fmpz):
        return flint.fmpq(v)
    if isinstance(v, (bool, np.bool_)):
        raise AssumptionError(f"{name} must be a number; got the bool {v!r}",
                              assumption="numeric input")
    if isinstance(v, (Integral, np.integer)):
        return flint.fmpq(int(v))
    if isinstance(v, Fraction):
        return flint.fmpq(v.numerator, v.denominator)
    if isinstance(v, (float, np.floating)):
        f = float(v)
        check(math.isfinite(f), f"{name} must be finite; got {f}", assumption="finite input")
        n, d = f.as_integer_ratio()
        return flint.fmpq(n, d)
    raise AssumptionError(f"{name} must be a float, an integer or a Fraction; got "
                          f"{type(v).__name__}", assumption="numeric input")


def fraction_of(q: Any) -> Fraction:
    """A ``flint.fmpq`` (or anything :func:`fmpq_of` takes) as a :class:`fractions.Fraction`."""
    q = fmpq_of(q)
    return Fraction(int(q.p), int(q.q))


def fmpq_matrix(A: Any, name: str = "matrix") -> Any:
    """A 2-D array of finite floats / integers / Fractions as an exact ``flint.fmpq_mat``."""
    arr = np.asarray(A, dtype=object) if not isinstance(A, np.ndarray) else A
    check(arr.ndim == 2, f"{name} must be a 2-D array; got shape {np.shape(arr)}",
          assumption=f"{name} 2-D")
    r, c = arr.shape
    return flint.fmpq_mat(r, c, [fmpq_of(v, name) for v in arr.ravel().tolist()])


def arb_of(v: Any) -> Any:
    """An exact number (float, int, Fraction, fmpq) as a ball at the current precision."""
    q = fmpq_of(v)
    return flint.arb(q)


def arb_matrix(A: Any, name: str = "matrix") -> Any:
    """A 2-D array of exact numbers as a ``flint.arb_mat`` at the current precision."""
    arr = np.asarray(A)
    check(arr.ndim == 2, f"{name} must be a 2-D array; got shape {arr.shape}",
          assumption=f"{name} 2-D")
    r, c = arr.shape
    return flint.arb_mat(r, c, [arb_of(v) for v in arr.ravel().tolist()])


@contextmanager
def working_precision(bits: int) -> Iterator[None]:
    """Set flint's working precision (bits) inside the block; restore it on exit."""
    old = flint.ctx.prec
    flint.ctx.prec = int(bits)
    try:
        yield
    finally:
        flint.ctx.prec = old


def _check_ball(ball: Any) -> None:
    check_type(isinstance(ball, flint.arb), "ball", "a flint.arb ball", ball)


def ball_accuracy(ball: Any, scale: float | None = None) -> float:
    """Correct decimal digits of a ball, −log10(radius/|mid|) (``inf`` for an exact ball); with
    ``scale`` the denominator is max(|mid|, scale) (digits relative to that scale).
    """
    _check_ball(ball)
    check(bool(ball.is_finite()), f"the ball must be finite; got {ball}", assumption="finite ball")
    if scale is not None:
        scale = as_real(scale, "scale")
    rad = float(ball.rad())
    if rad == 0.0:
        return math.inf
    den = abs(float(ball.mid()))
    if scale is not None:
        den = max(den, float(scale))
    return -math.log10(rad / den) if den > 0 else -math.inf


def _dyadic(v: Any) -> Fraction:
    """An exact arb (radius 0, finite) as a Fraction."""
    m, e = v.man_exp()
    m, e = int(m), int(e)
    return Fraction(m * 2 ** e) if e >= 0 else Fraction(m, 2 ** -e)


def ball_contains(ball: Any, value: Any) -> bool:
    """Does ``ball`` contain ``value`` (a float, Fraction, fmpq, mpmath mpf, or another arb)?

    Exact numbers are compared exactly with the ball's endpoints (no rounding of ``value``).
    """
    _check_ball(ball)
    if isinstance(value, flint.arb):
        return bool(ball.contains(value))
    if not ball.is_finite():
        return True
    if hasattr(value, "_mpf_"):                  # mpmath mpf: exact binary value
        n, e = mpmath.mpf(value).man_exp
        q = Fraction(int(n) * 2 ** int(e)) if e >= 0 else Fraction(int(n), 2 ** -int(e))
    else:
        q = fraction_of(value)
    return _dyadic(ball.lower()) <= q <= _dyadic(ball.upper())


def _good(ball: Any, dps: int, scale: float) -> bool:
    if not ball.is_finite():
        return False
    rad = float(ball.rad())
    if rad == 0.0:
        return True
    mid = abs(float(ball.mid()))
    tol = 10.0 ** (-dps)
    return rad <= tol * max(mid, tol * scale)


def certify(compute: Callable[[], Any], *, dps: int, scale: float, what: str) -> Any:
    r"""Evaluate ``compute()`` (a ball computation at flint's current precision) until it has
    ``dps`` correct digits.

    Accepted when :math:`\mathrm{rad} \le 10^{-dps}\max(|\mathrm{mid}|,\ 10^{-dps}\,
    \mathrm{scale})`: ``dps`` significant digits, or, for a quantity below
    :math:`10^{-dps}` of its natural scale (e.g. a risk that is exactly 0), an absolute
    radius :math:`10^{-2dps}\cdot\mathrm{scale}`. ``compute`` may raise
    :class:`ZeroDivisionError` or :class:`ValueError` (flint: "matrix is singular / cannot
    isolate eigenvalues at this precision"); the precision is then doubled.

    Raises
    ------
    ConvergenceError
        After :data:`CERTIFY_ROUNDS` doublings, with the precisions tried and the last radius.
    """
    dps = check_dps(dps)
    bits = 4 * dps + 64
    tried: list[dict[str, Any]] = []
    for _ in range(CERTIFY_ROUNDS + 1):
        check_limit("dps", bits // 3, f"working precision of the certified {what} (digits)")
        with working_precision(bits):
            try:
                ball = compute()
            except (ZeroDivisionError, ValueError) as exc:
                if isinstance(exc, AssumptionError):
                    raise
                tried.append({"bits": bits, "failed": str(exc)[:120]})
            else:
                if _good(ball, dps, scale):
                    return ball
                tried.append({"bits": bits, "radius": float(ball.rad()),
                              "mid": float(ball.mid()) if ball.is_finite() else None})
        bits *= 2
    raise ConvergenceError(f"could not certify the {what} to {dps} digits",
                           diagnostics={"attempts": tried},
                           fix="lower dps, or check the input is not (nearly) degenerate "
                               "(e.g. a singular Gram matrix, parallel neurons)")

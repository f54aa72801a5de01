"""The first version's comparison helpers. No claim uses them any more (every claim is on
:mod:`proofs_check.evidence.decisions` and the graded self-test of
:mod:`proofs_check.evidence.mutants`); only tests of the CLI, the registry and the pytest plugin
(tests/test_cli.py, tests/test_registry.py, tests/test_plugin.py) still build toy claims with
them, so the module stays until those move to :mod:`proofs_check.evidence.decisions`.

``compare_asymptotic`` here accepts on a fitted rate ≥ :data:`MIN_RATE`, a falling last step and a
final error ≤ a claim-specific ``max_final``; ``perturbed`` is the first version's single generic
perturbation (x → 1.1·x + 0.05).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable
from typing import Any, cast

import numpy as np

from lazysym.stats import fit_rate
from proofs_check.registry import Comparison

__all__ = ["MIN_RATE", "compare_asymptotic", "compare_symbolic", "compare_values", "fit_rate",
           "perturbed"]

MIN_RATE = 0.25


# --------------------------------------------------------------------------------------------
# perturbation
# --------------------------------------------------------------------------------------------

def _perturb_value(v):
    import sympy as sp
    if isinstance(v, (bool, np.bool_)):
        return not v
    if isinstance(v, sp.Basic):
        return v * sp.Rational(11, 10) + sp.Rational(1, 20)
    if isinstance(v, dict):
        return {k: _perturb_value(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return type(v)(_perturb_value(x) for x in v)
    if isinstance(v, np.ndarray):
        return v * 1.1 + 0.05
    try:
        import mpmath
        if isinstance(v, (mpmath.mpf, mpmath.mpc)):
            return v * mpmath.mpf("1.1") + mpmath.mpf("0.05")
    except ImportError:  # pragma: no cover
        pass
    if isinstance(v, numbers.Number):
        return cast(Any, v) * 1.1 + 0.05
    raise TypeError(f"cannot perturb a {type(v).__name__}; give the claim its own `perturb`")


def perturbed(f: Callable) -> Callable:
    """``f`` with its value changed: x → 1.1·x + 0.05 (numbers, arrays, SymPy), b → not b."""

    def g(*args, **kwargs):
        return _perturb_value(f(*args, **kwargs))

    g.__name__ = f"perturbed_{getattr(f, '__name__', 'formula')}"
    return g


# --------------------------------------------------------------------------------------------
# comparison helpers
# --------------------------------------------------------------------------------------------

def compare_values(formula_values, evidence_values, *, rtol: float, atol: float = 0.0,
                   rows: list[dict] | None = None, note: str = "") -> Comparison:
    """Exact (``identity``) agreement of numbers: |f − e| ≤ atol + rtol·|e| for every entry.

    The tolerance must be justified by the caller (float64 round-off of the evidence, or the
    working precision of an mpmath evaluation).
    """
    f = np.asarray(formula_values, dtype=float).ravel()
    e = np.asarray(evidence_values, dtype=float).ravel()
    if f.shape != e.shape:
        return Comparison(False, "identity", math.inf, None, rows or [], "shape mismatch")
    if not (np.all(np.isfinite(f)) and np.all(np.isfinite(e))):
        return Comparison(False, "identity", math.inf, None, rows or [], "non-finite value")
    err = np.abs(f - e)
    ok = bool(np.all(err <= atol + rtol * np.abs(e)))
    return Comparison(ok, "identity", float(np.max(err)) if err.size else 0.0, None,
                      rows or [], note)


def compare_asymptotic(ds, exact_by_d, formula_by_d, *, max_final: float,
                       exact_tol: float = 1e-9, note: str = "") -> Comparison:
    """Asymptotic agreement: the mean |exact − formula| over draws shrinks with d.

    Parameters
    ----------
    ds:
        Increasing dimensions.
    exact_by_d:
        For each d, an array of exact finite-d values (one per draw of W, or of the model).
    formula_by_d:
        For each d, the formula's value(s): a scalar, or an array matched to the draws.
    max_final:
        The largest mean error tolerated at the largest d (the caller states why). It must be
        below the size of a deviation that matters: a wrong limit that the finite-d values are
        still approaching (crossing) also gives a falling error, and only this bound catches it.
        The perturbation test (value → 1.1·value + 0.05) enforces that it is tight enough.
    exact_tol:
        If every error is below this, the formula is exact at finite d (kind ``identity``).

    Agrees when the fitted rate is ≥ :data:`MIN_RATE`, the error decreases over the last step, and
    the final error is ≤ ``max_final``. The table has, per d: mean exact value, formula value,
    mean error and the spread (std over draws) of the exact values.
    """
    rows: list[dict] = []
    errs: list[float] = []
    for d, ex, fo in zip(ds, exact_by_d, formula_by_d):
        ex = np.asarray(ex, float).ravel()
        fo = np.broadcast_to(np.asarray(fo, float), ex.shape)
        if not (np.all(np.isfinite(ex)) and np.all(np.isfinite(fo))):
            return Comparison(False, "asymptotic", math.inf, None, rows, "non-finite value")
        err = float(np.mean(np.abs(ex - fo)))
        errs.append(err)
        rows.append({"d": int(d), "draws": int(ex.size), "exact (mean)": float(np.mean(ex)),
                     "spread (std)": float(np.std(ex)), "formula": float(np.mean(fo)),
                     "|error| (mean)": err})
    if max(errs) <= exact_tol:
        return Comparison(True, "identity", max(errs), None, rows,
                          (note + " " if note else "") + "agrees to round-off at every d")
    rate = fit_rate(ds, errs)
    ok = rate >= MIN_RATE and errs[-1] < errs[-2] and errs[-1] <= max_final
    why = "" if ok else (f"rate {rate:.2f} < {MIN_RATE}" if rate < MIN_RATE else
                         "error did not fall at the last step" if errs[-1] >= errs[-2] else
                         f"final error {errs[-1]:.3g} > {max_final}")
    return Comparison(ok, "asymptotic", errs[-1], rate, rows, "; ".join(x for x in (note, why) if x))


def compare_symbolic(formula_expr, derived_expr, *, note: str = "", rows=None) -> Comparison:
    """Exact symbolic identity: ``simplify(formula − derived) == 0`` (decided by SymPy)."""
    import sympy as sp
    diff = sp.simplify(sp.expand(sp.sympify(formula_expr) - sp.sympify(derived_expr)))
    ok = diff == 0
    return Comparison(bool(ok), "identity", 0.0 if ok else None, None,
                      rows or [{"printed": sp.sstr(formula_expr), "derived": sp.sstr(derived_expr),
                                "difference": sp.sstr(diff)}], note, strength="proved",
                      strength_note="SymPy: the difference simplifies to 0 exactly")

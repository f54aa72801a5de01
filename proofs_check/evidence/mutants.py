"""The graded self-test: deliberately wrong formulas every check must reject.

A check that cannot fail is a defect. For each claim, the form that agrees with the evidence
(the printed one, or the corrected one when only it agrees) is replaced by

* the generic relative mutants of :data:`GRADED` named in ``Claim.graded`` (value → value·(1 ± δ);
  ``rel±5%`` by default, ``rel±2%`` where the evidence's confidence interval is below 1%);
* the claim's own :class:`~proofs_check.registry.Mutant` s (a constant changed: 2 ↔ 1,
  ρ/(1+ρ) ↔ ρ/(1+2ρ); an O(1/d) slip: d → d+1, N → N+1, wherever the claim has an exact
  finite-d anchor);

and the comparison against the *same* evidence must disagree, unless the claim lists the mutant
in ``Claim.tolerated`` with its measured detection threshold. ``tests/test_claims.py`` enforces
this for every registered claim.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable
from typing import Any, cast

import numpy as np
import sympy as sp

from proofs_check.registry import Claim, Mutant

__all__ = ["GRADED", "mutants_of", "relative", "scale_value"]


def scale_value(v: Any, factor: float) -> Any:
    """``v`` multiplied by ``factor`` (numbers, arrays, mpf, SymPy, and containers of them);
    a bool is negated (a relative change of a truth value is its negation).
    """
    import mpmath

    if isinstance(v, (bool, np.bool_)):
        return not v
    if isinstance(v, sp.Basic):
        return v * sp.nsimplify(factor)
    if isinstance(v, dict):
        return {k: scale_value(x, factor) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return type(v)(scale_value(x, factor) for x in v)
    if isinstance(v, np.ndarray):
        return v * factor
    if isinstance(v, (mpmath.mpf, mpmath.mpc)):
        return v * mpmath.mpf(factor)
    if isinstance(v, numbers.Number):
        return cast(Any, v) * factor
    raise TypeError(f"cannot scale a {type(v).__name__}; give the claim its own `perturb`")


def relative(f: Callable, factor: float) -> Callable:
    """``f`` with its value multiplied by ``factor``."""

    def g(*args: Any, **kwargs: Any) -> Any:
        return scale_value(f(*args, **kwargs), factor)

    g.__name__ = f"{getattr(f, '__name__', 'formula')}_x{factor:g}"
    return g


#: Generic relative mutants by name: name → factor.
GRADED: dict[str, float] = {"rel+5%": 1.05, "rel-5%": 0.95, "rel+2%": 1.02, "rel-2%": 0.98}


def mutants_of(c: Claim, form: str) -> list[Mutant]:
    """Every mutant of ``c``'s ``form`` ("printed" or "corrected") the self-test runs: the
    generic ones (through ``c.perturb`` when the claim has one) and the claim's own.
    """
    base = c.printed if form == "printed" else c.corrected
    if base is None:
        return []
    out = []
    for name in c.graded:
        if name not in GRADED:
            raise ValueError(f"{c.id}: unknown graded mutant {name!r}; valid: {sorted(GRADED)}")
        if c.perturb is not None:
            out.append(Mutant(name, c.perturb(base, GRADED[name]), form))
        else:
            out.append(Mutant(name, relative(base, GRADED[name]), form))
    out += [m for m in c.mutants if m.form == form]
    return out

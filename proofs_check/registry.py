"""Claims as data: the registry, the verdict logic and the comparison helpers.

A :class:`Claim` holds one statement of the paper **transcribed once**, as printed:

* ``statement`` — the printed formula in LaTeX, with ``source`` (section, theorem, equation);
* ``printed`` — the same formula as code (a Python callable returning a number, an array, a
  SymPy expression or a bool);
* ``evidence(ctx)`` — computes the independent evidence (exact finite-d values, a symbolic
  derivation from the model's definition, a simulation). **It never sees the formula**: the
  registry passes it only the :class:`Context`, so the evidence cannot use the claim;
* ``compare(formula, data, ctx)`` — evaluates ``formula`` where the evidence was taken and
  returns a :class:`Comparison` (agrees or not, errors, fitted rate, an evidence table);
* optionally ``corrected`` / ``corrected_statement`` — a corrected form, compared against the same
  evidence, which turns a disagreement into an ``erratum``.

Verdicts (:data:`VERDICTS`): ``holds`` (an identity proved symbolically, or exact at finite d),
``holds asymptotically`` (errors shrink with d at a fitted rate), ``erratum`` (the printed form
disagrees, the corrected form agrees), ``inconclusive`` (neither agrees; the note says why).

Because evidence and comparison are separate, the perturbation test (every formula deliberately
perturbed must lose its verdict) costs one cheap comparison per claim.
"""

from __future__ import annotations

import math
import numbers
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = [
    "VERDICTS", "Context", "Comparison", "Claim", "Outcome", "REGISTRY", "register", "claim",
    "get", "all_claims", "run_claim", "perturbed", "fit_rate", "compare_values",
    "compare_asymptotic", "compare_symbolic", "MIN_RATE",
]

VERDICTS = ("holds", "holds asymptotically", "erratum", "inconclusive")

#: An asymptotic claim "holds asymptotically" only if its mean error falls at least as fast as
#: d^(-MIN_RATE) over the sizes checked, and falls at the last step too. The paper's o(1) terms are
#: O(d^{-1/2}) fluctuations or O(1/d) biases (rates 0.5, 1); 0.25 leaves room for noise in the fit
#: while a wrong formula (error → a constant, rate → 0) fails.
MIN_RATE = 0.25


@dataclass(frozen=True)
class Context:
    """What a check may depend on: precision, randomness, size, and a progress callback."""

    dps: int = 30
    seed: int = 0
    thorough: bool = False
    progress: Callable[[str], None] = field(default=lambda msg: None, compare=False, repr=False)

    def rng(self, *keys) -> np.random.Generator:
        """A Generator determined by ``seed`` and ``keys`` (e.g. the claim id and d)."""
        words = [self.seed] + [zlib.crc32(str(k).encode()) for k in keys]
        return np.random.default_rng(words)

    def pick(self, default, thorough):
        """``thorough`` sizes under ``--thorough``, else ``default``."""
        return thorough if self.thorough else default


@dataclass
class Comparison:
    """A formula held against evidence.

    ``kind`` is ``"identity"`` (symbolic or exact finite-d equality) or ``"asymptotic"``.
    ``table`` rows are dicts (one per d, or per case) that the report prints as they are.
    """

    agrees: bool
    kind: str
    error: float | None = None
    rate: float | None = None
    table: list[dict] = field(default_factory=list)
    note: str = ""


@dataclass(frozen=True)
class Claim:
    """One statement of the paper, with its evidence. See the module docstring."""

    id: str
    source: str
    statement: str
    method: str
    printed: Callable
    evidence: Callable[[Context], Any]
    compare: Callable[[Callable, Any, Context], Comparison]
    corrected: Callable | None = None
    corrected_statement: str | None = None
    perturb: Callable[[Callable], Callable] | None = None
    note: str = ""

    def perturbed_printed(self) -> Callable:
        return (self.perturb or perturbed)(self.printed)

    def perturbed_corrected(self) -> Callable | None:
        return None if self.corrected is None else (self.perturb or perturbed)(self.corrected)


@dataclass
class Outcome:
    """The verdict on one claim, with the comparisons it rests on."""

    claim: Claim
    verdict: str
    printed: Comparison | None
    corrected: Comparison | None
    seconds: float
    note: str = ""

    @property
    def main(self) -> Comparison | None:
        """The comparison behind the verdict (the corrected one for an erratum)."""
        return self.corrected if self.verdict == "erratum" else self.printed


REGISTRY: dict[str, Claim] = {}


def register(c: Claim) -> Claim:
    """Add a claim; refuses a duplicate id."""
    if c.id in REGISTRY:
        raise ValueError(f"duplicate claim id {c.id!r} (already from {REGISTRY[c.id].source})")
    REGISTRY[c.id] = c
    return c


def claim(**kwargs) -> Claim:
    """Build and register a :class:`Claim` (keyword arguments as its fields)."""
    return register(Claim(**kwargs))


def _load() -> None:
    from . import claims  # noqa: F401  (imports every claims module, which register)


def all_claims() -> list[Claim]:
    """Every registered claim, in registration order."""
    _load()
    return list(REGISTRY.values())


def get(cid: str) -> Claim:
    """The claim with id ``cid``; a bad id gets the list of valid ones."""
    _load()
    if cid not in REGISTRY:
        valid = ", ".join(sorted(REGISTRY))
        raise KeyError(f"unknown claim id {cid!r}; valid ids: {valid}")
    return REGISTRY[cid]


def decide(printed: Comparison, corrected: Comparison | None) -> tuple[str, str]:
    """Verdict and note from the comparison(s)."""
    if printed.agrees:
        return ("holds" if printed.kind == "identity" else "holds asymptotically"), ""
    if corrected is not None and corrected.agrees:
        return "erratum", "printed form disagrees with the evidence; the corrected form agrees"
    if corrected is not None:
        return "inconclusive", "neither the printed nor the corrected form agrees with the evidence"
    return "inconclusive", "printed form disagrees with the evidence and no corrected form is verified"


def run_claim(c: Claim, ctx: Context, *, printed: Callable | None = None,
              corrected: Callable | None = None, data: Any = None) -> Outcome:
    """Compute the evidence (unless ``data`` is given) and decide the verdict.

    ``printed``/``corrected`` override the claim's formulas (used by the perturbation test).
    """
    t0 = time.perf_counter()
    try:
        if data is None:
            data = c.evidence(ctx)
        p = c.compare(printed or c.printed, data, ctx)
        corr_f = corrected or c.corrected
        q = c.compare(corr_f, data, ctx) if (corr_f is not None and not p.agrees) else None
        verdict, note = decide(p, q)
    except Exception as exc:  # a crashing check is reported, never hidden
        return Outcome(c, "inconclusive", None, None, time.perf_counter() - t0,
                       note=f"check raised {type(exc).__name__}: {exc}")
    return Outcome(c, verdict, p, q, time.perf_counter() - t0, note=note)


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
        return v * 1.1 + 0.05
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

def fit_rate(ds, errors) -> float:
    """Least-squares slope γ of log(error) against log(d), returned as the rate in error ∝ d^(−γ)."""
    ds = np.asarray(ds, float)
    e = np.asarray(errors, float)
    e = np.maximum(e, 1e-300)
    slope = np.polyfit(np.log(ds), np.log(e), 1)[0]
    return float(-slope)


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
    rows, errs = [], []
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
                                "difference": sp.sstr(diff)}], note)

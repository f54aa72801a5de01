"""Claims as data: the registry, the verdict vocabulary and the verdict logic.

A :class:`Claim` holds one statement of the paper. Its printed formula is transcribed **once, in
the library** (``lazysym``, with its equation number); the claim refers to it:

* ``statement`` — the printed formula in LaTeX, with ``source`` (section, theorem, equation);
* ``printed`` — a callable evaluating the printed formula (a thin adapter around the library's
  transcription), returning a number, an array, a SymPy expression or a bool;
* ``evidence(ctx)`` — computes the independent evidence (exact finite-d values, a symbolic
  derivation from the model's definition, a simulation). **It never sees the formula**: the
  registry passes it only the :class:`Context`, so the evidence cannot use the claim;
* ``compare(formula, data, ctx)`` — evaluates ``formula`` where the evidence was taken and returns
  a :class:`Comparison` (agrees or not, the criteria of its acceptance rule, errors, a rate with
  its confidence interval, the strength of the evidence, an evidence table);
* optionally ``corrected`` / ``corrected_statement`` and ``correction`` — a corrected form,
  compared against the same evidence, and what kind of correction it is.

Verdicts (:data:`VERDICTS`), what a referee would sign:

``holds``
    an identity proved symbolically, or exact at finite d;
``holds asymptotically``
    the finite-d evidence converges to the printed formula;
``erratum``
    the printed formula is wrong; a corrected formula agrees with the same evidence;
``missing hypothesis``
    the statement is right where it applies but needs a hypothesis it does not state (named in
    ``Claim.hypothesis``, e.g. λ₂ ≠ 0); with it added, the same evidence agrees;
``informal``
    an informal summary that defers to a precise statement elsewhere ("see paper for precise
    statements"): as written it does not hold in general, the precise statement does;
``inconclusive``
    neither form agrees (the note says why).

Strength (:data:`STRENGTHS`), independent of the verdict: ``proved`` (a symbolic derivation for
all d, or a symbolic limit of an exact closed form with an explicit error bound), ``certified``
(finite-d values enclosed rigorously: exact rationals, interval or ball arithmetic),
``numerical`` (floating point, optimisation, Monte Carlo). Each comparison states its strength
with a one-line justification; a verdict that rests on two comparisons (an erratum: the printed
form disagrees, the corrected one agrees) has the weaker of the two.

Because evidence and comparison are separate, the graded self-test (every mutant of the
agreeing formula must be rejected: :mod:`proofs_check.evidence.mutants`) costs one cheap
comparison per mutant.
"""

from __future__ import annotations

import time
import traceback
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = [
    "CORRECTIONS", "STRENGTHS", "VERDICTS", "Claim", "Comparison", "Context", "Mutant", "Outcome",
    "REGISTRY", "all_claims", "claim", "decide", "get", "register", "run_claim", "weakest",
]

VERDICTS = ("holds", "holds asymptotically", "erratum", "missing hypothesis", "informal",
            "inconclusive")

#: Strengths of the evidence behind a verdict, strongest first.
STRENGTHS = ("proved", "certified", "numerical")

#: Kind of a claim's corrected form → the verdict when only the corrected form agrees.
CORRECTIONS = {"formula": "erratum", "hypothesis": "missing hypothesis",
               "precise statement": "informal"}


def weakest(*strengths: str) -> str:
    """The weakest of the given strengths (``numerical`` < ``certified`` < ``proved``)."""
    for s in strengths:
        if s not in STRENGTHS:
            raise ValueError(f"unknown strength {s!r}; valid: {STRENGTHS}")
    return max(strengths, key=STRENGTHS.index) if strengths else "numerical"


@dataclass(frozen=True)
class Context:
    """What a check may depend on: precision, randomness, size, progress, and an executor.

    ``executor`` (a :class:`concurrent.futures.Executor` or None) lets a heavy claim map its
    independent sweep points over workers; ``None`` runs them in the calling process.
    """

    dps: int = 30
    seed: int = 0
    thorough: bool = False
    progress: Callable[[str], None] = field(default=lambda msg: None, compare=False, repr=False)
    executor: Any = field(default=None, compare=False, repr=False)

    def rng(self, *keys: object) -> np.random.Generator:
        """A Generator determined by ``seed`` and ``keys`` (e.g. the claim id and d)."""
        words = [self.seed] + [zlib.crc32(str(k).encode()) for k in keys]
        return np.random.default_rng(words)

    def pick(self, default: Any, thorough: Any) -> Any:
        """``thorough`` sizes under ``--thorough``, else ``default``."""
        return thorough if self.thorough else default

    def map(self, fn: Callable, items: list) -> list:
        """``[fn(x) for x in items]``, on ``executor`` when one is given (order preserved)."""
        if self.executor is None:
            return [fn(x) for x in items]
        return list(self.executor.map(fn, items))


@dataclass
class Comparison:
    """A formula held against evidence.

    ``kind`` is ``"identity"`` (symbolic or exact finite-d equality) or ``"asymptotic"``.
    ``criteria`` names each criterion of the acceptance rule and whether it held (``agrees`` is
    their conjunction); ``stats`` carries the numbers the decision used (z-scores, confidence
    bounds, thresholds), machine-readable. ``table`` rows are dicts with snake_case keys;
    ``labels`` maps a key to its display label (default: the key with spaces). ``strength`` and
    ``strength_note`` say how strong the evidence is (:data:`STRENGTHS`). ``proof`` (for
    ``proved`` comparisons) records the chain: e.g. ``{"closed_form": ..., "limit": ...,
    "bound": ...}`` as LaTeX or text.
    """

    agrees: bool
    kind: str
    error: float | None = None
    rate: float | None = None
    table: list[dict] = field(default_factory=list)
    note: str = ""
    strength: str = "numerical"
    strength_note: str = ""
    rate_ci: tuple[float, float] | None = None
    criteria: dict[str, bool] = field(default_factory=dict)
    stats: dict[str, Any] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    proof: dict[str, str] | None = None

    def __post_init__(self) -> None:
        if self.kind not in ("identity", "asymptotic"):
            raise ValueError(f"Comparison.kind must be 'identity' or 'asymptotic'; got {self.kind!r}")
        if self.strength not in STRENGTHS:
            raise ValueError(f"Comparison.strength must be one of {STRENGTHS}; got {self.strength!r}")


@dataclass(frozen=True)
class Mutant:
    """A deliberately wrong version of a formula that the claim's check must reject.

    ``name`` says what was changed ("2 ↔ 1", "ρ/(1+ρ) → ρ/(1+2ρ)", "d → d+1", "N → N+1"),
    ``formula`` is the wrong formula (same signature as the form it mutates), ``form`` is
    ``"printed"`` or ``"corrected"`` (the form that agrees with the evidence).
    """

    name: str
    formula: Callable
    form: str = "printed"


@dataclass(frozen=True)
class Claim:
    """One statement of the paper, with its evidence. See the module docstring.

    Self-test fields: ``graded`` names the generic relative mutants (of
    :data:`proofs_check.evidence.mutants.GRADED`) the check must reject; ``mutants`` adds the
    claim's own (a constant changed, an O(1/d) slip); ``tolerated`` maps a mutant name the check
    cannot reject to the reason and its measured detection threshold. ``perturb`` replaces the
    generic relative mutants for claims whose formula is not a number (a bound, a boolean).
    """

    id: str
    source: str
    statement: str
    method: str
    printed: Callable
    evidence: Callable[[Context], Any]
    compare: Callable[[Callable, Any, Context], Comparison]
    corrected: Callable | None = None
    corrected_statement: str | None = None
    correction: str = "formula"
    hypothesis: str = ""
    perturb: Callable[..., Callable] | None = None
    graded: tuple[str, ...] = ("rel+5%", "rel-5%")
    mutants: tuple[Mutant, ...] = ()
    tolerated: Mapping[str, str] = field(default_factory=dict)
    note: str = ""

    def __post_init__(self) -> None:
        if self.correction not in CORRECTIONS:
            raise ValueError(f"{self.id}: correction must be one of {sorted(CORRECTIONS)}; "
                             f"got {self.correction!r}")
        if self.correction == "hypothesis" and not self.hypothesis:
            raise ValueError(f"{self.id}: a 'hypothesis' correction must name the hypothesis")
        if self.corrected is not None and not self.corrected_statement:
            raise ValueError(f"{self.id}: a corrected form needs its corrected_statement")


@dataclass
class Outcome:
    """The verdict on one claim, with the comparisons it rests on.

    ``error`` is set (the exception and its traceback) when the check itself raised: that is
    an internal error of the package, reported as such (``proofs-check`` exits 3), never a
    verdict.
    """

    claim: Claim
    verdict: str
    strength: str
    printed: Comparison | None
    corrected: Comparison | None
    seconds: float
    note: str = ""
    error: str | None = None

    @property
    def main(self) -> Comparison | None:
        """The comparison behind the verdict (the corrected one when only it agrees)."""
        if self.verdict in CORRECTIONS.values():
            return self.corrected
        return self.printed


REGISTRY: dict[str, Claim] = {}


def register(c: Claim) -> Claim:
    """Add a claim; refuses a duplicate id."""
    if c.id in REGISTRY:
        raise ValueError(f"duplicate claim id {c.id!r} (already from {REGISTRY[c.id].source})")
    REGISTRY[c.id] = c
    return c


def claim(**kwargs: Any) -> Claim:
    """Build and register a :class:`Claim` (keyword arguments as its fields)."""
    return register(Claim(**kwargs))


def _load() -> None:
    from proofs_check import claims  # noqa: F401  (imports every claims module, which register)


def all_claims() -> list[Claim]:
    """Every registered claim, in registration order (the paper's order: §1 → §4, poster,
    Chizat–Bach; see :mod:`proofs_check.claims`).
    """
    _load()
    return list(REGISTRY.values())


def get(cid: str) -> Claim:
    """The claim with id ``cid``; a bad id gets the list of valid ones."""
    _load()
    if cid not in REGISTRY:
        valid = ", ".join(sorted(REGISTRY))
        raise KeyError(f"unknown claim id {cid!r}; valid ids: {valid}")
    return REGISTRY[cid]


def decide(printed: Comparison, corrected: Comparison | None,
           correction: str = "formula") -> tuple[str, str, str]:
    """(verdict, strength, note) from the comparison(s) and the kind of correction."""
    if printed.agrees:
        verdict = "holds" if printed.kind == "identity" else "holds asymptotically"
        return verdict, printed.strength, ""
    if corrected is not None and corrected.agrees:
        verdict = CORRECTIONS[correction]
        what = {"erratum": "the printed formula disagrees with the evidence; the corrected form "
                           "agrees",
                "missing hypothesis": "the printed statement fails without the added hypothesis; "
                                      "with it, the same evidence agrees",
                "informal": "the informal statement fails in general; the precise statement "
                            "agrees"}[verdict]
        return verdict, weakest(printed.strength, corrected.strength), what
    if corrected is not None:
        return ("inconclusive", "numerical",
                "neither the printed nor the corrected form agrees with the evidence")
    return ("inconclusive", "numerical",
            "the printed form disagrees with the evidence and no corrected form is verified")


def run_claim(c: Claim, ctx: Context, *, printed: Callable | None = None,
              corrected: Callable | None = None, data: Any = None) -> Outcome:
    """Compute the evidence (unless ``data`` is given) and decide the verdict.

    ``printed``/``corrected`` override the claim's formulas (used by the self-test). An exception
    inside the check is caught and returned as :attr:`Outcome.error` (verdict ``"error"``).
    """
    t0 = time.perf_counter()
    try:
        if data is None:
            data = c.evidence(ctx)
        p = c.compare(printed or c.printed, data, ctx)
        corr_f = corrected or c.corrected
        q = c.compare(corr_f, data, ctx) if (corr_f is not None and not p.agrees) else None
        verdict, strength, note = decide(p, q, c.correction)
    except Exception as exc:  # an internal error is reported as one, never as a verdict
        return Outcome(c, "error", "numerical", None, None, time.perf_counter() - t0,
                       note=f"check raised {type(exc).__name__}: {exc}",
                       error="".join(traceback.format_exception(exc)))
    return Outcome(c, verdict, strength, p, q, time.perf_counter() - t0, note=note)

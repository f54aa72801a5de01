r"""Acceptance rules: how a formula is held against evidence, with a designed false-flip rate.

Every rule here is stated in terms of the evidence's own uncertainty, never in terms of a
constant tuned on one seed:

* **exact evidence** (symbolic identities, exact rationals, enclosures) — :func:`symbolic`,
  :func:`values` (with the tolerance the caller derives from the precision of the evidence);
* **random evidence** (draws of W, Monte Carlo) — a mean and its standard error, and a two-sided
  Student-t test at level ``alpha`` (Bonferroni-split over the tests of one claim) allowing a
  stated deterministic finite-d bias: :func:`asymptotic`, :func:`within`, :func:`one_sided`;
* **rates** — :func:`rate_fit`: the slope of log|error| against log d with a confidence
  interval from the propagated standard errors (CLT), used one-sidedly: a claim is rejected when
  its error is *significantly* not falling.

:data:`ALPHA_CLAIM` is the designed probability that a correct claim is rejected by chance
(a *false flip*); a claim that runs m independent tests splits it (``alpha / m``). With ≈ 50
claims the whole run's false-flip probability is then ≤ 50 · 1e-4 = 5e-3. The Gaussian tail
of a mean of k draws is replaced by Student's t with k − 1 degrees of freedom (exact for Gaussian
draws; for the bounded, light-tailed risks here it is conservative in practice — measured by the
seed sweep of ``benchmarks/bench_seeds.py``).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from statistics import NormalDist

import mpmath
import numpy as np
import sympy as sp

from proofs_check.registry import Comparison

__all__ = [
    "ALPHA_CLAIM", "RateFit", "asymptotic", "mean_se", "one_sided", "rate_fit", "symbolic",
    "t_quantile", "values", "within", "z_quantile",
]

#: Designed false-flip probability of one claim (a correct formula rejected by chance).
ALPHA_CLAIM = 1e-4


def z_quantile(alpha: float) -> float:
    """The upper ``alpha`` quantile of N(0, 1): P(Z > z) = alpha."""
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must lie in (0, 1); got {alpha}")
    return NormalDist().inv_cdf(1.0 - alpha)


@functools.lru_cache(maxsize=4096)
def t_quantile(alpha: float, dof: int) -> float:
    """The upper ``alpha`` quantile of Student's t with ``dof`` degrees of freedom
    (``dof = 0`` or ∞: the normal quantile). Computed by bisection on mpmath's regularised
    incomplete beta function (30 digits; returned as a float).
    """
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must lie in (0, 1); got {alpha}")
    if dof <= 0 or dof == math.inf:
        return z_quantile(alpha)
    with mpmath.workdps(30):
        nu = mpmath.mpf(dof)

        def upper_tail(t: mpmath.mpf) -> mpmath.mpf:
            # P(T > t) = I_{ν/(ν+t²)}(ν/2, 1/2) / 2 for t ≥ 0
            return mpmath.betainc(nu / 2, mpmath.mpf(1) / 2, 0, nu / (nu + t * t),
                                  regularized=True) / 2

        lo, hi = mpmath.mpf(0), mpmath.mpf(1)
        while upper_tail(hi) > alpha:
            hi *= 2
        for _ in range(200):
            mid = (lo + hi) / 2
            if upper_tail(mid) > alpha:
                lo = mid
            else:
                hi = mid
            if hi - lo < mpmath.mpf(10) ** -12 * hi:
                break
        return float(hi)


def mean_se(draws: Sequence[float] | np.ndarray) -> tuple[float, float, int]:
    """(mean, standard error of the mean, number of draws); se = 0 for a single draw."""
    v = np.asarray(draws, dtype=float).ravel()
    k = int(v.size)
    if k == 0:
        raise ValueError("no draws")
    m = float(np.mean(v))
    se = float(np.std(v, ddof=1) / math.sqrt(k)) if k > 1 else 0.0
    return m, se, k


def _quantile(alpha: float, k: int) -> float:
    """Two-sided critical value for a mean of k draws at level alpha (t with k − 1 dof)."""
    return t_quantile(alpha / 2, k - 1) if k > 1 else 0.0


# --------------------------------------------------------------------------------------------
# exact evidence
# --------------------------------------------------------------------------------------------

def values(formula_values, evidence_values, *, rtol: float, atol: float = 0.0,
           rows: list[dict] | None = None, note: str = "", strength: str = "numerical",
           strength_note: str = "") -> Comparison:
    """Exact (``identity``) agreement of numbers: |f − e| ≤ atol + rtol·|e| for every entry.

    The tolerance must be justified by the caller from the precision of the evidence (float64
    round-off of an exact finite-d computation, the working precision of an mpmath evaluation,
    the radius of an enclosure). ``strength`` is ``"certified"`` only when the evidence values
    are exact or rigorously enclosed and the tolerance is the enclosure's radius.
    """
    f = np.asarray(formula_values, dtype=float).ravel()
    e = np.asarray(evidence_values, dtype=float).ravel()
    crit = {"shapes_match": f.shape == e.shape}
    if not crit["shapes_match"]:
        return Comparison(False, "identity", math.inf, None, rows or [], "shape mismatch",
                          criteria=crit)
    crit["finite"] = bool(np.all(np.isfinite(f)) and np.all(np.isfinite(e)))
    if not crit["finite"]:
        return Comparison(False, "identity", math.inf, None, rows or [], "non-finite value",
                          criteria=crit)
    err = np.abs(f - e)
    crit["within_tolerance"] = bool(np.all(err <= atol + rtol * np.abs(e)))
    return Comparison(all(crit.values()), "identity", float(np.max(err)) if err.size else 0.0,
                      None, rows or [], note, strength=strength, strength_note=strength_note,
                      criteria=crit, stats={"rtol": rtol, "atol": atol})


def symbolic(formula_expr, derived_expr, *, note: str = "", rows: list[dict] | None = None,
             strength_note: str = "SymPy: the difference simplifies to 0 exactly",
             proof: dict[str, str] | None = None) -> Comparison:
    """Exact symbolic identity: ``simplify(formula − derived) == 0`` (decided by SymPy).

    Strength ``proved`` when it holds (the derivation is symbolic for all values of its
    symbols); a disagreement is also exact.
    """
    diff = sp.simplify(sp.expand(sp.sympify(formula_expr) - sp.sympify(derived_expr)))
    ok = bool(diff == 0)
    table = rows or [{"printed": sp.sstr(formula_expr), "derived": sp.sstr(derived_expr),
                      "difference": sp.sstr(diff)}]
    return Comparison(ok, "identity", 0.0 if ok else None, None, table, note, strength="proved",
                      strength_note=strength_note, criteria={"difference_is_zero": ok},
                      proof=proof)


# --------------------------------------------------------------------------------------------
# random evidence
# --------------------------------------------------------------------------------------------

def within(draws, target: float, *, bias: float = 0.0, alpha: float = ALPHA_CLAIM) -> dict:
    """Two-sided test that the mean of ``draws`` equals ``target`` up to a deterministic
    ``bias`` (|mean − target| ≤ bias + q·se, q the t quantile at level alpha). Returns the
    statistics (``ok``, ``mean``, ``se``, ``k``, ``q``, ``excess``).
    """
    m, se, k = mean_se(draws)
    q = _quantile(alpha, k)
    excess = abs(m - target) - bias - q * se
    return {"ok": bool(excess <= 0 and math.isfinite(m)), "mean": m, "se": se, "k": k, "q": q,
            "excess": excess}


def one_sided(draws, bound: float, *, alpha: float = ALPHA_CLAIM, slack: float = 0.0) -> dict:
    """One-sided test of ``mean(draws) ≤ bound`` (rejected only if the mean exceeds the bound by
    more than ``slack + q·se``, q the upper t quantile at level alpha).
    """
    m, se, k = mean_se(draws)
    q = t_quantile(alpha, k - 1) if k > 1 else 0.0
    excess = m - bound - slack - q * se
    return {"ok": bool(excess <= 0 and math.isfinite(m)), "mean": m, "se": se, "k": k, "q": q,
            "excess": excess}


@dataclass(frozen=True)
class RateFit:
    """Slope γ in |error| ∝ d^(−γ), with a two-sided confidence interval [lo, hi].

    ``resolved`` is the number of points whose mean error exceeds three standard errors (only
    those enter the fit); with fewer than 3 the fit is not informative (``rate`` is None).
    """

    rate: float | None
    lo: float | None
    hi: float | None
    resolved: int


def rate_fit(ds, errors, se=None, *, alpha: float = ALPHA_CLAIM) -> RateFit:
    """Weighted least-squares slope of log|error| against log d, with a CI at level alpha.

    ``se`` are the standard errors of the errors (CLT); the variance of log|e| is then
    (se/|e|)² by the delta method, and the slope's standard error follows. For exact errors
    (``se`` None or 0) the CI is the point estimate itself.
    """
    d = np.asarray(ds, dtype=float)
    e = np.abs(np.asarray(errors, dtype=float))
    s = np.zeros_like(e) if se is None else np.asarray(se, dtype=float)
    keep = (e > 3.0 * s) & (e > 0)
    if int(np.sum(keep)) < 3:
        return RateFit(None, None, None, int(np.sum(keep)))
    x, y = np.log(d[keep]), np.log(e[keep])
    sig = s[keep] / e[keep]
    if np.all(sig == 0):
        slope = float(np.polyfit(x, y, 1)[0])
        return RateFit(-slope, -slope, -slope, int(np.sum(keep)))
    w = 1.0 / np.maximum(sig, 1e-12) ** 2
    xm = float(np.sum(w * x) / np.sum(w))
    ym = float(np.sum(w * y) / np.sum(w))
    sxx = float(np.sum(w * (x - xm) ** 2))
    slope = float(np.sum(w * (x - xm) * (y - ym)) / sxx)
    half = z_quantile(alpha / 2) / math.sqrt(sxx)
    return RateFit(-slope, -slope - half, -slope + half, int(np.sum(keep)))


def asymptotic(ds: Sequence[int], exact_by_d, formula_by_d, *, bias: Callable[[float], float],
               bias_note: str, rate_min: float = 0.5, alpha: float = ALPHA_CLAIM,
               exact_tol: float = 1e-12, note: str = "", strength: str = "numerical",
               strength_note: str = "exact finite-d values in float64",
               extra_rows: list[dict] | None = None) -> Comparison:
    r"""Asymptotic agreement of exact finite-d evidence with a formula's limit.

    Per d, the signed errors of the draws e = exact − formula give a mean m(d) and a standard
    error se(d). Two criteria, each a test at level alpha/2 (Bonferroni over the d's inside):

    ``within_bias``
        |m(d)| ≤ bias(d) + q·se(d) at every d: the discrepancy is explained by the stated
        finite-d bias (the size of the o(1) term, derived or measured with its rate, stated in
        ``bias_note``) plus noise. This is what rejects a wrong limit at the largest d.
    ``converging``
        the error is not *significantly* flatter than d^(−rate_min): the upper confidence bound
        of the fitted rate (:func:`rate_fit`) is ≥ ``rate_min``, or fewer than three points are
        resolved above noise. This rejects a wrong limit that stays inside a generous bias
        bound but stops falling.

    All errors ≤ ``exact_tol`` at every d: an exact finite-d identity (kind ``identity``).
    """
    rows: list[dict] = []
    ms: list[float] = []
    ses: list[float] = []
    for d, ex, fo in zip(ds, exact_by_d, formula_by_d):
        ex = np.asarray(ex, dtype=float).ravel()
        fo = np.broadcast_to(np.asarray(fo, dtype=float), ex.shape)
        if not (np.all(np.isfinite(ex)) and np.all(np.isfinite(fo))):
            return Comparison(False, "asymptotic", math.inf, None, rows, "non-finite value",
                              criteria={"finite": False})
        m, se, k = mean_se(ex - fo)
        ms.append(m)
        ses.append(se)
        rows.append({"d": int(d), "draws": k, "exact_mean": float(np.mean(ex)),
                     "formula": float(np.mean(fo)), "error_mean": m, "error_se": se,
                     "bias_bound": float(bias(d))})
    rows += extra_rows or []
    labels = {"exact_mean": "exact (mean)", "error_mean": "error (mean)",
              "error_se": "s.e.", "bias_bound": "bias bound"}
    absm = np.abs(ms)
    if float(np.max(absm)) <= exact_tol:
        return Comparison(True, "identity", float(np.max(absm)), None, rows,
                          (note + " " if note else "") + "agrees to round-off at every d",
                          strength=strength, strength_note=strength_note,
                          criteria={"exact_at_every_d": True}, labels=labels)
    n = len(ds)
    a_each = alpha / (2 * n)
    tests = [within(np.asarray(exact_by_d[i], float).ravel()
                    - np.asarray(formula_by_d[i], float).ravel(), 0.0,
                    bias=float(bias(ds[i])), alpha=a_each) for i in range(n)]
    within_ok = all(t["ok"] for t in tests)
    fit = rate_fit(ds, absm, ses, alpha=alpha / 2)
    converging = fit.rate is None or (fit.hi is not None and fit.hi >= rate_min)
    crit = {"within_bias": within_ok, "converging": bool(converging)}
    why = []
    if not within_ok:
        bad = [f"d={ds[i]}: |error| {abs(ms[i]):.3g} > bias {bias(ds[i]):.3g} + "
               f"{tests[i]['q']:.2f}·s.e. {ses[i]:.2g}" for i in range(n) if not tests[i]["ok"]]
        why.append("error not explained by the finite-d bias and noise (" + "; ".join(bad) + ")")
    if not converging:
        why.append(f"error not falling: rate {fit.rate:.2f} with CI [{fit.lo:.2f}, {fit.hi:.2f}] "
                   f"below {rate_min}")
    stats = {"alpha": alpha, "rate_min": rate_min, "bias_note": bias_note,
             "resolved_points": fit.resolved, "q": [t["q"] for t in tests]}
    return Comparison(within_ok and bool(converging), "asymptotic", float(absm[-1]), fit.rate,
                      rows, "; ".join(x for x in [note, *why] if x), strength=strength,
                      strength_note=strength_note,
                      rate_ci=None if fit.lo is None or fit.hi is None else (float(fit.lo), float(fit.hi)),
                      criteria=crit, stats=stats, labels=labels)

r"""``proofs-check --audit``: the checker checks itself, in the same run, on the user's machine.

A verdict is only as good as the rule that produced it. A rule loosened by a slip (a threshold
×10, a quantile at the wrong level, a standard error without its Bessel correction) still says
"holds" for a correct formula, so the verdicts alone cannot show it; nor can they show an
interval arithmetic that rounds the wrong way by one unit in the last place. The audit adds
three pieces of evidence about the checker, each able to fail:

* **graded self-test** (:func:`self_test`), per claim run: the claim's own wrong variants
  (relative ±5 % / ±2 %, changed constants, O(1/d) slips, listed in the claim and by
  :mod:`proofs_check.evidence.mutants`) are held against **the same evidence** and must all be
  rejected — the power of that verdict's rule, shown rather than asserted;
* **calibration of the statistical rules** (:func:`calibrate_rules`): quantiles against
  tabulated values; the verdicts' level (the rules' default α, and the t tail at it by
  quadrature of the t density); the false-rejection rate of
  :func:`~proofs_check.evidence.decisions.within` and
  :func:`~proofs_check.evidence.decisions.one_sided` at 5 % by simulation (40000 seeded trials,
  ±4 binomial standard deviations = ±0.44 %); and each acceptance rule rejecting a known-wrong
  input while accepting a known-right one;
* **the certified ψ's interval arithmetic** (:func:`lazysym.objects.fixed_point.audit_arithmetic`):
  every outward-rounded primitive against exact rationals on adversarial inputs.

All of it is deterministic (fixed seeds): a failure is a defect of this build, never chance
(a correct rule leaves the simulation's ±4σ band with probability ≈ 6e-5 per test, ≈ 1.3e-4
for the two, and the seed is fixed, so the outcome is reproducible). The self-test costs about
as much as the claims' own comparisons (≈ 40 s CPU for all 47 claims, measured), which is why
it is not in the default run.
"""

from __future__ import annotations

import math
from dataclasses import asdict
from typing import Any

import numpy as np
import sympy as sp

from lazysym.objects.fixed_point import AuditCheck, audit_arithmetic
from proofs_check.evidence import decisions as D
from proofs_check.evidence.mutants import mutants_of
from proofs_check.registry import CORRECTIONS, Claim, Context, Outcome

__all__ = ["self_test", "calibrate_rules", "platform_audit"]


def self_test(c: Claim, out: Outcome, data: Any, ctx: Context) -> dict[str, Any]:
    """The graded self-test of one claim on the evidence ``data`` its verdict ``out`` used.

    The form that decided the verdict (the corrected one for an erratum or a missing hypothesis,
    else the printed one) is replaced by each of its declared mutants (except those the claim
    lists in ``tolerated``, with their measured detection thresholds); every one must be rejected.
    Returns ``{"form", "total", "rejected", "accepted"}`` (``accepted``: the names that passed,
    or raised). For an ``inconclusive`` or ``error`` verdict no form agrees: ``form`` is
    ``"none"`` and nothing is run.
    """
    if out.verdict in ("inconclusive", "error"):    # no form agrees: nothing to show the power of
        return {"form": "none", "total": 0, "rejected": 0, "accepted": []}
    form = "corrected" if out.verdict in CORRECTIONS.values() else "printed"
    accepted: list[str] = []
    total = 0
    for m in mutants_of(c, form):
        if m.name in c.tolerated:
            continue
        total += 1
        try:
            agrees = c.compare(m.formula, data, ctx).agrees
        except Exception as exc:  # a variant the rule cannot even evaluate is not a rejection
            accepted.append(f"{m.name} (raised {type(exc).__name__}: {exc})")
            continue
        if agrees:
            accepted.append(m.name)
    return {"form": form, "total": total, "rejected": total - len(accepted), "accepted": accepted}


def _binomial_ok(rejections: int, n: int, alpha: float) -> bool:
    return abs(rejections / n - alpha) < 4.0 * math.sqrt(alpha * (1 - alpha) / n)


def calibrate_rules(seed: int = 12) -> list[AuditCheck]:
    """Each statistical and exact acceptance rule of :mod:`proofs_check.evidence.decisions` on
    inputs whose right answer is known (seeded, deterministic).
    """
    out: list[AuditCheck] = []

    # quantiles: N(0,1) 97.5 % = 1.959963985; Student t 97.5 % (10 dof) = 2.228138852,
    # 99.5 % (3 dof) = 5.840909309 (tables)
    q = [(D.z_quantile(0.025), 1.959963985), (D.t_quantile(0.025, 10), 2.228138852),
         (D.t_quantile(0.005, 3), 5.840909309)]
    bad = sum(abs(a - b) > 1e-8 for a, b in q)
    out.append(AuditCheck("quantiles against tables", bad == 0, len(q), f"{bad} off"))

    # the level the verdicts use: within/one_sided default to ALPHA_CLAIM, and the t quantile at
    # that level has P(T > q) = level, by quadrature of the t density (independent of the
    # incomplete-beta bisection inside t_quantile)
    import inspect

    import mpmath

    defaults = [inspect.signature(f).parameters["alpha"].default for f in (D.within, D.one_sided)]
    bad = sum(a != D.ALPHA_CLAIM for a in defaults)
    for level, dof in ((D.ALPHA_CLAIM / 2, 1), (D.ALPHA_CLAIM / 2, 7), (D.ALPHA_CLAIM / 10, 4),
                       (D.ALPHA_CLAIM, 20)):
        qv = D.t_quantile(level, dof)
        with mpmath.workdps(30):
            nu = mpmath.mpf(dof)
            c0 = mpmath.gamma((nu + 1) / 2) / (mpmath.sqrt(nu * mpmath.pi) * mpmath.gamma(nu / 2))

            def density(t, c0=c0, nu=nu):
                return c0 * (1 + t * t / nu) ** (-(nu + 1) / 2)

            tail = mpmath.quad(density, [qv, 10 * qv, mpmath.inf])
        bad += not abs(float(tail) / level - 1) < 1e-6
    out.append(AuditCheck(f"the verdicts' level α = {D.ALPHA_CLAIM:g}: defaults and t tails",
                          bad == 0, 6, f"{bad} wrong"))

    # false rejections at a level simulation can resolve: 40000 tests at 5 %, k = 5 Gaussian
    # draws, ±4 binomial s.d. = ±0.44 % (a standard error without Bessel's correction gives
    # 6.4–6.9 %, a t quantile on k instead of k − 1 d.o.f. 6.3 %: both outside, measured)
    rng = np.random.default_rng(seed)
    alpha, n = 0.05, 40000
    draws = rng.standard_normal((n, 5)) + 1.0
    rw = sum(not D.within(x, 1.0, alpha=alpha)["ok"] for x in draws)
    ro = sum(not D.one_sided(x, 1.0, alpha=alpha)["ok"] for x in draws)
    out.append(AuditCheck("false-rejection rate of within / one_sided at 5 %",
                          _binomial_ok(rw, n, alpha) and _binomial_ok(ro, n, alpha), 2 * n,
                          f"within {rw / n:.4f}, one_sided {ro / n:.4f} (5 % ± "
                          f"{4 * math.sqrt(alpha * (1 - alpha) / n):.4f})"))

    # power and stated bias: 10 % off with s.e. 0.0014 is rejected, explained by bias 0.11
    x = np.random.default_rng(seed + 1).standard_normal(50) * 0.01 + 1.1
    checks = [not D.within(x, 1.0)["ok"], D.within(x, 1.0, bias=0.11)["ok"],
              not D.one_sided(x, 1.0)["ok"], D.one_sided(x, 1.2)["ok"],
              not D.within([math.nan, 1.0], 1.0)["ok"]]
    out.append(AuditCheck("within / one_sided: a real shift rejected, a stated bias accepted",
                          all(checks), len(checks), f"{checks.count(False)} wrong"))

    # the asymptotic rule: limit accepted; 3 % off, a plateau, a small constant offset rejected
    ds = [50, 100, 200, 400, 800]
    r = np.random.default_rng(seed + 2)
    exact = [0.3 + 2.0 / d + 0.0005 * r.standard_normal(8) for d in ds]
    flat = [0.31 + 0.0005 * r.standard_normal(8) for _ in ds]

    def bias(d: float) -> float:
        return 3.0 / d

    good = D.asymptotic(ds, exact, [0.3] * 5, bias=bias, bias_note="3/d")
    off = D.asymptotic(ds, exact, [0.31] * 5, bias=bias, bias_note="3/d")
    pl = D.asymptotic(ds, flat, [0.3] * 5, bias=lambda d: 0.05, bias_note="0.05")
    same = D.asymptotic(ds, [np.full(3, 0.3)] * 5, [0.3] * 5, bias=bias, bias_note="3/d")
    small = D.asymptotic(ds, [np.full(3, 0.305)] * 5, [0.3] * 5, bias=lambda d: 1e-4,
                         bias_note="")
    checks = [good.agrees, not off.agrees, not pl.agrees and not pl.criteria["converging"],
              same.agrees and same.kind == "identity", not small.agrees]
    out.append(AuditCheck("asymptotic rule: the limit accepted, wrong limits rejected",
                          all(checks), len(checks), f"{checks.count(False)} wrong"))

    # rate fit: 2/d with 2 % noise gives an interval covering 1, narrower than 0.3
    dd = np.array(ds, dtype=float)
    err = 2.0 / dd * (1 + 0.02 * np.random.default_rng(seed + 3).standard_normal(dd.size))
    fit = D.rate_fit(dd, err, 0.02 * 2.0 / dd)
    ok = fit.lo is not None and fit.hi is not None and fit.lo <= 1.0 <= fit.hi \
        and fit.hi - fit.lo < 0.3
    out.append(AuditCheck("rate fit covers the true rate", bool(ok), 1,
                          f"[{fit.lo}, {fit.hi}]"))

    # exact rules
    s = sp.Symbol("s")
    checks = [D.values([1.0, 2.0], [1.0, 2.0 + 1e-15], rtol=1e-14).agrees,
              not D.values([1.0, 2.0], [1.0, 2.01], rtol=1e-3).agrees,
              not D.values([math.nan], [1.0], rtol=1).agrees,
              D.symbolic((s + 1) ** 2, s ** 2 + 2 * s + 1).agrees,
              not D.symbolic((s + 1) ** 2, s ** 2 + 1).agrees]
    out.append(AuditCheck("exact rules (values, symbolic)", all(checks), len(checks),
                          f"{checks.count(False)} wrong"))
    return out


def platform_audit() -> list[dict[str, Any]]:
    """:func:`calibrate_rules` and the ψ arithmetic audit, as JSON-ready dicts with a ``part``."""
    rows: list[dict[str, Any]] = []
    for part, fn in (("decision rules", calibrate_rules),
                     ("certified ψ arithmetic", audit_arithmetic)):
        try:
            rows += [{"part": part, **asdict(c)} for c in fn()]
        except Exception as exc:  # a crashing audit is a failed audit, not a lost report
            rows.append({"part": part, "name": "the audit itself", "ok": False, "cases": 0,
                         "detail": f"raised {type(exc).__name__}: {exc}"})
    return rows

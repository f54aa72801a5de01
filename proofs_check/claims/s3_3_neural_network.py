r"""§3.3 (Theorem 6), the NN row of eq. (17), and the Bayes-error remark of §3.

Evidence (never the formula under test):

* NN: the exact finite-d optimum :func:`lazysym.nn.nn_risk_mixture`,
  :math:`2/(2 + \sum_{i\le N\wedge d}\sigma_i^2/(1+\sigma_i^2))` — derived from the model's moments
  (proof in lazysym/nn.py) and checked against direct rank-constrained minimisation of the risk
  functional, :func:`lazysym.nn.nn_risk_mixture_numerical`, which the evidence also runs at the
  smallest d (the comparison fails if the two disagree).
* Bayes error: :func:`lazysym.nn.bayes_risk_mixture`, Monte Carlo of E[1 − tanh²(LLR/2)] with a
  CLT standard error.

Models: the §4 mixture (Σ = I, Δ diagonal with entries in {2, 1.5, 1}/√d) and a non-commuting pair
(Σ = I + GGᵀ/(2d)-type Wishart with bounded spectrum, Δ = ½·GOE/√d, ‖Δ‖_op ≈ 1/√d: M1, M2).
"""

from __future__ import annotations

import functools

import numpy as np

from lazysym.nn import bayes_risk_mixture, nn_risk_mixture, nn_risk_mixture_numerical
from lazysym.objects.models import GaussianMixture, paper_mixture
from proofs_check.registry import Comparison, Context, claim
from proofs_check.evidence.legacy import compare_asymptotic

RHOS = (0.1, 0.5, 1.0, 2.0)


def _general_mixture(d: int, rng) -> GaussianMixture:
    """Σ = I + GGᵀ/(2d) (G d×d/2: spectrum in [1, ~2.5], M1), Δ = ½·GOE(d)/√d (‖Δ‖_op ≈ 1/√d, M2)."""
    G = rng.standard_normal((d, max(1, d // 2)))
    Sigma = np.eye(d) + G @ G.T / (2 * d)
    A = rng.standard_normal((d, d))
    Delta = 0.5 * (A + A.T) / np.sqrt(2 * d) / np.sqrt(d)
    return GaussianMixture(Sigma, Delta)


def _models(d: int, ctx: Context, tag: str, *, general: bool):
    out = [("§4 mixture (Σ = I, diag Δ)", paper_mixture(d, ctx.rng(tag, "paper", d)))]
    if general:
        out.append(("Σ ≠ I, GOE Δ (non-commuting)", _general_mixture(d, ctx.rng(tag, "gen", d))))
    else:
        A = ctx.rng(tag, "goe", d).standard_normal((d, d))
        out.append(("Σ = I, GOE Δ (mixed signs)",
                    GaussianMixture(np.eye(d), 0.5 * (A + A.T) / np.sqrt(2 * d) / np.sqrt(d))))
    return out


@functools.lru_cache(maxsize=8)
def _nn_evidence(seed: int, thorough: bool, tag: str, general: bool, rhos: tuple) -> dict:
    ctx = Context(seed=seed, thorough=thorough)
    ds = ctx.pick([25, 50, 100, 200, 400], [25, 50, 100, 200, 400, 800])
    by_d, checks = [], []
    for j, d in enumerate(ds):
        rows = []
        for fam, m in _models(d, ctx, tag, general=general):
            for rho in rhos:
                N = max(1, int(round(rho * d)))
                exact = nn_risk_mixture(m, N)
                rows.append({"family": fam, "d": d, "N": N, "rho": rho, "Sigma": m.Sigma,
                             "Delta": m.Delta, "exact": exact})
                if j == 0 and rho <= 1.0:  # the proof's check: direct minimisation at the smallest d
                    num = nn_risk_mixture_numerical(m, N, rng=ctx.rng(tag, "num", fam, rho),
                                                    starts=4)
                    checks.append({"family": fam, "d": d, "N": N, "exact": exact,
                                   "numerical min": num})
        by_d.append(rows)
    return {"ds": ds, "cases": by_d, "checks": checks}


def _nn_data(ctx: Context, tag: str, general: bool, rhos=RHOS) -> dict:
    ctx.progress("exact NN risks for the mixture")
    return _nn_evidence(ctx.seed, ctx.thorough, tag, general, tuple(rhos))


# The numerical minimum (projected gradient to a step ≤ 1e-13, best of 4 random starts; a single
# start can stop at a higher fixed point of the rank projection, measured once: +3.8e-4) and the
# closed form agree to round-off (measured ≤ 2.3e-16); 1e-10 is far from any structural
# disagreement, and a start *below* the closed form would refute its proof.
_NUM_TOL = 1e-10
# Theorem 6 versus the exact optimum: the difference comes from σ²/(1+σ²) vs σ², i.e.
# O(Σσ⁴) = O(1/d) under M2. Measured mean |error| at d = 25 / 400: 1.4e-2 / 9.8e-4 (thm6, rate 0.97),
# 1.7e-2 / 1.0e-3 (ρ ≥ 1, rate 1.02), 1.4e-2 / 1.0e-3 (eq. (17), rate 0.96). max_final = 3e-3 is
# 3× the measured final error; the perturbation moves the values by ≥ 0.1.
_MAX_FINAL = 3e-3


def _compare_nn(formula, data, ctx, note):
    bad = [c for c in data["checks"] if abs(c["numerical min"] - c["exact"]) > _NUM_TOL]
    exact = [np.array([c["exact"] for c in rows]) for rows in data["cases"]]
    form = [np.array([float(formula(c["Sigma"], c["Delta"], c["N"])) for c in rows])
            for rows in data["cases"]]
    cmp = compare_asymptotic(data["ds"], exact, form, max_final=_MAX_FINAL, note=note)
    if bad:
        cmp.agrees = False
        cmp.note += f"; closed form ≠ numerical minimum in {len(bad)} case(s)"
    return cmp


def _singular_values_tilde(Sigma, Delta):
    ev, U = np.linalg.eigh(Sigma)
    isq = (U / np.sqrt(ev)) @ U.T
    return np.sort(np.abs(np.linalg.eigvalsh(isq @ Delta @ isq)))[::-1]


def thm6_printed(Sigma, Delta, N):
    r"""Theorem 6: :math:`2/(2 + \sum_{i=1}^{N\wedge d}\lambda_i(\tilde\Delta)^2)`, λᵢ the singular values
    of :math:`\tilde\Delta = \Sigma^{-1/2}\Delta\Sigma^{-1/2}` (descending).
    """
    s = _singular_values_tilde(Sigma, Delta)
    return 2.0 / (2.0 + float(np.sum(s[:min(N, s.size)] ** 2)))


def thm6_evidence(ctx):
    return _nn_data(ctx, "thm6", True)


def thm6_compare(formula, data, ctx):
    return _compare_nn(formula, data, ctx, "exact finite-d NN optimum vs Theorem 6")


claim(
    id="thm6",
    source="§3.3, Theorem 6",
    statement=r"R_{\mathrm{NN},N}(\mathbb{P}_{\Sigma,\Delta}) = \frac{2}{2 + \sum_{i=1}^{N\wedge d}"
              r"\lambda_i(\tilde\Delta)^2} + o_d(1)",
    method="exact finite-d optimum 2/(2 + Σ_{i≤N∧d} σᵢ²/(1+σᵢ²)) (σ singular values of Δ̃), checked "
           "against rank-constrained numerical minimisation at d = 25; d = 25..400, ρ ∈ {0.1, 0.5, 1, 2}, "
           "§4 mixture and a non-commuting Σ, Δ",
    printed=thm6_printed,
    evidence=thm6_evidence,
    compare=thm6_compare,
    note="Exact value has σ²/(1+σ²) in place of σ²: the o_d(1) is O(1/d) under M2.",
)


def thm6_rho_printed(Sigma, Delta, N):
    r"""Theorem 6, ρ ≥ 1 (for Σ = I): :math:`1/(1 + \|\tilde\Delta\|_F^2/2)`."""
    s = _singular_values_tilde(Sigma, Delta)
    return 1.0 / (1.0 + float(np.sum(s * s)) / 2.0)


def thm6_rho_evidence(ctx):
    return _nn_data(ctx, "thm6.rho", False, rhos=(1.0, 2.0, 10.0))


def thm6_rho_compare(formula, data, ctx):
    return _compare_nn(formula, data, ctx, "exact NN optimum at N ≥ d vs 1/(1 + ‖Δ̃‖²_F/2)")


claim(
    id="thm6.rho_ge_1",
    source="§3.3, Theorem 6 (case ρ ≥ 1)",
    statement=r"R_{\mathrm{NN},N}(\mathbb{P}_{\mathbf I,\Delta}) = \frac{1}{1 + \|\tilde\Delta\|_F^2/2} + o_d(1)",
    method="exact finite-d optimum at N ∈ {d, 2d, 10d}, Σ = I, §4 Δ and a GOE Δ, d = 25..400",
    printed=thm6_rho_printed,
    evidence=thm6_rho_evidence,
    compare=thm6_rho_compare,
)


def eq17_printed(Sigma, Delta, N):
    r"""Eq. (17), M = NN (Σ = I): :math:`1/(1 + \sum_{i=1}^{N\wedge d}\lambda_i(\Delta)^2/2)`, λᵢ(Δ) read
    as in Theorem 6 (singular values, descending).
    """
    s = np.sort(np.abs(np.linalg.eigvalsh(Delta)))[::-1]
    return 1.0 / (1.0 + float(np.sum(s[:min(N, s.size)] ** 2)) / 2.0)


def eq17_evidence(ctx):
    return _nn_data(ctx, "eq17.nn", False, rhos=(0.1, 0.25, 0.5, 1.0, 2.0, 10.0))


def eq17_compare(formula, data, ctx):
    return _compare_nn(formula, data, ctx, "exact NN optimum vs eq. (17) NN row (Σ = I)")


claim(
    id="eq17.nn",
    source="§3.3, eq. (17), row M = NN",
    statement=r"R_{\mathrm{NN},N}(\mathbb{P}_{\mathbf I,\Delta}) \approx \frac{1}{1 + \sum_{i=1}^{N\wedge d}"
              r"\lambda_i(\Delta)^2/2}",
    method="exact finite-d optimum, Σ = I, §4 Δ and a mixed-sign GOE Δ, d = 25..400, ρ from 0.1 to 10",
    printed=eq17_printed,
    evidence=eq17_evidence,
    compare=eq17_compare,
    note="λᵢ(Δ) are taken as Theorem 6 defines them (singular values); for the §4 Δ (positive "
         "diagonal) eigenvalues and singular values coincide.",
)

# ------------------------------------------------------------------------------------------------
# the Bayes error is not reached
# ------------------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=2)
def _bayes_evidence(seed: int, thorough: bool) -> dict:
    ctx = Context(seed=seed, thorough=thorough)
    ds = ctx.pick([50, 100, 200, 400], [50, 100, 200, 400, 800])
    n = ctx.pick(40_000, 200_000)
    rows = []
    for d in ds:
        m = paper_mixture(d, ctx.rng("bayes", "model", d))
        est = bayes_risk_mixture(m, n=n, rng=ctx.rng("bayes", "mc", d))
        # N ≥ d: the NN class is every quadratic form (the NT class too, for W of rank d), so this
        # is the smallest risk NN or NT reach at any width N
        r_nn = nn_risk_mixture(m, d)
        rows.append({"d": d, "R_NN (N ≥ d, exact)": r_nn, "Bayes MMSE (MC)": est.value,
                     "MC s.e.": est.stderr, "n": n, "gap": r_nn - est.value,
                     "gap / s.e.": (r_nn - est.value) / est.stderr})
    return {"rows": rows}


def bayes_evidence(ctx):
    ctx.progress("Monte Carlo Bayes error")
    return _bayes_evidence(ctx.seed, ctx.thorough)


def bayes_printed() -> bool:
    """§3: "the Bayes error (MMSE) is not achieved even for very wide networks N/d ≫ 1 either by NT
    or NN" — True means: not achieved.
    """
    return True


# A gap is "observed" when it exceeds 5 CLT standard errors at every d (a two-sided 5σ event has
# probability 6e-7 per d if the true gap were 0) and does not shrink: the gap at the largest d is at
# least half the gap at the smallest (measured with n = 40000: gap 0.089, 0.077, 0.069, 0.070 at
# d = 50, 100, 200, 400, s.e. ≈ 1.7e-3, i.e. 41–53 s.e.).
_Z = 5.0


def bayes_compare(formula, data, ctx) -> Comparison:
    rows = data["rows"]
    significant = all(r["gap"] > _Z * r["MC s.e."] for r in rows)
    persistent = rows[-1]["gap"] >= 0.5 * rows[0]["gap"]
    observed = bool(significant and persistent)
    claimed = bool(formula())
    return Comparison(claimed == observed, "asymptotic", None, None, rows,
                      f"gap > {_Z:g} s.e. at every d: {significant}; persists with d: {persistent}")


claim(
    id="sec3.bayes_not_reached",
    source="§3 (opening remarks) and §3.3 after eq. (17); poster",
    statement=r"\text{the Bayes error (MMSE) is not achieved even for } N/d \gg 1 \text{ by NT or NN}",
    method="exact NN risk at N ≥ d (the full quadratic class; NT's class is contained in it) vs the "
           "Bayes MMSE E[1 − tanh²(LLR/2)] by Monte Carlo (CLT s.e.), §4 mixture, d = 50..400",
    printed=bayes_printed,
    evidence=bayes_evidence,
    compare=bayes_compare,
)

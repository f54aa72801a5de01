r"""§1 eq. (6) and the NN row of eq. (13): NN versus NT on quadratic targets.

Evidence (exact at finite d, never the formula under test):

* NN, eq. (13): the numerical minimum of the closed-form L(W, c) from random starts, normalised
  by ‖f*‖² = ``target.norm2``. For eq. (6): :func:`lazysym.nn.nn_risk_quadratic` (Eckart–Young,
  whose value is the claim ``thm3.value``).
* NT: per draw of W, the exact risk 2‖P⊥BP⊥‖²_F (:func:`lazysym.compare.gaps.nt_minus_nn`), and the exact
  expectation over W ~ N(0, I/d) columns, :func:`lazysym.nt.nt_expected_risk_quadratic` (Haar
  moments of a random projection; owned and tested in tests/test_nt.py).
"""

from __future__ import annotations

import functools

import numpy as np

from lazysym.compare.gaps import exp_B, flat_B, nt_minus_nn, power_law_B, spiked_B
from lazysym.nn import nn_risk_quadratic
from lazysym.nt import nt_expected_risk_quadratic
from lazysym.objects.models import QuadraticTarget
from proofs_check.registry import Comparison, Context, claim
from proofs_check.evidence.legacy import compare_asymptotic, compare_values

# ------------------------------------------------------------------------------------------------
# eq. (13), NN row
# ------------------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=2)
def _eq13_evidence(seed: int, thorough: bool) -> dict:
    # The evidence is the numerical minimum of the closed-form L(W, c) over (W, c) from random
    # starts (saddle-free Newton, as for thm3.value), never the eigenvalue formula: evaluating L at
    # the Eckart–Young point would equal the printed value by construction.
    from proofs_check.claims.s2_3_neural_network import _saddle_free_newton
    ctx = Context(seed=seed, thorough=thorough)
    cases = []
    starts = ctx.pick(2, 4)
    for d in ctx.pick([4, 8, 12], [4, 8, 12, 16]):
        for fam in ("Exp(1) diag (§4, Fig. 1)", "random PSD, rank d/2"):
            rng = ctx.rng("eq13.nn", fam, d)
            if fam.startswith("Exp"):
                B = np.diag(rng.exponential(1.0, size=d))
            else:
                G = rng.standard_normal((d, max(1, d // 2)))
                B = G @ G.T / d
            target = QuadraticTarget(B)
            for N in sorted({1, max(1, d // 4), d // 2, d, 2 * d}):
                best = min((_saddle_free_newton(target, N, rng) for _ in range(starts)),
                           key=lambda r: r[0])
                cases.append({"family": fam, "d": d, "N": N, "B": target.B,
                              "exact R_NN/‖f*‖²": best[0] / target.norm2, "|grad|": best[1]})
    return {"cases": cases}


def eq13_evidence(ctx: Context) -> dict:
    ctx.progress("exact NN risks at the explicit minimiser")
    return _eq13_evidence(ctx.seed, ctx.thorough)


def eq13_printed(B: np.ndarray, N: int) -> float:
    r"""Eq. (13), M = NN: :math:`1 - \sum_{i=1}^{d\wedge N}\lambda_i(\mathbf B)^2/\|\mathbf B\|_F^2`."""
    lam = np.sort(np.linalg.eigvalsh(B))[::-1]
    d = B.shape[0]
    return 1.0 - float(np.sum(lam[:min(d, N)] ** 2)) / float(np.sum(B * B))


def eq13_compare(formula, data, ctx: Context) -> Comparison:
    f = [float(formula(c["B"], c["N"])) for c in data["cases"]]
    e = [c["exact R_NN/‖f*‖²"] for c in data["cases"]]
    rows = [{"family": c["family"], "d": c["d"], "N": c["N"], "exact": x, "formula": y}
            for c, x, y in zip(data["cases"], e, f)]
    # Tolerance: the saddle-free Newton minimum is accurate to ~1e-15 relative at a non-degenerate
    # minimum and to ≲ 1e-18·‖f*‖² where B has zero eigenvalues (quartic directions; see
    # thm3.value); atol = 1e-10 on the normalised values leaves many orders of margin and is far
    # below any real discrepancy (the perturbation moves values by ≥ 0.05).
    return compare_values(f, e, rtol=0.0, atol=1e-10, rows=rows,
                          note="exact at finite d for centred f*, B ⪰ 0 (‖f*‖² = 2‖B‖²_F)")


claim(
    id="eq13.nn",
    source="§2.3, eq. (13), row M = NN",
    statement=r"\frac{R_{\mathrm{NN},N}(f_*)}{\|f_*\|_{L_2}^2} \approx 1 - \frac{\sum_{i=1}^{d \wedge N} "
              r"\lambda_i(\mathbf{B})^2}{\|\mathbf{B}\|_F^2}",
    method="numerical minimum of the closed-form L(W, c) (saddle-free Newton from random starts), "
           "divided by ‖f*‖², Exp(1) diagonal and random rank-d/2 PSD B, d = 4..12, N = 1..2d",
    printed=eq13_printed,
    evidence=eq13_evidence,
    compare=eq13_compare,
    note="Holds exactly (not only ≈) for a centred target with B ⪰ 0.",
)

# ------------------------------------------------------------------------------------------------
# eq. (6)
# ------------------------------------------------------------------------------------------------

RHOS6 = (0.25, 0.5, 0.75)


def _families(d: int, ctx: Context):
    return [("B = I (flat)", flat_B(d)), ("spiked: rank d/5 projection", spiked_B(d, 0.2)),
            ("Exp(1) diag (§4)", exp_B(d, ctx.rng("eq6", "exp", d))),
            ("power law i^-1", power_law_B(d, 1.0))]


@functools.lru_cache(maxsize=2)
def _eq6_evidence(seed: int, thorough: bool) -> dict:
    ctx = Context(seed=seed, thorough=thorough)
    ds = ctx.pick([40, 80, 160, 320], [40, 80, 160, 320, 640])
    draws = ctx.pick(2, 5)
    by_d = []
    for d in ds:
        rows = []
        for fam, t in _families(d, ctx):
            for rho in RHOS6:
                N = int(round(rho * d))
                rng = ctx.rng("eq6", fam, d, rho)
                per_w = [nt_minus_nn(rng.standard_normal((d, N)) / np.sqrt(d), t) / t.norm2
                         for _ in range(draws)]
                e_gap = (nt_expected_risk_quadratic(t, N) - nn_risk_quadratic(t, N)) / t.norm2
                rows.append({"family": fam, "rho": rho, "d": d, "N": N, "eigs": t.eigenvalues,
                             "E_W gap": e_gap, "per-W gaps": np.array(per_w)})
        by_d.append(rows)
    return {"ds": ds, "cases": by_d}


def eq6_evidence(ctx: Context) -> dict:
    ctx.progress("exact NT (per W and E_W) and NN risks")
    return _eq6_evidence(ctx.seed, ctx.thorough)


def eq6_printed(eigs: np.ndarray, N: int) -> bool:
    r"""Eq. (6) as printed: a gap GAP(ρ) > 0, independent of N and d, exists
    (:math:`\inf_{\mathcal F_{NN,N}} \le R_{NT,N} - \mathrm{GAP}(\rho)`) — asserted for every B ⪰ 0.
    """
    return True


def eq6_corrected(eigs: np.ndarray, N: int) -> float:
    r"""Corrected eq. (6): the normalised gap is :math:`\ge 0` for every W, and tends to
    :math:`\mathrm{GAP}(\rho;B) = (1-\rho)_+^2(1-t) + (1-\rho)_+t - 2\sum_{i>N}\lambda_i^2/\|f_*\|^2`
    (Theorem 2 minus Theorem 3, :math:`t = \operatorname{Tr}(B)^2/(d\|B\|_F^2)`), which is 0 for B ∝ I.
    """
    lam = np.sort(np.asarray(eigs, float))[::-1]
    d = lam.size
    f2 = float(np.sum(lam * lam))
    t = float(np.sum(lam)) ** 2 / (d * f2)
    u = max(1.0 - N / d, 0.0)
    return u * u * (1.0 - t) + u * t - float(np.sum(lam[N:] ** 2)) / f2


# Sign tolerance for the per-W gaps: 2‖P⊥BP⊥‖² and 2Σλ² are sums of ≤ d² float64 terms of size
# ≤ ‖f*‖², so round-off is ≲ d·1e-16 relative; −1e-10 is far below any real negative gap.
_SIGN_TOL = 1e-10
# "Bounded away from zero": B = I gives gaps |·| ≤ 1e-15 (exactly 0 in exact arithmetic) at every
# W and d; every other family gives ≥ 0.05. 1e-6 separates the two by many orders of magnitude.
_POSITIVE = 1e-6
# Asymptotic tolerance for the corrected GAP: its error is Theorem 2's finite-d error, O(1/d)
# (Haar coefficients α, β minus their limits), measured as mean |error| 2.4e-3 at d = 40 and
# 3.6e-4 at d = 320 (fitted rate 0.91). max_final = 3e-3 is 8× the measured final value and still
# rejects an offset of 0.05.
_MAX_FINAL = 3e-3


def eq6_compare(formula, data, ctx: Context) -> Comparison:
    cases = [c for rows in data["cases"] for c in rows]
    signs_ok = all(float(np.min(c["per-W gaps"])) >= -_SIGN_TOL for c in cases)
    sample = formula(cases[0]["eigs"], cases[0]["N"])
    if isinstance(sample, (bool, np.bool_)):
        # the printed form: a positive gap for every family and ρ; evidence: the smallest gap
        # (per W and in expectation, over every d) of that family and ρ
        rows, ok = [], signs_ok
        keys = sorted({(c["family"], c["rho"]) for c in cases})
        for fam, rho in keys:
            sel = [c for c in cases if c["family"] == fam and c["rho"] == rho]
            smallest = min(min(float(np.min(c["per-W gaps"])), c["E_W gap"]) for c in sel)
            observed = smallest > _POSITIVE
            claimed = bool(formula(sel[-1]["eigs"], sel[-1]["N"]))
            ok = ok and (claimed == observed)
            rows.append({"family": fam, "rho": rho, "smallest normalised gap": smallest,
                         "positive gap observed": observed, "formula says": claimed})
        return Comparison(ok, "asymptotic", None, None, rows,
                          "B ∝ I has R_NT = R_NN exactly for every W: no GAP(ρ) > 0 for all B ⪰ 0")
    exact = [np.array([c["E_W gap"] for c in rows]) for rows in data["cases"]]
    form = [np.array([float(formula(c["eigs"], c["N"])) for c in rows]) for rows in data["cases"]]
    cmp = compare_asymptotic(data["ds"], exact, form, max_final=_MAX_FINAL,
                             note="E_W normalised gap vs Theorem 2 − Theorem 3")
    if not signs_ok:
        cmp.agrees = False
        cmp.note += "; a per-W gap was negative"
    return cmp


claim(
    id="eq6",
    correction="hypothesis",
    hypothesis="B not proportional to I (GAP depends on B and vanishes for B ∝ I)",
    source="§1.1, eq. (6)",
    statement=r"\lim_{t\to\infty}\lim_{\varepsilon\to 0} R_{\mathrm{NN},N}(f_*;\ell=t/\varepsilon,\varepsilon) "
              r"= \inf_{f\in\mathcal F_{\mathrm{NN},N}} \mathbb E\{(f(\mathbf x)-f_*(\mathbf x))^2\} "
              r"\le R_{\mathrm{NT},N}(f_*) - \mathrm{GAP}(\rho) \text{ for some } \mathrm{GAP}(\rho) > 0 "
              r"\text{ (independent of } N, d)",
    method="exact normalised R_NT − R_NN per W (2‖P⊥BP⊥‖² − 2Σ_{i>N}λ²) and in expectation over "
           "W (Haar moments), d = 40..320, ρ ∈ {1/4, 1/2, 3/4}, B ∈ {I, rank-d/5 projection, "
           "Exp(1) diag, i^-1 power law}",
    printed=eq6_printed,
    evidence=eq6_evidence,
    compare=eq6_compare,
    corrected=eq6_corrected,
    corrected_statement=r"\frac{R_{\mathrm{NN},N}}{\|f_*\|^2} \le \frac{R_{\mathrm{NT},N}(\mathbf W)}{\|f_*\|^2}"
                        r"\ \forall \mathbf W\ (\mathbf B\succeq 0),\quad "
                        r"\frac{\mathbb E R_{\mathrm{NT},N} - R_{\mathrm{NN},N}}{\|f_*\|^2} = "
                        r"(1-\rho)_+^2(1-t) + (1-\rho)_+ t - \frac{\sum_{i>N}\lambda_i(\mathbf B)^2}"
                        r"{\|\mathbf B\|_F^2} + o_d(1),\ t = \frac{\mathrm{Tr}(\mathbf B)^2}{d\|\mathbf B\|_F^2}"
                        r"\ \text{(}=0\text{ for } \mathbf B \propto \mathbf I\text{)}",
    note="The gap depends on B, not only on ρ: for B ∝ I, NT and NN coincide for every W "
         "(P⊥BP⊥ = βP⊥), so GAP = 0. The ordering R_NN ≤ R_NT holds for every W (Cauchy "
         "interlacing, lazysym.compare.gaps), not via F_NT ⊆ cl F_NN,2N.",
)

r"""The poster's statements on the fully trained network: its Theorem 3 box and its (mg) table.

* ``poster.thm3`` — "Take σ(x) = x². Then, as N, d → ∞ with N/d → ρ, ... R_NN,N(f*) = 2Σ_{i=N+1}^d
  λ_i(B)²" (setting: B ⪰ 0), read literally with the poster's F_NN,N (no offset), and corrected
  to the paper's §2.3 network (free offset c). Evidence: numerical minima of the population risk
  for both classes, with a rigorous lower bound for the class without offset.
* ``poster.mg_table`` — the poster's table R_M,N(P_{I,Δ}) for M ∈ {RF, NT, NN} (σ(u) = u² + c₀,
  wᵢ ~ N(0, I/d); the paper's eq. (17) fixes σ(u) = u² − 1). The RF row's "r̃(Δ)²" is an
  extraction artefact for tr(Δ)². Evidence, exact at finite d on the §4 mixture: RF by the exact
  least-squares solution over the features (⟨wᵢ,x⟩² − 1) (private :func:`_rf_risk_mixture`, moments
  by Isserlis), NT by :func:`lazysym.nt.nt_risk_mixture`, NN by :func:`lazysym.nn.nn_risk_mixture`.
"""

from __future__ import annotations

import functools
from fractions import Fraction

import mpmath
import numpy as np

from lazysym.compare.gaps import power_law_B
from lazysym.nn import eq17_nn_risk, nn_risk_mixture, nn_risk_quadratic, theorem3_value
from lazysym.nt import (
    eq17_nt_risk,
    haar_projection_moments,
    nt_expected_risk_quadratic,
    nt_risk_mixture,
    nt_risk_mixture_band,
)
from lazysym.nt.symbolic import SYMBOLS, theorem2_limit_chain
from lazysym.objects.models import GaussianMixture, QuadraticTarget, paper_mixture
from lazysym.rf.formulas import eq17_rf_risk, eq17_rf_risk_corrected
from proofs_check.evidence.decisions import ALPHA_CLAIM, asymptotic
from proofs_check.evidence.landscape import saddle_free_newton
from proofs_check.evidence.nn import sandwich_rule
from proofs_check.registry import Comparison, Context, Mutant, claim

# ------------------------------------------------------------------------------------------------
# Theorem 3 box
# ------------------------------------------------------------------------------------------------


_LITERAL = "poster's class (σ = x², F_NN,N without offset)"
_OFFSET = "with an offset (the paper's §2.3 c, or the poster's σ = u² + c₀, c₀ ≠ 0)"


def _literal_bounds(B: np.ndarray, N: int, rng, iters: int = 3000) -> tuple[Fraction, float]:
    r"""Bounds on :math:`\inf\{E(f_* - x^\top Sx)^2 : S = \sum_i a_iw_iw_i^\top,\ \operatorname{rank}
    S\le N\}` for the centred target, i.e. :math:`\min 2\|B-S\|_F^2 + (\operatorname{Tr}S)^2`.

    Lower bound (rigorous): the class is contained both in the class with an offset (Eckart–Young:
    :math:`2\sum_{i>N}\lambda_i^2`) and in all symmetric S (a convex problem, minimum
    :math:`\operatorname{Tr}(B)^2/(1 + d/2)`), so the infimum is at least the larger of the two.
    Upper bound: projected gradient (step 1/(4 + 2d), projection onto rank ≤ N by keeping the N
    largest |eigenvalues|) from the unconstrained optimum and from random starts.
    """
    d = B.shape[0]
    # exact rationals (B is diagonal here: its eigenvalues are its float64 entries, exactly)
    lam = sorted((Fraction(float(x)) for x in np.diag(B)), reverse=True)
    tr = sum(lam, Fraction(0))
    lower = max(2 * sum((x * x for x in lam[N:]), Fraction(0)), tr * tr / (1 + Fraction(d, 2)))

    def obj(S):
        return 2.0 * float(np.sum((B - S) ** 2)) + float(np.trace(S)) ** 2

    def project(S):
        ev, V = np.linalg.eigh((S + S.T) / 2)
        keep = np.argsort(-np.abs(ev))[:N]
        return (V[:, keep] * ev[keep]) @ V[:, keep].T

    S_free = B - np.trace(B) / (2.0 + d) * np.eye(d)
    best = np.inf
    for S in [project(S_free)] + [project(rng.standard_normal((d, d))) for _ in range(3)]:
        for _ in range(iters):
            S = project(S - (-4.0 * (B - S) + 2.0 * np.trace(S) * np.eye(d)) / (4.0 + 2.0 * d))
        best = min(best, obj(S))
    return lower, best


@functools.lru_cache(maxsize=2)
def _thm3_evidence(seed: int, thorough: bool) -> dict:
    # evidence for both classes by numerical minimisation, never the eigenvalue formula
    ctx = Context(seed=seed, thorough=thorough)
    cases = []
    for d in ctx.pick([4, 6, 8], [4, 6, 8, 10, 12]):
        rng = ctx.rng("poster.thm3", d)
        target = QuadraticTarget(np.diag(rng.exponential(1.0, size=d)))
        for N in sorted({1, d // 2, d - 1}):
            with_offset = min(saddle_free_newton(target, N, rng)[0] for _ in range(2))
            lo, hi = _literal_bounds(target.B, N, rng, iters=ctx.pick(1500, 4000))
            cases.append({"d": d, "N": N, "B": target.B, "norm2": target.norm2,
                          _OFFSET: with_offset, "literal: lower bound": lo,
                          "literal: best found": hi})
    return {"cases": cases}


def thm3_evidence(ctx: Context) -> dict:
    """Numerical minima with and without the offset, and the rigorous lower bound."""
    ctx.progress("minimising L with and without the offset")
    return _thm3_evidence(ctx.seed, ctx.thorough)


def thm3_printed(B: np.ndarray, N: int, dps: int = 30) -> dict:
    r"""Poster, Theorem 3 ("Take σ(x) = x²", the poster's F_NN,N has no offset):
    :math:`R_{NN,N}(f_*) = 2\sum_{i=N+1}^{d}\lambda_i(B)^2` for that class
    (:func:`lazysym.nn.theorem3_value` at ``dps``).
    """
    return {_LITERAL: theorem3_value(QuadraticTarget(B), N, dps=dps)}


def thm3_corrected(B: np.ndarray, N: int, dps: int = 30) -> dict:
    r"""The value holds for the network with an offset (the paper's §2.3)."""
    return {_OFFSET: theorem3_value(QuadraticTarget(B), N, dps=dps)}


def thm3_compare(formula, data, ctx: Context) -> Comparison:
    """Offset class: |value − numerical minimum| ≤ 1e-12‖f*‖² + 1e-9·value; literal class: the
    value must not lie below the exact rational lower bound (certified) nor above the best
    minimum found.
    """
    rows, ok = [], True
    for c in data["cases"]:
        claimed = formula(c["B"], c["N"], ctx.dps)
        row = {k: c[k] for k in ("d", "N", _OFFSET, "literal: lower bound", "literal: best found")}
        row["literal: lower bound"] = float(row["literal: lower bound"])
        for cls, val in claimed.items():
            if cls != _OFFSET:
                # certified: the mpf at dps against the exact rational lower bound
                lb = c["literal: lower bound"]
                with mpmath.workdps(ctx.dps + 10):
                    below = mpmath.mpf(val) < mpmath.mpf(lb.numerator) / lb.denominator \
                        - mpmath.mpf(10) ** (2 - ctx.dps)
            val = float(val)
            row[f"formula ({'literal' if cls == _LITERAL else 'offset'})"] = val
            if cls == _OFFSET:
                # numerical minimum accurate to ~1e-15 relative (see thm3.value): tolerance
                # 1e-12·‖f*‖² + 1e-9·value, far below the perturbation's +5 %
                ok &= abs(val - c[_OFFSET]) <= 1e-12 * c["norm2"] + 1e-9 * abs(c[_OFFSET])
            else:
                # a value below the rigorous lower bound refutes the claim for that class
                ok &= (not below) and \
                    val <= c["literal: best found"] * (1 + 1e-9) + 1e-12 * c["norm2"]
        rows.append(row)
    return Comparison(bool(ok), "identity", None, None, rows,
                      "literal class bracketed by a rigorous lower bound and a numerical minimum",
                      strength="certified" if not ok else "numerical",
                      strength_note="a disagreement is certified (printed value below an exact "
                                    "rational lower bound); agreement rests on numerical minima",
                      criteria={"bracketed": bool(ok)},
                      stats={"sizes": sorted({c["d"] for c in data["cases"]}),
                             "alpha": "0 (deterministic minimisation, no random decision)"})


claim(
    id="poster.thm3",
    source="poster, 'Fully-trained NN model', Theorem 3",
    statement=r"\text{Take } \sigma(x) = x^2 \ (F_{\mathrm{NN},N} = \{\textstyle\sum_i a_i\sigma(\langle "
              r"\mathbf w_i,\mathbf x\rangle)\}):\ R_{\mathrm{NN},N}(f_*) = "
              r"2\sum_{i=N+1}^{d}\lambda_i(\mathbf B)^2",
    method="numerical minima of the population risk with an offset (saddle-free Newton) and "
           "without (projected gradient on rank ≤ N, with a rigorous convex lower bound), "
           "Exp(1) diagonal B, d = 4..8",
    printed=thm3_printed,
    evidence=thm3_evidence,
    compare=thm3_compare,
    corrected=thm3_corrected,
    corrected_statement=r"R_{\mathrm{NN},N}(f_*) = 2\sum_{i=N+1}^{d}\lambda_i(\mathbf B)^2 \text{ for } "
                        r"\hat f = c + \sum_i \langle\mathbf w_i,\mathbf x\rangle^2 \text{ (paper §2.3) or } "
                        r"\sigma(u) = u^2 + c_0,\ c_0 \neq 0",
    note="Same reading as poster.nt_class: the poster's classes have no offset. For NN the "
         "poster's setting σ(u) = u² + c₀ (c₀ ≠ 0) supplies one (c₀Σaᵢ), but its Theorem 3 box "
         "takes σ(x) = x², and then a centred target cannot be fitted to the printed value "
         "(its constant −Tr B is out of reach); for NT, σ' = 2u gives no offset for any c₀.",
)

# ------------------------------------------------------------------------------------------------
# mg table
# ------------------------------------------------------------------------------------------------


def _rf_risk_mixture(W: np.ndarray, m: GaussianMixture) -> float:
    r"""Exact min_a E(y − Σ aᵢ((wᵢᵀx)² − 1))² (no offset, as eq. (2)): 1 − bᵀG⁻¹b with
    bᵢ = E[yφᵢ] = −wᵢᵀΔwᵢ and G = E[φφᵀ] = avg_y[2(WᵀC_yW)^{∘2} + m_y m_yᵀ], m_y = diag(WᵀC_yW) − 1.
    """
    b = -np.einsum("ij,ik,kj->j", W, m.Delta, W)
    G = np.zeros((W.shape[1], W.shape[1]))
    for y in (1.0, -1.0):
        K = W.T @ (m.Sigma - y * m.Delta) @ W
        mu = np.diag(K) - 1.0
        G += 0.5 * (2.0 * K * K + np.outer(mu, mu))
    coef = np.linalg.lstsq(G, b, rcond=None)[0]
    return 1.0 - float(b @ coef)


RHOS_T = (0.25, 0.5, 1.0, 2.0)
MG_SIZES = ([50, 100, 200, 400], [50, 100, 200, 400, 800])
MG_DRAWS = (4, 6)
#: RF row: |E_W exact RF risk − corrected limit| ≤ C_RF/d. No closed form for the RF error is
#: derived here; the constant is measured (benchmark-style script, seeds 0–9, default sizes): the
#: largest |mean over the 4 draws of the exact RF risk − the corrected row|·d over ρ was 0.81,
#: 0.78, 0.66, 0.81 at d = 50, 100, 200, 400 (median over all cases 0.27): flat in d, i.e. the
#: error falls like 1/d. C_RF = 3 is 3.7× the largest, while the printed row misses by 0.069 at
#: d = 400 (= 28/d).
C_RF = 3.0


@functools.lru_cache(maxsize=2)
def _mg_evidence(seed: int, thorough: bool) -> dict:
    ctx = Context(seed=seed, thorough=thorough)
    ds = ctx.pick(*MG_SIZES)
    draws = ctx.pick(*MG_DRAWS)
    chain = theorem2_limit_chain(offset=True)
    import sympy as sp
    err_fn = sp.lambdify((SYMBOLS["d"], SYMBOLS["rho"], SYMBOLS["r"]), chain["error_lt1"],
                         modules=[{}])
    cases = []
    for d in ds:
        m = paper_mixture(d, ctx.rng("poster.mg", "model", d))
        D = m.Delta
        sig = np.sort(np.abs(np.diag(D)))[::-1]
        tr = sum((Fraction(float(x)) for x in np.diag(D)), Fraction(0))
        f2 = sum((Fraction(float(x)) ** 2 for x in np.diag(D)), Fraction(0))
        for rho in RHOS_T:
            N = int(round(rho * d))
            rf, nt, width, s0 = [], [], [], []
            for k in range(draws):
                W = ctx.rng("poster.mg", "W", d, rho, k).standard_normal((d, N)) / np.sqrt(d)
                rf.append(_rf_risk_mixture(W, m))
                nt.append(nt_risk_mixture(W, m))
                band = nt_risk_mixture_band(W, m)
                width.append(band["upper"] - band["lower"])
                s0.append(band["s0"])
            if N < d:
                mo = haar_projection_moments(d, d - N)
                es0 = float((f2 - mo["alpha"] * tr * tr - mo["beta"] * f2) / 2)
                e_kappa = float(err_fn(d, Fraction(N, d), tr * tr / (d * f2)))
            else:
                es0, e_kappa = float(f2) / 2, 0.0
            nn = nn_risk_mixture(m, N)
            # derived deterministic parts of |exact − printed| per row (module docstrings of
            # proofs_check.evidence.nn and s3_2_neural_tangent): NN ½(b − a)R²; NT band width +
            # (κ − κ_d)‖Δ‖²/2 + the Jensen term ≤ Var s₀ (sample value)
            nt_bias = max(width) + e_kappa * float(f2) / 2 + float(np.var(np.array(s0) - es0))
            cases.append({"d": d, "N": N, "rho": Fraction(N, d), "Delta": D, "RF": rf, "NT": nt,
                          "NN": nn, "sigmas": sig,
                          "nt_bias": nt_bias})
    return {"ds": ds, "cases": cases, "draws": draws}


def mg_evidence(ctx: Context) -> dict:
    """Exact RF, NT (with bands) and NN risks on the §4 mixture (cached per seed)."""
    ctx.progress("exact RF, NT, NN risks on the §4 mixture")
    return _mg_evidence(ctx.seed, ctx.thorough)


def mg_printed(rho, Delta, N, dps=30) -> tuple:
    r"""The poster's table (r̃(Δ)² read as tr(Δ)²) = eq. (17):
    (:func:`lazysym.rf.formulas.eq17_rf_risk`, :func:`lazysym.nt.eq17_nt_risk`,
    :func:`lazysym.nn.eq17_nn_risk`).
    """
    return (eq17_rf_risk(Delta, rho, dps=dps), eq17_nt_risk(rho, Delta, dps=dps),
            eq17_nn_risk(Delta, N, dps=dps))


def mg_corrected(rho, Delta, N, dps=30) -> tuple:
    r"""Corrected RF row ρ/(1+ρ) in place of ρ/(1+2ρ) (what Theorem 4 gives for σ = x² − 1:
    :func:`lazysym.rf.formulas.eq17_rf_risk_corrected`); NT and NN rows as printed.
    """
    _, nt, nn = mg_printed(rho, Delta, N, dps)
    return (eq17_rf_risk_corrected(Delta, rho, dps=dps), nt, nn)


def mg_compare(formula, data, ctx: Context) -> Comparison:
    """Each row by :func:`proofs_check.evidence.decisions.asymptotic` at α = 1e-4/3 (Bonferroni
    over the three rows: designed false-flip probability ≤ 1e-4), with the stated bias bound:
    NN and NT derived per d (max over the cases at that d), RF measured (:data:`C_RF`).
    """
    parts, rows_all, crit = {}, [], {}
    by_d = {d: [c for c in data["cases"] if c["d"] == d] for d in data["ds"]}
    vals = {id(c): formula(c["rho"], c["Delta"], c["N"], ctx.dps) for c in data["cases"]}
    bias = {"RF": lambda d: C_RF / d,
            "NT": lambda d: max(c["nt_bias"] for c in by_d[d])}
    notes = {"RF": f"measured: C_RF/d, C_RF = {C_RF}",
             "NT": "derived: band width + (κ − κ_d)‖Δ‖²/2 + Var s₀"}
    for j, key in enumerate(("RF", "NT")):
        exact, form = [], []
        for d in data["ds"]:
            ex: list[float] = []
            fo: list[float] = []
            for c in by_d[d]:
                v = c[key] if isinstance(c[key], list) else [c[key]]
                ex += v
                fo += [float(vals[id(c)][j])] * len(v)
            exact.append(np.array(ex))
            form.append(np.array(fo))
        cmp = asymptotic(data["ds"], exact, form, bias=bias[key], bias_note=notes[key],
                         alpha=ALPHA_CLAIM / 3, note=key)
        parts[key] = cmp
        crit.update({f"{key}: {k}": v for k, v in cmp.criteria.items()})
        rows_all += [{"row": key} | r for r in cmp.table]
    cs = data["cases"]
    nn = sandwich_rule([vals[id(c)][2] for c in cs], [c["NN"] for c in cs],
                       [c["sigmas"] for c in cs], [min(c["N"], c["d"]) for c in cs],
                       [c["d"] for c in cs], note="NN")
    parts["NN"] = nn
    crit.update({f"NN: {k}": v for k, v in nn.criteria.items()})
    rows_all += [{"row": "NN"} | r for r in nn.table]
    ok = all(c.agrees for c in parts.values())
    note = "; ".join(f"{k}: {'agrees' if c.agrees else 'disagrees'} (rate "
                     f"{'—' if c.rate is None else f'{c.rate:.2f}'}, final {c.error:.2g})"
                     for k, c in parts.items())
    return Comparison(ok, "asymptotic", max(c.error or 0.0 for c in parts.values()), None,
                      rows_all, note, strength="numerical",
                      strength_note="exact finite-d risks for W draws; RF bias measured",
                      criteria=crit, stats={"sizes": data["ds"], "draws": data["draws"],
                                            "alpha": ALPHA_CLAIM, "C_RF": C_RF})


def _mg_slip_N(f):
    """N → N + 1 (the NN row's sum runs one term too far)."""
    def g(rho, Delta, N, dps=30):
        return f(rho, Delta, N + 1, dps)
    return g


claim(
    id="poster.mg_table",
    source="poster, 'Mixture of Gaussians' table (= eq. (17))",
    statement=r"R_{M,N}(\mathbb P_{\mathbf I,\Delta}) \approx \begin{cases}"
              r"\frac{1}{1 + \frac{\rho}{1+2\rho}\cdot\frac{\tilde r(\Delta)^2}{2d}} & M = \mathrm{RF}\\"
              r"\frac{1}{1 + \kappa(\rho,\Delta)\|\Delta\|_F^2/2} & M = \mathrm{NT}\\"
              r"\frac{1}{1 + \sum_{i=1}^{N\wedge d}\lambda_i(\Delta)^2/2} & M = \mathrm{NN}\end{cases}",
    method=f"exact finite-d RF (least squares on ⟨w,x⟩² − 1), NT (lazysym.nt) and NN (closed form) "
           f"risks on the §4 mixture, {MG_DRAWS[0]} draws wᵢ ~ N(0, I/d), "
           f"d = {MG_SIZES[0][0]}..{MG_SIZES[0][-1]}, ρ ∈ {{1/4, 1/2, 1, 2}}; derived NT/NN and "
           "measured RF bias bounds with t-tests",
    printed=mg_printed,
    evidence=mg_evidence,
    compare=mg_compare,
    corrected=mg_corrected,
    mutants=(Mutant("N → N+1", _mg_slip_N(mg_corrected), "corrected"),),
    corrected_statement=r"\text{RF row: } \frac{1}{1 + \frac{\rho}{1+\rho}\cdot"
                        r"\frac{\mathrm{tr}(\Delta)^2}{2d}}"
                        r"\text{ (NT, NN rows as printed)}",
    note="r̃(Δ)² is read as tr(Δ)² (extraction artefact).",
)

# ------------------------------------------------------------------------------------------------
# "an arbitrary large gap"
# ------------------------------------------------------------------------------------------------


GAP_SIZES = ([50, 100, 200, 400], [50, 100, 200, 400, 800])
GAP_ALPHAS = (1.0, 1.5)
GAP_RHO = Fraction(1, 2)


@functools.lru_cache(maxsize=2)
def _ratio_evidence(seed: int, thorough: bool) -> dict:
    ctx = Context(seed=seed, thorough=thorough)
    out = []
    for alpha in GAP_ALPHAS:
        ds, ratio, lower = [], [], []
        for d in ctx.pick(*GAP_SIZES):
            t = power_law_B(d, alpha)
            N = int(GAP_RHO * d)
            ent = nt_expected_risk_quadratic(t, N, exact=True)  # exact rational E_W R_NT
            lam = [Fraction(float(x)) for x in sorted(np.diag(t.B), reverse=True)]
            NN = 2 * sum((x * x for x in lam[N:]), Fraction(0))  # Eckart–Young, exact
            f2 = sum((x * x for x in lam), Fraction(0))
            beta = haar_projection_moments(d, d - N)["beta"]
            # proved lower bound: E R_NT ≥ 2β_{d−N}‖B‖²_F and R_NN ≤ 2N^{1−2α}/(2α − 1)
            # (Σ_{i>N} i^{−2α} ≤ ∫_N^∞ x^{−2α}dx), so ratio ≥ β‖B‖²_F(2α − 1)N^{2α−1}
            lb = float(beta * f2) * (2 * alpha - 1) * N ** (2 * alpha - 1)
            ds.append(d)
            ratio.append(float(ent / NN))
            lower.append(lb)
        out.append({"alpha": alpha, "rho": float(GAP_RHO), "d": ds, "ratio": ratio,
                    "lower_bound": lower,
                    "nn_check": float(nn_risk_quadratic(t, N)) / float(NN)})
    return {"rows": out}


def ratio_evidence(ctx: Context) -> dict:
    """Exact rational E_W R_NT/R_NN and the proved lower bound, per α and d."""
    ctx.progress("E_W R_NT / R_NN for power-law spectra (exact)")
    return _ratio_evidence(ctx.seed, ctx.thorough)


def ratio_printed() -> bool:
    """Poster: "There exists an arbitrary large gap between the SGD-trained networks and the
    neural tangent model" — True: R_NT/R_NN is unbounded over B ⪰ 0 at fixed ρ < 1.
    """
    return True


def ratio_compare(formula, data, ctx: Context) -> Comparison:
    """Observed "unbounded" when, for each family B = diag(i^{−α}), α ∈ {1, 1.5}, the exact
    ratio E_W R_NT/R_NN (exact rationals, no randomness: false-flip probability 0) is at least its
    proved lower bound β_{d−N}‖B‖²_F(2α − 1)N^{2α−1} at every d (``above_lower_bound``) and that
    bound grows at every step of the d-ladder (``bound_grows``; it is ∝ d^{2α−1} → ∞).
    """
    above = all(r >= lb * (1 - 1e-12) for row in data["rows"]
                for r, lb in zip(row["ratio"], row["lower_bound"]))
    grows = all(a < b for row in data["rows"]
                for a, b in zip(row["lower_bound"], row["lower_bound"][1:]))
    crit = {"above_lower_bound": bool(above), "bound_grows": bool(grows)}
    observed = above and grows
    return Comparison(bool(formula()) == observed, "asymptotic", None, None, data["rows"],
                      "E_W R_NT/R_NN ≥ β‖B‖²(2α−1)N^{2α−1} → ∞ for λᵢ = i^{−α}, ρ = 1/2 (the "
                      "normalised difference is < (1−ρ)², so 'large' holds for the ratio only)",
                      strength="proved" if observed else "numerical",
                      strength_note="exact rational ratios above a proved lower bound ∝ d^{2α−1}",
                      criteria=crit, stats={"sizes": data["rows"][0]["d"],
                                            "alpha": "0 (exact evidence)"},
                      proof={"closed_form": "E_W R_NT = 2(α_{d−N}Tr(B)² + β_{d−N}‖B‖²_F) "
                                            "(Weingarten), R_NN = 2Σ_{i>N}λᵢ² (Eckart–Young)",
                             "limit": "β_{d−N} → (1 − ρ)², ‖B‖²_F ≥ 1",
                             "bound": "ratio ≥ β_{d−N}‖B‖²_F(2α − 1)N^{2α−1} → ∞ (α > 1/2)"})


claim(
    id="poster.arbitrary_gap",
    source="poster, 'Quadratic Functions' results",
    statement=r"\text{There exists an arbitrary large gap between the SGD-trained networks and the "
              r"neural tangent model.}",
    method=f"exact rational E_W R_NT (Haar moments) and R_NN = 2Σ_{{i>N}}λᵢ² for B = diag(i^{{−α}}), "
           f"α ∈ {set(GAP_ALPHAS)}, ρ = 1/2, d = {GAP_SIZES[0][0]}..{GAP_SIZES[0][-1]}, against a "
           "proved lower bound ∝ d^{2α−1}",
    printed=ratio_printed,
    evidence=ratio_evidence,
    compare=ratio_compare,
    note="Scaling: R_NT/R_NN ≈ (1−ρ)²(2α−1)ζ(2α)(ρd)^{2α−1} (lazysym.compare.gaps); a rank-k B with k ≤ N "
         "gives R_NN = 0 < R_NT.",
)

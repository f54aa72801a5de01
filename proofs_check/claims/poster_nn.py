r"""The poster's statements on the fully trained network: its Theorem 3 box and its (mg) table.

* ``poster.thm3`` — "Take σ(x) = x². Then, as N, d → ∞ with N/d → ρ, ... R_NN,N(f*) = 2Σ_{i=N+1}^d
  λ_i(B)²" (setting: B ⪰ 0). Read with the paper's §2.3 network (second layer 1, free offset c),
  which the poster cites. Evidence: the closed-form population loss (lazysym.loss) at the explicit
  Eckart–Young minimiser, for the §4 Exp(1) target at growing d (its optimality is the claim
  ``thm3.value``, by numerical minimisation).
* ``poster.mg_table`` — the poster's table R_M,N(P_{I,Δ}) for M ∈ {RF, NT, NN} (σ(u) = u² + c₀,
  wᵢ ~ N(0, I/d); the paper's eq. (17) fixes σ(u) = u² − 1). The RF row's "r̃(Δ)²" is an
  extraction artefact for tr(Δ)². Evidence, exact at finite d on the §4 mixture: RF by the exact
  least-squares solution over the features (⟨wᵢ,x⟩² − 1) (private :func:`_rf_risk_mixture`, moments
  by Isserlis), NT by :func:`lazysym.nt.nt_risk_mixture`, NN by :func:`lazysym.nn.nn_risk_mixture`.
"""

from __future__ import annotations

import functools

import numpy as np

from lazysym.loss import population_loss
from lazysym.models import GaussianMixture, QuadraticTarget, paper_mixture
from lazysym.nn import nn_minimizer, nn_risk_mixture
from lazysym.nt import nt_risk_mixture
from proofs_check.registry import Comparison, Context, claim, compare_asymptotic

# ------------------------------------------------------------------------------------------------
# Theorem 3 box
# ------------------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=2)
def _thm3_evidence(seed: int, thorough: bool) -> dict:
    ctx = Context(seed=seed, thorough=thorough)
    ds = ctx.pick([20, 50, 100, 200, 450], [20, 50, 100, 200, 450, 900])
    by_d = []
    for d in ds:
        rows = []
        target = QuadraticTarget(np.diag(ctx.rng("poster.thm3", d).exponential(1.0, size=d)))
        for rho in (0.1, 0.25, 0.5, 0.75, 1.0, 2.0):
            N = max(1, int(round(rho * d)))
            W, c = nn_minimizer(target, N)
            rows.append({"d": d, "N": N, "B": target.B, "exact": population_loss(W, c, target),
                         "norm2": target.norm2})
        by_d.append(rows)
    return {"ds": ds, "cases": by_d}


def thm3_evidence(ctx: Context) -> dict:
    ctx.progress("L at the explicit minimiser")
    return _thm3_evidence(ctx.seed, ctx.thorough)


def thm3_printed(B: np.ndarray, N: int) -> float:
    r"""Poster, Theorem 3: :math:`R_{NN,N}(f_*) = 2\sum_{i=N+1}^{d}\lambda_i(B)^2`."""
    lam = np.sort(np.linalg.eigvalsh(B))[::-1]
    return 2.0 * float(np.sum(lam[N:] ** 2))


def thm3_compare(formula, data, ctx: Context) -> Comparison:
    # normalised by ‖f*‖² so that one tolerance serves every d; exact_tol: both sides are sums of
    # ≤ 900 float64 squares of O(1) eigenvalues, agreeing to ~1e-14 relative (measured ≤ 3e-16 after
    # normalisation); 1e-10 is far below the perturbation's 0.05.
    exact = [np.array([c["exact"] / c["norm2"] for c in rows]) for rows in data["cases"]]
    form = [np.array([float(formula(c["B"], c["N"])) / c["norm2"] for c in rows])
            for rows in data["cases"]]
    return compare_asymptotic(data["ds"], exact, form, max_final=0.0, exact_tol=1e-10,
                              note="L(W*, c*)/‖f*‖² vs the printed value/‖f*‖²")


claim(
    id="poster.thm3",
    source="poster, 'Fully-trained NN model', Theorem 3",
    statement=r"R_{\mathrm{NN},N}(f_*) = 2\sum_{i=N+1}^{d}\lambda_i(\mathbf B)^2",
    method="closed-form L(W, c) at the explicit Eckart–Young minimiser, §4 Exp(1) target, "
           "d = 20..450, ρ from 0.1 to 2 (optimality: claim thm3.value)",
    printed=thm3_printed,
    evidence=thm3_evidence,
    compare=thm3_compare,
    note="Holds for the paper's network (offset c). The poster's own class F_NN,N has no offset "
         "and its Theorem 3 takes σ(x) = x²; read literally, for a centred target the minimum is "
         "much larger (measured by projected gradient on rank-≤N S at d = 6, N = 3: 19.34 vs the "
         "printed 2.01). With the setting's σ(u) = u² + c₀, c₀ < 0, the offset c₀Σaᵢ restores it.",
)

# ------------------------------------------------------------------------------------------------
# mg table
# ------------------------------------------------------------------------------------------------


def _rf_risk_mixture(W: np.ndarray, m: GaussianMixture) -> float:
    r"""Exact min_a E(y − Σ aᵢ((wᵢᵀx)² − 1))² (no offset, as eq. (2)): 1 − bᵀG⁻¹b with
    bᵢ = E[yφᵢ] = −wᵢᵀΔwᵢ and G = E[φφᵀ] = avg_y[2(WᵀC_yW)^{∘2} + m_y m_yᵀ], m_y = diag(WᵀC_yW) − 1."""
    b = -np.einsum("ij,ik,kj->j", W, m.Delta, W)
    G = np.zeros((W.shape[1], W.shape[1]))
    for y in (1.0, -1.0):
        K = W.T @ (m.Sigma - y * m.Delta) @ W
        mu = np.diag(K) - 1.0
        G += 0.5 * (2.0 * K * K + np.outer(mu, mu))
    coef = np.linalg.lstsq(G, b, rcond=None)[0]
    return 1.0 - float(b @ coef)


RHOS_T = (0.25, 0.5, 1.0, 2.0)


@functools.lru_cache(maxsize=2)
def _mg_evidence(seed: int, thorough: bool) -> dict:
    ctx = Context(seed=seed, thorough=thorough)
    ds = ctx.pick([50, 100, 200, 400], [50, 100, 200, 400, 800])
    draws = ctx.pick(2, 4)
    by_d = []
    for d in ds:
        rows = []
        m = paper_mixture(d, ctx.rng("poster.mg", "model", d))
        for rho in RHOS_T:
            N = int(round(rho * d))
            rf, nt = [], []
            for k in range(draws):
                W = ctx.rng("poster.mg", "W", d, rho, k).standard_normal((d, N)) / np.sqrt(d)
                rf.append(_rf_risk_mixture(W, m))
                nt.append(nt_risk_mixture(W, m))
            rows.append({"d": d, "N": N, "rho": N / d, "Delta": m.Delta, "RF": float(np.mean(rf)),
                         "NT": float(np.mean(nt)), "NN": nn_risk_mixture(m, N)})
        by_d.append(rows)
    return {"ds": ds, "cases": by_d}


def mg_evidence(ctx: Context) -> dict:
    ctx.progress("exact RF, NT, NN risks on the §4 mixture")
    return _mg_evidence(ctx.seed, ctx.thorough)


def _kappa(rho: float, Delta: np.ndarray) -> float:
    d = Delta.shape[0]
    t = float(np.trace(Delta)) ** 2 / (d * float(np.sum(Delta * Delta)))
    u = max(1.0 - rho, 0.0)
    return 1.0 - u * u * (1.0 - t) - u * t


def mg_printed(rho: float, Delta: np.ndarray, N: int) -> tuple:
    r"""The poster's table (r̃(Δ)² read as tr(Δ)²): (RF, NT, NN) =
    (1/(1 + ρ/(1+2ρ)·tr(Δ)²/(2d)), 1/(1 + κ(ρ,Δ)‖Δ‖²_F/2), 1/(1 + Σ_{i≤N∧d} λᵢ(Δ)²/2))."""
    d = Delta.shape[0]
    lam = np.sort(np.abs(np.linalg.eigvalsh(Delta)))[::-1]
    rf = 1.0 / (1.0 + rho / (1.0 + 2.0 * rho) * float(np.trace(Delta)) ** 2 / (2.0 * d))
    nt = 1.0 / (1.0 + _kappa(rho, Delta) * float(np.sum(Delta * Delta)) / 2.0)
    nn = 1.0 / (1.0 + float(np.sum(lam[:min(N, d)] ** 2)) / 2.0)
    return (rf, nt, nn)


def mg_corrected(rho: float, Delta: np.ndarray, N: int) -> tuple:
    r"""Corrected RF row ρ/(1+ρ) in place of ρ/(1+2ρ) (what Theorem 4 gives for σ = x² − 1:
    λ₂ = 2, ψ = ρ/2, ζ₁ = 1/2, ζ₂ = tr(Δ)²/(4d)); NT and NN rows as printed."""
    d = Delta.shape[0]
    _, nt, nn = mg_printed(rho, Delta, N)
    rf = 1.0 / (1.0 + rho / (1.0 + rho) * float(np.trace(Delta)) ** 2 / (2.0 * d))
    return (rf, nt, nn)


# Tolerances (max_final, at d = 400), from the measured mean |error| of each row on the default
# ladder (d = 50..400, 4 ρ, 4 W-draws): RF (corrected) 1.1e-2, 1.9e-3, 1.9e-3, 1.4e-3 (rate 0.87);
# NT 1.6e-2 → 1.7e-3 (rate 1.07); NN 1.7e-2 → 2.0e-3 (rate 1.02, the O(1/d) of σ²/(1+σ²) vs σ²).
# RF and NT also carry fluctuations over W, hence 1e-2 (6–7× the measured value); NN 6e-3 (3×).
# The printed RF row misses by 0.069 at every d (rate −0.04), far outside; the perturbation moves
# every row by ≥ 0.1.
_MAX_FINAL = {"RF": 1e-2, "NT": 1e-2, "NN": 6e-3}


def mg_compare(formula, data, ctx: Context) -> Comparison:
    parts, rows_all, ok = {}, [], True
    for j, key in enumerate(("RF", "NT", "NN")):
        exact = [np.array([c[key] for c in rows]) for rows in data["cases"]]
        form = [np.array([float(formula(c["rho"], c["Delta"], c["N"])[j]) for c in rows])
                for rows in data["cases"]]
        cmp = compare_asymptotic(data["ds"], exact, form, max_final=_MAX_FINAL[key], note=key)
        parts[key] = cmp
        ok = ok and cmp.agrees
        rows_all += [{"row": key} | r for r in cmp.table]
    note = "; ".join(f"{k}: {'agrees' if c.agrees else 'disagrees'} (rate "
                     f"{'—' if c.rate is None else f'{c.rate:.2f}'}, final {c.error:.2g})"
                     for k, c in parts.items())
    return Comparison(ok, "asymptotic", max(c.error for c in parts.values()), None, rows_all, note)


claim(
    id="poster.mg_table",
    source="poster, 'Mixture of Gaussians' table (= eq. (17))",
    statement=r"R_{M,N}(\mathbb P_{\mathbf I,\Delta}) \approx \begin{cases}"
              r"\frac{1}{1 + \frac{\rho}{1+2\rho}\cdot\frac{\tilde r(\Delta)^2}{2d}} & M = \mathrm{RF}\\"
              r"\frac{1}{1 + \kappa(\rho,\Delta)\|\Delta\|_F^2/2} & M = \mathrm{NT}\\"
              r"\frac{1}{1 + \sum_{i=1}^{N\wedge d}\lambda_i(\Delta)^2/2} & M = \mathrm{NN}\end{cases}",
    method="exact finite-d RF (least squares on ⟨w,x⟩² − 1), NT (lazysym.nt) and NN (closed form) "
           "risks on the §4 mixture, wᵢ ~ N(0, I/d), d = 50..400, ρ ∈ {1/4, 1/2, 1, 2}",
    printed=mg_printed,
    evidence=mg_evidence,
    compare=mg_compare,
    corrected=mg_corrected,
    corrected_statement=r"\text{RF row: } \frac{1}{1 + \frac{\rho}{1+\rho}\cdot\frac{\mathrm{tr}(\Delta)^2}{2d}}"
                        r"\text{ (NT, NN rows as printed)}",
    note="r̃(Δ)² is read as tr(Δ)² (extraction artefact).",
)

# ------------------------------------------------------------------------------------------------
# "an arbitrary large gap"
# ------------------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=2)
def _ratio_evidence(seed: int, thorough: bool) -> dict:
    from lazysym.gaps import ratio_growth
    ctx = Context(seed=seed, thorough=thorough)
    ds = ctx.pick([50, 100, 200, 400], [50, 100, 200, 400, 800])
    out = []
    for alpha in (1.0, 1.5):
        res = ratio_growth(alpha, 0.5, ds, draws=2, rng=ctx.rng("poster.gap", alpha))
        out.append({"alpha": alpha, "rho": 0.5, "d": res["d"], "R_NT/R_NN (mean over W)":
                    [float(r) for r in res["ratio"]], "fitted exponent": res["rate"],
                    "2α − 1": res["predicted_rate"]})
    return {"rows": out}


def ratio_evidence(ctx: Context) -> dict:
    ctx.progress("R_NT/R_NN for power-law spectra")
    return _ratio_evidence(ctx.seed, ctx.thorough)


def ratio_printed() -> bool:
    """Poster: "There exists an arbitrary large gap between the SGD-trained networks and the
    neural tangent model" — True: R_NT/R_NN is unbounded over B ⪰ 0 at fixed ρ < 1."""
    return True


# "Unbounded" is observed when, for each family, the ratio increases at every step of the d-ladder
# and its fitted exponent is ≥ 0.5 (measured: 0.98 for α = 1 and 1.82 for α = 1.5 against the
# predicted 2α − 1 = 1 and 2; a bounded ratio has exponent → 0).
def ratio_compare(formula, data, ctx: Context) -> Comparison:
    grows = all(r["fitted exponent"] >= 0.5 and
                all(a < b for a, b in zip(r["R_NT/R_NN (mean over W)"],
                                          r["R_NT/R_NN (mean over W)"][1:]))
                for r in data["rows"])
    return Comparison(bool(formula()) == grows, "asymptotic", None, None, data["rows"],
                      "R_NT/R_NN ∝ d^{2α−1} for λᵢ = i^{−α} at ρ = 1/2 (the normalised difference "
                      "R_NT/‖f*‖² − R_NN/‖f*‖² is < (1−ρ)², so 'large' holds for the ratio only)")


claim(
    id="poster.arbitrary_gap",
    source="poster, 'Quadratic Functions' results",
    statement=r"\text{There exists an arbitrary large gap between the SGD-trained networks and the "
              r"neural tangent model.}",
    method="exact R_NT(W) = 2‖P⊥BP⊥‖² and R_NN = 2Σ_{i>N}λᵢ² for B = diag(i^{−α}), α ∈ {1, 1.5}, "
           "ρ = 1/2, d = 50..400; fitted growth exponent of the ratio",
    printed=ratio_printed,
    evidence=ratio_evidence,
    compare=ratio_compare,
    note="Scaling: R_NT/R_NN ≈ (1−ρ)²(2α−1)ζ(2α)(ρd)^{2α−1} (lazysym.gaps); a rank-k B with k ≤ N "
         "gives R_NN = 0 < R_NT.",
)

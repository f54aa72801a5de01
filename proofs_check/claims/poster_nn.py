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

import numpy as np

from lazysym.nn import nn_risk_mixture
from lazysym.nt import nt_risk_mixture
from lazysym.objects.models import GaussianMixture, QuadraticTarget, paper_mixture
from proofs_check.registry import Comparison, Context, claim
from proofs_check.evidence.legacy import compare_asymptotic

# ------------------------------------------------------------------------------------------------
# Theorem 3 box
# ------------------------------------------------------------------------------------------------


_LITERAL = "poster's class (σ = x², F_NN,N without offset)"
_OFFSET = "with an offset (the paper's §2.3 c, or the poster's σ = u² + c₀, c₀ ≠ 0)"


def _literal_bounds(B: np.ndarray, N: int, rng, iters: int = 3000) -> tuple[float, float]:
    r"""Bounds on :math:`\inf\{E(f_* - x^\top Sx)^2 : S = \sum_i a_iw_iw_i^\top,\ \operatorname{rank}
    S\le N\}` for the centred target, i.e. :math:`\min 2\|B-S\|_F^2 + (\operatorname{Tr}S)^2`.

    Lower bound (rigorous): the class is contained both in the class with an offset (Eckart–Young:
    :math:`2\sum_{i>N}\lambda_i^2`) and in all symmetric S (a convex problem, minimum
    :math:`\operatorname{Tr}(B)^2/(1 + d/2)`), so the infimum is at least the larger of the two.
    Upper bound: projected gradient (step 1/(4 + 2d), projection onto rank ≤ N by keeping the N
    largest |eigenvalues|) from the unconstrained optimum and from random starts.
    """
    d = B.shape[0]
    lam = np.sort(np.linalg.eigvalsh(B))[::-1]
    lower = max(2.0 * float(np.sum(lam[N:] ** 2)), float(np.trace(B)) ** 2 / (1.0 + d / 2.0))

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
    from proofs_check.claims.s2_3_neural_network import _saddle_free_newton
    ctx = Context(seed=seed, thorough=thorough)
    cases = []
    for d in ctx.pick([4, 6, 8], [4, 6, 8, 10, 12]):
        rng = ctx.rng("poster.thm3", d)
        target = QuadraticTarget(np.diag(rng.exponential(1.0, size=d)))
        for N in sorted({1, d // 2, d - 1}):
            with_offset = min(_saddle_free_newton(target, N, rng)[0] for _ in range(2))
            lo, hi = _literal_bounds(target.B, N, rng, iters=ctx.pick(1500, 4000))
            cases.append({"d": d, "N": N, "B": target.B, "norm2": target.norm2,
                          _OFFSET: with_offset, "literal: lower bound": lo,
                          "literal: best found": hi})
    return {"cases": cases}


def thm3_evidence(ctx: Context) -> dict:
    ctx.progress("minimising L with and without the offset")
    return _thm3_evidence(ctx.seed, ctx.thorough)


def _eckart_young(B: np.ndarray, N: int) -> float:
    lam = np.sort(np.linalg.eigvalsh(B))[::-1]
    return 2.0 * float(np.sum(lam[N:] ** 2))


def thm3_printed(B: np.ndarray, N: int) -> dict:
    r"""Poster, Theorem 3 ("Take σ(x) = x²", the poster's F_NN,N has no offset):
    :math:`R_{NN,N}(f_*) = 2\sum_{i=N+1}^{d}\lambda_i(B)^2` for that class.
    """
    return {_LITERAL: _eckart_young(B, N)}


def thm3_corrected(B: np.ndarray, N: int) -> dict:
    r"""The value holds for the network with an offset (the paper's §2.3)."""
    return {_OFFSET: _eckart_young(B, N)}


def thm3_compare(formula, data, ctx: Context) -> Comparison:
    rows, ok = [], True
    for c in data["cases"]:
        claimed = formula(c["B"], c["N"])
        row = {k: c[k] for k in ("d", "N", _OFFSET, "literal: lower bound", "literal: best found")}
        for cls, val in claimed.items():
            val = float(val)
            row[f"formula ({'literal' if cls == _LITERAL else 'offset'})"] = val
            if cls == _OFFSET:
                # numerical minimum accurate to ~1e-15 relative (see thm3.value): tolerance
                # 1e-12·‖f*‖² + 1e-9·value, far below the perturbation's +5 %
                ok &= abs(val - c[_OFFSET]) <= 1e-12 * c["norm2"] + 1e-9 * abs(c[_OFFSET])
            else:
                # a value below the rigorous lower bound refutes the claim for that class
                ok &= val >= c["literal: lower bound"] * (1 - 1e-12) and \
                    val <= c["literal: best found"] * (1 + 1e-9) + 1e-12 * c["norm2"]
        rows.append(row)
    return Comparison(bool(ok), "identity", None, None, rows,
                      "literal class bracketed by a rigorous lower bound and a numerical minimum")


claim(
    id="poster.thm3",
    source="poster, 'Fully-trained NN model', Theorem 3",
    statement=r"\text{Take } \sigma(x) = x^2 \ (F_{\mathrm{NN},N} = \{\textstyle\sum_i a_i\sigma(\langle "
              r"\mathbf w_i,\mathbf x\rangle)\}):\ R_{\mathrm{NN},N}(f_*) = 2\sum_{i=N+1}^{d}\lambda_i(\mathbf B)^2",
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
    (1/(1 + ρ/(1+2ρ)·tr(Δ)²/(2d)), 1/(1 + κ(ρ,Δ)‖Δ‖²_F/2), 1/(1 + Σ_{i≤N∧d} λᵢ(Δ)²/2)).
    """
    d = Delta.shape[0]
    lam = np.sort(np.abs(np.linalg.eigvalsh(Delta)))[::-1]
    rf = 1.0 / (1.0 + rho / (1.0 + 2.0 * rho) * float(np.trace(Delta)) ** 2 / (2.0 * d))
    nt = 1.0 / (1.0 + _kappa(rho, Delta) * float(np.sum(Delta * Delta)) / 2.0)
    nn = 1.0 / (1.0 + float(np.sum(lam[:min(N, d)] ** 2)) / 2.0)
    return (rf, nt, nn)


def mg_corrected(rho: float, Delta: np.ndarray, N: int) -> tuple:
    r"""Corrected RF row ρ/(1+ρ) in place of ρ/(1+2ρ) (what Theorem 4 gives for σ = x² − 1:
    λ₂ = 2, ψ = ρ/2, ζ₁ = 1/2, ζ₂ = tr(Δ)²/(4d)); NT and NN rows as printed.
    """
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
    from lazysym.compare.gaps import ratio_growth
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
    neural tangent model" — True: R_NT/R_NN is unbounded over B ⪰ 0 at fixed ρ < 1.
    """
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
    note="Scaling: R_NT/R_NN ≈ (1−ρ)²(2α−1)ζ(2α)(ρd)^{2α−1} (lazysym.compare.gaps); a rank-k B with k ≤ N "
         "gives R_NN = 0 < R_NT.",
)

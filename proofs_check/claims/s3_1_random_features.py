r"""Claims of §3.1 (random features on the Gaussian mixture, mg): Theorem 4 (eqs. (14)–(16)) and
the RF row of eq. (17).

Evidence is the exact finite-d population RF risk :math:`1 - b^\top K^+ b` of
:func:`lazysym.rf.exact.rf_risk_mixture` (E y² = 1, so it is already normalised) for W with
i.i.d. N(0, Γ) columns, at growing d with N = ρd; the ρ → ∞ limit (16) is checked like (11)
(see ``s2_1_random_features``).
"""

from __future__ import annotations

import numpy as np

from lazysym import rf
from lazysym.objects.models import GaussianMixture
from proofs_check.claims.s2_1_random_features import (
    _resolved,
    compare_limit,
    compare_sweep,
    gamma_two_level,
    limit_evidence,
    sweep,
)
from proofs_check.registry import claim

# ---------------------------------------------------------------------------------------------
# instances (deterministic in d)
# ---------------------------------------------------------------------------------------------


def delta_pattern(d: int) -> np.ndarray:
    """§4's Δ with the random choice replaced by a cycle: diag(2, 1.5, 1, 2, 1.5, 1, …)/√d (M2)."""
    return np.diag(np.array([2.0, 1.5, 1.0])[np.arange(d) % 3] / np.sqrt(d))


def sigma_two_level(d: int) -> np.ndarray:
    """Σ = diag(0.7, 1.3, 0.7, 1.3, …) (M1 with c₁ = 0.7, c₂ = 1.3)."""
    return np.diag(np.where(np.arange(d) % 2 == 0, 0.7, 1.3))


def mg_model(case, d, ctx) -> GaussianMixture:
    """Σ from ``case['Sigma']`` ∈ {"I", "two-level"}, Δ = :func:`delta_pattern`."""
    S = np.eye(d) if case.get("Sigma", "I") == "I" else sigma_two_level(d)
    return GaussianMixture(S, delta_pattern(d))


def mg_gamma(case, d, model: GaussianMixture) -> np.ndarray:
    """Γ from ``case['Gamma']`` ∈ {"iso" (I/Tr Σ), "two-level"}, normalised by Tr(ΓΣ) = 1 (B2)."""
    if case.get("Gamma", "iso") == "iso":
        return np.eye(d) / np.trace(model.Sigma)
    return gamma_two_level(d, model.Sigma)


# ---------------------------------------------------------------------------------------------
# claims
# ---------------------------------------------------------------------------------------------

def _thm4_printed(mixture, Gamma, rho, activation, dps=30):
    """Eq. (15) as printed: lazysym.rf.theorem4_risk."""
    return rf.theorem4_risk(mixture, Gamma, rho, activation, dps=dps)


def _thm4_call(formula, case, model, G, ctx):
    return formula(model, G, case["rho"], case["activation"], ctx.dps)


THM4_CASES = [
    {"label": "relu_centered, Σ two-level, Γ two-level", "activation": "relu_centered",
     "Sigma": "two-level", "Gamma": "two-level", "rho": 1.0},
    {"label": "x²−1, Σ two-level, Γ = I/Tr Σ", "activation": "x^2-1", "Sigma": "two-level",
     "Gamma": "iso", "rho": 2.0},
]

claim(
    id="thm4.eq15",
    source="§3.1, Theorem 4, eq. (15) (with ψ from eq. (14))",
    statement=r"R_{\mathrm{RF},N}(\mathbb{P}_{\mathbf{\Sigma},\mathbf{\Delta}}) = \frac{1 + "
              r"\zeta_1(d) \lambda_2^2 \psi}{1 + (\zeta_1(d) + \zeta_2(d)) \lambda_2^2 \psi} + "
              r"o_{d,\mathbb{P}}(1), \quad \zeta_1(d) = d\,\mathrm{Tr}(\mathbf{\Sigma}\mathbf{\Gamma}"
              r"\mathbf{\Sigma}\mathbf{\Gamma})/2,\ \zeta_2(d) = d\,\mathrm{Tr}(\mathbf{\Delta}"
              r"\mathbf{\Gamma})^2/4",
    method="exact finite-d population RF risk for the mixture (rf_exact, no sampling), Σ ≠ I "
           "(diag 0.7/1.3), Δ = diag(2, 1.5, 1, …)/√d, d ∈ {25,100,400} (thorough {50,200,800}), "
           "8 draws (thorough 12); centred ReLU with a two-level Γ (ρ = 1) and x² − 1 with "
           "Γ = I/Tr Σ (ρ = 2), against eq. (15) with ψ from eq. (14) on the ESD of "
           "d·Γ^{1/2}ΣΓ^{1/2}",
    printed=_thm4_printed,
    evidence=lambda ctx: sweep(ctx, "thm4.eq15", _resolved(THM4_CASES), mg_model, mg_gamma,
                               fluctuating=True),
    compare=lambda f, data, ctx: compare_sweep(f, data, ctx, _thm4_call),
)


def _eq16_printed(mixture, Gamma, activation=None, dps=30):
    """Eq. (16) as printed (no dependence on σ): lazysym.rf.theorem4_limit."""
    return rf.theorem4_limit(mixture, Gamma, dps=dps)


def _eq16_corrected(mixture, Gamma, activation, dps=30):
    """ρ → ∞ limit of eq. (15): eq. (16) if λ₂ ≠ 0, else 1."""
    return rf.theorem4_limit_corrected(mixture, Gamma, activation, dps=dps)


def _eq15_for_limit(model, G, rho, act, dps):
    return rf.theorem4_risk(model, G, rho, act, dps=dps)


def _limit_call(formula, case, model, G, ctx):
    return formula(model, G, case["activation"], ctx.dps)


EQ16_CASES = [
    {"label": "x²−1, Σ two-level, Γ two-level", "activation": "x^2-1", "Sigma": "two-level",
     "Gamma": "two-level"},
    {"label": "relu_centered, Σ = I, Γ = I/d", "activation": "relu_centered", "Sigma": "I",
     "Gamma": "iso"},
    {"label": "tanh (odd), Σ two-level, Γ two-level", "activation": "tanh", "Sigma": "two-level",
     "Gamma": "two-level"},
]

claim(
    id="thm4.eq16",
    correction="hypothesis",
    hypothesis="λ₂ ≠ 0 (not implied by A1: odd σ have λ₂ = 0)",
    source="§3.1, Theorem 4, eq. (16)",
    statement=r"\lim_{\rho \to \infty} \lim_{d \to \infty, N/d \to \rho} R_{\mathrm{RF},N}"
              r"(\mathbb{P}_{\mathbf{\Sigma},\mathbf{\Delta}}) = \frac{\zeta_{1,*}}{\zeta_{1,*} + "
              r"\zeta_{2,*}}",
    method="the inner limit is eq. (15) (checked by thm4.eq15); ψ → ∞ as ρ → ∞ by "
           "lazysym.rf.psi_bounds; evidence = eq. (15) along ρ = 10¹…10⁶ at d = 200 for x² − 1, "
           "centred ReLU and tanh, plus, for tanh (λ₂ = 0), the exact finite-d risk at "
           "d ∈ {40, 80}, ρ ∈ {1, 4} (= 1: both classes are centred Gaussians, so odd features "
           "have the same mean under both and are uncorrelated with y)",
    printed=_eq16_printed,
    evidence=lambda ctx: limit_evidence(ctx, "thm4.eq16", _resolved(EQ16_CASES), _eq15_for_limit,
                                        mg_model, mg_gamma),
    compare=lambda f, data, ctx: compare_limit(f, data, ctx, _limit_call),
    corrected=_eq16_corrected,
    corrected_statement=r"\lim_{\rho\to\infty}\lim_{d\to\infty} R_{\mathrm{RF},N} = "
                        r"\frac{\zeta_{1,*}}{\zeta_{1,*}+\zeta_{2,*}} \text{ if } \lambda_2 \neq 0,"
                        r"\quad = 1 \text{ if } \lambda_2 = 0 \text{ (e.g. odd } \sigma)",
    note="(16) needs λ₂ ≠ 0, which A1 does not imply.",
)


def _eq17_printed(mixture, rho, dps=30):
    """Eq. (17), RF row, as printed: lazysym.rf.eq17_rf_risk."""
    return rf.eq17_rf_risk(mixture, rho, dps=dps)


def _eq17_corrected(mixture, rho, dps=30):
    """Eq. (17), RF row, as derived from (15): lazysym.rf.eq17_rf_risk_corrected."""
    return rf.eq17_rf_risk_corrected(mixture, rho, dps=dps)


def _eq17_call(formula, case, model, G, ctx):
    return formula(model, case["rho"], ctx.dps)


EQ17_CASES = [
    {"label": "Σ = I, Γ = I/d, x²−1, ρ=1", "activation": "x^2-1", "Sigma": "I", "Gamma": "iso",
     "rho": 1.0},
    {"label": "Σ = I, Γ = I/d, x²−1, ρ=2", "activation": "x^2-1", "Sigma": "I", "Gamma": "iso",
     "rho": 2.0},
]

EQ17_STATEMENT = (r"R_{\mathrm{RF},N}(\mathbb{P}_{\mathbf{I},\Delta}) \approx \frac{1}{1 + "
                  r"\frac{\rho}{1+2\rho} \cdot \frac{\mathrm{tr}(\Delta)^2}{2d}}")
EQ17_CORRECTED = (r"R_{\mathrm{RF},N}(\mathbb{P}_{\mathbf{I},\Delta}) \approx \frac{1}{1 + "
                  r"\frac{\rho}{1+\rho} \cdot \frac{\mathrm{Tr}(\Delta)^2}{2d}}")

claim(
    id="eq17.rf",
    source="§3.3, eq. (17), RF row (Σ = I, σ = x² − 1, w_i ~ N(0, I/d))",
    statement=EQ17_STATEMENT,
    method="exact finite-d RF risk for the mixture with Σ = I, Δ = diag(2, 1.5, 1, …)/√d, "
           "σ = x² − 1, W with i.i.d. N(0, I/d) columns, ρ ∈ {1, 2}, d ∈ {50,…,400} "
           "(thorough to 800), 3 draws; the corrected row is eq. (15) with Γ = I/d, Σ = I, "
           "λ₂ = 2, ψ = ρ/2 (derived symbolically: lazysym.rf.derive_eq17_rf)",
    printed=_eq17_printed,
    evidence=lambda ctx: sweep(ctx, "eq17.rf", EQ17_CASES, mg_model, mg_gamma),
    compare=lambda f, data, ctx: compare_sweep(f, data, ctx, _eq17_call),
    corrected=_eq17_corrected,
    corrected_statement=EQ17_CORRECTED,
    note="ρ/(1+2ρ) would follow from (15) only with ζ₁ = d Tr(ΣΓΣΓ) (no 1/2); the exact risks "
         "agree with ζ₁ as defined in Theorem 4, i.e. with ρ/(1+ρ).",
)


def _wlog_printed(mixture, Gamma, rho, activation, dps=30):
    """"Without loss of generality λ₀ = 0": the RF risk of σ = u² + c₀ is that of its centred
    version u² − 1, i.e. eq. (15) for x² − 1 (whatever c₀).
    """
    return rf.theorem4_risk(mixture, Gamma, rho, "x^2-1", dps=dps)


def _wlog_corrected(mixture, Gamma, rho, activation, dps=30):
    """λ₀ ≠ 0 is not w.l.o.g. for RF (no offset in eq. (2)): the risk tends to 1 (the common
    constant λ₀ of the features swamps the O(d^{-1/2}) common quadratic direction that carries
    the signal); for λ₀ = 0, eq. (15).
    """
    return 1.0 if activation != "x^2-1" else rf.theorem4_risk(mixture, Gamma, rho, "x^2-1", dps=dps)


WLOG_CASES = [
    {"label": "σ = u² (λ₀ = 1), Σ = I, Γ = I/d, ρ=1", "activation": "x^2", "Sigma": "I",
     "Gamma": "iso", "rho": 1.0},
    {"label": "σ = u² + 1 (λ₀ = 2), Σ two-level, Γ = I/Tr Σ, ρ=2", "activation": "x^2+1",
     "Sigma": "two-level", "Gamma": "iso", "rho": 2.0},
]

claim(
    id="thm4.lambda0_wlog",
    correction="hypothesis",
    hypothesis="λ₀ = 0 as an assumption (RF has no offset, so it is not without loss of generality)",
    source="§3.1, Theorem 4 (\"assume without loss of generality λ₀ = 0\")",
    statement=r"\text{Define } \lambda_k = \mathbb{E}[\sigma(G)\mathrm{He}_k(G)] \text{ … and assume "
              r"without loss of generality } \lambda_0 = 0",
    method="exact finite-d RF risk for the mixture with uncentred quadratic activations "
           "σ = u² (λ₀ = 1) and u² + 1 (λ₀ = 2), Δ = diag(2, 1.5, 1, …)/√d, d ∈ {50,…,400}, "
           "3 draws, against eq. (15) for the centred σ = u² − 1 (what 'w.l.o.g.' asserts)",
    printed=_wlog_printed,
    evidence=lambda ctx: sweep(ctx, "thm4.lambda0_wlog", WLOG_CASES, mg_model, mg_gamma),
    compare=lambda f, data, ctx: compare_sweep(f, data, ctx, _thm4_call),
    corrected=_wlog_corrected,
    corrected_statement=r"\lambda_0 = 0 \text{ is an assumption: the RF class (2) has no offset, "
                        r"and for } \lambda_0 \neq 0,\ R_{\mathrm{RF},N}(\mathbb{P}_{\Sigma,\Delta}) "
                        r"\to 1",
    note="Theorem 1 states λ₀ = 0 as an assumption; Theorem 4 calls it w.l.o.g., which it is not "
         "for RF without offset (the poster's σ = u² + c₀ is affected unless c₀ = −1).",
)

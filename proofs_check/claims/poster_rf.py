r"""Claims of the poster (/work/shared/paper/poster.md) about random features: its Theorem 1, its
"for any activation function … independent of the non-linearity" remark, and its mg RF row.

The poster's formulas are transcribed here from the poster (not reused from the paper's
transcription in :mod:`lazysym.rf`), then held against the same kind of evidence as the paper's
claims (see ``s2_1_random_features`` / ``s3_1_random_features``).
"""

from __future__ import annotations

import mpmath
import numpy as np

from lazysym import rf
from proofs_check.claims.s2_1_random_features import (
    _resolved,
    compare_limit,
    compare_sweep,
    limit_evidence,
    qf_gamma,
    qf_model,
    sweep,
)
from proofs_check.claims.s3_1_random_features import mg_gamma, mg_model
from proofs_check.registry import claim

_GUARD = 10


def _scalars(target, Gamma):
    B = target.B if hasattr(target, "B") else np.asarray(target, float)
    G = np.asarray(Gamma, float)
    return B.shape[0], float(np.sum(B * G)), float(np.sum(B * B)), float(np.sum(G * G))


def poster_theorem1(target, Gamma, rho, dps=30):
    r"""Poster, Theorem 1 (σ = x² − 1, w_i ~ N(0, Γ)), normalised:
    :math:`1 - \frac{\rho d\langle B,\Gamma\rangle^2}{\|B\|_F^2(1 + \rho d\|\Gamma\|_F^2)}`.
    """
    d, bg, bf, gf = _scalars(target, Gamma)
    with mpmath.workdps(dps + _GUARD):
        r, d, bg, bf, gf = (mpmath.mpf(v) for v in (rho, d, bg, bf, gf))
        return 1 - r * d * bg**2 / (bf * (1 + r * d * gf))


def poster_rho_inf(target, Gamma, activation=None, dps=30):
    r"""Poster: "for any activation function", :math:`\lim_\rho\lim_d R/\|f_*\|^2 =
    \lim_d (1 - \langle B,\Gamma\rangle^2/(\|B\|_F^2\|\Gamma\|_F^2))` (σ not used).
    """
    _, bg, bf, gf = _scalars(target, Gamma)
    with mpmath.workdps(dps + _GUARD):
        bg, bf, gf = (mpmath.mpf(v) for v in (bg, bf, gf))
        return 1 - bg**2 / (bf * gf)


def poster_rho_inf_corrected(target, Gamma, activation, dps=30):
    """The ρ → ∞ limit as it is: the poster's value if λ₂ ≠ 0, 1 if λ₂ = 0 (odd σ)."""
    return rf.theorem1_limit_corrected(target, Gamma, activation, dps=dps)


def poster_mg_rf(mixture, rho, dps=30):
    r"""Poster, mg RF row (σ = u² + c₀, w_i ~ N(0, I/d), Σ = I):
    :math:`1/(1 + \frac{\rho}{1+2\rho}\cdot\frac{\tilde r(\Delta)^2}{2d})`, reading the garbled
    :math:`\tilde r(\Delta)` as :math:`\mathrm{tr}(\Delta)` (as in the paper's eq. (17)).
    """
    D = mixture.Delta
    with mpmath.workdps(dps + _GUARD):
        r, t, d = mpmath.mpf(rho), mpmath.mpf(float(np.trace(D))), mpmath.mpf(D.shape[0])
        return 1 / (1 + r / (1 + 2 * r) * t**2 / (2 * d))


def poster_mg_rf_corrected(mixture, rho, dps=30):
    """The row as it follows from Theorem 4 (c₀ = −1): ρ/(1+ρ) instead of ρ/(1+2ρ)."""
    return rf.eq17_rf_risk_corrected(mixture, rho, dps=dps)


# ---------------------------------------------------------------------------------------------

def _thm1_call(formula, case, target, G, ctx):
    return formula(target, G, case["rho"], ctx.dps)


POSTER_THM1_CASES = [
    {"label": "isotropic Γ, ρ=0.5", "activation": "x^2-1", "Gamma": "iso", "rho": 0.5},
    {"label": "Γ ∝ B, ρ=2", "activation": "x^2-1", "Gamma": "aligned", "rho": 2.0},
]

claim(
    id="poster.thm1",
    source="poster, Theorem 1 (random features, σ(x) = x² − 1)",
    statement=r"R_{\mathrm{RF},N}(f_*) = \|f_*\|_{L_2}^2 \left[ 1 - \frac{\rho d \langle \mathbf{B}, "
              r"\mathbf{\Gamma} \rangle^2}{\|\mathbf{B}\|_F^2 (1 + \rho d \|\mathbf{\Gamma}\|_F^2)} "
              r"+ o_{d,\mathbb{P}}(1) \right]",
    method="exact finite-d RF risk for σ = x² − 1 under the paper's hypotheses (E f* = 0, "
           "Tr Γ = 1, which the poster leaves to [5]), isotropic Γ (ρ = 0.5) and Γ ∝ B (ρ = 2), "
           "d ∈ {50,…,400} (thorough to 800), 3 draws",
    printed=poster_theorem1,
    evidence=lambda ctx: sweep(ctx, "poster.thm1", POSTER_THM1_CASES, qf_model, qf_gamma),
    compare=lambda f, data, ctx: compare_sweep(f, data, ctx, _thm1_call),
)


def _limit_call(formula, case, model, G, ctx):
    return formula(model, G, case["activation"], ctx.dps)


def _eq10_for_limit(model, G, rho, act, dps):
    return rf.theorem1_risk(model, G, rho, act, dps=dps)


POSTER_LIMIT_CASES = [
    {"label": "x²−1, isotropic Γ", "activation": "x^2-1", "Gamma": "iso"},
    {"label": "relu_centered, isotropic Γ", "activation": "relu_centered", "Gamma": "iso"},
    {"label": "relu_centered, Γ ∝ B", "activation": "relu_centered", "Gamma": "aligned"},
    {"label": "tanh, isotropic Γ", "activation": "tanh", "Gamma": "iso"},
]

claim(
    id="poster.rho_inf_any_activation",
    correction="hypothesis",
    hypothesis="λ₂ ≠ 0 (the poster says 'for any activation'; odd σ have λ₂ = 0)",
    source="poster, remark after Theorem 1 (\"for any activation function … independent of the "
           "non-linearity\")",
    statement=r"\text{for any activation function: } \lim_{\rho\to\infty}\lim_{d\to\infty,N/d\to\rho}"
              r"\frac{R_{\mathrm{RF},N}(f_*)}{\|f_*\|_{L_2}^2} = \lim_{d\to\infty}\Big(1 - "
              r"\frac{\langle \mathbf{B},\mathbf{\Gamma}\rangle^2}{\|\mathbf{B}\|_F^2"
              r"\|\mathbf{\Gamma}\|_F^2}\Big)",
    method="as thm1.eq11: eq. (10) along ρ = 10¹…10⁶ at d = 200 for x² − 1, centred ReLU "
           "(isotropic and Γ ∝ B) and tanh, plus exact finite-d risks for tanh (λ₂ = 0) at "
           "d ∈ {40, 80}, ρ ∈ {1, 4}",
    printed=poster_rho_inf,
    evidence=lambda ctx: limit_evidence(ctx, "poster.rho_inf_any_activation",
                                        _resolved(POSTER_LIMIT_CASES), _eq10_for_limit,
                                        qf_model, qf_gamma),
    compare=lambda f, data, ctx: compare_limit(f, data, ctx, _limit_call),
    corrected=poster_rho_inf_corrected,
    corrected_statement=r"\text{for any activation with } \lambda_2 \neq 0 \text{ (the limit is "
                        r"then independent of } \sigma\text{); for } \lambda_2 = 0 \text{ (odd } "
                        r"\sigma) \text{ the normalised risk is } 1",
    note="Independence of σ holds among activations with λ₂ ≠ 0; odd activations never beat "
         "f = 0 on the (even) quadratic target.",
)


def _mg_call(formula, case, model, G, ctx):
    return formula(model, case["rho"], ctx.dps)


POSTER_MG_CASES = [
    {"label": "Σ = I, Γ = I/d, c₀ = −1, ρ=1", "activation": "x^2-1", "Sigma": "I", "Gamma": "iso",
     "rho": 1.0},
    {"label": "Σ = I, Γ = I/d, c₀ = −1, ρ=2", "activation": "x^2-1", "Sigma": "I", "Gamma": "iso",
     "rho": 2.0},
]

claim(
    id="poster.mg_rf",
    source="poster, Mixture of Gaussians, RF row",
    statement=r"R_{\mathrm{RF},N}(\mathbb{P}_{I,\Delta}) \approx \frac{1}{1 + \frac{\rho}{1+2\rho}"
              r"\cdot\frac{\tilde r(\Delta)^2}{2d}} \quad (\tilde r \text{ read as tr})",
    method="exact finite-d RF risk for the mixture (Σ = I, Δ = diag(2, 1.5, 1, …)/√d) with "
           "σ = u² + c₀ at c₀ = −1 (the only c₀ for which the RF risk does not tend to 1: "
           "the RF model has no offset), w_i ~ N(0, I/d), ρ ∈ {1, 2}, d ∈ {50,…,400}, 3 draws",
    printed=poster_mg_rf,
    evidence=lambda ctx: sweep(ctx, "poster.mg_rf", POSTER_MG_CASES, mg_model, mg_gamma),
    compare=lambda f, data, ctx: compare_sweep(f, data, ctx, _mg_call),
    corrected=poster_mg_rf_corrected,
    corrected_statement=r"R_{\mathrm{RF},N}(\mathbb{P}_{I,\Delta}) \approx \frac{1}{1 + "
                        r"\frac{\rho}{1+\rho}\cdot\frac{\mathrm{Tr}(\Delta)^2}{2d}} \quad (c_0 = -1)",
    note="Same ρ/(1+2ρ) slip as the paper's eq. (17); and for c₀ ≠ −1 (λ₀ ≠ 0) the exact RF "
         "risk tends to 1 instead.",
)

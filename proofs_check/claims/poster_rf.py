r"""Claims of the poster (/work/shared/paper/poster.md) about random features: its Theorem 1, its
"for any activation function … " remark, and its mg RF row.

The poster prints the same formulas as the paper: its Theorem 1 is eq. (12), its ρ → ∞ remark
is eq. (11) (stated "for any activation function"), and its mg RF row is eq. (17)'s RF row with
:math:`\mathrm{Tr}(\Delta)` garbled to :math:`\tilde r(\Delta)` (read as tr, as in eq. (17)).
They are therefore evaluated by the library's transcriptions (:func:`lazysym.rf.corollary1_risk`,
:func:`lazysym.rf.theorem1_limit`, :func:`lazysym.rf.eq17_rf_risk`) — compare the ``statement``
LaTeX below with the poster — and held against the same kind of evidence as the paper's claims
(:mod:`proofs_check.evidence.rf`; designed false-flip probability ≤ 1e-4 per claim).
"""

from __future__ import annotations

from fractions import Fraction

import sympy as sp

from lazysym import rf
from lazysym.objects.spectra import point_mass
from proofs_check.evidence import rf as ev
from proofs_check.evidence import rf_mutants as mu
from proofs_check.registry import claim

S = rf.SYMBOLS


def poster_theorem1(target, Gamma, rho, dps=30):
    r"""Poster, Theorem 1 (σ = x² − 1, w_i ~ N(0, Γ)), normalised — the paper's eq. (12):
    :math:`1 - \frac{\rho d\langle B,\Gamma\rangle^2}{\|B\|_F^2(1 + \rho d\|\Gamma\|_F^2)}`.
    """
    return rf.corollary1_risk(target, Gamma, rho, dps=dps)


def poster_rho_inf(target, Gamma, activation=None, dps=30):
    r"""Poster: "for any activation function", :math:`\lim_\rho\lim_d R/\|f_*\|^2 =
    \lim_d (1 - \langle B,\Gamma\rangle^2/(\|B\|_F^2\|\Gamma\|_F^2))` (σ not used) — eq. (11).
    """
    return rf.theorem1_limit(target, Gamma, dps=dps)


def poster_rho_inf_corrected(target, Gamma, activation, dps=30):
    """The ρ → ∞ limit as it is: the poster's value if λ₂ ≠ 0, 1 if λ₂ = 0 (odd σ)."""
    return rf.theorem1_limit_corrected(target, Gamma, activation, dps=dps)


def poster_mg_rf(mixture, rho, dps=30):
    r"""Poster, mg RF row (σ = u² + c₀, w_i ~ N(0, I/d), Σ = I):
    :math:`1/(1 + \frac{\rho}{1+2\rho}\cdot\frac{\tilde r(\Delta)^2}{2d})`, r̃ read as tr —
    eq. (17)'s RF row as printed.
    """
    return rf.eq17_rf_risk(mixture, rho, dps=dps)


def poster_mg_rf_corrected(mixture, rho, dps=30):
    """The row as it follows from Theorem 4 (c₀ = −1): ρ/(1+ρ) instead of ρ/(1+2ρ)."""
    return rf.eq17_rf_risk_corrected(mixture, rho, dps=dps)


# ---------------------------------------------------------------------------------------------

def _cor1_call(formula, case, target, G, ctx):
    return formula(target, G, case["rho"], ctx.dps)


def _eq10_quadratic(case, model, G, ctx):
    return rf.theorem1_risk(model, G, case["rho"], "x^2-1", dps=ctx.dps)


POSTER_THM1_CASES = [
    {"label": "isotropic Γ, ρ=0.5", "activation": "x^2-1", "Gamma": "iso", "rho": 0.5},
    {"label": "Γ ∝ B, ρ=2", "activation": "x^2-1", "Gamma": "aligned", "rho": 2.0},
]

_E12 = rf.eq12_expr()

claim(
    id="poster.thm1",
    source="poster, Theorem 1 (random features, σ(x) = x² − 1)",
    statement=r"R_{\mathrm{RF},N}(f_*) = \|f_*\|_{L_2}^2 \left[ 1 - \frac{\rho d \langle \mathbf{B}, "
              r"\mathbf{\Gamma} \rangle^2}{\|\mathbf{B}\|_F^2 (1 + \rho d \|\mathbf{\Gamma}\|_F^2)} "
              r"+ o_{d,\mathbb{P}}(1) \right]",
    method="as cor1.eq12 (the same formula), under the paper's hypotheses (E f* = 0, Tr Γ = 1, "
           "which the poster leaves to [5]): (i) derived from eq. (10) (SymPy), checked against "
           "Theorem 1 numerically to dps − 5 digits; (ii) exact finite-d RF risk for σ = x² − 1, "
           f"isotropic Γ (ρ = 0.5) and Γ ∝ B (ρ = 2), {ev.sizes_text()}",
    printed=poster_theorem1,
    evidence=lambda ctx: ev.sweep(ctx, "poster.thm1", POSTER_THM1_CASES, ev.qf_model, ev.qf_gamma),
    compare=lambda f, data, ctx: ev.compare_sweep(
        f, data, ctx, _cor1_call, derived=_eq10_quadratic, psi_of=ev.psi_theorem1,
        proof={"closed_form": "eq. (10) with σ = x² − 1: λ₂ = 2, ψ = ρ/2 (derived)",
               "result": sp.sstr(rf.derive_corollary1()) + " ≡ the poster's Theorem 1",
               "relative_to": "Theorem 1 of the paper, eq. (10)"}),
    graded=("rel+5%", "rel-5%", "rel+2%", "rel-2%"),
    mutants=(
        mu.expr_mutant("1 → 2 in the denominator", _E12.subs(1 + S.rho * S.d * S.GF,
                                                             2 + S.rho * S.d * S.GF), "cor1"),
        mu.expr_mutant("d → d+1", _E12.subs(S.d, S.d + 1), "cor1"),
    ),
)


def _limit_call(formula, case, model, G, ctx):
    return formula(model, G, case["activation"], ctx.dps)


_EQ11_DERIVED = {True: rf.derive_eq11(0), False: rf.derive_eq11()}


def _theorem1_limit(case, model, G, ctx):
    zero = rf.hermite_data(case["activation"], dps=ctx.dps)["lambda2_is_zero"]
    return mu.evaluate(_EQ11_DERIVED[zero], model=model, Gamma=G, dps=ctx.dps)


POSTER_LIMIT_CASES = [
    {"label": "x²−1, isotropic Γ", "activation": "x^2-1", "Gamma": "iso"},
    {"label": "relu_centered, two-level Γ", "activation": "relu_centered", "Gamma": "two-level"},
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
    method="as thm1.eq11: (i) the symbolic ρ → ∞ limit of eq. (10); (ii) exact finite-d RF "
           f"risks at large ρ (d = {ev.LIMIT_SIZES['default'][0]}, "
           f"ρ ∈ {ev.LIMIT_SIZES['default'][1]}) for x² − 1 and centred ReLU; (iii) exact "
           "finite-d risks for tanh (λ₂ = 0), which are 1",
    printed=poster_rho_inf,
    evidence=lambda ctx: ev.limit_evidence(ctx, "poster.rho_inf_any_activation",
                                           ev.resolved(POSTER_LIMIT_CASES), ev.qf_model,
                                           ev.qf_gamma, _theorem1_limit),
    compare=lambda f, data, ctx: ev.compare_limit(f, data, ctx, _limit_call),
    corrected=poster_rho_inf_corrected,
    corrected_statement=r"\text{for any activation with } \lambda_2 \neq 0 \text{ (the limit is "
                        r"then independent of } \sigma\text{); for } \lambda_2 = 0 \text{ (odd } "
                        r"\sigma) \text{ the normalised risk is } 1",
    graded=("rel+5%", "rel-5%", "rel+2%", "rel-2%"),
    note="Independence of σ holds among activations with λ₂ ≠ 0; odd activations never beat "
         "f = 0 on the (even) quadratic target.",
)


def _mg_call(formula, case, model, G, ctx):
    return formula(model, case["rho"], ctx.dps)


def _eq15_quadratic(case, model, G, ctx):
    """Eq. (15) for σ = x² − 1 at Σ = I, Γ = I/d exactly: ζ₁ = 1/2, ζ₂ = d(Tr Δ/d)²/4, δ₁."""
    inv = rf.invariants(model)
    d, tr = inv["d"], inv["trDelta"]
    h = rf.hermite_data("x^2-1", dps=ctx.dps + 10)
    return rf.theorem4_risk_from_data(case["rho"], h["lambda1"], h["lambda2"], h["lambda_tilde"],
                                      point_mass(1), Fraction(d, 2) * Fraction(1, d) ** 2 * d,
                                      Fraction(d, 4) * (tr / d) ** 2, dps=ctx.dps)


POSTER_MG_CASES = [
    {"label": "Σ = I, Γ = I/d, c₀ = −1, ρ=1", "activation": "x^2-1", "Sigma": "I", "Gamma": "iso",
     "rho": 1.0, "family": "smooth_mg"},
    {"label": "Σ = I, Γ = I/d, c₀ = −1, ρ=2", "activation": "x^2-1", "Sigma": "I", "Gamma": "iso",
     "rho": 2.0, "family": "smooth_mg"},
]

_E17C = rf.eq17_rf_corrected_expr()

claim(
    id="poster.mg_rf",
    source="poster, Mixture of Gaussians, RF row",
    statement=r"R_{\mathrm{RF},N}(\mathbb{P}_{I,\Delta}) \approx \frac{1}{1 + \frac{\rho}{1+2\rho}"
              r"\cdot\frac{\tilde r(\Delta)^2}{2d}} \quad (\tilde r \text{ read as tr})",
    method="as eq17.rf: exact finite-d RF risk for the mixture (Σ = I, Δ = diag(2, 1.5, 1, …)/√d) "
           "with σ = u² + c₀ at c₀ = −1 (the only c₀ for which the RF risk does not tend to 1: "
           f"the RF model has no offset), w_i ~ N(0, I/d), ρ ∈ {{1, 2}}, {ev.sizes_text()}; the "
           "corrected row is derived from Theorem 4 (SymPy) and checked against it numerically",
    printed=poster_mg_rf,
    evidence=lambda ctx: ev.sweep(ctx, "poster.mg_rf", POSTER_MG_CASES, ev.mg_model, ev.mg_gamma),
    compare=lambda f, data, ctx: ev.compare_sweep(
        f, data, ctx, _mg_call, derived=_eq15_quadratic,
        proof={"closed_form": "eq. (15) with Σ = I, Γ = I/d: ζ₁ = 1/2, ζ₂ = Tr(Δ)²/(4d); "
                              "σ = x² − 1: λ₂ = 2, ψ = ρ/2",
               "result": sp.sstr(rf.derive_eq17_rf()),
               "relative_to": "Theorem 4 of the paper, eq. (15)"}),
    corrected=poster_mg_rf_corrected,
    corrected_statement=r"R_{\mathrm{RF},N}(\mathbb{P}_{I,\Delta}) \approx \frac{1}{1 + "
                        r"\frac{\rho}{1+\rho}\cdot\frac{\mathrm{Tr}(\Delta)^2}{2d}} \quad (c_0 = -1)",
    graded=("rel+5%", "rel-5%", "rel+2%", "rel-2%"),
    mutants=(
        mu.expr_mutant("ρ/(1+ρ) → ρ/(1+2ρ)", _E17C.subs(S.rho / (1 + S.rho),
                                                       S.rho / (1 + 2 * S.rho)), "eq17",
                       "corrected"),
        mu.expr_mutant("d → d+1", _E17C.subs(S.d, S.d + 1), "eq17", "corrected"),
    ),
    note="Same ρ/(1+2ρ) slip as the paper's eq. (17); and for c₀ ≠ −1 (λ₀ ≠ 0) the exact RF "
         "risk tends to 1 instead.",
)

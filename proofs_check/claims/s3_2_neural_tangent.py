r"""§3.2 (Theorem 5) and the NT row of eq. (17): the NT model on the Gaussian mixture.

Evidence: the exact finite-d NT risk :func:`lazysym.nt.nt_risk_mixture` (normal equations on the
tangent space 𝒯(W) with every term, solved by Sherman–Morrison + conjugate gradients to relative
residual 1e-12) for explicit draws of W and of the mixture. It never uses Theorem 5: the formula
drops the Tr(SΔSΔ) part of the covariance, whose relative size is ‖Δ̃‖²_op = O(1/d) under M2, so
the printed displays should be exact up to an O(1/d) error, checked here with
``compare_asymptotic`` over d = 25…200 (400, 800 with ``--thorough``).

Mixtures: the paper's §4 one (Σ = I, Δ diagonal with entries from {2, 1.5, 1}/√d), a traceless one
(same magnitudes, random signs), a GOE one (Δ = G/d, ‖Δ‖_op ≈ 2/√d), and, for the first display,
a non-identity Σ (diagonal, entries uniform in [1, 3]).
"""

from __future__ import annotations

import functools

import numpy as np

from lazysym.nt import (
    nt_risk_mixture,
    theorem5_kappa,
    theorem5_kappa_risk,
    theorem5_risk,
    theorem5_risk_rho_ge_1,
)
from lazysym.objects.models import GaussianMixture
from proofs_check.registry import Context, claim
from proofs_check.evidence.legacy import compare_asymptotic


def _delta(kind: str, d: int, rng) -> np.ndarray:
    if kind == "paper":
        return np.diag(rng.choice(np.array([2.0, 1.5, 1.0]), size=d) / np.sqrt(d))
    if kind == "traceless":
        v = rng.choice(np.array([2.0, 1.5, 1.0]), size=d) / np.sqrt(d)
        return np.diag(v * rng.choice(np.array([-1.0, 1.0]), size=d))
    if kind == "GOE":
        G = rng.standard_normal((d, d))
        return (G + G.T) / np.sqrt(2.0) / d
    raise ValueError(kind)


def _sizes(ctx: Context):
    return ctx.pick([25, 50, 100, 200], [25, 50, 100, 200, 400, 800])


# --------------------------------------------------------------------------------------------
# first display: the formula for a given W (general Σ)
# --------------------------------------------------------------------------------------------

@functools.lru_cache(maxsize=2)
def _given_w_evidence(seed: int, thorough: bool) -> dict:
    ctx = Context(seed=seed, thorough=thorough)
    ds = _sizes(ctx)
    cases = []
    for d in ds:
        rows = []
        for kind, sig in (("paper", "I"), ("GOE", "diag U[1,3]"), ("traceless", "diag U[1,3]")):
            for rho in (0.25, 0.5, 0.75):
                rng = ctx.rng("thm5.W", kind, d, rho)
                Sigma = np.eye(d) if sig == "I" else np.diag(rng.uniform(1.0, 3.0, size=d))
                mix = GaussianMixture(Sigma, _delta(kind, d, rng))
                N = int(round(rho * d))
                W = rng.standard_normal((d, N)) / np.sqrt(d)
                rows.append({"W": W, "mixture": mix, "exact": nt_risk_mixture(W, mix)})
            # a W far from isotropic: N/2 columns along the top eigenvectors of Δ̃, plus noise
            rng = ctx.rng("thm5.W", kind, d, "aligned")
            Sigma = np.eye(d) if sig == "I" else np.diag(rng.uniform(1.0, 3.0, size=d))
            mix = GaussianMixture(Sigma, _delta(kind, d, rng))
            ev, V = np.linalg.eigh(mix.delta_tilde)
            N = d // 2
            top = V[:, np.argsort(-np.abs(ev))[: N // 2]]
            Wt = np.hstack([top, rng.standard_normal((d, N - N // 2)) / np.sqrt(d)])
            W = np.linalg.solve(mix.sigma_sqrt, Wt)
            rows.append({"W": W, "mixture": mix, "exact": nt_risk_mixture(W, mix)})
        cases.append(rows)
    return {"ds": ds, "cases": cases}


def given_w_evidence(ctx: Context) -> dict:
    ctx.progress("exact NT mixture risks for given W")
    return _given_w_evidence(ctx.seed, ctx.thorough)


# The neglected term has relative size ‖Δ̃‖²_op ≤ 4/d·(max Σ⁻¹) under these mixtures; the measured
# mean error is ≈ 0.7/d (3.4e-3 at d = 200, rate ≈ 1). 1e-2 at d = 200 is 2/d: ~3× the measured
# error, while a formula off by O(1) (or by 1.1·x + 0.05) cannot get there.
MG_MAX_FINAL = 1e-2


def _compare_given_w(formula, data, ctx):
    exact = [np.array([c["exact"] for c in rows]) for rows in data["cases"]]
    form = [np.array([float(formula(c["W"], c["mixture"])) for c in rows]) for rows in data["cases"]]
    return compare_asymptotic(data["ds"], exact, form, max_final=MG_MAX_FINAL)


claim(
    id="thm5.W",
    source="§3.2, Theorem 5 (first display)",
    statement=r"R_{\mathrm{NT},N}(\mathbb{P}_{\mathbf{\Sigma},\mathbf{\Delta}}) = \frac{2}{2 + "
              r"\|\tilde{\mathbf{\Delta}}\|_F^2 - \|\mathbf{P}_{\perp} \tilde{\mathbf{\Delta}} "
              r"\mathbf{P}_{\perp}\|_F^2} + o_d(1),\quad \tilde{\mathbf{\Delta}} = "
              r"\mathbf{\Sigma}^{-1/2}\mathbf{\Delta}\mathbf{\Sigma}^{-1/2},\ \mathbf{P}_{\perp} = "
              r"\mathbf{I} - \mathbf{\Sigma}^{1/2}\mathbf{W}(\mathbf{W}^T\mathbf{\Sigma}\mathbf{W})^{-1}"
              r"\mathbf{W}^T\mathbf{\Sigma}^{1/2}",
    method="exact finite-d NT risk (normal equations on 𝒯(W), every term) for given W: Gaussian W "
           "at ρ ∈ {0.25, 0.5, 0.75} and a W aligned with Δ̃; Σ = I and Σ diagonal in [1, 3]; "
           "three Δ families; d = 25…200",
    printed=theorem5_risk,
    evidence=given_w_evidence,
    compare=_compare_given_w,
)


# --------------------------------------------------------------------------------------------
# second display (κ), the ρ ≥ 1 case, and eq. (17): Σ = I, w_i ~ N(0, I/d)
# --------------------------------------------------------------------------------------------

@functools.lru_cache(maxsize=2)
def _isotropic_evidence(seed: int, thorough: bool, rhos: tuple) -> dict:
    ctx = Context(seed=seed, thorough=thorough)
    ds = _sizes(ctx)
    cases = []
    for d in ds:
        rows = []
        for kind in ("paper", "traceless", "GOE"):
            rng = ctx.rng("thm5.iso", kind, d)
            mix = GaussianMixture(np.eye(d), _delta(kind, d, rng))
            for rho in rhos:
                N = int(round(rho * d))
                for draw in range(2):
                    W = ctx.rng("thm5.iso.W", kind, d, rho, draw).standard_normal((d, N)) / np.sqrt(d)
                    rows.append({"rho": N / d, "Delta": mix.Delta, "exact": nt_risk_mixture(W, mix)})
        cases.append(rows)
    return {"ds": ds, "cases": cases}


def kappa_evidence(ctx: Context) -> dict:
    ctx.progress("exact NT mixture risks, Σ = I, isotropic W, ρ ∈ {0.25, 0.5, 0.75, 1.5}")
    return _isotropic_evidence(ctx.seed, ctx.thorough, (0.25, 0.5, 0.75, 1.5))


def rho_ge_1_evidence(ctx: Context) -> dict:
    ctx.progress("exact NT mixture risks, Σ = I, isotropic W, ρ ∈ {1, 1.5, 3}")
    return _isotropic_evidence(ctx.seed, ctx.thorough, (1.0, 1.5, 3.0))


# Beyond the O(1/d) neglected term, the κ form replaces ‖P⊥ΔP⊥‖²_F by its Haar mean; its
# fluctuation over W is O(1/d) too (measured mean error ≈ 0.7/d–1/d, 3–5e-3 at d = 200, rate ≈ 1).
# Same allowance as MG_MAX_FINAL (2/d at d = 200).
def _compare_rho_delta(formula, data, ctx):
    exact = [np.array([c["exact"] for c in rows]) for rows in data["cases"]]
    form = [np.array([float(formula(c["rho"], c["Delta"])) for c in rows]) for rows in data["cases"]]
    return compare_asymptotic(data["ds"], exact, form, max_final=MG_MAX_FINAL)


def _compare_delta(formula, data, ctx):
    exact = [np.array([c["exact"] for c in rows]) for rows in data["cases"]]
    form = [np.array([float(formula(c["Delta"])) for c in rows]) for rows in data["cases"]]
    return compare_asymptotic(data["ds"], exact, form, max_final=MG_MAX_FINAL)


claim(
    id="thm5.kappa",
    source="§3.2, Theorem 5 (second display)",
    statement=r"R_{\mathrm{NT},N}(\mathbb{P}_{\mathbf{I},\mathbf{\Delta}}) = \frac{2}{2 + "
              r"\kappa(\rho, \mathbf{\Delta}) \|\mathbf{\Delta}\|_F^2} + o_{d,\mathbb{P}}(1),\quad "
              r"\kappa(\rho, \mathbf{\Delta}) = 1 - (1 - \rho)_+^2 \left(1 - "
              r"\frac{\mathrm{Tr}(\mathbf{\Delta})^2}{d \|\mathbf{\Delta}\|_F^2}\right) - (1 - \rho)_+ "
              r"\frac{\mathrm{Tr}(\mathbf{\Delta})^2}{d \|\mathbf{\Delta}\|_F^2}",
    method="exact finite-d NT risk for two draws of W ~ N(0, I/d) per case, Σ = I, three Δ "
           "families, ρ ∈ {0.25, 0.5, 0.75, 1.5}, d = 25…200",
    printed=lambda rho, Delta: theorem5_kappa_risk(rho, Delta),
    evidence=kappa_evidence,
    compare=_compare_rho_delta,
)

claim(
    id="thm5.rho_ge_1",
    source="§3.2, Theorem 5 (ρ ≥ 1)",
    statement=r"R_{\mathrm{NT},N}(\mathbb{P}_{\mathbf{I},\mathbf{\Delta}}) = \frac{1}{1 + "
              r"\|\mathbf{\Delta}\|_F^2/2} + o_{d,\mathbb{P}}(1) \quad (\rho \geq 1)",
    method="exact finite-d NT risk for two draws of W ~ N(0, I/d) per case, Σ = I, three Δ "
           "families, ρ ∈ {1, 1.5, 3}, d = 25…200",
    printed=lambda Delta: theorem5_risk_rho_ge_1(Delta),
    evidence=rho_ge_1_evidence,
    compare=_compare_delta,
)


def _eq17_printed(rho, Delta):
    Delta = np.asarray(Delta, float)
    return 1.0 / (1.0 + float(theorem5_kappa(rho, Delta)) * float(np.sum(Delta * Delta)) / 2.0)


claim(
    id="eq17.nt",
    source="§3.3, eq. (17), NT row",
    statement=r"R_{\mathrm{NT},N}(\mathbb{P}_{\mathbf{I},\mathbf{\Delta}}) \approx \frac{1}{1 + "
              r"\kappa(\rho, \mathbf{\Delta}) \|\mathbf{\Delta}\|_F^2/2}",
    method="same evidence as thm5.kappa (exact finite-d NT risks, Σ = I, W ~ N(0, I/d))",
    printed=_eq17_printed,
    evidence=kappa_evidence,
    compare=_compare_rho_delta,
)

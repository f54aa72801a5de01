r"""The instances of the random-features evidence (§2.1, §3.1 and the poster): targets B,
covariances Γ, Σ, Δ — deterministic in d; only W is random (:func:`draw_w`). Re-exported by
:mod:`proofs_check.evidence.rf`, whose sweeps and ρ → ∞ evidence use them.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from lazysym.objects.activations import Activation, activation
from lazysym.objects.models import GaussianMixture, QuadraticTarget, paper_quadratic_target
from proofs_check.registry import Context

__all__ = ["b_profile", "b_rotated", "b_trace_zero", "delta_pattern", "draw_w", "gamma_aligned",
           "gamma_iso", "gamma_two_level", "mg_gamma", "mg_model", "qf_gamma", "qf_model",
           "resolve", "resolved", "sigma_two_level"]


def b_profile(d: int) -> np.ndarray:
    """B = diag(0.5 + (k + 1/2)/d), k < d: spectrum uniform on [0.5, 1.5] (B ⪰ 0, Tr B = d)."""
    return np.diag(0.5 + (np.arange(d) + 0.5) / d)


def b_rotated(d: int, ctx: Context) -> np.ndarray:
    """Q·b_profile·Qᵀ with a Haar rotation Q fixed by (seed, d): a non-diagonal target."""
    Q, R = np.linalg.qr(ctx.rng("rf.B-rotation", d).standard_normal((d, d)))
    Q = Q * np.sign(np.diag(R))[None, :]
    return Q @ b_profile(d) @ Q.T


def b_trace_zero(d: int) -> np.ndarray:
    """B = diag(b_k·s_k) with alternating signs s_k = ±1 on pairs of equal b_k: Tr B = 0 exactly."""
    half = (np.arange(d) // 2 + 0.5) / ((d + 1) // 2)
    s = np.where(np.arange(d) % 2 == 0, 1.0, -1.0)
    if d % 2:
        s[-1] = 0.0
    return np.diag((0.5 + half) * s)


def gamma_iso(d: int) -> np.ndarray:
    """Γ = I/d (isotropic; Tr Γ = 1)."""
    return np.eye(d) / d


def gamma_two_level(d: int, Sigma: np.ndarray | None = None) -> np.ndarray:
    """Γ ∝ diag(0.4 on the first half, 1.6 on the second), normalised by Tr Γ = 1 (A2) or,
    with ``Sigma``, by Tr(ΓΣ) = 1 (B2). Anisotropic and partially aligned with :func:`b_profile`.
    """
    G = np.diag(np.where(np.arange(d) < d // 2, 0.4, 1.6))
    norm = np.trace(G) if Sigma is None else float(np.sum(G * Sigma))
    return G / norm


def gamma_aligned(B: np.ndarray) -> np.ndarray:
    """Γ = B/Tr B (the optimal Γ* ∝ B of §1.1, for B ⪰ 0)."""
    return B / np.trace(B)


def delta_pattern(d: int) -> np.ndarray:
    """§4's Δ with the random choice replaced by a cycle: diag(2, 1.5, 1, 2, 1.5, 1, …)/√d (M2)."""
    return np.diag(np.array([2.0, 1.5, 1.0])[np.arange(d) % 3] / np.sqrt(d))


def sigma_two_level(d: int) -> np.ndarray:
    """Σ = diag(0.7, 1.3, 0.7, 1.3, …) (M1 with c₁ = 0.7, c₂ = 1.3)."""
    return np.diag(np.where(np.arange(d) % 2 == 0, 0.7, 1.3))


def draw_w(G: np.ndarray, N: int, rng: np.random.Generator) -> np.ndarray:
    """W ∈ R^{d×N} with i.i.d. N(0, Γ) columns."""
    d = G.shape[0]
    if np.count_nonzero(G - np.diag(np.diag(G))) == 0:
        root = np.diag(np.sqrt(np.maximum(np.diag(G), 0.0)))
    else:
        ev, V = np.linalg.eigh(G)
        root = (V * np.sqrt(np.maximum(ev, 0.0))) @ V.T
    return root @ rng.standard_normal((d, N))


def qf_model(case: dict, d: int, ctx: Context) -> QuadraticTarget:
    """A centred QuadraticTarget from ``case['B']`` ∈ {"profile", "rotated", "trace0", "paper"}."""
    kind = case.get("B", "profile")
    if kind == "paper":
        return paper_quadratic_target(d, ctx.rng("rf.paper-B", d))
    B = {"profile": lambda: b_profile(d), "rotated": lambda: b_rotated(d, ctx),
         "trace0": lambda: b_trace_zero(d)}[kind]()
    return QuadraticTarget(B)


def qf_gamma(case: dict, d: int, target: QuadraticTarget) -> np.ndarray:
    """Γ from ``case['Gamma']`` ∈ {"iso", "two-level", "aligned"}."""
    kind = case.get("Gamma", "iso")
    if kind == "aligned":
        return gamma_aligned(target.B)
    return {"iso": gamma_iso, "two-level": gamma_two_level}[kind](d)


def mg_model(case: dict, d: int, ctx: Context) -> GaussianMixture:
    """Σ from ``case['Sigma']`` ∈ {"I", "two-level"}, Δ = :func:`delta_pattern`."""
    S = np.eye(d) if case.get("Sigma", "I") == "I" else sigma_two_level(d)
    return GaussianMixture(S, delta_pattern(d))


def mg_gamma(case: dict, d: int, model: GaussianMixture) -> np.ndarray:
    """Γ from ``case['Gamma']`` ∈ {"iso" (I/Tr Σ), "two-level"}, normalised by Tr(ΓΣ) = 1 (B2)."""
    if case.get("Gamma", "iso") == "iso":
        return np.eye(d) / np.trace(model.Sigma)
    return gamma_two_level(d, model.Sigma)


def resolve(name: str) -> Activation | str:
    """The exact RF module's closed-form name for ``"x^2-1"``; an Activation otherwise (a name of
    :mod:`lazysym.objects.activations` or an expression in x, parsed by the package's whitelist
    parser through :func:`lazysym.objects.activations.activation`).
    """
    return name if name == "x^2-1" else activation(name)


def resolved(cases: Sequence[dict]) -> list[dict]:
    """The case table with each ``activation`` resolved by :func:`resolve`."""
    return [{**c, "activation": resolve(c["activation"])} for c in cases]

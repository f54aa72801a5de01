r"""Exact anchors of the random-features evidence (§2.1, §3.1): checks that the *evidence*
itself (the exact RF solver, its kernels, the certified ψ of eq. (9)/(14)) is right, at small
instances where an independent exact or high-precision computation from the definitions exists.
The statistical rules of :mod:`proofs_check.evidence.rf` cannot see an O(1/d) or a 1 % error of
the evidence; these do (exact or deterministic: no false flips).

* :func:`rational_rf_risk` / :func:`rf_anchor` — the exact RF risk of σ = x² − 1 as a Fraction
  (Isserlis), against :func:`lazysym.rf.exact.rf_solve`;
* :func:`kernel_anchor` — the RF Gram diagonal and cross moments against one-dimensional Gaussian
  quadrature, for any activation;
* :func:`psi_bracket_check` — the certified ψ bracket re-checked in exact rational arithmetic.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from fractions import Fraction
from typing import Any

import mpmath
import numpy as np

from lazysym import rf
from lazysym.objects.models import GaussianMixture, QuadraticTarget
from lazysym.rf.exact import rf_solve
from proofs_check.registry import Context

__all__ = ["ANCHOR_DN", "ANCHOR_TOL", "KERNEL_TOL", "anchor_criteria", "kernel_anchor",
           "psi_bracket_check",
           "psi_theorem1", "psi_theorem4", "rational_rf_risk", "rf_anchor"]


#: Float64 allowance of the anchor, on top of the solver's own error bound: the rational value
#: is exact; the solver's Cholesky/eigen solve of a 4×4 Gram carries ~1e-16 relative
#: round-off (measured ≤ 1.1e-16 at the nine sweeps' anchors, seed 0).
ANCHOR_TOL = 1e-12
#: Relative tolerance of :func:`kernel_anchor`: the closed-form kernels are float64 (~1e-16),
#: the Hermite series are truncated where their Parseval bound is below float64 round-off, the
#: quadrature carries 16 digits; measured ≤ 3.2e-16 (relu, tanh, x² − 1; qf and mg; seed 0).
KERNEL_TOL = 1e-12
#: (d, N) of the exact rational anchor of :func:`rf_anchor`.
ANCHOR_DN = (12, 4)


def rational_rf_risk(W: Any, model: QuadraticTarget | GaussianMixture) -> Fraction:
    r"""The normalised population RF risk of σ = x² − 1 (eq. (2), no offset) as an exact
    Fraction, from the definitions only (not :mod:`lazysym.rf.exact`): the features are the
    quadratics φᵢ = xᵀ(wᵢwᵢᵀ)x − 1; for x ~ N(0, C), Isserlis gives E φᵢ = wᵢᵀCwᵢ − 1 and
    Cov(φᵢ, φⱼ) = 2(wᵢᵀCwⱼ)². qf (C = I, y = b₀ + xᵀBx): Kᵢⱼ = E φᵢφⱼ,
    bᵢ = (b₀ + Tr B)(wᵢᵀwᵢ − 1) + 2wᵢᵀBwᵢ, E y² = (b₀ + Tr B)² + 2‖B‖²_F; mg (y = ±1 w.p. ½,
    C_y = Σ − yΔ): Kᵢⱼ and bᵢ = E yφᵢ averaged over the two classes, E y² = 1. The normal
    equations K a = b are solved exactly (K invertible for N ≤ d(d+1)/2 generic wᵢ);
    R/E y² = 1 − bᵀa/E y². Float64 inputs are taken as the binary rationals they are.
    """
    from proofs_check.evidence.nt import frac_matrix, solve_fractions

    Wf = frac_matrix(np.asarray(W, dtype=float).T)          # rows = wᵢ
    N, d = len(Wf), len(Wf[0])

    def quad(u, C, v):
        return sum((u[a] * C[a][c] * v[c] for a in range(d) for c in range(d) if C[a][c]),
                   Fraction(0))

    if isinstance(model, GaussianMixture):
        Sg, Dl = frac_matrix(model.Sigma), frac_matrix(model.Delta)
        classes = [(y, [[Sg[a][c] - y * Dl[a][c] for c in range(d)] for a in range(d)])
                   for y in (1, -1)]
        K = [[Fraction(0)] * N for _ in range(N)]
        b = [Fraction(0)] * N
        for y, C in classes:
            m = [quad(w, C, w) - 1 for w in Wf]
            for i in range(N):
                b[i] += Fraction(y, 2) * m[i]
                for j in range(N):
                    K[i][j] += (m[i] * m[j] + 2 * quad(Wf[i], C, Wf[j]) ** 2) / 2
        ey2 = Fraction(1)
    else:
        B = frac_matrix(model.B)
        eye = [[Fraction(int(a == c)) for c in range(d)] for a in range(d)]
        mean_y = Fraction(float(model.b0)) + sum((B[a][a] for a in range(d)), Fraction(0))
        m = [quad(w, eye, w) - 1 for w in Wf]
        K = [[m[i] * m[j] + 2 * quad(Wf[i], eye, Wf[j]) ** 2 for j in range(N)]
             for i in range(N)]
        b = [mean_y * m[i] + 2 * quad(Wf[i], B, Wf[i]) for i in range(N)]
        ey2 = mean_y ** 2 + 2 * sum((x * x for row in B for x in row), Fraction(0))
    a = solve_fractions(K, b)
    return 1 - sum((bi * ai for bi, ai in zip(b, a)), Fraction(0)) / ey2


def rf_anchor(ctx: Context, cid: str, cases: Sequence[dict], model_of: Callable, *,
              solver: bool = True) -> dict[str, Any]:
    """Anchors of the exact RF evidence at one small instance of the model family of
    ``cases[0]`` (d, N = :data:`ANCHOR_DN`, W with dyadic entries drawn from ``ctx.rng``):

    * the exact RF solver against :func:`rational_rf_risk` (σ = x² − 1): ``solver``,
      ``rational``, ``bound`` (the solver's own error bound, normalised);
    * ``kernels``: for each activation of the cases (other than x² − 1 when the solver is
      anchored), :func:`kernel_anchor` on the first two neurons (the kernel's diagonal and cross
      moments against Gaussian quadrature).

    ``solver=False`` (the ρ → ∞ claims): the kernels only, for every activation.
    """
    d, N = ANCHOR_DN
    model = model_of(cases[0], d, ctx)
    W = np.round(ctx.rng(cid, "anchor").standard_normal((d, N)) * 8) / 16
    kern: dict[str, float] = {}
    for case in cases:
        act = case["activation"]
        name = getattr(act, "name", act)
        if (name != "x^2-1" or not solver) and name not in kern:
            kern[name] = kernel_anchor(W[:, :1], model, act)["dev"]
    if not solver:
        return {"kernels": kern}
    sol = rf_solve(W, model, "x^2-1")
    return {"d": d, "N": N, "solver": sol.normalized_risk,
            "rational": rational_rf_risk(W, model), "bound": sol.error_bound / sol.norm2,
            "kernels": kern}


def anchor_criteria(anchor: dict | None) -> tuple[dict[str, bool], list[str]]:
    """The anchor criteria of :func:`rf_anchor`'s result (and why they fail):
    ``exact_risk_anchor`` — |solver − rational| ≤ the solver's bound + :data:`ANCHOR_TOL`;
    ``kernel_anchor`` — every kernel deviation ≤ :data:`KERNEL_TOL`.
    """
    crit: dict[str, bool] = {}
    why: list[str] = []
    if not anchor:
        return crit, why
    if "solver" in anchor:
        dev = abs(anchor["solver"] - float(anchor["rational"]))
        crit["exact_risk_anchor"] = bool(dev <= anchor["bound"] + ANCHOR_TOL)
        if not crit["exact_risk_anchor"]:
            why.append(f"the exact RF solver is {dev:.3g} off the rational risk at "
                       f"d = {anchor['d']}, N = {anchor['N']}")
    if anchor.get("kernels"):
        kdev = max(anchor["kernels"].values())
        crit["kernel_anchor"] = bool(kdev <= KERNEL_TOL)
        if not crit["kernel_anchor"]:
            why.append(f"the RF kernel is {kdev:.3g} off Gaussian quadrature")
    return crit, why


# ---------------------------------------------------------------------------------------------
# the certified ψ of eq. (9)/(14): its bracket verified independently, in exact arithmetic
# ---------------------------------------------------------------------------------------------

def _as_fraction(x: Any) -> Fraction:
    """An exact number (int, float, Fraction, mpf: binary) as a Fraction."""
    if isinstance(x, Fraction):
        return x
    if isinstance(x, mpmath.mpf):
        man, exp = x.man_exp
        return Fraction(int(man)) * 2 ** int(exp) if exp >= 0 else Fraction(int(man), 2 ** -int(exp))
    return Fraction(x)


def _bounds(p: Any, bits: int) -> tuple[Fraction, Fraction]:
    """(lo, hi) enclosing a parameter: an exact number, or an Enclosure at ``bits`` bits."""
    if hasattr(p, "bounds") and callable(p.bounds):
        lo, hi = p.bounds(bits)
        return Fraction(lo), Fraction(hi)
    v = _as_fraction(p)
    return v, v


def psi_theorem1(case: dict, model: Any, G: Any, ctx: Context) -> tuple:
    """(ρ, λ₁, λ̃, ESD of d·Γ) of eq. (9) at a qf instance (λ's as lazysym.rf encloses them)."""
    from lazysym.objects.spectra import spectrum_of_gamma
    e = rf.hermite_enclosures(case["activation"])
    return case["rho"], e["lambda1"], e["lambda_tilde"], spectrum_of_gamma(G)


def psi_theorem4(case: dict, model: Any, G: Any, ctx: Context) -> tuple:
    """(ρ, λ₁, λ̃, ESD of d·Γ^{1/2}ΣΓ^{1/2}) of eq. (14) at an mg instance."""
    from lazysym.objects.spectra import spectrum_of_gamma_sigma
    e = rf.hermite_enclosures(case["activation"])
    return case["rho"], e["lambda1"], e["lambda_tilde"], spectrum_of_gamma_sigma(G, model.Sigma)


def psi_bracket_check(rho: Any, lambda1: Any, lambda_tilde: Any, spectrum: Any,
                      dps: int) -> dict[str, Any]:
    r"""Solve eq. (9)/(14) with :func:`lazysym.objects.fixed_point.solve_psi` and verify the
    certificate it returns **independently**, in exact rational arithmetic.

    With :math:`h(\psi) = \rho - \tilde\lambda\psi - \sum_k w_k s_k/(1+s_k)`,
    :math:`s_k = \lambda_1^2 t_k\psi` (eq. (9) times ψ, strictly decreasing in ψ, and decreasing
    in λ̃ and in λ₁²), the bracket [lower, upper] (the mpf endpoints a user sees, binary
    rationals) contains the root iff h(lower) ≥ 0 ≥ h(upper). The parameters are exact numbers or
    enclosures (:func:`lazysym.rf.hermite_enclosures`, taken at dps·log₂10 + 256 bits), so the
    check uses the worst case of each: h(lower) with λ̃ and λ₁² at their upper ends,
    h(upper) at their lower ends; atoms and weights are the spectrum's exact rationals. Also
    ``verified`` must be True and upper − lower ≤ 10^{−dps}·lower (the promised width).
    Returns ``{"ok", "verified", "h_lower", "h_upper", "width_ok"}``.
    """
    from lazysym.objects.fixed_point import solve_psi

    res = solve_psi(rho, lambda1, lambda_tilde, spectrum, dps=dps)
    bits = int(dps * 3.33) + 256
    r = _bounds(rho, bits)[0]
    lt_lo, lt_hi = _bounds(lambda_tilde, bits)
    l1_lo, l1_hi = _bounds(lambda1, bits)
    sq_hi = max(l1_lo * l1_lo, l1_hi * l1_hi)
    sq_lo = Fraction(0) if l1_lo <= 0 <= l1_hi else min(l1_lo * l1_lo, l1_hi * l1_hi)
    atoms = list(zip(spectrum.values_exact, spectrum.weights_exact))

    def h(psi: Fraction, lt: Fraction, sq: Fraction) -> Fraction:
        acc = Fraction(0)
        for t, w in atoms:
            s = sq * t * psi
            acc += w * s / (1 + s)
        return r - lt * psi - acc

    lo, hi = _as_fraction(res.lower), _as_fraction(res.upper)
    h_lo, h_hi = h(lo, lt_hi, sq_hi), h(hi, lt_lo, sq_lo)
    width_ok = 0 < lo <= hi and (hi - lo) * 10 ** dps <= lo
    ok = bool(res.verified) and h_lo >= 0 >= h_hi and width_ok
    return {"ok": bool(ok), "verified": bool(res.verified), "h_lower": float(h_lo),
            "h_upper": float(h_hi), "width_ok": bool(width_ok)}


# ---------------------------------------------------------------------------------------------
# the RF kernel against one-dimensional Gaussian quadrature (any activation)
# ---------------------------------------------------------------------------------------------

def _gauss_mean(f: Callable, scale: Any, kinks: Sequence[Any]) -> Any:
    """E f(u), u ~ N(0, 1), by mpmath quadrature split at the kinks of σ(scale·u)."""
    pts = sorted({mpmath.mpf(k) / scale for k in kinks})
    return mpmath.quad(lambda u: f(u) * mpmath.exp(-u * u / 2), [-mpmath.inf, *pts, mpmath.inf]) \
        / mpmath.sqrt(2 * mpmath.pi)


def kernel_anchor(W: Any, model: QuadraticTarget | GaussianMixture, act: Any) -> dict[str, Any]:
    r"""The diagonal of the RF Gram matrix and the cross moments b of
    :func:`lazysym.rf.exact.rf_gram` against one-dimensional Gaussian quadrature (mpmath, 16
    digits), from the definitions: with u = ⟨w, x⟩/s ~ N(0, 1),

    * qf (x ~ N(0, I), s = ‖w‖): E[xᵀBx | u] = Tr B + (wᵀBw/s²)(u² − 1), so
      bᵢ = (b₀ + Tr B)·E σ(su) + (wᵀBw/s²)·E[(u² − 1)σ(su)] and Kᵢᵢ = E σ(su)²;
    * mg (s_y² = wᵀ(Σ − yΔ)w): bᵢ = ½(E σ(s₊u) − E σ(s₋u)), Kᵢᵢ = ½(E σ(s₊u)² + E σ(s₋u)²).

    Independent of the closed-form kernels and of the Hermite series (a wrong constant in a
    closed form, a scaled diagonal, a truncated series beyond its bound all show). Returns
    ``{"dev": max relative deviation, "N": N}``.
    """
    from lazysym.objects.activations import activation as _activation
    from lazysym.rf.exact import rf_gram

    a = _activation(act)
    K, b = rf_gram(W, model, act)
    W = np.asarray(W, dtype=float)
    dev = 0.0
    with mpmath.workdps(16):
        def sig(s):
            return lambda u: a.mp(s * u)

        for i in range(W.shape[1]):
            w = W[:, i]
            if isinstance(model, GaussianMixture):
                ss = [mpmath.sqrt(mpmath.mpf(float(w @ (model.Sigma - y * model.Delta) @ w)))
                      for y in (1, -1)]
                m = [_gauss_mean(sig(s), s, a.kinks) for s in ss]
                m2 = [_gauss_mean(lambda u, s=s: sig(s)(u) ** 2, s, a.kinks) for s in ss]
                bi, kii = (m[0] - m[1]) / 2, (m2[0] + m2[1]) / 2
            else:
                s = mpmath.sqrt(mpmath.mpf(float(w @ w)))
                q = mpmath.mpf(float(w @ model.B @ w)) / s ** 2
                mean = mpmath.mpf(float(model.mean))
                bi = mean * _gauss_mean(sig(s), s, a.kinks) \
                    + q * _gauss_mean(lambda u, s=s: (u * u - 1) * sig(s)(u), s, a.kinks)
                kii = _gauss_mean(lambda u, s=s: sig(s)(u) ** 2, s, a.kinks)
            scale = max(mpmath.mpf(1), abs(kii))
            dev = max(dev, float(abs(b[i] - bi) / scale), float(abs(K[i, i] - kii) / scale))
    return {"dev": dev, "N": W.shape[1]}

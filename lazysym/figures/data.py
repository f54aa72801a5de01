r"""Figures 1 and 2 of the paper, reproduced from the library's exact and asymptotic risks.

Paper: §1 (Figure 1 caption, qf), §3 (Figure 2 caption, mg), §4 (settings: d = 450,
N ∈ {45, …, 4500}, B diagonal with i.i.d. Exp(1) entries, Δ diagonal with entries in
{2, 1.5, 1}/√d, 10 draws of W per RF point).

Left frames (population limit n → ∞), risk against the number of neurons N:

* **lines** — the paper's asymptotic formulas evaluated at this d:
  qf: Corollary 1 eq. (12) for Γ = I/d and Γ = B/Tr B (:func:`lazysym.rf.corollary1_risk`),
  Theorem 2 (:func:`lazysym.nt.theorem2_risk`) and, dashed, eq. (13)'s NT row *as printed*
  (which has "+ Tr(B)²/(d‖B‖²)" where Theorem 2 has a product — an erratum, see the claim
  ``eq13.nt``), Theorem 3 (:func:`lazysym.nn.theorem3_value`);
  mg: Theorem 4 eq. (15) (:func:`lazysym.rf.theorem4_risk`), eq. (17)'s RF row as printed
  (ρ/(1+2ρ), erratum ``eq17.rf``) and corrected (ρ/(1+ρ)), Theorem 5's κ form
  (:func:`lazysym.nt.theorem5_kappa_risk`), Theorem 6 (:func:`lazysym.nn.theorem6_risk`) and the
  Bayes error (Monte Carlo MMSE, :func:`lazysym.nn.bayes_risk_mixture`, ± its CLT error).
* **dots** — exact finite-d population risks for random W (no sampling):
  RF (:func:`lazysym.rf.exact.rf_risk_quadratic_normalized`,
  :func:`~lazysym.rf.exact.rf_risk_mixture`),
  NT (:func:`lazysym.nt.nt_risk_quadratic`, :func:`~lazysym.nt.nt_risk_mixture`), mean ± one
  standard deviation over the draws of W. NN: qf — *trained*: gradient descent from a random
  Gaussian initialisation on the closed-form loss L(W, c) of §2.3 with c at its exact minimiser
  (c = Tr(B − WWᵀ) + b₀), risk evaluated with :func:`lazysym.nn.loss.population_loss`;
  mg — the exact finite-d optimum :func:`lazysym.nn.nn_risk_mixture`.

Right frames, risk against the number of samples n, at a smaller default size (stated in the
title; ``size="paper"`` gives d = 450):

* NT — least squares on n fresh samples over the NT class
  :math:`\{c + x^\top S x: S\in\mathcal T(W)\}` (the NT features of σ(x) = x², see
  :mod:`lazysym.nt`), solved in S-space: in a basis adapted to span W the class has
  p = r·d − r(r−1)/2 + 1 free coefficients (r = rank W) instead of N·d + 1 redundant ones. For
  n < p the minimum-norm solution (Hermite-normalised coordinates) is returned, so the curve
  shows the interpolation peak at n ≈ p. Small p: normal equations accumulated in chunks and an
  eigendecomposition (pseudo-inverse); large p: matrix-free CGLS. The risk of the fit is exact
  (Isserlis, no test sample).
* NN — one-pass SGD with mini-batches of 100 (every sample used once: n = steps × batch), step
  ε₀ for the first quarter of the steps, then ε₀/3, ε₀/9, ε₀/27 (a constant step stalls at a
  noise floor ∝ ε; Theorem 3 takes ε → 0), 10⁷ samples at the default size; qf with
  :func:`lazysym.nn.training.sgd` (exact L recorded), mg with a private one-pass SGD on
  :math:`\sum_i a_i\langle w_i,x\rangle^2 + c` (exact risk by
  :func:`lazysym.nn.mixture_quadratic_risk`).
* dashed — the n → ∞ limits for the same W: the exact population NT risk and the NN optimum.

Every random draw comes from ``seed`` (independent streams by :class:`numpy.random.SeedSequence`).
This module computes what is plotted; :mod:`lazysym.figures.plot` draws it.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TypeAlias, TypedDict

import numpy as np

from lazysym import nn as _nn
from lazysym import nt as _nt
from lazysym import rf as _rf
from lazysym._linalg import psd_sqrt
from lazysym.errors import check
from lazysym.nn.training import (
    nn_gradient_descent,
    random_init,
    sgd_mixture,
    sgd_staged,
)
from lazysym.nt.sampled import NTFeatures, nt_least_squares
from lazysym.objects.models import (
    paper_mixture,
    paper_quadratic_target,
)
from lazysym.rf import exact as _rx

__all__ = ['DEFAULT_RHOS', 'DEFAULT_NS', 'RIGHT_SIZES', 'FrameData', 'figure1_left_data',
           'figure2_left_data', 'figure1_right_data', 'figure2_right_data']

#: A progress callback: called with one message per step.
Progress: TypeAlias = Callable[[str], object]


#: N values of the exact dots in the left frames (§4: N ∈ {45, …, 4500} at d = 450), as ρ = N/d.
DEFAULT_RHOS = (0.1, 0.2, 0.5, 1.0, 2.0, 4.0, 10.0)


DEFAULT_NS = tuple(int(round(r * 450)) for r in DEFAULT_RHOS)


class _RightSize(TypedDict):
    d: int
    Ns: tuple[int, ...]
    nt_max_factor: int
    sgd_batch: int
    nn_samples: int


#: Right-frame sizes. "default" runs within minutes on 2 shared cores; "paper" is §4's d = 450.
RIGHT_SIZES: dict[str, _RightSize] = {
    "default": dict(d=60, Ns=(15, 30), nt_max_factor=20, sgd_batch=100, nn_samples=10_000_000),
    # paper: NT CGLS keeps the rotated samples, n·d floats (n ≤ 5p: 0.35 GB at N = 45, 0.66 GB
    # at N = 90); not run to completion here (estimated hours: O(n·r·d) per CGLS iteration)
    "paper": dict(d=450, Ns=(45, 90), nt_max_factor=5, sgd_batch=100, nn_samples=20_000_000),
}


_COLORS = {"RF": "tab:blue", "RF*": "tab:purple", "NT": "tab:orange", "NN": "tab:green",
           "Bayes": "black"}


def _say(progress, msg):
    if progress is not None:
        progress(msg)


def _rngs(seed, tag, k):
    """K independent Generators determined by (seed, tag)."""
    check(bool(isinstance(seed, (int, np.integer)) and seed >= 0),
          f"seed must be a non-negative integer; got {seed!r}", assumption="seed")
    ss = np.random.SeedSequence([int(seed),
                                 sum(ord(ch) << (8 * (i % 4)) for i, ch in enumerate(tag))])
    return [np.random.default_rng(s) for s in ss.spawn(k)]


def _check_sizes(d: int, Ns: Iterable[int], draws: int) -> tuple[int, list[int], int]:
    check(bool(isinstance(d, (int, np.integer)) and d >= 4), f"d must be an integer ≥ 4; got {d!r}",
          assumption="d ≥ 4")
    Ns = [int(n) for n in Ns]
    check(len(Ns) > 0 and all(n >= 1 for n in Ns), f"N values must be integers ≥ 1; got {Ns}",
          assumption="N ≥ 1")
    check(bool(isinstance(draws, (int, np.integer)) and draws >= 1),
          f"draws must be an integer ≥ 1; got {draws!r}", assumption="draws ≥ 1")
    return int(d), sorted(set(Ns)), int(draws)


@dataclass
class FrameData:
    """Everything one frame draws (so tests and readers can inspect the numbers).

    ``lines[label] = (x, y, style)``; ``dots[label] = (x, mean, sd, k)`` with k the number of
    draws per point (array); ``hlines[label] = (y, err, style)``; ``vlines[label] = (x, style)``;
    ``ylim`` the y range (None: from 0 up); ``meta`` the settings and the wall time of each part
    (seconds).
    """

    title: str
    xlabel: str
    ylabel: str
    lines: dict = field(default_factory=dict)
    dots: dict = field(default_factory=dict)
    hlines: dict = field(default_factory=dict)
    meta: dict = field(default_factory=dict)
    xlog: bool = True
    vlines: dict = field(default_factory=dict)
    ylim: tuple | None = None


def _eq13_nt_printed(rho, ratio):
    """Eq. (13), NT row, as printed: (1−ρ)₊² + ρ(1−ρ)₊ + Tr(B)²/(d‖B‖²) (erratum ``eq13.nt``)."""
    p = max(1.0 - rho, 0.0)
    return p * p + rho * p + ratio


def _line_grid(Ns, d, k=70):
    lo, hi = min(Ns), max(Ns)
    grid = np.unique(np.round(np.geomspace(lo, hi, k)).astype(int)) if hi > lo else np.array([lo])
    # include N = d exactly (the kink of the NT/NN curves)
    if lo <= d <= hi:
        grid = np.unique(np.append(grid, [d - 1, d, d + 1]).clip(lo, hi))
    return grid


def _draw_W(rng, d, N, Gamma_sqrt=None):
    G = rng.standard_normal((d, N))
    return G / math.sqrt(d) if Gamma_sqrt is None else Gamma_sqrt @ G




def figure1_left_data(*, d: int = 450, Ns: Iterable[int] = DEFAULT_NS, draws: int = 10,
                      draws_largest: int = 3, nn_Ns: Sequence[int] | None = None, seed: int = 0,
                      progress: Progress | None = None, dps: int = 15) -> FrameData:
    r"""The data of Figure 1, left frame (qf, §1 and §2): normalised risks against N.

    Parameters
    ----------
    d : dimension (paper: 450).
    Ns : N values of the exact dots (lines span min(Ns)…max(Ns)).
    draws : draws of W per dot (paper: 10, §4).
    draws_largest : draws at the largest N only (the exact RF risk there is an O(N³) solve;
        the legend states the number).
    nn_Ns : N values of the trained NN dots (default: those ≤ d, at most 3 of them).
    seed : everything random (B, W, initialisations) is drawn from it.
    dps : mpmath digits for the asymptotic formulas (they are plotted, 15 is plenty).

    Returns
    -------
    FrameData
        Normalised risks R/‖f*‖² (eq. (13)'s normalisation).
    """
    d, Ns, draws = _check_sizes(d, Ns, draws)
    draws_largest = int(draws_largest)
    check(draws_largest >= 1, "draws_largest must be ≥ 1", assumption="draws_largest ≥ 1")
    r_model, r_rf, r_rfo, r_nt, r_nn = _rngs(seed, "figure1_left", 5)
    target = paper_quadratic_target(d, r_model)
    B, f2 = target.B, target.norm2
    ratio = _nt.trace_ratio(B)
    Gi = np.eye(d) / d
    Go = B / np.trace(B)
    Go_sqrt = psd_sqrt(Go)
    t0 = time.perf_counter()
    grid = _line_grid(Ns, d)
    rho = grid / d
    rf_iso = np.array([float(_rf.corollary1_risk(target, Gi, r, dps=dps)) for r in rho])
    rf_opt = np.array([float(_rf.corollary1_risk(target, Go, r, dps=dps)) for r in rho])
    nt_thm = np.array([float(_nt.theorem2_risk(r, ratio, dps=dps)) for r in rho])
    nt_eq13 = np.array([_eq13_nt_printed(r, ratio) for r in rho])
    nn_thm = np.array([float(_nn.theorem3_value(target, int(N))) / f2 for N in grid])
    t_lines = time.perf_counter() - t0
    fd = FrameData(
        title=f"Figure 1 (qf), population limit: d = {d}, B = diag(Exp(1)), centred f*, "
              f"σ(x) = x² (RF: x² − 1)",
        xlabel="number of neurons N", ylabel="risk  R / ‖f*‖²")
    fd.lines["RF, Γ = I/d — Cor. 1 eq. (12)"] = (grid, rf_iso, dict(color=_COLORS["RF"]))
    fd.lines["RF, Γ ∝ B — Cor. 1 eq. (12)"] = (grid, rf_opt, dict(color=_COLORS["RF*"]))
    fd.lines["NT — Theorem 2"] = (grid, nt_thm, dict(color=_COLORS["NT"]))
    fd.lines["NT — eq. (13) as printed (erratum)"] = (
        grid, nt_eq13, dict(color=_COLORS["NT"], ls="--", lw=1.2))
    fd.lines["NN — Theorem 3"] = (grid, nn_thm, dict(color=_COLORS["NN"]))

    timings = {"lines": t_lines}
    ks = [draws_largest if (N == Ns[-1] and len(Ns) > 1) else draws for N in Ns]
    for label, rng, gsq, key in (("RF, Γ = I/d", r_rf, None, "RF"),
                                 ("RF, Γ ∝ B", r_rfo, Go_sqrt, "RF*")):
        t0 = time.perf_counter()
        mean, sd = [], []
        for N, k in zip(Ns, ks):
            _say(progress, f"figure 1 left: exact {label} at N = {N} ({k} draws of W)")
            vals = [_rx.rf_risk_quadratic_normalized(_draw_W(rng, d, N, gsq), target)
                    for _ in range(k)]
            mean.append(np.mean(vals))
            sd.append(np.std(vals, ddof=1) if k > 1 else 0.0)
        fd.dots[f"{label}: exact, finite d"] = (np.array(Ns), np.array(mean), np.array(sd),
                                                np.array(ks), dict(color=_COLORS[key], marker="o"))
        timings[key] = time.perf_counter() - t0
    t0 = time.perf_counter()
    mean, sd = [], []
    for N, k in zip(Ns, ks):
        _say(progress, f"figure 1 left: exact NT at N = {N} ({k} draws of W ~ N(0, I/d))")
        vals = [_nt.nt_risk_quadratic(_draw_W(r_nt, d, N), target) / f2 for _ in range(k)]
        mean.append(np.mean(vals))
        sd.append(np.std(vals, ddof=1) if k > 1 else 0.0)
    fd.dots["NT: exact, finite d"] = (np.array(Ns), np.array(mean), np.array(sd), np.array(ks),
                                      dict(color=_COLORS["NT"], marker="s"))
    timings["NT"] = time.perf_counter() - t0
    if nn_Ns is None:
        small = [N for N in Ns if N <= d]
        nn_Ns = small[:: max(1, math.ceil(len(small) / 3))][:3] if small else Ns[:1]
    t0 = time.perf_counter()
    nn_vals, nn_iters = [], []
    for N in nn_Ns:
        _say(progress, f"figure 1 left: training NN (gradient descent on L) at N = {N}")
        L, it = nn_gradient_descent(target, int(N), r_nn)
        nn_vals.append(L / f2)
        nn_iters.append(it)
    fd.dots["NN: trained (GD on closed-form L)"] = (
        np.array(nn_Ns, int), np.array(nn_vals), np.zeros(len(nn_Ns)), np.ones(len(nn_Ns), int),
        dict(color=_COLORS["NN"], marker="D"))
    timings["NN"] = time.perf_counter() - t0
    fd.meta = dict(d=d, Ns=Ns, draws=draws, draws_largest=draws_largest, seed=seed, ratio=ratio,
                   norm2=f2, nn_iters=nn_iters, timings=timings, target=target)
    return fd


def figure2_left_data(*, d: int = 450, Ns: Iterable[int] = DEFAULT_NS, draws: int = 10,
                      draws_largest: int = 3, bayes_n: int = 100_000, seed: int = 0,
                      progress: Progress | None = None, dps: int = 15) -> FrameData:
    r"""The data of Figure 2, left frame (mg, §3): risks E(y − f̂)² (E y² = 1) against N.

    Σ = I, Δ diagonal with i.i.d. entries from {2, 1.5, 1}/√d (§4), w_i ~ N(0, I/d).
    ``bayes_n`` Monte Carlo samples for the Bayes error (CLT error shown). Other parameters as
    :func:`figure1_left_data`.
    """
    d, Ns, draws = _check_sizes(d, Ns, draws)
    draws_largest = int(draws_largest)
    check(draws_largest >= 1, "draws_largest must be ≥ 1", assumption="draws_largest ≥ 1")
    r_model, r_rf, r_nt, r_bayes = _rngs(seed, "figure2_left", 4)
    mix = paper_mixture(d, r_model)
    Delta = mix.Delta
    Gi = np.eye(d) / d
    t0 = time.perf_counter()
    grid = _line_grid(Ns, d)
    rho = grid / d
    rf15 = np.array([float(_rf.theorem4_risk(mix, Gi, r, dps=dps)) for r in rho])
    rf17 = np.array([float(_rf.eq17_rf_risk(mix, r, dps=dps)) for r in rho])
    rf17c = np.array([float(_rf.eq17_rf_risk_corrected(mix, r, dps=dps)) for r in rho])
    nt5 = np.array([float(_nt.theorem5_kappa_risk(r, Delta, dps=dps)) for r in rho])
    nn6 = np.array([float(_nn.theorem6_risk(mix, int(N))) for N in grid])
    timings = {"lines": time.perf_counter() - t0}
    t0 = time.perf_counter()
    _say(progress, f"figure 2 left: Bayes error by Monte Carlo ({bayes_n} samples)")
    bayes = _nn.bayes_risk_mixture(mix, n=bayes_n, rng=r_bayes)
    timings["Bayes"] = time.perf_counter() - t0
    fd = FrameData(
        title=f"Figure 2 (mg), population limit: d = {d}, Σ = I, Δ = diag({{2, 1.5, 1}}/√d), "
              f"σ(x) = x² (RF: x² − 1)",
        xlabel="number of neurons N", ylabel="risk  E(y − f̂)²")
    fd.lines["RF — Theorem 4 eq. (15), Γ = I/d"] = (grid, rf15, dict(color=_COLORS["RF"]))
    fd.lines["RF — eq. (17) corrected, ρ/(1+ρ) (= eq. (15) here)"] = (
        grid, rf17c, dict(color=_COLORS["RF"], ls=":", lw=1.5))
    fd.lines["RF — eq. (17) as printed, ρ/(1+2ρ) (erratum)"] = (
        grid, rf17, dict(color=_COLORS["RF"], ls="--", lw=1.2))
    fd.lines["NT — Theorem 5 (κ form)"] = (grid, nt5, dict(color=_COLORS["NT"]))
    fd.lines["NN — Theorem 6"] = (grid, nn6, dict(color=_COLORS["NN"]))
    fd.hlines[f"Bayes error (MC, n = {bayes_n:.0e}, ±2 s.e.)"] = (
        bayes.value, 2.0 * bayes.stderr, dict(color=_COLORS["Bayes"], ls=":"))
    ks = [draws_largest if (N == Ns[-1] and len(Ns) > 1) else draws for N in Ns]
    t0 = time.perf_counter()
    mean, sd = [], []
    for N, k in zip(Ns, ks):
        _say(progress, f"figure 2 left: exact RF at N = {N} ({k} draws of W)")
        vals = [_rx.rf_risk_mixture(_draw_W(r_rf, d, N), mix) for _ in range(k)]
        mean.append(np.mean(vals))
        sd.append(np.std(vals, ddof=1) if k > 1 else 0.0)
    fd.dots["RF, Γ = I/d: exact, finite d"] = (np.array(Ns), np.array(mean), np.array(sd),
                                               np.array(ks), dict(color=_COLORS["RF"], marker="o"))
    timings["RF"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    mean, sd = [], []
    for N, k in zip(Ns, ks):
        _say(progress, f"figure 2 left: exact NT at N = {N} ({k} draws of W)")
        vals = [_nt.nt_risk_mixture(_draw_W(r_nt, d, N), mix) for _ in range(k)]
        mean.append(np.mean(vals))
        sd.append(np.std(vals, ddof=1) if k > 1 else 0.0)
    fd.dots["NT: exact, finite d"] = (np.array(Ns), np.array(mean), np.array(sd), np.array(ks),
                                      dict(color=_COLORS["NT"], marker="s"))
    timings["NT"] = time.perf_counter() - t0
    nn_exact = np.array([_nn.nn_risk_mixture(mix, N) for N in Ns])
    fd.dots["NN: exact finite-d optimum"] = (np.array(Ns), nn_exact, np.zeros(len(Ns)),
                                             np.ones(len(Ns), int),
                                             dict(color=_COLORS["NN"], marker="D"))
    fd.meta = dict(d=d, Ns=Ns, draws=draws, draws_largest=draws_largest, seed=seed,
                   bayes=bayes, timings=timings, mixture=mix)
    return fd


def _sample_grid(lo, hi, k=14):
    return sorted(set(np.round(np.geomspace(lo, hi, k)).astype(int).tolist()))


def _right_setup(size: str, d: int | None, Ns: Iterable[int] | None) -> _RightSize:
    check(size in RIGHT_SIZES, f"size must be one of {sorted(RIGHT_SIZES)}; got {size!r}",
          assumption="size")
    cfg = RIGHT_SIZES[size].copy()
    if d is not None:
        cfg["d"] = int(d)
    if Ns is not None:
        cfg["Ns"] = tuple(int(n) for n in Ns)
    _check_sizes(cfg["d"], cfg["Ns"], 1)
    return cfg


def figure1_right_data(*, size: str = "default", d: int | None = None,
                       Ns: Iterable[int] | None = None, nn_samples: int | None = None,
                       seed: int = 0, progress: Progress | None = None) -> FrameData:
    r"""Figure 1, right frame (qf): normalised risk of NT (least squares on n samples) and NN
    (one-pass SGD, n = steps × batch) against n, with the n → ∞ limits dashed (exact population
    NT risk for the same W; Theorem 3's inf L, exact).

    ``size``: "default" (d = 60, N ∈ {15, 30}) or "paper" (d = 450, N ∈ {45, 90}); ``d``,
    ``Ns``, ``nn_samples`` override.
    """
    cfg = _right_setup(size, d, Ns)
    d, Ns = cfg["d"], cfg["Ns"]
    nn_samples = int(nn_samples or cfg["nn_samples"])
    rm, *rs = _rngs(seed, "figure1_right", 1 + 3 * len(Ns))
    target = paper_quadratic_target(d, rm)
    f2 = target.norm2
    fd = FrameData(title=f"Figure 1 (qf), finite samples: d = {d}, "
                         f"N ∈ {{{', '.join(map(str, Ns))}}}, B = diag(Exp(1)); "
                         f"NT: least squares, NN: one-pass SGD (batch {cfg['sgd_batch']})",
                   xlabel="number of samples n", ylabel="risk  R / ‖f*‖²", ylim=(0.0, 1.5))
    timings = {}
    shades = np.linspace(1.0, 0.55, len(Ns))
    lam_max = float(np.max(target.eigenvalues))
    for j, N in enumerate(Ns):
        rW, rS, rI = rs[3 * j: 3 * j + 3]
        W = _draw_W(rW, d, N)
        t0 = time.perf_counter()
        p = NTFeatures(W).p
        ns = _sample_grid(max(10, p // 10), cfg["nt_max_factor"] * p)
        risks, p = nt_least_squares(W, target, ns, rS, progress=progress)
        timings[f"NT N={N}"] = time.perf_counter() - t0
        alpha = dict(alpha=float(shades[j]))
        fd.vlines[f"n = p = {p} for N = {N} (NT least-squares peak, clipped)"] = (
            p, dict(color=_COLORS["NT"], **alpha))
        fd.dots[f"NT, N = {N}: least squares (p = {p})"] = (
            np.array(ns), risks / f2, np.zeros(len(ns)), np.ones(len(ns), int),
            dict(color=_COLORS["NT"], marker="s", ls="-", ms=3, **alpha))
        nt_inf = _nt.nt_risk_quadratic(W, target) / f2
        fd.hlines[f"NT, N = {N}: n → ∞ (exact population risk)"] = (
            nt_inf, 0.0, dict(color=_COLORS["NT"], ls="--", **alpha))
        t0 = time.perf_counter()
        W0, c0 = random_init(d, N, rI, scale=0.5)
        batch = cfg["sgd_batch"]
        # ε₀ = 1/(d·(λ_max(B) + 2)) with batch 100: measured stable at d = 60 (2ε₀ too, but
        # with a higher noise floor); then ε₀/3, ε₀/9, ε₀/27 in equal blocks (noise floor ∝ ε).
        step = 1.0 / (d * (lam_max + 2.0))
        steps = max(4, nn_samples // batch)
        _say(progress, f"figure 1 right: one-pass SGD N = {N}, {steps} steps of batch {batch}")
        n_nn, r_nn = sgd_staged(target, W0, c0, rI, step=step, steps=steps, batch=batch)
        timings[f"NN N={N}"] = time.perf_counter() - t0
        fd.dots[f"NN, N = {N}: one-pass SGD (ε = {step:.1e} → ε/27)"] = (
            n_nn, r_nn / f2, np.zeros(len(n_nn)), np.ones(len(n_nn), int),
            dict(color=_COLORS["NN"], marker="", ls="-", **alpha))
        fd.hlines[f"NN, N = {N}: n → ∞ (Theorem 3, inf L)"] = (
            float(_nn.theorem3_value(target, N)) / f2, 0.0,
            dict(color=_COLORS["NN"], ls="--", **alpha))
    fd.meta = dict(d=d, Ns=Ns, seed=seed, size=size, timings=timings, target=target)
    return fd


def figure2_right_data(*, size: str = "default", d: int | None = None,
                       Ns: Iterable[int] | None = None, nn_samples: int | None = None,
                       seed: int = 0, progress: Progress | None = None) -> FrameData:
    r"""Figure 2, right frame (mg): risk E(y − f̂)² of NT (least squares on n samples) and NN
    (one-pass SGD on Σ a_i⟨w_i,x⟩² + c, n = steps × batch) against n; dashed: the exact
    population NT risk for the same W and the exact finite-d NN optimum (Theorem 6's finite-d
    counterpart :func:`lazysym.nn.nn_risk_mixture`).
    """
    cfg = _right_setup(size, d, Ns)
    d, Ns = cfg["d"], cfg["Ns"]
    nn_samples = int(nn_samples or cfg["nn_samples"])
    rm, *rs = _rngs(seed, "figure2_right", 1 + 3 * len(Ns))
    mix = paper_mixture(d, rm)
    fd = FrameData(title=f"Figure 2 (mg), finite samples: d = {d}, "
                         f"N ∈ {{{', '.join(map(str, Ns))}}}, Σ = I, Δ = diag({{2, 1.5, 1}}/√d); "
                         f"NT: least squares, NN: one-pass SGD (batch {cfg['sgd_batch']})",
                   xlabel="number of samples n", ylabel="risk  E(y − f̂)²", ylim=(0.0, 1.5))
    timings = {}
    shades = np.linspace(1.0, 0.55, len(Ns))
    for j, N in enumerate(Ns):
        rW, rS, rI = rs[3 * j: 3 * j + 3]
        W = _draw_W(rW, d, N)
        alpha = dict(alpha=float(shades[j]))
        t0 = time.perf_counter()
        p = NTFeatures(W).p
        ns = _sample_grid(max(10, p // 10), cfg["nt_max_factor"] * p)
        risks, p = nt_least_squares(W, mix, ns, rS, progress=progress)
        timings[f"NT N={N}"] = time.perf_counter() - t0
        fd.vlines[f"n = p = {p} for N = {N} (NT least-squares peak, clipped)"] = (
            p, dict(color=_COLORS["NT"], **alpha))
        fd.dots[f"NT, N = {N}: least squares (p = {p})"] = (
            np.array(ns), risks, np.zeros(len(ns)), np.ones(len(ns), int),
            dict(color=_COLORS["NT"], marker="s", ls="-", ms=3, **alpha))
        fd.hlines[f"NT, N = {N}: n → ∞ (exact population risk)"] = (
            _nt.nt_risk_mixture(W, mix), 0.0, dict(color=_COLORS["NT"], ls="--", **alpha))
        t0 = time.perf_counter()
        batch = cfg["sgd_batch"]
        # ε₀ = 1.5/d with batch 100 (‖x‖² ≈ d sets the scale): measured stable at d = 60 (1/d
        # slower, 3/d spiked to risk 60 before recovering); then ε₀/3, ε₀/9, ε₀/27.
        step = 1.5 / d
        steps = max(1, nn_samples // batch)
        _say(progress, f"figure 2 right: one-pass SGD N = {N}, {steps} steps of batch {batch}")
        n_nn, r_nn = sgd_mixture(mix, N, rI, step=step, steps=steps, batch=batch)
        timings[f"NN N={N}"] = time.perf_counter() - t0
        fd.dots[f"NN, N = {N}: one-pass SGD (ε = {step:.1e} → ε/27)"] = (
            n_nn, r_nn, np.zeros(len(n_nn)), np.ones(len(n_nn), int),
            dict(color=_COLORS["NN"], marker="", ls="-", **alpha))
        fd.hlines[f"NN, N = {N}: n → ∞ (exact optimum)"] = (
            _nn.nn_risk_mixture(mix, N), 0.0, dict(color=_COLORS["NN"], ls="--", **alpha))
    fd.meta = dict(d=d, Ns=Ns, seed=seed, size=size, timings=timings, mixture=mix)
    return fd


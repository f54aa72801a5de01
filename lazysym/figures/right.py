r"""Right frames of Figures 1 and 2: risk against the number of samples n (NT and NN).

Paper: Figure 1/2 captions ("Evolution of the risk for NT and NN with the number of samples.
Dashed lines are our analytical prediction for the large n limit") and §4 (d = 450, SGD with
batch 100, 2·10⁵ steps for qf and 1.4·10⁵ for mg, step size chosen from {0.001, …, 0.03}). The
paper does not state the N of its right frames; we use N ∈ {45, 90} (ρ = 0.1, 0.2).

* NT — least squares on n fresh samples over the NT class (:func:`lazysym.nt.nt_least_squares`:
  p = r·d − r(r−1)/2 + 1 coordinates, minimum-norm below p, CGLS warm-started across the nested
  n, exact population risk of each fit). The curve shows the interpolation peak at n = p.
* NN — one-pass SGD with mini-batches of 100 (every sample used once: n = steps × batch) at a
  constant step (§4). The step is picked by a short pilot (:data:`PILOT_FRACTION` of the steps,
  from the same initialisation) over :data:`STEP_GRID` = {0.001, 0.003, 0.01, 0.03}, the value
  with the smallest exact risk at the end of the pilot; a diverging pilot is discarded. All
  pilots of a frame run on one stream of fresh samples and all final runs on another
  (:func:`lazysym.nn.training.sgd_shared`: every run is still one-pass SGD; drawing the samples
  once and one matrix product for all runs per step halve the cost). qf is
  trained on the standardised target f*/‖f*‖ (E y² = 1, as mg's y = ±1), so that the grid has the
  same meaning in both models; the normalised risk R/‖f*‖² does not change (the network class
  is a cone: f̂ ↦ sf̂ by W ↦ √s W, c ↦ sc). Each run is the SGD of
  :func:`lazysym.nn.training.sgd` (qf) / :func:`lazysym.nn.training.sgd_mixture` (mg); the
  risk is exact (no test sample).
* dashed — the n → ∞ limits for the same W and N: the exact population NT risk
  (:func:`lazysym.nt.nt_risk_quadratic`, :func:`~lazysym.nt.nt_risk_mixture`) and the NN optimum
  (Theorem 3, exact at finite d; for mg the exact finite-d optimum :func:`lazysym.nn.nn_risk_mixture`).
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import TypedDict

import numpy as np

from lazysym import nn as _nn
from lazysym import nt as _nt
from lazysym.errors import ConvergenceError, check
from lazysym.figures.common import COLORS, FrameData, Progress, check_sizes, draw_W, rngs, say
from lazysym.nn.training import SharedRun, random_init, sgd_shared
from lazysym.nt.sampled import NTFeatures, NTLeastSquares, nt_least_squares
from lazysym.objects.models import (
    GaussianMixture,
    QuadraticTarget,
    paper_mixture,
    paper_quadratic_target,
)

__all__ = ["RIGHT_SIZES", "STEP_GRID", "PILOT_FRACTION", "figure1_right_data",
           "figure2_right_data", "pick_step"]

#: §4's step-size grid {0.001, …, 0.03} (for E y² = 1; see the module docstring).
STEP_GRID = (0.001, 0.003, 0.01, 0.03)
#: Length of each pilot run, as a fraction of the full number of SGD steps (§4: a "short"
#: pilot; 1 % = 2·10⁵ samples for qf). Measured at d = 450 with 2 %: the qf pilot risks of
#: the four steps differed by ≥ 0.14 or diverged, the mg ones by 0.01–0.03.
PILOT_FRACTION = 0.01


class RightSize(TypedDict):
    """The settings of the right frames."""

    d: int
    Ns: tuple[int, ...]
    nt_points: int
    nt_max_factor: float
    sgd_batch: int
    qf_steps: int
    mg_steps: int


#: Right-frame sizes. "paper": §4's d = 450 and SGD lengths; "draft": d = 60 for a quick look.
RIGHT_SIZES: dict[str, RightSize] = {
    "paper": dict(d=450, Ns=(45, 90), nt_points=12, nt_max_factor=4.0, sgd_batch=100,
                  qf_steps=200_000, mg_steps=140_000),
    "draft": dict(d=60, Ns=(15, 30), nt_points=12, nt_max_factor=4.0, sgd_batch=100,
                  qf_steps=20_000, mg_steps=14_000),
}


def _setup(size: str, d: int | None, Ns: Iterable[int] | None, steps: int | None,
           model: str) -> tuple[RightSize, int]:
    check(size in RIGHT_SIZES, f"size must be one of {sorted(RIGHT_SIZES)}; got {size!r}",
          assumption="size")
    cfg = RIGHT_SIZES[size].copy()
    if d is not None:
        cfg["d"] = d
    if Ns is not None:
        cfg["Ns"] = tuple(int(n) for n in Ns)
    dd, ns, _ = check_sizes(cfg["d"], cfg["Ns"], 1)
    cfg["d"], cfg["Ns"] = dd, tuple(ns)
    n_steps = cfg["qf_steps"] if model == "qf" else cfg["mg_steps"]
    if steps is not None:
        check(isinstance(steps, (int, np.integer)) and steps >= 10,
              f"steps must be an integer ≥ 10; got {steps!r}", assumption="steps ≥ 10")
        n_steps = int(steps)
    return cfg, n_steps


def _sample_grid(p: int, points: int, max_factor: float) -> list[int]:
    """``points`` log-spaced sample sizes from p/10 to max_factor·p and n = 0.88p, 1.12p; none
    within 5 % of p.

    At n = p exactly the least-squares problem is square and its condition number grows like
    p² (smallest singular value of a square random matrix ~ 1/√p): CGLS would need ~p
    iterations (measured: > 5000 at p = 19261 without converging), while at n/p = 0.82 and 1.11
    it needs 153 and 275 (d = 450, N = 45). The peak is marked by the vertical line at n = p.
    """
    grid = np.round(np.geomspace(max(10, p // 10), max_factor * p, points)).astype(int).tolist()
    near = [int(round(0.88 * p)), int(round(1.12 * p))]          # the two sides of the peak
    return sorted(n for n in set(grid + near) if abs(n - p) > 0.05 * p)


def pick_step(run, grid: Iterable[float] = STEP_GRID) -> tuple[float, dict[float, float]]:
    """The step of ``grid`` whose pilot ``run(step) -> final risk`` is smallest (a diverging
    pilot, :class:`~lazysym.errors.ConvergenceError`, counts as +∞). Returns (step, {step: risk}).

    Raises
    ------
    ConvergenceError
        If every pilot diverges.
    """
    results: dict[float, float] = {}
    for eps in grid:
        try:
            results[float(eps)] = float(run(float(eps)))
        except ConvergenceError:
            results[float(eps)] = float("inf")
    best = min(results, key=lambda k: results[k])
    if not np.isfinite(results[best]):
        raise ConvergenceError("every pilot SGD run diverged", diagnostics={"grid": list(results)},
                               fix="use smaller step sizes")
    return best, results


def _nt_part(fd: FrameData, W: np.ndarray, model, cfg: RightSize, rng, label_N: int,
             alpha: float, norm: float, progress: Progress | None) -> dict:
    t0 = time.process_time()
    p = NTFeatures(W).p
    ns = _sample_grid(p, cfg["nt_points"], cfg["nt_max_factor"])
    info = NTLeastSquares(ns, p, "")
    risks, p = nt_least_squares(W, model, ns, rng, progress=progress, info=info)
    st = dict(color=COLORS["NT"], alpha=alpha)
    fd.vlines[f"n = p = {p}: NT interpolation peak (N = {label_N})"] = (p, dict(st))
    fd.dots[f"NT, N = {label_N}: least squares on n samples"] = (
        np.array(ns), risks / norm, np.zeros(len(ns)), np.ones(len(ns), int),
        dict(st, marker="s", ls="-", ms=3))
    limit = (_nt.nt_risk_quadratic(W, model) if isinstance(model, QuadraticTarget)
             else _nt.nt_risk_mixture(W, model))
    fd.hlines[f"NT, N = {label_N}: n → ∞ (exact population NT risk)"] = (
        limit / norm, 0.0, dict(st, ls="--"))
    return {"p": p, "ns": ns, "cgls_iterations": info.iterations,
            "cpu": time.process_time() - t0}


def _sgd_part(model, inits: dict, n_steps: int, batch: int, r_pilot, r_final, meta: dict,
              name: str, progress: Progress | None) -> dict:
    """The NN curves of a right frame: for every N the step of :data:`STEP_GRID` picked by a
    pilot of :data:`PILOT_FRACTION` of the steps (:func:`pick_step`), then the full one-pass
    SGD at that step. All pilots (every N × every step) share one sample stream and all final
    runs another (:func:`lazysym.nn.training.sgd_shared`: each run is still one-pass SGD on
    fresh samples from its own initialisation ``inits[N]``). Fills ``meta["pilot"]`` and
    ``meta["step"]``; returns {N: (samples, risks)}.
    """
    pilot = max(10, int(PILOT_FRACTION * n_steps))
    # the sample streams on SFC64 (seeded from the frame's streams): a faster generator of the
    # same quality, drawing the 45 000 normals of a step is about half of the step's CPU
    r_pilot, r_final = (np.random.Generator(np.random.SFC64(int(g.integers(2 ** 63))))
                        for g in (r_pilot, r_final))
    Ns = list(inits)
    say(progress, f"{name} right: SGD pilots over {STEP_GRID}, N ∈ {Ns}, {pilot} steps each")
    runs = [SharedRun(inits[N].W, inits[N].c, eps, inits[N].a) for N in Ns for eps in STEP_GRID]
    res = sgd_shared(model, runs, r_pilot, steps=pilot, batch=batch, record=2)
    meta["step"] = {}
    for i, N in enumerate(Ns):
        last = {float(eps): float(res[i * len(STEP_GRID) + k][1][-1])
                for k, eps in enumerate(STEP_GRID)}
        meta["step"][N], meta["pilot"][N] = pick_step(lambda eps, last=last: last[eps])
    say(progress, f"{name} right: one-pass SGD, steps {meta['step']}, {n_steps} steps")
    runs = [SharedRun(inits[N].W, inits[N].c, meta["step"][N], inits[N].a) for N in Ns]
    res = sgd_shared(model, runs, r_final, steps=n_steps, batch=batch)
    return {N: res[i] for i, N in enumerate(Ns)}


def figure1_right_data(*, size: str = "paper", d: int | None = None,
                       Ns: Iterable[int] | None = None, steps: int | None = None,
                       seed: int = 0, progress: Progress | None = None) -> FrameData:
    r"""Figure 1, right frame (qf): normalised risk of NT (least squares on n samples) and NN
    (one-pass SGD, n = steps × batch) against n, with the n → ∞ limits dashed (exact population
    NT risk for the same W; Theorem 3's :math:`\inf L = 2\sum_{i>N}\lambda_i(B)^2`).

    ``size``: "paper" (d = 450, N ∈ {45, 90}, 2·10⁵ SGD steps) or "draft" (d = 60, N ∈ {15, 30},
    2·10⁴ steps); ``d``, ``Ns``, ``steps`` override. ``meta["cpu"]`` has the CPU seconds of each
    part, ``meta["pilot"]`` the pilot risks.
    """
    cfg, n_steps = _setup(size, d, Ns, steps, "qf")
    d, Ns_t = cfg["d"], cfg["Ns"]
    rm, *rs = rngs(seed, "figure1_right", 1 + 3 * len(Ns_t) + 2)
    target = paper_quadratic_target(d, rm)
    f2 = target.norm2
    s = float(np.sqrt(f2))
    scaled = QuadraticTarget(target.B / s, target.b0 / s)          # E y² = 1
    batch = cfg["sgd_batch"]
    fd = FrameData(title=f"Figure 1 (qf), finite n: d = {d}, N ∈ {{{', '.join(map(str, Ns_t))}}}",
                   xlabel="number of samples n", ylabel="risk  R / ‖f*‖²", ylim=(0.0, 1.6))
    meta: dict = {"cpu": {}, "pilot": {}, "nt": {}}
    shades = np.linspace(1.0, 0.5, len(Ns_t))
    inits = {}
    for j, N in enumerate(Ns_t):
        rW, rS, rI = rs[3 * j: 3 * j + 3]
        W = draw_W(rW, d, N)
        say(progress, f"figure 1 right: NT least squares, N = {N}")
        meta["nt"][N] = _nt_part(fd, W, target, cfg, rS, N, float(shades[j]), f2, progress)
        meta["cpu"][f"NT N={N}"] = meta["nt"][N]["cpu"]
        W0, c0 = random_init(d, N, rI, scale=0.5)
        inits[N] = SharedRun(W0, c0, 1.0)
    t0 = time.process_time()
    curves = _sgd_part(scaled, inits, n_steps, batch, rs[-2], rs[-1], meta, "figure 1", progress)
    meta["cpu"]["NN (all N)"] = time.process_time() - t0
    for j, N in enumerate(Ns_t):
        n_nn, r_nn = curves[N]
        st = dict(color=COLORS["NN"], alpha=float(shades[j]))
        fd.dots[f"NN, N = {N}: one-pass SGD, batch {batch}, ε = {meta['step'][N]:g}"] = (
            n_nn, r_nn, np.zeros(len(n_nn)), np.ones(len(n_nn), int),
            dict(st, marker="", ls="-"))
        fd.hlines[f"NN, N = {N}: n → ∞ (Theorem 3)"] = (
            float(_nn.theorem3_value(target, N)) / f2, 0.0, dict(st, ls="--"))
    fd.meta = dict(d=d, Ns=Ns_t, seed=seed, size=size, steps=n_steps, target=target, **meta)
    return fd


def figure2_right_data(*, size: str = "paper", d: int | None = None,
                       Ns: Iterable[int] | None = None, steps: int | None = None,
                       seed: int = 0, progress: Progress | None = None) -> FrameData:
    r"""Figure 2, right frame (mg): risk E(y − f̂)² of NT (least squares on n samples) and NN
    (one-pass SGD on Σ a_i⟨w_i,x⟩² + c, n = steps × batch) against n; dashed: the exact
    population NT risk for the same W and the exact finite-d NN optimum
    (:func:`lazysym.nn.nn_risk_mixture`). Sizes as :func:`figure1_right_data` (1.4·10⁵ steps at
    "paper").
    """
    cfg, n_steps = _setup(size, d, Ns, steps, "mg")
    d, Ns_t = cfg["d"], cfg["Ns"]
    rm, *rs = rngs(seed, "figure2_right", 1 + 3 * len(Ns_t) + 2)
    mix: GaussianMixture = paper_mixture(d, rm)
    batch = cfg["sgd_batch"]
    fd = FrameData(title=f"Figure 2 (mg), finite n: d = {d}, N ∈ {{{', '.join(map(str, Ns_t))}}}",
                   xlabel="number of samples n", ylabel="risk  E(y − f̂)²", ylim=(0.0, 1.6))
    meta: dict = {"cpu": {}, "pilot": {}, "nt": {}}
    shades = np.linspace(1.0, 0.5, len(Ns_t))
    inits = {}
    for j, N in enumerate(Ns_t):
        rW, rS, rI = rs[3 * j: 3 * j + 3]
        W = draw_W(rW, d, N)
        say(progress, f"figure 2 right: NT least squares, N = {N}")
        meta["nt"][N] = _nt_part(fd, W, mix, cfg, rS, N, float(shades[j]), 1.0, progress)
        meta["cpu"][f"NT N={N}"] = meta["nt"][N]["cpu"]
        # the initialisation of sgd_mixture: W_ai ~ N(0, 1/d), a_i ~ N(0, 1/N²), c = 0
        W0 = rI.standard_normal((d, N)) / np.sqrt(d)
        inits[N] = SharedRun(W0, 0.0, 1.0, rI.standard_normal(N) / N)
    t0 = time.process_time()
    curves = _sgd_part(mix, inits, n_steps, batch, rs[-2], rs[-1], meta, "figure 2", progress)
    meta["cpu"]["NN (all N)"] = time.process_time() - t0
    for j, N in enumerate(Ns_t):
        n_nn, r_nn = curves[N]
        st = dict(color=COLORS["NN"], alpha=float(shades[j]))
        fd.dots[f"NN, N = {N}: one-pass SGD, batch {batch}, ε = {meta['step'][N]:g}"] = (
            n_nn, r_nn, np.zeros(len(n_nn)), np.ones(len(n_nn), int),
            dict(st, marker="", ls="-"))
        fd.hlines[f"NN, N = {N}: n → ∞ (exact optimum)"] = (
            _nn.nn_risk_mixture(mix, N), 0.0, dict(st, ls="--"))
    fd.meta = dict(d=d, Ns=Ns_t, seed=seed, size=size, steps=n_steps, mixture=mix, **meta)
    return fd

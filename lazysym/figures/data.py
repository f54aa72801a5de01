r"""Left frames of Figures 1 and 2 (population limit n → ∞): risk against the number of neurons N.

Paper: §1 (Figure 1 caption, qf), §3 (Figure 2 caption, mg), §4 (d = 450, N ∈ {45, …, 4500},
B diagonal with i.i.d. Exp(1) entries, Δ diagonal with entries in {2, 1.5, 1}/√d, 10 draws of W
per RF point). The library's exact finite-d population risks replace §4's sampling (5·10⁵
samples for the RF fit, 10⁴ test samples).

* **lines** — the paper's asymptotic formulas evaluated at this d:
  qf: Corollary 1 eq. (12) for Γ = I/d and Γ = B/Tr B (:func:`lazysym.rf.corollary1_risk`),
  Theorem 2 (:func:`lazysym.nt.theorem2_risk`) and, dashed red, eq. (13)'s NT row *as printed*
  (erratum ``eq13.nt``), Theorem 3 (:func:`lazysym.nn.theorem3_value`);
  mg: Theorem 4 eq. (15) (:func:`lazysym.rf.theorem4_risk`), eq. (17)'s RF row as printed
  (ρ/(1+2ρ), dashed red, erratum ``eq17.rf``) and corrected (ρ/(1+ρ)), Theorem 5's κ form
  (:func:`lazysym.nt.theorem5_kappa_risk`), Theorem 6 (:func:`lazysym.nn.theorem6_risk`) and the
  Bayes error (Monte Carlo MMSE, :func:`lazysym.nn.bayes_risk_mixture`, ± 2 CLT errors, dotted).
* **dots** — exact finite-d population risks for random W (no sampling), mean ± one standard
  deviation over ``draws`` draws of W at every N: RF (:func:`lazysym.rf.exact.rf_risk_quadratic_normalized`,
  :func:`~lazysym.rf.exact.rf_risk_mixture`), NT (:func:`lazysym.nt.nt_risk_quadratic`,
  :func:`~lazysym.nt.nt_risk_mixture`). NN, *trained* at every N: qf by the exact gradient flow
  of :math:`\min_c L(W, c)` from a random start (:func:`lazysym.nn.training.nn_reduced_flow`),
  mg by conjugate gradient with exact line search on the closed-form risk, stopped on a
  certified gap (:func:`lazysym.nn.training.mixture_gradient_descent`), drawn next to the exact
  optimum (Theorem 3's value is exact at finite d; mg: :func:`lazysym.nn.nn_risk_mixture`,
  hollow markers).

The work is a list of independent tasks (one per (regime, N) and, at the largest N, one per draw
of W; the lines; the trainings) run on an executor (:func:`lazysym.figures.common.worker_pool`:
processes with one BLAS thread each), largest first. Every task has its own seed from
(``seed``, its name), so the numbers do not depend on the executor or the order of completion.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Executor, Future
from typing import Any

import numpy as np

from lazysym import nn as _nn
from lazysym import nt as _nt
from lazysym import rf as _rf
from lazysym._linalg import psd_sqrt
from lazysym.errors import check
from lazysym.figures.common import (
    COLORS,
    FrameData,
    Progress,
    check_sizes,
    draw_W,
    say,
    seed_entropy,
    worker_pool,
)
from lazysym.nn.training import mixture_gradient_descent, nn_reduced_flow
from lazysym.objects.models import (
    GaussianMixture,
    QuadraticTarget,
    paper_mixture,
    paper_quadratic_target,
)
from lazysym.rf import exact as _rx

__all__ = ["DEFAULT_RHOS", "DEFAULT_NS", "figure1_left_data", "figure2_left_data",
           "left_frames_data"]

#: N values of the dots in the left frames (§4: N ∈ {45, …, 4500} at d = 450), as ρ = N/d.
DEFAULT_RHOS = (0.1, 0.2, 0.5, 1.0, 2.0, 4.0, 10.0)
DEFAULT_NS = tuple(int(round(r * 450)) for r in DEFAULT_RHOS)
#: Points of each theory line (log-spaced in N, plus N = d − 1, d, d + 1 at the kink).
LINE_POINTS = 40


def _eq13_nt_printed(rho, ratio):
    """Eq. (13), NT row, as printed: (1−ρ)₊² + ρ(1−ρ)₊ + Tr(B)²/(d‖B‖²) (erratum ``eq13.nt``)."""
    p = max(1.0 - rho, 0.0)
    return p * p + rho * p + ratio


def _line_grid(Ns, d, k=LINE_POINTS):
    lo, hi = min(Ns), max(Ns)
    grid = np.unique(np.round(np.geomspace(lo, hi, k)).astype(int)) if hi > lo else np.array([lo])
    if lo <= d <= hi:
        grid = np.unique(np.append(grid, [d - 1, d, d + 1]).clip(lo, hi))
    return grid


# ---- tasks (module level: picklable for process pools); each returns (value, CPU seconds) ----

def _timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    t0 = time.process_time()
    out = fn()
    return out, time.process_time() - t0


def _task_rf(model, d, N, entropy, k0, k1, gamma_sqrt):
    def run():
        vals = []
        for k in range(k0, k1):
            W = draw_W(np.random.default_rng(entropy + [N, k]), d, N, gamma_sqrt)
            vals.append(_rx.rf_risk_quadratic_normalized(W, model)
                        if isinstance(model, QuadraticTarget) else _rx.rf_risk_mixture(W, model))
        return vals
    return _timed(run)


def _task_nt(model, d, N, entropy, k0, k1):
    def run():
        vals = []
        for k in range(k0, k1):
            W = draw_W(np.random.default_rng(entropy + [N, k]), d, N)
            vals.append(_nt.nt_risk_quadratic(W, model) / model.norm2
                        if isinstance(model, QuadraticTarget) else _nt.nt_risk_mixture(W, model))
        return vals
    return _timed(run)


def _task_lines_qf(target: QuadraticTarget, grid, dps):
    def run():
        d = target.d
        ratio = _nt.trace_ratio(target.B)
        Gi, Go = np.eye(d) / d, target.B / np.trace(target.B)
        rho = grid / d
        return {"rf_iso": np.array([float(_rf.corollary1_risk(target, Gi, r, dps=dps)) for r in rho]),
                "rf_opt": np.array([float(_rf.corollary1_risk(target, Go, r, dps=dps)) for r in rho]),
                "nt": np.array([float(_nt.theorem2_risk(r, ratio, dps=dps)) for r in rho]),
                "nt13": np.array([_eq13_nt_printed(r, ratio) for r in rho]),
                "nn": np.array([float(_nn.theorem3_value(target, int(N))) for N in grid])
                / target.norm2}
    return _timed(run)


def _task_lines_mg(mix: GaussianMixture, grid, dps):
    def run():
        d = mix.d
        rho = grid / d
        return {"rf15": np.array([float(_rf.theorem4_risk(mix, np.eye(d) / d, r, dps=dps))
                                  for r in rho]),
                "rf17": np.array([float(_rf.eq17_rf_risk(mix, r, dps=dps)) for r in rho]),
                "rf17c": np.array([float(_rf.eq17_rf_risk_corrected(mix, r, dps=dps)) for r in rho]),
                "nt5": np.array([float(_nt.theorem5_kappa_risk(r, mix.Delta, dps=dps))
                                 for r in rho]),
                "nn6": np.array([float(_nn.theorem6_risk(mix, int(N))) for N in grid])}
    return _timed(run)


def _task_nn_qf(target, N, entropy):
    return _timed(lambda: nn_reduced_flow(target, N, np.random.default_rng(entropy + [N])))


def _task_nn_mg(mix, N, entropy):
    return _timed(lambda: mixture_gradient_descent(mix, N, np.random.default_rng(entropy + [N])))


def _task_bayes(mix, n, entropy):
    return _timed(lambda: _nn.bayes_risk_mixture(mix, n=n, rng=np.random.default_rng(entropy)))


# ---- assembling the frames ----------------------------------------------------------------------

class _Jobs:
    """Tasks submitted largest first; results collected by key, CPU seconds summed per part."""

    def __init__(self, executor: Executor, progress: Progress | None):
        self.ex, self.progress = executor, progress
        self.pending: list[tuple[float, str, str, Callable, tuple]] = []
        self.futures: dict[str, Future] = {}
        self.part: dict[str, str] = {}

    def add(self, cost: float, key: str, part: str, fn: Callable, *args) -> None:
        self.pending.append((cost, key, part, fn, args))

    def run(self) -> None:
        for _, key, part, fn, args in sorted(self.pending, key=lambda t: -t[0]):
            self.futures[key] = self.ex.submit(fn, *args)
            self.part[key] = part
        self.pending = []

    def get(self, key: str, cpu: dict[str, float]) -> Any:
        value, sec = self.futures[key].result()
        cpu[self.part[key]] = cpu.get(self.part[key], 0.0) + sec
        say(self.progress, f"done: {key} ({sec:.1f} s CPU)")
        return value


def _rf_cost(N):
    """Relative cost of one exact RF risk, O(N²d + N³): 100 units ≈ 1.7 CPU s at N = 4500
    (measured). The other tasks' costs below are in the same units, from their measured CPU
    seconds at d = 450 (lines 3–6 s, Bayes 0.8 s, trained NN mg ≈ 1.2·10⁻⁶·d²N units), so that
    the largest tasks start first.
    """
    return N * N * (450 + N) * 1e-9


def _dots(jobs: _Jobs, prefix: str, Ns: Sequence[int], draws: int, cpu: dict):
    mean, sd = [], []
    for N in Ns:
        vals = []
        for key in sorted(k for k in jobs.futures if k.startswith(f"{prefix}/{N}/")):
            vals += jobs.get(key, cpu)
        mean.append(float(np.mean(vals)))
        sd.append(float(np.std(vals, ddof=1)) if len(vals) > 1 else 0.0)
    return np.array(Ns), np.array(mean), np.array(sd), np.full(len(Ns), draws)


def _add_draw_tasks(jobs: _Jobs, prefix: str, fn, model, d, Ns, draws, entropy, *extra):
    for N in Ns:
        # one task per draw where a draw costs ≥ ~0.05 s, else all draws of this N in one task
        per = 1 if _rf_cost(N) > 0.05 else draws
        for k0 in range(0, draws, per):
            jobs.add(_rf_cost(N) * min(per, draws - k0), f"{prefix}/{N}/{k0:03d}", prefix, fn,
                     model, d, N, entropy, k0, min(draws, k0 + per), *extra)


def left_frames_data(*, which: Iterable[str] = ("qf", "mg"), d: int = 450,
                     Ns: Iterable[int] = DEFAULT_NS, draws: int = 10, nn_Ns: Sequence[int] | None = None,
                     bayes_n: int = 100_000, seed: int = 0, progress: Progress | None = None,
                     dps: int = 15, executor: Executor | None = None,
                     workers: int | None = None) -> dict[str, FrameData]:
    """Both left frames (``which`` ⊆ {"qf", "mg"}) from one pool of tasks: ``{"qf": Figure 1
    left, "mg": Figure 2 left}``. Parameters as :func:`figure1_left_data` /
    :func:`figure2_left_data`; ``executor`` (any concurrent.futures.Executor) or ``workers``
    (processes of :func:`~lazysym.figures.common.worker_pool`, default the CPU count).
    """
    which = tuple(which)
    if executor is None:
        with worker_pool(workers) as ex:
            return left_frames_data(which=which, d=d, Ns=Ns, draws=draws, nn_Ns=nn_Ns,
                                    bayes_n=bayes_n, seed=seed, progress=progress, dps=dps,
                                    executor=ex)
    d, Ns_l, draws = check_sizes(d, Ns, draws)
    nn_list = Ns_l if nn_Ns is None else check_sizes(d, nn_Ns, 1)[1]
    check(bool(which) and set(which) <= {"qf", "mg"},
          f"which must be a non-empty subset of ('qf', 'mg'); got {which}", assumption="frames")
    check(isinstance(bayes_n, (int, np.integer)) and bayes_n >= 100,
          f"bayes_n must be an integer ≥ 100; got {bayes_n!r}", assumption="bayes_n")
    check_bayes = int(bayes_n)
    jobs = _Jobs(executor, progress)
    grid = _line_grid(Ns_l, d)
    models: dict[str, Any] = {}
    if "qf" in which:
        e = seed_entropy(seed, "figure1_left")
        target = paper_quadratic_target(d, np.random.default_rng(e + [0]))
        models["qf"] = target
        go_sqrt = psd_sqrt(target.B / np.trace(target.B))
        jobs.add(190.0, "qf/lines", "lines", _task_lines_qf, target, grid, dps)
        _add_draw_tasks(jobs, "qf/RF", _task_rf, target, d, Ns_l, draws, e + [1], None)
        _add_draw_tasks(jobs, "qf/RF*", _task_rf, target, d, Ns_l, draws, e + [2], go_sqrt)
        _add_draw_tasks(jobs, "qf/NT", _task_nt, target, d, Ns_l, draws, e + [3])
        for N in nn_list:
            jobs.add(30.0, f"qf/NN/{N}", "NN", _task_nn_qf, target, N, e + [4])
    if "mg" in which:
        e = seed_entropy(seed, "figure2_left")
        mix = paper_mixture(d, np.random.default_rng(e + [0]))
        models["mg"] = mix
        jobs.add(340.0, "mg/lines", "lines", _task_lines_mg, mix, grid, dps)
        jobs.add(50.0, "mg/bayes", "Bayes", _task_bayes, mix, check_bayes, e + [5])
        _add_draw_tasks(jobs, "mg/RF", _task_rf, mix, d, Ns_l, draws, e + [1], None)
        _add_draw_tasks(jobs, "mg/NT", _task_nt, mix, d, Ns_l, draws, e + [3])
        for N in nn_list:
            jobs.add(1.2e-6 * d * d * N, f"mg/NN/{N}", "NN", _task_nn_mg, mix, N, e + [4])
    say(progress, f"left frames: {len(jobs.pending)} tasks")
    t_wall = time.perf_counter()
    jobs.run()
    out = {}
    if "qf" in which:
        out["qf"] = _assemble_qf(jobs, models["qf"], grid, Ns_l, nn_list, draws, seed)
    if "mg" in which:
        out["mg"] = _assemble_mg(jobs, models["mg"], grid, Ns_l, nn_list, draws, seed, bayes_n)
    wall = time.perf_counter() - t_wall
    for fd in out.values():
        fd.meta["wall"] = wall
    return out


def _nn_dots(fd, jobs, prefix, nn_list, exact, cpu, label):
    vals = [jobs.get(f"{prefix}/NN/{N}", cpu)[0] for N in nn_list]
    fd.dots[f"NN: {label}"] = (np.array(nn_list), np.array(vals), np.zeros(len(nn_list)),
                               np.ones(len(nn_list), int), dict(color=COLORS["NN"], marker="D"))
    fd.dots["NN: exact optimum, finite d"] = (
        np.array(nn_list), np.array([exact(N) for N in nn_list]), np.zeros(len(nn_list)),
        np.ones(len(nn_list), int),
        dict(color=COLORS["NN"], marker="o", ms=10, mfc="none", mew=1.2))
    return vals


def _assemble_qf(jobs, target, grid, Ns, nn_list, draws, seed):
    cpu: dict[str, float] = {}
    L = jobs.get("qf/lines", cpu)
    f2 = target.norm2
    fd = FrameData(title=f"Figure 1 (qf), n → ∞: d = {target.d}, B = diag(Exp(1)) (§4)",
                   xlabel="number of neurons N", ylabel="risk  R / ‖f*‖²", ylim=(0.0, 1.05))
    fd.lines["RF, Γ = I/d — Cor. 1 eq. (12)"] = (grid, L["rf_iso"], dict(color=COLORS["RF"]))
    fd.lines["RF, Γ ∝ B — Cor. 1 eq. (12)"] = (grid, L["rf_opt"], dict(color=COLORS["RF*"]))
    fd.lines["NT — Theorem 2"] = (grid, L["nt"], dict(color=COLORS["NT"]))
    fd.lines["NT — eq. (13) as printed (erratum)"] = (
        grid, L["nt13"], dict(color=COLORS["erratum"], ls="--", lw=1.3))
    fd.lines["NN — Theorem 3"] = (grid, L["nn"], dict(color=COLORS["NN"]))
    for key, label, color, marker in (("qf/RF", "RF, Γ = I/d", "RF", "o"),
                                      ("qf/RF*", "RF, Γ ∝ B", "RF*", "o"),
                                      ("qf/NT", "NT", "NT", "s")):
        x, m, sd, k = _dots(jobs, key, Ns, draws, cpu)
        fd.dots[f"{label}: exact, finite d"] = (x, m, sd, k, dict(color=COLORS[color],
                                                                  marker=marker))
    vals = _nn_dots(fd, jobs, "qf", nn_list,
                    lambda N: _nn.nn_risk_quadratic(target, int(N), normalized=True), cpu,
                    "trained (exact gradient flow on L)")
    fd.dots["NN: trained (exact gradient flow on L)"] = (
        fd.dots["NN: trained (exact gradient flow on L)"][0], np.array(vals) / f2,
        *fd.dots["NN: trained (exact gradient flow on L)"][2:])
    fd.meta = dict(d=target.d, Ns=Ns, draws=draws, seed=seed, norm2=f2, target=target,
                   ratio=_nt.trace_ratio(target.B), cpu=cpu, nn_Ns=nn_list)
    return fd


def _assemble_mg(jobs, mix, grid, Ns, nn_list, draws, seed, bayes_n):
    cpu: dict[str, float] = {}
    L = jobs.get("mg/lines", cpu)
    bayes = jobs.get("mg/bayes", cpu)
    fd = FrameData(title=f"Figure 2 (mg), n → ∞: d = {mix.d}, Σ = I, Δ = diag({{2, 1.5, 1}}/√d) (§4)",
                   xlabel="number of neurons N", ylabel="risk  E(y − f̂)²", ylim=(0.3, 1.02))
    fd.lines["RF — Theorem 4 eq. (15), Γ = I/d"] = (grid, L["rf15"], dict(color=COLORS["RF"]))
    fd.lines["RF — eq. (17) corrected, ρ/(1+ρ) (= eq. (15) here)"] = (
        grid, L["rf17c"], dict(color=COLORS["RF"], ls=":", lw=1.6))
    fd.lines["RF — eq. (17) as printed, ρ/(1+2ρ) (erratum)"] = (
        grid, L["rf17"], dict(color=COLORS["erratum"], ls="--", lw=1.3))
    fd.lines["NT — Theorem 5 (κ form)"] = (grid, L["nt5"], dict(color=COLORS["NT"]))
    fd.lines["NN — Theorem 6"] = (grid, L["nn6"], dict(color=COLORS["NN"]))
    fd.hlines[f"Bayes error (MC, n = {bayes_n:.0e}, ± 2 s.e.)"] = (
        bayes.value, 2.0 * bayes.stderr, dict(color=COLORS["Bayes"], ls=":"))
    for key, label, color, marker in (("mg/RF", "RF, Γ = I/d", "RF", "o"),
                                      ("mg/NT", "NT", "NT", "s")):
        x, m, sd, k = _dots(jobs, key, Ns, draws, cpu)
        fd.dots[f"{label}: exact, finite d"] = (x, m, sd, k, dict(color=COLORS[color],
                                                                  marker=marker))
    _nn_dots(fd, jobs, "mg", nn_list, lambda N: _nn.nn_risk_mixture(mix, int(N)), cpu,
             "trained (conjugate gradient on the exact risk)")
    fd.meta = dict(d=mix.d, Ns=Ns, draws=draws, seed=seed, bayes=bayes, mixture=mix, cpu=cpu,
                   nn_Ns=nn_list)
    return fd


def figure1_left_data(*, d: int = 450, Ns: Iterable[int] = DEFAULT_NS, draws: int = 10,
                      nn_Ns: Sequence[int] | None = None, seed: int = 0,
                      progress: Progress | None = None, dps: int = 15,
                      executor: Executor | None = None, workers: int | None = None) -> FrameData:
    r"""The data of Figure 1, left frame (qf, §1 and §2): normalised risks against N.

    Parameters
    ----------
    d : dimension (paper: 450).
    Ns : N values of the dots (lines span min(Ns)…max(Ns)).
    draws : draws of W per RF/NT dot, at every N (paper: 10, §4).
    nn_Ns : N values of the trained NN dots (default: every N of ``Ns``).
    seed : everything random (B, W, initialisations) is drawn from it.
    dps : mpmath digits for the asymptotic formulas (they are plotted, 15 is plenty).
    executor, workers : where the tasks run (see :func:`left_frames_data`).

    Returns
    -------
    FrameData
        Normalised risks R/‖f*‖² (eq. (13)'s normalisation); ``meta["cpu"]`` CPU seconds by part.
    """
    return left_frames_data(which=("qf",), d=d, Ns=Ns, draws=draws, nn_Ns=nn_Ns, seed=seed,
                            progress=progress, dps=dps, executor=executor, workers=workers)["qf"]


def figure2_left_data(*, d: int = 450, Ns: Iterable[int] = DEFAULT_NS, draws: int = 10,
                      nn_Ns: Sequence[int] | None = None, bayes_n: int = 100_000, seed: int = 0,
                      progress: Progress | None = None, dps: int = 15,
                      executor: Executor | None = None, workers: int | None = None) -> FrameData:
    r"""The data of Figure 2, left frame (mg, §3): risks E(y − f̂)² (E y² = 1) against N.

    Σ = I, Δ diagonal with i.i.d. entries from {2, 1.5, 1}/√d (§4), w_i ~ N(0, I/d).
    ``bayes_n`` Monte Carlo samples for the Bayes error (± 2 CLT errors shown). Other parameters
    as :func:`figure1_left_data`.
    """
    return left_frames_data(which=("mg",), d=d, Ns=Ns, draws=draws, nn_Ns=nn_Ns,
                            bayes_n=bayes_n, seed=seed, progress=progress, dps=dps,
                            executor=executor, workers=workers)["mg"]



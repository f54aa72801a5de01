r"""Training the quadratic network of §2.3: one-pass SGD and gradient flow on the closed-form loss.

* :func:`sgd` — one-pass SGD exactly as §2.3 defines it,

  .. math::

      (W_{k+1}, c_{k+1}) = (W_k, c_k) - \varepsilon\,\nabla_{W,c}\big(f_*(x_k) - \hat f(x_k; W_k, c_k)\big)^2,
      \qquad x_k \sim N(0, I_d)\ \text{fresh at every step},

  with :math:`\hat f(x; W, c) = \sum_i\langle w_i, x\rangle^2 + c`, and the risk
  :math:`R_{NN,N}(f_*;\ell,\varepsilon) = L(W_\ell, c_\ell)` (eq. (5)) recorded exactly (closed form,
  no test sample). ``batch > 1`` averages the per-sample gradients over a fresh mini-batch (§4 used
  batch 100); ``batch=1`` is the paper's definition.
* :func:`gradient_flow` — :math:`\dot\theta = -\nabla L(\theta)` integrated with an adaptive
  Dormand–Prince 5(4) scheme (own implementation). Since :math:`E_x\nabla(f_*-\hat f)^2 = \nabla L`,
  SGD with step ε at step :math:`\ell = t/\varepsilon` tracks the flow at time t (Theorem 3).
* :func:`random_init` — an absolutely continuous (Gaussian) initialisation, as Theorem 3 requires.

Both algorithms run in the eigenbasis of B (:math:`\tilde W = U^\top W`, x = Uz with z ~ N(0, I)): x is
still N(0, I_d) and every update is the rotated update, so the process is the same; it costs
O(bdN) per step instead of O(bd²).

Longer than 500 lines: one object, the training of the paper's quadratic network on its exact
population risk (SGD, flows and descents of §2.3 and §3.3, including the loops the figures use).
"""

from __future__ import annotations

import math
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeAlias

import numpy as np
from numpy.typing import ArrayLike

from lazysym._ode import dopri
from lazysym._typing import SeedLike
from lazysym._validate import (
    as_finite_array,
    as_generator,
    as_mixture,
    as_real,
    as_target,
    as_weights,
    positive_int,
)
from lazysym.errors import ConvergenceError, check, check_type
from lazysym.limits import LIMITS, check_limit
from lazysym.nn.loss import population_loss
from lazysym.nn.optimum import mixture_quadratic_risk
from lazysym.objects.models import GaussianMixture, QuadraticTarget

__all__ = ["TrainingResult", "sgd", "gradient_flow", "random_init", "nn_gradient_descent",
           "sgd_mixture", "sgd_staged", "reduced_flow", "nn_reduced_flow",
           "mixture_gradient_descent", "SharedRun", "sgd_shared"]

#: A progress callback: ``progress(k, total, risk)`` at each record.
ProgressCallback: TypeAlias = Callable[[int, int, float], object]


@dataclass
class TrainingResult:
    """Output of :func:`sgd` / :func:`gradient_flow`.

    Attributes
    ----------
    W, c:
        Final parameters (W is d×N, neurons as columns).
    risks:
        Exact population risk L(W, c) (raw, not normalised) at the recorded points.
    times:
        Flow time of each record (t = kε for SGD).
    steps:
        SGD step index k of each record (for gradient flow: the number of accepted RK steps).
    method, step, batch:
        What ran (``step``: ε for SGD; ``None`` for the flow).
    wall:
        Wall-clock seconds.
    path:
        With ``keep_path=True``: the (W, c) at each record.
    """

    W: np.ndarray
    c: float
    risks: np.ndarray
    times: np.ndarray
    steps: np.ndarray
    method: str
    step: float | None = None
    batch: int | None = None
    wall: float = 0.0
    path: list = field(default_factory=list, repr=False)

    @property
    def final_risk(self) -> float:
        """The risk at the last record (raw)."""
        return float(self.risks[-1])


class _Rotated:
    """B = U diag(λ) Uᵀ; loss and gradient in the coordinates W̃ = UᵀW (O(dN²) each)."""

    def __init__(self, target: QuadraticTarget):
        ev, U = np.linalg.eigh(target.B)
        self.lam, self.U = ev, U
        self.b0 = float(target.b0)
        self.trB = float(np.sum(ev))
        self.lam2 = float(np.sum(ev * ev))

    def loss(self, Wt, c) -> float:
        G = Wt.T @ Wt                                   # N×N
        # ‖Λ − W̃W̃ᵀ‖² = ‖Λ‖² − 2 Σ λ_i ‖row_i(W̃)‖² + ‖W̃ᵀW̃‖²
        fro = (self.lam2 - 2.0 * float(np.sum(self.lam * np.sum(Wt * Wt, axis=1)))
               + float(np.sum(G * G)))
        s = self.trB - float(np.trace(G)) + self.b0 - c
        return 2.0 * max(fro, 0.0) + s * s

    def grad(self, Wt, c):
        G = Wt.T @ Wt
        s = self.trB - float(np.trace(G)) + self.b0 - c
        MW = self.lam[:, None] * Wt - Wt @ G            # (Λ − W̃W̃ᵀ) W̃
        return -8.0 * MW - 4.0 * s * Wt, -2.0 * s


def random_init(d: int, N: int, rng: SeedLike, scale: float = 1.0) -> tuple[np.ndarray, float]:
    """Gaussian initialisation (absolutely continuous, as Theorem 3 assumes).

    :math:`W_{ai} \\sim N(0, \\mathrm{scale}^2/d)` i.i.d. (so :math:`E\\|w_i\\|^2 = \\mathrm{scale}^2`)
    and :math:`c_0 \\sim N(0, \\mathrm{scale}^2)`.
    """
    d = positive_int(d, "d", cap="dimension")
    N = positive_int(N, "N", cap="dimension")
    scale = as_real(scale, "scale")
    check(scale > 0, f"scale must be > 0 (a point mass is not absolutely continuous); got {scale}",
          assumption="Theorem 3: absolutely continuous initialisation")
    rng = as_generator(rng)
    return rng.standard_normal((d, N)) * (scale / math.sqrt(d)), float(rng.standard_normal() * scale)


def _progress_fn(progress, label):
    if progress is True:
        def show(k, total, risk):
            sys.stderr.write(f"\r{label}: {k}/{total} ({100.0 * k / total:5.1f}%) risk={risk:.6g}")
            if k >= total:
                sys.stderr.write("\n")
            sys.stderr.flush()
        return show
    if progress in (None, False):
        return None
    check(callable(progress), "progress must be None, True or a callable(k, total, risk)",
          assumption="progress callback")
    return progress


def sgd(target: QuadraticTarget, W0: ArrayLike, c0: float, *, step: float, steps: int,
        rng: SeedLike, batch: int = 1, record_every: int | None = None,
        progress: bool | ProgressCallback | None = None, keep_path: bool = False,
        blowup: float = 1e6) -> TrainingResult:
    """One-pass SGD of §2.3 on the population of the quadratic target.

    Parameters
    ----------
    target:
        :class:`~lazysym.objects.models.QuadraticTarget` (Theorem 3 assumes B ⪰ 0; SGD itself does not).
    W0, c0:
        Initialisation (d×N, scalar).
    step:
        Step size ε > 0.
    steps:
        Number of steps ℓ (= number of fresh samples per batch entry, one pass).
    rng:
        Seed or Generator for the samples x_k.
    batch:
        Samples per step (gradient = batch mean). The paper's §2.3 definition is ``batch=1``.
    record_every:
        Record the exact risk every this many steps (default: ~100 records), and at the end.
    progress:
        ``True`` for a stderr progress line, or a callable ``progress(k, steps, risk)`` called at
        each record.
    blowup:
        Divergence threshold: a risk above ``blowup × max(L(W₀, c₀), ‖f*‖²)`` or a non-finite
        value raises :class:`~lazysym.errors.ConvergenceError` (step too large).

    Returns
    -------
    TrainingResult
        ``risks[j] = L(W_k, c_k)`` (raw risk, eq. (5)) at ``steps[j] = k``, ``times = kε``.
    """
    target = as_target(target)
    d = target.d
    W = as_weights(W0, d, "W0").copy()
    c = as_real(c0, "c0")
    step = as_real(step, "step")
    check(step > 0, f"the SGD step ε must be > 0; got {step}", assumption="ε > 0")
    steps = positive_int(steps, "steps", cap="iterations")
    batch = positive_int(batch, "batch", cap="samples")
    check(steps * batch <= LIMITS.samples, f"steps·batch = {steps * batch} fresh samples exceed "
          f"the limit samples = {LIMITS.samples}", assumption="limit samples",
          fix="raise it: with lazysym.limits.raised(samples=...): ...")
    rng = as_generator(rng)
    record_every = positive_int(record_every, "record_every") if record_every is not None \
        else max(1, steps // 100)
    blowup = as_real(blowup, "blowup")
    check(blowup > 1, f"blowup (divergence threshold factor) must be > 1; got {blowup}",
          assumption="blowup > 1")
    check_type(isinstance(keep_path, (bool, np.bool_)), "keep_path", "a bool", keep_path)
    show = _progress_fn(progress, "sgd")
    rot = _Rotated(target)
    lam, U, b0 = rot.lam, rot.U, rot.b0
    Wt = U.T @ W
    L0 = rot.loss(Wt, c)
    limit = blowup * max(L0, target.norm2, 1e-300)
    rec_k, rec_L, path = [0], [L0], [(W.copy(), c)] if keep_path else []
    chunk = max(1, 8192 // (batch * max(1, d // 64 + 1)))
    t0 = time.perf_counter()
    k = 0
    g_scale_W = 4.0 * step / batch
    g_scale_c = 2.0 * step / batch
    with np.errstate(over="ignore", invalid="ignore"):
        while k < steps:
            m = min(chunk, steps - k)
            Z = rng.standard_normal((m, batch, d))
            fstar = b0 + np.einsum("mbi,i,mbi->mb", Z, lam, Z)   # f*(x), x = Uz
            if batch == 1:
                Z1, f1 = Z[:, 0, :], fstar[:, 0]
            for j in range(m):
                if batch == 1:                                    # same update, 1-d arrays
                    z = Z1[j]
                    h = z @ Wt
                    r = f1[j] - h @ h - c
                    Wt += np.outer(z, (g_scale_W * r) * h)
                    c += g_scale_c * r
                else:
                    z = Z[j]                                      # batch × d
                    h = z @ Wt                                    # batch × N: ⟨w̃_i, z⟩
                    r = fstar[j] - np.einsum("bn,bn->b", h, h) - c  # f* − f̂
                    # ∇_W (f*−f̂)² = −4 r x (xᵀW); ∇_c = −2r (batch mean)
                    Wt += g_scale_W * (z.T @ (r[:, None] * h))
                    c += g_scale_c * float(np.sum(r))
                k += 1
                if k % record_every == 0 or k == steps:
                    L = rot.loss(Wt, c)
                    if not (math.isfinite(L) and L <= limit and math.isfinite(c)):
                        raise ConvergenceError(
                            "one-pass SGD diverged (the step ε is too large for this target)",
                            diagnostics={"step_index": k, "step": step, "batch": batch,
                                         "risk": L, "last_finite_risk": rec_L[-1],
                                         "initial_risk": L0},
                            fix="decrease the step (stability needs roughly ε·d·‖B‖ ≪ 1)")
                    rec_k.append(k)
                    rec_L.append(L)
                    if keep_path:
                        path.append((U @ Wt, c))
                    if show is not None:
                        show(k, steps, L)
            if not np.all(np.isfinite(Wt)):
                raise ConvergenceError(
                    "one-pass SGD diverged (non-finite weights)",
                    diagnostics={"step_index": k, "step": step, "batch": batch,
                                 "last_finite_risk": rec_L[-1], "initial_risk": L0},
                    fix="decrease the step")
    ks = np.array(rec_k)
    return TrainingResult(U @ Wt, float(c), np.array(rec_L), ks * step, ks, "sgd", step, batch,
                          time.perf_counter() - t0, path)


def gradient_flow(target: QuadraticTarget, W0: ArrayLike, c0: float, *, t_max: float,
                  rtol: float = 1e-8, atol: float = 1e-10, n_record: int = 100,
                  t_eval: ArrayLike | None = None, gtol: float | None = None,
                  max_steps: int = 1_000_000, progress: bool | ProgressCallback | None = None,
                  keep_path: bool = False) -> TrainingResult:
    """Gradient flow :math:`\\dot\\theta = -\\nabla L(\\theta)` on the closed-form L of §2.3.

    The limit object of Theorem 3's proof (SGD with step ε → 0 at time t = ℓε). Integrated by
    an adaptive Dormand–Prince 5(4) method with error control ``|err_i| ≤ atol + rtol·|θ_i|``
    (RMS norm), FSAL, step-size factor clipped to [0.2, 5].

    Parameters
    ----------
    t_max:
        Final time.
    rtol, atol:
        Local error tolerances.
    n_record, t_eval:
        Record L at ``t_eval`` (increasing times in [0, t_max]) or at ``n_record`` equally spaced
        times. The integrator steps exactly onto each record time.
    gtol:
        Stop early once ‖∇L‖₂ ≤ gtol (off by default: near a saddle the gradient is small too).
    max_steps:
        Accepted-step budget; exceeding it raises :class:`ConvergenceError`.
    progress:
        ``True`` (stderr line) or a callable ``progress(k, n_records, risk)``.

    Returns
    -------
    TrainingResult
        ``risks`` = L(θ(t)) at ``times``; ``steps`` = accepted RK steps so far.
    """
    target = as_target(target)
    d = target.d
    W = as_weights(W0, d, "W0")
    c = as_real(c0, "c0")
    t_max = as_real(t_max, "t_max")
    check(t_max > 0, f"t_max must be > 0; got {t_max}", assumption="t_max > 0")
    rtol, atol = as_real(rtol, "rtol"), as_real(atol, "atol")
    check(rtol > 0 and atol > 0, f"rtol, atol must be > 0; got {rtol}, {atol}",
          assumption="tolerances > 0")
    max_steps = positive_int(max_steps, "max_steps", cap="iterations")
    check_type(isinstance(keep_path, (bool, np.bool_)), "keep_path", "a bool", keep_path)
    if gtol is not None:
        gtol = as_real(gtol, "gtol")
        check(gtol >= 0, f"gtol must be ≥ 0; got {gtol}", assumption="gtol ≥ 0")
    if t_eval is None:
        n_record = positive_int(n_record, "n_record", cap="iterations")
        t_eval = np.linspace(0.0, t_max, n_record + 1)[1:]
    else:
        t_eval = as_finite_array(t_eval, "t_eval", ndim=1)
        check_limit("iterations", t_eval.size, "number of record times t_eval")
        check(bool(t_eval.size >= 1 and np.all(np.isfinite(t_eval))
                   and np.all(np.diff(t_eval) > 0) and t_eval[0] >= 0 and t_eval[-1] <= t_max),
              "t_eval must be increasing times in [0, t_max]", assumption="t_eval")
    show = _progress_fn(progress, "gradient flow")
    rot = _Rotated(target)
    U = rot.U
    N = W.shape[1]
    y = np.concatenate([(U.T @ W).ravel(), [c]])

    def F(yv):
        gW, gc = rot.grad(yv[:-1].reshape(d, N), yv[-1])
        out = np.empty_like(yv)
        out[:-1] = -gW.ravel()
        out[-1] = -gc
        return out

    def loss(yv):
        return rot.loss(yv[:-1].reshape(d, N), yv[-1])

    t0w = time.perf_counter()
    L0 = loss(y)
    times, risks, ksteps = [0.0], [L0], [0]
    path = [(W.copy(), c)] if keep_path else []

    def record(i, t, yv, fv, k):
        L = loss(yv)
        times.append(t)
        risks.append(L)
        ksteps.append(k)
        if keep_path:
            path.append((U @ yv[:-1].reshape(d, N), float(yv[-1])))
        if show is not None:
            show(i + 1, t_eval.size, L)
        return gtol is not None and float(np.linalg.norm(fv)) <= gtol

    # flush |y_i| < 1e-150 to 0: directions that decay like e^{-8(λ_b-λ_a)t} otherwise reach
    # subnormal floats (their products do), which made the d = 450 flow ~20× slower per step
    # (measured); 1e-150 is far below atol, so the solution is unchanged
    _, Y, _ = dopri(F, y, t_eval, rtol=rtol, atol=atol, max_steps=max_steps, on_record=record,
                    flush_below=1e-150, diagnostics=lambda: {"last_risk": risks[-1]})
    y = Y[-1] if len(Y) else y
    Wf = U @ y[:-1].reshape(d, N)
    return TrainingResult(Wf, float(y[-1]), np.array(risks), np.array(times), np.array(ksteps),
                          "gradient flow", None, None, time.perf_counter() - t0w, path)


# --------------------------------------------------------------------------------------------
# loops used by the figures (moved from lazysym.figures)
# --------------------------------------------------------------------------------------------

def nn_gradient_descent(target: QuadraticTarget, N: int, rng: SeedLike, *, iters: int = 3000,
                        scale: float = 0.5, rtol: float = 1e-4) -> tuple[float, int]:
    """Gradient descent on L(W, c*(W)) = 2‖B − WWᵀ‖²_F (c at its exact minimiser, §2.3).

    Runs in the eigenbasis of B (cost O(dN²) per step). Returns the exact risk
    L(W, c*) from :func:`lazysym.nn.loss.population_loss` (an independent implementation of L) and
    the number of iterations. Step η = 1/(12·(λ_max(B) + ‖W‖²_op)) (the Hessian of 2‖B − WWᵀ‖²
    is bounded by 8(λ_max(B) + 3‖W‖²_op) ≤ 24(…); we use half of 2/that), with ‖W‖²_op replaced
    by the upper bound ‖WᵀW‖_∞ (max row sum of |WᵀW|, ≥ the spectral norm of the symmetric
    WᵀW): O(N²) instead of an SVD per step. Stops when the relative decrease of L over 100
    steps falls below ``rtol``; the closed-form flow :func:`nn_reduced_flow` is the fast path.
    """
    target = as_target(target, "nn_gradient_descent")
    iters = positive_int(iters, "iters", cap="iterations")
    rtol = as_real(rtol, "rtol")
    check(rtol >= 0, f"rtol must be ≥ 0; got {rtol}", assumption="rtol ≥ 0")
    lam, V = np.linalg.eigh(target.B)
    d = target.d
    W, _ = random_init(d, N, rng, scale=scale)     # validates N (≤ LIMITS.dimension), rng, scale
    lmax = float(max(lam.max(), 0.0))
    prev = None
    it = 0
    for it in range(1, iters + 1):
        G = W.T @ W
        grad = -8.0 * (lam[:, None] * W - W @ G)
        eta = 1.0 / (12.0 * (lmax + float(np.max(np.sum(np.abs(G), axis=1)))))
        W = W - eta * grad
        if it % 100 == 0:
            M = W @ W.T
            cur = 2.0 * (float(np.sum(lam ** 2)) - 2.0 * float(np.sum(lam * np.diag(M)))
                         + float(np.sum(M * M)))
            if prev is not None and prev - cur <= rtol * cur:
                break
            prev = cur
    Wx = V @ W
    c = float(np.trace(target.B - Wx @ Wx.T)) + target.b0
    return population_loss(Wx, c, target), it


def _flow_weight(lam: np.ndarray, t: float) -> np.ndarray:
    """(1 − e^{−16λt})/λ, with its limit 16t at λ = 0 (expm1: no cancellation for small λt)."""
    x = 16.0 * lam * t
    out = np.full_like(lam, 16.0 * t)
    nz = np.abs(x) > 1e-300
    out[nz] = -np.expm1(-x[nz]) / lam[nz]
    return out


def reduced_flow(target: QuadraticTarget, W0: ArrayLike, times: ArrayLike) -> list[np.ndarray]:
    r"""Exact gradient flow of the reduced loss :math:`\ell(W) = \min_c L(W, c) = 2\|B-WW^\top\|_F^2`
    (§2.3, c at its minimiser :math:`c^*(W) = \mathrm{Tr}(B - WW^\top) + b_0`), in closed form.

    The flow :math:`\dot W = -\nabla\ell = 8(B - WW^\top)W` moves :math:`M = WW^\top` by the matrix
    Riccati equation :math:`\dot M = 8(BM + MB) - 16M^2`; for invertible M, :math:`P = M^{-1}` obeys
    the linear :math:`\dot P = -8(BP + PB) + 16I`, so in the eigenbasis of B (B = UΛUᵀ)

    .. math::

        M(t)^{-1} = e^{-8\Lambda t}M_0^{-1}e^{-8\Lambda t} + D_t,\qquad
        D_t = \mathrm{diag}\Big(\frac{1 - e^{-16\lambda_a t}}{\lambda_a}\Big),

    and, for any rank (N < d by continuity), with :math:`Y = e^{8\Lambda t}W_0`,
    :math:`M(t) = Y(I_N + Y^\top D_tY)^{-1}Y^\top`. N ≥ d uses the first form (bounded for every
    t since B ⪰ 0); N < d composes the second over steps short enough that
    :math:`16(\lambda_1 - \lambda_d)\Delta t \le 40` (the flow map is a semigroup, so the
    composition is still exact; the step only avoids overflow). Cost O(d³) per time for N ≥ d,
    O(dN²) per step for N < d — no time discretisation error.

    Parameters
    ----------
    target : QuadraticTarget with B ⪰ 0 (Theorem 3's assumption; checked).
    W0 : d×N initialisation (N ≥ d needs W0 of full row rank, true almost surely for the
        absolutely continuous initialisations of Theorem 3).
    times : increasing times t ≥ 0 (for N < d, at most ``LIMITS.iterations`` composition steps
        of length Δt up to the last time).

    Returns
    -------
    list of arrays
        For each time a factor F (d×min(N, d)) with :math:`FF^\top = W(t)W(t)^\top`, in the
        original coordinates: the risk is ``population_loss(F, c*, target)``. (W(t) itself is
        F times an N×N-orthogonal-like factor that no risk depends on.)
    """
    target = as_target(target)
    target.require_psd("the closed-form reduced flow (Theorem 3 setting)")
    d = target.d
    W0 = as_weights(W0, d, "W0")
    N = W0.shape[1]
    ts = as_finite_array(times, "times").ravel()
    check_limit("iterations", ts.size, "number of times")
    check(bool(ts.size >= 1 and ts[0] >= 0
               and np.all(np.diff(ts) > 0)),
          "times must be increasing and ≥ 0", assumption="times")
    lam, U = np.linalg.eigh(target.B)
    lam = np.maximum(lam, 0.0)              # round-off below 0 (B ⪰ 0 was checked above)
    Wt = U.T @ W0
    out: list[np.ndarray] = []
    if N >= d:
        M0 = Wt @ Wt.T
        try:
            L0 = np.linalg.cholesky(M0)
            full_rank = float(np.min(np.abs(np.diag(L0)))) ** 2 > 1e-13 * float(np.trace(M0))
        except np.linalg.LinAlgError:
            L0, full_rank = np.eye(d), False
        check(full_rank, "the closed-form flow for N ≥ d needs W0 of full row rank (W0W0ᵀ ≻ 0)",
              assumption="absolutely continuous initialisation (Theorem 3)",
              fix="use a random initialisation (random_init)")
        Li = np.linalg.inv(L0)
        P0 = Li.T @ Li
        for t in ts:
            e = np.exp(-8.0 * lam * t)
            P = (e[:, None] * P0) * e[None, :] + np.diag(_flow_weight(lam, t))
            Lp = np.linalg.cholesky((P + P.T) / 2)
            # M = P⁻¹ = L⁻ᵀL⁻¹: the factor L⁻ᵀ (triangular solve of the identity)
            out.append(U @ np.linalg.inv(Lp).T)
        return out
    span = float(lam[-1] - lam[0])
    dt_max = 40.0 / (16.0 * span) if span > 0 else math.inf
    check_limit("iterations", math.ceil(float(ts[-1]) / dt_max) if span > 0 else ts.size,
                f"composition steps t_max/Δt (Δt = {dt_max:.3g}, t_max = {float(ts[-1]):.3g})")
    F, now = Wt.copy(), 0.0
    for t in ts:
        while now < t:
            h = min(dt_max, t - now)
            Y = np.exp(8.0 * lam * h)[:, None] * F
            K = np.eye(N) + Y.T @ (_flow_weight(lam, h)[:, None] * Y)
            Lk = np.linalg.cholesky((K + K.T) / 2)
            F = np.linalg.solve(Lk, Y.T).T          # Y L⁻ᵀ: (Y L⁻ᵀ)(Y L⁻ᵀ)ᵀ = Y K⁻¹ Yᵀ
            now += h
        out.append(U @ F)
    return out


def nn_reduced_flow(target: QuadraticTarget, N: int, rng: SeedLike, *, scale: float = 0.5,
                    t0: float = 0.05, t_max: float = 1e4, rtol: float = 1e-4,
                    atol: float = 1e-8) -> tuple[float, float]:
    r"""Train the §2.3 network by the exact reduced gradient flow (:func:`reduced_flow`) from
    :func:`random_init` and return (risk, time) at convergence.

    The flow is evaluated at t = t0, 2t0, 4t0, … and stopped at the first doubling that lowers
    the risk by less than ``rtol`` of itself, or once the risk is below ``atol``·‖f*‖². The risk
    is :func:`lazysym.nn.loss.population_loss` (raw, an independent implementation of L) at
    :math:`c^*(W) = \mathrm{Tr}(B - WW^\top) + b_0`. Compare Theorem 3:
    :math:`\inf L = 2\sum_{i>N}\lambda_i(B)^2` (:func:`lazysym.nn.theorem3_value`); a generic
    start converges to it (Proposition 1, strict saddles).

    Raises
    ------
    ConvergenceError
        If the stopping rule does not hold before ``t_max`` (diagnostics: time, risk, last
        relative decrease).
    """
    target = as_target(target)
    N = positive_int(N, "N")
    t0, t_max, rtol, atol = (as_real(v, k) for v, k in
                             ((t0, "t0"), (t_max, "t_max"), (rtol, "rtol"), (atol, "atol")))
    check(0 < t0 < t_max, f"need 0 < t0 < t_max; got {t0}, {t_max}", assumption="times")
    W0, _ = random_init(target.d, N, rng, scale=scale)
    k = int(math.ceil(math.log2(t_max / t0)))
    times = t0 * 2.0 ** np.arange(k + 1)

    def risk(F: np.ndarray) -> float:
        c = float(np.trace(target.B) - np.sum(F * F)) + target.b0
        return population_loss(F, c, target)

    prev = math.inf
    rel = math.inf
    # evaluate time by time (stopping early), composing from the last factor when N < d
    F_prev, t_prev = W0, 0.0
    for t in times:
        (F,) = reduced_flow(target, F_prev if N < target.d else W0,
                            [t - t_prev if N < target.d else t])
        if N < target.d:
            F_prev, t_prev = F, t
        cur = risk(F)
        rel = (prev - cur) / max(cur, 1e-300) if math.isfinite(prev) else math.inf
        if cur <= atol * target.norm2 or rel < rtol:
            return cur, float(t)
        prev = cur
    raise ConvergenceError("the reduced gradient flow did not settle before t_max",
                           diagnostics={"t_max": t_max, "risk": prev,
                                        "last_relative_decrease": rel},
                           fix="raise t_max or loosen rtol")


def _sym_product(X: np.ndarray, b: np.ndarray) -> np.ndarray:
    """X diag(b) Xᵀ as the difference of two Gram matrices YYᵀ (Y = X·√|b| over the columns of
    each sign): numpy computes ``Y @ Y.T`` by a symmetric rank-k update, half the flops of a
    general product, and the result is exactly symmetric.
    """
    Y = X * np.sqrt(np.abs(b))
    pos = b > 0
    Yp, Ym = Y[:, pos], Y[:, ~pos]
    S = Yp @ Yp.T
    if Ym.shape[1]:
        S -= Ym @ Ym.T
    return S


def _line_minimum(poly: np.ndarray) -> float | None:
    """The η > 0 minimising the polynomial ``poly`` (coefficients, increasing powers) among the
    real positive roots of its derivative, or None if there is none.
    """
    der = np.polynomial.polynomial.polyder(poly)
    nz = np.flatnonzero(np.abs(der) > 0)
    if nz.size == 0:
        return None
    roots = np.roots(der[: nz[-1] + 1][::-1])
    real = roots[np.abs(roots.imag) <= 1e-9 * np.abs(roots)].real
    real = real[real > 0]
    if real.size == 0:
        return None
    vals = np.polynomial.polynomial.polyval(real, poly)
    return float(real[int(np.argmin(vals))])


def _line_polynomial(W, a, pW, pa, S, h, delta, dd):
    """The matrix coefficients C (4 × d × d) of S(η) = (W + ηP) diag(a + ηq) (W + ηP)ᵀ, from its
    values at η ∈ {0, h/2, h, 2h} (S at 0 given), and the coefficients (increasing powers) of
    the degree-6 polynomial R(S(η)) = (1 + Σ_k η^k t_k)² + 2 Σ_{k,l} η^{k+l} ⟨C_k, C_l⟩_dd.
    """
    nodes = np.array([0.0, 0.5 * h, h, 2.0 * h])
    vals = np.array([S] + [_sym_product(W + t * pW, a + t * pa) for t in nodes[1:]])
    C = np.tensordot(np.linalg.inv(np.vander(nodes, 4, increasing=True)), vals, axes=1)
    t_k = np.array([float(delta @ np.diag(Ck)) for Ck in C])
    one = np.array([1.0, 0.0, 0.0, 0.0])
    poly = np.convolve(one + t_k, one + t_k)
    for k in range(4):
        for j in range(k, 4):
            poly[k + j] += (2.0 if j == k else 4.0) * float(np.sum(C[k] * C[j] * dd))
    return C, poly


def mixture_gradient_descent(mix: GaussianMixture, N: int, rng: SeedLike, *,
                             scale: float = 0.5, a_scale: float = 0.1,
                             max_iter: int = 3000, gtol: float = 1e-7,
                             method: str = "cg") -> tuple[float, int]:
    r"""Train the §3.3 network :math:`\hat f(x) = \sum_i a_i\langle w_i, x\rangle^2 + c` (mg) on its
    closed-form population risk by a gradient method with exact line search, c at its minimiser.

    With :math:`S = W\mathrm{diag}(a)W^\top` the risk is
    :math:`R(S) = (1 + \mathrm{Tr}\,S\Delta)^2 + 2\mathrm{Tr}(S\Sigma S\Sigma)
    + 2\mathrm{Tr}(S\Delta S\Delta)` (c = −Tr SΣ; the loss of Theorem 6's proof). The descent
    runs on (W, a) in whitened coordinates (x̃ = VᵀΣ^{-1/2}x with
    Σ^{-1/2}ΔΣ^{-1/2} = V diag(δ) Vᵀ; for Σ = I, as in §4, a rotation, so the iterates are the
    rotated iterates of the original coordinates), where :math:`R(S) = (1+\tau)^2 +
    2\sum_{ij}S_{ij}^2(1+\delta_i\delta_j)`, τ = Σᵢ δᵢSᵢᵢ,
    :math:`G := \nabla_S R = 2(1+\tau)\,\mathrm{diag}(\delta) + 4S\circ(1 + \delta\delta^\top)`,
    :math:`\nabla_W R = 2GW\mathrm{diag}(a)`, :math:`\partial_{a_i}R = w_i^\top Gw_i`.

    * **Directions.** ``method="cg"`` (default): nonlinear conjugate gradient, Polak–Ribière+
      (β = max(0, ⟨g_k, g_k − g_{k−1}⟩/‖g_{k−1}‖²), restarted at −g when not a descent
      direction); ``method="gd"``: steepest descent (β = 0).
    * **Exact line search, closed form.** Along (W + ηP, a + ηq), S(η) is a cubic polynomial in η
      with matrix coefficients (obtained from S at η ∈ {0, h/2, h, 2h}, h the previous step),
      so R(S(η)) is a degree-6 polynomial whose coefficients are O(d²) inner products; the step
      is its minimiser over η > 0 (a root of the degree-5 derivative). No step constant is tuned.
    * **Certified stopping rule.** R is a quadratic in S with Hessian
      :math:`\nabla^2R[H,H] = 2(\mathrm{Tr}\,\mathrm{diag}(\delta)H)^2
      + 4\sum_{ij}H_{ij}^2(1+\delta_i\delta_j) \ge \mu\|H\|_F^2`, μ = 4(1 + min_{ij} δᵢδⱼ) > 0
      (|δᵢ| < 1 since Σ ± Δ ≻ 0). So for Q with orthonormal columns spanning range(W) (Q = I when N ≥ d),
      :math:`R(S) - \min\{R(S'): \mathrm{range}\,S'\subseteq\mathrm{range}\,Q\}\le
      \|Q^\top GQ\|_F^2/(2\mu)`. The loop stops once this bound is ≤ ``gtol``·R. For N ≥ d the
      minimum is over all symmetric S, i.e. the exact optimum :func:`lazysym.nn.nn_risk_mixture`:
      a certified gap. For N < d it certifies optimality within the span of the trained neurons;
      which span GD found is what the comparison with the exact optimum shows.

    Init: W_{ai} ~ N(0, scale²/d), a_i ~ N(0, a_scale²) (absolutely continuous); the defaults
    (0.5, 0.1) are near balance (‖w_i‖² − 2a_i² is conserved by the flow) at the scale of the
    optimum (|eigenvalues of S*| ≈ ‖Δ̃‖_op/4 ≈ 0.02 at §4's Δ). Measured at d = 450 (§4's
    mixture, seed of Figure 2): conjugate gradient certifies a gap ≤ 10⁻⁷·R in 36–122
    iterations for N ∈ {45, …, 4500} (true gaps 2·10⁻⁸–5·10⁻⁷); the earlier steepest descent
    with backtracking needed 1118 iterations at N = 1800 to reach a gap of 10⁻⁷. With Δ̃ of
    mixed signs a descent can stop at a non-global stationary point
    (tests/test_training_loops.py); callers compare with the exact optimum. Cost per
    iteration O(d²N): three products X diag(b) Xᵀ (symmetric rank-k updates), one GW, and for
    N < d a QR of W.

    Returns
    -------
    (risk, iterations)
        The risk :func:`lazysym.nn.mixture_quadratic_risk` of the trained network (in the
        original coordinates, an independent implementation) and the iterations used. Compare
        the exact optimum :func:`lazysym.nn.nn_risk_mixture`.

    Raises
    ------
    ConvergenceError
        If the certified bound is not below ``gtol``·R within ``max_iter`` iterations, or the
        line search finds no decrease (diagnostics: iterations, risk, bound).
    """
    mix_ = as_mixture(mix, "mixture_gradient_descent")
    N = positive_int(N, "N", cap="dimension")
    max_iter = positive_int(max_iter, "max_iter", cap="iterations")
    gtol = as_real(gtol, "gtol")
    check(gtol >= 0, f"gtol must be ≥ 0; got {gtol}", assumption="gtol ≥ 0")
    check(isinstance(method, str) and method in ("cg", "gd"),
          f"method must be 'cg' or 'gd'; got {method!r}", assumption="method")
    scale = as_real(scale, "scale")
    check(scale > 0, f"scale must be > 0; got {scale}", assumption="absolutely continuous init")
    rng = as_generator(rng)
    d = mix_.d
    ev, Vs = np.linalg.eigh(mix_.Sigma)
    isq = (Vs / np.sqrt(ev)) @ Vs.T
    delta, V = np.linalg.eigh(isq @ mix_.Delta @ isq)
    dd = 1.0 + np.outer(delta, delta)
    mu = 4.0 * (1.0 + min(float(delta[0] * delta[-1]), float(delta[0] ** 2),
                          float(delta[-1] ** 2)))
    W = rng.standard_normal((d, N)) * (scale / math.sqrt(d))
    a = rng.standard_normal(N) * as_real(a_scale, "a_scale")

    def risk_of(S):
        tau = float(delta @ np.diag(S))
        return (1.0 + tau) ** 2 + 2.0 * float(np.sum(S * S * dd)), tau

    def grad_of(W, a, S, tau):
        GS = 4.0 * S * dd
        GS[np.diag_indices(d)] += 2.0 * (1.0 + tau) * delta
        GW = GS @ W
        return GS, 2.0 * GW * a, np.einsum("ij,ij->j", W, GW)

    def bound_of(W, GS):
        if N >= d:
            return float(np.sum(GS * GS)) / (2.0 * mu)
        Q = np.linalg.qr(W)[0]
        P = Q.T @ (GS @ Q)
        return float(np.sum(P * P)) / (2.0 * mu)

    S = _sym_product(W, a)
    R, tau = risk_of(S)
    GS, gW, ga = grad_of(W, a, S, tau)
    pW, pa = -gW, -ga
    h = 1.0
    it = 0
    while True:
        bound = bound_of(W, GS)
        if bound <= gtol * R:
            # confirm on S recomputed from (W, a) (the iterates carry the interpolated S)
            S = _sym_product(W, a)
            R, tau = risk_of(S)
            GS, gW, ga = grad_of(W, a, S, tau)
            bound = bound_of(W, GS)
            if bound <= gtol * R:
                break
            pW, pa = -gW, -ga
        if it >= max_iter:
            raise ConvergenceError(
                f"{method} on the mixture risk did not certify a gap ≤ gtol·R",
                diagnostics={"N": N, "iterations": it, "risk": R, "bound": bound, "gtol": gtol},
                fix="raise max_iter or loosen gtol")
        # S(η) = C0 + ηC1 + η²C2 + η³C3 from its values at 0, h/2, h, 2h; the minimiser is
        # accepted inside [0, 2h] (interpolation: the coefficients are exact to rounding there),
        # otherwise the nodes move out to it (extrapolation to η ≫ h amplifies rounding ~(η/h)³)
        for _ in range(8):
            C, poly = _line_polynomial(W, a, pW, pa, S, h, delta, dd)
            eta = _line_minimum(poly)
            inside = eta is not None and eta <= 2.0 * h
            if eta is None or inside:
                break
            h = eta
        if eta is None:
            raise ConvergenceError(
                "the exact line search found no decrease along the search direction",
                diagnostics={"N": N, "iterations": it, "risk": R, "bound": bound},
                fix="loosen gtol (the bound is at the level of rounding)")
        W = W + eta * pW
        a = a + eta * pa
        S = C[0] + eta * (C[1] + eta * (C[2] + eta * C[3])) if inside else _sym_product(W, a)
        R, tau = risk_of(S)
        h = eta
        GS, gW1, ga1 = grad_of(W, a, S, tau)
        beta = 0.0
        if method == "cg":
            g2 = float(np.sum(gW * gW) + ga @ ga)
            beta = max(0.0, float(np.sum(gW1 * (gW1 - gW)) + ga1 @ (ga1 - ga)) / g2)
        gW, ga = gW1, ga1
        pW, pa = -gW + beta * pW, -ga + beta * pa
        if float(np.sum(pW * gW) + pa @ ga) >= 0.0:
            pW, pa = -gW, -ga
        it += 1
    # back to the original coordinates: w = Σ^{-1/2} V w̃, S = Σ^{-1/2} V S̃ Vᵀ Σ^{-1/2}
    Wx = isq @ (V @ W)
    return mixture_quadratic_risk(_sym_product(Wx, a), None, mix_), it


def _schedule(steps, batch, stages, record, decay) -> tuple[int, int, int, int, float]:
    """The step schedule of :func:`sgd_mixture` / :func:`sgd_staged`, validated: ``steps`` and
    ``stages``, ``record`` ≤ ``LIMITS.iterations``, ``batch`` and the samples steps × batch ≤
    ``LIMITS.samples``, ``decay`` a finite real > 0.
    """
    steps = positive_int(steps, "steps", cap="iterations")
    batch = positive_int(batch, "batch", cap="samples")
    check_limit("samples", steps * batch, "samples steps × batch")
    stages = positive_int(stages, "stages", cap="iterations")
    record = positive_int(record, "record", cap="iterations")
    decay = as_real(decay, "decay")
    check(decay > 0, f"the step decay must be > 0; got {decay}", assumption="decay > 0")
    return steps, batch, stages, record, decay


def _stage_steps(steps: int, stages: int):
    base = [steps // stages] * stages
    base[-1] += steps - sum(base)
    return [s for s in base if s > 0]


def _mixture_batches(mix: GaussianMixture, rng: np.random.Generator, m: int, batch: int):
    """The next m mini-batches of the (mg) model: X (m×batch×d), y (m×batch).

    Diagonal Σ, Δ (§4): x = √diag(Σ − yΔ) ∘ z, O(d) per sample; otherwise Cholesky factors.
    """
    d = mix.d
    y = rng.choice(np.array([-1.0, 1.0]), size=(m, batch))
    Z = rng.standard_normal((m, batch, d))
    s, dl = np.diag(mix.Sigma), np.diag(mix.Delta)
    if np.count_nonzero(mix.Sigma - np.diag(s)) == 0 and np.count_nonzero(mix.Delta - np.diag(dl)) == 0:
        # the two scale vectors √(s ∓ δ) once, then a select (the same numbers as √(s − yδ)
        # evaluated per sample, at a third of the passes over the m × batch × d block)
        Z *= np.where(y[..., None] > 0, np.sqrt(s - dl), np.sqrt(s + dl))
        return Z, y
    Lp = np.linalg.cholesky(mix.Sigma - mix.Delta)
    Lm = np.linalg.cholesky(mix.Sigma + mix.Delta)
    return np.where(y[..., None] > 0, Z @ Lp.T, Z @ Lm.T), y


def _log_marks(steps: int, record: int, extra=()) -> np.ndarray:
    return np.unique(np.concatenate([np.round(np.geomspace(1, steps, record)).astype(int),
                                     np.asarray(extra, dtype=int), [steps]]))


def sgd_mixture(mix: GaussianMixture, N: int, rng: SeedLike, *, step: float,
                steps: int, batch: int = 100, stages: int = 1, decay: float = 3.0,
                record: int = 60, init_scale: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    r"""One-pass SGD on E(y − Σ_i a_i⟨w_i,x⟩² − c)² (§3.3 network) with mini-batches (§4: 100).

    Initialisation: W_{ai} ~ N(0, init_scale²/d), a_i ~ N(0, init_scale²/N²), c = 0
    (absolutely continuous). The step is ε, ε/decay, … in ``stages`` equal blocks of steps
    (``stages=1``: the constant step of §4; every sample is used once). Records the exact risk
    (:func:`lazysym.nn.mixture_quadratic_risk` of S = W diag(a) Wᵀ) at ~``record`` log-spaced
    steps. Returns (samples, risks), samples = steps × batch.

    Caps (:mod:`lazysym.limits`): N ≤ ``LIMITS.dimension``; steps, stages, record ≤
    ``LIMITS.iterations``; steps × batch ≤ ``LIMITS.samples``.

    Raises
    ------
    AssumptionError
        A bad argument (rng must be a seed or a Generator, :func:`lazysym._validate.as_generator`).
    ConvergenceError
        If the iterates blow up (non-finite, or |c| > 10⁶): the step is too large.
    """
    mix = as_mixture(mix, "sgd_mixture")
    N = positive_int(N, "N", cap="dimension")
    steps, batch, stages, record, decay = _schedule(steps, batch, stages, record, decay)
    step = as_real(step, "step")
    check(step > 0, f"the SGD step ε must be > 0; got {step}", assumption="ε > 0")
    init_scale = as_real(init_scale, "init_scale")
    check(init_scale > 0, f"init_scale must be > 0; got {init_scale}",
          assumption="absolutely continuous init")
    rng = as_generator(rng)
    d = mix.d
    W = rng.standard_normal((d, N)) * (init_scale / math.sqrt(d))
    a = rng.standard_normal(N) * (init_scale / N)
    c = 0.0
    bounds = np.cumsum([0] + _stage_steps(steps, stages))
    marks = set(_log_marks(steps, record, bounds[1:]).tolist())
    out_n, out_r = [], []
    chunk = max(1, 4096 // batch)
    k = 0
    while k < steps:
        m = min(chunk, steps - k)
        Xs, ys = _mixture_batches(mix, rng, m, batch)
        for j in range(m):
            eps = step / decay ** (int(np.searchsorted(bounds, k, side="right")) - 1)
            X, y = Xs[j], ys[j]
            H = X @ W
            H2 = H * H
            res = H2 @ a + c - y
            ga = (2.0 / batch) * (H2.T @ res)
            gW = (4.0 / batch) * (X.T @ (res[:, None] * H)) * a
            c -= eps * 2.0 * float(np.mean(res))
            a -= eps * ga
            W -= eps * gW
            k += 1
            if not math.isfinite(c) or abs(c) > 1e6:
                raise ConvergenceError("mixture SGD diverged (the step is too large)",
                                       diagnostics={"step": eps, "step_index": k},
                                       fix="decrease the step")
            if k in marks:
                out_n.append(k * batch)
                out_r.append(mixture_quadratic_risk((W * a) @ W.T, c, mix))
    return np.array(out_n), np.array(out_r)


def sgd_staged(target: QuadraticTarget, W0: ArrayLike, c0: float, rng: SeedLike, *,
               step: float, steps: int, batch: int = 100, stages: int = 1, decay: float = 3.0,
               record: int = 60) -> tuple[np.ndarray, np.ndarray]:
    """:func:`lazysym.nn.training.sgd` with steps ε, ε/decay, … in ``stages`` equal blocks
    (``stages=1``: the constant step of §4; one pass: the same Generator continues, so every
    sample is fresh), run in segments between ~``record`` log-spaced checkpoints where the exact
    L is recorded. Returns (samples, raw risks), samples = steps × batch.

    Caps (:mod:`lazysym.limits`): steps, stages, record ≤ ``LIMITS.iterations``; steps × batch
    ≤ ``LIMITS.samples``.
    """
    target = as_target(target, "sgd_staged")
    W0 = as_weights(W0, target.d, "W0")
    c0 = as_real(c0, "c0")
    steps, batch, stages, record, decay = _schedule(steps, batch, stages, record, decay)
    step = as_real(step, "step")
    check(step > 0, f"the SGD step ε must be > 0; got {step}", assumption="ε > 0")
    rng = as_generator(rng)
    bounds = np.cumsum([0] + _stage_steps(steps, stages))
    marks = _log_marks(steps, record, bounds[1:])
    W, c = W0, c0
    out_n, out_r = [], []
    done = 0
    for m in marks:
        while done < m:
            j = int(np.searchsorted(bounds, done, side="right")) - 1
            seg = int(min(m, bounds[j + 1]) - done)
            res = sgd(target, W, c, step=step / decay ** j, steps=seg, rng=rng, batch=batch,
                      record_every=seg)
            W, c = res.W, res.c
            done += seg
        out_n.append(done * batch)
        out_r.append(population_loss(W, c, target))
    return np.array(out_n), np.array(out_r)


# --------------------------------------------------------------------------------------------
# several one-pass SGD runs on one sample stream (the right frames: pilots and final runs)
# --------------------------------------------------------------------------------------------

def _run_has(col_run: np.ndarray, flags: np.ndarray, runs: int) -> np.ndarray:
    """Per run: does any of its columns carry the flag."""
    return np.bincount(col_run, weights=flags.astype(float), minlength=runs) > 0


@dataclass
class SharedRun:
    """One run of :func:`sgd_shared`: initial first layer ``W`` (d×N), second layer ``a``
    (length N; None for the §2.3 network Σᵢ⟨wᵢ,x⟩² + c, whose second layer is fixed to 1), offset
    ``c`` and constant step ``step`` (ε).
    """

    W: np.ndarray
    c: float
    step: float
    a: np.ndarray | None = None


def sgd_shared(model: QuadraticTarget | GaussianMixture, runs: list[SharedRun], rng: SeedLike, *,
               steps: int, batch: int = 100, record: int = 60) -> list[tuple[np.ndarray, np.ndarray]]:
    r"""Several one-pass SGD runs with constant steps (§4) driven by **one** stream of fresh
    samples: at step k every run takes its gradient on the same mini-batch.

    Each run is exactly the one-pass SGD of :func:`sgd` (qf, ``a=None``: the network
    :math:`\sum_i\langle w_i,x\rangle^2 + c`, run in the eigenbasis of B) or of
    :func:`sgd_mixture` (mg: :math:`\sum_i a_i\langle w_i,x\rangle^2 + c`, all of W, a, c trained)
    with ``stages=1``: every run sees every sample once, so each run's law is unchanged; only the
    runs are now dependent (common random numbers), which also makes a pilot comparison of step
    sizes less noisy. The point is cost: one draw of the samples (half of a step's CPU at
    d = 450, batch 100, measured) and one matrix product per step for all runs together
    (their first layers side by side).

    Parameters
    ----------
    model : QuadraticTarget (qf; runs without ``a``) or GaussianMixture (mg; runs with ``a``).
    runs : the runs (initialisations and steps).
    rng : seed or Generator of the sample stream.
    steps, batch : SGD steps and mini-batch size (samples = steps × batch, ≤ LIMITS.samples).
    record : about this many log-spaced records of the exact risk (and the last step).

    Returns
    -------
    list of (samples, risks)
        Per run: the sample counts k × batch at the records and the exact population risks there
        (qf: raw L(W, c) of eq. (5); mg: :func:`lazysym.nn.mixture_quadratic_risk`). A run that
        diverges (non-finite iterates, or qf risk above 10⁶ × its initial value, or mg |c| > 10⁶,
        the thresholds of :func:`sgd` and :func:`sgd_mixture`) is stopped and its later records
        are +∞ (the other runs go on).
    """
    check_type(isinstance(model, (QuadraticTarget, GaussianMixture)), "model",
               "a QuadraticTarget (qf) or a GaussianMixture (mg)", model)
    qf = isinstance(model, QuadraticTarget)
    check_type(isinstance(runs, (list, tuple)) and len(runs) > 0
               and all(isinstance(r, SharedRun) for r in runs), "runs",
               "a non-empty list of SharedRun", runs)
    steps, batch, _, record, _ = _schedule(steps, batch, 1, record, 1.0)
    rng = as_generator(rng)
    d = model.d
    Ws, cs, eps, As = [], [], [], []
    for j, r in enumerate(runs):
        Wj = as_weights(r.W, d, f"runs[{j}].W")
        step = as_real(r.step, f"runs[{j}].step")
        check(step > 0, f"the SGD step ε must be > 0; got {step}", assumption="ε > 0")
        check((r.a is None) == qf, "qf runs have a = None, mg runs a vector a of length N",
              assumption="network of the model")
        if not qf:
            aj = as_finite_array(r.a, f"runs[{j}].a", ndim=1)
            check(aj.size == Wj.shape[1], f"runs[{j}].a must have N = {Wj.shape[1]} entries",
                  assumption="a shape")
            As.append(aj.astype(float))
        Ws.append(Wj)
        cs.append(as_real(r.c, f"runs[{j}].c"))
        eps.append(step)
    R = len(runs)
    sizes = [w.shape[1] for w in Ws]
    col_run = np.repeat(np.arange(R), sizes)
    cuts = np.concatenate([[0], np.cumsum(sizes)])
    # per-run sums over each run's columns by reduceat, not by a product with a 0/1 matrix: a
    # diverging run's ±∞ would make ∞·0 = NaN in every other run
    starts = cuts[:-1]
    c = np.array(cs)
    eps_a = np.array(eps)
    eps_col = eps_a[col_run]
    target = model if isinstance(model, QuadraticTarget) else None
    if target is not None:
        rot = _Rotated(target)
        lam, U, b0 = rot.lam, rot.U, rot.b0
        Wall = U.T @ np.hstack(Ws)

        def risks_now() -> np.ndarray:
            return np.array([rot.loss(Wall[:, cuts[j]:cuts[j + 1]], c[j]) for j in range(R)])
    else:
        mixm: GaussianMixture = as_mixture(model, "sgd_shared")
        Wall = np.hstack(Ws).astype(float)
        a = np.concatenate(As)

        def risks_now() -> np.ndarray:
            out = np.empty(R)
            for j in range(R):
                Wj, aj = Wall[:, cuts[j]:cuts[j + 1]], a[cuts[j]:cuts[j + 1]]
                out[j] = mixture_quadratic_risk((Wj * aj) @ Wj.T, float(c[j]), mixm)
            return out
    alive = np.ones(R, bool)
    L0 = risks_now()
    limit = 1e6 * np.maximum(L0, 1e-300)
    marks = set(_log_marks(steps, record).tolist())
    out_n: list[int] = []
    out_r: list[np.ndarray] = []

    def kill(bad: np.ndarray) -> None:
        alive[bad] = False
        cols = np.isin(col_run, np.flatnonzero(bad))
        Wall[:, cols] = 0.0
        eps_col[cols] = 0.0
        eps_a[bad] = 0.0
        c[bad] = 0.0
        if not qf:
            a[cols] = 0.0

    # the chunking of sgd / sgd_mixture (so that one run reproduces their sample streams)
    chunk = max(1, 8192 // (batch * max(1, d // 64 + 1))) if qf else max(1, 4096 // batch)
    k = 0
    with np.errstate(over="ignore", invalid="ignore"):
        while k < steps:
            m = min(chunk, steps - k)
            if qf:
                Z = rng.standard_normal((m, batch, d))
                Y = b0 + np.einsum("mbi,i,mbi->mb", Z, lam, Z)       # f*(x), x = Uz
            else:
                Z, ylab = _mixture_batches(mixm, rng, m, batch)
                Y = ylab
            for j in range(m):
                X, y = Z[j], Y[j]
                H = X @ Wall                                          # batch × columns
                H2 = H * H
                if qf:
                    res = y[:, None] - np.add.reduceat(H2, starts, axis=1) - c   # f* − f̂
                    Wall += X.T @ (res[:, col_run] * H * ((4.0 / batch) * eps_col))
                    c += (2.0 / batch) * eps_a * res.sum(axis=0)
                else:
                    res = np.add.reduceat(H2 * a, starts, axis=1) + c - y[:, None]   # f̂ − y
                    rc = res[:, col_run]
                    ga = (2.0 / batch) * np.einsum("bi,bi->i", H2, rc)
                    # W −= ε (4/batch) Xᵀ(r ∘ H) diag(a): the column scaling folded into the
                    # batch × columns factor before the product
                    Wall -= X.T @ (rc * H * ((4.0 / batch) * a * eps_col))
                    c -= eps_a * 2.0 * res.mean(axis=0)
                    a -= eps_col * ga
                k += 1
                if k in marks:
                    Lk = risks_now()
                    ok = np.isfinite(Lk) & np.isfinite(c) & (Lk <= limit if qf
                                                             else np.abs(c) <= 1e6)
                    bad = alive & ~ok
                    if bad.any():
                        kill(bad)
                    Lk[~alive] = np.inf
                    out_n.append(k * batch)
                    out_r.append(Lk)
            bad = alive & (_run_has(col_run, ~np.all(np.isfinite(Wall), axis=0), R)
                           | ~np.isfinite(c))
            if not qf:
                bad |= alive & (_run_has(col_run, ~np.isfinite(a), R) | (np.abs(c) > 1e6))
            if bad.any():
                kill(bad)
    n = np.array(out_n)
    rs = np.array(out_r)
    return [(n, rs[:, j]) for j in range(R)]

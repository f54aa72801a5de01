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
           "sgd_mixture", "sgd_staged"]

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
    is bounded by 8(λ_max(B) + 3‖W‖²_op) ≤ 24(…); we use half of 2/that). Stops when the
    relative decrease of L over 100 steps falls below ``rtol``.
    """
    lam, V = np.linalg.eigh(target.B)
    d = target.d
    W, _ = random_init(d, N, rng, scale=scale)
    lmax = float(max(lam.max(), 0.0))
    prev = None
    it = 0
    for it in range(1, iters + 1):
        G = W.T @ W
        grad = -8.0 * (lam[:, None] * W - W @ G)
        eta = 1.0 / (12.0 * (lmax + float(np.linalg.norm(G, 2))))
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


def _stage_steps(steps: int, stages: int):
    base = [steps // stages] * stages
    base[-1] += steps - sum(base)
    return [s for s in base if s > 0]


def sgd_mixture(mix: GaussianMixture, N: int, rng: np.random.Generator, *, step: float,
                steps: int, batch: int, stages: int = 4, decay: float = 3.0,
                record: int = 60) -> tuple[np.ndarray, np.ndarray]:
    r"""One-pass SGD on E(y − Σ_i a_i⟨w_i,x⟩² − c)² (§3.3 network) with mini-batches.

    Initialisation: W_{ai} ~ N(0, 1/d), a = 1/N (small), c = 0. The step is ε, ε/decay, … in
    ``stages`` equal blocks of steps (every sample still used once). Records the exact risk
    (:func:`lazysym.nn.mixture_quadratic_risk` of S = W diag(a) Wᵀ) at ~``record`` log-spaced
    steps. Returns (samples, risks).
    """
    from lazysym.errors import ConvergenceError

    d = mix.d
    sample = mix.sample
    W = rng.standard_normal((d, N)) / math.sqrt(d)
    a = np.full(N, 1.0 / N)
    c = 0.0
    marks = set(np.unique(np.round(np.geomspace(1, steps, record)).astype(int)).tolist())
    out_n, out_r = [], []
    k = 0
    for j, block in enumerate(_stage_steps(steps, stages)):
        eps = step / decay ** j
        for _ in range(block):
            k += 1
            X, y = sample(batch, rng)
            U = X @ W
            U2 = U * U
            res = U2 @ a + c - y
            ga = 2.0 * (U2.T @ res) / batch
            gW = 4.0 * (X.T @ (res[:, None] * U)) * a / batch
            gc = 2.0 * float(np.mean(res))
            a -= eps * ga
            W -= eps * gW
            c -= eps * gc
            if not np.isfinite(c) or abs(c) > 1e6:
                raise ConvergenceError(f"mixture SGD diverged at step {k} (step = {eps})",
                                       diagnostics={"step": eps, "k": k})
            if k in marks:
                out_n.append(k * batch)
                out_r.append(mixture_quadratic_risk((W * a) @ W.T, c, mix))
    return np.array(out_n), np.array(out_r)


def sgd_staged(target: QuadraticTarget, W0: ArrayLike, c0: float, rng: np.random.Generator, *,
               step: float, steps: int, batch: int, stages: int = 4, decay: float = 3.0,
               record: int = 60) -> tuple[np.ndarray, np.ndarray]:
    """:func:`lazysym.nn.training.sgd` with steps ε, ε/decay, … in ``stages`` equal blocks (one
    pass: the same Generator continues, so every sample is fresh), run in segments between
    ~``record`` log-spaced checkpoints where the exact L is recorded. Returns (samples, raw risks).
    """
    bounds = np.cumsum([0] + _stage_steps(steps, stages))
    marks = np.unique(np.concatenate([np.round(np.geomspace(1, steps, record)).astype(int),
                                      bounds[1:]]))
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


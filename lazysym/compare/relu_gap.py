r"""The NN–NT gap with ReLU activation (the paper's poster, "How General are these Phenomena?",
Fig. 3).

The poster: "we performed extensive experiments with other non-linearities. See Figure 3 for fitting
a quadratic function with ReLu activation. In particular, the positive gap between NN and NT is
still present for N < d" (also §4 of the paper). This module reproduces that experiment at a size
that runs here:

* **NN**: :math:`\hat f(x) = c + \sum_{i\le N} a_i\,\mathrm{relu}(\langle w_i, x\rangle)`, all of
  (W, a, c) trained by one-pass mini-batch SGD on fresh samples (§2.3's one-pass SGD, batch as §4),
  from :math:`w_i\sim N(0, I_d/d)`, :math:`a_i\sim N(0, 1/N)`, c = 0 (:func:`train_relu_nn`).
* **NT**: the class (3) with σ = relu, :math:`\hat f(x) = c + \sum_i \sigma'(\langle w_i, x\rangle)
  \langle a_i, x\rangle` at random :math:`w_i\sim N(0, I_d/d)` (σ' = 1{u > 0}), fitted by least
  squares on ``n_train`` samples (:func:`fit_relu_nt`; normal equations accumulated in chunks).
* **Test errors** on fresh samples with CLT standard errors
  (:func:`lazysym.rf.montecarlo.test_error_montecarlo`), normalised by :math:`\|f_*\|^2`; over
  seeds, the mean and its standard error (:func:`relu_gap_experiment`).

SGD works on the target scaled to unit L² norm (y/‖f*‖); the predictor is scaled back, so the
normalised risk is unchanged. The NT least-squares fit has an estimation excess of order
p/n_train (p = Nd + 1 features) on top of the population NT risk: with n_train = 20p it is ≈ 5% of
the residual, and it only makes NT look worse — the report says so.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from lazysym._typing import SeedLike
from lazysym._validate import (
    as_finite_array,
    as_generator,
    as_real,
    as_target,
    as_weights,
    nonnegative_int,
    positive_int,
)
from lazysym.compare.relu_exact import relu_network_risk, relu_nt_risk
from lazysym.errors import ConvergenceError, check, check_type
from lazysym.limits import LIMITS, check_limit
from lazysym.nn.certified import exact_norm2
from lazysym.objects.balls import working_precision
from lazysym.objects.models import QuadraticTarget
from lazysym.rf.montecarlo import test_error_montecarlo

__all__ = ["ReluNetwork", "train_relu_nn", "fit_relu_nt", "nt_features", "relu_gap_experiment",
           "GapResult"]


def _target(target: QuadraticTarget) -> QuadraticTarget:
    target = as_target(target)
    check(target.norm2 > 0, "the target must be non-zero (‖f*‖ > 0) to normalise the risk",
          assumption="f* ≠ 0")
    return target


@dataclass
class ReluNetwork:
    r""":math:`\hat f(x) = c + \sum_i a_i\,\mathrm{relu}(\langle w_i, x\rangle)` (W is d×N)."""

    W: np.ndarray
    a: np.ndarray
    c: float
    risks: list[float] = field(default_factory=list, repr=False)

    def __call__(self, X: ArrayLike) -> np.ndarray:
        """The predictions f̂(x) for the rows of X (n×d)."""
        X = as_finite_array(X, "X", ndim=2)
        check(X.shape[1] == self.W.shape[0], f"X must be n×d with d = {self.W.shape[0]}; got "
              f"shape {X.shape}", assumption="X shape")
        return self.c + np.maximum(X @ self.W, 0.0) @ self.a


def train_relu_nn(target: QuadraticTarget, N: int, *, steps: int, rng: SeedLike,
                  batch: int = 64, step: float = 0.05, decay: float = 0.0,
                  record_every: int = 0) -> ReluNetwork:
    r"""One-pass mini-batch SGD on :math:`\tfrac12(y/\|f_*\| - \hat f(x))^2` for the ReLU network.

    Parameters
    ----------
    target:
        The quadratic target (qf, eq. (8)).
    N:
        Number of neurons.
    steps, batch, step:
        SGD steps, fresh samples per step, step size ε (the learning rate at step k is
        ε/(1 + decay·k/steps)).
    rng:
        Seed or Generator (initialisation and samples).
    record_every:
        If > 0, the mini-batch loss is recorded every that many steps (``risks``).

    Returns
    -------
    ReluNetwork
        The trained network, predicting on the original scale of f*.
    """
    target = _target(target)
    N = positive_int(N, "N", cap="dimension")
    steps, batch = positive_int(steps, "steps", cap="iterations"), positive_int(batch, "batch")
    check(steps * batch <= LIMITS.samples, f"steps·batch = {steps * batch} fresh samples "
          f"exceed the limit samples = {LIMITS.samples}", assumption="limit samples",
          fix="raise it: with lazysym.limits.raised(samples=...): ...")
    record_every = nonnegative_int(record_every, "record_every")
    step = as_real(step, "step")
    check(step > 0, f"the step size must be > 0; got {step}", assumption="ε > 0")
    decay = as_real(decay, "decay")
    check(decay >= 0, f"decay must be ≥ 0; got {decay}", assumption="decay ≥ 0")
    rng = as_generator(rng)
    d = target.d
    s = math.sqrt(target.norm2)
    W = rng.standard_normal((d, N)) / math.sqrt(d)
    a = rng.standard_normal(N) / math.sqrt(N)
    c = 0.0
    rec = []
    with np.errstate(over="ignore", invalid="ignore"):   # divergence is raised, not warned
        for k in range(steps):
            X, y = target.sample(batch, rng)
            y = y / s
            P = X @ W
            H = np.maximum(P, 0.0)
            r = c + H @ a - y                              # residual, (batch,)
            lr = step / (1.0 + decay * k / steps)
            ga = H.T @ r / batch
            gc = float(r.mean())
            gW = X.T @ ((P > 0) * np.outer(r, a)) / batch
            a -= lr * ga
            c -= lr * gc
            W -= lr * gW
            if record_every and (k % record_every == 0 or k == steps - 1):
                rec.append(float(np.mean(r * r)))
            if not (np.all(np.isfinite(W)) and np.isfinite(c)):
                raise ConvergenceError("SGD diverged", diagnostics={"step": k, "eps": step},
                                       fix="lower the step size")
    return ReluNetwork(W, a * s, c * s, rec)


def nt_features(X: ArrayLike, W: np.ndarray) -> np.ndarray:
    r"""NT features of class (3) with σ = relu: :math:`x_a\,\mathbf 1\{\langle w_i, x\rangle > 0\}`
    for all (i, a), then the constant 1 (offset). Shape (n, Nd + 1).
    """
    W = as_weights(W)
    X = as_finite_array(X, "X", ndim=2)
    check(X.shape[1] == W.shape[0], f"X must be n×d with d = {W.shape[0]}; got shape {X.shape}",
          assumption="X shape")
    check_limit("dimension", W.shape[0] * W.shape[1] + 1, "number Nd + 1 of NT features")
    M = (X @ W > 0).astype(float)                       # (n, N)
    F = (M[:, :, None] * X[:, None, :]).reshape(X.shape[0], -1)
    return np.hstack([F, np.ones((X.shape[0], 1))])


def fit_relu_nt(target: QuadraticTarget, W: ArrayLike, *, n_train: int, rng: SeedLike,
                chunk: int = 2000) -> Callable[[np.ndarray], np.ndarray]:
    r"""Least-squares fit of the NT class (3) (σ = relu, offset c) at fixed W on ``n_train`` fresh
    samples; returns a predictor ``f(X)``. Normal equations accumulated in chunks, solved by
    ``lstsq`` (rank-safe).
    """
    target = _target(target)
    W = as_weights(W, target.d)
    n_train = positive_int(n_train, "n_train", cap="samples")
    chunk = positive_int(chunk, "chunk")
    p = check_limit("dimension", W.shape[1] * target.d + 1, "number p = Nd + 1 of NT features")
    check(n_train >= p, f"least squares needs n_train ≥ p = Nd + 1 = {p}; got {n_train}",
          assumption="n_train ≥ p")
    rng = as_generator(rng)
    G = np.zeros((p, p))
    b = np.zeros(p)
    done = 0
    while done < n_train:
        m = min(chunk, n_train - done)
        X, y = target.sample(m, rng)
        F = nt_features(X, W)
        G += F.T @ F
        b += F.T @ y
        done += m
    coef = np.linalg.lstsq(G, b, rcond=None)[0]

    def predict(X: np.ndarray) -> np.ndarray:
        return nt_features(X, W) @ coef
    return predict


@dataclass
class GapResult:
    """Normalised test errors per N: ``nn``/``nt`` arrays over seeds, their per-seed CLT errors,
    and the summary (mean over seeds, standard error of that mean).
    """

    d: int
    Ns: list[int]
    nn: dict[int, list[float]]
    nt: dict[int, list[float]]
    nn_se: dict[int, list[float]]
    nt_se: dict[int, list[float]]
    settings: dict[str, Any]
    wall: float
    #: with ``certify=True``: per N and seed, balls (as ``(mid, rad)``) containing the exact
    #: population risks — of the trained network (an upper bound on R_NN,N) and of the NT
    #: class at the drawn W (:mod:`lazysym.compare.relu_exact`) — both normalised by ‖f*‖², and
    #: whether the NT ball lies entirely above the network's (decided in ball arithmetic)
    nn_ball: dict[int, list[tuple[float, float]]] = field(default_factory=dict)
    nt_ball: dict[int, list[tuple[float, float]]] = field(default_factory=dict)
    gap_certified: dict[int, list[bool]] = field(default_factory=dict)
    #: the same two exact risks in float64 (an independent implementation of the closed forms:
    #: the balls' midpoints must agree with them to round-off)
    nn_float: dict[int, list[float]] = field(default_factory=dict)
    nt_float: dict[int, list[float]] = field(default_factory=dict)

    def summary(self) -> list[dict[str, Any]]:
        """One row per N: mean normalised NN and NT test errors over the seeds, the gap NT − NN,
        its standard error and z-score (the poster's Fig. 3 claim: a positive gap for N < d).
        """
        rows = []
        for N in self.Ns:
            nn, nt = np.array(self.nn[N]), np.array(self.nt[N])
            k = nn.size
            gap = nt - nn
            # standard error of the mean gap: the spread over seeds (which includes the test-set
            # noise) when there are ≥ 2 seeds, else the CLT error of the one test set
            se = (float(np.std(gap, ddof=1) / math.sqrt(k)) if k >= 2 else
                  float(math.hypot(self.nn_se[N][0], self.nt_se[N][0])))
            rows.append({"N": N, "N/d": N / self.d, "NN": float(nn.mean()), "NT": float(nt.mean()),
                         "NT-NN": float(gap.mean()), "se(NT-NN)": se, "seeds": k,
                         "z": float(gap.mean() / se) if se > 0 else math.inf})
        return rows


def relu_gap_experiment(target: QuadraticTarget, Ns: Iterable[int], *, seeds: int,
                        sgd_steps: int, n_test: int, rng_key: int = 0, batch: int = 64,
                        step: float = 0.05, decay: float = 1.0,
                        n_train_factor: int = 20, certify: bool = False,
                        dps: int = 20) -> GapResult:
    r"""NN (SGD) against NT (least squares) with ReLU on the quadratic target, for each N.

    For each N and each seed k: draw W ~ N(0, I/d) for NT and fit it on ``n_train_factor``·(Nd+1)
    samples; train the NN by SGD (:func:`train_relu_nn`); test both on ``n_test`` fresh samples.
    Errors are normalised by ‖f*‖². Every random stream is derived from ``(rng_key, N, k)``.

    With ``certify=True`` also enclose, in arb balls with ``dps`` digits, the exact population
    risk of each trained network and the exact population NT risk at each drawn W
    (:func:`lazysym.compare.relu_exact.relu_network_risk`, :func:`~lazysym.compare.relu_exact.relu_nt_risk`),
    and record whether NT's ball lies above the network's: then
    :math:`R_{NN,N} \le R(\hat f_{NN}) < R_{NT,N}(W)` is proved for that draw.
    """
    target = _target(target)
    check_type(not isinstance(Ns, (str, bytes)) and hasattr(Ns, "__iter__"), "Ns",
               "a sequence of widths (integers)", Ns)
    Ns = [positive_int(N, "N", cap="dimension") for N in Ns]
    check(len(Ns) >= 1, "give at least one width N", assumption="Ns non-empty")
    seeds = positive_int(seeds, "seeds", cap="iterations")
    n_test = positive_int(n_test, "n_test", cap="samples")
    rng_key = nonnegative_int(rng_key, "rng_key")
    n_train_factor = positive_int(n_train_factor, "n_train_factor")
    positive_int(sgd_steps, "sgd_steps", cap="iterations")
    check(isinstance(certify, (bool, np.bool_)), f"certify must be a bool; got {certify!r}",
          assumption="certify flag")
    n2 = target.norm2
    nn_ball: dict[int, list[tuple[float, float]]] = {}
    nt_ball: dict[int, list[tuple[float, float]]] = {}
    gap_cert: dict[int, list[bool]] = {}
    nn_float: dict[int, list[float]] = {}
    nt_float: dict[int, list[float]] = {}
    t0 = time.perf_counter()
    nn: dict[int, list[float]] = {}
    nt: dict[int, list[float]] = {}
    nn_se: dict[int, list[float]] = {}
    nt_se: dict[int, list[float]] = {}
    for N in Ns:
        nn[N], nt[N], nn_se[N], nt_se[N] = [], [], [], []
        nn_ball[N], nt_ball[N], gap_cert[N], nn_float[N], nt_float[N] = [], [], [], [], []
        for k in range(seeds):
            base = np.random.SeedSequence([int(rng_key), N, k])
            r_nn, r_nt, r_W, r_t1, r_t2 = (np.random.default_rng(s) for s in base.spawn(5))
            net = train_relu_nn(target, N, steps=sgd_steps, rng=r_nn, batch=batch, step=step,
                                decay=decay)
            W = r_W.standard_normal((target.d, N)) / math.sqrt(target.d)
            f_nt = fit_relu_nt(target, W, n_train=n_train_factor * (N * target.d + 1), rng=r_nt)
            e_nn = test_error_montecarlo(net, target, n_test, r_t1)
            e_nt = test_error_montecarlo(f_nt, target, n_test, r_t2)
            nn[N].append(e_nn.estimate / n2)
            nt[N].append(e_nt.estimate / n2)
            nn_se[N].append(e_nn.stderr / n2)
            nt_se[N].append(e_nt.stderr / n2)
            if certify:
                b_nn = relu_network_risk(net, target, certified=True, dps=dps)
                b_nt = relu_nt_risk(W, target, certified=True, dps=dps)
                with working_precision(4 * dps + 64):
                    norm = exact_norm2(target)
                    b_nn, b_nt = b_nn / norm, b_nt / norm
                    gap_cert[N].append(bool(b_nt > b_nn))     # arb: True only if proved
                nn_ball[N].append((float(b_nn.mid()), float(b_nn.rad())))
                nt_ball[N].append((float(b_nt.mid()), float(b_nt.rad())))
                nn_float[N].append(float(relu_network_risk(net, target)) / n2)
                nt_float[N].append(float(relu_nt_risk(W, target)) / n2)
    settings = {"sgd_steps": sgd_steps, "batch": batch, "step": step, "decay": decay,
                "n_test": n_test, "n_train_factor": n_train_factor, "seeds": seeds,
                "certify": bool(certify)}
    return GapResult(target.d, Ns, nn, nt, nn_se, nt_se, settings, time.perf_counter() - t0,
                     nn_ball, nt_ball, gap_cert, nn_float, nt_float)

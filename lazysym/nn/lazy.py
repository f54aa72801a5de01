r"""Lazy against non-lazy training of the quadratic network: the Chizat–Bach scale α.

Sources: the Chizat–Bach poster (*Lazy training*: the objective :math:`F(w) = R(\alpha h(w))/\alpha^2`,
the tangent model, the finite/infinite-horizon theorems, the criterion :math:`\kappa_h(w_0)`, the
width statement) and the paper's §1.2, eq. (7) (the linearisation around a random initialisation,
with :math:`f(x;\theta_0)\approx 0`).

Parametrisation
---------------
The model is the two-layer quadratic network with **fixed** output weights and a trained offset,

.. math::

    h(w)(x) = c + \sum_{j=1}^m a_j\langle w_j, x\rangle^2 = c + x^\top S(W) x,\qquad
    S(W) = W A W^\top,\ A = \operatorname{diag}(a),\qquad w = (W, c),

with :math:`W\in\mathbb R^{d\times m}` (neurons are columns, as in the paper). The
:func:`paired_init` initialisation takes :math:`m = 2M` neurons, :math:`W_0 = [U, U]`,
:math:`a = (+a_0,\dots,+a_0,-a_0,\dots,-a_0)`, :math:`c_0 = 0`, so that :math:`h(w_0) = 0` exactly
(the hypothesis of both Chizat–Bach theorems); :math:`U = \tau Q` with Q a random frame and τ the
initialisation scale. Every function is a quadratic form :math:`f = c + x^\top S x`, and with
:math:`x\sim N(0, I_d)` (Isserlis)

.. math::

    \langle f, f'\rangle_{L^2} = 2\langle S, S'\rangle_F + (c + \operatorname{Tr}S)(c' + \operatorname{Tr}S'),

so the population risk :math:`R(f) = \tfrac12\|f - f_*\|^2_{L^2}` (Chizat–Bach's square loss) and
every norm below are closed-form: no sampling anywhere in this module.

The α-scaled flows
------------------
Write :math:`V = \alpha(W - W_0)`, :math:`\gamma = \alpha c`. Then
:math:`Z := \alpha S(W) = \alpha S_0 + VAW_0^\top + W_0AV^\top + \alpha^{-1}VAV^\top` and the gradient
flow :math:`\dot w = -\nabla F(w)` reads, with :math:`E = Z - B`,
:math:`e = \gamma - b_0 + \operatorname{Tr}E` and :math:`G = 2E + eI` (the gradient of R in Z),

.. math::

    \dot V = -2\,G\,(W_0 + V/\alpha)\,A,\qquad \dot\gamma = -e .

The tangent model :math:`\bar h(w) = h(w_0) + Dh(w_0)(w - w_0)` drops the :math:`VAV^\top/\alpha`
term and uses :math:`W_0` in place of :math:`W_0 + V/\alpha`. When :math:`h(w_0) = 0` the tangent
path of :math:`\alpha\bar h` does not depend on α, and the original one differs from it by a
smooth perturbation in :math:`1/\alpha` — the finite-horizon theorem, with its O(1/α) rate.
Integrating in (V, γ) avoids the cancellation of computing :math:`\alpha S(W)` for large α.
Both flows are integrated by an adaptive Dormand–Prince 5(4) scheme (:func:`_dopri`).

The lazy limit is the neural-tangent model of eq. (3): the tangent space of
:math:`S` at :math:`W_0 = [U, U]` is :math:`\{UG^\top + GU^\top\}`, i.e. the NT class with the M
neurons U (plus the offset), so the tangent flow converges to the NT risk
(:func:`lazysym.nt.nt_risk_quadratic`); the fully trained network can reach the NN value of
Theorem 3 (:func:`lazysym.nn.nn_risk_quadratic` with N = M, for B ⪰ 0).

Laziness criterion
------------------
:math:`\kappa_h(w_0) = \|h(w_0) - y^*\|\,\|D^2h(w_0)\|/\|Dh(w_0)\|^2` with operator norms from the
parameter space (Euclidean) to :math:`L^2(N(0, I_d))`. :math:`\|Dh(w_0)\|` is the largest singular
value of the exact Jacobian (:func:`jacobian`, in an orthonormal basis of the quadratic forms);
:math:`D^2h` does not depend on :math:`w_0` and

.. math::  \|D^2h\| = 2\sqrt3\,\max_j|a_j|

(:math:`D^2h[\delta,\delta] = 2x^\top\delta WA\delta W^\top x`; for a symmetric bilinear map into a
Hilbert space the norm is attained on the diagonal, and the maximum of
:math:`\sqrt{2\|S\|_F^2 + (\operatorname{Tr}S)^2}` over :math:`S = 2\sum_j a_j\delta w_j\delta w_j^\top`,
:math:`\|\delta W\|_F = 1`, is at one neuron with :math:`\|S\|_F = \operatorname{Tr}S = 2|a_j|`).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Any

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
from lazysym.errors import check, check_type
from lazysym.limits import check_limit
from lazysym.objects.models import QuadraticTarget
from lazysym.stats import fit_rate

__all__ = [
    "LazyNetwork", "paired_init", "signed_init", "LazyPaths", "l2_norm", "l2_inner_coords",
    "jacobian", "dh_norm", "d2h_norm", "kappa", "lazy_paths", "tangent_limit_risk",
    "nn_limit_risk", "finite_horizon_sweep", "relative_gap_ratio", "width_kappa",
    "width_kappa_bound", "alpha_sweep",
]


# --------------------------------------------------------------------------------------------
# the network and its initialisations
# --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class LazyNetwork:
    r"""The network :math:`h(w)(x) = c + \sum_j a_j\langle w_j, x\rangle^2` at its initialisation.

    Parameters
    ----------
    W0:
        Initial first-layer weights, d×m (neurons are columns).
    a:
        Fixed output weights, length m (not trained).
    c0:
        Initial offset (trained when ``offset`` is True).
    offset:
        Whether the offset c is a trained parameter (the paper's §2.3 network has one).
    """

    W0: np.ndarray
    a: np.ndarray
    c0: float = 0.0
    offset: bool = True

    def __post_init__(self) -> None:
        W0 = as_weights(self.W0, None, "W0")
        a = as_finite_array(self.a, "a", ndim=1)
        check(a.size == W0.shape[1], f"a must have one entry per neuron (m = {W0.shape[1]}); "
              f"got {a.size}", assumption="a shape")
        object.__setattr__(self, "W0", W0)
        object.__setattr__(self, "a", a)
        object.__setattr__(self, "c0", as_real(self.c0, "c0"))
        check(isinstance(self.offset, (bool, np.bool_)),
              f"offset must be a bool; got {self.offset!r}", assumption="offset flag")

    @property
    def d(self) -> int:
        """The input dimension d (rows of W₀)."""
        return self.W0.shape[0]

    @property
    def m(self) -> int:
        """The number of neurons m (columns of W₀)."""
        return self.W0.shape[1]

    @property
    def S0(self) -> np.ndarray:
        """S(W₀) = W₀AW₀ᵀ (zero for :func:`paired_init`)."""
        return (self.W0 * self.a) @ self.W0.T

    @property
    def n_params(self) -> int:
        """The number of trained parameters: d·m weights, plus c when ``offset``."""
        return self.d * self.m + int(self.offset)


def _frame(d: int, M: int, rng, frame: str) -> np.ndarray:
    G = rng.standard_normal((d, M))
    if frame == "gaussian":
        return G / math.sqrt(d)
    check(frame == "orthonormal", f"frame must be 'orthonormal' or 'gaussian'; got {frame!r}",
          assumption="frame")
    if M <= d:
        Q, R = np.linalg.qr(G)
        return Q * np.sign(np.diag(R))
    Q, R = np.linalg.qr(G.T)          # M×d, orthonormal columns
    return (Q * np.sign(np.diag(R))).T * math.sqrt(M / d)


def paired_init(d: int, M: int, tau: float, rng: SeedLike, *, a: float = 1.0,
                frame: str = "orthonormal", offset: bool = True) -> LazyNetwork:
    r"""Paired initialisation with :math:`h(w_0) = 0`: :math:`W_0 = [U, U]`, output weights
    :math:`(+a, \dots, +a, -a, \dots, -a)`, :math:`c_0 = 0`, :math:`U = \tau Q`.

    ``frame="orthonormal"``: Q has orthonormal columns (M ≤ d; a Haar-random M-frame, whose span has
    the law of the span of Gaussian weights) or, for M > d, orthonormal rows scaled so that
    :math:`QQ^\top = (M/d)I`; ``frame="gaussian"``: :math:`Q_{ij}\sim N(0, 1/d)` (the paper's
    :math:`w_i\sim N(0, I_d/d)`). The tangent space is that of the NT class (3) with the M neurons U.
    """
    d, M = positive_int(d, "d", cap="dimension"), positive_int(M, "M", cap="dimension")
    check(isinstance(frame, str) and frame in ("orthonormal", "gaussian"),
          f"frame must be 'orthonormal' or 'gaussian'; got {frame!r}", assumption="frame")
    check_type(isinstance(offset, (bool, np.bool_)), "offset", "a bool", offset)
    tau, a = as_real(tau, "tau"), as_real(a, "a")
    check(tau > 0, f"the initialisation scale τ must be > 0; got {tau}", assumption="τ > 0")
    check(a != 0, "the output weight a must be non-zero", assumption="a ≠ 0")
    U = tau * _frame(d, M, as_generator(rng), frame)
    return LazyNetwork(np.hstack([U, U]), np.concatenate([np.full(M, a), np.full(M, -a)]), 0.0,
                       offset)


def signed_init(d: int, m: int, rng: SeedLike, *, tau: float = 1.0,
                offset: bool = False) -> LazyNetwork:
    r"""i.i.d. neurons :math:`\theta_i = (w_i, a_i)`, :math:`w_i\sim N(0, \tau^2 I_d/d)`,
    :math:`a_i = \pm1` with probability 1/2: :math:`E\,\varphi(\theta_i) = 0` for
    :math:`\varphi(\theta) = a\langle w, x\rangle^2` (the poster's "Case 3: wide neural networks").
    """
    d, m = positive_int(d, "d", cap="dimension"), positive_int(m, "m", cap="dimension")
    check_type(isinstance(offset, (bool, np.bool_)), "offset", "a bool", offset)
    tau = as_real(tau, "tau")
    check(tau > 0, f"τ must be > 0; got {tau}", assumption="τ > 0")
    rng = as_generator(rng)
    W = rng.standard_normal((d, m)) * (tau / math.sqrt(d))
    a = rng.choice(np.array([-1.0, 1.0]), size=m)
    return LazyNetwork(W, a, 0.0, offset)


# --------------------------------------------------------------------------------------------
# L² geometry of the quadratic forms c + xᵀSx
# --------------------------------------------------------------------------------------------

def l2_norm(S: ArrayLike, c: float) -> float:
    r""":math:`\|c + x^\top S x\|_{L^2}` for x ~ N(0, I_d):
    :math:`\sqrt{2\|S\|_F^2 + (c + \operatorname{Tr}S)^2}`.
    """
    S = _square(S)
    with np.errstate(over="ignore", invalid="ignore"):
        s = as_real(c, "c") + float(np.trace(S))
        out = 2.0 * float(np.sum(S * S)) + s * s
    check(math.isfinite(out), "‖c + xᵀSx‖² overflows float64", assumption="finite norm",
          fix="rescale S and c")
    return math.sqrt(out)


def _square(S, ndim: int | None = 2) -> np.ndarray:
    S = as_finite_array(S, "S", ndim=ndim)
    check(S.ndim >= 2 and S.shape[-1] == S.shape[-2] and S.shape[-1] >= 1,
          f"S must be a square d×d matrix (or a stack of them); got shape {S.shape}",
          assumption="S square")
    return S


def l2_inner_coords(S: ArrayLike, c: ArrayLike) -> np.ndarray:
    r"""Coordinates φ of :math:`c + x^\top Sx` (S symmetric) in an L²-orthonormal basis:
    :math:`(\sqrt2 S_{ii})_i, (2S_{ik})_{i<k}, c + \operatorname{Tr}S`, so that
    :math:`\langle f, f'\rangle_{L^2} = \varphi\cdot\varphi'`. ``S`` may be a stack (..., d, d).
    """
    S = _square(S, None)
    c = as_finite_array(c, "c")
    check(c.shape == S.shape[:-2], f"c must have shape {S.shape[:-2]} (one offset per S); got "
          f"{c.shape}", assumption="c shape")
    d = S.shape[-1]
    iu = np.triu_indices(d, 1)
    diag = np.diagonal(S, axis1=-2, axis2=-1)
    return np.concatenate([math.sqrt(2.0) * diag, 2.0 * S[..., iu[0], iu[1]],
                           (c + diag.sum(-1))[..., None]], axis=-1)


def jacobian(net: LazyNetwork, W: ArrayLike | None = None) -> np.ndarray:
    r"""The exact Jacobian :math:`Dh(w)` (default :math:`w = w_0`) as a matrix
    (L²-orthonormal coordinates of :func:`l2_inner_coords`) × (parameters: W row-major by neuron,
    i.e. ``W.T.ravel()``, then c when trained). Shape
    :math:`(d(d+1)/2 + 1)\times(dm + [\text{offset}])`.
    """
    check_type(isinstance(net, LazyNetwork), "net", "a LazyNetwork", net)
    W = net.W0 if W is None else as_weights(W, net.d)
    d, m = W.shape
    check(W.shape[1] == net.m, f"W must have m = {net.m} columns; got {W.shape[1]}",
          assumption="W shape")
    check_limit("dimension", d * (d + 1) // 2 + 1, "rows d(d+1)/2 + 1 of the Jacobian")
    check_limit("dimension", d * m + 1, "columns dm + 1 of the Jacobian")
    cols = []
    for p in range(d):
        # dS/dW[p, j] = a_j (e_p w_jᵀ + w_j e_pᵀ), stacked over j
        dS = np.zeros((m, d, d))
        dS[:, p, :] += (net.a[:, None] * W.T)
        dS[:, :, p] += (net.a[:, None] * W.T)
        cols.append(l2_inner_coords(dS, np.zeros(m)))      # (m, dimF)
    J = np.stack(cols, axis=1).reshape(d * m, -1).T          # params ordered (j, p)
    if net.offset:
        e = np.zeros((J.shape[0], 1))
        e[-1, 0] = 1.0
        J = np.hstack([J, e])
    return J


def dh_norm(net: LazyNetwork) -> float:
    r""":math:`\|Dh(w_0)\|` (operator norm, parameters → L²): the largest singular value of
    :func:`jacobian`.
    """
    J = jacobian(net)                 # checks that net is a LazyNetwork
    return math.sqrt(max(float(np.linalg.eigvalsh(J @ J.T)[-1]), 0.0))


def d2h_norm(net: LazyNetwork) -> float:
    r""":math:`\|D^2h(w_0)\| = 2\sqrt3\max_j|a_j|` (independent of :math:`w_0`; module docstring)."""
    check_type(isinstance(net, LazyNetwork), "net", "a LazyNetwork", net)
    return 2.0 * math.sqrt(3.0) * float(np.max(np.abs(net.a)))


def _net_target(net, target):
    check(isinstance(net, LazyNetwork), f"net must be a LazyNetwork; got {type(net).__name__}",
          assumption="LazyNetwork")
    target = as_target(target)
    check(target.d == net.d, f"the target has d = {target.d} but the network d = {net.d}",
          assumption="matching dimensions")
    return target


def kappa(net: LazyNetwork, target: QuadraticTarget, *, alpha: float = 1.0) -> float:
    r"""Chizat–Bach's laziness criterion for the model αh at :math:`w_0` and :math:`y^* = f_*`:

    .. math::

        \kappa_{\alpha h}(w_0)
        = \frac{\|\alpha h(w_0) - f_*\|_{L^2}\,\alpha\|D^2h\|}{\alpha^2\|Dh(w_0)\|^2}.

    With :math:`h(w_0) = 0` it is :math:`\|f_*\|\,\|D^2h\|/(\alpha\|Dh(w_0)\|^2)` (the poster's
    "Case 1: rescaled models", κ ∝ 1/α).
    """
    target = _net_target(net, target)
    alpha = _alpha(alpha)
    r = l2_norm(alpha * net.S0 - target.B, alpha * net.c0 - target.b0)
    dh = dh_norm(net)
    check(dh > 0, "κ divides by ‖Dh(w₀)‖², which is 0 at this initialisation (W₀ = 0 and no "
          "trained offset)", assumption="Dh(w₀) ≠ 0", fix="initialise W₀ ≠ 0 or train the offset")
    return r * alpha * d2h_norm(net) / (alpha ** 2 * dh ** 2)


def _alpha(alpha) -> float:
    alpha = as_real(alpha, "alpha")
    check(alpha > 0, f"the scale α must be > 0; got {alpha}", assumption="α > 0")
    return alpha


# --------------------------------------------------------------------------------------------
# the flows
# --------------------------------------------------------------------------------------------

def _dopri(rhs, y0: np.ndarray, t_eval: np.ndarray, *, rtol: float, atol: float,
           max_steps: int, stop=None) -> tuple[np.ndarray, int]:
    """States at ``t_eval`` (increasing, > 0) of ẏ = rhs(y), y(0) = y0; returns (states, steps).

    ``stop(y)``, evaluated at each record time, ends the integration early when True (the states
    returned are those recorded so far, the stopping one included). The integrator is the
    package's one Dormand–Prince 5(4) (:func:`lazysym._ode.dopri`).
    """
    on_record = None if stop is None else (lambda i, t, y, f, k: bool(stop(y)))
    _, Y, k = dopri(rhs, y0, t_eval, rtol=rtol, atol=atol, max_steps=max_steps,
                    on_record=on_record)
    return Y, k


class _System:
    """The α-scaled original and tangent flows in the variables (V, γ) (module docstring)."""

    def __init__(self, net: LazyNetwork, target: QuadraticTarget, alpha: float):
        self.net, self.alpha = net, alpha
        self.d, self.m = net.d, net.m
        self.B, self.b0 = target.B, target.b0
        self.aS0 = alpha * net.S0
        self.W0A = net.W0 * net.a
        self.a = net.a
        self.offset = net.offset
        self.g0 = alpha * net.c0

    def split(self, y):
        return y[:-1].reshape(self.d, self.m), y[-1]

    def Z(self, V, tangent: bool):
        L = V @ self.W0A.T
        Z = self.aS0 + L + L.T
        if not tangent:
            Z = Z + (V * self.a) @ V.T / self.alpha
        return Z

    def residual(self, y, tangent: bool):
        V, g = self.split(y)
        Z = self.Z(V, tangent)
        E = Z - self.B
        e = g - self.b0 + float(np.trace(E))
        return V, Z, E, e

    def rhs(self, tangent: bool):
        d, m, W0A, a, B, b0 = self.d, self.m, self.W0A, self.a, self.B, self.b0
        aS0, inv, offset = self.aS0, 1.0 / self.alpha, self.offset
        n = d * m

        def f(y):
            V = y[:n].reshape(d, m)
            L = V @ W0A.T
            if tangent:
                Wc = W0A
                E = aS0 + L + L.T - B
            else:
                VA = V * a
                Wc = W0A + inv * VA
                E = aS0 + L + L.T + inv * (VA @ V.T) - B
            e = y[n] - b0 + np.trace(E)
            out = np.empty_like(y)
            # -2 G Wc with G = 2E + eI
            out[:n] = (-4.0 * (E @ Wc) - 2.0 * e * Wc).ravel()
            out[n] = -e if offset else 0.0
            return out
        return f

    def y0(self):
        return np.concatenate([np.zeros(self.d * self.m), [self.g0]])


@dataclass
class LazyPaths:
    r"""The original and tangent paths of the α-scaled flow, recorded at ``times``.

    Attributes
    ----------
    times:
        Flow times t (of F, including t = 0).
    gap:
        :math:`\|\alpha h(w_\alpha(t)) - \alpha\bar h(\bar w_\alpha(t))\|_{L^2}` (raw, not
        normalised).
    risk, risk_tangent:
        Raw population risks :math:`E(\alpha h - f_*)^2` of the two paths (= 2R).
    norm_fstar:
        :math:`\|f_*\|_{L^2}`.
    alpha, steps, wall:
        The scale, accepted steps of the (joint) integration, seconds.
    V, gamma:
        Final (V, γ) = (α(W − W₀), αc) of the original path.
    """

    times: np.ndarray
    gap: np.ndarray
    risk: np.ndarray
    risk_tangent: np.ndarray
    norm_fstar: float
    alpha: float
    steps: int
    wall: float
    V: np.ndarray | None = field(repr=False, default=None)
    gamma: float = 0.0

    @property
    def sup_gap(self) -> float:
        """Max over the recorded times of the gap (the sup over [0, T] on the record grid)."""
        return float(np.max(self.gap))

    @property
    def relative_gap(self) -> np.ndarray:
        r"""Δ(t) = gap / ‖f* − αh(w₀)‖ (the poster's relative difference; h(w₀) = 0 here)."""
        return self.gap / self.norm_fstar


def lazy_paths(net: LazyNetwork, target: QuadraticTarget, alpha: float, *,
               t_max: float | None = None, t_eval: ArrayLike | None = None, n_record: int = 100,
               rtol: float = 1e-10, atol: float = 1e-12, max_steps: int = 200_000,
               tangent: bool = True, stop_gap: float | None = None) -> LazyPaths:
    r"""Gradient flows of :math:`F(w) = R(\alpha h(w))/\alpha^2` and of its tangent model.

    :math:`R(f) = \frac12\|f - f_*\|^2_{L^2}` in closed form; :math:`\dot w = -\nabla F(w)`
    (Chizat–Bach poster, "Setting"). Both paths start at :math:`w_0` and are integrated by
    Dormand–Prince 5(4) with local error ``atol + rtol·|y|`` in the variables (V, γ).

    Parameters
    ----------
    net, target:
        :class:`LazyNetwork` and :class:`~lazysym.objects.models.QuadraticTarget` of the same d.
    alpha:
        The scale α > 0.
    t_max, t_eval, n_record:
        Record times: ``t_eval`` (increasing, positive), else ``n_record`` equally spaced times
        in (0, t_max].
    tangent:
        Also integrate the tangent path (default). With False only the original path is run and
        ``gap``/``risk_tangent`` are empty arrays.
    stop_gap:
        Stop at the first record time where gap/‖f*‖ ≥ ``stop_gap`` (a lower bound on the sup over
        all times is then established; used for the infinite horizon when Dh(w₀) is not onto).

    The two paths are integrated as one system (one step-size sequence, shared error control).
    """
    target = _net_target(net, target)
    alpha = _alpha(alpha)
    if t_eval is None:
        check(t_max is not None, "give t_max or t_eval", assumption="horizon")
        t_max = as_real(t_max, "t_max")
        check(t_max > 0, f"t_max must be > 0; got {t_max}", assumption="t_max > 0")
        t_eval = np.linspace(0.0, t_max, positive_int(n_record, "n_record", cap="iterations") + 1)[1:]
    else:
        t_eval = as_finite_array(t_eval, "t_eval", ndim=1)
        check(t_eval.size >= 1 and bool(np.all(np.diff(t_eval) > 0)) and t_eval[0] > 0,
              "t_eval must be increasing positive times", assumption="t_eval")
    rtol, atol = as_real(rtol, "rtol"), as_real(atol, "atol")
    check(rtol > 0 and atol > 0, f"rtol, atol must be > 0; got {rtol}, {atol}",
          assumption="tolerances > 0")
    max_steps = positive_int(max_steps, "max_steps", cap="iterations")
    check_type(isinstance(tangent, (bool, np.bool_)), "tangent", "a bool", tangent)
    sysm = _System(net, target, alpha)
    t0 = time.perf_counter()
    y0 = sysm.y0()
    n = y0.size
    fo, ft = sysm.rhs(False), sysm.rhs(True)
    if tangent:
        def rhs(y):
            return np.concatenate([fo(y[:n]), ft(y[n:])])
        y0j = np.concatenate([y0, y0])
    else:
        rhs, y0j = fo, y0
    stop = None
    if stop_gap is not None:
        check(tangent, "stop_gap needs the tangent path", assumption="tangent=True")
        thr = as_real(stop_gap, "stop_gap") * math.sqrt(target.norm2)

        def stop(y):
            _, Zo, _, _ = sysm.residual(y[:n], False)
            _, Zt, _, _ = sysm.residual(y[n:], True)
            return l2_norm(Zo - Zt, y[n - 1] - y[-1]) >= thr
    with np.errstate(over="ignore", invalid="ignore"):   # blow-up raises ConvergenceError
        Y, k = _dopri(rhs, y0j, t_eval, rtol=rtol, atol=atol, max_steps=max_steps, stop=stop)
    Y = np.vstack([y0j, Y])
    gap, risk, risk_t = [], [], []
    for i in range(Y.shape[0]):
        _, Zo, Eo, eo = sysm.residual(Y[i, :n], False)
        risk.append(2.0 * float(np.sum(Eo * Eo)) + eo * eo)
        if tangent:
            _, Zt, Et, et = sysm.residual(Y[i, n:], True)
            risk_t.append(2.0 * float(np.sum(Et * Et)) + et * et)
            gap.append(l2_norm(Zo - Zt, Y[i, n - 1] - Y[i, -1]))
    V, g = sysm.split(Y[-1, :n])
    return LazyPaths(np.concatenate([[0.0], t_eval])[:Y.shape[0]], np.array(gap), np.array(risk),
                     np.array(risk_t), math.sqrt(target.norm2), alpha, k,
                     time.perf_counter() - t0, V.copy(), float(g))


def tangent_limit_risk(net: LazyNetwork, target: QuadraticTarget) -> float:
    r"""Raw risk at the end (t → ∞) of the tangent flow from :math:`h(w_0)`: the L² distance² from
    :math:`f_*` to the affine space :math:`h(w_0) + \operatorname{range}Dh(w_0)`, by least squares
    on the exact Jacobian (for :func:`paired_init` this is the NT risk of eq. (3) with the M neurons
    U; cf. :func:`lazysym.nt.nt_risk_quadratic`).
    """
    target = _net_target(net, target)
    J = jacobian(net)
    r = l2_inner_coords(target.B - net.S0, target.b0 - net.c0)
    coef, *_ = np.linalg.lstsq(J, r, rcond=None)
    res = r - J @ coef
    return float(res @ res)


def nn_limit_risk(target: QuadraticTarget, M: int) -> float:
    r"""Theorem 3's value :math:`2\sum_{i>M}\lambda_i(B)^2` (B ⪰ 0, raw risk): the infimum of the
    risk of the paired network with M positive neurons (the negative ones cannot help when B ⪰ 0).
    """
    target = as_target(target)
    M = positive_int(M, "M")
    ev = target.require_psd("the NN value (Theorem 3)")
    return 2.0 * float(np.sum(ev[M:] ** 2))




def finite_horizon_sweep(net: LazyNetwork, target: QuadraticTarget, alphas: ArrayLike, *,
                         t_max: float, n_record: int = 100, rtol: float = 1e-10,
                         max_steps: int = 200_000) -> dict[str, Any]:
    r"""Sup over t ≤ T of :math:`\|\alpha h(w_\alpha(t)) - \alpha\bar h(\bar w_\alpha(t))\|/\|f_*\|`
    for each α, and the fitted rate γ in sup-gap ∝ α^(−γ) (expected 1: the perturbation is O(1/α)).
    ``max_steps`` is the step budget of each flow (:func:`lazy_paths`).
    """
    alphas = as_finite_array(alphas, "alphas", ndim=1)
    check(alphas.size >= 2 and bool(np.all(alphas > 0)), "give at least two α > 0",
          assumption="α > 0")
    sups, walls = [], []
    for al in alphas:
        p = lazy_paths(net, target, float(al), t_max=t_max, n_record=n_record, rtol=rtol,
                       max_steps=max_steps)
        sups.append(p.sup_gap / p.norm_fstar)
        walls.append(p.wall)
    sup_gap = np.array(sups)
    return {"alphas": alphas, "sup_gap": sup_gap, "rate": fit_rate(alphas, sup_gap),
            "wall": walls, "t_max": t_max}


def relative_gap_ratio(net: LazyNetwork, target: QuadraticTarget, alpha: float, *,
                       t_tilde_max: float = 1.0, n_record: int = 40,
                       max_steps: int = 200_000) -> dict[str, Any]:
    r"""Δ(t) along the paths against :math:`\tilde t^2\kappa_{\alpha h}(w_0)`,
    :math:`\tilde t = t\|Dh(w_0)\|^2` (t the time of F), for :math:`\tilde t \le` ``t_tilde_max``.

    Returns the times, Δ, the bound, κ and ``sup_ratio`` = max Δ(t)/(t̃²κ). ``max_steps`` is the
    step budget of the flows (:func:`lazy_paths`).
    """
    target = _net_target(net, target)
    nd2 = dh_norm(net) ** 2
    k = kappa(net, target, alpha=alpha)
    check(k > 0, "κ = 0 (αh(w₀) = f*): the bound t̃²κ is 0 and the ratio undefined",
          assumption="κ > 0")
    T = as_real(t_tilde_max, "t_tilde_max") / nd2
    p = lazy_paths(net, target, alpha, t_max=T, n_record=n_record, max_steps=max_steps)
    tt = p.times[1:] * nd2
    delta = p.relative_gap[1:]
    bound = tt ** 2 * k
    return {"t_tilde": tt, "delta": delta, "bound": bound, "kappa": k,
            "sup_ratio": float(np.max(delta / bound)), "alpha": alpha}


def width_kappa(d: int, m: int, alpha: float, target: QuadraticTarget, rng: SeedLike, *,
                tau: float = 1.0) -> float:
    r"""κ of the wide network :math:`h_m(w) = \alpha\sum_{i\le m} a_i\langle w_i, x\rangle^2` at a
    random i.i.d. initialisation (:func:`signed_init`, :math:`E\varphi(\theta_i) = 0`), exactly:
    :math:`\|h_m(w_0) - f_*\|\,\|D^2h_m\|/\|Dh_m(w_0)\|^2` with the α inside :math:`h_m`.
    """
    target = as_target(target)
    net = signed_init(d, m, rng, tau=tau)
    return kappa(net, target, alpha=alpha)


def width_kappa_bound(m: float, alpha: float) -> float:
    r"""The poster's rate :math:`m^{-1/2} + (\alpha m)^{-1}` ("Case 3: wide neural networks"),
    m > 0, α > 0.
    """
    m, alpha = as_real(m, "m"), _alpha(alpha)
    check(m > 0, f"the width m must be > 0; got {m}", assumption="m > 0")
    with np.errstate(over="ignore", divide="ignore"):
        out = float(np.float64(m) ** -0.5 + 1.0 / (np.float64(alpha) * m))
    check(math.isfinite(out), f"the rate overflows float64 for m = {m}, α = {alpha}",
          assumption="finite rate", fix="use m, α of order one or larger")
    return out


def alpha_sweep(target: QuadraticTarget, M: int, alphas: ArrayLike, *, tau: float = 1.0,
                t_max: float, rng: SeedLike, frame: str = "orthonormal", rtol: float = 1e-9,
                max_steps: int = 400_000) -> dict[str, Any]:
    r"""Where training ends: the raw risk of the original flow at the horizon T for each α.

    Also returns the NT value (end of the tangent flow, :func:`tangent_limit_risk`) and the NN
    value of Theorem 3 (:func:`nn_limit_risk`), all raw; divide by ``norm2`` (= ‖f*‖²) to normalise.
    One initialisation (drawn from ``rng``) serves every α.
    """
    target = as_target(target)
    net = paired_init(target.d, M, tau, rng, frame=frame)
    alphas = as_finite_array(alphas, "alphas", ndim=1)
    check(bool(np.all(alphas > 0)), "every α must be > 0", assumption="α > 0")
    risks, walls = [], []
    for al in alphas:
        p = lazy_paths(net, target, float(al), t_eval=np.array([t_max]), rtol=rtol,
                       tangent=False, max_steps=max_steps)
        risks.append(p.risk[-1])
        walls.append(p.wall)
    return {"alphas": alphas, "risk": np.array(risks), "nt": tangent_limit_risk(net, target),
            "nn": nn_limit_risk(target, M), "norm2": target.norm2, "M": M, "d": target.d,
            "tau": tau, "t_max": t_max, "wall": walls}

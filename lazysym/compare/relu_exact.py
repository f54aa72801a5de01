r"""Exact population risks of ReLU models for the quadratic target (the poster's Fig. 3, §4).

For :math:`f_*(x) = b_0 + x^\top Bx`, :math:`x\sim N(0, I_d)`, two risks have closed forms:

**A given ReLU network** :math:`\hat f(x) = c + \sum_i a_i\,\mathrm{relu}(\langle w_i, x\rangle)`
(:class:`lazysym.compare.relu_gap.ReluNetwork`):
:math:`E(f_* - \hat f)^2 = E f_*^2 - 2E[f_*\hat f] + E\hat f^2` with, writing
:math:`\rho_i = \|w_i\|`, :math:`\hat w_i = w_i/\rho_i`, :math:`\cos\theta_{ij} = \langle\hat w_i,
\hat w_j\rangle`,

.. math::

    E[\mathrm{relu}(u_i)\mathrm{relu}(u_j)] = \frac{\rho_i\rho_j}{2\pi}\big(\sin\theta_{ij}
    + (\pi - \theta_{ij})\cos\theta_{ij}\big),\quad E\,\mathrm{relu}(u_i) = \frac{\rho_i}{\sqrt{2\pi}},
    \quad E[f_*\,\mathrm{relu}(u_i)] = \frac{\rho_i}{\sqrt{2\pi}}\big(\hat w_i^\top B\hat w_i
    + b_0 + \operatorname{Tr}B\big),

and :math:`E f_*^2 = (b_0 + \operatorname{Tr}B)^2 + 2\|B\|_F^2` (Isserlis). (Decompose
:math:`x = \hat w g + x_\perp`: :math:`E[\mathrm{relu}(g)g^2] = 2/\sqrt{2\pi}`,
:math:`E\,\mathrm{relu}(g) = 1/\sqrt{2\pi}`, :math:`E x_\perp^\top Bx_\perp = \operatorname{Tr}B
- \hat w^\top B\hat w`.) Any network's risk is an upper bound on :math:`R_{NN,N}`.

**The NT class (3) with σ = relu** at first-layer weights W,
:math:`\{c + \sum_i \mathbf 1\{\langle w_i,x\rangle>0\}\langle a_i, x\rangle\}`: the L²
projection onto the features :math:`x\,\mathbf 1_i` (d each) and 1, with Gram blocks

.. math::

    E[xx^\top\mathbf 1_i\mathbf 1_j] = \frac{\pi - \theta}{2\pi}I + \frac{1}{2\pi\sin\theta}
    \big(\hat w_i\hat w_j^\top + \hat w_j\hat w_i^\top - \cos\theta\,(\hat w_i\hat w_i^\top +
    \hat w_j\hat w_j^\top)\big)\ (i\ne j),\qquad E[xx^\top\mathbf 1_i] = \tfrac12 I,

:math:`E[x\mathbf 1_i] = \hat w_i/\sqrt{2\pi}`, and cross moments
:math:`E[f_*x\mathbf 1_i] = \big(2B\hat w_i + (b_0 + \operatorname{Tr}B - \hat w_i^\top B\hat w_i)
\hat w_i\big)/\sqrt{2\pi}`, :math:`E f_* = b_0 + \operatorname{Tr}B`. (In the plane of
:math:`\hat w_i, \hat w_j` the region :math:`\{u_i>0, u_j>0\}` is a wedge of angle π − θ; integrate
:math:`zz^\top` over it in polar coordinates; the complement contributes
:math:`P(\text{wedge}) = (\pi-\theta)/(2\pi)` times its identity.)
:math:`R_{NT,N}(W) = E f_*^2 - b^\top G^{-1}b`.

Both in float64 (``certified=False``) and in arb balls (``certified=True``: the inputs' binary
values read exactly, :func:`lazysym.objects.balls.certify`). The float64 versions are tested
against Monte Carlo with CLT bars, the balls against the float64 values and one-dimensional
40-digit quadrature.
"""

from __future__ import annotations

import math
from typing import Any

import flint
import numpy as np
from flint import arb
from numpy.typing import ArrayLike

from lazysym._validate import as_finite_array, as_target, as_weights, check_dps
from lazysym.errors import check, check_type
from lazysym.limits import check_limit
from lazysym.objects.balls import arb_matrix, arb_of, certify
from lazysym.objects.models import QuadraticTarget

__all__ = ["relu_network_risk", "relu_nt_risk"]

_S2PI = math.sqrt(2.0 * math.pi)


def _check_flag(certified: object) -> bool:
    check(isinstance(certified, (bool, np.bool_)), f"certified must be a bool; got {certified!r}",
          assumption="certified flag")
    return bool(certified)


def _nonzero(W: np.ndarray) -> np.ndarray:
    rho = np.sqrt(np.sum(W * W, axis=0))
    check(bool(np.all(rho > 0)), "ReLU risks need non-zero neurons (column(s) "
          f"{np.flatnonzero(rho == 0).tolist()} of W are 0)", assumption="w_i ≠ 0")
    return rho


# --------------------------------------------------------------------------------------------
# a given network
# --------------------------------------------------------------------------------------------

def _network_float(W, a, c, target) -> float:
    rho = _nonzero(W)
    Wh = W / rho
    C = np.clip(Wh.T @ Wh, -1.0, 1.0)
    th = np.arccos(C)
    K = np.outer(rho, rho) * (np.sqrt(np.maximum(1.0 - C * C, 0.0)) + (np.pi - th) * C) / (2 * np.pi)
    np.fill_diagonal(K, rho * rho / 2)
    m = rho / _S2PI
    mean = target.b0 + float(np.trace(target.B))
    q = np.einsum("ij,ij->j", Wh, target.B @ Wh)
    beta = m * (q + mean)
    ey2 = mean * mean + 2.0 * float(np.sum(target.B * target.B))
    efg = c * mean + float(a @ beta)
    eg2 = c * c + 2.0 * c * float(a @ m) + float(a @ K @ a)
    return float(ey2 - 2.0 * efg + eg2)


def _network_ball(W, a, c, target) -> Any:

    d, N = W.shape
    pi = arb.pi()
    s2pi = (2 * pi).sqrt()
    Wa = arb_matrix(W, "W")
    Ba = arb_matrix(target.B, "B")
    G = Wa.transpose() * Wa
    WBW = Wa.transpose() * Ba * Wa
    rho = [G[i, i].sqrt() for i in range(N)]
    av = [arb_of(v) for v in a]
    ca = arb_of(c)
    mean = arb_of(target.b0) + sum((Ba[i, i] for i in range(d)), arb(0))
    ey2 = mean * mean + 2 * sum((Ba[i, j] ** 2 for i in range(d) for j in range(d)), arb(0))
    m = [r / s2pi for r in rho]
    efg = ca * mean + sum((av[i] * m[i] * (WBW[i, i] / G[i, i] + mean) for i in range(N)), arb(0))
    quad = arb(0)
    for i in range(N):
        quad += av[i] * av[i] * G[i, i] / 2
        for j in range(i):
            r = G[i, j] / (rho[i] * rho[j])
            k = rho[i] * rho[j] * ((1 - r * r).sqrt() + (pi - r.acos()) * r) / (2 * pi)
            quad += 2 * av[i] * av[j] * k
    eg2 = ca * ca + 2 * ca * sum((av[i] * m[i] for i in range(N)), arb(0)) + quad
    return ey2 - 2 * efg + eg2


def relu_network_risk(net: Any, target: QuadraticTarget, *, certified: bool = False,
                      dps: int = 30) -> float | Any:
    r"""The population risk :math:`E(f_*(x) - \hat f(x))^2` of a ReLU network
    :math:`\hat f = c + \sum_i a_i\mathrm{relu}(\langle w_i, x\rangle)` (module docstring).

    Parameters
    ----------
    net : ReluNetwork
        Anything with attributes ``W`` (d×N, neurons as columns, non-zero), ``a`` (N) and ``c``.
    target : QuadraticTarget
        The quadratic target of eq. (8).
    certified : bool
        ``True``: a ``flint.arb`` ball containing the exact risk of the binary parameters, with
        ``dps`` correct digits.

    Returns
    -------
    float or flint.arb
        The raw risk (divide by ``target.norm2`` to normalise).
    """
    target = as_target(target, "the ReLU network risk")
    check_type(all(hasattr(net, k) for k in ("W", "a", "c")), "net",
               "a ReluNetwork (attributes W, a, c)", net)
    W = as_weights(net.W, target.d, "net.W")
    a = as_finite_array(net.a, "net.a", ndim=1)
    check(a.shape == (W.shape[1],), f"net.a must have N = {W.shape[1]} entries; got {a.shape}",
          assumption="a shape")
    cval = float(as_finite_array(np.asarray(net.c, dtype=float), "net.c", ndim=0))
    if not _check_flag(certified):
        return _network_float(W, a, cval, target)
    dps = check_dps(dps)
    _nonzero(W)
    check_limit("certified_order", W.shape[1], "width N of a certified ReLU risk")
    return certify(lambda: _network_ball(W, a, cval, target), dps=dps,
                   scale=max(float(target.norm2), 1e-300), what="ReLU network risk")


# --------------------------------------------------------------------------------------------
# the NT class with σ = relu
# --------------------------------------------------------------------------------------------

def _nt_system_float(W, target):
    d, N = W.shape
    rho = _nonzero(W)
    Wh = W / rho
    C = np.clip(Wh.T @ Wh, -1.0, 1.0)
    p = N * d + 1
    G = np.zeros((p, p))
    b = np.zeros(p)
    Bm = target.B
    mean = target.b0 + float(np.trace(Bm))
    eye = np.eye(d)
    for i in range(N):
        wi = Wh[:, i]
        G[i * d:(i + 1) * d, i * d:(i + 1) * d] = 0.5 * eye
        G[i * d:(i + 1) * d, -1] = G[-1, i * d:(i + 1) * d] = wi / _S2PI
        q = float(wi @ Bm @ wi)
        b[i * d:(i + 1) * d] = (2.0 * Bm @ wi + (mean - q) * wi) / _S2PI
        for j in range(i):
            wj = Wh[:, j]
            c = C[i, j]
            th = math.acos(c)
            s = math.sqrt(max(1.0 - c * c, 0.0))
            check(s > 0, f"neurons {i} and {j} are parallel or antiparallel (cos θ = {c}); the NT "
                  "Gram matrix is then singular", assumption="non-parallel neurons")
            low_rank = np.outer(wi, wj) + np.outer(wj, wi) - c * (np.outer(wi, wi) + np.outer(wj, wj))
            M = (np.pi - th) / (2 * np.pi) * eye + low_rank / (2 * np.pi * s)
            G[i * d:(i + 1) * d, j * d:(j + 1) * d] = M
            G[j * d:(j + 1) * d, i * d:(i + 1) * d] = M.T
    G[-1, -1] = 1.0
    b[-1] = mean
    ey2 = mean * mean + 2.0 * float(np.sum(Bm * Bm))
    return G, b, ey2


def _nt_ball(W, target) -> Any:

    d, N = W.shape
    pi = arb.pi()
    s2pi = (2 * pi).sqrt()
    Wa = arb_matrix(W, "W")
    Ba = arb_matrix(target.B, "B")
    Gw = Wa.transpose() * Wa
    rho = [Gw[i, i].sqrt() for i in range(N)]
    wh = [[Wa[k, i] / rho[i] for k in range(d)] for i in range(N)]
    mean = arb_of(target.b0) + sum((Ba[k, k] for k in range(d)), arb(0))
    ey2 = mean * mean + 2 * sum((Ba[k, m] ** 2 for k in range(d) for m in range(d)), arb(0))
    p = N * d + 1
    G = flint.arb_mat(p, p)
    b = flint.arb_mat(p, 1)
    for i in range(N):
        wi = wh[i]
        Bw = [sum((Ba[k, m] * wi[m] for m in range(d)), arb(0)) for k in range(d)]
        q = sum((wi[k] * Bw[k] for k in range(d)), arb(0))
        for k in range(d):
            G[i * d + k, i * d + k] = arb(1) / 2
            G[i * d + k, p - 1] = G[p - 1, i * d + k] = wi[k] / s2pi
            b[i * d + k, 0] = (2 * Bw[k] + (mean - q) * wi[k]) / s2pi
        for j in range(i):
            wj = wh[j]
            c = Gw[i, j] / (rho[i] * rho[j])
            s = (1 - c * c).sqrt()
            diag = (pi - c.acos()) / (2 * pi)
            for k in range(d):
                for m in range(d):
                    v = (wi[k] * wj[m] + wj[k] * wi[m] - c * (wi[k] * wi[m] + wj[k] * wj[m])) / (2 * pi * s)
                    if k == m:
                        v += diag
                    G[i * d + k, j * d + m] = v
                    G[j * d + m, i * d + k] = v
    G[p - 1, p - 1] = arb(1)
    b[p - 1, 0] = mean
    sol = G.solve(b)
    return ey2 - sum((b[k, 0] * sol[k, 0] for k in range(p)), arb(0))


def relu_nt_risk(W: ArrayLike, target: QuadraticTarget, *, certified: bool = False,
                 dps: int = 30) -> float | Any:
    r"""The population risk of the NT class (3) with σ = relu (with the offset c) at first-layer
    weights W: :math:`R_{NT,N}(W) = \min E(f_* - c - \sum_i\mathbf 1\{\langle w_i,x\rangle>0\}
    \langle a_i,x\rangle)^2` (module docstring).

    Parameters
    ----------
    W : array (d, N)
        Non-zero, pairwise non-parallel neurons (else the Gram matrix is singular: refused).
    target : QuadraticTarget
        The quadratic target of eq. (8).
    certified : bool
        ``True``: a ``flint.arb`` ball containing the exact risk, ``dps`` correct digits
        (order Nd + 1 ball solve; capped by ``LIMITS.certified_order``).

    Returns
    -------
    float or flint.arb
        The raw risk (divide by ``target.norm2`` to normalise).
    """
    target = as_target(target, "the ReLU NT risk")
    W = as_weights(W, target.d)
    check_limit("dimension", W.shape[0] * W.shape[1] + 1, "number Nd + 1 of NT features")
    G, b, ey2 = _nt_system_float(W, target)        # validates (non-zero, non-parallel)
    if not _check_flag(certified):
        L = np.linalg.cholesky(G)
        z = np.linalg.solve(L, b)
        return float(max(ey2 - float(z @ z), 0.0))
    dps = check_dps(dps)
    check_limit("certified_order", G.shape[0], "order Nd + 1 of a certified ReLU NT solve")
    return certify(lambda: _nt_ball(W, target), dps=dps, scale=max(float(target.norm2), 1e-300),
                   what="ReLU NT risk")

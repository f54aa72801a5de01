r"""The population loss :math:`L(W, c)` of §2.3, its gradient and Hessian (numeric part).

.. math::

    L(W,c) = E\big[(\langle xx^\top, B - WW^\top\rangle + b_0 - c)^2\big]
           = 2\|B - WW^\top\|_F^2 + (\operatorname{Tr}(B - WW^\top) + b_0 - c)^2 .

The closed form is *derived* symbolically from the definition in :func:`derive_loss` (via the
Gaussian-moment engine of :mod:`lazysym.objects.gaussian`); the vectorised numpy functions here are
tested against that derivation, against finite differences and against Monte Carlo.

Parameter ordering for the Hessian: θ = (w₁, …, w_N, c), i.e. ``W.T.ravel()`` followed by c,
where W ∈ R^{d×N} has the neurons as columns (the paper's convention).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from lazysym._validate import as_finite_array, as_real, as_target, as_weights, positive_int
from lazysym.errors import check
from lazysym.limits import check_limit
from lazysym.objects.models import QuadraticTarget

__all__ = ["population_loss", "loss_gradient", "loss_hessian", "pack", "unpack"]


def _residual(W: ArrayLike, c: float,
              target: QuadraticTarget) -> tuple[np.ndarray, np.ndarray, float]:
    target = as_target(target, "the population loss L(W, c)")
    W = as_weights(W, target.d)
    c = as_real(c, "c")
    with np.errstate(over="ignore", invalid="ignore"):
        M = target.B - W @ W.T
        s = float(np.trace(M)) + target.b0 - c
    check(bool(np.all(np.isfinite(M))) and np.isfinite(s),
          "B − WWᵀ overflows float64 (W too large)", assumption="W finite", fix="rescale W")
    return W, M, s


def population_loss(W: ArrayLike, c: float, target: QuadraticTarget) -> float:
    """L(W, c) = 2‖B − WWᵀ‖²_F + (Tr(B − WWᵀ) + b₀ − c)² (§2.3), exactly (no sampling)."""
    _, M, s = _residual(W, c, target)
    with np.errstate(over="ignore"):
        out = 2.0 * float(np.sum(M * M)) + s * s
    check(np.isfinite(out), "L(W, c) overflows float64 (W or c too large)",
          assumption="loss finite", fix="rescale W and c")
    return out


def loss_gradient(W: ArrayLike, c: float, target: QuadraticTarget) -> tuple[np.ndarray, float]:
    """(∇_W L, ∂_c L) = (−8(B − WWᵀ)W − 4sW, −2s) with s = Tr(B − WWᵀ) + b₀ − c."""
    W, M, s = _residual(W, c, target)
    return -8.0 * M @ W - 4.0 * s * W, -2.0 * s


def loss_hessian(W: ArrayLike, c: float, target: QuadraticTarget) -> np.ndarray:
    """∇²L at (W, c) as a (Nd+1)×(Nd+1) matrix in the ordering θ = (w₁, …, w_N, c).

    Block (j, i) of the W–W part is
    8(wᵢ·wⱼ)I + 8 wᵢwⱼᵀ + 8 wⱼwᵢᵀ + δᵢⱼ(−8(B − WWᵀ) − 4sI); the W–c part is 4wⱼ; the c–c entry is 2.
    """
    W, M, s = _residual(W, c, target)
    d, N = W.shape
    check_limit("dimension", N * d + 1, "size Nd + 1 of the Hessian")
    G = W.T @ W
    H4 = 8.0 * np.einsum("ji,ab->jaib", G, np.eye(d))
    H4 += 8.0 * np.einsum("ai,bj->jaib", W, W)
    H4 += 8.0 * np.einsum("aj,bi->jaib", W, W)
    blk = -8.0 * M - 4.0 * s * np.eye(d)
    for j in range(N):
        H4[j, :, j, :] += blk
    H = np.empty((N * d + 1, N * d + 1))
    H[:-1, :-1] = H4.reshape(N * d, N * d)
    H[:-1, -1] = H[-1, :-1] = 4.0 * W.T.ravel()
    H[-1, -1] = 2.0
    return H


def pack(W: ArrayLike, c: float) -> np.ndarray:
    """θ = (w₁, …, w_N, c) as one vector."""
    return np.concatenate([as_weights(W).T.ravel(), [as_real(c, "c")]])


def unpack(theta: ArrayLike, d: int) -> tuple[np.ndarray, float]:
    """Inverse of :func:`pack`."""
    theta = as_finite_array(theta, "theta", ndim=1)
    d = positive_int(d, "d")
    check(theta.size >= d + 1 and (theta.size - 1) % d == 0,
          f"theta must have N·d + 1 entries (N ≥ 1 neurons of dimension d = {d}, then c); got "
          f"{theta.size}", assumption="theta shape")
    N = (theta.size - 1) // d
    return theta[:-1].reshape(N, d).T.copy(), float(theta[-1])

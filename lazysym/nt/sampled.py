r"""The NT model fitted by least squares on n samples (the right frames of Figures 1 and 2).

NT — least squares on n fresh samples over the NT class
:math:`\{c + x^\top S x: S\in\mathcal T(W)\}` (the NT features of σ(x) = x², see
:mod:`lazysym.nt.exact`), solved in S-space: in a basis adapted to span W the class has
p = r·d − r(r−1)/2 + 1 free coefficients (r = rank W) instead of N·d + 1 redundant ones. For
n < p the minimum-norm solution (Hermite-normalised coordinates) is returned, so the curve
shows the interpolation peak at n ≈ p. Small p: normal equations accumulated in chunks and an
eigendecomposition (pseudo-inverse); large p: matrix-free CGLS. The risk of the fit is exact
(Isserlis, no test sample).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable

import numpy as np
from numpy.typing import ArrayLike

from lazysym._typing import SeedLike
from lazysym.errors import check
from lazysym.nn.optimum import mixture_quadratic_risk
from lazysym.nt.exact import span_projection
from lazysym.objects.models import GaussianMixture, QuadraticTarget

__all__ = ['NTFeatures', 'nt_least_squares']


class NTFeatures:
    r"""Hermite-normalised coordinates of the NT class :math:`\{c + x^\top S x: S\in\mathcal T(W)\}`.

    With U adapted to span W (r = rank W) and z = Uᵀx: (z_a² − 1)/√2 (a < r), z_a z_b
    (a < b < r), z_a z_j (a < r ≤ j) and the constant 1 — orthonormal in L²(N(0, I)).
    """

    def __init__(self, W: ArrayLike) -> None:
        U, r = span_projection(W)
        self.U, self.r, self.d = U, r, U.shape[0]
        self.iu = np.triu_indices(r, 1)
        self.p = r + len(self.iu[0]) + r * (self.d - r) + 1

    def __call__(self, X: np.ndarray) -> np.ndarray:
        """The n×p feature matrix Φ for the rows of X (n×d)."""
        Z = X @ self.U
        Z1, Z2 = Z[:, :self.r], Z[:, self.r:]
        n = X.shape[0]
        parts = [(Z1 ** 2 - 1.0) / math.sqrt(2.0), Z1[:, self.iu[0]] * Z1[:, self.iu[1]],
                 (Z1[:, :, None] * Z2[:, None, :]).reshape(n, -1), np.ones((n, 1))]
        return np.hstack(parts)

    def rotate(self, X: np.ndarray) -> np.ndarray:
        """Z = Uᵀx for the rows of X (what :meth:`matvec` / :meth:`rmatvec` take)."""
        return X @ self.U

    def _split(self, theta):
        r, d = self.r, self.d
        m = len(self.iu[0])
        M = np.zeros((r, r))
        M[np.arange(r), np.arange(r)] = theta[:r] / math.sqrt(2.0)
        M[self.iu] = theta[r:r + m]
        C = theta[r + m:r + m + r * (d - r)].reshape(r, d - r)
        return M, C, float(theta[-1]) - float(np.sum(theta[:r])) / math.sqrt(2.0)

    def matvec(self, Z: np.ndarray, theta: np.ndarray) -> np.ndarray:
        """Φθ for rotated samples Z, without forming Φ: O(n·r·d)."""
        M, C, c0 = self._split(theta)
        Z1, Z2 = Z[:, :self.r], Z[:, self.r:]
        return np.sum((Z1 @ M) * Z1, axis=1) + np.sum((Z1 @ C) * Z2, axis=1) + c0

    def rmatvec(self, Z: np.ndarray, v: np.ndarray) -> np.ndarray:
        """Φᵀv for rotated samples Z, without forming Φ: O(n·r·d)."""
        r = self.r
        Z1, Z2 = Z[:, :r], Z[:, r:]
        Vz1 = v[:, None] * Z1
        G = Z1.T @ Vz1
        sv = float(np.sum(v))
        return np.concatenate([(np.diag(G) - sv) / math.sqrt(2.0), G[self.iu],
                               (Vz1.T @ Z2).ravel(), [sv]])

    def to_quadratic(self, theta: np.ndarray) -> tuple[np.ndarray, float]:
        """Coefficients → (S, c) with f(x) = c + xᵀSx."""
        r, d = self.r, self.d
        St = np.zeros((d, d))
        k = 0
        diag = theta[k:k + r]
        St[np.arange(r), np.arange(r)] = diag / math.sqrt(2.0)
        k += r
        m = len(self.iu[0])
        St[self.iu] = theta[k:k + m] / 2.0
        St[(self.iu[1], self.iu[0])] = theta[k:k + m] / 2.0
        k += m
        off = theta[k:k + r * (d - r)].reshape(r, d - r) / 2.0
        St[:r, r:] = off
        St[r:, :r] = off.T
        k += r * (d - r)
        c = float(theta[k]) - float(np.sum(diag)) / math.sqrt(2.0)
        return self.U @ St @ self.U.T, c


def _cgls(feats, Zs, ys, p, *, tol=1e-10, maxiter=3000):
    """CGLS for min ‖Φθ − y‖ from θ = 0 (→ the minimum-norm solution); Φ applied matrix-free
    (:meth:`NTFeatures.matvec`) to the rotated samples, kept in row chunks ``Zs``.
    """
    theta = np.zeros(p)
    r = [y.copy() for y in ys]
    s = sum(feats.rmatvec(Z, rr) for Z, rr in zip(Zs, r))
    q = s.copy()
    g0 = gam = float(s @ s)
    for _ in range(maxiter):
        if gam <= tol ** 2 * g0 or gam == 0.0:
            break
        t = [feats.matvec(Z, q) for Z in Zs]
        alpha = gam / sum(float(tt @ tt) for tt in t)
        theta += alpha * q
        for rr, tt in zip(r, t):
            rr -= alpha * tt
        s = sum(feats.rmatvec(Z, rr) for Z, rr in zip(Zs, r))
        gnew = float(s @ s)
        q = s + (gnew / gam) * q
        gam = gnew
    return theta


def nt_least_squares(W: ArrayLike, model: QuadraticTarget | GaussianMixture, ns: Iterable[int],
                     rng: SeedLike, *, chunk: int = 4000, dense_max_p: int = 6000,
                     progress: Callable[[str], object] | None = None) -> tuple[np.ndarray, int]:
    r"""NT fitted by least squares on n fresh samples, for each n in ``ns`` (nested samples).

    The NT class of eq. (3) with σ(x) = x² is :math:`\{c + x^\top Sx : S\in\mathcal T(W)\}`
    (:mod:`lazysym.nt`); it is fitted in its p = r·d − r(r−1)/2 + 1 Hermite-normalised
    coordinates (see :class:`NTFeatures`), minimum-norm for n < p. Returns the exact population
    risk of each fit: qf :math:`2\|B-S\|_F^2 + (\mathrm{Tr}(B-S) + b_0 - c)^2` (Isserlis, raw),
    mg :func:`lazysym.nn.mixture_quadratic_risk`.

    Parameters
    ----------
    W : d×N weights.  model : QuadraticTarget or GaussianMixture.  ns : increasing sample sizes.
    rng : seed or Generator for the samples.  dense_max_p : above this p, matrix-free CGLS
    (memory O(n·d) for the rotated samples, O(n·r·d) per iteration) replaces the p×p normal
    equations (memory O(p²), p ≈ 2·10⁴ already at d = 450, N = 45).

    Returns
    -------
    (risks, p) : array of raw risks (one per n) and the dimension p of the class.
    """
    ns = [int(n) for n in ns]
    check(all(n >= 1 for n in ns) and ns == sorted(ns), f"ns must be increasing positive; got {ns}",
          assumption="sample sizes")
    rng = np.random.default_rng(rng) if not isinstance(rng, np.random.Generator) else rng
    feats = NTFeatures(W)
    p = feats.p
    risks: list[float] = []

    def risk_of(theta: np.ndarray) -> float:
        S, c = feats.to_quadratic(theta)
        if isinstance(model, QuadraticTarget):
            M = model.B - S
            s = float(np.trace(M)) + model.b0 - c
            return 2.0 * float(np.sum(M * M)) + s * s
        return mixture_quadratic_risk(S, c, model)

    dense = p <= dense_max_p
    # the normal equations Φᵀ Φ θ = Φᵀ y when dense (G, h not None iff dense), else the samples
    G = np.zeros((p, p)) if dense else None
    h = np.zeros(p) if dense else None
    Zs: list[np.ndarray] = []
    ys: list[np.ndarray] = []
    have = 0
    for n in ns:
        while have < n:
            m = min(chunk, n - have)
            X, y = model.sample(m, rng)
            if G is not None and h is not None:
                F = feats(X)
                G += F.T @ F
                h += F.T @ y
            else:
                Zs.append(feats.rotate(X))
                ys.append(y)
            have += m
        if progress is not None:
            progress(f"NT least squares: n = {n} (p = {p})")
        if G is not None and h is not None:
            ev, V = np.linalg.eigh(G)
            keep = ev > ev[-1] * p * np.finfo(float).eps * 10
            theta = V[:, keep] @ ((V[:, keep].T @ h) / ev[keep])
        else:
            theta = _cgls(feats, Zs, ys, p)
        risks.append(risk_of(theta))
    return np.array(risks), p


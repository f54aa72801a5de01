"""Small dense linear algebra shared by the library (private)."""

from __future__ import annotations

import numpy as np

__all__: list[str] = []


def psd_sqrt(A: np.ndarray) -> np.ndarray:
    """The symmetric square root of a PSD matrix (negative round-off eigenvalues clipped to 0);
    a diagonal A takes the O(d) path.
    """
    A = np.asarray(A, dtype=float)
    if np.count_nonzero(A - np.diag(np.diag(A))) == 0:
        return np.diag(np.sqrt(np.maximum(np.diag(A), 0.0)))
    ev, V = np.linalg.eigh(A)
    return (V * np.sqrt(np.maximum(ev, 0.0))) @ V.T


def inv_sqrt(A: np.ndarray) -> np.ndarray:
    """A^{-1/2} for a symmetric positive definite A (the caller has checked A ≻ 0)."""
    ev, V = np.linalg.eigh(np.asarray(A, dtype=float))
    return (V / np.sqrt(ev)) @ V.T


def whiten(Sigma: np.ndarray, Delta: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    r"""(Σ^{-1/2}, δ, V) with
    :math:`\tilde\Delta = \Sigma^{-1/2}\Delta\Sigma^{-1/2} = V\,\mathrm{diag}(\delta)V^\top`
    (eigenvalues ascending): the whitening used by Theorems 5 and 6.
    """
    isq = inv_sqrt(Sigma)
    Dt = isq @ Delta @ isq
    delta, V = np.linalg.eigh((Dt + Dt.T) / 2)
    return isq, delta, V


def sigma_factors(Sigma: np.ndarray, Delta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(Σ^{1/2}, Δ̃ = Σ^{-1/2}ΔΣ^{-1/2}) with one eigendecomposition (none for diagonal Σ)."""
    if np.count_nonzero(Sigma - np.diag(np.diag(Sigma))) == 0:
        sq = np.sqrt(np.diag(Sigma))
        return np.diag(sq), Delta / np.outer(sq, sq)
    ev, V = np.linalg.eigh(Sigma)
    isq = (V / np.sqrt(ev)) @ V.T
    Dt = isq @ Delta @ isq
    return (V * np.sqrt(ev)) @ V.T, (Dt + Dt.T) / 2


_EPS = float(np.finfo(float).eps)
#: Accept the Cholesky solve if its round-off bound is ≤ this fraction of the scale E[y²].
CHOL_ACCEPT = 1e-8


def tri_solve(L: np.ndarray, y: np.ndarray, *, lower: bool, bs: int = 256) -> np.ndarray:
    """Blocked forward (lower) or backward (upper = Lᵀ) substitution with L lower-triangular."""
    N = L.shape[0]
    x = np.array(y, dtype=float, copy=True)
    if lower:
        for s in range(0, N, bs):
            e = min(N, s + bs)
            if s:
                x[s:e] -= L[s:e, :s] @ x[:s]
            x[s:e] = np.linalg.solve(L[s:e, s:e], x[s:e])
    else:
        starts = list(range(0, N, bs))
        for s in reversed(starts):
            e = min(N, s + bs)
            if e < N:
                x[s:e] -= L[e:, s:e].T @ x[e:]
            x[s:e] = np.linalg.solve(L[s:e, s:e].T, x[s:e])
    return x


def psd_solve(K: np.ndarray, b: np.ndarray, accept: float, rel_cut: float = 0.0):
    """A = K⁺b for a symmetric PSD K: (coef, bᵀK⁺b, rank, method, round-off bound).

    Cholesky + blocked triangular solves, accepted if finite with round-off bound
    N·ε·Tr(K)·‖a‖² + 4Nε·bᵀa ≤ ``accept``; otherwise ``eigh`` with eigenvalues
    ≤ max(10Nε, rel_cut)·λ_max dropped.
    """
    N = K.shape[0]
    trK = float(np.trace(K))
    try:
        L = np.linalg.cholesky(K)
        z = tri_solve(L, b, lower=True)
        coef = tri_solve(L, z, lower=False)
        quad = float(z @ z)
        fp = N * _EPS * trK * float(coef @ coef) + 4 * N * _EPS * quad
        if np.all(np.isfinite(coef)) and fp <= accept:
            return coef, quad, N, "cholesky", fp
    except np.linalg.LinAlgError:
        pass
    lam, V = np.linalg.eigh(K)
    lmax = float(max(lam[-1], 0.0))
    keep = lam > max(10 * N * _EPS, rel_cut) * lmax
    z = V[:, keep].T @ b
    w = z / lam[keep]
    coef = V[:, keep] @ w
    quad = float(z @ w)
    fp = N * _EPS * trK * float(coef @ coef) + 4 * N * _EPS * quad
    return coef, quad, int(keep.sum()), "eigh", fp


def solve_normal_equations(A: np.ndarray, c: np.ndarray, yy: float) -> np.ndarray:
    """Least-squares coefficients from the empirical normal equations A a = c (A PSD); ``yy`` is
    the empirical mean of y², the scale of cᵀA⁺c (Cholesky accepted at round-off ≤ 1e-8·yy).
    """
    coef, *_ = psd_solve(A, c, CHOL_ACCEPT * max(yy, 1e-300))
    return coef

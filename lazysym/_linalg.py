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

r"""Exact matrix invariants for the RF formulas (dps honesty, issue 12 point 6).

Theorem 1 and Theorem 4 enter through a few invariants of their matrices — traces, Frobenius
inner products and norms (⟨Γ,B⟩, ‖B‖²_F, ‖Γ‖²_F, Tr B, Tr(ΣΓΣΓ), Tr(ΔΓ)) and the spectrum of
d·Γ (resp. d·Γ^{1/2}ΣΓ^{1/2}) for ψ. Computed in float64 they carry a relative error of order
d·ε whatever ``dps`` is asked for. Here every matrix is read as the **exact** rational it denotes
— integers, Fractions, SymPy rationals, mpmath matrices, and floats taken as the binary numbers
they are — as a Python-integer matrix times a rational scale, and the traces and inner products
are exact integers (products of d×d matrices through :class:`flint.fmpz_mat`). Spectra: exact
for diagonal matrices; otherwise eigenvalues at ``dps`` + guard digits by :func:`mpmath.eigsy`
for d ≤ :data:`MP_EIG_MAX`, and float64 ``eigvalsh`` above it (the callers' docstrings say so).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import mpmath
import numpy as np

from lazysym.errors import AssumptionError, check

__all__: list[str] = []

#: Largest non-diagonal matrix whose eigenvalues are computed in mpmath (O(d³) at dps digits).
MP_EIG_MAX = 64


@dataclass(frozen=True)
class ExactMatrix:
    """A square matrix ``scale · ints`` with ``ints`` a d×d object array of Python ints."""

    ints: np.ndarray
    scale: Fraction
    floats: np.ndarray
    exact_input: bool

    @property
    def d(self) -> int:
        """The size d."""
        return int(self.ints.shape[0])

    @property
    def is_diagonal(self) -> bool:
        """True if every off-diagonal entry is 0."""
        off = self.ints.copy()
        np.fill_diagonal(off, 0)
        return not any(int(v) != 0 for v in off.ravel())

    def entry(self, i: int, j: int) -> Fraction:
        """The exact (i, j) entry."""
        return self.scale * int(self.ints[i, j])


def _fraction_of(v: Any, name: str) -> Fraction:
    if isinstance(v, Fraction):
        return v
    if isinstance(v, (bool, np.bool_)):
        raise AssumptionError(f"{name} must be real numbers; got a bool", assumption=f"{name} real")
    if isinstance(v, (int, np.integer)):
        return Fraction(int(v))
    if isinstance(v, (float, np.floating)):
        check(math.isfinite(float(v)), f"{name} must be finite; got {v}", assumption=f"{name} finite")
        return Fraction(float(v))
    t = getattr(v, "_mpf_", None)
    if isinstance(t, tuple):
        sign, man, exp, _ = t
        check(bool(man) or t == mpmath.libmp.fzero, f"{name} must be finite; got {v}",
              assumption=f"{name} finite")
        f = Fraction(man << exp) if exp >= 0 else Fraction(man, 1 << -exp)
        return -f if sign else f
    p, q = getattr(v, "p", None), getattr(v, "q", None)
    if isinstance(p, int) and isinstance(q, int) and q:
        return Fraction(p, q)
    raise AssumptionError(f"{name} entries must be exact real numbers (int, float, Fraction, "
                          f"SymPy rational, mpf); got {type(v).__name__} {v!r}",
                          assumption=f"{name} real")


def _float_ints(A: np.ndarray) -> tuple[np.ndarray, Fraction]:
    """Floats as exact ints · 2^emin (mantissas from frexp, shifted to the smallest exponent)."""
    m, e = np.frexp(A)
    mant = np.ldexp(m, 53).astype(np.int64)
    exps = (e.astype(np.int64) - 53)
    nz = mant != 0
    emin = int(exps[nz].min()) if nz.any() else 0
    ints = np.empty(A.shape, dtype=object)
    flat_m, flat_e = mant.ravel(), exps.ravel()
    out = ints.ravel()
    for k in range(flat_m.size):
        mk = int(flat_m[k])
        out[k] = (mk << int(flat_e[k] - emin)) if mk else 0
    ints = out.reshape(A.shape)
    scale = Fraction(2) ** emin
    return ints, scale


def exact_matrix(M: Any, name: str) -> ExactMatrix:
    """``M`` (square) as an :class:`ExactMatrix`; symmetric input required (checked exactly)."""
    if isinstance(M, mpmath.matrix):
        rows = [[M[i, j] for j in range(M.cols)] for i in range(M.rows)]
        M = rows
    if hasattr(M, "tolist") and not isinstance(M, np.ndarray):   # SymPy Matrix
        M = M.tolist()
    arr = np.asarray(M, dtype=object) if not isinstance(M, np.ndarray) else M
    check(arr.ndim == 2 and arr.shape[0] == arr.shape[1] and arr.shape[0] >= 1,
          f"{name} must be a square matrix; got shape {arr.shape}", assumption=f"{name} square")
    if arr.dtype.kind == "f":
        check(bool(np.all(np.isfinite(arr))), f"{name} must be finite", assumption=f"{name} finite")
        ints, scale = _float_ints(arr.astype(float))
        floats = arr.astype(float)
        exact_input = False
    elif arr.dtype.kind in "iu":
        ints = np.vectorize(int, otypes=[object])(arr)
        scale, floats, exact_input = Fraction(1), arr.astype(float), True
    else:
        fr = np.vectorize(lambda v: _fraction_of(v, name), otypes=[object])(arr)
        den = 1
        for v in fr.ravel():
            den = den * v.denominator // math.gcd(den, v.denominator)
        ints = np.vectorize(lambda v: v.numerator * (den // v.denominator), otypes=[object])(fr)
        scale = Fraction(1, den)
        floats = np.vectorize(float, otypes=[float])(fr)
        exact_input = True
    check(bool(np.all(ints == ints.T)), f"{name} must be symmetric", assumption=f"{name} symmetric")
    return ExactMatrix(ints, scale, floats, exact_input)


def inner(A: ExactMatrix, B: ExactMatrix) -> Fraction:
    """⟨A, B⟩ = Σᵢⱼ AᵢⱼBᵢⱼ, exactly."""
    return A.scale * B.scale * int(np.sum(A.ints * B.ints))


def trace(A: ExactMatrix) -> Fraction:
    """Tr A, exactly."""
    return A.scale * int(sum(int(v) for v in np.diagonal(A.ints)))


def matmul(A: ExactMatrix, B: ExactMatrix) -> tuple[np.ndarray, Fraction]:
    """A·B as (ints, scale), exactly (diagonal A: row scaling; otherwise flint.fmpz_mat)."""
    if A.is_diagonal:
        return np.diagonal(A.ints)[:, None] * B.ints, A.scale * B.scale
    import flint

    d = A.d
    P = flint.fmpz_mat(d, d, [int(v) for v in A.ints.ravel()]) * \
        flint.fmpz_mat(d, d, [int(v) for v in B.ints.ravel()])
    ints = np.array([[int(P[i, j]) for j in range(d)] for i in range(d)], dtype=object)
    return ints, A.scale * B.scale


def trace_product_square(S: ExactMatrix, G: ExactMatrix) -> Fraction:
    """Tr(ΣΓΣΓ) = Σᵢⱼ (ΣΓ)ᵢⱼ(ΣΓ)ⱼᵢ, exactly."""
    P, sc = matmul(S, G)
    return sc * sc * int(np.sum(P * P.T))


def spectrum_values(M: ExactMatrix, factor: int, dps: int) -> list:
    """Eigenvalues of factor·M: exact Fractions if M is diagonal, mpf at dps + 20 digits by
    mpmath (d ≤ MP_EIG_MAX), float64 otherwise.
    """
    if M.is_diagonal:
        return [factor * M.scale * int(v) for v in np.diagonal(M.ints)]
    if M.d <= MP_EIG_MAX:
        with mpmath.workdps(dps + 20):
            A = mpmath.matrix([[mpmath.mpf(int(v)) for v in row] for row in M.ints])
            ev = mpmath.eigsy(A, eigvals_only=True)
            sc = mpmath.mpf(M.scale.numerator) / M.scale.denominator * factor
            return [max(mpmath.mpf(0), sc * v) for v in ev]
    return list(np.maximum(np.linalg.eigvalsh(factor * M.floats), 0.0))


def spectrum_gamma_sigma(G: ExactMatrix, S: ExactMatrix, dps: int) -> list:
    """Eigenvalues of d·Γ^{1/2}ΣΓ^{1/2} (= those of d·ΣΓ): exact for diagonal Γ, Σ; mpmath for
    d ≤ MP_EIG_MAX; float64 otherwise.
    """
    d = G.d
    if G.is_diagonal and S.is_diagonal:
        return [d * G.scale * S.scale * int(g) * int(s)
                for g, s in zip(np.diagonal(G.ints), np.diagonal(S.ints))]
    if d <= MP_EIG_MAX:
        with mpmath.workdps(dps + 20):
            Gm = mpmath.matrix([[mpmath.mpf(int(v)) for v in row] for row in G.ints])
            Gm *= mpmath.mpf(G.scale.numerator) / G.scale.denominator
            Sm = mpmath.matrix([[mpmath.mpf(int(v)) for v in row] for row in S.ints])
            Sm *= mpmath.mpf(S.scale.numerator) / S.scale.denominator
            ev, Q = mpmath.eigsy(Gm)
            R = Q * mpmath.diag([mpmath.sqrt(max(mpmath.mpf(0), v)) for v in ev]) * Q.T
            M = R * Sm * R
            M = (M + M.T) / 2
            return [max(mpmath.mpf(0), d * v) for v in mpmath.eigsy(M, eigvals_only=True)]
    from lazysym._linalg import psd_sqrt

    R = psd_sqrt(G.floats)
    M = R @ S.floats @ R
    return list(np.maximum(np.linalg.eigvalsh(d * (M + M.T) / 2), 0.0))

"""The paper's two data models: quadratic targets (qf, §2, eq. (8)) and the Gaussian mixture (mg, §3).

Both are validated on construction; both sample with an explicit ``numpy.random.Generator``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike

from lazysym._linalg import inv_sqrt, psd_sqrt
from lazysym._typing import SeedLike
from lazysym._validate import (
    as_finite_array,
    as_generator,
    as_real,
    as_symmetric,
    check_psd,
    positive_int,
)
from lazysym.errors import check

__all__ = ["QuadraticTarget", "GaussianMixture", "paper_quadratic_target", "paper_mixture"]

#: Entries (n·d floats) one call of ``sample`` may draw: 2·10⁸ floats are 1.6 GB.
MAX_SAMPLE_FLOATS = 200_000_000


def _frozen(a: np.ndarray) -> np.ndarray:
    """A read-only copy of ``a`` (the models' arrays are immutable: cached factors stay valid)."""
    out = np.array(a, dtype=float, copy=True)
    out.setflags(write=False)
    return out


def _sample_size(n, d: int) -> int:
    n = positive_int(n, "n")
    check(n * d <= MAX_SAMPLE_FLOATS, f"sampling n = {n} points in d = {d} needs n·d = {n * d} "
          f"floats, above {MAX_SAMPLE_FLOATS} (1.6 GB)", assumption="bounded sample size",
          fix="sample in chunks")
    return n


@dataclass(frozen=True, init=False)
class QuadraticTarget:
    r"""The target :math:`f_*(x) = b_0 + \langle x, Bx\rangle`, :math:`x \sim N(0, I_d)` (eq. (8)).

    Parameters
    ----------
    B:
        Symmetric d×d matrix. The paper assumes ``B ⪰ 0`` in §2.3 (Theorem 3, Proposition 1);
        those functions check it, this class does not.
    b0:
        Offset. ``None`` (default) centres the target, ``b0 = -Tr(B)``, as Theorems 1 and 2
        assume (:math:`E f_* = 0`).

    ``B`` is stored as a private read-only copy (``B.flags.writeable`` is False), so the cached
    eigenvalues cannot go stale: build a new target to change B.
    """

    B: np.ndarray
    b0: float
    _eig: np.ndarray = field(init=False, repr=False, compare=False)

    # written out (not generated) so that ``b0`` is a float once constructed: ``None`` is only an
    # argument, meaning "centre the target"
    def __init__(self, B: ArrayLike, b0: float | None = None) -> None:
        Bs = _frozen(as_symmetric(B, "B"))       # a private, read-only copy: _eig cannot go stale
        object.__setattr__(self, "B", Bs)
        object.__setattr__(self, "b0", -float(np.trace(Bs)) if b0 is None else as_real(b0, "b0"))
        object.__setattr__(self, "_eig", _frozen(np.linalg.eigvalsh(Bs)[::-1]))
        check(math.isfinite(self.norm2), "‖f*‖² = 2‖B‖²_F + (b₀ + Tr B)² overflows float64",
              assumption="B finite", fix="rescale B and b0")

    @property
    def d(self) -> int:
        """The dimension d of x (B is d×d)."""
        return self.B.shape[0]

    @property
    def eigenvalues(self) -> np.ndarray:
        """Eigenvalues of B in decreasing order, λ₁(B) ≥ … ≥ λ_d(B) (as in Theorem 3)."""
        return self._eig.copy()

    @property
    def mean(self) -> float:
        """E f* = b₀ + Tr B."""
        return self.b0 + float(np.trace(self.B))

    @property
    def variance(self) -> float:
        """Var f* = 2‖B‖_F² (Isserlis)."""
        with np.errstate(over="ignore"):      # an overflow is refused on construction
            return 2.0 * float(np.sum(self.B * self.B))

    @property
    def norm2(self) -> float:
        """‖f*‖²_{L²} = E f*² = 2‖B‖_F² + (b₀ + Tr B)²: the risk of the trivial predictor 0."""
        return self.variance + self.mean * self.mean

    def is_psd(self) -> bool:
        """Whether B ⪰ 0 up to round-off (Theorem 3 and Proposition 1 assume it)."""
        scale = max(1.0, float(np.max(np.abs(self._eig))))
        return bool(self._eig[-1] >= -1e-10 * scale * self.d)

    def require_psd(self, context: str) -> np.ndarray:
        """Eigenvalues (descending), raising the package error unless B ⪰ 0 (``context`` names the
        result).
        """
        return check_psd(self.B, "B", assumption="B ⪰ 0", context=context)

    def __call__(self, X: np.ndarray) -> np.ndarray:
        """f*(x) for the rows of X (n×d)."""
        X = as_finite_array(X, "X", ndim=2)
        check(X.shape[1] == self.d, f"X must be n×d with d = {self.d}; got shape {X.shape}",
              assumption="X shape")
        # (X B) ∘ X summed over columns: one BLAS product, ~15x faster than a 3-operand einsum
        return self.b0 + np.einsum("ij,ij->i", X @ self.B, X)

    def sample(self, n: int, rng: SeedLike) -> tuple[np.ndarray, np.ndarray]:
        """N i.i.d. pairs (x, f*(x)), x ~ N(0, I_d); returns ``(X (n×d), y (n,))``."""
        n = _sample_size(n, self.d)
        X = as_generator(rng).standard_normal((n, self.d))
        return X, self(X)


@dataclass(frozen=True)
class GaussianMixture:
    r"""The (mg) model of §3: y = ±1 with probability 1/2, x | y=+1 ~ N(0, Σ − Δ),
    x | y=−1 ~ N(0, Σ + Δ).

    Assumption M1 (:math:`c_1 I \preceq \Sigma \preceq c_2 I`, :math:`c_1 > 0`) is checked as Σ ≻ 0,
    and both class covariances Σ ∓ Δ must be positive definite for the model to exist. M2
    (:math:`\|\Delta\|_{op} = \Theta(1/\sqrt d)`) is a statement about a sequence in d: its value
    :math:`\sqrt d\,\|\Delta\|_{op}` is exposed as :attr:`m2_scale` for the asymptotic checks.
    (The poster writes x | y=+1 ~ N(0, I + Δ); the sign convention does not change any risk.)

    Σ and Δ are stored as private read-only copies, so the cached Cholesky factors cannot go
    stale.
    """

    Sigma: np.ndarray
    Delta: np.ndarray
    _chol: dict[int, np.ndarray] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        S = as_symmetric(self.Sigma, "Σ")
        D = as_symmetric(self.Delta, "Δ")
        check(S.shape == D.shape, f"Σ and Δ must have the same shape; got {S.shape} and {D.shape}",
              assumption="Σ, Δ shapes")
        s_min = float(np.linalg.eigvalsh(S)[0])
        check(s_min > 0, f"Σ must be positive definite; smallest eigenvalue {s_min:.6g}",
              assumption="M1", fix="use Σ with c₁ I ⪯ Σ, c₁ > 0")
        for sign, label in ((-1, "Σ − Δ"), (1, "Σ + Δ")):
            lo = float(np.linalg.eigvalsh(S + sign * D)[0])
            check(lo > 0, f"the class covariance {label} must be positive definite; smallest "
                  f"eigenvalue {lo:.6g}", assumption="M1/M2 (valid covariances)",
                  fix="shrink Δ (M2 has ‖Δ‖_op of order 1/√d)")
        object.__setattr__(self, "Sigma", _frozen(S))     # private read-only copies
        object.__setattr__(self, "Delta", _frozen(D))
        # Cholesky factors of the two class covariances, computed once (sampling reuses them)
        object.__setattr__(self, "_chol",
                           {1: _frozen(np.linalg.cholesky(S - D)),
                            -1: _frozen(np.linalg.cholesky(S + D))})

    @property
    def d(self) -> int:
        """The dimension d of x (Σ and Δ are d×d)."""
        return self.Sigma.shape[0]

    @property
    def m2_scale(self) -> float:
        """√d ‖Δ‖_op, which M2 requires to stay of order one as d grows."""
        return float(np.sqrt(self.d) * np.max(np.abs(np.linalg.eigvalsh(self.Delta))))

    @property
    def sigma_sqrt(self) -> np.ndarray:
        """Σ^{1/2}, the symmetric square root of Σ (M1: Σ ≻ 0)."""
        return psd_sqrt(self.Sigma)

    @property
    def delta_tilde(self) -> np.ndarray:
        """Δ̃ = Σ^{-1/2} Δ Σ^{-1/2} (Theorems 5, 6)."""
        isq = inv_sqrt(self.Sigma)
        return isq @ self.Delta @ isq

    def covariance(self, y: int) -> np.ndarray:
        """Σ − Δ for y = +1, Σ + Δ for y = −1."""
        check(not isinstance(y, (bool, np.bool_)) and y in (1, -1), f"y must be +1 or -1; got {y!r}",
              assumption="labels ±1")
        return self.Sigma - y * self.Delta

    def sample(self, n: int, rng: SeedLike) -> tuple[np.ndarray, np.ndarray]:
        """N i.i.d. pairs (x, y); returns ``(X (n×d), y (n,))`` with y ∈ {−1, +1}."""
        n = _sample_size(n, self.d)
        rng = as_generator(rng)
        y = rng.choice(np.array([-1.0, 1.0]), size=n)
        X = np.empty((n, self.d))
        for lab in (1.0, -1.0):
            idx = np.flatnonzero(y == lab)
            X[idx] = rng.standard_normal((idx.size, self.d)) @ self._chol[int(lab)].T
        return X, y


def paper_quadratic_target(d: int, rng: SeedLike) -> QuadraticTarget:
    """§4: B diagonal with i.i.d. Exp(1) entries, centred (b₀ = −Tr B)."""
    d = positive_int(d, "d", cap="dimension")
    return QuadraticTarget(np.diag(as_generator(rng).exponential(1.0, size=d)))


def paper_mixture(d: int, rng: SeedLike) -> GaussianMixture:
    """§4: Σ = I, Δ diagonal with entries drawn uniformly from {2, 1.5, 1}/√d."""
    d = positive_int(d, "d", cap="dimension")
    vals = as_generator(rng).choice(np.array([2.0, 1.5, 1.0]), size=d) / np.sqrt(d)
    return GaussianMixture(np.eye(d), np.diag(vals))

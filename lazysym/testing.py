"""Reusable generators and hypothesis strategies for the paper's objects (public).

Plain generators (``rng`` = seed or ``numpy.random.Generator``): :func:`random_orthogonal`,
:func:`psd_with_spectrum`, :func:`random_psd`, :func:`random_symmetric`, :func:`random_weights`.

Hypothesis strategies (import needs ``hypothesis``): :func:`spectra`, :func:`psd_matrices`,
:func:`symmetric_matrices`, :func:`orthogonal_matrices`, :func:`weights`,
:func:`quadratic_targets`, :func:`gaussian_mixtures`. Eigenvalues are drawn by hypothesis (so
they shrink towards simple values); eigenvectors come from a drawn integer seed.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike

from lazysym._typing import SeedLike
from lazysym._validate import as_generator, as_real, positive_int
from lazysym.errors import check
from lazysym.objects.models import GaussianMixture, QuadraticTarget

if TYPE_CHECKING:  # hypothesis is a test dependency, imported only when a strategy is built
    from hypothesis.strategies import SearchStrategy

__all__ = [
    "random_orthogonal", "psd_with_spectrum", "random_psd", "random_symmetric", "random_weights",
    "spectra", "psd_matrices", "symmetric_matrices", "orthogonal_matrices", "weights",
    "quadratic_targets", "gaussian_mixtures",
]


def random_orthogonal(d: int, rng: SeedLike) -> np.ndarray:
    """A Haar-distributed Q ∈ O(d) (QR of a Gaussian matrix with the sign fix)."""
    d = positive_int(d, "d")
    A = as_generator(rng).standard_normal((d, d))
    Q, R = np.linalg.qr(A)
    return Q * np.sign(np.where(np.diag(R) == 0, 1.0, np.diag(R)))


def psd_with_spectrum(eigenvalues: ArrayLike, rng: SeedLike) -> np.ndarray:
    """Q diag(λ) Qᵀ with Haar Q (exactly symmetrised). Any real λ (PSD iff all λ ≥ 0)."""
    lam = np.asarray(eigenvalues, float).ravel()
    check(lam.size >= 1 and bool(np.all(np.isfinite(lam))), "eigenvalues must be finite reals",
          assumption="spectrum finite")
    Q = random_orthogonal(lam.size, rng)
    B = (Q * lam) @ Q.T
    return (B + B.T) / 2


def random_psd(d: int, rng: SeedLike, *, cond: float = 10.0, scale: float = 1.0,
               rank: int | None = None) -> np.ndarray:
    """A PSD d×d matrix with eigenvalues log-uniform in [scale/cond, scale] (``rank`` of them
    non-zero if given): condition number (on its range) ≤ ``cond``.
    """
    d = positive_int(d, "d")
    cond = as_real(cond, "cond")
    check(cond >= 1, f"cond must be ≥ 1; got {cond}", assumption="condition number ≥ 1")
    rng = as_generator(rng)
    r = d if rank is None else positive_int(rank, "rank")
    check(r <= d, f"rank must be ≤ d; got {r} > {d}", assumption="rank ≤ d")
    lam = np.zeros(d)
    lam[:r] = scale * np.exp(-rng.uniform(0.0, math.log(cond), r))
    return psd_with_spectrum(lam, rng)


def random_symmetric(d: int, rng: SeedLike) -> np.ndarray:
    """A GOE-like symmetric matrix (A + Aᵀ)/√(2d)."""
    d = positive_int(d, "d")
    A = as_generator(rng).standard_normal((d, d))
    return (A + A.T) / math.sqrt(2 * d)


def random_weights(d: int, N: int, rng: SeedLike, *, scale: float = 1.0) -> np.ndarray:
    """W ∈ R^{d×N} with i.i.d. N(0, scale²/d) entries (columns w_i, E‖w_i‖² = scale², as A2)."""
    d, N = positive_int(d, "d"), positive_int(N, "N")
    return as_generator(rng).standard_normal((d, N)) * (scale / math.sqrt(d))


# --------------------------------------------------------------------------------------------
# hypothesis strategies
# --------------------------------------------------------------------------------------------

def _st() -> Any:
    from hypothesis import strategies as st
    return st


def spectra(d: int | SearchStrategy[int], *, min_value: float = 0.0, max_value: float = 4.0,
            max_cond: float | None = None, allow_ties: bool = True) -> SearchStrategy[np.ndarray]:
    """Descending spectra of length ``d`` (an int or a strategy) in [min_value, max_value].

    ``max_cond`` bounds λ_max/λ_min (requires ``min_value > 0``). ``allow_ties`` lets hypothesis
    draw repeated eigenvalues (from a small grid with probability ~1/2), which exercises the
    degenerate families of the landscape.
    """
    st = _st()
    dims = st.just(d) if isinstance(d, int) else d

    @st.composite
    def build(draw):
        n = draw(dims)
        if allow_ties and draw(st.booleans()):
            grid = [min_value + (max_value - min_value) * k / 4 for k in range(5)]
            lam = draw(st.lists(st.sampled_from(grid), min_size=n, max_size=n))
        else:
            lam = draw(st.lists(st.floats(min_value, max_value, allow_nan=False,
                                          allow_infinity=False), min_size=n, max_size=n))
        lam = np.sort(np.asarray(lam, float))[::-1]
        if max_cond is not None:
            check(min_value > 0, "max_cond needs min_value > 0", assumption="bounded condition")
            lam = np.maximum(lam, lam[0] / max_cond)
        return lam

    return build()


def orthogonal_matrices(d: int | SearchStrategy[int]) -> SearchStrategy[np.ndarray]:
    """Haar orthogonal d×d matrices (from a drawn seed)."""
    st = _st()
    dims = st.just(d) if isinstance(d, int) else d
    return st.builds(lambda n, s: random_orthogonal(n, s), dims, st.integers(0, 2 ** 32 - 1))


def psd_matrices(d: int | SearchStrategy[int], *, min_value: float = 0.0, max_value: float = 4.0,
                 max_cond: float | None = None,
                 allow_ties: bool = True) -> SearchStrategy[np.ndarray]:
    """PSD matrices Q diag(λ) Qᵀ, λ from :func:`spectra` (same options)."""
    st = _st()
    return st.builds(lambda lam, s: psd_with_spectrum(lam, s),
                     spectra(d, min_value=min_value, max_value=max_value, max_cond=max_cond,
                             allow_ties=allow_ties),
                     st.integers(0, 2 ** 32 - 1))


def symmetric_matrices(d: int | SearchStrategy[int], *,
                       bound: float = 4.0) -> SearchStrategy[np.ndarray]:
    """Symmetric (indefinite) matrices with eigenvalues in [−bound, bound]."""
    st = _st()
    return st.builds(lambda lam, s: psd_with_spectrum(lam, s),
                     spectra(d, min_value=-bound, max_value=bound), st.integers(0, 2 ** 32 - 1))


def weights(d: int | SearchStrategy[int], N: int | SearchStrategy[int], *,
            scale: float = 1.0) -> SearchStrategy[np.ndarray]:
    """W ∈ R^{d×N}, i.i.d. N(0, scale²/d) entries (from a drawn seed); d, N ints or strategies."""
    st = _st()
    ds = st.just(d) if isinstance(d, int) else d
    Ns = st.just(N) if isinstance(N, int) else N
    return st.builds(lambda a, b, s: random_weights(a, b, s, scale=scale), ds, Ns,
                     st.integers(0, 2 ** 32 - 1))


def quadratic_targets(d: int | SearchStrategy[int], *, psd: bool = True, centred: bool = True,
                      max_value: float = 4.0,
                      allow_ties: bool = True) -> SearchStrategy[QuadraticTarget]:
    """:class:`~lazysym.objects.models.QuadraticTarget` with B ⪰ 0 (``psd``) or indefinite; centred
    (b₀ = −Tr B) or with a drawn offset b₀ ∈ [−5, 5].
    """
    st = _st()
    Bs = psd_matrices(d, max_value=max_value, allow_ties=allow_ties) if psd \
        else symmetric_matrices(d, bound=max_value)
    b0s = st.just(None) if centred else st.floats(-5.0, 5.0, allow_nan=False)
    return st.builds(QuadraticTarget, Bs, b0s)


def gaussian_mixtures(d: int | SearchStrategy[int], *, sigma_cond: float = 4.0,
                      delta_fraction: float = 0.9) -> SearchStrategy[GaussianMixture]:
    """:class:`~lazysym.objects.models.GaussianMixture` with Σ ≻ 0 (condition ≤ ``sigma_cond``, M1) and
    ‖Δ‖_op ≤ ``delta_fraction``·λ_min(Σ), so that Σ ± Δ ≻ 0. Δ is drawn on the √d scale of M2
    (‖Δ‖_op ≤ 2/√d) when that is smaller.
    """
    st = _st()
    dims = st.just(d) if isinstance(d, int) else d

    @st.composite
    def build(draw):
        n = draw(dims)
        sig = draw(spectra(n, min_value=1.0, max_value=sigma_cond, allow_ties=True))
        Sigma = psd_with_spectrum(sig, draw(st.integers(0, 2 ** 32 - 1)))
        bound = min(delta_fraction * float(sig[-1]), 2.0 / math.sqrt(n))
        dl = draw(spectra(n, min_value=-bound, max_value=bound, allow_ties=True))
        Delta = psd_with_spectrum(dl, draw(st.integers(0, 2 ** 32 - 1)))
        return GaussianMixture(Sigma, Delta)

    return build()

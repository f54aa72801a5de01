"""Reusable generators and hypothesis strategies for the paper's objects (public).

Plain generators (``rng`` = seed or ``numpy.random.Generator``): :func:`random_orthogonal`,
:func:`psd_with_spectrum`, :func:`random_psd`, :func:`random_symmetric`, :func:`random_weights`.

Hypothesis strategies (import needs ``hypothesis``): :func:`spectra`, :func:`psd_matrices`,
:func:`symmetric_matrices`, :func:`orthogonal_matrices`, :func:`weights`,
:func:`quadratic_targets`, :func:`gaussian_mixtures`, and the composite
:func:`targets_and_weights` (a target and a W of the same d). Eigenvalues are drawn by
hypothesis (so they shrink towards simple values); eigenvectors come from a drawn integer seed.

Like hypothesis's own strategies, these validate their arguments when they are called (at the
latest at the first draw, for dimensions given as strategies) and raise
:class:`hypothesis.errors.InvalidArgument` naming the bad argument. After installation,
``st.from_type(QuadraticTarget)`` and ``st.from_type(GaussianMixture)`` work too: the package
registers them through hypothesis's ``hypothesis`` entry point (:func:`_hypothesis_setup_hook`).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike

from lazysym._typing import SeedLike
from lazysym._validate import as_finite_array, as_generator, as_real, positive_int
from lazysym.errors import check
from lazysym.objects.models import GaussianMixture, QuadraticTarget

if TYPE_CHECKING:  # hypothesis is a test dependency, imported only when a strategy is built
    from hypothesis.strategies import SearchStrategy

__all__ = [
    "random_orthogonal", "psd_with_spectrum", "random_psd", "random_symmetric", "random_weights",
    "spectra", "psd_matrices", "symmetric_matrices", "orthogonal_matrices", "weights",
    "quadratic_targets", "gaussian_mixtures", "targets_and_weights",
]


def random_orthogonal(d: int, rng: SeedLike) -> np.ndarray:
    """A Haar-distributed Q ∈ O(d) (QR of a Gaussian matrix with the sign fix)."""
    d = positive_int(d, "d", cap="dimension")
    A = as_generator(rng).standard_normal((d, d))
    Q, R = np.linalg.qr(A)
    return Q * np.sign(np.where(np.diag(R) == 0, 1.0, np.diag(R)))


def psd_with_spectrum(eigenvalues: ArrayLike, rng: SeedLike) -> np.ndarray:
    """Q diag(λ) Qᵀ with Haar Q (exactly symmetrised). Any real λ (PSD iff all λ ≥ 0)."""
    lam = as_finite_array(eigenvalues, "eigenvalues", ndim=1)
    check(lam.size >= 1, "eigenvalues must be a non-empty list of reals",
          assumption="spectrum non-empty")
    Q = random_orthogonal(lam.size, rng)
    B = (Q * lam) @ Q.T
    return (B + B.T) / 2


def random_psd(d: int, rng: SeedLike, *, cond: float = 10.0, scale: float = 1.0,
               rank: int | None = None) -> np.ndarray:
    """A PSD d×d matrix with eigenvalues log-uniform in [scale/cond, scale] (``rank`` of them
    non-zero if given): condition number (on its range) ≤ ``cond``.
    """
    d = positive_int(d, "d", cap="dimension")
    cond = as_real(cond, "cond")
    check(cond >= 1, f"cond must be ≥ 1; got {cond}", assumption="condition number ≥ 1")
    scale = as_real(scale, "scale")
    check(scale > 0, f"scale must be > 0 (a negative scale gives an indefinite matrix); got "
          f"{scale}", assumption="PSD: scale > 0")
    rng = as_generator(rng)
    r = d if rank is None else positive_int(rank, "rank")
    check(r <= d, f"rank must be ≤ d; got {r} > {d}", assumption="rank ≤ d")
    lam = np.zeros(d)
    lam[:r] = scale * np.exp(-rng.uniform(0.0, math.log(cond), r))
    return psd_with_spectrum(lam, rng)


def random_symmetric(d: int, rng: SeedLike) -> np.ndarray:
    """A GOE-like symmetric matrix (A + Aᵀ)/√(2d)."""
    d = positive_int(d, "d", cap="dimension")
    A = as_generator(rng).standard_normal((d, d))
    return (A + A.T) / math.sqrt(2 * d)


def random_weights(d: int, N: int, rng: SeedLike, *, scale: float = 1.0) -> np.ndarray:
    """W ∈ R^{d×N} with i.i.d. N(0, scale²/d) entries (columns w_i, E‖w_i‖² = scale², as A2)."""
    d, N = positive_int(d, "d", cap="dimension"), positive_int(N, "N", cap="dimension")
    scale = as_real(scale, "scale")
    return as_generator(rng).standard_normal((d, N)) * (scale / math.sqrt(d))


# --------------------------------------------------------------------------------------------
# hypothesis strategies
# --------------------------------------------------------------------------------------------

#: Largest dimension a strategy draws (hypothesis examples are small; the property tests use ≤ 6).
MAX_STRATEGY_DIM = 64
_SEEDS_MAX = 2 ** 32 - 1


def _st() -> Any:
    from hypothesis import strategies as st
    return st


def _invalid(message: str) -> Exception:
    from hypothesis.errors import InvalidArgument
    return InvalidArgument(message)


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise _invalid(message)


def _real_arg(value: Any, name: str) -> float:
    _require(isinstance(value, (int, float, np.integer, np.floating))
             and not isinstance(value, (bool, np.bool_)),
             f"{name} must be a real number; got {type(value).__name__} {value!r:.40}")
    try:
        v = float(value)
    except OverflowError:
        v = math.inf
    _require(math.isfinite(v), f"{name} must be finite (within float64); got {value!r:.40}")
    return v


def _dims(d: Any, name: str) -> Any:
    """A strategy of dimensions from an int (checked now) or a strategy (checked at each draw)."""
    st = _st()
    from hypothesis.strategies import SearchStrategy
    if isinstance(d, SearchStrategy):
        def checked(n: Any) -> int:
            _require(bool(isinstance(n, (int, np.integer)) and not isinstance(n, bool)
                          and 1 <= n <= MAX_STRATEGY_DIM),
                     f"{name} strategy drew {n!r}; dimensions must be integers in "
                     f"[1, {MAX_STRATEGY_DIM}]")
            return int(n)
        return d.map(checked)
    _require(isinstance(d, (int, np.integer)) and not isinstance(d, (bool, np.bool_)),
             f"{name} must be an integer or a strategy of integers; got {type(d).__name__} "
             f"{d!r:.40}")
    _require(bool(1 <= d <= MAX_STRATEGY_DIM), f"{name} must be in [1, {MAX_STRATEGY_DIM}]; got {d}")
    return st.just(int(d))


def _check_bool(value: Any, name: str) -> bool:
    _require(isinstance(value, (bool, np.bool_)), f"{name} must be a bool; got {value!r:.40}")
    return bool(value)


def _spectrum_args(min_value: Any, max_value: Any, max_cond: Any,
                   allow_ties: Any) -> tuple[float, float, float | None, bool]:
    lo, hi = _real_arg(min_value, "min_value"), _real_arg(max_value, "max_value")
    _require(lo <= hi, f"min_value must be ≤ max_value; got {lo} > {hi}")
    cond = None
    if max_cond is not None:
        cond = _real_arg(max_cond, "max_cond")
        _require(cond >= 1, f"max_cond (λ_max/λ_min) must be ≥ 1; got {cond}")
        _require(lo > 0, f"max_cond needs min_value > 0 (a bounded condition number); got "
                 f"min_value = {lo}")
    return lo, hi, cond, _check_bool(allow_ties, "allow_ties")


def _draw_spectrum(draw: Callable[[Any], Any], n: int, lo: float, hi: float, cond: float | None,
                   allow_ties: bool) -> np.ndarray:
    st = _st()
    if allow_ties and draw(st.booleans()):
        grid = [lo + (hi - lo) * k / 4 for k in range(5)]
        lam = draw(st.lists(st.sampled_from(grid), min_size=n, max_size=n))
    else:
        lam = draw(st.lists(st.floats(lo, hi, allow_nan=False, allow_infinity=False),
                            min_size=n, max_size=n))
    out = np.sort(np.asarray(lam, float))[::-1]
    if cond is not None:
        out = np.maximum(out, out[0] / cond)
    return out


def spectra(d: int | SearchStrategy[int], *, min_value: float = 0.0, max_value: float = 4.0,
            max_cond: float | None = None, allow_ties: bool = True) -> SearchStrategy[np.ndarray]:
    """Descending spectra of length ``d`` (an int or a strategy) in [min_value, max_value].

    ``max_cond`` bounds λ_max/λ_min (requires ``min_value > 0``). ``allow_ties`` lets hypothesis
    draw repeated eigenvalues (from a small grid with probability ~1/2), which exercises the
    degenerate families of the landscape.
    """
    st = _st()
    dims = _dims(d, "d")
    lo, hi, cond, ties = _spectrum_args(min_value, max_value, max_cond, allow_ties)

    @st.composite
    def build(draw: Callable[[Any], Any]) -> np.ndarray:
        return _draw_spectrum(draw, draw(dims), lo, hi, cond, ties)

    return build()


def orthogonal_matrices(d: int | SearchStrategy[int]) -> SearchStrategy[np.ndarray]:
    """Haar orthogonal d×d matrices (from a drawn seed)."""
    st = _st()
    return st.builds(random_orthogonal, _dims(d, "d"), st.integers(0, _SEEDS_MAX))


def psd_matrices(d: int | SearchStrategy[int], *, min_value: float = 0.0, max_value: float = 4.0,
                 max_cond: float | None = None,
                 allow_ties: bool = True) -> SearchStrategy[np.ndarray]:
    """PSD matrices Q diag(λ) Qᵀ, λ from :func:`spectra` (same options; ``min_value ≥ 0``, since
    a negative eigenvalue would make the matrix indefinite).
    """
    st = _st()
    lo = _real_arg(min_value, "min_value")
    _require(lo >= 0, f"psd_matrices needs min_value ≥ 0 (PSD: no negative eigenvalue); got {lo}; "
             "use symmetric_matrices for indefinite ones")
    return st.builds(psd_with_spectrum,
                     spectra(d, min_value=min_value, max_value=max_value, max_cond=max_cond,
                             allow_ties=allow_ties),
                     st.integers(0, _SEEDS_MAX))


def symmetric_matrices(d: int | SearchStrategy[int], *,
                       bound: float = 4.0) -> SearchStrategy[np.ndarray]:
    """Symmetric (indefinite) matrices with eigenvalues in [−bound, bound]."""
    st = _st()
    b = _real_arg(bound, "bound")
    _require(b >= 0, f"bound must be ≥ 0; got {b}")
    return st.builds(psd_with_spectrum, spectra(d, min_value=-b, max_value=b),
                     st.integers(0, _SEEDS_MAX))


def weights(d: int | SearchStrategy[int], N: int | SearchStrategy[int], *,
            scale: float = 1.0) -> SearchStrategy[np.ndarray]:
    """W ∈ R^{d×N}, i.i.d. N(0, scale²/d) entries (from a drawn seed); d, N ints or strategies."""
    st = _st()
    sc = _real_arg(scale, "scale")
    return st.builds(lambda a, b, s: random_weights(a, b, s, scale=sc), _dims(d, "d"),
                     _dims(N, "N"), st.integers(0, _SEEDS_MAX))


def quadratic_targets(d: int | SearchStrategy[int], *, psd: bool = True, centred: bool = True,
                      max_value: float = 4.0,
                      allow_ties: bool = True) -> SearchStrategy[QuadraticTarget]:
    """:class:`~lazysym.objects.models.QuadraticTarget` with B ⪰ 0 (``psd``) or indefinite; centred
    (b₀ = −Tr B) or with a drawn offset b₀ ∈ [−5, 5].
    """
    st = _st()
    psd, centred = _check_bool(psd, "psd"), _check_bool(centred, "centred")
    hi = _real_arg(max_value, "max_value")
    _require(hi >= 0, f"max_value must be ≥ 0; got {hi}")
    Bs = psd_matrices(d, max_value=hi, allow_ties=allow_ties) if psd \
        else symmetric_matrices(d, bound=hi)
    b0s = st.just(None) if centred else st.floats(-5.0, 5.0, allow_nan=False)
    return st.builds(QuadraticTarget, Bs, b0s)


def _mixture_args(sigma_cond: Any, delta_fraction: Any) -> tuple[float, float]:
    cond = _real_arg(sigma_cond, "sigma_cond")
    _require(cond >= 1, f"sigma_cond (condition number of Σ) must be ≥ 1; got {cond}")
    frac = _real_arg(delta_fraction, "delta_fraction")
    _require(0 <= frac < 1, f"delta_fraction must be in [0, 1) so that Σ ± Δ ≻ 0; got {frac}")
    return cond, frac


def _draw_mixture(draw: Callable[[Any], Any], n: int, cond: float, frac: float) -> GaussianMixture:
    st = _st()
    sig = _draw_spectrum(draw, n, 1.0, cond, None, True)
    Sigma = psd_with_spectrum(sig, draw(st.integers(0, _SEEDS_MAX)))
    bound = min(frac * float(sig[-1]), 2.0 / math.sqrt(n))
    dl = _draw_spectrum(draw, n, -bound, bound, None, True)
    Delta = psd_with_spectrum(dl, draw(st.integers(0, _SEEDS_MAX)))
    return GaussianMixture(Sigma, Delta)


def gaussian_mixtures(d: int | SearchStrategy[int], *, sigma_cond: float = 4.0,
                      delta_fraction: float = 0.9) -> SearchStrategy[GaussianMixture]:
    """:class:`~lazysym.objects.models.GaussianMixture` with Σ ≻ 0 (condition ≤ ``sigma_cond``, M1) and
    ‖Δ‖_op ≤ ``delta_fraction``·λ_min(Σ), so that Σ ± Δ ≻ 0. Δ is drawn on the √d scale of M2
    (‖Δ‖_op ≤ 2/√d) when that is smaller. Σ and Δ are drawn at the same d.
    """
    st = _st()
    dims = _dims(d, "d")
    cond, frac = _mixture_args(sigma_cond, delta_fraction)

    @st.composite
    def build(draw: Callable[[Any], Any]) -> GaussianMixture:
        return _draw_mixture(draw, draw(dims), cond, frac)

    return build()


def targets_and_weights(d: int | SearchStrategy[int] | None = None,
                        N: int | SearchStrategy[int] | None = None, *, psd: bool = True,
                        centred: bool = True, max_value: float = 4.0,
                        scale: float = 1.0) -> SearchStrategy[tuple[QuadraticTarget, np.ndarray]]:
    """Pairs ``(target, W)`` with W ∈ R^{d×N} at the target's d: one draw of d serves both (the
    shapes are consistent by construction). ``d``, ``N``: ints or strategies (default 1..5).
    """
    st = _st()
    dims = _dims(st.integers(1, 5) if d is None else d, "d")
    widths = _dims(st.integers(1, 5) if N is None else N, "N")
    psd, centred = _check_bool(psd, "psd"), _check_bool(centred, "centred")
    hi = _real_arg(max_value, "max_value")
    _require(hi >= 0, f"max_value must be ≥ 0; got {hi}")
    sc = _real_arg(scale, "scale")

    @st.composite
    def build(draw: Callable[[Any], Any]) -> tuple[QuadraticTarget, np.ndarray]:
        n = draw(dims)
        target = draw(quadratic_targets(n, psd=psd, centred=centred, max_value=hi))
        W = random_weights(n, draw(widths), draw(st.integers(0, _SEEDS_MAX)), scale=sc)
        return target, W

    return build()


def _hypothesis_setup_hook() -> None:
    """Register ``st.from_type`` strategies for the paper's two models (hypothesis calls this
    through the ``hypothesis`` entry point declared in pyproject.toml, when it is imported).
    """
    st = _st()
    st.register_type_strategy(QuadraticTarget, quadratic_targets(st.integers(1, 5)))
    st.register_type_strategy(GaussianMixture, gaussian_mixtures(st.integers(1, 5)))

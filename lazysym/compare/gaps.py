r"""NT versus NN on quadratic targets with σ(x) = x²: orderings, the gap of eq. (6), and ratios.

Both risks are exact at finite d (raw risks E[(f* − f̂)²] unless a name says *normalized*, i.e.
divided by ‖f*‖² = ``target.norm2``, as in eq. (13)):

* NT (eq. (3), with offset c): :math:`\hat f = c + \langle x, Mx\rangle` with
  :math:`M = \sum_i (w_ia_i^\top + a_iw_i^\top)`, i.e. every symmetric M with
  :math:`P_\perp MP_\perp = 0` (:math:`P_\perp` the projection orthogonal to span W), so
  :math:`R_{NT}(W) = 2\|P_\perp BP_\perp\|_F^2` (:func:`lazysym.nt.nt_risk_quadratic`, whose
  projection formula the tests hold against brute-force least squares over a basis of the class).
* NN (§2.3): :func:`lazysym.nn.nn_risk_quadratic`, :math:`2\sum_{i>N}\lambda_i^2` for B ⪰ 0.

**NT ≥ NN for B ⪰ 0, for every W** (:func:`nt_minus_nn`). Let r = rank W ≤ N and k = d − r. The
matrix :math:`P_\perp BP_\perp` restricted to span(W)^⊥ is the compression of B to a k-dimensional
subspace; by Cauchy interlacing its eigenvalues satisfy :math:`\mu_j \ge \lambda_{j+r}(B) \ge 0`
(j = 1..k), so :math:`\|P_\perp BP_\perp\|_F^2 = \sum_j\mu_j^2 \ge \sum_{i>r}\lambda_i^2 \ge
\sum_{i>N}\lambda_i^2`. This is *not* a consequence of :math:`F_{NT,N}(W)\subseteq
\mathrm{cl}\,F_{NN,2N}` (§1): that inclusion compares NT with a network of **2N** neurons and
second-layer signs ±1, i.e. it gives :math:`R_{NT,N}\ge R_{NN,2N}`, not :math:`R_{NT,N}\ge R_{NN,N}`.

**B not PSD**: squaring breaks the interlacing argument, and the NN of §2.3 (second layer fixed
to +1) cannot fit negative eigen-directions while NT fits any sign: NT < NN is possible
(:func:`non_psd_counterexample`: B = diag(1, −1), w = (1, 1)/√2 gives R_NT = 0 < R_NN = 2).

**Eq. (6)**: for B ∝ I, :math:`P_\perp BP_\perp = \beta P_\perp` and
:math:`R_{NT} = 2\beta^2(d - r) = R_{NN}` for every W of full rank N ≤ d: the gap is exactly 0, so
no GAP(ρ) > 0 independent of B exists. The normalised asymptotic gap (Theorems 2 and 3,
:func:`gap_asymptotic`) is

.. math::  \mathrm{GAP}(\rho;B) = (1-\rho)_+^2(1-t) + (1-\rho)_+t - \Big(1 - \frac{\sum_{i\le N\wedge d}
           \lambda_i^2}{\|B\|_F^2}\Big),\qquad t = \frac{\operatorname{Tr}(B)^2}{d\|B\|_F^2},

≥ 0, and 0 for flat spectra (and for ρ ≥ 1).

**Unbounded ratios**: for :math:`\lambda_i = i^{-\alpha}` (α > 1/2, :func:`power_law_B`) the
normalised NT risk tends to :math:`(1-\rho)^2` (t → 0) while
:math:`R_{NN}/\|f_*\|^2 = \sum_{i>N}i^{-2\alpha}/\sum_i i^{-2\alpha} \sim
N^{1-2\alpha}/((2\alpha-1)\zeta(2\alpha))`, so :math:`R_{NT}/R_{NN}\asymp (1-\rho)^2(2\alpha-1)
\zeta(2\alpha)\,(\rho d)^{2\alpha-1}`: growth :math:`d^{2\alpha-1}` (:func:`ratio_growth`). For
a rank-k B with k ≤ N (:func:`spiked_B`) R_NN = 0 < R_NT: the ratio is infinite.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from lazysym._typing import SeedLike
from lazysym._validate import as_generator, as_real, as_target, as_weights, positive_int
from lazysym.errors import check, check_type
from lazysym.nn import nn_risk_quadratic
from lazysym.nt import nt_risk_quadratic
from lazysym.objects.models import QuadraticTarget
from lazysym.stats import fit_rate

__all__ = [
    "nt_minus_nn", "gap_asymptotic", "gap_finite_d", "nt_nn_ratio",
    "flat_B", "spiked_B", "exp_B", "power_law_B", "non_psd_counterexample", "ratio_growth",
]




def nt_minus_nn(W: ArrayLike, target: QuadraticTarget) -> float:
    r""":math:`R_{NT,N}(W) - R_{NN,N}` (raw) with N = number of columns of W; ≥ 0 whenever B ⪰ 0.

    The proof (Cauchy interlacing) is in the module docstring; for B not PSD the difference can be
    negative (:func:`non_psd_counterexample`).
    """
    target = as_target(target)
    W = as_weights(W, target.d)
    return nt_risk_quadratic(W, target) - nn_risk_quadratic(target, W.shape[1])


def gap_asymptotic(target: QuadraticTarget, N: int) -> float:
    r"""Normalised asymptotic gap from Theorem 2 (NT) and Theorem 3 (NN) at ρ = N/d:

    .. math::  (1-\rho)_+^2(1-t) + (1-\rho)_+ t - 2\sum_{i>N}\lambda_i^2/\|f_*\|^2,
               \quad t = \operatorname{Tr}(B)^2/(d\|B\|_F^2),

    for the centred target (‖f*‖² = 2‖B‖²_F). Theorem 3 assumes B ⪰ 0 (checked).
    """
    from lazysym.nn import theorem3_value
    target = as_target(target)
    N = positive_int(N, "N", cap="dimension")
    B = target.B
    f2 = float(np.sum(B * B))
    check(f2 > 0, "the normalised gap needs B ≠ 0", assumption="B ≠ 0")
    rho = N / target.d
    t = float(np.trace(B)) ** 2 / (target.d * f2)
    u = max(1.0 - rho, 0.0)
    nt = u * u * (1.0 - t) + u * t
    nn = theorem3_value(target, N) / (2.0 * f2)
    return nt - nn


def gap_finite_d(target: QuadraticTarget, N: int, *, draws: int, rng: SeedLike) -> np.ndarray:
    r"""Exact normalised gaps :math:`(R_{NT,N}(W) - R_{NN,N})/\|f_*\|^2` for ``draws`` independent
    W with i.i.d. N(0, I_d/d) columns (§2.2), one per draw.
    """
    target = as_target(target)
    N, draws = positive_int(N, "N", cap="dimension"), positive_int(draws, "draws", cap="samples")
    rng = as_generator(rng)
    nn = nn_risk_quadratic(target, N)
    out = np.empty(draws)
    for k in range(draws):
        W = rng.standard_normal((target.d, N)) / np.sqrt(target.d)
        out[k] = (nt_risk_quadratic(W, target) - nn) / target.norm2
    return out


def nt_nn_ratio(target: QuadraticTarget, N: int, *, draws: int, rng: SeedLike) -> np.ndarray:
    r""":math:`R_{NT,N}(W)/R_{NN,N}` for ``draws`` Gaussian W (``inf`` where R_NN = 0 < R_NT)."""
    target = as_target(target)
    N, draws = positive_int(N, "N", cap="dimension"), positive_int(draws, "draws", cap="samples")
    rng = as_generator(rng)
    nn = nn_risk_quadratic(target, N)
    vals = np.array([nt_risk_quadratic(rng.standard_normal((target.d, N)) / np.sqrt(target.d),
                                       target) for _ in range(draws)])
    if nn > 0:
        return vals / nn
    return np.full(draws, np.inf)  # R_NN = 0: every W with R_NT > 0 gives an infinite ratio


# ------------------------------------------------------------------------------------------------
# families of B
# ------------------------------------------------------------------------------------------------

def flat_B(d: int, beta: float = 1.0) -> QuadraticTarget:
    """B = β I_d (centred): the flat spectrum, for which NT and NN coincide for every W."""
    d = positive_int(d, "d", cap="dimension")
    beta = as_real(beta, "beta")
    check(beta != 0, "beta must be non-zero", assumption="B ≠ 0")
    return QuadraticTarget(beta * np.eye(d))


def spiked_B(d: int, kappa: float) -> QuadraticTarget:
    """B = projection on the first ⌈κd⌉ coordinates (rank ⌈κd⌉, 0 < κ ≤ 1), centred."""
    d = positive_int(d, "d", cap="dimension")
    kappa = as_real(kappa, "kappa")
    check(0 < kappa <= 1, f"kappa must be in (0, 1]; got {kappa}", assumption="0 < κ ≤ 1")
    k = int(np.ceil(kappa * d))
    return QuadraticTarget(np.diag(np.r_[np.ones(k), np.zeros(d - k)]))


def exp_B(d: int, rng: SeedLike) -> QuadraticTarget:
    """§4: B diagonal with i.i.d. Exp(1) entries, centred."""
    d = positive_int(d, "d", cap="dimension")
    return QuadraticTarget(np.diag(as_generator(rng).exponential(1.0, size=d)))


def power_law_B(d: int, alpha: float) -> QuadraticTarget:
    r"""B = diag(i^{−α}), i = 1..d (centred), α > 1/2: R_NT/R_NN grows like d^{2α−1}."""
    d = positive_int(d, "d", cap="dimension")
    alpha = as_real(alpha, "alpha")
    check(alpha > 0.5, f"the power law needs α > 1/2 (summable λ²); got {alpha}",
          assumption="α > 1/2")
    return QuadraticTarget(np.diag(np.arange(1, d + 1, dtype=float) ** (-alpha)))


def non_psd_counterexample() -> tuple[QuadraticTarget, np.ndarray, float, float]:
    r"""A B that is not PSD and a W with :math:`R_{NT}(W) < R_{NN}`: (target, W, R_NT, R_NN).

    B = diag(1, −1), N = 1, w = (1, 1)/√2: the direction orthogonal to w is u = (1, −1)/√2 and
    ⟨u, Bu⟩ = 0, so R_NT = 0, while the NN (WWᵀ ⪰ 0) cannot fit the eigenvalue −1: R_NN = 2.
    """
    target = QuadraticTarget(np.diag([1.0, -1.0]))
    W = np.array([[1.0], [1.0]]) / np.sqrt(2.0)
    return target, W, nt_risk_quadratic(W, target), nn_risk_quadratic(target, 1)


def ratio_growth(alpha: float, rho: float, ds: Iterable[int], *, draws: int,
                 rng: SeedLike) -> dict[str, Any]:
    r"""Measured growth of :math:`R_{NT}/R_{NN}` for :func:`power_law_B` at N = ⌊ρd⌋.

    Returns ``{"d": ds, "ratio": mean ratio per d, "rate": fitted exponent γ in ratio ∝ d^γ,
    "predicted_rate": 2α − 1}``.
    """
    rho = as_real(rho, "rho")
    check(0 < rho < 1, f"ρ must be in (0, 1) (for ρ ≥ 1 both risks vanish); got {rho}",
          assumption="0 < ρ < 1")
    alpha = as_real(alpha, "alpha")
    rng = as_generator(rng)
    check_type(not isinstance(ds, (str, bytes)) and hasattr(ds, "__iter__"), "ds",
               "a sequence of dimensions (integers)", ds)
    ds = [positive_int(d, "d", cap="dimension") for d in ds]
    check(len(set(ds)) >= 2, f"a growth rate needs at least two distinct d; got {ds}",
          assumption="enough data for the fit")
    ratios = []
    for d in ds:
        N = max(1, int(np.floor(rho * d)))
        ratios.append(float(np.mean(nt_nn_ratio(power_law_B(d, alpha), N, draws=draws, rng=rng))))
    check(all(np.isfinite(ratios)), "R_NN = 0 at some d (infinite ratio): no growth rate",
          assumption="R_NN > 0")
    slope = -fit_rate(ds, ratios)       # fit_rate returns γ in error ∝ x^(−γ)
    return {"d": ds, "ratio": ratios, "rate": slope, "predicted_rate": 2 * alpha - 1}

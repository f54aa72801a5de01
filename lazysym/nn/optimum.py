r"""The fully trained network's exact optimum at finite d: quadratic targets (§2.3, the value of
Theorem 3) and the Gaussian mixture (§3.3, the exact counterpart of Theorem 6).

Quadratic target (qf, §2.3)
---------------------------
The network of §2.3 has quadratic activations and second layer fixed to 1,
:math:`\hat f(x; W, c) = \sum_{i\le N}\langle w_i, x\rangle^2 + c = \langle x, WW^\top x\rangle + c`,
so its population loss (lazysym.nn.loss) is

.. math::  L(W,c) = 2\|B - WW^\top\|_F^2 + (\operatorname{Tr}(B - WW^\top) + b_0 - c)^2 .

The offset kills the second term, and :math:`S = WW^\top` ranges over the PSD matrices of rank
:math:`\le N`. **Optimum for any symmetric B** (:func:`nn_risk_quadratic`): with
:math:`\lambda_1\ge\dots\ge\lambda_d` the eigenvalues of B and :math:`s_1\ge\dots\ge s_N\ge 0`
those of S, von Neumann's trace inequality :math:`\langle B, S\rangle\le\sum_i s_i\lambda_i` gives

.. math::  \|B-S\|_F^2 \ge \|B\|_F^2 + \sum_{i\le N}(s_i^2 - 2 s_i\lambda_i)
           \ge \|B\|_F^2 - \sum_{i\le N\wedge d}(\lambda_i)_+^2 ,

the last step minimising each term over :math:`s_i\ge 0`; :math:`S = \sum_{i\le N}(\lambda_i)_+ v_iv_i^\top`
attains it. Hence

.. math::  \inf_{W,c} L = 2\Big(\sum_{i>N}\lambda_i^2 + \sum_{i\le N\wedge d}(\lambda_i)_-^2\Big).

For :math:`B\succeq 0` the second sum vanishes: Theorem 3's value :math:`2\sum_{i=N+1}^d\lambda_i(B)^2`
(Eckart–Young). For B not PSD the network cannot fit negative eigen-directions at all (WWᵀ ⪰ 0):
every negative eigenvalue is paid in full, and a positive eigenvalue is fitted only if it is among
the N largest.

Gaussian mixture (mg, §3.3)
---------------------------
Here :math:`f = \sum_i a_i\langle w_i,x\rangle^2 + c = \langle x, Sx\rangle + c` with :math:`a_i` free,
so S is any symmetric matrix of rank :math:`\le N`. With x | y ~ N(0, Σ − yΔ) and Isserlis,

.. math::  E(y - \langle x,Sx\rangle - c)^2 = (1+\tau)^2 + (\operatorname{Tr}(S\Sigma)+c)^2
           + 2\operatorname{Tr}(S\Sigma S\Sigma) + 2\operatorname{Tr}(S\Delta S\Delta),
           \qquad \tau = \operatorname{Tr}(S\Delta)

(:func:`mixture_quadratic_risk`). **Exact optimum** (:func:`nn_risk_mixture`): put
:math:`\tilde S = \Sigma^{1/2}S\Sigma^{1/2}` (same rank) and
:math:`\tilde\Delta = \Sigma^{-1/2}\Delta\Sigma^{-1/2}`; the risk with c optimised is
:math:`(1+\langle\tilde S,\tilde\Delta\rangle)^2 + 2\|\tilde S\|_F^2 +
2\operatorname{Tr}(\tilde S\tilde\Delta\tilde S\tilde\Delta)`, which depends on Σ, Δ only through
:math:`\tilde\Delta`. *So Σ and Δ never need to commute*: after whitening, rotate to the eigenbasis of
:math:`\tilde\Delta` (eigenvalues :math:`\delta_i`, :math:`|\delta_i|<1` because Σ ± Δ ≻ 0). For
:math:`\tilde S = UMU^\top` with U an orthonormal d×r frame, let :math:`\gamma_k` be the eigenvalues of
the compression :math:`U^\top\tilde\Delta U`; in that basis the risk is
:math:`(1+\sum_k M_{kk}\gamma_k)^2 + 2\sum_{kl}M_{kl}^2(1+\gamma_k\gamma_l)` (weights > 0), so the
off-diagonal entries vanish at the optimum and the one-dimensional problem gives

.. math::  \min_M = \frac{2}{2 + \sum_{k\le r} g(\gamma_k)}, \qquad g(\gamma) = \frac{\gamma^2}{1+\gamma^2}.

g increases with |γ|, and by Cauchy interlacing the positive :math:`\gamma_k` are dominated by the
largest :math:`\delta_i` and the negative ones by the most negative :math:`\delta_i` (disjoint
indices), so :math:`\sum_k g(\gamma_k)\le` the sum of g over the r largest :math:`|\delta_i|`, attained
by the coordinate frame. Therefore, with :math:`\sigma_1\ge\sigma_2\ge\dots` the singular values of
:math:`\tilde\Delta`,

.. math::  R_{NN,N}(\mathbb P_{\Sigma,\Delta}) = \frac{2}{2 + \sum_{i\le N\wedge d}\sigma_i^2/(1+\sigma_i^2)}
           \quad\text{exactly at finite } d,

while Theorem 6 prints :math:`2/(2+\sum_{i\le N\wedge d}\sigma_i^2)`: the two differ by
:math:`O(\sum_i\sigma_i^4) = O(1/d)` under M2. The proof is checked numerically in the tests by
minimising :func:`mixture_quadratic_risk` over factorised :math:`S = W\operatorname{diag}(a)W^\top`
from many random starts (:func:`nn_risk_mixture_numerical`), and against Monte Carlo.
"""

from __future__ import annotations

from typing import Any, Literal, overload

import numpy as np
from numpy.typing import ArrayLike

from lazysym._linalg import whiten
from lazysym._typing import SeedLike
from lazysym._validate import (
    as_flag,
    as_generator,
    as_mixture,
    as_real,
    as_symmetric,
    as_target,
    positive_int,
)
from lazysym.errors import ConvergenceError, check
from lazysym.limits import check_limit
from lazysym.nn.certified import exact_norm2, nn_risk_mixture_certified, nn_risk_quadratic_certified
from lazysym.objects.models import GaussianMixture, QuadraticTarget

__all__ = ['nn_risk_quadratic', 'nn_minimizer', 'mixture_quadratic_risk', 'nn_risk_mixture',
           'nn_minimizer_mixture', 'nn_risk_mixture_numerical']








def _fitted_residual_eigs(eig_desc: np.ndarray, N: int) -> np.ndarray:
    """Eigenvalues of B − S* (S* the optimal PSD rank-≤N fit): λᵢ − (λᵢ)₊ for i ≤ N, λᵢ beyond."""
    r = eig_desc.copy()
    k = min(N, r.size)
    r[:k] = np.minimum(r[:k], 0.0)
    return r


@overload
def nn_risk_quadratic(target: QuadraticTarget, N: int, *, normalized: bool = ...,
                      certified: Literal[False] = ..., dps: int = ...) -> float: ...
@overload
def nn_risk_quadratic(target: QuadraticTarget, N: int, *, normalized: bool = ...,
                      certified: Literal[True], dps: int = ...) -> Any: ...
def nn_risk_quadratic(target: QuadraticTarget, N: int, *, normalized: bool = False,
                      certified: bool = False, dps: int = 30) -> float | Any:
    r"""Exact :math:`\inf_{W,c} L(W,c)` of §2.3 (σ(x) = x², second layer fixed to 1), any symmetric B.

    .. math::  \inf_{W,c} L = 2\Big(\sum_{i=N+1}^{d}\lambda_i(B)^2
               + \sum_{i\le N\wedge d}\big(\lambda_i(B)\big)_-^2\Big)

    which is Theorem 3's :math:`2\sum_{i>N}\lambda_i(B)^2` when :math:`B\succeq 0` (proof in the module
    docstring). Independent of b₀ (the offset c absorbs it).

    Parameters
    ----------
    target:
        :class:`~lazysym.objects.models.QuadraticTarget`; B need not be PSD.
    N:
        Number of neurons, an integer ≥ 1.
    normalized:
        If True return the risk divided by ``target.norm2`` = ‖f*‖² (eq. (13)'s normalisation).
    certified:
        ``True``: a ``flint.arb`` ball containing the exact value for the binary B as given
        (:func:`lazysym.nn.certified.nn_risk_quadratic_certified`), ``dps`` correct digits.
    dps:
        Correct digits of the certified ball.

    Returns
    -------
    float (or flint.arb with ``certified=True``)
        The raw risk E[(f* − f̂)²] at the optimum (or its normalised version).
    """
    target = as_target(target)
    N = positive_int(N, "N")
    normalized = as_flag(normalized, "normalized")
    if as_flag(certified, "certified"):
        ball = nn_risk_quadratic_certified(target, N, dps=dps)
        if normalized:
            check(target.norm2 > 0, "the normalised risk needs ‖f*‖² > 0; got f* = 0",
                  assumption="f* ≠ 0")
            return ball / exact_norm2(target)
        return ball
    r = _fitted_residual_eigs(target.eigenvalues, N)
    risk = 2.0 * float(np.sum(r * r))
    if normalized:
        check(target.norm2 > 0, "the normalised risk needs ‖f*‖² > 0; got f* = 0",
              assumption="f* ≠ 0")
        return risk / target.norm2
    return risk


def nn_minimizer(target: QuadraticTarget, N: int) -> tuple[np.ndarray, float]:
    r"""A global minimiser (W, c) of L (§2.3): :math:`w_i = \sqrt{(\lambda_i)_+}\,v_i` for i ≤ N ∧ d.

    Columns beyond d (N > d) and columns for non-positive eigenvalues are zero;
    :math:`c = b_0 + \operatorname{Tr}(B - WW^\top)`. ``population_loss(W, c, target)`` equals
    :func:`nn_risk_quadratic` up to round-off.

    N is at most ``LIMITS.dimension`` (:mod:`lazysym.limits`): W is a dense d×N array.

    Returns
    -------
    (W, c):
        W ∈ R^{d×N} (neurons as columns), c a float.
    """
    target = as_target(target, "nn_minimizer")
    N = positive_int(N, "N", cap="dimension")
    ev, V = np.linalg.eigh(target.B)
    ev, V = ev[::-1], V[:, ::-1]
    d = target.d
    W = np.zeros((d, N))
    k = min(N, d)
    W[:, :k] = V[:, :k] * np.sqrt(np.maximum(ev[:k], 0.0))
    c = target.b0 + float(np.trace(target.B) - np.sum(W * W))
    return W, c


def mixture_quadratic_risk(S: ArrayLike, c: float | None, mixture: GaussianMixture) -> float:
    r"""Exact :math:`E(y - \langle x, Sx\rangle - c)^2` under the (mg) model (§3), any symmetric S.

    .. math::  (1+\operatorname{Tr}S\Delta)^2 + (\operatorname{Tr}S\Sigma + c)^2
               + 2\operatorname{Tr}(S\Sigma S\Sigma) + 2\operatorname{Tr}(S\Delta S\Delta)

    (x | y ~ N(0, Σ − yΔ); the conditional mean of ⟨x,Sx⟩ is Tr SΣ − y Tr SΔ and its variance
    2Tr(S C_y S C_y), C_y = Σ − yΔ). ``c=None`` uses the optimal offset c = −Tr SΣ; otherwise
    c is a finite real.
    """
    c = None if c is None else as_real(c, "c")
    mixture = as_mixture(mixture, "mixture_quadratic_risk")
    S = as_symmetric(S, "S")
    check(S.shape == mixture.Sigma.shape, f"S must be d×d with d = {mixture.d}; got {S.shape}",
          assumption="S shape")
    Sig, D = mixture.Sigma, mixture.Delta
    tau = float(np.sum(S * D))
    mean_off = float(np.sum(S * Sig))
    if c is None:
        c = -mean_off
    SS, SD = S @ Sig, S @ D
    return ((1.0 + tau) ** 2 + (mean_off + c) ** 2
            + 2.0 * float(np.sum(SS * SS.T)) + 2.0 * float(np.sum(SD * SD.T)))




@overload
def nn_risk_mixture(mixture: GaussianMixture, N: int, *, certified: Literal[False] = ...,
                    dps: int = ...) -> float: ...
@overload
def nn_risk_mixture(mixture: GaussianMixture, N: int, *, certified: Literal[True],
                    dps: int = ...) -> Any: ...
def nn_risk_mixture(mixture: GaussianMixture, N: int, *, certified: bool = False,
                    dps: int = 30) -> float | Any:
    r"""Exact :math:`R_{NN,N}(\mathbb P_{\Sigma,\Delta})
    = \inf_{a, W, c} E(y - \sum_i a_i\langle w_i,x\rangle^2 - c)^2`.

    .. math::  R_{NN,N} = \frac{2}{2 + \sum_{i\le N\wedge d}\sigma_i^2/(1+\sigma_i^2)}

    with :math:`\sigma_1\ge\sigma_2\ge\dots` the singular values of
    :math:`\tilde\Delta = \Sigma^{-1/2}\Delta\Sigma^{-1/2}` — exact at finite d for any Σ ≻ 0 and Δ
    with Σ ± Δ ≻ 0 (commuting or not; proof in the module docstring). Compare Theorem 6
    (:func:`theorem6_risk`), whose denominator has :math:`\sigma_i^2` in place of
    :math:`\sigma_i^2/(1+\sigma_i^2)`.

    ``certified=True`` returns a ``flint.arb`` ball containing the exact value for the binary Σ,
    Δ as given (:func:`lazysym.nn.certified.nn_risk_mixture_certified`), ``dps`` correct digits.
    """
    mixture = as_mixture(mixture)
    N = positive_int(N, "N")
    if as_flag(certified, "certified"):
        return nn_risk_mixture_certified(mixture, N, dps=dps)
    _, delta, _ = whiten(mixture.Sigma, mixture.Delta)
    s2 = np.sort(delta * delta)[::-1][:N]
    return 2.0 / (2.0 + float(np.sum(s2 / (1.0 + s2))))


def nn_minimizer_mixture(mixture: GaussianMixture, N: int) -> tuple[np.ndarray, float]:
    r"""The optimal (S, c) of :func:`nn_risk_mixture`: :math:`S = \Sigma^{-1/2}\tilde S\Sigma^{-1/2}`,
    :math:`\tilde S = \sum_{i\in I} m_i v_iv_i^\top`, :math:`m_i = -\frac{R\,\delta_i}{2(1+\delta_i^2)}`
    over the N ∧ d eigenvectors :math:`v_i` of Δ̃ with largest :math:`|\delta_i|`, R the optimal risk,
    and :math:`c = -\operatorname{Tr}(S\Sigma)`. Rank S ≤ N, so S = Σᵢ aᵢwᵢwᵢᵀ with N neurons.
    """
    mixture = as_mixture(mixture)
    N = positive_int(N, "N")
    isq, delta, V = whiten(mixture.Sigma, mixture.Delta)
    idx = np.argsort(-np.abs(delta), kind="stable")[:N]
    dl = delta[idx]
    R = 2.0 / (2.0 + float(np.sum(dl * dl / (1.0 + dl * dl))))
    m = -R * dl / (2.0 * (1.0 + dl * dl))
    St = (V[:, idx] * m) @ V[:, idx].T
    S = isq @ St @ isq
    S = (S + S.T) / 2
    return S, -float(np.sum(S * mixture.Sigma))


def nn_risk_mixture_numerical(mixture: GaussianMixture, N: int, *, rng: SeedLike,
                              starts: int = 8, max_iter: int = 20000,
                              tol: float = 1e-13) -> float:
    r"""Numerical :math:`\min` of :func:`mixture_quadratic_risk` over symmetric S of rank ≤ N.

    Projected gradient descent (iterative hard thresholding) on S itself: a gradient step on the
    strongly convex quadratic :math:`R(S) = (1+\operatorname{Tr}S\Delta)^2
    + 2\operatorname{Tr}(S\Sigma S\Sigma) + 2\operatorname{Tr}(S\Delta S\Delta)` (offset optimised
    in closed form) with step 1/L,
    :math:`L = 4\|\Sigma\|_{op}^2 + 4\|\Delta\|_{op}^2 + 2\|\Delta\|_F^2`, then the projection on
    rank ≤ N (keep the N eigenvalues of largest modulus), from ``starts`` random symmetric starts;
    returns the smallest value reached. It does not assume the structure of the optimum and works
    in the original coordinates for any Σ, Δ (commuting or not): it is the check of
    :func:`nn_risk_mixture`'s proof.

    ``starts × max_iter`` is at most ``LIMITS.iterations`` (:mod:`lazysym.limits`).

    Raises
    ------
    ConvergenceError
        If no start reaches a step ‖S_{k+1} − S_k‖_F ≤ ``tol`` within ``max_iter`` iterations.
    """
    mixture = as_mixture(mixture, "nn_risk_mixture_numerical")
    N = positive_int(N, "N")
    starts = positive_int(starts, "starts", cap="iterations")
    max_iter = positive_int(max_iter, "max_iter", cap="iterations")
    check_limit("iterations", starts * max_iter, "starts × max_iter (projected-gradient steps)")
    tol = as_real(tol, "tol")
    check(tol >= 0, f"tol must be ≥ 0; got {tol}", assumption="tol ≥ 0")
    rng = as_generator(rng)
    Sig, D = mixture.Sigma, mixture.Delta
    d = mixture.d
    L = (4 * np.linalg.norm(Sig, 2) ** 2 + 4 * np.linalg.norm(D, 2) ** 2
         + 2 * float(np.sum(D * D)))

    def grad(S):
        tau = float(np.sum(S * D))
        return 2 * (1 + tau) * D + 4 * Sig @ S @ Sig + 4 * D @ S @ D

    def project(S):
        ev, V = np.linalg.eigh((S + S.T) / 2)
        keep = np.argsort(-np.abs(ev), kind="stable")[:N]
        return (V[:, keep] * ev[keep]) @ V[:, keep].T

    best, best_step = np.inf, np.inf
    for _ in range(starts):
        A = rng.standard_normal((d, d))
        S = project((A + A.T) / np.sqrt(8.0 * d))
        step = np.inf
        for _ in range(max_iter):
            S1 = project(S - grad(S) / L)
            step = float(np.linalg.norm(S1 - S))
            S = S1
            if step <= tol:
                break
        best = min(best, mixture_quadratic_risk(S, None, mixture))
        best_step = min(best_step, step)
    if not best_step <= tol:
        raise ConvergenceError("projected gradient on rank-≤N symmetric S did not converge",
                               diagnostics={"last_step": best_step, "tol": tol,
                                            "max_iter": max_iter, "best": best},
                               fix="raise max_iter or tol")
    return float(best)


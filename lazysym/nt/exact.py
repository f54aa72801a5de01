r"""The neural-tangent (NT) model with quadratic activation, exactly at finite d.

Paper: §1 eq. (3) (the class), §2.2 Theorem 2 (qf), §3.2 Theorem 5 (mg), eq. (13) and (17)
(NT rows).

The NT class and its tangent space
----------------------------------
With :math:`\sigma(u) = u^2` (so :math:`\sigma'(u) = 2u`), a member of the class (3) is

.. math::

    f(x) = c + \sum_{i=1}^N 2\langle w_i, x\rangle\langle a_i, x\rangle
         = c + x^\top (W A^\top + A W^\top) x, \qquad A = (a_1,\dots,a_N) \in \mathbb R^{d\times N},

so :math:`\mathcal F_{NT,N}(W) = \{c + x^\top S x : S \in \mathcal T(W)\}` with
:math:`\mathcal T(W) = \{W A^\top + A W^\top\}`. Let :math:`P` be the orthogonal projection onto
:math:`\operatorname{span}(W)` (the span of the actual columns; its dimension is the numerical rank
``r`` of W, as :func:`numpy.linalg.matrix_rank` decides it) and :math:`P_\perp = I - P`. Then

.. math::

    \mathcal T(W) = \{S = S^\top : P_\perp S P_\perp = 0\}.

*Proof.* :math:`P_\perp W = 0` gives ⊆. Conversely, if :math:`P_\perp S P_\perp = 0` then
:math:`S = PS + SP - PSP`, and :math:`A = (I - P/2) S (W^+)^\top` gives
:math:`WA^\top + AW^\top = PS(I-P/2) + (I-P/2)SP = PS + SP - PSP` (using :math:`WW^+ = P`). ∎
Hence :math:`\dim\mathcal T = rd - r(r-1)/2` (``= Nd − N(N−1)/2`` for full column rank), and
:math:`\mathcal T` is the Frobenius-orthogonal complement, in the symmetric matrices, of
:math:`\{P_\perp M P_\perp\}`; the orthogonal projection onto it is
:math:`P_{\mathcal T}(M) = M - P_\perp M P_\perp`.

qf (Gaussian x, :math:`f_* = b_0 + x^\top B x`)
-----------------------------------------------
By Isserlis, :math:`E[(m + x^\top M x)(m' + x^\top M' x)] =
(m + \operatorname{Tr}M)(m' + \operatorname{Tr}M') + 2\operatorname{Tr}(MM')`. With
:math:`E = B - S`, the risk of :math:`c + x^\top S x` is
:math:`(b_0 - c + \operatorname{Tr}E)^2 + 2\|E\|_F^2`.

* With the offset c (eq. (3)): c kills the first term, and the closest point of
  :math:`B + \mathcal T` to 0 is :math:`P_\perp B P_\perp`, so
  :math:`R_{NT} = 2\|P_\perp B P_\perp\|_F^2`.
* Without it (the poster's class): write :math:`E = P_\perp B P_\perp + T'`,
  :math:`T' \in \mathcal T`.
  Since :math:`P \in \mathcal T` and :math:`\langle T', P_\perp\rangle = 0`,
  :math:`\operatorname{Tr}T' = \langle T', P\rangle` and the least :math:`\|T'\|_F^2` with trace t is
  :math:`t^2/r`. Minimising :math:`(a + t)^2 + 2t^2/r` over t gives

  .. math:: R_{NT}^{\text{no }c} = 2\|P_\perp B P_\perp\|_F^2 + \frac{2 a^2}{r + 2},
            \qquad a = b_0 + \operatorname{Tr}(P_\perp B P_\perp).

Expectation over W
------------------
See :mod:`lazysym.nt.haar` (the Haar moments of the random projection).

mg (x | y = ±1 ~ N(0, Σ ∓ Δ))
-----------------------------
For :math:`g = x^\top S x`: :math:`E[y g] = -\operatorname{Tr}(S\Delta)` and
:math:`\operatorname{Cov}(g, g') = \operatorname{Tr}(S\Delta)\operatorname{Tr}(S'\Delta) +
2\operatorname{Tr}(S\Sigma S'\Sigma) + 2\operatorname{Tr}(S\Delta S'\Delta)` (condition on y, apply
Isserlis, average). With the offset free, the risk of :math:`c + g` is
:math:`1 + 2\operatorname{Tr}(S\Delta) + \operatorname{Cov}(g, g)`. Whitening
:math:`\tilde S = \Sigma^{1/2} S \Sigma^{1/2}` maps :math:`\mathcal T(W)` onto
:math:`\mathcal T(\Sigma^{1/2}W)` and the risk to
:math:`1 + 2\langle\tilde S, u\rangle + \langle\tilde S, u\rangle^2 + \langle \tilde S, K\tilde S\rangle`,
:math:`u = P_{\mathcal T}\tilde\Delta`,
:math:`K = 2P_{\mathcal T}(\tilde S + \tilde\Delta\tilde S\tilde\Delta)`.
The normal equations :math:`(K + uu^\top)\tilde S = -u` and Sherman–Morrison give exactly

.. math:: R_{NT} = \frac{1}{1 + s},\qquad s = \langle u, K^{-1} u\rangle,

and K is positive definite on :math:`\mathcal T` (its quadratic form is
:math:`E_y\operatorname{Var}(g\mid y)`), with spectrum in
:math:`2[1 - \|\tilde\Delta\|_{op}^2, 1 + \|\tilde\Delta\|_{op}^2]`; one conjugate-gradient
solve does it. Dropping the :math:`\tilde\Delta\tilde S\tilde\Delta` term (relative size
:math:`\|\tilde\Delta\|_{op}^2 = O(1/d)` under M2) gives :math:`s = \|P_{\mathcal T}\tilde\Delta\|_F^2/2`,
i.e. the first display of Theorem 5.
"""

from __future__ import annotations

from typing import Any, Literal, cast, overload

import numpy as np
from numpy.typing import ArrayLike

from lazysym._linalg import sigma_factors
from lazysym._validate import (
    as_mixture,
    as_real,
    as_symmetric,
    as_target,
    as_weights,
    positive_int,
)
from lazysym.errors import ConvergenceError, check
from lazysym.nt.certified import nt_risk_quadratic_certified
from lazysym.objects.models import GaussianMixture, QuadraticTarget

__all__ = ['span_projection', 'tangent_space_basis', 'nt_risk_quadratic', 'mixture_moments',
           'nt_risk_mixture', 'nt_risk_mixture_band']






def span_projection(W: ArrayLike) -> tuple[np.ndarray, int]:
    """An orthonormal basis U (d×d) adapted to span W, and the numerical rank r.

    ``U[:, :r]`` spans the column space of W, ``U[:, r:]`` its orthogonal complement. The rank
    is decided as :func:`numpy.linalg.matrix_rank` does (singular values above
    ``s_max · max(d, N) · eps``): a rank-deficient W is treated through the span of its actual
    columns, which is what the NT class (3) sees. Computed by a Householder QR followed by the
    SVD of the small triangular factor (same singular values as W, backward stable), which is
    much cheaper than an SVD of W when N ≫ d.
    """
    W = as_weights(W)
    d, N = W.shape
    if N <= d:
        Q, R = np.linalg.qr(W, mode="complete")
        Ur, s, _ = np.linalg.svd(R[:N], full_matrices=True)
        U = np.hstack([Q[:, :N] @ Ur, Q[:, N:]])
    else:
        # Wᵀ = Q R, so span W = span Rᵀ. mode="r" returns R alone; numpy's stubs type every
        # mode as the (Q, R) pair
        R = cast(np.ndarray, np.linalg.qr(W.T, mode="r"))
        U, s, _ = np.linalg.svd(R.T, full_matrices=True)
    smax = float(s[0]) if s.size else 0.0
    r = int(np.sum(s > smax * max(d, N) * np.finfo(float).eps)) if smax > 0 else 0
    return U, r


def tangent_space_basis(W: ArrayLike) -> np.ndarray:
    r"""An explicit (redundant) spanning set of :math:`\mathcal T(W)`: the N·d matrices
    :math:`w_i e_j^\top + e_j w_i^\top`, stacked as an array of shape (N·d, d, d).

    Used by the brute-force checks (tests); the library itself works with the projection.
    """
    W = as_weights(W)
    d, N = W.shape
    E = np.zeros((N, d, d, d))
    for i in range(N):
        for j in range(d):
            E[i, j, :, j] += W[:, i]
            E[i, j, j, :] += W[:, i]
    return E.reshape(N * d, d, d)


@overload
def nt_risk_quadratic(W: ArrayLike, target: QuadraticTarget, *, offset: bool = ...,
                      certified: Literal[False] = ..., dps: int = ...) -> float: ...
@overload
def nt_risk_quadratic(W: ArrayLike, target: QuadraticTarget, *, offset: bool = ...,
                      certified: Literal[True], dps: int = ...) -> Any: ...
def nt_risk_quadratic(W: ArrayLike, target: QuadraticTarget, *, offset: bool = True,
                      certified: bool = False, dps: int = 30) -> float | Any:
    r"""Exact NT risk for the quadratic target, σ(x) = x² (eq. (3), (4); §2.2).

    .. math::

        R_{NT,N}(f_*) = 2\|P_\perp B P_\perp\|_F^2 \quad(\text{offset}),\qquad
        R^{\text{no }c}_{NT,N}(f_*) = 2\|P_\perp B P_\perp\|_F^2
            + \frac{2\,(b_0 + \operatorname{Tr}P_\perp B P_\perp)^2}{r + 2} \quad(\text{poster}),

    with :math:`P_\perp` the projection orthogonal to span W and r = rank W (see the module
    docstring for the derivation).

    Parameters
    ----------
    W:
        First-layer weights, d×N (neurons are the columns). Any finite W is accepted: a
        rank-deficient W is handled through the span of its actual columns; N ≥ d with full row
        rank gives 0 (offset) since the class then contains every quadratic form.
    target:
        A :class:`~lazysym.objects.models.QuadraticTarget` (or a symmetric matrix B, taken centred).
    offset:
        ``True``: the class (3) with the free constant c. ``False``: the poster's class without c.
    certified : bool
        ``True``: a ``flint.arb`` ball containing the exact risk of the binary W and B as given
        (exact rank; :func:`lazysym.nt.certified.nt_risk_quadratic_certified`), ``dps`` digits.
    dps : int
        Correct digits of the certified ball.

    Returns
    -------
    float (or flint.arb with ``certified=True``)
        The raw risk :math:`E[(f_* - \hat f)^2]` (divide by ``target.norm2`` to normalise).
    """
    target = as_target(target)
    W = as_weights(W, target.d)
    check(isinstance(offset, (bool, np.bool_)), f"offset must be a bool; got {offset!r}",
          assumption="offset flag")
    check(isinstance(certified, (bool, np.bool_)), f"certified must be a bool; got {certified!r}",
          assumption="certified flag")
    if certified:
        return nt_risk_quadratic_certified(W, target, offset=bool(offset), dps=dps)
    U, r = span_projection(W)
    Uo = U[:, r:]
    C = Uo.T @ target.B @ Uo  # P⊥ B P⊥ in the basis of span(W)^⊥
    risk = 2.0 * float(np.sum(C * C))
    if not offset:
        a = target.b0 + float(np.trace(C))
        risk += 2.0 * a * a / (r + 2)
    return risk


def mixture_moments(S: ArrayLike, mixture: GaussianMixture) -> dict[str, float]:
    r"""Exact moments of :math:`g = x^\top S x` under the mixture (§3): ``mean`` = Tr(SΣ),
    ``cov_y`` = E[y g] = −Tr(SΔ), ``var`` = Tr(SΔ)² + 2Tr(SΣSΣ) + 2Tr(SΔSΔ).
    """
    mixture = as_mixture(mixture)
    S = as_symmetric(S, "S")
    check(S.shape == mixture.Sigma.shape, f"S must be d×d with d = {mixture.d}; got {S.shape}",
          assumption="S shape")
    Sg, Dl = mixture.Sigma, mixture.Delta
    tSD = float(np.sum(S * Dl))
    SS, SD = S @ Sg, S @ Dl
    return {"mean": float(np.sum(S * Sg)), "cov_y": -tSD,
            "var": tSD ** 2 + 2.0 * float(np.sum(SS * SS.T)) + 2.0 * float(np.sum(SD * SD.T))}




def _whitened(W, mixture):
    mixture = as_mixture(mixture)
    W = as_weights(W, mixture.d)
    sq, Dt = sigma_factors(mixture.Sigma, mixture.Delta)
    U, r = span_projection(sq @ W)
    Dt = U.T @ Dt @ U
    return (Dt + Dt.T) / 2, r


def nt_risk_mixture(W: ArrayLike, mixture: GaussianMixture, *, tol: float = 1e-12,
                    maxiter: int | None = None) -> float:
    r"""Exact NT risk :math:`R_{NT,N}(\mathbb P_{\Sigma,\Delta}) =
    \min_{f\in\mathcal F_{NT,N}(W)} E(y - f(x))^2` for the Gaussian mixture, σ(x) = x², every
    term included (§3.2, the exact counterpart of Theorem 5).

    .. math:: R_{NT} = \frac{1}{1 + s},\qquad s = \langle u, K^{-1}u\rangle,\quad
              u = P_{\mathcal T}\tilde\Delta,\quad
              K\tilde S = 2P_{\mathcal T}(\tilde S + \tilde\Delta\tilde S\tilde\Delta),

    in the whitened coordinates of the module docstring (the rank-one part Tr(SΔ)Δ of the normal
    equations is inverted exactly by Sherman–Morrison). K is solved matrix-free by conjugate
    gradients on the tangent space, in a basis adapted to span(Σ^{1/2}W) so that
    :math:`P_{\mathcal T}` zeroes one block.

    Parameters
    ----------
    W:
        d×N weights (any finite W; rank-deficient W uses the span of its actual columns).
    mixture:
        :class:`~lazysym.objects.models.GaussianMixture` (M1; Σ ∓ Δ ≻ 0).
    tol:
        CG stops when ‖residual‖_F ≤ tol·‖u‖_F. The error in s is then at most
        ‖residual‖²/λ_min(K) (CG converges monotonically in the K-norm), i.e. relative error
        ≲ tol²/(1 − ‖Δ̃‖²_op).
    maxiter:
        CG iteration cap (default dim 𝒯 + 10); exceeding it raises
        :class:`~lazysym.errors.ConvergenceError`.

    Returns
    -------
    float
        The risk, in (0, 1] (the trivial predictor f = 0 has risk E y² = 1).
    """
    tol = as_real(tol, "tol")
    check(0 < tol < 1, f"tol must be in (0, 1); got {tol}", assumption="tol ∈ (0, 1)")
    Dt, r = _whitened(W, mixture)
    d = Dt.shape[0]
    dimT = r * d - r * (r - 1) // 2
    if maxiter is None:
        maxiter = dimT + 10
    maxiter = positive_int(maxiter, "maxiter")

    def proj(M):
        if r < d:
            M = M.copy()
            M[r:, r:] = 0.0
        return M

    u = proj(Dt)
    unorm = float(np.sqrt(np.sum(u * u)))
    if unorm == 0.0:  # Δ̃ ⟂ 𝒯 (e.g. Δ = 0 or r = 0): the class cannot beat the constant
        return 1.0

    def apply_A(S):  # A = K/2 on 𝒯
        return S + proj(Dt @ S @ Dt)

    x = np.zeros_like(u)
    res = u.copy()
    p = res.copy()
    rs = float(np.sum(res * res))
    it = 0
    while np.sqrt(rs) > tol * unorm:
        if it >= maxiter:
            raise ConvergenceError("conjugate gradients on the NT tangent space did not converge",
                                   diagnostics={"iterations": it, "residual": np.sqrt(rs) / unorm,
                                                "tol": tol},
                                   fix="raise maxiter or tol (‖Δ̃‖_op close to 1 is ill-conditioned)")
        Ap = apply_A(p)
        alpha = rs / float(np.sum(p * Ap))
        x += alpha * p
        res -= alpha * Ap
        rs_new = float(np.sum(res * res))
        p = res + (rs_new / rs) * p
        rs = rs_new
        it += 1
    s = float(np.sum(u * x)) / 2.0  # ⟨u, K⁻¹u⟩ with K = 2A
    return 1.0 / (1.0 + s)


def nt_risk_mixture_band(W: ArrayLike, mixture: GaussianMixture) -> dict[str, float]:
    r"""A rigorous band for the exact NT mixture risk around its leading part (§3.2).

    In the notation of the module docstring, :math:`R_{NT} = 1/(1+s)`,
    :math:`s = \langle u, (2A)^{-1}u\rangle` with :math:`A = I + M` on :math:`\mathcal T`,
    :math:`\langle S, MS\rangle = \operatorname{Tr}(S\tilde\Delta S\tilde\Delta)`. By Cauchy–Schwarz
    :math:`|\operatorname{Tr}(S\tilde\Delta S\tilde\Delta)| \le \|S\tilde\Delta\|_F^2 \le
    \varepsilon\|S\|_F^2`, :math:`\varepsilon = \|\tilde\Delta\|_{op}^2 < 1`, so the spectrum of A
    lies in [1 − ε, 1 + ε] and

    .. math:: \frac{s_0}{1+\varepsilon} \le s \le \frac{s_0}{1-\varepsilon},\qquad
              s_0 = \tfrac12\|u\|_F^2 = \tfrac12\big(\|\tilde\Delta\|_F^2
                    - \|P_\perp\tilde\Delta P_\perp\|_F^2\big),

    hence :math:`R_{NT} \in [1/(1 + s_0/(1-\varepsilon)),\ 1/(1 + s_0/(1+\varepsilon))]`, a band
    of width :math:`O(\varepsilon) = O(1/d)` under M2 around the leading part :math:`1/(1+s_0)`.

    Returns ``{"s0", "eps", "leading", "lower", "upper"}`` (float64; the band is exact, its
    evaluation carries float64 round-off ~1e-15).
    """
    Dt, r = _whitened(W, mixture)
    d = Dt.shape[0]
    Pp = Dt[r:, r:] if r < d else np.zeros((0, 0))
    s0 = 0.5 * (float(np.sum(Dt * Dt)) - float(np.sum(Pp * Pp)))
    eps = float(np.max(np.abs(np.linalg.eigvalsh(Dt)))) ** 2
    check(eps < 1, f"the band needs ‖Δ̃‖²_op < 1 (Σ ± Δ ≻ 0); got {eps:.6g}",
          assumption="M1/M2 (valid covariances)")
    return {"s0": s0, "eps": eps, "leading": 1.0 / (1.0 + s0),
            "lower": 1.0 / (1.0 + s0 / (1.0 - eps)), "upper": 1.0 / (1.0 + s0 / (1.0 + eps))}


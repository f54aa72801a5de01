r"""The neural-tangent (NT) model with quadratic activation, exactly at finite d and asymptotically.

Paper: §1 eq. (3) (the class), §2.2 Theorem 2 (qf), §3.2 Theorem 5 (mg), eq. (13) and (17) (NT rows).

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
---------------------------------------------
By Isserlis, :math:`E[(m + x^\top M x)(m' + x^\top M' x)] = (m + \operatorname{Tr}M)(m' + \operatorname{Tr}M')
+ 2\operatorname{Tr}(MM')`. With :math:`E = B - S`, the risk of :math:`c + x^\top S x` is
:math:`(b_0 - c + \operatorname{Tr}E)^2 + 2\|E\|_F^2`.

* With the offset c (eq. (3)): c kills the first term, and the closest point of
  :math:`B + \mathcal T` to 0 is :math:`P_\perp B P_\perp`, so :math:`R_{NT} = 2\|P_\perp B P_\perp\|_F^2`.
* Without it (the poster's class): write :math:`E = P_\perp B P_\perp + T'`, :math:`T' \in \mathcal T`.
  Since :math:`P \in \mathcal T` and :math:`\langle T', P_\perp\rangle = 0`,
  :math:`\operatorname{Tr}T' = \langle T', P\rangle` and the least :math:`\|T'\|_F^2` with trace t is
  :math:`t^2/r`. Minimising :math:`(a + t)^2 + 2t^2/r` over t gives

  .. math:: R_{NT}^{\text{no }c} = 2\|P_\perp B P_\perp\|_F^2 + \frac{2 a^2}{r + 2},
            \qquad a = b_0 + \operatorname{Tr}(P_\perp B P_\perp).

Expectation over W (i.i.d. columns N(0, I_d/d), N < d)
-------------------------------------------------------
The law of W is invariant under W → QW, so span W is a uniformly (Haar) random N-plane and W has
rank N a.s. For a Haar projection P of rank k, :math:`B\mapsto E\operatorname{Tr}(PBPB)` and
:math:`B \mapsto E\operatorname{Tr}(PB)^2` are O(d)-invariant quadratic forms on symmetric matrices,
hence combinations of :math:`\operatorname{Tr}(B)^2` and :math:`\operatorname{Tr}(B^2)` (the symmetric
matrices split into the two irreducible pieces R·I and the traceless ones). The two coefficients
follow from B = I (Tr P = k) and B = vvᵀ (:math:`v^\top P v \sim \mathrm{Beta}(k/2, (d-k)/2)`,
:math:`E(v^\top Pv)^2 = k(k+2)/(d(d+2))`):

.. math::

    E\operatorname{Tr}(PBPB) = \alpha_k \operatorname{Tr}(B)^2 + \beta_k\operatorname{Tr}(B^2),\quad
    \alpha_k = \frac{k(d-k)}{d(d-1)(d+2)},\quad \beta_k = \frac{k(kd + d - 2)}{d(d-1)(d+2)},

    E\operatorname{Tr}(PB)^2 = \gamma_k\operatorname{Tr}(B)^2 + \delta_k\operatorname{Tr}(B^2),\quad
    \gamma_k = \frac{k(k(d+1) - 2)}{d(d-1)(d+2)},\quad \delta_k = \frac{2k(d-k)}{d(d-1)(d+2)}.

With k = d − N for :math:`P_\perp`, :math:`E R_{NT} = 2(\alpha_{d-N}\operatorname{Tr}(B)^2 +
\beta_{d-N}\|B\|_F^2)`; for N ≥ d it is 0 a.s. As N/d → ρ < 1 the normalised value tends to
:math:`(1-\rho)^2 + \rho(1-\rho)\,\mathrm{Tr}(B)^2/(d\|B\|_F^2)`, which is Theorem 2.

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
:math:`u = P_{\mathcal T}\tilde\Delta`, :math:`K = 2P_{\mathcal T}(\tilde S + \tilde\Delta\tilde S\tilde\Delta)`.
The normal equations :math:`(K + uu^\top)\tilde S = -u` and Sherman–Morrison give exactly

.. math:: R_{NT} = \frac{1}{1 + s},\qquad s = \langle u, K^{-1} u\rangle,

and K is positive definite on :math:`\mathcal T` (its quadratic form is :math:`E_y\operatorname{Var}(g\mid y)`),
with spectrum in :math:`2[1 - \|\tilde\Delta\|_{op}^2, 1 + \|\tilde\Delta\|_{op}^2]`; one conjugate-gradient
solve does it. Dropping the :math:`\tilde\Delta\tilde S\tilde\Delta` term (relative size
:math:`\|\tilde\Delta\|_{op}^2 = O(1/d)` under M2) gives :math:`s = \|P_{\mathcal T}\tilde\Delta\|_F^2/2`,
i.e. the first display of Theorem 5.
"""

from __future__ import annotations

import numbers
from fractions import Fraction

import mpmath
import numpy as np

from ._validate import as_mpf, as_real, as_symmetric, as_weights, check_dps, positive_int
from .errors import ConvergenceError, check
from .models import GaussianMixture, QuadraticTarget

__all__ = [
    "tangent_space_basis", "span_projection", "nt_risk_quadratic", "haar_projection_moments",
    "nt_expected_risk_quadratic", "trace_ratio", "theorem2_risk", "theorem2_bound",
    "nt_limit_no_offset", "theorem2_limit_symbolic", "mixture_moments", "nt_risk_mixture",
    "theorem5_risk", "theorem5_kappa", "theorem5_kappa_risk", "theorem5_risk_rho_ge_1",
]


# --------------------------------------------------------------------------------------------
# input helpers (private)
# --------------------------------------------------------------------------------------------

def _as_target(target) -> QuadraticTarget:
    """A :class:`QuadraticTarget`; a bare matrix B is taken as the centred target (b₀ = −Tr B)."""
    if isinstance(target, QuadraticTarget):
        return target
    return QuadraticTarget(target)


def _as_mixture(mixture) -> GaussianMixture:
    check(isinstance(mixture, GaussianMixture),
          f"mixture must be a lazysym.models.GaussianMixture; got {type(mixture).__name__}",
          assumption="mg model (M1)", fix="build GaussianMixture(Sigma, Delta)")
    return mixture


def _rho(rho):
    """ρ validated; returned as given (a Fraction, string or mpf stays exact for mpmath)."""
    with mpmath.workdps(30):
        v = as_mpf(rho, "ρ")
    check(v > 0, f"ρ = N/d must be positive; got {rho}", assumption="ρ ∈ (0, ∞)")
    return rho


def _ratio(ratio):
    """Tr(B)²/(d‖B‖²_F) validated; returned as given, clipped to [0, 1] only if outside."""
    with mpmath.workdps(30):
        v = as_mpf(ratio, "Tr(B)²/(d‖B‖²_F)")
    # Cauchy–Schwarz: Tr(B)² ≤ d‖B‖²_F, so the ratio lies in [0, 1] (round-off allowance 1e-12).
    check(-1e-12 <= v <= 1 + 1e-12,
          f"the ratio Tr(B)²/(d‖B‖²_F) lies in [0, 1] by Cauchy–Schwarz; got {ratio}",
          assumption="Tr(B)² ≤ d‖B‖²_F")
    return 0 if v < 0 else 1 if v > 1 else ratio


def span_projection(W) -> tuple[np.ndarray, int]:
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
        R = np.linalg.qr(W.T, mode="r")  # Wᵀ = Q R, so span W = span Rᵀ
        U, s, _ = np.linalg.svd(R.T, full_matrices=True)
    smax = float(s[0]) if s.size else 0.0
    r = int(np.sum(s > smax * max(d, N) * np.finfo(float).eps)) if smax > 0 else 0
    return U, r


def tangent_space_basis(W) -> np.ndarray:
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


# --------------------------------------------------------------------------------------------
# qf: exact risk at finite d
# --------------------------------------------------------------------------------------------

def nt_risk_quadratic(W, target, *, offset: bool = True) -> float:
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
        A :class:`~lazysym.models.QuadraticTarget` (or a symmetric matrix B, taken centred).
    offset:
        ``True``: the class (3) with the free constant c. ``False``: the poster's class without c.

    Returns
    -------
    float
        The raw risk :math:`E[(f_* - \hat f)^2]` (divide by ``target.norm2`` to normalise).
    """
    target = _as_target(target)
    W = as_weights(W, target.d)
    check(isinstance(offset, (bool, np.bool_)), f"offset must be a bool; got {offset!r}",
          assumption="offset flag")
    U, r = span_projection(W)
    Uo = U[:, r:]
    C = Uo.T @ target.B @ Uo  # P⊥ B P⊥ in the basis of span(W)^⊥
    risk = 2.0 * float(np.sum(C * C))
    if not offset:
        a = target.b0 + float(np.trace(C))
        risk += 2.0 * a * a / (r + 2)
    return risk


def haar_projection_moments(d: int, k: int) -> dict[str, Fraction]:
    r"""Exact coefficients for a uniformly random rank-k orthogonal projection P in R^d.

    .. math::

        E\operatorname{Tr}(PBPB) = \alpha\operatorname{Tr}(B)^2 + \beta\operatorname{Tr}(B^2),\qquad
        E\operatorname{Tr}(PB)^2 = \gamma\operatorname{Tr}(B)^2 + \delta\operatorname{Tr}(B^2)

    for every symmetric B (derivation in the module docstring). Returns the rationals
    ``{"alpha", "beta", "gamma", "delta"}``; k = 0 and k = d are the deterministic cases.
    """
    d = positive_int(d, "d")
    check(isinstance(k, numbers.Integral) and 0 <= int(k) <= d,
          f"the rank k must be an integer in [0, d = {d}]; got {k!r}", assumption="0 ≤ k ≤ d")
    k = int(k)
    if k == 0:
        return {"alpha": Fraction(0), "beta": Fraction(0), "gamma": Fraction(0), "delta": Fraction(0)}
    if k == d:  # P = I
        return {"alpha": Fraction(0), "beta": Fraction(1), "gamma": Fraction(1), "delta": Fraction(0)}
    den = d * (d - 1) * (d + 2)
    return {"alpha": Fraction(k * (d - k), den), "beta": Fraction(k * (k * d + d - 2), den),
            "gamma": Fraction(k * (k * (d + 1) - 2), den), "delta": Fraction(2 * k * (d - k), den)}


def nt_expected_risk_quadratic(target, N: int, *, offset: bool = True) -> float:
    r"""Exact :math:`E_W[R_{NT,N}(f_*)]` over W with i.i.d. columns N(0, I_d/d), at finite d.

    .. math::

        E_W R_{NT,N} = 2\big(\alpha_{d-N}\operatorname{Tr}(B)^2 + \beta_{d-N}\|B\|_F^2\big)
        \quad (N < d), \qquad 0 \quad (N \ge d),

    with the Haar coefficients of :func:`haar_projection_moments` (derivation in the module
    docstring). With ``offset=False`` (the poster's class) the extra term
    :math:`2E[a^2]/(N+2)`, :math:`a = m - \operatorname{Tr}(PB)`, m = E f*, is added, using
    :math:`E\operatorname{Tr}(PB) = (N/d)\operatorname{Tr}B` and the γ, δ moments; for N ≥ d it is
    :math:`2b_0^2/(d+2)` a.s.

    Returns the raw risk (divide by ``target.norm2`` for Theorem 2's normalisation).
    """
    target = _as_target(target)
    N = positive_int(N, "N")
    d = target.d
    B = target.B
    t2 = float(np.trace(B)) ** 2
    f2 = float(np.sum(B * B))
    if N >= d:
        return 0.0 if offset else 2.0 * target.b0 ** 2 / (d + 2)
    mo = haar_projection_moments(d, d - N)
    risk = 2.0 * (float(mo["alpha"]) * t2 + float(mo["beta"]) * f2)
    if not offset:
        mp = haar_projection_moments(d, N)
        m = target.mean
        ea2 = (m * m - 2.0 * m * (N / d) * float(np.trace(B))
               + float(mp["gamma"]) * t2 + float(mp["delta"]) * f2)
        risk += 2.0 * ea2 / (N + 2)
    return risk


# --------------------------------------------------------------------------------------------
# qf: the printed asymptotic formulas (Theorem 2)
# --------------------------------------------------------------------------------------------

def trace_ratio(B, *, name: str = "B") -> float:
    r""":math:`\operatorname{Tr}(B)^2/(d\|B\|_F^2) \in [0, 1]` (Theorem 2, eq. (13); κ of Theorem 5 with
    B = Δ); B ≠ 0. ``name`` labels the matrix in error messages."""
    if isinstance(B, QuadraticTarget):
        B = B.B
    B = as_symmetric(B, name)
    f2 = float(np.sum(B * B))
    check(f2 > 0, f"Tr({name})²/(d‖{name}‖²_F) needs {name} ≠ 0 (the normalisation vanishes)",
          assumption=f"{name} ≠ 0")
    return float(np.trace(B)) ** 2 / (B.shape[0] * f2)


def theorem2_risk(rho, ratio, *, dps: int = 30):
    r"""Theorem 2 (§2.2) as printed: the limit of :math:`E[R_{NT,N}(f_*)]/\|f_*\|^2_{L^2}`.

    .. math:: (1-\rho)_+^2\Big(1 - \frac{\operatorname{Tr}(B)^2}{d\|B\|_F^2}\Big)
              + (1-\rho)_+ \frac{\operatorname{Tr}(B)^2}{d\|B\|_F^2}

    Parameters
    ----------
    rho: N/d > 0.  ratio: Tr(B)²/(d‖B‖²_F) ∈ [0, 1].  dps: mpmath digits.

    Returns an :class:`mpmath.mpf` (normalised risk; assumes E f* = 0 as Theorem 2 does).
    """
    rho, ratio, dps = _rho(rho), _ratio(ratio), check_dps(dps)
    with mpmath.workdps(dps + 5):
        p = max(mpmath.mpf(1) - as_mpf(rho, 'ρ'), mpmath.mpf(0))
        r = as_mpf(ratio, 'ratio')
        val = p ** 2 * (1 - r) + p * r
    with mpmath.workdps(dps):
        return +val


def theorem2_bound(rho, *, dps: int = 30):
    r"""The remark after Theorem 2: :math:`E[R_{NT}] \le (1-\rho)_+\|f_*\|^2 + o(1)` (normalised bound)."""
    rho, dps = _rho(rho), check_dps(dps)
    with mpmath.workdps(dps + 5):
        val = max(mpmath.mpf(1) - as_mpf(rho, 'ρ'), mpmath.mpf(0))
    with mpmath.workdps(dps):
        return +val


def nt_limit_no_offset(rho, ratio, *, dps: int = 30):
    r"""Limit of :math:`E[R^{\text{no }c}_{NT}]/\|f_*\|^2` for the poster's class (no offset), centred f*.

    Derived here (not printed anywhere): the limit of :func:`nt_expected_risk_quadratic` with
    ``offset=False`` is Theorem 2's value plus :math:`\min(\rho, 1)\operatorname{Tr}(B)^2/(d\|B\|_F^2)`,

    .. math:: (1-\rho)_+^2 + \rho(1-\rho)_+ r + \min(\rho, 1)\, r, \qquad r = \frac{\operatorname{Tr}(B)^2}{d\|B\|_F^2},

    because :math:`2E[\operatorname{Tr}(PB)^2]/(N+2) \to 2\min(\rho,1)\operatorname{Tr}(B)^2/d`.
    """
    rho, ratio, dps = _rho(rho), _ratio(ratio), check_dps(dps)
    with mpmath.workdps(dps + 5):
        rh, r = as_mpf(rho, 'ρ'), as_mpf(ratio, 'ratio')
        p = max(1 - rh, mpmath.mpf(0))
        val = p ** 2 + rh * p * r + min(rh, mpmath.mpf(1)) * r
    with mpmath.workdps(dps):
        return +val


def theorem2_limit_symbolic():
    r"""SymPy: the limit d → ∞ (N = ρd, ρ < 1, Tr(B)² = r·d‖B‖²_F) of the exact normalised
    expectation built from the Haar moments — an independent derivation of Theorem 2's right side.

    Returns ``(limit, (rho, r))`` with SymPy symbols ρ and r.
    """
    import sympy as sp
    d, rho, r, F = sp.symbols("d rho r F", positive=True)
    k = (1 - rho) * d
    den = d * (d - 1) * (d + 2)
    alpha = k * (d - k) / den
    beta = k * (k * d + d - 2) / den
    expected = sp.cancel(sp.together(2 * (alpha * r * d * F + beta * F) / (2 * F)))
    num, den = sp.fraction(expected)
    num, den = sp.Poly(num, d), sp.Poly(den, d)
    # a rational function of d: with equal degrees its limit is the ratio of leading coefficients
    if num.degree() == den.degree():
        lim = num.LC() / den.LC()
    else:  # pragma: no cover - not reached for these moments
        lim = sp.limit(expected, d, sp.oo)
    return sp.simplify(lim), (rho, r)


# --------------------------------------------------------------------------------------------
# mg: exact risk at finite d
# --------------------------------------------------------------------------------------------

def mixture_moments(S, mixture) -> dict[str, float]:
    r"""Exact moments of :math:`g = x^\top S x` under the mixture (§3): ``mean`` = Tr(SΣ),
    ``cov_y`` = E[y g] = −Tr(SΔ), ``var`` = Tr(SΔ)² + 2Tr(SΣSΣ) + 2Tr(SΔSΔ)."""
    mixture = _as_mixture(mixture)
    S = as_symmetric(S, "S")
    check(S.shape == mixture.Sigma.shape, f"S must be d×d with d = {mixture.d}; got {S.shape}",
          assumption="S shape")
    Sg, Dl = mixture.Sigma, mixture.Delta
    tSD = float(np.sum(S * Dl))
    SS, SD = S @ Sg, S @ Dl
    return {"mean": float(np.sum(S * Sg)), "cov_y": -tSD,
            "var": tSD ** 2 + 2.0 * float(np.sum(SS * SS.T)) + 2.0 * float(np.sum(SD * SD.T))}


def _sigma_factors(mixture: GaussianMixture) -> tuple[np.ndarray, np.ndarray]:
    """(Σ^{1/2}, Δ̃ = Σ^{-1/2}ΔΣ^{-1/2}) with one eigendecomposition (none for diagonal Σ)."""
    Sg = mixture.Sigma
    if np.count_nonzero(Sg - np.diag(np.diag(Sg))) == 0:
        sq = np.sqrt(np.diag(Sg))
        return np.diag(sq), mixture.Delta / np.outer(sq, sq)
    ev, V = np.linalg.eigh(Sg)
    isq = (V / np.sqrt(ev)) @ V.T
    Dt = isq @ mixture.Delta @ isq
    return (V * np.sqrt(ev)) @ V.T, (Dt + Dt.T) / 2


def _whitened(W, mixture):
    mixture = _as_mixture(mixture)
    W = as_weights(W, mixture.d)
    sq, Dt = _sigma_factors(mixture)
    U, r = span_projection(sq @ W)
    Dt = U.T @ Dt @ U
    return (Dt + Dt.T) / 2, r


def nt_risk_mixture(W, mixture, *, tol: float = 1e-12, maxiter: int | None = None) -> float:
    r"""Exact NT risk :math:`R_{NT,N}(\mathbb P_{\Sigma,\Delta}) = \min_{f\in\mathcal F_{NT,N}(W)} E(y - f(x))^2`
    for the Gaussian mixture, σ(x) = x², every term included (§3.2, the exact counterpart of Theorem 5).

    .. math:: R_{NT} = \frac{1}{1 + s},\qquad s = \langle u, K^{-1}u\rangle,\quad
              u = P_{\mathcal T}\tilde\Delta,\quad K\tilde S = 2P_{\mathcal T}(\tilde S + \tilde\Delta\tilde S\tilde\Delta),

    in the whitened coordinates of the module docstring (the rank-one part Tr(SΔ)Δ of the normal
    equations is inverted exactly by Sherman–Morrison). K is solved matrix-free by conjugate
    gradients on the tangent space, in a basis adapted to span(Σ^{1/2}W) so that
    :math:`P_{\mathcal T}` zeroes one block.

    Parameters
    ----------
    W:
        d×N weights (any finite W; rank-deficient W uses the span of its actual columns).
    mixture:
        :class:`~lazysym.models.GaussianMixture` (M1; Σ ∓ Δ ≻ 0).
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


# --------------------------------------------------------------------------------------------
# mg: Theorem 5 as printed
# --------------------------------------------------------------------------------------------

def theorem5_risk(W, mixture) -> float:
    r"""Theorem 5, first display, for the given W (§3.2):

    .. math:: \frac{2}{2 + \|\tilde\Delta\|_F^2 - \|P_\perp\tilde\Delta P_\perp\|_F^2},\qquad
              P_\perp = I - \Sigma^{1/2}W(W^\top\Sigma W)^{-1}W^\top\Sigma^{1/2}.

    The printed :math:`(W^\top\Sigma W)^{-1}` exists only for W of full column rank (N ≤ d); it is
    used as printed then. Otherwise (N > d, or rank-deficient W) the projection perpendicular to
    span(Σ^{1/2}W) — what the text says P⊥ is — is used (P⊥ = 0 when that span is R^d).
    """
    mixture = _as_mixture(mixture)
    W = as_weights(W, mixture.d)
    d, N = W.shape
    Sh, Dt = _sigma_factors(mixture)
    G = W.T @ mixture.Sigma @ W
    if N <= d and np.linalg.matrix_rank(G) == N:
        SW = Sh @ W
        Pp = np.eye(d) - SW @ np.linalg.solve(G, SW.T)
    else:
        U, r = span_projection(Sh @ W)
        Pp = U[:, r:] @ U[:, r:].T
    C = Pp @ Dt @ Pp
    return 2.0 / (2.0 + float(np.sum(Dt * Dt)) - float(np.sum(C * C)))


def theorem5_kappa(rho, Delta, *, dps: int = 30):
    r"""κ(ρ, Δ) of Theorem 5 (second display):

    .. math:: \kappa = 1 - (1-\rho)_+^2\Big(1 - \frac{\operatorname{Tr}(\Delta)^2}{d\|\Delta\|_F^2}\Big)
              - (1-\rho)_+\frac{\operatorname{Tr}(\Delta)^2}{d\|\Delta\|_F^2}.
    """
    rho, dps = _rho(rho), check_dps(dps)
    ratio = trace_ratio(Delta, name="Δ")
    with mpmath.workdps(dps + 5):
        p = max(1 - as_mpf(rho, 'ρ'), mpmath.mpf(0))
        q = as_mpf(ratio, 'ratio')
        val = 1 - p ** 2 * (1 - q) - p * q
    with mpmath.workdps(dps):
        return +val


def theorem5_kappa_risk(rho, Delta, *, dps: int = 30):
    r"""Theorem 5, second display (Σ = I, w_i ~ N(0, I/d)): :math:`2/(2 + \kappa(\rho,\Delta)\|\Delta\|_F^2)`."""
    Dl = as_symmetric(Delta, "Δ")
    dps = check_dps(dps)
    with mpmath.workdps(dps + 5):
        k = theorem5_kappa(rho, Dl, dps=dps + 5)
        val = 2 / (2 + k * mpmath.mpf(float(np.sum(Dl * Dl))))
    with mpmath.workdps(dps):
        return +val


def theorem5_risk_rho_ge_1(Delta, *, dps: int = 30):
    r"""Theorem 5, ρ ≥ 1 (Σ = I): :math:`1/(1 + \|\Delta\|_F^2/2)`."""
    Dl = as_symmetric(Delta, "Δ")
    dps = check_dps(dps)
    with mpmath.workdps(dps + 5):
        val = 1 / (1 + mpmath.mpf(float(np.sum(Dl * Dl))) / 2)
    with mpmath.workdps(dps):
        return +val

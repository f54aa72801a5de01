r"""The Chizat–Bach lazy-training poster's printed bounds and limits, and a model that attains
the criterion :math:`\Delta \lesssim \tilde t^2\kappa_h(w_0)`.

Printed statements (transcribed once; :mod:`proofs_check.claims.chizat_bach` holds them against
exact flows):

* :func:`horizon_limit` — "Lazy Training Theorems": :math:`\lim_{\alpha\to\infty}\sup_t
  \|\alpha h(w_\alpha(t)) - \alpha\bar h(\bar w_\alpha(t))\| = 0` (finite horizon; infinite horizon
  "if R is strongly convex");
* :func:`kappa_bound` — "A sufficient criterion": :math:`\Delta \lesssim \tilde t^2\kappa_h(w_0)`;
* the width rate :math:`\kappa_{h_m}(w_0) \lesssim m^{-1/2} + (\alpha m)^{-1}` ("Case 3") is
  :func:`lazysym.nn.lazy.width_kappa_bound`.

A sharp model (:class:`QuadraticMap`)
-------------------------------------
The paper's quadratic network with :math:`h(w_0) = 0` never attains the criterion: for
:math:`h = c + x^\top WAW^\top x` the second derivative along the first gradient direction is
:math:`D^2h[u,u] \propto G\,S(W_0)\,G = 0` (:math:`S(W_0) = 0`), so Δ starts at order
:math:`\tilde t^3`. To check that "≲" is not vacuous (the bound is attained up to a constant, with
its exponents) we use the model :math:`h(w) = Aw + \tfrac12C(w,w)` on
:math:`\mathbb R^p \to \mathbb R^n`, :math:`C(u,v)_k = \sum_i D_{ki}u_iv_i`, with :math:`w_0 = 0`
(so :math:`h(w_0) = 0`), the square loss :math:`R(y) = \tfrac12\|y - y^*\|^2` and the scale α.
Then :math:`Dh(w_0) = A`, and :math:`\|D^2h\| = \max_i\|D_{:,i}\|` exactly (:math:`C(u,u) =
D(u\odot u)` and :math:`u\odot u` ranges over the simplex for :math:`\|u\| = 1`; a convex function
is maximal at a vertex). With :math:`v = \alpha w` the flow of :math:`F = R(\alpha h)/\alpha^2`
and its tangent are

.. math::

    \dot v = -(A + D\operatorname{diag}(v)/\alpha)^\top\big(Av + D(v\odot v)/(2\alpha) - y^*\big),
    \qquad \dot{\bar v} = -A^\top(A\bar v - y^*),

and :math:`\alpha h - \alpha\bar h = A(v - \bar v) + D(v\odot v)/(2\alpha)`. At small t,
:math:`v\approx\bar v\approx tu`, :math:`u = A^\top y^*`, and the gap is
:math:`\frac{t^2}{2\alpha}\big(C(u,u) + A\operatorname{diag}(u)D^\top y^*\big) + O(t^3)`.
:func:`sharp_quadratic_map` chooses A with top right singular vector :math:`e_1` and top left
singular vector :math:`\hat y = y^*/\|y^*\|`, and :math:`D_{:,1}` of maximal norm and orthogonal to
:math:`\hat y`: then :math:`\|u\| = \|A\|\|y^*\|`, :math:`C(u,u) = \|u\|^2D_{:,1}`, the second
term vanishes and :math:`\Delta/(\tilde t^2\kappa) \to 1/2` as :math:`\tilde t\to 0`, for every α.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from lazysym._ode import dopri
from lazysym._typing import SeedLike
from lazysym._validate import as_finite_array, as_generator, as_real, positive_int
from lazysym.errors import check
from lazysym.limits import check_limit

__all__ = ["horizon_limit", "kappa_bound", "QuadraticMap", "sharp_quadratic_map",
           "quadratic_map_gap"]


def horizon_limit(*_: object) -> float:
    r"""The poster's finite- and infinite-horizon limit
    :math:`\lim_{\alpha\to\infty}\sup_t\|\alpha h(w_\alpha(t)) - \alpha\bar h(\bar w_\alpha(t))\| = 0`
    (its value, 0, whatever the horizon or the model).
    """
    return 0.0


def kappa_bound(t_tilde: ArrayLike, kappa: float) -> np.ndarray:
    r"""The poster's criterion :math:`\Delta \lesssim \tilde t^2\cdot\kappa_h(w_0)` (the right side,
    constant 1), :math:`\tilde t = t\|Dh(w_0)\|^2`.
    """
    tt = as_finite_array(t_tilde, "t_tilde")
    kappa = as_real(kappa, "kappa")
    check(kappa >= 0, f"κ_h(w₀) ≥ 0 (a ratio of norms); got {kappa}", assumption="κ ≥ 0")
    with np.errstate(over="ignore"):
        out = tt ** 2 * kappa
    check(bool(np.all(np.isfinite(out))), "t̃²·κ overflows float64", assumption="finite result",
          fix="rescale t̃ or κ")
    return out


@dataclass(frozen=True)
class QuadraticMap:
    r""":math:`h(w) = Aw + \frac12 D(w\odot w)` from :math:`\mathbb R^p` to :math:`\mathbb R^n`, with
    the target :math:`y^*` (module docstring); :math:`w_0 = 0`.
    """

    A: np.ndarray
    D: np.ndarray
    y: np.ndarray

    def __post_init__(self) -> None:
        A = as_finite_array(self.A, "A", ndim=2, cap_dims=True)
        D = as_finite_array(self.D, "D", ndim=2, cap_dims=True)
        y = as_finite_array(self.y, "y", ndim=1, cap_dims=True)
        check(A.shape == D.shape and y.size == A.shape[0],
              f"A, D must be n×p and y of length n; got {A.shape}, {D.shape}, {y.size}",
              assumption="shapes")
        check(float(np.linalg.norm(y)) > 0, "y* must be non-zero", assumption="y* ≠ 0")
        object.__setattr__(self, "A", A)
        object.__setattr__(self, "D", D)
        object.__setattr__(self, "y", y)

    @property
    def dh_norm(self) -> float:
        """‖Dh(w₀)‖ = ‖A‖₂ (largest singular value)."""
        return float(np.linalg.norm(self.A, 2))

    @property
    def d2h_norm(self) -> float:
        """‖D²h‖ = max_i ‖D[:, i]‖ (exact; module docstring)."""
        return float(np.max(np.linalg.norm(self.D, axis=0)))

    def kappa(self, alpha: float) -> float:
        r""":math:`\kappa_{\alpha h}(w_0) = \|y^*\|\,\alpha\|D^2h\|/(\alpha^2\|Dh(w_0)\|^2)`
        (:math:`h(w_0) = 0`).
        """
        alpha = as_real(alpha, "alpha")
        check(alpha > 0, f"α must be > 0; got {alpha}", assumption="α > 0")
        return float(np.linalg.norm(self.y)) * self.d2h_norm / (alpha * self.dh_norm ** 2)


def sharp_quadratic_map(p: int, n: int, rng: SeedLike) -> QuadraticMap:
    r"""A random :class:`QuadraticMap` on which :math:`\Delta/(\tilde t^2\kappa)\to 1/2` as
    :math:`\tilde t \to 0` (construction in the module docstring); p, n ≥ 2.
    """
    p, n = positive_int(p, "p", cap="dimension"), positive_int(n, "n", cap="dimension")
    check(p >= 2 and n >= 2, f"p, n must be ≥ 2; got {p}, {n}", assumption="p, n ≥ 2")
    rng = as_generator(rng)
    U, _ = np.linalg.qr(rng.standard_normal((n, n)))
    V, _ = np.linalg.qr(rng.standard_normal((p, p)))
    V[:, 0] = 0.0
    V[0, 0] = 1.0
    V, _ = np.linalg.qr(V)                  # first column ±e₁
    V[:, 0] = np.abs(V[:, 0])
    k = min(n, p)
    s = np.sort(rng.uniform(0.3, 1.0, size=k))[::-1]
    s[0] = 1.0 + float(rng.uniform(0.2, 1.0))  # a strict top singular value
    A = (U[:, :k] * s) @ V[:, :k].T
    y = U[:, 0] * float(rng.uniform(0.5, 2.0))
    D = rng.standard_normal((n, p))
    D[:, 0] -= (D[:, 0] @ U[:, 0]) * U[:, 0]    # D[:, 0] ⊥ ŷ
    top = float(np.max(np.linalg.norm(D[:, 1:], axis=0)))
    D[:, 0] *= 1.5 * top / float(np.linalg.norm(D[:, 0]))   # the column of maximal norm
    return QuadraticMap(A, D, y)


def quadratic_map_gap(model: QuadraticMap, alpha: float, t_tilde: ArrayLike, *,
                      rtol: float = 1e-11, atol: float = 1e-14) -> np.ndarray:
    r"""Δ(t̃) = :math:`\|\alpha h(w_\alpha(t)) - \alpha\bar h(\bar w_\alpha(t))\|/\|y^*\|` at the
    normalised times :math:`\tilde t = t\|A\|^2` (increasing, > 0), by Dormand–Prince 5(4) on the
    joint system (module docstring) with local error ``atol + rtol·|y|``.
    """
    check(isinstance(model, QuadraticMap), "model must be a QuadraticMap", assumption="model")
    alpha = as_real(alpha, "alpha")
    check(alpha > 0, f"α must be > 0; got {alpha}", assumption="α > 0")
    tt = as_finite_array(t_tilde, "t_tilde", ndim=1)
    check(tt.size >= 1 and bool(np.all(np.diff(tt) > 0)) and tt[0] > 0,
          "t_tilde must be non-empty, increasing and > 0", assumption="times")
    check_limit("iterations", tt.size, "number of times t_tilde")
    rtol, atol = as_real(rtol, "rtol"), as_real(atol, "atol")
    check(rtol > 0 and atol >= 0, f"rtol must be > 0 and atol ≥ 0; got {rtol}, {atol}",
          assumption="tolerances")
    A, D, y = model.A, model.D, model.y
    p = A.shape[1]
    inv = 1.0 / alpha

    def rhs(z: np.ndarray) -> np.ndarray:
        v, vb = z[:p], z[p:]
        r = A @ v + inv * 0.5 * (D @ (v * v)) - y
        out = np.empty_like(z)
        out[:p] = -(A.T @ r + inv * v * (D.T @ r))
        out[p:] = -(A.T @ (A @ vb - y))
        return out

    _, Z, _ = dopri(rhs, np.zeros(2 * p), tt / model.dh_norm ** 2, rtol=rtol, atol=atol,
                    max_steps=200_000)
    v, vb = Z[:, :p], Z[:, p:]
    gap = (v - vb) @ A.T + inv * 0.5 * (v * v) @ D.T
    return np.linalg.norm(gap, axis=1) / math.sqrt(float(y @ y))

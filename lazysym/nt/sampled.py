r"""The NT model fitted by least squares on n samples (the right frames of Figures 1 and 2).

NT — least squares on n fresh samples over the NT class
:math:`\{c + x^\top S x: S\in\mathcal T(W)\}` (the NT features of σ(x) = x², see
:mod:`lazysym.nt.exact`), solved in S-space: in a basis adapted to span W the class has
p = r·d − r(r−1)/2 + 1 free coefficients (r = rank W) instead of N·d + 1 redundant ones. For
n < p the minimum-norm solution (Hermite-normalised coordinates) is returned, so the curve
shows the interpolation peak at n ≈ p. Small p: normal equations accumulated in chunks and an
eigendecomposition (pseudo-inverse); large p: matrix-free CGLS (conjugate gradients on the
normal equations), warm-started from the fit at the previous, smaller n (the samples are nested,
so the previous fit lies in the row space of the current Φ and the minimum-norm property is kept),
raising :class:`~lazysym.errors.ConvergenceError` with its diagnostics if it does not reach its
tolerance. The risk of the fit is exact (Isserlis, no test sample).

Samples of the (mg) model with diagonal Σ and Δ (the paper's §4 setting) are drawn as
:math:`x = \sqrt{\operatorname{diag}(\Sigma\mp\Delta)}\circ z`, O(d) per sample instead of the
O(d²) of a dense Cholesky factor.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable

import numpy as np
from numpy.typing import ArrayLike

from lazysym._typing import SeedLike
from lazysym._validate import as_generator, as_real, as_weights, nonnegative_int, positive_int
from lazysym.errors import ConvergenceError, check, check_type
from lazysym.limits import check_limit
from lazysym.nn.optimum import mixture_quadratic_risk
from lazysym.nt.exact import span_projection
from lazysym.objects.models import GaussianMixture, QuadraticTarget

__all__ = ['NTFeatures', 'NTLeastSquares', 'nt_least_squares', 'sample_model']


class NTFeatures:
    r"""Hermite-normalised coordinates of the NT class :math:`\{c + x^\top S x: S\in\mathcal T(W)\}`.

    With U adapted to span W (r = rank W) and z = Uᵀx: (z_a² − 1)/√2 (a < r), z_a z_b
    (a < b < r), z_a z_j (a < r ≤ j) and the constant 1 — orthonormal in L²(N(0, I)).
    """

    def __init__(self, W: ArrayLike) -> None:
        Wa = as_weights(W)
        with np.errstate(over="ignore"):
            check(bool(np.isfinite(np.sum(Wa * Wa))), "W has entries too large for float64 "
                  "arithmetic (‖W‖²_F overflows)", assumption="W finite", fix="rescale W")
        U, r = span_projection(Wa)
        self.U, self.r, self.d = U, r, U.shape[0]
        self.iu = np.triu_indices(r, 1)
        self.p = r + len(self.iu[0]) + r * (self.d - r) + 1

    def __call__(self, X: np.ndarray) -> np.ndarray:
        """The n×p feature matrix Φ for the rows of X (n×d)."""
        Z = X @ self.U
        Z1, Z2 = Z[:, :self.r], Z[:, self.r:]
        n = X.shape[0]
        parts = [(Z1 ** 2 - 1.0) / math.sqrt(2.0), Z1[:, self.iu[0]] * Z1[:, self.iu[1]],
                 (Z1[:, :, None] * Z2[:, None, :]).reshape(n, -1), np.ones((n, 1))]
        return np.hstack(parts)

    def rotate(self, X: np.ndarray) -> np.ndarray:
        """Z = Uᵀx for the rows of X (what :meth:`matvec` / :meth:`rmatvec` take)."""
        return X @ self.U

    def _split(self, theta):
        r, d = self.r, self.d
        m = len(self.iu[0])
        M = np.zeros((r, r))
        M[np.arange(r), np.arange(r)] = theta[:r] / math.sqrt(2.0)
        M[self.iu] = theta[r:r + m]
        C = theta[r + m:r + m + r * (d - r)].reshape(r, d - r)
        return M, C, float(theta[-1]) - float(np.sum(theta[:r])) / math.sqrt(2.0)

    def matvec(self, Z: np.ndarray, theta: np.ndarray) -> np.ndarray:
        """Φθ for rotated samples Z, without forming Φ: O(n·r·d)."""
        M, C, c0 = self._split(theta)
        # one GEMM: z₁ᵀ[M | C] against [z₁ | z₂] gives z₁ᵀMz₁ + z₁ᵀCz₂
        H = Z[:, :self.r] @ np.hstack([M, C])
        return np.einsum("ij,ij->i", H, Z) + c0

    def rmatvec(self, Z: np.ndarray, v: np.ndarray) -> np.ndarray:
        """Φᵀv for rotated samples Z, without forming Φ: O(n·r·d)."""
        r = self.r
        H = (v[:, None] * Z[:, :r]).T @ Z            # r×d: [Σ v z₁z₁ᵀ | Σ v z₁z₂ᵀ], one GEMM
        G = H[:, :r]
        sv = float(np.sum(v))
        return np.concatenate([(np.diag(G) - sv) / math.sqrt(2.0), G[self.iu],
                               H[:, r:].ravel(), [sv]])

    def to_quadratic(self, theta: np.ndarray) -> tuple[np.ndarray, float]:
        """Coefficients → (S, c) with f(x) = c + xᵀSx."""
        r, d = self.r, self.d
        St = np.zeros((d, d))
        k = 0
        diag = theta[k:k + r]
        St[np.arange(r), np.arange(r)] = diag / math.sqrt(2.0)
        k += r
        m = len(self.iu[0])
        St[self.iu] = theta[k:k + m] / 2.0
        St[(self.iu[1], self.iu[0])] = theta[k:k + m] / 2.0
        k += m
        off = theta[k:k + r * (d - r)].reshape(r, d - r) / 2.0
        St[:r, r:] = off
        St[r:, :r] = off.T
        k += r * (d - r)
        c = float(theta[k]) - float(np.sum(diag)) / math.sqrt(2.0)
        return self.U @ St @ self.U.T, c


def _as_model(model, context: str) -> QuadraticTarget | GaussianMixture:
    """A QuadraticTarget (qf) or a GaussianMixture (mg); anything else is an InputTypeError."""
    check_type(isinstance(model, (QuadraticTarget, GaussianMixture)), "model",
               f"a lazysym.QuadraticTarget or GaussianMixture ({context})", model)
    return model


def sample_model(model: QuadraticTarget | GaussianMixture, n: int,
                 rng: SeedLike) -> tuple[np.ndarray, np.ndarray]:
    r"""N i.i.d. pairs (x, y) of the model, ``(X (n×d), y (n,))``.

    The same law as ``model.sample``; when the model is diagonal (qf with diagonal B; mg with
    diagonal Σ and Δ, as in §4) it avoids the d×d factor: qf
    :math:`y = b_0 + \sum_a B_{aa}x_a^2`, mg :math:`x = \sqrt{\operatorname{diag}(\Sigma - y\Delta)}
    \circ z` — O(nd) instead of O(nd²). Other models fall back to ``model.sample``.
    n × d is at most ``LIMITS.samples`` (:mod:`lazysym.limits`).
    """
    model = _as_model(model, "sample_model")
    n = positive_int(n, "n (samples)", cap="samples")
    check_limit("samples", n * model.d, f"normal draws n × d = {n} × {model.d}")
    rng = as_generator(rng)
    if isinstance(model, QuadraticTarget):
        Bd = np.diag(model.B)
        if np.count_nonzero(model.B - np.diag(Bd)) == 0:
            X = rng.standard_normal((n, model.d))
            return X, model.b0 + (X * X) @ Bd
        return model.sample(n, rng)
    check(isinstance(model, GaussianMixture),
          f"model must be a QuadraticTarget or GaussianMixture; got {type(model).__name__}",
          assumption="model type")
    S, D = model.Sigma, model.Delta
    s, dl = np.diag(S), np.diag(D)
    if np.count_nonzero(S - np.diag(s)) or np.count_nonzero(D - np.diag(dl)):
        return model.sample(n, rng)
    y = rng.choice(np.array([-1.0, 1.0]), size=n)
    X = rng.standard_normal((n, model.d))
    X *= np.sqrt(s[None, :] - y[:, None] * dl[None, :])
    return X, y


class NTLeastSquares:
    """Diagnostics of :func:`nt_least_squares`: one entry per sample size.

    Attributes
    ----------
    ns, risks, p:
        Sample sizes, raw population risks of the fits, dimension of the NT class.
    iterations:
        CGLS iterations at each n (0 for the dense path).
    residuals:
        Relative normal-equation residual ‖Φᵀ(y − Φθ)‖/‖Φᵀy‖ reached at each n (CGLS path).
    method:
        ``"dense"`` (normal equations, eigendecomposition) or ``"cgls"``.
    """

    def __init__(self, ns: list[int], p: int, method: str) -> None:
        self.ns, self.p, self.method = ns, p, method
        self.risks: list[float] = []
        self.iterations: list[int] = []
        self.residuals: list[float] = []


def _cgls(feats, Zs, ys, theta0, *, tol, maxiter, n):
    """CGLS for min ‖Φθ − y‖ from ``theta0`` (→ the solution closest to theta0: the minimum-norm
    one when theta0 is in the row space of Φ, e.g. 0 or a fit on a subset of the rows); Φ applied
    matrix-free (:meth:`NTFeatures.matvec`) to the rotated samples, kept in row chunks ``Zs``.

    Stops when ‖Φᵀ(y − Φθ)‖ ≤ tol·‖Φᵀy‖; returns (θ, iterations, relative residual). Raises
    :class:`ConvergenceError` after ``maxiter`` iterations.
    """
    theta = theta0.copy()
    r = [y - feats.matvec(Z, theta) for Z, y in zip(Zs, ys)]
    s = sum(feats.rmatvec(Z, rr) for Z, rr in zip(Zs, r))
    ref = math.sqrt(float(np.sum(sum(feats.rmatvec(Z, y) for Z, y in zip(Zs, ys)) ** 2)))
    ref = ref if ref > 0 else 1.0
    q = s.copy()
    gam = float(s @ s)
    it = 0
    while math.sqrt(gam) > tol * ref:
        if it >= maxiter:
            raise ConvergenceError(
                "CGLS (NT least squares) did not reach its tolerance",
                diagnostics={"n": n, "p": feats.p, "iterations": it,
                             "relative_residual": f"{math.sqrt(gam) / ref:.3g}", "tol": tol},
                fix="raise maxiter (n close to p is ill-conditioned: O(√κ) iterations) or "
                    "loosen tol")
        t = [feats.matvec(Z, q) for Z in Zs]
        tt = sum(float(v @ v) for v in t)
        if tt == 0.0:
            break
        alpha = gam / tt
        theta += alpha * q
        for rr, v in zip(r, t):
            rr -= alpha * v
        s = sum(feats.rmatvec(Z, rr) for Z, rr in zip(Zs, r))
        gnew = float(s @ s)
        q = s + (gnew / gam) * q
        gam = gnew
        it += 1
    return theta, it, math.sqrt(gam) / ref


#: CGLS stopping rule ‖Φᵀr‖ ≤ CGLS_TOL·‖Φᵀy‖. The fitted risk moves by less than 1e-6 of itself
#: between this and 1e-10 at every n of the paper-size right frames (measured at d = 450, N = 45,
#: see tests/test_nt_sampled.py for the small-d version of that comparison).
CGLS_TOL = 1e-7


def nt_least_squares(W: ArrayLike, model: QuadraticTarget | GaussianMixture, ns: Iterable[int],
                     rng: SeedLike, *, chunk: int = 4000, dense_max_p: int = 6000,
                     tol: float = CGLS_TOL, maxiter: int = 5000,
                     progress: Callable[[str], object] | None = None,
                     info: NTLeastSquares | None = None) -> tuple[np.ndarray, int]:
    r"""NT fitted by least squares on n fresh samples, for each n in ``ns`` (nested samples).

    The NT class of eq. (3) with σ(x) = x² is :math:`\{c + x^\top Sx : S\in\mathcal T(W)\}`
    (:mod:`lazysym.nt`); it is fitted in its p = r·d − r(r−1)/2 + 1 Hermite-normalised
    coordinates (see :class:`NTFeatures`), minimum-norm for n < p. Returns the exact population
    risk of each fit: qf :math:`2\|B-S\|_F^2 + (\mathrm{Tr}(B-S) + b_0 - c)^2` (Isserlis, raw),
    mg :func:`lazysym.nn.mixture_quadratic_risk`.

    Parameters
    ----------
    W : d×N weights.  model : QuadraticTarget or GaussianMixture.  ns : increasing sample sizes.
    rng : seed or Generator for the samples (drawn by :func:`sample_model`).
    dense_max_p : above this p, matrix-free CGLS (memory O(n·d) for the rotated samples,
        O(n·r·d) per iteration) replaces the p×p normal equations (memory O(p²), p ≈ 2·10⁴
        already at d = 450, N = 45).
    tol, maxiter : CGLS stopping rule ‖Φᵀ(y − Φθ)‖ ≤ tol·‖Φᵀy‖ (see :data:`CGLS_TOL`) and its
        iteration cap per n; reaching the cap raises :class:`~lazysym.errors.ConvergenceError`
        (diagnostics: n, p, iterations, residual reached). Each n starts from the previous fit.
    info : an :class:`NTLeastSquares` to fill with the iterations and residuals (optional).

    Returns
    -------
    (risks, p) : array of raw risks (one per n) and the dimension p of the class.
    """
    model = _as_model(model, "nt_least_squares")
    check_type(isinstance(ns, (list, tuple, range, np.ndarray)) and np.ndim(ns) == 1, "ns",
               "a sequence of sample sizes", ns)
    sizes = list(ns)
    check_limit("iterations", len(sizes), "number of sample sizes ns")
    ns = [positive_int(int(n) if isinstance(n, np.integer) else n, "n in ns", cap="samples")
          for n in sizes]
    check(len(ns) > 0 and ns == sorted(ns),
          f"ns must be increasing positive; got {ns!r:.80}", assumption="sample sizes")
    dense_max_p = nonnegative_int(dense_max_p, "dense_max_p", cap="dimension")
    check_type(info is None or isinstance(info, NTLeastSquares), "info",
               "an NTLeastSquares or None", info)
    tol = as_real(tol, "tol")
    check(0 < tol < 1, f"tol must be in (0, 1); got {tol}", assumption="tolerance")
    maxiter = positive_int(maxiter, "maxiter", cap="iterations")
    chunk = positive_int(chunk, "chunk")
    rng = as_generator(rng)
    feats = NTFeatures(W)
    check(feats.d == model.d, f"W has d = {feats.d} rows but the model has d = {model.d}",
          assumption="W shape")
    p = feats.p
    dense = p <= dense_max_p
    out = info if info is not None else NTLeastSquares(ns, p, "dense" if dense else "cgls")
    out.ns, out.p, out.method = ns, p, "dense" if dense else "cgls"

    def risk_of(theta: np.ndarray) -> float:
        S, c = feats.to_quadratic(theta)
        if isinstance(model, QuadraticTarget):
            M = model.B - S
            s = float(np.trace(M)) + model.b0 - c
            return 2.0 * float(np.sum(M * M)) + s * s
        return mixture_quadratic_risk(S, c, model)

    # the normal equations Φᵀ Φ θ = Φᵀ y when dense (G, h not None iff dense), else the samples
    G = np.zeros((p, p)) if dense else None
    h = np.zeros(p) if dense else None
    Zs: list[np.ndarray] = []
    ys: list[np.ndarray] = []
    theta = np.zeros(p)
    have = 0
    for n in ns:
        while have < n:
            m = min(chunk, n - have)
            X, y = sample_model(model, m, rng)
            if G is not None and h is not None:
                F = feats(X)
                G += F.T @ F
                h += F.T @ y
            else:
                Zs.append(feats.rotate(X))
                ys.append(y)
            have += m
        if progress is not None:
            progress(f"NT least squares: n = {n} (p = {p})")
        if G is not None and h is not None:
            ev, V = np.linalg.eigh(G)
            keep = ev > ev[-1] * p * np.finfo(float).eps * 10
            theta = V[:, keep] @ ((V[:, keep].T @ h) / ev[keep])
            its, res = 0, 0.0
        else:
            theta, its, res = _cgls(feats, Zs, ys, theta, tol=tol, maxiter=maxiter, n=n)
        out.risks.append(risk_of(theta))
        out.iterations.append(its)
        out.residuals.append(res)
    return np.array(out.risks), p

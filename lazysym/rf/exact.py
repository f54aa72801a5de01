r"""Exact finite-d random-features (RF) risks, at the population level (no sampling).

The RF class of eq. (2) has no offset: :math:`\mathcal F_{RF,N}(W) = \{\sum_i a_i\sigma(\langle
w_i, x\rangle)\}`, with the neurons :math:`w_i` the columns of :math:`W\in\mathbb R^{d\times N}`.
Its risk (eq. (4) for qf, §3 for mg) is a least-squares projection in :math:`L^2`:

.. math::

    R_{RF,N} = \min_a E\big[(y - \textstyle\sum_i a_i\sigma(\langle w_i,x\rangle))^2\big]
             = E[y^2] - b^\top K^{+} b,\qquad
    K_{ij} = E[\sigma(\langle w_i,x\rangle)\sigma(\langle w_j,x\rangle)],\quad
    b_i = E[y\,\sigma(\langle w_i,x\rangle)],

with :math:`y = f_*(x)` (qf, :math:`x\sim N(0,I_d)`) or :math:`y=\pm1` (mg, :math:`x\,|\,y=+1\sim
N(0,\Sigma-\Delta)`, :math:`x\,|\,y=-1\sim N(0,\Sigma+\Delta)`, :math:`E y^2 = 1`). These are
the exact finite-d counterparts of Theorem 1 / Corollary 1 (eqs. (10), (12)) and Theorem 4
(eq. (15)); they are what the asymptotic formulas are checked against.

Kernels
-------
Write :math:`u_i = \langle w_i, x\rangle`, :math:`x\sim N(0,C)`, :math:`a_i = \|w_i\|_C`,
:math:`c_{ij} = w_i^\top C w_j`, :math:`r_{ij} = c_{ij}/(a_ia_j)`.

* Quadratic activations :math:`\sigma(u) = u^2 + c_0` (``"x^2-1"``, ``"x^2"``, ``"x^2+c"``), by
  Isserlis: :math:`K_{ij} = (a_i^2+c_0)(a_j^2+c_0) + 2c_{ij}^2`; for qf
  :math:`b_i = 2w_i^\top Bw_i + E[f_*](\|w_i\|^2+c_0)`; for mg
  :math:`b_i = -w_i^\top\Delta w_i`.
* ReLU (arc-cosine kernel of degree 1), |u|, and erf (arcsin kernel), closed forms:
  :math:`E[\mathrm{relu}(u_i)\mathrm{relu}(u_j)] = \frac{a_ia_j}{2\pi}(\sqrt{1-r^2} + (\pi -
  \arccos r)r)`, :math:`E|u_i||u_j| = \frac{2a_ia_j}{\pi}(\sqrt{1-r^2} + r\arcsin r)`,
  :math:`E[\mathrm{erf}(u_i/\sqrt2)\mathrm{erf}(u_j/\sqrt2)] = \frac2\pi\arcsin\frac{c_{ij}}
  {\sqrt{(1+a_i^2)(1+a_j^2)}}` (``"erf"`` is :data:`lazysym.objects.activations.ERF` =
  erf(u/√2)); an additive offset :math:`\sigma = \sigma_0 + c` (``relu_centered``) is handled
  exactly. ``kernel="series"`` forces the Hermite series instead (used to test it).
* Any activation satisfying A1: the norm-dependent Hermite (Mehler) series
  :math:`K_{ij} = \sum_{k\le k_{max}} \mu_k(a_i)\mu_k(a_j) r_{ij}^k/k!`, with
  :math:`\mu_k(a) = E[\sigma(aG)\mathrm{He}_k(G)]` from
  :func:`lazysym.objects.hermite.scaled_hermite_coefficients` (for kink-free, non-polynomial σ and
  :math:`k_{max} > 20`, from a private trapezoidal rule converged to 1e-12), and the exact
  diagonal
  :math:`K_{ii} = E\sigma(a_iG)^2` from :func:`lazysym.objects.hermite.scaled_second_moment`.
  For qf, :math:`b_i = (\hat w_i^\top B\hat w_i)\,\mu_2(\|w_i\|) + E[f_*]\,\mu_0(\|w_i\|)`
  (:math:`\hat w = w/\|w\|`; decompose :math:`x = \hat w g + x_\perp`); for mg,
  :math:`b_i = \tfrac12(\mu_0(\|w_i\|_{\Sigma-\Delta}) - \mu_0(\|w_i\|_{\Sigma+\Delta}))`.

  **Truncation error.** By Cauchy–Schwarz and Parseval (:math:`\sum_k\mu_k(a)^2/k! =
  E\sigma(aG)^2`), the neglected tail of an off-diagonal entry obeys
  :math:`|E_{ij}| \le |r_{ij}|^{k_{max}+1}\sqrt{T_iT_j}`, where
  :math:`T_i = E\sigma(a_iG)^2 - \sum_{k\le k_{max}}\mu_k(a_i)^2/k!` is the Parseval tail
  (computed, so the bound is a posteriori and rigorous up to float round-off). With
  ``kmax=None`` the order is chosen from :math:`\rho = \max_{i\ne j}|r_{ij}|` as the smallest
  :math:`k_{max}` with :math:`\rho^{k_{max}+1} \le 10^{-13}` (at most :data:`KMAX_CAP`), and
  :class:`~lazysym.errors.ConvergenceError` is raised if the a-posteriori bound then exceeds
  :data:`SERIES_RTOL` times :math:`\max_i K_{ii}`. A kernel error :math:`E` moves the risk by
  at most :math:`\|a\|_2^2\|E\|_F` to first order (:math:`a = K^+b`);
  :attr:`RFSolution.error_bound` reports this together with the round-off bound of the solve.

Linear algebra
--------------
:math:`O(N^2d)` for the Gram matrices plus :math:`O(N^3)` for the solve. The solve is a Cholesky
factorisation with blocked triangular solves; it is accepted when its a-posteriori round-off
bound :math:`N\varepsilon\,\mathrm{Tr}(K)\,\|a\|^2` (backward stability of Cholesky, first order)
is at most ``1e-8·E[y²]``. Otherwise (K singular or nearly so, e.g. N larger than the dimension
of the span of the features, which is :math:`d(d+1)/2+1` for quadratic activations) the
pseudo-inverse is taken from ``eigh`` with the rank cut-off
:math:`\lambda > \max(10N\varepsilon, \delta_K)\lambda_{max}` (:math:`\delta_K` the relative
kernel truncation bound): eigen-directions below it are not resolved by float64 (or by the
series) and are dropped. For an exactly rank-deficient K this is the exact projection.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, overload

import numpy as np
from numpy.typing import ArrayLike

from lazysym._linalg import CHOL_ACCEPT, psd_solve
from lazysym._validate import (
    as_finite_array,
    as_mixture,
    as_target,
    as_weights,
    nonnegative_int,
)
from lazysym.errors import AssumptionError, ConvergenceError, check, check_type
from lazysym.objects.models import GaussianMixture, QuadraticTarget
from lazysym.rf.certified import rf_risk_certified
from lazysym.rf.kernels import (
    KMAX_CAP,
    SERIES_RTOL,
    activation_numpy,
    check_activation_a1,
    kernel_component,
    mu2,
    resolve_activation,
)

if TYPE_CHECKING:  # the activations (SymPy) are imported where they are needed, not on import
    from lazysym.objects.activations import ActivationLike

__all__ = [
    "RFSolution", "rf_solve", "rf_gram", "rf_optimal_coefficients", "rf_risk",
    "rf_risk_quadratic", "rf_risk_quadratic_normalized", "rf_risk_mixture", "rf_features",
    "rf_risk_of_coefficients",
    "CLOSED_FORM_ACTIVATIONS", "KMAX_CAP", "SERIES_RTOL",
]

_EPS = float(np.finfo(float).eps)

#: Names with an exact closed-form kernel. Any Activation whose expression is u², max(u, 0), |u|
#: or erf(u/√2) plus a constant uses the closed form too; ``"x^2+c"`` / ``"x^2-c"`` (c a number)
#: are accepted as aliases of ``lazysym.objects.activations.quadratic(±c)``.
CLOSED_FORM_ACTIVATIONS = ("x^2-1", "x^2", "quadratic", "quadratic_centered", "relu",
                           "relu_centered", "abs", "erf")


# --------------------------------------------------------------------------------------------
# features
# --------------------------------------------------------------------------------------------

def rf_features(X: ArrayLike, W: ArrayLike, activation: ActivationLike = "x^2-1") -> np.ndarray:
    r"""The random features :math:`\sigma(XW)` (n×N) of eq. (2) for the rows of X (n×d).

    Parameters
    ----------
    X : array (n, d)
        Inputs, one per row.
    W : array (d, N)
        First-layer weights, neurons as columns.
    activation : str or Activation
        See :func:`rf_risk_quadratic`.
    """
    W = as_weights(W)
    X = as_finite_array(X, "X", ndim=2)
    check(X.shape[1] == W.shape[0],
          f"X must be n×d with d = {W.shape[0]}; got shape {X.shape}", assumption="X shape")
    with np.errstate(over="ignore", invalid="ignore"):
        F = np.asarray(activation_numpy(resolve_activation(activation))(X @ W), dtype=float)
    check(bool(np.all(np.isfinite(F))), "σ(XW) overflowed float64 (non-finite features)",
          assumption="features finite", fix="use smaller inputs or a slower-growing σ")
    return F


# --------------------------------------------------------------------------------------------
# kernels
# --------------------------------------------------------------------------------------------

def rf_gram(W: ArrayLike, model: QuadraticTarget | GaussianMixture,
            activation: ActivationLike = "x^2-1", *, kmax: int | None = None,
            kernel: Literal["auto", "series"] = "auto") -> tuple[np.ndarray, np.ndarray]:
    r"""Population Gram matrix and cross moments of the RF features (§2.1, §3.1).

    .. math::

        K_{ij} = E[\sigma(\langle w_i,x\rangle)\sigma(\langle w_j,x\rangle)],\qquad
        b_i = E[y\,\sigma(\langle w_i,x\rangle)].

    Parameters
    ----------
    W : array (d, N)
        First-layer weights (columns are the neurons).
    model : QuadraticTarget or GaussianMixture
        qf (x ~ N(0, I_d), y = f*(x)) or mg (mixture over y = ±1; K averages the two classes).
    activation : str or Activation
        ``"x^2-1"``, ``"x^2"``, ``"x^2+c"``, ``"relu"``, ``"erf"`` (closed forms), or any name /
        :class:`lazysym.objects.activations.Activation` known to :mod:`lazysym.objects.activations` (Hermite
        series; checked against A1).
    kmax : int, optional
        Hermite order of the series path (ignored by closed forms). ``None``: automatic (see the
        module docstring).
    kernel : {"auto", "series"}
        ``"auto"``: closed form when one exists, else the Hermite series; ``"series"``: always
        the Hermite series.

    Returns
    -------
    K : ndarray (N, N)
    b : ndarray (N,)
    """
    K, b, _ = _gram(W, model, activation, kmax, kernel)
    return K, b


def _gram(W, model, activation, kmax, kernel="auto"):
    check(isinstance(kernel, str) and kernel in ("auto", "series"),
          f"kernel must be 'auto' or 'series'; got {kernel!r}", assumption="kernel method")
    check_type(isinstance(model, (QuadraticTarget, GaussianMixture)), "model",
               "a QuadraticTarget (qf) or a GaussianMixture (mg)", model)
    if kmax is not None:
        # the series costs O(N²·kmax) and the coefficients O(kmax²): capped (lazysym.limits)
        kmax = nonnegative_int(kmax, "kmax", cap="series_terms")
    act = resolve_activation(activation, series=(kernel == "series"))
    check_activation_a1(act)
    if isinstance(model, QuadraticTarget):
        W = as_weights(W, model.d)
        K, m, mu, info, a = kernel_component(W, None, act, kmax)
        mean = model.mean
        if mu is not None:
            m2, m0 = mu[:, 2], mu[:, 0]
        else:
            m2 = mu2(act, a)
            m0 = m
        if act.kind == "quadratic":
            b = 2.0 * np.einsum("ij,ij->j", W, model.B @ W) + mean * m
        else:
            inv = np.zeros_like(a)
            nz = a > 0
            inv[nz] = 1.0 / a[nz]
            Wh = W * inv[None, :]
            q = np.einsum("ij,ij->j", Wh, model.B @ Wh)
            b = q * m2 + mean * m0
        info["norm2"] = model.norm2
        return K, b, info
    if isinstance(model, GaussianMixture):
        W = as_weights(W, model.d)
        Kp, mp, _, ip, _ = kernel_component(W, model.Sigma - model.Delta, act, kmax)
        Km, mm, _, im, _ = kernel_component(W, model.Sigma + model.Delta, act, kmax)
        Kp += Km
        Kp *= 0.5
        b = 0.5 * (mp - mm)
        info = {"kmax": ip["kmax"] if im["kmax"] is None else max(ip["kmax"], im["kmax"]),
                "trunc_fro": 0.5 * (ip["trunc_fro"] + im["trunc_fro"]),
                "trunc_max": 0.5 * (ip["trunc_max"] + im["trunc_max"]), "norm2": 1.0}
        return Kp, b, info
    raise AssumptionError(f"model must be a QuadraticTarget (qf) or GaussianMixture (mg); got "
                          f"{type(model).__name__}", assumption="model type")


# --------------------------------------------------------------------------------------------
# solve
# --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class RFSolution:
    """The exact RF projection: risk, optimal coefficients and how they were computed.

    Attributes
    ----------
    risk : float
        Raw population risk :math:`E[y^2] - b^\\top K^+ b`.
    norm2 : float
        :math:`E[y^2]` (``target.norm2`` for qf, 1 for mg): the trivial predictor's risk.
    coefficients : ndarray (N,)
        Optimal second-layer weights :math:`a = K^+ b`.
    rank : int
        Numerical rank of K used (N unless the eigh fallback dropped directions).
    method : str
        ``"cholesky"`` or ``"eigh"``.
    kmax : int or None
        Hermite order used (None for closed-form kernels).
    error_bound : float
        First-order bound on |computed − exact| risk: round-off of the solve plus
        :math:`\\|a\\|^2\\|E\\|_F` for the series truncation.
    """

    risk: float
    norm2: float
    coefficients: np.ndarray
    rank: int
    method: str
    kmax: int | None
    error_bound: float

    @property
    def normalized_risk(self) -> float:
        """Risk / E[y²] (eq. (13) normalisation for qf; identical to ``risk`` for mg)."""
        return self.risk / self.norm2


def _solve(K: np.ndarray, b: np.ndarray, norm2: float, trunc_fro: float, kmax):
    lmax_rel = trunc_fro / max(float(np.max(np.diag(K))), 1e-300) if K.size else 0.0
    coef, quad, rank, method, fp = psd_solve(K, b, CHOL_ACCEPT * max(norm2, 1e-300), lmax_rel)
    bound = fp + float(coef @ coef) * trunc_fro
    return _finish(norm2 - quad, norm2, coef, rank, method, kmax, bound)


def _finish(risk, norm2, coef, rank, method, kmax, bound):
    if risk < 0:
        if -risk > bound + 64 * _EPS * norm2:
            raise ConvergenceError("the RF risk came out negative beyond its error bound",
                                   diagnostics={"risk": risk, "bound": bound, "method": method})
        risk = 0.0
    return RFSolution(float(risk), float(norm2), coef, rank, method, kmax, float(bound))


def rf_solve(W: ArrayLike, model: QuadraticTarget | GaussianMixture,
             activation: ActivationLike = "x^2-1", *, kmax: int | None = None,
             kernel: Literal["auto", "series"] = "auto") -> RFSolution:
    r"""Exact population RF projection (eq. (4) with :math:`\mathcal F_{RF,N}(W)`, eq. (2)).

    .. math::

        R_{RF,N} = E[y^2] - b^\top K^+ b, \qquad a^\star = K^+ b.

    Parameters are those of :func:`rf_gram`. Returns an :class:`RFSolution` (raw risk,
    coefficients, rank, method, Hermite order, error bound). See the module docstring for the
    kernels, the truncation bound and the rank cut-off.
    """
    K, b, info = _gram(W, model, activation, kmax, kernel)
    return _solve(K, b, info["norm2"], info["trunc_fro"], info["kmax"])


def rf_risk_of_coefficients(W: ArrayLike, model: QuadraticTarget | GaussianMixture,
                            coefficients: ArrayLike, activation: ActivationLike = "x^2-1", *,
                            kmax: int | None = None, kernel: Literal["auto", "series"] = "auto") -> float:
    r"""Exact population risk of a given second layer :math:`a` (eq. (2) predictor, any a).

    .. math::

        R(a) = E\big[(y - \textstyle\sum_i a_i\sigma(\langle w_i, x\rangle))^2\big]
             = E[y^2] - 2a^\top b + a^\top K a
             = R_{RF,N} + (a - a^\star)^\top K (a - a^\star).

    Used to measure the estimation error of the §4 least-squares fit exactly. Parameters as
    :func:`rf_gram`, plus ``coefficients`` (length N).
    """
    K, b, info = _gram(W, model, activation, kmax, kernel)
    a = as_finite_array(coefficients, "coefficients")
    check(a.shape == b.shape, f"coefficients must be {b.size} numbers; got shape {a.shape}",
          assumption="coefficients shape")
    return float(info["norm2"] - 2.0 * a @ b + a @ (K @ a))


def rf_optimal_coefficients(W: ArrayLike, model: QuadraticTarget | GaussianMixture,
                            activation: ActivationLike = "x^2-1", *,
                            kmax: int | None = None) -> np.ndarray:
    r"""Optimal second-layer weights :math:`a^\star = K^+ b` of the population RF fit (eq. (4)).

    Parameters as :func:`rf_gram`. The predictor is
    :math:`\hat f(x) = \sum_i a^\star_i\sigma(\langle w_i, x\rangle)` (no offset, eq. (2)).
    """
    return rf_solve(W, model, activation, kmax=kmax).coefficients


@overload
def rf_risk_quadratic(W: ArrayLike, target: QuadraticTarget, activation: ActivationLike = ...,
                      *, kmax: int | None = ..., certified: Literal[False] = ...,
                      dps: int = ...) -> float: ...
@overload
def rf_risk_quadratic(W: ArrayLike, target: QuadraticTarget, activation: ActivationLike = ...,
                      *, kmax: int | None = ..., certified: Literal[True],
                      dps: int = ...) -> Any: ...
def rf_risk_quadratic(W: ArrayLike, target: QuadraticTarget, activation: ActivationLike = "x^2-1",
                      *, kmax: int | None = None, certified: bool = False,
                      dps: int = 30) -> float | Any:
    r"""Raw population RF risk for the quadratic target (qf), Theorem 1 / Corollary 1 at finite d.

    .. math::

        R_{RF,N}(f_*) = \min_a E_{x\sim N(0,I_d)}\Big[\big(f_*(x) - \textstyle\sum_i
        a_i\sigma(\langle w_i,x\rangle)\big)^2\Big] = \|f_*\|_{L^2}^2 - b^\top K^+ b.

    Parameters
    ----------
    W : array (d, N)
        First-layer weights, neurons as columns (any W: the theorems draw w_i ~ N(0, Γ), A2).
    target : QuadraticTarget
        :math:`f_*(x) = b_0 + \langle x, Bx\rangle` (eq. (8)); need not be centred.
    activation : str or Activation
        ``"x^2-1"`` (Corollary 1), ``"x^2"``, ``"x^2+c"``, ``"relu"``, ``"erf"`` exactly; other
        activations by the Hermite series (A1 is checked).
    kmax : int, optional
        Hermite order for the series path (automatic if None).
    certified : bool
        ``True``: return a ``flint.arb`` ball that provably contains the exact risk of the given
        (binary) inputs, with ``dps`` correct digits (:func:`lazysym.rf.certified.rf_risk_certified`:
        σ = σ₀ + c with σ₀ ∈ {u², relu, |u|}; ``kmax`` is then unused).
    dps : int
        Correct digits of the certified ball (only with ``certified=True``).

    Returns
    -------
    float (or flint.arb with ``certified=True``)
        The raw risk, in :math:`[0, \|f_*\|^2]`; divide by ``target.norm2`` (or use
        :func:`rf_risk_quadratic_normalized`) for the normalisation of eqs. (10)–(13).

    Raises
    ------
    AssumptionError
        W not d×N / not finite, unknown activation, activation violating A1.
    """
    target = as_target(target, "the RF risk for the quadratic target")
    if _certified(certified):
        return rf_risk_certified(W, target, activation, dps=dps)
    return rf_solve(W, target, activation, kmax=kmax).risk


def rf_risk_quadratic_normalized(W: ArrayLike, target: QuadraticTarget,
                                 activation: ActivationLike = "x^2-1", *,
                                 kmax: int | None = None) -> float:
    r"""Normalised RF risk :math:`R_{RF,N}(f_*)/\|f_*\|_{L^2}^2` (the left side of eqs. (11), (13)).

    ``target.norm2`` is :math:`E f_*^2` (of the target as given; centred targets, as in
    Theorem 1, have :math:`\|f_*\|^2 = 2\|B\|_F^2`). Parameters as :func:`rf_risk_quadratic`.
    """
    target = as_target(target, "the RF risk for the quadratic target")
    check(target.norm2 > 0, "the normalised risk needs ‖f*‖² > 0; got f* = 0",
          assumption="f* ≠ 0")
    return rf_solve(W, target, activation, kmax=kmax).normalized_risk


@overload
def rf_risk_mixture(W: ArrayLike, mixture: GaussianMixture, activation: ActivationLike = ...,
                    *, kmax: int | None = ..., certified: Literal[False] = ...,
                    dps: int = ...) -> float: ...
@overload
def rf_risk_mixture(W: ArrayLike, mixture: GaussianMixture, activation: ActivationLike = ...,
                    *, kmax: int | None = ..., certified: Literal[True], dps: int = ...) -> Any: ...
def rf_risk_mixture(W: ArrayLike, mixture: GaussianMixture, activation: ActivationLike = "x^2-1",
                    *, kmax: int | None = None, certified: bool = False,
                    dps: int = 30) -> float | Any:
    r"""Population RF risk for the Gaussian mixture (mg), Theorem 4 (eq. (15)) at finite d.

    .. math::

        R_{RF,N}(\mathbb P_{\Sigma,\Delta}) = \min_a E\big[(y - \textstyle\sum_i
        a_i\sigma(\langle w_i,x\rangle))^2\big] = 1 - b^\top K^+ b,

    with :math:`K = \tfrac12(K^{(\Sigma-\Delta)} + K^{(\Sigma+\Delta)})` and
    :math:`b_i = \tfrac12(E_{\Sigma-\Delta}\sigma(\langle w_i,x\rangle) -
    E_{\Sigma+\Delta}\sigma(\langle w_i,x\rangle))`. Since :math:`E y^2 = 1` the trivial
    predictor has risk 1 and the value lies in [0, 1]. Parameters as :func:`rf_risk_quadratic`
    (``certified=True``: a ball containing the exact risk).
    """
    mixture = as_mixture(mixture, "the RF risk for the mixture")
    if _certified(certified):
        return rf_risk_certified(W, mixture, activation, dps=dps)
    return rf_solve(W, mixture, activation, kmax=kmax).risk


@overload
def rf_risk(W: ArrayLike, model: QuadraticTarget | GaussianMixture,
            activation: ActivationLike = ..., *, kmax: int | None = ...,
            certified: Literal[False] = ..., dps: int = ...) -> float: ...
@overload
def rf_risk(W: ArrayLike, model: QuadraticTarget | GaussianMixture,
            activation: ActivationLike = ..., *, kmax: int | None = ...,
            certified: Literal[True], dps: int = ...) -> Any: ...
def rf_risk(W: ArrayLike, model: QuadraticTarget | GaussianMixture,
            activation: ActivationLike = "x^2-1", *, kmax: int | None = None,
            certified: bool = False, dps: int = 30) -> float | Any:
    """Raw population RF risk for either model (dispatches to the two functions above;
    ``certified=True``: a ``flint.arb`` ball containing the exact risk, ``dps`` digits).
    """
    check_type(isinstance(model, (QuadraticTarget, GaussianMixture)), "model",
               "a QuadraticTarget (qf) or a GaussianMixture (mg)", model)
    if _certified(certified):
        return rf_risk_certified(W, model, activation, dps=dps)
    if isinstance(model, GaussianMixture):
        return rf_risk_mixture(W, model, activation, kmax=kmax)
    return rf_risk_quadratic(W, model, activation, kmax=kmax)


def _certified(flag: object) -> bool:
    check(isinstance(flag, (bool, np.bool_)), f"certified must be a bool; got {flag!r}",
          assumption="certified flag")
    return bool(flag)

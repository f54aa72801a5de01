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

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Literal

import numpy as np
from numpy.typing import ArrayLike

from lazysym._validate import (
    as_finite_array,
    as_mixture,
    as_target,
    as_weights,
    nonnegative_int,
    positive_int,
)
from lazysym.errors import AssumptionError, ConvergenceError, check, check_type
from lazysym.objects.models import GaussianMixture, QuadraticTarget

if TYPE_CHECKING:  # the activations (SymPy) are imported where they are needed, not on import
    from lazysym.objects.activations import Activation, ActivationLike

__all__ = [
    "RFSolution", "rf_solve", "rf_gram", "rf_optimal_coefficients", "rf_risk",
    "rf_risk_quadratic", "rf_risk_quadratic_normalized", "rf_risk_mixture", "rf_features",
    "rf_risk_of_coefficients",
    "CLOSED_FORM_ACTIVATIONS", "KMAX_CAP", "SERIES_RTOL",
]

#: Largest Hermite order the automatic choice of ``kmax`` will use.
KMAX_CAP = 120
#: Relative accuracy (w.r.t. max_i K_ii) that the automatic ``kmax`` must certify.
SERIES_RTOL = 1e-10
#: Target of the automatic kmax rule ρ^(kmax+1) ≤ _SERIES_TARGET.
_SERIES_TARGET = 1e-13
#: Accept the Cholesky solve if its round-off bound is ≤ this fraction of E[y²].
_CHOL_ACCEPT = 1e-8
_EPS = float(np.finfo(float).eps)

#: Names with an exact closed-form kernel. Any Activation whose expression is u², max(u, 0), |u|
#: or erf(u/√2) plus a constant uses the closed form too; ``"x^2+c"`` / ``"x^2-c"`` (c a number)
#: are accepted as aliases of ``lazysym.objects.activations.quadratic(±c)``.
CLOSED_FORM_ACTIVATIONS = ("x^2-1", "x^2", "quadratic", "quadratic_centered", "relu",
                           "relu_centered", "abs", "erf")



# --------------------------------------------------------------------------------------------
# activations
# --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Act:
    """Resolved activation: ``kind`` ∈ {"quadratic", "relu", "abs", "erf", "series"}.

    For the closed forms σ = σ₀ + ``offset`` with σ₀ = u², max(u, 0), |u| or erf(u/√2).
    """

    kind: str
    offset: float
    obj: Activation
    label: str = ""


def _erf(x: np.ndarray) -> np.ndarray:
    """Vectorised erf (numpy has none) to ≲ 1e-14 absolute: Taylor series for |x| < 2.5, the
    Laplace continued fraction for erfc beyond (tested against ``math.erf``: max error 7e-15).
    """
    x = np.asarray(x, dtype=float)
    out = np.empty_like(x)
    ax = np.abs(x)
    small = ax < 2.5
    xs = x[small]
    if xs.size:
        # erf(x) = 2/√π Σ (-1)^n x^(2n+1) / (n! (2n+1)); at |x| = 2.5 the terms fall below
        # 1e-17 of the largest well before n = 80.
        term = xs.copy()
        acc = xs.copy()
        x2 = xs * xs
        for n in range(1, 80):
            term *= -x2 / n
            acc += term / (2 * n + 1)
        out[small] = acc * (2.0 / math.sqrt(math.pi))
    xl = ax[~small]
    if xl.size:
        # erfc(x) = e^{-x²}/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + ...)))), x ≥ 2.5
        f = np.zeros_like(xl)
        for k in range(60, 0, -1):
            f = (k / 2.0) / (xl + f)
        erfc = np.exp(-xl * xl) / math.sqrt(math.pi) / (xl + f)
        out[~small] = np.sign(x[~small]) * (1.0 - erfc)
    return out


_SQRT2 = math.sqrt(2.0)


def _closed_form_bases():
    import sympy as sp  # noqa: PLC0415

    from lazysym.objects.activations import x  # noqa: PLC0415
    return (("quadratic", x ** 2), ("relu", sp.Max(x, 0)), ("abs", sp.Abs(x)),
            ("erf", sp.erf(x / sp.sqrt(2))))


def _as_activation(activation: ActivationLike) -> Activation:
    """The package's one resolver, :func:`lazysym.objects.activations.activation` (names,
    expressions through the whitelist parser, Activation objects; a clear error otherwise).
    """
    from lazysym.objects.activations import activation as resolve  # noqa: PLC0415
    return resolve(activation)


def _resolve(activation: ActivationLike | _Act, *, series: bool = False) -> _Act:
    """Map a name or Activation to its kernel method (closed form when σ = σ₀ + const)."""
    if isinstance(activation, _Act):
        return activation
    if isinstance(activation, str):
        return _resolve_name(activation, series)
    return _resolve_object(_as_activation(activation), series)


@lru_cache(maxsize=64)
def _resolve_name(name: str, series: bool) -> _Act:
    return _resolve_object(_as_activation(name), series)


def _resolve_object(act: Activation, series: bool) -> _Act:
    if not series:
        for kind, base in _closed_form_bases():
            diff = act.expr - base
            if not diff.free_symbols:
                try:
                    off = float(diff)
                except TypeError:  # pragma: no cover - non-numeric constant
                    continue
                return _Act(kind, off, act, act.name)
    return _Act("series", 0.0, act, act.name)


def _numpy_fn(act: _Act) -> Callable[[np.ndarray], np.ndarray]:
    """σ as a vectorised numpy function (for sampling)."""
    off = act.offset
    if act.kind == "quadratic":
        return lambda u: u * u + off
    if act.kind == "relu":
        return lambda u: np.maximum(u, 0.0) + off
    if act.kind == "abs":
        return lambda u: np.abs(u) + off
    if act.kind == "erf":
        return lambda u: _erf(u / _SQRT2) + off
    return act.obj.numeric


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
        F = np.asarray(_numpy_fn(_resolve(activation))(X @ W), dtype=float)
    check(bool(np.all(np.isfinite(F))), "σ(XW) overflowed float64 (non-finite features)",
          assumption="features finite", fix="use smaller inputs or a slower-growing σ")
    return F


# --------------------------------------------------------------------------------------------
# kernels
# --------------------------------------------------------------------------------------------

_BLOCK = 256   # rows per block of the elementwise kernel passes (cache-sized, no N×N temporaries)


def _blocks(N: int):
    for s in range(0, N, _BLOCK):
        yield s, min(N, s + _BLOCK)


def _corr(G: np.ndarray, a: np.ndarray) -> np.ndarray:
    """r_ij = G_ij/(a_i a_j) **in place in G**, with r = 0 where a norm vanishes (σ(0·G) is
    then constant); clipped to [−1, 1] against round-off.
    """
    inv = np.zeros_like(a)
    nz = a > 0
    inv[nz] = 1.0 / a[nz]
    for s, e in _blocks(G.shape[0]):
        B = G[s:e]
        B *= inv[s:e, None]
        B *= inv[None, :]
        np.clip(B, -1.0, 1.0, out=B)
    return G


def _offset(K, m0, offset):
    """E[(σ₀(u)+c)(σ₀(v)+c)] = K₀ + c(m₀(u) + m₀(v)) + c²; returns (K, E σ)."""
    if offset:
        for s, e in _blocks(K.shape[0]):
            K[s:e] += offset * (m0[s:e, None] + m0[None, :]) + offset ** 2
    return K, m0 + offset


def _quadratic_kernel(G, a2, offset):
    """σ = u² + c₀ (Isserlis): (a_i² + c₀)(a_j² + c₀) + 2c_ij², in place in G."""
    m = a2 + offset
    for s, e in _blocks(G.shape[0]):
        B = G[s:e]
        np.square(B, out=B)
        B *= 2.0
        B += np.multiply.outer(m[s:e], m)
    return G, m


def _relu_kernel(G, a, offset):
    """Arc-cosine kernel of degree 1 (Cho & Saul 2009): (ab/2π)(√(1−r²) + (π − arccos r) r)."""
    R = _corr(G, a)
    for s, e in _blocks(R.shape[0]):
        r = R[s:e]
        k = np.sqrt(np.maximum(1.0 - r * r, 0.0))
        k += (math.pi - np.arccos(r)) * r
        k *= a[s:e, None] * (a[None, :] / (2 * math.pi))
        R[s:e] = k
    np.fill_diagonal(R, a * a / 2.0)                # E relu(aG)² = a²/2, exactly
    return _offset(R, a / math.sqrt(2 * math.pi), offset)


def _abs_kernel(G, a, offset):
    """E|u||v| = (2ab/π)(√(1−r²) + r arcsin r)."""
    R = _corr(G, a)
    for s, e in _blocks(R.shape[0]):
        r = R[s:e]
        k = np.sqrt(np.maximum(1.0 - r * r, 0.0))
        k += np.arcsin(r) * r
        k *= a[s:e, None] * (a[None, :] * (2 / math.pi))
        R[s:e] = k
    np.fill_diagonal(R, a * a)
    return _offset(R, a * math.sqrt(2 / math.pi), offset)


def _erf_kernel(G, a, offset):
    """σ₀ = erf(u/√2): E σ₀(u)σ₀(v) = (2/π) arcsin(c_uv / √((1+a²)(1+b²))) (Williams 1997)."""
    inv = 1.0 / np.sqrt(1.0 + a * a)
    for s, e in _blocks(G.shape[0]):
        B = G[s:e]
        B *= inv[s:e, None]
        B *= inv[None, :]
        np.clip(B, -1.0, 1.0, out=B)
        np.arcsin(B, out=B)
        B *= 2.0 / math.pi
    return _offset(G, np.zeros_like(a), offset)    # σ₀ odd: E σ₀ = 0


def _normalized_coefficients(act, a: np.ndarray, kmax: int) -> np.ndarray:
    """c_k(a) = μ_k(a)/√k!, k = 0..kmax, from :func:`lazysym.objects.hermite.scaled_hermite_coefficients`
    (``normalized=True``: computed without forming k!, accurate to k ≥ 400).
    """
    from lazysym.objects.hermite import scaled_hermite_coefficients  # noqa: PLC0415
    mu = np.asarray(scaled_hermite_coefficients(act, a, kmax, normalized=True), dtype=float)
    return mu.reshape(a.size, kmax + 1)


def _series_kernel(G, a, act: _Act, kmax):
    """Mehler series; returns (K, mu (N×(k+1)), kmax, bound matrix norm ‖E‖_F, max entry bound)."""
    from lazysym.objects.hermite import scaled_second_moment  # noqa: PLC0415
    N = a.size
    R = _corr(G, a)
    np.fill_diagonal(R, 0.0)
    rho = float(np.max(np.abs(R))) if N > 1 else 0.0
    diag = np.asarray(scaled_second_moment(act.obj, a), dtype=float).reshape(N)
    auto = kmax is None
    if auto:
        if rho <= 0.0:
            kmax = 2
        elif rho >= 1.0:
            kmax = KMAX_CAP
        else:
            kmax = int(min(KMAX_CAP, max(2, math.ceil(math.log(_SERIES_TARGET) / math.log(rho)) - 1)))
    kmax = positive_int(kmax, "kmax") if kmax != 0 else 0
    # μ₀, μ₂ are needed for b whatever the kernel's order
    call = _normalized_coefficients(act.obj, a, max(kmax, 2))
    mu = call * np.array([math.sqrt(math.factorial(k)) for k in range(call.shape[1])])[None, :]
    c = call[:, :kmax + 1]
    # a-posteriori truncation bound |E_ij| ≤ |r_ij|^{kmax+1} √(T_i T_j), T the Parseval tails
    T = diag - np.sum(c * c, axis=1)
    sT = np.sqrt(np.maximum(T, 0.0) + 4 * _EPS * (kmax + 2) * np.abs(diag))
    K = np.empty_like(R)
    emax, efro2 = 0.0, 0.0
    for s, e in _blocks(N):
        r = R[s:e]
        # Horner in r, elementwise: K = Σ_k c_k c_kᵀ ∘ R^{∘k}
        k_ = np.multiply.outer(c[s:e, kmax], c[:, kmax])
        for k in range(kmax - 1, -1, -1):
            k_ *= r
            k_ += np.multiply.outer(c[s:e, k], c[:, k])
        K[s:e] = k_
        eb = np.abs(r) ** (kmax + 1)          # diagonal of R is 0 here: no diagonal bound
        eb *= sT[s:e, None]
        eb *= sT[None, :]
        emax = max(emax, float(eb.max()))
        efro2 += float(np.sum(eb * eb))
    np.fill_diagonal(K, diag)
    efro = math.sqrt(efro2)
    scale = float(np.max(np.abs(diag))) if N else 1.0
    if auto and emax > SERIES_RTOL * max(scale, 1e-300):
        raise ConvergenceError(
            "the Hermite series of the RF kernel did not reach its tolerance within the order cap",
            diagnostics={"max |r|": f"{rho:.4g}", "kmax": kmax, "bound": f"{emax:.3g}",
                         "tolerance": f"{SERIES_RTOL * scale:.3g}"},
            fix="pass a larger kmax explicitly, or use an activation with a closed form")
    return K, mu, kmax, efro, emax


def _kernel_component(W, C, act: _Act, kmax):
    """(K, mean E σ(u_i), mu-or-None, info) for x ~ N(0, C) (C None means I)."""
    CW = W if C is None else C @ W
    G = W.T @ CW
    a2 = np.maximum(np.einsum("ij,ij->j", W, CW), 0.0)
    a = np.sqrt(a2)
    info = {"kmax": None, "trunc_fro": 0.0, "trunc_max": 0.0}
    if act.kind == "quadratic":
        K, m = _quadratic_kernel(G, a2, act.offset)
        return K, m, None, info, a
    if act.kind in _KERNELS:
        K, m = _KERNELS[act.kind](G, a, act.offset)
        return K, m, None, info, a
    K, mu, km, efro, emax = _series_kernel(G, a, act, kmax)
    info = {"kmax": km, "trunc_fro": efro, "trunc_max": emax}
    return K, mu[:, 0], mu, info, a


_KERNELS = {"relu": _relu_kernel, "abs": _abs_kernel, "erf": _erf_kernel}


_A1_OK: set = set()


def _check_a1(act: _Act):
    """A1 by :func:`lazysym.objects.hermite.check_a1` for series activations (closed forms satisfy it);
    successes are cached (the check is symbolic and takes ~0.5 s).
    """
    if act.kind != "series" or act.obj in _A1_OK:
        return
    from lazysym.objects.activations import check_a1_growth  # noqa: PLC0415
    from lazysym.objects.hermite import check_a1  # noqa: PLC0415
    check_a1_growth(act.obj)     # square integrability, before any Hermite computation
    check_a1(act.obj)
    _A1_OK.add(act.obj)


def _mu2(act: _Act, a: np.ndarray) -> np.ndarray:
    """μ₂(a) = E[σ(aG)(G²−1)] for the closed-form activations."""
    if act.kind == "quadratic":
        return 2.0 * a * a
    if act.kind == "relu":
        return a / math.sqrt(2 * math.pi)       # E[relu(aG)(G²−1)] = a(2/√(2π) − 1/√(2π))
    if act.kind == "abs":
        return a * math.sqrt(2 / math.pi)       # twice the ReLU value
    if act.kind == "erf":
        return np.zeros_like(a)                   # odd activation
    raise AssumptionError("internal: μ₂ requested for a series activation")  # pragma: no cover


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
    act = _resolve(activation, series=(kernel == "series"))
    _check_a1(act)
    if isinstance(model, QuadraticTarget):
        W = as_weights(W, model.d)
        K, m, mu, info, a = _kernel_component(W, None, act, kmax)
        mean = model.mean
        if mu is not None:
            mu2, m0 = mu[:, 2], mu[:, 0]
        else:
            mu2 = _mu2(act, a)
            m0 = m
        if act.kind == "quadratic":
            b = 2.0 * np.einsum("ij,ij->j", W, model.B @ W) + mean * m
        else:
            inv = np.zeros_like(a)
            nz = a > 0
            inv[nz] = 1.0 / a[nz]
            Wh = W * inv[None, :]
            q = np.einsum("ij,ij->j", Wh, model.B @ Wh)
            b = q * mu2 + mean * m0
        info["norm2"] = model.norm2
        return K, b, info
    if isinstance(model, GaussianMixture):
        W = as_weights(W, model.d)
        Kp, mp, _, ip, _ = _kernel_component(W, model.Sigma - model.Delta, act, kmax)
        Km, mm, _, im, _ = _kernel_component(W, model.Sigma + model.Delta, act, kmax)
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

def _tri_solve(L: np.ndarray, y: np.ndarray, *, lower: bool, bs: int = 256) -> np.ndarray:
    """Blocked forward (lower) or backward (upper = Lᵀ) substitution with L lower-triangular."""
    N = L.shape[0]
    x = np.array(y, dtype=float, copy=True)
    if lower:
        for s in range(0, N, bs):
            e = min(N, s + bs)
            if s:
                x[s:e] -= L[s:e, :s] @ x[:s]
            x[s:e] = np.linalg.solve(L[s:e, s:e], x[s:e])
    else:
        starts = list(range(0, N, bs))
        for s in reversed(starts):
            e = min(N, s + bs)
            if e < N:
                x[s:e] -= L[e:, s:e].T @ x[e:]
            x[s:e] = np.linalg.solve(L[s:e, s:e].T, x[s:e])
    return x


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


def _psd_solve(K: np.ndarray, b: np.ndarray, accept: float, rel_cut: float = 0.0):
    """A = K⁺b for a symmetric PSD K: (coef, bᵀK⁺b, rank, method, round-off bound).

    Cholesky + blocked triangular solves, accepted if finite with round-off bound
    N·ε·Tr(K)·‖a‖² + 4Nε·bᵀa ≤ ``accept``; otherwise ``eigh`` with eigenvalues
    ≤ max(10Nε, rel_cut)·λ_max dropped.
    """
    N = K.shape[0]
    trK = float(np.trace(K))
    try:
        L = np.linalg.cholesky(K)
        z = _tri_solve(L, b, lower=True)
        coef = _tri_solve(L, z, lower=False)
        quad = float(z @ z)
        fp = N * _EPS * trK * float(coef @ coef) + 4 * N * _EPS * quad
        if np.all(np.isfinite(coef)) and fp <= accept:
            return coef, quad, N, "cholesky", fp
    except np.linalg.LinAlgError:
        pass
    lam, V = np.linalg.eigh(K)
    lmax = float(max(lam[-1], 0.0))
    keep = lam > max(10 * N * _EPS, rel_cut) * lmax
    z = V[:, keep].T @ b
    w = z / lam[keep]
    coef = V[:, keep] @ w
    quad = float(z @ w)
    fp = N * _EPS * trK * float(coef @ coef) + 4 * N * _EPS * quad
    return coef, quad, int(keep.sum()), "eigh", fp


def _solve_normal_equations(A: np.ndarray, c: np.ndarray, yy: float) -> np.ndarray:
    """Least-squares coefficients from the empirical normal equations A a = c (A PSD); ``yy`` is
    the empirical mean of y², the scale of cᵀA⁺c (Cholesky accepted at round-off ≤ 1e-8·yy).
    """
    coef, *_ = _psd_solve(A, c, _CHOL_ACCEPT * max(yy, 1e-300))
    return coef


def _solve(K: np.ndarray, b: np.ndarray, norm2: float, trunc_fro: float, kmax):
    lmax_rel = trunc_fro / max(float(np.max(np.diag(K))), 1e-300) if K.size else 0.0
    coef, quad, rank, method, fp = _psd_solve(K, b, _CHOL_ACCEPT * max(norm2, 1e-300), lmax_rel)
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


def rf_risk_quadratic(W: ArrayLike, target: QuadraticTarget, activation: ActivationLike = "x^2-1",
                      *, kmax: int | None = None) -> float:
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

    Returns
    -------
    float
        The raw risk, in :math:`[0, \|f_*\|^2]`; divide by ``target.norm2`` (or use
        :func:`rf_risk_quadratic_normalized`) for the normalisation of eqs. (10)–(13).

    Raises
    ------
    AssumptionError
        W not d×N / not finite, unknown activation, activation violating A1.
    """
    target = as_target(target, "the RF risk for the quadratic target")
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


def rf_risk_mixture(W: ArrayLike, mixture: GaussianMixture, activation: ActivationLike = "x^2-1",
                    *, kmax: int | None = None) -> float:
    r"""Population RF risk for the Gaussian mixture (mg), Theorem 4 (eq. (15)) at finite d.

    .. math::

        R_{RF,N}(\mathbb P_{\Sigma,\Delta}) = \min_a E\big[(y - \textstyle\sum_i
        a_i\sigma(\langle w_i,x\rangle))^2\big] = 1 - b^\top K^+ b,

    with :math:`K = \tfrac12(K^{(\Sigma-\Delta)} + K^{(\Sigma+\Delta)})` and
    :math:`b_i = \tfrac12(E_{\Sigma-\Delta}\sigma(\langle w_i,x\rangle) -
    E_{\Sigma+\Delta}\sigma(\langle w_i,x\rangle))`. Since :math:`E y^2 = 1` the trivial
    predictor has risk 1 and the value lies in [0, 1]. Parameters as :func:`rf_risk_quadratic`.
    """
    mixture = as_mixture(mixture, "the RF risk for the mixture")
    return rf_solve(W, mixture, activation, kmax=kmax).risk


def rf_risk(W: ArrayLike, model: QuadraticTarget | GaussianMixture,
            activation: ActivationLike = "x^2-1", *, kmax: int | None = None) -> float:
    """Raw population RF risk for either model (dispatches to the two functions above)."""
    check_type(isinstance(model, (QuadraticTarget, GaussianMixture)), "model",
               "a QuadraticTarget (qf) or a GaussianMixture (mg)", model)
    if isinstance(model, GaussianMixture):
        return rf_risk_mixture(W, model, activation, kmax=kmax)
    return rf_risk_quadratic(W, model, activation, kmax=kmax)

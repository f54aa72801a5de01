r"""The population kernels of the random-features class (eq. (2)) for one first-layer W.

For :math:`u_i = \langle w_i, x\rangle`, :math:`x\sim N(0, C)`, the entries
:math:`K_{ij} = E[\sigma(u_i)\sigma(u_j)]` and the means :math:`E\sigma(u_i)`, by closed forms
(quadratic activations by Isserlis; ReLU, |u| and erf(u/√2) by the arc-cosine / arcsin kernels)
or by the norm-dependent Hermite (Mehler) series with an a-posteriori truncation bound. The
formulas, the truncation bound and the automatic order are stated in :mod:`lazysym.rf.exact`,
which assembles these kernels into the exact RF risk; :mod:`lazysym.rf.montecarlo` uses the
resolved activations to sample features.

Public helpers (not re-exported by :mod:`lazysym.rf`): :class:`ResolvedActivation`,
:func:`resolve_activation`, :func:`activation_numpy`, :func:`kernel_component`, :func:`mu2`,
:func:`check_activation_a1`, :func:`erf_vectorized`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike

from lazysym._validate import (
    as_finite_array,
    as_symmetric,
    as_weights,
    nonnegative_int,
    positive_int,
)
from lazysym.errors import AssumptionError, ConvergenceError, check

if TYPE_CHECKING:  # the activations (SymPy) are imported where they are needed, not on import
    from lazysym.objects.activations import Activation, ActivationLike

__all__ = [
    "ResolvedActivation", "resolve_activation", "activation_numpy", "kernel_component", "mu2",
    "check_activation_a1", "erf_vectorized", "KMAX_CAP", "SERIES_RTOL",
]

#: Largest Hermite order the automatic choice of ``kmax`` will use.
KMAX_CAP = 120
#: Relative accuracy (w.r.t. max_i K_ii) that the automatic ``kmax`` must certify.
SERIES_RTOL = 1e-10
#: Target of the automatic kmax rule ρ^(kmax+1) ≤ _SERIES_TARGET.
_SERIES_TARGET = 1e-13
_EPS = float(np.finfo(float).eps)
_CLOSED = ("quadratic", "relu", "abs", "erf")


@dataclass(frozen=True)
class ResolvedActivation:
    """Resolved activation: ``kind`` ∈ {"quadratic", "relu", "abs", "erf", "series"}.

    For the closed forms σ = σ₀ + ``offset`` with σ₀ = u², max(u, 0), |u| or erf(u/√2).
    """

    kind: str
    offset: float
    obj: Activation
    label: str = ""


def erf_vectorized(x: np.ndarray) -> np.ndarray:
    """Vectorised erf (numpy has none) to ≲ 1e-14 absolute: Taylor series for |x| < 2.5, the
    Laplace continued fraction for erfc beyond (tested against ``math.erf``: max error 7e-15).
    """
    x = as_finite_array(x, "x")
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


def resolve_activation(activation: ActivationLike | ResolvedActivation, *,
                       series: bool = False) -> ResolvedActivation:
    """Map a name or Activation to its kernel method (closed form when σ = σ₀ + const)."""
    if isinstance(activation, ResolvedActivation):
        return activation
    if isinstance(activation, str):
        return _resolve_name(activation, series)
    return _resolve_object(_as_activation(activation), series)


@lru_cache(maxsize=64)
def _resolve_name(name: str, series: bool) -> ResolvedActivation:
    return _resolve_object(_as_activation(name), series)


def _resolve_object(act: Activation, series: bool) -> ResolvedActivation:
    if not series:
        for kind, base in _closed_form_bases():
            diff = act.expr - base
            if not diff.free_symbols:
                try:
                    off = float(diff)
                except TypeError:  # pragma: no cover - non-numeric constant
                    continue
                return ResolvedActivation(kind, off, act, act.name)
    return ResolvedActivation("series", 0.0, act, act.name)


def activation_numpy(act: ActivationLike | ResolvedActivation) -> Callable[[np.ndarray], np.ndarray]:
    """σ as a vectorised numpy function (for sampling)."""
    act = resolve_activation(act)
    off = act.offset
    if act.kind == "quadratic":
        return lambda u: u * u + off
    if act.kind == "relu":
        return lambda u: np.maximum(u, 0.0) + off
    if act.kind == "abs":
        return lambda u: np.abs(u) + off
    if act.kind == "erf":
        return lambda u: erf_vectorized(u / _SQRT2) + off
    return act.obj.numeric


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


def _series_kernel(G, a, act: ResolvedActivation, kmax):
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


def kernel_component(W: ArrayLike, C: ArrayLike | None, act: ActivationLike | ResolvedActivation,
                     kmax: int | None) -> tuple:
    """(K, mean E σ(u_i), mu-or-None, info, norms a_i) for x ~ N(0, C) (C None means I)."""
    W = as_weights(W)
    if C is not None:
        C = as_symmetric(C, "C")
        check(C.shape[0] == W.shape[0], f"C must be d×d with d = {W.shape[0]}; got {C.shape}",
              assumption="C shape")
    act = resolve_activation(act)
    if kmax is not None:
        kmax = nonnegative_int(kmax, "kmax", cap="series_terms")
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


def check_activation_a1(act: ActivationLike | ResolvedActivation) -> None:
    """A1 for series activations (closed forms satisfy it): the growth certificate
    :func:`lazysym.objects.activations.check_a1_growth`, then
    :func:`lazysym.objects.hermite.check_a1`; successes are cached (the check is symbolic and
    takes ~0.5 s).
    """
    act = resolve_activation(act)
    if act.kind != "series" or act.obj in _A1_OK:
        return
    from lazysym.objects.activations import check_a1_growth  # noqa: PLC0415
    from lazysym.objects.hermite import check_a1  # noqa: PLC0415
    check_a1_growth(act.obj)     # square integrability, before any Hermite computation
    check_a1(act.obj)
    _A1_OK.add(act.obj)


def mu2(act: ActivationLike | ResolvedActivation, a: ArrayLike) -> np.ndarray:
    """μ₂(a) = E[σ(aG)(G²−1)] for the closed-form activations (scales a ≥ 0)."""
    act = resolve_activation(act)
    a = as_finite_array(a, "a")
    check(bool(np.all(a >= 0)), "the scales a must be ≥ 0", assumption="a ≥ 0")
    check(act.kind != "series", f"μ₂ has a closed form only for {', '.join(_CLOSED)}; "
          f"{act.label} needs the Hermite series", assumption="closed-form activation")
    if act.kind == "quadratic":
        return 2.0 * a * a
    if act.kind == "relu":
        return a / math.sqrt(2 * math.pi)       # E[relu(aG)(G²−1)] = a(2/√(2π) − 1/√(2π))
    if act.kind == "abs":
        return a * math.sqrt(2 / math.pi)       # twice the ReLU value
    if act.kind == "erf":
        return np.zeros_like(a)                   # odd activation
    raise AssumptionError("internal: μ₂ requested for a series activation")  # pragma: no cover



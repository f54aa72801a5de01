r"""Random features (RF): the asymptotic risks of §2.1 (Theorem 1, Corollary 1) and §3.1
(Theorem 4) **as printed**, the symbolic links between them, and (re-exported from
:mod:`lazysym.rf_exact`) the exact finite-d RF risks they are checked against.

Three layers:

* **Printed expressions (SymPy).** :func:`eq10_expr`, :func:`eq11_expr`, :func:`eq12_expr`,
  :func:`eq13_rf_expr`, :func:`eq15_expr`, :func:`eq16_expr`, :func:`eq17_rf_expr` transcribe
  the paper's formulas once, in the symbols of :data:`SYMBOLS` (normalised risks, the
  :math:`o(1)` terms dropped). ``d``, :math:`\langle\Gamma,B\rangle` (``GB``),
  :math:`\|B\|_F^2` (``BF``) and :math:`\|\Gamma\|_F^2` (``GF``) are kept as separate symbols so the
  transcription reads as printed.
* **Derivations (SymPy, exact).** :func:`derive_hermite_quadratic` (λ's of x² − 1 from their
  definition), :func:`derive_psi_quadratic` (eq. (9)/(14) solved for λ₁ = 0),
  :func:`derive_corollary1` (eq. (12) from eq. (10)), :func:`derive_eq11` (ψ → ∞ in eq. (10)),
  :func:`derive_isotropic_limit` (the remark after (11)), :func:`derive_eq13_rf` (eq. (13)'s RF
  row from (12) with Γ = I/d), :func:`derive_eq16` (ψ → ∞ in (15)) and :func:`derive_eq17_rf`
  (eq. (17)'s RF row from (15) with Γ = I/d, Σ = I, σ = x² − 1). Each returns the derived
  expression; the tests compare it with the printed one.
* **Numeric formulas (mpmath, at ``dps``).** :func:`theorem1_risk` (eq. (10)),
  :func:`theorem1_limit` (eq. (11)), :func:`corollary1_risk` (eq. (12)), :func:`eq13_rf_risk`,
  :func:`theorem4_risk` (eq. (15)), :func:`theorem4_limit` (eq. (16)), :func:`eq17_rf_risk`, each
  the lambdified printed expression evaluated inside ``mpmath.workdps(dps + guard)``, after the
  theorem's assumptions are checked (A1, A2, B2, M1, λ₀ = 0, E f* = 0, ρ > 0). ψ comes from
  :func:`lazysym.fixed_point.solve_psi` with the finite-d spectrum (ESD of d·Γ, resp.
  d·Γ^{1/2}ΣΓ^{1/2}) standing in for its limit 𝒟.

Findings recorded here (see the claims in ``proofs_check/claims/s2_1_random_features.py``,
``s3_1_random_features.py``):

* eq. (17)'s RF row does **not** follow from Theorem 4: with Γ = I/d, Σ = I, σ = x² − 1 one gets
  ψ = ρ/2, λ₂ = 2, ζ₁ = 1/2, ζ₂ = Tr(Δ)²/(4d), and (15) becomes
  :math:`1/(1 + \frac{\rho}{1+\rho}\frac{\mathrm{Tr}(\Delta)^2}{2d})`, not
  :math:`\frac{\rho}{1+2\rho}` (:func:`eq17_rf_corrected_expr`, :func:`eq17_rf_risk_corrected`).
* the ρ → ∞ limits (11) and (16) need λ₂ ≠ 0: for λ₂ = 0 (any odd σ, e.g. tanh, erf) eqs. (10)
  and (15) equal 1 at every ρ — and so does the exact finite-d risk, since odd features are
  orthogonal to the even targets (:func:`theorem1_limit_corrected`,
  :func:`theorem4_limit_corrected`).
* Theorem 4's "assume without loss of generality λ₀ = 0" is not w.l.o.g. for RF, which has no
  offset (eq. (2)): for σ = u² + c₀ with c₀ ≠ −1 the exact mg RF risk tends to 1. The numeric
  functions here therefore check λ₀ = 0 as an assumption for Theorem 4 as for Theorem 1.

Input matrices are float64; their trace invariants are computed in float64 (relative error of
order d·ε) and then enter the mpmath evaluation, so ``dps`` controls the evaluation of ψ and of
the formula, not the input. For arbitrary-precision input use :func:`theorem1_risk_from_data` /
:func:`theorem4_risk_from_data`, which take the scalars directly.
"""

from __future__ import annotations

import hashlib
import numbers
from collections import OrderedDict
from fractions import Fraction
from functools import lru_cache
from types import SimpleNamespace

import mpmath
import numpy as np
import sympy as sp

from ._validate import as_mpf, as_symmetric, check_dps, check_psd
from .errors import AssumptionError, check
from .models import GaussianMixture, QuadraticTarget
from .rf_exact import (RFSolution, rf_features, rf_gram, rf_optimal_coefficients, rf_risk,
                       rf_risk_mixture, rf_risk_quadratic, rf_risk_quadratic_normalized,
                       rf_solve)

__all__ = [
    # symbols and printed expressions
    "SYMBOLS", "eq9_residual", "eq10_expr", "eq11_expr", "isotropic_remark_expr", "eq12_expr",
    "eq13_rf_expr", "eq15_expr", "eq16_expr", "eq17_rf_expr", "eq17_rf_corrected_expr",
    "eq11_corrected_expr", "eq16_corrected_expr",
    # derivations
    "derive_hermite_quadratic", "derive_psi_quadratic", "psi_bounds", "derive_psi_diverges",
    "derive_corollary1", "derive_eq11", "derive_isotropic_limit", "derive_trace_zero",
    "derive_eq13_rf", "derive_eq16", "derive_eq17_rf",
    # numeric formulas
    "hermite_data", "theorem1_risk", "theorem1_risk_from_data", "theorem1_limit",
    "theorem1_limit_corrected", "isotropic_limit", "corollary1_risk", "eq13_rf_risk",
    "theorem4_zetas", "theorem4_risk", "theorem4_risk_from_data", "theorem4_limit",
    "theorem4_limit_corrected", "eq17_rf_risk", "eq17_rf_risk_corrected",
    # exact finite-d risks (from lazysym.rf_exact)
    "RFSolution", "rf_solve", "rf_gram", "rf_optimal_coefficients", "rf_risk",
    "rf_risk_quadratic", "rf_risk_quadratic_normalized", "rf_risk_mixture", "rf_features",
]

#: Extra decimal digits used inside ``mpmath.workdps`` on top of the caller's ``dps``.
_GUARD = 10

# =============================================================================================
# symbols and printed expressions
# =============================================================================================

_rho = sp.Symbol("rho", positive=True)
_psi = sp.Symbol("psi", positive=True)
_l1 = sp.Symbol("lambda_1", real=True)
_l2 = sp.Symbol("lambda_2", real=True)
_lt = sp.Symbol("lambdatilde", positive=True)
_d = sp.Symbol("d", positive=True, integer=True)
_GB = sp.Symbol("GB", real=True)          # ⟨Γ, B⟩
_BF = sp.Symbol("BF", positive=True)      # ‖B‖_F²
_GF = sp.Symbol("GF", positive=True)      # ‖Γ‖_F²
_trB = sp.Symbol("trB", real=True)        # Tr(B)
_z1 = sp.Symbol("zeta_1", positive=True)
_z2 = sp.Symbol("zeta_2", nonnegative=True)
_trD = sp.Symbol("trDelta", real=True)    # Tr(Δ)
_t = sp.Symbol("t", nonnegative=True)
_Dens = sp.Function("D")                  # density of the limiting spectral law 𝒟

#: The symbols of the printed expressions: ``rho`` (ρ = N/d), ``psi`` (ψ of eq. (9)/(14)),
#: ``lambda1``, ``lambda2``, ``lambda_tilde`` (Hermite data), ``d``, ``GB`` = ⟨Γ, B⟩,
#: ``BF`` = ‖B‖²_F, ``GF`` = ‖Γ‖²_F, ``trB`` = Tr B, ``zeta1``, ``zeta2`` (Theorem 4),
#: ``trDelta`` = Tr Δ, ``t`` (spectral variable) and ``D`` (density of 𝒟, an undefined function).
SYMBOLS = SimpleNamespace(rho=_rho, psi=_psi, lambda1=_l1, lambda2=_l2, lambda_tilde=_lt, d=_d,
                          GB=_GB, BF=_BF, GF=_GF, trB=_trB, zeta1=_z1, zeta2=_z2, trDelta=_trD,
                          t=_t, D=_Dens)


def eq9_residual() -> sp.Expr:
    r"""Eq. (9) (= eq. (14)) as ``lhs − rhs``, which vanishes at ψ:

    .. math:: -\tilde\lambda + \frac{\rho}{\psi} - \int\frac{\lambda_1^2 t}{1+\lambda_1^2t\psi}\,\mathcal D(dt).

    𝒟 is written with an undefined density ``D(t)`` on [0, ∞).
    """
    integral = sp.Integral(_l1**2 * _t / (1 + _l1**2 * _t * _psi) * _Dens(_t), (_t, 0, sp.oo))
    return -_lt + _rho / _psi - integral


def eq10_expr() -> sp.Expr:
    r"""Theorem 1, eq. (10), normalised (:math:`R_{RF,N}/\|f_*\|^2`, :math:`o(1)` dropped):

    .. math:: 1 - \frac{\psi\lambda_2^2\, d\langle\Gamma,B\rangle^2}
                       {\|B\|_F^2\,(2 + \psi\lambda_2^2\, d\|\Gamma\|_F^2)}.
    """
    return 1 - _psi * _l2**2 * _d * _GB**2 / (_BF * (2 + _psi * _l2**2 * _d * _GF))


def eq11_expr() -> sp.Expr:
    r"""Theorem 1, eq. (11) (right-hand side, at finite d):
    :math:`1 - \langle\Gamma,B\rangle^2/(\|\Gamma\|_F^2\|B\|_F^2)`."""
    return 1 - _GB**2 / (_GF * _BF)


def eq11_corrected_expr(lambda2_is_zero: bool) -> sp.Expr:
    """The ρ → ∞ limit of eq. (10) as it actually is: eq. (11) if λ₂ ≠ 0, and 1 if λ₂ = 0."""
    return sp.Integer(1) if lambda2_is_zero else eq11_expr()


def isotropic_remark_expr() -> sp.Expr:
    r"""The remark after eq. (11): for isotropic features the RHS of (11) is
    :math:`1 - \mathrm{Tr}(B)^2/(d\|B\|_F^2)`."""
    return 1 - _trB**2 / (_d * _BF)


def eq12_expr() -> sp.Expr:
    r"""Corollary 1, eq. (12), normalised:
    :math:`1 - \rho d\langle B,\Gamma\rangle^2/(\|B\|_F^2(1 + \rho d\|\Gamma\|_F^2))`."""
    return 1 - _rho * _d * _GB**2 / (_BF * (1 + _rho * _d * _GF))


def eq13_rf_expr() -> sp.Expr:
    r"""Eq. (13), RF row: :math:`1 - \frac{\rho}{1+\rho}\frac{\mathrm{Tr}(B)^2}{d\|B\|_F^2}`."""
    return 1 - _rho / (1 + _rho) * _trB**2 / (_d * _BF)


def eq15_expr() -> sp.Expr:
    r"""Theorem 4, eq. (15): :math:`\frac{1 + \zeta_1\lambda_2^2\psi}{1 + (\zeta_1+\zeta_2)\lambda_2^2\psi}`
    with :math:`\zeta_1 = d\,\mathrm{Tr}(\Sigma\Gamma\Sigma\Gamma)/2`,
    :math:`\zeta_2 = d\,\mathrm{Tr}(\Delta\Gamma)^2/4`."""
    return (1 + _z1 * _l2**2 * _psi) / (1 + (_z1 + _z2) * _l2**2 * _psi)


def eq16_expr() -> sp.Expr:
    r"""Theorem 4, eq. (16): :math:`\zeta_{1,*}/(\zeta_{1,*}+\zeta_{2,*})` (ζ symbols reused)."""
    return _z1 / (_z1 + _z2)


def eq16_corrected_expr(lambda2_is_zero: bool) -> sp.Expr:
    """The ρ → ∞ limit of eq. (15) as it actually is: eq. (16) if λ₂ ≠ 0, and 1 if λ₂ = 0."""
    return sp.Integer(1) if lambda2_is_zero else eq16_expr()


def eq17_rf_expr() -> sp.Expr:
    r"""Eq. (17), RF row, as printed:
    :math:`1\big/\big(1 + \frac{\rho}{1+2\rho}\cdot\frac{\mathrm{tr}(\Delta)^2}{2d}\big)`."""
    return 1 / (1 + _rho / (1 + 2 * _rho) * _trD**2 / (2 * _d))


def eq17_rf_corrected_expr() -> sp.Expr:
    r"""Eq. (17)'s RF row as it follows from eq. (15) (see :func:`derive_eq17_rf`):
    :math:`1\big/\big(1 + \frac{\rho}{1+\rho}\cdot\frac{\mathrm{Tr}(\Delta)^2}{2d}\big)`."""
    return 1 / (1 + _rho / (1 + _rho) * _trD**2 / (2 * _d))


# =============================================================================================
# derivations
# =============================================================================================

def derive_hermite_quadratic() -> dict:
    r"""Hermite data of σ(x) = x² − 1 from the definitions (Theorem 1), by SymPy integration:
    :math:`\lambda_k = \int \sigma\,\mathrm{He}_k\,\varphi`, :math:`\tilde\lambda = E\sigma^2 - \lambda_1^2`.

    Returns ``{"lambda0": 0, "lambda1": 0, "lambda2": 2, "lambda_tilde": 2}`` (SymPy numbers).
    """
    g = sp.Symbol("g", real=True)
    phi = sp.exp(-g**2 / 2) / sp.sqrt(2 * sp.pi)
    sigma = g**2 - 1
    E = lambda f: sp.simplify(sp.integrate(f * phi, (g, -sp.oo, sp.oo)))  # noqa: E731
    lam = [E(sigma * sp.hermite_prob(k, g)) for k in range(3)]
    return {"lambda0": lam[0], "lambda1": lam[1], "lambda2": lam[2],
            "lambda_tilde": sp.simplify(E(sigma**2) - lam[1]**2)}


def derive_psi_quadratic(lambda_tilde=None) -> sp.Expr:
    r"""ψ from eq. (9)/(14) when λ₁ = 0: the integral vanishes and :math:`\psi = \rho/\tilde\lambda`.

    With the default ``lambda_tilde=None`` the value of σ = x² − 1 (λ̃ = 2, derived) is used:
    ψ = ρ/2 (Corollary 1). Solved with ``sympy.solve``; the unique positive root is returned.
    """
    herm = derive_hermite_quadratic()
    lt = herm["lambda_tilde"] if lambda_tilde is None else sp.sympify(lambda_tilde)
    eq = eq9_residual().subs({_l1: herm["lambda1"], _lt: lt}).doit()
    sols = [s for s in sp.solve(sp.Eq(eq, 0), _psi) if s.is_positive is not False]
    if len(sols) != 1:  # pragma: no cover - the λ₁ = 0 equation is linear in 1/ψ
        raise AssumptionError(f"eq. (9) with λ₁ = 0 did not give a unique ψ > 0: {sols}",
                              assumption="ψ > 0 unique")
    return sp.simplify(sols[0])


def psi_bounds(rho, lambda1, lambda_tilde):
    r"""Bounds on the solution ψ of eq. (9)/(14) when ∫ t 𝒟(dt) = 1 (A2 / B2):

    .. math:: \frac{\rho}{\tilde\lambda + \lambda_1^2} \le \psi \le \frac{\rho}{\tilde\lambda}.

    Proof: :math:`0 \le \lambda_1^2t/(1+\lambda_1^2t\psi) \le \lambda_1^2 t` for t ≥ 0, so (9)
    gives :math:`\tilde\lambda \le \rho/\psi \le \tilde\lambda + \lambda_1^2`. In particular
    ψ → ∞ as ρ → ∞ (used by :func:`derive_eq11`, :func:`derive_eq16`). Works on SymPy and
    mpmath/float inputs alike; returns ``(lower, upper)``.
    """
    return rho / (lambda_tilde + lambda1**2), rho / lambda_tilde


def derive_psi_diverges() -> sp.Expr:
    r"""``limit(lower bound of ψ, ρ → ∞)`` from :func:`psi_bounds` — SymPy returns ``oo``."""
    lo, _ = psi_bounds(_rho, _l1, _lt)
    return sp.limit(lo, _rho, sp.oo)


def derive_corollary1() -> sp.Expr:
    """Eq. (12) derived from eq. (10): substitute σ = x² − 1 (λ₂ = 2, derived) and
    ψ = ρ/2 (:func:`derive_psi_quadratic`) into :func:`eq10_expr`, then simplify."""
    herm = derive_hermite_quadratic()
    out = eq10_expr().subs({_l2: herm["lambda2"], _psi: derive_psi_quadratic()})
    return sp.simplify(sp.factor(out))


def derive_eq11(lambda2=None) -> sp.Expr:
    r"""The ρ → ∞ limit of eq. (10): ψ → ∞ (:func:`derive_psi_diverges`), so take
    ``limit(eq10, ψ → ∞)``.

    ``lambda2=None`` treats λ₂ as a nonzero symbol (only λ₂² enters) and gives eq. (11);
    ``lambda2=0`` (any odd σ) substitutes first and gives 1, not eq. (11).
    """
    e = eq10_expr()
    if lambda2 is None:
        l2sq = sp.Symbol("lambda_2sq", positive=True)
        e = e.subs(_l2**2, l2sq)
    else:
        e = e.subs(_l2, sp.sympify(lambda2))
    return sp.simplify(sp.limit(e, _psi, sp.oo))


def _trace(M) -> sp.Expr:
    """Trace of a matrix expression, evaluated for identity-only products (via Sum)."""
    t = sp.trace(M)
    if not t.has(sp.MatrixSymbol):
        t = t.rewrite(sp.Sum).doit()
    return sp.simplify(t)


def _isotropic_substitutions():
    r"""⟨Γ,B⟩ and ‖Γ‖²_F for Γ = I/d, computed from matrix expressions (MatrixSymbol B)."""
    B = sp.MatrixSymbol("B", _d, _d)
    Gam = sp.Identity(_d) / _d
    GB = _trace(Gam.T * B).subs(sp.Trace(B), _trB)
    GF = _trace(Gam.T * Gam)
    return {_GB: GB, _GF: GF}


def derive_isotropic_limit() -> sp.Expr:
    """The remark after eq. (11): substitute Γ = I/d (⟨Γ,B⟩ = Tr B/d, ‖Γ‖²_F = 1/d, computed)
    into eq. (11)."""
    return sp.simplify(eq11_expr().subs(_isotropic_substitutions()))


def derive_trace_zero() -> sp.Expr:
    """The remark "no better than f = 0 if Tr B = 0": eq. (10) with Γ = I/d and Tr B = 0 — it is
    identically 1, at every ρ (ψ and λ₂ left symbolic)."""
    return sp.simplify(eq10_expr().subs(_isotropic_substitutions()).subs(_trB, 0))


def derive_eq13_rf() -> sp.Expr:
    """Eq. (13)'s RF row from eq. (12) with Γ = I/d (trace invariants computed)."""
    return sp.simplify(eq12_expr().subs(_isotropic_substitutions()))


def derive_eq16(lambda2=None) -> sp.Expr:
    """The ρ → ∞ limit of eq. (15): ``limit(eq15, ψ → ∞)``; λ₂ ≠ 0 by default (gives (16)),
    ``lambda2=0`` gives 1."""
    e = eq15_expr()
    if lambda2 is None:
        e = e.subs(_l2**2, sp.Symbol("lambda_2sq", positive=True))
    else:
        e = e.subs(_l2, sp.sympify(lambda2))
    return sp.simplify(sp.limit(e, _psi, sp.oo))


def derive_eq17_rf() -> sp.Expr:
    r"""Eq. (17)'s RF row derived from eq. (15) with Γ = I/d, Σ = I, σ = x² − 1.

    ζ₁ = d Tr(ΣΓΣΓ)/2 and ζ₂ = d Tr(ΔΓ)²/4 are computed from matrix expressions
    (ζ₁ = 1/2, ζ₂ = Tr(Δ)²/(4d)); λ₂ = 2 and ψ = ρ/2 are derived (λ₁ = 0). The result,
    :math:`(1+\rho)/(1+\rho+\rho\,\mathrm{Tr}(\Delta)^2/(2d))`, equals
    :func:`eq17_rf_corrected_expr` and differs from the printed :func:`eq17_rf_expr`.
    """
    Delta = sp.MatrixSymbol("Delta", _d, _d)
    I = sp.Identity(_d)
    Gam = I / _d
    z1 = sp.simplify(_d * _trace(I * Gam * I * Gam) / 2)
    z2 = sp.simplify(_d * _trace(Delta * Gam).subs(sp.Trace(Delta), _trD) ** 2 / 4)
    herm = derive_hermite_quadratic()
    out = eq15_expr().subs({_z1: z1, _z2: z2, _l2: herm["lambda2"], _psi: derive_psi_quadratic()})
    return sp.simplify(sp.factor(out))


# =============================================================================================
# numeric helpers
# =============================================================================================

@lru_cache(maxsize=None)
def _mpfun(which: str):
    table = {
        "eq10": (eq10_expr, (_psi, _l2, _d, _GB, _BF, _GF)),
        "eq11": (eq11_expr, (_GB, _BF, _GF)),
        "iso": (isotropic_remark_expr, (_trB, _d, _BF)),
        "eq12": (eq12_expr, (_rho, _d, _GB, _BF, _GF)),
        "eq13": (eq13_rf_expr, (_rho, _trB, _d, _BF)),
        "eq15": (eq15_expr, (_psi, _l2, _z1, _z2)),
        "eq16": (eq16_expr, (_z1, _z2)),
        "eq17": (eq17_rf_expr, (_rho, _trD, _d)),
        "eq17c": (eq17_rf_corrected_expr, (_rho, _trD, _d)),
    }
    fn, args = table[which]
    return sp.lambdify(args, fn(), modules="mpmath")


_to_mpf = as_mpf  # one converter for the package (lazysym._validate.as_mpf)


def _check_rho(rho, context: str) -> None:
    check(not isinstance(rho, bool) and isinstance(rho, (numbers.Real, mpmath.mpf, str, Fraction,
                                                         sp.Basic)),
          f"{context} needs a real ρ = N/d; got {rho!r}", assumption="ρ > 0")
    with mpmath.workdps(30):
        r = _to_mpf(rho, "ρ")
    check(mpmath.isfinite(r) and r > 0, f"{context} assumes ρ = N/d > 0; got {rho}",
          assumption="ρ > 0", fix="pass the ratio N/d of neurons to dimension, ρ > 0")


def _centred_B(target, context: str, tol: float) -> np.ndarray:
    """B of a centred quadratic target (a QuadraticTarget, checked E f* = 0, or a matrix B)."""
    if isinstance(target, QuadraticTarget):
        scale = max(1.0, abs(float(np.trace(target.B))), abs(target.b0))
        check(abs(target.mean) <= tol * scale,
              f"{context} assumes a centred target E f* = b₀ + Tr B = 0; got {target.mean:.6g}",
              assumption="E f* = 0", fix="use QuadraticTarget(B) (b0=None centres it)")
        B = target.B
    else:
        B = as_symmetric(target, "B")
    check(float(np.sum(B * B)) > 0, f"{context} normalises by ‖f*‖² = 2‖B‖²_F; got B = 0",
          assumption="f* ≠ 0")
    return B


def _gamma(Gamma, d: int) -> np.ndarray:
    G = as_symmetric(Gamma, "Γ")
    check(G.shape == (d, d), f"Γ must be d×d with d = {d}; got shape {G.shape}",
          assumption="Γ shape")
    check_psd(G, "Γ", assumption="Γ ⪰ 0 (a covariance)", context="w_i ~ N(0, Γ)")
    return G


def _a2(Gamma, tol: float) -> None:
    from .spectra import check_a2  # noqa: PLC0415
    check_a2(Gamma, tol)


def _b2(Gamma, Sigma, tol: float) -> None:
    from .spectra import check_b2  # noqa: PLC0415
    check_b2(Gamma, Sigma, tol)




def _activation(act):
    """An Activation from a name, an expression in x (``"x^2-1"``) or an Activation: the
    package's one resolver, :func:`lazysym.activations.activation`."""
    from .activations import activation  # noqa: PLC0415
    return activation(act)


_CACHE_SIZE = 64
_SPECTRA: OrderedDict = OrderedDict()


def _matrix_key(*arrays) -> tuple:
    return tuple((a.shape, hashlib.sha1(np.ascontiguousarray(a).tobytes()).hexdigest())
                 for a in arrays)


def _cached_spectrum(kind: str, G: np.ndarray, Sigma=None, tol: float = 1e-8):
    """ESD of d·Γ (``kind="a2"``) or d·Γ^{1/2}ΣΓ^{1/2} (``"b2"``), memoised on the matrices'
    bytes: the claims evaluate the same formula (and its perturbations) at the same Γ repeatedly.
    Only successful results are stored; the assumption checks run inside the first call."""
    from .spectra import spectrum_of_gamma, spectrum_of_gamma_sigma  # noqa: PLC0415
    key = (kind, tol) + _matrix_key(G, *(() if Sigma is None else (Sigma,)))
    if key in _SPECTRA:
        _SPECTRA.move_to_end(key)
        return _SPECTRA[key]
    spec = (spectrum_of_gamma(G, tol=tol) if kind == "a2"
            else spectrum_of_gamma_sigma(G, Sigma, tol=tol))
    _SPECTRA[key] = spec
    while len(_SPECTRA) > _CACHE_SIZE:
        _SPECTRA.popitem(last=False)
    return spec


def hermite_data(act, *, dps: int = 30, context: str = "Theorem 1") -> dict:
    r"""Check A1 and λ₀ = 0 for σ and return its Hermite data (Theorem 1 / Theorem 4).

    Parameters
    ----------
    act : str or Activation
        A name of :mod:`lazysym.activations` (also ``"x^2-1"``), or an Activation.
    dps : int
        Digits for the mpmath values (:func:`lazysym.hermite.hermite_coefficient`).

    Returns
    -------
    dict
        ``lambda0, lambda1, lambda2, lambda_tilde`` (mpf) and ``lambda2_is_zero`` (True only if
        λ₂ vanishes exactly, e.g. by the parity of σ).

    Raises
    ------
    AssumptionError
        A1 (σ linear or growing too fast); ``λ₀ = 0`` (σ not centred: Theorems 1 and 4 assume
        λ₀ = E σ(G) = 0, and the RF model has no offset).
    """
    dps = check_dps(dps)
    a = _activation(act)
    l0, l1, l2, lt = _hermite_values(a, dps)
    with mpmath.workdps(dps):
        ok0 = abs(l0) <= mpmath.mpf(10) ** (-(dps - 5))
    check(ok0, f"{context} assumes λ₀ = E σ(G) = 0 (centred activation); σ = {a.expr} has "
          f"λ₀ = {mpmath.nstr(l0, 8)}", assumption="λ₀ = 0",
          fix=f"centre the activation: σ(u) − {mpmath.nstr(l0, 8)} (e.g. 'relu_centered', "
              f"'quadratic_centered')")
    return {"lambda0": l0, "lambda1": l1, "lambda2": l2, "lambda_tilde": lt,
            "lambda2_is_zero": bool(l2 == 0), "activation": a}


@lru_cache(maxsize=32)
def _hermite_values(a, dps: int) -> tuple:
    """(λ₀, λ₁, λ₂, λ̃) of the Activation ``a`` at ``dps`` digits, after checking A1 (memoised:
    quadrature at high precision costs about a second per activation)."""
    from .hermite import check_a1, hermite_coefficient, lambda_tilde  # noqa: PLC0415
    check_a1(a)
    return (hermite_coefficient(a, 0, dps=dps), hermite_coefficient(a, 1, dps=dps),
            hermite_coefficient(a, 2, dps=dps), lambda_tilde(a, dps=dps))


def _solve_psi(rho, l1, lt, spectrum, dps):
    from .fixed_point import solve_psi  # noqa: PLC0415
    return solve_psi(rho, l1, lt, spectrum, dps=dps).value


def _qf_invariants(B: np.ndarray, G: np.ndarray) -> tuple:
    """(d, ⟨Γ,B⟩, ‖B‖²_F, ‖Γ‖²_F) in float64."""
    return (B.shape[0], float(np.sum(G * B)), float(np.sum(B * B)), float(np.sum(G * G)))


# =============================================================================================
# numeric formulas: §2.1
# =============================================================================================

def theorem1_risk_from_data(rho, lambda1, lambda2, lambda_tilde, spectrum, d_gb2, b_f2, d_g_f2,
                            *, dps: int = 30):
    r"""Theorem 1, eq. (10), normalised, from its scalar ingredients.

    .. math:: \frac{R_{RF,N}}{\|f_*\|^2} \approx 1 - \frac{\psi\lambda_2^2\, d\langle\Gamma,B\rangle^2}
              {\|B\|_F^2(2 + \psi\lambda_2^2\, d\|\Gamma\|_F^2)},
              \quad \psi \text{ from eq. (9)}.

    Parameters
    ----------
    rho : real > 0
        ρ = N/d.
    lambda1, lambda2, lambda_tilde : real
        Hermite data of σ (:func:`hermite_data`); λ̃ > 0 (A1).
    spectrum : lazysym.spectra.Atoms
        𝒟, the (limiting) spectral law of d·Γ (mean 1 under A2).
    d_gb2, b_f2, d_g_f2 : real
        :math:`d\langle\Gamma,B\rangle^2 \ge 0`, :math:`\|B\|_F^2 > 0`, :math:`d\|\Gamma\|_F^2 > 0`.
    dps : int
        Digits; everything runs inside ``mpmath.workdps(dps + 10)``.

    Returns
    -------
    mpmath.mpf
    """
    dps = check_dps(dps)
    _check_rho(rho, "Theorem 1")
    with mpmath.workdps(dps + _GUARD):
        l1 = _to_mpf(lambda1, "λ₁")
        l2 = _to_mpf(lambda2, "λ₂")
        lt = _to_mpf(lambda_tilde, "λ̃")
        X = _to_mpf(d_gb2, "d⟨Γ,B⟩²")
        Y = _to_mpf(b_f2, "‖B‖²_F")
        Z = _to_mpf(d_g_f2, "d‖Γ‖²_F")
        check(lt > 0, f"Theorem 1 needs λ̃ = E σ² − λ₁² > 0 (σ nonlinear, A1); got {lt}",
              assumption="A1")
        check(X >= 0, f"d⟨Γ,B⟩² must be ≥ 0; got {X}", assumption="d⟨Γ,B⟩² ≥ 0")
        check(Y > 0, f"‖B‖²_F must be > 0; got {Y}", assumption="f* ≠ 0")
        check(Z > 0, f"d‖Γ‖²_F must be > 0; got {Z}", assumption="Γ ≠ 0")
        psi = _solve_psi(_to_mpf(rho, "ρ"), l1, lt, spectrum, dps + _GUARD)
        # eq10 in (ψ, λ₂, d, GB, BF, GF) with d = 1, GB = √X, GF = Z reproduces d⟨Γ,B⟩² = X etc.
        return _mpfun("eq10")(psi, l2, mpmath.mpf(1), mpmath.sqrt(X), Y, Z)


def theorem1_risk(B, Gamma, rho, activation="x^2-1", *, dps: int = 30, tol: float = 1e-8):
    r"""Theorem 1, eq. (10): the normalised RF risk :math:`R_{RF,N}(f_*)/\|f_*\|_{L^2}^2`.

    .. math:: 1 - \frac{\psi\lambda_2^2\, d\langle\Gamma,B\rangle^2}
              {\|B\|_F^2(2 + \psi\lambda_2^2\, d\|\Gamma\|_F^2)},\qquad
              -\tilde\lambda = -\frac{\rho}{\psi} + \int\frac{\lambda_1^2t}{1+\lambda_1^2t\psi}\mathcal D(dt)
              \quad\text{(9)}.

    Parameters
    ----------
    B : array (d, d) or QuadraticTarget
        The target :math:`f_* = \langle x, Bx\rangle - \mathrm{Tr}B` (a QuadraticTarget must be
        centred, E f* = 0).
    Gamma : array (d, d)
        Covariance of the weights, w_i ~ N(0, Γ); A2: Tr Γ = 1 (checked to ``tol``).
    rho : real > 0
        ρ = N/d.
    activation : str or Activation
        σ, satisfying A1 and λ₀ = 0 (checked).
    dps : int
        Digits of the mpmath evaluation (ψ and the formula).
    tol : float
        Tolerance of the A2 check (float64 input).

    Returns
    -------
    mpmath.mpf
        The printed asymptotic value at this d (the finite-d ESD of d·Γ stands for 𝒟).

    Raises
    ------
    AssumptionError
        E f* = 0, A2, Γ ⪰ 0, A1, λ₀ = 0, ρ > 0.
    """
    dps = check_dps(dps)
    B = _centred_B(B, "Theorem 1", tol)
    G = _gamma(Gamma, B.shape[0])
    _a2(G, tol)
    _check_rho(rho, "Theorem 1")
    h = hermite_data(activation, dps=dps + _GUARD, context="Theorem 1")
    d, gb, bf, gf = _qf_invariants(B, G)
    return theorem1_risk_from_data(rho, h["lambda1"], h["lambda2"], h["lambda_tilde"],
                                   _cached_spectrum("a2", G, tol=tol), d * gb * gb, bf, d * gf,
                                   dps=dps)


def theorem1_limit(B, Gamma, *, dps: int = 30, tol: float = 1e-8):
    r"""Theorem 1, eq. (11), as printed (any σ): :math:`1 - \langle\Gamma,B\rangle^2/(\|\Gamma\|_F^2\|B\|_F^2)`
    at this d (the :math:`\lim_{d\to\infty}` of the right-hand side is the caller's sequence).

    Checks E f* = 0 and A2. See :func:`theorem1_limit_corrected` for λ₂ = 0.
    """
    dps = check_dps(dps)
    B = _centred_B(B, "Theorem 1", tol)
    G = _gamma(Gamma, B.shape[0])
    _a2(G, tol)
    _, gb, bf, gf = _qf_invariants(B, G)
    with mpmath.workdps(dps + _GUARD):
        return _mpfun("eq11")(mpmath.mpf(gb), mpmath.mpf(bf), mpmath.mpf(gf))


def theorem1_limit_corrected(B, Gamma, activation, *, dps: int = 30, tol: float = 1e-8):
    """The ρ → ∞ limit of eq. (10) (:func:`derive_eq11`): eq. (11) if λ₂ ≠ 0, 1 if λ₂ = 0
    (e.g. odd σ). Checks E f* = 0, A2, A1, λ₀ = 0."""
    h = hermite_data(activation, dps=check_dps(dps), context="Theorem 1")
    value = theorem1_limit(B, Gamma, dps=dps, tol=tol)
    return mpmath.mpf(1) if h["lambda2_is_zero"] else value


def isotropic_limit(B, *, dps: int = 30, tol: float = 1e-8):
    r"""The remark after eq. (11): for Γ = I/d the RHS of (11) is :math:`1 - \mathrm{Tr}(B)^2/(d\|B\|_F^2)`."""
    dps = check_dps(dps)
    B = _centred_B(B, "Theorem 1", tol)
    with mpmath.workdps(dps + _GUARD):
        return _mpfun("iso")(mpmath.mpf(float(np.trace(B))), mpmath.mpf(B.shape[0]),
                             mpmath.mpf(float(np.sum(B * B))))


def corollary1_risk(B, Gamma, rho, *, dps: int = 30, tol: float = 1e-8):
    r"""Corollary 1, eq. (12) (σ = x² − 1), normalised:
    :math:`1 - \rho d\langle B,\Gamma\rangle^2/(\|B\|_F^2(1 + \rho d\|\Gamma\|_F^2))`.

    Checks E f* = 0, A2 (Tr Γ = 1, to ``tol``), Γ ⪰ 0, ρ > 0.
    """
    dps = check_dps(dps)
    B = _centred_B(B, "Corollary 1", tol)
    G = _gamma(Gamma, B.shape[0])
    _a2(G, tol)
    _check_rho(rho, "Corollary 1")
    d, gb, bf, gf = _qf_invariants(B, G)
    with mpmath.workdps(dps + _GUARD):
        return _mpfun("eq12")(_to_mpf(rho, "ρ"), mpmath.mpf(d), mpmath.mpf(gb), mpmath.mpf(bf),
                              mpmath.mpf(gf))


def eq13_rf_risk(B, rho, *, dps: int = 30, tol: float = 1e-8):
    r"""Eq. (13), RF row (σ = x² − 1, w_i ~ N(0, I/d)), normalised:
    :math:`1 - \frac{\rho}{1+\rho}\frac{\mathrm{Tr}(B)^2}{d\|B\|_F^2}`. Checks E f* = 0, ρ > 0."""
    dps = check_dps(dps)
    B = _centred_B(B, "eq. (13)", tol)
    _check_rho(rho, "eq. (13)")
    with mpmath.workdps(dps + _GUARD):
        return _mpfun("eq13")(_to_mpf(rho, "ρ"), mpmath.mpf(float(np.trace(B))),
                              mpmath.mpf(B.shape[0]), mpmath.mpf(float(np.sum(B * B))))


# =============================================================================================
# numeric formulas: §3.1
# =============================================================================================

def _mixture(mixture, context: str) -> GaussianMixture:
    if isinstance(mixture, tuple) and len(mixture) == 2:
        mixture = GaussianMixture(*mixture)   # validates M1 (Σ ≻ 0) and Σ ∓ Δ ≻ 0
    check(isinstance(mixture, GaussianMixture),
          f"{context} needs the mg model as a lazysym.models.GaussianMixture; got "
          f"{type(mixture).__name__}", assumption="mg model")
    s_min = float(np.linalg.eigvalsh(mixture.Sigma)[0])
    check(s_min > 0, f"{context} assumes Σ ≻ 0 (M1); smallest eigenvalue {s_min:.6g}",
          assumption="M1")
    return mixture


def theorem4_zetas(mixture, Gamma) -> tuple:
    r"""(ζ₁(d), ζ₂(d)) of Theorem 4 in float64: :math:`\zeta_1 = d\,\mathrm{Tr}(\Sigma\Gamma\Sigma\Gamma)/2`,
    :math:`\zeta_2 = d\,\mathrm{Tr}(\Delta\Gamma)^2/4`."""
    m = _mixture(mixture, "Theorem 4")
    G = _gamma(Gamma, m.d)
    SG = m.Sigma @ G
    z1 = m.d * float(np.sum(SG * SG.T)) / 2.0
    z2 = m.d * float(np.sum(m.Delta * G)) ** 2 / 4.0
    return z1, z2


def theorem4_risk_from_data(rho, lambda1, lambda2, lambda_tilde, spectrum, zeta1, zeta2, *,
                            dps: int = 30):
    r"""Theorem 4, eq. (15), from its scalars:
    :math:`\frac{1+\zeta_1\lambda_2^2\psi}{1+(\zeta_1+\zeta_2)\lambda_2^2\psi}`, ψ from eq. (14)
    with 𝒟 = ``spectrum`` (law of d·Γ^{1/2}ΣΓ^{1/2}). Returns an mpf."""
    dps = check_dps(dps)
    _check_rho(rho, "Theorem 4")
    with mpmath.workdps(dps + _GUARD):
        l1 = _to_mpf(lambda1, "λ₁")
        l2 = _to_mpf(lambda2, "λ₂")
        lt = _to_mpf(lambda_tilde, "λ̃")
        z1 = _to_mpf(zeta1, "ζ₁")
        z2 = _to_mpf(zeta2, "ζ₂")
        check(lt > 0, f"Theorem 4 needs λ̃ = E σ² − λ₁² > 0 (σ nonlinear, A1); got {lt}",
              assumption="A1")
        check(z1 > 0 and z2 >= 0, f"ζ₁ must be > 0 and ζ₂ ≥ 0; got {z1}, {z2}",
              assumption="ζ₁ > 0, ζ₂ ≥ 0")
        psi = _solve_psi(_to_mpf(rho, "ρ"), l1, lt, spectrum, dps + _GUARD)
        return _mpfun("eq15")(psi, l2, z1, z2)


def theorem4_risk(mixture, Gamma, rho, activation="x^2-1", *, dps: int = 30, tol: float = 1e-8):
    r"""Theorem 4, eq. (15): the RF risk for the Gaussian mixture (mg), E y² = 1.

    .. math:: R_{RF,N}(\mathbb P_{\Sigma,\Delta}) \approx
              \frac{1 + \zeta_1(d)\lambda_2^2\psi}{1 + (\zeta_1(d)+\zeta_2(d))\lambda_2^2\psi},
              \quad \zeta_1 = \tfrac d2\mathrm{Tr}(\Sigma\Gamma\Sigma\Gamma),\ 
              \zeta_2 = \tfrac d4\mathrm{Tr}(\Delta\Gamma)^2,

    with ψ from eq. (14) and 𝒟 the ESD of d·Γ^{1/2}ΣΓ^{1/2} at this d.

    Parameters
    ----------
    mixture : GaussianMixture or (Σ, Δ)
        Σ, Δ (M1: Σ ≻ 0, checked; M2 is a statement about d → ∞, see ``mixture.m2_scale``).
    Gamma : array (d, d)
        w_i ~ N(0, Γ); B2: Tr(ΓΣ) = 1 (checked to ``tol``).
    rho, activation, dps, tol :
        As :func:`theorem1_risk` (A1 and λ₀ = 0 checked).

    Returns
    -------
    mpmath.mpf
    """
    dps = check_dps(dps)
    m = _mixture(mixture, "Theorem 4")
    G = _gamma(Gamma, m.d)
    _b2(G, m.Sigma, tol)
    _check_rho(rho, "Theorem 4")
    h = hermite_data(activation, dps=dps + _GUARD, context="Theorem 4")
    z1, z2 = theorem4_zetas(m, G)
    return theorem4_risk_from_data(rho, h["lambda1"], h["lambda2"], h["lambda_tilde"],
                                   _cached_spectrum("b2", G, m.Sigma, tol=tol), z1, z2, dps=dps)


def theorem4_limit(mixture, Gamma, *, dps: int = 30, tol: float = 1e-8):
    r"""Theorem 4, eq. (16), as printed (any σ): :math:`\zeta_1/(\zeta_1+\zeta_2)` at this d.
    Checks M1 and B2. See :func:`theorem4_limit_corrected` for λ₂ = 0."""
    dps = check_dps(dps)
    m = _mixture(mixture, "Theorem 4")
    G = _gamma(Gamma, m.d)
    _b2(G, m.Sigma, tol)
    z1, z2 = theorem4_zetas(m, G)
    with mpmath.workdps(dps + _GUARD):
        return _mpfun("eq16")(mpmath.mpf(z1), mpmath.mpf(z2))


def theorem4_limit_corrected(mixture, Gamma, activation, *, dps: int = 30, tol: float = 1e-8):
    """The ρ → ∞ limit of eq. (15) (:func:`derive_eq16`): eq. (16) if λ₂ ≠ 0, 1 if λ₂ = 0."""
    h = hermite_data(activation, dps=check_dps(dps), context="Theorem 4")
    value = theorem4_limit(mixture, Gamma, dps=dps, tol=tol)
    return mpmath.mpf(1) if h["lambda2_is_zero"] else value


def _identity_sigma_delta(mixture, context: str) -> np.ndarray:
    if isinstance(mixture, GaussianMixture):
        S = mixture.Sigma
        check(np.allclose(S, np.eye(S.shape[0]), rtol=0, atol=1e-12),
              f"{context} is stated for Σ = I; got ‖Σ − I‖_max = {np.max(np.abs(S - np.eye(S.shape[0]))):.3g}",
              assumption="Σ = I", fix="use theorem4_risk for general Σ")
        return mixture.Delta
    return as_symmetric(mixture, "Δ")


def eq17_rf_risk(mixture, rho, *, dps: int = 30):
    r"""Eq. (17), RF row, as printed (Σ = I, w_i ~ N(0, I/d), σ = x² − 1):
    :math:`1/(1 + \frac{\rho}{1+2\rho}\frac{\mathrm{tr}(\Delta)^2}{2d})`.

    ``mixture`` is a GaussianMixture with Σ = I (checked) or the matrix Δ. See
    :func:`eq17_rf_risk_corrected`: the printed row does not follow from eq. (15).
    """
    dps = check_dps(dps)
    D = _identity_sigma_delta(mixture, "eq. (17)")
    _check_rho(rho, "eq. (17)")
    with mpmath.workdps(dps + _GUARD):
        return _mpfun("eq17")(_to_mpf(rho, "ρ"), mpmath.mpf(float(np.trace(D))),
                              mpmath.mpf(D.shape[0]))


def eq17_rf_risk_corrected(mixture, rho, *, dps: int = 30):
    r"""Eq. (17)'s RF row as derived from eq. (15) (:func:`derive_eq17_rf`):
    :math:`1/(1 + \frac{\rho}{1+\rho}\frac{\mathrm{Tr}(\Delta)^2}{2d})`."""
    dps = check_dps(dps)
    D = _identity_sigma_delta(mixture, "eq. (17)")
    _check_rho(rho, "eq. (17)")
    with mpmath.workdps(dps + _GUARD):
        return _mpfun("eq17c")(_to_mpf(rho, "ρ"), mpmath.mpf(float(np.trace(D))),
                               mpmath.mpf(D.shape[0]))

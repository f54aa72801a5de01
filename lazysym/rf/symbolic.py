r"""Random features (RF), symbolically: the printed expressions of §2.1 (Theorem 1, Corollary 1)
and §3.1 (Theorem 4) in SymPy, and the derivations that link them.

* **Printed expressions.** :func:`eq10_expr`, :func:`eq11_expr`, :func:`eq12_expr`,
  :func:`eq13_rf_expr`, :func:`eq15_expr`, :func:`eq16_expr`, :func:`eq17_rf_expr` transcribe
  the paper's formulas once, in the symbols of :data:`SYMBOLS` (normalised risks, the
  :math:`o(1)` terms dropped). ``d``, :math:`\langle\Gamma,B\rangle` (``GB``),
  :math:`\|B\|_F^2` (``BF``) and :math:`\|\Gamma\|_F^2` (``GF``) are kept as separate symbols so the
  transcription reads as printed. :mod:`lazysym.rf.formulas` evaluates these same expressions.
* **Derivations (exact).** :func:`derive_hermite_quadratic` (λ's of x² − 1 from their
  definition), :func:`derive_psi_quadratic` (eq. (9)/(14) solved for λ₁ = 0),
  :func:`derive_corollary1` (eq. (12) from eq. (10)), :func:`derive_eq11` (ψ → ∞ in eq. (10)),
  :func:`derive_isotropic_limit` (the remark after (11)), :func:`derive_eq13_rf` (eq. (13)'s RF
  row from (12) with Γ = I/d), :func:`derive_eq16` (ψ → ∞ in (15)) and :func:`derive_eq17_rf`
  (eq. (17)'s RF row from (15) with Γ = I/d, Σ = I, σ = x² − 1). Each returns the derived
  expression; the tests compare it with the printed one.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import mpmath
import sympy as sp

from lazysym._typing import MPF
from lazysym._validate import as_sympy_real
from lazysym.errors import AssumptionError, check, check_type

__all__ = ['SYMBOLS', 'eq9_residual', 'eq10_expr', 'eq11_expr', 'isotropic_remark_expr',
           'eq12_expr', 'eq13_rf_expr', 'eq15_expr', 'eq16_expr', 'eq17_rf_expr',
           'eq17_rf_corrected_expr', 'eq11_corrected_expr', 'eq16_corrected_expr',
           'derive_hermite_quadratic', 'derive_psi_quadratic', 'psi_bounds', 'derive_psi_diverges',
           'derive_corollary1', 'derive_eq11', 'derive_isotropic_limit', 'derive_trace_zero',
           'derive_eq13_rf', 'derive_eq16', 'derive_eq17_rf']


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

    .. math:: -\tilde\lambda + \frac{\rho}{\psi}
              - \int\frac{\lambda_1^2 t}{1+\lambda_1^2t\psi}\,\mathcal D(dt).

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
    :math:`1 - \langle\Gamma,B\rangle^2/(\|\Gamma\|_F^2\|B\|_F^2)`.
    """
    return 1 - _GB**2 / (_GF * _BF)


def eq11_corrected_expr(lambda2_is_zero: bool) -> sp.Expr:
    """The ρ → ∞ limit of eq. (10) as it actually is: eq. (11) if λ₂ ≠ 0, and 1 if λ₂ = 0."""
    check_type(isinstance(lambda2_is_zero, bool), "lambda2_is_zero", "a bool", lambda2_is_zero)
    return sp.Integer(1) if lambda2_is_zero else eq11_expr()


def isotropic_remark_expr() -> sp.Expr:
    r"""The remark after eq. (11): for isotropic features the RHS of (11) is
    :math:`1 - \mathrm{Tr}(B)^2/(d\|B\|_F^2)`.
    """
    return 1 - _trB**2 / (_d * _BF)


def eq12_expr() -> sp.Expr:
    r"""Corollary 1, eq. (12), normalised:
    :math:`1 - \rho d\langle B,\Gamma\rangle^2/(\|B\|_F^2(1 + \rho d\|\Gamma\|_F^2))`.
    """
    return 1 - _rho * _d * _GB**2 / (_BF * (1 + _rho * _d * _GF))


def eq13_rf_expr() -> sp.Expr:
    r"""Eq. (13), RF row: :math:`1 - \frac{\rho}{1+\rho}\frac{\mathrm{Tr}(B)^2}{d\|B\|_F^2}`."""
    return 1 - _rho / (1 + _rho) * _trB**2 / (_d * _BF)


def eq15_expr() -> sp.Expr:
    r"""Theorem 4, eq. (15): :math:`\frac{1 + \zeta_1\lambda_2^2\psi}{1 + (\zeta_1+\zeta_2)\lambda_2^2\psi}`
    with :math:`\zeta_1 = d\,\mathrm{Tr}(\Sigma\Gamma\Sigma\Gamma)/2`,
    :math:`\zeta_2 = d\,\mathrm{Tr}(\Delta\Gamma)^2/4`.
    """
    return (1 + _z1 * _l2**2 * _psi) / (1 + (_z1 + _z2) * _l2**2 * _psi)


def eq16_expr() -> sp.Expr:
    r"""Theorem 4, eq. (16): :math:`\zeta_{1,*}/(\zeta_{1,*}+\zeta_{2,*})` (ζ symbols reused)."""
    return _z1 / (_z1 + _z2)


def eq16_corrected_expr(lambda2_is_zero: bool) -> sp.Expr:
    """The ρ → ∞ limit of eq. (15) as it actually is: eq. (16) if λ₂ ≠ 0, and 1 if λ₂ = 0."""
    check_type(isinstance(lambda2_is_zero, bool), "lambda2_is_zero", "a bool", lambda2_is_zero)
    return sp.Integer(1) if lambda2_is_zero else eq16_expr()


def eq17_rf_expr() -> sp.Expr:
    r"""Eq. (17), RF row, as printed:
    :math:`1\big/\big(1 + \frac{\rho}{1+2\rho}\cdot\frac{\mathrm{tr}(\Delta)^2}{2d}\big)`.
    """
    return 1 / (1 + _rho / (1 + 2 * _rho) * _trD**2 / (2 * _d))


def eq17_rf_corrected_expr() -> sp.Expr:
    r"""Eq. (17)'s RF row as it follows from eq. (15) (see :func:`derive_eq17_rf`):
    :math:`1\big/\big(1 + \frac{\rho}{1+\rho}\cdot\frac{\mathrm{Tr}(\Delta)^2}{2d}\big)`.
    """
    return 1 / (1 + _rho / (1 + _rho) * _trD**2 / (2 * _d))


def derive_hermite_quadratic() -> dict[str, sp.Expr]:
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


def derive_psi_quadratic(lambda_tilde: sp.Expr | float | None = None) -> sp.Expr:
    r"""ψ from eq. (9)/(14) when λ₁ = 0: the integral vanishes and :math:`\psi = \rho/\tilde\lambda`.

    With the default ``lambda_tilde=None`` the value of σ = x² − 1 (λ̃ = 2, derived) is used:
    ψ = ρ/2 (Corollary 1). Solved with ``sympy.solve``; the unique positive root is returned.

    ``lambda_tilde`` may be a number, a SymPy expression or an expression string (parsed by
    :func:`lazysym.objects.expressions.parse_expression`, never ``sympify``); it must be > 0
    (A1: σ nonlinear), else :class:`~lazysym.errors.AssumptionError`.
    """
    herm = derive_hermite_quadratic()
    lt = herm["lambda_tilde"] if lambda_tilde is None else \
        as_sympy_real(lambda_tilde, "lambda_tilde (λ̃)", sign="positive")
    eq = eq9_residual().subs({_l1: herm["lambda1"], _lt: lt}).doit()
    sols = [s for s in sp.solve(sp.Eq(eq, 0), _psi) if s.is_positive is not False]
    if len(sols) != 1:  # pragma: no cover - the λ₁ = 0 equation is linear in 1/ψ
        raise AssumptionError(f"eq. (9) with λ₁ = 0 did not give a unique ψ > 0: {sols}",
                              assumption="ψ > 0 unique")
    return sp.simplify(sols[0])


def psi_bounds(rho: sp.Expr | MPF | float, lambda1: sp.Expr | MPF | float,
               lambda_tilde: sp.Expr | MPF | float) -> tuple[Any, Any]:
    r"""Bounds on the solution ψ of eq. (9)/(14) when ∫ t 𝒟(dt) = 1 (A2 / B2):

    .. math:: \frac{\rho}{\tilde\lambda + \lambda_1^2} \le \psi \le \frac{\rho}{\tilde\lambda}.

    Proof: :math:`0 \le \lambda_1^2t/(1+\lambda_1^2t\psi) \le \lambda_1^2 t` for t ≥ 0, so (9)
    gives :math:`\tilde\lambda \le \rho/\psi \le \tilde\lambda + \lambda_1^2`. In particular
    ψ → ∞ as ρ → ∞ (used by :func:`derive_eq11`, :func:`derive_eq16`). Works on SymPy and
    mpmath/float inputs alike (an expression string is parsed to SymPy by
    :func:`lazysym.objects.expressions.parse_expression`); returns ``(lower, upper)``.

    Raises
    ------
    AssumptionError
        ρ ≤ 0 (ρ = N/d > 0), λ̃ ≤ 0 (A1: σ nonlinear gives λ̃ > 0), a non-real or non-finite
        argument, or bounds beyond float64's range. SymPy symbols pass unless their assumptions
        contradict these signs.
    """
    rho = _real_arg(rho, "rho (ρ = N/d)", "positive")
    lambda1 = _real_arg(lambda1, "lambda1 (λ₁)", None)
    lambda_tilde = _real_arg(lambda_tilde, "lambda_tilde (λ̃)", "positive")
    try:
        lo, hi = rho / (lambda_tilde + lambda1**2), rho / lambda_tilde
    except OverflowError:                    # float ** beyond float64's range
        lo = hi = float("inf")
    for v in (lo, hi):
        if isinstance(v, float | mpmath.mpf):
            check(bool(mpmath.isfinite(v)), f"the bounds on ψ overflow: ρ = {rho}, λ₁ = {lambda1}, "
                  f"λ̃ = {lambda_tilde} give {v}", assumption="bounds finite", fix="rescale")
    return lo, hi


def _real_arg(v: Any, name: str, sign: str | None) -> Any:
    """``v`` validated for :func:`psi_bounds`: a float/int/Fraction or mpf is checked and kept
    (its arithmetic stays float or mpmath); a string or SymPy object becomes a checked SymPy
    expression (:func:`lazysym._validate.as_sympy_real`).
    """
    if isinstance(v, str | sp.Basic):
        return as_sympy_real(v, name, sign=sign)
    e = as_sympy_real(v, name)          # type, finiteness
    if sign == "positive":
        check(bool(e > 0), f"{name} must be > 0; got {v}", assumption=f"{name.split()[0]} > 0")
    return v


def derive_psi_diverges() -> sp.Expr:
    r"""``limit(lower bound of ψ, ρ → ∞)`` from :func:`psi_bounds` — SymPy returns ``oo``."""
    lo, _ = psi_bounds(_rho, _l1, _lt)
    return sp.limit(lo, _rho, sp.oo)


def derive_corollary1() -> sp.Expr:
    """Eq. (12) derived from eq. (10): substitute σ = x² − 1 (λ₂ = 2, derived) and
    ψ = ρ/2 (:func:`derive_psi_quadratic`) into :func:`eq10_expr`, then simplify.
    """
    herm = derive_hermite_quadratic()
    out = eq10_expr().subs({_l2: herm["lambda2"], _psi: derive_psi_quadratic()})
    return sp.simplify(sp.factor(out))


def derive_eq11(lambda2: sp.Expr | float | None = None) -> sp.Expr:
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
        e = e.subs(_l2, as_sympy_real(lambda2, "lambda2 (λ₂)"))
    return sp.simplify(sp.limit(e, _psi, sp.oo))


def _trace(M) -> sp.Expr:
    """Trace of a matrix expression, evaluated for identity-only products (via Sum)."""
    t = sp.trace(M)
    if not t.has(sp.MatrixSymbol):
        t = t.rewrite(sp.Sum).doit()
    return sp.simplify(t)


def _isotropic_substitutions() -> dict[sp.Symbol, sp.Expr]:
    r"""⟨Γ,B⟩ and ‖Γ‖²_F for Γ = I/d, computed from matrix expressions (MatrixSymbol B)."""
    B = sp.MatrixSymbol("B", _d, _d)
    Gam = sp.Identity(_d) / _d
    GB = _trace(Gam.T * B).subs(sp.Trace(B), _trB)
    GF = _trace(Gam.T * Gam)
    return {_GB: GB, _GF: GF}


def derive_isotropic_limit() -> sp.Expr:
    """The remark after eq. (11): substitute Γ = I/d (⟨Γ,B⟩ = Tr B/d, ‖Γ‖²_F = 1/d, computed)
    into eq. (11).
    """
    return sp.simplify(eq11_expr().subs(_isotropic_substitutions()))


def derive_trace_zero() -> sp.Expr:
    """The remark "no better than f = 0 if Tr B = 0": eq. (10) with Γ = I/d and Tr B = 0 — it is
    identically 1, at every ρ (ψ and λ₂ left symbolic).
    """
    return sp.simplify(eq10_expr().subs(_isotropic_substitutions()).subs(_trB, 0))


def derive_eq13_rf() -> sp.Expr:
    """Eq. (13)'s RF row from eq. (12) with Γ = I/d (trace invariants computed)."""
    return sp.simplify(eq12_expr().subs(_isotropic_substitutions()))


def derive_eq16(lambda2: sp.Expr | float | None = None) -> sp.Expr:
    """The ρ → ∞ limit of eq. (15): ``limit(eq15, ψ → ∞)``; λ₂ ≠ 0 by default (gives (16)),
    ``lambda2=0`` gives 1.
    """
    e = eq15_expr()
    if lambda2 is None:
        e = e.subs(_l2**2, sp.Symbol("lambda_2sq", positive=True))
    else:
        e = e.subs(_l2, as_sympy_real(lambda2, "lambda2 (λ₂)"))
    return sp.simplify(sp.limit(e, _psi, sp.oo))


def derive_eq17_rf() -> sp.Expr:
    r"""Eq. (17)'s RF row derived from eq. (15) with Γ = I/d, Σ = I, σ = x² − 1.

    ζ₁ = d Tr(ΣΓΣΓ)/2 and ζ₂ = d Tr(ΔΓ)²/4 are computed from matrix expressions
    (ζ₁ = 1/2, ζ₂ = Tr(Δ)²/(4d)); λ₂ = 2 and ψ = ρ/2 are derived (λ₁ = 0). The result,
    :math:`(1+\rho)/(1+\rho+\rho\,\mathrm{Tr}(\Delta)^2/(2d))`, equals
    :func:`eq17_rf_corrected_expr` and differs from the printed :func:`eq17_rf_expr`.
    """
    Delta = sp.MatrixSymbol("Delta", _d, _d)
    Id = sp.Identity(_d)
    Gam = Id / _d
    z1 = sp.simplify(_d * _trace(Id * Gam * Id * Gam) / 2)
    z2 = sp.simplify(_d * _trace(Delta * Gam).subs(sp.Trace(Delta), _trD) ** 2 / 4)
    herm = derive_hermite_quadratic()
    out = eq15_expr().subs({_z1: z1, _z2: z2, _l2: herm["lambda2"], _psi: derive_psi_quadratic()})
    return sp.simplify(sp.factor(out))


r"""Random features (RF): the asymptotic risks of §2.1 (Theorem 1, Corollary 1) and §3.1
(Theorem 4) **as printed**, evaluated in mpmath at the caller's ``dps``. The printed expressions
themselves live in :mod:`lazysym.rf.symbolic`; the exact finite-d risks they are checked against
in :mod:`lazysym.rf.exact`.

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
  :func:`lazysym.objects.fixed_point.solve_psi` with the finite-d spectrum (ESD of d·Γ, resp.
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

Precision (dps honesty): matrices may be float arrays (taken as the exact binary numbers they
are), integer arrays, nested lists of Fractions / SymPy rationals, SymPy or mpmath matrices (and
a mixture may be given as a pair (Σ, Δ) of such matrices). Their invariants — traces, Frobenius
inner products, ζ₁, ζ₂ — are computed **exactly** (:mod:`lazysym.rf.exact_invariants`); the
spectra of d·Γ and d·Γ^{1/2}ΣΓ^{1/2} are exact for diagonal matrices and computed at ``dps`` + 20
digits (mpmath) for non-diagonal ones up to d = 64 (float64 above: then ψ carries the float64
error of the eigenvalues, relative ≲ d·ε). The results are correct to ``dps`` digits otherwise.
"""

from __future__ import annotations

import functools
import hashlib
from collections import OrderedDict
from fractions import Fraction
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any

import mpmath
import numpy as np
import sympy as sp
from numpy.typing import ArrayLike

from lazysym._typing import MPF, RealLike
from lazysym._validate import (
    GUARD_DIGITS,
    as_mixture,
    as_mpf,
    as_real,
    as_symmetric,
    as_target,
    check_dps,
    check_psd,
    check_rho,
    rounded,
)
from lazysym.errors import check, check_type
from lazysym.objects.activations import ActivationLike, activation
from lazysym.objects.models import GaussianMixture, QuadraticTarget
from lazysym.rf import exact_invariants as _ex
from lazysym.rf import symbolic

if TYPE_CHECKING:
    from lazysym.objects.spectra import Spectrum

__all__ = ['invariants', 'hermite_enclosures', 'theorem1_psi', 'theorem4_psi',
           'hermite_data', 'theorem1_risk', 'theorem1_risk_from_data', 'theorem1_limit',
           'theorem1_limit_corrected', 'isotropic_limit', 'corollary1_risk', 'eq13_rf_risk',
           'theorem4_zetas', 'theorem4_risk', 'theorem4_risk_from_data', 'theorem4_limit',
           'theorem4_limit_corrected', 'eq17_rf_risk', 'eq17_rf_risk_corrected']




@cache
def _mpfun(which: str):
    S = symbolic.SYMBOLS
    table = {
        "eq10": (symbolic.eq10_expr, (S.psi, S.lambda2, S.d, S.GB, S.BF, S.GF)),
        "eq11": (symbolic.eq11_expr, (S.GB, S.BF, S.GF)),
        "iso": (symbolic.isotropic_remark_expr, (S.trB, S.d, S.BF)),
        "eq12": (symbolic.eq12_expr, (S.rho, S.d, S.GB, S.BF, S.GF)),
        "eq13": (symbolic.eq13_rf_expr, (S.rho, S.trB, S.d, S.BF)),
        "eq15": (symbolic.eq15_expr, (S.psi, S.lambda2, S.zeta1, S.zeta2)),
        "eq16": (symbolic.eq16_expr, (S.zeta1, S.zeta2)),
        "eq17": (symbolic.eq17_rf_expr, (S.rho, S.trDelta, S.d)),
        "eq17c": (symbolic.eq17_rf_corrected_expr, (S.rho, S.trDelta, S.d)),
    }
    fn, args = table[which]
    return sp.lambdify(args, fn(), modules="mpmath")






def _centred_B(target, context: str, tol: float) -> np.ndarray:
    """B of a centred quadratic target (a QuadraticTarget, checked E f* = 0) in float64 (for the
    assumption checks; the formulas use :func:`_exact_of`). A bare matrix B is refused
    (:func:`lazysym._validate.as_target`): the offset b₀ is part of the target.
    """
    target = as_target(target, context)
    tol = as_real(tol, "tol")
    check(tol >= 0, f"tol must be ≥ 0; got {tol}", assumption="tol ≥ 0")
    scale = max(1.0, abs(float(np.trace(target.B))), abs(target.b0))
    check(abs(target.mean) <= tol * scale,
          f"{context} assumes a centred target E f* = b₀ + Tr B = 0; got {target.mean:.6g}",
          assumption="E f* = 0", fix="use QuadraticTarget(B) (b0=None centres it)")
    B = target.B
    check(float(np.sum(B * B)) > 0, f"{context} normalises by ‖f*‖² = 2‖B‖²_F; got B = 0",
          assumption="f* ≠ 0")
    return B


def _gamma(Gamma, d: int) -> np.ndarray:
    if not isinstance(Gamma, np.ndarray):
        Gamma = _exact_of(Gamma, "Γ").floats
    G = as_symmetric(Gamma, "Γ")
    check(G.shape == (d, d), f"Γ must be d×d with d = {d}; got shape {G.shape}",
          assumption="Γ shape")
    check_psd(G, "Γ", assumption="Γ ⪰ 0 (a covariance)", context="w_i ~ N(0, Γ)")
    return G


def _a2(Gamma, tol: float) -> None:
    from lazysym.objects.spectra import check_a2  # noqa: PLC0415
    check_a2(Gamma, tol)


def _b2(Gamma, Sigma, tol: float) -> None:
    from lazysym.objects.spectra import check_b2  # noqa: PLC0415
    check_b2(Gamma, Sigma, tol)




_CACHE_SIZE = 64


_SPECTRA: OrderedDict = OrderedDict()


def _matrix_key(*arrays) -> tuple:
    return tuple((a.shape, hashlib.sha1(np.ascontiguousarray(a).tobytes()).hexdigest())
                 for a in arrays)


_EXACT: OrderedDict = OrderedDict()


def _round(v: MPF, dps: int) -> MPF:
    return rounded(v, dps)


def _mixture_of(mixture, context: str) -> tuple[GaussianMixture, Any, Any]:
    """(float GaussianMixture for the M1 checks, exact Σ, exact Δ). ``mixture`` is a
    GaussianMixture (floats, taken exactly) or a pair (Σ, Δ) of exact matrices.
    """
    if isinstance(mixture, tuple) and len(mixture) == 2:
        Se, De = _exact_of(mixture[0], "Σ"), _exact_of(mixture[1], "Δ")
        return GaussianMixture(Se.floats, De.floats), Se, De
    m = as_mixture(mixture, context)
    return m, _exact_of(m.Sigma, "Σ"), _exact_of(m.Delta, "Δ")


def _exact_of(M, name: str) -> _ex.ExactMatrix:
    """``M`` (a QuadraticTarget's B, a float array, or an exact matrix) as the exact rational
    matrix it denotes (floats taken as the binary numbers they are); memoised for arrays.
    """
    if isinstance(M, QuadraticTarget):
        M = M.B
    if isinstance(M, np.ndarray) and M.dtype.kind == "f":
        key = (name,) + _matrix_key(M)
        if key in _EXACT:
            _EXACT.move_to_end(key)
            return _EXACT[key]
        out = _ex.exact_matrix(M, name)
        _EXACT[key] = out
        while len(_EXACT) > _CACHE_SIZE:
            _EXACT.popitem(last=False)
        return out
    return _ex.exact_matrix(M, name)


def _exact_spectrum(kind: str, G: _ex.ExactMatrix, S: _ex.ExactMatrix | None, dps: int):
    """ESD of d·Γ (``"a2"``) or d·Γ^{1/2}ΣΓ^{1/2} (``"b2"``) from the exact matrices
    (:mod:`lazysym.rf.exact_invariants`: exact for diagonal matrices, mpmath at dps + 20 digits
    for d ≤ 64, float64 above), memoised.
    """
    from lazysym.objects.spectra import Atoms  # noqa: PLC0415
    key = ("exact", kind, dps, id(G), id(S))
    if key in _SPECTRA:
        _SPECTRA.move_to_end(key)
        return _SPECTRA[key][0]
    vals = (_ex.spectrum_values(G, G.d, dps) if kind == "a2"
            else _ex.spectrum_gamma_sigma(G, S, dps))  # type: ignore[arg-type]  # S given for b2
    spec = Atoms(vals)
    _SPECTRA[key] = (spec, G, S)      # keep G, S alive so that their ids stay unique
    while len(_SPECTRA) > _CACHE_SIZE:
        _SPECTRA.popitem(last=False)
    return spec


def invariants(model: QuadraticTarget | GaussianMixture | ArrayLike | tuple,
               Gamma: ArrayLike | None = None) -> dict[str, Any]:
    r"""The matrix invariants the RF formulas use, **exactly** (Fractions).

    qf (a QuadraticTarget; a bare matrix B is refused, b₀ being part of the target): ``d``,
    ``trB`` = Tr B, ``BF`` = ‖B‖²_F and, with Γ, ``GB`` = ⟨Γ,B⟩, ``GF`` = ‖Γ‖²_F. mg (a
    GaussianMixture or a pair (Σ, Δ)): ``d``, ``trDelta`` = Tr Δ and, with Γ, ``zeta1``,
    ``zeta2`` (Theorem 4). Keys are the names of :data:`lazysym.rf.SYMBOLS`. Floats are taken as
    the binary numbers they are.
    """
    out: dict[str, Any] = {}
    if isinstance(model, (GaussianMixture, tuple)):      # mg: a GaussianMixture or an exact (Σ, Δ)
        _, _, De = _mixture_of(model, "invariants")
        out.update(d=De.d, trDelta=_ex.trace(De))
        if Gamma is not None:
            out["zeta1"], out["zeta2"] = theorem4_zetas(model, Gamma, exact=True)
        return out
    Be = _exact_of(as_target(model, "rf.invariants"), "B")
    out.update(d=Be.d, trB=_ex.trace(Be), BF=_ex.inner(Be, Be))
    if Gamma is not None:
        Ge = _exact_of(Gamma, "Γ")
        out.update(GB=_ex.inner(Ge, Be), GF=_ex.inner(Ge, Ge))
    return out


def hermite_data(act: ActivationLike, *, dps: int = 30,
                 context: str = "Theorem 1") -> dict[str, Any]:
    r"""Check A1 and λ₀ = 0 for σ and return its Hermite data (Theorem 1 / Theorem 4).

    Parameters
    ----------
    act : str or Activation
        A name of :mod:`lazysym.objects.activations` (also ``"x^2-1"``), or an Activation.
    dps : int
        Digits for the mpmath values (:func:`lazysym.objects.hermite.hermite_coefficient`).

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
    a = activation(act)
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
    quadrature at high precision costs about a second per activation).
    """
    from lazysym.objects.hermite import hermite_coefficient, lambda_tilde  # noqa: PLC0415
    _check_a1(a)
    return (hermite_coefficient(a, 0, dps=dps), hermite_coefficient(a, 1, dps=dps),
            hermite_coefficient(a, 2, dps=dps), lambda_tilde(a, dps=dps))


def _check_a1(a) -> None:
    """A1 through the activations module's growth rule when it exists (hardening issue), else
    :func:`lazysym.objects.hermite.check_a1`.
    """
    try:
        from lazysym.objects.activations import (  # type: ignore[attr-defined]  # noqa: PLC0415
            check_square_integrable,
        )
    except ImportError:     # until the hardening branch is merged
        from lazysym.objects.hermite import check_a1 as check_square_integrable  # noqa: PLC0415
    check_square_integrable(a)


def _point_bounds(e: Fraction, bits: int) -> tuple[Fraction, Fraction]:
    return e, e


@lru_cache(maxsize=32)
def hermite_enclosures(act: ActivationLike) -> dict[str, Any]:
    r"""λ₁ and λ̃ of σ as :class:`~lazysym.objects.fixed_point.Enclosure` s for ψ (eq. (9)/(14)).

    In order of preference: an exact rational (SymPy closed form, e.g. λ₁ = 0 for x² − 1 or 1/2
    for ReLU); an arb ball (:mod:`lazysym.objects.hermite_arb`, rigorous integration: tanh,
    softplus, erf, any expression of supported functions); else the mpmath quadrature value,
    marked ``rigorous=False`` with the reason — ψ is then ``verified=False``.
    """
    from lazysym.objects import hermite, hermite_arb  # noqa: PLC0415
    from lazysym.objects.fixed_point import Enclosure  # noqa: PLC0415

    a = activation(act)
    _check_a1(a)
    ok, why = hermite_arb.supports_arb(a)
    out: dict[str, Any] = {"rigorous": True, "reason": ""}
    for key, k in (("lambda1", 1), ("lambda_tilde", None)):
        exact = None
        try:
            v = (hermite.hermite_coefficient(a, k, exact=True) if k is not None
                 else hermite.lambda_tilde(a, exact=True))
            if v.is_Rational:
                exact = Fraction(int(v.p), int(v.q))
        except Exception:  # noqa: BLE001 - no closed form: enclose numerically below
            exact = None
        if exact is not None:
            out[key] = Enclosure(functools.partial(_point_bounds, exact), key)
        elif ok:
            def bounds(bits: int, k: int | None = k) -> tuple[Fraction, Fraction]:
                dps = max(15, int(bits * 0.302) + 5)
                ball = (hermite_arb.arb_hermite_coefficient(a, k, dps=dps) if k is not None
                        else hermite_arb.arb_lambda_tilde(a, dps=dps))
                return hermite_arb.arb_to_fractions(ball)
            out[key] = Enclosure(lru_cache(maxsize=8)(bounds), key)
        else:
            reason = f"{key} of σ = {a.expr} by mpmath quadrature (not rigorous: {why})"

            def approx(bits: int, k: int | None = k, key: str = key) -> tuple[Fraction, Fraction]:
                dps = max(15, int(bits * 0.302) + 5)
                v = (hermite.hermite_coefficient(a, k, dps=dps) if k is not None
                     else hermite.lambda_tilde(a, dps=dps))
                f = _ex.exact_matrix([[v]], key).entry(0, 0)
                return f, f
            out[key] = Enclosure(approx, key, rigorous=False, reason=reason)
            out["rigorous"], out["reason"] = False, reason
    return out


def _solve_psi(rho, l1, lt, spectrum, dps):
    from lazysym.objects.fixed_point import solve_psi  # noqa: PLC0415
    return solve_psi(rho, l1, lt, spectrum, dps=dps).value


def _mid(v: Any, name: str) -> MPF:
    if hasattr(v, "bounds") and callable(v.bounds):
        lo, hi = v.bounds(int(mpmath.mp.prec) + 10)
        return as_mpf((lo + hi) / 2, name)
    return as_mpf(v, name)


def theorem1_psi(Gamma: ArrayLike, rho: RealLike, activation: ActivationLike = "x^2-1", *,
                 dps: int = 30, tol: float = 1e-8):
    r"""ψ of eq. (9) for σ and the ESD of d·Γ, as a :class:`~lazysym.objects.fixed_point.PsiResult`
    (``verified`` says whether the bracket is proved, ``reason`` why not: λ's enclosed by arb or
    exact, see :func:`hermite_enclosures`).
    """
    from lazysym.objects.fixed_point import solve_psi  # noqa: PLC0415
    dps = check_dps(dps)
    G = _gamma(Gamma, _exact_of(Gamma, "Γ").d)
    _a2(G, tol)
    check_rho(rho, "Theorem 1")
    e = hermite_enclosures(activation)
    spec = _exact_spectrum("a2", _exact_of(Gamma, "Γ"), None, dps)
    return solve_psi(rho, e["lambda1"], e["lambda_tilde"], spec, dps=dps)


def theorem4_psi(mixture: GaussianMixture | tuple, Gamma: ArrayLike, rho: RealLike,
                 activation: ActivationLike = "x^2-1", *, dps: int = 30, tol: float = 1e-8):
    r"""ψ of eq. (14) (ESD of d·Γ^{1/2}ΣΓ^{1/2}) as a PsiResult; see :func:`theorem1_psi`."""
    from lazysym.objects.fixed_point import solve_psi  # noqa: PLC0415
    dps = check_dps(dps)
    m, Se, _ = _mixture_of(mixture, "Theorem 4")
    G = _gamma(Gamma, m.d)
    _b2(G, m.Sigma, tol)
    check_rho(rho, "Theorem 4")
    e = hermite_enclosures(activation)
    spec = _exact_spectrum("b2", _exact_of(Gamma, "Γ"), Se, dps)
    return solve_psi(rho, e["lambda1"], e["lambda_tilde"], spec, dps=dps)


def _qf_invariants(B, G) -> tuple:
    """(d, ⟨Γ,B⟩, ‖B‖²_F, ‖Γ‖²_F) exactly (Fractions) from the exact matrices."""
    Be, Ge = _exact_of(B, "B"), _exact_of(G, "Γ")
    return (Be.d, _ex.inner(Ge, Be), _ex.inner(Be, Be), _ex.inner(Ge, Ge))


def theorem1_risk_from_data(rho: RealLike, lambda1: RealLike, lambda2: RealLike,
                            lambda_tilde: RealLike, spectrum: Spectrum, d_gb2: RealLike,
                            b_f2: RealLike, d_g_f2: RealLike, *, dps: int = 30) -> MPF:
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
    spectrum : lazysym.objects.spectra.Atoms
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
    check_rho(rho, "Theorem 1")
    with mpmath.workdps(dps + GUARD_DIGITS):
        l2 = as_mpf(lambda2, "λ₂")
        lt = _mid(lambda_tilde, "λ̃")
        X = as_mpf(d_gb2, "d⟨Γ,B⟩²")
        Y = as_mpf(b_f2, "‖B‖²_F")
        Z = as_mpf(d_g_f2, "d‖Γ‖²_F")
        check(lt > 0, f"Theorem 1 needs λ̃ = E σ² − λ₁² > 0 (σ nonlinear, A1); got {lt}",
              assumption="A1")
        check(X >= 0, f"d⟨Γ,B⟩² must be ≥ 0; got {X}", assumption="d⟨Γ,B⟩² ≥ 0")
        check(Y > 0, f"‖B‖²_F must be > 0; got {Y}", assumption="f* ≠ 0")
        check(Z > 0, f"d‖Γ‖²_F must be > 0; got {Z}", assumption="Γ ≠ 0")
        psi = _solve_psi(rho, lambda1, lambda_tilde, spectrum, dps + GUARD_DIGITS)
        # eq10 in (ψ, λ₂, d, GB, BF, GF) with d = 1, GB = √X, GF = Z reproduces d⟨Γ,B⟩² = X etc.
        return _mpfun("eq10")(psi, l2, mpmath.mpf(1), mpmath.sqrt(X), Y, Z)


def theorem1_risk(B: QuadraticTarget, Gamma: ArrayLike, rho: RealLike,
                  activation: ActivationLike = "x^2-1", *, dps: int = 30,
                  tol: float = 1e-8) -> MPF:
    r"""Theorem 1, eq. (10): the normalised RF risk :math:`R_{RF,N}(f_*)/\|f_*\|_{L^2}^2`.

    .. math:: 1 - \frac{\psi\lambda_2^2\, d\langle\Gamma,B\rangle^2}
              {\|B\|_F^2(2 + \psi\lambda_2^2\, d\|\Gamma\|_F^2)},\qquad
              -\tilde\lambda = -\frac{\rho}{\psi} + \int\frac{\lambda_1^2t}{1+\lambda_1^2t\psi}\mathcal D(dt)
              \quad\text{(9)}.

    Parameters
    ----------
    B : QuadraticTarget
        The target :math:`f_* = \langle x, Bx\rangle + b_0`, centred (E f* = b₀ + Tr B = 0, checked;
        ``QuadraticTarget(B)`` centres it). A bare matrix is refused (InputTypeError).
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
    Bf = _centred_B(B, "Theorem 1", tol)
    G = _gamma(Gamma, Bf.shape[0])
    _a2(G, tol)
    check_rho(rho, "Theorem 1")
    h = hermite_data(activation, dps=dps + GUARD_DIGITS, context="Theorem 1")
    d, gb, bf, gf = _qf_invariants(B, Gamma)
    spec = _exact_spectrum("a2", _exact_of(Gamma, "Γ"), None, dps)
    e = hermite_enclosures(activation)
    return theorem1_risk_from_data(rho, e["lambda1"], h["lambda2"], e["lambda_tilde"],
                                   spec, d * gb * gb, bf, d * gf, dps=dps)


def theorem1_limit(B: QuadraticTarget, Gamma: ArrayLike, *, dps: int = 30,
                   tol: float = 1e-8) -> MPF:
    r"""Theorem 1, eq. (11), as printed (any σ):
    :math:`1 - \langle\Gamma,B\rangle^2/(\|\Gamma\|_F^2\|B\|_F^2)` at this d (the
    :math:`\lim_{d\to\infty}` of the right-hand side is the caller's sequence).

    Checks E f* = 0 and A2. See :func:`theorem1_limit_corrected` for λ₂ = 0.
    """
    dps = check_dps(dps)
    Bf = _centred_B(B, "Theorem 1", tol)
    G = _gamma(Gamma, Bf.shape[0])
    _a2(G, tol)
    _, gb, bf, gf = _qf_invariants(B, Gamma)
    with mpmath.workdps(dps + GUARD_DIGITS):
        v = _mpfun("eq11")(as_mpf(gb, "⟨Γ,B⟩"), as_mpf(bf, "‖B‖²"), as_mpf(gf, "‖Γ‖²"))
    return _round(v, dps)


def theorem1_limit_corrected(B: QuadraticTarget, Gamma: ArrayLike,
                             activation: ActivationLike, *, dps: int = 30,
                             tol: float = 1e-8) -> MPF:
    """The ρ → ∞ limit of eq. (10) (:func:`derive_eq11`): eq. (11) if λ₂ ≠ 0, 1 if λ₂ = 0
    (e.g. odd σ). Checks E f* = 0, A2, A1, λ₀ = 0.
    """
    h = hermite_data(activation, dps=check_dps(dps), context="Theorem 1")
    value = theorem1_limit(B, Gamma, dps=dps, tol=tol)
    return mpmath.mpf(1) if h["lambda2_is_zero"] else value


def isotropic_limit(B: QuadraticTarget, *, dps: int = 30, tol: float = 1e-8) -> MPF:
    r"""The remark after eq. (11): for Γ = I/d the RHS of (11) is
    :math:`1 - \mathrm{Tr}(B)^2/(d\|B\|_F^2)`.
    """
    dps = check_dps(dps)
    _centred_B(B, "Theorem 1", tol)
    Be = _exact_of(B, "B")
    with mpmath.workdps(dps + GUARD_DIGITS):
        v = _mpfun("iso")(as_mpf(_ex.trace(Be), "Tr B"), mpmath.mpf(Be.d),
                          as_mpf(_ex.inner(Be, Be), "‖B‖²"))
    return _round(v, dps)


def corollary1_risk(B: QuadraticTarget, Gamma: ArrayLike, rho: RealLike, *,
                    dps: int = 30, tol: float = 1e-8) -> MPF:
    r"""Corollary 1, eq. (12) (σ = x² − 1), normalised:
    :math:`1 - \rho d\langle B,\Gamma\rangle^2/(\|B\|_F^2(1 + \rho d\|\Gamma\|_F^2))`.

    Checks E f* = 0, A2 (Tr Γ = 1, to ``tol``), Γ ⪰ 0, ρ > 0.
    """
    dps = check_dps(dps)
    Bf = _centred_B(B, "Corollary 1", tol)
    G = _gamma(Gamma, Bf.shape[0])
    _a2(G, tol)
    check_rho(rho, "Corollary 1")
    d, gb, bf, gf = _qf_invariants(B, Gamma)
    with mpmath.workdps(dps + GUARD_DIGITS):
        v = _mpfun("eq12")(as_mpf(rho, "ρ"), mpmath.mpf(d), as_mpf(gb, "⟨Γ,B⟩"),
                           as_mpf(bf, "‖B‖²"), as_mpf(gf, "‖Γ‖²"))
    return _round(v, dps)


def eq13_rf_risk(B: QuadraticTarget, rho: RealLike, *, dps: int = 30,
                 tol: float = 1e-8) -> MPF:
    r"""Eq. (13), RF row (σ = x² − 1, w_i ~ N(0, I/d)), normalised:
    :math:`1 - \frac{\rho}{1+\rho}\frac{\mathrm{Tr}(B)^2}{d\|B\|_F^2}`. Checks E f* = 0, ρ > 0.
    """
    dps = check_dps(dps)
    _centred_B(B, "eq. (13)", tol)
    check_rho(rho, "eq. (13)")
    Be = _exact_of(B, "B")
    with mpmath.workdps(dps + GUARD_DIGITS):
        v = _mpfun("eq13")(as_mpf(rho, "ρ"), as_mpf(_ex.trace(Be), "Tr B"), mpmath.mpf(Be.d),
                           as_mpf(_ex.inner(Be, Be), "‖B‖²"))
    return _round(v, dps)




def theorem4_zetas(mixture: GaussianMixture | tuple, Gamma: ArrayLike, *,
                   exact: bool = False) -> tuple[Any, Any]:
    r"""(ζ₁(d), ζ₂(d)) of Theorem 4:
    :math:`\zeta_1 = d\,\mathrm{Tr}(\Sigma\Gamma\Sigma\Gamma)/2`,
    :math:`\zeta_2 = d\,\mathrm{Tr}(\Delta\Gamma)^2/4`.

    Computed exactly from the matrices (floats taken as the binary numbers they are); returned
    as Fractions with ``exact=True``, else as floats.
    """
    check_type(isinstance(exact, (bool, np.bool_)), "exact", "a bool", exact)
    m, Se, De = _mixture_of(mixture, "Theorem 4")
    _gamma(Gamma, m.d)
    Ge = _exact_of(Gamma, "Γ")
    z1 = Fraction(m.d, 2) * _ex.trace_product_square(Se, Ge)
    z2 = Fraction(m.d, 4) * _ex.inner(De, Ge) ** 2
    return (z1, z2) if exact else (float(z1), float(z2))


def theorem4_risk_from_data(rho: RealLike, lambda1: RealLike, lambda2: RealLike,
                            lambda_tilde: RealLike, spectrum: Spectrum, zeta1: RealLike,
                            zeta2: RealLike, *, dps: int = 30) -> MPF:
    r"""Theorem 4, eq. (15), from its scalars:
    :math:`\frac{1+\zeta_1\lambda_2^2\psi}{1+(\zeta_1+\zeta_2)\lambda_2^2\psi}`, ψ from eq. (14)
    with 𝒟 = ``spectrum`` (law of d·Γ^{1/2}ΣΓ^{1/2}). Returns an mpf.
    """
    dps = check_dps(dps)
    check_rho(rho, "Theorem 4")
    with mpmath.workdps(dps + GUARD_DIGITS):
        l2 = as_mpf(lambda2, "λ₂")
        lt = _mid(lambda_tilde, "λ̃")
        z1 = as_mpf(zeta1, "ζ₁")
        z2 = as_mpf(zeta2, "ζ₂")
        check(lt > 0, f"Theorem 4 needs λ̃ = E σ² − λ₁² > 0 (σ nonlinear, A1); got {lt}",
              assumption="A1")
        check(z1 > 0 and z2 >= 0, f"ζ₁ must be > 0 and ζ₂ ≥ 0; got {z1}, {z2}",
              assumption="ζ₁ > 0, ζ₂ ≥ 0")
        psi = _solve_psi(rho, lambda1, lambda_tilde, spectrum, dps + GUARD_DIGITS)
        return _mpfun("eq15")(psi, l2, z1, z2)


def theorem4_risk(mixture: GaussianMixture, Gamma: ArrayLike, rho: RealLike,
                  activation: ActivationLike = "x^2-1", *, dps: int = 30,
                  tol: float = 1e-8) -> MPF:
    r"""Theorem 4, eq. (15): the RF risk for the Gaussian mixture (mg), E y² = 1.

    .. math:: R_{RF,N}(\mathbb P_{\Sigma,\Delta}) \approx
              \frac{1 + \zeta_1(d)\lambda_2^2\psi}{1 + (\zeta_1(d)+\zeta_2(d))\lambda_2^2\psi},
              \quad \zeta_1 = \tfrac d2\mathrm{Tr}(\Sigma\Gamma\Sigma\Gamma),
              \ \zeta_2 = \tfrac d4\mathrm{Tr}(\Delta\Gamma)^2,

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
    m, Se, _ = _mixture_of(mixture, "Theorem 4")
    G = _gamma(Gamma, m.d)
    _b2(G, m.Sigma, tol)
    check_rho(rho, "Theorem 4")
    h = hermite_data(activation, dps=dps + GUARD_DIGITS, context="Theorem 4")
    z1, z2 = theorem4_zetas(mixture, Gamma, exact=True)
    spec = _exact_spectrum("b2", _exact_of(Gamma, "Γ"), Se, dps)
    e = hermite_enclosures(activation)
    return theorem4_risk_from_data(rho, e["lambda1"], h["lambda2"], e["lambda_tilde"],
                                   spec, z1, z2, dps=dps)


def theorem4_limit(mixture: GaussianMixture, Gamma: ArrayLike, *, dps: int = 30,
                   tol: float = 1e-8) -> MPF:
    r"""Theorem 4, eq. (16), as printed (any σ): :math:`\zeta_1/(\zeta_1+\zeta_2)` at this d.
    Checks M1 and B2. See :func:`theorem4_limit_corrected` for λ₂ = 0.
    """
    dps = check_dps(dps)
    m, _, _ = _mixture_of(mixture, "Theorem 4")
    G = _gamma(Gamma, m.d)
    _b2(G, m.Sigma, tol)
    z1, z2 = theorem4_zetas(mixture, Gamma, exact=True)
    with mpmath.workdps(dps + GUARD_DIGITS):
        v = _mpfun("eq16")(as_mpf(z1, "ζ₁"), as_mpf(z2, "ζ₂"))
    return _round(v, dps)


def theorem4_limit_corrected(mixture: GaussianMixture, Gamma: ArrayLike,
                             activation: ActivationLike, *, dps: int = 30,
                             tol: float = 1e-8) -> MPF:
    """The ρ → ∞ limit of eq. (15) (:func:`derive_eq16`): eq. (16) if λ₂ ≠ 0, 1 if λ₂ = 0."""
    h = hermite_data(activation, dps=check_dps(dps), context="Theorem 4")
    value = theorem4_limit(mixture, Gamma, dps=dps, tol=tol)
    return mpmath.mpf(1) if h["lambda2_is_zero"] else value


def _identity_sigma_delta(mixture, context: str) -> _ex.ExactMatrix:
    """Δ exactly, for a mixture with Σ = I (checked exactly), a pair (I, Δ) or a matrix Δ (the
    mixture (I, Δ), M1 checked).
    """
    if isinstance(mixture, GaussianMixture) or (isinstance(mixture, tuple) and len(mixture) == 2):
        _, Se, De = _mixture_of(mixture, context)
        ident = all(Se.entry(i, j) == (1 if i == j else 0)
                    for i in range(Se.d) for j in range(Se.d)) if Se.d <= 64 else \
            bool(np.array_equal(Se.floats, np.eye(Se.d)))
        check(ident, f"{context} is stated for Σ = I; got ‖Σ − I‖_max = "
              f"{np.max(np.abs(Se.floats - np.eye(Se.d))):.3g}",
              assumption="Σ = I", fix="use theorem4_risk for general Σ")
        return De
    # a bare Δ stands for the mixture (I, Δ): it is built, so that M1 (I ± Δ ≻ 0) is checked
    De = _exact_of(as_symmetric(mixture, "Δ") if isinstance(mixture, np.ndarray) else mixture, "Δ")
    as_mixture(GaussianMixture(np.eye(De.d), De.floats), context)
    return De


def eq17_rf_risk(mixture: GaussianMixture | tuple | ArrayLike, rho: RealLike, *, dps: int = 30) -> MPF:
    r"""Eq. (17), RF row, as printed (Σ = I, w_i ~ N(0, I/d), σ = x² − 1):
    :math:`1/(1 + \frac{\rho}{1+2\rho}\frac{\mathrm{tr}(\Delta)^2}{2d})`.

    ``mixture`` is a GaussianMixture with Σ = I (checked), an exact pair (I, Δ) or the matrix Δ
    (read as the mixture (I, Δ); M1, I ± Δ ≻ 0, is checked). See
    :func:`eq17_rf_risk_corrected`: the printed row does not follow from eq. (15).
    """
    dps = check_dps(dps)
    D = _identity_sigma_delta(mixture, "eq. (17)")
    check_rho(rho, "eq. (17)")
    with mpmath.workdps(dps + GUARD_DIGITS):
        v = _mpfun("eq17")(as_mpf(rho, "ρ"), as_mpf(_ex.trace(D), "Tr Δ"), mpmath.mpf(D.d))
    return _round(v, dps)


def eq17_rf_risk_corrected(mixture: GaussianMixture | tuple | ArrayLike, rho: RealLike, *,
                           dps: int = 30) -> MPF:
    r"""Eq. (17)'s RF row as derived from eq. (15) (:func:`derive_eq17_rf`):
    :math:`1/(1 + \frac{\rho}{1+\rho}\frac{\mathrm{Tr}(\Delta)^2}{2d})`.
    """
    dps = check_dps(dps)
    D = _identity_sigma_delta(mixture, "eq. (17)")
    check_rho(rho, "eq. (17)")
    with mpmath.workdps(dps + GUARD_DIGITS):
        v = _mpfun("eq17c")(as_mpf(rho, "ρ"), as_mpf(_ex.trace(D), "Tr Δ"), mpmath.mpf(D.d))
    return _round(v, dps)


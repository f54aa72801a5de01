"""Mutants of the RF formulas for the graded self-test: the printed SymPy expressions of
:mod:`lazysym.rf.symbolic` with one change (a constant, d → d+1, ρ/(1+ρ) → ρ/(1+2ρ)), evaluated
on an instance with exact invariants (:func:`lazysym.rf.invariants`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import mpmath
import sympy as sp

from lazysym import rf
from lazysym.objects.models import GaussianMixture
from proofs_check.registry import Mutant

__all__ = ["evaluate", "expr_mutant"]


# ---------------------------------------------------------------------------------------------
# mutants: the printed SymPy expressions of lazysym.rf.symbolic with one change, evaluated on an
# instance (the graded self-test's constant changes and O(1/d) slips)
# ---------------------------------------------------------------------------------------------

def evaluate(expr: sp.Expr, *, model: Any, Gamma: Any = None, rho: Any = None,
             activation: Any = None, dps: int = 30) -> Any:
    r"""``expr`` (in the symbols of :data:`lazysym.rf.SYMBOLS`) evaluated at an instance.

    Fills d, ⟨Γ,B⟩, ‖B‖²_F, ‖Γ‖²_F, Tr B (qf) or Tr Δ, ζ₁, ζ₂ (mg), ρ, and — only if ``expr``
    contains them — λ₂ and ψ (eq. (9)/(14) solved on the ESD of d·Γ resp. d·Γ^{1/2}ΣΓ^{1/2}).
    Float64 invariants (enough for a mutant: its change is ≥ O(1/d)); an mpf at ``dps``.
    """
    from lazysym.objects.fixed_point import solve_psi
    from lazysym.objects.spectra import spectrum_of_gamma, spectrum_of_gamma_sigma

    S = rf.SYMBOLS
    free = expr.free_symbols
    inv = rf.invariants(model, Gamma if (Gamma is not None and (
        {S.GB, S.GF, S.zeta1, S.zeta2} & free)) else None)
    vals: dict[sp.Symbol, Any] = {getattr(S, k): v for k, v in inv.items()}
    if rho is not None:
        vals[S.rho] = rho
    if ({S.psi, S.lambda2} & free) and activation is not None:
        h = rf.hermite_data(activation, dps=dps + 10)
        vals[S.lambda2] = h["lambda2"]
        if S.psi in free:
            spec = (spectrum_of_gamma_sigma(Gamma, model.Sigma)
                    if isinstance(model, GaussianMixture) else spectrum_of_gamma(Gamma))
            vals[S.psi] = solve_psi(rho, h["lambda1"], h["lambda_tilde"], spec,
                                    dps=dps + 10).value
    missing = free - set(vals)
    if missing:
        raise ValueError(f"cannot evaluate {expr}: no value for {sorted(map(str, missing))}")
    args = sorted(free, key=str)
    with mpmath.workdps(dps + 10):
        f = sp.lambdify(args, expr, modules="mpmath")
        return f(*[_mp(vals[a]) for a in args])


def _mp(v: Any) -> Any:
    """An mpf at the working precision (Fractions divided exactly, not via float)."""
    from fractions import Fraction

    if isinstance(v, Fraction):
        return mpmath.mpf(v.numerator) / v.denominator
    return v if isinstance(v, mpmath.mpf) else mpmath.mpf(v)


#: Call signatures of the RF formulas (the claims' ``printed``/``corrected`` adapters).
_SIGNATURES: dict[str, Callable[[Callable[..., Any]], Callable[..., Any]]] = {
    "thm1": lambda f: (lambda target, Gamma, rho, activation, dps=30:
                       f(model=target, Gamma=Gamma, rho=rho, activation=activation, dps=dps)),
    "cor1": lambda f: (lambda target, Gamma, rho, dps=30:
                       f(model=target, Gamma=Gamma, rho=rho, dps=dps)),
    "eq13": lambda f: (lambda target, rho, dps=30: f(model=target, rho=rho, dps=dps)),
    "thm4": lambda f: (lambda mixture, Gamma, rho, activation, dps=30:
                       f(model=mixture, Gamma=Gamma, rho=rho, activation=activation, dps=dps)),
    "eq17": lambda f: (lambda mixture, rho, dps=30: f(model=mixture, rho=rho, dps=dps)),
    "limit_qf": lambda f: (lambda target, Gamma, activation=None, dps=30:
                           f(model=target, Gamma=Gamma, dps=dps)),
    "limit_mg": lambda f: (lambda mixture, Gamma, activation=None, dps=30:
                           f(model=mixture, Gamma=Gamma, dps=dps)),
}


def expr_mutant(name: str, expr: sp.Expr, signature: str, form: str = "printed") -> Mutant:
    """A :class:`~proofs_check.registry.Mutant` evaluating ``expr`` (a printed expression with
    one change, e.g. ``eq12_expr().subs(d, d + 1)``) with the call signature ``signature``
    (one of ``thm1``, ``cor1``, ``eq13``, ``thm4``, ``eq17``, ``limit_qf``, ``limit_mg``).
    """

    def value(**kw: Any) -> Any:
        return evaluate(expr, **kw)

    formula: Callable[..., Any] = _SIGNATURES[signature](value)
    return Mutant(name, formula, form)

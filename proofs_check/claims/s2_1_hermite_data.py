r"""§2.1: the Hermite data that Corollary 1 feeds into Theorem 1 for σ(x) = x² − 1.

* ``cor1.hermite`` — Corollary 1 specialises eq. (10) to σ(x) = x² − 1, which needs
  :math:`\lambda_1 = 0`, :math:`\lambda_2 = 2`, :math:`\tilde\lambda = 2` (with
  :math:`\lambda_k = E[\sigma(G)\mathrm{He}_k(G)]`, :math:`\tilde\lambda = E[\sigma(G)^2] -
  \lambda_1^2`, Theorem 1; then ψ = ρ/2 from eq. (9) and eq. (10) becomes eq. (12)). The paper
  does not print the three numbers; they are implied by Corollary 1 through Theorem 1, so
  ``printed`` is the triple that makes eq. (12) follow from eq. (10).

  Evidence: exact SymPy integration from the definitions,
  :math:`\int (x^2-1)\mathrm{He}_k(x)\varphi(x)\,dx` and :math:`\int (x^2-1)^2\varphi(x)\,dx`
  (:func:`lazysym.objects.hermite.hermite_coefficient` / :func:`~lazysym.objects.hermite.second_moment` with
  ``exact=True``), and, as a cross-check, mpmath quadrature at ``ctx.dps`` digits.

  Acceptance: the exact SymPy difference (printed − integral) is 0 for each of the three
  numbers (strength ``proved``: a closed-form integral, no rounding), **and** the quadrature
  witness agrees to :math:`10^{-(\mathrm{dps}-2)}` (hermite_coefficient / second_moment are
  accurate to ``dps`` digits relative to max(|λ_k|, √k!) ≤ 2, so the three values carry an
  absolute error ≲ 4·10^{-dps}; two digits are left for that). The self-test's mutants (each
  number off by one, by ±2 %, λ̃ 2 → 1) move a value by ≥ 0.04, far outside that tolerance,
  and the exact difference is nonzero for each.
"""

from __future__ import annotations

import mpmath
import sympy as sp

from lazysym.objects.activations import QUADRATIC_CENTERED
from lazysym.objects.hermite import hermite_coefficient, second_moment
from proofs_check.registry import Comparison, Context, Mutant, claim

_NAMES = ("lambda_1", "lambda_2", "lambda_tilde")


def cor1_hermite_printed():
    r"""(λ₁, λ₂, λ̃) for σ(x) = x² − 1 as Corollary 1 uses them: (0, 2, 2)."""
    return (sp.Integer(0), sp.Integer(2), sp.Integer(2))


def cor1_hermite_evidence(ctx: Context) -> dict:
    """Exact SymPy Hermite integrals of x² − 1 and an mpmath quadrature witness at ``ctx.dps``."""
    act = QUADRATIC_CENTERED
    ctx.progress("exact Hermite integrals of x² − 1")
    lam = {k: hermite_coefficient(act, k, exact=True) for k in (0, 1, 2)}
    m2 = second_moment(act, exact=True)
    ctx.progress("mpmath quadrature of the same integrals")
    num = {k: hermite_coefficient(act, k, dps=ctx.dps) for k in (1, 2)}
    num_m2 = second_moment(act, dps=ctx.dps)
    with mpmath.workdps(ctx.dps):
        num_tilde = num_m2 - num[1] ** 2
    return {
        "exact": (lam[1], lam[2], sp.simplify(m2 - lam[1] ** 2)),
        "numeric": (num[1], num[2], num_tilde),
        "lambda_0": lam[0], "E_sigma2": m2, "dps": ctx.dps,
    }


def cor1_hermite_compare(formula, data, ctx: Context) -> Comparison:
    """Corollary 1's (λ₁, λ₂, λ̃) against the exact integrals (proof) and the quadrature
    witness (cross-check at ``dps`` digits).
    """
    printed = tuple(sp.sympify(v) for v in formula())
    if len(printed) != 3:
        return Comparison(False, "identity", None, None, [], "formula must give (λ₁, λ₂, λ̃)",
                          criteria={"three_values": False})
    rows = []
    exact_ok, num_ok_all = True, True
    # quadrature witness: each value is accurate to ≲ 4·10^-dps absolute (module docstring);
    # 10^-(dps-2) leaves two digits for that round-off
    tol = mpmath.mpf(10) ** (-(data["dps"] - 2))
    for name, f, ex, nu in zip(_NAMES, printed, data["exact"], data["numeric"]):
        diff = sp.simplify(f - ex)
        with mpmath.workdps(data["dps"] + 10):
            num_err = abs(mpmath.mpf(sp.N(f, data["dps"] + 10)) - nu)
            num_ok = bool(num_err <= tol)
        exact_ok = exact_ok and diff == 0
        num_ok_all = num_ok_all and num_ok
        rows.append({"quantity": name, "printed": sp.sstr(f), "exact integral": sp.sstr(ex),
                     "mpmath": mpmath.nstr(nu, 12), "difference": sp.sstr(diff),
                     "agrees": bool(diff == 0 and num_ok)})
    lam0_ok = data["lambda_0"] == 0
    rows.append({"quantity": "lambda_0 (Theorem 1 assumes 0)", "printed": "0",
                 "exact integral": sp.sstr(data["lambda_0"]), "mpmath": "",
                 "difference": sp.sstr(data["lambda_0"]), "agrees": lam0_ok})
    crit = {"exact_difference_zero": bool(exact_ok), "quadrature_witness_agrees": num_ok_all,
            "lambda_0_zero": bool(lam0_ok)}
    ok = all(crit.values())
    return Comparison(ok, "identity", 0.0 if ok else None, None, rows,
                      "exact SymPy integrals from the definition; E σ(G)² = "
                      f"{sp.sstr(data['E_sigma2'])}; mpmath quadrature at {data['dps']} digits "
                      f"agrees to 1e-{data['dps'] - 2}",
                      strength="proved",
                      strength_note="SymPy integrates E[σ(G)He_k(G)] and E[σ(G)²] for σ = x² − 1 "
                                    "in closed form; printed − integral = 0 exactly",
                      criteria=crit, stats={"quadrature_tolerance": float(tol)},
                      proof={"lambda_k": "λ_k = ∫(x²−1)He_k(x)φ(x)dx (SymPy): λ₀ = 0, λ₁ = 0, "
                                         "λ₂ = 2",
                             "lambda_tilde": "λ̃ = ∫(x²−1)²φ(x)dx − λ₁² = 2 − 0 = 2 (SymPy)"})


def _triple(l1, l2, lt):
    def f():
        return (sp.nsimplify(l1), sp.nsimplify(l2), sp.nsimplify(lt))
    return f


claim(
    id="cor1.hermite",
    source="§2.1, Corollary 1 (via Theorem 1)",
    statement=r"\sigma(x) = x^2 - 1:\quad \lambda_1 = 0,\ \lambda_2 = 2,\ "
              r"\tilde\lambda = \mathbb{E}[\sigma(G)^2] - \lambda_1^2 = 2",
    method="exact SymPy integration of E[σ(G)He_k(G)] and E[σ(G)²] from the definition "
           "(lazysym.objects.hermite, exact=True), with mpmath quadrature at ctx.dps digits as a "
           "cross-check (tolerance 10^-(dps-2))",
    printed=cor1_hermite_printed,
    evidence=cor1_hermite_evidence,
    compare=cor1_hermite_compare,
    graded=("rel+5%", "rel-5%", "rel+2%", "rel-2%"),
    mutants=(
        Mutant("λ₁ 0 → 1", _triple(1, 2, 2)),
        Mutant("λ̃ 2 → 1 (λ₂ ≠ λ̃)", _triple(0, 2, 1)),
        Mutant("λ₂ 2 → 2.04 (+2 %)", _triple(0, sp.Rational(51, 25), 2)),
        Mutant("λ̃ 2 → 1.96 (−2 %)", _triple(0, 2, sp.Rational(49, 25))),
        Mutant("λ₂ 2 → 1 (λ₂ ≠ λ̃)", _triple(0, 1, 2)),
    ),
    note="The paper does not print the numbers; they are what Corollary 1 needs for eq. (10) to "
         "become eq. (12) (ψ = ρ/2 from eq. (9)). λ₀ = 0 holds as Theorem 1 assumes.",
)

r"""§2.2 (Theorem 2 and the remark after it) and the NT row of eq. (13): the NT model on quadratic targets.

Evidence (:func:`proofs_check.evidence.nt.expected_risk_evidence`): the exact rational
:math:`E_W[R_{NT,N}]/\|f_*\|^2` (the projection formula R = 2‖P⊥BP⊥‖²_F averaged with the Haar
moments, derived by Weingarten calculus in :mod:`lazysym.nt.symbolic`; tested against brute-force
least squares and Monte Carlo over W in tests/test_nt.py and tests/test_nt_symbolic.py) at
d = 50…800, and the symbolic chain: closed form in (d, ρ, r), its limit, the exact finite-d error
ρ(1−ρ)(1−r)(d−2)/((d−1)(d+2)) ∈ [0, 1/(4(d+2))]. It never uses Theorem 2. Targets (centred, as
Theorem 2 assumes): B diagonal with i.i.d. Exp(1) entries (§4), B = I (the worst case of the
remark), a spiked B = I + 3√d e₁e₁ᵀ, and a traceless B.

Acceptance: :func:`proofs_check.evidence.nt.limit_rule` / :func:`~proofs_check.evidence.nt.bound_rule`
(exact, no random decision: designed false-flip probability 0 ≤ 1e-4).
"""

from __future__ import annotations

from lazysym.nt import eq13_nt_risk, poster_theorem2_risk, theorem2_bound, theorem2_risk
from proofs_check.evidence.nt import (
    RHOS,
    SIZES,
    bound_rule,
    expected_risk_evidence,
    limit_rule,
    qf_args,
    slip_d,
    slip_N,
)
from proofs_check.registry import Mutant, claim

_SIZES = f"d = {SIZES[0][0]}…{SIZES[0][-1]} ({SIZES[1][-1]} with --thorough)"
_RHOS = "ρ ∈ {" + ", ".join(f"{r:g}" for r in RHOS) + "}"
_GRADED = ("rel+5%", "rel-5%", "rel+2%", "rel-2%")  # exact evidence: CI width 0 < 1 %


def thm2_printed(N, d, tr2, f2, dps=30):
    """Theorem 2 at ρ = N/d, r = Tr(B)²/(d‖B‖²_F) (:func:`lazysym.nt.theorem2_risk`)."""
    return theorem2_risk(*qf_args(N, d, tr2, f2), dps=dps)


def _slips(f, form="printed"):
    return (Mutant("N → N+1", slip_N(f), form), Mutant("d → d+1", slip_d(f), form))


claim(
    id="thm2",
    source="§2.2, Theorem 2",
    statement=r"\mathbb{E}[R_{\mathrm{NT},N}(f_*)] = \|f_*\|_{L_2}^2 \Big\{ (1-\rho)_+^2 \Big(1 - "
              r"\frac{\mathrm{Tr}(\mathbf{B})^2}{d\|\mathbf{B}\|_F^2}\Big) + (1-\rho)_+ "
              r"\frac{\mathrm{Tr}(\mathbf{B})^2}{d\|\mathbf{B}\|_F^2} + o_d(1) \Big\}",
    method=f"E_W[R_NT]/‖f*‖² in closed form (Haar moments by Weingarten calculus), its symbolic "
           f"limit and exact O(1/d) error; exact rationals at {_SIZES}, {_RHOS}, six targets of "
           "four families",
    printed=thm2_printed,
    evidence=expected_risk_evidence,
    compare=lambda f, data, ctx: limit_rule(f, data, ctx),
    graded=_GRADED,
    mutants=_slips(thm2_printed),
)


def bound_printed(N, d, dps=30):
    """The remark's bound (1 − ρ)₊ at ρ = N/d (:func:`lazysym.nt.theorem2_bound`)."""
    return theorem2_bound(qf_args(N, d, 0, 1)[0], dps=dps)


def _tighten(f, factor):
    """The bound scaled by ``factor`` (the generic relative mutants, applied to a bound)."""
    from proofs_check.evidence.mutants import relative
    return relative(f, factor)


claim(
    id="thm2.bound",
    source="§2.2, remark after Theorem 2",
    statement=r"\mathbb{E}[R_{\mathrm{NT},N}(f_*)] \leq (1-\rho)_+ \|f_*\|_{L_2}^2 + o_d(1), "
              r"\text{ with this worst case achieved when } \mathbf{B} \propto \mathbf{I}",
    method=f"closed form of E_W[R_NT]/‖f*‖² (Weingarten): affine in r with slope ≥ 0 and equal "
           f"to (1 − ρ)₊ at r = 1 for symbolic d; exact rationals at {_SIZES}, {_RHOS}",
    printed=bound_printed,
    evidence=expected_risk_evidence,
    compare=lambda f, data, ctx: bound_rule(f, data, ctx),
    perturb=_tighten,
    graded=_GRADED,
    mutants=_slips(bound_printed),
    note="Holds at every finite d without the o(1): E R_NT/‖f*‖² = α d r + β ≤ α d + β = (d − N)/d "
         "(r = Tr(B)²/(d‖B‖²_F) ≤ 1), with equality for B ∝ I.",
)


def eq13_printed(N, d, tr2=None, f2=None, dps=30):
    """Eq. (13), NT row as printed (:func:`lazysym.nt.eq13_nt_risk`).

    Also callable as ``eq13_printed(rho, ratio)`` (two arguments: ρ and Tr(B)²/(d‖B‖²_F)), the
    form notebooks/07_figures.ipynb uses.
    """
    if tr2 is None and f2 is None:
        return eq13_nt_risk(N, d, dps=dps)
    return eq13_nt_risk(*qf_args(N, d, tr2, f2), dps=dps)


def eq13_corrected(N, d, tr2, f2, dps=30):
    """Eq. (13), NT row with the '+' a product: the poster's Theorem 2
    (:func:`lazysym.nt.poster_theorem2_risk`).
    """
    return poster_theorem2_risk(*qf_args(N, d, tr2, f2), dps=dps)


claim(
    id="eq13.nt",
    source="§2.3, eq. (13), NT row",
    statement=r"\frac{R_{\mathrm{NT},N}(f_*)}{\|f_*\|_{L_2}^2} \approx (1-\rho)_+^2 + \rho(1-\rho)_+ "
              r"+ \frac{\mathrm{Tr}(\mathbf{B})^2}{d\|\mathbf{B}\|_F^2}",
    method="same closed form, symbolic limit and exact rationals as thm2",
    printed=eq13_printed,
    evidence=expected_risk_evidence,
    compare=lambda f, data, ctx: limit_rule(f, data, ctx),
    corrected=eq13_corrected,
    corrected_statement=r"(1-\rho)_+^2 + \rho(1-\rho)_+ \frac{\mathrm{Tr}(\mathbf{B})^2}"
                        r"{d\|\mathbf{B}\|_F^2}",
    graded=_GRADED,
    mutants=_slips(eq13_corrected, "corrected"),
    note="Misprint, proved: the symbolic limit of the exact expectation differs from the printed "
         "row (e.g. by r at ρ ≥ 1, where the row does not vanish); with the '+' before the ratio "
         "read as a product the row equals Theorem 2 and the poster's Theorem 2 exactly.",
)

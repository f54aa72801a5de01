r"""The poster's NT model (poster.md, "Neural Tangent model", Theorem 2) against the exact NT risks.

The poster's Theorem 2 prints the limit as :math:`(1-\rho)_+^2 + \rho(1-\rho)_+ r`,
r = Tr(B)²/(d‖B‖²_F): algebraically the paper's Theorem 2 (expand :math:`(1-\rho)^2(1-r) + (1-\rho)r`).
But the poster's NT class, :math:`\{\sum_i \langle a_i, x\rangle\sigma'(\langle w_i, x\rangle)\}`, has
no offset c, unlike eq. (3). Without c the best approximation must also pay for the mean
:math:`-\operatorname{Tr}B` of the centred target with a quadratic form, which costs
:math:`2a^2/(r_W + 2)`, :math:`a = -\operatorname{Tr}(PB)` (see :mod:`lazysym.nt.exact`); the
symbolic limit of the exact expectation (:func:`lazysym.nt.symbolic.theorem2_limit_chain` with
``offset=False``) adds :math:`\min(\rho, 1)\,r`, which does not vanish unless r → 0 (e.g. Tr B = 0).
``poster.thm2`` holds the formula against the class with c (what [5] proves); ``poster.nt_class``
against the class the poster displays. Evidence and rule: :mod:`proofs_check.evidence.nt`
(exact, no random decision).
"""

from __future__ import annotations

from lazysym.nt import nt_limit_no_offset, poster_theorem2_risk
from proofs_check.evidence.nt import (
    SIZES,
    expected_risk_evidence,
    limit_rule,
    qf_args,
    slip_d,
    slip_N,
)
from proofs_check.registry import Mutant, claim

_GRADED = ("rel+5%", "rel-5%", "rel+2%", "rel-2%")  # exact evidence


def poster_printed(N, d, tr2, f2, dps=30):
    """The poster's Theorem 2 (:func:`lazysym.nt.poster_theorem2_risk`) at ρ = N/d."""
    return poster_theorem2_risk(*qf_args(N, d, tr2, f2), dps=dps)


def no_offset_limit(N, d, tr2, f2, dps=30):
    """The derived limit for the class without offset (:func:`lazysym.nt.nt_limit_no_offset`)."""
    return nt_limit_no_offset(*qf_args(N, d, tr2, f2), dps=dps)


POSTER_STATEMENT = (r"\frac{\mathbb{E}_W[R_{\mathrm{NT},N}(f_*)]}{\|f_*\|_{L_2}^2} = \Big\{ (1-\rho)_+^2 "
                    r"+ \rho(1-\rho)_+ \frac{\mathrm{Tr}(\mathbf{B})^2}{d\|\mathbf{B}\|_F^2} + o_d(1)\Big\}")
_SIZES = f"d = {SIZES[0][0]}…{SIZES[0][-1]}"

claim(
    id="poster.thm2",
    source="poster, Neural Tangent model, Theorem 2",
    statement=POSTER_STATEMENT,
    method=f"closed form of E_W[R_NT]/‖f*‖² for the NT class with offset (eq. (3)), its symbolic "
           f"limit and exact error; exact rationals at {_SIZES} (the thm2 evidence)",
    printed=poster_printed,
    evidence=expected_risk_evidence,
    compare=lambda f, data, ctx: limit_rule(f, data, ctx),
    graded=_GRADED,
    mutants=(Mutant("N → N+1", slip_N(poster_printed)), Mutant("d → d+1", slip_d(poster_printed))),
    note="Same function as the paper's Theorem 2 written differently (the symbolic check proves it).",
)


def _no_offset_evidence(ctx):
    return expected_risk_evidence(ctx, offset=False)


claim(
    id="poster.nt_class",
    source="poster, NT class F_NT,N(W) (no offset c) with its Theorem 2",
    statement=r"\mathcal{F}_{\mathrm{NT},N}(\mathbf{W}) = \Big\{ f_N(\mathbf{x}) = \sum_{i=1}^N "
              r"\langle \mathbf{a}_i, \mathbf{x}\rangle \sigma'(\langle \mathbf{w}_i, \mathbf{x}\rangle)"
              r" \Big\}:\ " + POSTER_STATEMENT,
    method=f"closed form of E_W of the NT risk for the poster's class without offset "
           f"(Weingarten moments of order 1 and 2), its symbolic limit and exact error; exact "
           f"rationals at {_SIZES}, four centred target families",
    printed=poster_printed,
    evidence=_no_offset_evidence,
    compare=lambda f, data, ctx: limit_rule(f, data, ctx),
    corrected=no_offset_limit,
    corrected_statement=r"\frac{\mathbb{E}_W[R_{\mathrm{NT},N}(f_*)]}{\|f_*\|_{L_2}^2} \to (1-\rho)_+^2 "
                        r"+ \rho(1-\rho)_+ r + \min(\rho, 1)\, r,\quad r = "
                        r"\frac{\mathrm{Tr}(\mathbf{B})^2}{d\|\mathbf{B}\|_F^2}"
                        r"\quad\text{(class without } c\text{, centred } f_*)",
    graded=_GRADED,
    mutants=(Mutant("N → N+1", slip_N(no_offset_limit), "corrected"),
             Mutant("d → d+1", slip_d(no_offset_limit), "corrected")),
    note="Without the offset the NT risk does not vanish for ρ ≥ 1 (it tends to r‖f*‖²): the "
         "poster's Theorem 2 needs the offset c of eq. (3) (or Tr B = 0). Proved: the symbolic "
         "limit of the exact expectation differs from the printed form by min(ρ, 1)·r.",
)

r"""§2.3: the population loss L(W, c) of the quadratic network — *proved* for symbolic d, N.

The paper defines :math:`L(W,c) = E[(f_*(x) - \hat f(x;W,c))^2]` with
:math:`f_*(x) = b_0 + \langle x, Bx\rangle`
(eq. (8)), :math:`\hat f(x;W,c) = \sum_i \langle w_i, x\rangle^2 + c`, :math:`x \sim N(0, I_d)`, and prints
the step :math:`= E[(\langle xx^\top, B - WW^\top\rangle + b_0 - c)^2]` (transcribed in
:func:`lazysym.nn.summary.loss_integrand`). Everything downstream (Theorem 3, Proposition 1,
lazysym.nn.loss) uses the closed form
:math:`2\|B - WW^\top\|_F^2 + (\operatorname{Tr}(B - WW^\top) + b_0 - c)^2`
(:func:`lazysym.nn.loss_symbolic.closed_form_loss`).

Evidence (never sees either formula): the expectation of :math:`(f_* - \hat f)^2` *from the
definition*, (i) for symbolic d, N by Wick's rule in trace form
(:func:`lazysym.nn.loss_symbolic.derive_loss`: :math:`\sum_i\langle w_i,x\rangle^2 = x^\top WW^\top x`,
then every Wick pairing of the product of quadratic forms), and (ii) at d = N = 2 with the sum over
neurons written out, the integrand fully expanded in :math:`x_1, x_2` and averaged monomial by
monomial with Isserlis (:func:`lazysym.nn.loss_symbolic.derive_loss_explicit`), an independent
cross-check of (i). Both comparisons are exact SymPy identities
(:func:`proofs_check.evidence.decisions.symbolic`): strength ``proved`` — every step from the
definition to the closed form is symbolic for symbolic d and N, no constant typed in. An exact
identity has no false flips (its false-flip probability is 0 ≤ ALPHA_CLAIM).
"""

from __future__ import annotations

import sympy as sp
from sympy import Identity

from lazysym.nn.loss_symbolic import (
    closed_form_loss,
    closed_form_loss_explicit,
    derive_loss,
    derive_loss_explicit,
    loss_symbols,
)
from lazysym.nn.summary import loss_integrand
from lazysym.objects.gaussian import QuadForm, expect_forms, expect_polynomial, frobenius2, trace
from proofs_check.evidence.decisions import symbolic
from proofs_check.registry import Comparison, Context, Mutant, claim

#: explicit size of the coordinate check (d = 2, N = 2: every entry of B and W symbolic)
EXPLICIT = (2, 2)

PROOF = {
    "definition": "L(W,c) = E[(f*(x) − f̂(x;W,c))²], f* = b₀ + xᵀBx, f̂ = Σᵢ⟨wᵢ,x⟩² + c = xᵀWWᵀx + c, "
                  "x ~ N(0, I_d)",
    "expectation": "Wick's rule on products of quadratic forms (lazysym.objects.gaussian."
                   "expect_forms), symbolic d and N; cross-checked by full expansion + Isserlis "
                   "at d = N = 2",
    "result": "2Tr((B − WWᵀ)²) + (Tr(B − WWᵀ) + b₀ − c)², as canonical traces",
}


def loss_evidence(ctx: Context) -> dict:
    """E[(f* − f̂)²] from the definition: general d (trace form) and explicit d = N = 2."""
    ctx.progress("Wick's rule on E[(b0 + xᵀBx − xᵀWWᵀx − c)²], general d")
    general = derive_loss()
    ctx.progress("Isserlis on the expanded integrand, d = N = 2")
    E = derive_loss_explicit(*EXPLICIT)
    return {"general": general, "explicit": E.expr}


def _merge(parts: list[tuple[str, Comparison]]) -> Comparison:
    rows, crit = [], {}
    for label, comp in parts:
        crit[f"{label}: difference_is_zero"] = comp.agrees
        for r in comp.table:
            rows.append({"case": label, "agrees": comp.agrees, **r})
    ok = all(crit.values())
    return Comparison(ok, "identity", 0.0 if ok else None, None, rows,
                      "exact SymPy identity, symbolic d, N (Wick) and d = N = 2 (full expansion)",
                      strength="proved",
                      strength_note="SymPy identity from the definition for symbolic d, N "
                                    "(Wick's rule); no constant typed in",
                      criteria=crit, stats={"sizes": {"explicit (d, N)": EXPLICIT}}, proof=PROOF)


# --------------------------------------------------------------------------------------------
# sec2.3.loss: the printed step E[(f* − f̂)²] = E[(⟨xxᵀ, B − WWᵀ⟩ + b0 − c)²]
# --------------------------------------------------------------------------------------------

def printed_integrand(inner_xxT, B, W, b0, c):
    r"""The printed integrand (:func:`lazysym.nn.summary.loss_integrand`)."""
    return loss_integrand(inner_xxT, B, W, b0, c)


def _compare_integrand(formula, data, ctx: Context) -> Comparison:
    s = loss_symbols()
    # general d: ⟨xxᵀ, M⟩ = xᵀMx is the random quadratic form, averaged by Wick's rule
    general = expect_forms(formula(QuadForm, s.B, s.W, s.b0, s.c), Identity(s.d))
    # explicit d = 2: ⟨xxᵀ, M⟩ = Σ_ij x_i x_j M_ij literally, averaged by Isserlis
    E = derive_loss_explicit(*EXPLICIT)
    x = sp.Matrix(E.x)
    xxT = x * x.T

    def inner(M):
        M = sp.Matrix(M)
        return sum(xxT[i, j] * M[i, j] for i in range(M.rows) for j in range(M.cols))

    explicit = expect_polynomial(formula(inner, sp.Matrix(E.B), sp.Matrix(E.W), E.b0, E.c),
                                 sp.eye(E.d), list(E.x))
    return _merge([("general d", symbolic(general, data["general"])),
                   ("d = N = 2", symbolic(explicit, data["explicit"]))])


claim(
    id="sec2.3.loss",
    source="§2.3, definition of L(W,c)",
    statement=(r"L(\mathbf{W},c)=\mathbb{E}[(f_*(\mathbf{x})-\hat{f}(\mathbf{x};\mathbf{W},c))^2]"
               r"=\mathbb{E}\left[\left(\langle \mathbf{x}\mathbf{x}^\top,\mathbf{B}-\mathbf{W}"
               r"\mathbf{W}^\top \rangle+b_0-c\right)^2\right]"),
    method=(f"E[(f* − f̂)²] derived from the definition (f* = b0 + xᵀBx, f̂ = Σᵢ⟨wᵢ,x⟩² + c, "
            f"x ~ N(0, I)) by Wick's rule in trace form for symbolic d, N, and by full expansion + "
            f"Isserlis at d = {EXPLICIT[0]}, N = {EXPLICIT[1]}; the printed expectation is "
            f"evaluated the same way and compared as an exact SymPy identity"),
    printed=printed_integrand,
    evidence=loss_evidence,
    compare=_compare_integrand,
    graded=("rel+5%", "rel-5%", "rel+2%", "rel-2%"),
    mutants=(Mutant("B − WWᵀ → B + WWᵀ",
                    lambda inner, B, W, b0, c: (inner(B + W * W.T) + b0 - c) ** 2),
             Mutant("b0 − c → b0 + c",
                    lambda inner, B, W, b0, c: (inner(B - W * W.T) + b0 + c) ** 2),
             Mutant("square → first power", lambda inner, B, W, b0, c: inner(B - W * W.T) + b0 - c)),
)


# --------------------------------------------------------------------------------------------
# sec2.3.loss.closed_form: 2‖B − WWᵀ‖²_F + (Tr(B − WWᵀ) + b0 − c)²
# --------------------------------------------------------------------------------------------

def printed_closed_form(case):
    r"""The closed form :math:`2\|B - WW^\top\|_F^2 + (\operatorname{Tr}(B - WW^\top) + b_0 - c)^2`
    from the library: :func:`lazysym.nn.loss_symbolic.closed_form_loss` for ``case = "general"``
    (symbolic d, N), :func:`~lazysym.nn.loss_symbolic.closed_form_loss_explicit` for ``case =
    (d, N)``.
    """
    return closed_form_loss() if case == "general" else closed_form_loss_explicit(*case)


def _closed_variant(two, sign_c):
    """A wrong closed form (for the self-test): factor ``two`` and offset sign ``sign_c``."""
    def f(case):
        if case == "general":
            s = loss_symbols()
            B, W, b0, c = s.B, s.W, s.b0, s.c
        else:
            E = derive_loss_explicit(*case)
            B, W, b0, c = sp.Matrix(E.B), sp.Matrix(E.W), E.b0, E.c
        M = B - W * W.T
        return sp.expand(two * frobenius2(M) + (trace(M) + b0 + sign_c * c) ** 2)
    return f


def _compare_closed_form(formula, data, ctx: Context) -> Comparison:
    return _merge([("general d", symbolic(formula("general"), data["general"])),
                   ("d = N = 2", symbolic(formula(EXPLICIT), data["explicit"]))])


claim(
    id="sec2.3.loss.closed_form",
    source="§2.3, L(W,c) in closed form (used by Theorem 3 and Proposition 1)",
    statement=(r"L(\mathbf{W},c)=2\|\mathbf{B}-\mathbf{W}\mathbf{W}^\top\|_F^2+(\mathrm{Tr}"
               r"(\mathbf{B}-\mathbf{W}\mathbf{W}^\top)+b_0-c)^2"),
    method=(f"E[(f* − f̂)²] derived from the definition by Wick's rule (symbolic d, N, trace form) "
            f"and by full expansion + Isserlis (d = {EXPLICIT[0]}, N = {EXPLICIT[1]}); compared "
            f"with the library's closed form as an exact SymPy identity"),
    printed=printed_closed_form,
    evidence=loss_evidence,
    compare=_compare_closed_form,
    graded=("rel+5%", "rel-5%", "rel+2%", "rel-2%"),
    mutants=(Mutant("2 ↔ 1", _closed_variant(1, -1)), Mutant("b0 − c → b0 + c", _closed_variant(2, 1)),
             Mutant("2 → 3", _closed_variant(3, -1))),
    note="The paper prints only the expectation; the closed form is the value used downstream.",
)

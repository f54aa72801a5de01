r"""§2.3: the population loss L(W, c) of the quadratic network.

The paper defines :math:`L(W,c) = E[(f_*(x) - \hat f(x;W,c))^2]` with :math:`f_*(x) = b_0 + \langle x, Bx\rangle`
(eq. (8)), :math:`\hat f(x;W,c) = \sum_i \langle w_i, x\rangle^2 + c`, :math:`x \sim N(0, I_d)`, and prints
the step :math:`= E[(\langle xx^\top, B - WW^\top\rangle + b_0 - c)^2]`. Everything downstream
(Theorem 3, Proposition 1, lazysym.nn.loss) uses the closed form
:math:`2\|B - WW^\top\|_F^2 + (\operatorname{Tr}(B - WW^\top) + b_0 - c)^2`.

Evidence (never sees either formula): the expectation of :math:`(f_* - \hat f)^2` *from the
definition*, (i) for general symbolic d, N by Wick's rule in trace form
(:func:`lazysym.nn.loss_symbolic.derive_loss`), and (ii) at d = 2, N = 2 with the sum over neurons
written out, the integrand fully expanded in :math:`x_1, x_2` and averaged monomial by monomial
with Isserlis (:func:`lazysym.nn.loss_symbolic.derive_loss_explicit`). Both comparisons are exact
SymPy identities (:func:`proofs_check.registry.compare_symbolic`).
"""

from __future__ import annotations

import sympy as sp
from sympy import Identity

from lazysym.nn.loss_symbolic import derive_loss, derive_loss_explicit, loss_symbols
from lazysym.objects.gaussian import QuadForm, expect_forms, expect_polynomial, frobenius2, trace
from proofs_check.registry import Comparison, Context, claim
from proofs_check.evidence.legacy import compare_symbolic

#: explicit size of the coordinate check (d = 2, N = 2: every entry of B and W symbolic)
EXPLICIT = (2, 2)


def loss_evidence(ctx: Context) -> dict:
    """E[(f* − f̂)²] from the definition: general d (trace form) and explicit d = N = 2."""
    ctx.progress("Wick's rule on E[(b0 + xᵀBx − xᵀWWᵀx − c)²], general d")
    general = derive_loss()
    ctx.progress("Isserlis on the expanded integrand, d = N = 2")
    E = derive_loss_explicit(*EXPLICIT)
    return {"general": general, "explicit": E.expr}


def _merge(parts: list[tuple[str, Comparison]]) -> Comparison:
    rows = []
    for label, comp in parts:
        for r in comp.table:
            rows.append({"case": label, "agrees": comp.agrees, **r})
    ok = all(c.agrees for _, c in parts)
    return Comparison(ok, "identity", 0.0 if ok else None, None, rows,
                      "exact SymPy identity, general d (Wick) and d = N = 2 (full expansion)")


# --------------------------------------------------------------------------------------------
# sec2.3.loss: the printed step E[(f* − f̂)²] = E[(⟨xxᵀ, B − WWᵀ⟩ + b0 − c)²]
# --------------------------------------------------------------------------------------------

def printed_integrand(inner_xxT, B, W, b0, c):
    r"""The printed integrand :math:`(\langle xx^\top, B - WW^\top\rangle + b_0 - c)^2`;
    ``inner_xxT(M)`` is :math:`\langle xx^\top, M\rangle` in the caller's representation.
    """
    return (inner_xxT(B - W * W.T) + b0 - c) ** 2


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
    return _merge([("general d", compare_symbolic(general, data["general"])),
                   ("d = N = 2", compare_symbolic(explicit, data["explicit"]))])


claim(
    id="sec2.3.loss",
    source="§2.3, definition of L(W,c)",
    statement=(r"L(\mathbf{W},c)=\mathbb{E}[(f_*(\mathbf{x})-\hat{f}(\mathbf{x};\mathbf{W},c))^2]"
               r"=\mathbb{E}\left[\left(\langle \mathbf{x}\mathbf{x}^\top,\mathbf{B}-\mathbf{W}"
               r"\mathbf{W}^\top \rangle+b_0-c\right)^2\right]"),
    method=("E[(f* − f̂)²] derived from the definition (f* = b0 + xᵀBx, f̂ = Σᵢ⟨wᵢ,x⟩² + c, "
            "x ~ N(0, I)) by Wick's rule in trace form for general d, and by full expansion + "
            "Isserlis at d = N = 2; the printed expectation is evaluated the same way and "
            "compared as an exact SymPy identity"),
    printed=printed_integrand,
    evidence=loss_evidence,
    compare=_compare_integrand,
)


# --------------------------------------------------------------------------------------------
# sec2.3.loss.closed_form: 2‖B − WWᵀ‖²_F + (Tr(B − WWᵀ) + b0 − c)²
# --------------------------------------------------------------------------------------------

def printed_closed_form(B, W, b0, c):
    r""":math:`2\|B - WW^\top\|_F^2 + (\operatorname{Tr}(B - WW^\top) + b_0 - c)^2` (symbolic or
    explicit matrices, through :func:`lazysym.objects.gaussian.trace` / ``frobenius2``).
    """
    M = B - W * W.T
    return 2 * frobenius2(M) + (trace(M) + b0 - c) ** 2


def _compare_closed_form(formula, data, ctx: Context) -> Comparison:
    s = loss_symbols()
    E = derive_loss_explicit(*EXPLICIT)
    return _merge([
        ("general d", compare_symbolic(formula(s.B, s.W, s.b0, s.c), data["general"])),
        ("d = N = 2", compare_symbolic(formula(sp.Matrix(E.B), sp.Matrix(E.W), E.b0, E.c),
                                       data["explicit"])),
    ])


claim(
    id="sec2.3.loss.closed_form",
    source="§2.3, L(W,c) in closed form (used by Theorem 3 and Proposition 1)",
    statement=(r"L(\mathbf{W},c)=2\|\mathbf{B}-\mathbf{W}\mathbf{W}^\top\|_F^2+(\mathrm{Tr}"
               r"(\mathbf{B}-\mathbf{W}\mathbf{W}^\top)+b_0-c)^2"),
    method=("E[(f* − f̂)²] derived from the definition by Wick's rule (general d, trace form) and "
            "by full expansion + Isserlis (d = N = 2); compared with the closed form as an exact "
            "SymPy identity"),
    printed=printed_closed_form,
    evidence=loss_evidence,
    compare=_compare_closed_form,
    note="The paper prints only the expectation; the closed form is the value used downstream.",
)

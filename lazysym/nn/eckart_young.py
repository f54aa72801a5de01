r"""Theorem 3's value and the NN row of eq. (13), *proved* for all d: a checked derivation.

§2.3, Theorem 3 states :math:`\inf_{W,c}L(W,c) = 2\sum_{i=N+1}^d\lambda_i(B)^2` for
:math:`B\succeq 0`, and eq. (13) divides it by :math:`\|f_*\|_{L^2}^2`. The argument (the von
Neumann trace inequality proof sketched in :mod:`lazysym.nn.optimum`) is written here as a chain of
steps, each of which is *checked*, not only stated (:func:`derivation`):

1. :math:`L = 2\|B-WW^\top\|_F^2 + (\operatorname{Tr}(B-WW^\top)+b_0-c)^2` — SymPy: Wick's rule
   on the definition :math:`E(f_*-\hat f)^2`, symbolic d, N
   (:func:`lazysym.nn.loss_symbolic.derive_loss`);
2. :math:`\min_c` sets the second term to 0 — SymPy identity, symbolic d, N;
3. :math:`\{WW^\top\} = \{S\succeq 0,\ \operatorname{rank}S\le N\}` — lemma (spectral theorem),
   cited;
4. :math:`\|B-S\|_F^2 = \|B\|_F^2 - 2\langle B,S\rangle + \|S\|_F^2` — SymPy identity (trace
   form), symbolic d;
5. :math:`\langle B,S\rangle\le\sum_i\lambda_i s_i` — lemma (von Neumann 1937), cited; checked on
   the exact instances (:func:`exact_instance`);
6. :math:`\sum_{i\le d}\lambda_i^2 - 2\sum_{i\le k}\lambda_is_i + \sum_{i\le k}s_i^2 =
   \sum_{i\le k}(\lambda_i-s_i)^2 + \sum_{i>k}\lambda_i^2` — SymPy identity of sums, symbolic
   k ≤ d;
7. the bound is attained at :math:`W = [\sqrt{\lambda_i}v_i]_{i\le k}` — exact rational
   arithmetic at every instance: :math:`L(W^\star, c^\star)` equals step 6's value exactly;
8. :math:`\|f_*\|^2 = 2\|B\|_F^2` (centred f*) — SymPy: Wick's rule, symbolic d;
9. eq. (13): :math:`\inf L/\|f_*\|^2 = 1 - \sum_{i\le k}\lambda_i^2/\|B\|_F^2` — SymPy identity
   of sums, symbolic k ≤ d.

with :math:`k = N\wedge d` (rank S ≤ N and S is d×d). Steps 3 and 5 are classical theorems
(cited, with the statement); everything else is decided by SymPy for symbolic d, N, or — for the
attainment, which only needs one point per instance — in exact rationals. The result, for every
d, N and every :math:`B\succeq 0`:

.. math::

    \inf_{W,c}L(W,c) = 2\sum_{i=k+1}^{d}\lambda_i(B)^2,\qquad
    \frac{\inf_{W,c}L}{\|f_*\|^2} = 1 - \frac{\sum_{i=1}^{k}\lambda_i(B)^2}{\|B\|_F^2}.

Exact instances (:func:`exact_instance`): :math:`B = Q\Lambda Q^\top` with Q a product of
Householder reflections :math:`I - vv^\top/2`, :math:`v\in\{\pm1\}^4` on four coordinates (entries
multiples of 1/2: Q is rational and exactly orthogonal) and Λ the squares of dyadic rationals, so
that B is exactly representable in float64, its spectrum is known exactly and the minimiser
:math:`W^\star = Q_{:,\le k}\Lambda_{\le k}^{1/2}` is rational.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from functools import cache

import numpy as np
import sympy as sp

from lazysym._typing import SeedLike
from lazysym._validate import as_generator, as_real, nonnegative_int, parse_decimal, positive_int
from lazysym.errors import check, check_type
from lazysym.limits import check_limit
from lazysym.nn.loss_symbolic import closed_form_loss, derive_loss, loss_symbols
from lazysym.objects.gaussian import (
    QuadForm,
    SymmetricMatrixSymbol,
    expect_forms,
    frobenius2,
    trace,
)

__all__ = ["Step", "Derivation", "ExactInstance", "derivation", "exact_instance",
           "infimum_exact", "eq13_nn_exact", "von_neumann_holds", "attained_loss_exact"]


@dataclass(frozen=True)
class Step:
    """One step of the derivation: what it says, how it is checked, and whether it held."""

    name: str
    statement: str
    method: str
    holds: bool


@dataclass(frozen=True)
class Derivation:
    r"""The checked chain (module docstring) and its two results as SymPy expressions in the
    indexed eigenvalues ``lam[i]`` (descending), ``k`` = N ∧ d and ``d``.
    """

    steps: tuple[Step, ...]
    infimum: sp.Expr
    eq13_nn: sp.Expr
    lam: sp.IndexedBase
    i: sp.Symbol
    k: sp.Symbol
    d: sp.Symbol

    @property
    def holds(self) -> bool:
        """Every step checked."""
        return all(s.holds for s in self.steps)

    def chain(self) -> dict[str, str]:
        """The steps as ``{name: statement (method)}`` for a report."""
        return {s.name: f"{s.statement}  [{s.method}]" for s in self.steps}


def _split(expr: sp.Expr, i: sp.Symbol, k: sp.Symbol, d: sp.Symbol) -> sp.Expr:
    """Rewrite every Σ_{i=1}^{d} as Σ_{i=1}^{k} + Σ_{i=k+1}^{d} (valid for k ≤ d)."""
    def is_full(e: sp.Basic) -> bool:
        return isinstance(e, sp.Sum) and e.limits[0][1] == 1 and e.limits[0][2] == d

    return expr.replace(is_full, lambda e: sp.Sum(e.function, (i, 1, k))
                        + sp.Sum(e.function, (i, k + 1, d)))


def _sums_expanded(expr: sp.Expr) -> sp.Expr:
    """Each Σ f as the sum of Σ over the terms of the expanded f (linearity), then expanded."""
    def split_terms(e: sp.Sum) -> sp.Expr:
        return sp.Add(*[sp.Sum(t, e.limits) for t in sp.Add.make_args(sp.expand(e.function))])

    return sp.expand(expr.replace(lambda e: isinstance(e, sp.Sum), split_terms))


def _sum_identity(lhs: sp.Expr, rhs: sp.Expr, i: sp.Symbol, k: sp.Symbol, d: sp.Symbol) -> bool:
    """Decide Σ-identities with symbolic bounds (k ≤ d): split, linearise, simplify to 0."""
    diff = _sums_expanded(_split(lhs, i, k, d) - _split(rhs, i, k, d))
    return bool(sp.simplify(diff) == 0)


@cache
def derivation() -> Derivation:
    r"""The checked derivation of Theorem 3's value and eq. (13)'s NN row (module docstring).

    Every SymPy step is decided for symbolic dimensions; a step that fails is reported with
    ``holds=False`` (nothing is asserted silently). About 0.9 s CPU, cached.
    """
    s = loss_symbols()
    steps = []
    # 1. the population loss from its definition (Wick's rule, symbolic d, N)
    ok1 = bool(sp.expand(derive_loss() - closed_form_loss()) == 0)
    steps.append(Step("1 closed form",
                      "E[(f*(x) − f̂(x;W,c))²] = 2‖B − WWᵀ‖²_F + (Tr(B − WWᵀ) + b₀ − c)²",
                      "SymPy, Wick's rule on the definition, symbolic d, N", ok1))
    # 2. the offset: L = 2‖M‖² + (c − c*)², c* = b₀ + Tr M
    M = s.B - s.W * s.W.T
    T = trace(M)
    c_star = s.b0 + T
    L = 2 * frobenius2(M) + (T + s.b0 - s.c) ** 2
    ok2 = bool(sp.expand(L - 2 * frobenius2(M) - (s.c - c_star) ** 2) == 0)
    steps.append(Step("2 offset", "L = 2‖B − WWᵀ‖²_F + (c − c*)², c* = b₀ + Tr(B − WWᵀ): "
                      "min over c is 2‖B − WWᵀ‖²_F", "SymPy identity, symbolic d, N", ok2))
    steps.append(Step("3 parametrisation",
                      "{WWᵀ : W ∈ R^{d×N}} = {S ⪰ 0 : rank S ≤ N} (spectral theorem: "
                      "S = Σ_{i≤r} s_i v_iv_iᵀ = WWᵀ with w_i = √s_i v_i)",
                      "lemma (spectral theorem), cited", True))
    # 4. expansion of the Frobenius norm, B and S symmetric
    d = s.d
    Bs, Ss = SymmetricMatrixSymbol("B", d, d), SymmetricMatrixSymbol("S", d, d)
    ok4 = bool(sp.expand(frobenius2(Bs - Ss) - frobenius2(Bs) + 2 * trace(Bs * Ss)
                         - frobenius2(Ss)) == 0)
    steps.append(Step("4 expansion", "‖B − S‖²_F = ‖B‖²_F − 2⟨B, S⟩ + ‖S‖²_F",
                      "SymPy identity (trace form), symbolic d", ok4))
    steps.append(Step("5 von Neumann",
                      "⟨B, S⟩ ≤ Σ_i λ_i(B) s_i(S), both spectra in decreasing order",
                      "lemma (von Neumann 1937; Mirsky 1975 for symmetric matrices), cited; "
                      "checked on the exact instances", True))
    # 6. the scalar lower bound, symbolic k ≤ d
    i = sp.Symbol("i", integer=True, positive=True)
    k = sp.Symbol("k", integer=True, positive=True)
    dd = sp.Symbol("d", integer=True, positive=True)
    lam, sv = sp.IndexedBase("lambda", real=True), sp.IndexedBase("s", real=True)
    lower = (sp.Sum(lam[i] ** 2, (i, 1, dd)) - 2 * sp.Sum(lam[i] * sv[i], (i, 1, k))
             + sp.Sum(sv[i] ** 2, (i, 1, k)))
    split = sp.Sum((lam[i] - sv[i]) ** 2, (i, 1, k)) + sp.Sum(lam[i] ** 2, (i, k + 1, dd))
    ok6 = _sum_identity(lower, split, i, k, dd)
    steps.append(Step("6 lower bound",
                      "‖B‖² − 2Σ_{i≤k}λ_i s_i + Σ_{i≤k}s_i² = Σ_{i≤k}(λ_i − s_i)² + Σ_{i>k}λ_i² "
                      "≥ Σ_{i>k}λ_i², k = N ∧ d",
                      "SymPy identity of sums, symbolic k ≤ d", ok6))
    infimum = 2 * sp.Sum(lam[i] ** 2, (i, k + 1, dd))
    steps.append(Step("7 attainment",
                      "S* = Σ_{i≤k}λ_i v_iv_iᵀ = W*W*ᵀ, W* = [√λ_i v_i] (feasible as λ_i ≥ 0, "
                      "B ⪰ 0) gives equality in 5 and 6",
                      "exact rational arithmetic at every instance (attained_loss_exact)", True))
    # 8. ‖f*‖² of the centred target, Wick's rule
    b0 = -trace(Bs)
    norm2 = expect_forms((QuadForm(Bs) + b0) ** 2, sp.Identity(d))
    ok8 = bool(sp.expand(norm2 - 2 * frobenius2(Bs)) == 0)
    steps.append(Step("8 normalisation", "‖f*‖² = E[(xᵀBx − Tr B)²] = 2‖B‖²_F",
                      "SymPy, Wick's rule, symbolic d", ok8))
    eq13 = 1 - sp.Sum(lam[i] ** 2, (i, 1, k)) / sp.Sum(lam[i] ** 2, (i, 1, dd))
    full = sp.Sum(lam[i] ** 2, (i, 1, dd))
    ok9 = _sum_identity(infimum / 2, eq13 * full, i, k, dd)
    steps.append(Step("9 eq. (13)", "inf L/‖f*‖² = 2Σ_{i>k}λ_i²/(2‖B‖²_F) = 1 − Σ_{i≤k}λ_i²/‖B‖²_F",
                      "SymPy identity of sums, symbolic k ≤ d", ok9))
    return Derivation(tuple(steps), infimum, eq13, lam, i, k, dd)


# --------------------------------------------------------------------------------------------
# exact instances
# --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ExactInstance:
    """B = QΛQᵀ with Q rational orthogonal and Λ = diag(eigenvalues), all exact.

    ``eigenvalues`` are Fractions in decreasing order, ``Q`` a SymPy rational matrix (columns are
    the eigenvectors), ``B`` the SymPy rational matrix and ``B_float`` the same matrix in float64
    (exact: every entry is a dyadic rational with a short numerator).
    """

    eigenvalues: tuple[Fraction, ...]
    Q: sp.Matrix
    B: sp.Matrix
    B_float: np.ndarray

    @property
    def d(self) -> int:
        """The dimension d."""
        return len(self.eigenvalues)


def _householder(d: int, rng: np.random.Generator) -> sp.Matrix:
    """I − vvᵀ/2 with v ∈ {±1}⁴ on four random coordinates (exactly orthogonal, entries k/2)."""
    v = sp.zeros(d, 1)
    for j in rng.choice(d, size=4, replace=False):
        v[int(j)] = int(rng.choice([-1, 1]))
    return sp.eye(d) - v * v.T / 2


def exact_instance(d: int, rng: SeedLike, *, rank: int | None = None, reflections: int = 8,
                   eigenvalues: list[Fraction] | None = None) -> ExactInstance:
    r"""A PSD B with an exactly known spectrum (module docstring), d ≥ 4.

    Eigenvalues (unless given): squares of dyadic rationals :math:`(j/8)^2`, j uniform in 1..24,
    with ``rank`` of them non-zero (default d); Q is a product of ``reflections`` random
    Householder reflections times a random signed permutation. d ≤ ``LIMITS.symbolic_matrix``
    (exact SymPy matrices; :mod:`lazysym.limits`).
    """
    d = positive_int(d, "d", cap="symbolic_matrix")
    check(d >= 4, f"exact instances need d ≥ 4 (reflections act on four coordinates); got {d}",
          assumption="d ≥ 4")
    rng = as_generator(rng)
    r = d if rank is None else positive_int(rank, "rank")
    check(r <= d, f"rank must be ≤ d = {d}; got {r}", assumption="rank ≤ d")
    reflections = nonnegative_int(reflections, "reflections", cap="iterations")
    check_limit("iterations", reflections * d * d, "reflections × d² (exact matrix products)")
    if eigenvalues is None:
        vals = [Fraction(int(j), 8) ** 2 for j in rng.integers(1, 25, size=r)] + [Fraction(0)] * (d - r)
    else:
        vals = _fractions(eigenvalues, "eigenvalues")
        check(len(vals) == d and all(v >= 0 for v in vals),
              "eigenvalues must be d non-negative numbers", assumption="B ⪰ 0")
    vals = sorted(vals, reverse=True)
    perm = rng.permutation(d)
    P = sp.zeros(d, d)
    for a, b in enumerate(perm):
        P[a, int(b)] = int(rng.choice([-1, 1]))
    Q = P
    for _ in range(reflections):
        Q = _householder(d, rng) * Q
    check(Q.T * Q == sp.eye(d), "internal: Q is not orthogonal", assumption="QᵀQ = I")
    Lam = sp.diag(*[sp.Rational(v.numerator, v.denominator) for v in vals])
    B = Q * Lam * Q.T
    B_float = np.array([[float(x) for x in B.row(a)] for a in range(d)])
    check(all(sp.Rational(B_float[a, b]) == B[a, b] for a in range(d) for b in range(d)),
          "internal: B is not exactly representable in float64", assumption="dyadic B")
    return ExactInstance(tuple(vals), Q, B, B_float)


def _fraction(v, name: str) -> Fraction:
    """A finite real as the exact rational it denotes (int, Fraction, float, SymPy rational, or a
    decimal string through :func:`lazysym._validate.parse_decimal`; never ``eval``).
    """
    check_type(not isinstance(v, (bool, np.bool_)), name, "a real number", v)
    if isinstance(v, Fraction):
        return v
    if isinstance(v, (int, np.integer)):
        return Fraction(int(v))
    if isinstance(v, sp.Rational):
        return Fraction(int(v.p), int(v.q))
    if isinstance(v, str):
        return parse_decimal(v, name)
    return Fraction(as_real(v, name))


def _fractions(values, name: str) -> list[Fraction]:
    """A sequence of finite reals as Fractions, at most ``LIMITS.symbolic_matrix`` of them."""
    check_type(isinstance(values, (list, tuple, np.ndarray)) and np.ndim(values) == 1, name,
               "a sequence of real numbers", values)
    check_limit("symbolic_matrix", len(values), f"length of {name}")
    return [_fraction(v, f"entry of {name}") for v in values]


def _check_instance(inst) -> ExactInstance:
    check_type(isinstance(inst, ExactInstance), "inst", "an ExactInstance (exact_instance(...))", inst)
    return inst


def _check_derivation(der) -> Derivation:
    check_type(isinstance(der, Derivation), "der", "a Derivation (derivation())", der)
    return der


def _value(expr: sp.Expr, der: Derivation, eigenvalues: tuple[Fraction, ...], N: int) -> Fraction:
    vals = _fractions(eigenvalues, "eigenvalues")
    check(len(vals) >= 1 and all(v >= 0 for v in vals) and vals == sorted(vals, reverse=True),
          "eigenvalues must be non-negative and in decreasing order (B ⪰ 0, λ₁ ≥ … ≥ λ_d)",
          assumption="B ⪰ 0")
    eigenvalues = tuple(vals)
    d = len(eigenvalues)
    k = min(positive_int(N, "N"), d)
    e = expr.subs({der.k: k, der.d: d}).doit()
    e = e.xreplace({der.lam[j + 1]: sp.Rational(v.numerator, v.denominator)
                    for j, v in enumerate(eigenvalues)})
    q = sp.together(sp.expand(e))
    check(q.is_Rational, f"internal: the derived value did not evaluate to a rational ({q})",
          assumption="exact evaluation")
    return Fraction(int(q.p), int(q.q))


def infimum_exact(der: Derivation, eigenvalues: tuple[Fraction, ...], N: int) -> Fraction:
    r"""The derived :math:`\inf_{W,c}L` at exact (decreasing) eigenvalues, in rationals."""
    return _value(_check_derivation(der).infimum, der, eigenvalues, N)


def eq13_nn_exact(der: Derivation, eigenvalues: tuple[Fraction, ...], N: int) -> Fraction:
    r"""The derived eq. (13) NN row :math:`\inf L/\|f_*\|^2` at exact eigenvalues, in rationals."""
    return _value(_check_derivation(der).eq13_nn, der, eigenvalues, N)


def attained_loss_exact(inst: ExactInstance, N: int) -> Fraction:
    r""":math:`L(W^\star, c^\star)` in exact rationals at :math:`W^\star = [\sqrt{\lambda_i}q_i]_{i\le
    N\wedge d}` (zero columns beyond), :math:`c^\star = b_0 + \operatorname{Tr}(B - W^\star W^{\star\top})`
    — the loss actually reached at a point (step 7), evaluated from the closed form of step 1.
    """
    d = _check_instance(inst).d
    k = min(positive_int(N, "N"), d)
    cols = []
    for j in range(k):
        root = sp.sqrt(sp.Rational(inst.eigenvalues[j].numerator, inst.eigenvalues[j].denominator))
        check(root.is_Rational, "internal: eigenvalues must be squares of rationals",
              assumption="rational √λ")
        cols.append(inst.Q[:, j] * root)
    W = sp.Matrix.hstack(*cols) if cols else sp.zeros(d, 1)
    R = inst.B - W * W.T
    val = 2 * sum(x * x for x in R)   # the offset term vanishes at c*
    return Fraction(int(val.p), int(val.q))


def von_neumann_holds(inst: ExactInstance, S: sp.Matrix, s_eigs: list[Fraction]) -> bool:
    r"""Step 5 at an instance, exactly: :math:`\operatorname{Tr}(BS)\le\sum_i\lambda_i s_i` for a
    rational S with known (exact) eigenvalues ``s_eigs``.
    """
    inst = _check_instance(inst)
    check_type(isinstance(S, sp.MatrixBase), "S", "a SymPy matrix", S)
    check(S.shape == (inst.d, inst.d) and all(isinstance(x, sp.Rational) for x in S),
          f"S must be a {inst.d}×{inst.d} rational SymPy matrix; got shape {S.shape}",
          assumption="S rational d×d")
    lhs = (inst.B * S).trace()
    s = sorted(_fractions(s_eigs, "s_eigs"), reverse=True) + [Fraction(0)] * inst.d
    rhs = sum(a * b for a, b in zip(inst.eigenvalues, s))
    return bool(Fraction(int(lhs.p), int(lhs.q)) <= rhs)

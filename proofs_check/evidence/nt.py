r"""Evidence and acceptance rules shared by the neural-tangent claims (§2.2, §3.2, eq. (13), (17),
the poster's NT boxes).

Theorem 2 family (qf, E_W over W ~ N(0, I/d) columns)
-----------------------------------------------------
:func:`expected_risk_evidence` computes, from the model's definition only, the exact rational
:math:`E_W[R_{NT,N}]/\|f_*\|^2` at every (target, d, N) of the size ladder
(:func:`lazysym.nt.nt_expected_risk_quadratic` with ``exact=True``: Haar moments derived by
Weingarten calculus, float64 target entries taken as exact binary numbers), and the symbolic chain
of :func:`lazysym.nt.symbolic.theorem2_limit_chain` (closed form in d, ρ, r; its limit; the exact
error). The printed formula is called as ``formula(N, d, tr2, f2, dps)`` (tr2 = Tr(B)²,
f2 = ‖B‖²_F) with numbers, or with SymPy symbols.

:func:`limit_rule` — the acceptance rule (its own, not :mod:`~proofs_check.evidence.decisions`,
because the evidence is exact and the error is known in closed form):

``symbolic_limit``
    with N = ρd, Tr(B)² = r d‖B‖²_F, the formula's SymPy expression equals the derived limit on
    both pieces ρ = 1 − u (0 < u < 1) and ρ = 1 + u, and at ρ = 1, exactly (``simplify`` of the
    difference is 0): a proof that the printed formula is the limit;
``finite_d_anchor``
    at every evidence point, |exact − error(d, ρ, r) − formula| ≤ 10^{2 − dps}: the exact rational
    expectation minus its derived finite-d error reproduces the numeric formula to the working
    precision (the formula's mpmath backend is an mpf rounded to dps digits, |value| ≤ 2; the
    evidence is exact).

No randomness enters a decision (the target draws only choose where the exact identity is
checked), so the designed false-flip probability is 0 ≤ ALPHA_CLAIM. Each criterion is necessary:
the first rejects a formula whose symbolic backend is wrong, the second one whose numeric
backend is wrong (``tests/test_claims_ntnn.py`` switches each off and shows such a mutant
passing). Strength ``proved`` when both hold: closed form, limit and error are symbolic for all d.

Theorem 5 (mg)
--------------
:func:`mixture_band` is the rigorous finite-d band of the exact NT risk around Theorem 5's first
display (proof in :func:`lazysym.nt.nt_risk_mixture_band`), used by ``thm5.W``; the κ form uses the
exact E_W of the leading part (the same Haar moments).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from fractions import Fraction
from typing import Any

import mpmath
import numpy as np
import sympy as sp

from lazysym.nt import nt_expected_risk_quadratic
from lazysym.nt.symbolic import SYMBOLS, theorem2_limit_chain
from lazysym.objects.models import QuadraticTarget
from proofs_check.registry import Comparison, Context

__all__ = ["RHOS", "SIZES", "expected_risk_evidence", "limit_rule", "bound_rule", "qf_targets",
           "slip_N", "slip_d", "symbolic_only", "numeric_only", "mp_value", "qf_args",
           "frac_matrix", "solve_fractions", "rational_nt_mixture_risk"]

#: ρ values of the Theorem 2 evidence.
RHOS = (0.1, 0.3, 0.5, 0.8, 1.0, 2.0)
#: Dimensions (default, thorough).
SIZES = ([50, 100, 200, 400, 800], [50, 100, 200, 400, 800, 1600])


def _dyadic(x: np.ndarray) -> np.ndarray:
    """Entries rounded to multiples of 2⁻²⁰: their float64 sums are exact, so the centred
    target's b₀ = −Tr B is exactly −Tr B (E f* = 0 exactly, as the closed form assumes).
    """
    return np.round(np.asarray(x, dtype=float) * 2.0 ** 20) / 2.0 ** 20


def qf_targets(d: int, ctx: Context, tag: str) -> list[tuple[str, QuadraticTarget]]:
    """(family, centred QuadraticTarget) pairs at dimension d; random ones drawn from ctx.rng.

    Entries are dyadic (:func:`_dyadic`) so that the targets are centred exactly.
    """
    out = []
    for j in range(3):  # the paper's §4 target, three draws
        rng = ctx.rng(tag, "exp", d, j)
        out.append(("Exp(1) diag", QuadraticTarget(np.diag(_dyadic(rng.exponential(1.0, size=d))))))
    out.append(("B = I", QuadraticTarget(np.eye(d))))
    spike = np.ones(d)
    spike[0] += 3.0 * np.sqrt(d)  # I + 3√d e₁e₁ᵀ: only Tr B and ‖B‖_F enter the expectation
    out.append(("spiked", QuadraticTarget(np.diag(_dyadic(spike)))))
    rng = ctx.rng(tag, "traceless", d)
    e = _dyadic(rng.exponential(1.0, size=d))
    out.append(("Tr B ≈ 0", QuadraticTarget(np.diag(_dyadic(e - e.mean())))))
    return out


def _exact_tr_f2(B: np.ndarray) -> tuple[Fraction, Fraction]:
    tr = sum((Fraction(float(x)) for x in np.diag(B)), Fraction(0))
    flat = B.ravel()
    f2 = sum((Fraction(float(flat[i])) ** 2 for i in np.flatnonzero(flat)), Fraction(0))
    return tr, f2


@functools.lru_cache(maxsize=4)
def _expected(seed: int, thorough: bool, offset: bool) -> dict:
    ctx = Context(seed=seed, thorough=thorough)
    ds = ctx.pick(*SIZES)
    rows = []
    for d in ds:
        for fam, t in qf_targets(d, ctx, "s2.2"):
            tr, f2 = _exact_tr_f2(t.B)
            norm2 = 2 * f2  # ‖f*‖² of the centred target (Isserlis)
            for rho in RHOS:
                N = int(round(rho * d))
                ex = nt_expected_risk_quadratic(t, N, offset=offset, exact=True)
                rows.append({"family": fam, "d": d, "N": N, "rho": Fraction(N, d),
                             "tr2": tr * tr, "f2": f2, "ratio": tr * tr / (d * f2),
                             "exact": Fraction(ex) / norm2})
    return {"ds": ds, "rows": rows, "chain": theorem2_limit_chain(offset=offset),
            "offset": offset}


def expected_risk_evidence(ctx: Context, *, offset: bool = True) -> dict:
    """Exact rational E_W[R_NT]/‖f*‖² at N = round(ρd), every family, ρ ∈ RHOS, d in SIZES, and
    the symbolic chain (closed form, limit, exact error) for the class with or without offset.
    """
    ctx.progress(f"exact E_W R_NT (offset={offset}) and its symbolic limit")
    return _expected(ctx.seed, ctx.thorough, offset)


def qf_args(N: Any, d: Any, tr2: Any, f2: Any) -> tuple[Any, Any]:
    """(ρ, Tr(B)²/(d‖B‖²_F)) from the formula arguments: exact Fractions for integers and
    Fractions, SymPy expressions for symbols.
    """
    if isinstance(N, int) and isinstance(d, int):
        return Fraction(N, d), Fraction(tr2) / (d * Fraction(f2))
    return sp.sympify(N) / d, sp.sympify(tr2) / (d * f2)


def mp_value(x: Any) -> Any:
    """A Fraction, int or mpf as an mpf in the ambient precision."""
    if isinstance(x, Fraction):
        return mpmath.mpf(x.numerator) / x.denominator
    return mpmath.mpf(x)


@functools.lru_cache(maxsize=8)
def _error_fn(chain_key: int, expr: sp.Expr) -> Callable:
    return sp.lambdify((SYMBOLS["d"], SYMBOLS["rho"], SYMBOLS["r"]), expr, modules=[{}])


def _pieces(formula: Callable, dps: int) -> list[tuple[str, sp.Expr, sp.Expr, Any]]:
    """(piece, formula expression, ρ value) for ρ = 1 − u, 1 + u, 1 with N = ρd, tr2 = r d F."""
    d, r, u = SYMBOLS["d"], SYMBOLS["r"], SYMBOLS["u"]
    F = sp.Symbol("F", positive=True)
    out = []
    for name, rho in (("rho<1", 1 - u), ("rho>1", 1 + u), ("rho=1", sp.Integer(1))):
        out.append((name, sp.sympify(formula(rho * d, d, r * d * F, F, dps)), rho, F))
    return out


def _symbolic_limit_ok(formula: Callable, chain: dict, dps: int) -> tuple[bool, list[dict]]:
    rho_s, u = SYMBOLS["rho"], SYMBOLS["u"]
    ok, rows = True, []
    for name, expr, rho, _ in _pieces(formula, dps):
        lim = chain["limit_lt1"] if name == "rho<1" else chain["limit_ge1"]
        if name == "rho=1":
            lim = chain["limit_ge1"]
        diff = sp.simplify(expr - lim.subs(rho_s, rho))
        if name == "rho<1" and diff != 0:  # u ∈ (0, 1): write u = 1/(1 + w), w > 0
            w = sp.Symbol("w", positive=True)
            diff = sp.simplify(diff.subs(u, 1 / (1 + w)))
        good = diff == 0
        ok &= bool(good)
        rows.append({"piece": name, "formula": sp.sstr(expr), "limit": sp.sstr(lim.subs(rho_s, rho)),
                     "difference": sp.sstr(diff)})
    return ok, rows


def _anchor(formula: Callable, data: dict, dps: int) -> tuple[bool, list[dict], float]:
    chain = data["chain"]
    lt1 = _error_fn(id(chain), chain["error_lt1"])
    ge1 = _error_fn(id(chain), chain["error_ge1"])
    atol_exp = 2 - dps
    worst = -np.inf
    table: dict[int, dict] = {}
    ok = True
    with mpmath.workdps(dps + 10):
        atol = mpmath.mpf(10) ** atol_exp
        for c in data["rows"]:
            d, N = c["d"], c["N"]
            err = lt1(d, c["rho"], c["ratio"]) if N < d else ge1(d, c["rho"], c["ratio"])
            f = mp_value(formula(N, d, c["tr2"], c["f2"], dps))
            dev = abs(mp_value(c["exact"] - Fraction(err)) - f)
            ok &= bool(dev <= atol)
            lg = float(mpmath.log10(dev)) if dev > 0 else -np.inf
            worst = max(worst, lg)
            row = table.setdefault(d, {"d": d, "points": 0, "max_error_to_limit": 0.0,
                                       "max_anchor_deviation": 0.0})
            row["points"] += 1
            row["max_error_to_limit"] = max(row["max_error_to_limit"],
                                            abs(float(c["exact"]) - float(f)))
            row["max_anchor_deviation"] = max(row["max_anchor_deviation"], float(dev))
    return ok, list(table.values()), worst


def limit_rule(formula: Callable, data: dict, ctx: Context, *, note: str = "",
               switch_off: frozenset[str] = frozenset()) -> Comparison:
    """The Theorem 2 family's rule (module docstring). ``switch_off`` (tests only) drops criteria."""
    sym_ok, sym_rows = _symbolic_limit_ok(formula, data["chain"], ctx.dps)
    anc_ok, rows, worst = _anchor(formula, data, ctx.dps)
    crit = {"symbolic_limit": sym_ok, "finite_d_anchor": anc_ok}
    agrees = all(v for k, v in crit.items() if k not in switch_off)
    last = rows[-1]["max_error_to_limit"] if rows else None
    return Comparison(
        agrees, "asymptotic", last, None, rows + sym_rows,
        note or ("symbolic limit of the exact closed form equals the formula; exact rationals "
                 "minus the derived O(1/d) error reproduce it at every point"),
        # a disagreement is as strong as an agreement: the symbolic difference is exact
        strength="proved" if sym_ok == anc_ok else "numerical",
        strength_note="closed form (Weingarten), limit and exact finite-d error derived in SymPy; "
                      "checked on exact rationals at every evidence point",
        criteria=crit,
        stats={"sizes": data["ds"], "rhos": list(RHOS), "points": len(data["rows"]),
               "atol": f"1e{2 - ctx.dps}", "worst_log10_deviation": worst,
               "alpha": "0 (exact evidence, no random decision)"},
        labels={"max_error_to_limit": "max |exact − formula|",
                "max_anchor_deviation": "max |exact − error − formula|"},
        proof=dict(data["chain"]["proof"]))


def bound_rule(formula: Callable, data: dict, ctx: Context,
               switch_off: frozenset[str] = frozenset()) -> Comparison:
    r"""The remark after Theorem 2: E R_NT/‖f*‖² ≤ bound(ρ), attained by B ∝ I, at every d.

    ``formula(N, d, dps)`` (numbers or SymPy). Criteria (no randomness: false-flip probability 0):

    ``symbolic_holds_and_attained``
        the closed form is affine in r with slope α_{d−N} d ≥ 0, so it is ≤ its value at r = 1;
        that value minus the formula simplifies to 0 on both pieces of ρ (attained by B ∝ I,
        for which r = 1), for symbolic d;
    ``values_hold_and_attained``
        on the exact rationals of every evidence point: exact ≤ formula + 10^{2−dps}, and
        |exact − formula| ≤ 10^{2−dps} for B = I.
    """
    chain = data["chain"]
    d, r, u = SYMBOLS["d"], SYMBOLS["r"], SYMBOLS["u"]
    rho_s, N_s = SYMBOLS["rho"], SYMBOLS["N"]
    cf = chain["closed_form_lt1"]
    slope = sp.factor(sp.diff(cf, r))
    e = sp.Symbol("e", nonnegative=True)
    w = sp.Symbol("w", positive=True)
    slope_ok = bool(sp.factor(slope.subs({d: 2 + e, rho_s: 1 / (1 + w)})).is_nonnegative)
    sym_rows, sym_ok = [], slope_ok
    for name, rho in (("rho<1", 1 - u), ("rho>1", 1 + u), ("rho=1", sp.Integer(1))):
        f = sp.sympify(formula(rho * d, d, ctx.dps))
        top = cf.subs(r, 1).subs(rho_s, rho) if name == "rho<1" else chain["closed_form_ge1"]
        diff = sp.simplify(top - f)
        sym_ok &= bool(diff == 0)
        sym_rows.append({"piece": name, "formula": sp.sstr(f), "closed_form_at_r_1": sp.sstr(top),
                         "difference": sp.sstr(diff)})
    viol: list[float] = []
    gap: list[float] = []
    rows: dict[int, dict] = {}
    with mpmath.workdps(ctx.dps + 10):
        atol = mpmath.mpf(10) ** (2 - ctx.dps)
        ok_vals = True
        for c in data["rows"]:
            b = mp_value(formula(c["N"], c["d"], ctx.dps))
            ex = mp_value(c["exact"])
            v = ex - b
            ok_vals &= bool(v <= atol)
            if c["family"] == "B = I":
                ok_vals &= bool(abs(v) <= atol)
                gap.append(float(abs(v)))
            viol.append(float(v))
            row = rows.setdefault(c["d"], {"d": c["d"], "max_exact_minus_bound": -np.inf})
            row["max_exact_minus_bound"] = max(row["max_exact_minus_bound"], float(v))
    crit = {"symbolic_holds_and_attained": sym_ok, "values_hold_and_attained": bool(ok_vals)}
    agrees = all(v for k, v in crit.items() if k not in switch_off)
    _ = N_s
    return Comparison(
        agrees, "identity", max(viol), None, list(rows.values()) + sym_rows,
        "bound holds at every finite d (closed form increasing in r, equal to the bound at r = 1) "
        "and B = I attains it",
        strength="proved" if sym_ok == ok_vals else "numerical",
        strength_note="closed form derived symbolically (Weingarten); bound and attainment "
                      "proved for symbolic d; values exact rationals",
        criteria=crit,
        stats={"sizes": data["ds"], "slope_in_r": sp.sstr(slope), "max_B_I_gap": max(gap),
               "alpha": "0 (exact evidence)"},
        labels={"max_exact_minus_bound": "max (exact − bound)"},
        proof={"closed_form": chain["proof"]["closed_form"],
               "limit": f"∂/∂r closed form = {sp.sstr(slope)} ≥ 0, so closed form ≤ its value "
                        "at r = 1 (B ∝ I)",
               "bound": "closed form at r = 1 equals (1 − ρ)₊ for every d (SymPy)"})


# --------------------------------------------------------------------------------------------
# mutants shared by the Theorem 2 family: O(1/d) slips, backend-only changes (tests)
# --------------------------------------------------------------------------------------------

def slip_N(f: Callable) -> Callable:
    """N → N + 1 in the formula's arguments."""
    def g(N, d, *rest):
        return f(N + 1, d, *rest)
    return g


def slip_d(f: Callable) -> Callable:
    """D → d + 1 in the formula's arguments (ρ and Tr(B)²/(d‖B‖²_F) both move)."""
    def g(N, d, *rest):
        return f(N, d + 1, *rest)
    return g


def _is_sym(v: Any) -> bool:
    return isinstance(v, sp.Basic) and bool(v.free_symbols)


def symbolic_only(f: Callable, factor: float) -> Callable:
    """``f`` with only its SymPy backend scaled (a backend divergence; for the tests)."""
    def g(*a):
        v = f(*a)
        return v * sp.nsimplify(factor) if _is_sym(v) else v
    return g


def numeric_only(f: Callable, factor: float) -> Callable:
    """``f`` with only its numeric backend scaled (a backend divergence; for the tests)."""
    def g(*a):
        v = f(*a)
        return v if _is_sym(v) else v * mpmath.mpf(factor)
    return g


# --------------------------------------------------------------------------------------------
# Theorem 5: an exact rational NT mixture risk at small d (an anchor for lazysym.nt.exact)
# --------------------------------------------------------------------------------------------

def frac_matrix(M: Any) -> list[list[Fraction]]:
    """M's entries as exact Fractions (float64 entries are the binary rationals they are)."""
    return [[Fraction(x) for x in row] for row in M]


def solve_fractions(G: list[list[Fraction]], b: list[Fraction]) -> list[Fraction]:
    """The solution of G a = b by exact Gauss–Jordan elimination (G invertible)."""
    n = len(b)
    A = [row[:] + [b[i]] for i, row in enumerate(G)]
    for c in range(n):
        p = next(r for r in range(c, n) if A[r][c] != 0)
        A[c], A[p] = A[p], A[c]
        piv = A[c][c]
        A[c] = [x / piv for x in A[c]]
        for r in range(n):
            if r != c and A[r][c] != 0:
                f = A[r][c]
                A[r] = [x - f * y for x, y in zip(A[r], A[c])]
    return [A[i][n] for i in range(n)]


def rational_nt_mixture_risk(W: Any, Sigma: Any, Delta: Any) -> Fraction:
    r"""The exact NT risk :math:`\min_{c,\,S\in\mathcal T(W)} E(y - c - x^\top Sx)^2` for the
    Gaussian mixture x | y = ±1 ~ N(0, Σ ∓ Δ) (§3, model M1), σ(x) = x², as a Fraction, for
    rational (or integer, or exactly representable float) W, Σ, Δ.

    Built from the definitions only, independently of :func:`lazysym.nt.nt_risk_mixture` (no
    whitening, no Sherman–Morrison, no conjugate gradients): the features are 1 and
    gᵢⱼ(x) = 2⟨wᵢ, x⟩xⱼ = xᵀ(wᵢeⱼᵀ + eⱼwᵢᵀ)x (eq. (3) with σ' = 2u), reduced to a linearly
    independent subset by exact elimination; their moments per class C = Σ ∓ Δ follow from
    Isserlis, E[xᵀSx] = Tr(SC), E[xᵀSx·xᵀS'x] = Tr(SC)Tr(S'C) + 2Tr(SCS'C); the normal equations
    G a = b (G = E φφᵀ, b = E yφ) are solved exactly and R = E y² − bᵀa = 1 − bᵀa.
    Meant for small d (the cost is O((Nd)²d²) Fraction operations).
    """
    Wf, Sf, Df = frac_matrix(W), frac_matrix(Sigma), frac_matrix(Delta)
    d, N = len(Wf), len(Wf[0])
    # spanning set of the tangent space, then an independent subset (exact row reduction)
    basis: list[list[list[Fraction]]] = []
    echelon: list[tuple[int, list[Fraction]]] = []
    for i in range(N):
        for j in range(d):
            S = [[Fraction(0)] * d for _ in range(d)]
            for k in range(d):
                S[k][j] += Wf[k][i]
                S[j][k] += Wf[k][i]
            v = [S[a][b] for a in range(d) for b in range(a, d)]
            for col, row in echelon:
                if v[col] != 0:
                    f = v[col] / row[col]
                    v = [x - f * y for x, y in zip(v, row)]
            lead = next((k for k, x in enumerate(v) if x != 0), None)
            if lead is not None:
                echelon.append((lead, v))
                basis.append(S)
    m = len(basis)

    def mul(A, B):
        return [[sum((A[a][k] * B[k][b] for k in range(d)), Fraction(0)) for b in range(d)]
                for a in range(d)]

    G = [[Fraction(0)] * (m + 1) for _ in range(m + 1)]
    b = [Fraction(0)] * (m + 1)
    G[0][0] = Fraction(1)
    for y, sign in ((1, -1), (-1, 1)):                 # C = Σ ∓ Δ for y = ±1, each w.p. 1/2
        C = [[Sf[a][c] + sign * Df[a][c] for c in range(d)] for a in range(d)]
        SC = [mul(S, C) for S in basis]
        tr = [sum((M[a][a] for a in range(d)), Fraction(0)) for M in SC]
        for k in range(m):
            G[0][k + 1] += tr[k] / 2
            G[k + 1][0] += tr[k] / 2
            b[k + 1] += y * tr[k] / 2
            for ll in range(k, m):
                t2 = sum((SC[k][a][c] * SC[ll][c][a] for a in range(d) for c in range(d)),
                         Fraction(0))
                g = (tr[k] * tr[ll] + 2 * t2) / 2
                G[k + 1][ll + 1] += g
                if ll != k:
                    G[ll + 1][k + 1] += g
    a = solve_fractions(G, b)
    return 1 - sum((bi * ai for bi, ai in zip(b, a)), Fraction(0))

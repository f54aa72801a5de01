r"""E_W of the NT risk derived symbolically: Weingarten calculus for the orthogonal group (§2.2).

Nothing here is typed in: the Haar moments of a random projection are *derived* for symbolic d
and rank k, the exact finite-d expectation :math:`E_W[R_{NT,N}]/\|f_*\|^2` is assembled from them,
its limit N, d → ∞, N/d → ρ is taken by SymPy, and the finite-d error is computed exactly.

Weingarten calculus
-------------------
For O Haar on O(d) and 2n matrix entries,

.. math:: E\Big[\prod_{t=1}^{2n} O_{i_t j_t}\Big]
          = \sum_{p, q \in \mathcal M_{2n}} \delta_p(i)\,\delta_q(j)\,\mathrm{Wg}(p, q),
          \qquad \mathrm{Wg} = G^{-1},\quad G_{pq} = d^{\,\#\mathrm{loops}(p \cup q)},

where :math:`\mathcal M_{2n}` are the perfect matchings of the 2n positions and
:math:`\#\mathrm{loops}(p\cup q)` the number of cycles of the graph with both matchings as edges
(Collins–Śniady 2006). :func:`weingarten_orthogonal` builds G from the matchings and inverts it
in SymPy.

A rank-k projection is :math:`P = ODO^\top`, :math:`D = \mathrm{diag}(1_k, 0_{d-k})`, so
:math:`P_{ab} = \sum_\alpha O_{a\alpha}D_{\alpha\alpha}O_{b\alpha}`: a trace polynomial of degree n in
P is a contraction of 2n entries of O with an "index graph" on the row indices (the matrices B
between the P's) and one on the column indices (one D per P). Contracting δ_p with the row graph
leaves a product over the cycles of (row graph ∪ p) of :math:`\operatorname{Tr}(B^m)`, m the number
of B-edges on the cycle (B symmetric); contracting δ_q with the column graph leaves
:math:`\operatorname{Tr}(D^m) = k` per cycle (:func:`haar_trace_moment`).

Results (derived, see :func:`haar_projection_moments_symbolic`)
---------------------------------------------------------------
.. math::

    E\operatorname{Tr}(PB) = \tfrac{k}{d}\operatorname{Tr}B,\quad
    E\operatorname{Tr}(PBPB) = \alpha_k\operatorname{Tr}(B)^2 + \beta_k\operatorname{Tr}(B^2),\quad
    E\operatorname{Tr}(PB)^2 = \gamma_k\operatorname{Tr}(B)^2 + \delta_k\operatorname{Tr}(B^2).

With :math:`R_{NT} = 2\|P_\perp BP_\perp\|_F^2` (class with offset; :mod:`lazysym.nt.exact`) and
:math:`P_\perp` a Haar projection of rank d − N (the law of W is left O(d)-invariant), the exact
normalised expectation is :math:`\alpha_{d-N}\,r d + \beta_{d-N}`, r = Tr(B)²/(d‖B‖²_F)
(:func:`nt_expected_risk_symbolic`); without the offset it gains
:math:`(\gamma_N r d + \delta_N)/(N+2)`. :func:`theorem2_limit_chain` takes the limit and
returns the exact finite-d error, e.g. (with offset, ρ = N/d < 1)

.. math:: \frac{E_W R_{NT,N}}{\|f_*\|^2} - \lim
          = \frac{\rho(1-\rho)(1-r)(d-2)}{(d-1)(d+2)} \in \Big[0, \frac{1}{4(d+2)}\Big].
"""

from __future__ import annotations

import functools
from typing import Any

import sympy as sp

from lazysym._validate import nonnegative_int, positive_int
from lazysym.errors import check, check_type
from lazysym.limits import LIMITS, check_limit

__all__ = ["perfect_matchings", "count_loops", "weingarten_orthogonal", "haar_trace_moment",
           "haar_projection_moments_symbolic", "nt_expected_risk_symbolic", "theorem2_limit_chain",
           "SYMBOLS"]

#: The SymPy symbols of this module: dimension d, rank k, neurons N, ρ = N/d, r = Tr(B)²/(d‖B‖²_F),
#: Tr B (T1) and Tr B² (T2), and u = |1 − ρ| (used to split the two pieces of (1 − ρ)₊).
SYMBOLS: dict[str, Any] = {
    "d": sp.Symbol("d", positive=True, integer=True),
    "k": sp.Symbol("k", nonnegative=True, integer=True),
    "N": sp.Symbol("N", positive=True, integer=True),
    "rho": sp.Symbol("rho", positive=True),
    "r": sp.Symbol("r", nonnegative=True),
    "T1": sp.Symbol("T1", real=True),
    "T2": sp.Symbol("T2", positive=True),
    "u": sp.Symbol("u", positive=True),
}

Matching = tuple[tuple[int, int], ...]


def _n_matchings(m: int, stop: int | None = None) -> int:
    """(m − 1)!! = the number of perfect matchings of m points (m even); with ``stop``, the
    first partial product above ``stop`` (enough to refuse a size, without building a huge
    number).
    """
    out = 1
    for j in range(m - 1, 0, -2):
        out *= j
        if stop is not None and out > stop:
            return out
    return out


def _check_points(m, name: str = "m") -> int:
    """m, an even integer ≥ 0 whose (m − 1)!! matchings stay within ``LIMITS.enumeration``."""
    m = nonnegative_int(m, name)
    check(m % 2 == 0, f"perfect matchings need an even number of points; got {name} = {m}",
          assumption=f"{name} even")
    check_limit("enumeration", m, f"{name} (points to match; (m − 1)!! matchings)")
    check_limit("enumeration", _n_matchings(m, LIMITS.enumeration),
                f"number of perfect matchings (m − 1)!! of m = {m}")
    return m


def _as_matching(a, m: int, name: str) -> Matching:
    """``a`` as a perfect matching of ``range(m)``: pairs of distinct integers covering each point
    exactly once.
    """
    check_type(isinstance(a, (tuple, list)), name, "a perfect matching (a tuple of pairs (i, j))", a)
    pairs = []
    for e in a:
        check_type(isinstance(e, (tuple, list)) and len(e) == 2
                   and all(isinstance(v, int) and not isinstance(v, bool) for v in e),
                   name, "a perfect matching (a tuple of integer pairs (i, j))", a)
        pairs.append((int(e[0]), int(e[1])))
    pts = sorted(v for e in pairs for v in e)
    check(pts == list(range(m)), f"{name} must be a perfect matching of range({m}) (each point in "
          f"exactly one pair); got {a!r:.80}", assumption=f"{name} a perfect matching")
    return tuple(pairs)


def perfect_matchings(m: int) -> list[Matching]:
    """All perfect matchings of ``range(m)`` (m even), each a sorted tuple of pairs.

    There are (m − 1)!! of them: at most ``LIMITS.enumeration`` (:mod:`lazysym.limits`).
    """
    m = _check_points(m)

    def rec(pts: tuple[int, ...]) -> list[Matching]:
        if not pts:
            return [()]
        a, rest = pts[0], pts[1:]
        out = []
        for i, b in enumerate(rest):
            for tail in rec(rest[:i] + rest[i + 1:]):
                out.append(((a, b),) + tail)
        return out

    return rec(tuple(range(m)))


def count_loops(a: Matching, b: Matching, m: int, weighted: frozenset[int] | None = None
                ) -> list[int]:
    """Cycles of the graph on ``range(m)`` whose edges are the matchings ``a`` and ``b``.

    Returns, per cycle, the number of edges of ``a`` on it (every cycle alternates a- and
    b-edges, so this is half its length). ``weighted`` (indices into ``a``) restricts the count to
    those a-edges: the cycles are the same, the returned numbers count only the marked edges.
    ``a`` and ``b`` must be perfect matchings of ``range(m)`` (checked).
    """
    m = nonnegative_int(m, "m")
    check(m % 2 == 0, f"perfect matchings need an even number of points; got m = {m}",
          assumption="m even")
    check_limit("enumeration", m, "m (points of the matchings)")
    a, b = _as_matching(a, m, "a"), _as_matching(b, m, "b")
    if weighted is not None:
        check_type(isinstance(weighted, (set, frozenset))
                   and all(isinstance(i, int) and not isinstance(i, bool) for i in weighted),
                   "weighted", "a set of edge indices into a, or None", weighted)
    pa, pb = {}, {}
    for idx, (x, y) in enumerate(a):
        pa[x], pa[y] = (y, idx), (x, idx)
    for x, y in b:
        pb[x], pb[y] = y, x
    seen: set[int] = set()
    out = []
    for start in range(m):
        if start in seen:
            continue
        v, count = start, 0
        while True:
            seen.add(v)
            w, idx = pa[v]
            if weighted is None or idx in weighted:
                count += 1
            seen.add(w)
            v = pb[w]
            if v == start:
                break
        out.append(count)
    return out


def _check_degree(n) -> int:
    """N ≥ 1 with the (2n − 1)!! × (2n − 1)!! Weingarten matrix within ``LIMITS.symbolic_matrix``."""
    n = positive_int(n, "n (degree of the trace polynomial)")
    check_limit("symbolic_matrix", n, "n (degree): the Weingarten matrix has (2n − 1)!! rows")
    check_limit("symbolic_matrix", _n_matchings(2 * n, LIMITS.symbolic_matrix),
                f"size (2n − 1)!! of the Weingarten matrix for n = {n}")
    return n


def weingarten_orthogonal(n: int) -> tuple[list[Matching], sp.Matrix]:
    r"""The orthogonal Weingarten matrix for 2n entries, symbolic in d.

    Returns ``(matchings, Wg)`` with ``Wg = G⁻¹``, :math:`G_{pq} = d^{\#\mathrm{loops}(p\cup q)}`
    (exact rational functions of the symbol ``SYMBOLS["d"]``; valid for d ≥ n, where G is
    invertible). G is (2n − 1)!! × (2n − 1)!!, inverted symbolically: its size is capped by
    ``LIMITS.symbolic_matrix`` (:mod:`lazysym.limits`).
    """
    return _weingarten(_check_degree(n))


@functools.lru_cache(maxsize=8)
def _weingarten(n: int) -> tuple[list[Matching], sp.Matrix]:
    d = SYMBOLS["d"]
    M = perfect_matchings(2 * n)
    G = sp.Matrix(len(M), len(M), lambda i, j: d ** len(count_loops(M[i], M[j], 2 * n)))
    Wg = G.inv()
    return M, Wg.applyfunc(sp.factor)


def haar_trace_moment(row_edges: Matching, n: int, trace_of_power: dict[int, Any]) -> sp.Expr:
    r""":math:`E[\cdot]` of a trace polynomial of degree n in a Haar rank-k projection P = ODOᵀ.

    Positions 2t, 2t + 1 are the row indices of the t-th factor P (t = 0…n−1); ``row_edges`` is
    the perfect matching of the 2n row positions made by the matrices B between the P's (e.g.
    Tr(PBPB): ((1, 2), (3, 0)); Tr(PB)²: ((0, 1), (2, 3))). ``trace_of_power[m]`` is the symbol
    for Tr(B^m). The column graph is the matching ((0, 1), (2, 3), …) carrying D, and
    Tr(D^m) = k for m ≥ 1. ``trace_of_power`` must map every m = 1…n to a SymPy expression
    (never a string: nothing is ``sympify``-ed).
    """
    n = _check_degree(n)
    row_edges = _as_matching(row_edges, 2 * n, "row_edges")
    check_type(isinstance(trace_of_power, dict), "trace_of_power",
               "a dict {m: SymPy expression for Tr(B^m)}", trace_of_power)
    for m in range(1, n + 1):
        check(m in trace_of_power, f"trace_of_power needs Tr(B^{m}) (key {m}) for degree n = {n}",
              assumption="trace_of_power keys")
        check_type(isinstance(trace_of_power[m], sp.Expr), f"trace_of_power[{m}]",
                   "a SymPy expression", trace_of_power[m])
    d, k = SYMBOLS["d"], SYMBOLS["k"]
    M, Wg = _weingarten(n)
    col_edges = tuple((2 * t, 2 * t + 1) for t in range(n))
    total = sp.Integer(0)
    for i, p in enumerate(M):
        row = sp.Integer(1)
        for m in count_loops(row_edges, p, 2 * n):
            row *= trace_of_power[m] if m else d
        for j, q in enumerate(M):
            col = sp.Integer(1)
            for m in count_loops(col_edges, q, 2 * n):
                col *= k if m else d
            total += Wg[i, j] * row * col
    return sp.factor(sp.cancel(total))


@functools.lru_cache(maxsize=1)
def haar_projection_moments_symbolic() -> dict[str, sp.Expr]:
    r"""The Haar moments of a rank-k projection, derived by Weingarten calculus (symbols d, k).

    Returns ``{"mean", "alpha", "beta", "gamma", "delta"}``: :math:`E\operatorname{Tr}(PB) =
    \text{mean}\cdot\operatorname{Tr}B`, :math:`E\operatorname{Tr}(PBPB) = \alpha\operatorname{Tr}(B)^2
    + \beta\operatorname{Tr}(B^2)`, :math:`E\operatorname{Tr}(PB)^2 = \gamma\operatorname{Tr}(B)^2 +
    \delta\operatorname{Tr}(B^2)`, as factored rational functions of d and k (valid for d ≥ 2).
    """
    T1, T2 = SYMBOLS["T1"], SYMBOLS["T2"]
    tr = {1: T1, 2: T2}
    mean = haar_trace_moment(((0, 1),), 1, tr)
    pbpb = sp.expand(haar_trace_moment(((1, 2), (3, 0)), 2, {1: T1, 2: T2}))
    pb2 = sp.expand(haar_trace_moment(((0, 1), (2, 3)), 2, {1: T1, 2: T2}))
    # Tr(B)² appears as T1², Tr(B²) as T2 (an a-edge cycle of length two)
    out = {"mean": sp.factor(mean / T1),
           "alpha": sp.factor(pbpb.coeff(T1, 2)), "beta": sp.factor(pbpb.coeff(T2, 1)),
           "gamma": sp.factor(pb2.coeff(T1, 2)), "delta": sp.factor(pb2.coeff(T2, 1))}
    # the expansions hold no other monomial (checked, not assumed)
    for key, expr, parts in (("Tr(PBPB)", pbpb, ("alpha", "beta")), ("Tr(PB)²", pb2, ("gamma", "delta"))):
        rest = sp.simplify(expr - out[parts[0]] * T1 ** 2 - out[parts[1]] * T2)
        if rest != 0:  # pragma: no cover - a derivation error, not an input error
            raise ArithmeticError(f"E {key} is not a combination of Tr(B)², Tr(B²): rest {rest}")
    return out


def nt_expected_risk_symbolic(*, offset: bool = True) -> sp.Expr:
    r"""Exact :math:`E_W[R_{NT,N}(f_*)]/\|f_*\|^2` for centred f*, 1 ≤ N < d, in symbols d, N, r.

    With offset: :math:`\alpha_{d-N}\,rd + \beta_{d-N}` (R = 2‖P⊥BP⊥‖²_F, ‖f*‖² = 2‖B‖²_F,
    Tr(B)² = rd‖B‖²_F). Without: plus :math:`(\gamma_N rd + \delta_N)/(N+2)` (the term
    2a²/(rank W + 2), a = −Tr(PB), of :mod:`lazysym.nt.exact`, rank W = N a.s.). For N ≥ d the
    values are 0 and rd/(d + 2) (P⊥ = 0, P = I): :func:`theorem2_limit_chain` handles that piece.
    """
    check_type(isinstance(offset, bool), "offset", "a bool", offset)
    d, k, N, r = SYMBOLS["d"], SYMBOLS["k"], SYMBOLS["N"], SYMBOLS["r"]
    mo = haar_projection_moments_symbolic()
    perp = (mo["alpha"] * r * d + mo["beta"]).subs(k, d - N)
    if offset:
        return sp.factor(perp)
    extra = ((mo["gamma"] * r * d + mo["delta"]).subs(k, N)) / (N + 2)
    return sp.factor(sp.together(perp + extra))


def _limit_in_d(expr: sp.Expr) -> sp.Expr:
    """lim_{d→∞} of a rational function of d (ratio of leading coefficients, or 0 / error)."""
    d = SYMBOLS["d"]
    num, den = sp.fraction(sp.cancel(sp.together(expr)))
    pn, pd = sp.Poly(num, d), sp.Poly(den, d)
    if pn.degree() < pd.degree():
        return sp.Integer(0)
    if pn.degree() == pd.degree():
        return sp.factor(pn.LC() / pd.LC())
    raise ArithmeticError(f"{expr} diverges as d → ∞")  # pragma: no cover


@functools.lru_cache(maxsize=2)
def theorem2_limit_chain(*, offset: bool = True) -> dict[str, Any]:
    r"""Closed form, limit and exact finite-d error of :math:`E_W R_{NT,N}/\|f_*\|^2` (Theorem 2).

    Two pieces: ρ = N/d < 1 (written ρ = 1 − u, 0 < u < 1) and N ≥ d (ρ = 1 + u or ρ = 1).

    Returns a dict with SymPy expressions in d, ρ, r (and u):

    ``closed_form_lt1`` / ``closed_form_ge1``
        the exact normalised expectation with N = ρd;
    ``limit_lt1`` / ``limit_ge1``
        its limit d → ∞ at fixed ρ, r;
    ``error_lt1`` / ``error_ge1``
        closed form − limit, factored (an exact rational function of d);
    ``bound``
        a ρ-, r-free bound on |error| for d ≥ 2 (proved from the factored error);
    ``proof``
        the chain as strings (for :attr:`proofs_check.registry.Comparison.proof`).
    """
    d, N, rho, r = SYMBOLS["d"], SYMBOLS["N"], SYMBOLS["rho"], SYMBOLS["r"]
    cf = nt_expected_risk_symbolic(offset=offset).subs(N, rho * d)
    cf = sp.factor(sp.cancel(cf))
    lim = _limit_in_d(cf)
    err = sp.factor(sp.cancel(cf - lim))
    if offset:
        cf_ge, lim_ge = sp.Integer(0), sp.Integer(0)
    else:  # P = I, rank d: (γ_d rd + δ_d)/(d + 2) from the same derived moments
        mo = haar_projection_moments_symbolic()
        cf_ge = sp.factor((mo["gamma"] * r * d + mo["delta"]).subs(SYMBOLS["k"], d) / (d + 2))
        lim_ge = _limit_in_d(cf_ge)
    err_ge = sp.factor(sp.cancel(cf_ge - lim_ge))
    bound = _error_bound(err, err_ge)
    proof = {
        "closed_form": f"E_W R_NT/‖f*‖² = {sp.sstr(cf)} (ρ = N/d < 1); {sp.sstr(cf_ge)} (N ≥ d); "
                       "Haar moments derived by orthogonal Weingarten calculus "
                       "(lazysym.nt.symbolic)",
        "limit": f"d → ∞ at fixed ρ, r: {sp.sstr(lim)} (ρ < 1); {sp.sstr(lim_ge)} (ρ ≥ 1)",
        "bound": f"closed form − limit = {sp.sstr(err)} (ρ < 1); {sp.sstr(err_ge)} (ρ ≥ 1); "
                 f"|·| ≤ {sp.sstr(bound)} for d ≥ 2, ρ > 0, r ∈ [0, 1]",
    }
    return {"closed_form_lt1": cf, "limit_lt1": lim, "error_lt1": err, "closed_form_ge1": cf_ge,
            "limit_ge1": lim_ge, "error_ge1": err_ge, "bound": bound, "proof": proof}


def _sup_box(f: sp.Expr) -> sp.Expr:
    """Sup of |f| over ρ ∈ [0, 1], r ∈ [0, 1] for f polynomial in (ρ, r), of degree ≤ 1 in r:
    the extremes over r are at r ∈ {0, 1}, over ρ at 0, 1 or a real stationary point inside.
    """
    rho, r = SYMBOLS["rho"], SYMBOLS["r"]
    if sp.Poly(f, r).degree() > 1:  # pragma: no cover - not reached by these closed forms
        raise ArithmeticError(f"{f} is not affine in r")
    vals = []
    for rv in (sp.Integer(0), sp.Integer(1)):
        g = sp.expand(f.subs(r, rv))
        pts = {sp.Integer(0), sp.Integer(1)}
        if g.has(rho):
            pts |= {s for s in sp.solve(sp.diff(g, rho), rho) if s.is_real and 0 < s < 1}
        vals += [abs(g.subs(rho, p)) for p in pts]
    return sp.Max(*vals)


def _error_bound(err_lt1: sp.Expr, err_ge1: sp.Expr) -> sp.Expr:
    r"""An explicit bound, a function of d alone, on |closed form − limit| for ρ ∈ (0, 1],
    r ∈ [0, 1], d ≥ 2 (and on the ρ ≥ 1 piece).

    If the error factors as f(ρ, r)·g(d) the bound is sup|f|·|g(d)| (sup over the box by the
    extremes of :func:`_sup_box`). Otherwise the error is ρ·P(d, ρ, r)/((dρ + 2)·Q(d)) and the
    bound uses ρ/(dρ + 2) ≤ 1/d and, for each power of d in P, the sum of the absolute
    coefficients of its (ρ, r)-polynomial (ρ, r ∈ [0, 1]).
    """
    d, rho, r = SYMBOLS["d"], SYMBOLS["rho"], SYMBOLS["r"]
    bounds = []
    for err in (err_lt1, err_ge1):
        if err == 0:
            continue
        factors = sp.Mul.make_args(sp.factor(err))
        gd = sp.Mul(*[f for f in factors if not (f.free_symbols & {rho, r})])
        frr = sp.Mul(*[f for f in factors if f.free_symbols & {rho, r}])
        if not (frr.free_symbols & {d}):
            bounds.append(_sup_box(sp.expand(frr)) * sp.Abs(gd))
            continue
        num, den = sp.fraction(sp.factor(err))
        num_p = sp.Poly(sp.cancel(num / rho), d)
        den_rest = sp.cancel(den / (d * rho + 2))
        if den_rest.has(rho):  # pragma: no cover - not reached by these closed forms
            raise ArithmeticError(f"no bound rule for {err}")
        total = sum(sum(abs(c) for c in sp.Poly(cf, rho, r).coeffs()) * d ** m[0]
                    for m, cf in zip(num_p.monoms(), num_p.coeffs()))
        bounds.append(sp.factor(total / (d * den_rest)))
    return sp.Max(*bounds) if bounds else sp.Integer(0)

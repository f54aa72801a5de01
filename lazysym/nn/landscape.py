r"""The landscape of the population loss :math:`L(W, c)` of §2.3: critical points, their Hessian
spectra in closed form, and the strict-saddle constants of Proposition 1.

Derivation
----------
With :math:`M = B - WW^\top` and :math:`s = \operatorname{Tr} M + b_0 - c`,

.. math::

    L = 2\|M\|_F^2 + s^2,\qquad \nabla_W L = -8MW - 4sW,\qquad \partial_c L = -2s .

So :math:`(W, c)` is critical iff :math:`s = 0` (this fixes :math:`c = \operatorname{Tr}(B-WW^\top)+b_0`)
and :math:`(B - WW^\top)W = 0`. Write the thin SVD :math:`W = U\Sigma V^\top` (only the non-zero
singular values): :math:`BU\Sigma = U\Sigma^3`, i.e. :math:`BU = U\Sigma^2`. Hence **the critical
points are exactly**

.. math::

    WW^\top = \sum_{i\in S}\lambda_i u_iu_i^\top,\qquad
    W = \big[\sqrt{\lambda_i}\,u_i\big]_{i\in S}\,[\,I_r\;0\,]\,Q,\qquad Q\in O(N),

with :math:`S` a set of :math:`r = |S| \le N` orthonormal eigenvectors of :math:`B` with
**positive** eigenvalues (a zero eigenvalue adds nothing to :math:`WW^\top`, a negative one cannot be
a squared singular value), and :math:`N-r` zero columns (after the rotation Q the zero columns are
mixed in, but :math:`WW^\top` and the loss do not change). The loss there is
:math:`L = 2\sum_{i\notin S}\lambda_i^2`.

*Families.* A critical point is determined, up to :math:`W\to WQ`, by the subspace spanned by
:math:`\{u_i\}_{i\in S}`. If B has a repeated eigenvalue :math:`\nu` of multiplicity m and S
takes k of its eigenvectors, the choice is a point of the Grassmannian :math:`\mathrm{Gr}(k, m)`
(a connected family of critical points of dimension :math:`k(m-k)`, all with the same loss and
Hessian spectrum). The representatives enumerated by :func:`critical_points` are therefore
indexed by the numbers :math:`k_\nu \in [0, m_\nu]` with :math:`\sum_\nu k_\nu \le N` over the distinct
positive eigenvalues :math:`\nu`.

*Hessian* (derived by expanding :math:`L(W+E, c+e)` to second order at a critical point, in the
eigenbasis of B with :math:`W = [\sqrt{\lambda_b}e_b]_{b\in S}` followed by zero columns):

.. math::

    \tfrac12\,\theta^\top\nabla^2L\,\theta = 2\|EW^\top + WE^\top\|_F^2 - 4\langle M, EE^\top\rangle
    + (2\langle E, W\rangle + e)^2 ,

which decouples into the following eigenvalues (:math:`a\notin S`; :math:`b, b'\in S`):

* each of the :math:`N - r` zero columns: :math:`-8\lambda_a` for every :math:`a\notin S`, and 0 for every
  :math:`b\in S`;
* active column of :math:`b`, direction :math:`u_a`: :math:`8(\lambda_b - \lambda_a)`;
* each pair :math:`b<b'`: 0 (the rotation :math:`W\to WQ`) and :math:`8(\lambda_b + \lambda_{b'})`;
* the block of :math:`(E_{bb})_{b\in S}` and c: :math:`16\,\mathrm{diag}(\lambda_S)\oplus 0 + 2aa^\top`,
  :math:`a = (2\sqrt{\lambda_b})_{b\in S}\oplus 1`: for a distinct value :math:`\nu` taken
  :math:`m` times in S, :math:`16\nu` with multiplicity :math:`m-1`, and the roots of the secular
  equation :math:`1 - 2/\mu + \sum_\nu 8 m_\nu\nu/(16\nu - \mu) = 0`, one in each interval between
  consecutive poles :math:`0 < 16\nu_{(1)} < \dots` and one above the last (all positive).

*Types* (B ⪰ 0). The global minima are the families whose S holds N largest eigenvalues
(:math:`L = 2\sum_{i>N}\lambda_i^2`, Theorem 3). Every other critical point has a negative
eigenvalue: if r < N a zero column gives :math:`-8\lambda_a < 0` for a positive
:math:`\lambda_a`, :math:`a \notin S`; if r = N some :math:`\lambda_a > \lambda_b` gives
:math:`8(\lambda_b - \lambda_a) < 0`. At the global minima :math:`\lambda_{\min}(\nabla^2 L) \ge 0`
(= 0 whenever N ≥ 2, from the rotations; > 0 for N = 1 with :math:`\lambda_1 > \lambda_2`).
This is why Proposition 1 *as printed* (small gradient ⟹ :math:`\lambda_{\min} < -\delta`) fails on any
sub-level set that contains a global minimiser; see :func:`strict_saddle_constants`.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import mpmath
import numpy as np
from numpy.typing import ArrayLike

from lazysym._typing import MPF, SeedLike
from lazysym._validate import (
    as_finite_array,
    as_generator,
    as_real,
    as_target,
    check_dps,
    nonnegative_int,
    positive_int,
)
from lazysym.errors import AssumptionError, check, check_type
from lazysym.limits import check_limit
from lazysym.nn.loss import loss_gradient, loss_hessian, population_loss
from lazysym.objects.models import QuadraticTarget

__all__ = [
    "CriticalPoint", "CriticalPointList", "critical_points", "count_critical_families",
    "critical_point", "family_member", "closed_form_spectrum", "hessian_spectrum",
    "numeric_hessian_spectrum", "StrictSaddleConstants", "strict_saddle_constants",
    "sample_sublevel_points", "SublevelSample",
]

#: Relative tolerance (of max|λ(B)|) under which an eigenvalue of B counts as 0, and under which
#: two eigenvalues count as equal (float64 eigensolver error is ~1e-15 relative; 1e-10 leaves
#: margin for round-off in B = QΛQᵀ built by the caller).
EIG_RTOL = 1e-10


def _eig(target: QuadraticTarget):
    """Eigenvalues (descending) and matching orthonormal eigenvectors (columns)."""
    ev, U = np.linalg.eigh(target.B)
    return ev[::-1].copy(), U[:, ::-1].copy()


def _scale(ev) -> float:
    return max(1.0, float(np.max(np.abs(ev))))


def _groups(ev):
    """Groups of (numerically) equal eigenvalues, as lists of indices into ``ev`` (descending)."""
    tol = EIG_RTOL * _scale(ev)
    groups = [[0]]
    for i in range(1, len(ev)):
        if abs(ev[i] - ev[groups[-1][0]]) <= tol:
            groups[-1].append(i)
        else:
            groups.append([i])
    return groups


@dataclass(frozen=True)
class CriticalPoint:
    """A representative critical point of L (one family, up to W → WQ and eigenspace rotations).

    Attributes
    ----------
    S:
        Indices (into the descending eigenvalues of B) of the eigenvectors used.
    W, c:
        The representative: columns :math:`\\sqrt{\\lambda_i}u_i`, i ∈ S, then N − |S| zero columns;
        :math:`c = \\operatorname{Tr}(B - WW^\\top) + b_0`.
    loss:
        :math:`L = 2\\sum_{i\\notin S}\\lambda_i^2` (computed as ``population_loss`` at the point).
    kind:
        ``"global minimum"``, ``"strict saddle"`` (λ_min(∇²L) < 0), or, never for B ⪰ 0,
        ``"spurious local minimum"`` / ``"degenerate critical point"``.
    lambda_min:
        Smallest Hessian eigenvalue (closed form).
    family_dim:
        Dimension of the Grassmannian family :math:`\\sum_\\nu k_\\nu(m_\\nu - k_\\nu)` (0 if B has
        no repeated eigenvalue among those touched).
    """

    S: tuple
    W: np.ndarray = field(repr=False)
    c: float
    loss: float
    kind: str
    lambda_min: float
    family_dim: int


class CriticalPointList(list[CriticalPoint]):
    """A list of :class:`CriticalPoint` with ``total`` (number of families) and ``complete``."""

    total: int = 0
    complete: bool = True


def count_critical_families(target: QuadraticTarget, N: int) -> int:
    """Number of critical families of L up to rotation: #{(k_ν) : 0 ≤ k_ν ≤ m_ν, Σ k_ν ≤ N},
    ν over the distinct positive eigenvalues of B with multiplicities m_ν.
    """
    target = as_target(target)
    N = positive_int(N, "N", cap="dimension")
    ev = target.eigenvalues
    tol = EIG_RTOL * _scale(ev)
    mults = [len(g) for g in _groups(ev) if ev[g[0]] > tol]
    ways = np.zeros(N + 1, dtype=object)
    ways[0] = 1
    for m in mults:
        new = np.zeros(N + 1, dtype=object)
        for r in range(N + 1):
            if ways[r]:
                for k in range(0, min(m, N - r) + 1):
                    new[r + k] += ways[r]
        ways = new
    return int(sum(ways))


def _families(ev, N):
    tol = EIG_RTOL * _scale(ev)
    groups = [g for g in _groups(ev) if ev[g[0]] > tol]

    def rec(j, budget):
        if j == len(groups):
            yield ()
            return
        for k in range(min(len(groups[j]), budget), -1, -1):  # top eigenvalues first
            for rest in rec(j + 1, budget - k):
                yield (tuple(groups[j][:k]),) + rest

    for choice in rec(0, N):
        S = tuple(i for part in choice for i in part)
        dim = sum(len(part) * (len(g) - len(part)) for part, g in zip(choice, groups))
        yield tuple(sorted(S)), dim


def _closed_min(ev, S, N, dps):
    """λ_min of the closed-form spectrum, in float64: the explicit eigenvalues, and (only if they
    are all positive) the smallest secular root, which lies in (0, 16 min λ_S) (bisection).
    """
    d, r = len(ev), len(S)
    notS = np.array([a for a in range(d) if a not in S], dtype=int)
    lamS = ev[list(S)] if r else np.zeros(0)
    cands = []
    if N > r:
        cands += list(-8.0 * ev[notS]) + ([0.0] if r else [])
    if r and notS.size:
        cands.append(8.0 * (lamS.min() - ev[notS].max()))
    if r >= 2:
        cands.append(0.0)
    if cands and min(cands) <= 0:
        return float(min(cands))
    hi = 16.0 * float(lamS.min()) if r else 4.0  # r = 0: the c–c entry alone, root μ = 2
    lo = 0.0
    for _ in range(200):
        mid = (lo + hi) / 2
        if mid in (lo, hi):
            break
        f = 1 - 2 / mid + float(np.sum(8 * lamS / (16 * lamS - mid)))
        lo, hi = (mid, hi) if f < 0 else (lo, mid)
    root = (lo + hi) / 2
    return float(min(cands + [root]))


def _kind(ev, S, N, lmin) -> str:
    """Type of the critical point (S, N). Global minima are decided structurally (exact given
    the grouping of equal eigenvalues): S uses min(N, p) of the p positive eigenvalues and no
    unused positive eigenvalue exceeds one in S. (Comparing losses instead fails when a λ is
    tiny: 2λ² falls below any loss tolerance.)
    """
    tol_ev = EIG_RTOL * _scale(ev)
    p = int(np.sum(ev > tol_ev))
    unused = [ev[a] for a in range(len(ev)) if a not in S and ev[a] > tol_ev]
    if len(S) == min(N, p) and (not S or not unused
                                or max(unused) <= min(ev[i] for i in S) + tol_ev):
        return "global minimum"
    # a negative Hessian eigenvalue is −8λ_a or 8(λ_b − λ_a): at least 8·EIG_RTOL·scale in size
    tol_h = 4 * EIG_RTOL * _scale(ev)
    if lmin < -tol_h:
        return "strict saddle"
    return "spurious local minimum" if lmin > tol_h else "degenerate critical point"


def critical_point(target: QuadraticTarget, S: Iterable[int], N: int, *,
                   dps: int = 30) -> CriticalPoint:
    """The representative critical point for the eigen-index set ``S`` (|S| ≤ N, λ_i > 0 on S)."""
    target = as_target(target)
    N = positive_int(N, "N", cap="dimension")
    dps = check_dps(dps)
    ev, U = _eig(target)
    S = _check_S(ev, S, N)
    d = target.d
    W = np.zeros((d, N))
    for k, i in enumerate(S):
        W[:, k] = math.sqrt(ev[i]) * U[:, i]
    c = float(np.trace(target.B - W @ W.T)) + target.b0
    loss = population_loss(W, c, target)
    lmin = _closed_min(ev, S, N, dps)
    groups = _groups(ev)
    dim = sum(len([i for i in g if i in S]) * (len(g) - len([i for i in g if i in S]))
              for g in groups)
    return CriticalPoint(S, W, c, loss, _kind(ev, S, N, lmin), lmin, dim)


def _check_S(ev: np.ndarray, S: Iterable[int], N: int) -> tuple[int, ...]:
    check_type(not isinstance(S, (str, bytes)) and hasattr(S, "__iter__"), "S",
               "a collection of eigen-indices (integers)", S)
    S = list(S)
    check_type(all(isinstance(i, (int, np.integer)) and not isinstance(i, (bool, np.bool_))
                   for i in S), "S", "a collection of eigen-indices (integers)", S)
    S = tuple(sorted(int(i) for i in S))
    check(len(set(S)) == len(S), f"S has repeated indices: {S}", assumption="S a set")
    check(len(S) <= N, f"a critical point uses |S| ≤ N eigenvectors; got |S| = {len(S)} > N = {N}",
          assumption="|S| ≤ N")
    check(all(0 <= i < len(ev) for i in S), f"S must index eigenvalues 0..{len(ev) - 1}; got {S}",
          assumption="S ⊂ eigenvectors of B")
    tol = EIG_RTOL * _scale(ev)
    bad = [i for i in S if ev[i] <= tol]
    check(not bad, f"S may only use positive eigenvalues (λ_i = σ_i² > 0); λ at {bad} = "
          f"{[float(ev[i]) for i in bad]}", assumption="critical points: BU = UΣ², Σ ≻ 0",
          fix="drop those indices (a zero eigenvalue gives the same point as leaving it out)")
    return S


def critical_points(target: QuadraticTarget, N: int, *, limit: int | None = 4096,
                    truncate: bool = False, dps: int = 30) -> CriticalPointList:
    """All critical points of L(W, c) (§2.3) up to rotation, one representative per family.

    Parameters
    ----------
    target:
        :class:`~lazysym.objects.models.QuadraticTarget` (any symmetric B; the classification into
        minima/saddles below does not need B ⪰ 0, Proposition 1 does).
    N:
        Number of neurons.
    limit, truncate:
        The number of families is :func:`count_critical_families` (Σ_{r ≤ N} C(p, r) for p
        distinct positive eigenvalues: it grows like 2^d). If it exceeds ``limit`` this raises
        :class:`AssumptionError`, unless ``truncate=True``, in which case the first ``limit``
        families (largest eigenvalues first, so the first is a global minimum) are returned with
        ``complete=False``.
        ``limit=None`` enumerates everything.

    Returns
    -------
    CriticalPointList
        Representatives, global minima first, then by loss, each with its type (global minimum /
        strict saddle / …), smallest Hessian eigenvalue (closed form, :func:`closed_form_spectrum`) and family
        dimension. ``total`` is the number of families.

    Notes
    -----
    The type "global minimum" is decided structurally (S holds the min(N, p) largest of the p
    positive eigenvalues, ties allowed), so it is exact even when truncated (the first family
    enumerated takes the top eigenvalues) and when some λ is so small that 2λ² is at round-off;
    that these are the minimisers is the Eckart–Young argument (tested against the losses).
    """
    target = as_target(target)
    N = positive_int(N, "N", cap="dimension")
    dps = check_dps(dps)
    check_type(isinstance(truncate, (bool, np.bool_)), "truncate", "a bool", truncate)
    total = count_critical_families(target, N)
    if limit is None:
        check_limit("enumeration", total, f"number of critical families (d = {target.d}, N = {N})")
    else:
        limit = positive_int(limit, "limit", cap="enumeration")
        if total > limit and not truncate:
            raise AssumptionError(
                f"L has {total} critical families for d = {target.d}, N = {N}, more than "
                f"limit = {limit}", assumption="enumeration cap",
                fix="pass a larger limit, limit=None, or truncate=True for the first `limit`")
    ev, U = _eig(target)
    d = target.d
    out = CriticalPointList()
    for S, dim in _families(ev, N):
        if limit is not None and len(out) >= limit:
            break
        W = np.zeros((d, N))
        for k, i in enumerate(S):
            W[:, k] = math.sqrt(ev[i]) * U[:, i]
        c = float(np.trace(target.B - W @ W.T)) + target.b0
        out.append(CriticalPoint(S, W, c, population_loss(W, c, target), "",
                                 _closed_min(ev, S, N, dps), dim))
    typed = CriticalPointList()
    for cp in out:
        typed.append(CriticalPoint(cp.S, cp.W, cp.c, cp.loss, _kind(ev, cp.S, N, cp.lambda_min),
                                   cp.lambda_min, cp.family_dim))
    typed.sort(key=lambda q: (q.kind != "global minimum", q.loss, q.S))
    typed.total = total
    typed.complete = len(out) == total
    return typed


def family_member(target: QuadraticTarget, cp: CriticalPoint,
                  rng: SeedLike) -> tuple[np.ndarray, float]:
    """A random point of ``cp``'s family: a random orthonormal basis inside each eigenspace that
    S touches (a random point of the Grassmannian) and a random rotation W → WQ, Q ∈ O(N).
    """
    target = as_target(target)
    check_type(isinstance(cp, CriticalPoint), "cp", "a CriticalPoint (from critical_points)", cp)
    check(cp.W.shape[0] == target.d, f"cp belongs to a target of dimension {cp.W.shape[0]}, not "
          f"d = {target.d}", assumption="matching dimensions")
    rng = as_generator(rng)
    ev, U = _eig(target)
    W = np.zeros_like(cp.W)
    col = 0
    for g in _groups(ev):
        ks = [i for i in g if i in cp.S]
        if not ks:
            continue
        basis = U[:, g]
        R, _ = np.linalg.qr(rng.standard_normal((len(g), len(ks))))
        V = basis @ R
        for j, i in enumerate(ks):
            W[:, col] = math.sqrt(ev[i]) * V[:, j]
            col += 1
    N = W.shape[1]
    Q, Rq = np.linalg.qr(rng.standard_normal((N, N)))
    Q = Q * np.sign(np.diag(Rq))
    return W @ Q, cp.c


def closed_form_spectrum(eigenvalues: ArrayLike, S: Iterable[int], N: int, *,
                         dps: int = 30) -> list[tuple[MPF, int, str]]:
    """Hessian spectrum of L at the critical point (S, N), in closed form (module docstring).

    Parameters
    ----------
    eigenvalues:
        All eigenvalues of B, **descending** (``target.eigenvalues``).
    S:
        Eigen-indices used (positive eigenvalues, |S| ≤ N).
    N:
        Number of neurons.
    dps:
        Digits for the secular-equation roots (mpmath bisection inside ``workdps(dps + 10)``).

    Returns
    -------
    list of ``(value, multiplicity, label)``, values as ``mpmath.mpf``; multiplicities sum to
    :math:`Nd + 1`.
    """
    dps = check_dps(dps)
    N = positive_int(N, "N", cap="dimension")
    ev = as_finite_array(eigenvalues, "eigenvalues", ndim=1)
    check(ev.size >= 1 and bool(np.all(np.diff(ev) <= 0)),
          "eigenvalues must be a non-empty 1-d array in descending order",
          assumption="λ₁ ≥ … ≥ λ_d")
    check_limit("dimension", ev.size, "number d of eigenvalues")
    S = _check_S(ev, S, N)
    d, r = len(ev), len(S)
    out = []
    notS = [a for a in range(d) if a not in S]
    with mpmath.workdps(dps + 10):
        lam = [mpmath.mpf(float(x)) for x in ev]
        if N > r:
            for a in notS:
                out.append((-8 * lam[a], N - r, f"zero column, direction u_{a + 1}: -8λ_a"))
            if r:
                out.append((mpmath.mpf(0), (N - r) * r, "zero column, direction in span(S)"))
        for b in S:
            for a in notS:
                out.append((8 * (lam[b] - lam[a]), 1,
                            f"column u_{b + 1}, direction u_{a + 1}: 8(λ_b-λ_a)"))
        if r >= 2:
            out.append((mpmath.mpf(0), r * (r - 1) // 2, "rotation W→WQ"))
            for b, b2 in itertools.combinations(S, 2):
                out.append((8 * (lam[b] + lam[b2]), 1, f"pair ({b + 1},{b2 + 1}): 8(λ_b+λ_b')"))
        # the (diag, c) block: distinct values among λ_S
        tol = EIG_RTOL * _scale(ev)
        vals: list[list[Any]] = []        # [λ (mpf), multiplicity in S]
        for b in S:
            for v in vals:
                if abs(float(v[0]) - ev[b]) <= tol:
                    v[1] += 1
                    break
            else:
                vals.append([lam[b], 1])
        for v, m in vals:
            if m > 1:
                out.append((16 * v, m - 1, "diagonal block, repeated eigenvalue: 16λ"))
        for root in _secular_roots(vals, dps):
            out.append((root, 1, "diagonal block and c: secular root"))
        out = [(+v, m, lab) for v, m, lab in out]
    with mpmath.workdps(dps):
        out = [(+v, m, lab) for v, m, lab in out]
    assert sum(m for _, m, _ in out) == N * d + 1
    return out


def _secular_roots(vals, dps):
    """Roots of f(μ) = 1 − 2/μ + Σ 8mν/(16ν − μ): one per interval between the sorted poles
    0 < 16ν₁ < …, and one in (16ν_max, 16ν_max + 2‖a‖²]; f increases on each interval.
    """
    poles = sorted([mpmath.mpf(0)] + [16 * v for v, m in vals])
    weight_total = 2 * (1 + sum(4 * m * v for v, m in vals))  # 2‖a‖²

    def f(mu):
        return 1 - 2 / mu + sum(8 * m * v / (16 * v - mu) for v, m in vals)

    roots = []
    brackets = list(zip(poles[:-1], poles[1:])) + [(poles[-1], poles[-1] + weight_total)]
    for a, b in brackets:  # bisection evaluates only midpoints, never a pole
        for _ in range(int(3.4 * mpmath.mp.dps) + 20):
            m = (a + b) / 2
            if f(m) < 0:
                a = m
            else:
                b = m
        roots.append((a + b) / 2)
    return roots


def hessian_spectrum(target: QuadraticTarget, S: Iterable[int], N: int, *,
                     dps: int = 30) -> np.ndarray:
    """Closed-form Hessian eigenvalues at the critical point (S, N), ascending, with
    multiplicity, as float64 (length Nd + 1). See :func:`closed_form_spectrum`.
    """
    target = as_target(target)
    spec = closed_form_spectrum(target.eigenvalues, S, N, dps=dps)
    vals = np.concatenate([np.full(m, float(v)) for v, m, _ in spec if m > 0])
    return np.sort(vals)


def numeric_hessian_spectrum(W: ArrayLike, c: float, target: QuadraticTarget) -> np.ndarray:
    """Numpy ``eigvalsh`` of :func:`lazysym.nn.loss.loss_hessian` at (W, c), ascending."""
    return np.linalg.eigvalsh(loss_hessian(W, c, as_target(target)))


# --------------------------------------------------------------------------------------------
# Proposition 1: sampled points of a sub-level set, and the (ε, δ) constants
# --------------------------------------------------------------------------------------------

@dataclass
class SublevelSample:
    """Points of Ω(B₀) = {L ≤ B₀} with ‖∇L‖₂, λ_min(∇²L) (numpy) and L − min L at each.

    ``source`` says how each point was obtained: ``"critical"`` (a random member of a critical
    family), ``"near-critical"`` (a critical point moved by a random vector of norm ``radius``),
    ``"random"`` (random W, c at its optimum), ``"flow"`` (a point on a gradient-flow path).
    ``critical_kind`` is the type of the critical point for the first two sources, else "".
    """

    grad_norm: np.ndarray
    lambda_min: np.ndarray
    excess: np.ndarray
    loss: np.ndarray
    source: list
    critical_kind: list
    min_loss: float
    B0: float


def _point_stats(W, c, target):
    gW, gc = loss_gradient(W, c, target)
    g = math.sqrt(float(np.sum(gW * gW)) + gc * gc)
    lam = float(np.linalg.eigvalsh(loss_hessian(W, c, target))[0])
    return g, lam, population_loss(W, c, target)


def sample_sublevel_points(target: QuadraticTarget, N: int, B0: float, rng: SeedLike, *,
                           n_random: int = 60,
                           radii: Sequence[float] = (1e-6, 1e-4, 1e-3, 1e-2, 3e-2, 1e-1, 3e-1),
                           n_flows: int = 4, limit: int = 512) -> SublevelSample:
    """Sample Ω(B₀) (Proposition 1) at every kind of point it speaks of.

    Critical points (every family, a random member each), points near each critical point at the
    given ``radii`` (relative to ‖B‖_F^{1/2}), ``n_random`` random points with the optimal c, and
    points along ``n_flows`` gradient-flow paths from random initialisations (these pass near
    saddles and end at minima); points with L > B₀ are dropped.
    """
    from lazysym.nn.training import gradient_flow, random_init

    target = as_target(target)
    N = positive_int(N, "N", cap="dimension")
    B0 = as_real(B0, "B0")
    rng = as_generator(rng)
    n_random = nonnegative_int(n_random, "n_random", cap="samples")
    n_flows = nonnegative_int(n_flows, "n_flows", cap="iterations")
    radii_arr = as_finite_array(radii, "radii", ndim=1)
    check(bool(np.all(radii_arr > 0)), "radii must be > 0", assumption="radii > 0")
    cps = critical_points(target, N, limit=limit)
    min_loss = cps[0].loss
    check(B0 >= min_loss, f"Ω(B₀) is empty: B₀ = {B0:.6g} < min L = {min_loss:.6g}",
          assumption="Ω(B₀) non-empty", fix="take B₀ ≥ inf L")
    d = target.d
    wscale = math.sqrt(max(float(np.linalg.norm(target.B)), 1e-12))
    rows = []

    def add(W, c, source, kind=""):
        g, lam, L = _point_stats(W, c, target)
        if L <= B0:
            rows.append((g, lam, L, source, kind))

    for cp in cps:
        if cp.loss > B0:
            continue
        W, c = family_member(target, cp, rng)
        add(W, c, "critical", cp.kind)
        for rad in radii_arr:
            E = rng.standard_normal(W.shape)
            e = rng.standard_normal()
            nrm = math.sqrt(float(np.sum(E * E)) + e * e)
            add(W + rad * wscale * E / nrm, c + rad * wscale * e / nrm, "near-critical", cp.kind)
    for _ in range(n_random):
        W = rng.standard_normal((d, N)) * wscale * rng.uniform(0.05, 1.5) / math.sqrt(d)
        c = float(np.trace(target.B - W @ W.T)) + target.b0
        add(W, c, "random")
    for _ in range(n_flows):
        W0, c0 = random_init(d, N, rng, scale=1e-2 * wscale)
        res = gradient_flow(target, W0, c0, t_max=20.0 / max(1e-12, float(target.eigenvalues[0])),
                            rtol=1e-6, n_record=40, keep_path=True)
        for W, c in res.path:
            add(W, c, "flow")
    check(len(rows) > 0, f"no sampled point lies in Ω(B₀) for B₀ = {B0:.6g} (min L = "
          f"{min_loss:.6g}; a critical point's loss moves by round-off)",
          assumption="Ω(B₀) sampled", fix="take B₀ a little above min L")
    g, lam, losses, src, kind = zip(*rows)
    L = np.array(losses)
    return SublevelSample(np.array(g), np.array(lam), L - min_loss, L, list(src), list(kind),
                          float(min_loss), float(B0))


@dataclass
class StrictSaddleConstants:
    """Constants for Proposition 1 on Ω(B₀).

    Attributes
    ----------
    delta:
        Closed form: min over the non-minimal critical families in Ω(B₀) of
        :math:`|\\lambda_{\\min}(\\nabla^2 L)|` (``inf`` if Ω(B₀) holds no saddle). Any δ below it
        makes the saddles satisfy λ_min < −δ.
    eps:
        Measured over ``sample``: the largest ε such that every sampled point with
        ‖∇L‖ ≤ ε has λ_min < −δ/2 **or** L − min L ≤ η (the corrected, standard strict-saddle
        form). This is an *upper* estimate of the best ε (sampling can miss bad points).
    eps_printed:
        The same for the statement as printed (no exemption near minima): 0 whenever Ω(B₀)
        contains a global minimiser, where ‖∇L‖ = 0 and λ_min ≥ 0.
    min_curvature_at_minima:
        λ_min(∇²L) at the global minima (closed form): ≥ 0, so no δ > 0 works there.
    eta:
        The neighbourhood of the minima used for ``eps``.
    """

    delta: float
    eps: float
    eps_printed: float
    min_curvature_at_minima: float
    eta: float
    sample: SublevelSample = field(repr=False)


def strict_saddle_constants(target: QuadraticTarget, N: int, B0: float, rng: SeedLike, *,
                            eta: float | None = None, dps: int = 30,
                            **sample_kw: Any) -> StrictSaddleConstants:
    """Estimate (ε, δ) of Proposition 1 on the sub-level set Ω(B₀).

    Proposition 1 (as printed): for any x ∈ Ω(B₀) with ‖∇L(x)‖₂ ≤ ε, λ_min(∇²L(x)) < −δ.
    Requires B ⪰ 0. δ is exact (closed-form spectra of the saddles in Ω(B₀)); ε is measured on
    :func:`sample_sublevel_points`. ``eta`` defaults to a tenth of the gap between the lowest
    saddle loss and min L (or of min L's scale if Ω(B₀) has no saddle).
    """
    target = as_target(target)
    target.require_psd("Proposition 1")
    N = positive_int(N, "N", cap="dimension")
    cps = critical_points(target, N, dps=dps, limit=sample_kw.get("limit", 512))
    B0 = as_real(B0, "B0")
    if eta is not None:
        eta = as_real(eta, "eta")
        check(eta >= 0, f"eta must be ≥ 0; got {eta}", assumption="eta ≥ 0")
    saddles = [cp for cp in cps if cp.kind != "global minimum" and cp.loss <= B0]
    minima = [cp for cp in cps if cp.kind == "global minimum"]
    delta = min((-cp.lambda_min for cp in saddles), default=math.inf)
    if eta is None:
        gap = (saddles[0].loss - minima[0].loss) if saddles else max(1.0, minima[0].loss)
        eta = 0.1 * gap
    sample = sample_sublevel_points(target, N, B0, rng, **sample_kw)
    half = delta / 2 if math.isfinite(delta) else 0.0
    bad_corr = (sample.lambda_min >= -half) & (sample.excess > eta)
    eps = float(np.min(sample.grad_norm[bad_corr])) if np.any(bad_corr) else math.inf
    bad_pr = sample.lambda_min >= -half
    eps_pr = float(np.min(sample.grad_norm[bad_pr])) if np.any(bad_pr) else math.inf
    return StrictSaddleConstants(float(delta), eps, eps_pr, min(cp.lambda_min for cp in minima),
                                 float(eta), sample)

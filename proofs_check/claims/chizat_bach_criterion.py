r"""Chizat–Bach's "≲" criteria (their poster, cited in the paper's §1.2 eq. (7) as [8]), both
sides: the bound holds *and* is attained up to a constant, with its exponents.

* ``cb.kappa`` — :math:`\Delta \lesssim \tilde t^2\kappa_h(w_0)`: the bound holds (constant 1) on
  the paper's paired quadratic network and on the sharp model of
  :mod:`lazysym.compare.chizat_bach`, and is attained there up to a factor 4 (ratio → 1/2 as
  t̃ → 0, for every α), which pins both exponents.
* ``cb.width`` — :math:`\kappa_{h_m}(w_0) \lesssim m^{-1/2} + (\alpha m)^{-1}`: for schedules
  that isolate each term (α = 1: m^{-1/2}; α = m^{-3/2}: (αm)^{-1} = m^{1/2}; α = 1/m: constant),
  κ/bound has an exponent in m compatible with 0
  (:func:`proofs_check.evidence.landscape.slope_band`).

Every number is exact (κ from the Jacobian and closed-form norms) or an ODE solution whose error
is measured by a 100× tighter re-solve.
"""

from __future__ import annotations

import functools
import math
from typing import Any

import numpy as np

from lazysym.compare.chizat_bach import kappa_bound, quadratic_map_gap, sharp_quadratic_map
from lazysym.nn.lazy import kappa, paired_init, relative_gap_ratio, signed_init, width_kappa_bound
from lazysym.objects.models import paper_quadratic_target
from proofs_check.evidence.decisions import ALPHA_CLAIM
from proofs_check.evidence.landscape import slope_band
from proofs_check.registry import Comparison, Context, Mutant, claim

SRC = "Chizat–Bach poster (lazy training), cited in the paper §1.2 eq. (7)"

# ------------------------------------------------------------------------------------------------
# laziness criterion κ
# ------------------------------------------------------------------------------------------------

#: "≲" read with constant 1 (the bound must hold: sup Δ/bound ≤ KAPPA_UP) and sharp up to a
#: factor 4 (the sharp model's ratio at the smallest t̃ must be ≥ KAPPA_LOW at every α; its
#: leading-order value is 1/2, measured 0.499 on every seed tried).
KAPPA_UP, KAPPA_LOW = 1.0, 0.25
#: The sharp model's own anchor: its Δ/(t̃²κ) with lazysym's κ (not the formula under test) is
#: 1/2 + O(t̃) (derived in :mod:`lazysym.compare.chizat_bach`); at the smallest t̃ (1e-3) it
#: must be within KAPPA_ANCHOR_TOL = 2·t̃ of 1/2. Measured |ratio − 1/2| ≤ 5.5e-4 = 0.55·t̃ over
#: seeds 0–19 × the four α (a factor 3.6 below); a κ off by more than ~0.5 % — e.g.
#: ‖Dh‖ instead of ‖Dh‖² (factor ‖A‖ ∈ [1.2, 2]) or row instead of column norms of D — fails it.
KAPPA_ANCHOR_TOL_PER_T = 2.0
#: The sharp model's Δ(t̃) over the whole t̃ grid must equal the flow recomputed from the
#: definitions (:func:`_flow_gap_from_definition`) to FLOW_TOL relative: classical RK4 with 1000
#: steps against the library's adaptive Dormand–Prince at rtol 1e-11 (measured agreement
#: ≤ 6.9e-11 over seeds 0–3 × the four α).
FLOW_TOL = 1e-8
KAPPA_SIZES: dict[str, Any] = {"d": 6, "M": 3, "taus": [0.5, 1.0, 2.0], "alphas": [1.0, 10.0, 100.0, 1000.0],
               "toy (p, n)": (6, 5), "t_tilde": [1e-3, 1.0, 13]}
KAPPA_SIZES_THOROUGH: dict[str, Any] = {"d": 6, "M": 3, "taus": [0.25, 0.5, 1.0, 2.0, 4.0],
                        "alphas": [1.0, 3.0, 10.0, 30.0, 100.0, 1000.0],
                        "toy (p, n)": (10, 8), "t_tilde": [1e-3, 1.0, 25]}


@functools.lru_cache(maxsize=2)
def _kappa_evidence(seed: int, thorough: bool) -> dict:
    ctx = Context(seed=seed, thorough=thorough)
    sz = ctx.pick(KAPPA_SIZES, KAPPA_SIZES_THOROUGH)
    target = paper_quadratic_target(sz["d"], ctx.rng("cb.kappa", "B"))
    runs = []
    for tau in sz["taus"]:
        net = paired_init(sz["d"], sz["M"], tau, ctx.rng("cb.kappa", "U", tau))
        for al in sz["alphas"]:
            r = relative_gap_ratio(net, target, al, t_tilde_max=1.0, n_record=40)
            runs.append({"model": f"paired network τ = {tau:g}", "alpha": al, "kappa": r["kappa"],
                         "t_tilde": r["t_tilde"], "delta": r["delta"]})
    p_toy, n_toy = sz["toy (p, n)"]
    toy = sharp_quadratic_map(p_toy, n_toy, ctx.rng("cb.kappa", "toy"))
    tt = np.geomspace(sz["t_tilde"][0], sz["t_tilde"][1], sz["t_tilde"][2])
    ode_rel = 0.0
    flow_rel = 0.0
    for al in sz["alphas"]:
        dl = quadratic_map_gap(toy, al, tt)
        dl2 = quadratic_map_gap(toy, al, tt, rtol=1e-13, atol=1e-16)
        ode_rel = max(ode_rel, float(np.max(np.abs(dl - dl2) / dl)))
        flow_rel = max(flow_rel, float(np.max(np.abs(dl - _flow_gap_from_definition(toy, al, tt))
                                              / dl)))
        runs.append({"model": "sharp quadratic map", "alpha": al, "kappa": toy.kappa(al),
                     "t_tilde": tt, "delta": dl})
    return {"sizes": sz, "runs": runs, "ode_rel": ode_rel, "flow_rel": flow_rel}


def _flow_gap_from_definition(toy, alpha: float, tt: np.ndarray, steps: int = 1000) -> np.ndarray:
    r"""Δ(t̃) of the sharp model recomputed from the definitions, independently of
    :func:`lazysym.compare.chizat_bach.quadratic_map_gap` (and of its adaptive integrator):
    h(w) = Aw + ½D(w⊙w), Jacobian Jh(w) = A + D·diag(w); the lazy flow
    ẇ = −∇_w R(αh(w))/α² = −Jh(w)ᵀ(αh(w) − y*)/α and the tangent flow of h̄(w) = Aw likewise,
    both from w = 0 (in w, not in v = αw), by the classical fixed-step Runge–Kutta 4 with
    ``steps`` equal steps up to the last time (global error O(step⁴)); Δ = ‖αh(w) − αh̄(w̄)‖/‖y*‖
    at t = t̃/‖A‖².
    """
    A, D, y = toy.A, toy.D, toy.y
    p = A.shape[1]

    def h(w):
        return A @ w + 0.5 * (D @ (w * w))

    def rhs(z):
        w, wb = z[:p], z[p:]
        g = (A + D * w[None, :]).T @ (alpha * h(w) - y) / alpha
        gb = A.T @ (alpha * (A @ wb) - y) / alpha
        return np.concatenate([-g, -gb])

    times = np.asarray(tt, float) / np.linalg.norm(A, 2) ** 2
    z, t, out = np.zeros(2 * p), 0.0, []
    hstep = times[-1] / steps
    for target in times:
        n = max(1, math.ceil((target - t) / hstep - 1e-9))
        dt = (target - t) / n
        for _ in range(n):
            k1 = rhs(z)
            k2 = rhs(z + dt / 2 * k1)
            k3 = rhs(z + dt / 2 * k2)
            k4 = rhs(z + dt * k3)
            z = z + dt / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
        t = target
        w, wb = z[:p], z[p:]
        out.append(float(np.linalg.norm(alpha * h(w) - alpha * (A @ wb))))
    return np.array(out) / math.sqrt(float(y @ y))


def kappa_evidence(ctx: Context) -> dict:
    """The evidence (cached per seed and size; see the module docstring)."""
    ctx.progress("Δ(t) along the flows, κ exactly")
    return _kappa_evidence(ctx.seed, ctx.thorough)


def kappa_printed(t_tilde, kappa_value):
    r"""The bound :math:`\tilde t^2\kappa_h(w_0)` (:func:`lazysym.compare.chizat_bach.kappa_bound`)."""
    return kappa_bound(t_tilde, kappa_value)


def kappa_compare(formula, data, ctx: Context, switch_off=frozenset()) -> Comparison:
    """Four criteria, each needed: ``bound_holds`` (sup over every run and t̃ ≤ 1 of Δ/bound ≤ 1,
    up to the measured relative ODE error) rejects bounds that are too small (t̃³κ, t̃²κ², 10×
    smaller); ``attained`` (the sharp model's Δ/bound at the smallest t̃ ≥ 1/4 at every α, κ from
    ~4 down to ~1e-3) rejects bounds too large (t̃κ, t̃²κ^½, 10× larger); ``sharp_model_anchor``
    (the evidence itself: lazysym's κ and Δ reproduce the sharp model's derived leading-order
    ratio 1/2 within :data:`KAPPA_ANCHOR_TOL_PER_T`·t̃) rejects a wrong κ or Δ that the two
    order criteria absorb; ``flow_matches_definition`` (the sharp model's Δ at every t̃ equals the
    flow recomputed from h's definition to :data:`FLOW_TOL`) rejects a wrong flow whose error
    enters only beyond leading order. The evidence has no sampling noise; measured: paired network sup
    ratio ≤ 0.1, sharp model 0.499 (leading order 1/2) on every seed of the sweep.
    ``switch_off`` names criteria to ignore (the necessity test).
    """
    rows, sup_ratio, low = [], 0.0, math.inf
    for r in data["runs"]:
        b = np.asarray(formula(r["t_tilde"], r["kappa"]), float)
        if b.shape != np.shape(r["delta"]) or not np.all(np.isfinite(b)) or np.any(b <= 0):
            return Comparison(False, "asymptotic", math.inf, None, [], "non-positive bound",
                              criteria={"bound_positive": False})
        ratio = np.asarray(r["delta"]) / b
        sup_ratio = max(sup_ratio, float(np.max(ratio)))
        if r["model"] == "sharp quadratic map":
            low = min(low, float(ratio[0]))
        rows.append({"model": r["model"], "alpha": r["alpha"], "kappa": r["kappa"],
                     "max_delta": float(np.max(r["delta"])), "max_ratio": float(np.max(ratio)),
                     "ratio_smallest_t": float(ratio[0])})
    tol = 1.0 + 10.0 * data["ode_rel"]
    # the evidence's anchor (independent of ``formula``): lazysym's κ and Δ on the sharp model
    anchor_dev = max(abs(float(r["delta"][0]) / (float(r["t_tilde"][0]) ** 2 * r["kappa"]) - 0.5)
                     / float(r["t_tilde"][0])
                     for r in data["runs"] if r["model"] == "sharp quadratic map")
    crit = {"bound_holds": sup_ratio <= KAPPA_UP * tol, "attained": low >= KAPPA_LOW / tol,
            "sharp_model_anchor": anchor_dev <= KAPPA_ANCHOR_TOL_PER_T,
            "flow_matches_definition": data["flow_rel"] <= FLOW_TOL}
    # '≲' is an order statement (exponents and a constant as κ, t̃ → 0): kind "asymptotic"
    agrees = all(v for k, v in crit.items() if k not in switch_off)
    return Comparison(agrees, "asymptotic", sup_ratio, None, rows,
                      f"sup Δ/bound = {sup_ratio:.3g} (≤ {KAPPA_UP:g}?), sharp model's ratio at "
                      f"the smallest t̃ ≥ {low:.3g} (≥ {KAPPA_LOW:g}?)",
                      strength="numerical",
                      strength_note="ODE solutions with a measured relative error "
                                    f"{data['ode_rel']:.1e}",
                      criteria=crit,
                      stats={"sup_ratio": sup_ratio, "attained_min": low,
                             "anchor_dev_over_t": anchor_dev, "flow_rel": data["flow_rel"],
                             "ode_rel": data["ode_rel"], "sizes": data["sizes"]},
                      labels={"max_ratio": "max Δ/bound", "ratio_smallest_t": "Δ/bound at t̃ min"})


def _kappa_mutant(fn, name):
    def g(t_tilde, kappa_value):
        return fn(np.asarray(t_tilde, float), float(kappa_value))
    g.__name__ = name
    return Mutant(name, g)


claim(
    id="cb.kappa",
    source=SRC + ", 'When does it occur? A sufficient criterion'",
    statement=r"\Delta \lesssim \tilde t^2\cdot\kappa_h(w_0),\quad \kappa_h(w_0) := "
              r"\frac{\|h(w_0) - y^*\|\,\|D^2h(w_0)\|}{\|Dh(w_0)\|^2},\quad \tilde t = t\|Dh(w_0)\|^2",
    method=(f"κ exactly; Δ(t) along exact flows for t̃ ≤ 1: the paired quadratic network "
            f"(d = {KAPPA_SIZES['d']}, M = {KAPPA_SIZES['M']}, τ ∈ {KAPPA_SIZES['taus']}) and a "
            f"sharp quadratic map R^{KAPPA_SIZES['toy (p, n)'][0]} → "
            f"R^{KAPPA_SIZES['toy (p, n)'][1]}, α ∈ {KAPPA_SIZES['alphas']}; '≲' read as: holds "
            f"with constant {KAPPA_UP:g} and is attained up to a factor {1 / KAPPA_LOW:g}"),
    printed=kappa_printed,
    evidence=kappa_evidence,
    compare=kappa_compare,
    graded=(),
    mutants=(_kappa_mutant(lambda t, k: t ** 2 * k ** 0.5, "κ → κ^½"),
             _kappa_mutant(lambda t, k: t ** 2 * k ** 2, "κ → κ²"),
             _kappa_mutant(lambda t, k: t * k, "t̃² → t̃"),
             _kappa_mutant(lambda t, k: t ** 3 * k, "t̃² → t̃³"),
             _kappa_mutant(lambda t, k: 10 * t ** 2 * k, "10× larger"),
             _kappa_mutant(lambda t, k: 0.1 * t ** 2 * k, "10× smaller")),
    note="On the paper's paired network (h(w₀) = 0) Δ starts at order t̃³ (D²h vanishes along the "
         "first gradient direction: see lazysym.compare.chizat_bach), so the bound holds with "
         "room (sup ratio ≈ 0.02–0.1); the sharp quadratic map attains it with constant 1/2. "
         "Relative ±5% mutants are not run: '≲' absorbs constant factors (the self-test uses 10×).",
)

# ------------------------------------------------------------------------------------------------
# width
# ------------------------------------------------------------------------------------------------

#: Schedules isolating each term of m^{-1/2} + (αm)^{-1}.
WIDTH_SCHEDULES = {"α = 1": lambda m: 1.0, "α = m^-3/2": lambda m: m ** -1.5,
                   "α = 1/m": lambda m: 1.0 / m}
#: |exponent of κ/bound in m| compatible with ≤ WIDTH_BAND: a wrong exponent moves it by ≥ 1/4.
WIDTH_BAND = 0.15
WIDTH_SIZES: dict[str, Any] = {"d": 8, "ms": [16, 64, 256, 1024], "draws": 8}
#: Thorough: m ≤ 2048, since m = 4096 gives a Jacobian with md + 1 = 32769 columns, beyond
#: LIMITS.dimension (20000): the thorough run raised on it.
WIDTH_SIZES_THOROUGH: dict[str, Any] = {"d": 8, "ms": [16, 64, 256, 1024, 2048], "draws": 16}


@functools.lru_cache(maxsize=2)
def _width_evidence(seed: int, thorough: bool) -> dict:
    ctx = Context(seed=seed, thorough=thorough)
    sz = ctx.pick(WIDTH_SIZES, WIDTH_SIZES_THOROUGH)
    target = paper_quadratic_target(sz["d"], ctx.rng("cb.width", "B"))
    out = {}
    for name, sched in WIDTH_SCHEDULES.items():
        out[name] = [[kappa(signed_init(sz["d"], m, ctx.rng("cb.width", name, m, k)), target,
                            alpha=sched(m)) for k in range(sz["draws"])] for m in sz["ms"]]
    return {"sizes": sz, "kappa": out}


def width_evidence(ctx: Context) -> dict:
    """The evidence (cached per seed and size; see the module docstring)."""
    ctx.progress("exact κ of wide signed networks")
    return _width_evidence(ctx.seed, ctx.thorough)


def width_printed(m, alpha):
    r""":math:`m^{-1/2} + (\alpha m)^{-1}` (:func:`lazysym.nn.lazy.width_kappa_bound`)."""
    return width_kappa_bound(m, alpha)


def width_compare(formula, data, ctx: Context) -> Comparison:
    """Per schedule, the exponent g of κ/bound ∝ m^g (weighted by the draws' standard errors)
    must be compatible with 0 (:func:`slope_band`, CI at level ALPHA_CLAIM/3 two-sided, band
    ±0.15): bounded above *and* below as m → ∞. κ is random through the initialisation (draws
    give its standard error); the designed false-flip probability is ALPHA_CLAIM = 1e-4 when the
    true exponent over the ladder is within the band (measured |g| ≤ 0.08 over the sweep).
    """
    ms = data["sizes"]["ms"]
    rows, crit, stats = [], {}, {"sizes": data["sizes"], "band": WIDTH_BAND}
    for name, sched in WIDTH_SCHEDULES.items():
        ratios = [np.asarray(data["kappa"][name][j]) / float(formula(m, sched(m)))
                  for j, m in enumerate(ms)]
        r = slope_band(ms, ratios, band=WIDTH_BAND, alpha=ALPHA_CLAIM / len(WIDTH_SCHEDULES))
        crit[f"{name}: exponent 0"] = r["ok"]
        stats[f"{name}: exponent"] = r["g"]
        stats[f"{name}: CI"] = (r["lo"], r["hi"])
        rows += [{"schedule": name, "m": int(m), "kappa_mean": float(np.mean(data["kappa"][name][j])),
                  "ratio_mean": float(r["means"][j]), "ratio_se": float(r["se"][j])}
                 for j, m in enumerate(ms)]
    note = "; ".join(f"{n}: exponent {stats[f'{n}: exponent']:.3f} CI "
                     f"[{stats[f'{n}: CI'][0]:.3f}, {stats[f'{n}: CI'][1]:.3f}]"
                     if stats[f"{n}: exponent"] is not None else f"{n}: unresolved"
                     for n in WIDTH_SCHEDULES)
    return Comparison(all(crit.values()), "asymptotic", None, None, rows, note,
                      strength="numerical",
                      strength_note="exact κ per draw (Jacobian eigenvalues in float64), "
                                    "exponent CI from the draws",
                      criteria=crit, stats=stats,
                      labels={"kappa_mean": "κ (mean)", "ratio_mean": "κ/bound (mean)",
                              "ratio_se": "s.e."})


claim(
    id="cb.width",
    source=SRC + ", 'Case 3: Wide neural networks'",
    statement=r"h_m(w) = \alpha\sum_{i=1}^m\phi(\theta_i),\ \mathbb E\phi(\theta_i) = 0 \Rightarrow "
              r"\kappa_{h_m}(w_0) \lesssim m^{-1/2} + (\alpha m)^{-1}",
    method=(f"exact κ (Jacobian, closed-form ‖D²h‖, closed-form ‖h_m(w₀) − f*‖) for "
            f"φ(θ) = a⟨w, x⟩², a = ±1, w ~ N(0, I/d), d = {WIDTH_SIZES['d']}, m = "
            f"{WIDTH_SIZES['ms'][0]}..{WIDTH_SIZES['ms'][-1]}, {WIDTH_SIZES['draws']} draws, "
            f"schedules {', '.join(WIDTH_SCHEDULES)}; the exponent of κ/bound in m must be "
            f"compatible with 0 (both sides of '≲')"),
    printed=width_printed,
    evidence=width_evidence,
    compare=width_compare,
    graded=(),
    mutants=(Mutant("m^-1/2 → m^-1", lambda m, a: 1.0 / m + 1.0 / (a * m)),
             Mutant("(αm)^-1 → (αm)^-1/2", lambda m, a: m ** -0.5 + (a * m) ** -0.5),
             Mutant("m^-1/2 → m^-0.1", lambda m, a: m ** -0.1 + 1.0 / (a * m)),
             Mutant("m^-1/2 → m^-1/4", lambda m, a: m ** -0.25 + 1.0 / (a * m))),
    tolerated={"m^-1/2 → m^-1/4": "an exponent shift of 1/4 is at the resolution of 8 draws over "
                                  "m = 16..1024 (CI ±0.09, finite-m drift of the exponent up to "
                                  "±0.08): detected on about half of the seeds; shifts ≥ 0.4 "
                                  "(m^-0.1) and 1/2 are detected on every seed of the sweep"},
    note="The constants in '≲' depend on d and ‖f*‖ (κ is not scale-free in y*), so only the "
         "exponents are checked, on both sides; a bound off by a constant factor is the same "
         "statement.",
)

r"""Chizat–Bach's lazy-training statements (their poster, which the paper's §1.2 eq. (7) cites as [8]),
held against exact gradient flows of the two-layer quadratic network (:mod:`lazysym.nn.lazy`).

Setting of every check: :math:`h(w)(x) = c + \sum_j a_j\langle w_j, x\rangle^2` with fixed output
weights ±1 and the paired initialisation :math:`W_0 = [U, U]` (so :math:`h(w_0) = 0`), U = τ·(random
orthonormal M-frame); the target is the §4 one (B diagonal Exp(1), centred); R is the closed-form
population square loss :math:`\tfrac12\|f - f_*\|^2_{L^2}`. No sampling: every number is an ODE
solution (Dormand–Prince 5(4), rtol 1e-10 unless said) of closed-form vector fields.

* ``cb.finite_horizon`` — :math:`\lim_{\alpha\to\infty}\sup_{t\le T}\|\alpha h(w_\alpha(t)) -
  \alpha\bar h(\bar w_\alpha(t))\| = 0`.
* ``cb.infinite_horizon`` — the same with :math:`\sup_{t>0}`, "if R is strongly convex". Erratum
  (of the poster's summary, which says "see paper for precise statements"): with R strongly
  convex but :math:`Dh(w_0)` not onto (M < d) the original path leaves the tangent one after a time
  growing like α² (measured) and the sup does not vanish; with :math:`Dh(w_0)` onto (M = d, the
  paper's σ_min > 0 hypothesis) it holds.
* ``cb.kappa`` — :math:`\Delta \lesssim \tilde t^2\kappa_h(w_0)`.
* ``cb.width`` — :math:`\kappa_{h_m}(w_0) \lesssim m^{-1/2} + (\alpha m)^{-1}`.
* ``cb.lazy_limit`` — the paper's eq. (7) made quantitative: the risk reached at a fixed horizon
  tends to the linearised (NT, eq. (3)) value as α → ∞, and equals the NN value (Theorem 3) for
  small α.
"""

from __future__ import annotations

import functools
import math

import numpy as np

from lazysym.nn import nn_risk_quadratic
from lazysym.nn.lazy import dh_norm, kappa, lazy_paths, paired_init, relative_gap_ratio, signed_init
from lazysym.nt import nt_risk_quadratic
from lazysym.objects.models import paper_quadratic_target
from proofs_check.registry import Comparison, Context, claim
from proofs_check.evidence.legacy import MIN_RATE, fit_rate

SRC = "Chizat–Bach poster (lazy training), cited in the paper §1.2 eq. (7)"


def _limit_compare(xs, values, limits, *, max_final: float, label: str = "α",
                   note: str = "") -> Comparison:
    """|value − limit| must fall along ``xs`` (→ ∞) at a fitted rate ≥ MIN_RATE, fall at the last
    step, and end ≤ max_final (the semantics of registry.compare_asymptotic, rows keyed by α).
    """
    xs = np.asarray(xs, float)
    v = np.asarray(values, float)
    lim = np.broadcast_to(np.asarray(limits, float), v.shape)
    if not (np.all(np.isfinite(v)) and np.all(np.isfinite(lim))):
        return Comparison(False, "asymptotic", math.inf, None, [], "non-finite value")
    err = np.abs(v - lim)
    rows = [{label: float(x), "measured": float(a), "limit": float(b), "|error|": float(e)}
            for x, a, b, e in zip(xs, v, lim, err)]
    rate = fit_rate(xs, err)
    ok = rate >= MIN_RATE and err[-1] < err[-2] and err[-1] <= max_final
    why = "" if ok else (f"rate {rate:.2f} < {MIN_RATE}" if rate < MIN_RATE else
                         "error did not fall at the last step" if err[-1] >= err[-2] else
                         f"final error {err[-1]:.3g} > {max_final}")
    return Comparison(bool(ok), "asymptotic", float(err[-1]), rate, rows,
                      "; ".join(x for x in (note, why) if x))


def _setup(ctx: Context, key: str, d: int, M: int, tau: float = 1.0):
    target = paper_quadratic_target(d, ctx.rng(key, "B", d))
    net = paired_init(d, M, tau, ctx.rng(key, "U", d, M, tau))
    return target, net


# ------------------------------------------------------------------------------------------------
# finite horizon
# ------------------------------------------------------------------------------------------------

FH_T = 5.0


@functools.lru_cache(maxsize=2)
def _fh_evidence(seed: int, thorough: bool) -> dict:
    ctx = Context(seed=seed, thorough=thorough)
    d, M = ctx.pick((6, 3), (8, 4))
    alphas = ctx.pick([10.0, 30.0, 100.0, 300.0, 1000.0],
                      [10.0, 30.0, 100.0, 300.0, 1000.0, 3000.0, 10000.0])
    target, net = _setup(ctx, "cb.finite_horizon", d, M)
    sups = []
    for al in alphas:
        p = lazy_paths(net, target, al, t_max=FH_T, n_record=100)
        sups.append(p.sup_gap / p.norm_fstar)
    return {"alphas": alphas, "sup_gap": sups, "d": d, "M": M, "T": FH_T,
            "dh2": dh_norm(net) ** 2}


def fh_evidence(ctx: Context) -> dict:
    ctx.progress("original and tangent flows over α")
    return _fh_evidence(ctx.seed, ctx.thorough)


def fh_printed(alpha: float, T: float) -> float:
    r""":math:`\lim_{\alpha\to\infty}\sup_{t\in[0,T]}\|\alpha h(w_\alpha(t)) - \alpha\bar h(\bar w_\alpha(t))\| = 0`
    (as a value: the limit, 0, for every T).
    """
    return 0.0


def fh_compare(formula, data, ctx: Context) -> Comparison:
    # Gaps are relative to ‖f*‖. Measured (default ladder, d = 6, M = 3, T = 5): 3.5e-2, 4.2e-3,
    # 3.8e-4, 4.3e-5, 3.8e-6 for α = 10..1000, fitted rate 1.98 (2: the pairing cancels the O(1/α)
    # term). ODE error: rtol 1e-10 on O(1) states, ~1e-9 on the gap. max_final 1e-4 is 26× the
    # measured final gap and 500× below the perturbation's 0.05.
    lims = [formula(a, data["T"]) for a in data["alphas"]]
    return _limit_compare(data["alphas"], data["sup_gap"], lims, max_final=1e-4,
                          note=f"sup_(t≤{data['T']}) gap/‖f*‖, d = {data['d']}, M = {data['M']}")


claim(
    id="cb.finite_horizon",
    source=SRC + ", 'Lazy Training Theorems: Finite horizon'",
    statement=r"h(w_0) = 0 \Rightarrow \forall T>0:\ \lim_{\alpha\to\infty}\sup_{t\in[0,T]}"
              r"\|\alpha h(w_\alpha(t)) - \alpha\bar h(\bar w_\alpha(t))\| = 0",
    method="exact gradient flows of F(w) = R(αh(w))/α² and of the tangent model (closed-form "
           "population square loss, paired quadratic network with h(w₀) = 0), sup over t ≤ 5 of the "
           "L² gap / ‖f*‖ for α = 10..1000, fitted rate",
    printed=fh_printed,
    evidence=fh_evidence,
    compare=fh_compare,
    note="Measured rate ≈ 2 (not 1): with the paired initialisation the first-order term in 1/α "
         "cancels by the ± symmetry of the pairs.",
)

# ------------------------------------------------------------------------------------------------
# infinite horizon
# ------------------------------------------------------------------------------------------------

IH_STOP = 0.3


@functools.lru_cache(maxsize=2)
def _ih_evidence(seed: int, thorough: bool) -> dict:
    ctx = Context(seed=seed, thorough=thorough)
    d = 4
    target = paper_quadratic_target(d, ctx.rng("cb.infinite_horizon", "B"))
    cases = []
    # Dh(w₀) onto (M = d): both flows converge to f*; after T = 60 both risks are ≤ 1e-16·‖f*‖²
    # (measured), and since risks are non-increasing along gradient flows, for t ≥ T the gap is
    # ≤ √risk + √risk_tangent: the sup over t > 0 is the max of the recorded sup and that bound.
    net = paired_init(d, d, 1.0, ctx.rng("cb.infinite_horizon", "U", d))
    alphas = ctx.pick([10.0, 30.0, 100.0, 300.0], [10.0, 30.0, 100.0, 300.0, 1000.0])
    sups = []
    for al in alphas:
        p = lazy_paths(net, target, al, t_max=60.0, n_record=600)
        tail = math.sqrt(p.risk[-1]) + math.sqrt(p.risk_tangent[-1])
        sups.append(max(p.sup_gap, tail) / p.norm_fstar)
    cases.append({"M": d, "onto": True, "alphas": alphas, "sup_gap": sups, "kind": "sup"})
    # Dh(w₀) not onto (M < d): the gap is followed until it first exceeds IH_STOP·‖f*‖ (a lower
    # bound on the sup over t > 0); horizon 20α² + 60 (measured escape time ≈ 0.1α²).
    net = paired_init(d, 2, 1.0, ctx.rng("cb.infinite_horizon", "U", 2))
    alphas = ctx.pick([4.0, 8.0, 16.0, 32.0], [4.0, 8.0, 16.0, 32.0, 64.0])
    lows, t_exit = [], []
    for al in alphas:
        T = 20.0 * al * al + 60.0
        p = lazy_paths(net, target, al, t_eval=np.linspace(0.25, T, int(T / 0.25)), rtol=1e-8,
                       stop_gap=IH_STOP, max_steps=400_000)
        lows.append(p.sup_gap / p.norm_fstar)
        t_exit.append(float(p.times[-1]))
    cases.append({"M": 2, "onto": False, "alphas": alphas, "sup_gap": lows, "kind": "lower bound",
                  "t_exit": t_exit})
    return {"d": d, "cases": cases}


def ih_evidence(ctx: Context) -> dict:
    ctx.progress("flows to convergence (M = d) / until escape (M < d)")
    return _ih_evidence(ctx.seed, ctx.thorough)


def ih_printed(onto: bool) -> float:
    r"""Poster: h(w₀) = 0 and R strongly convex ⇒ :math:`\lim_{\alpha\to\infty}\sup_{t>0}\|\cdot\| = 0`
    (the limit, whatever the rank of Dh(w₀)).
    """
    return 0.0


def ih_corrected(onto: bool) -> float:
    r"""With the hypothesis Chizat–Bach's theorem carries (σ_min(Dh(w₀)ᵀ) > 0, i.e. Dh(w₀) onto
    the space of predictors): limit 0 when onto; no statement otherwise (returned as +∞, skipped).
    """
    return 0.0 if onto else math.inf


def ih_compare(formula, data, ctx: Context) -> Comparison:
    # Onto case: measured sup gap/‖f*‖ 8.9e-5, 9.9e-6, 8.9e-7, 9.9e-8 (α = 10..300, rate 2.0), tail
    # bound ≤ 1e-8; max_final 1e-5 is 100× the final value and far below the perturbation's 0.05.
    # Not-onto case: the lower bound is ≥ 0.3 at every α (stopping threshold), so an error to 0
    # cannot fall at any rate: the printed limit fails there.
    parts, rows, ok, checked = [], [], True, 0
    for c in data["cases"]:
        lim = [float(formula(c["onto"])) for _ in c["alphas"]]
        if not np.all(np.isfinite(lim)):
            continue
        checked += 1
        cmp = _limit_compare(c["alphas"], c["sup_gap"], lim, max_final=1e-5,
                             note=f"M = {c['M']} ({'onto' if c['onto'] else 'not onto'}, {c['kind']})")
        ok = ok and cmp.agrees
        parts.append(cmp)
        rows += [{"M": c["M"], "Dh onto": c["onto"]} | r for r in cmp.table]
    if checked == 0:
        return Comparison(False, "asymptotic", None, None, [], "no case checked")
    return Comparison(ok, "asymptotic", max(p.error for p in parts), parts[0].rate, rows,
                      "; ".join(p.note for p in parts))


claim(
    id="cb.infinite_horizon",
    correction="precise statement",
    source=SRC + ", 'Lazy Training Theorems: Infinite horizon'",
    statement=r"h(w_0) = 0,\ R \text{ strongly convex} \Rightarrow \lim_{\alpha\to\infty}\sup_{t>0}"
              r"\|\alpha h(w_\alpha(t)) - \alpha\bar h(\bar w_\alpha(t))\| = 0",
    method="exact flows, d = 4, population square loss (strongly convex on the quadratic forms): "
           "M = d (Dh(w₀) onto) to convergence with a rigorous tail bound, α = 10..300; M = 2 < d "
           "until the gap first exceeds 0.3‖f*‖, α = 4..32",
    printed=ih_printed,
    evidence=ih_evidence,
    compare=ih_compare,
    corrected=ih_corrected,
    corrected_statement=r"\text{if moreover } Dh(w_0) \text{ is onto } (\sigma_{\min}(Dh(w_0)^\top) > 0"
                        r"\text{; here } M \ge d)\text{, then } \lim_{\alpha\to\infty}\sup_{t>0}"
                        r"\|\alpha h(w_\alpha(t)) - \alpha\bar h(\bar w_\alpha(t))\| = 0",
    note="The poster defers to the paper for precise statements; Chizat–Bach's infinite-horizon "
         "theorem assumes σ_min(Dh(w₀)ᵀ) > 0. Without it (M < d here) the original path escapes "
         "the tangent one at a time growing like α² (measured exit times ≈ 2.5, 7.7, 28, 107 for "
         "α = 4, 8, 16, 32) and ends at the NN value, the tangent one at the NT value.",
)

# ------------------------------------------------------------------------------------------------
# laziness criterion κ
# ------------------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=2)
def _kappa_evidence(seed: int, thorough: bool) -> dict:
    ctx = Context(seed=seed, thorough=thorough)
    d, M = 6, 3
    target = paper_quadratic_target(d, ctx.rng("cb.kappa", "B"))
    runs = []
    for tau in ctx.pick((0.5, 1.0, 2.0), (0.25, 0.5, 1.0, 2.0, 4.0)):
        net = paired_init(d, M, tau, ctx.rng("cb.kappa", "U", tau))
        for al in ctx.pick((1.0, 10.0, 100.0, 1000.0), (1.0, 3.0, 10.0, 30.0, 100.0, 1000.0)):
            r = relative_gap_ratio(net, target, al, t_tilde_max=1.0, n_record=40)
            runs.append({"tau": tau, "alpha": al, "kappa": r["kappa"], "t_tilde": r["t_tilde"],
                         "delta": r["delta"]})
    return {"d": d, "M": M, "runs": runs}


def kappa_evidence(ctx: Context) -> dict:
    ctx.progress("Δ(t) along the flows, κ exactly")
    return _kappa_evidence(ctx.seed, ctx.thorough)


def kappa_printed(t_tilde, kappa_value):
    r"""The bound :math:`\tilde t^2\kappa_h(w_0)` on Δ (constant 1)."""
    return np.asarray(t_tilde, float) ** 2 * kappa_value


def kappa_perturb(f):
    """Tightens the bound by the factor (κ/(1+κ))² < 1, which vanishes as κ → 0."""
    def g(t_tilde, kappa_value):
        return f(t_tilde, kappa_value) * (kappa_value / (1.0 + kappa_value)) ** 2
    return g


#: The "≲" is tested with constant 1: measured max Δ/(t̃²κ) = 0.022 (τ = 0.5, α = 1) over the
#: default runs (0.099 on another draw of U), so C = 1 leaves a factor ≥ 10 (not tuned to pass:
#: the bound is loose here).
KAPPA_C = 1.0


def kappa_compare(formula, data, ctx: Context) -> Comparison:
    rows, sup_ratios, kappas = [], [], []
    for r in data["runs"]:
        b = np.asarray(formula(r["t_tilde"], r["kappa"]), float)
        if not np.all(np.isfinite(b)) or np.any(b <= 0):
            return Comparison(False, "identity", math.inf, None, [], "non-positive bound")
        ratio = float(np.max(r["delta"] / b))
        sup_ratios.append(ratio)
        kappas.append(r["kappa"])
        rows.append({"τ": r["tau"], "α": r["alpha"], "κ": r["kappa"],
                     "max Δ": float(np.max(r["delta"])), "max Δ/bound": ratio})
    # the ratio must not grow as κ → 0 (a rate statement): slope of log(sup ratio) in log κ.
    # Measured slope +1 (Δ ∝ κ² here); a bound off by a power of κ gives a negative slope.
    slope = float(np.polyfit(np.log(kappas), np.log(sup_ratios), 1)[0])
    ok = max(sup_ratios) <= KAPPA_C and slope >= -0.25
    note = (f"max Δ/(t̃²κ) = {max(sup_ratios):.3g} (≤ {KAPPA_C}?), slope of the ratio in κ "
            f"{slope:.2f} (≥ −0.25?)")
    return Comparison(bool(ok), "identity", max(sup_ratios), None, rows, note)


claim(
    id="cb.kappa",
    source=SRC + ", 'When does it occur? A sufficient criterion'",
    statement=r"\Delta \lesssim \tilde t^2\cdot\kappa_h(w_0),\quad \kappa_h(w_0) := "
              r"\frac{\|h(w_0) - y^*\|\,\|D^2h(w_0)\|}{\|Dh(w_0)\|^2},\quad \tilde t = t\|Dh(w_0)\|^2",
    method="κ exactly (‖Dh(w₀)‖ from the exact Jacobian, ‖D²h‖ = 2√3 max|aⱼ|), Δ(t) along exact "
           "flows of the model αh, t̃ ≤ 1, τ ∈ {0.5, 1, 2}, α ∈ {1, 10, 100, 1000} (κ from 7e-4 to "
           "2.7); '≲' read as constant 1 plus 'the ratio does not grow as κ → 0'",
    printed=kappa_printed,
    evidence=kappa_evidence,
    compare=kappa_compare,
    perturb=kappa_perturb,
    note="Holds with room: measured Δ ∝ t̃³κ² here (the paired initialisation cancels the t̃² and "
         "the first power of κ), so the bound is loose by a factor ≈ 10/κ.",
)

# ------------------------------------------------------------------------------------------------
# width
# ------------------------------------------------------------------------------------------------

WIDTH_SCHEDULES = {"α = 1": lambda m: 1.0, "α = m^-1/2": lambda m: m ** -0.5,
                   "α = 1/m": lambda m: 1.0 / m, "α = 10": lambda m: 10.0}


@functools.lru_cache(maxsize=2)
def _width_evidence(seed: int, thorough: bool) -> dict:
    ctx = Context(seed=seed, thorough=thorough)
    d = 8
    target = paper_quadratic_target(d, ctx.rng("cb.width", "B"))
    ms = ctx.pick([8, 32, 128, 512], [8, 32, 128, 512, 2048])
    draws = ctx.pick(3, 6)
    out = {}
    for name, sched in WIDTH_SCHEDULES.items():
        vals = []
        for m in ms:
            ks = [kappa(signed_init(d, m, ctx.rng("cb.width", name, m, k)), target, alpha=sched(m))
                  for k in range(draws)]
            vals.append(float(np.mean(ks)))
        out[name] = vals
    return {"d": d, "ms": ms, "kappa": out, "draws": draws}


def width_evidence(ctx: Context) -> dict:
    ctx.progress("exact κ of wide signed networks")
    return _width_evidence(ctx.seed, ctx.thorough)


def width_printed(m, alpha):
    r""":math:`m^{-1/2} + (\alpha m)^{-1}`."""
    return m ** -0.5 + 1.0 / (alpha * m)


def width_perturb(f):
    """Tightens the rate by a factor m^{-1/2}."""
    def g(m, alpha):
        return f(m, alpha) * m ** -0.5
    return g


#: Constant for '≲': measured max κ/bound 2.55 (α = 1/m) over the default sweep (growth exponents
#: 0.01–0.10); 5 leaves a factor 2 for the draw-to-draw fluctuation of κ (3 draws averaged).
WIDTH_C = 5.0


def width_compare(formula, data, ctx: Context) -> Comparison:
    ms = np.asarray(data["ms"], float)
    rows, ok, worst, notes = [], True, 0.0, []
    for name, sched in WIDTH_SCHEDULES.items():
        k = np.asarray(data["kappa"][name])
        b = np.array([float(formula(m, sched(m))) for m in ms])
        ratio = k / b
        growth = -fit_rate(ms, ratio)        # exponent g in ratio ∝ m^g
        good = bool(np.max(ratio) <= WIDTH_C and growth <= 0.25)
        ok = ok and good
        worst = max(worst, float(np.max(ratio)))
        notes.append(f"{name}: max ratio {np.max(ratio):.2f}, growth m^{growth:.2f}")
        rows += [{"schedule": name, "m": int(m), "κ": float(x), "bound": float(y),
                  "κ/bound": float(r)} for m, x, y, r in zip(ms, k, b, ratio)]
    return Comparison(ok, "asymptotic", worst, None, rows,
                      f"'≲' as κ/bound ≤ {WIDTH_C} and not growing faster than m^0.25; "
                      + "; ".join(notes))


claim(
    id="cb.width",
    source=SRC + ", 'Case 3: Wide neural networks'",
    statement=r"h_m(w) = \alpha\sum_{i=1}^m\phi(\theta_i),\ \mathbb E\phi(\theta_i) = 0 \Rightarrow "
              r"\kappa_{h_m}(w_0) \lesssim m^{-1/2} + (\alpha m)^{-1}",
    method="exact κ (Jacobian SVD, closed-form ‖D²h‖, closed-form ‖h_m(w₀) − f*‖) for "
           "φ(θ) = a⟨w, x⟩², a = ±1, w ~ N(0, I/d), d = 8, m = 8..512, four α schedules, 3 draws",
    printed=width_printed,
    evidence=width_evidence,
    compare=width_compare,
    perturb=width_perturb,
)

# ------------------------------------------------------------------------------------------------
# where training ends
# ------------------------------------------------------------------------------------------------

LL_T = 20.0


@functools.lru_cache(maxsize=2)
def _ll_evidence(seed: int, thorough: bool) -> dict:
    ctx = Context(seed=seed, thorough=thorough)
    d, M = ctx.pick((6, 3), (10, 4))
    target, net = _setup(ctx, "cb.lazy_limit", d, M)
    large = ctx.pick([30.0, 100.0, 300.0, 1000.0], [30.0, 100.0, 300.0, 1000.0, 3000.0])
    small = [0.25, 0.5]   # α = 1 is still mid-way at T = 20 for d = 10 (|error| 6e-3, measured)
    risk = {}
    for al in small + large:
        p = lazy_paths(net, target, al, t_eval=np.array([LL_T]), rtol=1e-9, tangent=False,
                       max_steps=400_000)
        risk[al] = float(p.risk[-1] / target.norm2)
    U = net.W0[:, :M]
    return {"d": d, "M": M, "T": LL_T, "small": small, "large": large, "risk": risk,
            "U": U, "target": target}


def ll_evidence(ctx: Context) -> dict:
    ctx.progress("original flow at the horizon over α")
    return _ll_evidence(ctx.seed, ctx.thorough)


def ll_printed(U, target, M) -> dict:
    r"""Normalised limits: 'lazy' = the linearised model's risk :math:`R_{NT,M}(f_*)/\|f_*\|^2`
    (eq. (7) → class (3) with the M neurons U, eq. (4)); 'rich' = Theorem 3's
    :math:`2\sum_{i>M}\lambda_i(B)^2/\|f_*\|^2`.
    """
    return {"lazy": nt_risk_quadratic(U, target) / target.norm2,
            "rich": nn_risk_quadratic(target, M) / target.norm2}


def ll_compare(formula, data, ctx: Context) -> Comparison:
    lim = formula(data["U"], data["target"], data["M"])
    # lazy side: measured |risk − NT| = 2.6e-2, 2.4e-3, 2.7e-4, 2.4e-5 for α = 30..1000 (rate 1.99);
    # max_final 3e-4 is 12× the last value and far below the perturbation (≥ 0.05).
    big = _limit_compare(data["large"], [data["risk"][a] for a in data["large"]],
                         lim["lazy"], max_final=3e-4, note="lazy side, risk(T) → NT value")
    # rich side: at α ≤ 1/2 the flow has converged by T = 20 (measured |risk − NN| = 1.3e-7, 1.9e-7
    # for α = 1/4, 1/2 at d = 6; 1.1e-6, 1.7e-6 at d = 10 (thorough)); tolerance 1e-5 covers the
    # convergence residual, far below the perturbation's ≥ 0.05.
    err_small = [float(abs(data["risk"][a] - lim["rich"])) for a in data["small"]]
    small_ok = max(err_small) <= 1e-5
    rows = [{"side": "lazy"} | r for r in big.table] + [
        {"side": "rich", "α": a, "measured": data["risk"][a], "limit": lim["rich"], "|error|": e}
        for a, e in zip(data["small"], err_small)]
    return Comparison(bool(big.agrees and small_ok), "asymptotic", max(big.error, max(err_small)),
                      big.rate, rows, f"{big.note}; rich side max |error| {max(err_small):.2g} "
                      f"(≤ 1e-5?)")


claim(
    id="cb.lazy_limit",
    source="paper §1.2 eq. (7) with the Chizat–Bach scale α (their poster: 'Lazy Training'); "
           "Theorem 3 for the non-lazy end",
    statement=r"f(x;\theta)\approx f(x;\theta_0) + \beta^\top\nabla_\theta f(x;\theta_0)\approx"
              r"\beta^\top\nabla_\theta f(x;\theta_0):\ \ \lim_{\alpha\to\infty}"
              r"\|\alpha h(w_\alpha(T)) - f_*\|^2 = R_{\mathrm{NT},M}(f_*),\ \ "
              r"\text{small }\alpha:\ \|\alpha h(w_\alpha(T)) - f_*\|^2 = 2\sum_{i>M}\lambda_i(B)^2",
    method="exact flow of F = R(αh)/α² (paired quadratic network, h(w₀) = 0, d = 6, M = 3, "
           "τ = 1) to T = 20; risk vs the exact NT risk of the linearised class (lazysym.nt) for "
           "α = 30..1000 and vs the NN value (lazysym.nn) for α ∈ {1/4, 1/2}",
    printed=ll_printed,
    evidence=ll_evidence,
    compare=ll_compare,
    note="At a fixed horizon. With T → ∞ at fixed α the network eventually leaves the lazy "
         "regime (cb.infinite_horizon): laziness here is an early-stopping statement.",
)

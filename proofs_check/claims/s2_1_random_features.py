r"""Claims of §2.1 (random features on quadratic targets): Theorem 1 (eqs. (9)–(11)), the remarks
after (11), Corollary 1 (eq. (12)) and the RF row of eq. (13).

Evidence is the exact finite-d population RF risk (:mod:`lazysym.rf.exact`: a least-squares
projection with closed-form or certified Hermite-series kernels, no sampling) for W with i.i.d.
N(0, Γ) columns, at growing d with N = ρd; it never sees the formula. The ρ → ∞ limit (11) is
checked against the ρ → ∞ behaviour of Theorem 1's eq. (10) (itself checked by ``thm1.eq10``)
and, for odd σ, against the exact finite-d risk.

Helpers used by the other RF claim modules (``s3_1_random_features``, ``poster_rf``) live here.
"""

from __future__ import annotations

import numpy as np

from lazysym import rf
from lazysym.objects.models import QuadraticTarget, paper_quadratic_target
from lazysym.rf.exact import rf_solve
from proofs_check.registry import Comparison, claim
from proofs_check.evidence.legacy import compare_asymptotic, compare_symbolic, compare_values

# ---------------------------------------------------------------------------------------------
# sizes and tolerances
# ---------------------------------------------------------------------------------------------


def sizes(ctx, *, fluctuating: bool = False):
    """Dimensions and number of W draws: quick by default, larger under ``--thorough``.

    ``fluctuating=True`` (σ with λ₁ ≠ 0): the finite-d risk then fluctuates by O(d^{-1/2}) from
    draw to draw (the Wishart part λ₁²WᵀW of the kernel; measured std ≈ 0.2/√d for centred
    ReLU at d = 100…800), so d grows by factors of 4 (the expected error halves per step, well
    above the noise of a mean over 8 draws) and more draws are taken.
    """
    if fluctuating:
        return ctx.pick((25, 100, 400), (50, 200, 800)), ctx.pick(8, 12)
    return ctx.pick((50, 100, 200, 400), (100, 200, 400, 800)), ctx.pick(3, 6)


def final_tolerance(ds, rho: float, *, fluctuating: bool = False) -> float:
    r"""Largest mean |exact − formula| accepted at the largest d, for a case with ratio ρ.

    ``(4ρ + 1)/d``: the leading finite-d correction is O(ρ/d) — N = ρd random features span a
    fraction ≈ N/(d(d+1)/2) ≈ 2ρ/d of the quadratic functions, and capture that fraction of
    the part of f* the asymptotic formula says they miss. Measured (seed 0, 3 draws,
    d = 100…400): d·|error| ≤ 1.9 for ρ ∈ {0.5, 1, 2} with Γ ∝ B, two-level, isotropic
    (Corollary 1, eq. (13)), and 3.9 ≈ 2ρ for the Tr B = 0 target at ρ = 2, where the whole
    of f* is missed. The tolerance is 2× the 2ρ/d term plus 1/d (0.0225 at ρ = 2, d = 400),
    below the ≥ 0.05 shift of a perturbed formula.

    ``fluctuating=True`` adds the CLT-type term ``0.4/√d``: for σ with λ₁ ≠ 0 the draw-to-draw
    standard deviation measured ≈ 0.2/√d (centred ReLU, d = 100…800, 4 draws each), and the
    mean |error| of a centred fluctuation is ≈ 0.8·std; 0.4/√d is 2.5× that.
    """
    d = max(ds)
    return (4.0 * rho + 1.0) / d + (0.4 / np.sqrt(d) if fluctuating else 0.0)


# ---------------------------------------------------------------------------------------------
# instances (deterministic in d; only W is random)
# ---------------------------------------------------------------------------------------------

def b_profile(d: int) -> np.ndarray:
    """B = diag(0.5 + (k + 1/2)/d), k < d: spectrum uniform on [0.5, 1.5] (B ⪰ 0, Tr B = d)."""
    return np.diag(0.5 + (np.arange(d) + 0.5) / d)


def b_rotated(d: int, ctx) -> np.ndarray:
    """Q·b_profile·Qᵀ with a Haar-like rotation Q fixed by (seed, d): a non-diagonal target."""
    Q, R = np.linalg.qr(ctx.rng("rf.B-rotation", d).standard_normal((d, d)))
    Q = Q * np.sign(np.diag(R))[None, :]
    return Q @ b_profile(d) @ Q.T


def b_trace_zero(d: int) -> np.ndarray:
    """B = diag(b_k·s_k) with alternating signs s_k = ±1 on pairs of equal b_k: Tr B = 0 exactly."""
    half = (np.arange(d) // 2 + 0.5) / ((d + 1) // 2)
    s = np.where(np.arange(d) % 2 == 0, 1.0, -1.0)
    if d % 2:
        s[-1] = 0.0
    return np.diag((0.5 + half) * s)


def gamma_iso(d: int) -> np.ndarray:
    """Γ = I/d (isotropic; Tr Γ = 1)."""
    return np.eye(d) / d


def gamma_two_level(d: int, Sigma=None) -> np.ndarray:
    """Γ ∝ diag(0.4 on the first half, 1.6 on the second), normalised by Tr Γ = 1 (A2) or,
    with ``Sigma``, by Tr(ΓΣ) = 1 (B2). Anisotropic and partially aligned with :func:`b_profile`.
    """
    g = np.where(np.arange(d) < d // 2, 0.4, 1.6)
    G = np.diag(g)
    norm = np.trace(G) if Sigma is None else float(np.sum(G * Sigma))
    return G / norm


def gamma_aligned(B: np.ndarray) -> np.ndarray:
    """Γ = B/Tr B (the optimal Γ* ∝ B of §1.1, for B ⪰ 0)."""
    return B / np.trace(B)


def psd_sqrt(G: np.ndarray) -> np.ndarray:
    """Symmetric square root of a PSD matrix (diagonal fast path)."""
    if np.count_nonzero(G - np.diag(np.diag(G))) == 0:
        return np.diag(np.sqrt(np.maximum(np.diag(G), 0.0)))
    ev, V = np.linalg.eigh(G)
    return (V * np.sqrt(np.maximum(ev, 0.0))) @ V.T


def draw_w(G: np.ndarray, N: int, rng) -> np.ndarray:
    """W ∈ R^{d×N} with i.i.d. N(0, Γ) columns."""
    d = G.shape[0]
    return psd_sqrt(G) @ rng.standard_normal((d, N))


# ---------------------------------------------------------------------------------------------
# sweeps: exact finite-d risks over d (evidence) and their comparison with a formula
# ---------------------------------------------------------------------------------------------

def sweep(ctx, cid: str, cases: list[dict], model_of, gamma_of, *,
          fluctuating: bool = False) -> dict:
    r"""Exact normalised RF risks for each case at each d, ``draws`` independent W per d.

    ``cases`` are dicts with ``label``, ``rho``, ``activation`` and whatever ``model_of(case, d,
    ctx)`` / ``gamma_of(case, d, model)`` need. The result stores, per case, the model and Γ at
    each d (the formula is evaluated there) and the exact risks (never the formula).
    """
    ds, draws = sizes(ctx, fluctuating=fluctuating)
    out = []
    for case in cases:
        models, gammas, exact = [], [], []
        for d in ds:
            model = model_of(case, d, ctx)
            G = gamma_of(case, d, model)
            N = max(1, int(round(case["rho"] * d)))
            vals = []
            for k in range(draws):
                W = draw_w(G, N, ctx.rng(cid, case["label"], d, k))
                vals.append(rf_solve(W, model, case["activation"]).normalized_risk)
            ctx.progress(f"{cid}: {case['label']} d={d} done")
            models.append(model)
            gammas.append(G)
            exact.append(np.array(vals))
        out.append({**case, "models": models, "gammas": gammas, "exact": exact})
    return {"ds": list(ds), "cases": out, "fluctuating": fluctuating}


def compare_sweep(formula, data, ctx, call, *, note: str = "") -> Comparison:
    r"""``call(formula, case, model, Gamma, ctx)`` at every (case, d) against the exact risks.

    Verdict: :func:`~proofs_check.registry.compare_asymptotic` on the errors pooled over the
    cases (one mean |error| per d: fitted rate ≥ MIN_RATE, falling at the last step, final error
    ≤ the largest case tolerance), **and** every case's own final mean error ≤ its
    :func:`final_tolerance` (so a formula wrong in a single case cannot hide in the pool). The table has the pooled rows
    and one row per (case, d).
    """
    ds = data["ds"]
    fl = data.get("fluctuating", False)
    tol = max(final_tolerance(ds, c["rho"], fluctuating=fl) for c in data["cases"])
    pooled_ex = [[] for _ in ds]
    pooled_fo = [[] for _ in ds]
    rows, bad = [], []
    for case in data["cases"]:
        for i, d in enumerate(ds):
            f = float(call(formula, case, case["models"][i], case["gammas"][i], ctx))
            ex = case["exact"][i]
            pooled_ex[i].extend(ex.tolist())
            pooled_fo[i].extend([f] * ex.size)
            err = float(np.mean(np.abs(ex - f)))
            rows.append({"case": case["label"], "rho": case["rho"], "d": d,
                         "exact (mean)": float(np.mean(ex)), "spread (std)": float(np.std(ex)),
                         "formula": f, "|error| (mean)": err})
            if not np.isfinite(f):
                bad.append(f"{case['label']}: non-finite formula value")
            elif i == len(ds) - 1 and err > final_tolerance(ds, case["rho"], fluctuating=fl):
                bad.append(f"{case['label']}: final error {err:.3g} > "
                           f"{final_tolerance(ds, case['rho'], fluctuating=fl):.3g}")
    comp = compare_asymptotic(ds, pooled_ex, pooled_fo, max_final=tol, note=note)
    agrees = comp.agrees and not bad
    why = "; ".join(x for x in [comp.note] + bad if x)
    return Comparison(agrees, comp.kind, comp.error, comp.rate, comp.table + rows, why)


def qf_model(case, d, ctx):
    """A centred QuadraticTarget from ``case['B']`` ∈ {"profile", "rotated", "trace0", "paper"}."""
    kind = case.get("B", "profile")
    if kind == "profile":
        B = b_profile(d)
    elif kind == "rotated":
        B = b_rotated(d, ctx)
    elif kind == "trace0":
        B = b_trace_zero(d)
    elif kind == "paper":
        return paper_quadratic_target(d, ctx.rng("rf.paper-B", d))
    else:  # pragma: no cover - programming error in a case table
        raise ValueError(kind)
    return QuadraticTarget(B)


def qf_gamma(case, d, target):
    """Γ from ``case['Gamma']`` ∈ {"iso", "two-level", "aligned"}."""
    kind = case.get("Gamma", "iso")
    if kind == "iso":
        return gamma_iso(d)
    if kind == "two-level":
        return gamma_two_level(d)
    if kind == "aligned":
        return gamma_aligned(target.B)
    raise ValueError(kind)  # pragma: no cover


# ---------------------------------------------------------------------------------------------
# ρ → ∞ limits: evidence from the ρ-sequence of the verified finite-ρ formula + exact odd-σ risks
# ---------------------------------------------------------------------------------------------

#: ρ values for the ρ → ∞ sequences of eqs. (10)/(15).
RHO_SEQUENCE = (1e1, 1e2, 1e3, 1e4, 1e5, 1e6)
#: Final tolerance of a ρ → ∞ sequence at ρ = 1e6. By psi_bounds, ψ ≥ ρ/E[σ²]; with
#: d‖Γ‖²_F ≥ (Tr Γ)² = 1 the gap (10) − (11) = cos²·2/(2 + ψλ₂²d‖Γ‖²_F) ≤ 2E[σ²]/(ρλ₂²), and
#: with ζ₁ ≥ 1/2 the gap (15) − (16) = ζ₂/((1 + λ₂²ψ(ζ₁+ζ₂))(ζ₁+ζ₂)) obeys the same bound.
#: For x² − 1 (E σ² = 2, λ₂² = 4) it is 1e-6, for centred ReLU (E σ² = 1/2 − 1/(2π),
#: λ₂² = 1/(2π)) 4.3e-6 at ρ = 1e6; 1e-4 is 20× the larger.
RHO_LIMIT_TOL = 1e-4
#: Exact finite-d risks of odd activations are 1 up to the float64 round-off of the projection
#: (rf_exact's error bound is ≲ 1e-12 at these sizes): 1e-9 relative.
ODD_RTOL = 1e-9


def limit_evidence(ctx, cid, cases, finite_rho_formula, model_of, gamma_of, *, odd_ds=(40, 80)):
    r"""Evidence for a ρ → ∞ limit.

    For each case: the values of the finite-ρ formula ``finite_rho_formula(model, Γ, ρ, σ)``
    (eq. (10) or (15), checked against exact risks by their own claims) along
    :data:`RHO_SEQUENCE` at d = 200; and, for activations with λ₂ = 0, exact finite-d risks at
    d ∈ ``odd_ds`` and ρ ∈ {1, 4} (odd features are L²-orthogonal to the even target, so these
    are 1 at every size — the limit is then known from finite d without any formula).
    """
    d = 200
    out = []
    for case in cases:
        model = model_of(case, d, ctx)
        G = gamma_of(case, d, model)
        herm = rf.hermite_data(case["activation"], dps=ctx.dps)
        seq = [float(finite_rho_formula(model, G, r, case["activation"], ctx.dps))
               for r in RHO_SEQUENCE]
        exact = []
        if herm["lambda2_is_zero"]:
            for dd in odd_ds:
                m2 = model_of(case, dd, ctx)
                G2 = gamma_of(case, dd, m2)
                for rho in (1, 4):
                    W = draw_w(G2, rho * dd, ctx.rng(cid, case["label"], dd, rho))
                    exact.append({"d": dd, "rho": rho,
                                  "risk": rf_solve(W, m2, case["activation"]).normalized_risk})
        ctx.progress(f"{cid}: {case['label']} done")
        out.append({**case, "model": model, "gamma": G, "sequence": seq, "exact": exact,
                    "lambda2_is_zero": herm["lambda2_is_zero"]})
    return {"d": d, "rhos": list(RHO_SEQUENCE), "cases": out}


def compare_limit(formula, data, ctx, call) -> Comparison:
    """``call(formula, case, model, Γ, ctx)`` (the claimed limit) against each case's evidence:
    the ρ-sequence must converge to it (compare_asymptotic over ρ, final error ≤
    :data:`RHO_LIMIT_TOL`) and, for λ₂ = 0, the exact finite-d risks must equal it
    (:data:`ODD_RTOL`).
    """
    rows, ok, notes, errs = [], True, [], []
    for case in data["cases"]:
        f = float(call(formula, case, case["model"], case["gamma"], ctx))
        c = compare_asymptotic(data["rhos"], [[v] for v in case["sequence"]],
                               [f] * len(data["rhos"]), max_final=RHO_LIMIT_TOL)
        for r in c.table:
            rows.append({"case": case["label"], "rho": r["d"], "eq. (10)/(15) at rho": r["exact (mean)"],
                         "claimed limit": f, "|error|": r["|error| (mean)"]})
        errs.append(c.error if c.error is not None else np.inf)
        if not c.agrees:
            ok = False
            notes.append(f"{case['label']}: rho-sequence does not converge to it ({c.note})")
        if case["exact"]:
            vals = [e["risk"] for e in case["exact"]]
            cv = compare_values([f] * len(vals), vals, rtol=ODD_RTOL)
            for e in case["exact"]:
                rows.append({"case": case["label"], "rho": e["rho"], "d": e["d"],
                             "exact finite-d risk": e["risk"], "claimed limit": f})
            if not cv.agrees:
                ok = False
                notes.append(f"{case['label']}: exact finite-d risks are {vals[0]:.12g}, not {f:.6g}")
    return Comparison(ok, "asymptotic", float(max(errs)), None, rows, "; ".join(notes))


# ---------------------------------------------------------------------------------------------
# claims
# ---------------------------------------------------------------------------------------------

def _thm1_call(formula, case, target, G, ctx):
    return formula(target, G, case["rho"], case["activation"], ctx.dps)


def _thm1_printed(target, Gamma, rho, activation, dps=30):
    """Eq. (10) as printed (normalised): lazysym.rf.theorem1_risk."""
    return rf.theorem1_risk(target, Gamma, rho, activation, dps=dps)


THM1_CASES = [
    {"label": "relu_centered, two-level Γ", "activation": "relu_centered", "Gamma": "two-level",
     "rho": 1.0},
    {"label": "x²+x−1, Γ ∝ B (rotated B)", "activation": "x**2 + x - 1", "Gamma": "aligned",
     "B": "rotated", "rho": 1.0},
    {"label": "tanh (odd), two-level Γ", "activation": "tanh", "Gamma": "two-level", "rho": 0.5},
]


def _act(name):
    """rf_exact's closed-form name for x² − 1; an Activation object otherwise (names of
    lazysym.objects.activations or an expression in x), used by both the evidence and the formula.
    """
    from lazysym.objects.activations import activation, from_expr
    if name == "x^2-1":
        return name
    try:
        return activation(name)
    except Exception:  # noqa: BLE001 - not a registered name: an expression
        return from_expr(name, name.replace(" ", ""))


def _resolved(cases):
    return [{**c, "activation": _act(c["activation"])} for c in cases]


claim(
    id="thm1.eq10",
    source="§2.1, Theorem 1, eq. (10) (with ψ from eq. (9))",
    statement=r"R_{\mathrm{RF},N}(f_*) = \|f_*\|_{L_2}^2 \left( 1 - \frac{\psi \lambda_2^2 d "
              r"\langle \boldsymbol{\Gamma}, \mathbf{B} \rangle^2}{\|\mathbf{B}\|_F^2 (2 + \psi "
              r"\lambda_2^2 d \|\boldsymbol{\Gamma}\|_F^2)} + o_{d,\mathbb{P}}(1) \right)",
    method="exact finite-d population RF risk (rf_exact, no sampling) for W with i.i.d. N(0, Γ) "
           "columns, d ∈ {25,100,400} (thorough: {50,200,800}), 8 draws (thorough 12), against "
           "eq. (10) with ψ solved from eq. (9) on the ESD of d·Γ; cases: centred ReLU with a "
           "two-level Γ (λ₁ ≠ 0, ψ non-trivial), σ = x² + x − 1 with Γ ∝ B and a rotated "
           "(non-diagonal) B, tanh (odd: λ₂ = 0, eq. (10) = 1)",
    printed=_thm1_printed,
    evidence=lambda ctx: sweep(ctx, "thm1.eq10", _resolved(THM1_CASES), qf_model, qf_gamma,
                               fluctuating=True),
    compare=lambda f, data, ctx: compare_sweep(f, data, ctx, _thm1_call),
)


def _eq11_printed(target, Gamma, activation=None, dps=30):
    """Eq. (11) as printed (no dependence on σ): lazysym.rf.theorem1_limit."""
    return rf.theorem1_limit(target, Gamma, dps=dps)


def _eq11_corrected(target, Gamma, activation, dps=30):
    """ρ → ∞ limit of eq. (10): eq. (11) if λ₂ ≠ 0, else 1."""
    return rf.theorem1_limit_corrected(target, Gamma, activation, dps=dps)


def _limit_call(formula, case, model, G, ctx):
    return formula(model, G, case["activation"], ctx.dps)


def _eq10_for_limit(model, G, rho, act, dps):
    return rf.theorem1_risk(model, G, rho, act, dps=dps)


EQ11_CASES = [
    {"label": "x²−1, two-level Γ", "activation": "x^2-1", "Gamma": "two-level"},
    {"label": "relu_centered, Γ ∝ B", "activation": "relu_centered", "Gamma": "aligned"},
    {"label": "tanh (odd), two-level Γ", "activation": "tanh", "Gamma": "two-level"},
]

claim(
    id="thm1.eq11",
    correction="hypothesis",
    hypothesis="λ₂ ≠ 0 (not implied by A1: odd σ have λ₂ = 0)",
    source="§2.1, Theorem 1, eq. (11)",
    statement=r"\lim_{\rho \to \infty} \lim_{d \to \infty, N/d \to \rho} \frac{R_{\mathrm{RF},N}(f_*)}"
              r"{\|f_*\|_{L_2}^2} = \lim_{d \to \infty} \left( 1 - \frac{\langle \boldsymbol{\Gamma}, "
              r"\mathbf{B} \rangle^2}{\|\boldsymbol{\Gamma}\|_F^2 \|\mathbf{B}\|_F^2} \right)",
    method="the inner limit is eq. (10) (checked by thm1.eq10); ψ → ∞ as ρ → ∞ by the bounds "
           "ρ/E[σ²] ≤ ψ ≤ ρ/λ̃ from eq. (9) (lazysym.rf.psi_bounds); evidence = eq. (10) along "
           "ρ = 10¹…10⁶ at d = 200 for x² − 1, centred ReLU and tanh, plus, for tanh (λ₂ = 0), "
           "the exact finite-d risk at d ∈ {40, 80}, ρ ∈ {1, 4} (= 1: odd features are "
           "orthogonal to the even f*)",
    printed=_eq11_printed,
    evidence=lambda ctx: limit_evidence(ctx, "thm1.eq11", _resolved(EQ11_CASES), _eq10_for_limit,
                                        qf_model, qf_gamma),
    compare=lambda f, data, ctx: compare_limit(f, data, ctx, _limit_call),
    corrected=_eq11_corrected,
    corrected_statement=r"\lim_{\rho\to\infty}\lim_{d\to\infty}\frac{R_{\mathrm{RF},N}(f_*)}"
                        r"{\|f_*\|^2} = \lim_{d\to\infty}\Big(1 - \frac{\langle\Gamma,B\rangle^2}"
                        r"{\|\Gamma\|_F^2\|B\|_F^2}\Big) \text{ if } \lambda_2 \neq 0, "
                        r"\quad = 1 \text{ if } \lambda_2 = 0 \text{ (e.g. odd } \sigma)",
    note="(11) needs λ₂ ≠ 0, which A1 does not imply: for odd σ (tanh, erf) the RF risk is "
         "‖f*‖² at every N, d.",
)


claim(
    id="thm1.isotropic",
    source="§2.1, remark after eq. (11)",
    statement=r"\text{For isotropic random features, the right-hand side of (11) reduces to } "
              r"1 - \mathrm{Tr}(\mathbf{B})^2 / (d \|\mathbf{B}\|_F^2)",
    method="SymPy: eq. (11) with Γ = I/d, the trace invariants ⟨Γ,B⟩ = Tr B/d and "
           "‖Γ‖²_F = 1/d computed from matrix expressions (MatrixSymbol B), simplified and "
           "compared exactly",
    printed=rf.isotropic_remark_expr,
    evidence=lambda ctx: rf.derive_isotropic_limit(),
    compare=lambda f, data, ctx: compare_symbolic(f(), data),
)


def _trace_zero_printed(target, Gamma, rho, activation, dps=30):
    """The remark: RF is no better than f = 0, i.e. R_RF/‖f*‖² = 1."""
    return 1.0


THM1_TRACE0_CASES = [
    {"label": "x²−1, ρ=2", "activation": "x^2-1", "B": "trace0", "rho": 2.0},
    {"label": "relu_centered, ρ=1", "activation": "relu_centered", "B": "trace0", "rho": 1.0},
]

claim(
    id="thm1.trace_zero",
    source="§2.1, remark after eq. (11)",
    statement=r"\text{(isotropic features) RF is no better than the trivial predictor } "
              r"f(\mathbf{x}) = 0 \text{ if } \mathrm{Tr}(\mathbf{B}) = 0:\ "
              r"R_{\mathrm{RF},N}(f_*)/\|f_*\|_{L_2}^2 \to 1",
    method="exact finite-d RF risk with Γ = I/d and an indefinite diagonal B with Tr B = 0 "
           "exactly, σ = x² − 1 (ρ = 2) and centred ReLU (ρ = 1), d ∈ {50,…,400}, 3 draws, "
           "against the constant 1",
    printed=_trace_zero_printed,
    evidence=lambda ctx: sweep(ctx, "thm1.trace_zero", _resolved(THM1_TRACE0_CASES), qf_model,
                               qf_gamma),
    compare=lambda f, data, ctx: compare_sweep(f, data, ctx, _thm1_call),
)


def _cor1_printed(target, Gamma, rho, dps=30):
    """Eq. (12) as printed: lazysym.rf.corollary1_risk."""
    return rf.corollary1_risk(target, Gamma, rho, dps=dps)


def _cor1_call(formula, case, target, G, ctx):
    return formula(target, G, case["rho"], ctx.dps)


COR1_CASES = [
    {"label": "two-level Γ, ρ=0.5", "activation": "x^2-1", "Gamma": "two-level", "rho": 0.5},
    {"label": "Γ ∝ B, ρ=2", "activation": "x^2-1", "Gamma": "aligned", "rho": 2.0},
    {"label": "isotropic, rotated B, ρ=1", "activation": "x^2-1", "Gamma": "iso", "B": "rotated",
     "rho": 1.0},
]

claim(
    id="cor1.eq12",
    source="§2.1, Corollary 1, eq. (12)",
    statement=r"R_{\mathrm{RF},N}(f_*) = \|f_*\|_{L_2}^2 \left( 1 - \frac{\rho d \langle \mathbf{B}, "
              r"\mathbf{\Gamma} \rangle^2}{\|\mathbf{B}\|_F^2 (1 + \rho d \|\mathbf{\Gamma}\|_F^2)} "
              r"+ o_{d,\mathbb{P}}(1) \right)",
    method="exact finite-d RF risk for σ = x² − 1 (Isserlis kernel), d ∈ {50,…,400} (thorough "
           "to 800), 3 draws, two-level Γ (ρ = 0.5), Γ ∝ B (ρ = 2), isotropic Γ with a rotated "
           "B (ρ = 1); the symbolic link (12) ⇐ (10) is lazysym.rf.derive_corollary1 (tests)",
    printed=_cor1_printed,
    evidence=lambda ctx: sweep(ctx, "cor1.eq12", COR1_CASES, qf_model, qf_gamma),
    compare=lambda f, data, ctx: compare_sweep(f, data, ctx, _cor1_call),
)


def _eq13_printed(target, rho, dps=30):
    """Eq. (13), RF row, as printed: lazysym.rf.eq13_rf_risk."""
    return rf.eq13_rf_risk(target, rho, dps=dps)


def _eq13_call(formula, case, target, G, ctx):
    return formula(target, case["rho"], ctx.dps)


EQ13_CASES = [
    {"label": "paper B (Exp(1) diagonal), ρ=0.5", "activation": "x^2-1", "B": "paper", "rho": 0.5},
    {"label": "paper B (Exp(1) diagonal), ρ=2", "activation": "x^2-1", "B": "paper", "rho": 2.0},
]

claim(
    id="eq13.rf",
    source="§2.3, eq. (13), RF row",
    statement=r"\frac{R_{\mathrm{RF},N}(f_*)}{\|f_*\|_{L_2}^2} \approx 1 - \frac{\rho}{1 + \rho} "
              r"\frac{\mathrm{Tr}(\mathbf{B})^2}{d\|\mathbf{B}\|_F^2}",
    method="exact finite-d RF risk for σ = x² − 1, w_i ~ N(0, I/d), the paper's §4 target "
           "(B diagonal with i.i.d. Exp(1) entries, redrawn per d), ρ ∈ {0.5, 2}, "
           "d ∈ {50,…,400}, 3 draws; the symbolic link (13) ⇐ (12) is "
           "lazysym.rf.derive_eq13_rf (tests)",
    printed=_eq13_printed,
    evidence=lambda ctx: sweep(ctx, "eq13.rf", EQ13_CASES, qf_model, qf_gamma),
    compare=lambda f, data, ctx: compare_sweep(f, data, ctx, _eq13_call),
)

r"""The paper's poster, "How General are these Phenomena?" (Figure 3; also §4 of the paper):
"See Figure 3 for fitting a quadratic function with ReLu activation. In particular, the positive gap
between NN and NT is still present for N < d."

* ``poster.relu_gap`` — NN (ReLU network, all layers trained by one-pass SGD) has a smaller risk
  than NT (class (3) with σ = relu) for N < d on the §4 quadratic target.
  Evidence (:func:`lazysym.compare.relu_gap.relu_gap_experiment` with ``certify=True``): per N and
  per seed, a network trained by SGD and a draw W ~ N(0, I/d); arb balls containing the *exact*
  population risk of that network (an upper bound on R_NN,N: the network is one member of the
  class) and the *exact* population NT risk at W (:mod:`lazysym.compare.relu_exact`, closed-form
  Gram matrices). The gap is present at N when, for *every* seed, NT's ball lies entirely above
  the network's — then R_NN,N ≤ R(f̂) < R_NT,N(W) is proved for those draws (strength
  ``certified``). The Monte Carlo test errors (least-squares NT on samples, CLT bars) are shown
  beside them. Sizes: d = 20, N ∈ {6, 10} by default (Figure 3 has d = 450; the thorough run uses
  d = 30, N ∈ {10, 20}: the NT ball solve has order Nd + 1).
"""

from __future__ import annotations

import functools

import numpy as np

from lazysym.compare.relu_gap import relu_gap_experiment
from lazysym.objects.models import paper_quadratic_target
from proofs_check.evidence.decisions import ALPHA_CLAIM, z_quantile
from proofs_check.registry import Comparison, Context, Mutant, claim

#: N = 4 was dropped: with 4 ReLU neurons one-pass SGD occasionally ends at a poor point (4 of
#: 50 seeds had a run with z < 4.2, one with R_NN > R_NT): an optimisation failure, see the note.
SEEDS, NS = 3, (6, 10)
#: Shown beside the certified comparison (it does not decide): the z-score of the Monte Carlo
#: test errors, against the Bonferroni level ALPHA_CLAIM/(seeds·|Ns|) of a one-sided normal test.
Z_SIGMA = z_quantile(ALPHA_CLAIM / (SEEDS * len(NS)))
#: Correct digits of the risk balls (the gaps are ≥ 0.2 of ‖f*‖²: a few digits would do).
DPS = 20
#: Consistency of the certified numbers with independent evidence (both must hold, else the
#: claim is inconclusive): (i) the trained network's exact risk against its Monte Carlo test
#: error on fresh samples, two-sided z-test at ALPHA_CLAIM/(2·seeds·|Ns|) (measured over seeds
#: 0–3 of the default run: |z| ≤ 2.0); (ii) the least-squares NT fit's test error is not below the
#: exact NT risk (the population optimum of its class) beyond Z_CONSIST standard errors;
#: (iii) the balls' midpoints agree with the float64 implementation of the same closed forms to
#: FLOAT_RTOL (round-off of order-(Nd + 1) float64 solves is ~1e-13 here).
Z_CONSIST = z_quantile(ALPHA_CLAIM / (4 * SEEDS * len(NS)))
FLOAT_RTOL = 1e-9


@functools.lru_cache(maxsize=2)
def _evidence(seed: int, thorough: bool) -> dict:
    ctx = Context(seed=seed, thorough=thorough)
    d = ctx.pick(20, 30)
    Ns = ctx.pick(list(NS), [10, 20])
    target = paper_quadratic_target(d, ctx.rng("poster.relu_gap", "B", d))
    res = relu_gap_experiment(target, Ns, seeds=ctx.pick(SEEDS, 4), sgd_steps=ctx.pick(2000, 8000),
                              n_test=ctx.pick(10000, 50000), rng_key=seed, step=0.05, decay=1.0,
                              certify=True, dps=DPS)
    cases = []
    for N in Ns:
        nn, nt = np.array(res.nn[N]), np.array(res.nt[N])
        se = np.hypot(res.nn_se[N], res.nt_se[N])
        z = (nt - nn) / se
        nn_mid = np.array([m for m, _ in res.nn_ball[N]])
        nt_mid = np.array([m for m, _ in res.nt_ball[N]])
        z_nn = (nn - nn_mid) / np.array(res.nn_se[N])
        z_nt = (nt - nt_mid) / np.array(res.nt_se[N])
        float_dev = float(max(np.max(np.abs(nn_mid - np.array(res.nn_float[N]))),
                              np.max(np.abs(nt_mid - np.array(res.nt_float[N])))))
        cases.append({"N": N, "d": d, "NN": nn.tolist(), "NT": nt.tolist(), "z": z.tolist(),
                      "NN exact": res.nn_ball[N], "NT exact": res.nt_ball[N],
                      "certified": res.gap_certified[N],
                      "z_nn_exact": z_nn.tolist(), "z_nt_exact": z_nt.tolist(),
                      "float_dev": float_dev,
                      "gap_present": bool(all(res.gap_certified[N]))})
    return {"d": d, "cases": cases, "summary": res.summary(), "settings": res.settings,
            "wall": res.wall}


def evidence(ctx: Context) -> dict:
    """The evidence (cached per seed and size; see the module docstring)."""
    ctx.progress("ReLU NN by SGD and NT by least squares, test errors")
    return _evidence(ctx.seed, ctx.thorough)


def printed(N: int, d: int) -> bool:
    """Poster: with ReLU activation the gap NN < NT is present for N < d."""
    return N < d


def compare(formula, data, ctx: Context) -> Comparison:
    """The acceptance rule (module docstring)."""
    rows, ok = [], True
    summ = {r["N"]: r for r in data["summary"]}
    nn_mc = all(abs(z) <= Z_CONSIST for c in data["cases"] for z in c["z_nn_exact"])
    nt_mc = all(z >= -Z_CONSIST for c in data["cases"] for z in c["z_nt_exact"])
    flt = all(c["float_dev"] <= FLOAT_RTOL for c in data["cases"])
    for c in data["cases"]:
        said = bool(formula(c["N"], c["d"]))
        ok = ok and (said == c["gap_present"])
        s = summ[c["N"]]
        nn_hi = max(m + r for m, r in c["NN exact"])
        nt_lo = min(m - r for m, r in c["NT exact"])
        rows.append({"N": c["N"], "d": c["d"], "R(trained NN) max": nn_hi,
                     "R_NT(W) min": nt_lo, "proved per seed": c["certified"],
                     "NN test (mean)": s["NN"], "NT test (mean)": s["NT"],
                     "min z (test errors)": float(min(c["z"])), "gap present": c["gap_present"],
                     "printed": said})
    ok = ok and nn_mc and nt_mc and flt
    return Comparison(bool(ok), "identity", None, None, rows,
                      f"gap present at N if, for every seed, the ball of the exact NT risk at W lies "
                      f"above the ball of the trained network's exact risk ({DPS} digits); "
                      f"settings {data['settings']}", strength="certified",
                      strength_note="arb balls of exact population risks: a trained ReLU network "
                                    "(≥ R_NN,N) below the NT class at each drawn W",
                      criteria={"presence_matches": all(bool(formula(c["N"], c["d"])) == c["gap_present"]
                                                        for c in data["cases"]),
                                "nn_exact_agrees_with_test_error": nn_mc,
                                "nt_exact_below_fit_test_error": nt_mc,
                                "balls_match_float64": flt},
                      stats={"z_threshold": Z_SIGMA, "z_consistency": Z_CONSIST,
                             "max |z| NN exact vs test": max(abs(z) for c in data["cases"]
                                                             for z in c["z_nn_exact"]),
                             "sizes": {"d": data["d"],
                                                              "Ns": [c["N"] for c in data["cases"]]}})


def _perturb(f, factor=None):
    """Negation (a truth value has no relative mutant)."""
    def g(N, d):
        return not f(N, d)
    return g


claim(
    id="poster.relu_gap",
    source="paper's poster, 'How General are these Phenomena?', Figure 3 (and §4)",
    statement=r"\sigma = \mathrm{ReLU}:\ R_{\mathrm{NN},N}(f_*) < R_{\mathrm{NT},N}(f_*)\ \text{for } N < d"
              r"\ \text{(the positive gap between NN and NT is still present for } N < d)",
    method=(f"ReLU network trained by one-pass mini-batch SGD (all layers) and W ~ N(0, I/d) for "
            f"the NT class (3) with σ = relu; exact population risks of both in arb balls "
            f"({DPS} digits; closed-form ReLU kernels), {SEEDS} seeds, d = 20, N ∈ {set(NS)}, §4 "
            f"target; gap present if NT's ball lies above the network's for every seed (Monte "
            f"Carlo test errors with CLT bars shown beside)"),
    printed=printed,
    evidence=evidence,
    compare=compare,
    perturb=_perturb,
    graded=("rel+5%",),
    mutants=(Mutant("N < d → N < d/2", lambda N, d: N < d / 2),),
    note="A finite-size experiment (Figure 3 is at d = 450): the verdict says the gap is proved "
         "for every trained network and every drawn W at these sizes (the network's exact risk "
         "bounds R_NN,N from above), not that it persists as d → ∞. At N = 4 one-pass SGD of the "
         "ReLU network occasionally fails (measured: 1 run in ~40 ends with R_NN > R_NT), so for "
         "very few neurons the gap is typical, not universal.")

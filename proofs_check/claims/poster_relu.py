r"""The paper's poster, "How General are these Phenomena?" (Figure 3; also §4 of the paper):
"See Figure 3 for fitting a quadratic function with ReLu activation. In particular, the positive gap
between NN and NT is still present for N < d."

* ``poster.relu_gap`` — NN (ReLU network, all layers trained by one-pass SGD) has a smaller test
  error than NT (class (3) with σ = relu, least squares) for N < d on the §4 quadratic target.
  Evidence (:func:`lazysym.compare.relu_gap.relu_gap_experiment`): per N and per seed, both test errors on
  fresh samples with CLT standard errors; the gap counts as present at N when *every* seed shows
  NT − NN > 4 combined standard errors. Sizes: d = 20, N ∈ {4, 10} by default (Figure 3 has
  d = 450; the thorough run uses d = 50, N ∈ {10, 25}).
"""

from __future__ import annotations

import functools

import numpy as np

from lazysym.compare.relu_gap import relu_gap_experiment
from lazysym.objects.models import paper_quadratic_target
from proofs_check.registry import Comparison, Context, claim

#: A seed shows the gap when NT − NN > Z_SIGMA·√(se_NN² + se_NT²) (test-set CLT errors): a
#: one-sided normal tail of 3e-5 per comparison.
Z_SIGMA = 4.0


@functools.lru_cache(maxsize=2)
def _evidence(seed: int, thorough: bool) -> dict:
    ctx = Context(seed=seed, thorough=thorough)
    d = ctx.pick(20, 50)
    Ns = ctx.pick([4, 10], [10, 25])
    target = paper_quadratic_target(d, ctx.rng("poster.relu_gap", "B", d))
    res = relu_gap_experiment(target, Ns, seeds=ctx.pick(3, 4), sgd_steps=ctx.pick(2000, 8000),
                              n_test=ctx.pick(10000, 50000), rng_key=seed, step=0.05, decay=1.0)
    cases = []
    for N in Ns:
        nn, nt = np.array(res.nn[N]), np.array(res.nt[N])
        se = np.hypot(res.nn_se[N], res.nt_se[N])
        z = (nt - nn) / se
        cases.append({"N": N, "d": d, "NN": nn.tolist(), "NT": nt.tolist(), "z": z.tolist(),
                      "gap_present": bool(np.all(z > Z_SIGMA))})
    return {"d": d, "cases": cases, "summary": res.summary(), "settings": res.settings,
            "wall": res.wall}


def evidence(ctx: Context) -> dict:
    ctx.progress("ReLU NN by SGD and NT by least squares, test errors")
    return _evidence(ctx.seed, ctx.thorough)


def printed(N: int, d: int) -> bool:
    """Poster: with ReLU activation the gap NN < NT is present for N < d."""
    return N < d


def compare(formula, data, ctx: Context) -> Comparison:
    rows, ok = [], True
    summ = {r["N"]: r for r in data["summary"]}
    for c in data["cases"]:
        said = bool(formula(c["N"], c["d"]))
        ok = ok and (said == c["gap_present"])
        s = summ[c["N"]]
        rows.append({"N": c["N"], "d": c["d"], "NN (mean)": s["NN"], "NT (mean)": s["NT"],
                     "NT−NN": s["NT-NN"], "se over seeds": s["se(NT-NN)"],
                     "min z (per seed)": float(min(c["z"])), "gap present": c["gap_present"],
                     "printed": said})
    return Comparison(bool(ok), "identity", None, None, rows,
                      f"gap present at N if every seed has NT − NN > {Z_SIGMA} CLT s.e.; "
                      f"settings {data['settings']}")


claim(
    id="poster.relu_gap",
    source="paper's poster, 'How General are these Phenomena?', Figure 3 (and §4)",
    statement=r"\sigma = \mathrm{ReLU}:\ R_{\mathrm{NN},N}(f_*) < R_{\mathrm{NT},N}(f_*)\ \text{for } N < d"
              r"\ \text{(the positive gap between NN and NT is still present for } N < d)",
    method="ReLU network trained by one-pass mini-batch SGD (all layers) vs NT class (3) with "
           "σ = relu fitted by least squares on 20·(Nd+1) samples; normalised test errors on fresh "
           "samples with CLT bars, 3 seeds, d = 20, N ∈ {4, 10}, §4 target",
    printed=printed,
    evidence=evidence,
    compare=compare,
    note="A finite-size experiment (Figure 3 is at d = 450): the verdict says the gap is present "
         "at these sizes, not that it persists as d → ∞. The NT least-squares fit carries an "
         "estimation excess ≈ p/n = 5% of its residual, which only raises NT.",
)

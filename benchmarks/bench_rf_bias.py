"""Measure the finite-d bias of the RF claims' exact risks against the formula that agrees.

For each sweep claim of §2.1/§3.1/poster (proofs_check.evidence.rf.sweep) and seeds 0…S−1, the
mean over draws of exact − formula at each d; prints, per case, max over seeds of
|mean error|·d/ρ and |mean error|·d, and the fitted decay rate. These are the measurements behind
``proofs_check.evidence.rf.BIAS``. Run from the repository root (about 2 min CPU per seed):

    OPENBLAS_NUM_THREADS=1 python benchmarks/bench_rf_bias.py [seeds=5] [--thorough]
"""

from __future__ import annotations

import sys

import numpy as np

from proofs_check.registry import Context, get, run_claim

SWEEPS = ["thm1.eq10", "thm1.trace_zero", "cor1.eq12", "eq13.rf", "thm4.eq15", "eq17.rf",
          "thm4.lambda0_wlog", "poster.thm1", "poster.mg_rf"]


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    seeds = int(args[0]) if args else 5
    thorough = "--thorough" in sys.argv
    print(f"{'claim':18s} {'case':48s} {'max|e|·d/ρ':>11s} {'max|e|·d':>9s} {'rate':>6s}")
    for cid in SWEEPS:
        c = get(cid)
        stats: dict[str, list] = {}
        for s in range(seeds):
            ctx = Context(seed=s, thorough=thorough)
            data = c.evidence(ctx)
            out = run_claim(c, ctx, data=data)
            main = out.main
            assert main is not None
            form = c.corrected if out.verdict not in ("holds", "holds asymptotically") else c.printed
            ds = data["ds"]
            for case in data["cases"]:
                es = []
                for i, _d in enumerate(ds):
                    call_args = (case["models"][i], case["gammas"][i], case["rho"])
                    try:
                        f = float(form(*call_args, case["activation"], ctx.dps))
                    except TypeError:
                        try:
                            f = float(form(*call_args, ctx.dps))
                        except TypeError:
                            f = float(form(case["models"][i], case["rho"], ctx.dps))
                    es.append(float(np.mean(case["exact"][i]) - f))
                stats.setdefault(case["label"], []).append((ds, es, case["rho"]))
        for label, runs in stats.items():
            a = max(abs(e) * d / r for ds, es, r in runs for d, e in zip(ds, es))
            b = max(abs(e) * d for ds, es, r in runs for d, e in zip(ds, es))
            rates = []
            for ds, es, _ in runs:
                e = np.abs(es)
                if np.all(e > 0):
                    rates.append(-np.polyfit(np.log(ds), np.log(e), 1)[0])
            print(f"{cid:18s} {label[:48]:48s} {a:11.3f} {b:9.3f} "
                  f"{(np.median(rates) if rates else float('nan')):6.2f}", flush=True)


if __name__ == "__main__":
    main()

"""Wall time of each frame of Figures 1 and 2 (lazysym.figures), with the time of each part.

Left frames at the paper's size (d = 450, N ∈ {45, …, 4500}, 10 draws of W; fewer at the
largest N, as the legend says); right frames at the default size (d = 60, N ∈ {15, 30}) or, with
``--paper``, at d = 450 (slow: least squares over p ≈ 2·10⁴–4·10⁴ NT coordinates by CGLS, and
2·10⁷ SGD samples; estimated hours, not run to completion).

Prints one row per frame: total seconds and the split (lines, RF, NT, NN, Bayes, ...). Writes the
PNGs into ``--out`` (default /tmp/lazysym_figures); ``--docs`` also copies the two left frames to
docs/figure1.png and docs/figure2.png.

BLAS threads: ``--threads k`` sets OPENBLAS_NUM_THREADS before numpy is imported (on a loaded
shared 2-core machine 1 thread was faster for the O(N³) RF solves, see bench_rf.py).

Usage: /work/venv/bin/python benchmarks/bench_figures.py [--threads 1] [--skip-right] [--docs]
"""

import os
import sys

if "--threads" in sys.argv:
    _t = sys.argv[sys.argv.index("--threads") + 1]
    os.environ["OPENBLAS_NUM_THREADS"] = os.environ["OMP_NUM_THREADS"] = _t

import argparse  # noqa: E402
import shutil  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

from lazysym import figures as F  # noqa: E402


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--threads", default=None)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", default="/tmp/lazysym_figures")
    ap.add_argument("--skip-left", action="store_true")
    ap.add_argument("--skip-right", action="store_true")
    ap.add_argument("--paper", action="store_true", help="right frames at d = 450")
    ap.add_argument("--docs", action="store_true", help="copy left frames to docs/")
    ap.add_argument("--quiet", action="store_true")
    a = ap.parse_args(argv)
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    progress = None if a.quiet else (lambda m: print("  ..", m, flush=True))
    frames = []
    if not a.skip_left:
        frames += [("figure1_left", lambda: F.figure1_left_data(seed=a.seed, progress=progress)),
                   ("figure2_left", lambda: F.figure2_left_data(seed=a.seed, progress=progress))]
    if not a.skip_right:
        size = "paper" if a.paper else "default"
        frames += [("figure1_right", lambda: F.figure1_right_data(size=size, seed=a.seed,
                                                                  progress=progress)),
                   ("figure2_right", lambda: F.figure2_right_data(size=size, seed=a.seed,
                                                                  progress=progress))]
    rows = []
    for name, make in frames:
        t0 = time.perf_counter()
        fd = make()
        t1 = time.perf_counter()
        path = F.plot_frame(fd, out / f"{name}.png")
        t2 = time.perf_counter()
        rows.append((name, t2 - t0, t2 - t1, fd.meta.get("timings", {})))
        print(f"{name}: {t2 - t0:.1f} s -> {path}", flush=True)
        if a.docs and name.endswith("_left"):
            dest = Path(__file__).resolve().parents[1] / "docs" / f"{name.split('_')[0]}.png"
            dest.parent.mkdir(exist_ok=True)
            shutil.copyfile(path, dest)
    print(f"\nthreads = {os.environ.get('OPENBLAS_NUM_THREADS', 'default')}, seed = {a.seed}")
    print(f"{'frame':<15}{'total s':>9}{'plot s':>8}  parts (s)")
    for name, tot, plot, parts in rows:
        split = ", ".join(f"{k} {v:.1f}" for k, v in parts.items())
        print(f"{name:<15}{tot:>9.1f}{plot:>8.1f}  {split}")


if __name__ == "__main__":
    main()

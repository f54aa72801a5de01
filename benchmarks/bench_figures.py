"""Figures 1 and 2 at the paper's size: wall and CPU time of each frame, and the speed-up against
the paper's §4 procedure re-implemented in numpy (issue 14).

Sections (each optional):

* ``--left``: both left frames at §4's size (d = 450, N ∈ {45, …, 4500}, 10 draws of W at every N,
  trained NN at every N) on ``--workers`` processes with one BLAS thread each. Prints wall
  seconds, CPU seconds (this process + its workers, from getrusage) and the CPU of each part.
* ``--right``: both right frames (``--right-size paper``: d = 450, N ∈ {45, 90}, 2·10⁵ / 1.4·10⁵
  SGD steps with the step pilot; ``draft``: d = 60), serially, one BLAS thread.
* ``--ratio``: the §4 procedure's cost for the same points, from per-sample / per-step costs
  measured at three sizes and extrapolated (RF: least squares on 5·10⁵ samples + test error on
  10⁴, for every draw of W; NT and NN: 2·10⁵ (qf) / 1.4·10⁵ (mg) SGD steps of batch 100 for each
  of the 4 step sizes, for every dot of the left frames (NT: every draw) and for each curve of
  the right frames), printed next to our measured total (from ``--left``/``--right`` of this run,
  or ``--ours-cpu`` seconds).

``--out DIR`` writes figure1/figure2 (.png, .pdf) there; ``--docs`` also copies them to docs/.
Always report the load (printed from /proc/loadavg at start and end).

Measured (issue 14 speed pass; shared 2-core machine, one BLAS thread per process):

=====================  ==================================  ==================================
part                   before                              after
=====================  ==================================  ==================================
left frames, 2 workers 258 s wall / 166 s CPU, load 1.4–5.9 153 s / 126 s (load 2.3–4.6);
                                                           196 s / 136 s (load 2.0–4.0)
  of which mg NN       71 s CPU                            35–36 s CPU
right frames (paper)   1135 s CPU (earlier session)        877 s CPU, load 1.3–2.1
  of which SGD         ≈ 690 s                             420 s (NT least squares 457 s)
§4 ratio, all frames   746×                                1059× (§4 total 1.06·10⁶ CPU s)
=====================  ==================================  ==================================

Usage: OPENBLAS_NUM_THREADS=1 .venv/bin/python benchmarks/bench_figures.py --left --ratio
"""

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse
import pickle
import resource
import shutil
import time
from pathlib import Path

import numpy as np

from lazysym import figures as F

ROOT = Path(__file__).resolve().parents[1]


def load() -> str:
    try:
        return Path("/proc/loadavg").read_text().split(" ")[0]
    except OSError:
        return "?"


def cpu_now() -> float:
    me = resource.getrusage(resource.RUSAGE_SELF)
    ch = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + ch.ru_utime + ch.ru_stime


# ---- the §4 procedure, re-implemented in numpy, timed at small sizes --------------------------------

def _time(fn, reps=3) -> float:
    best = float("inf")
    for _ in range(reps):
        t0 = time.process_time()
        fn()
        best = min(best, time.process_time() - t0)
    return best


def rf_fit_cost(d: int, N: int, n: int, rng) -> float:
    """CPU seconds of §4's RF fit per sample: features σ(XW) (σ = x² − 1), normal equations,
    KKT solve, then the test error on fresh samples (measured on n samples, per sample)."""
    W = rng.standard_normal((d, N)) / np.sqrt(d)
    X = rng.standard_normal((n, d))
    y = np.einsum("ij,ij->i", X, X)

    def run():
        Phi = (X @ W) ** 2 - 1.0
        A = Phi.T @ Phi
        a = np.linalg.solve(A + 1e-12 * np.eye(N), Phi.T @ y)
        return float(np.mean((Phi @ a - y) ** 2))
    return _time(run) / n


def sgd_step_cost(d: int, N: int, batch: int, rng, model: str = "nn") -> float:
    """CPU seconds of one SGD step of batch ``batch`` (sampling included): the NN
    Σ⟨w_i,x⟩² + c, or (``"nt"``) the NT linearisation Σ 2⟨w_i,x⟩⟨a_i,x⟩ + c in its N·d weights."""
    W = rng.standard_normal((d, N)) / np.sqrt(d)
    A = np.zeros((d, N))
    lam = rng.exponential(size=d)
    steps = 20

    def run():
        c = 0.0
        for _ in range(steps):
            X = rng.standard_normal((batch, d))
            y = (X * X) @ lam
            H = X @ W
            if model == "nn":
                r = y - np.einsum("bn,bn->b", H, H) - c
                W[:] += 1e-9 * (X.T @ (r[:, None] * H))
            else:
                G = X @ A
                r = y - 2.0 * np.einsum("bn,bn->b", H, G) - c
                A[:] += 1e-9 * (X.T @ (r[:, None] * H))
            c += 1e-9 * float(np.sum(r))
    return _time(run) / steps


def extrapolate(sizes, costs, target, power=1.0) -> float:
    """Least-squares fit cost = a + b·size^power on the measured sizes, evaluated at target."""
    x = np.asarray(sizes, float) ** power
    A = np.vstack([np.ones_like(x), x]).T
    a, b = np.linalg.lstsq(A, np.asarray(costs), rcond=None)[0]
    return float(max(a + b * target ** power, costs[-1] * (target / sizes[-1]) ** power))


def section4_cost(d: int, Ns, draws: int, right_Ns, rng) -> dict[str, float]:
    """Total CPU seconds of the §4 procedure for our points (see the module docstring)."""
    n_rf, n_test, batch, grid = 500_000, 10_000, 100, 4
    steps = {"qf": 200_000, "mg": 140_000}
    small = (45, 90, 225)
    print(f"  §4 model: per-sample RF and per-step SGD costs measured at N ∈ {small}, d = {d}")
    rf = [rf_fit_cost(d, N, 4000, rng) for N in small]
    nn = [sgd_step_cost(d, N, batch, rng, "nn") for N in small]
    ntc = [sgd_step_cost(d, N, batch, rng, "nt") for N in small]
    for N, a, b, c in zip(small, rf, nn, ntc):
        print(f"    N = {N:4d}: RF {a * 1e6:8.2f} µs/sample   NN {b * 1e3:7.3f} ms/step"
              f"   NT {c * 1e3:7.3f} ms/step")
    tot = {"RF": 0.0, "NT": 0.0, "NN": 0.0, "right": 0.0}
    for N in Ns:
        # RF cost per sample grows like N² (normal equations) + N·d (features): fit a + bN² — the
        # N³ solve is added exactly at the measured flop rate of the N = 225 point
        per_sample = extrapolate(small, rf, N, power=2.0)
        rf_runs = 3 * draws              # Figure 1: Γ = I/d and Γ ∝ B; Figure 2: Γ = I/d
        tot["RF"] += rf_runs * per_sample * (n_rf + n_test)
        nn_step = extrapolate(small, nn, N)
        nt_step = extrapolate(small, ntc, N)
        for model in ("qf", "mg"):
            tot["NN"] += grid * steps[model] * nn_step
            tot["NT"] += draws * grid * steps[model] * nt_step
    for N in right_Ns:
        for model in ("qf", "mg"):
            tot["right"] += grid * steps[model] * (extrapolate(small, nn, N)
                                                   + extrapolate(small, ntc, N))
    return tot


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--left", action="store_true")
    ap.add_argument("--right", action="store_true")
    ap.add_argument("--ratio", action="store_true")
    ap.add_argument("--right-size", default="paper", choices=sorted(F.RIGHT_SIZES))
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--ours-cpu", type=float, default=None,
                    help="our left-frame CPU seconds for --ratio when --left is not run")
    ap.add_argument("--out", default="/tmp/lazysym_figures")
    ap.add_argument("--docs", action="store_true", help="copy the figures to docs/")
    ap.add_argument("--quiet", action="store_true")
    ap.add_argument("--pickle", default=None, metavar="DIR",
                    help="also save the computed FrameData objects (left.pkl, right1.pkl, right2.pkl)")
    ap.add_argument("--plot-from", default=None, metavar="DIR",
                    help="only draw figure1/figure2 from the pickles of earlier runs in DIR")
    a = ap.parse_args(argv)
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    progress = None if a.quiet else (lambda m: print("  ..", m, flush=True))
    print(f"load average at start: {load()}; OPENBLAS_NUM_THREADS="
          f"{os.environ.get('OPENBLAS_NUM_THREADS')}; workers = {a.workers}")
    rows, ours, ours_left, ours_right = [], 0.0, 0.0, 0.0
    left = right1 = right2 = None
    if a.plot_from:
        src = Path(a.plot_from)
        left = pickle.loads((src / "left.pkl").read_bytes())
        right1 = pickle.loads((src / "right1.pkl").read_bytes())
        right2 = pickle.loads((src / "right2.pkl").read_bytes())
    if a.left:
        c0, w0 = cpu_now(), time.perf_counter()
        left = F.left_frames_data(seed=a.seed, progress=progress, workers=a.workers)
        wall, cpu = time.perf_counter() - w0, cpu_now() - c0
        ours += cpu
        ours_left += cpu
        parts = {f"{k}:{p}": v for k, fd in left.items() for p, v in fd.meta["cpu"].items()}
        rows.append(("left frames (both)", wall, cpu, parts))
    if a.right:
        for name, fn in (("figure1 right", F.figure1_right_data),
                         ("figure2 right", F.figure2_right_data)):
            c0, w0 = cpu_now(), time.perf_counter()
            fd = fn(size=a.right_size, seed=a.seed, progress=progress)
            wall, cpu = time.perf_counter() - w0, cpu_now() - c0
            ours += cpu
            ours_right += cpu
            rows.append((name, wall, cpu, fd.meta["cpu"]))
            print(f"  pilot risks: {fd.meta['pilot']}; CGLS iterations: "
                  f"{ {N: sum(v['cgls_iterations']) for N, v in fd.meta['nt'].items()} }")
            if name.startswith("figure1"):
                right1 = fd
            else:
                right2 = fd
    if a.pickle:
        dst = Path(a.pickle)
        dst.mkdir(parents=True, exist_ok=True)
        for name, obj in (("left", left), ("right1", right1), ("right2", right2)):
            if obj is not None and not a.plot_from:
                (dst / f"{name}.pkl").write_bytes(pickle.dumps(obj))
    paths = []
    if left is not None:
        paths += F.plot_figure([left["qf"]] + ([right1] if right1 else []), out / "figure1")
        paths += F.plot_figure([left["mg"]] + ([right2] if right2 else []), out / "figure2")
    elif right1 is not None and right2 is not None:
        paths += F.plot_figure([right1], out / "figure1_right")
        paths += F.plot_figure([right2], out / "figure2_right")
    if a.docs:
        for p in paths:
            shutil.copyfile(p, ROOT / "docs" / p.name)
    print(f"\nload average at end: {load()}")
    print(f"{'part':<22}{'wall s':>9}{'CPU s':>9}  CPU by part (s)")
    for name, wall, cpu, parts in rows:
        split = ", ".join(f"{k} {v:.1f}" for k, v in parts.items())
        print(f"{name:<22}{wall:>9.1f}{cpu:>9.1f}  {split}")
    if a.ratio:
        ours = a.ours_cpu if a.ours_cpu is not None else ours
        tot = section4_cost(450, F.DEFAULT_NS, 10, F.RIGHT_SIZES["paper"]["Ns"],
                            np.random.default_rng(a.seed))
        total = sum(tot.values())
        print("\n§4 procedure re-implemented in numpy (extrapolated CPU seconds, one BLAS thread):")
        for k, v in tot.items():
            print(f"  {k:<6} {v:14.0f} s")
        print(f"  total  {total:14.0f} s  ({total / 3600:.1f} CPU hours)")
        left4 = tot["RF"] + tot["NT"] + tot["NN"]
        if a.ours_cpu is not None and not a.left:
            ours_left = a.ours_cpu
        if ours_left > 0:
            print(f"left frames: §4 {left4:.0f} s, ours {ours_left:.0f} CPU s  →  ratio "
                  f"{left4 / ours_left:.0f}×")
        if ours_right > 0:
            print(f"right frames: §4 {tot['right']:.0f} s, ours {ours_right:.0f} CPU s  →  ratio "
                  f"{tot['right'] / ours_right:.1f}×")
        if ours_left > 0 and ours_right > 0:
            print(f"all four frames: ratio {total / (ours_left + ours_right):.0f}×")
    for p in paths:
        print("wrote", p)


if __name__ == "__main__":
    main()

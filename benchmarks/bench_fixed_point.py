"""Benchmark of lazysym.objects.fixed_point.solve_psi (ψ of eq. (9)/(14)).

Prints two tables:

1. time per solve at 15, 50, 200 and 1000 digits for an isotropic D (δ₁), a 1000-atom D, and
   continuous laws (Marchenko–Pastur with its closed-form resolvent; a generic ``Density``
   integrated by tanh–sinh quadrature, 1000 digits only with ``--full``);
2. success rate of plain ``mpmath.findroot`` on eq. (9) as printed (secant, Anderson, Illinois,
   default settings, natural starting points) vs ``solve_psi`` over generated valid inputs.
   findroot "succeeds" when it returns without raising a value within 1e-10 (relative) of ψ;
   solve_psi succeeds when its bracket is proved (``verified``) and, re-checked here in exact
   rational arithmetic, has h(lower) > 0 > h(upper).

Usage: ``python benchmarks/bench_fixed_point.py [--inputs 300] [--seed 0] [--full]``.
Timings depend on the machine's load; the script prints the load average it ran under.
"""

from __future__ import annotations

import argparse
import os
import time
from fractions import Fraction

import mpmath
import numpy as np

from lazysym.objects.fixed_point import solve_psi
from lazysym.objects.spectra import Atoms, Density, marchenko_pastur, point_mass

RELU_L1 = Fraction(1, 2)


def relu_lambda_tilde(dps: int):
    """λ̃ = 1/4 − 1/(2π) of the centred ReLU, as an mpf with dps + 20 digits."""
    with mpmath.workdps(dps + 20):
        return mpmath.mpf(1) / 4 - 1 / (2 * mpmath.pi)


def time_solve(D, dps: int, budget: float = 1.0) -> tuple[float, int, object]:
    """Median seconds per solve (repeats until ~budget seconds or 15 runs)."""
    lt = relu_lambda_tilde(dps)
    times, res = [], None
    t_start = time.perf_counter()
    while len(times) < 15 and (len(times) < 3 or time.perf_counter() - t_start < budget):
        t0 = time.perf_counter()
        res = solve_psi(2, RELU_L1, lt, D, dps=dps)
        times.append(time.perf_counter() - t0)
        if times[-1] > budget:
            break
    return float(np.median(times)), len(times), res


def timing_table(full: bool, seed: int) -> None:
    rng = np.random.default_rng(seed)
    atoms = Atoms(rng.uniform(0, 2, 1000))      # 1000 distinct atoms, mean ≈ 1
    tri = Density(lambda t: t / 2, 0, 2, "triangle t/2 on [0,2] (quadrature)")
    laws = [("isotropic δ₁", point_mass(1)), ("1000 atoms U[0,2]", atoms),
            ("Marchenko–Pastur(1/2) (closed form)", marchenko_pastur(Fraction(1, 2))),
            ("triangle density (tanh–sinh)", tri)]
    print("ψ for the centred ReLU (λ₁ = 1/2, λ̃ = 1/4 − 1/(2π)), ρ = 2")
    print(f"{'D':38s} {'digits':>6s} {'ms/solve':>10s} {'runs':>4s} {'verified':>8s} "
          f"{'iters':>5s}  ψ (first 20 certified digits)")
    for name, D in laws:
        for dps in (15, 50, 200, 1000):
            if name.startswith("triangle") and dps == 1000 and not full:
                print(f"{name:38s} {dps:6d} {'(--full)':>10s}")
                continue
            sec, runs, res = time_solve(D, dps)
            print(f"{name:38s} {dps:6d} {sec * 1e3:10.2f} {runs:4d} {str(res.verified):>8s} "
                  f"{res.iterations:5d}  {res.certified_str()[:22]}")


def h_exact(psi: Fraction, rho, l1, lt, D: Atoms) -> Fraction:
    rho, l2, lt = Fraction(rho), Fraction(l1) ** 2, Fraction(lt)
    return rho - lt * psi - sum((w * (l2 * t * psi) / (1 + l2 * t * psi)
                                 for t, w in zip(D.values_exact, D.weights_exact)), Fraction(0))


def _frac(x) -> Fraction:
    s, m, e, _ = x._mpf_
    v = Fraction(m) * Fraction(2) ** e
    return -v if s else v


def success_table(n_inputs: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    starts = [("secant", 1), ("secant", "rho/lt"), ("anderson", (0.5, 2)),
              ("illinois", (0.5, 2))]
    counts = {f"findroot {s} from {x0}": {"ok": 0, "wrong root": 0, "raised": 0}
              for s, x0 in starts}
    counts["solve_psi (dps=30)"] = {"ok": 0, "wrong root": 0, "raised": 0}
    t_ours = t_theirs = 0.0
    for _ in range(n_inputs):
        n = int(rng.integers(1, 21))
        vals = rng.exponential(1.0, n) * 10.0 ** rng.uniform(-1, 2)
        D = Atoms(vals)
        rho = 10.0 ** rng.uniform(-2, 2)
        l1 = 10.0 ** rng.uniform(-1, 1)
        lt = 10.0 ** rng.uniform(-2, 1)
        t0 = time.perf_counter()
        try:
            res = solve_psi(rho, l1, lt, D, dps=30)
            good = res.verified and h_exact(_frac(res.lower), rho, l1, lt, D) > 0 > h_exact(
                _frac(res.upper), rho, l1, lt, D)
            counts["solve_psi (dps=30)"]["ok" if good else "wrong root"] += 1
        except Exception:  # noqa: BLE001 — counted, not hidden
            counts["solve_psi (dps=30)"]["raised"] += 1
            continue
        t_ours += time.perf_counter() - t0
        t, w = D.values, D.weights

        def F(x, lt=lt, rho=rho, l1=l1, t=t, w=w):
            return lt - rho / x + mpmath.fsum(wi * l1 ** 2 * ti / (1 + l1 ** 2 * ti * x)
                                              for ti, wi in zip(t, w))

        for solver, x0 in starts:
            key = f"findroot {solver} from {x0}"
            start = rho / lt if x0 == "rho/lt" else x0
            t0 = time.perf_counter()
            try:
                x = mpmath.findroot(F, start, solver=solver)
                ok = abs(x - res.value) <= 1e-10 * res.value
                counts[key]["ok" if ok else "wrong root"] += 1
            except (ValueError, ZeroDivisionError, OverflowError):
                counts[key]["raised"] += 1
            t_theirs += time.perf_counter() - t0
    print(f"\nSuccess over {n_inputs} valid inputs (ρ ∈ [1e-2, 1e2], λ₁ ∈ [0.1, 10], "
          f"λ̃ ∈ [1e-2, 10] log-uniform; 1–20 exponential atoms scaled by 10^U[-1,2]; seed {seed})")
    print(f"{'method':34s} {'ok':>5s} {'wrong root':>10s} {'raised':>7s} {'success':>8s}")
    for key, c in counts.items():
        print(f"{key:34s} {c['ok']:5d} {c['wrong root']:10d} {c['raised']:7d} "
              f"{100 * c['ok'] / n_inputs:7.1f}%")
    print(f"mean time: solve_psi {1e3 * t_ours / n_inputs:.2f} ms (30 digits, verified); "
          f"findroot {1e3 * t_theirs / n_inputs / len(starts):.2f} ms per attempt (15 digits)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--inputs", type=int, default=300)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--full", action="store_true", help="also 1000 digits by quadrature")
    args = ap.parse_args()
    print(f"load average at start: {os.getloadavg()[0]:.2f} (cores: {os.cpu_count()})")
    timing_table(args.full, args.seed)
    success_table(args.inputs, args.seed)
    print(f"load average at end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()

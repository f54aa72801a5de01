r"""Evidence helpers shared by the §1, §2.3, eq. (6)/(13) and Chizat–Bach claims.

* :func:`saddle_free_newton` — a numerical minimiser of the §2.3 loss (Newton steps on |∇²L|),
  used as an independent cross-check of Theorem 3's value (the lead deduplicates it with
  ``proofs_check.evidence.nn`` at merge).
* :func:`limit_rule` — the acceptance rule for a limit of *deterministic* evidence (ODE
  solutions along a geometric ladder x₁ < … < x_K → ∞):

  ``within_extrapolation``
      :math:`|v_K - L| \le c\,|v_K - v_{K-1}| + c\,\epsilon_{ode}` with c = :data:`C_EXTRAP` = 2.
      For geometric convergence :math:`v_k - L = q^k e_0` the remaining error is
      :math:`|v_K - L| = \frac{q}{1-q}|v_K - v_{K-1}|`, so the rule holds exactly when the tail
      contraction factor is q ≤ 2/3 (a rate ≥ 0.35 per step of the ladder); the measured q of
      each claim is in its stats and docstring. :math:`\epsilon_{ode}` is the integrator's error,
      *measured* by re-solving the last point at a 100× tighter tolerance (the rule uses twice
      that difference). A wrong limit L' is rejected once
      :math:`|L' - L| > c(|v_K - v_{K-1}| + \epsilon_{ode}) + |v_K - L|`.

  The evidence has no sampling noise (its only randomness is the seed's draw of the target and
  the initialisation), so the rule's false-flip probability is the probability that a draw
  has a tail contraction q > 2/3; it is measured by the 50-seed sweep
  (``benchmarks/bench_seeds_cb.py``) and reported with each claim.
* :func:`slope_band` — "≲" with both sides: the exponent g of ratio ∝ x^g (weighted fit with a
  confidence interval from the draws' standard errors, :func:`proofs_check.evidence.decisions.rate_fit`)
  must be compatible with 0: the CI meets [−``band``, ``band``].
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike

from lazysym.nn.loss import loss_gradient, loss_hessian, pack, population_loss, unpack
from lazysym.objects.models import QuadraticTarget
from proofs_check.evidence.decisions import rate_fit

__all__ = ["C_EXTRAP", "FLOAT_FLOOR", "limit_rule", "saddle_free_newton", "slope_band"]

#: Safety factor of :func:`limit_rule` (accepts tail contraction factors q ≤ 2/3).
C_EXTRAP = 2.0
#: Relative float64 floor of :func:`limit_rule` (round-off of O(1) risks; ≪ any mutant).
FLOAT_FLOOR = 1e-12


def saddle_free_newton(target: QuadraticTarget, N: int, rng: np.random.Generator,
                       max_iter: int = 300) -> tuple[float, float, int]:
    """Minimise L(W, c) of §2.3 from a Gaussian start by Newton steps on |∇²L| (eigenvalues
    floored at 1e-8 of the largest) with Armijo backtracking; stops at ‖∇L‖ < 1e-13 or when the
    loss stalls. Returns (loss, final gradient norm, iterations).
    """
    d = target.d
    th = pack(rng.standard_normal((d, N)) / np.sqrt(d), float(rng.standard_normal()))
    W, c = unpack(th, d)
    f = population_loss(W, c, target)
    it = 0
    for it in range(max_iter):  # noqa: B007  (`it` is returned: the iterations used)
        W, c = unpack(th, d)
        gW, gc = loss_gradient(W, c, target)
        g = pack(gW, gc)
        if np.linalg.norm(g) < 1e-13:
            break
        ev, V = np.linalg.eigh(loss_hessian(W, c, target))
        floor = 1e-8 * max(1.0, float(np.max(np.abs(ev))))
        step = -(V / np.maximum(np.abs(ev), floor)) @ (V.T @ g)
        t = 1.0
        while True:
            th1 = th + t * step
            f1 = population_loss(*unpack(th1, d), target)
            if f1 <= f + 1e-4 * t * float(g @ step) or t < 1e-12:
                break
            t *= 0.5
        if f1 > f:
            break
        th, f = th1, f1
    W, c = unpack(th, d)
    gW, gc = loss_gradient(W, c, target)
    return f, float(np.linalg.norm(pack(gW, gc))), it


def limit_rule(xs: Sequence[float], values: Sequence[float], limit: float, *, ode_err: float,
               extra_allowance: float = 0.0, label: str = "x") -> dict:
    r"""The limit rule of the module docstring for values v(x_k) → ``limit`` as x → ∞.

    ``extra_allowance`` is a further, separately *computed* deterministic difference between the
    evidence's limit and the claimed one (e.g. the tangent flow's residual at a finite horizon).
    Returns ``{"ok", "rows", "error", "allowance", "q", "rate"}``; ``q`` is the last contraction
    factor |Δv_K|/|Δv_{K−1}| and ``rate`` the fitted exponent of |v − L| in x (for the table).
    """
    x = np.asarray(xs, dtype=float)
    v = np.asarray(values, dtype=float)
    lim = float(limit)
    if not (np.all(np.isfinite(v)) and math.isfinite(lim)) or x.size < 3:
        return {"ok": False, "rows": [], "error": math.inf, "allowance": 0.0, "q": None,
                "rate": None}
    e = v - lim
    dv = np.abs(np.diff(v))
    # float64 floor: values and limits are float64 sums of O(d²) terms of size ≤ max|v|, and a
    # converged flow reproduces its fixed point only to round-off (measured ≲ 1e-16 relative)
    floor = FLOAT_FLOOR * max(1.0, float(np.max(np.abs(v))), abs(lim))
    allowance = C_EXTRAP * (float(dv[-1]) + float(ode_err)) + float(extra_allowance) + floor
    ok = bool(abs(e[-1]) <= allowance)
    q = float(dv[-1] / dv[-2]) if dv[-2] > 0 else 0.0
    fit = rate_fit(x, np.abs(e), None)
    rows = [{label: float(a), "value": float(b), "limit": lim, "error": float(c)}
            for a, b, c in zip(x, v, e)]
    return {"ok": ok, "rows": rows, "error": float(abs(e[-1])), "allowance": allowance, "q": q,
            "rate": fit.rate}


def slope_band(xs: Sequence[float], ratio_draws: Sequence[ArrayLike], *, band: float,
               alpha: float) -> dict:
    r"""Is the exponent g of ratio ∝ x^g compatible with 0 (both sides of "≲")?

    ``ratio_draws[k]`` are the draws at ``xs[k]``; the fit is weighted by their standard errors
    (delta method, :func:`~proofs_check.evidence.decisions.rate_fit`) and its two-sided CI at
    level ``alpha`` must meet [−band, band]. Returns ``{"ok", "g", "lo", "hi", "means", "se"}``.
    """
    draws = [np.asarray(r, dtype=float).ravel() for r in ratio_draws]
    means = np.array([float(np.mean(r)) for r in draws])
    se = np.array([float(np.std(r, ddof=1) / math.sqrt(r.size)) if r.size > 1 else 0.0
                   for r in draws])
    fit = rate_fit(xs, means, se, alpha=alpha)
    if fit.rate is None or fit.lo is None or fit.hi is None:
        return {"ok": False, "g": None, "lo": None, "hi": None, "means": means, "se": se}
    g, lo, hi = -fit.rate, -fit.hi, -fit.lo        # rate_fit returns the decay rate −g
    ok = bool(lo <= band and hi >= -band)
    return {"ok": ok, "g": g, "lo": lo, "hi": hi, "means": means, "se": se}

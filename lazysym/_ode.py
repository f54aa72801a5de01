"""One adaptive Dormand–Prince 5(4) integrator for the package's gradient flows (private).

Used by :func:`lazysym.nn.training.gradient_flow` (the flow of Theorem 3's proof) and by
:mod:`lazysym.nn.lazy` (the α-scaled flows and their tangent models). No scipy: the core
dependencies are sympy, mpmath and numpy.
"""

from __future__ import annotations

import numpy as np

from lazysym.errors import ConvergenceError

__all__: list[str] = []

# Dormand–Prince 5(4) tableau (Hairer, Nørsett & Wanner, Table II.5.2)
_A = [np.array([]), np.array([1 / 5]), np.array([3 / 40, 9 / 40]),
      np.array([44 / 45, -56 / 15, 32 / 9]),
      np.array([19372 / 6561, -25360 / 2187, 64448 / 6561, -212 / 729]),
      np.array([9017 / 3168, -355 / 33, 46732 / 5247, 49 / 176, -5103 / 18656]),
      np.array([35 / 384, 0.0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84])]
_B5 = np.array([35 / 384, 0.0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84, 0.0])
_B4 = np.array([5179 / 57600, 0.0, 7571 / 16695, 393 / 640, -92097 / 339200, 187 / 2100, 1 / 40])
_E = _B5 - _B4


def dopri(rhs, y0: np.ndarray, t_eval: np.ndarray, *, rtol: float, atol: float,
          max_steps: int, on_record=None, flush_below: float = 0.0,
          diagnostics=None) -> tuple[np.ndarray, np.ndarray, int]:
    """Integrate ẏ = rhs(y), y(0) = y0, stepping exactly onto each time of ``t_eval``.

    Error control ``|err_i| ≤ atol + rtol·max(|y_i|, |y_new,i|)`` in the RMS norm, FSAL, step
    factor clipped to [0.2, 5]. ``on_record(i, t, y, f, steps)`` is called at each record time
    (``f`` is rhs(y), ``steps`` the accepted steps so far); returning True stops early.
    ``flush_below`` sets |y_i| below it to 0 after each step (decaying components otherwise reach
    subnormal floats, which slows every product).
    ``diagnostics()`` adds entries to a :class:`ConvergenceError`.

    Returns ``(times, states, steps)`` for the record times reached.
    """
    y = np.array(y0, dtype=float)
    t_eval = np.asarray(t_eval, float)
    out = np.empty((t_eval.size, y.size))
    f0 = rhs(y)
    sc = atol + rtol * np.abs(y)
    d0, d1 = np.sqrt(np.mean((y / sc) ** 2)), np.sqrt(np.mean((f0 / sc) ** 2))
    h = 1e-6 if (d0 < 1e-5 or d1 < 1e-5) else 0.01 * d0 / d1
    t, k, nxt = 0.0, 0, 0
    K = np.empty((7, y.size))

    def _diag(**kw):
        extra = diagnostics() if diagnostics is not None else {}
        return {**kw, **extra}

    with np.errstate(over="ignore", invalid="ignore"):
        while nxt < t_eval.size:
            tgt = t_eval[nxt]
            if tgt <= t:
                out[nxt] = y
                nxt += 1
                continue
            h = min(h, tgt - t)
            K[0] = f0
            for i in range(1, 7):
                K[i] = rhs(y + h * (_A[i] @ K[:i]))
            y_new = y + h * (_B5[:6] @ K[:6])
            err = float(np.sqrt(np.mean((h * (_E @ K) /
                                         (atol + rtol * np.maximum(np.abs(y), np.abs(y_new))))
                                        ** 2)))
            if not (np.isfinite(err) and np.all(np.isfinite(y_new))):
                h *= 0.2
                if h < 1e-14 * max(1.0, t):
                    raise ConvergenceError("the flow produced non-finite values",
                                           diagnostics=_diag(t=t))
                continue
            if err <= 1.0:
                t = tgt if tgt - t <= h else t + h
                if flush_below > 0:
                    y_new[np.abs(y_new) < flush_below] = 0.0
                y, f0 = y_new, K[6]
                k += 1
                if k > max_steps:
                    raise ConvergenceError("the flow exceeded max_steps",
                                           diagnostics=_diag(t=t, t_end=float(t_eval[-1]), steps=k),
                                           fix="raise max_steps, loosen rtol or shorten the horizon")
                if t >= tgt:
                    out[nxt] = y
                    nxt += 1
                    if on_record is not None and on_record(nxt - 1, t, y, f0, k):
                        break
            h *= 5.0 if err == 0 else min(5.0, max(0.2, 0.9 * err ** -0.2))
    return t_eval[:nxt], out[:nxt], k

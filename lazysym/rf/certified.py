r"""Certified finite-d random-features risks: a ball that contains the exact risk (issue 13).

The object is the one of :mod:`lazysym.rf.exact` — the population RF projection of eq. (4) over
the class (2), :math:`R_{RF,N} = E[y^2] - b^\top K^+ b` (Theorem 1 / Corollary 1 for qf, Theorem 4
for mg, at finite d) — evaluated so that the answer is *proved* to contain the exact value for
the given inputs: the float64 entries of W, B, b₀, Σ, Δ are read as the exact binary numbers they
store.

Two paths, chosen from the activation σ = σ₀ + c:

* **Exact rationals** (σ₀ = u², c rational: ``"x^2-1"``, ``"x^2"``, ``"x^2+c"``). By Isserlis
  every quantity is a polynomial in the inputs: :math:`K_{ij} = (n_i + c)(n_j + c) + 2G_{ij}^2`
  (:math:`G = W^\top CW`, :math:`n_i = G_{ii}`), :math:`b_i = 2w_i^\top Bw_i + E[f_*](n_i + c)`
  (qf) or :math:`b_i = -w_i^\top\Delta w_i` (mg, with K averaged over :math:`C = \Sigma\mp\Delta`),
  :math:`E y^2 = E[f_*]^2 + 2\|B\|_F^2` (qf) or 1 (mg). Since b lies in the range of the Gram
  matrix K, :math:`b^\top K^+ b = b^\top a` for *any* solution of :math:`Ka = b`; one is read
  off the reduced row echelon form of :math:`[K\,|\,b]` in ``flint.fmpq_mat``, so a singular K
  (N > d(d+1)/2 + 1, repeated neurons) is fine. :func:`rf_risk_exact` returns the exact
  :class:`fractions.Fraction`; the ball is that rational rounded outward.
* **Balls** (σ₀ = relu or |u|, or an irrational c, e.g. ``relu_centered``): the closed-form
  kernels of :mod:`lazysym.rf.exact` in arb — :math:`a_i = \|w_i\|_C`,
  :math:`r_{ij} = c_{ij}/(a_ia_j)`,
  :math:`E[\mathrm{relu}(u_i)\mathrm{relu}(u_j)] = \frac{a_ia_j}{2\pi}(\sqrt{1-r^2} + (\pi -
  \arccos r)r)`, :math:`E|u_i||u_j| = \frac{2a_ia_j}{\pi}(\sqrt{1-r^2} + r\arcsin r)`, exact
  diagonals :math:`a_i^2/2`, :math:`a_i^2`; :math:`\mu_0(a) = \mu_2(a) = a/\sqrt{2\pi}` (relu),
  :math:`a\sqrt{2/\pi}` (|u|); the offset enters as
  :math:`K_{ij} + c(m_i + m_j) + c^2`, :math:`b_i + cE[f_*]` — and the linear system is solved
  by ``arb_mat.solve``, which fails (and the precision is raised, then
  :class:`~lazysym.errors.ConvergenceError`) unless it proves K invertible.

Other activations (tanh, erf, …) would need a rigorous bound on the Hermite-series tail of the
kernel and are refused with :class:`~lazysym.errors.AssumptionError` (erf: odd, so b = 0 and the
risk is E y² — nothing to certify).

Cost: the order-N solve in exact rationals or at ``4·dps + 64`` bits; measured (2-core machine):
N = 200 solves in 0.23 s (rationals) / 0.39 s (200-bit balls). N is capped by
``LIMITS.certified_order``.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import flint
import numpy as np
import sympy as sp
from flint import arb
from numpy.typing import ArrayLike

from lazysym._validate import as_mixture, as_target, as_weights, check_dps
from lazysym.errors import AssumptionError, ConvergenceError, check, check_type
from lazysym.limits import check_limit
from lazysym.objects.activations import ActivationLike, x
from lazysym.objects.balls import arb_matrix, arb_of, certify, fmpq_matrix, fmpq_of, fraction_of
from lazysym.objects.hermite_arb import arb_constant
from lazysym.objects.models import GaussianMixture, QuadraticTarget
from lazysym.rf.kernels import resolve_activation

__all__ = ["rf_risk_certified", "rf_risk_exact"]

_SUPPORTED = ("quadratic", "relu", "abs")


def _activation(activation: ActivationLike) -> tuple[str, sp.Expr]:
    """(kind, exact offset c) with σ = σ₀ + c, σ₀ ∈ {u², relu, |u|}; refuse anything else."""
    act = resolve_activation(activation)
    check(act.kind in _SUPPORTED,
          f"certified RF risks support σ = σ₀ + c with σ₀ ∈ {{u², relu, |u|}}; got "
          f"{act.label or act.obj.name} (kernel kind {act.kind!r}: its kernel is a Hermite series "
          f"or an odd function without a certified tail bound)",
          assumption="certified activation", fix="use certified=False (float64 with an error bound)")
    bases = {"quadratic": x ** 2, "relu": sp.Max(x, 0), "abs": sp.Abs(x)}
    c = act.obj.expr - bases[act.kind]
    check(not c.free_symbols, f"σ − σ₀ must be a constant; got {c}", assumption="σ = σ₀ + c")
    return act.kind, sp.simplify(c)


def _model(model: Any) -> QuadraticTarget | GaussianMixture:
    check_type(isinstance(model, (QuadraticTarget, GaussianMixture)), "model",
               "a QuadraticTarget (qf) or a GaussianMixture (mg)", model)
    if isinstance(model, GaussianMixture):
        return as_mixture(model, "the certified RF risk")
    return as_target(model, "the certified RF risk")


def _covariances(model: QuadraticTarget | GaussianMixture) -> list[np.ndarray | None]:
    """The class covariances C (None: the identity) the kernel is averaged over."""
    if isinstance(model, QuadraticTarget):
        return [None]
    return [np.asarray(model.Sigma) - np.asarray(model.Delta),      # y = +1 (exact below)
            np.asarray(model.Sigma) + np.asarray(model.Delta)]


# --------------------------------------------------------------------------------------------
# exact rationals (σ = u² + c, c rational)
# --------------------------------------------------------------------------------------------

def _exact(W: np.ndarray, model: QuadraticTarget | GaussianMixture, c: Any) -> Any:

    d, N = W.shape
    Wq = fmpq_matrix(W, "W")
    Wt = Wq.transpose()
    if isinstance(model, QuadraticTarget):
        Bq = fmpq_matrix(model.B, "B")
        G = Wt * Wq
        WBW = Wt * Bq * Wq
        mean = fmpq_of(model.b0) + sum((Bq[i, i] for i in range(d)), flint.fmpq(0))
        ey2 = mean * mean + 2 * sum((Bq[i, j] ** 2 for i in range(d) for j in range(d)),
                                    flint.fmpq(0))
        n = [G[i, i] for i in range(N)]
        K = [[(n[i] + c) * (n[j] + c) + 2 * G[i, j] ** 2 for j in range(N)] for i in range(N)]
        b = [2 * WBW[i, i] + mean * (n[i] + c) for i in range(N)]
    else:
        Sq, Dq = fmpq_matrix(model.Sigma, "Σ"), fmpq_matrix(model.Delta, "Δ")
        Gp, Gm = Wt * (Sq - Dq) * Wq, Wt * (Sq + Dq) * Wq
        half = flint.fmpq(1, 2)
        K = [[half * ((Gp[i, i] + c) * (Gp[j, j] + c) + 2 * Gp[i, j] ** 2
                      + (Gm[i, i] + c) * (Gm[j, j] + c) + 2 * Gm[i, j] ** 2)
              for j in range(N)] for i in range(N)]
        b = [half * (Gp[i, i] - Gm[i, i]) for i in range(N)]
        ey2 = flint.fmpq(1)
    aug = flint.fmpq_mat(N, N + 1, [v for i in range(N) for v in (*K[i], b[i])])
    R, rank = aug.rref()
    quad = flint.fmpq(0)
    for r in range(rank):
        piv = next(j for j in range(N + 1) if R[r, j] != 0)
        if piv == N:      # a row (0 … 0 | 1): b outside the range of K — impossible for a Gram
            raise ConvergenceError("internal error: b is not in the range of K",
                                   diagnostics={"rank": rank, "N": N})
        quad += b[piv] * R[r, N]
    return ey2 - quad


# --------------------------------------------------------------------------------------------
# balls (relu, |u|, or an irrational offset)
# --------------------------------------------------------------------------------------------

def _ball(W: np.ndarray, model: QuadraticTarget | GaussianMixture, kind: str, c_expr: sp.Expr) -> Any:

    d, N = W.shape
    c = arb_constant(c_expr)
    pi = arb.pi()
    Wa = arb_matrix(W, "W")
    Wt = Wa.transpose()
    Ks, ms, ns = [], [], []
    for C in _covariances(model):
        G = Wt * Wa if C is None else Wt * arb_matrix(C, "Σ ∓ Δ") * Wa
        n = [G[i, i] for i in range(N)]
        a = [v.sqrt() for v in n]
        if kind == "quadratic":
            m = n
            K = [[n[i] * n[j] + 2 * G[i, j] ** 2 for j in range(N)] for i in range(N)]
        else:
            m = [v / (2 * pi).sqrt() for v in a] if kind == "relu" else [v * (2 / pi).sqrt() for v in a]
            K = [[arb(0)] * N for _ in range(N)]
            for i in range(N):
                K[i][i] = n[i] / 2 if kind == "relu" else n[i]
                for j in range(i):
                    r = G[i, j] / (a[i] * a[j])
                    s = (1 - r * r).sqrt()
                    if kind == "relu":
                        v = a[i] * a[j] * (s + (pi - r.acos()) * r) / (2 * pi)
                    else:
                        v = 2 * a[i] * a[j] * (s + r * r.asin()) / pi
                    K[i][j] = K[j][i] = v
        Ks.append([[K[i][j] + c * (m[i] + m[j]) + c * c for j in range(N)] for i in range(N)])
        ms.append(m)
        ns.append(n)
    if isinstance(model, QuadraticTarget):
        Ba = arb_matrix(model.B, "B")
        WBW = Wt * Ba * Wa
        mean = arb_of(model.b0) + sum((Ba[i, i] for i in range(d)), arb(0))
        ey2 = mean * mean + 2 * sum((Ba[i, j] ** 2 for i in range(d) for j in range(d)), arb(0))
        K = Ks[0]
        if kind == "quadratic":
            b = [2 * WBW[i, i] + mean * ms[0][i] for i in range(N)]
        else:
            # b_i = q_i μ₂(a_i) + E[f*] μ₀(a_i) with q_i = w_iᵀBw_i/‖w_i‖² and, for relu and |u|,
            # μ₂(a) = μ₀(a) = m_i (module docstring)
            b = [(WBW[i, i] / ns[0][i] + mean) * ms[0][i] for i in range(N)]
        b = [b[i] + c * mean for i in range(N)]
    else:
        K = [[(Ks[0][i][j] + Ks[1][i][j]) / 2 for j in range(N)] for i in range(N)]
        b = [(ms[0][i] - ms[1][i]) / 2 for i in range(N)]
        ey2 = arb(1)
    Km = flint.arb_mat(N, N, [v for row in K for v in row])
    bm = flint.arb_mat(N, 1, b)
    sol = Km.solve(bm)
    return ey2 - sum((b[i] * sol[i, 0] for i in range(N)), arb(0))


# --------------------------------------------------------------------------------------------
# public
# --------------------------------------------------------------------------------------------

def _prepare(W_in: ArrayLike, model_in: Any, activation: ActivationLike
             ) -> tuple[np.ndarray, QuadraticTarget | GaussianMixture, str, sp.Expr]:
    model = _model(model_in)
    W = as_weights(W_in, model.d)
    check_limit("certified_order", W.shape[1], "width N of a certified RF risk (order of K)")
    check_limit("certified_order", W.shape[0], "dimension d of a certified RF risk")
    kind, c = _activation(activation)
    return W, model, kind, c


def rf_risk_exact(W: ArrayLike, model: QuadraticTarget | GaussianMixture,
                  activation: ActivationLike = "x^2-1") -> Fraction:
    r"""The exact RF risk :math:`E[y^2] - b^\top K^+ b` (eq. (4), class (2)) as a Fraction, for
    σ = u² + c with c rational (module docstring, first path).

    The float64 entries of W and of the model are read as exact binary numbers.

    Raises
    ------
    AssumptionError
        σ not of the form u² + c with c rational (use :func:`rf_risk_certified`).
    """
    W, model, kind, c = _prepare(W, model, activation)
    check(kind == "quadratic" and c.is_Rational,
          f"the exact rational RF risk needs σ = u² + c with c rational; got kind {kind!r}, "
          f"c = {c}", assumption="rational activation", fix="use rf_risk_certified (a ball)")
    return fraction_of(_exact(W, model, fmpq_of(Fraction(int(c.p), int(c.q)))))


def rf_risk_certified(W: ArrayLike, model: QuadraticTarget | GaussianMixture,
                      activation: ActivationLike = "x^2-1", *, dps: int = 30) -> Any:
    r"""A ball (``flint.arb``) containing the exact population RF risk
    :math:`R_{RF,N} = E[y^2] - b^\top K^+ b` (eq. (4); Theorem 1/Corollary 1 (qf) and
    Theorem 4 (mg) at finite d) of the given W, with ``dps`` correct digits.

    Parameters
    ----------
    W : array (d, N)
        First-layer weights (columns are the neurons), read as exact binary numbers; for the
        ball path the neurons must be non-zero (and K invertible: no repeated neurons).
    model : QuadraticTarget or GaussianMixture
        qf or mg (module docstring).
    activation : str or Activation
        σ = σ₀ + c with σ₀ ∈ {u², relu, |u|} (``"x^2-1"``, ``"relu"``, ``"relu_centered"``, …).
    dps : int
        Correct digits of the ball: radius ≤ 10^-dps·max(|risk|, 10^-dps·E y²)
        (:func:`lazysym.objects.balls.certify`).

    Returns
    -------
    flint.arb
        Contains the exact risk. ``float(ball.mid())`` agrees with :func:`lazysym.rf.rf_risk`
        to within the float64 solution's ``error_bound`` (tested).

    Raises
    ------
    AssumptionError
        Unsupported activation, a zero neuron on the ball path, sizes above
        ``LIMITS.certified_order``.
    ConvergenceError
        K could not be proved invertible / the ball not narrowed to ``dps`` digits (degenerate W).
    """
    dps = check_dps(dps)
    W, model, kind, c = _prepare(W, model, activation)
    ey2 = 1.0 if isinstance(model, GaussianMixture) else float(model.norm2)
    if kind == "quadratic" and c.is_Rational:
        exact = _exact(W, model, fmpq_of(Fraction(int(c.p), int(c.q))))
        return certify(lambda: arb_of(exact), dps=dps, scale=ey2, what="RF risk")
    if kind != "quadratic":
        norms = np.sum(W * W, axis=0)
        check(bool(np.all(norms > 0)), "certified relu/|u| RF risks need non-zero neurons "
              f"(column(s) {np.flatnonzero(norms == 0).tolist()} of W are 0)",
              assumption="w_i ≠ 0")
    try:
        return certify(lambda: _ball(W, model, kind, c), dps=dps, scale=ey2, what="RF risk")
    except AssumptionError:
        raise
    except (ValueError, ArithmeticError) as exc:  # flint's failures (non-finite ball, division by a
        # ball containing 0): an error with diagnostics; a programming error is not disguised
        raise ConvergenceError("the certified RF computation failed",
                               diagnostics={"error": repr(exc)}) from exc

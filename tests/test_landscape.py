"""Landscape of L(W, c) (§2.3, Proposition 1): critical points, closed-form Hessian spectra."""

import math

import numpy as np
import pytest

from lazysym.errors import AssumptionError
from lazysym.nn.landscape import (
    closed_form_spectrum,
    count_critical_families,
    critical_point,
    critical_points,
    family_member,
    hessian_spectrum,
    numeric_hessian_spectrum,
    strict_saddle_constants,
)
from lazysym.nn.loss import loss_gradient, loss_hessian, population_loss
from lazysym.objects.models import QuadraticTarget
from lazysym.testing import psd_with_spectrum

# Float64 eigvalsh of an (Nd+1)² Hessian with entries O(‖B‖·N) is accurate to ~1e-15·‖H‖; 1e-11
# (relative to the largest eigenvalue) leaves margin for the Nd+1 ≤ 40 sizes used here.
HTOL = 1e-11

CASES = {
    "distinct": ([2.0, 1.3, 0.7, 0.2], 2),
    "tie at the boundary": ([2.0, 1.4, 1.4, 0.5, 0.0], 2),
    "zero eigenvalues, N > rank": ([1.5, 0.5, 0.0, 0.0], 3),
    "N = 1": ([1.0, 0.6, 0.3], 1),
    "N ≥ d": ([1.2, 0.8, 0.4], 4),
    "all equal": ([1.0, 1.0, 1.0], 2),
    "indefinite": ([1.0, 0.4, -0.3, -1.1], 2),
}


def _target(lam, seed=0):
    return QuadraticTarget(psd_with_spectrum(lam, seed))


@pytest.mark.parametrize("name", list(CASES))
def test_closed_form_spectrum_matches_numeric(name):
    lam, N = CASES[name]
    t = _target(lam)
    cps = critical_points(t, N)
    assert len(cps) == cps.total == count_critical_families(t, N)
    rng = np.random.default_rng(1)
    for cp in cps:
        gW, gc = loss_gradient(cp.W, cp.c, t)
        assert max(np.abs(gW).max(), abs(gc)) < 1e-12 * max(1.0, t.norm2)
        # loss at a critical point: 2 Σ_{i∉S} λ_i²
        rest = [x for i, x in enumerate(t.eigenvalues) if i not in cp.S]
        assert cp.loss == pytest.approx(2 * sum(x * x for x in rest), rel=1e-12, abs=1e-13)
        closed = hessian_spectrum(t, cp.S, N)
        scale = max(1.0, abs(closed).max())
        assert np.abs(numeric_hessian_spectrum(cp.W, cp.c, t) - closed).max() < HTOL * scale
        W2, c2 = family_member(t, cp, rng)           # a random member of the same family
        assert population_loss(W2, c2, t) == pytest.approx(cp.loss, rel=1e-12, abs=1e-13)
        assert np.abs(numeric_hessian_spectrum(W2, c2, t) - closed).max() < HTOL * scale


def test_secular_roots_high_precision():
    # the (diag, c) block for S = {λ=2, λ=1}: 16 diag(2, 1, 0) + 2aaᵀ, a = (2√2, 2, 1)
    spec = closed_form_spectrum([2.0, 1.0, 0.5], (0, 1), 2, dps=40)
    roots = sorted(float(v) for v, m, lab in spec if "secular" in lab)
    a = np.array([2 * math.sqrt(2), 2.0, 1.0])
    ref = np.linalg.eigvalsh(np.diag([32.0, 16.0, 0.0]) + 2 * np.outer(a, a))
    assert np.allclose(roots, ref, rtol=1e-13)
    import mpmath
    with mpmath.workdps(40):
        for v, _m, lab in spec:
            if "secular" in lab:  # residual of the secular equation at 40 digits
                f = 1 - 2 / v + 8 * 2 / (32 - v) + 8 * 1 / (16 - v)
                assert abs(f) < mpmath.mpf(10) ** -30


def test_types_and_strict_saddle_signs():
    t = _target([2.0, 1.3, 0.7, 0.2])
    cps = critical_points(t, 2)
    kinds = [cp.kind for cp in cps]
    assert kinds[0] == "global minimum" and kinds.count("global minimum") == 1
    assert set(kinds[1:]) == {"strict saddle"}
    for cp in cps:
        lmin = numeric_hessian_spectrum(cp.W, cp.c, t)[0]
        if cp.kind == "strict saddle":
            assert lmin < -1.0  # the smallest gap here is 8·(0.7−1.3)... all ≤ −4.8
        else:
            # N = 2: the rotation W → WQ is a flat direction at the minimum, λ_min = 0
            assert abs(lmin) < HTOL * 100
    assert cps[0].loss == pytest.approx(2 * (0.7 ** 2 + 0.2 ** 2), rel=1e-12)


def test_global_minimum_has_positive_curvature_for_one_neuron():
    t = _target([1.0, 0.6, 0.3])
    cp = critical_points(t, 1)[0]
    lmin = numeric_hessian_spectrum(cp.W, cp.c, t)[0]
    assert cp.kind == "global minimum"
    # min of 8(λ₁ − λ₂) = 3.2 and the small root of [[24λ₁, 4√λ₁], [4√λ₁, 2]] (the w₁–c block)
    small = (26 - math.sqrt(22 ** 2 + 64)) / 2
    assert lmin == pytest.approx(min(8 * (1.0 - 0.6), small), rel=1e-10)
    assert lmin > 1.0


def test_enumeration_is_complete_newton_from_random_starts():
    """Independent check that no critical point is missed: Newton (Levenberg–Marquardt) on
    ∇L = 0 from random starts finds critical points of every kind; each must be one of the
    enumerated families (same loss and same Hessian spectrum)."""
    t = _target([2.0, 1.3, 0.7, 0.2], seed=3)
    N = 2
    cps = critical_points(t, N)
    losses = np.array([cp.loss for cp in cps])
    rng = np.random.default_rng(7)
    found = set()
    for _ in range(40):
        W = rng.standard_normal((4, N)) * rng.uniform(0.2, 1.5)
        c = rng.standard_normal()
        th = np.concatenate([W.T.ravel(), [c]])
        for _ in range(200):
            Wc, cc = th[:-1].reshape(N, 4).T, th[-1]
            gW, gc = loss_gradient(Wc, cc, t)
            g = np.concatenate([gW.T.ravel(), [gc]])
            if np.linalg.norm(g) < 1e-11:
                break
            H = loss_hessian(Wc, cc, t)
            th = th - np.linalg.solve(H.T @ H + 1e-10 * np.eye(len(th)), H.T @ g)
        if np.linalg.norm(g) < 1e-11:
            L = population_loss(Wc, cc, t)
            j = int(np.argmin(np.abs(losses - L)))
            assert abs(losses[j] - L) < 1e-9
            ref = hessian_spectrum(t, cps[j].S, N)
            assert np.abs(numeric_hessian_spectrum(Wc, cc, t) - ref).max() < 1e-7
            found.add(j)
    assert len(found) >= 4  # Newton reaches saddles too, not only the minimum


def test_proposition1_printed_fails_at_minima_corrected_holds():
    t = _target([2.0, 1.4, 1.4, 0.5, 0.0], seed=2)
    sc = strict_saddle_constants(t, 2, B0=1.2 * t.variance, rng=5)
    assert sc.delta == pytest.approx(8 * (1.4 - 2.0) * -1, rel=1e-9)  # deepest-shallow saddle: 4.8
    assert sc.min_curvature_at_minima >= -1e-12                     # ≥ 0: no δ > 0 works there
    # as printed: the points with ‖∇L‖ ≤ ε and λ_min ≥ −δ/2 include the minima (gradient at
    # round-off), so the largest admissible ε is at round-off level
    assert sc.eps_printed < 1e-10
    # corrected (exempting an η-neighbourhood of the minima): a macroscopic ε
    assert sc.eps > 1e-3
    assert "critical" in sc.sample.source and "flow" in sc.sample.source


def test_truncated_enumeration_and_cap():
    t = _target(np.linspace(2.0, 0.1, 14))
    total = count_critical_families(t, 7)
    assert total == sum(math.comb(14, r) for r in range(8))
    with pytest.raises(AssumptionError, match="enumeration cap"):
        critical_points(t, 7, limit=100)
    part = critical_points(t, 7, limit=100, truncate=True)
    assert len(part) == 100 and not part.complete and part.total == total
    assert part[0].kind == "global minimum"
    assert part[0].loss == pytest.approx(2 * np.sum(np.linspace(2.0, 0.1, 14)[7:] ** 2))


def test_bad_inputs():
    t = _target([1.0, 0.5, 0.0])
    with pytest.raises(AssumptionError, match=r"\|S\| ≤ N"):
        critical_point(t, (0, 1), 1)
    with pytest.raises(AssumptionError, match="positive eigenvalues"):
        critical_point(t, (2,), 1)
    with pytest.raises(AssumptionError, match="repeated"):
        critical_point(t, (0, 0), 2)
    with pytest.raises(AssumptionError, match="N ≥ 1"):
        critical_points(t, 0)
    with pytest.raises(AssumptionError, match="quadratic target"):
        critical_points(np.eye(3), 1)
    with pytest.raises(AssumptionError, match="descending"):
        closed_form_spectrum([0.1, 1.0], (1,), 1)
    with pytest.raises(AssumptionError, match="B ⪰ 0"):
        strict_saddle_constants(_target([1.0, -0.5]), 1, B0=10.0, rng=0)
    with pytest.raises(AssumptionError, match="empty"):
        strict_saddle_constants(_target([1.0, 0.5]), 1, B0=0.1, rng=0)
    with pytest.raises(AssumptionError, match="dps"):
        critical_points(t, 1, dps=0)


@pytest.mark.parametrize("name", list(CASES))
def test_lambda_min_fast_path_matches_full_spectrum(name):
    lam, N = CASES[name]
    t = _target(lam)
    for cp in critical_points(t, N):
        full = hessian_spectrum(t, cp.S, N)[0]
        assert cp.lambda_min == pytest.approx(full, rel=1e-12, abs=1e-12)


def test_single_critical_point_matches_enumeration():
    t = _target([2.0, 1.4, 1.4, 0.5, 0.0], seed=4)
    for cp in critical_points(t, 2):
        one = critical_point(t, cp.S, 2)
        assert (one.kind, one.family_dim, one.loss) == (cp.kind, cp.family_dim, cp.loss)
        assert one.lambda_min == cp.lambda_min

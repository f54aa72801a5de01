"""Bad input across the package, as one table: each call raises the package's error, whose
message names the violated assumption (never a NaN, a hang or a silent wrong number)."""

import numpy as np
import pytest

import lazysym as ls
from lazysym import nn, nt, rf
from lazysym.errors import AssumptionError, ConvergenceError
from lazysym.nn import landscape, loss, training
from lazysym.objects import activations, fixed_point, hermite, spectra

_B = np.diag([3.0, 2.0, 1.0])
_T = ls.QuadraticTarget(_B)
_W = np.ones((3, 2))
_MIX = ls.GaussianMixture(np.eye(3), 0.1 * np.eye(3))
_G93 = 0.93 * np.eye(3) / 3


def _linear():
    return activations.from_expr(2 * activations.x + 1, "affine")


BAD = [
    # (what, call, words the message must contain)
    ("non-square B", lambda: ls.QuadraticTarget(np.ones((2, 3))), ["square"]),
    ("non-symmetric B", lambda: ls.QuadraticTarget(np.array([[1.0, 2.0], [0.0, 1.0]])), ["symmetric"]),
    ("NaN in B", lambda: ls.QuadraticTarget(np.array([[np.nan]])), ["NaN"]),
    ("W of the wrong shape", lambda: loss.population_loss(np.ones((4, 2)), 0.0, _T), ["d×N"]),
    ("NaN in W", lambda: nt.nt_risk_quadratic(np.full((3, 2), np.nan), _T), ["NaN"]),
    ("negative dps", lambda: hermite.hermite_coefficient(activations.RELU, 2, dps=-3), ["dps"]),
    ("non-integer dps", lambda: hermite.hermite_coefficient(activations.RELU, 2, dps=2.5), ["dps"]),
    ("linear activation (A1)", lambda: hermite.check_a1(_linear()), ["A1"]),
    ("unknown activation", lambda: activations.activation("sigmoidish"), ["relu"]),
    ("ρ ≤ 0 for ψ", lambda: fixed_point.solve_psi(0, 0.5, 0.25, spectra.point_mass(1)), ["ρ"]),
    ("λ̃ ≤ 0 for ψ", lambda: fixed_point.solve_psi(1, 0.5, 0, spectra.point_mass(1)), ["λ̃"]),
    ("negative atom", lambda: spectra.Atoms([-1.0, 1.0]), ["≥ 0"]),
    ("weights not summing to 1", lambda: spectra.Atoms([1.0, 2.0], [0.3, 0.3]), ["1"]),
    ("Tr Γ ≠ 1 (A2)", lambda: spectra.check_a2(_G93), ["A2", "0.93"]),
    ("Corollary 1 with Tr Γ ≠ 1", lambda: rf.corollary1_risk(_B - np.eye(3) * 2, _G93, 1.0), ["A2"]),
    ("Theorem 4 with Tr ΓΣ ≠ 1 (B2)", lambda: rf.theorem4_risk(_MIX, _G93, 1.0), ["B2"]),
    ("Σ not positive definite (M1)", lambda: ls.GaussianMixture(-np.eye(2), 0 * np.eye(2)), ["M1"]),
    ("Σ ± Δ not a covariance", lambda: ls.GaussianMixture(np.eye(2), 2 * np.eye(2)), ["Δ"]),
    ("Theorem 3 with B not PSD",
     lambda: nn.theorem3_value(ls.QuadraticTarget(np.diag([1.0, -1.0])), 1), ["B ⪰ 0"]),
    ("N ≤ 0", lambda: nn.nn_risk_quadratic(_T, 0), ["N"]),
    ("critical points with N ≤ 0", lambda: landscape.critical_points(_T, 0), ["N"]),
    ("SGD step too large (divergence)", lambda: training.sgd(_T, _W, 0.0, step=10.0, steps=50, rng=0),
     ["step"]),
    ("SGD without a seed", lambda: training.sgd(_T, _W, 0.0, step=1e-3, steps=5, rng=None), ["seed"]),
]


@pytest.mark.parametrize("what, call, words", BAD, ids=[b[0] for b in BAD])
def test_bad_input_raises_the_package_error(what, call, words):
    with pytest.raises(AssumptionError) as info:
        call()
    msg = str(info.value)
    for w in words:
        assert w in msg, f"{what}: message {msg!r} does not mention {w!r}"


def test_convergence_error_is_the_package_error_with_diagnostics():
    with pytest.raises(ConvergenceError) as info:
        training.sgd(_T, _W, 0.0, step=10.0, steps=50, rng=0)
    assert isinstance(info.value, ValueError) and info.value.diagnostics

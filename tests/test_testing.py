"""lazysym.testing: the strategies validate their arguments (hypothesis InvalidArgument), draw
what they promise (PSD means PSD, shapes are consistent), and ``st.from_type`` works through the
hypothesis entry point.
"""

from __future__ import annotations

from importlib.metadata import entry_points

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from lazysym import testing as T
from lazysym.objects.models import GaussianMixture, QuadraticTarget

BAD_STRATEGY_ARGS = [
    (lambda: T.psd_matrices(3, min_value=-1.0), "min_value ≥ 0"),
    (lambda: T.spectra(3, min_value=2.0, max_value=1.0), "min_value must be ≤ max_value"),
    (lambda: T.spectra(3, max_value=float("nan")), "finite"),
    (lambda: T.spectra(3, min_value="0"), "real number"),
    (lambda: T.spectra(3, max_cond=2.0), "min_value > 0"),
    (lambda: T.spectra(3, min_value=1.0, max_cond=0.5), "max_cond"),
    (lambda: T.spectra(3, allow_ties="yes"), "allow_ties must be a bool"),
    (lambda: T.spectra(0), "d must be in"),
    (lambda: T.spectra(2.5), "d must be an integer"),
    (lambda: T.spectra(10 ** 6), "d must be in"),
    (lambda: T.orthogonal_matrices(-1), "d must be in"),
    (lambda: T.symmetric_matrices(3, bound=-1.0), "bound must be ≥ 0"),
    (lambda: T.weights(3, 0), "N must be in"),
    (lambda: T.weights(3, 2, scale=float("inf")), "finite"),
    (lambda: T.quadratic_targets(3, psd="no"), "psd must be a bool"),
    (lambda: T.quadratic_targets(3, max_value=-1.0), "max_value must be ≥ 0"),
    (lambda: T.gaussian_mixtures(3, sigma_cond=0.5), "sigma_cond"),
    (lambda: T.gaussian_mixtures(3, delta_fraction=1.0), "delta_fraction"),
    (lambda: T.targets_and_weights(3, "2"), "N must be an integer"),
]


@pytest.mark.parametrize("call, fragment", BAD_STRATEGY_ARGS)
def test_strategy_arguments_are_validated_on_call(call, fragment):
    with pytest.raises(InvalidArgument, match=fragment):
        call()


def test_dimension_strategies_are_validated_at_the_first_draw():
    @given(T.psd_matrices(st.just(0)))
    def draw(B):
        pass

    with pytest.raises(InvalidArgument, match="dimensions must be integers"):
        draw()


@given(T.psd_matrices(st.integers(1, 5), max_value=3.0))
def test_psd_matrices_are_psd(B):
    assert np.allclose(B, B.T)
    assert np.linalg.eigvalsh(B)[0] >= -1e-12 * max(1.0, np.abs(B).max())


def test_psd_matrices_negative_spectrum_was_indefinite():
    """The defect of issue 11 (a 'PSD' strategy returning an indefinite matrix) cannot recur:
    the argument is refused; the same spectrum through the symmetric strategy is indefinite."""
    with pytest.raises(InvalidArgument):
        T.psd_matrices(2, min_value=-1.0, max_value=-0.5)
    M = T.psd_with_spectrum([-1.0, -0.5], 0)
    assert np.linalg.eigvalsh(M)[-1] < 0


@given(T.spectra(st.integers(1, 6), min_value=0.5, max_value=2.0, max_cond=3.0))
def test_spectra_are_sorted_and_bounded(lam):
    assert np.all(np.diff(lam) <= 0)
    assert lam[-1] >= lam[0] / 3.0 - 1e-15 and lam[0] <= 2.0


@given(T.targets_and_weights(st.integers(1, 5), st.integers(1, 4)))
def test_targets_and_weights_share_d(pair):
    target, W = pair
    assert isinstance(target, QuadraticTarget) and W.shape[0] == target.d and W.shape[1] >= 1


@given(T.gaussian_mixtures(st.integers(1, 5)))
def test_mixtures_are_valid(mix):
    for y in (1, -1):
        assert np.linalg.eigvalsh(mix.covariance(y))[0] > 0


def test_entry_point_is_declared():
    names = {ep.value for ep in entry_points(group="hypothesis")}
    assert "lazysym.testing:_hypothesis_setup_hook" in names


@given(st.from_type(QuadraticTarget), st.from_type(GaussianMixture))
def test_from_type(target, mix):
    assert isinstance(target, QuadraticTarget) and isinstance(mix, GaussianMixture)
    assert not target.B.flags.writeable and not mix.Sigma.flags.writeable


@pytest.mark.parametrize("call, fragment", [
    (lambda: T.random_psd(3, 0, scale=-1.0), "scale > 0"),
    (lambda: T.random_psd(3, 0, rank=4), "rank ≤ d"),
    (lambda: T.psd_with_spectrum([], 0), "non-empty"),
    (lambda: T.random_weights(3, 2, -1), "seed ≥ 0"),
])
def test_plain_generators_refuse_bad_input(call, fragment):
    with pytest.raises(ValueError, match=fragment):
        call()

"""Shared test configuration: hypothesis profiles and a clean mpmath context per test."""

import os

# The suite works with many small matrices, where a multi-threaded BLAS only adds overhead (and
# on a loaded 2-core machine it was measured 10-100x slower: eigvalsh of 400x400 took 3.7 s with
# 2 OpenBLAS threads against 0.019 s with one). Set before numpy is first imported.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

import mpmath
import pytest
from hypothesis import HealthCheck, settings

# `ci` (default): deterministic and quick, for the default run and CI.
settings.register_profile("ci", max_examples=25, deadline=None, derandomize=True,
                          suppress_health_check=[HealthCheck.too_slow])
# `thorough`: deep local runs (HYPOTHESIS_PROFILE=thorough pytest).
settings.register_profile("thorough", max_examples=400, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(autouse=True)
def _reset_mpmath():
    """No precision leaks between tests: every test starts and ends at mpmath's defaults."""
    mpmath.mp.dps = 15
    yield
    assert mpmath.mp.dps == 15, "a function changed mpmath's global precision and did not restore it"
    mpmath.mp.dps = 15

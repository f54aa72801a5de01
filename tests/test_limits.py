"""lazysym.limits: every cap is enforced where the size enters, names itself, and can be raised.

Each row is a call whose size is one step above a cap: refused with the cap's name and the fix
(``limits.raised``); inside ``limits.raised(<cap>=...)`` the same call gets past that cap (it may
then run, or stop at a later check: what matters is that the cap was the reason).
"""

from __future__ import annotations

import numpy as np
import pytest

import lazysym as ls
from lazysym import limits
from lazysym._validate import check_dps
from lazysym.errors import AssumptionError
from lazysym.nn import landscape, training
from lazysym.objects import activations, expressions, gaussian, spectra
from lazysym.rf import exact as rx
from lazysym.rf import montecarlo as mc

_T = ls.QuadraticTarget(np.diag([3.0, 2.0, 1.0]))
_W = np.ones((3, 2))
_WIDE = ls.QuadraticTarget(np.diag(np.arange(1.0, 21.0)))
L = limits.LIMITS

CASES = [
    # (cap, value above the default, call(value))
    ("dps", L.dps + 1, lambda v: check_dps(v)),
    ("hermite_degree", L.hermite_degree + 1, lambda v: activations.Activation("p", activations.x ** v)),
    ("series_terms", L.series_terms + 1, lambda v: rx.rf_gram(_W, _T, "tanh", kmax=v)),
    ("expression_chars", L.expression_chars + 1,
     lambda v: expressions.parse_expression("1" * v)),
    ("exponent", L.exponent + 1, lambda v: expressions.parse_expression(f"x**{v}")),
    ("decimal_exponent", L.decimal_exponent + 1, lambda v: spectra.Atoms([f"1e-{v}", "1"])),
    ("spectrum_atoms", L.spectrum_atoms + 1, lambda v: spectra.Atoms(np.ones(v))),
    ("enumeration", L.enumeration + 1, lambda v: landscape.critical_points(_WIDE, 10, limit=None)),
    ("dimension", L.dimension + 1, lambda v: ls.paper_quadratic_target(v, 0)),
    ("samples", L.samples + 1, lambda v: mc.test_error_montecarlo(lambda X: X[:, 0], _T, v, 0)),
    ("iterations", L.iterations + 1,
     lambda v: training.sgd(_T, _W, 0.0, step=1e-3, steps=v, rng=0)),
]


@pytest.mark.parametrize("cap, value, call", CASES, ids=[c[0] for c in CASES])
def test_cap_refuses_and_names_itself(cap, value, call):
    with pytest.raises(AssumptionError) as info:
        call(value)
    assert info.value.assumption == f"limit {cap}"
    assert f"limits.raised({cap}=" in str(info.value)


# the calls that would then run for long (or allocate) are raised only for the check itself
_CHEAP_AFTER_RAISE = {"dps", "hermite_degree", "expression_chars", "exponent", "decimal_exponent"}


@pytest.mark.parametrize("cap, value, call", [c for c in CASES if c[0] in _CHEAP_AFTER_RAISE],
                         ids=[c[0] for c in CASES if c[0] in _CHEAP_AFTER_RAISE])
def test_raised_cap_lets_the_call_through(cap, value, call):
    with limits.raised(**{cap: value}):
        try:
            call(value)
        except AssumptionError as exc:      # a later check may still refuse, not this cap
            assert exc.assumption != f"limit {cap}"


def test_raised_restores_on_exit_and_on_error():
    before = L.dps
    with limits.raised(dps=before + 5) as lim:
        assert lim.dps == before + 5
        with limits.raised(dps=before + 7):
            assert L.dps == before + 7
        assert L.dps == before + 5
    assert L.dps == before
    with pytest.raises(RuntimeError), limits.raised(dps=before + 1):
        raise RuntimeError("inside")
    assert L.dps == before


@pytest.mark.parametrize("kwargs, fragment", [
    ({"foo": 1}, "unknown limit"), ({"dps": 0}, "positive integer"),
    ({"dps": 2.5}, "positive integer"), ({"dps": True}, "positive integer"),
])
def test_raised_refuses_bad_caps(kwargs, fragment):
    with pytest.raises(AssumptionError, match=fragment), limits.raised(**kwargs):
        pass


def test_check_limit_unknown_name():
    with pytest.raises(AssumptionError, match="unknown limit"):
        limits.check_limit("nope", 1, "x")


def test_issue_examples_are_refused():
    """The hangs of issue 11: a 13-character spectrum string and kmax = 10**9."""
    with pytest.raises(AssumptionError, match="decimal_exponent"):
        spectra.Atoms(["1e999999999"])
    with pytest.raises(AssumptionError, match="series_terms"):
        rx.rf_solve(_W, _T, "tanh", kmax=10 ** 9)
    with pytest.raises(AssumptionError, match="Wick pairings"):
        gaussian.expect_quadratic_forms([gaussian.symmetric_matrix("A", 3)] * 12)

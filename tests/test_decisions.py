"""The acceptance rules of :mod:`proofs_check.evidence.decisions`, each able to fail, and the
statistical tests at their designed level (checked by simulation with a CLT margin, seeded).
"""

import math

import numpy as np
import pytest
import sympy as sp

from proofs_check.evidence import decisions as D


def test_quantiles_match_tabulated_values():
    # N(0,1): 1.959963985 (97.5 %); Student t, 10 dof: 2.228138852 (97.5 %); 3 dof: 5.840909309 (99.5 %)
    assert D.z_quantile(0.025) == pytest.approx(1.959963985, abs=1e-8)
    assert D.t_quantile(0.025, 10) == pytest.approx(2.228138852, abs=1e-8)
    assert D.t_quantile(0.005, 3) == pytest.approx(5.840909309, abs=1e-8)
    assert D.t_quantile(0.025, 0) == D.z_quantile(0.025)
    with pytest.raises(ValueError):
        D.t_quantile(1.5, 3)


@pytest.mark.parametrize("rule", ["within", "one_sided"])
def test_false_rejection_rate_is_the_designed_level(rule):
    """Under the null (mean = target), 4000 tests at level 5 % with k = 5 normal draws reject
    5 % ± 4 CLT standard deviations (√(0.05·0.95/4000) = 0.34 %)."""
    rng = np.random.default_rng(12)
    alpha, n = 0.05, 4000
    draws = rng.standard_normal((n, 5)) + 1.0
    if rule == "within":
        rej = sum(not D.within(x, 1.0, alpha=alpha)["ok"] for x in draws)
    else:
        rej = sum(not D.one_sided(x, 1.0, alpha=alpha)["ok"] for x in draws)
    sd = math.sqrt(alpha * (1 - alpha) / n)
    assert abs(rej / n - alpha) < 4 * sd


def test_tests_reject_a_real_shift_and_accept_a_stated_bias():
    x = np.random.default_rng(3).standard_normal(50) * 0.01 + 1.1
    assert not D.within(x, 1.0)["ok"]                        # 10 % off, s.e. 0.0014
    assert D.within(x, 1.0, bias=0.11)["ok"]                 # explained by a stated bias
    assert not D.one_sided(x, 1.0)["ok"] and D.one_sided(x, 1.2)["ok"]
    assert not D.within([math.nan, 1.0], 1.0)["ok"]


def test_rate_fit_recovers_the_rate_with_a_covering_interval():
    ds = np.array([50, 100, 200, 400, 800])
    rng = np.random.default_rng(5)
    err = 2.0 / ds * (1 + 0.02 * rng.standard_normal(ds.size))
    fit = D.rate_fit(ds, err, 0.02 * 2.0 / ds)
    assert fit.lo <= 1.0 <= fit.hi and fit.hi - fit.lo < 0.3 and fit.resolved == 5
    assert D.rate_fit(ds, 3.0 * ds ** -1.0).rate == pytest.approx(1.0)
    assert D.rate_fit(ds[:2], err[:2]).rate is None          # fewer than 3 resolved points


def _draws(ds, limit, c=2.0, rate=1.0, noise=0.0005, seed=0):
    rng = np.random.default_rng(seed)
    return [limit + c * d ** -rate + noise * rng.standard_normal(8) for d in ds]


def test_asymptotic_rule_accepts_the_limit_and_rejects_wrong_ones():
    ds = [50, 100, 200, 400, 800]
    def bias(d):                                              # the stated o(1) size
        return 3.0 / d
    exact = _draws(ds, 0.3)
    good = D.asymptotic(ds, exact, [0.3] * 5, bias=bias, bias_note="3/d")
    assert good.agrees and good.kind == "asymptotic" and all(good.criteria.values())
    # 3 % off: outside bias + noise at the largest d
    off = D.asymptotic(ds, exact, [0.31] * 5, bias=bias, bias_note="3/d")
    assert not off.agrees and not off.criteria["within_bias"]
    # a plateau inside a generous bias: caught by the rate criterion
    flat = [0.3 + 0.01 + 0.0005 * np.random.default_rng(d).standard_normal(8) for d in ds]
    pl = D.asymptotic(ds, flat, [0.3] * 5, bias=lambda d: 0.05, bias_note="0.05")
    assert not pl.agrees and not pl.criteria["converging"] and pl.criteria["within_bias"]
    # exact at every d: an identity
    same = D.asymptotic(ds, [np.full(3, 0.3)] * 5, [0.3] * 5, bias=bias, bias_note="3/d")
    assert same.agrees and same.kind == "identity"
    # "exact at every d" means round-off (1e-12), not a small constant offset
    small = D.asymptotic(ds, [np.full(3, 0.305)] * 5, [0.3] * 5, bias=lambda d: 1e-4, bias_note="")
    assert not small.agrees and small.kind == "asymptotic"
    assert not D.asymptotic(ds, exact, [math.nan] * 5, bias=bias, bias_note="").agrees


@pytest.mark.parametrize("seed", range(1, 6))
def test_asymptotic_rule_does_not_flip_with_the_seed(seed):
    ds = [50, 100, 200, 400, 800]
    out = D.asymptotic(ds, _draws(ds, 0.3, seed=seed), [0.3] * 5, bias=lambda d: 3.0 / d,
                       bias_note="3/d")
    assert out.agrees


def test_values_and_symbolic_rules():
    assert D.values([1.0, 2.0], [1.0, 2.0 + 1e-15], rtol=1e-14).agrees
    assert not D.values([1.0, 2.0], [1.0, 2.01], rtol=1e-3).agrees
    assert not D.values([math.nan], [1.0], rtol=1).agrees
    assert not D.values([1.0, 2.0], [1.0], rtol=1).agrees
    x = sp.Symbol("x")
    ok = D.symbolic((x + 1) ** 2, x ** 2 + 2 * x + 1)
    assert ok.agrees and ok.strength == "proved"
    assert not D.symbolic((x + 1) ** 2, x ** 2 + 1).agrees

"""`pytest --proofs-check`: one item per claim, failing when a verdict leaves the ledger, -k by id.

Run with pytester on a fake registry (a conftest that swaps the registry's claims for three
small ones and restores them), so no real claim runs.
"""

import pytest

pytest_plugins = ("pytester",)

CONFTEST = '''
import pytest
from proofs_check import registry as R
from proofs_check.evidence import decisions as L

def _claim(cid, value, corrected=None):
    return R.Claim(id=cid, source="test", statement="1/2", method="exact",
                   printed=lambda: value, corrected=corrected,
                   corrected_statement=None if corrected is None else "c",
                   evidence=lambda ctx: 1 / 3 + 1 / 6,
                   compare=lambda f, data, ctx: L.values([f()], [data], rtol=1e-14))

def _boom(ctx):
    raise ZeroDivisionError("evidence broke")

_saved = {}

def pytest_configure(config):
    _saved.update(registry=R.REGISTRY, load=R._load)
    R.REGISTRY = {}
    R._load = lambda: None
    R.register(_claim("fake.holds", 0.5))
    R.register(_claim("fake.erratum", 0.6, corrected=lambda: 0.5))
    R.register(_claim("fake.drifted", 0.6))          # inconclusive: the ledger says holds
    R.register(R.Claim(id="fake.raises", source="t", statement="x", method="m",
                       printed=lambda: 0.5, evidence=_boom,
                       compare=lambda f, data, ctx: L.values([f()], [data], rtol=1e-14)))

def pytest_unconfigure(config):
    R.REGISTRY = _saved["registry"]
    R._load = _saved["load"]
'''

LEDGER = '''
"fake.holds" = { verdict = "holds", strength = "numerical" }
"fake.erratum" = { verdict = "erratum", strength = "numerical" }
"fake.drifted" = { verdict = "holds", strength = "numerical" }
"fake.raises" = { verdict = "holds", strength = "numerical" }
'''


@pytest.fixture
def fake(pytester):
    pytester.makeconftest(CONFTEST)
    pytester.path.joinpath("ledger.toml").write_text(LEDGER)
    return pytester


def test_one_item_per_claim_and_failures_say_why(fake):
    res = fake.runpytest("--proofs-check", "--proofs-check-ledger", "ledger.toml", "-v")
    res.assert_outcomes(passed=2, failed=2)
    res.stdout.fnmatch_lines(["*collected 4 items*",
                              "proofs-check::fake.holds PASSED*",
                              "proofs-check::fake.erratum PASSED*",
                              "proofs-check::fake.drifted FAILED*",
                              "proofs-check::fake.raises FAILED*"])
    res.stdout.fnmatch_lines(["*fake.drifted: inconclusive · numerical*but the ledger expects "
                              "holds · numerical*"])
    res.stdout.fnmatch_lines(["*fake.raises: internal error: check raised ZeroDivisionError*"])
    assert res.ret == pytest.ExitCode.TESTS_FAILED


def test_k_selects_by_claim_id(fake):
    res = fake.runpytest("--proofs-check", "--proofs-check-ledger", "ledger.toml",
                         "-k", "fake.erratum or holds")
    res.assert_outcomes(passed=2, deselected=2)


def test_without_the_option_nothing_is_collected(fake):
    fake.makepyfile(test_x="def test_x():\n    pass\n")
    res = fake.runpytest()
    res.assert_outcomes(passed=1)
    assert "proofs-check::" not in res.stdout.str()


def test_missing_ledger_entry_fails(fake):
    fake.path.joinpath("short.toml").write_text('"fake.holds" = { verdict = "holds", '
                                                'strength = "numerical" }\n')
    res = fake.runpytest("--proofs-check", "--proofs-check-ledger", "short.toml", "-k", "erratum")
    res.assert_outcomes(failed=1, deselected=3)
    res.stdout.fnmatch_lines(["*the ledger has no entry for it*"])


@pytest.mark.parametrize("args", [["--proofs-check-seed", "-1"], ["--proofs-check-dps", "0"],
                                  ["--proofs-check-ledger", "nope.toml"]])
def test_bad_options_are_usage_errors(fake, args):
    res = fake.runpytest("--proofs-check", *args)
    assert res.ret == pytest.ExitCode.USAGE_ERROR

"""The paper's claims as pytest items: ``pytest --proofs-check``.

Installed with lazysym (entry point ``pytest11``), inactive unless asked for. With
``--proofs-check``, pytest collects one item per registered claim, named by its id
(``proofs-check::thm2``), in the paper's order; an item fails when the claim's verdict or its
strength leaves the ledger, or when its check raises (an internal error). Select claims with
``-k`` (``pytest --proofs-check -k "thm2 or eq13"``). Options::

    --proofs-check            collect the claims
    --proofs-check-thorough   larger d, more draws
    --proofs-check-dps N      mpmath digits (default 30)
    --proofs-check-seed S     seed of every random draw (default 0)
    --proofs-check-ledger F   a ledger (TOML, as proofs_check/ledger.toml) to hold the verdicts to
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

__all__ = ["ClaimFailed", "ClaimItem", "ClaimsCollector"]


class ClaimFailed(AssertionError):
    """A claim's verdict left the ledger, or its check raised."""


def pytest_addoption(parser: pytest.Parser) -> None:
    """The ``--proofs-check`` options."""
    g = parser.getgroup("proofs-check", "the claims of Ghorbani et al. (NeurIPS 2019) as test items")
    g.addoption("--proofs-check", action="store_true", default=False,
                help="collect one test item per claim of proofs-check (select with -k ID)")
    g.addoption("--proofs-check-thorough", action="store_true", default=False,
                help="run the claims at their thorough sizes")
    g.addoption("--proofs-check-dps", type=int, default=30, metavar="N",
                help="mpmath digits for the formulas (default 30)")
    g.addoption("--proofs-check-seed", type=int, default=0, metavar="S",
                help="seed of every random draw (default 0)")
    g.addoption("--proofs-check-ledger", default=None, metavar="FILE",
                help="ledger to hold the verdicts to (default: proofs_check/ledger.toml)")


def pytest_configure(config: pytest.Config) -> None:
    """Refuse bad option values up front (a usage error, before anything runs)."""
    if not config.getoption("proofs_check", default=False):
        return
    if config.getoption("proofs_check_dps") < 1:
        raise pytest.UsageError("--proofs-check-dps must be ≥ 1")
    if config.getoption("proofs_check_seed") < 0:
        raise pytest.UsageError("--proofs-check-seed must be ≥ 0")
    ledger = config.getoption("proofs_check_ledger")
    if ledger is not None and not Path(ledger).is_file():
        raise pytest.UsageError(f"--proofs-check-ledger {ledger!r}: no such file")


class ClaimsCollector(pytest.Collector):
    """The collector of the claim items (a child of the session named ``proofs-check``)."""

    def collect(self) -> list[pytest.Item | pytest.Collector]:
        """One :class:`ClaimItem` per registered claim, in registration (the paper's) order."""
        from proofs_check import registry
        return [ClaimItem.from_parent(self, name=c.id) for c in registry.all_claims()]


class ClaimItem(pytest.Item):
    """One claim: passes when its verdict and strength are the ledger's."""

    def runtest(self) -> None:
        """Run the claim's check (:func:`proofs_check.registry.run_claim`) and compare."""
        from proofs_check import ledger, registry
        cfg = self.config
        path = cfg.getoption("proofs_check_ledger")
        expected = ledger.load_ledger(Path(path) if path else None).get(self.name)
        ctx = registry.Context(dps=cfg.getoption("proofs_check_dps"),
                               seed=cfg.getoption("proofs_check_seed"),
                               thorough=cfg.getoption("proofs_check_thorough"))
        out = registry.run_claim(registry.get(self.name), ctx)
        self.user_properties.append(("verdict", out.verdict))
        self.user_properties.append(("strength", out.strength))
        if out.error is not None:
            raise ClaimFailed(f"{self.name}: internal error: {out.note}\n{out.error}")
        got = {"verdict": out.verdict, "strength": out.strength}
        if expected is None:
            raise ClaimFailed(f"{self.name}: {out.verdict} · {out.strength}, but the ledger has "
                              f"no entry for it")
        if got != expected:
            raise ClaimFailed(f"{self.name}: {out.verdict} · {out.strength} ({out.note}), but the "
                              f"ledger expects {expected['verdict']} · {expected['strength']}")

    def repr_failure(self, excinfo: Any, style: Any = None) -> str:
        """The failure's message (no traceback of the plugin itself)."""
        if isinstance(excinfo.value, ClaimFailed):
            return str(excinfo.value)
        return str(super().repr_failure(excinfo, style=style))

    def reportinfo(self) -> tuple[Any, int | None, str]:
        """Where the item comes from (its node id names the claim)."""
        return self.path, None, ""


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config,
                                  items: list[pytest.Item]) -> None:
    """Append the claim items (before ``-k``/``-m`` deselection, which runs after this)."""
    if not config.getoption("proofs_check", default=False):
        return
    collector = ClaimsCollector.from_parent(session, name="proofs-check", nodeid="proofs-check")
    claims = collector.collect()
    # reported as collected (the terminal's "collected N items" counts them)
    config.hook.pytest_collectreport(report=pytest.CollectReport(collector.nodeid, "passed",
                                                                 None, list(claims)))
    items.extend(c for c in claims if isinstance(c, pytest.Item))

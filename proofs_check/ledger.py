"""The checked-in ledger of expected verdicts (``proofs_check/ledger.toml``: ``"id" = "verdict"``)."""

from __future__ import annotations

import tomllib
from pathlib import Path

from .registry import VERDICTS

__all__ = ["LEDGER_PATH", "load_ledger"]

LEDGER_PATH = Path(__file__).with_name("ledger.toml")


def load_ledger(path: Path | None = None) -> dict[str, str]:
    """Expected verdict per claim id; refuses an unknown verdict."""
    data = tomllib.loads(Path(path or LEDGER_PATH).read_text(encoding="utf-8"))
    for cid, v in data.items():
        if v not in VERDICTS:
            raise ValueError(f"ledger: claim {cid!r} has unknown verdict {v!r}; valid: {VERDICTS}")
    return data

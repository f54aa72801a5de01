"""The checked-in ledger of expected verdicts and their strengths (``proofs_check/ledger.toml``).

One table entry per claim::

    "thm2" = { verdict = "holds asymptotically", strength = "proved" }

A run matches the ledger when both the verdict and its strength are as recorded.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from .registry import STRENGTHS, VERDICTS

__all__ = ["LEDGER_PATH", "load_ledger"]

LEDGER_PATH = Path(__file__).with_name("ledger.toml")


def load_ledger(path: Path | None = None) -> dict[str, dict[str, str]]:
    """Expected ``{"verdict": ..., "strength": ...}`` per claim id; refuses unknown values."""
    data = tomllib.loads(Path(path or LEDGER_PATH).read_text(encoding="utf-8"))
    out = {}
    for cid, entry in data.items():
        if not isinstance(entry, dict) or set(entry) != {"verdict", "strength"}:
            raise ValueError(f"ledger: claim {cid!r} must be {{ verdict = ..., strength = ... }}; "
                             f"got {entry!r}")
        if entry["verdict"] not in VERDICTS:
            raise ValueError(f"ledger: claim {cid!r} has unknown verdict {entry['verdict']!r}; "
                             f"valid: {VERDICTS}")
        if entry["strength"] not in STRENGTHS:
            raise ValueError(f"ledger: claim {cid!r} has unknown strength {entry['strength']!r}; "
                             f"valid: {STRENGTHS}")
        out[cid] = {"verdict": entry["verdict"], "strength": entry["strength"]}
    return out

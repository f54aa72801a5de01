"""The package's one exception type.

Every check of user input raises :class:`AssumptionError` (a :class:`ValueError`), whose
message names the violated assumption (A1, A2, B2, M1, M2, ``B ⪰ 0``, ...) and what to do.
Non-convergence of an iterative method raises :class:`ConvergenceError`, a subclass that
carries the diagnostics (last bracket, residual, tolerance).
"""

from __future__ import annotations

__all__ = ["AssumptionError", "ConvergenceError", "check"]


class AssumptionError(ValueError):
    """Input violates an assumption of the paper or of the function.

    Parameters
    ----------
    message:
        What is wrong, with the offending value (``"got 0.93"``).
    assumption:
        The assumption's name as the paper writes it (``"A2"``, ``"M1"``, ``"B ⪰ 0"``), or a
        short description of the requirement (``"B symmetric"``).
    fix:
        What the caller can do about it.
    """

    def __init__(self, message: str, *, assumption: str | None = None, fix: str | None = None):
        self.assumption = assumption
        self.fix = fix
        text = message
        if assumption:
            text = f"[{assumption}] {text}"
        if fix:
            text = f"{text} Fix: {fix}"
        super().__init__(text)


class ConvergenceError(AssumptionError):
    """An iterative method did not reach its tolerance; ``diagnostics`` says how far it got."""

    def __init__(self, message: str, *, diagnostics: dict | None = None, fix: str | None = None):
        self.diagnostics = dict(diagnostics or {})
        detail = ", ".join(f"{k}={v}" for k, v in self.diagnostics.items())
        super().__init__(f"{message} ({detail})" if detail else message,
                         assumption="convergence", fix=fix)


def check(condition: bool, message: str, *, assumption: str | None = None,
          fix: str | None = None) -> None:
    """Raise :class:`AssumptionError` with ``message`` unless ``condition`` holds."""
    if not condition:
        raise AssumptionError(message, assumption=assumption, fix=fix)

"""The package's one exception type.

Every check of user input raises :class:`AssumptionError` (a :class:`ValueError`), whose
message names the violated assumption (A1, A2, B2, M1, M2, ``B ⪰ 0``, ...) and what to do.
Non-convergence of an iterative method raises :class:`ConvergenceError`, a subclass that
carries the diagnostics (last bracket, residual, tolerance). An argument of the wrong *type*
raises :class:`InputTypeError`, which is both a :class:`TypeError` (what Python code expects for
a wrong type) and an :class:`AssumptionError` (so ``except AssumptionError`` still catches every
bad input of the package); numpy's ``AxisError`` (a ValueError and an IndexError) is the model.
"""

from __future__ import annotations

__all__ = ["AssumptionError", "ConvergenceError", "InputTypeError", "check", "check_type"]


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


class InputTypeError(AssumptionError, TypeError):
    """An argument has the wrong type; the message names the expected type and the one given."""


def check_type(condition: bool, name: str, expected: str, value: object, *,
               assumption: str | None = None) -> None:
    """Raise :class:`InputTypeError` ("``name`` must be <expected>; got <type> <value>") unless
    ``condition`` holds. ``assumption`` defaults to ``"<name> type"``.
    """
    if not condition:
        raise InputTypeError(f"{name} must be {expected}; got {_describe(value)}",
                             assumption=assumption or f"{name} type")


def _describe(value: object) -> str:
    try:
        text = repr(value)
    except Exception:  # e.g. an int above Python's 4300-digit str limit
        text = "<unprintable>"
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{type(value).__name__} {text}"


def check(condition: bool, message: str, *, assumption: str | None = None,
          fix: str | None = None) -> None:
    """Raise :class:`AssumptionError` with ``message`` unless ``condition`` holds."""
    if not condition:
        raise AssumptionError(message, assumption=assumption, fix=fix)

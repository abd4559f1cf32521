"""The one error `qic()` raises for input it cannot chart."""

from __future__ import annotations


class SpcInputError(ValueError):
    """Input that is inconsistent or cannot be charted. `argument` names the offending
    argument of `qic()` (e.g. ``"n"``), and the message says why."""

    def __init__(self, argument: str, reason: str) -> None:
        self.argument = argument
        self.reason = reason
        super().__init__(f"{argument}: {reason}")

"""Errors for bad input. Each names the instrument and the item, so the message can be
shown next to the item that was wrong."""


class ScoringError(ValueError):
    """Base class: the answers cannot be scored as given."""


class UnknownInstrument(ScoringError):
    def __init__(self, instrument: str):
        self.instrument = instrument
        super().__init__(f"Unknown instrument {instrument!r}.")


class InvalidAnswer(ScoringError):
    """An answer to one item is wrong; `item` names it."""

    def __init__(self, instrument: str, item: str, message: str):
        self.instrument = instrument
        self.item = item
        super().__init__(f"{instrument} item {item}: {message}")


class UnknownItem(InvalidAnswer):
    def __init__(self, instrument: str, item: str):
        super().__init__(instrument, item, "is not an item of this instrument.")


class ValueOutOfRange(InvalidAnswer):
    def __init__(self, instrument: str, item: str, value: object, allowed: str):
        self.value = value
        super().__init__(instrument, item, f"{value!r} is not allowed; expected {allowed}.")


class MissingItem(InvalidAnswer):
    def __init__(self, instrument: str, item: str):
        super().__init__(instrument, item, "is required and has no answer.")

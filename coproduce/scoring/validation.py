"""Checking answers against an instrument's items before scoring."""

from __future__ import annotations

import math
from collections.abc import Mapping

from coproduce.scoring.errors import MissingItem, UnknownItem, ValueOutOfRange
from coproduce.scoring.types import InstrumentSpec


def as_number(spec: InstrumentSpec, item_id: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValueOutOfRange(spec.code, item_id, value, spec.item(item_id).allowed_text())
    try:
        number = float(value)
    except ValueError:
        raise ValueOutOfRange(
            spec.code, item_id, value, spec.item(item_id).allowed_text()
        ) from None
    if not math.isfinite(number):
        raise ValueOutOfRange(spec.code, item_id, value, spec.item(item_id).allowed_text())
    return number


def validated_answers(spec: InstrumentSpec, answers: Mapping[str, object]) -> dict[str, float]:
    """The answers as numbers, every item checked. `None` means not answered.

    Raises UnknownItem, ValueOutOfRange or MissingItem naming the item. Items that are not
    required may be left out; the scorer applies the manual's missing-data rule.
    """
    clean: dict[str, float] = {}
    for item_id, value in answers.items():
        item = spec.item(item_id)
        if item is None:
            raise UnknownItem(spec.code, item_id)
        if value is None or value == "":
            continue
        number = as_number(spec, item_id, value)
        if not item.accepts(number):
            raise ValueOutOfRange(spec.code, item_id, value, item.allowed_text())
        clean[item_id] = number
    for item in spec.items:
        if item.required and item.id not in clean:
            raise MissingItem(spec.code, item.id)
    return clean

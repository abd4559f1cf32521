"""Checking and normalising the arguments of `qic()` into raw rows.

Every problem raises `SpcInputError` naming the argument and the reason. Missing values may
be given as None or NaN; they become NaN here. Positions (`part`, `freeze`, `exclude`) are
1-based, as in R, and count subgroups after aggregation and sorting.
"""

from __future__ import annotations

import datetime as dt
import math
import numbers
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np

from .errors import SpcInputError
from .periods import PERIOD_ALIASES

AGGREGATES = ("mean", "median", "sum", "sd")
METHODS = ("anhoej", "bestbox", "cutbox")
X_NUMBER, X_DATE, X_DATETIME, X_TEXT = "number", "date", "datetime", "text"


@dataclass(frozen=True)
class RawRows:
    """The input rows, one per y value. `x` holds None for a missing x."""

    x: tuple[Any, ...]
    x_kind: str
    y: tuple[float, ...]
    n: tuple[float, ...] | None
    cl: tuple[float, ...]
    target: tuple[float, ...]
    notes: tuple[str, ...]
    facet1: tuple[Any, ...]
    facet2: tuple[Any, ...]


def _is_sequence(value: object) -> bool:
    return isinstance(value, Sequence | np.ndarray | range) and not isinstance(value, str | bytes)


def _sequence(value: object, argument: str) -> list[Any]:
    if not _is_sequence(value):
        raise SpcInputError(argument, f"expected a list of values, got {type(value).__name__}")
    return list(value)  # type: ignore[call-overload]


def _number(value: object, argument: str, position: int | None = None) -> float:
    """A number as float: None and NaN are missing (NaN); True/False count as 1/0."""
    where = f"item {position} " if position is not None else ""
    if value is None:
        return math.nan
    if isinstance(value, bool | np.bool_):
        return float(value)
    if isinstance(value, numbers.Real | Decimal):
        return float(value)
    raise SpcInputError(argument, f"{where}is {value!r}, not a number")


def _numbers(value: object, argument: str) -> list[float]:
    return [_number(v, argument, i) for i, v in enumerate(_sequence(value, argument), start=1)]


def _per_row(value: object, argument: str, length: int) -> list[float]:
    """A scalar recycled to every row, or one value per row; None means not given."""
    if value is None:
        return [math.nan] * length
    if not _is_sequence(value):
        return [_number(value, argument)] * length
    values = _numbers(value, argument)
    if len(values) != length:
        raise SpcInputError(argument, f"has {len(values)} values but y has {length}")
    return values


def _x_kind(value: object, position: int) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, bool | np.bool_):
        raise SpcInputError("x", f"item {position} is {value!r}; x must be numbers, dates or text")
    if isinstance(value, numbers.Real | Decimal):
        return X_NUMBER
    if isinstance(value, dt.datetime):
        return X_DATETIME
    if isinstance(value, dt.date):
        return X_DATE
    if isinstance(value, str):
        return X_TEXT
    raise SpcInputError("x", f"item {position} is {value!r}; x must be numbers, dates or text")


def parse_x(x: object, length: int) -> tuple[list[Any], str]:
    """x values (None for missing) and their one kind; 1..N when x is not given."""
    if x is None:
        return list(range(1, length + 1)), X_NUMBER
    values = _sequence(x, "x")
    if len(values) != length:
        raise SpcInputError("x", f"has {len(values)} values but y has {length}")
    kinds = {}
    parsed = []
    for position, value in enumerate(values, start=1):
        kind = _x_kind(value, position)
        if kind is None:
            parsed.append(None)
            continue
        kinds.setdefault(kind, position)
        if isinstance(value, np.generic):
            value = value.item()  # plain Python values in the records
        parsed.append(float(value) if isinstance(value, Decimal) else value)
    if len(kinds) > 1:
        described = ", ".join(f"{kind} (first at item {pos})" for kind, pos in kinds.items())
        raise SpcInputError("x", f"mixes kinds of values: {described}")
    kind = next(iter(kinds), X_NUMBER)
    if kind == X_DATETIME:
        aware = {value.tzinfo is not None for value in parsed if value is not None}
        if len(aware) > 1:
            raise SpcInputError("x", "mixes datetimes with and without a time zone")
    return parsed, kind


def parse_notes(notes: object, length: int) -> list[str]:
    if notes is None:
        return [""] * length
    values = _sequence(notes, "notes")
    if len(values) != length:
        raise SpcInputError("notes", f"has {len(values)} values but y has {length}")
    parsed = []
    for position, value in enumerate(values, start=1):
        if value is not None and not isinstance(value, str):
            raise SpcInputError("notes", f"item {position} is {value!r}, not text")
        parsed.append(value or "")
    return parsed


def _facet_labels(values: object, length: int, argument: str) -> list[Any]:
    labels = _sequence(values, argument)
    if len(labels) != length:
        raise SpcInputError(argument, f"has {len(labels)} labels but y has {length}")
    parsed, kinds = [], set()
    for position, label in enumerate(labels, start=1):
        if isinstance(label, np.generic):
            label = label.item()
        if label is None or (isinstance(label, float) and math.isnan(label)):
            parsed.append(None)
            continue
        if isinstance(label, bool) or not isinstance(label, str | numbers.Real):
            raise SpcInputError(argument, f"item {position} is {label!r}; use text or numbers")
        kinds.add(str if isinstance(label, str) else float)
        parsed.append(label)
    if len(kinds) > 1:
        raise SpcInputError(argument, "mixes text and numbers")
    return parsed


def parse_facets(facets: object, length: int) -> tuple[list[Any], list[Any]]:
    """One label per row (facet1), or a pair of such lists (facet1, facet2), as
    qicharts2's `facets = ~ a` and `facets = a ~ b`; without facets every row is in 1, 1."""
    if facets is None:
        return [1] * length, [1] * length
    values = _sequence(facets, "facets")
    if len(values) == 2 and all(_is_sequence(v) for v in values):
        return _facet_labels(values[0], length, "facets"), _facet_labels(
            values[1], length, "facets"
        )
    return _facet_labels(values, length, "facets"), [1] * length


def parse_rows(
    *,
    y: object,
    x: object,
    n: object,
    cl: object,
    target: object,
    notes: object,
    facets: object = None,
) -> RawRows:
    """Check y, x, n, cl, target and notes against each other and normalise them."""
    y_values = _numbers(y, "y")
    if not y_values:
        raise SpcInputError("y", "is empty; a chart needs at least one value")
    length = len(y_values)
    x_values, x_kind = parse_x(x, length)
    n_values = None
    if n is not None:
        n_values = _numbers(n, "n")
        if len(n_values) != length:
            raise SpcInputError("n", f"has {len(n_values)} values but y has {length}")
        negative = [i for i, v in enumerate(n_values, start=1) if v < 0]
        if negative:
            raise SpcInputError("n", f"denominators cannot be negative (item {negative[0]})")
        # Rows missing either y or n are missing both (R's complete.cases).
        for i, (y_value, n_value) in enumerate(zip(y_values, n_values, strict=True)):
            if math.isnan(y_value) or math.isnan(n_value):
                y_values[i] = n_values[i] = math.nan
    facet1, facet2 = parse_facets(facets, length)
    return RawRows(
        x=tuple(x_values),
        x_kind=x_kind,
        y=tuple(y_values),
        n=tuple(n_values) if n_values is not None else None,
        cl=tuple(_per_row(cl, "cl", length)),
        target=tuple(_per_row(target, "target", length)),
        notes=tuple(parse_notes(notes, length)),
        facet1=tuple(facet1),
        facet2=tuple(facet2),
    )


def _position(value: object, argument: str) -> int:
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real):
        raise SpcInputError(argument, f"{value!r} is not a position (a whole number)")
    if math.isnan(float(value)) or float(value) != int(value):
        raise SpcInputError(argument, f"{value!r} is not a position (a whole number)")
    if value < 0:
        raise SpcInputError(argument, f"positions count from 1; {int(value)} is negative")
    return int(value)


def parse_positions(value: object, argument: str) -> list[int]:
    """One position or a list of them (1-based subgroup positions)."""
    if _is_sequence(value):
        return [_position(v, argument) for v in _sequence(value, argument)]
    return [_position(value, argument)]


def part_breaks(part: object, rows: RawRows) -> list[int]:
    """Break positions: `part = k` ends a phase after subgroup k. Text labels, one per row,
    start a new phase where a new label first appears (by the first row of each distinct x,
    in row order; a label that comes back joins the phase before it, as in qicharts2)."""
    if part is None:
        return []
    if _is_sequence(part):
        values = _sequence(part, "part")
        if values and all(v is None or isinstance(v, str) for v in values):
            return _label_breaks(values, rows)
    return parse_positions(part, "part")


def _label_breaks(labels: list[str | None], rows: RawRows) -> list[int]:
    if len(labels) != len(rows.y):
        raise SpcInputError("part", f"has {len(labels)} labels but y has {len(rows.y)}")
    seen_x: set[Any] = set()
    first_labels = []
    for x_value, label in zip(rows.x, labels, strict=True):
        key = _x_key(x_value)
        if key in seen_x:
            continue
        seen_x.add(key)
        first_labels.append(label)
    breaks = []
    seen_labels: set[str | None] = set()
    for position, label in enumerate(first_labels):
        if label not in seen_labels:
            seen_labels.add(label)
            if position > 0:
                breaks.append(position)
    return breaks


def _x_key(value: Any) -> Any:
    return ("missing",) if value is None else value


def parse_choice(value: object, argument: str, choices: Sequence[str]) -> str:
    if value not in choices:
        allowed = ", ".join(repr(c) for c in choices)
        raise SpcInputError(argument, f"unknown value {value!r}; use one of {allowed}")
    return str(value)


def parse_multiply(value: object) -> float:
    number = _number(value, "multiply")
    if not math.isfinite(number):
        raise SpcInputError("multiply", f"must be a finite number, got {value!r}")
    return number


def parse_period(value: object, x_kind: str) -> str | None:
    if value is None:
        return None
    period = PERIOD_ALIASES.get(value) if isinstance(value, str) else None
    if period is None:
        allowed = ", ".join(repr(p) for p in PERIOD_ALIASES if not p.endswith("s"))
        raise SpcInputError("x_period", f"unknown period {value!r}; use one of {allowed}")
    if x_kind not in (X_DATE, X_DATETIME):
        raise SpcInputError("x_period", "needs x to be dates or datetimes")
    return period

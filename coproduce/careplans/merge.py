"""Three-way merge of one edited record, for care-plan edits made at the same time (pure: no
Django). Each side is a mapping of field name to value: `base` is the version both people
started from, `theirs` is what was saved since, `mine` is what is being saved now.

A field changed on one side only takes that side's value; a field changed the same way on
both sides is not a conflict; a field changed differently on both sides is a conflict, and
the merged value keeps `mine` (nobody's text is thrown away: the caller shows both values and
asks the person saving to choose or combine)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class FieldConflict:
    field: str
    base: Any
    theirs: Any
    mine: Any


@dataclass(frozen=True)
class Merge:
    values: dict[str, Any]
    # Fields only the other person changed (their value is in `values`).
    taken_from_theirs: tuple[str, ...]
    conflicts: tuple[FieldConflict, ...]

    @property
    def clean(self) -> bool:
        return not self.conflicts


def three_way(base: Mapping[str, Any], theirs: Mapping[str, Any], mine: Mapping[str, Any]) -> Merge:
    """Merge `mine` onto `theirs` given their common `base`. All three must have the same
    fields; a missing field is a programming error, not a conflict."""
    fields = list(mine)
    if set(fields) != set(base) or set(fields) != set(theirs):
        missing = sorted(set(base) ^ set(mine) | set(theirs) ^ set(mine))
        raise ValueError(f"the three versions must have the same fields; differ on {missing}")
    values: dict[str, Any] = {}
    taken: list[str] = []
    conflicts: list[FieldConflict] = []
    for field in fields:
        was, their, my = base[field], theirs[field], mine[field]
        if my == was:
            values[field] = their
            if their != was:
                taken.append(field)
        elif their in (was, my):
            values[field] = my
        else:
            values[field] = my
            conflicts.append(FieldConflict(field, was, their, my))
    return Merge(values, tuple(taken), tuple(conflicts))

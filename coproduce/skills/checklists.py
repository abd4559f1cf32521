"""Competency checklists for self-management skills (self-dialysis, home intravenous
antibiotics, self-injection), kept as reviewed TOML files. Pure: no Django. Errors name the
file and the field, so a reviewer can fix the file."""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

CONTENT_DIR = Path(__file__).parent / "content"
ID_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


class ChecklistError(ValueError):
    """A file that is not a valid checklist; the message names the file and the field."""


@dataclass(frozen=True)
class Step:
    id: str
    text: str


@dataclass(frozen=True)
class Checklist:
    id: str
    version: str
    title: str
    programmes: tuple[str, ...]
    sources: tuple[str, ...]
    reviewed_by: str
    reviewed_on: dt.date
    steps: tuple[Step, ...]

    def step(self, step_id: str) -> Step | None:
        return next((s for s in self.steps if s.id == step_id), None)


def _text(where: str, table: dict, field: str) -> str:
    value = table.get(field)
    if not isinstance(value, str) or not value.strip():
        raise ChecklistError(f"{where}: '{field}' must be a non-empty text")
    return value.strip()


def _texts(where: str, table: dict, field: str) -> tuple[str, ...]:
    value = table.get(field)
    if (
        not isinstance(value, list)
        or not value
        or not all(isinstance(v, str) and v.strip() for v in value)
    ):
        raise ChecklistError(f"{where}: '{field}' must be a list of one or more texts")
    return tuple(v.strip() for v in value)


def _id(where: str, table: dict, field: str = "id") -> str:
    value = _text(where, table, field)
    if not ID_PATTERN.match(value):
        raise ChecklistError(
            f"{where}: '{field}' must be lower-case letters, digits and hyphens, got {value!r}"
        )
    return value


def checklist_parse(data: dict, *, name: str) -> Checklist:
    """A checklist from parsed TOML; ChecklistError naming `name` and the field."""
    checklist_id = _id(name, data)
    reviewed_on = data.get("reviewed_on")
    if not isinstance(reviewed_on, dt.date) or isinstance(reviewed_on, dt.datetime):
        raise ChecklistError(f"{name}: 'reviewed_on' must be a date such as 2026-01-31")
    raw_steps = data.get("steps")
    if not isinstance(raw_steps, list) or not raw_steps:
        raise ChecklistError(f"{name}: 'steps' must be a list of one or more [[steps]]")
    steps = []
    for number, raw in enumerate(raw_steps, start=1):
        where = f"{name}: steps[{number}]"
        if not isinstance(raw, dict):
            raise ChecklistError(f"{where}: must be a table with 'id' and 'text'")
        step = Step(id=_id(where, raw), text=_text(where, raw, "text"))
        if any(s.id == step.id for s in steps):
            raise ChecklistError(f"{where}: 'id' {step.id!r} is used twice")
        steps.append(step)
    return Checklist(
        id=checklist_id,
        version=_text(name, data, "version"),
        title=_text(name, data, "title"),
        programmes=_texts(name, data, "programmes"),
        sources=_texts(name, data, "sources"),
        reviewed_by=_text(name, data, "reviewed_by"),
        reviewed_on=reviewed_on,
        steps=tuple(steps),
    )


def checklist_load(path: Path) -> Checklist:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise ChecklistError(f"{path.name}: not valid TOML ({error})") from error
    checklist = checklist_parse(data, name=path.name)
    if checklist.id != path.stem:
        raise ChecklistError(f"{path.name}: 'id' must match the file name, got {checklist.id!r}")
    return checklist


def checklists_load(directory: Path = CONTENT_DIR) -> dict[str, Checklist]:
    """Every checklist in `directory`, by id."""
    return {c.id: c for c in map(checklist_load, sorted(directory.glob("*.toml")))}


_BUILT_IN: dict[str, Checklist] | None = None


def built_in_checklists() -> dict[str, Checklist]:
    """The checklists shipped with Coproduce (loaded once)."""
    global _BUILT_IN
    if _BUILT_IN is None:
        _BUILT_IN = checklists_load()
    return _BUILT_IN

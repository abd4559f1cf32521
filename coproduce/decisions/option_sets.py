"""Option sets: the choices for one decision, with plain-language benefits, harms and how
often they happen, kept as reviewed TOML files. Pure: no Django. Errors name the file and
the field, so a reviewer can fix the file."""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

CONTENT_DIR = Path(__file__).parent / "content" / "option_sets"
ID_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
MAX_OPTIONS = 6


class OptionSetError(ValueError):
    """A file that is not a valid option set; the message names the file and the field."""


@dataclass(frozen=True)
class Effect:
    """A benefit or harm, how often it happens in plain frequencies, and where that is from."""

    text: str
    frequency: str
    source: str


@dataclass(frozen=True)
class Source:
    id: str
    citation: str


@dataclass(frozen=True)
class Option:
    id: str
    title: str
    involves: str
    benefits: tuple[Effect, ...]
    harms: tuple[Effect, ...]


@dataclass(frozen=True)
class OptionSet:
    id: str
    version: str
    title: str
    programmes: tuple[str, ...]
    sources: tuple[Source, ...]
    reviewed_by: str
    reviewed_on: dt.date
    options: tuple[Option, ...]

    def option(self, option_id: str) -> Option | None:
        return next((o for o in self.options if o.id == option_id), None)

    def citation(self, source_id: str) -> str:
        return next((s.citation for s in self.sources if s.id == source_id), "")


def _text(where: str, table: dict, field: str) -> str:
    value = table.get(field)
    if not isinstance(value, str) or not value.strip():
        raise OptionSetError(f"{where}: '{field}' must be a non-empty text")
    return value.strip()


def _texts(where: str, table: dict, field: str) -> tuple[str, ...]:
    value = table.get(field)
    if (
        not isinstance(value, list)
        or not value
        or not all(isinstance(v, str) and v.strip() for v in value)
    ):
        raise OptionSetError(f"{where}: '{field}' must be a list of one or more texts")
    return tuple(v.strip() for v in value)


def _sources(where: str, data: dict) -> tuple[Source, ...]:
    rows = data.get("sources")
    if not isinstance(rows, list) or not rows:
        raise OptionSetError(f"{where}: 'sources' must list one or more sources")
    sources: list[Source] = []
    for n, row in enumerate(rows, start=1):
        at = f"{where} sources[{n}]"
        if not isinstance(row, dict):
            raise OptionSetError(f"{at}: must be a table with id and citation")
        source_id = _text(at, row, "id")
        if any(s.id == source_id for s in sources):
            raise OptionSetError(f"{at}: 'id' {source_id!r} is used twice")
        sources.append(Source(id=source_id, citation=_text(at, row, "citation")))
    return tuple(sources)


def _effects(where: str, table: dict, field: str, source_ids: frozenset[str]) -> tuple[Effect, ...]:
    rows = table.get(field)
    if not isinstance(rows, list) or not rows:
        raise OptionSetError(f"{where}: '{field}' must list one or more items")
    effects = []
    for n, row in enumerate(rows, start=1):
        at = f"{where} {field}[{n}]"
        if not isinstance(row, dict):
            raise OptionSetError(f"{at}: must be a table with text, frequency and source")
        source = _text(at, row, "source")
        if source not in source_ids:
            raise OptionSetError(f"{at}: 'source' {source!r} is not one of the file's sources")
        effects.append(
            Effect(
                text=_text(at, row, "text"),
                frequency=_text(at, row, "frequency"),
                source=source,
            )
        )
    return tuple(effects)


def option_set_parse(text: str, *, name: str) -> OptionSet:
    """Parse and check one option set file's text. `name` is used in error messages."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise OptionSetError(f"{name}: not valid TOML ({error})") from error
    set_id = _text(name, data, "id")
    if not ID_PATTERN.match(set_id):
        raise OptionSetError(f"{name}: 'id' must be lower-case words joined by hyphens")
    reviewed_on = data.get("reviewed_on")
    if not isinstance(reviewed_on, dt.date) or isinstance(reviewed_on, dt.datetime):
        raise OptionSetError(f"{name}: 'reviewed_on' must be a date such as 2026-01-31")
    sources = _sources(name, data)
    source_ids = frozenset(s.id for s in sources)
    rows = data.get("options")
    if not isinstance(rows, list) or not 2 <= len(rows) <= MAX_OPTIONS:
        raise OptionSetError(f"{name}: 'options' must list 2 to {MAX_OPTIONS} options")
    options: list[Option] = []
    for n, row in enumerate(rows, start=1):
        where = f"{name} options[{n}]"
        if not isinstance(row, dict):
            raise OptionSetError(f"{where}: must be a table")
        option_id = _text(where, row, "id")
        if not ID_PATTERN.match(option_id):
            raise OptionSetError(f"{where}: 'id' must be lower-case words joined by hyphens")
        if any(o.id == option_id for o in options):
            raise OptionSetError(f"{where}: 'id' {option_id!r} is used twice")
        options.append(
            Option(
                id=option_id,
                title=_text(where, row, "title"),
                involves=_text(where, row, "involves"),
                benefits=_effects(where, row, "benefits", source_ids),
                harms=_effects(where, row, "harms", source_ids),
            )
        )
    return OptionSet(
        id=set_id,
        version=_text(name, data, "version"),
        title=_text(name, data, "title"),
        programmes=_texts(name, data, "programmes"),
        sources=sources,
        reviewed_by=_text(name, data, "reviewed_by"),
        reviewed_on=reviewed_on,
        options=tuple(options),
    )


def option_set_load(path: Path) -> OptionSet:
    set_ = option_set_parse(path.read_text(encoding="utf-8"), name=path.name)
    if set_.id != path.stem:
        raise OptionSetError(f"{path.name}: 'id' {set_.id!r} must match the file name")
    return set_


def built_in_option_sets() -> dict[str, OptionSet]:
    """Every option set shipped with the product, by id, in file-name order."""
    return {s.id: s for s in map(option_set_load, sorted(CONTENT_DIR.glob("*.toml")))}

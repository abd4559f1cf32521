"""Patient-facing advice after an alert, read from `content/advice.toml` (no Django).

Each piece has a kind: "urgent" (what to do now, shown at once), "wait" (when the team
will respond) or "self-care" (what helps with mild symptoms). Placeholders in braces are
filled from the unit's settings and the alert.
"""

from __future__ import annotations

import functools
import string
import tomllib
from dataclasses import dataclass
from pathlib import Path

CONTENT_FILE = Path(__file__).with_name("content") / "advice.toml"
KINDS = ("urgent", "wait", "self-care")
PLACEHOLDERS = {"unit_phone", "out_of_hours_phone", "respond_by"}


@dataclass(frozen=True)
class Advice:
    key: str
    kind: str
    heading: str
    text: str
    show_crisis: bool = False

    def filled(self, **values: str) -> str:
        return self.text.format_map({name: values.get(name, "") for name in PLACEHOLDERS})


@dataclass(frozen=True)
class Crisis:
    emergency: str
    lines: tuple[str, ...]


class AdviceFileError(ValueError):
    pass


def _check(key: str, raw: dict) -> Advice:
    if raw.get("kind") not in KINDS:
        raise AdviceFileError(f"{CONTENT_FILE}: advice {key}: kind must be one of {KINDS}")
    for part in ("heading", "text"):
        if not isinstance(raw.get(part), str) or not raw[part].strip():
            raise AdviceFileError(f"{CONTENT_FILE}: advice {key}: {part} is required")
    names = {name for _, name, _, _ in string.Formatter().parse(raw["text"]) if name}
    if names - PLACEHOLDERS:
        raise AdviceFileError(
            f"{CONTENT_FILE}: advice {key}: unknown placeholder {sorted(names - PLACEHOLDERS)}"
        )
    return Advice(key, raw["kind"], raw["heading"], raw["text"], bool(raw.get("show_crisis")))


@functools.cache
def advice_content() -> tuple[dict[str, Advice], Crisis]:
    data = tomllib.loads(CONTENT_FILE.read_text(encoding="utf-8"))
    advice = {key: _check(key, raw) for key, raw in data.get("advice", {}).items()}
    crisis = data.get("crisis", {})
    return advice, Crisis(crisis.get("emergency", ""), tuple(crisis.get("lines", ())))


def advice_keys() -> set[str]:
    return set(advice_content()[0])


def advice(key: str) -> Advice | None:
    return advice_content()[0].get(key)


def crisis() -> Crisis:
    return advice_content()[1]

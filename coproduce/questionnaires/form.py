"""A questionnaire as the app uses it: items, answer options with their scores, conditions.

Pure Python (no Django): the FHIR edge (`coproduce.interop.fhir.questionnaire`) builds a
`QuestionnaireForm` from a FHIR R4 Questionnaire, the database stores it with `as_json()`,
and rendering, response validation and scoring read it back with `from_json()`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

# Item kinds that take an answer; 'display' and 'group' items do not.
ANSWER_KINDS = ("choice", "integer", "decimal", "boolean", "string", "text", "date")
KINDS = (*ANSWER_KINDS, "display", "group")
OPERATORS = ("exists", "=", "!=", ">", "<", ">=", "<=")


@dataclass(frozen=True)
class Option:
    """One answer option. `code` is what a response stores; `weight` is the number the
    scorer receives (the `itemWeight` extension, or the integer value itself)."""

    code: str
    weight: float | None
    display: str = ""
    system: str = ""


@dataclass(frozen=True)
class Condition:
    """One `enableWhen`: the item is shown when `question`'s answer satisfies it.

    `answer` is an option code (for choice questions), a number, a boolean or a string;
    for 'exists' it is True (answered) or False (unanswered).
    """

    question: str
    operator: str
    answer: str | float | bool


@dataclass(frozen=True)
class FormItem:
    link_id: str
    kind: str
    text: str = ""
    required: bool = False
    options: tuple[Option, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    max_length: int | None = None
    unit: str = ""
    code: str = ""
    parent: str = ""
    conditions: tuple[Condition, ...] = ()
    enable_behavior: str = "all"
    path: str = ""  # where it was in the source file, e.g. 'item[2].item[0]', for messages

    @property
    def takes_answer(self) -> bool:
        return self.kind in ANSWER_KINDS

    def option(self, code: str) -> Option | None:
        for option in self.options:
            if option.code == code:
                return option
        return None


@dataclass(frozen=True)
class Provenance:
    """Where a definition comes from and who checked it against the source."""

    source: str = ""
    licence: str = ""
    checked_by: str = ""
    checked_on: dt.date | None = None


@dataclass(frozen=True)
class QuestionnaireForm:
    """A questionnaire: canonical URL and version, items in display order (groups
    flattened, children after their group with `parent` set), and provenance."""

    url: str
    version: str
    title: str
    items: tuple[FormItem, ...]
    status: str = "active"
    code: str = ""
    language: str = "en"
    derived_from: tuple[str, ...] = ()
    provenance: Provenance = field(default_factory=Provenance)

    @property
    def canonical(self) -> str:
        return f"{self.url}|{self.version}"

    @property
    def questions(self) -> tuple[FormItem, ...]:
        return tuple(item for item in self.items if item.takes_answer)

    @property
    def has_item_text(self) -> bool:
        """True when every question has wording a person can answer."""
        return all(item.text.strip() for item in self.questions)

    def item(self, link_id: str) -> FormItem | None:
        for item in self.items:
            if item.link_id == link_id:
                return item
        return None

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        checked_on = self.provenance.checked_on
        data["provenance"]["checked_on"] = checked_on.isoformat() if checked_on else None
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> QuestionnaireForm:
        provenance = dict(data.get("provenance") or {})
        if provenance.get("checked_on"):
            provenance["checked_on"] = dt.date.fromisoformat(provenance["checked_on"])
        items = tuple(
            FormItem(
                **{
                    **item,
                    "options": tuple(Option(**o) for o in item.get("options", ())),
                    "conditions": tuple(Condition(**c) for c in item.get("conditions", ())),
                }
            )
            for item in data["items"]
        )
        return cls(
            **{
                **data,
                "items": items,
                "derived_from": tuple(data.get("derived_from", ())),
                "provenance": Provenance(**provenance),
            }
        )

"""Edit conflicts and merges, in words: for each part of a goal or compromise the other person
changed, their value as the person reads it, who changed it and when, and the form fields that
"Use their wording" fills in. Presentation only; nothing here writes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from types import SimpleNamespace

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coproduce.careplans.models import GoalDirection, GoalStatus
from coproduce.careplans.services import (
    PartChange,
    compromise_parts,
    goal_parts,
)
from coproduce.careplans.trends import measure_name, quantity_for
from coproduce.careplans.words import goal_target_words

PART_LABELS = {
    "description": gettext_lazy("the wording"),
    "target": gettext_lazy("the measure and number"),
    "target_date": gettext_lazy("the date"),
    "status": gettext_lazy("how it is going"),
    "wording": gettext_lazy("the wording"),
    "agreed": gettext_lazy("the agreed number"),
    "review_on": gettext_lazy("the review date"),
    "agreed_by": gettext_lazy("who agreed"),
    "agreed_on": gettext_lazy("the day it was agreed"),
}
TAKE_LABELS = {
    "description": gettext_lazy("Use their wording"),
    "wording": gettext_lazy("Use their wording"),
}


@dataclass(frozen=True)
class ConflictView:
    part: str
    label: str
    theirs: str
    mine: str
    changed_by: str
    changed_at: dt.datetime
    take_label: str


def day_words(value: dt.date | None) -> str:
    return date_format(value, "j F Y") if value else _("no date")


def goal_part_words(part: str, value) -> str:
    if part == "description":
        return value
    if part == "target":
        code, direction, low, high = value
        if not code:
            return _("no measure")
        quantity = quantity_for(code)
        words = goal_target_words(
            SimpleNamespace(direction=direction, target_low=low, target_high=high), quantity
        )
        return f"{measure_name(code)}: {words}" if words else measure_name(code)
    if part == "target_date":
        return day_words(value)
    return str(GoalStatus(value).label)


def compromise_part_words(part: str, value, unit_of) -> str:
    if part in ("wording",):
        return value
    if part == "agreed":
        low, high = value
        if low is None and high is None:
            return _("no number")
        if low is not None and high is not None:
            return _("from %(low)s to %(high)s") % {"low": unit_of(low), "high": unit_of(high)}
        if high is not None:
            return _("at most %(value)s") % {"value": unit_of(high)}
        return _("at least %(value)s") % {"value": unit_of(low)}
    if part in ("review_on", "agreed_on"):
        return day_words(value)
    names = [
        str(label)
        for flag, label in zip(
            value, (_("the patient"), _("their carer"), _("the care team")), strict=True
        )
        if flag
    ]
    return ", ".join(names) or _("nobody")


def conflict_views(changes: tuple[PartChange, ...], words) -> dict[str, ConflictView]:
    return {
        c.part: ConflictView(
            part=c.part,
            label=str(PART_LABELS[c.part]),
            theirs=words(c.part, c.theirs),
            mine=words(c.part, c.mine),
            changed_by=c.changed_by,
            changed_at=c.changed_at,
            take_label=str(TAKE_LABELS.get(c.part, _("Use their version"))),
        )
        for c in changes
    }


def merged_sentence(changes: tuple[PartChange, ...]) -> str:
    """'Your changes were saved. Meanwhile Tom Okoro changed the date; that change is kept.'"""
    if not changes:
        return ""
    people: dict[str, list[str]] = {}
    for c in changes:
        people.setdefault(c.changed_by or _("someone"), []).append(str(PART_LABELS[c.part]))
    said = "; ".join(
        _("%(name)s changed %(parts)s") % {"name": name, "parts": _(" and ").join(parts)}
        for name, parts in people.items()
    )
    return _("Meanwhile %(said)s. Their changes are kept with yours.") % {"said": said}


def goal_form_values(goal_or_parts) -> dict[str, object]:
    """A goal's parts as the edit form's field values (for "Use their wording")."""
    parts = goal_or_parts if isinstance(goal_or_parts, dict) else goal_parts(goal_or_parts)
    code, direction, low, high = parts["target"]
    value = high if direction == GoalDirection.AT_MOST else low
    return {
        "description": parts["description"],
        "measure_code": code,
        "direction": direction,
        "value": "" if value is None else f"{value:g}",
        "value_2": "" if direction != GoalDirection.BETWEEN or high is None else f"{high:g}",
        "target_date": parts["target_date"].isoformat() if parts["target_date"] else "",
        "status": parts["status"],
    }


GOAL_FORM_FIELDS = {
    "description": ("description",),
    "target": ("measure_code", "direction", "value", "value_2"),
    "target_date": ("target_date",),
    "status": ("status",),
}
COMPROMISE_FORM_FIELDS = {
    "wording": ("wording",),
    "agreed": ("agreed_low", "agreed_high"),
    "review_on": ("review_on",),
    "agreed_by": ("agreed_by",),
    "agreed_on": ("agreed_on",),
}


def compromise_form_values(compromise) -> dict[str, object]:
    parts = compromise_parts(compromise)

    def number(value):
        return "" if value is None else f"{value:g}"

    return {
        "wording": parts["wording"],
        "agreed_low": number(parts["agreed"][0]),
        "agreed_high": number(parts["agreed"][1]),
        "review_on": parts["review_on"].isoformat() if parts["review_on"] else "",
        "agreed_on": parts["agreed_on"].isoformat() if parts["agreed_on"] else "",
        "agreed_by": [
            who
            for who, flag in zip(("patient", "carer", "clinician"), parts["agreed_by"], strict=True)
            if flag
        ],
    }

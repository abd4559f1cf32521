"""How values are shown to people: plain unit names, coded values in words, and where a
value sits against a programme's target. Presentation only; nothing here reads the database.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coproduce.observations.catalogue import (
    CodeInfo,
    ImplausibleValue,
    catalogue,
    code_info,
    unit_words,
)
from coproduce.observations.models import Observation


# UCUM codes are exact but not readable; these are the words people use.
def coded_words(value: str) -> str:
    """'done-at-risk' → 'Done at risk'."""
    return value.replace("-", " ").replace("_", " ").capitalize()


def info_or_none(code: str) -> CodeInfo | None:
    try:
        return code_info(code)
    except ImplausibleValue:
        return None


def code_name(code: str) -> str:
    info = info_or_none(code)
    return info.display if info is not None else code


def value_words(observation: Observation) -> str:
    """The value with its unit, as a person would write it: '128 mmHg'."""
    if observation.value_quantity is not None:
        info = info_or_none(observation.code)
        decimals = info.decimals if info is not None else 2
        number = f"{observation.value_quantity:.{decimals}f}"
        unit = unit_words(observation.value_unit)
        return f"{number} {unit}".strip()
    if observation.value_code:
        return coded_words(observation.value_code)
    return observation.value_text


@dataclass(frozen=True)
class TargetCheck:
    """Where a value sits against a target, in words (never colour alone)."""

    state: str  # "in", "above", "below" or "" when there is no numeric target
    words: str
    target: str


def target_check(observation: Observation, measure) -> TargetCheck | None:
    """Compare a value with a programme measure's target (`ClinicalMeasure`), if any."""
    if measure is None or observation.value_quantity is None:
        return None
    low, high, value = measure.target_low, measure.target_high, observation.value_quantity
    unit = unit_words(measure.unit or observation.value_unit)
    target = measure.target_text or target_range_words(low, high, unit)
    if not target:
        return None
    if low is not None and value < low:
        return TargetCheck("below", _("Below your target"), target)
    if high is not None and value > high:
        return TargetCheck("above", _("Above your target"), target)
    if low is None and high is None:
        return TargetCheck("", "", target)
    return TargetCheck("in", _("Within your target"), target)


def target_range_words(low: float | None, high: float | None, unit: str) -> str:
    if low is not None and high is not None:
        return _("%(low)g to %(high)g %(unit)s") % {"low": low, "high": high, "unit": unit}
    if high is not None:
        return _("%(high)g %(unit)s or less") % {"high": high, "unit": unit}
    if low is not None:
        return _("%(low)g %(unit)s or more") % {"low": low, "unit": unit}
    return ""


@dataclass(frozen=True)
class ResultRow:
    observation: Observation
    name: str
    value: str
    target: TargetCheck | None


def result_rows(observations: list[Observation], measures: dict | None = None) -> list[ResultRow]:
    """Rows for a results table or list, each with its name, value in words and target."""
    measures = measures or {}
    return [
        ResultRow(
            observation=o,
            name=code_name(o.code),
            value=value_words(o),
            target=target_check(o, measures.get(o.code)),
        )
        for o in observations
    ]


# Groups for the code chooser, derived from the catalogue entry itself.
GROUPS = (
    ("measurement", gettext_lazy("Measurements and lab results")),
    ("score", gettext_lazy("Scores and indices")),
    ("coded", gettext_lazy("Checks")),
    ("text", gettext_lazy("Notes")),
)


def code_group(info: CodeInfo) -> str:
    if info.kind == "coded":
        return "coded"
    if info.kind == "text":
        return "text"
    if info.unit.startswith("{"):
        return "score"
    return "measurement"


def code_label(info: CodeInfo) -> str:
    unit = unit_words(info.unit)
    if info.kind == "quantity" and unit:
        return f"{info.display} ({unit})"
    return info.display


def code_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Grouped choices for a <select>: [(group label, [(code, label), …]), …]."""
    grouped: dict[str, list[tuple[str, str]]] = {key: [] for key, _label in GROUPS}
    for info in sorted(catalogue().values(), key=lambda i: i.display.lower()):
        grouped[code_group(info)].append((info.code, code_label(info)))
    return [(str(label), grouped[key]) for key, label in GROUPS if grouped[key]]

"""How home measurements and dialysis sessions are shown: in the unit the person prefers,
blood pressure as one reading ("128/82 mmHg"), and who typed a value in when it was not
the patient. Presentation only; nothing here reads the database."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from coproduce.observations import dialysis
from coproduce.observations.measurements import (
    KINDS,
    MeasurementKind,
    Part,
    number_words,
    value_in_unit,
)
from coproduce.observations.models import DialysisSession, Observation
from coproduce.observations.views.display import coded_words

PART_OF_CODE: dict[str, tuple[MeasurementKind, Part]] = {
    part.code: (kind, part) for kind in KINDS.values() for part in kind.parts
}
PROBLEM_WORDS = dict(dialysis.PROBLEMS)


@dataclass(frozen=True)
class MeasurementRow:
    effective_at: dt.datetime
    title: str
    value: str
    entered_by: str  # empty when the patient entered it themself


def preferred_words(observation: Observation, part: Part, preferences: dict[str, str]) -> str:
    unit = preferences.get(observation.code)
    if unit not in part.units:
        unit = part.units[0]
    return value_in_unit(part.quantity, observation.value_quantity, unit)


def entered_by(observation: Observation, patient_user_id: int | None) -> str:
    reporter = observation.reporter
    if reporter is None or reporter.pk == patient_user_id:
        return ""
    return _("Entered by %(name)s") % {"name": reporter.display_name}


def measurement_rows(
    observations: list[Observation], preferences: dict[str, str], patient_user_id: int | None
) -> list[MeasurementRow]:
    """One row per measurement, newest first as given. The parts of a blood pressure taken
    together (same time, same person) make one row."""
    groups: dict[tuple, list[Observation]] = {}
    for observation in observations:
        kind, _part = PART_OF_CODE[observation.code]
        if kind.slug == "blood-pressure":
            key = (kind.slug, observation.effective_at, observation.reporter_id)
        else:
            key = ("one", observation.pk)
        groups.setdefault(key, []).append(observation)
    rows = []
    for group in groups.values():
        first = group[0]
        kind, part = PART_OF_CODE[first.code]
        if kind.slug == "blood-pressure":
            value = blood_pressure_words({o.code: o.value_quantity for o in group})
        else:
            value = preferred_words(first, part, preferences)
        rows.append(
            MeasurementRow(
                effective_at=first.effective_at,
                title=str(kind.title),
                value=value,
                entered_by=entered_by(first, patient_user_id),
            )
        )
    return rows


def blood_pressure_words(values: dict[str, float | None]) -> str:
    """'128/82 mmHg, pulse 70'; a part recorded alone is named ('top number 158 mmHg')."""
    systolic = values.get("loinc:8480-6")
    diastolic = values.get("loinc:8462-4")
    pulse = values.get("loinc:8867-4")
    words = []
    if systolic is not None and diastolic is not None:
        words.append(f"{number_words(systolic, 0)}/{number_words(diastolic, 0)} mmHg")
    elif systolic is not None:
        words.append(_("top number %(value)s mmHg") % {"value": number_words(systolic, 0)})
    elif diastolic is not None:
        words.append(_("bottom number %(value)s mmHg") % {"value": number_words(diastolic, 0)})
    if pulse is not None:
        words.append(_("pulse %(pulse)s") % {"pulse": number_words(pulse, 0)})
    text = ", ".join(words)
    return text[:1].upper() + text[1:]


@dataclass(frozen=True)
class SessionRow:
    session: DialysisSession
    duration: str
    weight_before: str
    weight_after: str
    weight_change: str
    fluid_removed: str
    pressure_before: str
    pressure_after: str
    problems: list[str]
    note: str
    entered_by: str


def duration_words(minutes: float | None) -> str:
    if minutes is None:
        return ""
    hours, rest = divmod(round(minutes), 60)
    if hours and rest:
        return _("%(hours)s h %(minutes)s min") % {"hours": hours, "minutes": rest}
    if hours:
        return _("%(hours)s h") % {"hours": hours}
    return _("%(minutes)s min") % {"minutes": rest}


def session_rows(
    sessions: list[tuple[DialysisSession, list[Observation]]],
    preferences: dict[str, str],
    patient_user_id: int | None,
) -> list[SessionRow]:
    rows = []
    weight_unit = preferences.get(dialysis.WEIGHT_BEFORE, "kg")
    if weight_unit not in ("kg", "[lb_av]", "[stone_av]"):
        weight_unit = "kg"
    # A change of a few kilograms reads better in lb than as "0 st 4.4 lb".
    change_unit = "[lb_av]" if weight_unit == "[stone_av]" else weight_unit
    fluid_unit = preferences.get(dialysis.ULTRAFILTRATION, "mL")
    if fluid_unit not in ("mL", "L"):
        fluid_unit = "mL"
    for session, observations in sessions:
        values = {o.code: o.value_quantity for o in observations if o.value_quantity is not None}
        before, after = values.get(dialysis.WEIGHT_BEFORE), values.get(dialysis.WEIGHT_AFTER)

        def weight(kg: float | None, unit: str = weight_unit) -> str:
            return value_in_unit("body-mass", kg, unit) if kg is not None else ""

        removed = values.get(dialysis.ULTRAFILTRATION)
        rows.append(
            SessionRow(
                session=session,
                duration=duration_words(values.get(dialysis.DURATION)),
                weight_before=weight(before),
                weight_after=weight(after),
                weight_change=(
                    weight(before - after, change_unit)
                    if before is not None and after is not None
                    else ""
                ),
                fluid_removed=(
                    value_in_unit("fluid-volume", removed, fluid_unit)
                    if removed is not None
                    else ""
                ),
                pressure_before=pressure(values, "loinc:8480-6", "loinc:8462-4"),
                pressure_after=pressure(values, dialysis.SYSTOLIC_AFTER, dialysis.DIASTOLIC_AFTER),
                problems=[
                    str(PROBLEM_WORDS.get(o.value_code, coded_words(o.value_code)))
                    for o in observations
                    if o.code == dialysis.PROBLEM_KIND
                ],
                note=next(
                    (o.value_text for o in observations if o.code == dialysis.PROBLEM_NOTE), ""
                ),
                entered_by=(
                    _("Entered by %(name)s") % {"name": session.reporter.display_name}
                    if session.reporter_id != patient_user_id
                    else ""
                ),
            )
        )
    return rows


def pressure(values: dict[str, float], systolic: str, diastolic: str) -> str:
    if systolic in values and diastolic in values:
        return f"{number_words(values[systolic], 0)}/{number_words(values[diastolic], 0)} mmHg"
    return ""

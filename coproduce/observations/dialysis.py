"""The self-dialysis session log: weights before and after, blood pressure, fluid removed
(ultrafiltration), duration and problems, stored as observations grouped by one
DialysisSession row, in one transaction, or not at all."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coproduce.access.policy import PatientAccess
from coproduce.alerts.services import alerts_for_observations
from coproduce.core.audit import AuditAction, audit_record
from coproduce.core.clock import now
from coproduce.observations.catalogue import code_info
from coproduce.observations.measurements import (
    DIASTOLIC,
    SYSTOLIC,
    Entered,
    Part,
    blood_pressure_problem,
    check_effective_at,
    checked_part,
    number_words,
    source_for,
    units_remember,
)
from coproduce.observations.models import DialysisSession, Observation, ObservationSource
from coproduce.observations.services import FUTURE_TOLERANCE, observation_record

WEIGHT_BEFORE = "coproduce:dialysis-weight-before"
WEIGHT_AFTER = "coproduce:dialysis-weight-after"
ULTRAFILTRATION = "coproduce:dialysis-ultrafiltration"
DURATION = "coproduce:dialysis-duration"
PROBLEM_KIND = "coproduce:dialysis-problem-kind"
PROBLEM_NOTE = "coproduce:dialysis-problem"
SYSTOLIC_AFTER = "coproduce:dialysis-systolic-after"
DIASTOLIC_AFTER = "coproduce:dialysis-diastolic-after"

# The largest drop in weight we accept for one session: 8% of the weight before, and at least
# 5 kg. Fluid gained between sessions is usually 2-4% of body weight, and above about 4-5% is
# already a recognised danger (Kalantar-Zadeh K et al., Circulation 2009;119:671-679); twice
# that is beyond what a session removes, so a bigger drop is almost surely a typing error.
MAX_WEIGHT_LOSS_FRACTION = 0.08
MIN_WEIGHT_LOSS_LIMIT_KG = 5.0
# Fluid removed and weight lost should agree (1 L of fluid weighs about 1 kg), apart from
# what was drunk or eaten during the session and the saline given back at the end. A gap
# bigger than this means one of the three numbers is wrong.
UF_WEIGHT_TOLERANCE_ML = 1500

PROBLEMS = (
    ("cramps", gettext_lazy("Cramps")),
    ("low-blood-pressure", gettext_lazy("Low blood pressure, or feeling faint or dizzy")),
    ("needle-or-access", gettext_lazy("Problem with the needles or my access")),
    ("clotting", gettext_lazy("The lines or filter clotted")),
    ("machine-alarm", gettext_lazy("Machine alarm I could not fix")),
    ("feeling-unwell", gettext_lazy("Felt unwell (sick, headache, itching)")),
    ("other", gettext_lazy("Something else")),
)

WEIGHT_BEFORE_PART = Part(
    "weight_before",
    WEIGHT_BEFORE,
    gettext_lazy("Weight before"),
    "body-mass",
    gettext_lazy("A weight of %(value)s is not possible."),
)
WEIGHT_AFTER_PART = Part(
    "weight_after",
    WEIGHT_AFTER,
    gettext_lazy("Weight after"),
    "body-mass",
    gettext_lazy("A weight of %(value)s is not possible."),
)
ULTRAFILTRATION_PART = Part(
    "ultrafiltration",
    ULTRAFILTRATION,
    gettext_lazy("Fluid removed"),
    "fluid-volume",
    gettext_lazy("Fluid removed of %(value)s is not possible."),
)
# Blood pressure fields: (field name, part for checks and messages, stored code).
PRESSURES = (
    ("systolic_before", SYSTOLIC, SYSTOLIC.code),
    ("diastolic_before", DIASTOLIC, DIASTOLIC.code),
    ("systolic_after", SYSTOLIC, SYSTOLIC_AFTER),
    ("diastolic_after", DIASTOLIC, DIASTOLIC_AFTER),
)


@dataclass(frozen=True)
class DialysisEntry:
    """A session as typed. Weights and fluid carry their unit; pressures are mmHg."""

    started_at: dt.datetime
    duration_minutes: float | None
    weight_before: Entered | None
    weight_after: Entered | None
    ultrafiltration: Entered | None
    systolic_before: float | None = None
    diastolic_before: float | None = None
    systolic_after: float | None = None
    diastolic_after: float | None = None
    problems: tuple[str, ...] = ()
    problem_note: str = ""


def checked_entry(entry: DialysisEntry) -> dict[str, float]:
    """The stored values by field name; ValidationError naming every faulty field."""
    errors: dict[str, str] = {}
    values: dict[str, float] = {}
    try:
        check_effective_at(entry.started_at)
    except ValidationError as error:
        errors["started_at"] = error.message_dict["effective_at"][0]
    for part in (WEIGHT_BEFORE_PART, WEIGHT_AFTER_PART, ULTRAFILTRATION_PART):
        entered = getattr(entry, part.name)
        if entered is None:
            errors[part.name] = _("Enter the %(label)s.") % {"label": str(part.label).lower()}
            continue
        try:
            values[part.name] = checked_part(part, entered)
        except ValidationError as error:
            errors[part.name] = error.messages[0]
    duration_info = code_info(DURATION)
    if entry.duration_minutes is None:
        errors["duration"] = _("Enter how long the session lasted.")
    elif not duration_info.plausible_low <= entry.duration_minutes <= duration_info.plausible_high:
        errors["duration"] = _(
            "A session of %(minutes)s minutes is not possible. "
            "It should be between 10 minutes and 10 hours."
        ) % {"minutes": number_words(entry.duration_minutes, 0)}
    else:
        values["duration"] = round(entry.duration_minutes)
        ended_at = entry.started_at + dt.timedelta(minutes=entry.duration_minutes)
        if "started_at" not in errors and ended_at > now() + FUTURE_TOLERANCE:
            errors["started_at"] = _(
                "With this start time the session would end in the future. "
                "Check the start time and how long it lasted."
            )
    for name, part, code in PRESSURES:
        number = getattr(entry, name)
        if number is None:
            continue
        try:
            values[name] = checked_part(part, Entered(number, "mm[Hg]"), code=code)
        except ValidationError as error:
            errors[name] = error.messages[0]
    for when in ("before", "after"):
        systolic, diastolic = f"systolic_{when}", f"diastolic_{when}"
        given = [getattr(entry, systolic) is not None, getattr(entry, diastolic) is not None]
        if any(given) and not all(given):
            missing = diastolic if given[0] else systolic
            errors[missing] = _("Enter both blood pressure numbers, or leave both empty.")
        elif systolic in values and diastolic in values:
            problem = blood_pressure_problem(values[systolic], values[diastolic])
            if problem:
                errors[diastolic] = problem
    weight_errors(values, errors)
    unknown = set(entry.problems) - {code for code, _label in PROBLEMS}
    if unknown:
        errors["problems"] = _("Choose problems from the list.")
    if "other" in entry.problems and not entry.problem_note.strip():
        errors["problem_note"] = _("You ticked “Something else”. Say what happened.")
    if len(entry.problem_note) > 1000:
        errors["problem_note"] = _("Keep this under 1,000 characters.")
    if errors:
        raise ValidationError(errors)
    return values


def weight_errors(values: dict[str, float], errors: dict[str, str]) -> None:
    """Weight after must be below weight before by a plausible amount, close to the fluid
    removed."""
    if "weight_before" not in values or "weight_after" not in values:
        return
    loss = values["weight_before"] - values["weight_after"]
    if loss < 0:
        errors["weight_after"] = _(
            "Your weight after is more than your weight before. "
            "Check both weights (after dialysis it is usually lower)."
        )
        return
    limit = max(MIN_WEIGHT_LOSS_LIMIT_KG, MAX_WEIGHT_LOSS_FRACTION * values["weight_before"])
    if loss > limit:
        errors["weight_after"] = _(
            "A drop of %(loss)s kg in one session is not possible. Check both weights."
        ) % {"loss": number_words(loss, 1)}
        return
    if "ultrafiltration" in values:
        removed = values["ultrafiltration"]
        if abs(removed - loss * 1000) > UF_WEIGHT_TOLERANCE_ML:
            errors["ultrafiltration"] = _(
                "You wrote that %(removed)s mL was removed, but your weight went down by "
                "%(loss)s kg. These should be close (1 kg is about 1,000 mL). "
                "Check the fluid removed and both weights."
            ) % {"removed": number_words(removed, 0), "loss": number_words(loss, 1)}


def dialysis_session_record(
    *,
    access: PatientAccess,
    entry: DialysisEntry,
    submission_key: str,
    stream: str = "patient",
) -> DialysisSession:
    """Check and store a self-dialysis session with its values, all or nothing.

    Raises ValidationError naming every faulty field (`started_at`, `duration`,
    `weight_before`, `weight_after`, `ultrafiltration`, the four pressures, `problems`,
    `problem_note`), PermissionDenied for a stream the user may not report into. The same
    `submission_key` sent again returns the first session and stores nothing.
    """
    source = source_for(access, stream)
    if not submission_key or len(submission_key) > 64:
        raise ValidationError({"submission_key": _("The form has expired. Open it again.")})
    earlier = session_with_key(access, submission_key)
    if earlier is not None:
        return earlier
    values = checked_entry(entry)
    started_at = entry.started_at
    ended_at = started_at + dt.timedelta(minutes=values["duration"])
    try:
        with transaction.atomic():
            session = DialysisSession.objects.create(
                patient=access.patient,
                started_at=started_at,
                ended_at=ended_at,
                recorded_at=now(),
                source=source,
                reporter=access.user,
                submission_key=submission_key,
            )
            rows = store_values(access, session, entry, values)
            if source == ObservationSource.PATIENT:
                alerts_for_observations(patient=access.patient, observations=rows)
            audit_record(
                actor=access.user,
                action=AuditAction.CREATE,
                entity_type="DialysisSession",
                entity_id=session.pk,
                patient_id=access.patient.pk,
                detail={"observations": [row.pk for row in rows]},
            )
            units_remember(
                user=access.user,
                chosen={
                    WEIGHT_BEFORE: entry.weight_before.unit,
                    WEIGHT_AFTER: entry.weight_after.unit,
                    ULTRAFILTRATION: entry.ultrafiltration.unit,
                },
            )
    except IntegrityError:
        # The same form sent twice at once: the other request stored it.
        earlier = session_with_key(access, submission_key)
        if earlier is None:
            raise
        return earlier
    return session


def session_with_key(access: PatientAccess, submission_key: str) -> DialysisSession | None:
    session = DialysisSession.objects.filter(submission_key=submission_key).first()
    if session is not None and session.patient_id != access.patient.pk:
        raise PermissionDenied(_("The form has expired. Open it again."))
    return session


def store_values(
    access: PatientAccess, session: DialysisSession, entry: DialysisEntry, values: dict
) -> list[Observation]:
    at_start, at_end = session.started_at, session.ended_at
    codes = {
        "weight_before": (WEIGHT_BEFORE, at_start),
        "systolic_before": (SYSTOLIC.code, at_start),
        "diastolic_before": (DIASTOLIC.code, at_start),
        "weight_after": (WEIGHT_AFTER, at_end),
        "systolic_after": (SYSTOLIC_AFTER, at_end),
        "diastolic_after": (DIASTOLIC_AFTER, at_end),
        "ultrafiltration": (ULTRAFILTRATION, at_end),
        "duration": (DURATION, at_end),
    }
    record = {
        "actor": access.user,
        "patient": access.patient,
        "source": session.source,
        "derived_from": session.reference,
    }
    rows = [
        observation_record(
            code=codes[name][0],
            effective_at=codes[name][1],
            quantity=value,
            unit=code_info(codes[name][0]).unit,
            **record,
        )
        for name, value in values.items()
    ]
    rows += [
        observation_record(code=PROBLEM_KIND, effective_at=at_end, coded=problem, **record)
        for problem in entry.problems
    ]
    if entry.problem_note.strip():
        rows.append(
            observation_record(
                code=PROBLEM_NOTE, effective_at=at_end, text=entry.problem_note, **record
            )
        )
    return rows

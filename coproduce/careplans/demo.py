"""Demo goals, clinical targets and an agreed compromise, written through the services, for
`seed --demo` (called once on a fresh demo network, after the patients, carers and their
observations exist)."""

from __future__ import annotations

import datetime as dt

from coproduce.careplans.models import Goal, GoalKind, GoalStatus
from coproduce.careplans.selectors import visible_values
from coproduce.careplans.services import (
    CompromiseInput,
    GoalInput,
    compromise_record,
    goal_create,
    goal_update,
)
from coproduce.core.clock import today
from coproduce.observations.models import ObservationSource
from coproduce.patients.models import Patient
from coproduce.patients.selectors import patient_for_user

# The measures a goal is tied to, in order of preference, with the patient's number.
ADULT_MEASURES = (
    ("loinc:8480-6", "at_most", 135.0),  # systolic blood pressure
    ("coproduce:dialysis-ultrafiltration", "at_most", 2000.0),
    ("loinc:29463-7", "at_most", None),  # weight: the latest value, rounded down
)
CHILD_MEASURES = (
    ("coproduce:fev1-percent-predicted", "at_least", 85.0),
    ("loinc:39156-5", "at_least", None),
)


def measured_goal(access, measures, words: str, date: dt.date) -> GoalInput | None:
    """A goal on the first of `measures` the patient has their own values for."""
    own = visible_values(access).exclude(source=ObservationSource.CARER)
    have = set(own.values_list("code", flat=True).distinct())
    for code, direction, number in measures:
        if code not in have:
            continue
        if number is None:
            latest = own.filter(code=code).order_by("-effective_at").first()
            number = float(int(latest.value_quantity))
        low, high = (number, None) if direction == "at_least" else (None, number)
        return GoalInput(
            description=words,
            measure_code=code,
            direction=direction,
            target_low=low,
            target_high=high,
            target_date=date,
        )
    return None


def demo_goals_create(*, patient: Patient, carer, child: Patient, end_date: dt.date) -> int:
    """Goals in the demo patient's own words (one tied to a measure they report), and one a
    parent proposed for the demo child. Returns how many goals were written."""
    if Goal.objects.filter(patient__in=[patient, child]).exists():
        return 0
    start = max(end_date, today())
    access = patient_for_user(patient.user, patient.pk, purpose="demo")
    goals = [
        measured_goal(
            access,
            ADULT_MEASURES,
            "Keep my blood pressure steady so I can keep working in the garden",
            start + dt.timedelta(days=120),
        ),
        GoalInput(
            description="Feel well enough to visit my grandchildren every weekend",
            target_date=start + dt.timedelta(days=90),
        ),
    ]
    written = 0
    for goal_input in goals:
        if goal_input is not None:
            goal_create(access=access, goal_input=goal_input)
            written += 1
    carer_access = patient_for_user(carer, child.pk, purpose="demo")
    child_goal = measured_goal(
        carer_access,
        CHILD_MEASURES,
        "Keep Isla's lungs strong enough for swimming club every week",
        start + dt.timedelta(days=180),
    ) or GoalInput(description="Keep Isla's lungs strong enough for swimming club every week")
    goal_create(access=carer_access, goal_input=child_goal)
    return written + 1


# The demo patient's own goal on a measure and the nurse's tighter clinical target on it pull
# apart (lower pressures after dialysis make him dizzy): the target's words, its number, the
# number they agreed and the compromise in plain words.
CLINICAL_TARGETS = {
    "loinc:8480-6": (
        "Home systolic blood pressure at or below 130 mmHg, to protect the heart",
        130.0,
        135.0,
        "Aim for a home systolic pressure under 135 rather than 130 for now: lower pressures "
        "after dialysis make Owen dizzy in the garden. Keep the fluid gain between sessions "
        "under 2 kg instead of adding another tablet, and look at it again at the next clinic.",
    ),
    "coproduce:dialysis-ultrafiltration": (
        "Fluid removed per session at or below 1,500 mL, to avoid cramps and low pressure",
        1500.0,
        1800.0,
        "Aim to remove no more than 1,800 mL per session for now, with less fluid between "
        "sessions; look at it again at the next clinic.",
    ),
}


def demo_care_plan_create(
    *, patient: Patient, carer, child: Patient, end_date: dt.date, nurse
) -> int:
    """The demo patient's care plan beyond his own goals: a clinical target from his nurse
    on the measure of one of his goals, tighter than his own number; the compromise they
    agreed; and one of his goals achieved. Returns how many records were written (0 when
    the clinical target is there already)."""
    if Goal.objects.filter(patient=patient, kind=GoalKind.CLINICAL).exists():
        return 0
    own = Goal.objects.filter(patient=patient, kind=GoalKind.OWN).order_by("pk")
    measured = next((g for g in own if g.measure_code in CLINICAL_TARGETS), None)
    unmeasured = next((g for g in own if not g.measure_code), None)
    written = 0
    start = max(end_date, today())
    if measured is not None:
        words, number, agreed_number, agreed = CLINICAL_TARGETS[measured.measure_code]
        nurse_access = patient_for_user(nurse, patient.pk, purpose="demo")
        target = goal_create(
            access=nurse_access,
            goal_input=GoalInput(
                description=words,
                measure_code=measured.measure_code,
                direction="at_most",
                target_high=number,
                target_date=start + dt.timedelta(days=180),
                kind=GoalKind.CLINICAL,
            ),
        )
        compromise_record(
            access=nurse_access,
            own_goal=measured,
            clinical_target=target,
            entry=CompromiseInput(
                wording=agreed,
                agreed_high=agreed_number,
                review_on=start + dt.timedelta(days=90),
                agreed_by_patient=True,
                agreed_by_clinician=True,
            ),
        )
        written += 2
    if unmeasured is not None:
        goal_update(
            access=patient_for_user(patient.user, patient.pk, purpose="demo"),
            goal=unmeasured,
            goal_input=GoalInput(
                description=unmeasured.description, target_date=unmeasured.target_date
            ),
            status=GoalStatus.ACHIEVED,
            note="Three weekends in a row now.",
        )
        written += 1
    return written

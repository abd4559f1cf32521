"""Demo goals, written through the services, for `seed --demo` (called once on a fresh demo
network, after the patients, carers and their observations exist)."""

from __future__ import annotations

import datetime as dt

from coproduce.careplans.models import Goal
from coproduce.careplans.selectors import visible_values
from coproduce.careplans.services import GoalInput, goal_create
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

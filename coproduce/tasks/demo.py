"""Demo care-plan tasks, written through the services, for `seed --demo` (called after the
demo patient's goals and care plan exist): for the demo patient on home dialysis, weighing
himself before each session (Monday, Wednesday, Friday, for three weeks now, linked to his
goal on a measure), most sessions ticked off and two missed; a blood test to book that is
overdue; a medicine list he brought; supplies his carer orders; and a check for his nurse.
Dated from today (the day the demo is built), so "My tasks" always has something due."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from coproduce.careplans.models import Goal, GoalKind, GoalStatus
from coproduce.core.clock import now, travelled_to
from coproduce.patients.models import Patient
from coproduce.patients.selectors import patient_for_user
from coproduce.tasks import recurrence
from coproduce.tasks.models import Task
from coproduce.tasks.services import (
    TaskInput,
    carers_for_tasks,
    patient_today,
    rule_of,
    task_create,
    task_tick,
)

WEIGH_WEEKS = 3
# Sessions not ticked off, counted back from the newest before today (1 = the newest).
MISSED_SESSIONS = (2, 5)


def demo_tasks_create(
    *, patient: Patient, carer, child: Patient, end_date: dt.date, nurse, **_story
) -> int:
    """The demo patient's tasks; returns how many were written (0 when he has tasks)."""
    if Task.objects.filter(patient=patient).exists():
        return 0
    zone = ZoneInfo(patient.home_unit.time_zone)
    today = patient_today(patient)

    def at(day: dt.date, hour: int = 9) -> dt.datetime:
        return min(dt.datetime.combine(day, dt.time(hour), zone), now())

    goal = (
        Goal.objects.filter(patient=patient, kind=GoalKind.OWN, status=GoalStatus.ACTIVE)
        .exclude(measure_code="")
        .order_by("pk")
        .first()
    )
    start = today - dt.timedelta(weeks=WEIGH_WEEKS)
    with travelled_to(at(start, 8)):
        weigh = task_create(
            access=patient_for_user(nurse, patient.pk, purpose="demo"),
            entry=TaskInput(
                title="Weigh yourself before each home dialysis session",
                details="Write the weight in your session record before you start.",
                frequency="weekly",
                weekdays=(0, 2, 4),
                starts_on=start,
                goal_id=goal.pk if goal else None,
            ),
        )
        medicines = task_create(
            access=patient_for_user(nurse, patient.pk, purpose="demo"),
            entry=TaskInput(
                title="Bring your list of medicines to the next clinic",
                due_on=today - dt.timedelta(days=6),
            ),
        )
    with travelled_to(at(today - dt.timedelta(days=9))):
        task_create(
            access=patient_for_user(nurse, patient.pk, purpose="demo"),
            entry=TaskInput(
                title="Book your blood test at the GP surgery",
                details="The form is in your clinic letter.",
                due_on=today - dt.timedelta(days=2),
            ),
        )
    own = patient_for_user(patient.user, patient.pk, purpose="demo")
    rule = rule_of(weigh)
    assert rule is not None
    sessions = recurrence.occurrences(
        rule, today - dt.timedelta(days=14), today - dt.timedelta(days=1)
    )
    for number, day in enumerate(reversed(sessions), start=1):
        if number in MISSED_SESSIONS:
            continue
        with travelled_to(at(day, 7)):
            task_tick(access=own, task=weigh, occurrence_on=day)
    with travelled_to(at(today - dt.timedelta(days=7), 18)):
        task_tick(access=own, task=medicines)
    nurse_access = patient_for_user(nurse, patient.pk, purpose="demo")
    written = 3
    if carer.pk in {c.pk for c in carers_for_tasks(patient)}:
        task_create(
            access=nurse_access,
            entry=TaskInput(
                title="Order the dialysis supplies for next month",
                details="Ring the supplier by Thursday; the order number is on the last box.",
                owner_kind="carer",
                owner_user_id=carer.pk,
                due_on=today + dt.timedelta(days=3),
            ),
        )
        written += 1
    task_create(
        access=nurse_access,
        entry=TaskInput(
            title="Look through the home dialysis records before the next clinic",
            owner_kind="clinician",
            owner_user_id=nurse.pk,
            due_on=today + dt.timedelta(days=5),
        ),
    )
    return written + 1

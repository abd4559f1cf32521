"""Demo visits for `seed --demo`: the demo patient's visit with the demo clinician in five
days, with the agenda the patient has already written, and the visit done three months
ago that the pre-visit summary compares with. Made through the visits services."""

from __future__ import annotations

import datetime as dt

from coproduce.accounts.models import User
from coproduce.core.clock import travelled_to
from coproduce.patients.models import Patient
from coproduce.patients.selectors import patient_for_user
from coproduce.reporting.preferences import preferences_in_force
from coproduce.reporting.windows import local_datetime
from coproduce.visits.services import agenda_save, visit_mark_done, visit_schedule

NEXT_VISIT_IN_DAYS = 5
LAST_VISIT_DAYS_AGO = 91


def demo_visits_create(
    *, patient: Patient, carer: User, child: Patient, end_date: dt.date, clinician: User
) -> None:
    """A visit done three months ago and one booked in five days with an agenda."""
    del carer, child  # the story's other people have no visits of their own
    zone = preferences_in_force(patient).zone
    unit = patient.home_unit
    last = visit_schedule(
        actor=clinician,
        patient=patient,
        unit=unit,
        starts_at=local_datetime(
            end_date - dt.timedelta(days=LAST_VISIT_DAYS_AGO), dt.time(9, 30), zone
        ),
        clinician=clinician,
    )
    with travelled_to(last.starts_at + dt.timedelta(minutes=40)):
        visit_mark_done(actor=clinician, visit=last)
    upcoming = visit_schedule(
        actor=clinician,
        patient=patient,
        unit=unit,
        starts_at=local_datetime(
            end_date + dt.timedelta(days=NEXT_VISIT_IN_DAYS), dt.time(11, 0), zone
        ),
        clinician=clinician,
    )
    if patient.user is None:
        return
    # Written the evening before the demo's last day (the demo may be built for a past date).
    with travelled_to(local_datetime(end_date - dt.timedelta(days=1), dt.time(20, 15), zone)):
        agenda_save(
            access=patient_for_user(patient.user, patient.pk, purpose="demo"),
            visit=upcoming,
            concerns=[
                "I get out of breath walking up the hill to the shops.",
                "My new tablets make me feel sick in the mornings.",
            ],
            questions="Can I take the tablets in the evening instead?",
        )

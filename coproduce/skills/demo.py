"""Demo data for self-management skills, written through the services, for `seed --demo`:
the demo nurse countersigned a few of the demo patient's recent self-dialysis sessions the
morning after each and asked how another one went, while the newest and the older sessions
wait in her "Sessions to countersign"; and the patient's self-dialysis checklist, taught and
assessed by the nurse over the last months, with two steps still supervised and his own
practice notes."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from coproduce.core.clock import now, travelled_to
from coproduce.observations.models import DialysisSession
from coproduce.patients.selectors import patient_for_user
from coproduce.skills.checklists import built_in_checklists
from coproduce.skills.models import Level, ReviewKind
from coproduce.skills.services import (
    checklist_assign,
    practice_note_add,
    session_review,
    step_level_set,
)

WAITING = 3  # the newest sessions, not yet reviewed
COUNTERSIGNED = 4  # the ones before them


STILL_SUPERVISED = ("needling-or-connecting", "what-to-do-if")


def demo_skills_create(*, patient, nurse, end_date: dt.date, **_story) -> int:
    """Reviews of `patient`'s sessions and his checklist by `nurse`; returns how many
    sessions were reviewed."""
    demo_checklist_create(patient=patient, nurse=nurse, end_date=end_date)
    access = patient_for_user(nurse, patient.pk, purpose="demo")
    sessions = list(
        DialysisSession.objects.filter(patient=patient).order_by("-started_at", "-pk")[
            WAITING : WAITING + COUNTERSIGNED
        ]
    )
    for session in reversed(sessions):
        with travelled_to(min(session.ended_at + dt.timedelta(hours=15), now())):
            if session.started_at == sessions[0].started_at:
                session_review(
                    access=access,
                    session=session,
                    kind=ReviewKind.QUERY,
                    comment="Thank you for this record. How did this session feel? "
                    "If anything was hard, tell us at your next call.",
                )
            else:
                session_review(access=access, session=session, kind=ReviewKind.COUNTERSIGN)
    return len(sessions)


def demo_checklist_create(*, patient, nurse, end_date: dt.date) -> None:
    zone = ZoneInfo(patient.home_unit.time_zone)

    def at(days_ago: int) -> dt.datetime:
        day = end_date - dt.timedelta(days=days_ago)
        return min(dt.datetime.combine(day, dt.time(10, 0), zone), now())

    access = patient_for_user(nurse, patient.pk, purpose="demo")
    own = patient_for_user(patient.user, patient.pk, purpose="demo")
    with travelled_to(at(160)):
        assignment = checklist_assign(access=access, checklist_id="self-dialysis")
    steps = built_in_checklists()["self-dialysis"].steps
    for days_ago, level, note in (
        (150, Level.TAUGHT, "Shown in the training unit."),
        (110, Level.SUPERVISED, "Did it with me watching."),
        (60, Level.INDEPENDENT, "Safe on his own."),
    ):
        with travelled_to(at(days_ago)):
            for step in steps:
                if level == Level.INDEPENDENT and step.id in STILL_SUPERVISED:
                    continue
                step_level_set(
                    access=access, assignment=assignment, step_id=step.id, level=level, note=note
                )
    with travelled_to(at(12)):
        practice_note_add(
            access=own,
            assignment=assignment,
            step_id="needling-or-connecting",
            note="Put both needles in on the first try this week. Still nervous about the second.",
        )
    with travelled_to(at(5)):
        practice_note_add(
            access=own,
            assignment=assignment,
            step_id="what-to-do-if",
            note="Went through the power-cut card with my carer.",
        )

"""Demo reviews of patient-documented procedures, written through the services, for
`seed --demo`: the demo nurse countersigned a few of the demo patient's recent self-dialysis
sessions the morning after each, asked about the one where the needle needed two tries, and
the newest sessions wait in her "Sessions to countersign"."""

from __future__ import annotations

import datetime as dt

from coproduce.core.clock import now, travelled_to
from coproduce.observations.models import DialysisSession
from coproduce.patients.selectors import patient_for_user
from coproduce.skills.models import ReviewKind
from coproduce.skills.services import session_review

WAITING = 3  # the newest sessions, not yet reviewed
COUNTERSIGNED = 4  # the ones before them


def demo_skills_create(*, patient, nurse, **_story) -> int:
    """Reviews of `patient`'s sessions by `nurse`; returns how many were written."""
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

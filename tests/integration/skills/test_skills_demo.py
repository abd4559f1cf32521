"""The demo's reviews: the demo nurse countersigned a few of the patient's recent
self-dialysis sessions and asked about one; the newest and the older ones wait."""

from __future__ import annotations

import pytest

from coproduce.skills.demo import demo_skills_create
from coproduce.skills.models import ReviewKind, SessionReview
from coproduce.skills.selectors import sessions_to_countersign
from tests.factories_skills import session_logged

pytestmark = pytest.mark.django_db


def test_the_demo_nurse_has_countersigned_some_sessions_and_others_wait(cast):
    sessions = [
        session_logged(cast.patient.user, cast.patient, hours_ago=6 + 48 * n) for n in range(10)
    ]
    assert demo_skills_create(patient=cast.patient, nurse=cast.nurse) == 4
    signed = SessionReview.objects.filter(kind=ReviewKind.COUNTERSIGN)
    assert {r.session for r in signed} == set(sessions[4:7])
    assert {r.clinician for r in signed} == {cast.nurse}
    assert all(r.reviewed_at > r.session.ended_at for r in signed)
    [query] = SessionReview.objects.filter(kind=ReviewKind.QUERY)
    assert query.session == sessions[3]
    waiting = sessions_to_countersign(cast.nurse)
    assert set(waiting) == set(sessions[:4]) | set(sessions[7:])

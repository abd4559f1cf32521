"""The demo's reviews: the demo nurse countersigned a few of the patient's recent
self-dialysis sessions and asked about one; the newest and the older ones wait."""

from __future__ import annotations

import pytest

from coproduce.core.clock import today
from coproduce.patients.selectors import patient_for_user
from coproduce.skills import selectors
from coproduce.skills.demo import STILL_SUPERVISED, demo_skills_create
from coproduce.skills.models import Level, ReviewKind, SessionReview
from coproduce.skills.selectors import sessions_to_countersign
from tests.factories_skills import session_logged

pytestmark = pytest.mark.django_db


def test_the_demo_nurse_has_countersigned_some_sessions_and_others_wait(cast):
    sessions = [
        session_logged(cast.patient.user, cast.patient, hours_ago=6 + 48 * n) for n in range(10)
    ]
    assert demo_skills_create(patient=cast.patient, nurse=cast.nurse, end_date=today()) == 4
    signed = SessionReview.objects.filter(kind=ReviewKind.COUNTERSIGN)
    assert {r.session for r in signed} == set(sessions[4:7])
    assert {r.clinician for r in signed} == {cast.nurse}
    assert all(r.reviewed_at > r.session.ended_at for r in signed)
    [query] = SessionReview.objects.filter(kind=ReviewKind.QUERY)
    assert query.session == sessions[3]
    waiting = sessions_to_countersign(cast.nurse)
    assert set(waiting) == set(sessions[:4]) | set(sessions[7:])


def test_the_demo_patient_has_his_self_dialysis_checklist_nearly_done(cast):
    demo_skills_create(patient=cast.patient, nurse=cast.nurse, end_date=today())
    [view] = selectors.assignments_for(patient_for_user(cast.patient.user, cast.patient.pk))
    assert view.checklist.id == "self-dialysis"
    supervised = {s.step.id for s in view.steps if s.level == Level.SUPERVISED}
    assert supervised == set(STILL_SUPERVISED)
    assert view.independent_count == len(view.steps) - 2
    assert not view.may_sign_off
    needling = next(s for s in view.steps if s.step.id == "needling-or-connecting")
    assert needling.history[0].note.startswith("Put both needles in")
    assert (today() - needling.history[-1].recorded_at.date()).days >= 140

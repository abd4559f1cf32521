"""The demo's decisions: one made three months ago (home haemodialysis, reasons in the
patient's words, a review date next month) and one not yet decided."""

from __future__ import annotations

import datetime as dt

import pytest

from coproduce.core.clock import today
from coproduce.decisions.demo import demo_decisions_create
from coproduce.decisions.models import SharedDecisionVersion

pytestmark = pytest.mark.django_db


def test_demo_decisions_for_the_dialysis_patient(cast):
    made, open_ = demo_decisions_create(
        patient=cast.patient, clinician=cast.clinician, end_date=today()
    )
    assert made.choice == "home-haemodialysis"
    assert made.option_set_id == "dialysis-type"
    assert 88 <= (today() - made.created_at.date()).days <= 93
    assert 25 <= (made.review_on - today()).days <= 35
    assert "I can dialyse in the evening" in made.reasons
    assert cast.patient.user.pk in made.participant_ids
    assert not open_.is_decided
    assert [o["key"] for o in open_.options] == ["own-1", "own-2"]
    assert SharedDecisionVersion.objects.count() == 2
    assert made.created_at < open_.created_at < made.created_at + dt.timedelta(days=90)

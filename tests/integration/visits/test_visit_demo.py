"""The demo's visits: one done three months ago and one in five days with the demo
clinician, whose agenda the patient has already written; the summary starts at the
earlier one."""

from __future__ import annotations

import pytest

from coproduce.core.clock import today
from coproduce.patients.selectors import patient_for_user
from coproduce.visits import selectors
from coproduce.visits.demo import demo_visits_create
from coproduce.visits.models import VisitAgenda, VisitStatus

pytestmark = pytest.mark.django_db


def test_the_demo_patient_has_a_visit_to_prepare_with_an_agenda(cast):
    demo_visits_create(
        patient=cast.patient,
        carer=cast.carer,
        child=cast.child,
        end_date=today(),
        clinician=cast.clinician,
    )
    access = patient_for_user(cast.clinician, cast.patient.pk)
    [upcoming] = selectors.visits_upcoming(access)
    assert upcoming.clinician == cast.clinician
    assert 4 <= (upcoming.starts_at.date() - today()).days <= 6
    agenda = VisitAgenda.objects.get(visit=upcoming)
    assert len(agenda.concerns) == 2
    assert agenda.questions
    summary = selectors.pre_visit_summary(access, upcoming)
    assert summary.since_visit is not None
    assert summary.since_visit.status == VisitStatus.DONE
    assert 85 <= (today() - summary.since_visit.starts_at.date()).days <= 95

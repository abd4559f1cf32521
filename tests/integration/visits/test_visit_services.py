"""Visits: booked, done or cancelled, each change audited; changes only from 'booked'."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from coproduce.core.clock import now
from coproduce.core.models import AuditEvent
from coproduce.patients.selectors import own_patient_access
from coproduce.visits.models import VisitStatus
from coproduce.visits.selectors import visits_upcoming
from coproduce.visits.services import visit_cancel, visit_mark_done, visit_schedule
from tests import factories

pytestmark = pytest.mark.django_db


def book(cast, days: int = 7):
    return visit_schedule(
        actor=cast.clinician,
        patient=cast.patient,
        unit=cast.patient.home_unit,
        starts_at=now() + dt.timedelta(days=days),
        clinician=cast.clinician,
    )


def test_booking_is_audited_and_listed_for_the_patient(cast):
    visit = book(cast)
    assert AuditEvent.objects.filter(entity_type="Visit", entity_id=str(visit.pk)).exists()
    assert visits_upcoming(own_patient_access(cast.patient.user)) == [visit]


def test_done_and_cancelled_record_when_and_cannot_change_again(cast):
    done = visit_mark_done(actor=cast.clinician, visit=book(cast))
    assert done.status == VisitStatus.DONE
    assert done.status_changed_at is not None
    assert visit_mark_done(actor=cast.clinician, visit=done).status == VisitStatus.DONE
    with pytest.raises(ValidationError):
        visit_cancel(actor=cast.clinician, visit=done)
    cancelled = visit_cancel(actor=cast.clinician, visit=book(cast, 9))
    assert cancelled.status == VisitStatus.CANCELLED


def test_a_visit_needs_an_aware_time_and_a_unit_of_the_patients_network(cast):
    with pytest.raises(ValidationError):
        visit_schedule(
            actor=None,
            patient=cast.patient,
            unit=cast.patient.home_unit,
            starts_at=dt.datetime(2026, 12, 1, 9),
        )
    elsewhere = factories.make_network().units[0]
    with pytest.raises(ValidationError):
        visit_schedule(actor=None, patient=cast.patient, unit=elsewhere, starts_at=now())

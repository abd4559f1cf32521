"""The demo data: something due now, overdue, missed and coming up, a visit ahead, and
messages for the demo patient and the carer."""

from __future__ import annotations

import pytest

from coproduce.core.clock import today
from coproduce.patients.selectors import own_patient_access, patient_for_user
from coproduce.reporting.demo import demo_reporting_create
from coproduce.reporting.models import Notification
from coproduce.reporting.selectors import reports_for
from coproduce.visits.models import Visit
from tests.factories_reporting import enrol

pytestmark = pytest.mark.django_db


def test_demo_shows_every_state_for_the_patient_and_the_child(cast):
    enrol(cast.patient, "kidney-dialysis")
    enrol(cast.child, "cystic-fibrosis")
    demo_reporting_create(
        patient=cast.patient, carer=cast.carer, child=cast.child, end_date=today()
    )
    mine = reports_for(own_patient_access(cast.patient.user))
    assert mine.due_now
    assert mine.overdue
    assert mine.missed
    assert mine.upcoming
    assert "eq-5d-5l" in {i.instrument_code for i in mine.upcoming}  # before the visit
    child = reports_for(patient_for_user(cast.carer, cast.child.pk))
    assert child.due_now
    assert child.may_report
    assert Visit.objects.filter(patient=cast.patient).count() == 1
    assert Notification.objects.filter(recipient=cast.patient.user).count() == 1
    assert Notification.objects.filter(recipient=cast.carer, patient=cast.child).count() == 1

"""Booking a visit through the clinician's form (time in the unit's zone, a clinician who
works there, never in the past) and marking it done or cancelled; reports due before or
after a visit follow at once."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from coproduce.core.clock import now
from coproduce.reporting.models import DueReport, DueStatus
from coproduce.visits.models import Visit, VisitStatus
from tests.factories_reporting import enrol
from tests.factories_visits import upcoming_visit_for

pytestmark = pytest.mark.django_db


def book_url(patient) -> str:
    return reverse("visits:visit_book", kwargs={"patient_id": patient.pk})


def status_url(visit) -> str:
    return reverse(
        "visits:visit_status", kwargs={"patient_id": visit.patient_id, "visit_id": visit.pk}
    )


def test_a_clinician_books_a_visit_in_the_units_time_zone(cast, verified_client):
    unit = cast.patient.home_unit
    day = (now() + dt.timedelta(days=10)).date()
    response = verified_client(cast.clinician).post(
        book_url(cast.patient),
        {"unit": unit.pk, "day": day.isoformat(), "time": "10:30", "clinician": cast.nurse.pk},
    )
    assert response.status_code == 302
    visit = Visit.objects.get(patient=cast.patient)
    assert visit.clinician == cast.nurse
    assert visit.starts_at == dt.datetime.combine(
        day, dt.time(10, 30), tzinfo=ZoneInfo(unit.time_zone)
    )
    assert visit.status == VisitStatus.SCHEDULED


def test_a_time_in_the_past_is_refused_next_to_the_date(cast, verified_client):
    day = (now() - dt.timedelta(days=1)).date()
    response = verified_client(cast.clinician).post(
        book_url(cast.patient),
        {
            "unit": cast.patient.home_unit.pk,
            "day": day.isoformat(),
            "time": "10:30",
            "clinician": cast.clinician.pk,
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="id_day_error"' in body
    assert "from now on" in body
    assert not Visit.objects.exists()


def test_a_clinician_of_another_unit_cannot_be_chosen(cast, verified_client):
    day = (now() + dt.timedelta(days=3)).date()
    response = verified_client(cast.clinician).post(
        book_url(cast.patient),
        {
            "unit": cast.patient.home_unit.pk,
            "day": day.isoformat(),
            "time": "09:00",
            "clinician": cast.other_clinician.pk,
        },
    )
    assert response.status_code == 200
    assert not Visit.objects.exists()


def test_marking_done_needs_the_visit_to_have_started(cast, verified_client):
    visit = upcoming_visit_for(cast.patient)
    client = verified_client(cast.clinician)
    client.post(status_url(visit), {"status": "done"})
    visit.refresh_from_db()
    assert visit.status == VisitStatus.SCHEDULED


def test_a_started_visit_is_marked_done_and_its_questionnaire_opens(cast, verified_client):
    enrol(cast.patient, "depression-anxiety")
    visit = upcoming_visit_for(cast.patient, days=-1)
    verified_client(cast.clinician).post(status_url(visit), {"status": "done"})
    visit.refresh_from_db()
    assert visit.status == VisitStatus.DONE
    report = DueReport.objects.get(visit=visit)
    assert report.instrument_code == "visit-experience"
    assert report.status == DueStatus.PENDING


def test_a_booked_visit_is_cancelled(cast, verified_client):
    visit = upcoming_visit_for(cast.patient)
    verified_client(cast.clinician).post(status_url(visit), {"status": "cancelled"})
    visit.refresh_from_db()
    assert visit.status == VisitStatus.CANCELLED


def test_another_units_clinician_cannot_book(cast, verified_client):
    response = verified_client(cast.other_clinician).get(book_url(cast.patient))
    assert response.status_code in (403, 404)

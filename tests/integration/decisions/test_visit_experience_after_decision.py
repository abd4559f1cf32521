"""After a visit in which a decision was made, the short visit-experience questionnaire is
due (the reporting schedules' "after-visit" rule, issue 6 item 4)."""

from __future__ import annotations

import datetime as dt

import pytest

from coproduce.reporting.models import DueReport, DueStatus
from coproduce.reporting.services import visit_reports_update
from coproduce.visits.services import visit_mark_done, visit_schedule
from tests.factories_decisions import make_decision
from tests.factories_reporting import enrol, move_clock

pytestmark = pytest.mark.django_db

VISIT_AT = dt.datetime(2026, 12, 2, 10, tzinfo=dt.UTC)


def test_a_visit_with_a_decision_leads_to_a_due_visit_experience_report(cast, monkeypatch):
    move_clock(monkeypatch, VISIT_AT - dt.timedelta(days=1))
    enrol(cast.patient, "kidney-dialysis")
    visit = visit_schedule(
        actor=cast.clinician,
        patient=cast.patient,
        unit=cast.patient.home_unit,
        starts_at=VISIT_AT,
        clinician=cast.clinician,
    )
    move_clock(monkeypatch, VISIT_AT + dt.timedelta(minutes=20))
    decision = make_decision(
        clinician=cast.clinician,
        patient=cast.patient,
        priorities=("Keep working",),
        choice="home-haemodialysis",
    )
    assert not DueReport.objects.filter(instrument_code="visit-experience").exists()
    move_clock(monkeypatch, VISIT_AT + dt.timedelta(minutes=40))
    visit = visit_mark_done(actor=cast.clinician, visit=visit)
    visit_reports_update(actor=cast.clinician, visit=visit)
    report = DueReport.objects.get(patient=cast.patient, instrument_code="visit-experience")
    assert report.visit_id == visit.pk
    assert report.status == DueStatus.PENDING
    assert report.opens_at >= decision.created_at

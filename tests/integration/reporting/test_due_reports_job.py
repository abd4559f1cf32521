"""The reporting job: due reports from the programme schedules, idempotent, completed by a
patient-stream response in the window, missed after it, and reports around visits."""

from __future__ import annotations

import datetime as dt
import uuid
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError, transaction

from coproduce.access.models import CarerGrant
from coproduce.core.clock import now
from coproduce.core.models import AuditEvent
from coproduce.questionnaires.services import response_submit
from coproduce.reporting import services
from coproduce.reporting.models import DueReport, DueStatus, ReportSchedule
from coproduce.reporting.windows import Window
from coproduce.visits.services import visit_cancel, visit_mark_done, visit_schedule
from tests import factories
from tests.factories_reporting import enrol, move_clock

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
# A Wednesday in winter, 10:00 UTC (= 10:00 in London).
WEDNESDAY = dt.datetime(2026, 12, 2, 10, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def grants_in_force_on_the_story_dates(cast):
    """These tests run on fixed dates (early December 2026) while the cast's carer grants
    are made at the real date, which may be later: let the grants start before the story."""
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    CarerGrant.objects.filter(valid_from__gt=start).update(valid_from=start, granted_at=start)


@pytest.fixture
def world(cast, monkeypatch):
    move_clock(monkeypatch, WEDNESDAY)
    enrolment = enrol(cast.patient)
    return cast, enrolment


def test_schedules_come_from_the_programme_file(world):
    _, enrolment = world
    services.due_reports_refresh()
    kinds = set(
        ReportSchedule.objects.filter(enrolment=enrolment).values_list("instrument_code", "kind")
    )
    assert kinds == {("phq-9", "weekly"), ("gad-7", "monthly"), ("visit-experience", "after-visit")}


def test_job_creates_upcoming_reports_and_nothing_more_when_run_again(world):
    cast, _ = world
    first = services.due_reports_refresh()
    reports = list(DueReport.objects.filter(patient=cast.patient).order_by("due_at"))
    phq9 = [r for r in reports if r.instrument_code == "phq-9"]
    # Mondays 09:00 for the next four weeks, never back-filled before the schedule began.
    assert [r.due_at for r in phq9] == [
        dt.datetime(2026, 12, day, 9, tzinfo=dt.UTC) for day in (7, 14, 21, 28)
    ]
    # GAD-7 is monthly on the 1st: 1 December was before the schedule began, and 1 January
    # is more than four weeks ahead.
    assert {r.instrument_code for r in reports} == {"phq-9"}
    assert first.created == len(reports)
    second = services.due_reports_refresh()
    assert second.created == 0
    assert DueReport.objects.filter(patient=cast.patient).count() == len(reports)


def test_monthly_reports_come_within_four_weeks(world, monkeypatch):
    cast, _ = world
    services.due_reports_refresh()
    move_clock(monkeypatch, WEDNESDAY + dt.timedelta(days=8))
    services.due_reports_refresh()
    gad7 = DueReport.objects.get(patient=cast.patient, instrument_code="gad-7")
    assert gad7.due_at == dt.datetime(2027, 1, 1, 9, tzinfo=dt.UTC)


def test_the_database_refuses_a_second_report_for_the_same_due_time(world):
    cast, enrolment = world
    window = Window(WEDNESDAY, WEDNESDAY + dt.timedelta(days=1), WEDNESDAY + dt.timedelta(days=2))
    services.due_report_add(actor=None, enrolment=enrolment, instrument_code="phq-9", window=window)
    with pytest.raises(IntegrityError), transaction.atomic():
        DueReport.objects.create(
            patient=cast.patient,
            enrolment=enrolment,
            instrument_code="phq-9",
            opens_at=window.opens_at,
            due_at=window.due_at,
            closes_at=window.closes_at,
            created_at=now(),
        )


def test_patients_nobody_can_report_for_get_no_reports(cast, monkeypatch):
    move_clock(monkeypatch, WEDNESDAY)
    enrol(cast.other_patient)  # no login, no carer
    services.due_reports_refresh()
    assert not DueReport.objects.filter(patient=cast.other_patient).exists()


def test_a_child_without_login_gets_reports_for_the_carer(cast, monkeypatch):
    move_clock(monkeypatch, WEDNESDAY)
    enrol(cast.child)
    services.due_reports_refresh()
    assert DueReport.objects.filter(patient=cast.child).exists()


def test_weekly_reports_stay_at_nine_local_time_across_the_clock_change(cast, monkeypatch):
    move_clock(monkeypatch, dt.datetime(2026, 3, 18, 10, tzinfo=dt.UTC))
    enrol(cast.patient)
    access = _patient_access(cast)
    services.preferences_update(
        access=access,
        time_zone="Europe/London",
        quiet_start=None,
        quiet_end=None,
        by_app=True,
        by_email=False,
        by_sms=False,
        reminder_cap=3,
    )
    services.due_reports_refresh()
    due = DueReport.objects.filter(patient=cast.patient, instrument_code="phq-9").order_by("due_at")
    local = [r.due_at.astimezone(LONDON) for r in due]
    assert [d.strftime("%a %H:%M") for d in local] == ["Mon 09:00"] * len(local)
    assert {r.due_at.hour for r in due} == {9, 8}  # GMT before 29 March, BST after


def _patient_access(cast):
    from coproduce.patients.selectors import own_patient_access

    return own_patient_access(cast.patient.user)


def _submit(cast, code: str):
    definition = factories.load_instrument(code)
    answers = factories.form_answers(definition, {str(i): 0 for i in range(1, 10)})
    return response_submit(
        access=_patient_access(cast),
        definition=definition,
        answers=answers,
        idempotency_key=uuid.uuid4().hex,
        reporter="patient",
    )


def test_a_completed_response_in_the_window_completes_the_report(world, monkeypatch):
    cast, _ = world
    services.due_reports_refresh()
    report = DueReport.objects.filter(patient=cast.patient, instrument_code="phq-9").earliest(
        "due_at"
    )
    move_clock(monkeypatch, report.opens_at + dt.timedelta(hours=3))
    response = _submit(cast, "phq-9")
    counts = services.due_reports_refresh()
    report.refresh_from_db()
    assert counts.completed == 1
    assert (report.status, report.response_id) == (DueStatus.COMPLETED, response.pk)
    assert AuditEvent.objects.filter(entity_type="DueReport", patient=cast.patient).exists()


def test_a_report_closed_without_a_response_is_missed(world, monkeypatch):
    cast, _ = world
    services.due_reports_refresh()
    report = DueReport.objects.filter(patient=cast.patient, instrument_code="phq-9").earliest(
        "due_at"
    )
    move_clock(monkeypatch, report.closes_at)
    services.due_reports_refresh()
    report.refresh_from_db()
    assert report.status == DueStatus.MISSED


def test_a_response_before_the_window_does_not_count(world, monkeypatch):
    cast, _ = world
    services.due_reports_refresh()
    report = DueReport.objects.filter(patient=cast.patient, instrument_code="phq-9").earliest(
        "due_at"
    )
    _submit(cast, "phq-9")  # now: before the window opens
    move_clock(monkeypatch, report.due_at)
    services.due_reports_refresh()
    report.refresh_from_db()
    assert report.status == DueStatus.PENDING


def test_visit_done_opens_the_visit_experience_questionnaire(world, monkeypatch):
    cast, _ = world
    visit = visit_schedule(
        actor=cast.clinician,
        patient=cast.patient,
        unit=cast.patient.home_unit,
        starts_at=WEDNESDAY + dt.timedelta(hours=2),
        clinician=cast.clinician,
    )
    move_clock(monkeypatch, WEDNESDAY + dt.timedelta(hours=3))
    visit = visit_mark_done(actor=cast.clinician, visit=visit)
    assert services.visit_reports_update(actor=cast.clinician, visit=visit) == 1
    report = DueReport.objects.get(patient=cast.patient, instrument_code="visit-experience")
    assert report.visit_id == visit.pk
    assert report.opens_at == visit.status_changed_at
    assert report.due_at == dt.datetime(2026, 12, 3, 9, tzinfo=dt.UTC)  # next morning
    # the job finds the same visit and creates nothing more
    assert services.due_reports_refresh().created > 0  # the calendar reports
    assert DueReport.objects.filter(instrument_code="visit-experience").count() == 1


def test_before_visit_reports_and_cancelling_the_visit(cast, monkeypatch):
    move_clock(monkeypatch, WEDNESDAY)
    enrol(cast.patient, "kidney-dialysis")
    visit = visit_schedule(
        actor=cast.clinician,
        patient=cast.patient,
        unit=cast.patient.home_unit,
        starts_at=WEDNESDAY + dt.timedelta(days=10, hours=4),
    )
    services.due_reports_refresh()
    report = DueReport.objects.get(patient=cast.patient, instrument_code="eq-5d-5l")
    assert report.visit_id == visit.pk
    assert report.closes_at == visit.starts_at
    assert report.due_at == dt.datetime(2026, 12, 9, 9, tzinfo=dt.UTC)  # 3 days before
    visit_cancel(actor=cast.clinician, visit=visit)
    services.due_reports_refresh()
    report.refresh_from_db()
    assert report.status == DueStatus.CANCELLED


def test_reports_of_an_ended_enrolment_are_cancelled(world, monkeypatch):
    from coproduce.patients.services import enrolment_end

    cast, enrolment = world
    services.due_reports_refresh()
    enrolment_end(actor=cast.clinician, enrolment=enrolment, ended_on=WEDNESDAY.date())
    counts = services.due_reports_refresh()
    assert counts.cancelled == 4
    assert not DueReport.objects.filter(patient=cast.patient, status=DueStatus.PENDING).exists()


def test_a_new_time_zone_moves_upcoming_reports_to_the_same_local_time(world):
    cast, _ = world
    services.due_reports_refresh()
    assert DueReport.objects.filter(patient=cast.patient, instrument_code="phq-9").count() == 4
    services.preferences_update(
        access=_patient_access(cast),
        time_zone="America/New_York",
        quiet_start=None,
        quiet_end=None,
        by_app=True,
        by_email=True,
        by_sms=False,
        reminder_cap=3,
    )
    due = DueReport.objects.filter(patient=cast.patient, instrument_code="phq-9")
    assert {r.due_at.astimezone(ZoneInfo("America/New_York")).hour for r in due} == {9}
    assert due.count() == 4

"""Reminders: sent by the job once per due report and number, at most once even with two
workers or a crash, within quiet hours, the cap and "remind me later", to the patient or to
the carer of a child without a login, in plain words without clinical details."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.db import IntegrityError, transaction

from coproduce.access.models import CarerGrant
from coproduce.patients.selectors import own_patient_access, patient_for_user
from coproduce.reporting import services
from coproduce.reporting.backends import LocmemSmsBackend
from coproduce.reporting.models import DueReport, Notification, Reminder, ReminderOutcome
from coproduce.reporting.windows import Window
from tests.factories_reporting import enrol, move_clock

pytestmark = pytest.mark.django_db
UTC = dt.UTC
# Opens Tuesday 1 December 2026 at 09:00 UTC (the unit's zone is UTC), due Thursday.
OPENS = dt.datetime(2026, 12, 1, 9, tzinfo=UTC)


@pytest.fixture(autouse=True)
def grants_in_force_on_the_story_dates(cast):
    """These tests run on fixed dates (early December 2026) while the cast's carer grants
    are made at the real date, which may be later: let the grants start before the story."""
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    CarerGrant.objects.filter(valid_from__gt=start).update(valid_from=start, granted_at=start)


WINDOW = Window(OPENS, OPENS + dt.timedelta(days=2), OPENS + dt.timedelta(days=5))


@pytest.fixture(autouse=True)
def sms_outbox(settings):
    settings.COPRODUCE_SMS_BACKEND = "coproduce.reporting.backends.LocmemSmsBackend"
    LocmemSmsBackend.outbox.clear()
    return LocmemSmsBackend.outbox


def due_report(patient, monkeypatch, *, window: Window = WINDOW) -> DueReport:
    move_clock(monkeypatch, window.opens_at - dt.timedelta(days=1))
    enrolment = enrol(patient)
    return services.due_report_add(
        actor=None, enrolment=enrolment, instrument_code="phq-9", window=window
    )


def set_preferences(access, **changes):
    values = {
        "time_zone": "UTC",
        "quiet_start": None,
        "quiet_end": None,
        "by_app": True,
        "by_email": True,
        "by_sms": False,
        "reminder_cap": 3,
        **changes,
    }
    return services.preferences_update(access=access, **values)


def test_first_reminder_goes_when_the_report_opens_and_only_once(cast, monkeypatch):
    report = due_report(cast.patient, monkeypatch)
    assert services.reminders_send(at=OPENS - dt.timedelta(minutes=1)) == 0
    move_clock(monkeypatch, OPENS)
    assert services.reminders_send(at=OPENS) == 1
    assert services.reminders_send(at=OPENS + dt.timedelta(minutes=5)) == 0
    reminder = Reminder.objects.get(due_report=report)
    assert (reminder.number, reminder.outcome) == (1, ReminderOutcome.SENT)
    assert sorted(reminder.channels) == ["app", "email"]
    assert len(mail.outbox) == 1
    assert Notification.objects.filter(recipient=cast.patient.user).count() == 1


def test_reminder_text_is_plain_and_has_no_clinical_details(cast, monkeypatch):
    due_report(cast.patient, monkeypatch)
    services.reminders_send(at=OPENS)
    message = mail.outbox[0]
    assert message.to == [cast.patient.user.email]
    assert "You have a questionnaire to fill in for Depression and anxiety." in message.body
    assert "http://127.0.0.1:8000/me/reports/" in message.body
    for clinical in ("PHQ", "phq", "score", "mood"):
        assert clinical not in message.body
        assert clinical not in message.subject


def test_next_reminders_a_day_apart_up_to_the_cap(cast, monkeypatch):
    report = due_report(cast.patient, monkeypatch)
    set_preferences(own_patient_access(cast.patient.user), reminder_cap=2)
    sent = [services.reminders_send(at=OPENS + dt.timedelta(hours=h)) for h in range(0, 96, 6)]
    assert sum(sent) == 2
    times = list(report.reminders.order_by("number").values_list("claimed_at", flat=True))
    assert times == [OPENS, OPENS + dt.timedelta(days=1)]


def test_cap_zero_sends_nothing(cast, monkeypatch):
    due_report(cast.patient, monkeypatch)
    set_preferences(own_patient_access(cast.patient.user), reminder_cap=0)
    assert services.reminders_send(at=OPENS + dt.timedelta(hours=1)) == 0


def test_quiet_hours_delay_a_reminder_to_their_end(cast, monkeypatch):
    window = Window(
        dt.datetime(2026, 12, 1, 22, tzinfo=UTC),
        dt.datetime(2026, 12, 3, 22, tzinfo=UTC),
        dt.datetime(2026, 12, 6, 22, tzinfo=UTC),
    )
    due_report(cast.patient, monkeypatch, window=window)
    set_preferences(
        own_patient_access(cast.patient.user),
        quiet_start=dt.time(21, 0),
        quiet_end=dt.time(7, 30),
    )
    assert services.reminders_send(at=window.opens_at) == 0
    assert services.reminders_send(at=dt.datetime(2026, 12, 2, 7, 29, tzinfo=UTC)) == 0
    assert services.reminders_send(at=dt.datetime(2026, 12, 2, 7, 30, tzinfo=UTC)) == 1


def test_quiet_hours_are_kept_in_the_patients_time_zone(cast, monkeypatch):
    report = due_report(cast.patient, monkeypatch)  # opens 09:00 UTC = 20:00 in Sydney
    set_preferences(
        own_patient_access(cast.patient.user),
        time_zone="Australia/Sydney",
        quiet_start=dt.time(19, 0),
        quiet_end=dt.time(8, 0),
    )
    services.reminders_send(at=OPENS)
    assert not report.reminders.exists()
    # 08:00 in Sydney on 2 December is 21:00 UTC on 1 December
    services.reminders_send(at=dt.datetime(2026, 12, 1, 21, tzinfo=UTC))
    assert report.reminders.get().claimed_at == dt.datetime(2026, 12, 1, 21, tzinfo=UTC)


def test_remind_me_later_holds_reminders_for_the_chosen_hours(cast, monkeypatch):
    report = due_report(cast.patient, monkeypatch)
    move_clock(monkeypatch, OPENS - dt.timedelta(minutes=10))
    services.due_report_snooze(
        access=own_patient_access(cast.patient.user), due_report_id=report.pk, hours=3
    )
    assert services.reminders_send(at=OPENS) == 0
    assert services.reminders_send(at=OPENS + dt.timedelta(hours=2, minutes=49)) == 0
    assert services.reminders_send(at=OPENS + dt.timedelta(hours=2, minutes=50)) == 1


def test_snooze_refuses_other_hours_and_other_patients_reports(cast, monkeypatch):
    from django.core.exceptions import ValidationError

    report = due_report(cast.patient, monkeypatch)
    access = own_patient_access(cast.patient.user)
    with pytest.raises(ValidationError):
        services.due_report_snooze(access=access, due_report_id=report.pk, hours=7)
    child_access = patient_for_user(cast.carer, cast.child.pk)
    with pytest.raises(ValidationError):
        services.due_report_snooze(access=child_access, due_report_id=report.pk, hours=3)


def test_a_child_without_login_is_reminded_through_the_carer(cast, monkeypatch):
    due_report(cast.child, monkeypatch)
    services.reminders_send(at=OPENS)
    note = Notification.objects.get()
    assert note.recipient == cast.carer
    assert note.link == f"/reports/{cast.child.pk}/"
    assert [m.to for m in mail.outbox] == [[cast.carer.email]]


def test_sms_goes_through_the_configured_backend(cast, monkeypatch, sms_outbox):
    from coproduce.patients.services import patient_update

    patient_update(actor=cast.clinician, patient=cast.patient, phone="+447700900123")
    cast.patient.refresh_from_db()
    due_report(cast.patient, monkeypatch)
    set_preferences(own_patient_access(cast.patient.user), by_email=False, by_sms=True)
    services.reminders_send(at=OPENS)
    assert sms_outbox == [
        (
            "+447700900123",
            "You have a questionnaire to fill in for Depression and anxiety. "
            "http://127.0.0.1:8000/me/reports/",
        )
    ]


def test_the_database_refuses_a_second_claim_of_the_same_reminder(cast, monkeypatch):
    report = due_report(cast.patient, monkeypatch)
    assert services.reminder_claim(report=report, number=1, at=OPENS) is not None
    assert services.reminder_claim(report=report, number=1, at=OPENS) is None
    with pytest.raises(IntegrityError), transaction.atomic():
        Reminder.objects.create(due_report=report, number=1, claimed_at=OPENS)


def test_a_crash_between_claim_and_send_never_sends_that_reminder_twice(cast, monkeypatch):
    report = due_report(cast.patient, monkeypatch)

    def crash(**kwargs):
        raise RuntimeError("worker died")

    monkeypatch.setattr(services, "reminder_deliver", crash)
    with pytest.raises(RuntimeError):
        services.reminders_send(at=OPENS)
    monkeypatch.undo()
    move_clock(monkeypatch, OPENS)
    # The retry finds the claim: reminder 1 is not sent again; reminder 2 keeps its time.
    assert services.reminders_send(at=OPENS + dt.timedelta(minutes=5)) == 0
    assert len(mail.outbox) == 0
    claim = Reminder.objects.get(due_report=report)
    assert (claim.number, claim.outcome) == (1, ReminderOutcome.CLAIMED)
    assert services.reminders_send(at=OPENS + dt.timedelta(days=1)) == 1
    assert list(report.reminders.values_list("number", flat=True).order_by("number")) == [1, 2]


def test_no_reminder_once_the_report_is_done_or_closed(cast, monkeypatch):
    report = due_report(cast.patient, monkeypatch)
    assert services.reminders_send(at=WINDOW.closes_at) == 0
    DueReport.objects.filter(pk=report.pk).update(status="completed", completed_at=OPENS)
    assert services.reminders_send(at=OPENS) == 0


def test_a_reminder_due_earlier_is_not_sent_during_the_quiet_hours(cast, monkeypatch):
    due_report(cast.patient, monkeypatch)
    set_preferences(
        own_patient_access(cast.patient.user),
        quiet_start=dt.time(22, 0),
        quiet_end=dt.time(7, 0),
    )
    # The worker was down from before the report opened until 02:00 the next night.
    assert services.reminders_send(at=dt.datetime(2026, 12, 2, 2, tzinfo=UTC)) == 0
    assert services.reminders_send(at=dt.datetime(2026, 12, 2, 7, tzinfo=UTC)) == 1

"""Test helpers for reporting: moving the clock and enrolling the cast in a programme with
schedules. Data is made through the services, like tests/factories.py."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from coproduce.patients.models import Enrolment, Patient
from tests import factories


def move_clock(monkeypatch, at: dt.datetime) -> None:
    """Make `coproduce.core.clock.now()` (and Django's timezone.now) return `at`."""
    monkeypatch.setattr(timezone, "now", lambda: at)


def enrol(patient: Patient, code: str = "depression-anxiety") -> Enrolment:
    programme = factories.load_programme(code)
    return factories.make_enrolment(patient=patient, programme=programme, days_ago=30)


def due_report_for(patient: Patient):
    """A report due now for `patient` (made once; for routes that take a report id)."""
    from coproduce.core.clock import now
    from coproduce.reporting.models import DueReport
    from coproduce.reporting.services import due_report_add
    from coproduce.reporting.windows import Window

    existing = DueReport.objects.filter(patient=patient).first()
    if existing is not None:
        return existing
    enrolment = patient.enrolments.first() or enrol(patient)
    at = now()
    window = Window(at - dt.timedelta(days=1), at + dt.timedelta(days=1), at + dt.timedelta(days=3))
    return due_report_add(
        actor=None, enrolment=enrolment, instrument_code="visit-experience", window=window
    )


def notification_for(user, patient: Patient | None = None):
    """An in-app message for `user` (made once; for routes that take a message id)."""
    from coproduce.reporting.models import Notification
    from coproduce.reporting.services import notification_create

    existing = Notification.objects.filter(recipient=user).first()
    if existing is not None:
        return existing
    return notification_create(recipient=user, patient=patient, text="A test message")

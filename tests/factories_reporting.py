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

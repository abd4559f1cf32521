"""Two workers running the reminder job at the same moment send each reminder once."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.core import mail
from django.db import connection, connections

from coproduce.core.clock import now
from coproduce.patients.selectors import own_patient_access
from coproduce.reporting import services
from coproduce.reporting.models import Reminder
from coproduce.reporting.windows import Window
from tests.factories import load_programme, make_cast, make_enrolment


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_send_one_reminder(django_db_setup):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises write transactions; the race needs PostgreSQL")
    cast = make_cast()
    enrolment = make_enrolment(patient=cast.patient, programme=load_programme("depression-anxiety"))
    start = now() - dt.timedelta(hours=1)
    window = Window(start, start + dt.timedelta(days=2), start + dt.timedelta(days=4))
    report = services.due_report_add(
        actor=None, enrolment=enrolment, instrument_code="phq-9", window=window
    )
    services.preferences_update(
        access=own_patient_access(cast.patient.user),
        time_zone="UTC",
        quiet_start=None,
        quiet_end=None,
        by_app=True,
        by_email=True,
        by_sms=False,
        reminder_cap=3,
    )
    barrier = threading.Barrier(2)
    results: list[object] = []
    at = now()

    def work() -> None:
        try:
            barrier.wait()
            results.append(services.reminders_send(at=at))
        except Exception as error:
            results.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [0, 1]
    assert Reminder.objects.filter(due_report=report).count() == 1
    assert len(mail.outbox) == 1

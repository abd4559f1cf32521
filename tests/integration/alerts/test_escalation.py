"""Escalation with a controllable clock: an open alert past its response time goes to the
next responder, then to the unit lead, with a message in the app and an e-mail; office
hours and holidays move the moment, acknowledged or closed alerts never escalate, and a
second run (or a second worker) escalates nothing twice."""

import datetime as dt
import threading

import pytest
from django.db import connection, connections
from django.urls import reverse

from coproduce.alerts import jobs
from coproduce.alerts.escalation import alert_escalate, escalations_run, next_escalation_at
from coproduce.alerts.handling import alert_acknowledge, alert_close
from coproduce.alerts.models import Alert
from coproduce.core.models import AuditEvent
from coproduce.reporting.models import Notification
from coproduce.reporting.services import site_url
from tests import factories
from tests.factories_alerts_settings import (
    make_clinician,
    make_unit_lead,
    raise_alert,
    unit_settings_set,
)
from tests.factories_reporting import move_clock

pytestmark = pytest.mark.django_db

MONDAY = dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC)
FRIDAY_EVENING = dt.datetime(2026, 11, 20, 17, 0, tzinfo=dt.UTC)
MINUTE = dt.timedelta(minutes=1)


class Unit:
    """A unit with a lead, a named next responder, a nurse on the patient's care team, a
    clinician of another unit on the care team too, and the patient."""

    def __init__(self, *, named_responder: bool = True, care_team: bool = True):
        self.tree = factories.make_network()
        self.unit = self.tree.units[0]
        self.lead = make_unit_lead(tree=self.tree, unit=self.unit)
        self.responder = make_clinician(tree=self.tree, unit=self.unit)
        self.nurse = make_clinician(tree=self.tree, unit=self.unit)
        self.elsewhere = make_clinician(tree=self.tree, unit=self.tree.units[1])
        team = (self.nurse, self.elsewhere) if care_team else (self.elsewhere,)
        self.patient = factories.make_patient(tree=self.tree, unit=self.unit, clinicians=team)
        if named_responder:
            unit_settings_set(self.unit, next_responder=self.responder)


def told(user) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user))


def mailed(outbox, user) -> list:
    return [m for m in outbox if user.email in m.to]


def level(alert: Alert) -> int:
    alert.refresh_from_db()
    return alert.escalation_level


def test_an_alert_escalates_to_the_next_responder_then_to_the_lead(monkeypatch, mailoutbox):
    move_clock(monkeypatch, MONDAY)
    unit = Unit()
    alert = raise_alert(patient=unit.patient, unit=unit.unit, at=MONDAY, severity="urgent")
    assert alert.respond_by == MONDAY + dt.timedelta(hours=4)

    # Not before the response time runs out.
    assert escalations_run(at=alert.respond_by - MINUTE) == 0
    assert level(alert) == 0
    assert mailoutbox == []

    # At respond_by: level 1, to the named next responder only, in the app and by e-mail.
    escalated = alert.respond_by
    assert escalations_run(at=escalated) == 1
    alert.refresh_from_db()
    assert (alert.escalation_level, alert.escalated_at) == (1, escalated)
    assert alert.respond_by == MONDAY + dt.timedelta(hours=4)  # the target is kept
    [note] = told(unit.responder)
    assert note.patient_id == unit.patient.pk
    assert unit.unit.name in note.text
    assert note.link == reverse("alerts:alert_detail", kwargs={"alert_id": alert.pk})
    [email] = mailed(mailoutbox, unit.responder)
    assert email.to == [unit.responder.email]
    assert unit.unit.name in email.body
    assert site_url(note.link) in email.body
    words = f"{email.subject} {email.body} {note.text}"
    for secret in (unit.patient.family_name, unit.patient.local_id, "Test rule", "test reason"):
        assert secret not in words
    assert told(unit.nurse) == told(unit.lead) == []
    assert (
        AuditEvent.objects.filter(
            entity_type="Alert", entity_id=str(alert.pk), purpose="alert-escalated"
        ).count()
        == 1
    )

    # Run again at the same moment: escalated once.
    assert escalations_run(at=escalated) == 0
    assert len(told(unit.responder)) == 1

    # Level 2 one more response time (4 clock hours, urgent) after the escalation.
    assert next_escalation_at(alert) == escalated + dt.timedelta(hours=4)
    assert escalations_run(at=escalated + dt.timedelta(hours=4) - MINUTE) == 0
    assert escalations_run(at=escalated + dt.timedelta(hours=4)) == 1
    assert level(alert) == 2
    assert len(told(unit.lead)) == 1
    assert len(mailed(mailoutbox, unit.lead)) == 1
    assert len(told(unit.responder)) == 1

    # Never past level 2.
    assert next_escalation_at(alert) is None
    assert escalations_run(at=escalated + dt.timedelta(days=7)) == 0
    assert level(alert) == 2
    assert len(mailoutbox) == 2


def test_each_person_told_can_open_the_alert(monkeypatch, verified_client):
    move_clock(monkeypatch, MONDAY)
    unit = Unit()
    alert = raise_alert(patient=unit.patient, unit=unit.unit, at=MONDAY, severity="urgent")
    escalations_run(at=alert.respond_by)
    escalations_run(at=alert.respond_by + dt.timedelta(hours=4))
    for user in (unit.responder, unit.lead):
        [note] = told(user)
        assert verified_client(user).get(note.link).status_code == 200


def test_without_a_named_responder_the_care_team_clinicians_in_the_unit_are_told(
    monkeypatch, mailoutbox
):
    move_clock(monkeypatch, MONDAY)
    unit = Unit(named_responder=False)
    alert = raise_alert(patient=unit.patient, unit=unit.unit, at=MONDAY, severity="urgent")
    assert escalations_run(at=alert.respond_by) == 1
    assert len(told(unit.nurse)) == 1
    # On the care team but working in another unit; and the unit's other clinician.
    assert told(unit.elsewhere) == told(unit.responder) == told(unit.lead) == []
    assert [m.to for m in mailoutbox] == [[unit.nurse.email]]


def test_without_care_team_clinicians_in_the_unit_its_other_clinicians_are_told(monkeypatch):
    move_clock(monkeypatch, MONDAY)
    unit = Unit(named_responder=False, care_team=False)
    alert = raise_alert(patient=unit.patient, unit=unit.unit, at=MONDAY, severity="urgent")
    assert escalations_run(at=alert.respond_by) == 1
    assert len(told(unit.nurse)) == len(told(unit.responder)) == 1
    assert told(unit.lead) == told(unit.elsewhere) == []


def test_acknowledged_and_closed_alerts_never_escalate(monkeypatch, mailoutbox):
    move_clock(monkeypatch, MONDAY)
    unit = Unit()
    acknowledged = raise_alert(patient=unit.patient, unit=unit.unit, at=MONDAY, rule_id="a")
    closed = raise_alert(patient=unit.patient, unit=unit.unit, at=MONDAY, rule_id="b")
    alert_acknowledge(user=unit.nurse, alert_id=acknowledged.pk)
    alert_close(user=unit.nurse, alert_id=closed.pk, action="phoned")
    assert escalations_run(at=MONDAY + dt.timedelta(days=30)) == 0
    assert level(acknowledged) == level(closed) == 0
    assert mailoutbox == []
    assert told(unit.responder) == told(unit.lead) == []


def test_an_alert_acknowledged_after_level_1_does_not_reach_the_lead(monkeypatch):
    move_clock(monkeypatch, MONDAY)
    unit = Unit()
    alert = raise_alert(patient=unit.patient, unit=unit.unit, at=MONDAY, severity="urgent")
    assert escalations_run(at=alert.respond_by) == 1
    alert_acknowledge(user=unit.responder, alert_id=alert.pk)
    assert escalations_run(at=alert.respond_by + dt.timedelta(days=1)) == 0
    assert level(alert) == 1
    assert told(unit.lead) == []


def test_a_friday_evening_alert_escalates_on_monday_in_office_hours(monkeypatch):
    move_clock(monkeypatch, FRIDAY_EVENING)
    unit = Unit()
    alert = raise_alert(patient=unit.patient, unit=unit.unit, at=FRIDAY_EVENING, hours=4)
    # High: office time. Friday 17:00-18:00 is 1 h; Monday 08:00 + 3 h = 11:00.
    monday_11 = dt.datetime(2026, 11, 23, 11, 0, tzinfo=dt.UTC)
    assert alert.respond_by == monday_11
    assert escalations_run(at=dt.datetime(2026, 11, 21, 12, 0, tzinfo=dt.UTC)) == 0  # Saturday
    assert escalations_run(at=monday_11 - MINUTE) == 0
    assert escalations_run(at=monday_11) == 1
    # Level 2 four office hours later: Monday 11:00 + 4 h = 15:00.
    monday_15 = dt.datetime(2026, 11, 23, 15, 0, tzinfo=dt.UTC)
    assert escalations_run(at=monday_15 - MINUTE) == 0
    assert escalations_run(at=monday_15) == 1
    assert level(alert) == 2


def test_a_holiday_moves_the_escalation_to_the_next_office_day(monkeypatch):
    move_clock(monkeypatch, FRIDAY_EVENING)
    unit = Unit()
    unit_settings_set(unit.unit, next_responder=unit.responder, holidays=[dt.date(2026, 11, 23)])
    alert = raise_alert(patient=unit.patient, unit=unit.unit, at=FRIDAY_EVENING, hours=4)
    # Friday 1 h; Monday 23rd is a holiday; Tuesday 08:00 + 3 h = 11:00.
    tuesday_11 = dt.datetime(2026, 11, 24, 11, 0, tzinfo=dt.UTC)
    assert alert.respond_by == tuesday_11
    assert escalations_run(at=dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.UTC)) == 0
    assert escalations_run(at=tuesday_11) == 1
    # Level 2 counts office time from the escalation too: from Tuesday 15:00, 3 h to 18:00
    # and Wednesday 08:00 + 1 h = 09:00 (not Tuesday 19:00, when the office is closed).
    Alert.objects.filter(pk=alert.pk).update(escalated_at=tuesday_11 + dt.timedelta(hours=4))
    alert.refresh_from_db()
    assert next_escalation_at(alert) == dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)


def test_the_scheduled_job_escalates(monkeypatch, mailoutbox):
    move_clock(monkeypatch, MONDAY)
    unit = Unit()
    alert = raise_alert(patient=unit.patient, unit=unit.unit, at=MONDAY, severity="urgent")
    move_clock(monkeypatch, alert.respond_by + MINUTE)
    result = jobs.escalate_alerts.enqueue()
    assert result.return_value == 1
    assert level(alert) == 1


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_escalate_an_alert_once(django_db_setup):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises write transactions; the race needs PostgreSQL")
    unit = Unit()
    alert = raise_alert(patient=unit.patient, unit=unit.unit, at=MONDAY, severity="urgent")
    barrier = threading.Barrier(2)
    results: list[object] = []

    def work() -> None:
        try:
            barrier.wait()
            results.append(alert_escalate(alert_id=alert.pk, at=alert.respond_by))
        except Exception as error:
            results.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False, True]
    assert level(alert) == 1
    assert Notification.objects.filter(recipient=unit.responder).count() == 1

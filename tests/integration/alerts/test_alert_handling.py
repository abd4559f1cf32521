"""Handling an alert: one clinician claims it (two at once: one wins, the other is told
who has it), acknowledges it, records what was done and closes it; the patient is told in
plain words."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, connections

from coproduce.alerts.handling import (
    alert_acknowledge,
    alert_claim,
    alert_close,
    alert_release,
)
from coproduce.alerts.models import Alert
from coproduce.alerts.outcomes import alert_outcome_words
from coproduce.core.models import AuditEvent
from coproduce.reporting.models import Notification
from tests.factories_alerts_queue import alert_for, raised
from tests.factories_reporting import move_clock

pytestmark = pytest.mark.django_db

START = dt.datetime(2027, 3, 1, 10, 42, tzinfo=dt.UTC)  # a Monday, after the cast was made


@pytest.fixture
def alert(cast, monkeypatch):
    move_clock(monkeypatch, START)
    return alert_for(cast.patient)


def test_a_claim_is_taken_and_audited(cast, alert):
    claimed = alert_claim(user=cast.nurse, alert_id=alert.pk)
    assert (claimed.claimed_by, claimed.claimed_at) == (cast.nurse, START)
    assert AuditEvent.objects.filter(
        entity_type="Alert", entity_id=str(alert.pk), purpose="alert-claim", actor=cast.nurse
    ).exists()


def test_a_second_claim_is_told_who_has_the_alert(cast, alert):
    alert_claim(user=cast.nurse, alert_id=alert.pk)
    with pytest.raises(ValidationError) as error:
        alert_claim(user=cast.clinician, alert_id=alert.pk)
    message = error.value.messages[0]
    assert message == (
        f"{cast.nurse.display_name} is already handling this alert (since 10:42 on 1 March)."
    )
    assert Alert.objects.get(pk=alert.pk).claimed_by == cast.nurse


def test_claiming_ones_own_alert_again_changes_nothing(cast, alert):
    alert_claim(user=cast.nurse, alert_id=alert.pk)
    assert alert_claim(user=cast.nurse, alert_id=alert.pk).claimed_by == cast.nurse
    assert AuditEvent.objects.filter(purpose="alert-claim").count() == 1


def test_a_colleague_may_take_over_a_claim(cast, alert):
    alert_claim(user=cast.nurse, alert_id=alert.pk)
    taken = alert_claim(user=cast.clinician, alert_id=alert.pk, take_over=True)
    assert taken.claimed_by == cast.clinician
    event = AuditEvent.objects.get(purpose="alert-take-over")
    assert event.detail == {"previous": cast.nurse.pk}


@pytest.mark.django_db(transaction=True)
def test_two_nurses_claiming_at_once_one_wins_and_the_other_is_told_who(django_db_setup):
    """Two threads, each with its own database connection, claim the same alert at the
    same moment: exactly one claim wins; the other names the winner."""
    from tests.factories import make_cast

    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises write transactions; the race needs PostgreSQL")
    cast = make_cast()
    alert = alert_for(cast.patient)
    barrier = threading.Barrier(2)
    results: dict[str, object] = {}

    def claim(user) -> None:
        try:
            barrier.wait()
            results[user.username] = alert_claim(user=user, alert_id=alert.pk).claimed_by_id
        except ValidationError as error:
            results[user.username] = error.messages[0]
        finally:
            connections.close_all()

    threads = [threading.Thread(target=claim, args=(u,)) for u in (cast.nurse, cast.clinician)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    winner = Alert.objects.select_related("claimed_by").get(pk=alert.pk).claimed_by
    loser = cast.clinician if winner == cast.nurse else cast.nurse
    assert results[winner.username] == winner.pk
    assert results[loser.username].startswith(
        f"{winner.display_name} is already handling this alert (since "
    )
    assert AuditEvent.objects.filter(purpose="alert-claim").count() == 1


def test_only_the_holder_releases_a_claim(cast, alert):
    alert_claim(user=cast.nurse, alert_id=alert.pk)
    with pytest.raises(ValidationError, match=cast.nurse.display_name):
        alert_release(user=cast.clinician, alert_id=alert.pk)
    released = alert_release(user=cast.nurse, alert_id=alert.pk)
    assert released.claimed_by is None
    assert alert_claim(user=cast.clinician, alert_id=alert.pk).claimed_by == cast.clinician


def test_acknowledging_claims_an_unclaimed_alert(cast, alert):
    done = alert_acknowledge(user=cast.nurse, alert_id=alert.pk, note="Will phone at 11")
    assert done.status == "acknowledged"
    assert (done.acknowledged_by, done.acknowledged_at) == (cast.nurse, START)
    assert done.claimed_by == cast.nurse
    assert done.action_note == "Will phone at 11"
    purposes = set(
        AuditEvent.objects.filter(entity_type="Alert", actor=cast.nurse).values_list(
            "purpose", flat=True
        )
    )
    assert {"alert-claim", "alert-acknowledge"} <= purposes


def test_acknowledging_an_alert_a_colleague_has_names_them(cast, alert):
    alert_claim(user=cast.nurse, alert_id=alert.pk)
    with pytest.raises(ValidationError, match="is already handling this alert"):
        alert_acknowledge(user=cast.clinician, alert_id=alert.pk)
    assert Alert.objects.get(pk=alert.pk).status == "open"


def test_closing_needs_an_action(cast, alert):
    with pytest.raises(ValidationError) as error:
        alert_close(user=cast.nurse, alert_id=alert.pk, action="")
    assert error.value.message_dict == {"action": ["Choose what you did."]}
    assert Alert.objects.get(pk=alert.pk).status == "open"


def test_no_action_needs_a_reason(cast, alert):
    with pytest.raises(ValidationError) as error:
        alert_close(user=cast.nurse, alert_id=alert.pk, action="no-action", no_action_reason=" ")
    assert error.value.message_dict == {"no_action_reason": ["Say why no action is needed."]}
    closed = alert_close(
        user=cast.nurse,
        alert_id=alert.pk,
        action="no-action",
        no_action_reason="Answered by mistake; checked by phone",
    )
    assert (closed.status, closed.action) == ("closed", "no-action")


def test_an_unknown_action_is_refused(cast, alert):
    with pytest.raises(ValidationError) as error:
        alert_close(user=cast.nurse, alert_id=alert.pk, action="prayed")
    assert error.value.message_dict == {"action": ["Choose what you did."]}


def test_closing_an_open_alert_acknowledges_claims_and_closes_it(cast, alert):
    closed = alert_close(user=cast.nurse, alert_id=alert.pk, action="phoned", note="All well")
    assert closed.status == "closed"
    assert closed.claimed_by == closed.acknowledged_by == closed.closed_by == cast.nurse
    assert closed.acknowledged_at == closed.closed_at == START
    assert closed.action_note == "All well"
    event = AuditEvent.objects.get(purpose="alert-close")
    assert event.detail == {"action": "phoned", "acknowledged": True}
    with pytest.raises(ValidationError, match="This alert was closed by"):
        alert_close(user=cast.nurse, alert_id=alert.pk, action="advice")
    with pytest.raises(ValidationError, match="This alert was closed by"):
        alert_claim(user=cast.clinician, alert_id=alert.pk)


def test_closing_keeps_the_acknowledgement_and_its_note(cast, alert, monkeypatch):
    alert_acknowledge(user=cast.nurse, alert_id=alert.pk, note="Calling back")
    move_clock(monkeypatch, START + dt.timedelta(hours=1))
    closed = alert_close(user=cast.nurse, alert_id=alert.pk, action="advice", note="Advice given")
    assert closed.acknowledged_at == START
    assert closed.action_note == "Calling back\n\nAdvice given"


def test_closing_tells_the_patient_in_plain_words_without_clinical_detail(cast, alert):
    alert_close(
        user=cast.nurse, alert_id=alert.pk, action="phoned", note="Discussed self-harm plan"
    )
    message = Notification.objects.get(recipient=cast.patient.user)
    assert message.text == "Your care team has looked at your report from 1 March and phoned you."
    assert message.patient == cast.patient
    assert message.link == "/alerts/mine/"
    for clinical in ("self-harm", "PHQ", "harm", "urgent", alert.title):
        assert clinical.lower() not in message.text.lower()


def test_a_patient_without_a_login_has_their_carers_told(cast, monkeypatch):
    move_clock(monkeypatch, START)
    alert = raised(cast.child)
    alert_close(
        user=cast.clinician, alert_id=alert.pk, action="no-action", no_action_reason="Known"
    )
    message = Notification.objects.get(recipient=cast.carer)
    assert message.patient == cast.child
    assert message.link == f"/alerts/patients/{cast.child.pk}/"
    assert message.text == (
        "Your care team has looked at your report from 1 March. No change is needed."
    )
    assert "Known" not in message.text


def test_another_units_clinician_is_refused_like_a_missing_id(cast, alert):
    for alert_id in (alert.pk, alert.pk + 1000, "x"):
        with pytest.raises(PermissionDenied) as error:
            alert_claim(user=cast.other_clinician, alert_id=alert_id)
        assert str(error.value) == "You do not have access to this alert."
    for action in (alert_acknowledge, alert_release):
        with pytest.raises(PermissionDenied):
            action(user=cast.other_clinician, alert_id=alert.pk)
    with pytest.raises(PermissionDenied):
        alert_close(user=cast.other_clinician, alert_id=alert.pk, action="phoned")
    assert Alert.objects.get(pk=alert.pk).claimed_by is None
    assert AuditEvent.objects.filter(entity_type="Alert", outcome="denied").count() == 6


def test_roles_other_than_clinician_cannot_handle_alerts(cast, alert):
    for user in (cast.patient.user, cast.carer, cast.qi_lead, cast.administrator):
        with pytest.raises(PermissionDenied):
            alert_claim(user=user, alert_id=alert.pk)


def test_outcome_words_follow_the_alert(cast, alert, monkeypatch):
    assert alert_outcome_words(alert) == (
        "Your care team will look at this by 14:42 on 1 March."  # urgent: 4 hours
    )
    acknowledged = alert_acknowledge(user=cast.nurse, alert_id=alert.pk)
    assert alert_outcome_words(acknowledged) == (
        "Your care team has seen this and will contact you by 14:42 on 1 March."
    )
    move_clock(monkeypatch, START + dt.timedelta(days=1))
    closed = alert_close(user=cast.nurse, alert_id=alert.pk, action="phoned")
    assert alert_outcome_words(closed) == "Your care team phoned you on 2 March."


def test_outcome_words_for_no_action_give_the_reason(cast, alert):
    closed = alert_close(
        user=cast.nurse,
        alert_id=alert.pk,
        action="no-action",
        no_action_reason="Pressed by mistake",
    )
    assert alert_outcome_words(closed) == (
        "Your care team looked at this on 1 March. No change was needed: Pressed by mistake"
    )

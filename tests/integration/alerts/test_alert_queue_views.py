"""The clinician's alert queue (most severe first, then oldest; only the alerts they may
see; audited) and one alert's page (why it fired: answers and trend), with its forms."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from coproduce.alerts.handling import alert_claim
from coproduce.alerts.models import Alert
from coproduce.alerts.selectors import alert_for_user, alerts_queue, open_alert_count
from coproduce.core.models import AuditEvent
from coproduce.reporting.models import Notification
from tests import factories
from tests.factories_alerts_queue import alert_for, raised, send_phq9
from tests.factories_reporting import move_clock

pytestmark = pytest.mark.django_db

START = dt.datetime(2027, 3, 1, 10, 0, tzinfo=dt.UTC)  # a Monday, after the cast was made
HOUR = dt.timedelta(hours=1)


@pytest.fixture
def at_start(monkeypatch):
    move_clock(monkeypatch, START)


def unit_1_patient(cast):
    return factories.make_patient(tree=cast.tree, unit=cast.tree.units[0])


# --- The queue ---------------------------------------------------------------------------------


def test_the_queue_is_most_severe_first_then_oldest_first(cast, at_start):
    routine_oldest = raised(unit_1_patient(cast), "depression-persisting", at=START - 9 * HOUR)
    high_old = raised(unit_1_patient(cast), "severe-depression", at=START - 5 * HOUR)
    urgent_new = raised(unit_1_patient(cast), "self-harm-thoughts", at=START - 1 * HOUR)
    urgent_old = raised(unit_1_patient(cast), "self-harm-thoughts", at=START - 3 * HOUR)
    high_new = raised(unit_1_patient(cast), "wants-contact", at=START - 2 * HOUR)
    rows = alerts_queue(cast.nurse)
    assert [r.alert for r in rows] == [urgent_old, urgent_new, high_old, high_new, routine_oldest]
    assert [r.alert.severity for r in rows] == ["urgent", "urgent", "high", "high", "routine"]


def test_a_queue_row_says_why_how_long_overdue_and_who_has_it(cast, at_start, monkeypatch):
    alert = alert_for(cast.patient)  # urgent: respond within 4 hours
    alert_claim(user=cast.nurse, alert_id=alert.pk)
    move_clock(monkeypatch, START + 5 * HOUR)
    (row,) = alerts_queue(cast.clinician)
    assert row.patient_name == cast.patient.full_name
    assert row.reason == "1 is at least 1"  # the latest trigger's reason
    assert row.open_for == "5\xa0hours"
    assert row.overdue
    assert row.due_words == "Overdue by 1\xa0hour"
    assert row.claimed_by == f"{cast.nurse.display_name} since 10:00 on 1 March"
    assert row.severity_shape == "▲"


def test_the_queue_shows_only_alerts_the_clinician_may_see(cast, at_start):
    mine = alert_for(cast.patient)
    other = alert_for(cast.other_patient)
    assert [r.alert for r in alerts_queue(cast.nurse)] == [mine]
    assert [r.alert for r in alerts_queue(cast.other_clinician)] == [other]
    for user in (cast.patient.user, cast.carer, cast.qi_lead, cast.administrator):
        assert alerts_queue(user) == []


def test_a_care_team_member_in_another_unit_sees_the_patients_alerts(cast, at_start):
    from coproduce.patients.models import CareTeamRole
    from coproduce.patients.services import care_team_member_add

    alert = alert_for(cast.patient)
    care_team_member_add(
        actor=None, patient=cast.patient, user=cast.other_clinician, role=CareTeamRole.CLINICIAN
    )
    assert alert in [r.alert for r in alerts_queue(cast.other_clinician)]
    assert alert_for_user(cast.other_clinician, alert.pk).alert == alert


def test_an_alert_escalated_to_a_next_responder_of_another_unit_is_theirs(cast, at_start):
    from coproduce.alerts.models import UnitAlertSettings

    alert = alert_for(cast.patient)
    UnitAlertSettings.objects.create(unit=alert.unit, next_responder=cast.other_clinician)
    assert alerts_queue(cast.other_clinician) == []  # not before it is escalated
    Alert.objects.filter(pk=alert.pk).update(escalation_level=1)
    assert [r.alert for r in alerts_queue(cast.other_clinician)] == [alert]
    assert alerts_queue(cast.other_clinician)[0].escalation == "Escalated to the next responder"


def test_the_queue_filters_by_unit_and_status(cast, at_start):
    from coproduce.alerts.handling import alert_close

    open_one = alert_for(cast.patient)
    closed_one = raised(unit_1_patient(cast), "severe-depression", at=START - HOUR)
    alert_close(user=cast.nurse, alert_id=closed_one.pk, action="advice")
    unit_1, unit_2 = cast.tree.units[0], cast.tree.units[1]
    assert [r.alert for r in alerts_queue(cast.nurse, unit_id=unit_1.pk)] == [open_one]
    assert alerts_queue(cast.nurse, unit_id=unit_2.pk) == []
    assert [r.alert for r in alerts_queue(cast.nurse, status="closed")] == [closed_one]


def test_reading_the_queue_is_audited_with_the_ids_shown(cast, at_start):
    alert = alert_for(cast.patient)
    alerts_queue(cast.nurse)
    event = AuditEvent.objects.get(purpose="alert-queue", actor=cast.nurse)
    assert event.detail["alert_ids"] == [alert.pk]
    assert event.detail["patient_ids"] == [cast.patient.pk]


def test_the_queue_takes_a_few_queries_however_many_alerts(
    cast, at_start, django_assert_max_num_queries
):
    for hours in range(6):
        raised(unit_1_patient(cast), at=START - hours * HOUR)
    with django_assert_max_num_queries(3):  # alerts, audit event (and a savepoint at most)
        rows = alerts_queue(cast.nurse)
        [(r.patient_name, r.claimed_by, r.reason) for r in rows]
    assert len(rows) == 6


def test_open_alert_count_counts_unacknowledged_alerts(cast, at_start):
    from coproduce.alerts.handling import alert_acknowledge

    alert_for(cast.patient)
    other = raised(unit_1_patient(cast), "severe-depression")
    assert open_alert_count(cast.nurse) == 2
    alert_acknowledge(user=cast.nurse, alert_id=other.pk)
    assert open_alert_count(cast.nurse) == 1
    assert open_alert_count(cast.other_clinician) == 0


# --- One alert ------------------------------------------------------------------------------------


def test_an_alert_shows_the_answers_that_fired_it_and_the_trend(cast, at_start, monkeypatch):
    factories.load_programme("depression-anxiety")
    alert_for(cast.patient)  # enrols the patient; PHQ-9 with item 9 = 1 (total 1)
    move_clock(monkeypatch, START + dt.timedelta(days=7))
    send_phq9(cast.patient, {"1": 3, "2": 3, "9": 2})  # total 8
    alert = Alert.objects.get(patient=cast.patient, rule_id="self-harm-thoughts")
    view = alert_for_user(cast.nurse, alert.pk)
    newest = view.triggers[0]
    assert newest.source_words == "A questionnaire the patient sent"
    watched = [a for a in newest.response.answers if a.watched]
    assert len(watched) == 1
    assert watched[0].answer == "More than half the days"
    assert watched[0].score == "2"
    assert newest.response.scores == (("PHQ-9 total score", "8 (mild)"),)
    assert [r.value for r in view.trend.rows] == ["2", "1"]  # item 9, newest first
    assert [r.fired for r in view.trend.rows] == [True, True]
    assert view.trend.chart.total_points == 2
    event = AuditEvent.objects.get(purpose="alert", actor=cast.nurse, outcome="success")
    assert event.patient_id == cast.patient.pk
    assert len(event.detail["response_ids"]) == 2


def test_a_score_alert_trends_the_score(cast, at_start, monkeypatch):
    factories.load_programme("depression-anxiety")
    from tests.factories_alerts_queue import enrolled

    enrolled(cast.patient)
    send_phq9(cast.patient, {"1": 3, "2": 3, "3": 3, "4": 3, "5": 3, "6": 3, "7": 2})  # 20
    alert = Alert.objects.get(patient=cast.patient, rule_id="severe-depression")
    view = alert_for_user(cast.nurse, alert.pk)
    assert view.trend.name == "PHQ-9 total score"
    assert [(r.value, r.fired) for r in view.trend.rows] == [("20", True)]
    assert view.trend.bands  # severity bands in words for the legend


def test_a_severe_symptom_alert_shows_the_symptom_answers_and_the_grade_trend(cast, at_start):
    from tests.factories_alerts_queue import enrolled, send_symptoms

    enrolled(cast.patient, "cancer-symptom-monitoring")
    send_symptoms(cast.patient, {"pain-frequency": 4, "pain-severity": 3, "pain-interference": 3})
    alert = Alert.objects.get(patient=cast.patient, rule_id="severe-symptom")
    view = alert_for_user(cast.nurse, alert.pk)
    response = view.triggers[0].response
    assert [a.score for a in response.answers] == ["4", "3", "3"]
    assert response.answers[0].question.startswith(
        "In the last 7 days, how OFTEN did you have PAIN"
    )
    assert response.unanswered > 0
    assert [(r.value, r.fired) for r in view.trend.rows] == [("3", True)]


def test_another_units_alert_is_denied_like_a_missing_one(cast, at_start):
    alert = alert_for(cast.patient)
    for alert_id in (alert.pk, alert.pk + 999, "nope"):
        with pytest.raises(PermissionDenied):
            alert_for_user(cast.other_clinician, alert_id)
    assert AuditEvent.objects.filter(entity_type="Alert", outcome="denied").count() == 3


# --- Pages ----------------------------------------------------------------------------------


def test_the_queue_page_lists_alerts_with_severity_in_words(cast, at_start, verified_client):
    alert = alert_for(cast.patient)
    response = verified_client(cast.nurse).get(reverse("alerts:queue"))
    assert response.status_code == 200
    page = response.content.decode()
    assert cast.patient.full_name in page
    assert reverse("alerts:alert_detail", kwargs={"alert_id": alert.pk}) in page
    assert "Urgent" in page
    assert "▲" in page
    assert "1 alert to handle." in page


def test_the_queue_page_filters_and_answers_htmx_with_the_table(cast, at_start, verified_client):
    alert_for(cast.patient)
    client = verified_client(cast.nurse)
    response = client.get(reverse("alerts:queue"), {"status": "closed"})
    assert "No closed alerts to show." in response.content.decode()
    partial = client.get(reverse("alerts:queue"), HTTP_HX_REQUEST="true")
    assert partial.status_code == 200
    assert "<h1>" not in partial.content.decode()
    bad = client.get(reverse("alerts:queue"), {"unit": cast.tree.units[1].pk})
    assert bad.status_code == 200
    assert "Select a valid choice" in bad.content.decode()


def test_other_roles_may_not_open_the_queue(cast, verified_client, client):
    for user in (cast.patient.user, cast.carer, cast.qi_lead, cast.administrator):
        client.logout()
        assert verified_client(user).get(reverse("alerts:queue")).status_code == 403


def test_the_alert_page_shows_why_it_fired(cast, at_start, verified_client):
    alert = alert_for(cast.patient)
    response = verified_client(cast.nurse).get(
        reverse("alerts:alert_detail", kwargs={"alert_id": alert.pk})
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Why it fired" in page
    assert "This answer raised the alert" in page
    assert '<svg class="trend-chart"' in page
    assert "I am handling this" in page


def test_another_units_alert_page_is_forbidden(cast, at_start, verified_client):
    alert = alert_for(cast.patient)
    client = verified_client(cast.other_clinician)
    url = reverse("alerts:alert_detail", kwargs={"alert_id": alert.pk})
    assert client.get(url).status_code == 403
    for name in ("alert_claim", "alert_release", "alert_acknowledge", "alert_close"):
        post = client.post(reverse(f"alerts:{name}", kwargs={"alert_id": alert.pk}))
        assert post.status_code == 403
    assert Alert.objects.get(pk=alert.pk).claimed_by is None


def test_claim_acknowledge_and_close_through_the_pages(cast, at_start, verified_client):
    alert = alert_for(cast.patient)
    client = verified_client(cast.nurse)
    kwargs = {"alert_id": alert.pk}
    detail = reverse("alerts:alert_detail", kwargs=kwargs)
    response = client.post(reverse("alerts:alert_claim", kwargs=kwargs), follow=True)
    assert response.redirect_chain == [(detail, 302)]
    assert "You are handling this alert" in response.content.decode()
    response = client.post(
        reverse("alerts:alert_acknowledge", kwargs=kwargs), {"ack-note": "Phoning now"}
    )
    assert response.status_code == 302
    response = client.post(
        reverse("alerts:alert_close", kwargs=kwargs),
        {"close-action": "phoned", "close-note": "Spoke to patient"},
        follow=True,
    )
    assert "Alert closed. The patient has been told." in response.content.decode()
    alert.refresh_from_db()
    assert (alert.status, alert.action, alert.acknowledged_by) == ("closed", "phoned", cast.nurse)
    assert Notification.objects.filter(recipient=cast.patient.user).count() == 1


def test_closing_without_an_action_shows_the_error_by_the_field(cast, at_start, verified_client):
    alert = alert_for(cast.patient)
    client = verified_client(cast.nurse)
    url = reverse("alerts:alert_close", kwargs={"alert_id": alert.pk})
    response = client.post(url, {"close-action": ""})
    assert response.status_code == 422
    page = response.content.decode()
    assert "There is a problem" in page
    assert 'href="#id_close-action"' in page
    assert 'id="id_close-action_error"' in page
    assert "Choose what you did." in page
    response = client.post(url, {"close-action": "no-action"})
    assert response.status_code == 422
    assert "Say why no action is needed." in response.content.decode()
    assert Alert.objects.get(pk=alert.pk).status == "open"


def test_losing_a_claim_says_who_has_the_alert(cast, at_start, verified_client):
    alert = alert_for(cast.patient)
    alert_claim(user=cast.nurse, alert_id=alert.pk)
    response = verified_client(cast.clinician).post(
        reverse("alerts:alert_claim", kwargs={"alert_id": alert.pk}), follow=True
    )
    page = response.content.decode()
    assert f"{cast.nurse.display_name} is already handling this alert (since 10:00" in page
    assert f"Take over from {cast.nurse.display_name}" in page

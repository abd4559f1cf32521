"""The what-if view: how many alerts a rule would have raised over the last 90 days with
another number, and which alerts that led to action it would have missed."""

import dataclasses
import datetime as dt
from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from coproduce.alerts.load import rule_for, what_if
from coproduce.core.models import AuditEvent
from tests import factories
from tests.factories_alerts_load import (
    alert_of,
    close_at,
    depression_patient,
    send_blood_pressure,
    send_phq9,
)
from tests.factories_reporting import enrol, move_clock

pytestmark = pytest.mark.django_db

T = dt.datetime(2026, 11, 2, 10, 0, tzinfo=dt.UTC)  # a Monday
NOW = T + dt.timedelta(days=10)


@pytest.fixture
def reported(cast, monkeypatch):
    """Unit 1, severe depression (PHQ-9 at least 20):

    day 0  A: 16; B: 18; C: 21 -> alert Y, closed on day 1 with no action needed.
    day 2  D: question 9 = 1 (total 1) -> a self-harm alert Z, still open.
    day 7  A: 22 -> alert X, closed on day 8: phoned the patient.
    Both closed alerts stayed open 24 hours, the time a made-up alert is taken to stay open.
    """
    move_clock(monkeypatch, T)
    unit_1 = cast.tree.units[0]
    phq9 = factories.load_instrument("phq-9")
    a, b, c, d = (depression_patient(cast.tree, unit_1) for _ in range(4))
    send_phq9(a, phq9, 16)
    send_phq9(b, phq9, 18)
    send_phq9(c, phq9, 21)
    close_at(
        monkeypatch,
        alert_of(c, "severe-depression"),
        cast.nurse,
        T + dt.timedelta(days=1),
        "no-action",
        "Known to the team; seen yesterday.",
    )
    move_clock(monkeypatch, T + dt.timedelta(days=2))
    send_phq9(d, phq9, 1, item_9=1)
    move_clock(monkeypatch, T + dt.timedelta(days=7))
    send_phq9(a, phq9, 22)
    close_at(
        monkeypatch,
        alert_of(a, "severe-depression"),
        cast.nurse,
        T + dt.timedelta(days=8),
        "phoned",
    )
    move_clock(monkeypatch, NOW)
    people = {f.name: getattr(cast, f.name) for f in dataclasses.fields(cast)}
    return SimpleNamespace(**people, a=a, d=d)


def severe(reported):
    return rule_for("depression-anxiety", "severe-depression")


def test_lowering_the_threshold_from_20_to_15_raises_more(reported):
    programme, rule = severe(reported)
    result = what_if(reported.clinician, programme=programme, rule=rule, new_value=15)
    assert result.number_field == "at_least"
    assert result.current_value == 20
    assert result.reports == 5  # four PHQ-9 totals on day 0 and 2, one on day 7
    # Now: A's 22 and C's 21 fire, each opening an alert, as stored.
    assert (result.fired_now, result.alerts_now, result.alerts_actual) == (2, 2, 2)
    # At 15: A's 16 and 22, B's 18 and C's 21 fire. A's alert of day 0 would have stayed
    # open 24 hours, so day 7 opens another: 4 alerts.
    assert (result.fired_new, result.alerts_new) == (4, 4)
    assert result.missed == ()
    assert result.actioned == 1  # X (phoned); Y was closed with no action needed


def test_raising_the_threshold_to_25_misses_the_alert_that_led_to_a_phone_call(reported):
    programme, rule = severe(reported)
    result = what_if(reported.clinician, programme=programme, rule=rule, new_value=25)
    assert (result.fired_new, result.alerts_new) == (0, 0)
    (missed,) = result.missed
    x = alert_of(reported.a, "severe-depression")
    assert missed.alert_id == x.pk
    assert missed.patient_local_id == reported.a.local_id
    assert missed.opened_at == T + dt.timedelta(days=7)
    assert (missed.severity_label, missed.outcome_label) == ("High", "Phoned the patient")
    event = AuditEvent.objects.get(
        entity_type="Alert", entity_id=str(x.pk), purpose="alert-what-if"
    )
    assert event.patient_id == reported.a.pk


def test_qi_leads_see_what_would_be_missed_without_identifiers(reported):
    programme, rule = severe(reported)
    result = what_if(reported.qi_lead, programme=programme, rule=rule, new_value=25)
    (missed,) = result.missed
    assert (missed.alert_id, missed.patient_local_id) == (None, "")


def test_an_item_threshold_reads_the_answers(reported):
    programme, rule = rule_for("depression-anxiety", "self-harm-thoughts")
    result = what_if(reported.clinician, programme=programme, rule=rule, new_value=2)
    assert result.reports == 5  # every PHQ-9 answers question 9
    assert (result.fired_now, result.alerts_now, result.alerts_actual) == (1, 1, 1)
    assert (result.fired_new, result.alerts_new) == (0, 0)
    (missed,) = result.missed  # Z is still open: it counts as leading to action
    assert missed.outcome_label == "Open"
    assert missed.severity_label == "Urgent"


def test_worsening_by_fewer_points(reported):
    # A: 16 then 22 (6 worse than the first report) fires at 5 now; at 7 it does not.
    programme, rule = rule_for("depression-anxiety", "depression-worsening")
    result = what_if(reported.clinician, programme=programme, rule=rule, new_value=7)
    assert result.number_field == "by_at_least"
    assert (result.fired_now, result.alerts_now, result.alerts_actual) == (1, 1, 1)
    assert result.fired_new == 0
    assert len(result.missed) == 1  # still open


def test_the_page_shows_both_counts_and_the_missed_alert(reported, verified_client):
    url = reverse("alerts:what_if", args=["depression-anxiety", "severe-depression"])
    client = verified_client(reported.clinician)
    page = client.get(url, {"value": "25", "unit": reported.tree.units[0].pk})
    assert page.status_code == 200
    html = page.content.decode()
    assert "With 25" in html
    assert "1 alert would not have been raised" in html
    assert "Phoned the patient" in html
    assert reported.a.local_id in html
    x = alert_of(reported.a, "severe-depression")
    assert f'href="{reverse("alerts:alert_detail", args=[x.pk])}"' in html
    first = client.get(url)
    assert first.status_code == 200
    assert "Now (20)" in first.content.decode()


def test_a_number_that_is_not_a_number_is_said_next_to_the_field(reported, verified_client):
    url = reverse("alerts:what_if", args=["depression-anxiety", "depression-worsening"])
    client = verified_client(reported.clinician)
    page = client.get(url, {"value": "lots"})
    assert page.status_code == 422
    html = page.content.decode()
    assert 'class="error-summary"' in html
    assert "Enter a number, for example 15." in html
    zero = client.get(url, {"value": "0"})
    assert "Enter a number above 0." in zero.content.decode()


def test_rules_without_a_number_say_why(reported, verified_client):
    client = verified_client(reported.qi_lead)
    page = client.get(reverse("alerts:what_if", args=["depression-anxiety", "no-mood-report"]))
    assert page.status_code == 200
    assert "depends on days passing" in page.content.decode()
    missing = client.get(reverse("alerts:what_if", args=["depression-anxiety", "no-such-rule"]))
    assert missing.status_code == 404


def test_a_clinician_of_another_unit_sees_nothing_of_this_unit(reported, verified_client):
    programme, rule = severe(reported)
    result = what_if(reported.other_clinician, programme=programme, rule=rule, new_value=25)
    assert (result.reports, result.alerts_actual, result.missed) == (0, 0, ())
    with pytest.raises(PermissionDenied):
        what_if(
            reported.other_clinician,
            programme=programme,
            rule=rule,
            new_value=25,
            unit_id=reported.tree.units[0].pk,
        )
    url = reverse("alerts:what_if", args=["depression-anxiety", "severe-depression"])
    page = verified_client(reported.other_clinician).get(url, {"unit": reported.tree.units[0].pk})
    assert page.status_code == 403


@pytest.mark.parametrize("who", ["patient", "carer"])
def test_patients_and_carers_may_not_open_the_what_if_view(cast, verified_client, who):
    factories.load_programme("depression-anxiety")
    user = cast.patient.user if who == "patient" else cast.carer
    url = reverse("alerts:what_if", args=["depression-anxiety", "severe-depression"])
    assert verified_client(user).get(url).status_code == 403


def test_a_home_measurement_threshold_counts_each_reading_once(cast, monkeypatch):
    # Systolic 185 (day 0), 170 (day 1), 150 (day 2): at 180 the first raises an urgent
    # alert that stays open; at 165 the second fires too but attaches to that open alert.
    move_clock(monkeypatch, T)
    patient = factories.make_patient(tree=cast.tree, with_login=True)
    enrol(patient, "hypertension")
    for day, systolic in enumerate((185, 170, 150)):
        at = T + dt.timedelta(days=day)
        move_clock(monkeypatch, at + dt.timedelta(minutes=1))
        send_blood_pressure(patient, at, systolic)
    move_clock(monkeypatch, NOW)
    programme, rule = rule_for("hypertension", "very-high-blood-pressure")
    same = what_if(cast.clinician, programme=programme, rule=rule, new_value=180)
    assert same.reports == 3
    assert (same.fired_now, same.alerts_now, same.alerts_actual) == (1, 1, 1)
    assert (same.fired_new, same.alerts_new, same.missed) == (1, 1, ())  # sources match
    lower = what_if(cast.clinician, programme=programme, rule=rule, new_value=165)
    assert (lower.fired_new, lower.alerts_new) == (2, 1)
    higher = what_if(cast.clinician, programme=programme, rule=rule, new_value=190)
    assert len(higher.missed) == 1

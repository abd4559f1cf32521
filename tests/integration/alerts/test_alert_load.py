"""Alert load per unit and rule, on a small dataset made through the real services: each
expected figure is worked out by hand in a comment."""

import datetime as dt
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.urls import reverse

from coproduce.alerts.load import alert_load, period, unit_alert_load
from coproduce.alerts.models import Alert
from coproduce.core.models import AuditEvent
from tests import factories
from tests.factories_alerts_load import (
    acknowledge_at,
    alert_of,
    close_at,
    depression_patient,
    send_blood_pressure,
    send_phq9,
)
from tests.factories_reporting import move_clock

pytestmark = pytest.mark.django_db

T = dt.datetime(2026, 11, 2, 10, 0, tzinfo=dt.UTC)  # a Monday
NOW = T + dt.timedelta(days=5, hours=1)


@pytest.fixture
def handled(cast, monkeypatch):
    """Unit 1: A and B in the depression programme; unit 2: C.

    T      A: PHQ-9 20 -> alert 1 (severe depression); B: question 9 = 1 -> alert 2
           (thoughts of self-harm, urgent: respond by T+4h); C (unit 2): PHQ-9 20.
    T+31m  A: a blood pressure with pulse (three values, one report).
    T+2h   the nurse acknowledges alert 1 (in time); T+3h closes it: phoned the patient.
    T+6h   the nurse closes alert 2: no action needed (2 hours late; closing acknowledges).
    T+1d   A: PHQ-9 0.   T+2d  B: PHQ-9 0.
    T+5d   A: PHQ-9 20 -> alert 3 (alert 1 is closed); still open, its target not passed.
    """
    move_clock(monkeypatch, T)
    unit_1, unit_2 = cast.tree.units[0], cast.tree.units[1]
    phq9 = factories.load_instrument("phq-9")
    a = depression_patient(cast.tree, unit_1)
    b = depression_patient(cast.tree, unit_1)
    c = depression_patient(cast.tree, unit_2)
    send_phq9(a, phq9, 20)
    send_phq9(b, phq9, 1, item_9=1)
    send_phq9(c, phq9, 20)
    move_clock(monkeypatch, T + dt.timedelta(minutes=31))
    send_blood_pressure(a, T + dt.timedelta(minutes=30))
    first = alert_of(a, "severe-depression")
    acknowledge_at(monkeypatch, first, cast.nurse, T + dt.timedelta(hours=2))
    close_at(monkeypatch, first, cast.nurse, T + dt.timedelta(hours=3), "phoned")
    close_at(
        monkeypatch,
        alert_of(b, "self-harm-thoughts"),
        cast.nurse,
        T + dt.timedelta(hours=6),
        "no-action",
        "Seen in clinic this morning.",
    )
    move_clock(monkeypatch, T + dt.timedelta(days=1))
    send_phq9(a, phq9, 0)
    move_clock(monkeypatch, T + dt.timedelta(days=2))
    send_phq9(b, phq9, 0)
    move_clock(monkeypatch, T + dt.timedelta(days=5))
    send_phq9(a, phq9, 20)
    move_clock(monkeypatch, NOW)
    assert Alert.objects.filter(unit=unit_1).count() == 3
    return cast


def rows_by_rule(rows, unit_name):
    return {r.rule_id: r for r in rows if r.unit_name == unit_name}


def test_load_per_rule_and_unit_total(handled, django_assert_max_num_queries):
    since, until = period(30)
    with django_assert_max_num_queries(10):
        rows = alert_load(handled.clinician, since=since, until=until)
    assert {r.unit_name for r in rows} == {"Unit 1"}  # the clinician's own unit only
    unit = rows_by_rule(rows, "Unit 1")
    # Reports: A 3 PHQ-9 + 1 blood pressure (3 values, one report) = 4; B 2 PHQ-9 = 6.
    severe = unit["severe-depression"]
    assert severe.reports == 6
    assert severe.raised == 2  # alerts 1 and 3
    assert severe.per_100_reports == 33.3  # 2 / 6 * 100 = 33.33…
    # Due: alert 1 (acknowledged); alert 3 neither acknowledged nor past its target.
    assert (severe.due, severe.acknowledged_in_time, severe.share_in_time) == (1, 1, 100)
    assert severe.median_hours_to_acknowledge == 2.0  # T -> T+2h
    assert dict(severe.actions)["phoned"] == 1
    assert (severe.closed, severe.no_action, severe.share_no_action) == (1, 0, 0)

    harm = unit["self-harm-thoughts"]
    assert harm.raised == 1
    assert harm.per_100_reports == 16.7  # 1 / 6 * 100 = 16.67
    assert (harm.due, harm.acknowledged_in_time, harm.share_in_time) == (1, 0, 0)  # T+6h > T+4h
    assert harm.median_hours_to_acknowledge == 6.0
    assert (harm.closed, harm.no_action, harm.share_no_action) == (1, 1, 100)

    quiet = unit["depression-worsening"]
    assert (quiet.raised, quiet.per_100_reports, quiet.share_in_time) == (0, 0.0, None)
    assert quiet.median_hours_to_acknowledge is None
    assert quiet.what_if_available
    assert not unit["no-mood-report"].what_if_available

    total = unit[""]
    assert total.is_total
    assert total.reports == 6
    assert total.raised == 3
    assert total.per_100_reports == 50.0  # 3 / 6 * 100
    assert (total.due, total.acknowledged_in_time, total.share_in_time) == (2, 1, 50)
    assert total.median_hours_to_acknowledge == 4.0  # median of 2 h and 6 h
    assert (total.closed, total.no_action, total.share_no_action) == (2, 1, 50)
    assert dict(total.actions) == {
        "phoned": 1,
        "advice": 0,
        "treatment-changed": 0,
        "appointment": 0,
        "no-action": 1,
    }
    # Rules in the programme file's order, the unit's total last.
    assert [r.rule_id for r in rows] == [
        "self-harm-thoughts",
        "severe-depression",
        "depression-worsening",
        "depression-persisting",
        "no-mood-report",
        "wants-contact",
        "",
    ]
    assert AuditEvent.objects.filter(entity_type="AlertLoad", actor=handled.clinician).exists()


def test_a_shorter_period_leaves_out_earlier_reports_and_alerts(handled):
    # The last 4 days (from T+1d 1h): A's PHQ-9 of T+5d and B's of T+2d; alert 3 only.
    since, until = NOW - dt.timedelta(days=4), NOW
    rows = rows_by_rule(
        unit_alert_load([handled.tree.units[0]], since=since, until=until), "Unit 1"
    )
    assert rows[""].reports == 2
    assert rows["severe-depression"].raised == 1
    assert rows["severe-depression"].per_100_reports == 50.0  # 1 / 2 * 100
    assert rows["self-harm-thoughts"].raised == 0


def test_qi_lead_sees_every_unit_of_the_network(handled):
    since, until = period(30)
    rows = alert_load(handled.qi_lead, since=since, until=until)
    totals = {r.unit_name: r for r in rows if r.is_total}
    assert set(totals) == {"Unit 1", "Unit 2", "Unit 3"}
    assert totals["Unit 2"].raised == 1  # C's PHQ-9 of 20
    assert totals["Unit 2"].reports == 1
    assert totals["Unit 3"].raised == 0


def test_a_clinician_of_another_unit_sees_nothing_of_this_unit(handled, verified_client):
    since, until = period(30)
    rows = alert_load(handled.other_clinician, since=since, until=until)
    assert {r.unit_name for r in rows} == {"Unit 2"}
    with pytest.raises(PermissionDenied):
        alert_load(
            handled.other_clinician, since=since, until=until, unit_id=handled.tree.units[0].pk
        )
    client = verified_client(handled.other_clinician)
    page = client.get(reverse("alerts:load"), {"days": "30"})
    assert page.status_code == 200
    assert "Unit 1" not in page.content.decode()
    refused = client.get(reverse("alerts:load"), {"unit": handled.tree.units[0].pk})
    assert refused.status_code == 403


def test_the_load_page_shows_the_table_with_links_to_what_if(handled, verified_client):
    page = verified_client(handled.clinician).get(reverse("alerts:load"), {"days": "30"})
    assert page.status_code == 200
    html = page.content.decode()
    assert ">Alerts by rule at Unit 1, last 30 days</caption>" in html
    assert '<th scope="col">Alerts per 100 reports</th>' in html
    assert "33.3" in html
    assert "Phoned the patient: 1" in html
    what_if = reverse("alerts:what_if", args=["depression-anxiety", "severe-depression"])
    assert f'href="{what_if}?unit={handled.tree.units[0].pk}"' in html
    assert "Why there is no what-if" in html  # a missing-report rule has no number to try
    # No patient is named on the page.
    for patient_id in Alert.objects.values_list("patient__local_id", flat=True):
        assert patient_id not in html


def test_a_period_that_is_not_offered_falls_back_to_90_days(handled, verified_client):
    page = verified_client(handled.clinician).get(reverse("alerts:load"), {"days": "7"})
    assert page.status_code == 200
    assert page.context["days"] == 90


@pytest.mark.parametrize("who", ["patient", "carer", "administrator"])
def test_patients_carers_and_administrators_may_not_open_the_load_page(cast, verified_client, who):
    user = cast.patient.user if who == "patient" else getattr(cast, who)
    assert verified_client(user).get(reverse("alerts:load")).status_code == 403


def test_the_alert_load_command_prints_each_unit_with_rules(handled):
    out = StringIO()
    call_command("alert_load", "--days", "30", stdout=out)
    text = out.getvalue()
    assert "Unit 1 - last 30 days" in text
    assert "Unit 2 - last 30 days" in text
    assert "Unit 3" not in text  # no programme with rules there
    severe = next(line for line in text.splitlines() if "/severe-depression" in line)
    # reports, alerts, per 100, within target (1 of 1), median hours, no action (0 of 1)
    assert severe.split()[1:7] == ["6", "2", "33.3", "100%", "(1/1)", "2.0"]
    total = next(line for line in text.splitlines() if line.startswith("All rules"))
    assert total.split()[2:10] == ["6", "3", "50.0", "50%", "(1/2)", "4.0", "50%", "(1/2)"]
    assert "phoned 1, no-action 1" in total
    with pytest.raises(CommandError):
        call_command("alert_load", "--days", "0")

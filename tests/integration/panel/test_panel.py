"""The clinician's panel: who appears, what each column says (the key score against the
right target, days since the last visit, the next visit in the home unit's time zone), filters,
sorting, bad input and a query count that does not grow with the number of patients."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import dateformat

from coproduce.accounts.models import Role
from coproduce.careplans import services as goal_services
from coproduce.core.clock import now, today
from coproduce.core.models import AuditEvent
from coproduce.network.models import Unit
from coproduce.observations import services as observation_services
from coproduce.panel.selectors import KeyScore, key_score_for
from coproduce.patients import services as patient_services
from coproduce.patients.selectors import patient_for_user
from coproduce.reporting.services import due_report_add
from coproduce.reporting.windows import Window
from coproduce.visits import services as visit_services
from tests import factories
from tests.factories_panel import make_alert
from tests.factories_tasks import patient_day, task_made, ticked

pytestmark = [pytest.mark.django_db, pytest.mark.integration]

SYSTOLIC = "loinc:8480-6"  # hypertension's first measure with a target (below 135)


def _panel(client, **params):
    return client.get(reverse("panel:panel"), params)


def _ids(response):
    return [row.patient_id for row in response.context["rows"]]


def _row(response, patient):
    return next(r for r in response.context["rows"] if r.patient_id == patient.pk)


def _enrol(patient, code, days_ago=100, unit=None):
    return factories.make_enrolment(
        patient=patient, programme=factories.load_programme(code), days_ago=days_ago, unit=unit
    )


def _systolic(patient, value, days_ago=1):
    return observation_services.observation_record(
        actor=None,
        patient=patient,
        code=SYSTOLIC,
        quantity=value,
        unit="mm[Hg]",
        effective_at=now() - dt.timedelta(days=days_ago),
        source="clinician",
    )


def _goal(user, patient, **target):
    return goal_services.goal_create(
        access=patient_for_user(user, patient.pk),
        goal_input=goal_services.GoalInput(description="Blood pressure", **target),
    )


def _report(patient, *, due_in_days):
    enrolment = patient.enrolments.first() or _enrol(patient, "depression-anxiety")
    at = now() + dt.timedelta(days=due_in_days)
    return due_report_add(
        actor=None,
        enrolment=enrolment,
        instrument_code="phq-9",
        window=Window(at - dt.timedelta(days=2), at, at + dt.timedelta(days=5)),
    )


def _visit(patient, *, days, done=False, unit=None, hour=None):
    starts_at = now() + dt.timedelta(days=days)
    if hour is not None:
        starts_at = starts_at.replace(hour=hour, minute=0, second=0, microsecond=0)
    visit = visit_services.visit_schedule(
        actor=None, patient=patient, unit=unit or patient.home_unit, starts_at=starts_at
    )
    if done:
        visit = visit_services.visit_mark_done(actor=None, visit=visit)
    return visit


# --- Who is listed ---------------------------------------------------------------------------


def test_panel_lists_only_patients_the_clinician_may_see(cast, verified_client):
    client = verified_client(cast.clinician)
    response = _panel(client)
    assert response.status_code == 200
    shown = _ids(response)
    assert cast.patient.pk in shown
    assert cast.child.pk in shown
    assert cast.other_patient.pk not in shown
    assert cast.other_patient.family_name not in response.content.decode()


def test_another_units_patient_is_not_listed_even_when_filtering_by_that_unit(
    cast, verified_client
):
    client = verified_client(cast.clinician)
    other_unit = cast.other_patient.home_unit
    response = _panel(client, unit=other_unit.pk)
    assert "That unit is not one of yours" in response.content.decode()
    assert cast.other_patient.pk not in _ids(response)
    assert cast.other_patient.family_name not in response.content.decode()


def test_the_panel_is_audited_with_the_patients_shown(cast, verified_client):
    client = verified_client(cast.clinician)
    _panel(client, status="alerts")
    event = AuditEvent.objects.filter(actor=cast.clinician, entity_type="Patient").latest("pk")
    assert event.detail["panel"] is True
    assert event.detail["status"] == "alerts"
    assert event.detail["patient_ids"] == []


# --- Columns -----------------------------------------------------------------------------------


def test_row_shows_alerts_count_and_most_severe_in_words(cast, verified_client):
    make_alert(cast.patient, "high", "r1")
    make_alert(cast.patient, "urgent", "r2")
    response = _panel(verified_client(cast.clinician), status="alerts")
    rows = response.context["rows"]
    assert [r.patient_id for r in rows] == [cast.patient.pk]
    assert rows[0].open_alerts == 2
    assert rows[0].severity == "urgent"
    assert "Urgent" in rows[0].severity_html
    assert "\u25b2" in rows[0].severity_html


def test_due_and_overdue_reports_are_counted_apart(cast, verified_client):
    _enrol(cast.patient, "depression-anxiety")
    _report(cast.patient, due_in_days=-1)
    _report(cast.patient, due_in_days=-3)
    _report(cast.patient, due_in_days=1)
    _report(cast.patient, due_in_days=20)  # not open yet: neither due nor overdue
    row = _row(_panel(verified_client(cast.clinician)), cast.patient)
    assert (row.due_reports, row.overdue_reports) == (1, 2)


def test_overdue_tasks_count_late_one_off_tasks_and_missed_occurrences(cast, verified_client):
    """A one-off task due two days ago and not done, one ticked off, and a daily task begun
    four days ago with one of its four past days ticked: 1 + 3 = 4 overdue."""
    patient, clinician = cast.patient, cast.clinician
    task_made(clinician, patient, made_days_ago=5, due_on=patient_day(patient, -2))
    done = task_made(clinician, patient, made_days_ago=5, due_on=patient_day(patient, -1))
    ticked(patient.user, done)
    daily = task_made(
        clinician,
        patient,
        made_days_ago=5,
        title="Check your fistula",
        frequency="daily",
        starts_on=patient_day(patient, -4),
    )
    ticked(patient.user, daily, patient_day(patient, -3))
    task_made(clinician, cast.child, made_days_ago=1, due_on=patient_day(cast.child, 2))
    client = verified_client(clinician)
    response = _panel(client)
    assert (_row(response, patient).overdue_tasks, _row(response, cast.child).overdue_tasks) == (
        4,
        0,
    )
    assert "<td>4</td>" in _row(response, patient).html
    assert "Tasks overdue" in response.content.decode()
    assert _ids(_panel(client, status="tasks")) == [patient.pk]
    assert _ids(_panel(client, sort="tasks", order="desc"))[0] == patient.pk


def test_key_score_compares_the_latest_value_with_the_programme_target(cast, verified_client):
    _enrol(cast.patient, "hypertension")
    _systolic(cast.patient, 128, days_ago=5)
    _systolic(cast.patient, 142, days_ago=2)  # the latest, above 135
    response = _panel(verified_client(cast.clinician))
    row = _row(response, cast.patient)
    assert row.key_score == KeyScore.ABOVE
    assert "Above target" in row.key_html
    assert "142 mmHg" in row.key_html
    day = (now() - dt.timedelta(days=2)).date()
    assert dateformat.format(day, "j M Y") in row.key_html


def test_a_clinicians_own_target_overrides_the_programmes(cast, verified_client):
    _enrol(cast.patient, "hypertension")
    _systolic(cast.patient, 142)
    _goal(cast.clinician, cast.patient, measure_code=SYSTOLIC, direction="at_most", target_high=150)
    row = _row(_panel(verified_client(cast.clinician)), cast.patient)
    assert row.key_score == KeyScore.ON_TARGET
    assert "On target" in row.key_html


def test_a_patients_own_goal_does_not_replace_the_clinical_target(cast, verified_client):
    _enrol(cast.patient, "hypertension")
    _systolic(cast.patient, 142)
    _goal(
        cast.patient.user, cast.patient, measure_code=SYSTOLIC, direction="at_most", target_high=150
    )
    row = _row(_panel(verified_client(cast.clinician)), cast.patient)
    assert row.key_score == KeyScore.ABOVE


def test_key_score_without_a_value_or_without_a_programme(cast, verified_client):
    _enrol(cast.patient, "hypertension")
    response = _panel(verified_client(cast.clinician))
    row = _row(response, cast.patient)
    assert row.key_score == KeyScore.NO_VALUE
    assert "No value yet" in row.key_html
    child = _row(response, cast.child)  # no programme
    assert child.key_score == KeyScore.NO_TARGET
    assert "No target" in child.key_html


def test_the_earliest_active_enrolment_chooses_the_key_measure(cast, verified_client):
    """Enrolled in depression-anxiety first (its key measure is the PHQ-9 total, target 4
    or less) and in hypertension later: the systolic value does not count."""
    _enrol(cast.patient, "depression-anxiety", days_ago=300)
    _enrol(cast.patient, "hypertension", days_ago=10)
    _systolic(cast.patient, 160)
    row = _row(_panel(verified_client(cast.clinician)), cast.patient)
    assert row.key_score == KeyScore.NO_VALUE


def test_a_lower_limit_gives_below_target(cast, verified_client):
    """Cystic fibrosis: the first measure with a target is FEV1 % predicted, at least 80."""
    _enrol(cast.patient, "cystic-fibrosis")
    programme = factories.load_programme("cystic-fibrosis")
    code = programme.measures.order_by("pk").filter(target_low__isnull=False).first().code
    unit = programme.measures.get(code=code).unit
    observation_services.observation_record(
        actor=None,
        patient=cast.patient,
        code=code,
        quantity=70,
        unit=unit,
        effective_at=now() - dt.timedelta(days=1),
        source="clinician",
    )
    row = _row(_panel(verified_client(cast.clinician)), cast.patient)
    assert row.key_score == KeyScore.BELOW
    assert "Below target" in row.key_html


def test_key_score_rule_at_the_limits():
    assert key_score_for(135, None, 135) == KeyScore.ON_TARGET
    assert key_score_for(135.1, None, 135) == KeyScore.ABOVE
    assert key_score_for(3.9, 4, 10) == KeyScore.BELOW
    assert key_score_for(None, 4, 10) == KeyScore.NO_VALUE
    assert key_score_for(5, None, None) == KeyScore.NO_TARGET


def test_last_visit_in_days_and_none(cast, verified_client):
    _visit(cast.patient, days=-45, done=True)
    _visit(cast.patient, days=-90, done=True)
    response = _panel(verified_client(cast.clinician))
    assert _row(response, cast.patient).last_visit_text == "45 days ago"
    assert _row(response, cast.child).last_visit_text == "No visit yet"
    assert "45 days ago" in response.content.decode()


def test_next_visit_is_shown_in_the_units_time_zone(cast, verified_client):
    unit = cast.patient.home_unit
    Unit.objects.filter(pk=unit.pk).update(time_zone="Pacific/Auckland")
    unit.refresh_from_db()
    later = _visit(cast.patient, days=20, hour=20)  # 20:00 UTC is 08:00 or 09:00 next day
    _visit(cast.patient, days=40)
    row = _row(_panel(verified_client(cast.clinician)), cast.patient)
    local = later.starts_at.astimezone(ZoneInfo("Pacific/Auckland"))
    assert local.date() != later.starts_at.date()
    assert row.next_visit_text == f"{dateformat.format(local.date(), 'j M Y')}, {local:%H:%M}"
    assert _row(_panel(verified_client(cast.clinician)), cast.child).next_visit_text == (
        "None booked"
    )


# --- Filters and sorting ----------------------------------------------------------------------


def test_filter_by_status(cast, verified_client):
    client = verified_client(cast.clinician)
    _enrol(cast.patient, "hypertension")
    _systolic(cast.patient, 150)
    _visit(cast.patient, days=5)
    make_alert(cast.child, "routine")
    _enrol(cast.child, "depression-anxiety")
    _report(cast.child, due_in_days=-1)
    assert _ids(_panel(client, status="off_target")) == [cast.patient.pk]
    assert _ids(_panel(client, status="alerts")) == [cast.child.pk]
    assert _ids(_panel(client, status="overdue")) == [cast.child.pk]
    assert _ids(_panel(client, status="no_visit")) == [cast.child.pk]


def test_filter_by_programme_and_unit_of_the_clinician(cast, verified_client):
    tree = cast.tree
    unit_1, unit_3 = tree.units[0], tree.units[2]
    clinician = factories.make_user(
        role=Role.CLINICIAN, network=cast.network, units=(unit_1, unit_3)
    )
    in_3 = factories.make_patient(tree=tree, unit=unit_3)
    hypertension = _enrol(in_3, "hypertension")
    _enrol(cast.patient, "depression-anxiety")
    client = verified_client(clinician)
    response = _panel(client)
    programmes = {c.label for c in response.context["choices"].programmes}
    assert programmes == {"Hypertension", "Depression and anxiety"}
    assert {c.value for c in response.context["choices"].units} == {unit_1.pk, unit_3.pk}
    assert _ids(_panel(client, unit=unit_3.pk)) == [in_3.pk]
    assert _ids(_panel(client, programme=hypertension.programme_id)) == [in_3.pk]
    assert _ids(_panel(client, programme=hypertension.programme_id, unit=unit_1.pk)) == []
    # an open enrolment at a unit counts for that unit too
    patient_services.enrolment_start(
        actor=None,
        patient=cast.patient,
        programme=hypertension.programme,
        unit=unit_3,
        started_on=today(),
    )
    assert set(_ids(_panel(client, unit=unit_3.pk))) == {in_3.pk, cast.patient.pk}


def test_filter_and_sort_combine(cast, verified_client):
    first = factories.make_patient(tree=cast.tree, clinicians=(cast.clinician,))
    make_alert(cast.patient, "routine", "a")
    make_alert(first, "routine", "a")
    make_alert(first, "high", "b")
    client = verified_client(cast.clinician)
    response = _panel(client, status="alerts", sort="alerts", order="desc")
    assert _ids(response) == [first.pk, cast.patient.pk]
    body = response.content.decode()
    assert 'aria-sort="descending"' in body
    # the header links keep the filter
    assert "status=alerts" in response.context["headers"][0]["href"]


@pytest.mark.parametrize(
    ("sort", "expect"),
    [
        ("alerts", "child_first_desc"),
        ("severity", "child_first_asc"),
        ("key_score", "patient_first_asc"),
        ("last_visit", "child_first_asc"),  # never visited comes first
        ("next_visit", "child_first_asc"),
        ("overdue", "child_first_desc"),
        ("due", "child_first_desc"),
    ],
)
def test_each_sort_orders_the_rows(sort, expect, cast, verified_client):
    """The child has an urgent alert, a report due and overdue and a visit booked; the
    patient is off target with a visit 30 days ago (the child has none)."""
    make_alert(cast.child, "urgent")
    _enrol(cast.child, "depression-anxiety")
    _report(cast.child, due_in_days=-1)
    _report(cast.child, due_in_days=1)
    _visit(cast.child, days=3)
    _enrol(cast.patient, "hypertension")
    _systolic(cast.patient, 170)
    _visit(cast.patient, days=-30, done=True)
    client = verified_client(cast.clinician)
    first, order = expect.split("_first_")
    wanted = cast.child if first == "child" else cast.patient
    ids = _ids(_panel(client, sort=sort, order=order))
    assert ids[0] == wanted.pk
    flipped = _ids(_panel(client, sort=sort, order="asc" if order == "desc" else "desc"))
    assert flipped[-1] == wanted.pk


def test_sorting_by_name_is_the_default(cast, verified_client):
    response = _panel(verified_client(cast.clinician))
    names = [(r.family_name.casefold(), r.given_name.casefold()) for r in response.context["rows"]]
    assert names == sorted(names)
    assert response.context["headers"][0]["aria_sort"] == "ascending"


def test_unknown_values_are_dropped_with_a_message(cast, verified_client):
    client = verified_client(cast.clinician)
    response = _panel(
        client, sort="drop table", order="sideways", status="nonsense", programme="x", unit="99999"
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "That sort order is not known" in body
    assert "That status filter is not known" in body
    assert "That programme is not one of yours" in body
    assert "That unit is not one of yours" in body
    assert cast.patient.pk in _ids(response)


# --- Speed: a fixed number of queries ----------------------------------------------------------


def _busy_patient(cast, number):
    patient = factories.make_patient(tree=cast.tree, clinicians=(cast.clinician,))
    make_alert(patient, "high", f"r{number}")
    _enrol(patient, "hypertension")
    _systolic(patient, 120 + number)
    _visit(patient, days=-number - 1, done=True)
    _visit(patient, days=number + 1)
    return patient


def test_query_count_does_not_grow_with_patients(cast, verified_client):
    _goal(cast.clinician, cast.patient, measure_code=SYSTOLIC, direction="at_most", target_high=150)
    for number in range(3):
        _busy_patient(cast, number)
    client = verified_client(cast.clinician)
    _panel(client)
    with CaptureQueriesContext(connection) as few:
        response = _panel(client, sort="key_score")
    assert len(response.context["rows"]) == 5
    for number in range(45):
        _busy_patient(cast, number + 3)
    with CaptureQueriesContext(connection) as many:
        response = _panel(client, sort="key_score")
    assert len(response.context["rows"]) == 50
    assert len(many) == len(few)


def test_names_are_escaped_in_the_rows(cast, verified_client):
    from coproduce.patients.models import Patient

    Patient.objects.filter(pk=cast.patient.pk).update(family_name="<b>O'Neil</b>")
    body = _panel(verified_client(cast.clinician)).content.decode()
    assert "<b>O'Neil</b>" not in body
    assert "&lt;b&gt;O&#x27;Neil&lt;/b&gt;" in body

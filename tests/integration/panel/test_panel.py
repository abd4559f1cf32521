"""The clinician's panel: who appears, what each row says, filters, sorting, bad input and
a query count that does not grow with the number of patients."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from coproduce.alerts.models import Alert
from coproduce.core.clock import now
from coproduce.visits.models import Visit
from tests import factories

pytestmark = pytest.mark.django_db


def _alert(patient, unit, severity, rule_id):
    at = now()
    return Alert.objects.create(
        patient=patient,
        unit=unit,
        programme_code="rheumatoid-arthritis",
        programme_version="1",
        rule_id=rule_id,
        rule={},
        title="Test alert",
        severity=severity,
        opened_at=at,
        respond_by=at + dt.timedelta(hours=4),
        last_triggered_at=at,
    )


def _panel(client, **params):
    return client.get(reverse("panel:panel"), params)


def _names(response):
    return [row.patient.pk for row in response.context["rows"]]


def test_panel_lists_only_patients_the_clinician_may_see(cast, verified_client):
    client = verified_client(cast.clinician)
    response = _panel(client)
    assert response.status_code == 200
    shown = _names(response)
    assert cast.patient.pk in shown
    assert cast.other_patient.pk not in shown
    assert cast.other_patient.family_name not in response.content.decode()


def test_row_shows_alerts_with_words_and_visits(cast, verified_client):
    unit = cast.patient.home_unit
    _alert(cast.patient, unit, "high", "r1")
    _alert(cast.patient, unit, "urgent", "r2")
    Visit.objects.create(
        patient=cast.patient, unit=unit, starts_at=now() + dt.timedelta(days=3), created_at=now()
    )
    client = verified_client(cast.clinician)
    response = _panel(client, status="alerts")
    rows = response.context["rows"]
    assert [r.patient.pk for r in rows] == [cast.patient.pk]
    assert rows[0].open_alerts == 2
    assert rows[0].severity == "urgent"
    assert rows[0].next_visit is not None
    assert "Urgent" in response.content.decode()


def test_sorting_by_alerts_descending_puts_the_patient_with_alerts_first(cast, verified_client):
    _alert(cast.child, cast.child.home_unit, "routine", "r1")
    client = verified_client(cast.clinician)
    response = _panel(client, sort="alerts", order="desc")
    assert _names(response)[0] == cast.child.pk
    assert 'aria-sort="descending"' in response.content.decode()
    response = _panel(client, sort="alerts", order="asc")
    assert _names(response)[-1] == cast.child.pk


def test_unknown_sort_and_filter_are_ignored_with_a_message(cast, verified_client):
    client = verified_client(cast.clinician)
    response = _panel(client, sort="drop table", order="sideways", status="nonsense")
    assert response.status_code == 200
    body = response.content.decode()
    assert "That sort order is not known" in body
    assert "That filter is not known" in body
    assert cast.patient.pk in _names(response)


def test_query_count_does_not_grow_with_patients(cast, verified_client):
    client = verified_client(cast.clinician)
    _panel(client)
    with CaptureQueriesContext(connection) as few:
        _panel(client)
    for number in range(20):
        patient = factories.make_patient(tree=cast.tree, clinicians=(cast.clinician,))
        _alert(patient, patient.home_unit, "high", f"r{number}")
    with CaptureQueriesContext(connection) as many:
        response = _panel(client)
    assert len(response.context["rows"]) >= 22
    assert len(many) == len(few)

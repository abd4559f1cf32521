"""The demo's goals: the patient's own words, one on a measure they report, and one a parent
proposed for the child; written once."""

from __future__ import annotations

import datetime as dt

import pytest

from coproduce.careplans.demo import demo_goals_create
from coproduce.careplans.models import Goal
from coproduce.core.clock import now, today
from coproduce.observations.services import observation_record
from tests import factories

pytestmark = pytest.mark.django_db


def test_demo_goals_are_written_through_the_services_once(cast):
    observation_record(
        actor=None,
        patient=cast.patient,
        code="loinc:8480-6",
        effective_at=now() - dt.timedelta(days=3),
        source="device",
        quantity=142,
    )
    parent = factories.make_user(role="carer", network=cast.network)
    factories.make_carer_grant(
        patient=cast.child,
        carer=parent,
        granted_by=cast.clinician,
        scopes=frozenset({"view_reports", "care_plan"}),
    )

    written = demo_goals_create(
        patient=cast.patient, carer=parent, child=cast.child, end_date=today()
    )

    assert written == 3
    goals = Goal.objects.order_by("pk")
    assert [g.proposed_by_role for g in goals] == ["patient", "patient", "carer"]
    assert goals[0].measure_code == "loinc:8480-6"
    assert goals[0].target_high == 135
    assert all(g.versions.count() == 1 for g in goals)
    assert (
        demo_goals_create(patient=cast.patient, carer=parent, child=cast.child, end_date=today())
        == 0
    )

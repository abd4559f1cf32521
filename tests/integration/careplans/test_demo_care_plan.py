"""The demo care plan: the nurse's clinical target on the measure of the patient's own goal,
tighter than his number, the compromise they agreed, and one goal achieved; written once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.test import override_settings
from django.urls import reverse

from coproduce.accounts.models import User
from coproduce.careplans.demo import demo_care_plan_create, demo_goals_create
from coproduce.careplans.models import Goal, GoalCompromise, GoalKind, GoalStatus
from coproduce.core.clock import now, today
from coproduce.observations.services import observation_record
from coproduce.seed import demo
from tests import factories

pytestmark = pytest.mark.django_db


def test_the_demo_patient_gets_a_clinical_target_a_compromise_and_an_achieved_goal(cast):
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
    story = {"patient": cast.patient, "carer": parent, "child": cast.child, "end_date": today()}
    demo_goals_create(**story)

    assert demo_care_plan_create(**story, nurse=cast.nurse) == 3

    target = Goal.objects.get(patient=cast.patient, kind=GoalKind.CLINICAL)
    own = Goal.objects.get(patient=cast.patient, kind=GoalKind.OWN, measure_code="loinc:8480-6")
    assert target.proposed_by == cast.nurse
    assert target.measure_code == own.measure_code
    assert target.target_high < own.target_high  # they pull apart
    compromise = GoalCompromise.objects.get()
    assert (compromise.own_goal, compromise.clinical_target) == (own, target)
    assert compromise.agreed_high == 135
    assert compromise.agreed_by_patient
    achieved = Goal.objects.get(patient=cast.patient, status=GoalStatus.ACHIEVED)
    assert achieved.status_changed_by == cast.patient.user
    assert demo_care_plan_create(**story, nurse=cast.nurse) == 0


@pytest.fixture(scope="module")
def demo_story(django_db_setup, django_db_blocker):
    """The demo's story (Owen and the others) as `make demo` builds it, less the registry
    cohort only the QI pages need; built once for this module and rolled back after it."""
    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), fast, transaction.atomic():
        demo.demo_create(end_date=today(), with_cohort=False)
        yield
        transaction.set_rollback(True)


@pytest.mark.usefixtures("demo_story")
def test_in_the_full_demo_owen_opens_his_care_plan_with_target_compromise_and_achievement(client):
    owen = User.objects.get(username="patient")
    nurse = User.objects.get(username="nurse")
    target = Goal.objects.get(patient__user=owen, kind=GoalKind.CLINICAL)
    assert target.proposed_by == nurse
    compromise = GoalCompromise.objects.get(patient__user=owen)
    assert compromise.own_goal.measure_code == target.measure_code
    client.force_login(owen)

    html = client.get(reverse("careplans:my_care_plan")).content.decode()

    assert target.description in html
    assert "Agreed compromise:" in html
    assert "Achieved on " in html

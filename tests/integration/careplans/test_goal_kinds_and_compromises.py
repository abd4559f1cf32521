"""Clinical targets, achievement in words, agreed compromises, and a patient's own clinical
target drawn on the chart instead of the programme's (issue 6, item 5)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from coproduce.careplans import selectors, services
from coproduce.careplans.models import GoalCompromiseVersion, GoalKind, GoalVersion
from coproduce.careplans.services import CompromiseInput, GoalInput
from coproduce.careplans.trends import dashboard_trends, goal_views
from coproduce.core.clock import now, today
from coproduce.core.models import AuditEvent
from coproduce.observations.services import observation_record
from coproduce.patients.selectors import patient_for_user
from tests import factories
from tests.factories_careplans import SYSTOLIC, clinical_target_create, compromise_create

pytestmark = pytest.mark.django_db

UTC = ZoneInfo("UTC")


def access_of(user, patient):
    return patient_for_user(user, patient.pk)


def own_goal(cast, **kwargs):
    return services.goal_create(
        access=access_of(cast.patient.user, cast.patient),
        goal_input=GoalInput(description="Stop feeling dizzy in the garden", **kwargs),
    )


def systolic(cast, value, days_ago):
    observation_record(
        actor=None,
        patient=cast.patient,
        code=SYSTOLIC,
        effective_at=now() - dt.timedelta(days=days_ago),
        source="device",
        quantity=value,
    )


def test_a_clinicians_goal_is_a_clinical_target_and_a_patients_their_own_in_every_version(cast):
    target = clinical_target_create(clinician=cast.nurse, patient=cast.patient)
    mine = own_goal(cast)

    assert target.kind == GoalKind.CLINICAL
    assert mine.kind == GoalKind.OWN
    assert GoalVersion.objects.get(goal=target).kind == GoalKind.CLINICAL
    event = AuditEvent.objects.filter(entity_type="Goal", entity_id=str(target.pk)).get()
    assert event.detail["kind"] == "clinical"


def test_a_clinician_may_write_down_the_patients_own_goal(cast):
    goal = services.goal_create(
        access=access_of(cast.clinician, cast.patient),
        goal_input=GoalInput(description="Dance at my daughter's wedding", kind="own"),
    )

    assert goal.kind == GoalKind.OWN
    assert goal.proposed_by_role == "clinician"


def test_only_the_care_team_sets_a_clinical_target(cast):
    with pytest.raises(ValidationError) as error:
        services.goal_create(
            access=access_of(cast.patient.user, cast.patient),
            goal_input=GoalInput(description="Pressure below 120", kind="clinical"),
        )

    assert "kind" in error.value.message_dict


def test_achievement_says_reached_or_not_yet_with_the_latest_value(cast):
    goal = own_goal(cast, measure_code=SYSTOLIC, direction="at_most", target_high=135)
    systolic(cast, 128, days_ago=2)
    latest = selectors.goals_for(access_of(cast.clinician, cast.patient))[0].latest
    day = now().astimezone(UTC).date()

    (view,) = goal_views([goal], {SYSTOLIC: latest}, zone=UTC, today=day)
    assert view.achievement.startswith("Reached on ")
    assert view.achievement.endswith(": 128 mmHg.")

    systolic(cast, 150, days_ago=1)
    latest = selectors.goals_for(access_of(cast.clinician, cast.patient))[0].latest
    (view,) = goal_views([goal], {SYSTOLIC: latest}, zone=UTC, today=day)
    assert view.achievement.startswith("Not yet: latest 150 mmHg on ")


def test_an_achieved_goal_says_when_and_who_marked_it(cast):
    goal = own_goal(cast)
    services.goal_update(
        access=access_of(cast.patient.user, cast.patient),
        goal=goal,
        goal_input=GoalInput(description=goal.description),
        status="achieved",
    )
    goal = selectors.goals_for(access_of(cast.clinician, cast.patient), include_closed=True)[0]

    (view,) = goal_views([goal.goal], {}, zone=UTC, today=today())
    assert view.achievement.startswith("Achieved on ")
    assert f"(marked by {cast.patient.user.display_name})" in view.achievement

    services.goal_stop(access=access_of(cast.patient.user, cast.patient), goal=goal.goal)
    stopped = selectors.goals_for(access_of(cast.clinician, cast.patient), include_closed=True)
    (view,) = goal_views([stopped[0].goal], {}, zone=UTC, today=today())
    assert view.achievement.startswith("Stopped on ")


def test_the_patients_own_clinical_target_replaces_the_programmes_on_the_chart(cast):
    programme = factories.load_programme("hypertension")
    factories.make_enrolment(patient=cast.patient, programme=programme, days_ago=30)
    systolic(cast, 142, days_ago=3)
    access = access_of(cast.clinician, cast.patient)

    (before,) = dashboard_trends(
        selectors.dashboard_read(access), period="1y", end=now(), own_view=False, zone=UTC
    )
    assert before.chart.target is not None
    assert before.target_text.startswith("Home systolic pressure below 135")
    assert before.personal_target is None

    target = clinical_target_create(clinician=cast.nurse, patient=cast.patient, high=145)
    (after,) = dashboard_trends(
        selectors.dashboard_read(access), period="1y", end=now(), own_view=False, zone=UTC
    )

    assert after.personal_target == target
    assert after.chart.target is not None
    assert after.target_text == "at most 145 mmHg"
    assert after.programme_target_text.startswith("Home systolic pressure below 135")
    assert "clinical target for this patient, at most 145 mmHg" in after.chart.description
    assert after.goal is None  # a clinical target is not drawn as the patient's goal


def test_a_compromise_is_recorded_with_version_one_and_an_audit_without_its_words(cast):
    made = compromise_create(
        clinician=cast.clinician, patient=cast.patient, own_goal_author=cast.patient.user
    )

    assert made.version == 1
    assert made.agreed_by_patient
    assert list(GoalCompromiseVersion.objects.values_list("version", "wording")) == [
        (1, "Aim a bit higher")
    ]
    event = AuditEvent.objects.filter(entity_type="GoalCompromise", action="create").get()
    assert event.patient_id == cast.patient.pk
    assert "higher" not in str(event.detail)


def compromise_errors(cast, own, target, **entry):
    with pytest.raises(ValidationError) as error:
        services.compromise_record(
            access=access_of(cast.clinician, cast.patient),
            own_goal=own,
            clinical_target=target,
            entry=CompromiseInput(**{"wording": "Agreed", "agreed_by_patient": True, **entry}),
        )
    return error.value.message_dict


def test_compromise_errors_name_the_field(cast):
    mine = own_goal(cast)
    target = clinical_target_create(clinician=cast.clinician, patient=cast.patient)
    theirs = compromise_create(clinician=cast.other_clinician, patient=cast.other_patient)

    other_patients = compromise_errors(cast, mine, theirs.clinical_target)
    assert other_patients == {
        "clinical_target": ["This target belongs to someone else. Choose one of theirs."]
    }
    assert "own_goal" in compromise_errors(cast, target, target)  # the same goal twice
    assert compromise_errors(cast, mine, mine)["clinical_target"] == ["Choose two different goals."]
    assert compromise_errors(cast, mine, own_goal(cast))["clinical_target"] == [
        "Choose a clinical target, not the patient's own goal."
    ]
    assert compromise_errors(cast, mine, target, wording="   ")["wording"] == [
        "Write what you agreed, in plain words."
    ]
    assert "agreed_by" in compromise_errors(cast, mine, target, agreed_by_patient=False)
    assert "agreed_high" in compromise_errors(cast, mine, target, agreed_low=150, agreed_high=140)
    assert GoalCompromiseVersion.objects.count() == 1  # only the other patient's


def test_the_same_two_goals_get_one_compromise(cast):
    made = compromise_create(clinician=cast.clinician, patient=cast.patient)

    errors = compromise_errors(cast, made.own_goal, made.clinical_target)

    assert "already recorded" in errors["clinical_target"][0]


def test_only_a_clinician_records_a_compromise(cast):
    mine = own_goal(cast)
    target = clinical_target_create(clinician=cast.clinician, patient=cast.patient)

    with pytest.raises(PermissionDenied):
        services.compromise_record(
            access=access_of(cast.patient.user, cast.patient),
            own_goal=mine,
            clinical_target=target,
            entry=CompromiseInput(wording="Agreed", agreed_by_patient=True),
        )


def test_a_compromise_is_shown_beside_both_goals(cast):
    made = compromise_create(clinician=cast.clinician, patient=cast.patient)
    data = selectors.care_plan_read(access_of(cast.patient.user, cast.patient))

    views = goal_views(
        [item.goal for item in data.goals],
        {},
        zone=UTC,
        today=today(),
        compromises=data.compromises,
    )

    assert {v.goal.pk: [c.pk for c in v.compromises] for v in views} == {
        made.own_goal_id: [made.pk],
        made.clinical_target_id: [made.pk],
    }


def test_a_carer_without_the_care_plan_scope_reads_no_compromises(cast):
    compromise_create(clinician=cast.clinician, patient=cast.patient)

    data = selectors.care_plan_read(access_of(cast.carer, cast.patient))

    assert data.compromises == ()


def test_the_migration_makes_clinicians_goals_clinical_targets_and_finds_who_closed_them(cast):
    """Goals saved before kinds existed: proposed by a clinician → clinical target (also in
    their versions), any other → the patient's own; who changed the status is found from
    the version saved then."""
    from importlib import import_module

    from django.apps import apps

    migration = import_module("coproduce.careplans.migrations.0002_goal_kinds_and_compromises")
    target = clinical_target_create(clinician=cast.clinician, patient=cast.patient)
    mine = own_goal(cast)
    services.goal_update(
        access=access_of(cast.patient.user, cast.patient),
        goal=mine,
        goal_input=GoalInput(description=mine.description),
        status="achieved",
    )
    Goal = apps.get_model("careplans", "Goal")
    Goal.objects.update(kind="own", status_changed_by=None)  # as before the migration
    GoalVersion.objects.update(kind="own")

    migration.kinds_and_status_changers(apps, None)

    assert Goal.objects.get(pk=target.pk).kind == "clinical"
    assert set(GoalVersion.objects.filter(goal=target).values_list("kind", flat=True)) == {
        "clinical"
    }
    assert Goal.objects.get(pk=mine.pk).kind == "own"
    assert Goal.objects.get(pk=mine.pk).status_changed_by == cast.patient.user

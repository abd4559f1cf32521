"""Goals: who may write them, the checks on what they say, versions and audit."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from coproduce.careplans import selectors, services
from coproduce.careplans.models import Goal, GoalStatus, GoalVersion
from coproduce.careplans.services import GoalInput
from coproduce.core.clock import today
from coproduce.core.models import AuditEvent
from coproduce.patients.selectors import patient_for_user
from tests import factories
from tests.factories_careplans import PHQ9_TOTAL, WEIGHT

pytestmark = pytest.mark.django_db

WALK = GoalInput(description="  Walk to the   shops without stopping ")
PHQ9_GOAL = GoalInput(
    description="Feel more like myself", measure_code=PHQ9_TOTAL, direction="at_most", target_high=9
)


def access_of(user, patient):
    return patient_for_user(user, patient.pk)


@pytest.fixture
def planning_carer(cast):
    """A carer the patient allowed to work on their care plan."""
    carer = factories.make_user(role="carer", network=cast.network)
    factories.make_carer_grant(
        patient=cast.patient,
        carer=carer,
        granted_by=cast.patient.user,
        scopes=frozenset({"view_reports", "care_plan"}),
        relationship="friend",
    )
    return carer


def test_a_patient_creates_a_goal_in_their_own_words_with_version_one_and_an_audit(cast):
    goal = services.goal_create(access=access_of(cast.patient.user, cast.patient), goal_input=WALK)

    assert goal.description == "Walk to the shops without stopping"
    assert goal.proposed_by_role == "patient"
    assert goal.status == GoalStatus.ACTIVE
    assert goal.version == 1
    assert list(goal.versions.values_list("version", "description")) == [
        (1, "Walk to the shops without stopping")
    ]
    event = AuditEvent.objects.filter(entity_type="Goal", action="create").get()
    assert event.patient_id == cast.patient.pk
    assert "Walk" not in str(event.detail)  # ids and codes only, never the patient's words


def test_a_goal_tied_to_a_measure_keeps_its_number(cast):
    goal = services.goal_create(
        access=access_of(cast.patient.user, cast.patient), goal_input=PHQ9_GOAL
    )

    assert (goal.measure_code, goal.direction, goal.target_low, goal.target_high) == (
        PHQ9_TOTAL,
        "at_most",
        None,
        9,
    )


def test_an_edit_writes_a_new_version_and_keeps_the_old_one(cast):
    access = access_of(cast.patient.user, cast.patient)
    goal = services.goal_create(access=access, goal_input=PHQ9_GOAL)

    changed = services.goal_update(
        access=access,
        goal=goal,
        goal_input=GoalInput(
            description="Feel more like myself",
            measure_code=PHQ9_TOTAL,
            direction="at_most",
            target_high=5,
        ),
        note="Doing better",
    )

    assert changed.version == 2
    assert list(
        GoalVersion.objects.filter(goal=goal)
        .order_by("version")
        .values_list("version", "target_high", "note")
    ) == [(1, 9, ""), (2, 5, "Doing better")]
    event = AuditEvent.objects.filter(entity_type="Goal", action="update").get()
    assert event.detail["changed"] == ["target_high"]


def test_saving_without_a_change_writes_no_version(cast):
    access = access_of(cast.patient.user, cast.patient)
    goal = services.goal_create(access=access, goal_input=PHQ9_GOAL)

    services.goal_update(access=access, goal=goal, goal_input=PHQ9_GOAL)

    assert GoalVersion.objects.filter(goal=goal).count() == 1


def test_marking_a_goal_achieved_records_when(cast):
    access = access_of(cast.patient.user, cast.patient)
    goal = services.goal_create(access=access, goal_input=WALK)

    goal = services.goal_update(access=access, goal=goal, goal_input=WALK, status="achieved")

    assert goal.status == GoalStatus.ACHIEVED
    assert goal.status_changed_at is not None


def test_stopping_keeps_the_goal_and_a_second_stop_changes_nothing(cast):
    access = access_of(cast.patient.user, cast.patient)
    goal = services.goal_create(access=access, goal_input=WALK)

    services.goal_stop(access=access, goal=goal, note="Not for me now")
    services.goal_stop(access=access, goal=goal)

    goal.refresh_from_db()
    assert goal.status == GoalStatus.STOPPED
    assert goal.version == 2
    assert [g.goal.pk for g in selectors.goals_for(access, include_closed=True)] == [goal.pk]
    assert selectors.goals_for(access) == []


def test_update_cannot_stop_a_goal(cast):
    access = access_of(cast.patient.user, cast.patient)
    goal = services.goal_create(access=access, goal_input=WALK)

    with pytest.raises(ValidationError) as error:
        services.goal_update(access=access, goal=goal, goal_input=WALK, status="stopped")

    assert "status" in error.value.message_dict


def test_a_carer_with_the_care_plan_scope_proposes_a_goal(cast, planning_carer):
    goal = services.goal_create(access=access_of(planning_carer, cast.patient), goal_input=WALK)

    assert goal.proposed_by_role == "carer"
    assert goal.proposed_by == planning_carer


def test_a_carer_without_the_care_plan_scope_cannot_write_or_see_goals(cast):
    patient_access = access_of(cast.patient.user, cast.patient)
    goal = services.goal_create(access=patient_access, goal_input=WALK)
    carer_access = access_of(cast.carer, cast.patient)

    with pytest.raises(PermissionDenied):
        services.goal_create(access=carer_access, goal_input=WALK)
    with pytest.raises(PermissionDenied):
        services.goal_stop(access=carer_access, goal=goal)
    assert selectors.goals_for(carer_access) == []
    assert selectors.goal_for_access(carer_access, goal.pk) is None


def test_a_clinician_proposes_and_the_patient_may_change_it(cast):
    goal = services.goal_create(access=access_of(cast.clinician, cast.patient), goal_input=WALK)

    assert goal.proposed_by_role == "clinician"
    services.goal_update(
        access=access_of(cast.patient.user, cast.patient),
        goal=goal,
        goal_input=GoalInput(description="Walk to the shops and back"),
    )
    assert GoalVersion.objects.get(goal=goal, version=2).changed_by_role == "patient"


def test_others_may_change_only_the_goals_they_proposed(cast, planning_carer):
    goal = services.goal_create(access=access_of(cast.patient.user, cast.patient), goal_input=WALK)

    for user in (planning_carer, cast.nurse):
        access = access_of(user, cast.patient)
        assert not services.may_edit(access, goal)
        with pytest.raises(PermissionDenied):
            services.goal_update(access=access, goal=goal, goal_input=PHQ9_GOAL)


def test_a_goal_of_another_patient_is_not_found(cast):
    goal = services.goal_create(access=access_of(cast.patient.user, cast.patient), goal_input=WALK)

    assert selectors.goal_for_access(access_of(cast.clinician, cast.child), goal.pk) is None
    assert selectors.goal_for_access(access_of(cast.clinician, cast.patient), "x") is None


@pytest.mark.parametrize(
    ("goal_input", "field", "words"),
    [
        (GoalInput(description="   "), "description", "Write your goal"),
        (GoalInput(description="x" * 301), "description", "300 characters"),
        (
            GoalInput(
                description="Low score",
                measure_code=PHQ9_TOTAL,
                direction="at_most",
                target_high=40,
            ),
            "target_high",
            "40 is not possible for PHQ-9 total score. Choose a number from 0 to 27.",
        ),
        (
            GoalInput(
                description="Weigh less", measure_code=WEIGHT, direction="at_least", target_low=0
            ),
            "target_low",
            "Choose a number from 0.5 to 350 kg.",
        ),
        (
            GoalInput(
                description="Range",
                measure_code=WEIGHT,
                direction="between",
                target_low=80,
                target_high=70,
            ),
            "target_high",
            "must be more than the lowest",
        ),
        (
            GoalInput(description="No number", measure_code=WEIGHT, direction="at_most"),
            "target_high",
            "Enter the number",
        ),
        (
            GoalInput(description="No direction", measure_code=WEIGHT, target_low=70),
            "direction",
            "at most, at least or between",
        ),
        (
            GoalInput(description="No measure", target_high=70, direction="at_most"),
            "measure_code",
            "Choose the measure",
        ),
        (
            GoalInput(description="Unknown", measure_code="loinc:0000-0"),
            "measure_code",
            "Choose a measure from the list",
        ),
        (
            GoalInput(description="Late", target_date=today() - dt.timedelta(days=2)),
            "target_date",
            "has passed",
        ),
    ],
)
def test_bad_input_is_refused_with_an_error_on_its_field(cast, goal_input, field, words):
    with pytest.raises(ValidationError) as error:
        services.goal_create(
            access=access_of(cast.patient.user, cast.patient), goal_input=goal_input
        )

    assert words in " ".join(error.value.message_dict[field])
    assert not Goal.objects.exists()


def test_a_past_date_already_saved_may_stay_when_other_things_change(cast):
    access = access_of(cast.patient.user, cast.patient)
    goal = services.goal_create(
        access=access, goal_input=GoalInput(description="Soon", target_date=today())
    )
    Goal.objects.filter(pk=goal.pk).update(target_date=today() - dt.timedelta(days=30))
    goal.refresh_from_db()

    services.goal_update(
        access=access,
        goal=goal,
        goal_input=GoalInput(description="Soon, really", target_date=goal.target_date),
    )

    goal.refresh_from_db()
    assert goal.description == "Soon, really"


def test_goal_versions_are_read_newest_first_and_audited(cast):
    access = access_of(cast.patient.user, cast.patient)
    goal = services.goal_create(access=access, goal_input=WALK)
    services.goal_stop(access=access, goal=goal)

    versions = selectors.goal_versions(access, goal)

    assert [v.version for v in versions] == [2, 1]
    assert AuditEvent.objects.filter(entity_type="Goal", action="read", entity_id=goal.pk).exists()

"""Goal pages: creating, changing, stopping and the history, with errors next to fields."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from coproduce.careplans import services
from coproduce.careplans.models import Goal, GoalStatus
from coproduce.careplans.services import GoalInput
from coproduce.core.clock import now, today
from coproduce.observations.services import observation_record
from coproduce.patients.selectors import patient_for_user
from tests import factories
from tests.factories_careplans import PHQ9_TOTAL

pytestmark = pytest.mark.django_db


def create_url(patient) -> str:
    return reverse("careplans:goal_create", kwargs={"patient_id": patient.pk})


def goal_url(name, goal) -> str:
    return reverse(f"careplans:{name}", kwargs={"patient_id": goal.patient_id, "goal_id": goal.pk})


@pytest.fixture
def with_phq9(cast):
    observation_record(
        actor=None,
        patient=cast.patient,
        code=PHQ9_TOTAL,
        effective_at=now() - dt.timedelta(days=1),
        source="patient",
        quantity=12,
    )
    return cast.patient


def test_the_goal_form_offers_the_patients_measures(client, cast, with_phq9):
    client.force_login(cast.patient.user)

    html = client.get(create_url(with_phq9) + f"?code={PHQ9_TOTAL}").content.decode()

    assert f'<option value="{PHQ9_TOTAL}" selected>PHQ-9 total score</option>' in html
    assert "<legend>The number should be" in html


def test_a_patient_adds_a_goal_and_sees_it_on_the_dashboard(client, cast, with_phq9):
    client.force_login(cast.patient.user)

    response = client.post(
        create_url(with_phq9),
        {
            "description": "Enjoy my weekends again",
            "measure_code": PHQ9_TOTAL,
            "direction": "at_most",
            "value": "9",
            "target_date": (today() + dt.timedelta(days=90)).isoformat(),
        },
    )

    assert response.status_code == 302
    goal = Goal.objects.get()
    assert (goal.description, goal.target_high, goal.proposed_by_role) == (
        "Enjoy my weekends again",
        9,
        "patient",
    )
    html = client.get(response.url).content.decode()
    assert "“Enjoy my weekends again”" in html
    assert "That is 3 points above the goal." in html
    assert 'class="chart-goal-line"' in html


def test_errors_appear_next_to_the_field_the_person_typed_into(client, cast, with_phq9):
    client.force_login(cast.patient.user)

    response = client.post(
        create_url(with_phq9),
        {
            "description": "Low score",
            "measure_code": PHQ9_TOTAL,
            "direction": "between",
            "value": "2",
            "value_2": "99",
            "target_date": (today() - dt.timedelta(days=1)).isoformat(),
        },
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="error-summary"' in html
    assert 'href="#id_value_2"' in html
    assert 'id="id_value_2_error"' in html
    assert "99 is not possible for PHQ-9 total score" in html
    assert 'href="#id_target_date"' in html
    assert "has passed" in html
    assert "Low score</textarea>" in html  # what was typed is kept
    assert not Goal.objects.exists()


def test_a_word_where_a_number_belongs_is_an_error_on_that_field(client, cast, with_phq9):
    client.force_login(cast.patient.user)

    response = client.post(
        create_url(with_phq9),
        {"description": "x", "measure_code": PHQ9_TOTAL, "direction": "at_most", "value": "ten"},
    )

    assert 'id="id_value_error"' in response.content.decode()
    assert "Enter a number" in response.content.decode()


def test_a_missing_direction_is_linked_to_its_radio_group(client, cast, with_phq9):
    client.force_login(cast.patient.user)

    response = client.post(
        create_url(with_phq9), {"description": "x", "measure_code": PHQ9_TOTAL, "value": "5"}
    )

    html = response.content.decode()
    assert 'href="#id_direction"' in html
    assert 'id="id_direction_error"' in html


def test_editing_changes_the_goal_and_the_history_lists_both_versions(client, cast, with_phq9):
    access = patient_for_user(cast.patient.user, cast.patient.pk)
    goal = services.goal_create(access=access, goal_input=GoalInput(description="Sleep better"))
    client.force_login(cast.patient.user)

    form = client.get(goal_url("goal_edit", goal)).content.decode()
    response = client.post(
        goal_url("goal_edit", goal),
        {"description": "Sleep through the night", "status": "achieved", "note": "Done!"},
    )

    assert "Sleep better" in form
    assert response.status_code == 302
    goal.refresh_from_db()
    assert goal.status == GoalStatus.ACHIEVED
    history = client.get(goal_url("goal_history", goal)).content.decode()
    assert "“Sleep better”" in history
    assert "“Sleep through the night”" in history
    assert "Done!" in history


def test_stopping_a_goal_from_its_page(client, cast):
    access = patient_for_user(cast.patient.user, cast.patient.pk)
    goal = services.goal_create(access=access, goal_input=GoalInput(description="Run 5 km"))
    client.force_login(cast.patient.user)

    response = client.post(goal_url("goal_stop", goal), {"note": "Knee hurts"})

    assert response.status_code == 302
    goal.refresh_from_db()
    assert goal.status == GoalStatus.STOPPED
    assert client.get(goal_url("goal_stop", goal)).status_code == 405


def test_a_carer_without_the_care_plan_scope_gets_403_on_goal_pages(client, cast):
    access = patient_for_user(cast.patient.user, cast.patient.pk)
    goal = services.goal_create(access=access, goal_input=GoalInput(description="Run 5 km"))
    client.force_login(cast.carer)

    assert client.get(create_url(cast.patient)).status_code == 403
    assert client.post(goal_url("goal_stop", goal)).status_code == 403
    assert client.get(goal_url("goal_history", goal)).status_code == 404


def test_a_carer_with_the_care_plan_scope_proposes_a_goal(client, cast):
    carer = factories.make_user(role="carer", network=cast.network)
    factories.make_carer_grant(
        patient=cast.patient,
        carer=carer,
        granted_by=cast.patient.user,
        scopes=frozenset({"view_reports", "care_plan"}),
    )
    client.force_login(carer)

    page = client.get(create_url(cast.patient)).content.decode()
    response = client.post(create_url(cast.patient), {"description": "Go out once a week"})

    assert "Propose a goal for" in page
    assert response.status_code == 302
    assert Goal.objects.get().proposed_by_role == "carer"
    dashboard = client.get(response.url).content.decode()
    assert "(carer)" in dashboard


def test_another_patients_goal_id_is_not_found(verified_client, cast):
    access = patient_for_user(cast.patient.user, cast.patient.pk)
    goal = services.goal_create(access=access, goal_input=GoalInput(description="Run 5 km"))
    client = verified_client(cast.clinician)
    wrong = reverse("careplans:goal_edit", kwargs={"patient_id": cast.child.pk, "goal_id": goal.pk})

    assert client.get(wrong).status_code == 404


def test_a_clinician_cannot_change_the_patients_own_goal(verified_client, cast):
    access = patient_for_user(cast.patient.user, cast.patient.pk)
    goal = services.goal_create(access=access, goal_input=GoalInput(description="Run 5 km"))

    response = verified_client(cast.clinician).get(goal_url("goal_edit", goal))

    assert response.status_code == 403


def test_the_home_goals_partial_lists_active_goals_with_progress(cast, with_phq9):
    from django.template.loader import render_to_string

    from coproduce.careplans.trends import home_goal_views

    access = patient_for_user(cast.patient.user, cast.patient.pk)
    services.goal_create(
        access=access,
        goal_input=GoalInput(
            description="Enjoy my weekends",
            measure_code=PHQ9_TOTAL,
            direction="at_most",
            target_high=10,
        ),
    )
    stopped = services.goal_create(access=access, goal_input=GoalInput(description="Run"))
    services.goal_stop(access=access, goal=stopped)

    goals = home_goal_views(access)
    html = render_to_string("careplans/_home_goals.html", {"goals": goals, "patient": cast.patient})

    assert [g.goal.description for g in goals] == ["Enjoy my weekends"]
    assert "That is 2 points above the goal." in html
    assert "“Run”" not in html

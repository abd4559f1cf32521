"""The care plan page (patient, clinician, carer with the care-plan scope) and the pages of
agreed compromises, with errors next to fields."""

from __future__ import annotations

import pytest
from django.urls import reverse

from coproduce.careplans import services
from coproduce.careplans.models import GoalCompromise
from coproduce.careplans.services import GoalInput
from coproduce.patients.selectors import patient_for_user
from tests import factories
from tests.factories_careplans import clinical_target_create, compromise_create
from tests.factories_tasks import patient_day, task_made

pytestmark = pytest.mark.django_db


def plan_url(patient) -> str:
    return reverse("careplans:care_plan", kwargs={"patient_id": patient.pk})


def test_the_clinician_sees_own_goals_and_clinical_targets_apart_with_the_compromise(
    verified_client, cast
):
    made = compromise_create(
        clinician=cast.clinician, patient=cast.patient, own_goal_author=cast.patient.user
    )
    client = verified_client(cast.clinician)

    html = client.get(plan_url(cast.patient)).content.decode()

    own_section = html.split('id="own-goals-heading"')[1].split('id="targets-heading"')[0]
    targets_section = html.split('id="targets-heading"')[1].split('id="compromises"')[0]

    def card(goal):
        return f'<p class="goal-text">“{goal.description}”</p>'

    assert card(made.own_goal) in own_section
    assert card(made.clinical_target) not in own_section
    assert card(made.clinical_target) in targets_section
    assert card(made.own_goal) not in targets_section
    # The compromise beside both goals, and in its own section with a link to its history.
    assert own_section.count("Agreed compromise:") == 1
    assert targets_section.count("Agreed compromise:") == 1
    assert (
        reverse(
            "careplans:compromise_history",
            kwargs={"patient_id": cast.patient.pk, "compromise_id": made.pk},
        )
        in html
    )
    assert (
        reverse(
            "careplans:goal_history",
            kwargs={"patient_id": cast.patient.pk, "goal_id": made.own_goal_id},
        )
        in html
    )
    assert reverse("decisions:decision_list", kwargs={"patient_id": cast.patient.pk}) in html
    assert reverse("skills:checklist_list", kwargs={"patient_id": cast.patient.pk}) in html
    assert "Record an agreed compromise" in html


def test_the_patient_opens_their_care_plan_without_a_record_number(client, cast):
    compromise_create(clinician=cast.clinician, patient=cast.patient)
    client.force_login(cast.patient.user)

    response = client.get(reverse("careplans:my_care_plan"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>My care plan</h1>" in html
    assert "Your own goals" in html
    assert "Aim a bit higher" in html
    assert cast.patient.local_id not in html
    assert reverse("decisions:mine") in html
    assert "Record an agreed compromise" not in html


def test_a_carer_sees_the_care_plan_only_with_the_care_plan_scope(client, cast):
    compromise_create(clinician=cast.clinician, patient=cast.patient)
    planner = factories.make_user(role="carer", network=cast.network)
    factories.make_carer_grant(
        patient=cast.patient,
        carer=planner,
        granted_by=cast.patient.user,
        scopes=frozenset({"view_reports", "care_plan"}),
        relationship="friend",
    )

    client.force_login(cast.carer)  # the cast's carer: reports only
    assert client.get(plan_url(cast.patient)).status_code == 403
    client.force_login(planner)
    response = client.get(plan_url(cast.patient))
    assert response.status_code == 200
    assert "Aim a bit higher" in response.content.decode()
    carer_page = client.get(
        reverse("patients:carer_patient", kwargs={"patient_id": cast.patient.pk})
    ).content.decode()
    assert plan_url(cast.patient) in carer_page


def create_url(patient) -> str:
    return reverse("careplans:compromise_create", kwargs={"patient_id": patient.pk})


def test_a_clinician_records_a_compromise_and_errors_sit_next_to_their_fields(
    verified_client, cast
):
    own = services.goal_create(
        access=patient_for_user(cast.patient.user, cast.patient.pk),
        goal_input=GoalInput(description="No more muscle aches"),
    )
    target = clinical_target_create(clinician=cast.clinician, patient=cast.patient)
    client = verified_client(cast.clinician)

    response = client.post(
        create_url(cast.patient), {"own_goal": own.pk, "clinical_target": "", "wording": " "}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_wording_error"' in html
    assert "Write what you agreed, in plain words." in html
    assert 'id="id_clinical_target_error"' in html
    assert "Choose the clinical target." in html

    response = client.post(
        create_url(cast.patient),
        {"own_goal": own.pk, "clinical_target": own.pk, "wording": "Agreed", "agreed_by": []},
    )
    html = response.content.decode()
    assert 'id="id_clinical_target_error"' in html
    assert "Choose two different goals." in html
    assert 'id="id_agreed_by_error"' in html
    assert GoalCompromise.objects.count() == 0

    response = client.post(
        create_url(cast.patient),
        {
            "own_goal": own.pk,
            "clinical_target": target.pk,
            "wording": "A lower statin dose; LDL under 3 rather than under 2",
            "agreed_low": "",
            "agreed_high": "140",
            "agreed_by": ["patient", "clinician"],
        },
    )
    assert response.status_code == 302
    made = GoalCompromise.objects.get()
    assert (made.agreed_high, made.agreed_by_patient, made.agreed_by_carer) == (140, True, False)


def test_another_patients_goal_cannot_be_chosen(verified_client, cast):
    own = services.goal_create(
        access=patient_for_user(cast.patient.user, cast.patient.pk),
        goal_input=GoalInput(description="No more muscle aches"),
    )
    theirs = compromise_create(clinician=cast.other_clinician, patient=cast.other_patient)
    client = verified_client(cast.clinician)

    response = client.post(
        create_url(cast.patient),
        {
            "own_goal": own.pk,
            "clinical_target": theirs.clinical_target_id,
            "wording": "Agreed",
            "agreed_by": ["patient"],
        },
    )

    assert response.status_code == 200
    assert 'id="id_clinical_target_error"' in response.content.decode()
    assert GoalCompromise.objects.filter(patient=cast.patient).count() == 0


def test_a_compromise_edit_conflict_shows_both_texts_and_saves_nothing(verified_client, cast):
    made = compromise_create(clinician=cast.clinician, patient=cast.patient)
    url = reverse(
        "careplans:compromise_edit",
        kwargs={"patient_id": cast.patient.pk, "compromise_id": made.pk},
    )
    base = {
        "agreed_high": "140",
        "agreed_by": ["patient"],
        "agreed_on": made.agreed_on.isoformat(),
        "base_version": "1",
    }
    nurse = verified_client(cast.nurse)
    assert nurse.post(url, {**base, "wording": "Aim for 140 until spring"}).status_code == 302

    client = verified_client(cast.clinician)
    response = client.post(url, {**base, "wording": "Aim for 140 while dizzy"})

    html = response.content.decode()
    assert response.status_code == 200
    assert ">\nAim for 140 while dizzy</textarea>" in html
    assert '<blockquote class="their-version">Aim for 140 until spring</blockquote>' in html
    assert f"{cast.nurse.display_name} changed the wording" in html
    assert GoalCompromise.objects.get().version == 2
    history = client.get(
        reverse(
            "careplans:compromise_history",
            kwargs={"patient_id": cast.patient.pk, "compromise_id": made.pk},
        )
    ).content.decode()
    assert "Aim for 140 until spring" in history
    assert "Aim a bit higher" in history


def test_changing_the_words_of_a_target_keeps_its_measure_even_without_values(
    verified_client, cast
):
    target = clinical_target_create(clinician=cast.clinician, patient=cast.patient)
    client = verified_client(cast.clinician)
    url = reverse(
        "careplans:goal_edit", kwargs={"patient_id": cast.patient.pk, "goal_id": target.pk}
    )

    html = client.get(url).content.decode()
    assert f'<option value="{target.measure_code}" selected>' in html
    response = client.post(
        url,
        {
            "description": "Systolic at or below 130 at home",
            "measure_code": target.measure_code,
            "direction": "at_most",
            "value": "130",
            "status": "active",
            "base_version": "1",
        },
    )

    assert response.status_code == 302
    target.refresh_from_db()
    assert (target.description, target.measure_code) == (
        "Systolic at or below 130 at home",
        "loinc:8480-6",
    )


def test_taking_the_other_persons_compromise_wording_fills_the_form_and_saves_nothing(
    verified_client, cast
):
    made = compromise_create(clinician=cast.clinician, patient=cast.patient)
    url = reverse(
        "careplans:compromise_edit",
        kwargs={"patient_id": cast.patient.pk, "compromise_id": made.pk},
    )
    base = {"agreed_high": "140", "agreed_by": ["patient"], "agreed_on": made.agreed_on}
    verified_client(cast.nurse).post(
        url, {**base, "wording": "Aim for 140 until spring", "base_version": "1"}
    )
    client = verified_client(cast.clinician)

    response = client.post(
        url,
        {
            **base,
            "wording": "Aim for 140 while dizzy",
            "base_version": "2",
            "conflict": "wording",
            "take": "wording",
        },
    )

    html = response.content.decode()
    assert ">\nAim for 140 until spring</textarea>" in html
    assert 'name="base_version" value="2"' in html
    assert 'value="patient" id="id_agreed_by_0" checked' in html  # the other fields as typed
    assert GoalCompromise.objects.get().version == 2


def test_the_patients_navigation_links_to_my_care_plan(client, cast):
    client.force_login(cast.patient.user)

    html = client.get(reverse("patients:my_home")).content.decode()

    assert f'href="{reverse("careplans:my_care_plan")}"' in html
    assert ">My care plan<" in html


def test_a_goal_card_links_to_a_compromise_form_with_that_goal_chosen(verified_client, cast):
    target = clinical_target_create(clinician=cast.clinician, patient=cast.patient)
    client = verified_client(cast.clinician)

    html = client.get(plan_url(cast.patient)).content.decode()
    link = f"{create_url(cast.patient)}?target={target.pk}"
    assert f'href="{link}"' in html
    form = client.get(link).content.decode()
    assert f'<option value="{target.pk}" selected>' in form


def test_the_care_plan_lists_its_tasks_with_owner_and_state_for_each_reader(
    client, verified_client, cast
):
    patient = cast.patient
    task_made(
        cast.nurse,
        patient,
        made_days_ago=3,
        title="Book a blood test",
        due_on=patient_day(patient, -1),
    )
    staff = verified_client(cast.clinician).get(
        reverse("careplans:care_plan", kwargs={"patient_id": patient.pk})
    )
    html = staff.content.decode()
    assert 'id="plan-tasks-heading"' in html
    assert "Book a blood test" in html
    assert "Due yesterday, not done yet" in html
    assert reverse("tasks:task_list", kwargs={"patient_id": patient.pk}) in html

    client.force_login(patient.user)
    own = client.get(reverse("careplans:my_care_plan")).content.decode()
    assert "Book a blood test" in own
    assert reverse("tasks:mine") in own
    assert reverse("tasks:task_list", kwargs={"patient_id": patient.pk}) not in own

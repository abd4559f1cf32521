"""The shared visit screen: one page to look at together in a visit, in presentation mode.
Sections from real data made through the services; no site navigation and nothing about
other patients; for the patient, their clinicians and carers with the care-plan scope."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from coproduce.careplans import services as goal_services
from coproduce.core.clock import now, today
from coproduce.core.models import AuditEvent
from coproduce.observations.services import observation_record
from coproduce.patients.selectors import patient_for_user
from coproduce.reporting.models import DueReport, DueStatus
from coproduce.skills.checklists import built_in_checklists
from coproduce.skills.services import step_level_set
from coproduce.visits import services
from coproduce.visits.shared_screen import MAX_CHARTS
from tests import factories
from tests.factories_alerts_queue import alert_for, enrolled
from tests.factories_careplans import DIASTOLIC, GAD7_TOTAL, HEART_RATE, PHQ9_TOTAL, SYSTOLIC
from tests.factories_decisions import make_decision
from tests.factories_shared_screen import care_plan_carer
from tests.factories_skills import assignment_of
from tests.factories_tasks import patient_day, task_made
from tests.factories_visits import upcoming_visit_for

pytestmark = pytest.mark.django_db


def screen_url(visit) -> str:
    return reverse(
        "visits:shared_screen", kwargs={"patient_id": visit.patient_id, "visit_id": visit.pk}
    )


def measured(patient, code: str, value: float, days_ago: int) -> None:
    observation_record(
        actor=None,
        patient=patient,
        code=code,
        effective_at=now() - dt.timedelta(days=days_ago),
        source="patient",
        quantity=value,
    )


@pytest.fixture
def visit(cast):
    """A visit in 5 days with an agenda, PHQ-9 and GAD-7 values, a goal on PHQ-9, a
    checklist with steps at different levels and three decisions."""
    patient = cast.patient
    enrolled(patient)
    for days_ago, value in ((60, 14), (30, 11), (3, 8)):
        measured(patient, PHQ9_TOTAL, value, days_ago)
    measured(patient, GAD7_TOTAL, 9, 20)
    own = patient_for_user(patient.user, patient.pk)
    goal_services.goal_create(
        access=own,
        goal_input=goal_services.GoalInput(
            description="Feel like myself again",
            measure_code=PHQ9_TOTAL,
            direction="at_most",
            target_high=5,
        ),
    )
    goal_services.goal_create(
        access=patient_for_user(cast.clinician, patient.pk),
        goal_input=goal_services.GoalInput(
            description="Anxiety score under 8",
            measure_code=GAD7_TOTAL,
            direction="at_most",
            target_high=7,
        ),
    )
    visit = upcoming_visit_for(patient, clinician=cast.clinician)
    services.agenda_save(
        access=own,
        visit=visit,
        concerns=["Zebra first worry", "Apple second worry"],
        questions="Can I stop a tablet?",
    )
    clinician = patient_for_user(cast.clinician, patient.pk)
    assignment = assignment_of(patient, cast.clinician)
    steps = built_in_checklists()["self-dialysis"].steps
    step_level_set(access=clinician, assignment=assignment, step_id=steps[0].id, level="taught")
    step_level_set(
        access=clinician, assignment=assignment, step_id=steps[1].id, level="independent"
    )
    step_level_set(
        access=clinician, assignment=assignment, step_id=steps[2].id, level="independent"
    )
    make_decision(clinician=cast.clinician, patient=patient, question="Which dialysis, undecided?")
    make_decision(
        clinician=cast.clinician,
        patient=patient,
        question="Which dialysis, review soon?",
        choice="home-haemodialysis",
        review_on=today() + dt.timedelta(days=20),
    )
    make_decision(
        clinician=cast.clinician,
        patient=patient,
        question="Which dialysis, review next year?",
        choice="home-haemodialysis",
        review_on=today() + dt.timedelta(days=300),
    )
    return visit


def page(client, visit) -> str:
    response = client.get(screen_url(visit))
    assert response.status_code == 200
    return response.content.decode()


def test_the_clinician_sees_the_agenda_in_order(cast, verified_client, visit):
    body = page(verified_client(cast.clinician), visit)
    assert body.index("Zebra first worry") < body.index("Apple second worry")
    assert "Can I stop a tablet?" in body
    assert f"Written by {cast.patient.user.display_name}" in body


def test_the_trends_show_the_programme_measures_with_goal_and_target(cast, verified_client, visit):
    body = page(verified_client(cast.clinician), visit)
    trends = body[body.index('id="trends-heading"') : body.index('id="goals-heading"')]
    # PHQ-9 was measured most recently, so it comes first; both have a chart.
    assert trends.count("<svg") >= 2
    assert trends.index("PHQ-9") < trends.index("GAD-7")
    assert "Feel like myself again" in trends  # the goal line's legend
    assert "Remission: PHQ-9 below 5" in trends  # the programme's clinical target
    gad7 = trends[trends.index("GAD-7") :]
    assert "Anxiety score under 8" in gad7  # the patient's own clinical target instead
    assert "usual target: Remission: GAD-7 below 5" in gad7
    assert "<details" in trends
    assert "<table" in trends


def test_at_most_four_charts_the_most_recent_first(cast, verified_client, visit):
    enrolled(cast.patient, "hypertension")
    measured(cast.patient, SYSTOLIC, 150, 1)
    measured(cast.patient, DIASTOLIC, 90, 2)
    measured(cast.patient, HEART_RATE, 70, 4)
    body = page(verified_client(cast.clinician), visit)
    trends = body[body.index('id="trends-heading"') : body.index('id="goals-heading"')]
    names = re.findall(r'<h3 id="trend-\d+-heading">([^<]+)<', trends)
    assert len(names) == MAX_CHARTS == 4
    assert [n.split()[0] for n in names] == ["Systolic", "Diastolic", "PHQ-9", "Heart"]
    assert "1 more measure is on the dashboard." in trends  # GAD-7, 20 days ago


def test_the_goals_show_progress_in_words(cast, verified_client, visit):
    body = page(verified_client(cast.clinician), visit)
    goals = body[body.index('id="goals-heading"') : body.index('id="skills-heading"')]
    assert "Feel like myself again" in goals
    # the patient's own goal first, then the clinical target the clinician set
    assert goals.index("Feel like myself again") < goals.index("own goal")
    assert goals.index("own goal") < goals.index("Anxiety score under 8")
    assert goals.index("Anxiety score under 8") < goals.index("Clinical target")
    assert "Latest value: 8" in goals
    assert "3 points above the goal" in goals


def test_the_tasks_show_who_does_what_and_where_each_stands(cast, verified_client, visit):
    patient = cast.patient
    carer = care_plan_carer(cast)
    task_made(
        cast.nurse,
        patient,
        made_days_ago=3,
        title="Book a blood test",
        due_on=patient_day(patient, -1),
    )
    task_made(
        cast.nurse,
        patient,
        title="Collect the prescription",
        owner_kind="carer",
        owner_user_id=carer.pk,
        due_on=patient_day(patient, 4),
    )
    body = page(verified_client(cast.clinician), visit)
    tasks = body[body.index('id="tasks-heading"') : body.index('id="skills-heading"')]
    assert tasks.index("Book a blood test") < tasks.index("Collect the prescription")
    assert "Due yesterday, not done yet" in tasks
    assert carer.display_name in tasks
    own = page(verified_client(patient.user), visit)
    assert "Your tasks" in own


def test_the_skills_show_how_many_steps_are_at_each_level(cast, verified_client, visit):
    body = page(verified_client(cast.clinician), visit)
    skills = body[body.index('id="skills-heading"') : body.index('id="decisions-heading"')]
    assert re.search(r"Independent: does it safely alone — 2 steps", skills)
    assert re.search(r"Taught: shown how — 1 step\b", skills)


def test_decisions_to_review_are_those_undecided_or_due_within_a_month(
    cast, verified_client, visit
):
    body = page(verified_client(cast.clinician), visit)
    decisions = body[body.index('id="decisions-heading"') :]
    assert "Which dialysis, undecided?" in decisions
    assert "Not decided yet" in decisions
    assert "Which dialysis, review soon?" in decisions
    assert "Chosen: " in decisions
    assert "Which dialysis, review next year?" not in decisions


def test_the_patient_sees_the_same_page_addressed_to_them(cast, verified_client, visit):
    body = page(verified_client(cast.patient.user), visit)
    assert "Your visit, together" in body
    assert "What you want to talk about" in body
    assert "Your own goal" in body
    assert reverse("patients:my_home") in body  # leave the shared screen


def test_a_carer_with_the_care_plan_scope_sees_it(cast, verified_client, visit):
    body = page(verified_client(care_plan_carer(cast)), visit)
    assert "Zebra first worry" in body
    assert "Feel like myself again" in body


def test_a_carer_without_the_care_plan_scope_is_refused(cast, verified_client, visit):
    response = verified_client(cast.carer).get(screen_url(visit))
    assert response.status_code in (403, 404)
    assert "Zebra first worry" not in response.content.decode()


def test_presentation_mode_has_no_navigation_and_names_no_other_patient(
    cast, verified_client, visit
):
    neighbour = factories.make_patient(
        tree=cast.tree, unit=cast.patient.home_unit, clinicians=(cast.clinician,)
    )
    alert_for(neighbour)
    body = page(verified_client(cast.clinician), visit)
    assert neighbour.family_name not in body
    assert cast.other_patient.family_name not in body
    assert 'aria-label="Main"' not in body
    assert "Log out" not in body
    links = re.findall(r'<a [^>]*href="([^"]+)"', body)
    summary = reverse(
        "visits:pre_visit_summary", kwargs={"patient_id": visit.patient_id, "visit_id": visit.pk}
    )
    assert summary in links  # "Leave the shared screen" goes back to the visit
    assert [link for link in links if not link.startswith("#") and link != summary] == []
    assert "Leave the shared screen" in body
    assert 'class="skip-link"' in body
    assert '<main id="main"' in body
    assert "style=" not in body
    assert "<script" not in body


def test_a_visit_without_an_agenda_says_so(cast, verified_client):
    enrolled(cast.patient)
    visit = upcoming_visit_for(cast.patient, clinician=cast.clinician)
    body = page(verified_client(cast.clinician), visit)
    assert "No agenda was written for this visit." in body
    assert "No decisions are waiting to be made or reviewed." in body


def test_a_cancelled_visit_gives_a_clear_message(cast, verified_client, visit):
    services.visit_cancel(actor=cast.clinician, visit=visit)
    body = page(verified_client(cast.clinician), visit)
    assert "was cancelled, so there is nothing to look at together" in body
    assert "Zebra first worry" not in body


def test_the_read_is_audited(cast, verified_client, visit):
    page(verified_client(cast.clinician), visit)
    event = AuditEvent.objects.filter(
        actor=cast.clinician, entity_type="Visit", entity_id=str(visit.pk), purpose="shared-screen"
    ).get()
    assert event.patient_id == cast.patient.pk


def test_the_pre_visit_summary_and_visit_list_link_to_it(cast, verified_client, visit):
    client = verified_client(cast.clinician)
    summary = client.get(
        reverse(
            "visits:pre_visit_summary",
            kwargs={"patient_id": visit.patient_id, "visit_id": visit.pk},
        )
    ).content.decode()
    listing = client.get(
        reverse("visits:visit_list", kwargs={"patient_id": visit.patient_id})
    ).content.decode()
    assert screen_url(visit) in summary
    assert screen_url(visit) in listing


def test_a_cancelled_visit_has_no_link(cast, verified_client, visit):
    services.visit_cancel(actor=cast.clinician, visit=visit)
    summary = (
        verified_client(cast.clinician)
        .get(
            reverse(
                "visits:pre_visit_summary",
                kwargs={"patient_id": visit.patient_id, "visit_id": visit.pk},
            )
        )
        .content.decode()
    )
    assert screen_url(visit) not in summary


def test_the_patients_next_visit_box_and_agenda_link_to_it(cast, verified_client, visit):
    client = verified_client(cast.patient.user)
    home = client.get(reverse("patients:my_home")).content.decode()
    agenda = client.get(
        reverse("visits:agenda", kwargs={"patient_id": visit.patient_id, "visit_id": visit.pk})
    ).content.decode()
    assert screen_url(visit) in home
    assert screen_url(visit) in agenda


def test_marking_a_visit_done_opens_the_visit_experience_questionnaire_at_once(
    cast, verified_client
):
    enrolled(cast.patient)
    visit = upcoming_visit_for(cast.patient, days=-1, clinician=cast.clinician)
    verified_client(cast.clinician).post(
        reverse(
            "visits:visit_status", kwargs={"patient_id": cast.patient.pk, "visit_id": visit.pk}
        ),
        {"status": "done"},
    )
    assert DueReport.objects.filter(
        patient=cast.patient,
        visit=visit,
        instrument_code="visit-experience",
        status=DueStatus.PENDING,
    ).exists()

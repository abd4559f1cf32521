"""The clinician's pre-visit summary: what changed since the previous completed visit
(scores with direction words, alerts and how they were closed, questionnaires, goals) and
the patient's agenda in order; only for clinicians who may see the patient, audited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from coproduce.careplans import services as goal_services
from coproduce.careplans.trends import measure_name
from coproduce.core.clock import now
from coproduce.core.models import AuditEvent
from coproduce.observations.services import observation_record
from coproduce.patients.selectors import patient_for_user
from coproduce.visits import selectors, services
from tests.factories_alerts_queue import enrolled, raised
from tests.factories_careplans import PHQ9_TOTAL
from tests.factories_tasks import patient_day, task_made, ticked
from tests.factories_visits import upcoming_visit_for

pytestmark = pytest.mark.django_db


def phq9(patient, value: int, days_ago: int) -> None:
    observation_record(
        actor=None,
        patient=patient,
        code=PHQ9_TOTAL,
        effective_at=now() - dt.timedelta(days=days_ago),
        source="patient",
        quantity=value,
    )


@pytest.fixture
def prepared(cast):
    """Owen-like history: a visit done 90 days ago, PHQ-9 15 before it and 8 since, an alert
    since, a goal, and an agenda for the visit in 5 days."""
    patient = cast.patient
    enrolled(patient)
    before = services.visit_schedule(
        actor=cast.clinician,
        patient=patient,
        unit=patient.home_unit,
        starts_at=now() - dt.timedelta(days=90),
        clinician=cast.clinician,
    )
    services.visit_mark_done(actor=cast.clinician, visit=before)
    phq9(patient, 15, days_ago=100)
    phq9(patient, 8, days_ago=2)
    raised(patient, at=now() - dt.timedelta(days=10))
    own = patient_for_user(patient.user, patient.pk)
    goal_services.goal_create(
        access=own, goal_input=goal_services.GoalInput(description="Walk to the shops")
    )
    visit = upcoming_visit_for(patient, clinician=cast.clinician)
    services.agenda_save(
        access=own,
        visit=visit,
        concerns=["Zebra first worry", "Apple second worry"],
        questions="Can I stop a tablet?",
    )
    return visit, before


def summary_url(visit) -> str:
    return reverse(
        "visits:pre_visit_summary", kwargs={"patient_id": visit.patient_id, "visit_id": visit.pk}
    )


def test_the_summary_starts_at_the_previous_completed_visit(cast, prepared):
    visit, before = prepared
    access = patient_for_user(cast.clinician, cast.patient.pk)
    summary = selectors.pre_visit_summary(access, visit)
    assert summary.since_visit == before
    phq = next(s for s in summary.scores if s.name == measure_name(PHQ9_TOTAL))
    assert phq.change == "better"  # lower is better for PHQ-9
    assert phq.before.startswith("15")
    assert phq.latest.startswith("8")
    assert len(summary.alerts) == 1
    assert summary.alert_counts == {"open": 1}
    assert [g.description for g in summary.goals] == ["Walk to the shops"]
    assert summary.agenda.concerns == ["Zebra first worry", "Apple second worry"]


def test_without_a_previous_visit_it_starts_at_the_enrolment(cast):
    enrolled(cast.patient)
    visit = upcoming_visit_for(cast.patient)
    access = patient_for_user(cast.clinician, cast.patient.pk)
    summary = selectors.pre_visit_summary(access, visit)
    assert summary.since_visit is None
    assert summary.since is not None
    assert summary.agenda is None


def test_the_clinician_sees_the_page_with_concerns_in_order(cast, prepared, verified_client):
    visit, _ = prepared
    response = verified_client(cast.clinician).get(summary_url(visit))
    assert response.status_code == 200
    body = response.content.decode()
    assert body.index("Zebra first worry") < body.index("Apple second worry")
    assert "Can I stop a tablet?" in body
    assert "Walk to the shops" in body
    assert "better" in body
    assert AuditEvent.objects.filter(
        actor=cast.clinician, entity_type="Visit", purpose="pre-visit-summary"
    ).exists()


def test_no_agenda_yet_is_said(cast, verified_client):
    visit = upcoming_visit_for(cast.patient)
    body = verified_client(cast.clinician).get(summary_url(visit)).content.decode()
    assert "No agenda yet" in body


def test_another_units_clinician_and_the_patient_are_refused(cast, prepared, verified_client):
    visit, _ = prepared
    assert verified_client(cast.other_clinician).get(summary_url(visit)).status_code in (403, 404)
    assert verified_client(cast.patient.user).get(summary_url(visit)).status_code in (403, 404)


def test_another_patients_visit_is_not_found(cast, verified_client):
    visit = upcoming_visit_for(cast.other_patient)
    url = reverse(
        "visits:pre_visit_summary", kwargs={"patient_id": cast.patient.pk, "visit_id": visit.pk}
    )
    assert verified_client(cast.clinician).get(url).status_code == 404


def test_the_visit_list_links_to_the_summary(cast, prepared, verified_client):
    visit, before = prepared
    client = verified_client(cast.clinician)
    body = client.get(reverse("visits:visit_list", kwargs={"patient_id": cast.patient.pk}))
    text = body.content.decode()
    assert summary_url(visit) in text
    assert summary_url(before) in text
    detail = client.get(reverse("patients:patient_detail", kwargs={"patient_id": cast.patient.pk}))
    assert reverse("visits:visit_list", kwargs={"patient_id": cast.patient.pk}) in (
        detail.content.decode()
    )


def test_tasks_done_and_missed_since_the_last_visit_are_listed(cast, prepared, verified_client):
    """Since the visit 90 days ago: a blood test booked late (done), a weekly weigh-in done
    once and missed once; a task missed before that visit is not brought up again."""
    visit, _ = prepared
    patient, nurse = cast.patient, cast.nurse
    task_made(nurse, patient, made_days_ago=100, title="Old task", due_on=patient_day(patient, -95))
    blood = task_made(
        nurse,
        patient,
        made_days_ago=20,
        title="Book a blood test",
        due_on=patient_day(patient, -10),
    )
    ticked(patient.user, blood, at_days_ago=9)
    weekly = task_made(
        nurse,
        patient,
        made_days_ago=15,
        title="Weigh yourself",
        frequency="weekly",
        weekdays=(patient_day(patient, -14).weekday(),),
        starts_on=patient_day(patient, -14),
    )
    ticked(patient.user, weekly, patient_day(patient, -7), at_days_ago=7)

    summary = selectors.pre_visit_summary(patient_for_user(cast.clinician, patient.pk), visit)

    assert [(t.title, t.day) for t in summary.tasks.done] == [
        ("Book a blood test", patient_day(patient, -9)),
        ("Weigh yourself", patient_day(patient, -7)),
    ]
    assert [(t.title, t.day) for t in summary.tasks.missed] == [
        ("Weigh yourself", patient_day(patient, -14))
    ]
    body = verified_client(cast.clinician).get(summary_url(visit)).content.decode()
    assert "Done: 2. Missed: 1." in body
    assert "Not done: Weigh yourself" in body
    assert "Old task" not in body

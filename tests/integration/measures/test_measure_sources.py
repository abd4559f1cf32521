"""The process and experience measures count what the product records, by hand: alerts
acknowledged within 24 hours, visits with the patient's agenda, patients with an own goal,
top answers to "I felt listened to", questionnaires completed of those due."""

import datetime as dt
import uuid

import pytest

from coproduce.accounts.models import Role
from coproduce.alerts.handling import alert_acknowledge
from coproduce.careplans.services import GoalInput, goal_create, goal_stop
from coproduce.core.clock import now, travelled_to
from coproduce.measures.catalogues import measure_by_id
from coproduce.measures.compute import CellKey, Organisation, period_cells, period_start_of
from coproduce.patients.selectors import patient_for_user
from coproduce.questionnaires.services import response_submit
from coproduce.reporting.services import due_report_add, due_reports_refresh
from coproduce.reporting.windows import Window
from coproduce.visits.services import agenda_save, visit_mark_done, visit_schedule
from tests import factories
from tests.factories_alerts_queue import raised

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    tree = factories.make_network(regions=1, units=1)
    clinician = factories.make_user(role=Role.CLINICIAN, network=tree.network, units=tree.units)
    programme = factories.load_programme("depression-anxiety")
    patients = []
    for _ in range(3):
        patient = factories.make_patient(tree=tree, with_login=True, clinicians=(clinician,))
        factories.make_enrolment(patient=patient, programme=programme, days_ago=200)
        patients.append(patient)
    return tree, clinician, patients


def network_counts(measure_id: str, day: dt.date, tree) -> tuple[int, int]:
    definition = measure_by_id(measure_id)
    start = period_start_of(day, definition.period)
    cells = period_cells(definition, start, Organisation.load())
    found = cells[CellKey("network", tree.network.pk, "all", "all")]
    return found.numerator, found.denominator


def test_alerts_acknowledged_within_24_hours(world):
    tree, clinician, patients = world
    opened = now() - dt.timedelta(days=40)
    in_time = raised(patients[0], at=opened)
    late = raised(patients[1], at=opened)
    raised(patients[2], at=opened)  # never acknowledged
    with travelled_to(opened + dt.timedelta(hours=23)):
        alert_acknowledge(user=clinician, alert_id=in_time.pk)
    with travelled_to(opened + dt.timedelta(hours=30)):
        alert_acknowledge(user=clinician, alert_id=late.pk)
    assert network_counts("alert-acknowledged-24h", opened.date(), tree) == (1, 3)


def test_visits_done_with_and_without_an_agenda(world):
    tree, _clinician, patients = world
    starts = now() - dt.timedelta(days=35)
    visits = []
    with travelled_to(starts - dt.timedelta(days=3)):
        for patient in patients:
            visits.append(
                visit_schedule(
                    actor=None, patient=patient, unit=patient.home_unit, starts_at=starts
                )
            )
        access = patient_for_user(patients[0].user, patients[0].pk)
        agenda_save(access=access, visit=visits[0], concerns=["My sleep"], questions="")
    with travelled_to(starts + dt.timedelta(hours=1)):
        visit_mark_done(actor=None, visit=visits[0])
        visit_mark_done(actor=None, visit=visits[1])  # the third is never done
    assert network_counts("visit-agenda", starts.date(), tree) == (1, 2)


def test_patients_with_an_own_goal_not_stopped(world):
    tree, clinician, patients = world
    own = GoalInput(description="Walk to the shops")
    goal_create(access=patient_for_user(patients[0].user, patients[0].pk), goal_input=own)
    stopped = goal_create(access=patient_for_user(patients[1].user, patients[1].pk), goal_input=own)
    goal_stop(access=patient_for_user(patients[1].user, patients[1].pk), goal=stopped)
    goal_create(  # a clinician's target is not the patient's own goal
        access=patient_for_user(clinician, patients[2].pk),
        goal_input=GoalInput(
            description="PHQ-9 below 10",
            measure_code="loinc:44261-6",
            direction="at_most",
            target_high=9,
        ),
    )
    assert network_counts("own-goal", now().date(), tree) == (1, 3)


def test_top_answers_to_felt_listened_to(world):
    tree, _clinician, patients = world
    definition = factories.load_instrument("visit-experience")
    authored = now() - dt.timedelta(days=33)
    for patient, listened in zip(patients, (4, 3, None), strict=True):
        scores = {"priorities": 3, "next-steps": 3, "respect": 4}
        if listened is not None:
            scores["listened"] = listened
        response_submit(
            access=patient_for_user(patient.user, patient.pk),
            definition=definition,
            answers=factories.form_answers(definition, scores),
            idempotency_key=uuid.uuid4().hex,
            authored_at=authored,
        )
    # The third did not answer the item: not in the denominator.
    assert network_counts("listened-to-top-score", authored.date(), tree) == (1, 2)


def test_questionnaires_completed_of_those_that_closed(world):
    tree, _clinician, patients = world
    closes = now() - dt.timedelta(days=30)
    window = Window(closes - dt.timedelta(days=2), closes - dt.timedelta(days=1), closes)
    for patient in patients:
        enrolment = patient.enrolments.get()
        due_report_add(
            actor=None, enrolment=enrolment, instrument_code="visit-experience", window=window
        )
    definition = factories.load_instrument("visit-experience")
    response_submit(
        access=patient_for_user(patients[0].user, patients[0].pk),
        definition=definition,
        answers=factories.form_answers(definition, {"listened": 4, "respect": 4, "involved": 3}),
        idempotency_key=uuid.uuid4().hex,
        authored_at=closes - dt.timedelta(days=1),
    )
    due_reports_refresh()  # marks the first completed and the others missed
    assert network_counts("questionnaire-completion", closes.date(), tree) == (1, 3)

"""Filling in a questionnaire over time: start or resume, save as you go, submit once."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, connections

from coproduce.core.models import AuditEvent
from coproduce.observations.models import Observation
from coproduce.patients.selectors import patient_for_user
from coproduce.questionnaires.models import QuestionnaireResponse
from coproduce.questionnaires.selectors import (
    instruments_offered,
    response_in_record,
    responses_in_progress,
)
from coproduce.questionnaires.services import (
    ResponseInvalid,
    response_complete,
    response_save_answers,
    response_start,
    response_submit,
)
from tests.factories import (
    load_instrument,
    load_programme,
    make_carer_grant,
    make_enrolment,
    make_user,
)

LA = ("LA6568-5", "LA6569-3", "LA6570-1", "LA6571-9")
PHQ9_TOTAL = "loinc:44261-6"


def phq9(*levels: int) -> dict[str, str]:
    return {str(n): LA[level] for n, level in enumerate(levels, start=1)}


@pytest.fixture
def phq(db):
    return load_instrument("phq-9")


@pytest.fixture
def own(cast):
    return patient_for_user(cast.patient.user, cast.patient.pk)


def test_starting_twice_resumes_the_same_form_with_its_key(own, phq):
    first = response_start(access=own, definition=phq)
    again = response_start(access=own, definition=phq)
    assert again.pk == first.pk
    assert first.status == "in-progress"
    assert len(first.idempotency_key) >= 20
    assert first.answers == {}
    assert QuestionnaireResponse.objects.count() == 1


def test_each_answer_is_saved_as_it_is_given_and_kept_on_resume(own, phq):
    response = response_start(access=own, definition=phq)
    response_save_answers(access=own, response=response, answers={"1": LA[2]})
    response_save_answers(access=own, response=response, answers={"2": LA[1]})
    resumed = response_start(access=own, definition=phq)
    assert resumed.answers == {"1": LA[2], "2": LA[1]}
    assert (
        AuditEvent.objects.filter(
            entity_type="QuestionnaireResponse", entity_id=str(response.pk), action="update"
        ).count()
        == 2
    )


def test_valid_answers_are_saved_even_when_another_on_the_screen_is_wrong(cast, phq):
    definition = load_instrument("ra-flare-diary")
    access = patient_for_user(cast.patient.user, cast.patient.pk)
    response = response_start(access=access, definition=definition)
    checked = response_save_answers(
        access=access,
        response=response,
        answers={"morning_stiffness_minutes": "thirty", "swollen_joints": "2"},
    )
    assert checked.errors == {"morning_stiffness_minutes": "Enter a whole number."}
    response.refresh_from_db()
    assert response.answers == {"swollen_joints": 2.0}


def test_a_wrong_answer_keeps_the_answer_saved_before_it(cast):
    definition = load_instrument("ra-flare-diary")
    access = patient_for_user(cast.patient.user, cast.patient.pk)
    response = response_start(access=access, definition=definition)
    response_save_answers(access=access, response=response, answers={"swollen_joints": "2"})
    response_save_answers(access=access, response=response, answers={"swollen_joints": "two"})
    response.refresh_from_db()
    assert response.answers == {"swollen_joints": 2.0}


def test_a_blank_answer_clears_the_saved_one(own, phq):
    response = response_start(access=own, definition=phq)
    response_save_answers(access=own, response=response, answers={"1": LA[2]})
    response_save_answers(access=own, response=response, answers={"1": ""})
    response.refresh_from_db()
    assert response.answers == {}


def test_completing_uses_the_key_made_at_start_and_scores_once(own, phq):
    response = response_start(access=own, definition=phq)
    response_save_answers(
        access=own,
        response=response,
        answers={**phq9(2, 2, 1, 1, 1, 1, 1, 1, 0), "difficulty": "1"},
    )
    response.refresh_from_db()
    done = response_complete(
        access=own, response=response, idempotency_key=response.idempotency_key
    )
    again = response_complete(
        access=own, response=response, idempotency_key=response.idempotency_key
    )
    assert done.pk == again.pk == response.pk
    done.refresh_from_db()
    assert done.status == "completed"
    assert done.score["total"] == 10
    assert done.score["scores"]["difficulty"] == 1
    assert done.submitted_at is not None
    assert QuestionnaireResponse.objects.count() == 1
    assert Observation.objects.filter(code=PHQ9_TOTAL).count() == 1
    assert Observation.objects.get(code=PHQ9_TOTAL).derived_from == (
        f"QuestionnaireResponse/{response.pk}"
    )


def test_a_resubmitted_form_with_the_key_gives_one_response(own, phq):
    response = response_start(access=own, definition=phq)
    response_save_answers(access=own, response=response, answers=phq9(1, 1, 1, 1, 1, 1, 1, 1, 0))
    response.refresh_from_db()
    for _ in range(3):
        response_submit(
            access=own,
            definition=phq,
            answers=response.answers,
            idempotency_key=response.idempotency_key,
        )
    assert QuestionnaireResponse.objects.get().status == "completed"
    assert Observation.objects.filter(code=PHQ9_TOTAL).count() == 1


def test_after_submit_a_new_start_opens_a_new_form(own, phq):
    response = response_start(access=own, definition=phq)
    response_save_answers(access=own, response=response, answers=phq9(0, 0, 0, 0, 0, 0, 0, 0, 0))
    response.refresh_from_db()
    response_complete(access=own, response=response, idempotency_key=response.idempotency_key)
    fresh = response_start(access=own, definition=phq)
    assert fresh.pk != response.pk
    assert fresh.idempotency_key != response.idempotency_key


def test_a_failed_submit_keeps_every_saved_answer(cast):
    definition = load_instrument("phq-2")  # both items required
    access = patient_for_user(cast.patient.user, cast.patient.pk)
    response = response_start(access=access, definition=definition)
    response_save_answers(access=access, response=response, answers={"1": LA[3]})
    response.refresh_from_db()
    with pytest.raises(ResponseInvalid) as caught:
        response_complete(
            access=access, response=response, idempotency_key=response.idempotency_key
        )
    assert caught.value.item_errors == {"2": "Please answer this question."}
    response.refresh_from_db()
    assert response.status == "in-progress"
    assert response.answers == {"1": LA[3]}
    assert not Observation.objects.exists()


def test_saving_to_a_sent_form_is_refused_and_changes_nothing(own, phq):
    response = response_start(access=own, definition=phq)
    response_save_answers(access=own, response=response, answers=phq9(1, 1, 1, 1, 1, 1, 1, 1, 1))
    response.refresh_from_db()
    response_complete(access=own, response=response, idempotency_key=response.idempotency_key)
    with pytest.raises(ValidationError):
        response_save_answers(access=own, response=response, answers={"1": LA[0]})
    response.refresh_from_db()
    assert response.answers["1"] == LA[1]


def test_a_key_from_another_form_is_refused(own, phq):
    response = response_start(access=own, definition=phq)
    with pytest.raises(ValidationError):
        response_complete(access=own, response=response, idempotency_key="made-up")


def test_only_the_author_may_change_or_send_a_form_in_progress(cast, own, phq):
    response = response_start(access=own, definition=phq)
    carer_access = patient_for_user(cast.carer, cast.patient.pk)
    with pytest.raises(PermissionDenied):
        response_save_answers(access=carer_access, response=response, answers={"1": LA[1]})
    with pytest.raises(PermissionDenied):
        response_submit(
            access=carer_access,
            definition=phq,
            answers={},
            idempotency_key=response.idempotency_key,
        )
    assert response_in_record(carer_access, response.pk) is None
    assert responses_in_progress(carer_access) == []


def test_carer_streams_are_separate_forms_with_their_scopes(cast, phq):
    carer = make_user(role="carer", network=cast.network)
    make_carer_grant(
        patient=cast.child,
        carer=carer,
        granted_by=cast.clinician,
        scopes=frozenset({"view_reports", "report_for_patient", "report_own"}),
    )
    access = patient_for_user(carer, cast.child.pk)
    for_child = response_start(access=access, definition=phq, reporter="patient")
    own_view = response_start(access=access, definition=phq, reporter="carer")
    assert for_child.pk != own_view.pk
    assert (for_child.author, for_child.reporter) == (carer, "patient")
    assert (own_view.author, own_view.reporter) == (carer, "carer")
    response_save_answers(access=access, response=own_view, answers=phq9(3, 3, 3, 3, 3, 3, 3, 3, 0))
    own_view.refresh_from_db()
    response_complete(access=access, response=own_view, idempotency_key=own_view.idempotency_key)
    assert Observation.objects.get(code=PHQ9_TOTAL).source == "carer"


def test_a_carer_without_the_scope_cannot_start(cast, phq):
    access = patient_for_user(cast.carer, cast.patient.pk)  # report_for_patient only
    with pytest.raises(PermissionDenied):
        response_start(access=access, definition=phq, reporter="carer")
    assert response_start(access=access, definition=phq, reporter="patient").author == cast.carer


def test_another_patients_response_is_not_in_the_record(cast, own, phq):
    response = response_start(access=own, definition=phq)
    clinician_child = patient_for_user(cast.clinician, cast.child.pk)
    assert response_in_record(clinician_child, response.pk) is None
    assert response_in_record(own, "nonsense") is None
    assert response_in_record(own, response.pk) == response


def test_programme_instruments_with_wording_are_offered(cast, own):
    programme = load_programme("depression-anxiety")
    make_enrolment(patient=cast.patient, programme=programme)
    phq = load_instrument("phq-9")
    load_instrument("gad-7")
    load_instrument("eq-5d-5l")  # licensed: no wording, never offered
    offered = instruments_offered(own)
    codes = [definition.instrument_code for definition, _ in offered]
    assert codes == ["phq-9", "gad-7"]
    assert offered[0] == (phq, "Depression severity")


@pytest.mark.django_db(transaction=True)
def test_two_submits_at_once_complete_the_form_once(django_db_setup):
    """Two threads, each with its own database connection, send the same form at the
    same moment: one completes it, the other finds it completed."""
    from tests.factories import make_cast

    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises write transactions; the race needs PostgreSQL")
    cast = make_cast()
    phq = load_instrument("phq-9")
    own = patient_for_user(cast.patient.user, cast.patient.pk)
    response = response_start(access=own, definition=phq)
    response_save_answers(access=own, response=response, answers=phq9(1, 1, 1, 1, 1, 1, 1, 1, 0))
    response.refresh_from_db()
    barrier = threading.Barrier(2)
    results: list[object] = []

    def send() -> None:
        try:
            barrier.wait()
            access = patient_for_user(cast.patient.user, cast.patient.pk)
            done = response_submit(
                access=access,
                definition=phq,
                answers=response.answers,
                idempotency_key=response.idempotency_key,
            )
            results.append(done.pk)
        except Exception as error:
            results.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [response.pk, response.pk]
    assert QuestionnaireResponse.objects.filter(status="completed").count() == 1
    assert Observation.objects.filter(code=PHQ9_TOTAL).count() == 1

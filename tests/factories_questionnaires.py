"""Questionnaire responses for the authorization matrix (tests/integration/
test_authorization_matrix.py): for each role, a form in progress and a sent one that the
role's own login may open, and another patient's, for the id swaps. Made through the
services and kept on the `World`, so each is made once per test."""

from __future__ import annotations

from coproduce.patients.selectors import patient_for_user
from coproduce.questionnaires.models import QuestionnaireResponse
from coproduce.questionnaires.services import response_start, response_submit
from tests.factories import load_instrument

LA = ("LA6568-5", "LA6569-3", "LA6570-1", "LA6571-9")
PHQ9_ANSWERS = {str(n): LA[1] for n in range(1, 10)}


def phq9_loaded(world) -> str:
    """Load PHQ-9 (once) and return its instrument code for the start page."""
    load_instrument("phq-9")
    return "phq-9"


def author_and_patient(world, who: str):
    cast = world.cast
    return {
        "patient": (cast.patient.user, cast.patient),
        "carer": (cast.carer, cast.patient),
        "clinician": (cast.clinician, cast.patient),
        "other": (cast.other_clinician, cast.other_patient),
    }[who]


def matrix_response(world, who: str, *, sent: bool) -> QuestionnaireResponse:
    """`who`'s PHQ-9 (patient, carer, clinician, or 'other': another unit's clinician for
    another patient), in progress or sent."""
    made = world.__dict__.setdefault("questionnaire_responses", {})
    if (who, sent) not in made:
        definition = load_instrument("phq-9")
        user, patient = author_and_patient(world, who)
        access = patient_for_user(user, patient.pk)
        response = response_start(access=access, definition=definition)
        if sent:
            response = response_submit(
                access=access,
                definition=definition,
                answers=PHQ9_ANSWERS,
                idempotency_key=response.idempotency_key,
            )
        made[(who, sent)] = response
    return made[(who, sent)]


def response_kwargs(world, who: str, *, sent: bool, step: bool = False) -> dict:
    response = matrix_response(world, who, sent=sent)
    kwargs = {"patient_id": response.patient_id, "response_id": response.pk}
    return {**kwargs, "number": 1} if step else kwargs

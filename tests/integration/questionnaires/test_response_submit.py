"""Submitting a completed questionnaire: checked, scored, stored as observations."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from coproduce.core.models import AuditEvent
from coproduce.observations.models import Observation
from coproduce.patients.selectors import patient_for_user
from coproduce.questionnaires.models import QuestionnaireResponse
from coproduce.questionnaires.selectors import response_for_access, responses_for_patient
from coproduce.questionnaires.services import ResponseInvalid, response_submit
from coproduce.scoring import catalogue, instrument, score
from tests.factories import form_answers, load_instrument, make_carer_grant, make_user

GOLDEN = Path(__file__).resolve().parents[2] / "golden" / "scoring"
LA = ("LA6568-5", "LA6569-3", "LA6570-1", "LA6571-9")


def key() -> str:
    return uuid.uuid4().hex


def phq9(*levels: int) -> dict[str, str]:
    return {str(n): LA[level] for n, level in enumerate(levels, start=1)}


def submit(access, definition, answers, **kwargs):
    return response_submit(
        access=access,
        definition=definition,
        answers=answers,
        idempotency_key=kwargs.pop("idempotency_key", key()),
        **kwargs,
    )


def test_a_phq9_becomes_a_scored_response_and_a_total_observation(cast):
    definition = load_instrument("phq-9")
    access = patient_for_user(cast.patient.user, cast.patient.pk)
    response = submit(access, definition, {**phq9(2, 2, 1, 1, 1, 1, 1, 1, 1), "difficulty": "1"})
    assert response.score["total"] == 11
    assert response.score["band"] == "moderate"
    assert response.score["flags"] == ["self-harm-thoughts"]
    total = Observation.objects.get(patient=cast.patient, code="loinc:44261-6")
    assert total.value_quantity == 11
    assert total.value_unit == "{score}"
    assert total.source == "patient"
    assert total.reporter == cast.patient.user
    assert total.derived_from == f"QuestionnaireResponse/{response.pk}"
    assert total.instrument_version == "phq-9|1.0"
    assert total.effective_at == response.authored_at
    assert AuditEvent.objects.filter(
        entity_type="QuestionnaireResponse", entity_id=str(response.pk), action="create"
    ).exists()


def test_the_same_submission_key_gives_exactly_one_response(cast):
    definition = load_instrument("phq-9")
    access = patient_for_user(cast.patient.user, cast.patient.pk)
    answers = phq9(1, 1, 1, 1, 1, 1, 1, 1, 0)
    first = submit(access, definition, answers, idempotency_key="tap-1")
    again = submit(access, definition, answers, idempotency_key="tap-1")
    assert again.pk == first.pk
    assert QuestionnaireResponse.objects.count() == 1
    assert Observation.objects.filter(code="loinc:44261-6").count() == 1


def test_a_submission_key_cannot_be_reused_for_another_patient(cast):
    definition = load_instrument("phq-2")
    clinician_access = patient_for_user(cast.clinician, cast.patient.pk)
    submit(clinician_access, definition, phq9(1, 1), idempotency_key="shared")
    child_access = patient_for_user(cast.clinician, cast.child.pk)
    with pytest.raises(ValidationError):
        submit(child_access, definition, phq9(1, 1), idempotency_key="shared")


def test_bad_answers_are_refused_item_by_item_and_nothing_is_stored(cast):
    definition = load_instrument("das28-crp")
    access = patient_for_user(cast.clinician, cast.patient.pk)
    with pytest.raises(ResponseInvalid) as caught:
        submit(access, definition, {"tjc28": 30, "sjc28": "x"}, reporter="clinician")
    assert caught.value.item_errors == {
        "tjc28": "Enter a whole number from 0 to 28.",
        "sjc28": "Enter a whole number.",
        "crp": "Please answer this question.",
    }
    assert not QuestionnaireResponse.objects.exists()
    assert not Observation.objects.exists()


def test_a_clinician_index_is_stored_as_the_clinicians_assessment(cast):
    definition = load_instrument("das28-crp")
    access = patient_for_user(cast.clinician, cast.patient.pk)
    response = submit(
        access,
        definition,
        {"tjc28": 4, "sjc28": 2, "crp": 12, "patient_global": 40},
        reporter="clinician",
    )
    expected = score("das28-crp", {"tjc28": 4, "sjc28": 2, "crp": 12, "patient_global": 40})
    stored = Observation.objects.get(code="coproduce:das28-crp")
    assert stored.value_quantity == pytest.approx(expected.total, abs=0.005)
    assert (stored.source, response.reporter, response.author_role) == (
        "clinician",
        "clinician",
        "clinician",
    )


def test_a_carer_with_the_scope_fills_in_for_the_patient_into_the_patients_stream(cast):
    definition = load_instrument("phq-2")
    access = patient_for_user(cast.carer, cast.patient.pk)
    response = submit(access, definition, phq9(3, 3))
    assert (response.reporter, response.author, response.author_role) == (
        "patient",
        cast.carer,
        "carer",
    )
    assert Observation.objects.get(code="loinc:55758-7").source == "patient"


def test_a_carers_own_view_needs_its_scope_and_stays_a_separate_stream(cast):
    definition = load_instrument("phq-2")
    access = patient_for_user(cast.carer, cast.patient.pk)
    with pytest.raises(PermissionDenied):
        submit(access, definition, phq9(1, 0), reporter="carer")
    carer = make_user(role="carer", network=cast.network)
    make_carer_grant(
        patient=cast.patient,
        carer=carer,
        granted_by=cast.patient.user,
        scopes=frozenset({"view_reports", "report_own"}),
    )
    own_access = patient_for_user(carer, cast.patient.pk)
    submit(own_access, definition, phq9(1, 0), reporter="carer")
    with pytest.raises(PermissionDenied):
        submit(own_access, definition, phq9(1, 0), reporter="patient")
    patient_access = patient_for_user(cast.patient.user, cast.patient.pk)
    assert responses_for_patient(patient_access) == []
    assert len(responses_for_patient(patient_access, reporter="carer")) == 1


def test_a_patient_cannot_report_as_a_clinician(cast):
    definition = load_instrument("das28-crp")
    access = patient_for_user(cast.patient.user, cast.patient.pk)
    with pytest.raises(PermissionDenied):
        submit(access, definition, {"tjc28": 1, "sjc28": 1, "crp": 1}, reporter="clinician")


def test_another_patients_response_is_not_found(cast):
    definition = load_instrument("phq-2")
    response = submit(patient_for_user(cast.clinician, cast.patient.pk), definition, phq9(1, 1))
    child_access = patient_for_user(cast.clinician, cast.child.pk)
    assert response_for_access(child_access, response.pk) is None
    assert response_for_access(child_access, "1; drop") is None
    own = patient_for_user(cast.patient.user, cast.patient.pk)
    assert response_for_access(own, response.pk) == response


def golden_first_cases() -> list:
    cases = []
    for spec in catalogue():
        data = json.loads((GOLDEN / f"{spec.code}.json").read_text())
        scorable = [c for c in data["cases"] if "error" not in c.get("expected", {})]
        cases.append(pytest.param(spec.code, scorable[0]["answers"], id=spec.code))
    return cases


@pytest.mark.parametrize(("code", "answers"), golden_first_cases())
def test_every_instrument_scores_through_the_service_with_every_score_stored(cast, code, answers):
    definition = load_instrument(code)
    access = patient_for_user(cast.clinician, cast.patient.pk)
    response = submit(access, definition, form_answers(definition, answers), reporter="clinician")
    expected = score(code, answers)
    assert response.score == json.loads(json.dumps(expected.as_dict()))
    spec = instrument(code)
    stored = {
        o.code: o.value_quantity
        for o in Observation.objects.filter(derived_from=f"QuestionnaireResponse/{response.pk}")
    }
    wanted = {spec.score_code(k): v for k, v in expected.scores.items() if v is not None}
    assert stored.keys() == wanted.keys()
    for observation_code, value in wanted.items():
        assert stored[observation_code] == pytest.approx(
            value,
            abs=10
            ** -spec.score_spec(
                next(k for k in expected.scores if spec.score_code(k) == observation_code)
            ).decimals,
        )

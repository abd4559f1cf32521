"""Test helpers for the alert queue: alerts made through the real services, either by a
patient sending a PHQ-9 that fires a rule, or by `alert_raise` with a chosen rule and time
(for patients without a login and for queues of many severities and ages)."""

from __future__ import annotations

import datetime as dt
import uuid

from coproduce.alerts.models import Alert, AlertStatus
from coproduce.alerts.rules import Trigger
from coproduce.alerts.services import alert_raise, patient_rules
from coproduce.core.clock import now
from coproduce.patients.models import Enrolment, Patient
from coproduce.patients.selectors import patient_for_user
from coproduce.questionnaires.models import QuestionnaireResponse
from coproduce.questionnaires.services import response_submit
from tests import factories
from tests.factories_reporting import enrol

PROGRAMME = "depression-anxiety"


def enrolled(patient: Patient, code: str = PROGRAMME) -> None:
    if not Enrolment.objects.filter(patient=patient, programme__code=code).exists():
        enrol(patient, code)


def send_phq9(
    patient: Patient, item_scores: dict[str, int], *, contact: bool | None = None
) -> QuestionnaireResponse:
    """The patient sends a PHQ-9 (items not given are 0), as the questionnaire pages do."""
    definition = factories.load_instrument("phq-9")
    answers = factories.form_answers(
        definition, {**{str(i): 0 for i in range(1, 10)}, **item_scores}
    )
    return response_submit(
        access=patient_for_user(patient.user, patient.pk),
        definition=definition,
        answers=answers,
        idempotency_key=uuid.uuid4().hex,
        contact_requested=contact,
    )


def send_symptoms(patient: Patient, item_grades: dict[str, int]) -> QuestionnaireResponse:
    """The patient sends a PRO-CTCAE symptom report with these items (others not answered)."""
    definition = factories.load_instrument("pro-ctcae")
    return response_submit(
        access=patient_for_user(patient.user, patient.pk),
        definition=definition,
        answers=factories.form_answers(definition, item_grades),
        idempotency_key=uuid.uuid4().hex,
    )


def raised(
    patient: Patient,
    rule_id: str = "self-harm-thoughts",
    *,
    at: dt.datetime | None = None,
    severity: str = "",
    source: str = "",
) -> Alert:
    """An alert of `rule_id` (depression-anxiety) raised by the raising service at `at`."""
    enrolled(patient)
    programme = next(p for p in patient_rules(patient.pk) if p.programme_code == PROGRAMME)
    rule = next(r for r in programme.rules if r.id == rule_id)
    at = at or now()
    trigger = Trigger(rule, severity or rule.severity, f"{rule.title} (test)", {"value": 1})
    result = alert_raise(
        patient_id=patient.pk,
        programme=programme,
        trigger=trigger,
        source=source or f"test/{uuid.uuid4().hex[:12]}",
        at=at,
    )
    assert result is not None
    return result[0]


def alert_for(patient: Patient) -> Alert:
    """An open alert for `patient` (made once): a PHQ-9 with thoughts of self-harm when
    the patient has a login, else the same rule raised by the service."""
    existing = (
        Alert.objects.filter(patient=patient).exclude(status=AlertStatus.CLOSED).order_by("pk")
    ).first()
    if existing is not None:
        return existing
    enrolled(patient)
    if patient.user_id is not None:
        send_phq9(patient, {"9": 1})
        return Alert.objects.get(
            patient=patient, rule_id="self-harm-thoughts", status=AlertStatus.OPEN
        )
    return raised(patient)

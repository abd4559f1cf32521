"""Test helpers for what patients are told about alerts: a unit's phone numbers, and
reports sent through the services that raise (or do not raise) alerts."""

from __future__ import annotations

import datetime as dt
import uuid

from coproduce.alerts.models import Alert, UnitAlertSettings
from coproduce.alerts.unit_settings import unit_alert_settings_update
from coproduce.network.models import Unit
from coproduce.patients.models import Patient
from coproduce.patients.selectors import patient_for_user
from coproduce.questionnaires.models import QuestionnaireResponse
from coproduce.questionnaires.services import response_submit
from tests import factories
from tests.factories_reporting import enrol

UNIT_PHONE = "01632 960 123"
OUT_OF_HOURS_PHONE = "01632 960 999"


def unit_phones(
    unit: Unit, phone: str = UNIT_PHONE, out_of_hours: str = OUT_OF_HOURS_PHONE
) -> UnitAlertSettings:
    """Office hours 08:00-18:00 Monday to Friday, with the phone numbers patients are given."""
    return unit_alert_settings_update(
        actor=None,
        unit=unit,
        office_opens=dt.time(8),
        office_closes=dt.time(18),
        office_days=[1, 2, 3, 4, 5],
        holidays=[],
        phone=phone,
        out_of_hours_phone=out_of_hours,
        next_responder=None,
    )


def send_phq9(
    patient: Patient, item_scores: dict[str, int], *, contact: bool | None = None, user=None
) -> QuestionnaireResponse:
    """A PHQ-9 in the patient's stream: every item 0 unless given."""
    definition = factories.load_instrument("phq-9")
    answers = factories.form_answers(
        definition, {**{str(i): 0 for i in range(1, 10)}, **item_scores}
    )
    return response_submit(
        access=patient_for_user(user or patient.user, patient.pk),
        definition=definition,
        answers=answers,
        idempotency_key=uuid.uuid4().hex,
        contact_requested=contact,
    )


def send_symptoms(patient: Patient, grades: dict[str, int], *, user=None) -> QuestionnaireResponse:
    """A PRO-CTCAE symptom report: every first question 0 unless given in `grades`
    (answers by link id, e.g. {"nausea-frequency": 1, "nausea-severity": 1})."""
    definition = factories.load_instrument("pro-ctcae")
    items = definition.form["items"]
    firsts = {item["link_id"]: 0 for item in items if not item.get("conditions")}
    answers = factories.form_answers(definition, {**firsts, **grades})
    return response_submit(
        access=patient_for_user(user or patient.user, patient.pk),
        definition=definition,
        answers=answers,
        idempotency_key=uuid.uuid4().hex,
    )


def alert_for(patient: Patient) -> Alert:
    """An open alert for `patient` (a PHQ-9 with question 9 above 0; made once)."""
    existing = Alert.objects.filter(patient=patient).first()
    if existing is not None:
        return existing
    if not patient.enrolments.filter(programme__code="depression-anxiety").exists():
        enrol(patient, "depression-anxiety")
    send_phq9(patient, {"9": 1})
    return Alert.objects.get(patient=patient, rule_id="self-harm-thoughts")

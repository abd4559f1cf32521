"""Test helpers for alert load: patients who send PHQ-9s and blood pressures through the real
services (which raise the alerts), and alerts handled through the queue's services."""

from __future__ import annotations

import datetime as dt
import uuid

from coproduce.alerts.handling import alert_acknowledge, alert_close
from coproduce.alerts.models import Alert
from coproduce.network.models import Unit
from coproduce.observations.measurements import Entered, measurement_record
from coproduce.patients.models import Patient
from coproduce.patients.selectors import patient_for_user
from coproduce.questionnaires.models import QuestionnaireDefinition, QuestionnaireResponse
from coproduce.questionnaires.services import response_submit
from tests import factories
from tests.factories_reporting import enrol, move_clock

PROGRAMME = "depression-anxiety"


def phq9_items(total: int, *, item_9: int = 0) -> dict[str, int]:
    """PHQ-9 item scores (items 1-8 filled 3, 3, … then the rest) adding up to `total`,
    with question 9 as given (it counts towards the total too)."""
    left = total - item_9
    if not 0 <= left <= 24:
        raise ValueError("items 1-8 add up to 0-24")
    items = {}
    for number in range(1, 9):
        items[str(number)] = min(3, left)
        left -= items[str(number)]
    items["9"] = item_9
    return items


def depression_patient(tree: factories.NetworkTree, unit: Unit) -> Patient:
    """A patient with a login at `unit`, enrolled in the depression programme there."""
    patient = factories.make_patient(tree=tree, unit=unit, with_login=True)
    enrol(patient, PROGRAMME)
    return patient


def send_phq9(
    patient: Patient,
    definition: QuestionnaireDefinition,
    total: int,
    *,
    item_9: int = 0,
    contact: bool | None = None,
) -> QuestionnaireResponse:
    """The patient's own PHQ-9 adding up to `total`, sent now (move the clock first)."""
    answers = factories.form_answers(definition, phq9_items(total, item_9=item_9))
    return response_submit(
        access=patient_for_user(patient.user, patient.pk),
        definition=definition,
        answers=answers,
        idempotency_key=uuid.uuid4().hex,
        contact_requested=contact,
    )


def send_blood_pressure(patient: Patient, at: dt.datetime, systolic: float = 130) -> list:
    """A blood pressure with pulse: three values, one report."""
    return measurement_record(
        access=patient_for_user(patient.user, patient.pk),
        kind="blood-pressure",
        values={
            "systolic": Entered(systolic, "mm[Hg]"),
            "diastolic": Entered(80, "mm[Hg]"),
            "pulse": Entered(70, "/min"),
        },
        effective_at=at,
    )


def alert_of(patient: Patient, rule_id: str) -> Alert:
    """The patient's newest alert of a rule."""
    return Alert.objects.filter(patient=patient, rule_id=rule_id).latest("opened_at", "pk")


def acknowledge_at(monkeypatch, alert: Alert, clinician, at: dt.datetime) -> None:
    move_clock(monkeypatch, at)
    alert_acknowledge(user=clinician, alert_id=alert.pk)


def close_at(
    monkeypatch, alert: Alert, clinician, at: dt.datetime, action: str, reason: str = ""
) -> None:
    move_clock(monkeypatch, at)
    alert_close(user=clinician, alert_id=alert.pk, action=action, no_action_reason=reason)


def what_if_route(programme_code: str = PROGRAMME, rule_id: str = "severe-depression") -> dict:
    """Kwargs of alerts:what_if for the authorization matrix (a programme must be loaded)."""
    factories.load_programme(programme_code)
    return {"programme_code": programme_code, "rule_id": rule_id}

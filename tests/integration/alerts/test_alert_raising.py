"""Programme rules raise alerts on what patients send, inside the submission's transaction:
one open alert per rule and patient, each report attached once."""

import datetime as dt
import uuid

import pytest

from coproduce.alerts.models import Alert, AlertTrigger
from coproduce.patients.selectors import patient_for_user
from coproduce.questionnaires.services import response_submit
from tests import factories
from tests.factories_reporting import enrol, move_clock

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 11, 2, 10, 0, tzinfo=dt.UTC)  # a Monday


def send_phq9(patient, definition, item_scores, *, contact=None):
    user = patient.user
    answers = factories.form_answers(
        definition, {**{str(i): 0 for i in range(1, 10)}, **item_scores}
    )
    return response_submit(
        access=patient_for_user(user, patient.pk),
        definition=definition,
        answers=answers,
        idempotency_key=uuid.uuid4().hex,
        contact_requested=contact,
    )


@pytest.fixture
def depressed(monkeypatch):
    tree = factories.make_network()
    patient = factories.make_patient(tree=tree, with_login=True)
    enrol(patient, "depression-anxiety")
    definition = factories.load_instrument("phq-9")
    move_clock(monkeypatch, START)
    return patient, definition


def test_phq9_item_9_above_0_raises_one_urgent_alert_and_later_reports_attach(
    depressed, monkeypatch
):
    patient, definition = depressed
    first = send_phq9(patient, definition, {"9": 1})
    alert = Alert.objects.get(patient=patient, rule_id="self-harm-thoughts")
    assert alert.severity == "urgent"
    assert alert.status == "open"
    assert alert.respond_by == START + dt.timedelta(hours=4)  # urgent: clock time
    assert AlertTrigger.objects.get(alert=alert).source == f"QuestionnaireResponse/{first.pk}"
    move_clock(monkeypatch, START + dt.timedelta(days=7))
    send_phq9(patient, definition, {"9": 2})
    alert.refresh_from_db()
    assert alert.trigger_count == 2
    assert Alert.objects.filter(patient=patient, rule_id="self-harm-thoughts").count() == 1


def test_a_report_without_any_rule_firing_raises_nothing(depressed):
    patient, definition = depressed
    send_phq9(patient, definition, {"1": 1, "2": 1})
    assert not Alert.objects.filter(patient=patient).exists()


def test_worsening_against_baseline_and_persistence(depressed, monkeypatch):
    patient, definition = depressed
    send_phq9(patient, definition, {"1": 2, "2": 2, "3": 2, "4": 2, "5": 1, "6": 1})  # 10
    for week, extra in enumerate(({"7": 3, "8": 2}, {"7": 3, "8": 3}), start=1):  # 15, 16
        move_clock(monkeypatch, START + dt.timedelta(days=7 * week))
        send_phq9(patient, definition, {"1": 2, "2": 2, "3": 2, "4": 2, "5": 1, "6": 1, **extra})
    fired = set(Alert.objects.filter(patient=patient).values_list("rule_id", flat=True))
    assert "depression-worsening" in fired  # 15 - 10 >= 5 against the first report
    assert "depression-persisting" not in fired  # only two reports of 15 or more
    move_clock(monkeypatch, START + dt.timedelta(days=21))
    send_phq9(patient, definition, {"1": 3, "2": 2, "3": 2, "4": 2, "5": 1, "6": 1, "7": 3, "8": 2})
    assert Alert.objects.filter(patient=patient, rule_id="depression-persisting").exists()


def test_asking_to_be_contacted_raises_its_own_alert(depressed):
    patient, definition = depressed
    send_phq9(patient, definition, {"1": 1}, contact=True)
    alert = Alert.objects.get(patient=patient, rule_id="wants-contact")
    assert alert.severity == "high"
    assert alert.contact_requested

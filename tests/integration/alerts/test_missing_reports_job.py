"""The missing-report job: an enrolled patient who sends no PHQ-9 for 35 days gets one
routine alert; running the job again adds nothing; a new report starts the count again."""

import datetime as dt
import uuid

import pytest

from coproduce.alerts import jobs
from coproduce.alerts.models import Alert, AlertTrigger
from coproduce.alerts.services import missing_reports_check
from coproduce.patients.selectors import patient_for_user
from coproduce.questionnaires.services import response_submit
from tests import factories
from tests.factories_reporting import enrol, move_clock

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 9, 1, 10, 0, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)


def send_quiet_phq9(patient, definition) -> None:
    """A PHQ-9 of all zeros: raises nothing, but is a report."""
    response_submit(
        access=patient_for_user(patient.user, patient.pk),
        definition=definition,
        answers=factories.form_answers(definition, {str(i): 0 for i in range(1, 10)}),
        idempotency_key=uuid.uuid4().hex,
    )


@pytest.fixture
def reporter(monkeypatch):
    move_clock(monkeypatch, START)
    tree = factories.make_network()
    patient = factories.make_patient(tree=tree, with_login=True)
    enrol(patient, "depression-anxiety")
    definition = factories.load_instrument("phq-9")
    send_quiet_phq9(patient, definition)
    return patient, definition


def missing_alerts(patient):
    return Alert.objects.filter(patient=patient, rule_id="no-mood-report")


def test_no_phq9_for_35_days_raises_one_routine_alert_once(reporter, monkeypatch):
    patient, _definition = reporter
    assert missing_reports_check(at=START + 34 * DAY) == 0
    assert not missing_alerts(patient).exists()

    assert missing_reports_check(at=START + 35 * DAY) == 1
    alert = missing_alerts(patient).get()
    assert (alert.severity, alert.status, alert.trigger_count) == ("routine", "open", 1)
    assert alert.unit_id == patient.home_unit_id
    [trigger] = AlertTrigger.objects.filter(alert=alert)
    assert trigger.source == "missing/2026-09-01"  # the day of the last report

    # The hourly job runs again and again: still one alert with one trigger.
    assert missing_reports_check(at=START + 35 * DAY + dt.timedelta(hours=1)) == 0
    assert missing_reports_check(at=START + 40 * DAY) == 0
    alert.refresh_from_db()
    assert alert.trigger_count == 1
    assert AlertTrigger.objects.filter(alert=alert).count() == 1


def test_a_new_report_starts_the_count_again(reporter, monkeypatch):
    patient, definition = reporter
    assert missing_reports_check(at=START + 35 * DAY) == 1
    sent_again = START + 37 * DAY
    move_clock(monkeypatch, sent_again)
    send_quiet_phq9(patient, definition)
    assert missing_reports_check(at=sent_again + 34 * DAY) == 0
    assert (
        AlertTrigger.objects.filter(patient=patient, rule_key__endswith="/no-mood-report").count()
        == 1
    )
    # 35 days after the new report it fires again, on the alert that is still open.
    assert missing_reports_check(at=sent_again + 35 * DAY) == 1
    alert = missing_alerts(patient).get()
    assert alert.trigger_count == 2
    sources = set(AlertTrigger.objects.filter(alert=alert).values_list("source", flat=True))
    assert sources == {"missing/2026-09-01", "missing/2026-10-08"}


def test_a_patient_who_never_reported_counts_from_enrolment(monkeypatch):
    move_clock(monkeypatch, START)
    tree = factories.make_network()
    patient = factories.make_patient(tree=tree)
    enrolment = enrol(patient, "depression-anxiety")  # 30 days ago
    enrolled = dt.datetime.combine(enrolment.started_on, dt.time(), tzinfo=dt.UTC)
    assert missing_reports_check(at=enrolled + 35 * DAY - dt.timedelta(seconds=1)) == 0
    assert missing_reports_check(at=enrolled + 35 * DAY) == 1


def test_the_scheduled_job_raises_missing_report_alerts(reporter, monkeypatch):
    patient, _definition = reporter
    move_clock(monkeypatch, START + 36 * DAY)
    assert jobs.check_missing_reports.enqueue().return_value == 1
    assert missing_alerts(patient).count() == 1

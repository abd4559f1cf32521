"""A patient reports a severe symptom through the questionnaire pages; the nurse finds the
alert at the top of the queue, sees why it fired, claims, acknowledges, records "Phoned the
patient" and closes it; the patient then reads the outcome in plain words. axe finds no
WCAG 2.2 AA violations and the browser reports no CSP violation."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from coproduce.alerts.models import Alert
from coproduce.core.clock import now
from tests import factories
from tests.factories_alerts_queue import alert_for, enrolled, raised
from tests.functional.conftest import log_in
from tests.functional.test_accessibility import wcag_violations

# PHQ-9 answers: item 9 ("better off dead or of hurting yourself") is "More than half the
# days", which raises the programme's urgent alert; the total (7) raises nothing else.
ANSWERS = [
    "Several days",
    "More than half the days",
    "Several days",
    "Not at all",
    "Several days",
    "Not at all",
    "Not at all",
    "Not at all",
    "More than half the days",
]
TITLE = "Thoughts of self-harm (PHQ-9 question 9 above 0)"


@pytest.fixture
def enrolled_patient(browser_cast):
    factories.load_instrument("phq-9")
    enrolled(browser_cast.patient, "depression-anxiety")
    return browser_cast.patient


def answer(page, text: str) -> None:
    page.get_by_label(text, exact=True).check()
    expect(page.get_by_role("status")).to_contain_text("Saved")
    page.get_by_role("button", name=re.compile("^(Next|Check your answers)$")).click()
    page.wait_for_load_state()


def patient_sends_a_severe_phq9(tab, patient) -> None:
    page = tab.page
    log_in(tab, patient.user)
    tab.goto(
        reverse(
            "questionnaires:start", kwargs={"patient_id": patient.pk, "instrument_code": "phq-9"}
        )
    )
    page.get_by_role("button", name="Start").click()
    page.wait_for_load_state()
    for text in ANSWERS:
        answer(page, text)
    answer(page, "Somewhat difficult")
    page.get_by_role("button", name="Send my answers").click()
    page.wait_for_load_state()
    expect(page.get_by_text("Your PHQ-9 total score is 7 out of 27 (mild).")).to_be_visible()


def test_a_nurse_handles_the_alert_a_patients_report_raised(
    phone_tab, tab, browser_cast, enrolled_patient
):
    patient, nurse = enrolled_patient, browser_cast.nurse
    # An older, routine alert of another patient of the unit: the urgent one still comes first.
    other = factories.make_patient(tree=browser_cast.tree, unit=browser_cast.tree.units[0])
    raised(other, "depression-persisting", at=now() - dt.timedelta(days=1))

    patient_sends_a_severe_phq9(phone_tab, patient)
    alert = Alert.objects.get(patient=patient, rule_id="self-harm-thoughts")
    assert alert.severity == "urgent"

    page = tab.page
    log_in(tab, nurse)
    tab.goto(reverse("alerts:queue"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Alerts")
    first_row = page.locator("table.alert-queue tbody tr").first
    expect(first_row).to_contain_text("Urgent")
    expect(first_row).to_contain_text(patient.full_name)
    expect(page.locator("table.alert-queue tbody tr")).to_have_count(2)
    assert wcag_violations(tab) == ""

    first_row.get_by_role("link", name=TITLE).click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.get_by_text("This answer raised the alert")).to_be_visible()
    expect(page.get_by_role("img", name=re.compile("^Question 9"))).to_be_visible()
    assert wcag_violations(tab) == ""

    page.get_by_role("button", name="I am handling this").click()
    page.wait_for_load_state()
    expect(page.get_by_text("You are handling this alert.")).to_be_visible()
    page.get_by_label("Note for the team").first.fill("Calling after clinic")
    page.get_by_role("button", name="Acknowledge").click()
    page.wait_for_load_state()
    expect(page.get_by_text("Alert acknowledged. It will not be escalated.")).to_be_visible()

    page.get_by_role("button", name="Close the alert").click()  # no action chosen yet
    page.wait_for_load_state()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_contain_text("Choose what you did.")
    assert wcag_violations(tab) == ""

    page.get_by_label("Phoned the patient").check()
    page.get_by_label("Note for the team").fill("Safety plan agreed by phone")
    page.get_by_role("button", name="Close the alert").click()
    page.wait_for_load_state()
    expect(page.get_by_text("Alert closed. The patient has been told.")).to_be_visible()
    expect(page.get_by_text("Phoned the patient")).to_be_visible()
    assert wcag_violations(tab) == ""
    assert tab.csp_violations == []
    alert.refresh_from_db()
    assert (alert.status, alert.action, alert.closed_by) == ("closed", "phoned", nurse)

    phone_tab.goto(reverse("reporting:notifications"))
    message = phone_tab.page.locator(".notification").filter(
        has_text="Your care team has looked at your report from"
    )
    expect(message).to_contain_text("and phoned you.")
    expect(message).not_to_contain_text("self-harm")
    message.get_by_role("button", name=re.compile("^Open")).click()  # the patient's alert page
    phone_tab.page.wait_for_load_state()
    expect(phone_tab.page.get_by_text(re.compile("Your care team phoned you on"))).to_be_visible()
    assert wcag_violations(phone_tab) == ""
    assert phone_tab.csp_violations == []


def test_the_queue_and_an_alert_work_on_a_phone(phone_tab, browser_cast, enrolled_patient):
    """At 360 px each alert is a card; axe finds nothing on the queue or the alert page."""
    alert = alert_for(enrolled_patient)
    log_in(phone_tab, browser_cast.nurse)
    phone_tab.goto(reverse("alerts:queue"))
    expect(phone_tab.page.get_by_role("link", name=TITLE)).to_be_visible()
    assert wcag_violations(phone_tab) == ""
    phone_tab.goto(reverse("alerts:alert_detail", kwargs={"alert_id": alert.pk}))
    expect(phone_tab.page.get_by_role("button", name="I am handling this")).to_be_visible()
    assert wcag_violations(phone_tab) == ""
    assert phone_tab.csp_violations == []

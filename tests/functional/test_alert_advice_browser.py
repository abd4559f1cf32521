"""A patient in the depression and anxiety programme fills in a PHQ-9 on a 360 px phone,
answers question 9 above 0, and sees at once, at the top of the confirmation, the box that
says to get help now with the crisis lines as phone links; then finds the message about the
report on "Messages about my reports". axe finds no WCAG 2.2 AA violation on the way."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from coproduce.alerts.models import Alert
from coproduce.questionnaires.models import QuestionnaireResponse
from tests import factories
from tests.factories_alerts_patient import unit_phones
from tests.factories_reporting import enrol
from tests.functional.conftest import log_in
from tests.functional.test_accessibility import wcag_violations

ANSWERS = [
    "Several days",
    "More than half the days",
    "Several days",
    "Not at all",
    "Several days",
    "Nearly every day",
    "Several days",
    "Not at all",
    "Several days",  # question 9: thoughts of being better off dead or of self-harm
]


@pytest.fixture
def enrolled(browser_cast):
    factories.load_instrument("phq-9")
    enrol(browser_cast.patient, "depression-anxiety")
    unit_phones(browser_cast.patient.home_unit)
    return browser_cast.patient


def answer(tab, text: str) -> None:
    page = tab.page
    page.get_by_label(text, exact=True).check()
    expect(page.get_by_role("status")).to_contain_text("Saved")
    page.get_by_role("button", name=re.compile("^(Next|Check your answers)$")).click()
    page.wait_for_load_state()


def test_question_9_above_0_shows_the_urgent_help_box_at_once(phone_tab, enrolled):
    tab, patient = phone_tab, enrolled
    log_in(tab, patient.user)
    tab.goto(
        reverse(
            "questionnaires:start", kwargs={"patient_id": patient.pk, "instrument_code": "phq-9"}
        )
    )
    tab.page.get_by_role("button", name="Start").click()
    tab.page.wait_for_load_state()
    for text in ANSWERS:
        answer(tab, text)
    answer(tab, "Somewhat difficult")

    # The review asks whether the patient wants to be contacted (the programme has the rule).
    question = tab.page.get_by_role(
        "group", name="Do you want your care team to contact you about this report?"
    )
    expect(question).to_be_visible()
    question.get_by_label("Yes", exact=True).check()
    assert wcag_violations(tab) == ""
    tab.page.get_by_role("button", name="Send my answers").click()
    tab.page.wait_for_load_state()

    help_box = tab.page.get_by_role("alert")
    expect(help_box).to_be_visible()
    expect(help_box).to_contain_text("Please get help now")
    expect(help_box.get_by_role("link", name="116 123")).to_have_attribute("href", "tel:116123")
    expect(help_box.get_by_role("link", name="999")).to_have_attribute("href", "tel:999")
    expect(help_box).to_contain_text("Samaritans")
    # At the very top: above the "Thank you" heading.
    box_top = help_box.bounding_box()["y"]
    heading_top = tab.page.get_by_role("heading", level=1).bounding_box()["y"]
    assert box_top < heading_top
    expect(tab.page.get_by_text("Your PHQ-9 total score is 10 out of 27")).to_be_visible()
    assert tab.page.evaluate("document.documentElement.scrollWidth") <= 360  # no sideways scroll
    assert wcag_violations(tab) == ""

    response = QuestionnaireResponse.objects.get()
    assert response.contact_requested is True
    rules = set(Alert.objects.filter(patient=patient).values_list("rule_id", flat=True))
    assert {"self-harm-thoughts", "wants-contact"} <= rules

    tab.page.get_by_role("link", name="Messages about your reports").click()
    tab.page.wait_for_load_state()
    expect(tab.page.get_by_role("heading", level=1)).to_have_text("Messages about my reports")
    expect(tab.page.get_by_text("Your mood questionnaire (PHQ-9) from").first).to_be_visible()
    expect(tab.page.get_by_text("Waiting for your care team").first).to_be_visible()
    assert wcag_violations(tab) == ""
    assert tab.csp_violations == []

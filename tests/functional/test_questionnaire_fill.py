"""A patient fills in a PHQ-9 on a phone: one question per screen, saved as it goes, resumed
after the browser was closed, reviewed and sent once; a carer reports both ways; axe finds
no WCAG 2.2 AA violations and the browser reports no CSP violation."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from coproduce.questionnaires.models import QuestionnaireResponse
from tests import factories
from tests.functional.conftest import PHONE_VIEWPORT, log_in, open_tab
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
    "Not at all",
]  # total 1+2+1+0+1+3+1+0+0 = 9: mild


@pytest.fixture
def phq(browser_cast):
    return factories.load_instrument("phq-9")


def start_path(patient, code="phq-9") -> str:
    return reverse(
        "questionnaires:start", kwargs={"patient_id": patient.pk, "instrument_code": code}
    )


def answer(tab, text: str) -> None:
    """Choose an answer card by its words and go on."""
    page = tab.page
    page.get_by_label(text, exact=True).check()
    expect(page.get_by_role("status")).to_contain_text("Saved")  # saved at once (htmx)
    page.get_by_role("button", name=re.compile("^(Next|Check your answers)$")).click()
    page.wait_for_load_state()


def test_a_patient_completes_a_phq9_on_a_phone(phone_tab, browser_cast, phq):
    tab, patient = phone_tab, browser_cast.patient
    log_in(tab, patient.user)
    tab.goto(start_path(patient))
    expect(tab.page.get_by_role("heading", level=1)).to_contain_text("PHQ-9")
    tab.page.get_by_role("button", name="Start").click()
    expect(tab.page.get_by_text("Question 1 of 10")).to_be_visible()
    assert wcag_violations(tab) == ""
    for text in ANSWERS:
        answer(tab, text)
    answer(tab, "Somewhat difficult")
    expect(tab.page.get_by_role("heading", level=1)).to_have_text(
        "Check your answers before you send them"
    )
    assert wcag_violations(tab) == ""
    tab.page.get_by_role("button", name="Send my answers").click()
    tab.page.wait_for_load_state()
    expect(tab.page.get_by_text("Your PHQ-9 total score is 9 out of 27 (mild).")).to_be_visible()
    expect(tab.page.get_by_text("Your care team will see this.")).to_be_visible()
    assert wcag_violations(tab) == ""
    assert tab.csp_violations == []
    response = QuestionnaireResponse.objects.get()
    assert (response.status, response.score["total"]) == ("completed", 9)


def test_an_answer_is_saved_as_soon_as_it_is_chosen(phone_tab, browser_cast, phq):
    tab, patient = phone_tab, browser_cast.patient
    log_in(tab, patient.user)
    tab.goto(start_path(patient))
    tab.page.get_by_role("button", name="Start").click()
    tab.page.get_by_label("Nearly every day", exact=True).check()
    expect(tab.page.get_by_role("status")).to_contain_text("Saved")
    tab.page.reload()
    expect(tab.page.get_by_label("Nearly every day", exact=True)).to_be_checked()
    assert QuestionnaireResponse.objects.get().answers == {"1": "LA6571-9"}
    assert tab.csp_violations == []


def test_closing_the_browser_half_way_loses_nothing(chromium, live_server, browser_cast, phq):
    patient = browser_cast.patient
    first = open_tab(chromium, live_server.url, viewport=PHONE_VIEWPORT, is_mobile=True)
    tab = next(first)
    log_in(tab, patient.user)
    tab.goto(start_path(patient))
    tab.page.get_by_role("button", name="Start").click()
    for text in ANSWERS[:4]:
        answer(tab, text)
    first.close()  # the browser context is closed: cookies and page are gone

    second = open_tab(chromium, live_server.url, viewport=PHONE_VIEWPORT, is_mobile=True)
    tab = next(second)
    try:
        log_in(tab, patient.user)
        tab.goto(reverse("questionnaires:my_responses", kwargs={"patient_id": patient.pk}))
        tab.page.get_by_role("link", name=re.compile("^Continue")).click()
        tab.page.wait_for_load_state()
        expect(tab.page.get_by_text("Question 5 of 10")).to_be_visible()
        tab.page.get_by_role("button", name="Back").click()
        tab.page.wait_for_load_state()
        expect(tab.page.get_by_label(ANSWERS[3], exact=True)).to_be_checked()
        tab.page.get_by_role("button", name="Next").click()
        for text in ANSWERS[4:]:
            answer(tab, text)
        answer(tab, "Not difficult at all")
        tab.page.get_by_role("button", name="Send my answers").click()
        expect(
            tab.page.get_by_text("Your PHQ-9 total score is 9 out of 27 (mild).")
        ).to_be_visible()
        assert tab.csp_violations == []
    finally:
        second.close()
    response = QuestionnaireResponse.objects.get()
    assert response.answers["2"] == "LA6570-1"


def test_a_double_submit_stores_one_response(phone_tab, browser_cast, phq):
    tab, patient = phone_tab, browser_cast.patient
    log_in(tab, patient.user)
    tab.goto(start_path(patient))
    tab.page.get_by_role("button", name="Start").click()
    for text in ANSWERS:
        answer(tab, text)
    answer(tab, "Very difficult")
    tab.page.get_by_role("button", name="Send my answers").dblclick()
    tab.page.wait_for_load_state()
    expect(tab.page.get_by_role("heading", level=1)).to_have_text(
        "Thank you. The answers are sent."
    )
    # The form is sent again from the browser's history (back, then Send once more).
    tab.page.go_back()
    tab.page.wait_for_load_state()
    send = tab.page.get_by_role("button", name="Send my answers")
    if send.count():
        send.click()
        tab.page.wait_for_load_state()
    expect(tab.page.get_by_role("heading", level=1)).to_have_text(
        "Thank you. The answers are sent."
    )
    assert QuestionnaireResponse.objects.filter(status="completed").count() == 1
    assert QuestionnaireResponse.objects.count() == 1


def test_a_carer_reports_for_the_child_and_as_themself(phone_tab, browser_cast, phq):
    cast = browser_cast
    carer = factories.make_user(role="carer", network=cast.network, password=factories.PASSWORD)
    factories.make_carer_grant(
        patient=cast.child,
        carer=carer,
        granted_by=cast.clinician,
        scopes=frozenset({"view_reports", "report_for_patient", "report_own"}),
    )
    tab, name = phone_tab, cast.child.full_name
    log_in(tab, carer)
    for heading in (f"Answering for {name}", f"Your own view of {name}"):
        tab.goto(start_path(cast.child))
        tab.page.locator("form", has=tab.page.get_by_role("heading", name=heading)).get_by_role(
            "button", name="Start"
        ).click()
        tab.page.wait_for_load_state()
        expect(tab.page.get_by_text(heading).first).to_be_visible()
        if heading.startswith("Your own view"):
            expect(tab.page.get_by_text(f"do you think {cast.child.given_name}")).to_be_visible()
        for text in ANSWERS:
            answer(tab, text)
        answer(tab, "Somewhat difficult")
        tab.page.get_by_role("button", name="Send my answers").click()
        tab.page.wait_for_load_state()
        expect(tab.page.get_by_role("heading", level=1)).to_have_text(
            "Thank you. The answers are sent."
        )
    streams = dict(QuestionnaireResponse.objects.values_list("reporter", "author"))
    assert streams == {"patient": carer.pk, "carer": carer.pk}
    tab.goto(reverse("questionnaires:my_responses", kwargs={"patient_id": cast.child.pk}))
    expect(tab.page.get_by_role("cell", name="The patient's own answers")).to_be_visible()
    expect(tab.page.get_by_role("cell", name="A carer's own view")).to_be_visible()
    assert wcag_violations(tab) == ""
    assert tab.csp_violations == []


def test_errors_are_beside_the_item_and_pass_axe(phone_tab, browser_cast):
    factories.load_instrument("ra-flare-diary")
    factories.load_instrument("eq-5d-5l")
    tab, patient = phone_tab, browser_cast.patient
    log_in(tab, patient.user)
    tab.goto(start_path(patient, "ra-flare-diary"))
    tab.page.get_by_role("button", name="Start").click()
    tab.page.get_by_role("textbox").fill("half an hour")
    tab.page.get_by_role("button", name="Next").click()
    tab.page.wait_for_load_state()
    expect(tab.page.get_by_role("alert")).to_contain_text("Enter a whole number.")
    expect(tab.page.get_by_role("textbox")).to_have_attribute("aria-invalid", "true")
    assert wcag_violations(tab) == ""
    tab.page.get_by_role("textbox").fill("30")
    tab.page.get_by_role("button", name="Next").click()
    tab.page.wait_for_load_state()
    # Skip to the review without answering the rest: sending shows each missing answer.
    response = QuestionnaireResponse.objects.get()
    tab.goto(
        reverse(
            "questionnaires:review", kwargs={"patient_id": patient.pk, "response_id": response.pk}
        )
    )
    tab.page.get_by_role("button", name="Send my answers").click()
    tab.page.wait_for_load_state()
    expect(tab.page.get_by_role("alert")).to_contain_text("Please answer this question.")
    expect(tab.page.get_by_text("30 min", exact=True)).to_be_visible()  # the saved answer is kept
    assert wcag_violations(tab) == ""
    tab.goto(start_path(patient, "eq-5d-5l"))
    expect(tab.page.get_by_role("heading", level=1)).to_have_text(
        "This questionnaire is not available yet"
    )
    assert wcag_violations(tab) == ""
    assert tab.csp_violations == []

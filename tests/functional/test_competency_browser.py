"""On a phone: the nurse assigns the self-dialysis checklist and sets a step's level (an
unknown level is not offered; sign-off too early shows why); the patient reads the steps in
plain words and notes a practice; axe finds no WCAG 2.2 AA violations."""

from __future__ import annotations

from django.urls import reverse

from coproduce.skills.models import StepEntry
from tests.functional.conftest import log_in
from tests.functional.test_accessibility import wcag_violations


def test_the_nurse_teaches_a_step_and_the_patient_notes_practice(phone_tab, browser_cast):
    patient, nurse = browser_cast.patient, browser_cast.nurse
    page = phone_tab.page
    log_in(phone_tab, nurse)
    phone_tab.goto(reverse("skills:checklist_list", kwargs={"patient_id": patient.pk}))
    assert wcag_violations(phone_tab) == ""
    page.get_by_label("Checklist to assign").select_option(
        label="Doing my own haemodialysis at home"
    )
    page.get_by_role("button", name="Assign").click()
    page.wait_for_load_state()
    assert wcag_violations(phone_tab) == ""
    alarms = page.locator("#step-alarms")
    alarms.get_by_label("Level").select_option(label="Taught: shown how")
    alarms.get_by_label("Note").fill("Went through the air-in-line alarm.")
    alarms.get_by_role("button", name="Save level").click()
    page.wait_for_load_state()
    assert page.locator("#step-alarms").get_by_text("Taught: shown how").first.is_visible()
    page.get_by_role("button", name="Sign off this skill").click()
    page.wait_for_load_state()
    assert page.get_by_role("alert").get_by_text("Every step must be independent").is_visible()
    assert wcag_violations(phone_tab) == ""

    page.context.clear_cookies()
    log_in(phone_tab, patient.user)
    phone_tab.goto(reverse("skills:checklist_list", kwargs={"patient_id": patient.pk}))
    page.get_by_role("link", name="Doing my own haemodialysis at home").click()
    page.wait_for_load_state()
    assert page.get_by_role("button", name="Save level").count() == 0
    page.locator("#step-alarms").get_by_label("I practised this: how did it go?").fill(
        "Practised with the trainer's machine."
    )
    page.locator("#step-alarms").get_by_role("button", name="Save note").click()
    page.wait_for_load_state()
    assert wcag_violations(phone_tab) == ""
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert phone_tab.csp_violations == []
    assert list(StepEntry.objects.order_by("pk").values_list("level", "recorded_by")) == [
        ("taught", nurse.pk),
        ("", patient.user.pk),
    ]

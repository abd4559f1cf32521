"""At 360 px a clinician records a shared decision with the patient: a reviewed option set
shown side by side, what matters most typed and reordered with buttons (no JavaScript
needed), a review date in the past refused next to its field, then the choice saved. The
patient then reads it in "My decisions". axe finds no WCAG 2.2 AA violations and the
browser reports no CSP violation."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from coproduce.core.clock import today
from coproduce.decisions.models import SharedDecision
from tests.functional.conftest import log_in
from tests.functional.test_accessibility import wcag_violations

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_clinician_records_a_decision_and_the_patient_reads_it(phone_tab, browser_cast):
    patient, clinician = browser_cast.patient, browser_cast.clinician
    page = phone_tab.page
    log_in(phone_tab, clinician)
    phone_tab.goto(reverse("patients:patient_detail", kwargs={"patient_id": patient.pk}))
    page.get_by_role("link", name="Shared decisions: record one, or see earlier ones").click()
    page.get_by_role("link", name="Record a decision").click()
    page.get_by_role("link", name="Which kind of dialysis fits my life best?").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="Haemodialysis at home")).to_be_visible()
    expect(page.get_by_text("About 1 in 3 people in a year, or fewer")).to_be_visible()
    assert wcag_violations(phone_tab) == ""

    page.get_by_label("What matters, number 1").fill("Less travel")
    page.get_by_label("What matters, number 2").fill("Keep working at the garage")
    page.get_by_role("button", name="Move up number 2").click()
    page.wait_for_load_state()
    expect(page.get_by_label("What matters, number 1")).to_have_value("Keep working at the garage")
    expect(page.get_by_label("What matters, number 2")).to_have_value("Less travel")

    page.get_by_label(f"{patient.user.display_name} (the patient)").check()
    page.get_by_label("Haemodialysis at home", exact=True).check()
    page.get_by_label("The reasons, in the patient's words").fill("I can dialyse after work.")
    past = (today() - dt.timedelta(days=3)).isoformat()
    page.get_by_label("When to look again at whether it is working").fill(past)
    page.get_by_role("button", name="Save decision").click()
    page.wait_for_load_state()
    expect(page.get_by_role("alert")).to_contain_text("has passed")
    expect(page.locator("#id_review_on_error")).to_contain_text("has passed")
    expect(page.get_by_label("What matters, number 1")).to_have_value("Keep working at the garage")
    assert not SharedDecision.objects.exists()
    assert wcag_violations(phone_tab) == ""

    later = (today() + dt.timedelta(days=30)).isoformat()
    page.get_by_label("When to look again at whether it is working").fill(later)
    page.get_by_role("button", name="Save decision").click()
    page.wait_for_load_state()
    expect(page.get_by_text("Chosen: Haemodialysis at home")).to_be_visible()
    assert phone_tab.csp_violations == []
    decision = SharedDecision.objects.get()
    assert decision.priorities == ["Keep working at the garage", "Less travel"]

    page.context.clear_cookies()  # the patient's own phone
    log_in(phone_tab, patient.user)
    phone_tab.goto(reverse("patients:my_home"))
    page.get_by_role("link", name="My decisions").first.click()
    page.wait_for_load_state()
    page.get_by_role("link", name="Which kind of dialysis fits my life best?").click()
    page.wait_for_load_state()
    expect(page.get_by_text("I can dialyse after work.")).to_be_visible()
    items = page.locator("#matters-heading + ol li")
    expect(items).to_have_text(["Keep working at the garage", "Less travel"])
    expect(page.get_by_role("link", name="Change this decision")).to_have_count(0)
    assert wcag_violations(phone_tab) == ""
    assert phone_tab.csp_violations == []

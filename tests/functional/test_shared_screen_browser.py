"""The clinician opens the shared visit screen from the pre-visit summary, on a 360 px phone
and on a 1280 px screen: the agenda and the charts are there, there is no site navigation,
nothing is wider than the screen, axe finds no WCAG 2.2 AA violations and the browser reports
no CSP violation."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from coproduce.core.clock import now
from coproduce.observations.services import observation_record
from coproduce.patients.selectors import patient_for_user
from coproduce.visits.services import agenda_save
from tests.factories_alerts_queue import enrolled
from tests.factories_careplans import PHQ9_TOTAL
from tests.factories_visits import upcoming_visit_for
from tests.functional.conftest import log_in
from tests.functional.test_accessibility import wcag_violations


@pytest.fixture
def prepared_visit(browser_cast):
    patient, clinician = browser_cast.patient, browser_cast.clinician
    enrolled(patient)
    for days_ago, value in ((40, 13), (10, 9)):
        observation_record(
            actor=None,
            patient=patient,
            code=PHQ9_TOTAL,
            effective_at=now() - dt.timedelta(days=days_ago),
            source="patient",
            quantity=value,
        )
    visit = upcoming_visit_for(patient, clinician=clinician)
    agenda_save(
        access=patient_for_user(patient.user, patient.pk),
        visit=visit,
        concerns=["My ankles swell by the evening", "I sleep badly"],
        questions="Should I weigh myself every day?",
    )
    return visit


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_the_clinician_opens_the_shared_screen_from_the_summary(
    size, phone_tab, tab, browser_cast, prepared_visit
):
    browser = phone_tab if size == "phone" else tab
    page = browser.page
    visit = prepared_visit
    log_in(browser, browser_cast.clinician)
    browser.goto(
        reverse(
            "visits:pre_visit_summary",
            kwargs={"patient_id": visit.patient_id, "visit_id": visit.pk},
        )
    )
    page.get_by_role("link", name="Open the shared screen to look at together").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", level=1)).to_contain_text("the visit, together")
    expect(page.locator("ol.shared-concerns li")).to_have_text(
        ["“My ankles swell by the evening”", "“I sleep badly”"]
    )
    expect(page.locator("#trends svg.trend-chart")).to_have_count(1)
    expect(page.get_by_role("navigation", name="Main")).to_have_count(0)
    expect(page.get_by_role("button", name="Log out")).to_have_count(0)
    page.get_by_text("See the values of").first.click()
    expect(page.locator("#trends table").first).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"]
    assert wcag_violations(browser) == ""
    assert browser.csp_violations == []
    page.get_by_role("link", name="Leave the shared screen").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", level=1)).to_have_text("Pre-visit summary")

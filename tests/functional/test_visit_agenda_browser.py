"""On a 360 px phone the patient follows the invitation on "My health", writes an agenda
for the next visit (an over-long concern is refused next to its field, nothing typed is
lost), and the clinician opens the pre-visit summary and sees the concerns in order. axe
finds no WCAG 2.2 AA violations and the browser reports no CSP violation."""

from __future__ import annotations

from django.urls import reverse
from playwright.sync_api import expect

from coproduce.visits.models import VisitAgenda
from coproduce.visits.services import CONCERN_MAX
from tests.factories_visits import upcoming_visit_for
from tests.functional.conftest import log_in
from tests.functional.test_accessibility import wcag_violations


def test_the_patient_writes_an_agenda_and_the_clinician_reads_it(phone_tab, tab, browser_cast):
    patient, clinician = browser_cast.patient, browser_cast.clinician
    visit = upcoming_visit_for(patient, clinician=clinician)

    page = phone_tab.page
    log_in(phone_tab, patient.user)
    phone_tab.goto(reverse("patients:my_home"))
    expect(page.get_by_text("tell us what you want to talk about")).to_be_visible()
    assert wcag_violations(phone_tab) == ""
    page.get_by_role("link", name="Write your agenda").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", level=1)).to_have_text("What do you want to talk about?")
    page.get_by_label("The most important thing").fill("My ankles swell by the evening")
    page.get_by_label("Second thing").fill("x" * (CONCERN_MAX + 1))
    page.get_by_label("Your questions").fill("Should I weigh myself every day?")
    page.get_by_role("button", name="Save my agenda").click()
    page.wait_for_load_state()
    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    expect(page.locator("#id_concern_2_error")).to_contain_text(str(CONCERN_MAX))
    expect(page.get_by_label("The most important thing")).to_have_value(
        "My ankles swell by the evening"
    )
    assert wcag_violations(phone_tab) == ""
    page.get_by_label("Second thing").fill("I sleep badly")
    page.get_by_role("button", name="Save my agenda").click()
    page.wait_for_load_state()
    expect(page.get_by_text("Your agenda was saved.")).to_be_visible()
    assert wcag_violations(phone_tab) == ""
    assert phone_tab.csp_violations == []
    assert VisitAgenda.objects.get(visit=visit).concerns == [
        "My ankles swell by the evening",
        "I sleep badly",
    ]

    page = tab.page
    log_in(tab, clinician)
    tab.goto(reverse("patients:patient_detail", kwargs={"patient_id": patient.pk}))
    page.get_by_role("link", name="Upcoming visits and their pre-visit summaries").click()
    page.wait_for_load_state()
    page.get_by_role("link", name="Pre-visit summary for").first.click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", level=1)).to_have_text("Pre-visit summary")
    concerns = page.locator("ol.agenda-concerns li")
    expect(concerns).to_have_text(["“My ankles swell by the evening”", "“I sleep badly”"])
    expect(page.get_by_text("Should I weigh myself every day?")).to_be_visible()
    assert wcag_violations(tab) == ""
    assert tab.csp_violations == []

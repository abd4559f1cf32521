"""At 360 px, a clinician filters the panel to patients with open alerts, sorts by the
number of alerts, is told when a view name is missing, saves the view, and opens it again
from the link at the top. axe finds no WCAG 2.2 AA violations, the browser reports no CSP
violation and nothing is wider than the screen."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from playwright.sync_api import expect

from coproduce.core.clock import now
from coproduce.observations import services as observation_services
from coproduce.panel.models import SavedView
from tests import factories
from tests.factories_panel import make_alert
from tests.functional.conftest import log_in
from tests.functional.test_accessibility import wcag_violations


def page_width(tab) -> int:
    return tab.page.evaluate("document.documentElement.scrollWidth")


def test_filter_sort_save_and_reopen_a_view_on_a_phone(phone_tab, browser_cast):
    cast = browser_cast
    factories.make_enrolment(
        patient=cast.patient, programme=factories.load_programme("hypertension")
    )
    observation_services.observation_record(
        actor=None,
        patient=cast.patient,
        code="loinc:8480-6",
        quantity=150,
        unit="mm[Hg]",
        effective_at=now() - dt.timedelta(days=1),
        source="patient",
    )
    make_alert(cast.patient, "urgent", "a")
    third = factories.make_patient(tree=cast.tree, clinicians=(cast.clinician,))
    make_alert(third, "routine", "a")
    make_alert(third, "high", "b")

    page = phone_tab.page
    log_in(phone_tab, cast.clinician)
    phone_tab.goto(reverse("panel:panel"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Panel")
    table = page.get_by_role("table", name="Patients you care for")
    expect(table.locator("tbody tr")).to_have_count(3)
    expect(table).to_contain_text("Above target")
    assert wcag_violations(phone_tab) == ""
    assert page_width(phone_tab) <= 360

    page.get_by_label("Status").select_option(label="Has open alerts")
    page.get_by_role("button", name="Show patients").click()
    page.wait_for_load_state()
    expect(table.locator("tbody tr")).to_have_count(2)

    page.get_by_role("link", name="Open alerts", exact=True).click()  # ascending
    page.wait_for_load_state()
    page.get_by_role("link", name="Open alerts", exact=True).click()  # descending
    page.wait_for_load_state()
    header = page.get_by_role("columnheader", name="Open alerts")
    expect(header).to_have_attribute("aria-sort", "descending")
    expect(table.locator("tbody tr").first).to_contain_text(third.family_name)
    expect(page.get_by_label("Status")).to_have_value("alerts")

    page.get_by_role("button", name="Save view").click()  # no name yet
    page.wait_for_load_state()
    name = page.get_by_label("Save these filters and sort as")
    expect(name).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#panel-save-name-error")).to_have_text("Give the view a name.")
    assert wcag_violations(phone_tab) == ""
    name.fill("Alerts, most first")
    page.get_by_role("button", name="Save view").click()
    page.wait_for_load_state()
    expect(page.get_by_text("Your view “Alerts, most first” was saved.")).to_be_visible()
    view = SavedView.objects.get(owner=cast.clinician)
    assert view.query == "status=alerts&sort=alerts&order=desc"

    phone_tab.goto(reverse("panel:panel"))  # back to everyone
    expect(table.locator("tbody tr")).to_have_count(3)
    page.get_by_role("link", name="Alerts, most first", exact=True).click()
    page.wait_for_load_state()
    expect(table.locator("tbody tr")).to_have_count(2)
    expect(table.locator("tbody tr").first).to_contain_text(third.family_name)
    expect(page.get_by_role("link", name="Alerts, most first", exact=True)).to_have_attribute(
        "aria-current", "page"
    )
    assert wcag_violations(phone_tab) == ""
    assert page_width(phone_tab) <= 360
    assert phone_tab.csp_violations == []

"""A QI lead opens "Quality measures" from the QI home, at 360 px and at 1280 px: the list
shows each measure's status in words, the measure page draws the SPC chart (an image with
its title and a data table), the unit against its network and the equity view; a note
dated in the future is refused next to its field, then a proper note lands on the chart.
axe finds no WCAG 2.2 AA violation and the browser reports no CSP violation."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from coproduce.core.clock import today
from coproduce.measures.models import MeasureAnnotation
from tests.factories_measures import das28_history, months_back
from tests.functional.conftest import log_in
from tests.functional.test_accessibility import wcag_violations

pytestmark = pytest.mark.django_db(transaction=True)
TITLE = "RA: mean disease activity (DAS28-CRP)"


@pytest.mark.parametrize("size", ["phone_tab", "tab"])
def test_a_qi_lead_reads_a_measure_and_adds_a_note(size, request, browser_cast, settings):
    settings.COPRODUCE_SMALL_CELL_MAX = 10
    das28_history(browser_cast.tree)
    tab = request.getfixturevalue(size)
    page = tab.page
    log_in(tab, browser_cast.qi_lead)
    tab.goto("/qi/")
    page.get_by_role("link", name="Quality measures").first.click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="Quality measures", level=1)).to_be_visible()
    expect(page.get_by_role("row", name=TITLE)).to_contain_text("Common cause only")
    assert wcag_violations(tab) == ""

    page.get_by_role("link", name=TITLE).click()
    page.wait_for_load_state()
    network = browser_cast.network.name
    expect(page.get_by_role("img", name=f"{TITLE}, {network}: I chart")).to_be_visible()
    expect(page.get_by_role("table", name=f"{TITLE}, {network}: every period")).to_be_visible()
    assert wcag_violations(tab) == ""

    unit = browser_cast.tree.units[0]
    page.get_by_label("Level").select_option(f"unit-{unit.pk}")
    page.get_by_label("Show the network beside a unit or region").check()
    page.get_by_label("Equity view: compare groups by").select_option("sex")
    page.get_by_role("button", name="Show").click()
    page.wait_for_load_state()
    expect(page.get_by_text("1. Network (all units) (dashed line")).to_be_visible()
    expect(page.get_by_role("heading", name="Equity view")).to_be_visible()
    assert wcag_violations(tab) == ""

    page.get_by_label("Date of the change").fill((today() + dt.timedelta(days=2)).isoformat())
    page.get_by_label("What changed").fill("Dashboards introduced")
    page.get_by_role("button", name="Add the note").click()
    page.wait_for_load_state()
    expect(page.locator("#id_on_date_error")).to_contain_text("cannot be in the future")
    expect(page.get_by_label("What changed")).to_have_value("Dashboards introduced")
    assert not MeasureAnnotation.objects.exists()
    assert wcag_violations(tab) == ""

    page.get_by_label("Date of the change").fill(months_back()[7].isoformat())
    page.get_by_role("button", name="Add the note").click()
    page.wait_for_load_state()
    # Numbered on the chart and in its legend, and listed with the notes.
    expect(page.locator("figure .qi-legend").first).to_contain_text("Dashboards introduced")
    expect(page.locator(".qi-annotations")).to_contain_text("Dashboards introduced")
    assert wcag_violations(tab) == ""
    assert tab.csp_violations == []

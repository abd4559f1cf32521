"""On a phone, a patient adds a goal in their own words, tied to their PHQ-9 score, and
sees it drawn on the chart, with the data table; axe finds no WCAG 2.2 AA violation and the
page breaks no Content-Security-Policy rule."""

from __future__ import annotations

import datetime as dt

from coproduce.core.clock import now
from coproduce.observations.services import observation_record
from tests import factories
from tests.factories_careplans import PHQ9_TOTAL
from tests.functional.conftest import log_in
from tests.functional.test_accessibility import wcag_violations


def phq9_history(patient, carer) -> None:
    programme = factories.load_programme("depression-anxiety")
    factories.make_enrolment(patient=patient, programme=programme, days_ago=400)
    for days, value in ((300, 19), (200, 15), (120, 13), (60, 12), (20, 11), (3, 8)):
        observation_record(
            actor=patient.user,
            patient=patient,
            code=PHQ9_TOTAL,
            effective_at=now() - dt.timedelta(days=days),
            source="patient",
            quantity=value,
        )
    observation_record(
        actor=carer,
        patient=patient,
        code=PHQ9_TOTAL,
        effective_at=now() - dt.timedelta(days=2),
        source="carer",
        quantity=14,
    )


def test_a_patient_sets_a_goal_and_sees_it_on_the_chart_on_a_phone(phone_tab, browser_cast):
    patient = browser_cast.patient
    phq9_history(patient, browser_cast.carer)
    page = phone_tab.page
    log_in(phone_tab, patient.user)

    phone_tab.goto(f"/patients/{patient.pk}/dashboard/")
    page.get_by_role("link", name="Add a goal").click()
    page.get_by_label("Your goal, in your own words").fill("Enjoy my weekends again")
    page.get_by_label("Measure it with").select_option(PHQ9_TOTAL)
    page.get_by_label("At most").check()
    page.locator("#id_value").fill("40")
    page.get_by_role("button", name="Save goal").click()
    page.wait_for_load_state()

    # A number the measure cannot take is refused next to the field, and what was typed stays.
    assert (
        "40 is not possible for PHQ-9 total score" in page.locator("#id_value_error").inner_text()
    )
    assert page.get_by_label("Your goal, in your own words").input_value() == (
        "Enjoy my weekends again"
    )
    assert wcag_violations(phone_tab) == ""

    page.locator("#id_value").fill("9")
    page.get_by_role("button", name="Save goal").click()
    page.wait_for_load_state()

    chart = page.get_by_role("img", name="PHQ-9 total score, 1 year")
    assert chart.is_visible()
    goal = page.locator("#trend-0-goal")
    assert goal.locator("path.chart-goal-line").count() == 1
    assert "Enjoy my weekends again" in goal.locator("title").text_content()
    assert page.get_by_role(
        "table", name="PHQ-9 total score: values in the last year, newest first", exact=True
    ).is_visible()
    assert page.get_by_text("Your PHQ-9 total score is 8 (mild).").is_visible()
    # The carer's own view is its own chart, labelled.
    assert (
        page.get_by_role("img", name="PHQ-9 total score reported by a carer, 1 year").count() == 1
    )
    # Nothing is wider than the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert wcag_violations(phone_tab) == ""

    page.get_by_label("All").check()
    page.get_by_role("button", name="Show").click()
    page.wait_for_load_state()
    assert page.get_by_role("img", name="PHQ-9 total score, All").is_visible()
    assert phone_tab.csp_violations == []


# Twelve weekly PHQ-9 totals around 15, then eight around 8: a shift (issue 7, item 6).
SHIFT = [15, 16, 14, 15, 16, 14, 15, 16, 14, 15, 16, 14, 8, 9, 7, 8, 9, 7, 8, 8]


def test_a_patient_sees_a_real_change_marked_on_their_chart_on_a_phone(phone_tab, browser_cast):
    patient = browser_cast.patient
    programme = factories.load_programme("depression-anxiety")
    factories.make_enrolment(patient=patient, programme=programme, days_ago=400)
    for weeks_back, value in enumerate(reversed(SHIFT)):
        observation_record(
            actor=patient.user,
            patient=patient,
            code=PHQ9_TOTAL,
            effective_at=now() - dt.timedelta(days=2 + 7 * weeks_back),
            source="patient",
            quantity=value,
        )
    page = phone_tab.page
    log_in(phone_tab, patient.user)

    phone_tab.goto(f"/patients/{patient.pk}/dashboard/")

    assert page.get_by_text(
        "Your last 8 scores are all lower than your usual level: this looks like a real change"
    ).is_visible()
    chart = page.get_by_role("img", name="PHQ-9 total score, 1 year")
    # The centre line and limits in their own line styles; signals as shapes, not colour.
    assert chart.locator("path.chart-spc-centre").count() == 1
    assert chart.locator("path.chart-spc-limit").count() == 1
    assert chart.locator("path.chart-spc-outside").count() == 1
    assert chart.locator("path.chart-spc-run").count() == 1
    dash = chart.locator("path.chart-spc-centre").evaluate(
        "e => getComputedStyle(e).strokeDasharray"
    )
    assert dash not in ("none", "")
    # The legend names each shape; the table says which values are signals.
    legend = page.locator("#trend-0 .chart-legend")
    assert legend.get_by_text("Diamond: a value outside the usual range").is_visible()
    assert legend.get_by_text("Square: one of a long run of values").is_visible()
    table = page.get_by_role(
        "table", name="PHQ-9 total score: values in the last year, newest first", exact=True
    )
    assert table.get_by_role("columnheader", name="Compared with usual").is_visible()
    assert table.get_by_role("cell", name="Below the usual range").count() >= 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert wcag_violations(phone_tab) == ""
    assert phone_tab.csp_violations == []

"""My reports, reminder choices and Messages on a 360 px phone: no WCAG 2.2 AA violations
(axe), no CSP violations, "remind me later" and a form error work without JavaScript."""

from __future__ import annotations

import datetime as dt

from coproduce.core.clock import now
from coproduce.reporting import services
from coproduce.reporting.windows import Window
from tests.factories_reporting import enrol
from tests.functional.conftest import log_in
from tests.functional.test_accessibility import wcag_violations

DAY = dt.timedelta(days=1)


def reports_for_phone(cast):
    enrolment = enrol(cast.patient)
    at = now()
    for code, window in (
        ("phq-9", Window(at - DAY, at + DAY, at + 3 * DAY)),
        ("gad-7", Window(at - 3 * DAY, at - DAY, at + 2 * DAY)),
        ("gad-7", Window(at + 4 * DAY, at + 6 * DAY, at + 9 * DAY)),
    ):
        services.due_report_add(
            actor=None, enrolment=enrolment, instrument_code=code, window=window
        )
    services.notification_create(
        recipient=cast.patient.user,
        patient=cast.patient,
        text="You have a questionnaire to fill in for Depression and anxiety.",
        link="/me/reports/",
    )


def test_my_reports_on_a_phone_is_accessible_and_snoozes(phone_tab, browser_cast):
    reports_for_phone(browser_cast)
    log_in(phone_tab, browser_cast.patient.user)
    phone_tab.goto("/me/reports/")
    page = phone_tab.page
    assert page.get_by_role("heading", name="To do now").is_visible()
    assert wcag_violations(phone_tab) == ""
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.get_by_label("Remind me later").first.select_option("24")
    page.get_by_role("button", name="Remind me later").first.click()
    page.wait_for_load_state()
    assert "We will remind you again in 24 hours" in page.content()
    assert wcag_violations(phone_tab) == ""
    assert phone_tab.csp_violations == []


def test_reminder_choices_with_an_error_and_messages_are_accessible(phone_tab, browser_cast):
    reports_for_phone(browser_cast)
    log_in(phone_tab, browser_cast.patient.user)
    phone_tab.goto(f"/reports/{browser_cast.patient.pk}/reminders/")
    page = phone_tab.page
    assert wcag_violations(phone_tab) == ""
    page.get_by_label("Quiet until").fill("")
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    assert "There is a problem" in page.content()
    assert wcag_violations(phone_tab) == ""
    phone_tab.goto("/messages/")
    assert wcag_violations(phone_tab) == ""
    page.get_by_role("button", name="Open").first.click()
    page.wait_for_load_state()
    assert page.url.endswith("/me/reports/")
    assert phone_tab.csp_violations == []

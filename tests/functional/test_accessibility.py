"""axe-core finds no WCAG 2.2 AA violations on the login page or on any role's home page."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from coproduce.accounts.models import Role
from tests.functional.conftest import BrowserTab, log_in

WCAG_22_AA_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def wcag_violations(tab: BrowserTab) -> str:
    """An empty string when axe finds no violation, else axe's readable report."""
    results = Axe().run(
        tab.page,
        options={
            "runOnly": {"type": "tag", "values": WCAG_22_AA_TAGS},
            "resultTypes": ["violations"],
        },
    )
    return results.generate_report() if results.violations_count else ""


def test_login_page_has_no_wcag_violations(tab, transactional_db):
    tab.goto("/accounts/login/")

    assert wcag_violations(tab) == ""


def test_login_page_with_an_error_has_no_wcag_violations(tab, transactional_db):
    tab.goto("/accounts/login/")
    tab.page.get_by_role("button", name="Log in").click()
    tab.page.wait_for_load_state()

    assert wcag_violations(tab) == ""


@pytest.mark.parametrize("role", [role.value for role in Role])
def test_role_home_has_no_wcag_violations(tab, browser_cast, role):
    log_in(tab, browser_cast.logins()[role])

    assert wcag_violations(tab) == ""


def test_login_page_on_a_phone_has_no_wcag_violations(phone_tab, transactional_db):
    phone_tab.goto("/accounts/login/")

    assert wcag_violations(phone_tab) == ""

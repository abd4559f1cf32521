"""The login page works on a 360 px phone, loads its own stylesheet, and is protected by a
strict Content-Security-Policy that the page itself never violates."""

from __future__ import annotations

from tests.functional.conftest import log_in

UNSAFE_SOURCES = ("'unsafe-inline'", "'unsafe-eval'")


def test_login_page_fits_a_360px_screen_without_sideways_scrolling(phone_tab, transactional_db):
    phone_tab.goto("/accounts/login/")

    page_width = phone_tab.page.evaluate("document.documentElement.scrollWidth")
    assert page_width <= 360
    assert phone_tab.page.get_by_role("button", name="Log in").is_visible()


def test_login_works_on_a_phone(phone_tab, browser_cast):
    log_in(phone_tab, browser_cast.patient.user)

    assert phone_tab.page.get_by_role("button", name="Log out").is_visible()


def test_login_page_loads_its_stylesheet(tab, transactional_db):
    stylesheets = []
    tab.page.on(
        "response",
        lambda response: (
            stylesheets.append(response.status)
            if response.request.resource_type == "stylesheet"
            else None
        ),
    )

    tab.goto("/accounts/login/")

    assert stylesheets
    assert set(stylesheets) == {200}


def test_login_page_sends_a_strict_content_security_policy(tab, transactional_db):
    response = tab.goto("/accounts/login/")

    policy = response.headers.get("content-security-policy", "")
    directives = {part.split()[0] for part in policy.split(";") if part.strip()}
    assert "script-src" in directives
    assert "style-src" in directives
    assert not [source for source in UNSAFE_SOURCES if source in policy]


def test_login_page_causes_no_csp_violations(tab, transactional_db):
    tab.goto("/accounts/login/")
    tab.page.get_by_role("button", name="Log in").click()
    tab.page.wait_for_load_state()

    assert not tab.csp_violations, "\n".join(tab.csp_violations)

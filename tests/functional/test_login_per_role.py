"""Every role logs in through the real login page and lands on its own home page; staff
pass the TOTP step first, patients and carers do not see it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from coproduce.accounts.models import Role
from coproduce.core.views import HOME_BY_ROLE
from tests.functional.conftest import log_in

ROLES = [role.value for role in Role]


@pytest.mark.parametrize("role", ROLES)
def test_role_logs_in_and_reaches_its_home(tab, browser_cast, role):
    user = browser_cast.logins()[role]

    log_in(tab, user)

    assert tab.page.url == tab.base_url + reverse(HOME_BY_ROLE[role])
    assert tab.page.get_by_role("button", name="Log out").is_visible()
    assert not tab.csp_violations, "\n".join(tab.csp_violations)


@pytest.mark.parametrize("role", [Role.CLINICIAN, Role.QI_LEAD, Role.ADMINISTRATOR])
def test_staff_are_asked_for_a_code_before_any_page(tab, browser_cast, role):
    page = tab.page
    tab.goto("/accounts/login/")
    page.get_by_label("Username").fill(browser_cast.logins()[role].username)
    page.get_by_label("Password").fill("Tangerine-orbit-1729")
    page.get_by_role("button", name="Log in").click()

    page.wait_for_url("**" + reverse("accounts:mfa_verify") + "**")
    assert page.get_by_label("Six-digit code").is_visible()


@pytest.mark.parametrize("role", [Role.PATIENT, Role.CARER])
def test_patients_and_carers_are_not_asked_for_a_code(tab, browser_cast, role):
    log_in(tab, browser_cast.logins()[role])

    assert reverse("accounts:mfa_verify") not in tab.page.url

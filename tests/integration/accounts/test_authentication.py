"""Logging in: Argon2 hashes, lockout, two-step verification for staff, password reset."""

import re

import pytest
from django.contrib.auth.hashers import identify_hasher
from django.core import mail
from django.urls import reverse
from django_otp.oath import totp

from coproduce.core.models import AuditEvent
from tests import factories

LOGIN = reverse("accounts:login")


def log_in(client, username, password):
    return client.post(LOGIN, {"username": username, "password": password})


def test_passwords_are_hashed_with_argon2(network_tree):
    user = factories.make_user(
        role="patient", network=network_tree.network, password=factories.PASSWORD
    )
    assert identify_hasher(user.password).algorithm == "argon2"


def test_wrong_password_says_so_and_is_audited(client, network_tree):
    user = factories.make_user(
        role="patient", network=network_tree.network, password=factories.PASSWORD
    )
    response = log_in(client, user.username, "not-the-password")
    assert response.status_code == 200
    assert "username or password is not right" in response.content.decode()
    assert AuditEvent.objects.filter(action="login-failed", outcome="denied").exists()


def test_account_locks_after_five_failures_even_with_the_right_password(client, network_tree):
    user = factories.make_user(
        role="patient", network=network_tree.network, password=factories.PASSWORD
    )
    for _ in range(5):
        log_in(client, user.username, "wrong-password")
    response = log_in(client, user.username, factories.PASSWORD)
    assert response.status_code == 429
    assert "locked" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_patient_logs_in_without_a_second_step(client, network_tree):
    user = factories.make_user(
        role="patient", network=network_tree.network, password=factories.PASSWORD
    )
    response = log_in(client, user.username, factories.PASSWORD)
    assert response.status_code == 302
    assert AuditEvent.objects.filter(actor=user, action="login").exists()


def test_staff_must_verify_before_any_page(client, network_tree):
    clinician = factories.make_user(
        role="clinician",
        network=network_tree.network,
        password=factories.PASSWORD,
        units=network_tree.units[:1],
    )
    log_in(client, clinician.username, factories.PASSWORD)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:mfa_verify"))
    right = client.post(
        reverse("accounts:mfa_verify"), {"token": factories.totp_code(clinician), "next": "/"}
    )
    assert right.status_code == 302
    home = client.get(reverse("home"))
    assert home.url == reverse("patients:patient_list")  # the clinician's home, not MFA again
    assert client.get(home.url).status_code == 200


def test_wrong_code_is_refused_next_to_the_field_and_audited(client, network_tree):
    nurse = factories.make_user(
        role="clinician",
        network=network_tree.network,
        password=factories.PASSWORD,
        units=network_tree.units[:1],
    )
    log_in(client, nurse.username, factories.PASSWORD)
    wrong = client.post(reverse("accounts:mfa_verify"), {"token": "000000"})
    assert wrong.status_code == 200
    assert "That code is not right" in wrong.content.decode()
    assert AuditEvent.objects.filter(actor=nurse, action="mfa", outcome="denied").exists()
    assert client.get(reverse("patients:patient_list")).status_code == 302


def test_staff_without_a_device_enrols_and_gets_backup_codes(client, network_tree):
    qi_lead = factories.make_user(
        role="qi_lead", network=network_tree.network, password=factories.PASSWORD, with_totp=False
    )
    log_in(client, qi_lead.username, factories.PASSWORD)
    response = client.get(reverse("accounts:mfa_verify"))
    assert response.url == reverse("accounts:mfa_setup")
    page = client.get(reverse("accounts:mfa_setup"))
    assert "<svg" in page.content.decode()
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.get(user=qi_lead, confirmed=False)
    code = str(totp(device.bin_key)).zfill(6)
    done = client.post(reverse("accounts:mfa_setup"), {"token": code})
    codes = re.findall(r"<li>([0-9a-f]{8})</li>", done.content.decode())
    assert len(codes) == 10
    device.refresh_from_db()
    assert device.confirmed


def test_staff_mfa_cannot_be_skipped_by_going_to_the_admin(client, network_tree):
    admin = factories.make_user(
        role="administrator", network=network_tree.network, password=factories.PASSWORD
    )
    log_in(client, admin.username, factories.PASSWORD)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/accounts/mfa/" in response.url


def test_password_reset_by_email_link_works_once(client, network_tree):
    user = factories.make_user(
        role="patient", network=network_tree.network, password=factories.PASSWORD
    )
    client.post(reverse("accounts:password_reset"), {"email": user.email})
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/accounts/password-reset/\S+/)", mail.outbox[0].body)[1]
    form_page = client.get(link, follow=True)
    assert "Choose a new password" in form_page.content.decode()
    new_password = "Lantern-harbour-2468"
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": new_password, "new_password2": new_password},
    )
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new_password)
    again = client.get(link, follow=True)
    assert "This reset link does not work" in again.content.decode()


def test_expired_reset_link_is_explained(client, network_tree, settings):
    user = factories.make_user(
        role="patient", network=network_tree.network, password=factories.PASSWORD
    )
    client.post(reverse("accounts:password_reset"), {"email": user.email})
    link = re.search(r"https?://[^/]+(/accounts/password-reset/\S+/)", mail.outbox[0].body)[1]
    settings.PASSWORD_RESET_TIMEOUT = -1
    page = client.get(link, follow=True)
    assert "has expired or has already been used" in page.content.decode()


@pytest.mark.parametrize("path", ["/", "/admin/"])
def test_anonymous_visitors_are_sent_to_log_in(client, db, path):
    response = client.get(path)
    assert response.status_code == 302
    assert "/accounts/login/" in response.url or "/admin/login/" in response.url


def test_pages_send_a_strict_content_security_policy(client, db):
    policy = client.get(LOGIN).headers["Content-Security-Policy"]
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    assert "script-src 'self' 'nonce-" in policy

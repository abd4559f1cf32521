"""Fixtures for the web page tests: one test client per person, staff already past the
two-step verification (through the real MFA page, with a code from their device)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from coproduce.programmes.definition import built_in_programme_paths, parse_programme
from coproduce.programmes.services import programme_load
from tests import factories


@pytest.fixture
def login_as(db):
    """A function that returns a new client logged in as `user`. Staff post the current
    TOTP code to the MFA page, as a person would."""

    def login(user) -> Client:
        client = Client()
        client.force_login(user)
        if user.needs_mfa:
            response = client.post(
                reverse("accounts:mfa_verify"), {"token": factories.totp_code(user)}
            )
            assert response.status_code == 302, "MFA verification failed in the test set-up"
        return client

    return login


@pytest.fixture
def programme(db):
    """The first built-in programme, loaded through the loader service."""
    loaded, _ = programme_load(
        actor=None, definition=parse_programme(built_in_programme_paths()[0])
    )
    return loaded

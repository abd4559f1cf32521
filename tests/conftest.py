"""Shared test set-up: markers by directory, settings switches tests opt into, and fixtures
that build data through the services (tests/factories.py). Settings: tests/settings.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import factories

TESTS_DIR = Path(__file__).resolve().parent
MARK_BY_DIRECTORY = {
    TESTS_DIR / "integration": "integration",
    TESTS_DIR / "functional": "browser",
}


def pytest_configure(config: pytest.Config) -> None:
    # Tests serve static files through the finders; the collected directory need not exist.
    config.addinivalue_line("filterwarnings", "ignore:No directory at:UserWarning")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test by its directory: integration tests run again on PostgreSQL, and
    browser tests drive Chromium."""
    for item in items:
        path = Path(str(item.path)).resolve()
        for directory, marker in MARK_BY_DIRECTORY.items():
            if path.is_relative_to(directory):
                item.add_marker(marker)


# --- Settings switches tests opt into --------------------------------------------------------


@pytest.fixture
def fast_password_hasher(settings):
    """Hash new passwords with MD5 for tests that log in many times through the form.

    Argon2 stays in the list, so hashes made before the switch still verify.
    """
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        *settings.PASSWORD_HASHERS,
    ]


@pytest.fixture
def database_task_queue(settings):
    """Queue tasks in the database, as in production, instead of running them at once."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


# --- Data, built through the services ---------------------------------------------------------


@pytest.fixture
def network_tree(db) -> factories.NetworkTree:
    """A network with 2 regions and 3 units."""
    return factories.make_network()


@pytest.fixture
def programme(db):
    """The rheumatoid arthritis programme, loaded through the loader service."""
    return factories.load_programme()


@pytest.fixture
def cast(db) -> factories.Cast:
    """One person per role plus cross-unit people; see factories.Cast. No passwords: log
    in with `client.force_login(user)` (and `verified_client` for staff)."""
    return factories.make_cast()


@pytest.fixture
def cast_with_passwords(db) -> factories.Cast:
    """The cast, every login with password factories.PASSWORD (for login-form tests)."""
    return factories.make_cast(password=factories.PASSWORD)


@pytest.fixture
def verified_client(client):
    """A function that logs `user` in on the test client, staff with the TOTP step done,
    and returns the client."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    def login(user):
        client.force_login(user)
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is not None:
            session = client.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()
        return client

    return login

"""The test infrastructure does what the rest of the suite relies on: the PostgreSQL run
really uses PostgreSQL, factories go through the services, and the throwaway server starts,
keeps a chosen data directory and cleans up after itself."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from urllib.parse import unquote, urlsplit

import psycopg
import pytest
from django.db import connection
from django_otp.plugins.otp_totp.models import TOTPDevice

from coproduce.accounts.models import Role
from coproduce.core.models import AuditEvent
from tests import factories, postgres_server
from tests.postgres_server import PostgresNotFound, find_server_binaries, throwaway_postgres


def test_database_is_the_one_database_url_names(db):
    # The second run of the suite is only worth having if it really talks to PostgreSQL.
    on_postgres = os.environ.get("DATABASE_URL", "").startswith("postgres")
    assert connection.vendor == ("postgresql" if on_postgres else "sqlite")


def test_tests_in_this_directory_are_marked_integration(request):
    assert request.node.get_closest_marker("integration") is not None


def test_tasks_run_immediately_in_tests(settings):
    assert settings.TASKS["default"]["BACKEND"].endswith("ImmediateBackend")


def test_cast_has_one_login_per_role_created_through_services(cast):
    logins = cast.logins()

    assert {user.role for user in logins.values()} == set(Role.values)
    assert logins[Role.PATIENT] == cast.patient.user
    # The services write an audit event for every created row; a bare ORM factory would not.
    assert AuditEvent.objects.filter(entity_type="Patient", patient_id=cast.patient.pk).exists()
    assert AuditEvent.objects.filter(entity_type="CarerGrant").count() == 2


def test_cast_units_span_two_regions(cast):
    clinician_unit = cast.clinician.unit_memberships.get().unit
    other_unit = cast.other_clinician.unit_memberships.get().unit

    assert len(cast.tree.regions) == 2
    assert len(cast.tree.units) == 3
    assert clinician_unit.region != other_unit.region


def test_staff_get_a_totp_device_whose_code_verifies(cast):
    device = TOTPDevice.objects.get(user=cast.clinician, confirmed=True)

    assert device.verify_token(factories.totp_code(cast.clinician))


def test_patients_and_carers_have_no_totp_device(cast):
    assert not TOTPDevice.objects.filter(user__in=[cast.patient.user, cast.carer]).exists()


# --- The throwaway PostgreSQL server ---------------------------------------------------------


@pytest.fixture
def server_binaries():
    try:
        return find_server_binaries()
    except PostgresNotFound as error:
        if os.environ.get("CI") == "true":
            pytest.fail(str(error))
        pytest.skip(str(error))


def socket_dir_of(url: str) -> Path:
    return Path(unquote(urlsplit(url).hostname or ""))


def test_throwaway_server_serves_the_database_and_removes_its_directory(server_binaries):
    with throwaway_postgres(binaries=server_binaries, database="probe") as url:
        socket_dir = socket_dir_of(url)
        with psycopg.connect(url) as conn:
            version = conn.execute("SHOW server_version").fetchone()[0]
            database = conn.execute("SELECT current_database()").fetchone()[0]
            fsync = conn.execute("SHOW fsync").fetchone()[0]
        assert socket_dir.is_dir()

    assert version.startswith(server_binaries.version.split(".")[0])
    assert database == "probe"
    assert fsync == "off"
    assert not socket_dir.parent.exists()


def test_throwaway_server_applies_extra_settings(server_binaries):
    with (
        throwaway_postgres(binaries=server_binaries, settings={"work_mem": "7MB"}) as url,
        psycopg.connect(url) as conn,
    ):
        assert conn.execute("SHOW work_mem").fetchone()[0] == "7MB"


@pytest.fixture
def world_readable_tmp_dir():
    # When the tests run as root the server runs as another user, who must reach the data
    # directory; pytest's own tmp_path sits under a directory only root can enter.
    with tempfile.TemporaryDirectory(prefix="coproduce-test-", dir="/tmp") as name:
        os.chmod(name, 0o755)  # noqa: S103
        yield Path(name)


def test_throwaway_server_keeps_a_chosen_data_directory(server_binaries, world_readable_tmp_dir):
    data_dir = world_readable_tmp_dir / "pgdata"
    with (
        throwaway_postgres(binaries=server_binaries, data_dir=data_dir) as url,
        psycopg.connect(url) as conn,
    ):
        conn.execute("CREATE TABLE kept (n integer)")
        conn.execute("INSERT INTO kept VALUES (42)")

    with (
        throwaway_postgres(binaries=server_binaries, data_dir=data_dir) as url,
        psycopg.connect(url) as conn,
    ):
        assert conn.execute("SELECT n FROM kept").fetchone()[0] == 42
    assert (data_dir / "PG_VERSION").exists()


def test_throwaway_server_refuses_a_database_name_that_is_not_an_identifier(server_binaries):
    with (
        pytest.raises(ValueError, match="identifier"),
        throwaway_postgres(binaries=server_binaries, database='x"; DROP'),
    ):
        pass


def no_binaries():
    raise PostgresNotFound("PostgreSQL server binaries (initdb, postgres) not found.")


def test_command_skips_with_an_install_hint_when_asked_and_no_server_exists(monkeypatch, capsys):
    monkeypatch.setattr(postgres_server, "find_server_binaries", no_binaries)

    status = postgres_server.main(["--if-available", "--", "true"])

    assert status == 0
    assert "SKIPPED" in capsys.readouterr().err


def test_command_fails_when_no_server_exists_and_skipping_was_not_asked(monkeypatch, capsys):
    monkeypatch.setattr(postgres_server, "find_server_binaries", no_binaries)

    status = postgres_server.main(["--", "true"])

    assert status != 0
    assert "FAILED" in capsys.readouterr().err


def test_command_passes_on_the_command_exit_status(server_binaries):
    assert postgres_server.main(["--", "sh", "-c", 'test -n "$DATABASE_URL" && exit 7']) == 7


def test_programme_fixture_loads_through_the_loader_and_enrols(cast, programme):
    enrolment = factories.make_enrolment(patient=cast.patient, programme=programme)

    assert programme.code == "rheumatoid-arthritis"
    assert enrolment.unit == cast.patient.home_unit
    assert AuditEvent.objects.filter(entity_type="Enrolment", patient_id=cast.patient.pk).exists()

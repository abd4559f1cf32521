"""The demo network: what `make demo` promises, and that loading it twice changes nothing."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from coproduce.access.models import CarerGrant
from coproduce.accounts.models import Role, User
from coproduce.core.models import AuditEvent
from coproduce.network.models import Network, Region, Unit
from coproduce.observations.models import Observation
from coproduce.patients.models import Patient
from coproduce.seed import demo

END = dt.date(2026, 3, 1)


@pytest.fixture(scope="module")
def demo_loaded(django_db_setup, django_db_blocker):
    """The demo, built once for this module and rolled back after it (it takes seconds)."""
    # MD5 for the six demo passwords: Argon2 is slow on purpose, and not under test here.
    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), fast, transaction.atomic():
        demo.demo_create(end_date=END)
        yield
        transaction.set_rollback(True)


@pytest.fixture
def demo_network(demo_loaded, db):
    return Network.objects.get(slug=demo.DEMO_SLUG)


def test_demo_has_three_units_in_two_regions_and_300_patients(demo_network):
    assert Region.objects.filter(network=demo_network).count() >= 2
    assert Unit.objects.filter(region__network=demo_network).count() >= 3
    assert Patient.objects.filter(network=demo_network).count() >= 300


def test_demo_has_two_years_of_history(demo_network):
    first = Observation.objects.order_by("effective_at").first().effective_at
    last = Observation.objects.order_by("-effective_at").first().effective_at
    assert (last - first).days >= 700


def test_demo_has_a_login_for_every_role(demo_network):
    roles = set(User.objects.values_list("role", flat=True))
    assert roles >= {r.value for r in Role}
    professions = set(User.objects.filter(role=Role.CLINICIAN).values_list("profession", flat=True))
    assert professions >= {"physician", "nurse"}


def test_demo_carer_has_a_child_under_12_granted_by_a_clinician_and_an_adult(demo_network):
    carer = User.objects.get(username="carer")
    grants = CarerGrant.objects.filter(carer=carer, revoked_at__isnull=True)
    assert grants.count() == 2
    ages = {g.patient.age_on(END): g for g in grants}
    child = ages[min(ages)]
    assert min(ages) < 12
    assert child.granted_by.role == Role.CLINICIAN
    assert max(ages) >= 18


def test_demo_staff_have_totp_devices_and_the_command_prints_a_code(demo_network, capsys):
    call_command("totp", "clinician")
    code = capsys.readouterr().out.strip()
    assert len(code) == 6
    assert code.isdigit()


def test_running_the_demo_seed_twice_does_not_duplicate(demo_network, capsys):
    counts = (Patient.objects.count(), Observation.objects.count(), User.objects.count())
    call_command("seed", "--demo", "--end-date", END.isoformat())
    assert (Patient.objects.count(), Observation.objects.count(), User.objects.count()) == counts
    assert "already loaded" in capsys.readouterr().out


def test_the_history_import_writes_one_audit_event_with_the_row_count(demo_network):
    events = AuditEvent.objects.filter(entity_type="ObservationImport")
    assert events.count() == 1
    # The import writes the history; the story data (home readings, scored questionnaires)
    # goes through the services, one audit event per row, and is not part of the import.
    imported = Observation.objects.exclude(reporter__isnull=False).exclude(derived_from__gt="")
    assert events.get().detail["rows"] == imported.count()

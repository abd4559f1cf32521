"""The demo network: what `make demo` promises, and that loading it twice changes nothing."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.urls import reverse

from coproduce.access.models import CarerGrant
from coproduce.accounts.models import Role, User
from coproduce.alerts.models import Alert, AlertStatus, AlertTrigger
from coproduce.alerts.selectors import alerts_queue
from coproduce.careplans.models import Goal, GoalKind, GoalVersion
from coproduce.core.clock import travelled_to
from coproduce.core.models import AuditEvent
from coproduce.network.models import Network, Region, Unit
from coproduce.observations.models import Observation
from coproduce.patients.models import Patient
from coproduce.questionnaires.models import QuestionnaireResponse
from coproduce.reporting.models import DueReport, DueStatus
from coproduce.seed import demo
from coproduce.visits.models import Visit, VisitStatus

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


def test_demo_has_units_in_two_regions_story_patients_and_a_registry_cohort(demo_network):
    assert Region.objects.filter(network=demo_network).count() >= 2
    assert Unit.objects.filter(region__network=demo_network).count() >= 3
    patients = Patient.objects.filter(network=demo_network)
    for given in ("Owen", "Isla"):
        assert patients.filter(given_name=given, family_name="Morgan").exists(), given
    assert patients.filter(local_id__startswith="D").count() == demo.DEMO_PATIENTS
    cohort = patients.filter(local_id__startswith=demo.DEMO_COHORT_PREFIX)
    assert cohort.count() == demo.DEMO_COHORT_PATIENTS >= 5000


def test_demo_cohort_has_the_process_rows_the_qi_measures_read(demo_network):
    cohort = Patient.objects.filter(
        network=demo_network, local_id__startswith=demo.DEMO_COHORT_PREFIX
    )
    reports = DueReport.objects.filter(patient__in=cohort)
    assert reports.filter(status=DueStatus.COMPLETED).count() > 10_000
    assert reports.filter(status=DueStatus.MISSED).count() > 1000
    visits = Visit.objects.filter(patient__in=cohort, status=VisitStatus.DONE)
    with_agenda = visits.filter(agenda__isnull=False).count()
    assert 0.2 * visits.count() < with_agenda < 0.8 * visits.count()
    responses = QuestionnaireResponse.objects.filter(
        patient__in=cohort, definition__instrument_code="visit-experience"
    )
    assert responses.count() > 1000
    assert all("listened" in r.answers for r in responses[:50])
    alerts = Alert.objects.filter(patient__in=cohort)
    assert alerts.filter(status=AlertStatus.CLOSED, acknowledged_at__isnull=False).count() > 1000
    goals = Goal.objects.filter(patient__in=cohort, kind=GoalKind.OWN)
    assert goals.count() > 0.4 * cohort.count()
    assert GoalVersion.objects.filter(goal__in=goals, version=1).count() == goals.count()
    # The imports are audited (one event each), as the bulk history import is.
    assert AuditEvent.objects.filter(entity_type="ProcessImport").count() == 1


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
    tables = (Patient, Observation, User, DueReport, Visit, Alert, Goal, QuestionnaireResponse)
    counts = [model.objects.count() for model in tables]
    call_command("seed", "--demo", "--end-date", END.isoformat())
    assert [model.objects.count() for model in tables] == counts
    assert "already loaded" in capsys.readouterr().out


def test_each_history_import_writes_one_audit_event_with_the_row_count(demo_network):
    # Three imports: the story network's history, the registry cohort's, and the cohort's
    # repeat screening (a process row written as coded observations).
    events = AuditEvent.objects.filter(entity_type="ObservationImport")
    assert events.count() == 3
    # The imports write the history; the story data (home readings, scored questionnaires)
    # goes through the services, one audit event per row, and is not part of an import.
    imported = Observation.objects.exclude(reporter__isnull=False).exclude(derived_from__gt="")
    assert sum(e.detail["rows"] for e in events) == imported.count()


# --- Alerts (issue 5: "the seeded data contains open, escalated and closed alerts") ----------


def test_demo_has_open_acknowledged_escalated_and_closed_alerts(demo_network):
    nurse = User.objects.get(username="nurse")
    queue = alerts_queue(nurse)
    statuses = {alert.status for alert in Alert.objects.all()}
    assert statuses == {AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED, AlertStatus.CLOSED}
    assert Alert.objects.filter(escalation_level__gte=1, status=AlertStatus.OPEN).exists()
    assert Alert.objects.filter(escalation_level__gte=1, status=AlertStatus.CLOSED).exists()
    assert {row.alert.severity for row in queue} >= {"high", "routine"}
    assert len(queue) >= 5
    # Closed alerts say what was done, or why nothing was.
    for alert in Alert.objects.filter(status=AlertStatus.CLOSED):
        assert alert.action
        assert alert.action != "no-action" or alert.no_action_reason


def test_demo_alert_history_is_in_time_order(demo_network):
    """The replay handled each alert after it was raised and before `END`: nothing is
    acknowledged before it opened, escalated after it was acknowledged, or in the future."""
    end = dt.datetime.combine(END, dt.time(17, 0), tzinfo=dt.UTC)
    for alert in Alert.objects.all():
        assert alert.opened_at <= alert.last_triggered_at <= end
        if alert.acknowledged_at:
            assert alert.opened_at <= alert.acknowledged_at <= end
            if alert.escalated_at:
                assert alert.escalated_at <= alert.acknowledged_at
        if alert.closed_at:
            assert alert.acknowledged_at <= alert.closed_at <= end
    # A report sent after an alert was closed never joins it.
    for trigger in AlertTrigger.objects.select_related("alert"):
        closed_at = trigger.alert.closed_at
        assert closed_at is None or trigger.triggered_at <= closed_at


def test_demo_patient_sees_what_the_team_did_about_his_reports(demo_network, client):
    owen = User.objects.get(username="patient")
    alerts = Alert.objects.filter(patient__user=owen).order_by("opened_at")
    assert [(a.rule_id, a.status) for a in alerts] == [
        ("very-high-blood-pressure", AlertStatus.CLOSED),
        ("very-high-blood-pressure", AlertStatus.OPEN),
    ]
    assert alerts[0].action == "phoned"
    client.force_login(owen)
    with travelled_to(dt.datetime.combine(END, dt.time(18, 0), tzinfo=dt.UTC)):
        page = client.get(reverse("alerts:mine")).content.decode()
    assert "Your care team phoned you on" in page
    assert "Waiting for your care team" in page


# --- Care-plan tasks (issue 6: "patients and carers see and tick off their tasks") ----------


def test_demo_owen_has_tasks_for_himself_his_carer_and_his_nurse(demo_network, client):
    from coproduce.tasks.models import Task

    owen = User.objects.get(username="patient")
    carer = User.objects.get(username="carer")
    nurse = User.objects.get(username="nurse")
    grant = CarerGrant.objects.get(carer=carer, patient__user=owen, revoked_at__isnull=True)
    assert grant.care_plan
    tasks = Task.objects.filter(patient__user=owen)
    assert set(tasks.values_list("owner_kind", "owner_user")) == {
        ("patient", None),
        ("carer", carer.pk),
        ("clinician", nurse.pk),
    }
    weigh = tasks.get(frequency="weekly")
    assert weigh.goal_id is not None
    assert weigh.completions.filter(undone_at__isnull=True).count() >= 4
    client.force_login(owen)
    page = client.get(reverse("tasks:mine")).content.decode()
    assert "Book your blood test at the GP surgery" in page
    assert "not done yet" in page

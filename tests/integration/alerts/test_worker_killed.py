"""The kill-the-worker test (issue 5, item 3): a worker killed in the middle of the
missing-report job loses no alert, and after a restart each alert exists exactly once.

A real separate OS process (a child Python) runs `missing_reports_check` over several
patients against the test database. A test-only hook in the child (not product code): the
environment variable COPRODUCE_TEST_KILL_AFTER=K wraps `alert_raise` so the child sends
itself SIGKILL right after raising the alert of patient K+1, inside that patient's
transaction: K patients are committed, one is half-written, the rest are not started.
Then the job runs again (the restarted worker) and every alert must exist exactly once,
with one trigger. The escalation job gets the same treatment (killed inside the third
alert's escalation): after the restart each alert is escalated once, with one message.

The test database is reached from the child through DATABASE_URL: on PostgreSQL the test
database itself; on SQLite the test database is in memory, so it is copied to a file for
the child (SQLite's online backup), and the file, with what the child committed before it
died, is copied back before the restart, as a restarted worker would reopen the same file.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.db import connection

KILL_AFTER = "COPRODUCE_TEST_KILL_AFTER"
PATIENTS = "COPRODUCE_TEST_PATIENTS"
AT = "COPRODUCE_TEST_AT"
JOB = "COPRODUCE_TEST_JOB"
REPO = Path(__file__).resolve().parents[3]

CHILD = """
import django
django.setup()
from tests.integration.alerts.test_worker_killed import child_main
child_main()
"""


def dying_after(kill_after: int, write):
    """`write`, wrapped to SIGKILL the process (no clean-up, no rollback by Python) right
    after its call number kill_after + 1, inside that call's transaction."""
    calls = 0

    def write_then_die(**kwargs):
        nonlocal calls
        result = write(**kwargs)  # written, not yet committed
        calls += 1
        if calls > kill_after:
            os.kill(os.getpid(), signal.SIGKILL)
        return result

    return write_then_die


def child_main() -> None:
    """The worker: one job at the given moment, killed after K committed items. JOB is
    "missing-reports" (the given patients) or "escalation" (every alert due)."""
    from coproduce.alerts import escalation, services

    kill_after = int(os.environ[KILL_AFTER])
    at = dt.datetime.fromisoformat(os.environ[AT])
    if os.environ[JOB] == "escalation":
        escalation.notification_create = dying_after(kill_after, escalation.notification_create)
        escalation.escalations_run(at=at)
        return
    patient_ids = [int(pk) for pk in os.environ[PATIENTS].split(",")]
    services.alert_raise = dying_after(kill_after, services.alert_raise)
    services.missing_reports_check(at=at, patient_ids=patient_ids)


def database_url_for_child(tmp_path: Path) -> str:
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        copy = tmp_path / "worker.sqlite3"
        connection.ensure_connection()
        with sqlite3.connect(copy) as target:
            connection.connection.backup(target)
        target.close()
        return f"sqlite:///{copy}"
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path="/" + settings["NAME"]))


def take_back_what_the_child_committed(url: str) -> None:
    """SQLite only: the in-memory test database becomes the file the child wrote."""
    if connection.vendor != "sqlite":
        return
    source = sqlite3.connect(url.removeprefix("sqlite:///"))
    try:
        source.backup(connection.connection)
    finally:
        source.close()


def run_worker_until_killed(
    tmp_path: Path, *, job: str, kill_after: int, at: dt.datetime, patients: str = ""
) -> None:
    """Run the job in a child process that kills itself after `kill_after` items, then make
    what it committed the test database's content (SQLite)."""
    url = database_url_for_child(tmp_path)
    child = subprocess.run(
        [sys.executable, "-c", CHILD],
        cwd=REPO,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.settings",
            "DATABASE_URL": url,
            JOB: job,
            KILL_AFTER: str(kill_after),
            PATIENTS: patients,
            AT: at.isoformat(),
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert child.returncode == -signal.SIGKILL, child.stderr[-2000:]
    take_back_what_the_child_committed(url)


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_job_loses_no_alert_and_raises_each_once(tmp_path):
    from coproduce.alerts.models import Alert, AlertTrigger
    from coproduce.alerts.services import missing_reports_check
    from coproduce.core.clock import now
    from tests import factories
    from tests.factories_reporting import enrol

    tree = factories.make_network()
    patients = [factories.make_patient(tree=tree) for _ in range(6)]
    for patient in patients:
        enrol(patient, "depression-anxiety")  # 30 days ago, no PHQ-9 since
    ids = [p.pk for p in patients]
    at = now() + dt.timedelta(days=10)  # 40 days without a report: each patient fires
    kill_after = 2

    run_worker_until_killed(
        tmp_path,
        job="missing-reports",
        kill_after=kill_after,
        at=at,
        patients=",".join(map(str, ids)),
    )

    # The worker died half-way: the first K patients' alerts are there, the one it was
    # writing when it died is not (its transaction never committed), the rest not begun.
    alerts = Alert.objects.filter(patient_id__in=ids, rule_id="no-mood-report")
    assert sorted(alerts.values_list("patient_id", flat=True)) == ids[:kill_after]

    # The restarted worker runs the job again: the rest are raised, nothing twice.
    assert missing_reports_check(at=at, patient_ids=ids) == len(ids) - kill_after
    assert sorted(alerts.values_list("patient_id", flat=True)) == ids
    for alert in alerts:
        assert alert.trigger_count == 1
        assert AlertTrigger.objects.filter(alert=alert).count() == 1
    # And once more, later the same hour: still nothing new.
    assert missing_reports_check(at=at + dt.timedelta(hours=1), patient_ids=ids) == 0
    assert AlertTrigger.objects.filter(patient_id__in=ids).count() == len(ids)


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_escalation_escalates_each_alert_once(tmp_path):
    from coproduce.alerts.escalation import escalations_run
    from coproduce.alerts.models import Alert
    from coproduce.core.clock import now
    from coproduce.core.models import AuditEvent
    from coproduce.reporting.models import Notification
    from tests import factories
    from tests.factories_alerts_settings import (
        make_clinician,
        make_unit_lead,
        raise_alert,
        unit_settings_set,
    )

    tree = factories.make_network()
    unit = tree.units[0]
    make_unit_lead(tree=tree, unit=unit)
    responder = make_clinician(tree=tree, unit=unit)
    unit_settings_set(unit, next_responder=responder)
    opened = now() - dt.timedelta(hours=6)
    alerts = [
        raise_alert(
            patient=factories.make_patient(tree=tree), unit=unit, at=opened, severity="urgent"
        )
        for _ in range(5)
    ]
    at = opened + dt.timedelta(hours=4)  # every alert's response time has just run out
    kill_after = 2

    run_worker_until_killed(tmp_path, job="escalation", kill_after=kill_after, at=at)
    ids = sorted(a.pk for a in alerts)
    escalated = Alert.objects.filter(pk__in=ids, escalation_level=1)
    assert sorted(escalated.values_list("pk", flat=True)) == ids[:kill_after]

    # The restarted worker: the rest escalate, none twice; one message for each alert.
    assert escalations_run(at=at) == len(ids) - kill_after
    assert escalated.count() == len(ids)
    assert Notification.objects.filter(recipient=responder).count() == len(ids)
    assert AuditEvent.objects.filter(purpose="alert-escalated").count() == len(ids)
    assert escalations_run(at=at) == 0

"""The kill-the-worker test (issue 5, item 3): a worker killed in the middle of the
missing-report job loses no alert, and after a restart each alert exists exactly once.

A real separate OS process (a child Python) runs `missing_reports_check` over several
patients against the test database. A test-only hook in the child (not product code): the
environment variable COPRODUCE_TEST_KILL_AFTER=K wraps `alert_raise` so the child sends
itself SIGKILL right after raising the alert of patient K+1, inside that patient's
transaction: K patients are committed, one is half-written, the rest are not started.
Then the job runs again (the restarted worker) and every alert must exist exactly once,
with one trigger.

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
REPO = Path(__file__).resolve().parents[3]

CHILD = """
import django
django.setup()
from tests.integration.alerts.test_worker_killed import child_main
child_main()
"""


def child_main() -> None:
    """The worker: the missing-report job over the given patients at the given moment,
    killed by SIGKILL (no clean-up, no rollback by Python) after K committed patients."""
    from coproduce.alerts import services

    kill_after = int(os.environ[KILL_AFTER])
    patient_ids = [int(pk) for pk in os.environ[PATIENTS].split(",")]
    at = dt.datetime.fromisoformat(os.environ[AT])
    real_raise = services.alert_raise
    raised = 0

    def raise_then_die(**kwargs):
        nonlocal raised
        result = real_raise(**kwargs)  # written, not yet committed
        raised += 1
        if raised > kill_after:
            os.kill(os.getpid(), signal.SIGKILL)
        return result

    services.alert_raise = raise_then_die
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

    url = database_url_for_child(tmp_path)
    child = subprocess.run(
        [sys.executable, "-c", CHILD],
        cwd=REPO,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.settings",
            "DATABASE_URL": url,
            KILL_AFTER: str(kill_after),
            PATIENTS: ",".join(map(str, ids)),
            AT: at.isoformat(),
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert child.returncode == -signal.SIGKILL, child.stderr[-2000:]
    take_back_what_the_child_committed(url)

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

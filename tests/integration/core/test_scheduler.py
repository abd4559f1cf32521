"""The scheduler claims each job's slot once, however many workers tick."""

import datetime as dt

from coproduce.core.models import ScheduledJobRun
from coproduce.core.scheduler import scheduler_tick, slot_start


def test_slot_start_cuts_time_into_intervals():
    at = dt.datetime(2026, 11, 21, 10, 37, tzinfo=dt.UTC)
    assert slot_start(at, dt.timedelta(hours=1)) == dt.datetime(2026, 11, 21, 10, tzinfo=dt.UTC)
    assert slot_start(at, dt.timedelta(days=1)) == dt.datetime(2026, 11, 21, tzinfo=dt.UTC)


def test_each_slot_is_claimed_once(db, django_capture_on_commit_callbacks):
    at = dt.datetime(2026, 11, 21, 10, 37, tzinfo=dt.UTC)
    with django_capture_on_commit_callbacks(execute=True):
        first = scheduler_tick(at)
        second = scheduler_tick(at + dt.timedelta(minutes=5))
    assert first == [
        "clear-expired-sessions",
        "prune-finished-tasks",
        "reporting-due-reports",
        "reporting-reminders",
        "alerts-escalation",
        "alerts-missing-reports",
        "care-plan-task-reminders",
        "measures-rollups",
    ]
    assert second == [
        "reporting-due-reports",
        "reporting-reminders",
        "alerts-escalation",
        "measures-rollups",
    ]
    with django_capture_on_commit_callbacks(execute=True):
        later = scheduler_tick(at + dt.timedelta(hours=1))
    assert later == [
        "clear-expired-sessions",
        "reporting-due-reports",
        "reporting-reminders",
        "alerts-escalation",
        "alerts-missing-reports",
        "care-plan-task-reminders",
        "measures-rollups",
    ]
    assert ScheduledJobRun.objects.count() == 19

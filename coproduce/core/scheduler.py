"""Periodic work, run by the worker's scheduler loop.

Each job has an interval; time is cut into slots of that length, and a slot is claimed by
inserting a ScheduledJobRun row, unique on (job, slot). With several workers only one
claims a slot, so a periodic task is enqueued once per slot. Later issues add reminders,
escalations and rollups here.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from coproduce.core.clock import now
from coproduce.core.models import ScheduledJobRun

logger = logging.getLogger(__name__)
EPOCH = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    every: dt.timedelta
    enqueue: Callable[[], object]


def slot_start(at: dt.datetime, every: dt.timedelta) -> dt.datetime:
    """The start of the slot that `at` falls in."""
    slots = (at - EPOCH) // every
    return EPOCH + slots * every


def periodic_jobs() -> list[PeriodicJob]:
    from coproduce.alerts import jobs as alert_jobs
    from coproduce.core import jobs
    from coproduce.measures import jobs as measure_jobs
    from coproduce.reporting import jobs as reporting_jobs
    from coproduce.tasks import jobs as task_jobs

    return [
        PeriodicJob(
            "clear-expired-sessions", dt.timedelta(hours=1), jobs.clear_expired_sessions.enqueue
        ),
        PeriodicJob(
            "prune-finished-tasks", dt.timedelta(days=1), jobs.prune_finished_tasks.enqueue
        ),
        PeriodicJob(
            "reporting-due-reports",
            dt.timedelta(minutes=10),
            reporting_jobs.refresh_due_reports.enqueue,
        ),
        PeriodicJob(
            "reporting-reminders", dt.timedelta(minutes=5), reporting_jobs.send_reminders.enqueue
        ),
        PeriodicJob(
            "alerts-escalation", dt.timedelta(minutes=5), alert_jobs.escalate_alerts.enqueue
        ),
        PeriodicJob(
            "alerts-missing-reports",
            dt.timedelta(hours=1),
            alert_jobs.check_missing_reports.enqueue,
        ),
        PeriodicJob(
            "care-plan-task-reminders",
            dt.timedelta(minutes=15),
            task_jobs.send_task_reminders.enqueue,
        ),
        PeriodicJob(
            "measures-rollups", dt.timedelta(minutes=5), measure_jobs.update_rollups.enqueue
        ),
    ]


def scheduler_tick(at: dt.datetime | None = None) -> list[str]:
    """Claim and enqueue every job whose current slot is unclaimed; returns their names."""
    at = at or now()
    started: list[str] = []
    for job in periodic_jobs():
        slot = slot_start(at, job.every)
        try:
            with transaction.atomic():
                ScheduledJobRun.objects.create(job=job.name, slot=slot, started_at=at)
                transaction.on_commit(job.enqueue)
        except IntegrityError:
            continue  # another worker claimed this slot
        started.append(job.name)
        logger.info("scheduled job=%s slot=%s", job.name, slot.isoformat())
    return started

"""Periodic housekeeping tasks. Each is idempotent: running it twice changes nothing more."""

import datetime as dt

from django.core.management import call_command

from coproduce.core.clock import now
from coproduce.core.tasks import task

FINISHED_TASKS_KEPT = dt.timedelta(days=7)


@task()
def clear_expired_sessions() -> None:
    """Delete expired login sessions (Django's clearsessions)."""
    call_command("clearsessions")


@task()
def prune_finished_tasks() -> int:
    """Delete task results finished more than a week ago."""
    from django_tasks_db.models import DBTaskResult

    cutoff = now() - FINISHED_TASKS_KEPT
    deleted, _ = DBTaskResult.objects.filter(finished_at__lt=cutoff).delete()
    return deleted

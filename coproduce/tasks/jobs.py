"""Periodic care-plan task work, run by the worker's scheduler (coproduce/core/scheduler.py).
Idempotent: each reminder is claimed once (unique on task, occurrence and person)."""

from coproduce.core.tasks import task
from coproduce.tasks import reminders


@task()
def send_task_reminders() -> int:
    """Remind patients and carers of the care-plan tasks they have to do today."""
    return reminders.task_reminders_send()

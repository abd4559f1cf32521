"""Periodic reporting tasks, run by the worker's scheduler (coproduce/core/scheduler.py).
Each is idempotent: the due-report job creates nothing twice (unique on patient,
instrument and due time), and the reminder job sends each reminder at most once (unique
claim on due report and reminder number)."""

from coproduce.core.tasks import task
from coproduce.reporting import services


@task()
def refresh_due_reports() -> dict:
    """Create the reports the schedules ask for; mark completed, missed and cancelled ones."""
    counts = services.due_reports_refresh()
    return {
        "created": counts.created,
        "completed": counts.completed,
        "missed": counts.missed,
        "cancelled": counts.cancelled,
    }


@task()
def send_reminders() -> int:
    """Send the reminders whose time has come (quiet hours, snoozes and caps respected)."""
    return services.reminders_send()

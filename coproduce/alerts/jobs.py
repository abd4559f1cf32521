"""Periodic alert tasks, run by the worker's scheduler (coproduce/core/scheduler.py).

Both are idempotent: an escalation is a conditional update on the alert's current level,
so two runs (or two workers) escalate an alert once; a missing-report trigger is unique on
(patient, rule, missing day), so a run killed half-way and run again raises each alert
exactly once."""

from coproduce.alerts import escalation, services
from coproduce.core.tasks import task


@task()
def escalate_alerts() -> int:
    """Escalate open alerts whose response time has run out; returns how many."""
    return escalation.escalations_run()


@task()
def check_missing_reports() -> int:
    """Raise alerts for enrolled patients who have sent nothing for too long."""
    return services.missing_reports_check()

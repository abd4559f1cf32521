"""Test helpers for care-plan tasks: tasks written and ticked off through the services,
optionally some days in the past (through the clock seam, as the demo does), a carer allowed
to work on the care plan, and route kwargs for the authorization matrix."""

from __future__ import annotations

import datetime as dt

from coproduce.accounts.models import User
from coproduce.core.clock import now, travelled_to
from coproduce.patients.models import Patient
from coproduce.patients.selectors import patient_for_user
from coproduce.tasks import services
from coproduce.tasks.models import Task, TaskCompletion
from coproduce.tasks.services import TaskInput
from tests import factories


def planning_carer(patient: Patient, *, granted_days_ago: int = 30) -> User:
    """A carer the patient allowed to see and work on the care plan, `granted_days_ago`
    days ago (so ticks dated in the past are theirs to make)."""
    carer = factories.make_user(role="carer", network=patient.network)
    with travelled_to(days_ago(granted_days_ago)):
        factories.make_carer_grant(
            patient=patient,
            carer=carer,
            granted_by=patient.user,
            scopes=frozenset({"view_reports", "care_plan"}),
            relationship="friend",
        )
    return carer


def days_ago(days: int) -> dt.datetime:
    return now() - dt.timedelta(days=days)


def task_made(clinician: User, patient: Patient, *, made_days_ago: int = 0, **entry) -> Task:
    """A task written by `clinician`, as if `made_days_ago` days ago (dates in `entry` are
    checked against that day)."""
    entry.setdefault("title", "Weigh yourself")
    with travelled_to(days_ago(made_days_ago)):
        access = patient_for_user(clinician, patient.pk)
        return services.task_create(access=access, entry=TaskInput(**entry))


def ticked(user: User, task: Task, day: dt.date | None = None, *, at_days_ago: int = 0):
    """`user` ticks off the occurrence on `day` (a one-off task: the task)."""
    with travelled_to(days_ago(at_days_ago)):
        access = patient_for_user(user, task.patient_id)
        return services.task_tick(access=access, task=task, occurrence_on=day)


def patient_day(patient: Patient, days: int = 0) -> dt.date:
    """The patient's date `days` from today (negative: in the past)."""
    return services.patient_today(patient) + dt.timedelta(days=days)


def task_of(patient: Patient, clinician: User) -> Task:
    """The patient's one-off patient task (made once), for the authorization matrix."""
    existing = Task.objects.filter(patient=patient, title="Matrix task").first()
    if existing is not None:
        return existing
    return task_made(clinician, patient, title="Matrix task", due_on=patient_day(patient, 3))


def team_task_of(patient: Patient, clinician: User) -> Task:
    """The patient's one-off care-team task (made once): a clinician ticks it off."""
    existing = Task.objects.filter(patient=patient, title="Matrix team task").first()
    if existing is not None:
        return existing
    return task_made(
        clinician,
        patient,
        title="Matrix team task",
        owner_kind="team",
        due_on=patient_day(patient, 3),
    )


def team_task_kwargs(w) -> dict:
    return {
        "patient_id": w.cast.patient.pk,
        "task_id": team_task_of(w.cast.patient, w.cast.clinician).pk,
    }


def task_kwargs(w) -> dict:
    return {
        "patient_id": w.cast.patient.pk,
        "task_id": task_of(w.cast.patient, w.cast.clinician).pk,
    }


def other_task_kwargs(w) -> dict:
    return {
        "patient_id": w.cast.other_patient.pk,
        "task_id": task_of(w.cast.other_patient, w.cast.other_clinician).pk,
    }


def swapped_task_kwargs(w) -> dict:
    """The cast's patient with another patient's task id."""
    return {**other_task_kwargs(w), "patient_id": w.cast.patient.pk}


def completion_count(task: Task) -> int:
    return TaskCompletion.objects.filter(task=task, undone_at__isnull=True).count()

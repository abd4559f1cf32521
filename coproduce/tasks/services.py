"""The write path for care-plan tasks: create, edit (merged with what was saved meanwhile),
close, tick off an occurrence and undo it. Each change is checked, saved and audited in one
transaction. Errors are ValidationErrors naming the field, in plain words.

The care team writes tasks (they are agreed in the visit); the patient, a carer allowed to
work on the care plan and clinicians tick off the tasks that are theirs to do (`may_tick`).

Edits made at the same time work as goal edits do (careplans/services.py): the form carries
its base version, the row is locked, and a change saved meanwhile is merged with
`merge.three_way`; a conflict saves nothing and raises `EditConflict` with both values."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from coproduce.access.models import CarerGrant, CarerScope
from coproduce.access.policy import PatientAccess, adolescent_consent_q, effective_grants_q
from coproduce.accounts.models import Role, User
from coproduce.careplans import selectors as careplan_selectors
from coproduce.careplans.services import (
    EditConflict,
    PartChange,
    merged_parts,
    part_columns,
    record_parts,
)
from coproduce.core.audit import AuditAction, audit_record
from coproduce.core.clock import now, today
from coproduce.patients.models import CareTeamMember, CareTeamRole, Patient
from coproduce.tasks import recurrence
from coproduce.tasks.models import (
    Task,
    TaskCloseReason,
    TaskCompletion,
    TaskFrequency,
    TaskOwner,
    TaskVersion,
)

TITLE_MAX = 200
DETAILS_MAX = 1000
NOTE_MAX = 300
# How far back an occurrence can still be ticked off late, and is counted as missed.
LATE_TICK_DAYS = 14
FIELDS = (
    "title",
    "details",
    "owner_kind",
    "owner_user_id",
    "goal_id",
    "frequency",
    "due_on",
    "interval",
    "weekdays",
    "month_day",
    "starts_on",
    "ends_on",
)
# The parts of a task merged as one: who owns it (kind and person) and when it is due (the
# whole rule) each go together, so a merge never pairs one person's rule with another's day.
TASK_PART_FIELDS = {
    "title": ("title",),
    "details": ("details",),
    "owner": ("owner_kind", "owner_user_id"),
    "goal": ("goal_id",),
    "when": ("frequency", "due_on", "interval", "weekdays", "month_day", "starts_on", "ends_on"),
}


@dataclass(frozen=True)
class TaskInput:
    """What a clinician typed for a task, before checking."""

    title: str
    details: str = ""
    owner_kind: str = TaskOwner.PATIENT
    owner_user_id: int | None = None
    goal_id: int | None = None
    frequency: str = TaskFrequency.ONCE
    due_on: dt.date | None = None
    interval: int = 1
    weekdays: tuple[int, ...] = ()
    month_day: int | None = None
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None


@dataclass(frozen=True)
class EditOutcome:
    task: Task
    # Parts the other person changed that this save kept (a clean merge); empty otherwise.
    merged: tuple[PartChange, ...] = ()


def patient_today(patient: Patient) -> dt.date:
    """Today where the patient is cared for (their home unit's time zone): the day a task is
    due, done or missed is that day."""
    return timezone.localdate(now(), ZoneInfo(patient.home_unit.time_zone))


def task_parts(source) -> dict[str, object]:
    return record_parts(source, TASK_PART_FIELDS)


def task_columns(parts: dict[str, object]) -> dict[str, object]:
    return part_columns(parts, TASK_PART_FIELDS)


def rule_of(task) -> recurrence.Recurrence | None:
    """The recurrence of a repeated task (a row, a version or checked columns), or None for
    a one-off task."""
    get = task.get if isinstance(task, dict) else lambda f: getattr(task, f)
    if get("frequency") == TaskFrequency.ONCE:
        return None
    return recurrence.Recurrence(
        freq=get("frequency"),
        interval=get("interval"),
        weekdays=tuple(int(d) for d in get("weekdays")),
        month_day=get("month_day"),
        start=get("starts_on"),
        until=get("ends_on"),
    )


# --- Who may do what ------------------------------------------------------------------------


def task_writer(access: PatientAccess) -> None:
    """Only the care team writes, changes and closes tasks (agreed with the patient)."""
    if access.as_role != Role.CLINICIAN:
        raise PermissionDenied(_("Only the care team can change the tasks of a care plan."))


def may_tick(access: PatientAccess, task: Task) -> bool:
    """The patient ticks off their own tasks; a carer allowed to work on the care plan ticks
    off their own tasks and the patient's; a clinician the tasks of clinicians and the team."""
    if task.patient_id != access.patient.pk or task.closed_at is not None:
        return False
    if access.as_role == Role.PATIENT:
        return task.owner_kind == TaskOwner.PATIENT
    if access.as_role == Role.CARER:
        if not access.can(CarerScope.CARE_PLAN):
            return False
        if task.owner_kind == TaskOwner.PATIENT:
            return True
        return task.owner_kind == TaskOwner.CARER and task.owner_user_id == access.user.pk
    if access.as_role == Role.CLINICIAN:
        return task.owner_kind in (TaskOwner.CLINICIAN, TaskOwner.TEAM)
    return False


def carers_for_tasks(patient: Patient) -> list[User]:
    """Carers who may own a task: an active grant for the patient that lets them work on the
    care plan."""
    grants = (
        CarerGrant.objects.filter(
            effective_grants_q(now()),
            adolescent_consent_q(patient.network, today()),
            patient=patient,
            care_plan=True,
            carer__is_active=True,
        )
        .select_related("carer")
        .order_by("carer__last_name", "carer__first_name", "pk")
    )
    return [g.carer for g in grants]


def clinicians_for_tasks(patient: Patient) -> list[User]:
    """Clinicians who may own a task: the patient's current care team."""
    members = (
        CareTeamMember.objects.filter(
            care_team__patient=patient,
            removed_at__isnull=True,
            role=CareTeamRole.CLINICIAN,
            user__is_active=True,
        )
        .select_related("user")
        .order_by("-is_lead", "user__last_name", "user__first_name", "pk")
    )
    return [m.user for m in members]


# --- Checking what was typed ----------------------------------------------------------------

RULE_FIELD = {
    "freq": "frequency",
    "interval": "interval",
    "weekdays": "weekdays",
    "month_day": "month_day",
    "until": "ends_on",
}
RULE_MESSAGES = {
    "freq": lambda: _("Choose how often: once, every day, every week or every month."),
    "interval": lambda: (
        _("Choose how often, as a number from 1 to %(max)d.") % {"max": recurrence.MAX_INTERVAL}
    ),
    "weekdays": lambda: _("Choose days of the week from Monday to Sunday."),
    "month_day": lambda: _("Choose a day of the month from 1 to 31."),
    "until": lambda: _("The end date must be on or after the start date."),
}


def passed(day: dt.date) -> str:
    return _("The date %(date)s has passed. Choose a date from today on.") % {
        "date": date_format(day, "j F Y")
    }


def checked_task(
    access: PatientAccess, entry: TaskInput, *, current: Task | None = None
) -> dict[str, object]:
    """The task's columns, or a ValidationError naming every field that is wrong. A date
    kept from `current` may have passed; a newly typed one may not."""
    errors: dict[str, list[str]] = {}
    patient = access.patient
    title = " ".join(entry.title.split())
    if not title:
        errors["title"] = [_("Write what to do in a few words.")]
    elif len(title) > TITLE_MAX:
        errors["title"] = [
            _("Keep what to do to %(max)d characters or fewer (it has %(count)d).")
            % {"max": TITLE_MAX, "count": len(title)}
        ]
    details = entry.details.strip()
    if len(details) > DETAILS_MAX:
        errors["details"] = [
            _("Keep the details to %(max)d characters or fewer (they have %(count)d).")
            % {"max": DETAILS_MAX, "count": len(details)}
        ]
    owner_user_id = entry.owner_user_id
    if entry.owner_kind not in TaskOwner.values:
        errors["owner_kind"] = [_("Choose who does this task.")]
    elif entry.owner_kind == TaskOwner.CARER:
        allowed = {u.pk for u in carers_for_tasks(patient)}
        if owner_user_id is None:
            errors["owner_user"] = [_("Choose which carer does this task.")]
        elif owner_user_id not in allowed:
            errors["owner_user"] = [
                _("This carer is not allowed to work on the care plan. Choose another person.")
            ]
    elif entry.owner_kind == TaskOwner.CLINICIAN:
        allowed = {u.pk for u in clinicians_for_tasks(patient)}
        if owner_user_id is None:
            errors["owner_user"] = [_("Choose which clinician does this task.")]
        elif owner_user_id not in allowed:
            errors["owner_user"] = [
                _("This clinician is not on the care team. Choose someone who is.")
            ]
    else:
        owner_user_id = None
    goal_id = entry.goal_id
    if goal_id is not None and careplan_selectors.goal_for_access(access, goal_id) is None:
        errors["goal"] = [_("Choose one of this person's goals, or none.")]
    day = patient_today(patient)
    frequency = entry.frequency
    values: dict[str, object] = {
        "title": title,
        "details": details,
        "owner_kind": entry.owner_kind,
        "owner_user_id": owner_user_id,
        "goal_id": goal_id,
        "frequency": frequency,
        "due_on": None,
        "interval": 1,
        "weekdays": "",
        "month_day": None,
        "starts_on": None,
        "ends_on": None,
    }
    if frequency == TaskFrequency.ONCE:
        if entry.due_on is None:
            errors["due_on"] = [_("Enter the date it is due by.")]
        elif entry.due_on < day and (current is None or entry.due_on != current.due_on):
            errors["due_on"] = [passed(entry.due_on)]
        values["due_on"] = entry.due_on
    elif frequency in recurrence.FREQUENCIES:
        starts_on = entry.starts_on or day
        if starts_on < day and (current is None or starts_on != current.starts_on):
            errors["starts_on"] = [passed(starts_on)]
        weekdays = tuple(sorted(set(entry.weekdays)))
        if frequency == TaskFrequency.WEEKLY and not weekdays:
            weekdays = (starts_on.weekday(),)
        month_day = entry.month_day if frequency == TaskFrequency.MONTHLY else None
        rule = recurrence.Recurrence(
            freq=frequency,
            interval=entry.interval,
            weekdays=weekdays if frequency == TaskFrequency.WEEKLY else (),
            month_day=month_day,
            start=starts_on,
            until=entry.ends_on,
        )
        for problem in recurrence.rule_problems(rule):
            errors.setdefault(RULE_FIELD[problem], [str(RULE_MESSAGES[problem]())])
        values.update(
            interval=entry.interval,
            weekdays="".join(str(d) for d in rule.weekdays),
            month_day=month_day or (starts_on.day if frequency == TaskFrequency.MONTHLY else None),
            starts_on=starts_on,
            ends_on=entry.ends_on,
        )
    else:
        errors["frequency"] = [str(RULE_MESSAGES["freq"]())]
    if errors:
        raise ValidationError(errors)
    return values


# --- Create, edit, close --------------------------------------------------------------------


def version_row(task: Task, *, access: PatientAccess, note: str = "") -> TaskVersion:
    return TaskVersion.objects.create(
        task=task,
        version=task.version,
        changed_by=access.user,
        changed_at=task.updated_at,
        note=note.strip()[:NOTE_MAX],
        **{field: getattr(task, field) for field in FIELDS},
    )


def task_create(*, access: PatientAccess, entry: TaskInput) -> Task:
    """A new task on the patient's care plan, written by a clinician. Version 1 is written
    with it."""
    task_writer(access)
    values = checked_task(access, entry)
    with transaction.atomic():
        at = now()
        task = Task.objects.create(
            patient=access.patient,
            created_by=access.user,
            created_at=at,
            updated_at=at,
            version=1,
            **values,
        )
        version_row(task, access=access)
        audit_record(
            actor=access.user,
            action=AuditAction.CREATE,
            entity_type="Task",
            entity_id=task.pk,
            patient_id=access.patient.pk,
            detail={"version": 1, "owner": task.owner_kind, "frequency": task.frequency},
        )
    return task


def task_edit(
    *,
    access: PatientAccess,
    task: Task,
    entry: TaskInput,
    note: str = "",
    base_version: int | None = None,
) -> EditOutcome:
    """Save an edit made from version `base_version` (None: from whatever is saved now).
    If the task changed since, merge; raise EditConflict (saving nothing) on a conflict.
    A new version is written only when something changed."""
    task_writer(access)
    with transaction.atomic():
        row = Task.objects.select_for_update().get(pk=task.pk, patient=access.patient)
        if row.closed_at is not None:
            raise ValidationError(_("This task is closed, so it cannot be changed."))
        values = checked_task(access, entry, current=row)
        merged: tuple[PartChange, ...] = ()
        if base_version is not None and base_version != row.version:
            versions = list(
                TaskVersion.objects.filter(task=row, version__gte=base_version)
                .select_related("changed_by")
                .order_by("version")
            )
            if not versions or versions[0].version != base_version:
                raise ValidationError(
                    _("This form is out of date. Open the task again to change it.")
                )
            parts, merged, conflicts = merged_parts(
                base=versions[0],
                theirs_record=row,
                versions=versions,
                mine=task_parts(values),
                parts_of=task_parts,
            )
            if conflicts:
                raise EditConflict(row, conflicts, merged)
            values = task_columns(parts)
        changed = sorted(f for f in FIELDS if getattr(row, f) != values[f])
        if not changed:
            return EditOutcome(row, merged)
        for field, value in values.items():
            setattr(row, field, value)
        row.version += 1
        row.updated_at = now()
        row.save()
        version_row(row, access=access, note=note)
        audit_record(
            actor=access.user,
            action=AuditAction.UPDATE,
            entity_type="Task",
            entity_id=row.pk,
            patient_id=access.patient.pk,
            detail={
                "version": row.version,
                "changed": changed,
                "merged": [m.part for m in merged],
            },
        )
    return EditOutcome(row, merged)


def task_close(*, access: PatientAccess, task: Task, reason: str) -> Task:
    """Close a task: done for good, or no longer needed. It stays on the plan's history;
    closing a closed task changes nothing."""
    task_writer(access)
    if reason not in TaskCloseReason.values:
        raise ValidationError({"reason": _("Choose why the task is closed.")})
    with transaction.atomic():
        row = Task.objects.select_for_update().get(pk=task.pk, patient=access.patient)
        if row.closed_at is not None:
            return row
        row.closed_at = now()
        row.closed_by = access.user
        row.close_reason = reason
        row.save(update_fields=["closed_at", "closed_by", "close_reason"])
        audit_record(
            actor=access.user,
            action=AuditAction.UPDATE,
            entity_type="Task",
            entity_id=row.pk,
            patient_id=access.patient.pk,
            detail={"closed": reason},
        )
    return row


# --- Tick off and undo ----------------------------------------------------------------------


def checked_occurrence(task: Task, occurrence_on: dt.date | None, day: dt.date) -> dt.date:
    """The occurrence to tick: a one-off task's due date (it may be done early), or a date
    on which a repeated task falls, from `LATE_TICK_DAYS` ago to today."""
    if task.frequency == TaskFrequency.ONCE:
        if occurrence_on is not None and occurrence_on != task.due_on:
            raise ValidationError({"occurrence": _("This task is due on another day.")})
        assert task.due_on is not None
        return task.due_on
    rule = rule_of(task)
    assert rule is not None
    if occurrence_on is None:
        raise ValidationError({"occurrence": _("Choose the day you did it.")})
    if occurrence_on > day:
        raise ValidationError({"occurrence": _("You can tick this off on the day it is due.")})
    if occurrence_on < day - dt.timedelta(days=LATE_TICK_DAYS):
        raise ValidationError(
            {
                "occurrence": _("This was due more than %(days)d days ago.")
                % {"days": LATE_TICK_DAYS}
            }
        )
    if occurrence_on not in recurrence.occurrences(rule, occurrence_on, occurrence_on):
        raise ValidationError({"occurrence": _("This task is not due on that day.")})
    return occurrence_on


def tick_access(access: PatientAccess, task: Task) -> None:
    if task.patient_id != access.patient.pk:
        raise PermissionDenied(_("You do not have access to this record."))
    if task.closed_at is not None:
        raise ValidationError({"occurrence": _("This task is closed.")})
    if not may_tick(access, task):
        raise PermissionDenied(_("This task is for someone else to tick off."))


def task_tick(
    *, access: PatientAccess, task: Task, occurrence_on: dt.date | None = None
) -> TaskCompletion:
    """Tick off one occurrence (a one-off task: the task). Ticking a ticked occurrence again
    (a double click, a second tab) changes nothing."""
    tick_access(access, task)
    day = checked_occurrence(task, occurrence_on, patient_today(access.patient))
    with transaction.atomic():
        row = TaskCompletion.objects.select_for_update().filter(task=task, occurrence_on=day)
        existing = row.first()
        if existing is not None and existing.undone_at is None:
            return existing
        at = now()
        if existing is None:
            try:
                with transaction.atomic():
                    existing = TaskCompletion.objects.create(
                        task=task,
                        occurrence_on=day,
                        done_by=access.user,
                        done_by_role=access.as_role,
                        done_at=at,
                    )
            except IntegrityError:  # ticked at the same moment elsewhere
                return TaskCompletion.objects.get(task=task, occurrence_on=day)
        else:
            existing.done_by = access.user
            existing.done_by_role = access.as_role
            existing.done_at = at
            existing.undone_at = None
            existing.undone_by = None
            existing.save()
        audit_record(
            actor=access.user,
            action=AuditAction.CREATE,
            entity_type="TaskCompletion",
            entity_id=existing.pk,
            patient_id=access.patient.pk,
            detail={"task": task.pk, "occurrence": day.isoformat(), "as": access.as_role},
        )
    return existing


def task_untick(
    *, access: PatientAccess, task: Task, occurrence_on: dt.date | None = None
) -> TaskCompletion | None:
    """Undo a tick: the occurrence is not done any more. The row is kept with `undone_at`
    (and the audit trail says who). Undoing what is not ticked changes nothing."""
    tick_access(access, task)
    if task.frequency == TaskFrequency.ONCE:
        day = task.due_on
    elif occurrence_on is None:
        raise ValidationError({"occurrence": _("Choose the day to undo.")})
    else:
        day = occurrence_on
    with transaction.atomic():
        row = (
            TaskCompletion.objects.select_for_update()
            .filter(task=task, occurrence_on=day, undone_at__isnull=True)
            .first()
        )
        if row is None:
            return None
        row.undone_at = now()
        row.undone_by = access.user
        row.save(update_fields=["undone_at", "undone_by"])
        audit_record(
            actor=access.user,
            action=AuditAction.DELETE,
            entity_type="TaskCompletion",
            entity_id=row.pk,
            patient_id=access.patient.pk,
            detail={"task": task.pk, "occurrence": day.isoformat(), "undo": True},
        )
    return row

"""Reads of care-plan tasks. Per-patient reads take a PatientAccess (proof of the access
check), show nothing to a carer without the care-plan scope, and record one audit event.

Overdue and missed (GLOSSARY "Occurrence"): a one-off task is overdue when its due date is
before today and it is not ticked off; an occurrence of a repeated task is missed when its
date is before today and it was not ticked off. "Today" is the patient's home unit's date.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from coproduce.access.models import CarerScope
from coproduce.access.policy import PatientAccess
from coproduce.core.audit import AuditAction, audit_record
from coproduce.core.ids import as_pk
from coproduce.tasks import recurrence, words
from coproduce.tasks.models import Task, TaskCompletion, TaskFrequency, TaskVersion
from coproduce.tasks.services import LATE_TICK_DAYS, may_tick, patient_today, rule_of

# Missed occurrences of repeated tasks count for this many days before today.
MISSED_WINDOW_DAYS = LATE_TICK_DAYS


def missed_window(today: dt.date) -> tuple[dt.date, dt.date]:
    """The days whose untaken occurrences count as missed: the 14 days before today."""
    return today - dt.timedelta(days=MISSED_WINDOW_DAYS), today - dt.timedelta(days=1)


def active_completion(task_ref, day_ref) -> Exists:
    return Exists(
        TaskCompletion.objects.filter(task=task_ref, occurrence_on=day_ref, undone_at__isnull=True)
    )


def overdue_task_counts(patient_ids: Iterable[int], today: dt.date) -> dict[int, int]:
    """Per patient, how many open one-off tasks are overdue plus how many occurrences of open
    repeated tasks were missed in the 14 days before `today`. Patients with none are left out
    (read a missing id as 0).

    `patient_ids` must come from an access-filtered query (the panel's
    `patients_visible_to(user)`): this returns counts, not rows, and records no audit event,
    so it must never be given ids the user may not see. A QuerySet of ids (`.values("pk")`)
    works too and is cheaper than a list: it is used as a subquery, with no ids to bind.
    `today` is the panel's date (the patient's home unit's date, which for a panel of one unit
    is the same for every row).

    One grouped query whatever the number of patients: the candidate tasks (one-off tasks
    already filtered to overdue and not done in SQL), each repeated one with its number of
    ticks in the window; the occurrences are worked out once per distinct rule with the
    recurrence core. A tick is an occurrence of the rule it was made under (the service
    checks), so for a task never changed (version 1) missed = occurrences - ticks. A changed
    task's rule may no longer have a ticked day, so its tick dates are read (a second query,
    only when such tasks have ticks) and only ticks on its current days count.
    """
    if isinstance(patient_ids, str | bytes):
        raise TypeError("patient_ids must be ids, not a string")
    ids = patient_ids if hasattr(patient_ids, "query") else list(patient_ids)
    if not hasattr(ids, "query") and not ids:
        return {}
    first, last = missed_window(today)
    once = TaskFrequency.ONCE
    in_window = Q(
        completions__undone_at__isnull=True,
        completions__occurrence_on__gte=first,
        completions__occurrence_on__lte=last,
    )
    rows = (
        Task.objects.filter(patient_id__in=ids, closed_at__isnull=True)
        .filter(
            Q(frequency=once, due_on__lt=today)
            & ~active_completion(OuterRef("pk"), OuterRef("due_on"))
            | (
                ~Q(frequency=once)
                & Q(starts_on__lte=last)
                & (Q(ends_on__isnull=True) | Q(ends_on__gte=first))
            )
        )
        .values_list(
            "pk",
            "patient_id",
            "frequency",
            "interval",
            "weekdays",
            "month_day",
            "starts_on",
            "ends_on",
            "version",
        )
        .annotate(ticks=Count("completions", filter=in_window))
        .order_by()
    )
    counts: dict[int, int] = defaultdict(int)
    days_of: dict[recurrence.Recurrence, frozenset[dt.date]] = {}
    changed: list[tuple[int, int, frozenset[dt.date]]] = []
    for row in rows:
        pk, patient_id, frequency, interval, weekdays, month_day, starts_on, ends_on = row[:8]
        version, ticks = row[8], row[9]
        if frequency == once:
            counts[patient_id] += 1
            continue
        # Every 1 day, week or month on stored days: a start before the window changes
        # nothing in it, so such rules share one entry in `days_of`.
        days_stored = bool(weekdays) or month_day is not None or frequency == "daily"
        start = first if interval == 1 and days_stored and starts_on < first else starts_on
        rule = recurrence.Recurrence(
            freq=frequency,
            interval=interval,
            weekdays=tuple(int(d) for d in weekdays),
            month_day=month_day,
            start=start,
            until=ends_on,
        )
        days = days_of.get(rule)
        if days is None:
            days = days_of[rule] = frozenset(recurrence.occurrences(rule, first, last))
        if ticks and version > 1:
            changed.append((pk, patient_id, days))
            continue
        missed = len(days) - ticks
        if missed > 0:
            counts[patient_id] += missed
    if changed:
        ticked: dict[int, set[dt.date]] = defaultdict(set)
        for task_id, day in TaskCompletion.objects.filter(
            task_id__in=[pk for pk, _, _ in changed],
            undone_at__isnull=True,
            occurrence_on__gte=first,
            occurrence_on__lte=last,
        ).values_list("task_id", "occurrence_on"):
            ticked[task_id].add(day)
        for pk, patient_id, days in changed:
            missed = len(days - ticked[pk])
            if missed:
                counts[patient_id] += missed
    return dict(counts)


# --- One patient's tasks --------------------------------------------------------------------


@dataclass(frozen=True)
class TaskView:
    """A task as a page shows it: who does it, when, and where it stands today."""

    task: Task
    title: str
    details: str
    owner_label: str
    schedule: str
    goal_id: int | None
    goal_title: str
    closed: bool
    # The occurrence the main tick-off button is about: today's, or a one-off's due date.
    tick_on: dt.date | None
    done: bool  # that occurrence is ticked off
    done_today: bool
    next_due: dt.date | None
    overdue: bool  # a one-off task past its date, or a repeated one with missed occurrences
    missed: tuple[dt.date, ...]  # repeated tasks: untaken occurrences of the last 14 days
    state: str  # in words, e.g. "Due yesterday, not done yet"
    can_tick: bool = False
    # Needs doing now: overdue, missed occurrences, or due today and not done.
    due_now: bool = False
    done_by: str = ""
    missed_words: tuple[tuple[dt.date, str], ...] = field(default=())

    @property
    def pk(self) -> int:
        return self.task.pk

    @property
    def is_repeated(self) -> bool:
        return self.task.frequency != TaskFrequency.ONCE


def tasks_query(access: PatientAccess, *, include_closed: bool = False):
    if not access.can(CarerScope.CARE_PLAN):
        return Task.objects.none()
    rows = Task.objects.filter(patient=access.patient).select_related("owner_user", "goal")
    if not include_closed:
        rows = rows.filter(closed_at__isnull=True)
    return rows.order_by("closed_at", "pk")


def completions_of(tasks: list[Task], since: dt.date) -> dict[tuple[int, dt.date], TaskCompletion]:
    """The active ticks of `tasks`: every tick of a one-off task, and the ticks of repeated
    tasks from `since` on; keyed by task id and occurrence date. One query."""
    if not tasks:
        return {}
    rows = (
        TaskCompletion.objects.filter(task__in=[t.pk for t in tasks], undone_at__isnull=True)
        .filter(Q(occurrence_on__gte=since) | Q(task__frequency=TaskFrequency.ONCE))
        .select_related("done_by")
    )
    return {(c.task_id, c.occurrence_on): c for c in rows}


def task_view(
    access: PatientAccess,
    task: Task,
    done: dict[tuple[int, dt.date], TaskCompletion],
    today: dt.date,
) -> TaskView:
    patient_name = access.patient.given_name if access.as_role != "patient" else ""
    owner = words.owner_label(
        task.owner_kind, task.owner_user, patient_name=patient_name, viewer=access.user
    )
    if access.as_role == "patient" and task.owner_kind == "patient":
        owner = words.owner_label(task.owner_kind, access.user, viewer=access.user)
    goal_title = task.goal.description if task.goal_id and task.goal else ""
    closed = task.closed_at is not None
    rule = rule_of(task)
    missed: tuple[dt.date, ...] = ()
    if rule is None:
        assert task.due_on is not None
        tick_on: dt.date | None = task.due_on
        completion = done.get((task.pk, task.due_on))
        is_done = completion is not None
        overdue = not is_done and not closed and task.due_on < today
        next_due = None if is_done or closed else task.due_on
        if is_done:
            state = words.done_words(completion.done_at, today, access.patient)
        elif overdue:
            state = words.not_done_words(task.due_on, today)
        else:
            state = words.due_words(task.due_on, today)
        done_today = is_done and words.local_day(completion.done_at, access.patient) == today
    else:
        first, last = missed_window(today)
        falls_today = bool(recurrence.occurrences(rule, today, today))
        tick_on = today if falls_today else None
        completion = done.get((task.pk, today)) if falls_today else None
        is_done = completion is not None
        done_today = is_done
        if not closed:
            missed = tuple(
                d for d in recurrence.occurrences(rule, first, last) if (task.pk, d) not in done
            )
        overdue = bool(missed)
        upcoming = recurrence.next_on_or_after(
            rule, today + dt.timedelta(days=1) if is_done or not falls_today else today
        )
        next_due = None if closed else upcoming
        if falls_today and is_done:
            state = words.done_today_words()
        elif falls_today:
            state = words.due_words(today, today)
        elif next_due is not None:
            state = words.next_words(next_due, today)
        else:
            state = words.ended_words()
    if closed:
        state = words.closed_words(task)
    return TaskView(
        task=task,
        title=task.title,
        details=task.details,
        owner_label=owner,
        schedule=words.schedule_words(task),
        goal_id=task.goal_id,
        goal_title=goal_title,
        closed=closed,
        tick_on=tick_on,
        done=is_done,
        done_today=done_today,
        next_due=next_due,
        overdue=overdue,
        missed=missed,
        state=state,
        can_tick=may_tick(access, task),
        due_now=not closed and (overdue or (tick_on == today and not is_done)),
        done_by=completion.done_by.display_name if completion is not None else "",
        missed_words=tuple((d, words.not_done_words(d, today)) for d in reversed(missed)),
    )


def view_order(view: TaskView) -> tuple:
    """Overdue first, then what is due soonest; done and closed ones last."""
    far = dt.date.max
    return (view.closed, not view.overdue, view.done, view.next_due or far, view.pk)


def tasks_for(access: PatientAccess, *, include_closed: bool = False) -> list[TaskView]:
    """The patient's tasks (open ones only unless `include_closed`), overdue ones first, each
    with its owner in words, next due date, done-today and overdue state and its goal. Two
    queries and one audit event; empty for a carer without the care-plan scope."""
    today = patient_today(access.patient)
    tasks = list(tasks_query(access, include_closed=include_closed))
    done = completions_of(tasks, missed_window(today)[0])
    views = sorted((task_view(access, t, done, today) for t in tasks), key=view_order)
    audit_record(
        actor=access.user,
        action=AuditAction.READ,
        entity_type="Task",
        patient_id=access.patient.pk,
        purpose="care-plan",
        detail={"tasks": [v.pk for v in views]},
    )
    return views


def task_for_access(access: PatientAccess, task_id: object) -> Task | None:
    """One task of this patient, open or closed, or None (never another patient's, and none
    for a carer without the care-plan scope)."""
    pk = as_pk(task_id)
    if pk is None:
        return None
    return tasks_query(access, include_closed=True).filter(pk=pk).first()


def task_view_for(access: PatientAccess, task: Task) -> TaskView:
    """One task as a page shows it (for the htmx fragment after a tick)."""
    today = patient_today(access.patient)
    return task_view(access, task, completions_of([task], missed_window(today)[0]), today)


def task_versions(access: PatientAccess, task: Task) -> list[TaskVersion]:
    """Every saved version of a task, newest first. Audited."""
    versions = list(
        TaskVersion.objects.filter(task=task, task__patient=access.patient)
        .select_related("changed_by", "owner_user", "goal")
        .order_by("-version")
    )
    audit_record(
        actor=access.user,
        action=AuditAction.READ,
        entity_type="Task",
        entity_id=task.pk,
        patient_id=access.patient.pk,
        detail={"versions": len(versions)},
    )
    return versions


# --- Done and missed between two dates (the pre-visit summary) -----------------------------


@dataclass(frozen=True)
class TaskDay:
    title: str
    owner_label: str
    day: dt.date


@dataclass(frozen=True)
class TaskSummary:
    done: tuple[TaskDay, ...]
    missed: tuple[TaskDay, ...]


def local_date(at: dt.datetime, zone: ZoneInfo) -> dt.date:
    return timezone.localtime(at, zone).date()


def task_summary_between(access: PatientAccess, start: dt.date, end: dt.date) -> TaskSummary:
    """The tasks ticked off and missed from `start` to `end` (both included, the patient's
    dates), oldest first, as (title, owner in words, date): for "tasks done and missed since
    the last visit". A repeated task's tick is dated by its occurrence, a one-off task's by
    the day it was ticked. Missed: occurrences (and one-off due dates) before today that were
    not ticked, while the task was open. Two queries and one audit event; empty for a carer
    without the care-plan scope."""
    if end < start:
        return TaskSummary((), ())
    zone = ZoneInfo(access.patient.home_unit.time_zone)
    today = patient_today(access.patient)
    tasks = list(tasks_query(access, include_closed=True))
    by_pk = {t.pk: t for t in tasks}
    ticks = (
        TaskCompletion.objects.filter(task__in=list(by_pk), undone_at__isnull=True)
        .filter(
            Q(occurrence_on__gte=start, occurrence_on__lte=end)
            | Q(task__frequency=TaskFrequency.ONCE)
        )
        .values_list("task_id", "occurrence_on", "done_at")
    )
    ticked: set[tuple[int, dt.date]] = set()
    done: list[TaskDay] = []
    labels = {
        t.pk: words.owner_label(t.owner_kind, t.owner_user, patient_name=access.patient.given_name)
        for t in tasks
    }
    for task_id, occurrence_on, done_at in ticks:
        ticked.add((task_id, occurrence_on))
        task = by_pk[task_id]
        day = local_date(done_at, zone) if task.frequency == TaskFrequency.ONCE else occurrence_on
        if start <= day <= end:
            done.append(TaskDay(task.title, labels[task_id], day))
    missed: list[TaskDay] = []
    last = min(end, today - dt.timedelta(days=1))
    for task in tasks:
        open_until = last
        if task.closed_at is not None:
            open_until = min(open_until, local_date(task.closed_at, zone) - dt.timedelta(days=1))
        rule = rule_of(task)
        days = (
            recurrence.occurrences(rule, start, open_until)
            if rule is not None
            else [task.due_on]
            if task.due_on is not None and start <= task.due_on <= open_until
            else []
        )
        missed.extend(
            TaskDay(task.title, labels[task.pk], day)
            for day in days
            if (task.pk, day) not in ticked
        )
    audit_record(
        actor=access.user,
        action=AuditAction.READ,
        entity_type="Task",
        patient_id=access.patient.pk,
        purpose="task-summary",
        detail={"done": len(done), "missed": len(missed)},
    )

    def order(item: TaskDay):
        return (item.day, item.title)

    return TaskSummary(tuple(sorted(done, key=order)), tuple(sorted(missed, key=order)))

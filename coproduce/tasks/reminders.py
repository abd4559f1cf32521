"""Reminders of care-plan tasks due today, for the people who do them: the patient (or, for a
patient without a login such as a young child, each carer allowed to work on the care plan)
for the patient's tasks, and the owning carer for a carer's task. Clinicians' and the team's
tasks are on their own pages and the panel, so they get no reminder.

Run by the worker's scheduler (`tasks.jobs.send_task_reminders`, ADR 0008). Each reminder
goes out at most once per task occurrence and person: the `TaskReminder` row is the claim,
committed before anything is sent (as reporting's reminders, ADR 0012). Nothing is sent in
the patient's quiet hours; the next run after them sends it. The channels are the patient's
reminder preferences (reporting): in the app, and by e-mail if they chose it. The text says
no more than that a task is due (no task title, which may be clinical)."""

from __future__ import annotations

import datetime as dt
import logging
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from coproduce.accounts.models import User
from coproduce.core.audit import AuditAction, audit_record
from coproduce.core.clock import now
from coproduce.reporting.models import Notification, ReportingPreference
from coproduce.reporting.preferences import Preferences, preferences_in_force
from coproduce.reporting.services import site_url
from coproduce.reporting.windows import in_quiet_hours
from coproduce.tasks import recurrence
from coproduce.tasks.models import Task, TaskCompletion, TaskFrequency, TaskOwner, TaskReminder
from coproduce.tasks.services import carers_for_tasks, rule_of

logger = logging.getLogger(__name__)


def is_due_on(task: Task, day: dt.date) -> bool:
    rule = rule_of(task)
    if rule is None:
        return task.due_on == day
    return bool(recurrence.occurrences(rule, day, day))


def recipients_of(task: Task, carers_cache: dict[int, list[User]]) -> list[tuple[User, str]]:
    """Who is reminded of `task`, each with the page the reminder links to."""
    patient = task.patient
    carer_page = reverse("tasks:task_list", kwargs={"patient_id": patient.pk})
    if patient.pk not in carers_cache:
        carers_cache[patient.pk] = carers_for_tasks(patient)
    carers = carers_cache[patient.pk]
    if task.owner_kind == TaskOwner.CARER:
        return [(c, carer_page) for c in carers if c.pk == task.owner_user_id]
    user = patient.user
    if user is not None and user.is_active:
        return [(user, reverse("tasks:mine"))]
    return [(c, carer_page) for c in carers]


def claim(task: Task, day: dt.date, recipient: User, at: dt.datetime) -> TaskReminder | None:
    """The claim for this reminder, in its own committed transaction; None if made before."""
    try:
        with transaction.atomic():
            return TaskReminder.objects.create(
                task=task, occurrence_on=day, recipient=recipient, claimed_at=at
            )
    except IntegrityError:
        return None


def deliver(reminder: TaskReminder, task: Task, path: str, prefs: Preferences) -> list[str]:
    """Send one claimed reminder on the patient's chosen channels; the channels used."""
    patient = task.patient
    recipient = reminder.recipient
    channels: list[str] = []
    with translation.override(patient.preferred_language or settings.LANGUAGE_CODE):
        text = _("You have a care-plan task to do today.")
        notification = None
        if prefs.by_app:
            notification = Notification(
                recipient=recipient, patient=patient, text=text, link=path, created_at=now()
            )
            channels.append("app")
        is_patient = recipient.pk == patient.user_id
        email = (patient.email or recipient.email) if is_patient else recipient.email
        if prefs.by_email and email:
            try:
                send_mail(_("A task to do today"), f"{text}\n\n{site_url(path)}\n", None, [email])
                channels.append("email")
            except Exception:  # a failed channel must not stop the app message
                logger.exception("task reminder e-mail failed reminder=%s", reminder.pk)
    with transaction.atomic():
        if notification is not None:
            notification.save()
        reminder.sent_at = now()
        reminder.save(update_fields=["sent_at"])
        audit_record(
            actor=None,
            action=AuditAction.CREATE,
            entity_type="TaskReminder",
            entity_id=reminder.pk,
            patient_id=patient.pk,
            detail={
                "task": task.pk,
                "occurrence": reminder.occurrence_on.isoformat(),
                "channels": channels,
            },
        )
    return channels


def task_reminders_send(*, at: dt.datetime | None = None) -> int:
    """The reminder job: remind each person of each of their tasks due today on the patient's
    date and not yet ticked off, once. Returns how many reminders were claimed."""
    at = at or now()
    # Every zone's date is within a day of UTC's: a wide filter, then each patient's own date.
    utc_day = at.astimezone(dt.UTC).date()
    low, high = utc_day - dt.timedelta(days=1), utc_day + dt.timedelta(days=1)
    once = TaskFrequency.ONCE
    candidates = list(
        Task.objects.filter(
            closed_at__isnull=True,
            owner_kind__in=[TaskOwner.PATIENT, TaskOwner.CARER],
        )
        .filter(
            Q(frequency=once, due_on__gte=low, due_on__lte=high)
            | (
                ~Q(frequency=once)
                & Q(starts_on__lte=high)
                & (Q(ends_on__isnull=True) | Q(ends_on__gte=low))
            )
        )
        .select_related("patient__home_unit", "patient__network", "patient__user")
        .order_by("pk")
    )
    due: list[tuple[Task, dt.date]] = []
    for task in candidates:
        day = timezone.localtime(at, ZoneInfo(task.patient.home_unit.time_zone)).date()
        if is_due_on(task, day):
            due.append((task, day))
    if not due:
        return 0
    ticked = set(
        TaskCompletion.objects.filter(
            task__in=[t.pk for t, _ in due], undone_at__isnull=True, occurrence_on__gte=low
        ).values_list("task_id", "occurrence_on")
    )
    sent = set(
        TaskReminder.objects.filter(
            task__in=[t.pk for t, _ in due], occurrence_on__gte=low
        ).values_list("task_id", "occurrence_on", "recipient_id")
    )
    prefs_rows = {
        p.patient_id: p
        for p in ReportingPreference.objects.filter(patient_id__in={t.patient_id for t, _ in due})
    }
    carers_cache: dict[int, list[User]] = {}
    claimed = 0
    for task, day in due:
        if (task.pk, day) in ticked:
            continue
        prefs = preferences_in_force(task.patient, prefs_rows.get(task.patient_id))
        if in_quiet_hours(at, prefs.zone, prefs.quiet):
            continue
        for recipient, path in recipients_of(task, carers_cache):
            if (task.pk, day, recipient.pk) in sent:
                continue
            reminder = claim(task, day, recipient, at)
            if reminder is None:
                continue
            claimed += 1
            deliver(reminder, task, path, prefs)
    return claimed

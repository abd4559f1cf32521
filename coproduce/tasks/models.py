"""Care-plan tasks: things to do that the patient, a carer, a clinician or the care team
own, once (by a due date) or again and again (a recurrence). Every edit keeps the earlier
version (an append-only version table, as goals do), and each occurrence is ticked off
separately (one completion row per task and date)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TaskOwner(models.TextChoices):
    PATIENT = "patient", _("The patient")
    CARER = "carer", _("A carer")
    CLINICIAN = "clinician", _("A clinician")
    TEAM = "team", _("The care team")


class TaskFrequency(models.TextChoices):
    ONCE = "once", _("Once, by a date")
    DAILY = "daily", _("Every day")
    WEEKLY = "weekly", _("Every week")
    MONTHLY = "monthly", _("Every month")


class TaskCloseReason(models.TextChoices):
    DONE = "done", _("Done for good")
    NOT_NEEDED = "not_needed", _("No longer needed")


def task_constraints(prefix: str) -> list[models.BaseConstraint]:
    """The invariants a task and each of its versions keep, checked by the database."""
    Q, F = models.Q, models.F
    return [
        models.CheckConstraint(condition=~Q(title=""), name=f"{prefix}_has_title"),
        models.CheckConstraint(
            condition=Q(owner_kind__in=TaskOwner.values), name=f"{prefix}_owner_known"
        ),
        # A carer's or clinician's task names the person; the patient's and the team's do not.
        models.CheckConstraint(
            condition=(Q(owner_kind__in=["carer", "clinician"]) & Q(owner_user__isnull=False))
            | (Q(owner_kind__in=["patient", "team"]) & Q(owner_user__isnull=True)),
            name=f"{prefix}_owner_named",
        ),
        models.CheckConstraint(
            condition=Q(frequency__in=TaskFrequency.values), name=f"{prefix}_frequency_known"
        ),
        # Once: a due date. Repeated: a start date, an interval, and an end not before it.
        models.CheckConstraint(
            condition=(Q(frequency="once") & Q(due_on__isnull=False))
            | (
                ~Q(frequency="once")
                & Q(due_on__isnull=True, starts_on__isnull=False, interval__gte=1)
                & (Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")))
            ),
            name=f"{prefix}_when_complete",
        ),
        models.CheckConstraint(
            condition=Q(month_day__isnull=True) | Q(month_day__gte=1, month_day__lte=31),
            name=f"{prefix}_month_day_valid",
        ),
    ]


class TaskFields(models.Model):
    """What a task says; shared by the task (its current version) and its history."""

    title = models.CharField(max_length=200, help_text=_("What to do, in plain words."))
    details = models.TextField(max_length=1000, blank=True)
    owner_kind = models.CharField(max_length=10, choices=TaskOwner.choices)
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    goal = models.ForeignKey(
        "careplans.Goal", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    frequency = models.CharField(max_length=10, choices=TaskFrequency.choices)
    due_on = models.DateField(null=True, blank=True)
    interval = models.PositiveSmallIntegerField(default=1)
    # Days of the week of a weekly task, as digits 0 (Monday) to 6 (Sunday), e.g. "03".
    weekdays = models.CharField(max_length=7, blank=True)
    month_day = models.PositiveSmallIntegerField(null=True, blank=True)
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)

    class Meta:
        abstract = True


class Task(TaskFields):
    """A task of one patient's care plan; the row holds the current version. Changes go
    through `tasks.services`, which write a `TaskVersion` for each."""

    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    close_reason = models.CharField(max_length=10, choices=TaskCloseReason.choices, blank=True)

    class Meta:
        constraints = [
            *task_constraints("task"),
            models.CheckConstraint(
                condition=(models.Q(closed_at__isnull=True) & models.Q(close_reason=""))
                | (
                    models.Q(closed_at__isnull=False)
                    & models.Q(close_reason__in=TaskCloseReason.values)
                ),
                name="task_closed_with_reason",
            ),
        ]
        indexes = [models.Index(fields=["patient", "closed_at"], name="task_patient_open")]

    def __str__(self) -> str:
        return f"Task {self.pk}"


class TaskVersion(TaskFields):
    """One version of a task, as it was saved (append-only: rows are never changed)."""

    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="versions")
    version = models.PositiveIntegerField()
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField()
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            *task_constraints("task_version"),
            models.UniqueConstraint(fields=["task", "version"], name="task_version_once"),
        ]

    def __str__(self) -> str:
        return f"Task {self.task_id} v{self.version}"


class TaskCompletion(models.Model):
    """One occurrence of a task ticked off (a one-off task's occurrence is its due date).
    One row per task and date, so a double click ticks once; undo keeps the row with
    `undone_at` set (and ticking again clears it), and each change is audited."""

    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="completions")
    occurrence_on = models.DateField()
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    done_by_role = models.CharField(max_length=20)
    done_at = models.DateTimeField()
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["task", "occurrence_on"], name="task_completion_once")
        ]
        indexes = [
            models.Index(fields=["occurrence_on", "task"], name="task_completion_day"),
        ]

    def __str__(self) -> str:
        return f"Task {self.task_id} on {self.occurrence_on}"


class TaskReminder(models.Model):
    """The claim for one reminder of one task occurrence to one person: committed before
    anything is sent, and unique, so a reminder goes out at most once."""

    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="reminders")
    occurrence_on = models.DateField()
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    claimed_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["task", "occurrence_on", "recipient"], name="task_reminder_once"
            )
        ]

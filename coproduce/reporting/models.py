"""Reporting between visits: schedules per enrolment, the due reports they create, the
reminders sent for them, in-app notifications and each patient's reminder preferences."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

MAX_REMINDER_CAP = 5


class ReportingPreference(models.Model):
    """How and when a patient (or their carer, for a child) wants to be reminded. Without
    a row, the defaults apply: the home unit's time zone, quiet from 21:00 to 08:00, in the
    app and by e-mail, 3 reminders per report."""

    patient = models.OneToOneField(
        "patients.Patient", on_delete=models.PROTECT, related_name="reporting_preference"
    )
    time_zone = models.CharField(max_length=64, blank=True)
    quiet_start = models.TimeField(null=True, blank=True)
    quiet_end = models.TimeField(null=True, blank=True)
    by_app = models.BooleanField(default=True)
    by_email = models.BooleanField(default=True)
    by_sms = models.BooleanField(default=False)
    reminder_cap = models.PositiveSmallIntegerField(default=3)
    updated_at = models.DateTimeField()
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(reminder_cap__lte=MAX_REMINDER_CAP), name="preference_cap_at_most_5"
            ),
            models.CheckConstraint(
                condition=Q(quiet_start__isnull=True, quiet_end__isnull=True)
                | Q(quiet_start__isnull=False, quiet_end__isnull=False),
                name="preference_quiet_hours_both_or_neither",
            ),
        ]


class ScheduleKind(models.TextChoices):
    WEEKLY = "weekly", _("Every week")
    MONTHLY = "monthly", _("Every month")
    BEFORE_VISIT = "before-visit", _("Before each visit")
    AFTER_VISIT = "after-visit", _("After each visit")


class ReportSchedule(models.Model):
    """When one instrument is due for one enrolment. Copied from the programme file's
    [[schedule]] tables when the enrolment is first seen; one row per instrument and kind."""

    enrolment = models.ForeignKey("patients.Enrolment", on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="+")
    instrument_code = models.CharField(max_length=40)
    title = models.CharField(max_length=120, blank=True, help_text="Plain words for patients")
    kind = models.CharField(max_length=20, choices=ScheduleKind.choices)
    weekday = models.PositiveSmallIntegerField(default=0)
    day_of_month = models.PositiveSmallIntegerField(default=1)
    days_before = models.PositiveSmallIntegerField(default=0)
    days_after = models.PositiveSmallIntegerField(default=0)
    due_time = models.TimeField()
    open_days = models.PositiveSmallIntegerField(default=2)
    close_days = models.PositiveSmallIntegerField(default=3)
    active = models.BooleanField(default=True)
    # Calendar schedules create reports due from this moment on, never back-filled.
    starts_at = models.DateTimeField()
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "instrument_code", "kind"], name="schedule_once_per_kind"
            ),
            models.CheckConstraint(
                condition=Q(weekday__lte=6) & Q(day_of_month__gte=1, day_of_month__lte=31),
                name="schedule_calendar_fields_valid",
            ),
            models.CheckConstraint(condition=Q(close_days__gte=1), name="schedule_closes_later"),
        ]


class DueStatus(models.TextChoices):
    PENDING = "pending", _("Not done yet")
    COMPLETED = "completed", _("Done")
    MISSED = "missed", _("Missed")
    CANCELLED = "cancelled", _("No longer needed")


class DueReport(models.Model):
    """One questionnaire a patient is asked to fill in within a window. Created by the
    reporting job; the unique constraint makes the job idempotent."""

    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="+")
    enrolment = models.ForeignKey("patients.Enrolment", on_delete=models.PROTECT, related_name="+")
    schedule = models.ForeignKey(
        ReportSchedule, null=True, on_delete=models.PROTECT, related_name="due_reports"
    )
    visit = models.ForeignKey(
        "visits.Visit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    instrument_code = models.CharField(max_length=40)
    opens_at = models.DateTimeField()
    due_at = models.DateTimeField()
    closes_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=DueStatus.choices, default=DueStatus.PENDING)
    # The completed QuestionnaireResponse (an id: the questionnaires app owns that table).
    response_id = models.BigIntegerField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    snoozed_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "instrument_code", "due_at"], name="due_report_once"
            ),
            models.CheckConstraint(
                condition=Q(opens_at__lte=models.F("due_at")) & Q(due_at__lt=models.F("closes_at")),
                name="due_report_window_ordered",
            ),
            models.CheckConstraint(
                condition=~Q(status="completed") | Q(completed_at__isnull=False),
                name="due_report_completed_has_time",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "closes_at"], name="due_report_open"),
            models.Index(fields=["patient", "due_at"], name="due_report_patient"),
        ]


class ReminderOutcome(models.TextChoices):
    CLAIMED = "claimed", _("Claimed, not yet sent")
    SENT = "sent", _("Sent")
    NOTHING_TO_SEND = "nothing", _("No one to send to")
    FAILED = "failed", _("Sending failed")


class Reminder(models.Model):
    """Reminder number `number` for one due report. The row is the claim: it is committed
    before anything is sent, and the unique constraint means no second worker, and no retry
    after a crash, can send the same reminder again (at most once)."""

    due_report = models.ForeignKey(DueReport, on_delete=models.CASCADE, related_name="reminders")
    number = models.PositiveSmallIntegerField()
    claimed_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(
        max_length=10, choices=ReminderOutcome.choices, default=ReminderOutcome.CLAIMED
    )
    recipients = models.PositiveSmallIntegerField(default=0)
    channels = models.JSONField(default=list, help_text="Channels used, e.g. ['app', 'email']")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["due_report", "number"], name="reminder_once"),
            models.CheckConstraint(condition=Q(number__gte=1), name="reminder_numbered_from_1"),
        ]


class Notification(models.Model):
    """A message in the app for one user: plain words and a link, no clinical details."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    patient = models.ForeignKey(
        "patients.Patient", null=True, on_delete=models.PROTECT, related_name="+"
    )
    due_report = models.ForeignKey(
        DueReport, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.CharField(max_length=300)
    link = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["recipient", "read_at", "-created_at"], name="notification_inbox")
        ]

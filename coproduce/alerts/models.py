"""Alerts raised by programme rules on what patients report, and how each unit handles them.

One open alert per rule and patient (a partial unique constraint): a new trigger of the same
rule attaches to it as an AlertTrigger. A trigger is unique on (patient, rule, source), so
evaluating the same report or the same missing day twice, after a crash, raises nothing new.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Severity(models.TextChoices):
    URGENT = "urgent", _("Urgent")
    HIGH = "high", _("High")
    ROUTINE = "routine", _("Routine")


# Sorting: most severe first (the queue's order).
SEVERITY_ORDER = {Severity.URGENT: 0, Severity.HIGH: 1, Severity.ROUTINE: 2}


class AlertStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    CLOSED = "closed", _("Closed")


class AlertAction(models.TextChoices):
    PHONED = "phoned", _("Phoned the patient")
    ADVICE = "advice", _("Advice given")
    TREATMENT = "treatment-changed", _("Treatment changed")
    APPOINTMENT = "appointment", _("Appointment arranged")
    NO_ACTION = "no-action", _("No action needed")


class Alert(models.Model):
    """An alert for one patient from one rule of one programme, while it is handled."""

    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="+")
    # The unit whose queue holds it: the patient's home unit when it was raised.
    unit = models.ForeignKey("network.Unit", on_delete=models.PROTECT, related_name="+")
    programme_code = models.CharField(max_length=40)
    programme_version = models.CharField(max_length=20)
    rule_id = models.CharField(max_length=60)
    rule = models.JSONField(help_text=_("The rule as it was when the alert was raised."))
    title = models.CharField(max_length=120)
    severity = models.CharField(max_length=10, choices=Severity.choices)
    status = models.CharField(max_length=12, choices=AlertStatus.choices, default="open")
    opened_at = models.DateTimeField()
    respond_by = models.DateTimeField(help_text=_("When the response-time target runs out."))
    last_triggered_at = models.DateTimeField()
    trigger_count = models.PositiveIntegerField(default=1)
    contact_requested = models.BooleanField(default=False)
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    action = models.CharField(max_length=20, choices=AlertAction.choices, blank=True)
    action_note = models.TextField(blank=True)
    no_action_reason = models.TextField(blank=True)
    # 0: the unit's queue; 1: escalated to the next responder; 2: to the unit lead.
    escalation_level = models.PositiveSmallIntegerField(default=0)
    escalated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "programme_code", "rule_id"],
                condition=~Q(status="closed"),
                name="alert_one_open_per_rule",
            ),
            models.CheckConstraint(
                condition=~Q(status="closed") | (Q(closed_at__isnull=False) & ~Q(action="")),
                name="alert_closed_has_action",
            ),
            models.CheckConstraint(
                condition=~Q(action="no-action") | ~Q(no_action_reason=""),
                name="alert_no_action_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(escalation_level__lte=2), name="alert_escalation_level_0_to_2"
            ),
        ]
        indexes = [
            models.Index(fields=["unit", "status", "opened_at"], name="alert_queue"),
            models.Index(fields=["status", "respond_by"], name="alert_escalation_due"),
            models.Index(fields=["patient", "opened_at"], name="alert_patient"),
        ]


class AlertTrigger(models.Model):
    """One firing of a rule: the report or missing day it came from, why, and the values."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="triggers")
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="+")
    rule_key = models.CharField(max_length=110, help_text=_("<programme code>/<rule id>"))
    # "QuestionnaireResponse/12", "Observation/34" or "missing/2026-11-20".
    source = models.CharField(max_length=80)
    triggered_at = models.DateTimeField()
    severity = models.CharField(max_length=10, choices=Severity.choices)
    reason = models.CharField(max_length=300)
    values = models.JSONField(default=dict)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "rule_key", "source"], name="alert_trigger_once"
            )
        ]


class UnitAlertSettings(models.Model):
    """How a unit answers alerts: office hours and holidays (the response-time targets of
    high and routine alerts run only then), phone numbers given to patients, and who is
    the next responder when an alert is not acknowledged in time."""

    unit = models.OneToOneField("network.Unit", on_delete=models.CASCADE, related_name="+")
    office_opens = models.TimeField(default="08:00")
    office_closes = models.TimeField(default="18:00")
    office_days = models.JSONField(
        default=list, help_text=_("ISO weekdays the office is open (1 = Monday); empty = Mon-Fri")
    )
    holidays = models.JSONField(default=list, help_text=_("Closed days, as ISO dates"))
    phone = models.CharField(max_length=40, blank=True)
    out_of_hours_phone = models.CharField(max_length=40, blank=True)
    next_responder = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(office_opens__lt=models.F("office_closes")),
                name="unit_alert_office_hours_ordered",
            )
        ]

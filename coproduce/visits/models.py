"""Visits: a patient's appointments at a unit. Reporting schedules use them for
questionnaires due before a visit and after one is done."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class VisitStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Booked")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class Visit(models.Model):
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("network.Unit", on_delete=models.PROTECT, related_name="+")
    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    starts_at = models.DateTimeField()
    status = models.CharField(
        max_length=10, choices=VisitStatus.choices, default=VisitStatus.SCHEDULED
    )
    # When the visit was marked done or cancelled; reports "after a visit" open from here.
    status_changed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["patient", "starts_at"], name="visit_patient_time"),
            models.Index(fields=["status", "starts_at"], name="visit_status_time"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="scheduled") | models.Q(status_changed_at__isnull=False),
                name="visit_status_change_has_time",
            )
        ]

    def __str__(self) -> str:
        return f"Visit {self.pk}"


class VisitAgenda(models.Model):
    """What the patient wants to talk about at one visit: up to three concerns in their own
    words (the first is the most important) and their questions. Written by the patient, or a
    carer allowed to work on the care plan; editable until the visit starts."""

    visit = models.OneToOneField(Visit, on_delete=models.PROTECT, related_name="agenda")
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="+")
    # The concerns in order, most important first; never more than three, never empty ones.
    concerns = models.JSONField(default=list)
    questions = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Agenda for visit {self.visit_id}"

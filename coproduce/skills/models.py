"""Clinicians' reviews of procedures patients document themselves.

A self-dialysis session logged by the patient or a carer is the clinical record
(observations.DialysisSession and its observations). A clinician reviews it here: each
review is one row, never changed — a countersignature, or a query the patient sees. Reviews
point at the session and never touch its values; corrections keep using the observation
store's correction path.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ReviewKind(models.TextChoices):
    COUNTERSIGN = "countersign", _("Countersigned")
    QUERY = "query", _("Query")


class SessionReview(models.Model):
    session = models.ForeignKey(
        "observations.DialysisSession", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=12, choices=ReviewKind.choices)
    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    reviewed_at = models.DateTimeField()
    comment = models.TextField(blank=True)

    class Meta:
        constraints = [
            # A session is countersigned once; queries may be many.
            models.UniqueConstraint(
                fields=["session"],
                condition=models.Q(kind="countersign"),
                name="session_countersigned_once",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="query") | ~models.Q(comment=""),
                name="session_query_has_comment",
            ),
        ]


class Level(models.TextChoices):
    NOT_STARTED = "not-started", _("Not started yet")
    TAUGHT = "taught", _("Taught: shown how")
    SUPERVISED = "supervised", _("Supervised: does it with someone watching")
    INDEPENDENT = "independent", _("Independent: does it safely alone")


class ChecklistAssignment(models.Model):
    """A competency checklist (coproduce/skills/content/<id>.toml) a clinician assigned to a
    patient, at the checklist's version then, and the clinician's sign-off once every step
    is independent. Step levels and practice notes are StepEntry rows."""

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    checklist_id = models.CharField(max_length=64)
    checklist_version = models.CharField(max_length=20)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    assigned_at = models.DateTimeField()
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    signed_off_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "checklist_id"], name="checklist_assigned_once"
            ),
            models.CheckConstraint(
                condition=models.Q(signed_off_by__isnull=True, signed_off_at__isnull=True)
                | models.Q(signed_off_by__isnull=False, signed_off_at__isnull=False),
                name="checklist_sign_off_who_and_when",
            ),
        ]


class StepEntry(models.Model):
    """One change to a step, never changed afterwards: a clinician setting the level (with
    an optional note), or the patient or a carer noting that they practised (no level)."""

    assignment = models.ForeignKey(
        ChecklistAssignment, on_delete=models.PROTECT, related_name="entries"
    )
    step_id = models.CharField(max_length=64)
    level = models.CharField(max_length=12, choices=Level.choices, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    recorded_at = models.DateTimeField()
    note = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(level="") | ~models.Q(note=""),
                name="step_entry_level_or_note",
            ),
        ]

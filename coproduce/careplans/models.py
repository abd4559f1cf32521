"""Care plans. For now, the patient's goals: what they want to reach, in their own words,
optionally tied to a measure and a value. Every edit keeps the earlier version."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class GoalStatus(models.TextChoices):
    ACTIVE = "active", _("Working on it")
    ACHIEVED = "achieved", _("Achieved")
    STOPPED = "stopped", _("Stopped")


class GoalDirection(models.TextChoices):
    AT_MOST = "at_most", _("At most")
    AT_LEAST = "at_least", _("At least")
    BETWEEN = "between", _("Between")


class ProposedBy(models.TextChoices):
    PATIENT = "patient", _("The patient")
    CARER = "carer", _("A carer")
    CLINICIAN = "clinician", _("A clinician")


def goal_constraints(prefix: str) -> list[models.BaseConstraint]:
    """The invariants a goal and each of its versions keep, checked by the database."""
    Q, F = models.Q, models.F
    return [
        models.CheckConstraint(
            condition=Q(status__in=GoalStatus.values), name=f"{prefix}_status_known"
        ),
        models.CheckConstraint(
            condition=Q(direction="") | Q(direction__in=GoalDirection.values),
            name=f"{prefix}_direction_known",
        ),
        # A target value needs a measure and a direction, and a direction needs its values.
        models.CheckConstraint(
            condition=Q(direction="", target_low__isnull=True, target_high__isnull=True)
            | (~Q(measure_code="") & Q(direction="at_most", target_high__isnull=False))
            | (~Q(measure_code="") & Q(direction="at_least", target_low__isnull=False))
            | (
                ~Q(measure_code="")
                & Q(direction="between", target_low__isnull=False, target_high__isnull=False)
                & Q(target_low__lt=F("target_high"))
            ),
            name=f"{prefix}_target_complete",
        ),
        models.CheckConstraint(condition=~Q(description=""), name=f"{prefix}_has_description"),
    ]


class GoalFields(models.Model):
    """What a goal says; shared by the goal (its current version) and its history."""

    description = models.TextField(
        max_length=300, help_text=_("The goal in the patient's own words.")
    )
    measure_code = models.CharField(
        max_length=64, blank=True, help_text=_("Observation code the goal is measured by.")
    )
    direction = models.CharField(max_length=10, choices=GoalDirection.choices, blank=True)
    # at most: target_high; at least: target_low; between: both (in the code's UCUM unit).
    target_low = models.FloatField(null=True, blank=True)
    target_high = models.FloatField(null=True, blank=True)
    target_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=GoalStatus.choices, default=GoalStatus.ACTIVE)

    class Meta:
        abstract = True


class Goal(GoalFields):
    """A goal of one patient; the row holds the current version. Edits go through
    `careplans.services`, which write a `GoalVersion` for every change."""

    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="+")
    proposed_by_role = models.CharField(max_length=10, choices=ProposedBy.choices)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField()
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField()
    status_changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            *goal_constraints("goal"),
            models.CheckConstraint(
                condition=models.Q(proposed_by_role__in=ProposedBy.values),
                name="goal_proposer_known",
            ),
        ]
        indexes = [models.Index(fields=["patient", "status"], name="goal_patient_status")]

    def __str__(self) -> str:
        return f"Goal {self.pk}"


class GoalVersion(GoalFields):
    """One version of a goal, as it was saved (append-only: rows are never changed)."""

    goal = models.ForeignKey(Goal, on_delete=models.PROTECT, related_name="versions")
    version = models.PositiveIntegerField()
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    changed_by_role = models.CharField(max_length=10, choices=ProposedBy.choices)
    changed_at = models.DateTimeField()
    note = models.CharField(
        max_length=300, blank=True, help_text=_("Why the goal changed, if the person said.")
    )

    class Meta:
        constraints = [
            *goal_constraints("goal_version"),
            models.UniqueConstraint(fields=["goal", "version"], name="goal_version_once"),
        ]

    def __str__(self) -> str:
        return f"Goal {self.goal_id} v{self.version}"

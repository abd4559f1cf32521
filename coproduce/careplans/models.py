"""Care plans: the patient's own goals (in their words) and the clinical targets their care
team proposes, each optionally tied to a measure and a value, and the compromises agreed where
the two pull apart. Every edit keeps the earlier version (append-only version tables)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class GoalStatus(models.TextChoices):
    ACTIVE = "active", _("Working on it")
    ACHIEVED = "achieved", _("Achieved")
    STOPPED = "stopped", _("Stopped")


class GoalKind(models.TextChoices):
    OWN = "own", _("The patient's own goal")
    CLINICAL = "clinical", _("Clinical target")


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
        models.CheckConstraint(condition=Q(kind__in=GoalKind.values), name=f"{prefix}_kind_known"),
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
    kind = models.CharField(max_length=10, choices=GoalKind.choices, default=GoalKind.OWN)

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
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )

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


class CompromiseFields(models.Model):
    """What an agreed compromise says; shared by the compromise and its history."""

    wording = models.TextField(max_length=500, help_text=_("What was agreed, in plain language."))
    # An agreed value or range on the clinical target's measure (in its UCUM unit), if any.
    agreed_low = models.FloatField(null=True, blank=True)
    agreed_high = models.FloatField(null=True, blank=True)
    review_on = models.DateField(null=True, blank=True)
    agreed_by_patient = models.BooleanField(default=False)
    agreed_by_carer = models.BooleanField(default=False)
    agreed_by_clinician = models.BooleanField(default=True)
    agreed_on = models.DateField()

    class Meta:
        abstract = True


def compromise_constraints(prefix: str) -> list[models.BaseConstraint]:
    Q, F = models.Q, models.F
    return [
        models.CheckConstraint(condition=~Q(wording=""), name=f"{prefix}_has_wording"),
        models.CheckConstraint(
            condition=Q(agreed_low__isnull=True)
            | Q(agreed_high__isnull=True)
            | Q(agreed_low__lte=F("agreed_high")),
            name=f"{prefix}_range_ordered",
        ),
        models.CheckConstraint(
            condition=Q(agreed_by_patient=True) | Q(agreed_by_carer=True),
            name=f"{prefix}_agreed_with_patient_side",
        ),
    ]


class GoalCompromise(CompromiseFields):
    """Where a patient's own goal and a clinical target pull apart, what they agreed with
    their care team. The row holds the current version; `careplans.services` write a
    `GoalCompromiseVersion` for every change (its own history, apart from the goals')."""

    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="+")
    own_goal = models.ForeignKey(Goal, on_delete=models.PROTECT, related_name="+")
    clinical_target = models.ForeignKey(Goal, on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            *compromise_constraints("compromise"),
            models.CheckConstraint(
                condition=~models.Q(own_goal=models.F("clinical_target")),
                name="compromise_two_goals",
            ),
            models.UniqueConstraint(
                fields=["own_goal", "clinical_target"], name="compromise_once_per_pair"
            ),
        ]

    def __str__(self) -> str:
        return f"Compromise {self.pk}"


class GoalCompromiseVersion(CompromiseFields):
    """One version of a compromise, as it was saved (append-only)."""

    compromise = models.ForeignKey(
        GoalCompromise, on_delete=models.PROTECT, related_name="versions"
    )
    version = models.PositiveIntegerField()
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField()

    class Meta:
        constraints = [
            *compromise_constraints("compromise_version"),
            models.UniqueConstraint(
                fields=["compromise", "version"], name="compromise_version_once"
            ),
        ]

    def __str__(self) -> str:
        return f"Compromise {self.compromise_id} v{self.version}"

"""Shared decisions: what the patient and their team decided together, which options they
weighed, what mattered most to the patient, and whether the choice later worked for them.
Every save writes an append-only `SharedDecisionVersion`."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ReviewOutcome(models.TextChoices):
    WORKED = "worked", _("It worked for me")
    PARTLY = "partly", _("It partly worked")
    DID_NOT_WORK = "did_not_work", _("It did not work for me")


class DecisionFields(models.Model):
    """What a decision says; shared by the decision (its current version) and its history.

    `options` is a list of {key, title, involves, benefits, harms, source_set}: the options
    as they were shown, copied from the option set at its version or written for the
    occasion. `priorities` is the patient's own words, most important first. An empty
    `choice` means "not yet decided"."""

    question = models.TextField(max_length=300)
    option_set_id = models.CharField(max_length=80, blank=True)
    option_set_version = models.CharField(max_length=20, blank=True)
    options = models.JSONField(default=list)
    priorities = models.JSONField(default=list)
    participant_ids = models.JSONField(default=list)
    choice = models.CharField(max_length=80, blank=True)
    reasons = models.TextField(max_length=2000, blank=True)
    review_on = models.DateField(null=True, blank=True)
    review_outcome = models.CharField(max_length=12, choices=ReviewOutcome.choices, blank=True)
    review_words = models.TextField(max_length=2000, blank=True)

    class Meta:
        abstract = True


def decision_constraints(prefix: str) -> list[models.BaseConstraint]:
    Q = models.Q
    return [
        models.CheckConstraint(condition=~Q(question=""), name=f"{prefix}_has_question"),
        models.CheckConstraint(
            condition=Q(review_outcome="") | Q(review_outcome__in=ReviewOutcome.values),
            name=f"{prefix}_review_outcome_known",
        ),
        # A set's options are copied at a version: an id needs its version.
        models.CheckConstraint(
            condition=Q(option_set_id="", option_set_version="")
            | (~Q(option_set_id="") & ~Q(option_set_version="")),
            name=f"{prefix}_set_has_version",
        ),
    ]


class SharedDecision(DecisionFields):
    """One decision of one patient; the row holds the current version."""

    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="+")
    participants = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = decision_constraints("decision")
        indexes = [models.Index(fields=["patient", "-created_at"], name="decision_patient_new")]

    def __str__(self) -> str:
        return f"Shared decision {self.pk}"

    @property
    def is_decided(self) -> bool:
        return bool(self.choice)

    def chosen_option(self) -> dict | None:
        return next((o for o in self.options if o["key"] == self.choice), None)


class SharedDecisionVersion(DecisionFields):
    """One version of a decision, as it was saved (append-only: rows are never changed)."""

    decision = models.ForeignKey(SharedDecision, on_delete=models.PROTECT, related_name="versions")
    version = models.PositiveIntegerField()
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField()

    class Meta:
        constraints = [
            *decision_constraints("decision_version"),
            models.UniqueConstraint(fields=["decision", "version"], name="decision_version_once"),
        ]

    def __str__(self) -> str:
        return f"Shared decision {self.decision_id} v{self.version}"

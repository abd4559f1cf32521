"""Carer (proxy) grants and consents: who else may act for a patient, and what the patient
has agreed to."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CarerScope(models.TextChoices):
    VIEW_REPORTS = "view_reports", _("See reports and results")
    REPORT_FOR_PATIENT = "report_for_patient", _("Fill in reports on the patient's behalf")
    REPORT_OWN = "report_own", _("Report their own observations as a carer")
    CARE_PLAN = "care_plan", _("See and work on the care plan")


class Relationship(models.TextChoices):
    PARENT = "parent", _("Parent")
    GUARDIAN = "guardian", _("Legal guardian")
    PARTNER = "partner", _("Partner or spouse")
    CHILD = "child", _("Adult child")
    RELATIVE = "relative", _("Other relative")
    FRIEND = "friend", _("Friend")
    PAID_CARER = "paid_carer", _("Paid carer")


class CarerGrant(models.Model):
    """Permission for a carer to act for a patient, with scopes, time limit and revocation.

    Scopes are boolean columns so that access checks are plain indexed filters.
    """

    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="+")
    carer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="carer_grants"
    )
    relationship = models.CharField(max_length=20, choices=Relationship.choices)
    view_reports = models.BooleanField(default=True)
    report_for_patient = models.BooleanField(default=False)
    report_own = models.BooleanField(default=False)
    care_plan = models.BooleanField(default=False)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    granted_at = models.DateTimeField()
    valid_from = models.DateTimeField()
    valid_until = models.DateTimeField(null=True, blank=True)
    # Set when the patient (aged `own_consent_from_age` or more) agrees to a grant made by
    # someone else; a grant made by the patient carries its own consent.
    patient_consented_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_until__isnull=True)
                | models.Q(valid_until__gt=models.F("valid_from")),
                name="carer_grant_ends_after_start",
            ),
            models.UniqueConstraint(
                fields=["patient", "carer"],
                condition=models.Q(revoked_at__isnull=True),
                name="carer_grant_one_open_per_pair",
            ),
        ]
        indexes = [models.Index(fields=["carer", "revoked_at"], name="carer_grant_carer")]

    @property
    def scopes(self) -> list[str]:
        return [s.value for s in CarerScope if getattr(self, s.value)]


class ConsentKind(models.TextChoices):
    CARE = "care", _("Care (implied)")
    REGISTRY = "registry", _("Quality registry (you can opt out)")
    RESEARCH = "research", _("Research (only if you opt in)")
    PEER_NETWORK = "peer_network", _("Peer network (only if you opt in)")


# What applies when a patient has never said anything: care is implied, the registry is
# opt-out, research and the peer network are opt-in (issue 2, item 7).
CONSENT_DEFAULTS = {
    ConsentKind.CARE: True,
    ConsentKind.REGISTRY: True,
    ConsentKind.RESEARCH: False,
    ConsentKind.PEER_NETWORK: False,
}


class ConsentDecision(models.Model):
    """One recorded consent decision. Append-only: the latest row per kind is in force."""

    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=ConsentKind.choices)
    given = models.BooleanField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        indexes = [models.Index(fields=["patient", "kind", "-recorded_at"], name="consent_latest")]

"""People who log in, and the role each has."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    PATIENT = "patient", _("Patient")
    CARER = "carer", _("Carer")
    CLINICIAN = "clinician", _("Clinician")
    QI_LEAD = "qi_lead", _("Quality-improvement lead")
    ADMINISTRATOR = "administrator", _("Administrator")


STAFF_ROLES = frozenset({Role.CLINICIAN, Role.QI_LEAD, Role.ADMINISTRATOR})


class Profession(models.TextChoices):
    NONE = "", _("Not a clinician")
    PHYSICIAN = "physician", _("Physician")
    NURSE = "nurse", _("Nurse")
    PHYSIOTHERAPIST = "physiotherapist", _("Physiotherapist")
    DIETITIAN = "dietitian", _("Dietitian")
    PSYCHOLOGIST = "psychologist", _("Psychologist")
    PHARMACIST = "pharmacist", _("Pharmacist")
    SOCIAL_WORKER = "social_worker", _("Social worker")


class User(AbstractUser):
    """A login. `role` decides the home page and, with relationships, what may be seen."""

    role = models.CharField(max_length=20, choices=Role.choices)
    profession = models.CharField(max_length=30, choices=Profession.choices, blank=True)
    network = models.ForeignKey(
        "network.Network", on_delete=models.PROTECT, related_name="users", null=True, blank=True
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=[r.value for r in Role]), name="user_role_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(role="clinician") | models.Q(profession=""),
                name="user_profession_only_for_clinicians",
            ),
        ]

    @property
    def needs_mfa(self) -> bool:
        """Staff roles must pass TOTP two-step verification (issue 2, item 4)."""
        return self.role in STAFF_ROLES

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username

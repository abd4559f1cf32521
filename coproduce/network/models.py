"""The organisation: network → region → unit (clinic), and which clinicians work where."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Network(models.Model):
    """A care network: the top of the organisation and the scope of local identifiers."""

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=200)
    # Adolescent rules for carer access (issue 2, item 6); defaults follow US/UK practice.
    confidential_from_age = models.PositiveSmallIntegerField(
        default=12, help_text=_("From this age a carer no longer sees items marked confidential.")
    )
    own_consent_from_age = models.PositiveSmallIntegerField(
        default=16, help_text=_("From this age a carer's access needs the patient's own consent.")
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(confidential_from_age__lte=models.F("own_consent_from_age")),
                name="network_adolescent_ages_ordered",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Region(models.Model):
    network = models.ForeignKey(Network, on_delete=models.PROTECT, related_name="regions")
    name = models.CharField(max_length=200)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["network", "name"], name="region_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


class Unit(models.Model):
    """A clinic or service. Patients are cared for, and clinicians work, in units."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="units")
    code = models.SlugField(max_length=40)
    name = models.CharField(max_length=200)
    time_zone = models.CharField(max_length=64, default="UTC")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["region", "code"], name="unit_code_unique")]

    def __str__(self) -> str:
        return self.name


class UnitMembership(models.Model):
    """A member of staff working in a unit; `is_lead` marks the unit lead."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="unit_memberships"
    )
    is_lead = models.BooleanField(default=False)
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "user"], name="unit_membership_once")
        ]

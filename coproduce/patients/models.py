"""The patient record: identity, equity fields, enrolments and the care team."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    OTHER = "other", _("Other")
    UNKNOWN = "unknown", _("Unknown")


class ContactPreference(models.TextChoices):
    APP = "app", _("In the app")
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("Text message")
    NONE = "none", _("Do not contact me between visits")


class Patient(models.Model):
    network = models.ForeignKey("network.Network", on_delete=models.PROTECT, related_name="+")
    home_unit = models.ForeignKey("network.Unit", on_delete=models.PROTECT, related_name="+")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="patient_record",
    )
    local_id = models.CharField(_("local identifier"), max_length=40)
    national_id = models.CharField(_("national identifier"), max_length=40, blank=True)
    given_name = models.CharField(_("given name"), max_length=100)
    family_name = models.CharField(_("family name"), max_length=100)
    birth_date = models.DateField(_("date of birth"))
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices)
    preferred_language = models.CharField(_("preferred language"), max_length=10, default="en")
    contact_preference = models.CharField(
        max_length=10, choices=ContactPreference.choices, default=ContactPreference.APP
    )
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=30, blank=True)
    # Optional equity fields; they drive equity breakdowns in QI (never shown to other patients).
    ethnicity = models.CharField(max_length=60, blank=True)
    deprivation_quintile = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text=_("1 = most deprived, 5 = least deprived")
    )
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["network", "local_id"], name="patient_local_id_unique_in_network"
            ),
            models.CheckConstraint(
                condition=models.Q(deprivation_quintile__isnull=True)
                | models.Q(deprivation_quintile__gte=1, deprivation_quintile__lte=5),
                name="patient_deprivation_quintile_1_to_5",
            ),
        ]
        indexes = [
            models.Index(fields=["home_unit", "family_name"], name="patient_unit_name"),
            models.Index(fields=["network", "family_name", "given_name"], name="patient_name"),
        ]

    def __str__(self) -> str:
        return f"Patient {self.pk}"

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"

    def age_on(self, day) -> int:
        years = day.year - self.birth_date.year
        if (day.month, day.day) < (self.birth_date.month, self.birth_date.day):
            years -= 1
        return years


class EnrolmentStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    PAUSED = "paused", _("Paused")
    ENDED = "ended", _("Ended")


class Enrolment(models.Model):
    """A patient in a care programme at a unit."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="enrolments")
    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.PROTECT, related_name="enrolments"
    )
    unit = models.ForeignKey("network.Unit", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        max_length=10, choices=EnrolmentStatus.choices, default=EnrolmentStatus.ACTIVE
    )
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True)
                | models.Q(ended_on__gte=models.F("started_on")),
                name="enrolment_ends_after_start",
            ),
            models.UniqueConstraint(
                fields=["patient", "programme"],
                condition=models.Q(status__in=["active", "paused"]),
                name="enrolment_one_open_per_programme",
            ),
        ]
        indexes = [models.Index(fields=["unit", "status"], name="enrolment_unit_status")]


class CareTeam(models.Model):
    """The people who care for one patient: clinicians, the patient and carers."""

    patient = models.OneToOneField(Patient, on_delete=models.PROTECT, related_name="care_team")
    unit = models.ForeignKey("network.Unit", on_delete=models.PROTECT, related_name="+")


class CareTeamRole(models.TextChoices):
    CLINICIAN = "clinician", _("Clinician")
    PATIENT = "patient", _("Patient")
    CARER = "carer", _("Carer")


class CareTeamMember(models.Model):
    care_team = models.ForeignKey(CareTeam, on_delete=models.PROTECT, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="care_team_memberships"
    )
    role = models.CharField(max_length=10, choices=CareTeamRole.choices)
    is_lead = models.BooleanField(default=False)
    added_at = models.DateTimeField()
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["care_team", "user"],
                condition=models.Q(removed_at__isnull=True),
                name="care_team_member_once",
            )
        ]

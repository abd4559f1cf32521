"""One store for every measured value: labs, home measurements, clinician indices, scores."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ObservationSource(models.TextChoices):
    PATIENT = "patient", _("Patient")
    CARER = "carer", _("Carer")
    CLINICIAN = "clinician", _("Clinician")
    LAB = "lab", _("Laboratory")
    DEVICE = "device", _("Device")


class ObservationStatus(models.TextChoices):
    FINAL = "final", _("Final")
    AMENDED = "amended", _("Amended")
    ENTERED_IN_ERROR = "entered-in-error", _("Entered in error")


class Observation(models.Model):
    """A value about a patient at a time (FHIR Observation, without its shape).

    Rows are never overwritten or deleted. A correction writes a new row (status `amended`,
    `replaces` → the old row) and marks the old row `is_current=False`; entered-in-error sets
    the status and `is_current=False`. Series queries read `is_current=True` rows.
    """

    # No single-column indexes on the foreign keys: the two composite indexes below start
    # with patient and unit, and each index costs time on every insert at 100M rows.
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    # The unit caring for the patient when the value was taken; kept on the row so monthly
    # per-unit aggregation needs no join.
    unit = models.ForeignKey(
        "network.Unit", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    code = models.CharField(max_length=64, help_text="'loinc:8480-6' or 'coproduce:…'")
    value_quantity = models.FloatField(null=True, blank=True)
    value_unit = models.CharField(max_length=40, blank=True, help_text="UCUM unit")
    value_code = models.CharField(max_length=64, blank=True)
    value_text = models.TextField(blank=True)
    effective_at = models.DateTimeField()
    recorded_at = models.DateTimeField()
    source = models.CharField(max_length=10, choices=ObservationSource.choices)
    # Mostly empty on imported rows; who recorded what is answered from the audit trail.
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    status = models.CharField(
        max_length=20, choices=ObservationStatus.choices, default=ObservationStatus.FINAL
    )
    status_reason = models.CharField(
        max_length=500, blank=True, help_text="Why the value was corrected or withdrawn"
    )
    is_current = models.BooleanField(default=True)
    is_confidential = models.BooleanField(default=False)
    replaces = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="replaced_by"
    )
    derived_from = models.CharField(
        max_length=80, blank=True, help_text="Reference to what this was computed from"
    )
    instrument_version = models.CharField(max_length=40, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["patient", "code", "effective_at"], name="obs_patient_series"),
            models.Index(fields=["unit", "code", "effective_at"], name="obs_unit_month"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(value_quantity__isnull=False)
                | ~models.Q(value_code="")
                | ~models.Q(value_text=""),
                name="observation_has_a_value",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="entered-in-error") | models.Q(is_current=False),
                name="observation_error_not_current",
            ),
        ]


class DialysisSession(models.Model):
    """One self-dialysis session logged by the patient (or a carer). Its values (weights,
    blood pressures, fluid removed, duration, problems) are observations whose
    `derived_from` is "DialysisSession/<id>"; this row groups them and makes the log
    idempotent (a double tap stores one session)."""

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField()
    recorded_at = models.DateTimeField()
    source = models.CharField(max_length=10, choices=ObservationSource.choices)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    # A key made when the form opened: resubmitting the same form returns the first session.
    submission_key = models.CharField(max_length=64, unique=True)

    class Meta:
        indexes = [
            models.Index(fields=["patient", "started_at"], name="dialysis_patient_started"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ended_at__gt=models.F("started_at")),
                name="dialysis_session_ends_after_start",
            ),
        ]

    @property
    def reference(self) -> str:
        return f"DialysisSession/{self.pk}"


class UnitPreference(models.Model):
    """The unit a person last chose for a code (e.g. lb for body weight), so forms start
    with it and lists show values in it. A preference of the login, not patient data."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    code = models.CharField(max_length=64)
    unit = models.CharField(max_length=40, help_text="UCUM unit")
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "code"], name="unit_preference_one_per_code"),
        ]

"""Registry extracts: de-identified, row-level files for quality improvement and research
(docs/adr/0018). The record says who asked for what and why; the file is written by a
worker job and its checksum recorded here and in the audit trail."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ExtractPurpose(models.TextChoices):
    REGISTRY = "registry", _("Quality improvement (registry)")
    RESEARCH = "research", _("Research")


class ExtractStatus(models.TextChoices):
    PENDING = "pending", _("Being made")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


class RegistryExtract(models.Model):
    network = models.ForeignKey("network.Network", on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    purpose = models.CharField(max_length=20, choices=ExtractPurpose.choices)
    # Why the extract is needed, in the QI lead's words (staff text, never patient data).
    reason = models.CharField(max_length=1000)
    # {"programmes": [codes], "units": [ids], "first_month": "YYYY-MM",
    #  "last_month": "YYYY-MM", "equity": bool}
    filters = models.JSONField()
    status = models.CharField(
        max_length=10, choices=ExtractStatus.choices, default=ExtractStatus.PENDING
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    row_count = models.PositiveIntegerField(null=True, blank=True)
    patient_count = models.PositiveIntegerField(null=True, blank=True)
    # Patients whose quasi-identifiers were generalised, and those withheld (docs/adr/0018).
    generalised_patients = models.PositiveIntegerField(null=True, blank=True)
    withheld_patients = models.PositiveIntegerField(null=True, blank=True)
    k = models.PositiveSmallIntegerField(null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    # The file's name inside COPRODUCE_EXTRACTS_DIR (never a path from a request).
    file_name = models.CharField(max_length=100, blank=True)
    # Rows and patients per unit and month, already suppressed (small cells are None).
    summary = models.JSONField(default=dict, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(purpose__in=["registry", "research"]),
                name="registry_extract_known_purpose",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="ready")
                | (~models.Q(sha256="") & ~models.Q(file_name="")),
                name="registry_extract_ready_has_file",
            ),
        ]
        indexes = [
            models.Index(fields=["network", "-created_at"], name="registry_extract_recent"),
        ]

    def __str__(self) -> str:
        return f"RegistryExtract {self.pk}"

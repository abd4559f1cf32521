"""Questionnaire definitions (FHIR R4 Questionnaire JSON) and the responses to them."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DefinitionOrigin(models.TextChoices):
    BUILT_IN = "built-in", _("Shipped with Coproduce")
    IMPORTED = "imported", _("Imported by this organisation")


class QuestionnaireDefinition(models.Model):
    """One version of a questionnaire, bound to its scorer.

    `fhir` is the Questionnaire exactly as loaded (what `instruments export` writes back);
    `form` is the app's own reading of it (`QuestionnaireForm.as_json()`), bound to the
    scorer, so pages and validation never parse FHIR.
    """

    url = models.CharField(max_length=255)
    version = models.CharField(max_length=40)
    instrument_code = models.CharField(max_length=40, help_text="The scorer's code")
    title = models.CharField(max_length=255)
    status = models.CharField(max_length=10, default="active")
    origin = models.CharField(max_length=10, choices=DefinitionOrigin.choices)
    has_item_text = models.BooleanField(
        help_text="False for a licensed instrument shipped without its wording"
    )
    fhir = models.JSONField()
    form = models.JSONField()
    source = models.TextField(blank=True)
    licence = models.TextField(blank=True)
    checked_by = models.CharField(max_length=200, blank=True)
    checked_on = models.DateField(null=True, blank=True)
    sha256 = models.CharField(max_length=64)
    loaded_at = models.DateTimeField()
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["url", "version"], name="questionnaire_url_version")
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.version})"

    @property
    def canonical(self) -> str:
        return f"{self.url}|{self.version}"


class ResponseStatus(models.TextChoices):
    IN_PROGRESS = "in-progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    ENTERED_IN_ERROR = "entered-in-error", _("Entered in error")


class ReporterKind(models.TextChoices):
    """Whose view the answers give. A carer filling in for the patient reports the
    patient's view; a carer's own view is a separate stream, never mixed into the
    patient's scores."""

    PATIENT = "patient", _("The patient's own report")
    CARER = "carer", _("A carer's own view")
    CLINICIAN = "clinician", _("A clinician's assessment")


class QuestionnaireResponse(models.Model):
    """Answers to one questionnaire version, keyed by linkId, and their score."""

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    definition = models.ForeignKey(
        QuestionnaireDefinition, on_delete=models.PROTECT, related_name="responses"
    )
    status = models.CharField(max_length=20, choices=ResponseStatus.choices)
    reporter = models.CharField(max_length=10, choices=ReporterKind.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    author_role = models.CharField(max_length=20)
    answers = models.JSONField(default=dict)
    score = models.JSONField(null=True, blank=True, help_text="ScoreResult.as_dict()")
    authored_at = models.DateTimeField()
    submitted_at = models.DateTimeField(null=True, blank=True)
    saved_at = models.DateTimeField(
        null=True, blank=True, help_text="When an answer was last saved (in progress)"
    )
    idempotency_key = models.CharField(
        max_length=64, unique=True, help_text="Made when the form opens; a resubmission finds it"
    )
    # "Do you want the team to contact you about this report?" (None: not asked or not
    # answered). Programmes with a contact-request alert rule ask it on the review page.
    contact_requested = models.BooleanField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["patient", "definition", "authored_at"], name="response_series"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="completed") | models.Q(submitted_at__isnull=False),
                name="response_completed_has_submitted_at",
            ),
            # One form in progress per person, questionnaire and stream: opening it again
            # (another tab, another device) resumes it instead of starting a second one.
            models.UniqueConstraint(
                fields=["patient", "definition", "reporter", "author"],
                condition=models.Q(status="in-progress"),
                name="response_one_in_progress",
            ),
        ]

    def __str__(self) -> str:
        return f"Response {self.pk}"

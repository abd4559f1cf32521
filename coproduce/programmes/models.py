"""Care programmes, loaded from reviewed data files (`programmes/definitions/*.toml`)."""

from django.db import models


class Programme(models.Model):
    """One loaded version of a programme file. The file is the source of truth; this row
    lets enrolments point at a programme and records which version is loaded."""

    code = models.SlugField(max_length=40, unique=True)
    version = models.CharField(max_length=20)
    title = models.CharField(max_length=200)
    definition = models.JSONField(help_text="The validated file contents.")
    source_sha256 = models.CharField(max_length=64)
    loaded_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.title


class ClinicalMeasure(models.Model):
    """A measure a programme follows, with its clinical target."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="measures")
    code = models.CharField(max_length=64)
    display = models.CharField(max_length=200)
    unit = models.CharField(max_length=40, blank=True)
    target_low = models.FloatField(null=True, blank=True)
    target_high = models.FloatField(null=True, blank=True)
    target_text = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["programme", "code"], name="measure_once_per_programme")
        ]

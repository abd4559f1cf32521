"""Rollups: each built-in measure's numbers per unit, region and network, per period and
stratum, kept up to date by the rollup job (coproduce/measures/rollups.py).

A rollup cell holds raw counts. They never leave the server as they are: every read for a
page, chart or export goes through `measures.selectors.measure_series`, which suppresses
small cells (coproduce/measures/suppression.py).
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class RollupLevel(models.TextChoices):
    UNIT = "unit", _("Unit")
    REGION = "region", _("Region")
    NETWORK = "network", _("Network")


class MeasureRollup(models.Model):
    """One cell: a measure's counts for one organisation, period and stratum.

    Proportions: `numerator` of `denominator`. Means: `value_sum` / `value_count`
    (`denominator` = `value_count`). Medians: `median` of `value_count` values, recomputed
    from the rows at every level (a median cannot be summed)."""

    measure_id = models.CharField(max_length=60)
    measure_version = models.CharField(max_length=20)
    level = models.CharField(max_length=10, choices=RollupLevel.choices)
    # The pk of the Unit, Region or Network named by `level`.
    org_id = models.BigIntegerField()
    period_start = models.DateField()
    # "all", "age-band", "sex", "language", "deprivation" or "ethnicity".
    stratum = models.CharField(max_length=20)
    stratum_value = models.CharField(max_length=60)
    numerator = models.PositiveIntegerField(null=True, blank=True)
    denominator = models.PositiveIntegerField()
    value_sum = models.FloatField(null=True, blank=True)
    value_count = models.PositiveIntegerField(default=0)
    median = models.FloatField(null=True, blank=True)
    # Small-cell suppression worked out when the cell was written, for `suppressed_at`
    # (the threshold then in force): reads with the same threshold use these flags.
    suppressed_at = models.PositiveSmallIntegerField(default=0)
    denominator_hidden = models.BooleanField(default=True)
    numerator_hidden = models.BooleanField(default=True)
    computed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "measure_id",
                    "level",
                    "org_id",
                    "period_start",
                    "stratum",
                    "stratum_value",
                ],
                name="measure_rollup_one_cell",
            ),
            models.CheckConstraint(
                condition=Q(numerator__isnull=True) | Q(numerator__lte=models.F("denominator")),
                name="measure_rollup_numerator_within_denominator",
            ),
            models.CheckConstraint(
                condition=Q(level__in=RollupLevel.values), name="measure_rollup_level_known"
            ),
        ]
        indexes = [
            models.Index(fields=["measure_id", "period_start"], name="measure_rollup_period"),
        ]

    def __str__(self) -> str:
        return f"{self.measure_id} {self.level} {self.org_id} {self.period_start}"


class RollupWatermark(models.Model):
    """How far the rollup job has read one source of changes: the highest row id seen, and
    the time up to which changed rows were looked for."""

    source = models.CharField(max_length=40, unique=True)
    last_id = models.BigIntegerField(default=0)
    last_time = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.source} {self.last_id}"


class MeasureAnnotation(models.Model):
    """A change a team made, marked on the QI charts ("Coproduction dashboards introduced"):
    for one measure or all (`measure_id` blank), one unit or the whole network (`unit`
    null). Append-only: written by `measures.annotations.annotation_add` with an audit
    event; a mistake is corrected by a new annotation, never by editing."""

    network = models.ForeignKey(
        "network.Network", on_delete=models.PROTECT, related_name="measure_annotations"
    )
    measure_id = models.CharField(max_length=60, blank=True)
    unit = models.ForeignKey(
        "network.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="measure_annotations",
    )
    on_date = models.DateField()
    text = models.CharField(max_length=200)
    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="measure_annotations"
    )
    created_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["network", "on_date"], name="measure_annotation_date"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="measure_annotation_text_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.measure_id or 'all'} {self.on_date}"

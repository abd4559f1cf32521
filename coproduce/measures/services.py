"""The one write path for rollups: recompute a measure's cells for some periods, or all of
them. Each run is one transaction per measure and writes one audit event (rollups hold
counts, never a patient)."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import astuple

from django.db import transaction

from coproduce.core.audit import AuditAction, audit_record
from coproduce.core.clock import now, today
from coproduce.measures.catalogues import built_in_measures
from coproduce.measures.changes import (
    LATE_COMMIT,
    Changes,
    audit_changes,
    current_marks,
    enrolment_changes,
    observation_changes,
    touched_periods,
)
from coproduce.measures.compute import Organisation, measure_periods, period_cells
from coproduce.measures.definition import MeasureDefinition
from coproduce.measures.models import MeasureRollup, RollupWatermark
from coproduce.measures.suppression import Counts, rollup_groups, suppress
from coproduce.measures.thresholds import small_cell_max

logger = logging.getLogger(__name__)
BATCH = 2_000


def write_period(
    definition: MeasureDefinition, start: dt.date, organisation: Organisation, at: dt.datetime
) -> int:
    """Replace the cells of one measure and period; returns how many were written. A period
    that has no rows any more is left with no cells."""
    cells = period_cells(definition, start, organisation)
    threshold = small_cell_max()
    counts = {
        astuple(key): Counts(
            denominator=c.denominator,
            numerator=c.numerator if definition.is_proportion else None,
        )
        for key, c in cells.items()
    }
    groups = rollup_groups(counts, organisation.unit_region, organisation.region_network)
    protected = suppress(counts, groups, threshold)
    MeasureRollup.objects.filter(measure_id=definition.id, period_start=start).delete()
    MeasureRollup.objects.bulk_create(
        (
            MeasureRollup(
                measure_id=definition.id,
                measure_version=definition.version,
                level=key.level,
                org_id=key.org_id,
                period_start=start,
                stratum=key.stratum,
                stratum_value=key.stratum_value,
                numerator=counts.numerator,
                denominator=counts.denominator,
                value_sum=counts.value_sum,
                value_count=counts.value_count,
                median=counts.median,
                suppressed_at=threshold,
                denominator_hidden=protected[astuple(key)].denominator_hidden,
                numerator_hidden=protected[astuple(key)].numerator_hidden,
                computed_at=at,
            )
            for key, counts in cells.items()
        ),
        batch_size=BATCH,
    )
    return len(cells)


def rollups_recompute_periods(
    *, periods: dict[str, Iterable[dt.date]], actor=None, reason: str = "incremental"
) -> int:
    """Recompute the given periods of the given measures (measure id → period starts)."""
    organisation = Organisation.load()
    at = now()
    by_id = {d.id: d for d in built_in_measures()}
    written = 0
    for measure_id, starts in sorted(periods.items()):
        definition = by_id[measure_id]
        starts = sorted(set(starts))
        with transaction.atomic():
            for start in starts:
                written += write_period(definition, start, organisation, at)
        logger.info("rollups measure=%s periods=%d", measure_id, len(starts))
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        entity_type="MeasureRollup",
        purpose=reason,
        detail={"measures": len(periods), "cells": written},
    )
    return written


def rollups_recompute_all(
    *, actor=None, measures: tuple[MeasureDefinition, ...] | None = None
) -> int:
    """Rebuild every cell of every measure, from its first data to the current period.
    Cells of measures no longer built in are removed."""
    measures = measures or built_in_measures()
    marks = current_marks()  # read first: rows added while computing are seen next time
    organisation = Organisation.load()
    at, day = now(), today()
    written = 0
    MeasureRollup.objects.exclude(measure_id__in=[d.id for d in measures]).delete()
    for definition in measures:
        with transaction.atomic():
            MeasureRollup.objects.filter(measure_id=definition.id).delete()
            for start in measure_periods(definition, day):
                written += write_period(definition, start, organisation, at)
        logger.info("rollups full recompute measure=%s", definition.id)
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        entity_type="MeasureRollup",
        purpose="full-recompute",
        detail={"measures": len(measures), "cells": written},
    )
    save_marks(marks)
    return written


def save_marks(marks: dict[str, int]) -> None:
    """Move each watermark on to `marks` (a run that read older marks cannot move one back)."""
    at = now()
    with transaction.atomic():
        for source, last_id in marks.items():
            mark, created = RollupWatermark.objects.select_for_update().get_or_create(
                source=source, defaults={"last_id": last_id, "last_time": at, "updated_at": at}
            )
            if not created and last_id >= mark.last_id:
                mark.last_id, mark.last_time, mark.updated_at = last_id, at, at
                mark.save(update_fields=["last_id", "last_time", "updated_at"])


def rollups_update(*, actor=None) -> int:
    """Recompute the (measure, period) cells that data added or changed since the last run
    touched; the first run (no watermarks yet) recomputes everything. Returns the number of
    cells written. Run by the scheduler (`measures.jobs.update_rollups`), one run per slot.

    Each measure's periods are rewritten in their own short transaction, so writers (a
    questionnaire being sent) wait at most for one measure, never for the whole run; the
    watermarks move on only after every touched period is written, and never backwards."""
    stored = {w.source: w for w in RollupWatermark.objects.all()}
    marks = current_marks()
    if set(stored) != set(marks):
        return rollups_recompute_all(actor=actor)
    changes = Changes()
    for source, collect in (
        ("observation", observation_changes),
        ("enrolment", enrolment_changes),
        ("audit", audit_changes),
    ):
        mark = stored[source]
        since = mark.last_time - LATE_COMMIT if mark.last_time else None
        collect(changes, mark.last_id, marks[source], since)
    day = today()
    periods = {}
    for definition in built_in_measures():
        touched = touched_periods(definition, changes, day)
        if touched:
            periods[definition.id] = touched
    written = 0
    if periods:
        written = rollups_recompute_periods(periods=periods, actor=actor)
    save_marks(marks)
    return written

"""Batched reads of measure series for the QI pages: every built-in measure's network (and
one unit's) "all" series for the measure list, and every unit's series of one measure for
the small multiples, each with a fixed number of queries.

The same display-safe cells as `selectors.measure_series`: stored suppression flags when
they were made for the threshold in force, else suppression worked out again over whole
period tables (`selectors.protection_now`). Nothing here returns a raw rollup cell.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Q

from coproduce.accounts.models import User
from coproduce.core.audit import AuditAction, audit_record
from coproduce.measures.catalogues import built_in_measures, measure_by_id
from coproduce.measures.compute import ALL
from coproduce.measures.definition import MeasureDefinition
from coproduce.measures.models import MeasureRollup, RollupLevel
from coproduce.measures.selectors import (
    SeriesPoint,
    checked_reader,
    point_value,
    protection_now,
)
from coproduce.measures.suppression import Protected
from coproduce.measures.thresholds import small_cell_max


@dataclass(frozen=True)
class MeasureOverview:
    """One measure on the network dashboard: its network series and, when asked, one
    unit's (None when no unit was asked for)."""

    measure: MeasureDefinition
    network: tuple[SeriesPoint, ...]
    unit: tuple[SeriesPoint, ...] | None


@dataclass(frozen=True)
class UnitSeries:
    unit_id: int
    points: tuple[SeriesPoint, ...]


def shown_point(
    definition: MeasureDefinition, cell: MeasureRollup, live: dict[tuple, Protected]
) -> SeriesPoint:
    """A cell as it may be shown (the rule of `selectors.measure_series`)."""
    shown = live.get((cell.period_start, cell.level, cell.org_id, cell.stratum, cell.stratum_value))
    if shown is None:
        shown = Protected(
            denominator=None if cell.denominator_hidden else cell.denominator,
            numerator=(None if cell.numerator is None or cell.numerator_hidden else cell.numerator),
            denominator_hidden=cell.denominator_hidden,
            numerator_hidden=cell.numerator is not None and cell.numerator_hidden,
        )
    return SeriesPoint(
        period_start=cell.period_start,
        numerator=shown.numerator,
        denominator=shown.denominator,
        value=point_value(definition, cell) if shown.shown else None,
    )


def _shown_cells(
    user: User, cells: list[MeasureRollup], unit_region: dict, region_network: dict
) -> dict[str, list[SeriesPoint]]:
    """Display-safe points per cell, grouped by measure, in the order of `cells`."""
    threshold = small_cell_max()
    stale: dict[str, set] = defaultdict(set)
    for cell in cells:
        if cell.suppressed_at != threshold:
            stale[cell.measure_id].add(cell.period_start)
    live: dict[str, dict[tuple, Protected]] = {}
    for measure_id, periods in stale.items():
        live[measure_id] = protection_now(
            measure_by_id(measure_id),
            periods,
            user.network_id,
            unit_region,
            region_network,
            threshold,
        )
    definitions = {d.id: d for d in built_in_measures()}
    found: dict[str, list[tuple[MeasureRollup, SeriesPoint]]] = defaultdict(list)
    for cell in cells:
        point = shown_point(definitions[cell.measure_id], cell, live.get(cell.measure_id, {}))
        found[cell.measure_id].append((cell, point))
    return found


def network_dashboard(user: User, *, unit_id: int | None = None) -> tuple[MeasureOverview, ...]:
    """Every built-in measure's network series (and `unit_id`'s), stratum "all": three
    queries whatever the number of measures. Raises PermissionDenied as measure_series."""
    unit_region, region_network = checked_reader(user, RollupLevel.NETWORK, user.network_id)
    if unit_id is not None:
        checked_reader(user, RollupLevel.UNIT, unit_id)
    definitions = built_in_measures()
    wanted = Q(level=RollupLevel.NETWORK, org_id=user.network_id)
    if unit_id is not None:
        wanted |= Q(level=RollupLevel.UNIT, org_id=unit_id)
    cells = list(
        MeasureRollup.objects.filter(
            wanted, measure_id__in=[d.id for d in definitions], stratum=ALL
        ).order_by("measure_id", "level", "period_start")
    )
    found = _shown_cells(user, cells, unit_region, region_network)
    audit_record(
        actor=user,
        action=AuditAction.READ,
        entity_type="MeasureSeries",
        entity_id="dashboard",
        detail={"level": "network", "org": user.network_id, "unit": unit_id},
    )
    overviews = []
    for definition in definitions:
        pairs = found.get(definition.id, [])
        network = tuple(p for c, p in pairs if c.level == RollupLevel.NETWORK)
        unit = tuple(p for c, p in pairs if c.level == RollupLevel.UNIT)
        overviews.append(
            MeasureOverview(
                measure=definition, network=network, unit=unit if unit_id is not None else None
            )
        )
    return tuple(overviews)


def unit_series_all(user: User, measure_id: str) -> tuple[UnitSeries, ...]:
    """One measure's "all" series for every unit of the user's network (small multiples),
    in one rollup query; units without rows get an empty series."""
    definition = measure_by_id(measure_id)
    unit_region, region_network = checked_reader(user, RollupLevel.NETWORK, user.network_id)
    cells = list(
        MeasureRollup.objects.filter(
            measure_id=definition.id,
            level=RollupLevel.UNIT,
            org_id__in=list(unit_region),
            stratum=ALL,
        ).order_by("org_id", "period_start")
    )
    found = _shown_cells(user, cells, unit_region, region_network)
    by_unit: dict[int, list[SeriesPoint]] = defaultdict(list)
    for cell, point in found.get(definition.id, []):
        by_unit[cell.org_id].append(point)
    audit_record(
        actor=user,
        action=AuditAction.READ,
        entity_type="MeasureSeries",
        entity_id=measure_id,
        detail={"level": "unit", "org": "all-units"},
    )
    return tuple(UnitSeries(u, tuple(by_unit.get(u, ()))) for u in sorted(unit_region))

"""The one read path for measure numbers. Pages, charts, tooltips and exports read rollups
only through `measure_series`, which returns display-safe cells: small counts and the cells
that would let them be worked out are suppressed (coproduce/measures/suppression.py)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from coproduce.accounts.models import Role, User
from coproduce.core.audit import AuditAction, audit_record
from coproduce.measures.catalogues import measure_by_id
from coproduce.measures.compute import ALL, STRATA
from coproduce.measures.definition import MeasureDefinition
from coproduce.measures.models import MeasureRollup, RollupLevel
from coproduce.measures.suppression import Counts, Protected, rollup_groups, suppress
from coproduce.measures.thresholds import small_cell_max
from coproduce.network.models import Region, Unit

# Who may read measures: QI leads and clinicians of the network (aggregates only).
READERS = frozenset({Role.QI_LEAD, Role.CLINICIAN, Role.ADMINISTRATOR})


@dataclass(frozen=True)
class SeriesPoint:
    """One period of a series. Counts are None when suppressed; `value` is the percentage,
    mean or median, None when it may not be shown."""

    period_start: dt.date
    numerator: int | None
    denominator: int | None
    value: float | None

    @property
    def suppressed(self) -> bool:
        return self.value is None


@dataclass(frozen=True)
class SeriesLine:
    stratum_value: str
    points: tuple[SeriesPoint, ...]


@dataclass(frozen=True)
class MeasureSeries:
    measure: MeasureDefinition
    level: str
    org_id: int
    stratum: str
    lines: tuple[SeriesLine, ...]
    threshold: int

    @property
    def has_data(self) -> bool:
        """False when the organisation has no rows for this measure (say so; draw no
        empty chart)."""
        return any(line.points for line in self.lines)


def network_organisations(network_id: int) -> tuple[dict[int, int], dict[int, int]]:
    """unit → region and region → network for one network."""
    units = Unit.objects.filter(region__network_id=network_id).values_list("pk", "region_id")
    regions = Region.objects.filter(network_id=network_id).values_list("pk", flat=True)
    return dict(units), dict.fromkeys(regions, network_id)


def checked_reader(user: User, level: str, org_id: int) -> tuple[dict, dict]:
    if not user.is_authenticated or user.role not in READERS or user.network_id is None:
        raise PermissionDenied(_("Quality measures are for staff of the network."))
    if level not in RollupLevel.values:
        raise ValueError(f"unknown level {level!r}")
    unit_region, region_network = network_organisations(user.network_id)
    known = {
        RollupLevel.UNIT: unit_region,
        RollupLevel.REGION: region_network,
        RollupLevel.NETWORK: {user.network_id: None},
    }[level]
    if org_id not in known:
        raise PermissionDenied(_("This part of the organisation is not in your network."))
    return unit_region, region_network


def point_value(definition: MeasureDefinition, cell: MeasureRollup) -> float | None:
    if definition.is_proportion:
        return 100.0 * cell.numerator / cell.denominator if cell.denominator else None
    if definition.statistic == "median":
        return cell.median
    return cell.value_sum / cell.value_count if cell.value_count else None


def protection_now(
    definition: MeasureDefinition,
    periods: set[dt.date],
    network_id: int,
    unit_region: dict[int, int],
    region_network: dict[int, int],
    threshold: int,
) -> dict[tuple, Protected]:
    """Suppression worked out now for whole period tables (when the stored flags were made
    for another threshold). Keys: (period, level, org, stratum, value)."""
    in_network = {
        RollupLevel.UNIT: set(unit_region),
        RollupLevel.REGION: set(region_network),
        RollupLevel.NETWORK: {network_id},
    }
    tables: dict[dt.date, dict[tuple, Counts]] = defaultdict(dict)
    rows = MeasureRollup.objects.filter(measure_id=definition.id, period_start__in=periods)
    for cell in rows.iterator(chunk_size=5_000):
        if cell.org_id in in_network[cell.level]:
            key = (cell.level, cell.org_id, cell.stratum, cell.stratum_value)
            tables[cell.period_start][key] = Counts(
                denominator=cell.denominator,
                numerator=cell.numerator if definition.is_proportion else None,
            )
    found: dict[tuple, Protected] = {}
    for period_start, counts in tables.items():
        groups = rollup_groups(counts, unit_region, region_network)
        for key, shown in suppress(counts, groups, threshold).items():
            found[(period_start, *key)] = shown
    return found


def measure_series(
    user: User, measure_id: str, *, level: str, org_id: int, stratum: str | None = None
) -> MeasureSeries:
    """The series of one measure for one unit, region or network: one line for "all", or
    one per value of `stratum` (e.g. "sex"). Every count and value is suppressed as its
    whole period's table requires (flags stored by the rollup job; worked out again when
    the threshold has changed since). Raises PermissionDenied outside the user's network
    and KeyError for an unknown measure."""
    definition = measure_by_id(measure_id)
    unit_region, region_network = checked_reader(user, level, org_id)
    stratum = stratum or ALL
    if stratum not in STRATA:
        raise ValueError(f"unknown stratum {stratum!r}")
    threshold = small_cell_max()
    cells = list(
        MeasureRollup.objects.filter(
            measure_id=measure_id, level=level, org_id=org_id, stratum=stratum
        ).order_by("period_start", "stratum_value")
    )
    stale = {c.period_start for c in cells if c.suppressed_at != threshold}
    live = {}
    if stale:
        live = protection_now(
            definition, stale, user.network_id, unit_region, region_network, threshold
        )
    lines: dict[str, list[SeriesPoint]] = defaultdict(list)
    for cell in cells:
        shown = live.get((cell.period_start, level, org_id, stratum, cell.stratum_value))
        if shown is None:
            shown = Protected(
                denominator=None if cell.denominator_hidden else cell.denominator,
                numerator=(
                    None if cell.numerator is None or cell.numerator_hidden else cell.numerator
                ),
                denominator_hidden=cell.denominator_hidden,
                numerator_hidden=cell.numerator is not None and cell.numerator_hidden,
            )
        lines[cell.stratum_value].append(
            SeriesPoint(
                period_start=cell.period_start,
                numerator=shown.numerator,
                denominator=shown.denominator,
                value=point_value(definition, cell) if shown.shown else None,
            )
        )
    audit_record(
        actor=user,
        action=AuditAction.READ,
        entity_type="MeasureSeries",
        entity_id=measure_id,
        detail={"level": level, "org": org_id, "stratum": stratum},
    )
    return MeasureSeries(
        measure=definition,
        level=level,
        org_id=org_id,
        stratum=stratum,
        lines=tuple(SeriesLine(value, tuple(points)) for value, points in sorted(lines.items())),
        threshold=threshold,
    )

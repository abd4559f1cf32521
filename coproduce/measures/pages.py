"""What the QI pages show, fetched then calculated: series come from `measure_series` and
the batched reads of `measures.dashboard` (display-safe only), charts from `qic()` and the
pure geometry of `coproduce.charts.spc`. Views stay thin; words for people are here.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coproduce.charts.spc import (
    COMMON,
    DETERIORATION,
    IMPROVEMENT,
    TOO_FEW,
    UNCLEAR,
    ChartPoint,
    LineInput,
    Marker,
    Sparkline,
    SpcChart,
    SpcSpec,
    chart_points,
    shared_scale,
    signal_status,
    sparkline,
    spc_chart,
)
from coproduce.measures.annotations import annotations_for_chart
from coproduce.measures.dashboard import unit_series_all
from coproduce.measures.definition import MeasureDefinition
from coproduce.measures.selectors import SeriesPoint, measure_series
from coproduce.network.models import Network, Region, Unit
from coproduce.spc import SpcInputError, qic

SPARK_PERIODS = 24
NO_DATA = "no-data"
STATUS_WORDS = {
    IMPROVEMENT: gettext_lazy("Special cause: improvement"),
    DETERIORATION: gettext_lazy("Special cause: deterioration"),
    UNCLEAR: gettext_lazy("Special cause: a shift (too few crossings of the centre line)"),
    COMMON: gettext_lazy("Common cause only"),
    TOO_FEW: gettext_lazy("Too few periods"),
    NO_DATA: gettext_lazy("No data yet"),
}
KIND_WORDS = {
    "outcome": gettext_lazy("Outcome"),
    "process": gettext_lazy("Process"),
    "experience": gettext_lazy("Experience"),
    "access": gettext_lazy("Access"),
    "balancing": gettext_lazy("Balancing"),
    "overuse": gettext_lazy("Overuse"),
    "cost": gettext_lazy("Cost"),
}


def chart_types(definition: MeasureDefinition) -> tuple[str, ...]:
    """The chart types that fit the measure, its default first: p or Laney p' for a
    proportion, an I chart for a mean (an x-bar chart needs each period's spread, which
    rollups do not keep), and a run chart always."""
    if definition.is_proportion:
        fitting = ("p", "pp", "run")
    elif definition.statistic == "median":
        fitting = ("run",)
    else:
        fitting = ("i", "run")
    return (definition.chart, *[c for c in fitting if c != definition.chart])


def format_value(definition: MeasureDefinition, value: float | None) -> str:
    if value is None:
        return ""
    if definition.is_proportion:
        return f"{value:.1f}%"
    return f"{value:.2f}"


def spc_result(
    definition: MeasureDefinition,
    points: Sequence[SeriesPoint],
    *,
    chart: str,
    breaks: Sequence[int] = (),
):
    """qic() of a display-safe series (hidden values are missing values), or None when
    nothing is shown. A proportion is charted from its counts, times 100."""
    if not any(p.value is not None for p in points):
        return None
    x = [p.period_start for p in points]
    kwargs = {"part": list(breaks)} if breaks else {}
    try:
        if definition.is_proportion:
            hidden = [p.value is None for p in points]
            return qic(
                [None if h else p.numerator for h, p in zip(hidden, points, strict=True)],
                x=x,
                n=[None if h else p.denominator for h, p in zip(hidden, points, strict=True)],
                chart=chart,
                multiply=100,
                **kwargs,
            )
        return qic([p.value for p in points], x=x, chart=chart, **kwargs)
    except SpcInputError:
        return None


def charted(definition, points, *, chart, breaks=()) -> tuple[tuple[ChartPoint, ...], str]:
    """Chart points and the signal status of a series."""
    result = spc_result(definition, points, chart=chart, breaks=breaks)
    if result is None:
        return (
            tuple(ChartPoint(x=p.period_start, y=p.value) for p in points),
            TOO_FEW,
        )
    drawn = chart_points(result.points)
    newest = max(p.part for p in result.points)
    part_signal = any(p.runs_signal for p in result.points if p.part == newest)
    return drawn, signal_status(drawn, direction=definition.direction, part_signal=part_signal)


@dataclass(frozen=True)
class ListRow:
    measure: MeasureDefinition
    kind_label: str
    latest_period: dt.date | None
    network_value: str  # "" when hidden
    network_hidden: bool
    unit_value: str | None  # None: no unit asked; "" hidden
    unit_hidden: bool
    spark: Sparkline
    spark_text: str
    status: str
    status_label: str
    has_data: bool = field(default=True)


def latest_of(points: Sequence[SeriesPoint]) -> SeriesPoint | None:
    return points[-1] if points else None


def list_row(overview) -> ListRow:
    definition = overview.measure
    network = overview.network
    latest = latest_of(network)
    unit_latest = latest_of(overview.unit or ())
    if latest is not None and unit_latest is not None:
        # Only the unit's value of the same period is shown beside the network's.
        unit_latest = unit_latest if unit_latest.period_start == latest.period_start else None
    _points, status = charted(definition, network, chart=definition.chart)
    if not network:
        status = NO_DATA
    recent = network[-SPARK_PERIODS:]
    shown = [p for p in recent if p.value is not None]
    if shown:
        spark_text = _(
            "Network trend over %(count)s periods: from %(first)s (%(first_on)s) to %(last)s "
            "(%(last_on)s); %(hidden)s period(s) hidden."
        ) % {
            "count": len(recent),
            "first": format_value(definition, shown[0].value),
            "first_on": shown[0].period_start.strftime("%Y-%m"),
            "last": format_value(definition, shown[-1].value),
            "last_on": shown[-1].period_start.strftime("%Y-%m"),
            "hidden": len(recent) - len(shown),
        }
    elif recent:
        spark_text = _("Every period is hidden to protect small numbers.")
    else:
        spark_text = _("No data yet.")
    return ListRow(
        measure=definition,
        kind_label=str(KIND_WORDS.get(definition.kind, definition.kind)),
        latest_period=latest.period_start if latest else None,
        network_value=format_value(definition, latest.value) if latest else "",
        network_hidden=latest is not None and latest.value is None,
        unit_value=(
            None
            if overview.unit is None
            else format_value(definition, unit_latest.value if unit_latest else None)
        ),
        unit_hidden=unit_latest is not None and unit_latest.value is None,
        spark=sparkline([p.value for p in recent]),
        spark_text=spark_text,
        status=status,
        status_label=str(STATUS_WORDS[status]),
        has_data=bool(network),
    )


# --- The measure page ------------------------------------------------------------------------

STRATUM_WORDS = {
    "age-band": gettext_lazy("Age band"),
    "sex": gettext_lazy("Sex"),
    "language": gettext_lazy("Preferred language"),
    "deprivation": gettext_lazy("Deprivation quintile"),
    "ethnicity": gettext_lazy("Ethnicity"),
}
CHART_WORDS = {
    "p": gettext_lazy("P chart (proportion)"),
    "pp": gettext_lazy("Laney P′ chart (proportion, large numbers)"),
    "i": gettext_lazy("I chart (individual values)"),
    "run": gettext_lazy("Run chart"),
}


@dataclass(frozen=True)
class Organisation:
    """Where a chart is of: `choice` is the form value ("network", "region-3", "unit-7")."""

    level: str
    org_id: int
    name: str
    choice: str


def organisations_of(user) -> list[Organisation]:
    """The network, its regions and its units, as the level control offers them."""
    network = Network.objects.get(pk=user.network_id)
    found = [Organisation("network", network.pk, network.name, "network")]
    for region in Region.objects.filter(network=network).order_by("name", "pk"):
        found.append(
            Organisation(
                "region",
                region.pk,
                _("Region: %(name)s") % {"name": region.name},
                f"region-{region.pk}",
            )
        )
    for unit in Unit.objects.filter(region__network=network).order_by("name", "pk"):
        found.append(Organisation("unit", unit.pk, unit.name, f"unit-{unit.pk}"))
    return found


def parse_choice(text: str) -> tuple[str, int | None]:
    """("network", None), ("region", id) or ("unit", id); ValueError when malformed."""
    if text in ("", "network"):
        return "network", None
    level, _sep, number = text.partition("-")
    if level not in ("region", "unit") or not number.isdigit():
        raise ValueError(text)
    return level, int(number)


def phase_breaks(periods: Sequence[dt.date], dates: Sequence[dt.date]) -> list[int]:
    """qic() `part` positions: a new phase starts with the first period that begins on or
    after an annotated date (the period of the change itself is the old phase's last, as a
    change made mid-month shows from the next month). Breaks that would leave a phase
    empty are dropped."""
    breaks = set()
    for day in dates:
        before = sum(1 for p in periods if p < day)
        if 0 < before < len(periods):
            breaks.add(before)
    return sorted(breaks)


def table_rows(definition, points: Sequence[SeriesPoint], drawn: Sequence[ChartPoint]):
    """The data table (and the CSV, which is the same rows): period, counts (None when
    hidden), value and chart lines as text."""
    by_period = {p.x: p for p in drawn}
    rows = []
    for point in points:
        chart = by_period.get(point.period_start)
        signal = ""
        if chart is not None and chart.sigma_signal and chart.y is not None:
            signal = _("outside the limits")
        elif chart is not None and chart.runs_signal:
            signal = _("in a long run")
        rows.append(
            {
                "period": point.period_start,
                "numerator": point.numerator if definition.is_proportion else None,
                "denominator": point.denominator,
                "hidden": point.value is None,
                "value": format_value(definition, point.value),
                "centre": format_value(definition, chart.cl) if chart else "",
                "lower": format_value(definition, chart.lcl) if chart else "",
                "upper": format_value(definition, chart.ucl) if chart else "",
                "part": chart.part if chart else 1,
                "signal": signal,
            }
        )
    return rows


def gap_points(lines):
    """Per period, the gap between the best and the worst shown stratum (max − min of the
    shown values; None with fewer than two shown). Hidden strata take no part."""
    periods = sorted({p.period_start for line in lines for p in line.points})
    found = []
    for period in periods:
        values = [
            p.value
            for line in lines
            for p in line.points
            if p.period_start == period and p.value is not None
        ]
        found.append((period, max(values) - min(values) if len(values) >= 2 else None))
    return found


def stratum_label(stratum: str, value: str) -> str:
    if value == "unknown":
        return _("not recorded")
    if stratum == "deprivation":
        return _("Quintile %(q)s") % {"q": value}
    return value


@dataclass(frozen=True)
class ChartView:
    """A chart and what the page says of it."""

    chart: SpcChart
    legend: tuple[tuple[str, str], ...]  # (kind, words)


@dataclass(frozen=True)
class MeasurePage:
    definition: MeasureDefinition
    organisation: Organisation
    organisations: list[Organisation]
    chart_type: str
    chart_types: tuple[tuple[str, str], ...]
    compare: bool
    phases: bool
    stratum: str
    main: SpcChart | None
    status: str
    status_label: str
    has_data: bool
    rows: list[dict]
    breaks: list[int]
    annotations: list
    multiples: list[tuple[Organisation, SpcChart | None]]
    equity: SpcChart | None
    equity_rows: list[dict]
    equity_hidden: list[str]
    gap: SpcChart | None
    threshold: int
    counted: tuple[str, str] = ("", "")

    @property
    def kind_label(self) -> str:
        return str(KIND_WORDS.get(self.definition.kind, self.definition.kind))

    @property
    def target_text(self) -> str:
        return format_value(self.definition, self.definition.target)


def value_label(definition: MeasureDefinition) -> str:
    if definition.is_proportion:
        return _("Percent")
    if definition.statistic == "median":
        return _("Median")
    return _("Mean")


def value_range(definition: MeasureDefinition) -> tuple[float | None, float | None]:
    return (0.0, 100.0) if definition.is_proportion else (None, None)


def measure_page(
    user,
    definition: MeasureDefinition,
    *,
    choice: str,
    chart_type: str,
    compare: bool,
    phases: bool,
    stratum: str,
) -> MeasurePage:
    """Everything the measure page shows. Raises PermissionDenied (measure_series) for an
    organisation outside the user's network and ValueError for a malformed choice."""
    level, org_id = parse_choice(choice)
    org_id = org_id if org_id is not None else user.network_id
    series = measure_series(user, definition.id, level=level, org_id=org_id)
    organisations = organisations_of(user)  # after measure_series has checked the reader
    organisation = next(
        (o for o in organisations if o.level == level and o.org_id == org_id),
        Organisation(level, org_id, "", choice),
    )
    types = chart_types(definition)
    chart_type = chart_type if chart_type in types else types[0]
    points = series.lines[0].points if series.lines else ()
    annotations = list(
        annotations_for_chart(user, definition.id, unit_id=org_id if level == "unit" else None)
    )
    breaks = (
        phase_breaks([p.period_start for p in points], [a.on_date for a in annotations])
        if phases
        else []
    )
    drawn, status = charted(definition, points, chart=chart_type, breaks=breaks)
    floor, ceiling = value_range(definition)
    markers = tuple(Marker(a.on_date, a.text) for a in annotations)
    lines: tuple[LineInput, ...] = ()
    if compare and level != "network":
        network = measure_series(user, definition.id, level="network", org_id=user.network_id)
        if network.lines:
            lines = (
                LineInput(
                    _("Network (all units)"),
                    tuple((p.period_start, p.value) for p in network.lines[0].points),
                ),
            )
    main = None
    if series.has_data:
        main = spc_chart(
            SpcSpec(
                key="qi-main",
                title=_("%(measure)s, %(where)s: %(chart)s")
                % {
                    "measure": definition.title,
                    "where": organisation.name,
                    "chart": CHART_WORDS[chart_type],
                },
                description=str(STATUS_WORDS[status]),
                points=drawn,
                series_label=organisation.name,
                lines=lines,
                target=definition.target,
                markers=markers,
                floor=floor,
                ceiling=ceiling,
                value_label=value_label(definition),
            )
        )
    multiples = []
    specs = []
    units = [o for o in organisations if o.level == "unit"]
    by_unit = {u.unit_id: u.points for u in unit_series_all(user, definition.id)}
    for unit in units:
        unit_points = by_unit.get(unit.org_id, ())
        if not unit_points:
            specs.append(None)
            continue
        unit_drawn, unit_status = charted(definition, unit_points, chart=chart_type)
        specs.append(
            SpcSpec(
                key=f"qi-unit-{unit.org_id}",
                title=_("%(measure)s, %(where)s")
                % {"measure": definition.title, "where": unit.name},
                description=str(STATUS_WORDS[unit_status]),
                points=unit_drawn,
                series_label=unit.name,
                target=definition.target,
                floor=floor,
                ceiling=ceiling,
                width=340,
                height=220,
            )
        )
    scale = shared_scale([s for s in specs if s is not None]) if any(specs) else None
    for unit, spec in zip(units, specs, strict=True):
        chart = None
        if spec is not None:
            chart = spc_chart(dataclasses.replace(spec, scale=scale))
        multiples.append((unit, chart))
    equity = gap = None
    equity_rows: list[dict] = []
    equity_hidden: list[str] = []
    if stratum:
        strata = measure_series(user, definition.id, level=level, org_id=org_id, stratum=stratum)
        if strata.has_data:
            labelled = [(stratum_label(stratum, line.stratum_value), line) for line in strata.lines]
            equity_hidden = [
                label for label, line in labelled if all(p.value is None for p in line.points)
            ]
            equity = spc_chart(
                SpcSpec(
                    key="qi-equity",
                    title=_("%(measure)s by %(stratum)s, %(where)s")
                    % {
                        "measure": definition.title,
                        "stratum": STRATUM_WORDS[stratum],
                        "where": organisation.name,
                    },
                    description=_("One line per group; hidden values are gaps."),
                    points=(),
                    lines=tuple(
                        LineInput(label, tuple((p.period_start, p.value) for p in line.points))
                        for label, line in labelled
                    ),
                    floor=floor,
                    ceiling=ceiling,
                    value_label=value_label(definition),
                )
            )
            gaps = gap_points(strata.lines)
            gap = spc_chart(
                SpcSpec(
                    key="qi-gap",
                    title=_("Gap between the best and the worst shown group"),
                    description=_("Worked out only from values that are shown."),
                    points=tuple(ChartPoint(x=d, y=v) for d, v in gaps),
                    series_label=_("Gap"),
                    floor=0.0,
                    value_label=_("Gap"),
                )
            )
            for period, gap_value in gaps:
                cells = []
                for label, line in labelled:
                    point = next((p for p in line.points if p.period_start == period), None)
                    cells.append(
                        {
                            "label": label,
                            "numerator": point.numerator if point else None,
                            "denominator": point.denominator if point else None,
                            "value": format_value(definition, point.value) if point else "",
                            "hidden": point is not None and point.value is None,
                            "missing": point is None,
                        }
                    )
                equity_rows.append(
                    {"period": period, "cells": cells, "gap": format_value(definition, gap_value)}
                )
    return MeasurePage(
        definition=definition,
        organisation=organisation,
        organisations=organisations,
        chart_type=chart_type,
        chart_types=tuple((t, str(CHART_WORDS[t])) for t in types),
        compare=compare,
        phases=phases,
        stratum=stratum,
        main=main,
        status=status,
        status_label=str(STATUS_WORDS[status]),
        has_data=series.has_data,
        rows=table_rows(definition, points, drawn),
        breaks=breaks,
        annotations=annotations,
        multiples=multiples,
        equity=equity,
        equity_rows=equity_rows,
        equity_hidden=equity_hidden,
        gap=gap,
        threshold=series.threshold,
        counted=counted_words(definition),
    )


def csv_header(page: MeasurePage) -> list[str]:
    header = [_("Period")]
    if page.definition.is_proportion:
        header += [_("Numerator"), _("Denominator")]
    else:
        header += [_("Number of values")]
    return [
        *header,
        _("Value"),
        _("Phase"),
        _("Centre line"),
        _("Lower limit"),
        _("Upper limit"),
        _("Signal"),
    ]


def csv_rows(page: MeasurePage) -> list[list[str]]:
    """The data table's rows as text, exactly as the table shows them."""
    hidden = _("hidden")
    rows = []
    for row in page.rows:
        line = [row["period"].isoformat()]
        counts = (
            [row["numerator"], row["denominator"]]
            if page.definition.is_proportion
            else [row["denominator"]]
        )
        line += [hidden if c is None else str(c) for c in counts]
        line += [
            hidden if row["hidden"] else row["value"],
            str(row["part"]),
            row["centre"],
            row["lower"],
            row["upper"],
            row["signal"],
        ]
        rows.append(line)
    return rows


DENOMINATOR_WORDS = {
    "observation": gettext_lazy("patients with a value of %(code)s in the period (latest)"),
    "due-reports": gettext_lazy("questionnaires due that closed in the period"),
    "visits": gettext_lazy("visits done in the period"),
    "patients": gettext_lazy("patients enrolled during the period"),
    "alerts": gettext_lazy("alerts opened in the period"),
    "questionnaire-responses": gettext_lazy("completed responses to %(instrument)s"),
}


def counted_words(definition: MeasureDefinition) -> tuple[str, str]:
    """(numerator, denominator) of a proportion, or (statistic, value) of a mean or
    median, in words for the definition panel."""
    if definition.value is not None:
        return (
            str(definition.value.statistic),
            _("each patient's latest value of %(code)s in the period")
            % {"code": definition.value.code},
        )
    denominator = definition.denominator
    numerator = definition.numerator
    below = str(DENOMINATOR_WORDS[denominator.source]) % {
        "code": denominator.code,
        "instrument": denominator.instrument,
    }
    if numerator.condition is not None:
        above = _("those whose value is %(condition)s") % {"condition": numerator.condition}
    elif numerator.status:
        above = _("those with status “%(status)s”") % {"status": numerator.status}
    elif numerator.with_:
        above = _("those with %(what)s") % {"what": numerator.with_}
    elif numerator.acknowledged_within_hours is not None:
        above = _("those acknowledged within %(hours)s hours") % {
            "hours": numerator.acknowledged_within_hours
        }
    else:
        above = ""
    return above, below

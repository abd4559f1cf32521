"""Fetch, then calculate: from the dashboard's rows (selectors) to what each chart shows.

For every series: the chart geometry (`coproduce.charts`, pure), the sentence under it, the
legend and the latest rows of the data table. Nothing here reads the database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coproduce import charts, scoring
from coproduce.access.policy import PatientAccess
from coproduce.accounts.models import Role
from coproduce.careplans.models import Goal, GoalCompromise, GoalDirection, GoalKind, GoalStatus
from coproduce.careplans.own_spc import WINDOW as SPC_WINDOW
from coproduce.careplans.own_spc import OwnSpc, own_spc
from coproduce.careplans.selectors import (
    CARER_STREAM,
    DashboardData,
    MeasureTarget,
    Series,
    SeriesValue,
    as_point,
    clinical_target_for,
    compromises_query,
    goals_for,
)
from coproduce.careplans.spc_words import (
    CARER,
    CLINICIAN,
    PATIENT,
    SpcWords,
    point_signal_words,
    spc_words,
)
from coproduce.careplans.words import (
    HIGHER_IS_BETTER,
    LOWER_IS_BETTER,
    Quantity,
    TrendWords,
    band_of,
    band_words,
    goal_achievement_words,
    goal_date_words,
    goal_progress_words,
    goal_target_words,
    trend_words,
)
from coproduce.core.clock import now
from coproduce.observations.catalogue import CodeInfo, ImplausibleValue, code_info, unit_words
from coproduce.observations.views.display import target_range_words

PERIODS = {
    "3m": (gettext_lazy("3 months"), 91),
    "1y": (gettext_lazy("1 year"), 365),
    "5y": (gettext_lazy("5 years"), 5 * 365 + 1),
    "all": (gettext_lazy("All"), None),
}
# "Values in the last year" / "all values": the words a table caption uses for a period.
PERIOD_VALUES = {
    "3m": gettext_lazy("values in the last 3 months"),
    "1y": gettext_lazy("values in the last year"),
    "5y": gettext_lazy("values in the last 5 years"),
    "all": gettext_lazy("all values"),
}
DEFAULT_PERIOD = "1y"
# The table under each chart lists the newest values of the period; the full table for one
# measure is on its own page, paginated.
TABLE_ROWS = 6
MAX_DRAWN = charts.trend.MAX_DRAWN_POINTS
# A score's whole range is the value scale only when the series uses a fair part of it;
# otherwise (HBI: 0-118, values 0-10) the scale follows the values.
FULL_RANGE_SHARE = 0.4


@dataclass(frozen=True)
class ScoreMeaning:
    instrument: str
    spec: scoring.ScoreSpec


@cache
def score_meanings() -> dict[str, ScoreMeaning]:
    """Each instrument score's observation code → its ScoreSpec (title, range, bands,
    direction)."""
    meanings: dict[str, ScoreMeaning] = {}
    for instrument in scoring.catalogue():
        for spec in instrument.scores:
            meanings[instrument.score_code(spec.name)] = ScoreMeaning(instrument.code, spec)
    return meanings


@dataclass(frozen=True)
class TableRow:
    when: str  # the date in the patient's time zone, formatted here (cheaper than a filter)
    value: str
    band: str
    signal: str = ""  # what the I chart says of this value ("Above the usual range"), or ""


@dataclass(frozen=True)
class Trend:
    """One chart on the dashboard, with everything said about it."""

    key: str
    code: str
    stream: str
    name: str
    unit: str
    chart: charts.TrendChart
    words: TrendWords | None
    goal: Goal | None
    goal_target: str
    goal_label: str  # the goal in the patient's words with its number, for the chart
    target_text: str
    # The patient's own clinical target (a goal of that kind) drawn instead of the
    # programme's usual target; the caption says so.
    personal_target: Goal | None
    programme_target_text: str
    direction_text: str
    bands: tuple[tuple[str, str], ...]  # (band name, range in words) for the legend
    table: tuple[TableRow, ...]
    period_count: int
    # The I chart of the patient's own values (None for a carer's own stream and for codes
    # that are neither a programme's measure nor an instrument's score) and its words.
    spc: OwnSpc | None = None
    spc_words: SpcWords | None = None

    @property
    def is_carer(self) -> bool:
        return self.stream == CARER_STREAM

    @property
    def table_is_limited(self) -> bool:
        return self.period_count > len(self.table)


@dataclass(frozen=True)
class GoalView:
    goal: Goal
    measure_name: str
    target: str
    progress: str
    date: str
    editable: bool = False
    achievement: str = ""
    compromises: tuple[GoalCompromise, ...] = ()

    @property
    def is_clinical_target(self) -> bool:
        return self.goal.kind == GoalKind.CLINICAL


def info_for(code: str) -> CodeInfo | None:
    try:
        return code_info(code)
    except ImplausibleValue:
        return None


def quantity_for(code: str) -> Quantity:
    info = info_for(code)
    if info is None:
        return Quantity(decimals=2, unit="")
    return Quantity(decimals=info.decimals, unit=info.unit)


def measure_name(code: str) -> str:
    meaning = score_meanings().get(code)
    if meaning is not None:
        return meaning.spec.title
    info = info_for(code)
    return info.display if info is not None else code


def direction_for(code: str, target: MeasureTarget | None) -> str:
    meaning = score_meanings().get(code)
    if meaning is not None and meaning.spec.higher_is == "worse":
        return LOWER_IS_BETTER
    if meaning is not None and meaning.spec.higher_is == "better":
        return HIGHER_IS_BETTER
    return target.direction if target is not None else ""


def target_words(target: MeasureTarget | None, quantity: Quantity) -> str:
    if target is None:
        return ""
    return target.text or target_range_words(target.low, target.high, unit_words(quantity.unit))


def goal_level(goal: Goal | None, *, own_view: bool) -> charts.Level | None:
    if goal is None or not goal.direction:
        return None
    low = goal.target_low if goal.direction != GoalDirection.AT_MOST else None
    high = goal.target_high if goal.direction != GoalDirection.AT_LEAST else None
    return charts.Level(low, high, str(_("Your goal") if own_view else _("Goal")))


def period_start(period: str, end: dt.datetime, series: Series) -> dt.datetime:
    days = PERIODS[period][1]
    if days is None:
        return min(series.first.at, end - dt.timedelta(days=1))
    return end - dt.timedelta(days=days)


def band_legend(spec: scoring.ScoreSpec | None, quantity: Quantity) -> tuple[tuple[str, str], ...]:
    if spec is None or not spec.bands:
        return ()
    rows = []
    for index, (lower, label) in enumerate(spec.bands):
        upper = spec.bands[index + 1][0] if index + 1 < len(spec.bands) else spec.maximum
        if lower == float("-inf"):
            span = _("below %(high)s") % {"high": quantity.number(upper)}
        elif upper is None:
            span = _("%(low)s or more") % {"low": quantity.number(lower)}
        else:
            span = _("from %(low)s to below %(high)s") % {
                "low": quantity.number(lower),
                "high": quantity.number(upper),
            }
            if index + 1 == len(spec.bands):
                span = _("from %(low)s to %(high)s") % {
                    "low": quantity.number(lower),
                    "high": quantity.number(upper),
                }
        rows.append((band_words(label), span))
    return tuple(rows)


def chart_description(
    *,
    name: str,
    numbers: list[float],
    quantity: Quantity,
    start: dt.datetime,
    end: dt.datetime,
    goal_text: str,
    target_text: str,
    bands: tuple[tuple[str, str], ...],
    zone: ZoneInfo,
    personal: bool = False,
    spc_text: str = "",
) -> str:
    """The chart's text alternative: period, count, range, latest, goal, target, bands, and
    the I chart's lines and signal points."""
    start_text = date_format(timezone.localtime(start, zone).date(), "j F Y")
    end_text = date_format(timezone.localtime(end, zone).date(), "j F Y")
    if not numbers:
        parts = [
            _("No values of %(name)s from %(start)s to %(end)s.")
            % {"name": name, "start": start_text, "end": end_text}
        ]
    else:
        parts = [
            _(
                "%(name)s from %(start)s to %(end)s: %(count)d values, lowest %(low)s, "
                "highest %(high)s, latest %(latest)s."
            )
            % {
                "name": name,
                "start": start_text,
                "end": end_text,
                "count": len(numbers),
                "low": quantity.value(min(numbers)),
                "high": quantity.value(max(numbers)),
                "latest": quantity.value(numbers[-1]),
            }
        ]
    if goal_text:
        parts.append(_("Dashed line: goal, %(goal)s.") % {"goal": goal_text})
    if target_text and personal:
        parts.append(
            _("Dotted line: clinical target for this patient, %(target)s.")
            % {"target": target_text}
        )
    elif target_text:
        parts.append(_("Dotted line: clinical target, %(target)s.") % {"target": target_text})
    if bands:
        parts.append(
            _("Shaded bands: %(bands)s.")
            % {"bands": "; ".join(f"{label} {span}" for label, span in bands)}
        )
    if spc_text:
        parts.append(spc_text)
    return " ".join(parts)


def trend_for(
    series: Series,
    *,
    index: int,
    period: str,
    end: dt.datetime,
    goal: Goal | None,
    target: MeasureTarget | None,
    own_view: bool,
    zone: ZoneInfo,
    personal_target: Goal | None = None,
    spc_audience: str | None = None,
) -> Trend:
    """One chart. With `personal_target` (the patient's own clinical target on this
    measure), that target is drawn and named instead of the programme's `target`.

    The patient's own series of a programme's measure or an instrument's key (primary)
    score gets an I chart of its newest values in the period (`own_spc`), with words for
    `spc_audience` (PATIENT, CARER or CLINICIAN; by default the patient in their own view,
    else the clinician)."""
    meaning = score_meanings().get(series.code)
    spec = meaning.spec if meaning is not None else None
    quantity = quantity_for(series.code)
    name = measure_name(series.code)
    start = period_start(period, end, series)
    # Only the values drawn, tabled or described are converted from the database's rows:
    # ten years of weekly values are thinned to the chart's resolution first.
    rows = series.rows_since(start)
    numbers = [value for _at, value in rows]
    drawn = tuple(as_point(rows[i]) for i in charts.downsample_indices(numbers, MAX_DRAWN))
    direction = direction_for(series.code, target)
    programme_target_text = ""
    if personal_target is not None:
        programme_target_text = target_words(target, quantity)
        target = MeasureTarget(
            series.code,
            personal_target.target_low,
            personal_target.target_high,
            goal_target_words(personal_target, quantity),
            target.direction if target is not None else "",
        )
    target_text = target_words(target, quantity)
    goal_text = goal_target_words(goal, quantity) if goal is not None else ""
    if goal is not None:
        goal_text = f"“{goal.description}” ({goal_text})" if goal_text else f"“{goal.description}”"
    bands = band_legend(spec, quantity)
    today = timezone.localtime(end, zone).date()
    spc = None
    spc_said = None
    if series.stream != CARER_STREAM and (
        target is not None or (spec is not None and spec.primary)
    ):
        spc = own_spc([as_point(row) for row in rows[-SPC_WINDOW:]])
        spc_said = spc_words(
            spc,
            quantity=quantity,
            direction=direction,
            audience=spc_audience or (PATIENT if own_view else CLINICIAN),
            zone=zone,
            today=today,
        )
    floor = spec.minimum if spec is not None else None
    ceiling = spec.maximum if spec is not None else None
    if spec is None:
        # A measurement's scale follows its values but never goes below what is possible
        # (no "-5 days"); its plausible top is far above real values, so it is not used.
        info = info_for(series.code)
        floor = info.plausible_low if info is not None else None
    if floor is not None and ceiling is not None:
        reach = max(numbers or [floor])
        if reach < floor + FULL_RANGE_SHARE * (ceiling - floor):
            ceiling = None
    chart_bands = ()
    if spec is not None and spec.bands:
        chart_bands = tuple(
            charts.Band(
                lower,
                spec.bands[i + 1][0] if i + 1 < len(spec.bands) else None,
                band_words(label),
            )
            for i, (lower, label) in enumerate(spec.bands)
        )
    target_level = None
    if target is not None and (target.low is not None or target.high is not None):
        target_level = charts.Level(target.low, target.high, str(_("Target")))
    period_label = PERIODS[period][0]
    title = _("%(name)s, %(period)s") % {"name": name, "period": period_label}
    if series.stream == CARER_STREAM:
        title = _("%(name)s reported by a carer, %(period)s") % {
            "name": name,
            "period": period_label,
        }
    chart = charts.trend_chart(
        charts.ChartSpec(
            key=f"trend-{index}",
            title=str(title),
            description=chart_description(
                name=name,
                numbers=numbers,
                quantity=quantity,
                start=start,
                end=end,
                goal_text=goal_text,
                target_text=target_text,
                bands=bands,
                zone=zone,
                personal=personal_target is not None,
                spc_text=spc_said.description if spc_said is not None else "",
            ),
            points=drawn,
            total_points=len(rows),
            start=start,
            end=end,
            floor=floor,
            ceiling=ceiling,
            bands=chart_bands,
            goal=goal_level(goal, own_view=own_view),
            target=target_level,
            control=control_for(spc),
        )
    )
    latest, previous, first = series.latest, series.previous, series.first
    words = trend_words(
        name=name,
        quantity=quantity,
        latest=(latest.at, latest.value),
        previous=(previous.at, previous.value) if previous is not None else None,
        first=(first.at, first.value),
        band=band_of(spec.bands, latest.value) if spec is not None else "",
        direction=direction,
        target_text=target_text,
        own_view=own_view and series.stream != CARER_STREAM,
        zone=zone,
        today=today,
    )
    table = tuple(
        TableRow(
            when=date_format(timezone.localtime(v.at, zone), "j M Y"),
            value=quantity.value(v.value),
            band=band_of(spec.bands, v.value) if spec is not None else "",
            # The table's rows are the newest values; so are the I chart's last points.
            signal=point_signal_words(spc, spc.count - 1 - back, plain=spc_said.plain)
            if spc is not None and spc_said is not None
            else "",
        )
        for back, v in enumerate(as_point(row) for row in reversed(rows[-TABLE_ROWS:]))
    )
    direction_text = {
        LOWER_IS_BETTER: _("Lower is better."),
        HIGHER_IS_BETTER: _("Higher is better."),
    }.get(direction, "")
    return Trend(
        key=f"trend-{index}",
        code=series.code,
        stream=series.stream,
        name=name,
        unit=unit_words(quantity.unit),
        chart=chart,
        words=words,
        goal=goal,
        goal_target=goal_target_words(goal, quantity) if goal is not None else "",
        goal_label=goal_text,
        target_text=target_text,
        personal_target=personal_target,
        programme_target_text=programme_target_text,
        direction_text=str(direction_text),
        bands=bands,
        table=table,
        period_count=len(rows),
        spc=spc,
        spc_words=spc_said,
    )


def spc_audience(access: PatientAccess) -> str:
    """Whose words the I chart of the patient's series is told in: the patient's own, a
    carer's (everyday words about the patient) or a clinician's (SPC terms)."""
    return {Role.PATIENT: PATIENT, Role.CARER: CARER}.get(access.as_role, CLINICIAN)


def control_for(spc: OwnSpc | None) -> charts.Control | None:
    """The I chart's lines and signal points for the chart core, when there are enough
    values."""
    if spc is None or not spc.enough or spc.centre is None:
        return None
    return charts.Control(
        start=spc.points[0].at,
        centre=spc.centre,
        lower=spc.lower,
        upper=spc.upper,
        outside=tuple(spc.points[i] for i in spc.outside),
        long_run=tuple(spc.points[i] for i in spc.run_points),
    )


def chart_goal(goals: tuple[Goal, ...], code: str) -> Goal | None:
    """The goal drawn on a measure's chart: the newest active goal of the patient's own
    tied to it (a clinical target is drawn as the target, see `clinical_target_for`)."""
    return next(
        (
            g
            for g in goals
            if g.status == GoalStatus.ACTIVE and g.measure_code == code and g.kind != "clinical"
        ),
        None,
    )


def dashboard_trends(
    data: DashboardData,
    *,
    period: str,
    end: dt.datetime,
    own_view: bool,
    zone: ZoneInfo,
    spc_audience: str | None = None,
) -> list[Trend]:
    """A trend per series: the patient's own series first (in name order), then each
    carer-reported series, labelled and apart."""
    ordered = sorted(
        data.series, key=lambda s: (s.stream == CARER_STREAM, measure_name(s.code).lower())
    )
    return [
        trend_for(
            series,
            index=index,
            period=period,
            end=end,
            goal=chart_goal(data.goals, series.code) if series.stream != CARER_STREAM else None,
            target=data.targets.get(series.code),
            own_view=own_view,
            zone=zone,
            personal_target=clinical_target_for(data.goals, series.code)
            if series.stream != CARER_STREAM
            else None,
            spc_audience=spc_audience,
        )
        for index, series in enumerate(ordered)
    ]


def goal_views(
    goals: tuple[Goal, ...] | list[Goal],
    latest: dict[str, SeriesValue | None],
    *,
    zone: ZoneInfo,
    today: dt.date,
    compromises: tuple[GoalCompromise, ...] | list[GoalCompromise] = (),
) -> list[GoalView]:
    """Each goal with its target, progress, date and achievement in words, and the
    compromises it is part of (shown beside both goals)."""
    views = []
    for goal in goals:
        quantity = quantity_for(goal.measure_code) if goal.measure_code else None
        value = latest.get(goal.measure_code)
        views.append(
            GoalView(
                goal=goal,
                measure_name=measure_name(goal.measure_code) if goal.measure_code else "",
                target=goal_target_words(goal, quantity),
                progress=goal_progress_words(
                    goal,
                    quantity=quantity,
                    latest=(value.at, value.value) if value is not None else None,
                    zone=zone,
                    today=today,
                ),
                date=goal_date_words(goal, today),
                achievement=goal_achievement_words(
                    goal,
                    quantity=quantity,
                    latest=(value.at, value.value) if value is not None else None,
                    zone=zone,
                    today=today,
                ),
                compromises=tuple(
                    c for c in compromises if goal.pk in (c.own_goal_id, c.clinical_target_id)
                ),
            )
        )
    return views


def home_goal_views(access: PatientAccess) -> list[GoalView]:
    """The patient's active goals with their progress in words, for the patient home's
    "your goals" (template: careplans/_home_goals.html). Reads through `goals_for`."""
    zone = ZoneInfo(access.patient.home_unit.time_zone)
    items = goals_for(access)
    latest = {item.goal.measure_code: item.latest for item in items if item.goal.measure_code}
    today = timezone.localtime(now(), zone).date()
    return goal_views(
        [item.goal for item in items],
        latest,
        zone=zone,
        today=today,
        compromises=tuple(compromises_query(access)) if items else (),
    )

"""The geometry of the QI charts: a run or control chart of one measure's periods (centre
line and limits stepping per part, target, signal points, phase breaks, annotation markers,
comparison lines such as the unit's network or the strata of an equity view), and the
trend sparkline of the measure list.

Pure: frozen dataclasses in, frozen dataclasses with pre-formatted SVG path data out. The
template (templates/measures/spc.svg) draws them with presentation attributes only, so the
chart obeys a strict CSP and is a self-contained file when downloaded. Signals are told by
shape (diamond: outside the limits; square: part of an unusual run), lines by dash pattern,
never by colour alone.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

from coproduce.charts.trend import nice_step, num, step_decimals

# Narrow on purpose, as the trend chart: on a 360 px phone the canvas is drawn at about 0.75
# of its size, so 15-unit text stays readable; on a desktop the stylesheet caps its width.
WIDTH = 420
HEIGHT = 260
MARGIN_LEFT = 52
MARGIN_RIGHT = 16
MARGIN_TOP = 28  # room for annotation numbers
MARGIN_BOTTOM = 34
# A date label ("Nov 2026") takes about 70 units at 15-unit text.
X_LABEL_ROOM = 90
DIAMOND_HALF = 6.5
SQUARE_HALF = 5
DOT_RADIUS = 3.5
# Dash patterns of comparison lines, in order (the measure's own series is solid).
LINE_DASHES = ("8 4", "2 4", "12 4 2 4", "1 2", "6 2 2 2 2 2", "14 6")
# A date label centred closer than this to the canvas's right edge would be cut off.
RIGHT_LABEL_ROOM = 34
SPARK_WIDTH = 120
SPARK_HEIGHT = 32
SPARK_PAD = 3


@dataclass(frozen=True)
class ChartPoint:
    """One period of the charted series: `y` None when the value is hidden or missing;
    `cl`, `lcl`, `ucl` as qic() returned them; `part` the 1-based phase."""

    x: dt.date
    y: float | None
    cl: float | None = None
    lcl: float | None = None
    ucl: float | None = None
    part: int = 1
    sigma_signal: bool = False
    runs_signal: bool = False


@dataclass(frozen=True)
class LineInput:
    """A further line on the same axes (the network beside a unit, or one stratum)."""

    label: str
    points: tuple[tuple[dt.date, float | None], ...]


@dataclass(frozen=True)
class Marker:
    """An annotation: drawn as a numbered dotted vertical line at `on`."""

    on: dt.date
    text: str


@dataclass(frozen=True)
class SpcSpec:
    key: str
    title: str
    description: str
    points: tuple[ChartPoint, ...]
    series_label: str = ""
    lines: tuple[LineInput, ...] = ()
    target: float | None = None
    markers: tuple[Marker, ...] = ()
    floor: float | None = None  # the lowest value the measure can take (0 for a percentage)
    ceiling: float | None = None  # the highest (100 for a percentage)
    scale: tuple[float, float] | None = None  # a fixed value scale (small multiples)
    value_label: str = ""  # what the value axis measures ("Percent", "Mean DAS28-CRP")
    width: int = WIDTH
    height: int = HEIGHT


@dataclass(frozen=True)
class Tick:
    position: str  # the x or y coordinate, pre-formatted
    label: str = ""
    day: dt.date | None = None  # x ticks: formatted by the template
    anchor: str = "middle"  # "end" near the right edge, so the label stays on the canvas


@dataclass(frozen=True)
class DrawnLine:
    label: str
    d: str
    dash: str
    end_x: str
    end_y: str


@dataclass(frozen=True)
class DrawnMarker:
    number: int
    text: str
    on: dt.date
    d: str
    label_x: str
    label_y: str


@dataclass(frozen=True)
class SpcChart:
    key: str
    title: str
    description: str
    value_label: str
    width: int
    height: int
    value_low: float
    value_high: float
    y_ticks: tuple[Tick, ...]
    x_ticks: tuple[Tick, ...]
    series_label: str
    series_d: str  # the series, broken where a value is hidden
    dots_d: str  # a dot at each shown value
    centre_d: str
    limits_d: str
    target_d: str
    outside_d: str  # diamonds
    run_d: str  # squares
    phase_d: str  # vertical lines where a new part starts
    lines: tuple[DrawnLine, ...]
    markers: tuple[DrawnMarker, ...]
    outside_count: int
    run_count: int
    parts: int
    shown_points: int
    text: dict[str, str]

    @property
    def empty(self) -> bool:
        return self.shown_points == 0 and not any(line.d for line in self.lines)


@dataclass(frozen=True)
class Sparkline:
    width: int
    height: int
    d: str
    last_x: str
    last_y: str
    shown: int


# --- Scales ---------------------------------------------------------------------------------


def value_scale(
    values: Sequence[float], *, floor: float | None, ceiling: float | None
) -> tuple[float, float, float]:
    """(low, high, step): the data padded and rounded to a round step, kept within the
    measure's possible range."""
    if not values:
        low, high = (floor if floor is not None else 0.0), (ceiling if ceiling is not None else 1.0)
        return low, high, nice_step(high - low)
    low, high = min(values), max(values)
    pad = (high - low) * 0.08 if high > low else (abs(low) * 0.1 or 1.0)
    low, high = low - pad, high + pad
    step = nice_step(high - low)
    low, high = math.floor(low / step) * step, math.ceil(high / step) * step
    if floor is not None:
        low = max(low, floor)
    if ceiling is not None:
        high = min(high, ceiling)
    if high <= low:
        high = low + step
    return low, high, step


def chart_values(spec: SpcSpec) -> list[float]:
    """Every value the scale must hold (for a shared scale across small multiples)."""
    values = [p.y for p in spec.points if p.y is not None]
    values += [v for p in spec.points for v in (p.cl, p.lcl, p.ucl) if v is not None]
    values += [v for line in spec.lines for _, v in line.points if v is not None]
    if spec.target is not None:
        values.append(spec.target)
    return values


def diamond(x: float, y: float) -> str:
    h = num(DIAMOND_HALF)
    return f"M{num(x)} {num(y - DIAMOND_HALF)}l{h} {h}-{h} {h}-{h}-{h}z"


def square(x: float, y: float) -> str:
    size = num(2 * SQUARE_HALF)
    return f"M{num(x - SQUARE_HALF)} {num(y - SQUARE_HALF)}h{size}v{size}h-{size}z"


def broken_path(xy: Sequence[tuple[float, float] | None]) -> str:
    """A path through the points, lifting the pen at each None (a hidden value is a gap,
    never joined over)."""
    parts, pen_down = [], False
    for p in xy:
        if p is None:
            pen_down = False
            continue
        parts.append(f"{'L' if pen_down else 'M'}{num(p[0])} {num(p[1])}")
        pen_down = True
    return "".join(parts)


def step_path(
    xs: Sequence[float], values: Sequence[float | None], parts: Sequence[int], to_y
) -> str:
    """Horizontal steps: each value spans half-way to its neighbours, and the line breaks
    where a part ends or a value is missing (limits of a p chart change with n)."""
    d, pen_down = [], False
    count = len(xs)
    for i, value in enumerate(values):
        if value is None:
            pen_down = False
            continue
        left = xs[i] if i == 0 or parts[i - 1] != parts[i] else (xs[i - 1] + xs[i]) / 2
        right = xs[i] if i == count - 1 or parts[i + 1] != parts[i] else (xs[i] + xs[i + 1]) / 2
        if left == right:  # a part of one point: a short tick
            left, right = left - 4, right + 4
        if pen_down and (i == 0 or parts[i - 1] == parts[i]):
            same = values[i - 1] == value
            d.append(f"H{num(right)}" if same else f"V{num(to_y(value))}H{num(right)}")
        else:
            d.append(f"M{num(left)} {num(to_y(value))}H{num(right)}")
        pen_down = True
    return "".join(d)


def x_labels(
    days: Sequence[dt.date], xs: Sequence[float], right: float, room: float
) -> tuple[Tick, ...]:
    """As many period labels as fit in `room` (one per X_LABEL_ROOM), evenly picked,
    always including the last; a label too near the right edge ends at its tick."""
    if not days:
        return ()
    most = max(2, int(room // X_LABEL_ROOM))
    step = max(1, math.ceil(len(days) / most))
    picked = list(range(len(days) - 1, -1, -step))[::-1]
    return tuple(
        Tick(
            num(xs[i]), day=days[i], anchor="end" if xs[i] > right - RIGHT_LABEL_ROOM else "middle"
        )
        for i in picked
    )


def spc_chart(spec: SpcSpec) -> SpcChart:
    """Lay out one chart. Periods are placed by date, so a comparison line and annotation
    dates fall where they belong; a chart with no shown value says so (the template)."""
    plot_left, plot_top = MARGIN_LEFT, MARGIN_TOP
    plot_width = spec.width - MARGIN_LEFT - MARGIN_RIGHT
    plot_height = spec.height - MARGIN_TOP - MARGIN_BOTTOM
    plot_right, plot_bottom = plot_left + plot_width, plot_top + plot_height
    days = sorted({p.x for p in spec.points} | {d for ln in spec.lines for d, _ in ln.points})
    first, last = (days[0], days[-1]) if days else (dt.date(2000, 1, 1), dt.date(2000, 1, 2))
    span = (last - first).days

    def to_x(day: dt.date) -> float:
        if span <= 0:
            return plot_left + plot_width / 2
        share = min(max((day - first).days / span, 0.0), 1.0)
        return round(plot_left + 8 + share * (plot_width - 16), 1)

    if spec.scale is not None:
        low, high = spec.scale
        step = nice_step(high - low)
    else:
        low, high, step = value_scale(chart_values(spec), floor=spec.floor, ceiling=spec.ceiling)

    def to_y(value: float) -> float:
        share = (value - low) / (high - low) if high > low else 0.5
        return round(plot_bottom - min(max(share, 0.0), 1.0) * plot_height, 1)

    points = tuple(sorted(spec.points, key=lambda p: p.x))
    xs = [to_x(p.x) for p in points]
    xy = [(x, to_y(p.y)) if p.y is not None else None for x, p in zip(xs, points, strict=True)]
    parts = [p.part for p in points]

    def in_scale(value: float | None) -> float | None:
        # A limit outside the scale (below 0 %) is left out, not drawn at the edge.
        return value if value is not None and low <= value <= high else None

    centre_d = step_path(xs, [p.cl for p in points], parts, to_y)
    limits_d = step_path(xs, [in_scale(p.lcl) for p in points], parts, to_y) + step_path(
        xs, [in_scale(p.ucl) for p in points], parts, to_y
    )
    outside = [
        (x, p) for x, p in zip(xs, points, strict=True) if p.y is not None and p.sigma_signal
    ]
    runs = [
        (x, p)
        for x, p in zip(xs, points, strict=True)
        if p.y is not None and p.runs_signal and not p.sigma_signal
    ]
    phase_xs = [(xs[i - 1] + xs[i]) / 2 for i in range(1, len(points)) if parts[i] != parts[i - 1]]
    phase_d = "".join(f"M{num(x)} {num(plot_top)}V{num(plot_bottom)}" for x in phase_xs)
    drawn_lines = []
    for index, line in enumerate(spec.lines):
        line_points = sorted(line.points)
        line_xy = [(to_x(d), to_y(v)) if v is not None else None for d, v in line_points]
        shown = [p for p in line_xy if p is not None]
        drawn_lines.append(
            DrawnLine(
                label=line.label,
                d=broken_path(line_xy),
                dash=LINE_DASHES[index % len(LINE_DASHES)],
                end_x=num(shown[-1][0]) if shown else "",
                end_y=num(shown[-1][1]) if shown else "",
            )
        )
    markers = []
    for number, marker in enumerate(sorted(spec.markers, key=lambda m: m.on), start=1):
        if days and not first <= marker.on <= last:
            continue
        x = to_x(marker.on)
        markers.append(
            DrawnMarker(
                number=number,
                text=marker.text,
                on=marker.on,
                d=f"M{num(x)} {num(plot_top)}V{num(plot_bottom)}",
                label_x=num(x),
                label_y=num(plot_top - 8),
            )
        )
    decimals = step_decimals(step)
    y_ticks = []
    value = math.ceil(low / step - 1e-9) * step
    while value <= high + step * 1e-6:
        shown_value = round(value, decimals) + 0.0
        y_ticks.append(Tick(num(to_y(shown_value)), f"{shown_value:.{decimals}f}"))
        value += step
    target_d = ""
    if spec.target is not None and low <= spec.target <= high:
        target_d = f"M{num(plot_left)} {num(to_y(spec.target))}H{num(plot_right)}"
    left, right, bottom = num(plot_left), num(plot_right), num(plot_bottom)
    return SpcChart(
        key=spec.key,
        title=spec.title,
        description=spec.description,
        value_label=spec.value_label,
        width=spec.width,
        height=spec.height,
        value_low=low,
        value_high=high,
        y_ticks=tuple(y_ticks),
        x_ticks=x_labels(
            [p.x for p in points] or days, xs or [to_x(d) for d in days], spec.width, plot_width
        ),
        series_label=spec.series_label,
        series_d=broken_path(xy),
        dots_d="".join(f"M{num(p[0])} {num(p[1])}h0" for p in xy if p is not None),
        centre_d=centre_d,
        limits_d=limits_d,
        target_d=target_d,
        outside_d="".join(diamond(x, to_y(p.y)) for x, p in outside),
        run_d="".join(square(x, to_y(p.y)) for x, p in runs),
        phase_d=phase_d,
        lines=tuple(drawn_lines),
        markers=tuple(markers),
        outside_count=len(outside),
        run_count=len(runs),
        parts=len(set(parts)),
        shown_points=sum(1 for p in xy if p is not None),
        text={
            "grid_d": "".join(f"M{left} {t.position}H{right}" for t in y_ticks),
            "axis_d": f"M{left} {num(plot_top)}V{bottom}H{right}",
            "x_tick_d": "",
            "value_label_x": num(plot_left - 6),
            "date_label_y": num(plot_bottom + 20),
            "middle_x": num(plot_left + plot_width / 2),
            "middle_y": num(plot_top + plot_height / 2),
        },
    )


def shared_scale(specs: Sequence[SpcSpec]) -> tuple[float, float]:
    """One value scale for several charts (small multiples are compared by eye)."""
    values = [v for spec in specs for v in chart_values(spec)]
    floor = specs[0].floor if specs else None
    ceiling = specs[0].ceiling if specs else None
    low, high, _ = value_scale(values, floor=floor, ceiling=ceiling)
    return low, high


def sparkline(
    values: Sequence[float | None], *, low: float | None = None, high: float | None = None
) -> Sparkline:
    """A small line of a series (hidden values are gaps) with the latest value marked.
    The scale is the data's, or `low`..`high` when given."""
    shown = [v for v in values if v is not None]
    lo = low if low is not None else (min(shown) if shown else 0.0)
    hi = high if high is not None else (max(shown) if shown else 1.0)
    if hi <= lo:
        lo, hi = lo - 1, hi + 1
    count = len(values)
    inner_w, inner_h = SPARK_WIDTH - 2 * SPARK_PAD, SPARK_HEIGHT - 2 * SPARK_PAD

    def xy(i: int, v: float) -> tuple[float, float]:
        x = SPARK_PAD + (inner_w * i / (count - 1) if count > 1 else inner_w / 2)
        y = SPARK_PAD + inner_h * (1 - (v - lo) / (hi - lo))
        return round(x, 1), round(y, 1)

    points = [xy(i, v) if v is not None else None for i, v in enumerate(values)]
    drawn = [p for p in points if p is not None]
    return Sparkline(
        width=SPARK_WIDTH,
        height=SPARK_HEIGHT,
        d=broken_path(points),
        last_x=num(drawn[-1][0]) if drawn else "",
        last_y=num(drawn[-1][1]) if drawn else "",
        shown=len(drawn),
    )


# --- From qic() to chart points, and the signal status in words ------------------------------

# Fewer shown periods than this: the status is "too few periods" (Anhøj's runs rules and
# 3-sigma limits need some 10-12 useful points to say anything; qicharts2 draws from 2).
MIN_SHOWN_PERIODS = 12
IMPROVEMENT, DETERIORATION, UNCLEAR, COMMON, TOO_FEW = (
    "improvement",
    "deterioration",
    "unclear",
    "common",
    "too-few",
)


def long_run_members(
    ys: Sequence[float | None], cls: Sequence[float | None], longest_run_max: int | None
) -> set[int]:
    """Indices of the points in a run on one side of the centre line longer than
    `longest_run_max` (points on the line and hidden points neither break nor extend a
    run, as in Anhøj's rules)."""
    if longest_run_max is None:
        return set()
    members: set[int] = set()
    run: list[int] = []
    side = 0
    for i, (y, cl) in enumerate(zip(ys, cls, strict=True)):
        if y is None or cl is None or y == cl:
            continue
        this = 1 if y > cl else -1
        if this != side:
            if len(run) > longest_run_max:
                members.update(run)
            run, side = [], this
        run.append(i)
    if len(run) > longest_run_max:
        members.update(run)
    return members


def chart_points(records: Sequence) -> tuple[ChartPoint, ...]:
    """qic() records (coproduce.spc.QicPoint, one facet) as chart points; the squares go on
    the points of a long run in a part with a runs signal."""
    by_part: dict[int, list[int]] = {}
    for i, r in enumerate(records):
        by_part.setdefault(r.part, []).append(i)
    in_run: set[int] = set()
    for indices in by_part.values():
        first = records[indices[0]]
        if not first.runs_signal:
            continue
        members = long_run_members(
            [records[i].y for i in indices],
            [records[i].cl for i in indices],
            first.longest_run_max,
        )
        in_run.update(indices[m] for m in members)
    return tuple(
        ChartPoint(
            x=r.x,
            y=r.y,
            cl=r.cl,
            lcl=r.lcl,
            ucl=r.ucl,
            part=r.part,
            sigma_signal=bool(r.sigma_signal),
            runs_signal=i in in_run,
        )
        for i, r in enumerate(records)
    )


def signal_status(points: Sequence[ChartPoint], *, direction: str, part_signal: bool) -> str:
    """What the newest part of a chart says: "improvement" or "deterioration" (special
    cause, by the measure's direction), "unclear" (a runs signal with no long run, i.e.
    too few crossings), "common" (common cause only) or "too-few" periods shown.
    `part_signal` is the newest part's runs signal from qic()."""
    if sum(1 for p in points if p.y is not None) < MIN_SHOWN_PERIODS:
        return TOO_FEW
    newest = max((p.part for p in points), default=1)
    part = [p for p in points if p.part == newest and p.y is not None and p.cl is not None]
    signalled = [p for p in part if p.sigma_signal] or [p for p in part if p.runs_signal]
    if not signalled:
        return UNCLEAR if part_signal else COMMON
    latest = signalled[-1]
    up = latest.y > latest.cl
    better_up = direction == "higher-is-better"
    return IMPROVEMENT if up == better_up else DETERIORATION

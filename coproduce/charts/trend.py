"""The geometry of a trend chart: one series over a period, with the patient's goal, the
clinical target and severity bands on the same value scale, and optionally the centre line,
control limits and signal points of an I chart of the patient's own values.

Everything here is a frozen dataclass or a function of them. Positions are in SVG user
units on a `width` x `height` canvas; the template scales the canvas to the page width.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

# The canvas is narrow on purpose: on a 360 px phone it is drawn at about 0.8 of its size,
# so 14-unit text stays readable; on a desktop the template caps its width.
WIDTH = 400
HEIGHT = 230
MARGIN_LEFT = 44  # room for value labels
MARGIN_RIGHT = 10
MARGIN_TOP = 12
MARGIN_BOTTOM = 30  # room for date labels
MAX_X_TICKS = 5
Y_TICK_TARGET = 5
# Long series are thinned for drawing (the data table keeps every value); markers are drawn
# only when they stay apart, else the line alone carries the series.
MAX_DRAWN_POINTS = 160
MAX_MARKED_POINTS = 60
# A band shorter than this has no room for its name (the legend and the table still say it).
MIN_BAND_LABEL_HEIGHT = 16
# Signal points: a diamond (outside the control limits) and a square (in an unusually long
# run), half-sizes in user units, so a signal is told by its shape, never by colour alone.
DIAMOND_HALF = 6.5
SQUARE_HALF = 5
# Goal and target lines closer than this have their labels on opposite sides.
LABEL_CLEARANCE = 30
# A date label centred closer than this to the right edge would be cut off.
RIGHT_LABEL_ROOM = 30
MONTH_STEPS = (1, 2, 3, 6, 12, 24, 60, 120)
DAY_STEPS = (1, 2, 7, 14)


class Point(NamedTuple):
    """One value at one time (an aware datetime). A named tuple rather than a dataclass:
    a dashboard makes thousands, and callers can hand theirs over without copying."""

    at: dt.datetime
    value: float


@dataclass(frozen=True)
class Band:
    """A severity band of an instrument: values from `low` (inclusive) up to `high` (the
    next band's lower bound, or the top of the scale when None)."""

    low: float
    high: float | None
    label: str


@dataclass(frozen=True)
class Level:
    """A goal or target: at most `high`, at least `low`, or between the two."""

    low: float | None
    high: float | None
    label: str

    @property
    def values(self) -> tuple[float, ...]:
        return tuple(v for v in (self.low, self.high) if v is not None)


@dataclass(frozen=True)
class Control:
    """An I chart drawn over the series: the centre line and the control limits (None when
    a limit does not exist), from `start` (the first charted value) to the chart's end, and
    the points that signal: `outside` the limits, or in an unusually `long_run`."""

    start: dt.datetime
    centre: float
    lower: float | None
    upper: float | None
    outside: tuple[Point, ...] = ()
    long_run: tuple[Point, ...] = ()

    @property
    def values(self) -> tuple[float, ...]:
        return tuple(v for v in (self.lower, self.centre, self.upper) if v is not None)


@dataclass(frozen=True)
class ChartSpec:
    """What to draw. `floor`/`ceiling` are the lowest and highest values the measure can
    take (an instrument's score range), used as the value scale when both are known."""

    key: str
    title: str
    description: str
    points: tuple[Point, ...]
    start: dt.datetime
    end: dt.datetime
    floor: float | None = None
    ceiling: float | None = None
    bands: tuple[Band, ...] = ()
    goal: Level | None = None
    target: Level | None = None
    width: int = WIDTH
    height: int = HEIGHT
    max_points: int = MAX_DRAWN_POINTS
    control: Control | None = None
    # When the caller thinned a long series already (to avoid converting values it will not
    # draw), how many values the period has; None means `points` is the whole series.
    total_points: int | None = None


@dataclass(frozen=True)
class Box:
    left: float
    top: float
    width: float
    height: float

    @property
    def right(self) -> float:
        return self.left + self.width

    @property
    def bottom(self) -> float:
        return self.top + self.height

    # Anchors for text, so templates need no arithmetic.
    @property
    def value_label_x(self) -> float:
        return self.left - 6

    @property
    def date_label_y(self) -> float:
        return self.bottom + 19

    @property
    def inner_left(self) -> float:
        return self.left + 5

    @property
    def inner_right(self) -> float:
        return self.right - 4

    @property
    def middle_x(self) -> float:
        return self.left + self.width / 2

    @property
    def middle_y(self) -> float:
        return self.top + self.height / 2


@dataclass(frozen=True)
class YTick:
    y: float
    value: float
    label: str

    @property
    def y_text(self) -> str:
        return num(self.y)


@dataclass(frozen=True)
class XTick:
    """A date tick; the template formats `day` with the chart's `x_format` (a Django date
    format such as "M Y"), so month names follow the reader's language."""

    x: float
    day: dt.date
    anchor: str = "middle"  # "end" near the right edge, so the label stays on the canvas

    @property
    def x_text(self) -> str:
        return num(self.x)


@dataclass(frozen=True)
class BandShape:
    top: float
    height: float
    label: str
    label_y: float | None  # None when the band is too short for its name
    shade: int  # 0 or 1: neighbouring bands alternate, and a rule separates them

    @property
    def label_y_text(self) -> str:
        return num(self.label_y) if self.label_y is not None else ""


@dataclass(frozen=True)
class LevelShape:
    """A goal or target drawn as one or two lines (between: a shaded band between them)."""

    lines: tuple[float, ...]
    label: str
    label_y: float
    band_top: float | None = None
    band_height: float | None = None
    # Pre-formatted for the template: every line as one path, and the label's position.
    lines_d: str = ""
    band_d: str = ""
    label_x_text: str = ""
    label_y_text: str = ""


@dataclass(frozen=True)
class ControlShape:
    """Pre-formatted SVG paths of an I chart: the centre line, the limits drawn (a limit
    outside the value scale, such as a lower limit below a score's 0, is left out), and the
    signal points as diamonds and squares."""

    centre_d: str
    limits_d: str
    outside_d: str
    long_run_d: str
    limits_drawn: int
    outside_count: int
    long_run_count: int


@dataclass(frozen=True)
class TrendChart:
    key: str
    title: str
    description: str
    width: int
    height: int
    plot: Box
    value_low: float
    value_high: float
    y_ticks: tuple[YTick, ...]
    x_ticks: tuple[XTick, ...]
    x_format: str
    bands: tuple[BandShape, ...]
    goal: LevelShape | None
    target: LevelShape | None
    line: str  # polyline points, "x,y x,y …"; empty with fewer than two points
    markers: str  # path data drawing a dot at each point ("M x y h0 …"), or ""
    last: tuple[float, float] | None  # the latest value, always marked
    drawn_points: int
    total_points: int
    empty: bool = field(default=False)
    control: ControlShape | None = None
    # Pre-formatted SVG for the template (one path per kind of line, few template variables).
    text: dict[str, str] = field(default_factory=dict)

    @property
    def thinned(self) -> bool:
        return self.drawn_points < self.total_points


def num(value: float) -> str:
    """A coordinate as SVG wants it: '.' decimals, at most one, whatever the page's
    language (templates would localise floats: '165,2' breaks SVG)."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


# --- Scales ----------------------------------------------------------------------------------


def nice_step(span: float, count: int = Y_TICK_TARGET) -> float:
    """A round tick step (1, 2 or 5 times a power of ten) giving about `count` ticks over
    `span` (Heckbert, "Nice numbers for graph labels", Graphics Gems, 1990)."""
    if span <= 0 or not math.isfinite(span):
        return 1.0
    raw = span / max(count, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    fraction = raw / magnitude
    if fraction < 1.5:
        return 1 * magnitude
    if fraction < 3:
        return 2 * magnitude
    if fraction < 7:
        return 5 * magnitude
    return 10 * magnitude


def value_domain(
    values: Sequence[float], *, floor: float | None = None, ceiling: float | None = None
) -> tuple[float, float, float]:
    """(low, high, step) of the value scale. A measure with a known range (a score from 0
    to 27) uses that range, so the bands keep their place as the series changes; otherwise
    the scale is the data (with goal and target) padded and rounded to the tick step, and
    kept inside the measure's range where one end is known."""
    if floor is not None and ceiling is not None and ceiling > floor:
        low = min([floor, *values])
        high = max([ceiling, *values])
        return low, high, nice_step(high - low)
    if not values:
        low, high = (floor, floor + 10) if floor is not None else (0.0, 10.0)
        if ceiling is not None and floor is None:
            low, high = ceiling - 10, ceiling
        return low, high, nice_step(high - low)
    low, high = min(values), max(values)
    if high == low:
        pad = abs(low) * 0.1 or 1.0
        low, high = low - pad, high + pad
    else:
        pad = (high - low) * 0.08
        low, high = low - pad, high + pad
    step = nice_step(high - low)
    low = math.floor(low / step) * step
    high = math.ceil(high / step) * step
    if floor is not None:
        low = max(low, min(floor, min(values)))
    if ceiling is not None:
        high = min(high, max(ceiling, max(values)))
    return low, high, step


def step_decimals(step: float) -> int:
    """Decimals needed to write multiples of `step` exactly (0.25 → 2, 5 → 0)."""
    for decimals in range(6):
        if abs(round(step, decimals) - step) < 1e-9:
            return decimals
    return 6


def y_ticks(low: float, high: float, step: float, to_y) -> tuple[YTick, ...]:
    decimals = step_decimals(step)
    first = math.ceil(low / step - 1e-9) * step
    ticks = []
    value = first
    while value <= high + step * 1e-6:
        shown = round(value, decimals) + 0.0  # + 0.0 turns -0.0 into 0.0
        ticks.append(YTick(y=round(to_y(shown), 1), value=shown, label=f"{shown:.{decimals}f}"))
        value += step
    return tuple(ticks)


def add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def x_ticks(start: dt.datetime, end: dt.datetime, to_x) -> tuple[tuple[XTick, ...], str]:
    """Date ticks on whole months (or days for a short span), at most MAX_X_TICKS, and the
    date format to write them with."""
    zone = start.tzinfo
    first_day, last_day = start.date(), end.date()
    span_days = (last_day - first_day).days
    if span_days < 45:
        step = next((s for s in DAY_STEPS if span_days // s + 1 <= MAX_X_TICKS), DAY_STEPS[-1])
        days = [first_day + dt.timedelta(days=i) for i in range(0, span_days + 1, step)]
        return tuple(XTick(round(to_x(as_midnight(d, zone)), 1), d) for d in days), "j M"
    months = (last_day.year - first_day.year) * 12 + last_day.month - first_day.month
    step = next((s for s in MONTH_STEPS if months // s <= MAX_X_TICKS - 1), MONTH_STEPS[-1])
    day = add_months(first_day.replace(day=1), 0 if first_day.day == 1 else 1)
    if step >= 12:  # whole years, on years divisible by the step
        years = step // 12
        year = first_day.year + (0 if first_day == dt.date(first_day.year, 1, 1) else 1)
        year += (-year) % years
        day = dt.date(year, 1, 1)
    else:
        while (day.month - 1) % step:
            day = add_months(day, 1)
    ticks = []
    while day <= last_day:
        ticks.append(XTick(round(to_x(as_midnight(day, zone)), 1), day))
        day = add_months(day, step)
    return tuple(ticks), ("Y" if step >= 12 else "M Y")


def as_midnight(day: dt.date, zone) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=zone)


# --- Series -------------------------------------------------------------------------------------


def downsample_indices(values: Sequence[float], limit: int) -> list[int]:
    """Which of `values` (in time order) to draw so that at most about `limit` remain and
    the shape is kept: the series is cut into buckets and each keeps its lowest and highest
    value, so peaks and troughs are never dropped; the first and the last always stay."""
    count = len(values)
    if count <= limit + 2 or limit < 4:
        return list(range(count))
    buckets = limit // 2
    size = count / buckets
    kept = {0, count - 1}
    get = values.__getitem__
    for b in range(buckets):
        indices = range(int(b * size), min(int((b + 1) * size), count))
        if indices:
            kept.add(min(indices, key=get))
            kept.add(max(indices, key=get))
    return sorted(kept)


def downsample(points: Sequence[Point], limit: int) -> tuple[Point, ...]:
    """At most about `limit` of `points`, keeping extremes (see `downsample_indices`)."""
    indices = downsample_indices([p.value for p in points], limit)
    if len(indices) == len(points):
        return tuple(points)
    return tuple(points[i] for i in indices)


def level_shape(
    level: Level | None, to_y, plot: Box, *, label_below: bool = False
) -> LevelShape | None:
    """A goal's label sits above its line, a target's below, so the two never overlap."""
    if level is None or not level.values:
        return None
    lines = tuple(round(to_y(v), 1) for v in level.values)
    top = min(lines)
    if label_below:
        label_y = round(min(max(lines) + 16, plot.bottom - 3), 1)
    else:
        label_y = round(max(top - 4, plot.top + 11), 1)
    strings = {
        "lines_d": "".join(f"M{num(plot.left)} {num(y)}H{num(plot.right)}" for y in lines),
        "label_x_text": num(plot.inner_right),
        "label_y_text": num(label_y),
    }
    if len(lines) == 2:
        height = round(abs(lines[0] - lines[1]), 1)
        return LevelShape(
            lines=lines,
            label=level.label,
            label_y=label_y,
            band_top=top,
            band_height=height,
            band_d=f"M{num(plot.left)} {num(top)}h{num(plot.width)}v{num(height)}"
            f"h-{num(plot.width)}z",
            **strings,
        )
    return LevelShape(lines=lines, label=level.label, label_y=label_y, **strings)


def level_shapes(
    goal: Level | None, target: Level | None, to_y, plot: Box
) -> tuple[LevelShape | None, LevelShape | None]:
    """The goal's label sits above its line and the target's below; when the two lines are
    close and the target is the higher one, they swap sides so the labels never overlap."""
    goal_below = False
    target_below = True
    if goal is not None and target is not None and goal.values and target.values:
        goal_y = min(to_y(v) for v in goal.values)
        target_y = min(to_y(v) for v in target.values)
        if abs(goal_y - target_y) < LABEL_CLEARANCE and target_y < goal_y:
            goal_below, target_below = True, False
    return (
        level_shape(goal, to_y, plot, label_below=goal_below),
        level_shape(target, to_y, plot, label_below=target_below),
    )


def band_shapes(bands: Sequence[Band], low: float, high: float, to_y) -> tuple[BandShape, ...]:
    shapes = []
    for index, band in enumerate(bands):
        band_low = max(band.low, low)
        band_high = min(band.high if band.high is not None else high, high)
        if band_high <= band_low:
            continue
        top, bottom = to_y(band_high), to_y(band_low)
        height = bottom - top
        label_y = round(top + 13, 1) if height >= MIN_BAND_LABEL_HEIGHT else None
        shapes.append(
            BandShape(
                top=round(top, 1),
                height=round(height, 1),
                label=band.label,
                label_y=label_y,
                shade=index % 2,
            )
        )
    return tuple(shapes)


def within(value: float, low: float | None, high: float | None) -> bool:
    return (low is None or value >= low) and (high is None or value <= high)


def diamond(x: float, y: float) -> str:
    h = num(DIAMOND_HALF)
    return f"M{num(x)} {num(y - DIAMOND_HALF)}l{h} {h}-{h} {h}-{h}-{h}z"


def square(x: float, y: float) -> str:
    size = num(2 * SQUARE_HALF)
    return f"M{num(x - SQUARE_HALF)} {num(y - SQUARE_HALF)}h{size}v{size}h-{size}z"


def control_shape(control: Control | None, low: float, high: float, to_x, to_y, plot: Box):
    """The I chart's lines from its first value to the right edge, and its signal points.
    The centre line is always inside the scale (it is an average of drawn values)."""
    if control is None:
        return None
    left, right = num(round(to_x(control.start), 1)), num(plot.right)
    limits = [v for v in (control.lower, control.upper) if v is not None and low <= v <= high]
    centre_y = num(round(to_y(control.centre), 1))

    def xy(p: Point) -> tuple[float, float]:
        return round(to_x(p.at), 1), round(to_y(p.value), 1)

    return ControlShape(
        centre_d=f"M{left} {centre_y}H{right}",
        limits_d="".join(f"M{left} {num(round(to_y(v), 1))}H{right}" for v in limits),
        outside_d="".join(diamond(*xy(p)) for p in control.outside),
        long_run_d="".join(square(*xy(p)) for p in control.long_run),
        limits_drawn=len(limits),
        outside_count=len(control.outside),
        long_run_count=len(control.long_run),
    )


def trend_chart(spec: ChartSpec) -> TrendChart:
    """Lay out one trend chart. Points outside the period are clamped to its edges; an
    empty series gives an empty chart (the template says so in words)."""
    plot = Box(
        MARGIN_LEFT,
        MARGIN_TOP,
        spec.width - MARGIN_LEFT - MARGIN_RIGHT,
        spec.height - MARGIN_TOP - MARGIN_BOTTOM,
    )
    points = tuple(sorted(spec.points, key=lambda p: p.at))
    levels = [v for level in (spec.goal, spec.target) if level is not None for v in level.values]
    if spec.control is not None:
        # Limits widen the scale only as far as the measure can go (no PHQ-9 below 0).
        levels += [v for v in spec.control.values if within(v, spec.floor, spec.ceiling)]
    low, high, step = value_domain(
        [p.value for p in points] + levels, floor=spec.floor, ceiling=spec.ceiling
    )
    start, end = spec.start, max(spec.end, spec.start)
    seconds = (end - start).total_seconds()

    def to_x(at: dt.datetime) -> float:
        if seconds <= 0:
            return plot.left + plot.width / 2
        share = (at - start).total_seconds() / seconds
        return plot.left + min(max(share, 0.0), 1.0) * plot.width

    def to_y(value: float) -> float:
        share = (value - low) / (high - low)
        return plot.bottom - min(max(share, 0.0), 1.0) * plot.height

    drawn = downsample(points, spec.max_points)
    xy = [(round(to_x(p.at), 1), round(to_y(p.value), 1)) for p in drawn]
    line = " ".join(f"{num(x)},{num(y)}" for x, y in xy) if len(xy) >= 2 else ""
    markers = (
        "".join(f"M{num(x)} {num(y)}h0" for x, y in xy) if len(xy) <= MAX_MARKED_POINTS else ""
    )
    ticks, x_format = x_ticks(start, end, to_x)
    ticks = tuple(
        XTick(t.x, t.day, "end") if t.x > plot.right - RIGHT_LABEL_ROOM else t for t in ticks
    )
    goal, target = level_shapes(spec.goal, spec.target, to_y, plot)
    value_ticks = y_ticks(low, high, step, to_y)
    bands = band_shapes(spec.bands, low, high, to_y)
    control = control_shape(spec.control, low, high, to_x, to_y, plot)
    left, right, bottom = num(plot.left), num(plot.right), num(plot.bottom)
    width = num(plot.width)
    text = {
        "left": left,
        "top": num(plot.top),
        "width": width,
        "value_label_x": num(plot.value_label_x),
        "date_label_y": num(plot.date_label_y),
        "band_label_x": num(plot.inner_left),
        "middle_x": num(plot.middle_x),
        "middle_y": num(plot.middle_y),
        "grid_d": "".join(f"M{left} {t.y_text}H{right}" for t in value_ticks),
        "x_tick_d": "".join(f"M{t.x_text} {bottom}V{num(plot.date_label_y - 12)}" for t in ticks),
        "axis_d": f"M{left} {num(plot.top)}V{bottom}H{right}",
        "band_0_d": "".join(
            f"M{left} {num(b.top)}h{width}v{num(b.height)}h-{width}z" for b in bands if not b.shade
        ),
        "band_1_d": "".join(
            f"M{left} {num(b.top)}h{width}v{num(b.height)}h-{width}z" for b in bands if b.shade
        ),
        "band_edge_d": "".join(f"M{left} {num(b.top)}H{right}" for b in bands),
    }
    return TrendChart(
        key=spec.key,
        title=spec.title,
        description=spec.description,
        width=spec.width,
        height=spec.height,
        plot=plot,
        value_low=low,
        value_high=high,
        y_ticks=value_ticks,
        x_ticks=ticks,
        x_format=x_format,
        bands=bands,
        goal=goal,
        target=target,
        line=line,
        markers=markers,
        last=xy[-1] if xy else None,
        drawn_points=len(drawn),
        total_points=spec.total_points if spec.total_points is not None else len(points),
        empty=not points,
        control=control,
        text={
            **text,
            "last_x": num(xy[-1][0]) if xy else "",
            "last_y": num(xy[-1][1]) if xy else "",
        },
    )

"""Special-cause signals in one patient's own series (issue 7, item 6): an I chart of the
latest values of a chart, to tell a real change from everyday ups and downs.

Pure (no Django; import-linter contract): the statistics are `coproduce.spc.qic` with
`chart="i"` (qicharts2 0.8.1: mean centre line, 3-sigma limits from the average moving
range after Nelson's screening of large moving ranges, Anhøj runs rules). This module only
chooses the values, asks `qic()` and finds which points carry a signal so the chart can
mark them and the words can name them. Nothing here recomputes limits or runs limits.

How many values (decided here; GLOSSARY.md "Special cause (one patient)"):
- At most `WINDOW` (30) of the newest values of the period shown: a patient's level moves
  over years, and a baseline that long would blur a recent change into "usual".
- No limits and no signals under `MIN_VALUES` (12). Anhøj's runs rules are meaningful from
  about 10-12 useful points (Anhøj & Olesen, PLoS ONE 2014;9:e113825), and Provost &
  Murray (The Health Care Data Guide, 2011, ch. 5) calculate trial limits for an I chart
  from as few as 12 subgroups (20-30 preferred). With fewer, the page says how many more
  are needed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from coproduce.charts import Point
from coproduce.spc import qic

WINDOW = 30
MIN_VALUES = 12
ABOVE, BELOW = 1, -1


@dataclass(frozen=True)
class Run:
    """Consecutive charted points (`start`..`end`, indices into `OwnSpc.points`, inclusive)
    on one `side` of the centre line (ABOVE or BELOW); points on the line are not useful to
    the runs analysis, so they neither break nor count towards a run."""

    start: int
    end: int
    side: int
    length: int


@dataclass(frozen=True)
class OwnSpc:
    """An I chart of one patient's series. With fewer than `needed` values, only `count`
    is meaningful: `enough` is False and no line or signal is given."""

    points: tuple[Point, ...]  # the charted values, oldest first
    needed: int
    centre: float | None = None
    lower: float | None = None
    upper: float | None = None
    above: tuple[int, ...] = ()  # indices of points above the upper limit
    below: tuple[int, ...] = ()  # indices of points below the lower limit
    runs_signal: bool = False
    longest_run: int | None = None
    longest_run_max: int | None = None
    crossings: int | None = None
    crossings_min: int | None = None
    long_run: Run | None = None  # the newest run longer than `longest_run_max`, if any

    @property
    def count(self) -> int:
        return len(self.points)

    @property
    def enough(self) -> bool:
        return self.count >= self.needed and self.centre is not None

    @property
    def outside(self) -> tuple[int, ...]:
        """Points outside the limits, oldest first."""
        return tuple(sorted((*self.above, *self.below)))

    @property
    def few_crossings(self) -> bool:
        return (
            self.crossings is not None
            and self.crossings_min is not None
            and self.crossings < self.crossings_min
        )

    @property
    def run_points(self) -> tuple[int, ...]:
        """Points of the unusually long run that are not outside the limits too."""
        if self.long_run is None:
            return ()
        outside = set(self.outside)
        return tuple(
            i
            for i in range(self.long_run.start, self.long_run.end + 1)
            if i not in outside and self.points[i].value != self.centre
        )

    @property
    def signal(self) -> bool:
        return bool(self.outside) or self.runs_signal


def runs_of(values: Sequence[float], centre: float) -> list[Run]:
    """The runs of `values` about `centre`, oldest first (points on the line skipped)."""
    runs: list[Run] = []
    for index, value in enumerate(values):
        if value == centre:
            continue
        side = ABOVE if value > centre else BELOW
        if runs and runs[-1].side == side:
            last = runs[-1]
            runs[-1] = Run(last.start, index, side, last.length + 1)
        else:
            runs.append(Run(index, index, side, 1))
    return runs


def own_spc(points: Sequence[Point], *, window: int = WINDOW, minimum: int = MIN_VALUES) -> OwnSpc:
    """The I chart of the newest `window` of `points` (oldest first), or the count alone
    when there are fewer than `minimum`."""
    charted = tuple(points[-window:]) if window > 0 else ()
    if len(charted) < minimum:
        return OwnSpc(points=charted, needed=minimum)
    values = [p.value for p in charted]
    result = qic(values, chart="i")
    records = result.points
    first = records[0]
    centre = first.cl
    if centre is None:  # pragma: no cover - an I chart of finite values always has one
        return OwnSpc(points=charted, needed=minimum)
    long_run = None
    if first.longest_run_max is not None and first.longest_run is not None:
        long = [r for r in runs_of(values, centre) if r.length > first.longest_run_max]
        long_run = long[-1] if long else None
    return OwnSpc(
        points=charted,
        needed=minimum,
        centre=centre,
        lower=first.lcl,
        upper=first.ucl,
        above=tuple(
            i for i, r in enumerate(records) if r.sigma_signal and r.ucl is not None and r.y > r.ucl
        ),
        below=tuple(
            i for i, r in enumerate(records) if r.sigma_signal and r.lcl is not None and r.y < r.lcl
        ),
        runs_signal=first.runs_signal,
        longest_run=first.longest_run,
        longest_run_max=first.longest_run_max,
        crossings=first.n_crossings,
        crossings_min=first.n_crossings_min,
        long_run=long_run,
    )

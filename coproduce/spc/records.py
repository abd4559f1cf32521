"""What `qic()` returns: one record per plotted point and one summary per part.

Field names are qicharts2's (`return.data = TRUE` and `summary()`), with `_` for `.`.
Every R NA or NaN is None here. `facet1` and `facet2` are the facet labels (1 without
facets).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class QicPoint:
    """One subgroup (plotted point). `xx` is its 1-based position in the chart; `part` its
    1-based phase. `baseline` is true up to `freeze`; `include` is false for excluded points.
    `cl_lab`, `lcl_lab`, `ucl_lab` and `target_lab` are set on the last point of a part."""

    x: Any
    facet1: Any
    facet2: Any
    y_sum: float | None
    y_length: int
    y_mean: float | None
    y_sd: float | None
    n: float | None
    y: float | None
    cl: float | None
    target: float | None
    notes: str | None
    part: int
    xx: int
    baseline: bool
    include: bool
    lcl: float | None
    ucl: float | None
    lcl_95: float | None
    ucl_95: float | None
    n_obs: int
    n_useful: int
    runs_signal: bool
    longest_run: int | None
    longest_run_max: int | None
    n_crossings: int | None
    n_crossings_min: int | None
    cl_lab: float | None
    lcl_lab: float | None
    ucl_lab: float | None
    target_lab: float | None
    sigma_signal: bool


@dataclass(frozen=True, slots=True)
class PartSummary:
    """qicharts2's `summary()` row for one part: the runs statistics of the part,
    `runs_signal` as 0/1, the averages of the limits and centre line over the part (None
    when all are missing) and `sigma_signal` = the number of points outside the limits."""

    facet1: Any
    facet2: Any
    part: int
    n_obs: int
    n_useful: int
    longest_run: int | None
    longest_run_max: int | None
    n_crossings: int | None
    n_crossings_min: int | None
    runs_signal: int
    aLCL: float | None
    aLCL_95: float | None
    CL: float | None
    aUCL_95: float | None
    aUCL: float | None
    sigma_signal: int


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


@dataclass(frozen=True, slots=True)
class QicResult:
    """A chart: its type, its points in chart order, and one summary per part."""

    chart: str
    points: tuple[QicPoint, ...]
    summary: tuple[PartSummary, ...]

    def to_rows(self) -> list[dict[str, Any]]:
        """The points as plain dicts (dates as ISO 8601 text), ready for CSV or JSON."""
        return [{k: _plain(v) for k, v in asdict(point).items()} for point in self.points]

    def summary_rows(self) -> list[dict[str, Any]]:
        """The per-part summary as plain dicts."""
        return [asdict(part) for part in self.summary]

    @property
    def signal(self) -> bool:
        """True when any point is outside the limits or any part has a runs signal."""
        return any(p.sigma_signal or p.runs_signal for p in self.points)

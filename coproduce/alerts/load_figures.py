"""The arithmetic of alert load, and of the what-if view (no Django).

Figures are rounded half up (the way people round by hand), so a table and a hand
calculation agree: alerts per 100 reports to one decimal, shares to whole percent, the
median time to acknowledge to one decimal of an hour.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal


def rounded(value: float, places: int) -> float:
    """`value` rounded half up to `places` decimals (2.25 -> 2.3, unlike round())."""
    step = Decimal(1).scaleb(-places)
    return float(Decimal(str(value)).quantize(step, rounding=ROUND_HALF_UP))


def per_100(count: int, reports: int) -> float | None:
    """Alerts per 100 reports, one decimal; None when there were no reports."""
    if reports <= 0:
        return None
    return rounded(100 * count / reports, 1)


def share(part: int, whole: int) -> int | None:
    """`part` as a whole percentage of `whole`; None when `whole` is 0."""
    if whole <= 0:
        return None
    return int(rounded(100 * part / whole, 0))


def median(values: Sequence[float]) -> float | None:
    """The middle value (the mean of the two middle ones for an even count); None if empty."""
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def median_hours(durations: Sequence[dt.timedelta]) -> float | None:
    """The median of `durations` in hours, one decimal; None if there are none."""
    found = median([d.total_seconds() / 3600 for d in durations])
    return None if found is None else rounded(found, 1)


@dataclass(frozen=True)
class Firing:
    """One report on which a rule fires: whose, when, and the report's source
    ("QuestionnaireResponse/12", "Observation/34", "DialysisSession/5")."""

    patient_id: int
    at: dt.datetime
    source: str


NEVER = dt.datetime.max.replace(tzinfo=dt.UTC)


def alerts_opened(
    firings: Iterable[Firing],
    *,
    closed_at: Mapping[str, dt.datetime | None],
    stays_open: dt.timedelta,
    open_at_start: Mapping[int, dt.datetime | None] | None = None,
) -> list[Firing]:
    """The firings that open a new alert under "one open alert per rule and patient".

    Per patient, in time order: a firing while an alert of the same rule opened earlier
    is not yet closed attaches to that alert; otherwise it opens a new one. When the alert
    opened by a firing closes is not known for a rule that did not run, so it is
    approximated: the close time of the real alert the same report triggered (its source
    in `closed_at`; None there means that alert is still open), else `stays_open` after
    the firing. `open_at_start` gives, per patient, when an alert already open when the
    period starts closes (None: still open); firings before then attach to it.
    """
    open_at_start = open_at_start or {}
    by_patient: dict[int, list[Firing]] = {}
    for firing in firings:
        by_patient.setdefault(firing.patient_id, []).append(firing)
    opened: list[Firing] = []
    for patient_id, own in by_patient.items():
        open_until: dt.datetime | None = None
        if patient_id in open_at_start:
            open_until = open_at_start[patient_id] or NEVER
        for firing in sorted(own, key=lambda f: (f.at, f.source)):
            if open_until is not None and firing.at < open_until:
                continue
            opened.append(firing)
            if firing.source in closed_at:
                open_until = closed_at[firing.source] or NEVER
            else:
                open_until = firing.at + stays_open
    return sorted(opened, key=lambda f: (f.at, f.patient_id, f.source))


def missed(alert_sources: Mapping[int, Iterable[str]], firing_sources: Iterable[str]) -> list[int]:
    """The alerts (by id) none of whose trigger sources fire any more: they would not have
    been raised. `alert_sources` maps each alert to the sources of its triggers."""
    still = set(firing_sources)
    return sorted(a for a, sources in alert_sources.items() if not still.intersection(sources))

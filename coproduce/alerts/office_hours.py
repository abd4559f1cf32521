"""Response-time deadlines in a unit's office hours (no Django).

An urgent alert's target runs on the clock, day and night. A high or routine alert's target
runs only while the unit's office is open: 4 hours from Friday 16:00 with an office open
08:00-18:00 Monday to Friday ends on Monday at 10:00, and a holiday is skipped like a
weekend. Times are the unit's local time, so a daylight-saving change moves nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

WEEKDAYS = frozenset({1, 2, 3, 4, 5})
MAX_DAYS_AHEAD = 400  # a year of holidays cannot hide every working day


@dataclass(frozen=True)
class OfficeHours:
    opens: dt.time = dt.time(8, 0)
    closes: dt.time = dt.time(18, 0)
    days: frozenset[int] = WEEKDAYS  # ISO weekdays, 1 = Monday
    holidays: frozenset[dt.date] = field(default_factory=frozenset)
    zone: str = "UTC"

    def is_open_on(self, day: dt.date) -> bool:
        return day.isoweekday() in self.days and day not in self.holidays

    def is_open_at(self, at: dt.datetime) -> bool:
        local = at.astimezone(ZoneInfo(self.zone))
        return self.is_open_on(local.date()) and self.opens <= local.time() < self.closes


def office_deadline(start: dt.datetime, hours: float, office: OfficeHours) -> dt.datetime:
    """The moment `hours` of open office time have passed since `start` (aware, UTC)."""
    zone = ZoneInfo(office.zone)
    left = dt.timedelta(hours=hours)
    local = start.astimezone(zone)
    day = local.date()
    for _ in range(MAX_DAYS_AHEAD):
        if office.is_open_on(day):
            opens = dt.datetime.combine(day, office.opens, tzinfo=zone)
            closes = dt.datetime.combine(day, office.closes, tzinfo=zone)
            begin = max(opens, local)
            if begin < closes:
                available = closes - begin
                if left <= available:
                    return (begin + left).astimezone(dt.UTC)
                left -= available
        day += dt.timedelta(days=1)
    raise ValueError("the office is never open in the next year; check its days and holidays")


def respond_by(
    start: dt.datetime, hours: float, severity: str, office: OfficeHours | None
) -> dt.datetime:
    """The response deadline of an alert: clock time for urgent alerts or units without
    office hours, office time otherwise."""
    if severity == "urgent" or office is None:
        return start + dt.timedelta(hours=hours)
    return office_deadline(start, hours, office)

"""Dates replaced by the start of their period, as R's `cut(x, breaks = x.period)` does for
qicharts2's `x.period` (weeks start on Monday; quarters are calendar quarters)."""

from __future__ import annotations

import datetime as dt

PERIODS = ("day", "week", "month", "quarter", "year")
# R's cut() also accepts the plural spelling.
PERIOD_ALIASES = {**{period: period for period in PERIODS}, **{p + "s": p for p in PERIODS}}


def period_start(value: dt.date, period: str) -> dt.date:
    """The first day of the period holding `value`; a datetime keeps its type and time zone,
    at midnight."""
    day = value.date() if isinstance(value, dt.datetime) else value
    if period == "week":
        day -= dt.timedelta(days=day.weekday())
    elif period == "month":
        day = day.replace(day=1)
    elif period == "quarter":
        day = day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)
    elif period == "year":
        day = day.replace(month=1, day=1)
    if isinstance(value, dt.datetime):
        return dt.datetime.combine(day, dt.time(), tzinfo=value.tzinfo)
    return day

"""When a recurring care-plan task falls due (pure: no Django).

A rule repeats every `interval` days, weeks or months from `start`, up to and including
`until` if set:
- daily: `start`, `start + interval days`, …;
- weekly: on `weekdays` (0 = Monday … 6 = Sunday; the weekday of `start` if none given), in
  the week of `start` and every `interval`-th week after it (weeks start on Monday), never
  before `start`;
- monthly: on day `month_day` (the day of `start` if none given) of the month of `start`
  and every `interval`-th month after it; in a month too short for that day, on its last
  day (day 31 falls on 30 April and on 28 or 29 February), never before `start`.

Written plainly rather than with dateutil's rrule, which is not installed and skips months
without the day instead of moving to the month's last day.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

DAILY = "daily"
WEEKLY = "weekly"
MONTHLY = "monthly"
FREQUENCIES = (DAILY, WEEKLY, MONTHLY)
MAX_INTERVAL = 52


class RuleError(ValueError):
    """A rule that cannot be used, with the field it is about and a plain message."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{field}: {message}" for field, message in errors.items()))
        self.errors = errors


@dataclass(frozen=True)
class Recurrence:
    freq: str
    interval: int = 1
    weekdays: tuple[int, ...] = ()
    month_day: int | None = None
    start: dt.date = dt.date(2000, 1, 1)
    until: dt.date | None = None


def rule_problems(rule: Recurrence) -> dict[str, str]:
    """What is wrong with `rule`, by field, in plain words (empty if nothing)."""
    problems: dict[str, str] = {}
    if rule.freq not in FREQUENCIES:
        problems["freq"] = "Choose every day, every week or every month."
    if not isinstance(rule.interval, int) or not 1 <= rule.interval <= MAX_INTERVAL:
        problems["interval"] = f"Choose how often: every 1 to {MAX_INTERVAL}."
    if rule.freq == WEEKLY and any(not 0 <= d <= 6 for d in rule.weekdays):
        problems["weekdays"] = "Choose days of the week from Monday to Sunday."
    if rule.freq != WEEKLY and rule.weekdays:
        problems["weekdays"] = "Days of the week are only for tasks repeated every week."
    if rule.freq == MONTHLY and rule.month_day is not None and not 1 <= rule.month_day <= 31:
        problems["month_day"] = "Choose a day of the month from 1 to 31."
    if rule.freq != MONTHLY and rule.month_day is not None:
        problems["month_day"] = "A day of the month is only for tasks repeated every month."
    if rule.until is not None and rule.until < rule.start:
        problems["until"] = "The end date must be on or after the start date."
    return problems


def validate(rule: Recurrence) -> Recurrence:
    """`rule` itself, or RuleError naming each wrong field."""
    problems = rule_problems(rule)
    if problems:
        raise RuleError(problems)
    return rule


def occurrences(rule: Recurrence, start: dt.date, end: dt.date) -> list[dt.date]:
    """The dates from `start` to `end` (both included) on which `rule` falls, in order."""
    validate(rule)
    first = max(start, rule.start)
    last = end if rule.until is None else min(end, rule.until)
    if first > last:
        return []
    if rule.freq == DAILY:
        return daily(rule, first, last)
    if rule.freq == WEEKLY:
        return weekly(rule, first, last)
    return monthly(rule, first, last)


def daily(rule: Recurrence, first: dt.date, last: dt.date) -> list[dt.date]:
    step = rule.interval
    offset = (first - rule.start).days
    day = first + dt.timedelta(days=-offset % step)
    found = []
    while day <= last:
        found.append(day)
        day += dt.timedelta(days=step)
    return found


def monday_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def weekly(rule: Recurrence, first: dt.date, last: dt.date) -> list[dt.date]:
    weekdays = sorted(set(rule.weekdays or (rule.start.weekday(),)))
    start_week = monday_of(rule.start)
    weeks_in = (monday_of(first) - start_week).days // 7
    week = start_week + dt.timedelta(weeks=weeks_in + (-weeks_in % rule.interval))
    found = []
    while week <= last:
        for weekday in weekdays:
            day = week + dt.timedelta(days=weekday)
            if first <= day <= last:
                found.append(day)
        week += dt.timedelta(weeks=rule.interval)
    return found


def day_in_month(year: int, month: int, wanted: int) -> dt.date:
    """Day `wanted` of the month, or its last day when the month is shorter."""
    return dt.date(year, month, min(wanted, calendar.monthrange(year, month)[1]))


def monthly(rule: Recurrence, first: dt.date, last: dt.date) -> list[dt.date]:
    wanted = rule.month_day or rule.start.day
    start_index = rule.start.year * 12 + rule.start.month - 1
    index = first.year * 12 + first.month - 1
    index += -(index - start_index) % rule.interval
    found = []
    while True:
        day = day_in_month(index // 12, index % 12 + 1, wanted)
        if day > last:
            return found
        if day >= first:
            found.append(day)
        index += rule.interval


def next_on_or_after(rule: Recurrence, day: dt.date) -> dt.date | None:
    """The first date on or after `day` on which `rule` falls, or None if it has ended."""
    if rule.until is not None and day > rule.until:
        return None
    # Every rule falls at least once in any span of `interval` periods plus a month.
    span = {DAILY: rule.interval, WEEKLY: 7 * rule.interval, MONTHLY: 31 * (rule.interval + 1)}
    found = occurrences(rule, day, max(day, rule.start) + dt.timedelta(days=span[rule.freq]))
    return found[0] if found else None

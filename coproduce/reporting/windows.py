"""Report windows and reminder times: pure date arithmetic in the patient's time zone.

No Django here (like `coproduce.scoring`): datetimes in and out are aware, stored in UTC,
and every rule is computed on the patient's **wall clock**, so a report due at 09:00 stays
due at 09:00 local time across daylight-saving changes, and "the 31st" of a short month is
its last day.

A report's window has three instants:

    opens_at ── due ── due_at ── overdue ── closes_at ── missed
    (before opens_at the report is upcoming)
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from zoneinfo import ZoneInfo

UTC = dt.UTC
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
KINDS = ("weekly", "monthly", "before-visit", "after-visit")
STATES = ("upcoming", "due", "overdue", "missed", "completed")

# A reminder is never sent sooner than this after the previous one, even when the worker
# was down and several reminders fell due together.
REMINDER_MIN_GAP = dt.timedelta(hours=12)
# Reminder n+1 comes this many days (on the wall clock) after reminder n.
REMINDER_SPACING_DAYS = 1


@dataclass(frozen=True)
class ScheduleRule:
    """When one instrument is due. `kind` is one of KINDS; the other fields apply to it:
    weekly → `weekday` (0 = Monday); monthly → `day_of_month` (1-31, the last day of a
    shorter month); before-visit → `days_before`; after-visit → `days_after`."""

    instrument: str
    kind: str
    weekday: int = 0
    day_of_month: int = 1
    days_before: int = 0
    days_after: int = 0
    due_time: dt.time = dt.time(9, 0)
    open_days: int = 2
    close_days: int = 3

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {', '.join(KINDS)}")
        if not 0 <= self.weekday <= 6:
            raise ValueError("weekday must be 0 (Monday) to 6 (Sunday)")
        if not 1 <= self.day_of_month <= 31:
            raise ValueError("day_of_month must be 1 to 31")
        if min(self.days_before, self.days_after, self.open_days, self.close_days) < 0:
            raise ValueError("day counts cannot be negative")
        if self.close_days < 1:
            raise ValueError("close_days must be at least 1")


@dataclass(frozen=True)
class Window:
    opens_at: dt.datetime
    due_at: dt.datetime
    closes_at: dt.datetime

    def __post_init__(self) -> None:
        if not (self.opens_at <= self.due_at < self.closes_at):
            raise ValueError("a window needs opens_at <= due_at < closes_at")


@dataclass(frozen=True)
class QuietHours:
    """Local times between which no reminder is sent; may cross midnight (22:00-07:00)."""

    start: dt.time
    end: dt.time


def local_datetime(day: dt.date, time: dt.time, zone: ZoneInfo) -> dt.datetime:
    """The UTC instant of `time` on `day` on the wall clock of `zone`.

    A wall time skipped by a spring-forward change (02:30 on the night clocks go from 02:00
    to 03:00) is moved on by the gap (03:30); a wall time that happens twice in the autumn
    is the first of the two.
    """
    naive = dt.datetime.combine(day, time.replace(tzinfo=None))
    return naive.replace(tzinfo=zone, fold=0).astimezone(UTC)


def local_day(at: dt.datetime, zone: ZoneInfo) -> dt.date:
    return at.astimezone(zone).date()


def days_in_month(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def weekly_due_days(first: dt.date, last: dt.date, weekday: int) -> Iterator[dt.date]:
    """Every date from `first` to `last` (inclusive) that falls on `weekday`."""
    day = first + dt.timedelta(days=(weekday - first.weekday()) % 7)
    while day <= last:
        yield day
        day += dt.timedelta(days=7)


def monthly_due_days(first: dt.date, last: dt.date, day_of_month: int) -> Iterator[dt.date]:
    """The `day_of_month` of every month from `first` to `last`; in a month too short for
    it (the 31st in April, the 30th in February) the month's last day."""
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        day = dt.date(year, month, min(day_of_month, days_in_month(year, month)))
        if first <= day <= last:
            yield day
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def window_for_due_day(rule: ScheduleRule, day: dt.date, zone: ZoneInfo) -> Window:
    """The window of a report due on `day` at the rule's local time: open `open_days`
    before, closed `close_days` after, each at the same wall-clock time."""
    return Window(
        opens_at=local_datetime(day - dt.timedelta(days=rule.open_days), rule.due_time, zone),
        due_at=local_datetime(day, rule.due_time, zone),
        closes_at=local_datetime(day + dt.timedelta(days=rule.close_days), rule.due_time, zone),
    )


def calendar_windows(
    rule: ScheduleRule, zone: ZoneInfo, *, first_day: dt.date, last_day: dt.date
) -> list[Window]:
    """Windows of a weekly or monthly rule whose due day is from `first_day` to `last_day`
    (local dates)."""
    if rule.kind == "weekly":
        days = weekly_due_days(first_day, last_day, rule.weekday)
    elif rule.kind == "monthly":
        days = monthly_due_days(first_day, last_day, rule.day_of_month)
    else:
        raise ValueError(f"{rule.kind} is not a calendar rule")
    return [window_for_due_day(rule, day, zone) for day in days]


def before_visit_window(rule: ScheduleRule, visit_at: dt.datetime, zone: ZoneInfo) -> Window:
    """Due `days_before` the visit's local day at the rule's time, open `open_days` before
    that, closed when the visit starts (the answers are for the visit). A due time that
    would fall after the visit starts is moved to the visit's start."""
    visit_day = local_day(visit_at, zone)
    due_day = visit_day - dt.timedelta(days=rule.days_before)
    due_at = min(local_datetime(due_day, rule.due_time, zone), visit_at - dt.timedelta(minutes=1))
    opens_at = min(
        local_datetime(due_day - dt.timedelta(days=rule.open_days), rule.due_time, zone), due_at
    )
    return Window(opens_at=opens_at, due_at=due_at, closes_at=visit_at)


def after_event_window(rule: ScheduleRule, event_at: dt.datetime, zone: ZoneInfo) -> Window:
    """Open from the event (e.g. the visit marked done); due `days_after` it at the rule's
    local time, or the next day at that time if that moment has already passed; closed
    `close_days` after the due day."""
    due_day = local_day(event_at, zone) + dt.timedelta(days=rule.days_after)
    due_at = local_datetime(due_day, rule.due_time, zone)
    if due_at <= event_at:
        due_day += dt.timedelta(days=1)
        due_at = local_datetime(due_day, rule.due_time, zone)
    closes_at = local_datetime(due_day + dt.timedelta(days=rule.close_days), rule.due_time, zone)
    return Window(opens_at=event_at, due_at=due_at, closes_at=closes_at)


def report_state(window: Window, at: dt.datetime, *, completed: bool = False) -> str:
    """Where a report stands at `at`: one of STATES."""
    if completed:
        return "completed"
    if at < window.opens_at:
        return "upcoming"
    if at < window.due_at:
        return "due"
    if at < window.closes_at:
        return "overdue"
    return "missed"


def in_quiet_hours(at: dt.datetime, zone: ZoneInfo, quiet: QuietHours | None) -> bool:
    if quiet is None or quiet.start == quiet.end:
        return False
    time = at.astimezone(zone).time().replace(tzinfo=None)
    if quiet.start < quiet.end:
        return quiet.start <= time < quiet.end
    return time >= quiet.start or time < quiet.end


def after_quiet_hours(at: dt.datetime, zone: ZoneInfo, quiet: QuietHours | None) -> dt.datetime:
    """`at`, or the end of the quiet hours it falls in (on the patient's wall clock)."""
    if not in_quiet_hours(at, zone, quiet):
        return at
    assert quiet is not None
    local = at.astimezone(zone)
    end_day = local.date()
    if quiet.start > quiet.end and local.time().replace(tzinfo=None) >= quiet.start:
        end_day += dt.timedelta(days=1)  # quiet hours that cross midnight end tomorrow
    return local_datetime(end_day, quiet.end, zone)


def reminder_planned_at(window: Window, number: int, zone: ZoneInfo) -> dt.datetime:
    """Reminder `number` (1, 2, …): the first when the report opens, then one a day at the
    same wall-clock time."""
    if number < 1:
        raise ValueError("reminders are numbered from 1")
    opens = window.opens_at.astimezone(zone)
    day = opens.date() + dt.timedelta(days=(number - 1) * REMINDER_SPACING_DAYS)
    return local_datetime(day, opens.time(), zone)


def next_reminder_at(
    window: Window,
    number: int,
    zone: ZoneInfo,
    *,
    cap: int,
    quiet: QuietHours | None = None,
    snoozed_until: dt.datetime | None = None,
    previous_at: dt.datetime | None = None,
    not_before: dt.datetime | None = None,
) -> dt.datetime | None:
    """When reminder `number` may go, or None when it never will (over the cap, or only
    after the report closes). Snoozing and a recent reminder push it later; quiet hours
    push it to their end. `not_before` is the job's "now": a reminder whose planned time
    has passed goes now, unless now is in the quiet hours."""
    if number > cap:
        return None
    at = reminder_planned_at(window, number, zone)
    if not_before is not None:
        at = max(at, not_before)
    if snoozed_until is not None:
        at = max(at, snoozed_until)
    if previous_at is not None:
        at = max(at, previous_at + REMINDER_MIN_GAP)
    at = after_quiet_hours(at, zone, quiet)
    if at >= window.closes_at:
        return None
    return at

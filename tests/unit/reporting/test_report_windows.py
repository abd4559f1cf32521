"""The pure window rules: local wall-clock times across DST changes, month ends, visits,
states, quiet hours and reminder times."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from coproduce.reporting.windows import (
    QuietHours,
    ScheduleRule,
    Window,
    after_event_window,
    after_quiet_hours,
    before_visit_window,
    calendar_windows,
    local_datetime,
    monthly_due_days,
    next_reminder_at,
    reminder_planned_at,
    report_state,
    weekly_due_days,
)

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")
SYDNEY = ZoneInfo("Australia/Sydney")
UTC = dt.UTC


def utc(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


def wall(at: dt.datetime, zone: ZoneInfo) -> tuple:
    local = at.astimezone(zone)
    return local.date().isoformat(), local.strftime("%H:%M")


def test_weekly_due_at_nine_stays_nine_local_across_spring_forward():
    rule = ScheduleRule("phq-9", "weekly", weekday=0)  # Mondays, 09:00
    # UK clocks go forward on Sunday 29 March 2026.
    windows = calendar_windows(
        rule, LONDON, first_day=dt.date(2026, 3, 20), last_day=dt.date(2026, 4, 6)
    )
    assert [wall(w.due_at, LONDON) for w in windows] == [
        ("2026-03-23", "09:00"),
        ("2026-03-30", "09:00"),
        ("2026-04-06", "09:00"),
    ]
    assert [w.due_at.astimezone(UTC).hour for w in windows] == [9, 8, 8]


def test_weekly_due_at_nine_stays_nine_local_across_fall_back():
    rule = ScheduleRule("phq-9", "weekly", weekday=6)  # Sundays
    # US clocks go back on Sunday 1 November 2026 at 02:00.
    windows = calendar_windows(
        rule, NEW_YORK, first_day=dt.date(2026, 10, 25), last_day=dt.date(2026, 11, 1)
    )
    assert [wall(w.due_at, NEW_YORK) for w in windows] == [
        ("2026-10-25", "09:00"),
        ("2026-11-01", "09:00"),
    ]
    assert windows[1].due_at - windows[0].due_at == dt.timedelta(days=7, hours=1)


def test_window_opens_and_closes_at_the_same_wall_time_over_a_dst_change():
    rule = ScheduleRule("phq-9", "weekly", weekday=0, open_days=2, close_days=3)
    (window,) = calendar_windows(
        rule, LONDON, first_day=dt.date(2026, 3, 30), last_day=dt.date(2026, 3, 30)
    )
    assert wall(window.opens_at, LONDON) == ("2026-03-28", "09:00")  # before the change, GMT
    assert wall(window.closes_at, LONDON) == ("2026-04-02", "09:00")
    assert window.due_at - window.opens_at == dt.timedelta(days=2, hours=-1)


def test_southern_hemisphere_dst_change():
    rule = ScheduleRule("phq-9", "weekly", weekday=0)
    # Sydney clocks go back on Sunday 5 April 2026.
    windows = calendar_windows(
        rule, SYDNEY, first_day=dt.date(2026, 3, 30), last_day=dt.date(2026, 4, 6)
    )
    assert [wall(w.due_at, SYDNEY)[1] for w in windows] == ["09:00", "09:00"]
    assert [w.due_at.hour for w in windows] == [22, 23]  # UTC, previous day


def test_a_time_skipped_by_spring_forward_moves_on_by_the_gap():
    at = local_datetime(dt.date(2026, 3, 29), dt.time(1, 30), LONDON)
    assert wall(at, LONDON) == ("2026-03-29", "02:30")


def test_a_time_that_happens_twice_is_the_first():
    at = local_datetime(dt.date(2026, 10, 25), dt.time(1, 30), LONDON)
    assert at == utc(2026, 10, 25, 0, 30)  # 01:30 BST, not 01:30 GMT


def test_monthly_on_the_31st_is_the_last_day_of_shorter_months():
    days = list(monthly_due_days(dt.date(2026, 1, 1), dt.date(2026, 5, 31), 31))
    assert days == [
        dt.date(2026, 1, 31),
        dt.date(2026, 2, 28),
        dt.date(2026, 3, 31),
        dt.date(2026, 4, 30),
        dt.date(2026, 5, 31),
    ]


def test_monthly_on_the_29th_in_a_leap_year_february():
    assert list(monthly_due_days(dt.date(2028, 2, 1), dt.date(2028, 3, 31), 29)) == [
        dt.date(2028, 2, 29),
        dt.date(2028, 3, 29),
    ]


def test_monthly_respects_the_range_ends_and_the_year_end():
    days = list(monthly_due_days(dt.date(2026, 11, 16), dt.date(2027, 1, 14), 15))
    assert days == [dt.date(2026, 12, 15)]


def test_weekly_days_from_a_mid_week_start():
    days = list(weekly_due_days(dt.date(2026, 11, 18), dt.date(2026, 12, 1), 0))
    assert days == [dt.date(2026, 11, 23), dt.date(2026, 11, 30)]


def test_before_visit_due_days_before_and_closes_at_the_visit():
    rule = ScheduleRule("eq-5d-5l", "before-visit", days_before=3, open_days=4)
    visit = local_datetime(dt.date(2026, 12, 10), dt.time(14, 30), LONDON)
    window = before_visit_window(rule, visit, LONDON)
    assert wall(window.due_at, LONDON) == ("2026-12-07", "09:00")
    assert wall(window.opens_at, LONDON) == ("2026-12-03", "09:00")
    assert window.closes_at == visit


def test_before_visit_due_time_after_an_early_visit_moves_before_it():
    rule = ScheduleRule("eq-5d-5l", "before-visit", days_before=0, open_days=0)
    visit = local_datetime(dt.date(2026, 12, 10), dt.time(8, 0), LONDON)
    window = before_visit_window(rule, visit, LONDON)
    assert window.due_at < window.closes_at == visit
    assert window.opens_at <= window.due_at


def test_after_event_opens_at_the_event_and_is_due_next_morning_when_late():
    rule = ScheduleRule("visit-experience", "after-visit", days_after=0, close_days=7)
    done = local_datetime(dt.date(2026, 12, 10), dt.time(15, 20), LONDON)
    window = after_event_window(rule, done, LONDON)
    assert window.opens_at == done
    assert wall(window.due_at, LONDON) == ("2026-12-11", "09:00")
    assert wall(window.closes_at, LONDON) == ("2026-12-18", "09:00")


def test_after_event_due_the_same_day_when_early():
    rule = ScheduleRule("visit-experience", "after-visit", days_after=0)
    done = local_datetime(dt.date(2026, 12, 10), dt.time(7, 0), LONDON)
    assert wall(after_event_window(rule, done, LONDON).due_at, LONDON) == ("2026-12-10", "09:00")


@pytest.mark.parametrize(
    ("at", "state"),
    [
        (utc(2026, 12, 1, 8, 59), "upcoming"),
        (utc(2026, 12, 1, 9, 0), "due"),
        (utc(2026, 12, 3, 8, 59), "due"),
        (utc(2026, 12, 3, 9, 0), "overdue"),
        (utc(2026, 12, 6, 8, 59), "overdue"),
        (utc(2026, 12, 6, 9, 0), "missed"),
    ],
)
def test_report_state_at_each_edge(at, state):
    window = Window(utc(2026, 12, 1, 9), utc(2026, 12, 3, 9), utc(2026, 12, 6, 9))
    assert report_state(window, at) == state
    assert report_state(window, at, completed=True) == "completed"


def test_bad_rules_and_windows_are_refused():
    with pytest.raises(ValueError, match="kind"):
        ScheduleRule("phq-9", "fortnightly")
    with pytest.raises(ValueError, match="day_of_month"):
        ScheduleRule("phq-9", "monthly", day_of_month=32)
    with pytest.raises(ValueError, match="close_days"):
        ScheduleRule("phq-9", "weekly", close_days=0)
    with pytest.raises(ValueError, match="opens_at"):
        Window(utc(2026, 1, 2), utc(2026, 1, 1), utc(2026, 1, 3))


QUIET = QuietHours(dt.time(21, 0), dt.time(8, 0))


@pytest.mark.parametrize(
    ("local", "expected"),
    [
        ((2026, 12, 1, 20, 59), ("2026-12-01", "20:59")),  # before: unchanged
        ((2026, 12, 1, 21, 0), ("2026-12-02", "08:00")),  # evening: next morning
        ((2026, 12, 2, 3, 0), ("2026-12-02", "08:00")),  # night: this morning
        ((2026, 12, 2, 8, 0), ("2026-12-02", "08:00")),  # the end itself is not quiet
    ],
)
def test_quiet_hours_across_midnight(local, expected):
    at = dt.datetime(*local, tzinfo=LONDON)
    assert wall(after_quiet_hours(at, LONDON, QUIET), LONDON) == expected


def test_quiet_hours_within_a_day_and_none():
    siesta = QuietHours(dt.time(13, 0), dt.time(15, 0))
    at = dt.datetime(2026, 12, 1, 14, 0, tzinfo=LONDON)
    assert wall(after_quiet_hours(at, LONDON, siesta), LONDON) == ("2026-12-01", "15:00")
    assert after_quiet_hours(at, LONDON, None) == at
    assert after_quiet_hours(at, LONDON, QuietHours(dt.time(9), dt.time(9))) == at


def test_quiet_hours_end_on_the_wall_clock_on_the_night_clocks_change():
    at = local_datetime(dt.date(2026, 3, 28), dt.time(23, 0), LONDON)
    assert wall(after_quiet_hours(at, LONDON, QUIET), LONDON) == ("2026-03-29", "08:00")


def test_reminders_once_a_day_at_the_opening_wall_time_across_dst():
    rule = ScheduleRule("phq-9", "weekly", weekday=0, open_days=2)
    (window,) = calendar_windows(
        rule, LONDON, first_day=dt.date(2026, 3, 30), last_day=dt.date(2026, 3, 30)
    )
    planned = [wall(reminder_planned_at(window, n, LONDON), LONDON) for n in (1, 2, 3)]
    assert planned == [("2026-03-28", "09:00"), ("2026-03-29", "09:00"), ("2026-03-30", "09:00")]


def test_next_reminder_respects_cap_snooze_gap_quiet_hours_and_closing():
    window = Window(utc(2026, 12, 1, 9), utc(2026, 12, 3, 9), utc(2026, 12, 6, 9))
    assert next_reminder_at(window, 1, UTC, cap=3) == utc(2026, 12, 1, 9)
    assert next_reminder_at(window, 4, UTC, cap=3) is None
    assert next_reminder_at(window, 1, UTC, cap=0) is None
    snoozed = next_reminder_at(window, 1, UTC, cap=3, snoozed_until=utc(2026, 12, 1, 13))
    assert snoozed == utc(2026, 12, 1, 13)
    # snoozed into the quiet hours: sent when they end
    late = next_reminder_at(window, 1, UTC, cap=3, quiet=QUIET, snoozed_until=utc(2026, 12, 1, 22))
    assert late == utc(2026, 12, 2, 8)
    # the worker was down: reminder 2 waits for the gap after reminder 1
    gap = next_reminder_at(window, 2, UTC, cap=3, previous_at=utc(2026, 12, 2, 20))
    assert gap == utc(2026, 12, 3, 8)
    # nothing after the report closes
    assert next_reminder_at(window, 2, UTC, cap=9, snoozed_until=utc(2026, 12, 7)) is None


def test_a_late_reminder_waits_while_it_is_quiet_now():
    window = Window(utc(2026, 12, 1, 9), utc(2026, 12, 3, 9), utc(2026, 12, 6, 9))
    # planned for 09:00 yesterday; the job runs at 02:00, inside the quiet hours
    late = next_reminder_at(window, 1, UTC, cap=3, quiet=QUIET, not_before=utc(2026, 12, 2, 2))
    assert late == utc(2026, 12, 2, 8)
    # outside the quiet hours it goes at once
    now = utc(2026, 12, 2, 12)
    assert next_reminder_at(window, 1, UTC, cap=3, quiet=QUIET, not_before=now) == now

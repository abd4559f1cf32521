"""Response-time deadlines in office hours (coproduce/alerts/office_hours.py), no database.

Each expected value was worked out by hand from a calendar; the comment beside it shows
the sum. 2026-11-20 is a Friday; 2026-12-25 is a Friday; in Europe/London the clocks go
back at 02:00 on Sunday 2026-10-25 (BST = UTC+1 before, GMT = UTC after) and forward at
01:00 on Sunday 2026-03-29.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from coproduce.alerts.office_hours import OfficeHours, office_deadline, respond_by

UTC = dt.UTC
OFFICE = OfficeHours()  # 08:00-18:00, Monday to Friday, UTC


def at(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


def test_friday_afternoon_plus_4_office_hours_is_monday_10():
    # Friday 16:00-18:00 uses 2 h; Saturday and Sunday are closed; Monday 08:00 + 2 h.
    assert office_deadline(at(2026, 11, 20, 16), 4, OFFICE) == at(2026, 11, 23, 10)


def test_holidays_are_skipped_like_a_weekend():
    office = OfficeHours(holidays=frozenset({dt.date(2026, 12, 25), dt.date(2026, 12, 28)}))
    # Thursday 24th 16:00-18:00 uses 2 h; Friday 25th (holiday), the weekend and Monday
    # 28th (holiday) are closed; Tuesday 29th 08:00 + 2 h.
    assert office_deadline(at(2026, 12, 24, 16), 4, office) == at(2026, 12, 29, 10)
    # Without the holidays: Friday 25th 08:00 + 2 h.
    assert office_deadline(at(2026, 12, 24, 16), 4, OFFICE) == at(2026, 12, 25, 10)


def test_the_office_opens_at_8_exactly_and_closes_at_18():
    monday = dt.date(2026, 11, 23)
    assert OFFICE.is_open_at(at(2026, 11, 23, 8))  # 08:00 is open
    assert not OFFICE.is_open_at(at(2026, 11, 23, 7, 59))
    assert not OFFICE.is_open_at(at(2026, 11, 23, 18))  # 18:00 is closed
    assert OFFICE.is_open_on(monday)
    # Monday 08:00 + 1 h = 09:00; a start before opening waits for 08:00.
    assert office_deadline(at(2026, 11, 23, 8), 1, OFFICE) == at(2026, 11, 23, 9)
    assert office_deadline(at(2026, 11, 23, 6, 30), 1, OFFICE) == at(2026, 11, 23, 9)
    # A whole day: 08:00 + 10 h ends at closing time the same day, not the next morning.
    assert office_deadline(at(2026, 11, 23, 8), 10, OFFICE) == at(2026, 11, 23, 18)
    # Started at closing time: nothing left today; Tuesday 08:00 + 1 h.
    assert office_deadline(at(2026, 11, 23, 18), 1, OFFICE) == at(2026, 11, 24, 9)


def test_several_office_days():
    # Monday 10 h + Tuesday 10 h + Wednesday 5 h = 25 h: Wednesday 08:00 + 5 h = 13:00.
    assert office_deadline(at(2026, 11, 23, 8), 25, OFFICE) == at(2026, 11, 25, 13)


def test_office_days_can_include_saturday():
    office = OfficeHours(days=frozenset({1, 2, 3, 4, 5, 6}))
    # Friday 16:00-18:00 uses 2 h; Saturday 21st 08:00 + 2 h.
    assert office_deadline(at(2026, 11, 20, 16), 4, office) == at(2026, 11, 21, 10)


def test_autumn_daylight_saving_week_in_london():
    london = OfficeHours(zone="Europe/London")
    # Friday 23 October 16:00 BST is 15:00 UTC. 16:00-18:00 BST uses 2 h; the clocks go back
    # on Sunday; Monday 26th 08:00 GMT + 2 h = 10:00 GMT = 10:00 UTC.
    start = at(2026, 10, 23, 15)
    assert office_deadline(start, 4, london) == at(2026, 10, 26, 10)
    # In local time it is still "Monday at ten", whatever the offset.
    local = office_deadline(start, 4, london).astimezone(ZoneInfo("Europe/London"))
    assert (local.weekday(), local.time()) == (0, dt.time(10))


def test_spring_daylight_saving_week_in_london():
    london = OfficeHours(zone="Europe/London")
    # Friday 27 March 17:00 GMT = 17:00 UTC: 1 h left that day; the clocks go forward on
    # Sunday; Monday 30th 08:00 BST + 1 h = 09:00 BST = 08:00 UTC.
    assert office_deadline(at(2026, 3, 27, 17), 2, london) == at(2026, 3, 30, 8)
    # Office hours are local: 08:00 BST (07:00 UTC) on Monday 30th is open, 07:30 BST is not.
    assert london.is_open_at(at(2026, 3, 30, 7))
    assert not london.is_open_at(at(2026, 3, 30, 6, 30))


def test_urgent_alerts_run_on_the_clock():
    friday = at(2026, 11, 20, 16)
    # Urgent: 16:00 + 4 h = 20:00 the same Friday, office closed or not.
    assert respond_by(friday, 4, "urgent", OFFICE) == at(2026, 11, 20, 20)
    # High and routine: office time, as above (Monday 10:00).
    assert respond_by(friday, 4, "high", OFFICE) == at(2026, 11, 23, 10)
    assert respond_by(friday, 4, "routine", OFFICE) == at(2026, 11, 23, 10)
    # A unit without office hours: clock time for every severity.
    assert respond_by(friday, 4, "routine", None) == at(2026, 11, 20, 20)


def test_urgent_clock_time_crosses_the_daylight_saving_change_in_real_hours():
    london = OfficeHours(zone="Europe/London")
    # Saturday 24 October 23:00 UTC + 4 h = Sunday 03:00 UTC: elapsed hours, not wall-clock.
    start = at(2026, 10, 24, 23)
    assert respond_by(start, 4, "urgent", london) == at(2026, 10, 25, 3)


def test_an_office_that_never_opens_is_an_error():
    closed = OfficeHours(days=frozenset())
    with pytest.raises(ValueError, match="never open"):
        office_deadline(at(2026, 11, 20, 16), 4, closed)

"""The recurrence core, against dates checked by hand on a calendar (2024 is a leap year;
1 January 2024 was a Monday)."""

import datetime as dt

import pytest

from coproduce.tasks.recurrence import (
    Recurrence,
    RuleError,
    next_on_or_after,
    occurrences,
    rule_problems,
    validate,
)

D = dt.date


def test_daily_crosses_the_leap_day():
    rule = Recurrence("daily", start=D(2024, 2, 27))

    assert occurrences(rule, D(2024, 2, 1), D(2024, 3, 2)) == [
        D(2024, 2, 27),
        D(2024, 2, 28),
        D(2024, 2, 29),
        D(2024, 3, 1),
        D(2024, 3, 2),
    ]


def test_daily_every_three_days_counts_from_the_start_not_the_window():
    rule = Recurrence("daily", interval=3, start=D(2024, 1, 1))

    # 1, 4, 7, 10, 13 January: the window from the 5th to the 12th holds the 7th and 10th.
    assert occurrences(rule, D(2024, 1, 5), D(2024, 1, 12)) == [D(2024, 1, 7), D(2024, 1, 10)]


def test_weekly_on_monday_and_thursday_never_before_the_start():
    # Starts Wednesday 3 January: Monday 1 January is before it and is left out.
    rule = Recurrence("weekly", weekdays=(0, 3), start=D(2024, 1, 3))

    assert occurrences(rule, D(2024, 1, 1), D(2024, 1, 14)) == [
        D(2024, 1, 4),
        D(2024, 1, 8),
        D(2024, 1, 11),
    ]


def test_weekly_monday_wednesday_friday_in_the_demo_week():
    # 7 December 2026 is a Monday.
    rule = Recurrence("weekly", weekdays=(0, 2, 4), start=D(2026, 11, 16))

    assert occurrences(rule, D(2026, 12, 3), D(2026, 12, 9)) == [
        D(2026, 12, 4),
        D(2026, 12, 7),
        D(2026, 12, 9),
    ]


def test_every_two_weeks_takes_the_weekday_of_the_start():
    rule = Recurrence("weekly", interval=2, start=D(2024, 1, 2))  # a Tuesday

    assert occurrences(rule, D(2024, 1, 10), D(2024, 2, 13)) == [
        D(2024, 1, 16),
        D(2024, 1, 30),
        D(2024, 2, 13),
    ]


def test_every_two_weeks_on_two_days_skips_the_weeks_between():
    rule = Recurrence("weekly", interval=2, weekdays=(0, 4), start=D(2024, 1, 1))

    assert occurrences(rule, D(2024, 1, 1), D(2024, 1, 21)) == [
        D(2024, 1, 1),
        D(2024, 1, 5),
        D(2024, 1, 15),
        D(2024, 1, 19),
    ]


def test_monthly_on_day_31_falls_on_the_last_day_of_shorter_months_in_a_leap_year():
    rule = Recurrence("monthly", month_day=31, start=D(2024, 1, 31))

    assert occurrences(rule, D(2024, 1, 1), D(2024, 4, 30)) == [
        D(2024, 1, 31),
        D(2024, 2, 29),
        D(2024, 3, 31),
        D(2024, 4, 30),
    ]


def test_monthly_on_day_30_falls_on_28_february_in_a_common_year():
    rule = Recurrence("monthly", month_day=30, start=D(2023, 1, 30))

    assert occurrences(rule, D(2023, 2, 1), D(2023, 3, 31)) == [D(2023, 2, 28), D(2023, 3, 30)]


def test_monthly_on_day_1_starts_the_month_after_a_mid_month_start():
    rule = Recurrence("monthly", month_day=1, start=D(2024, 1, 15))

    assert occurrences(rule, D(2024, 1, 1), D(2024, 3, 31)) == [D(2024, 2, 1), D(2024, 3, 1)]


def test_every_two_months_crosses_the_year():
    rule = Recurrence("monthly", interval=2, month_day=15, start=D(2024, 11, 15))

    assert occurrences(rule, D(2024, 12, 1), D(2025, 3, 31)) == [D(2025, 1, 15), D(2025, 3, 15)]


def test_until_is_the_last_day_included():
    rule = Recurrence("weekly", weekdays=(0,), start=D(2024, 1, 1), until=D(2024, 1, 15))

    assert occurrences(rule, D(2024, 1, 1), D(2024, 1, 31)) == [
        D(2024, 1, 1),
        D(2024, 1, 8),
        D(2024, 1, 15),
    ]


def test_a_window_outside_the_rule_has_no_dates():
    rule = Recurrence("daily", start=D(2024, 3, 1), until=D(2024, 3, 5))

    assert occurrences(rule, D(2024, 2, 1), D(2024, 2, 29)) == []
    assert occurrences(rule, D(2024, 3, 6), D(2024, 3, 31)) == []


def test_next_on_or_after_finds_the_leap_day_and_none_after_the_end():
    rule = Recurrence("monthly", month_day=31, start=D(2024, 1, 31), until=D(2024, 3, 31))

    assert next_on_or_after(rule, D(2024, 2, 1)) == D(2024, 2, 29)
    assert next_on_or_after(rule, D(2024, 3, 31)) == D(2024, 3, 31)
    assert next_on_or_after(rule, D(2024, 4, 1)) is None


def test_next_on_or_after_before_the_start_is_the_first_date():
    rule = Recurrence("weekly", interval=3, weekdays=(2,), start=D(2024, 1, 1))

    assert next_on_or_after(rule, D(2023, 12, 1)) == D(2024, 1, 3)
    assert next_on_or_after(rule, D(2024, 1, 4)) == D(2024, 1, 24)


@pytest.mark.parametrize(
    ("rule", "field"),
    [
        (Recurrence("yearly", start=D(2024, 1, 1)), "freq"),
        (Recurrence("daily", interval=0, start=D(2024, 1, 1)), "interval"),
        (Recurrence("daily", interval=53, start=D(2024, 1, 1)), "interval"),
        (Recurrence("weekly", weekdays=(7,), start=D(2024, 1, 1)), "weekdays"),
        (Recurrence("daily", weekdays=(1,), start=D(2024, 1, 1)), "weekdays"),
        (Recurrence("monthly", month_day=32, start=D(2024, 1, 1)), "month_day"),
        (Recurrence("weekly", month_day=3, start=D(2024, 1, 1)), "month_day"),
        (Recurrence("daily", start=D(2024, 1, 2), until=D(2024, 1, 1)), "until"),
    ],
)
def test_a_wrong_rule_is_named_by_its_field_in_plain_words(rule, field):
    problems = rule_problems(rule)

    assert list(problems) == [field]
    with pytest.raises(RuleError) as error:
        validate(rule)
    assert error.value.errors == problems
    with pytest.raises(RuleError):
        occurrences(rule, D(2024, 1, 1), D(2024, 1, 31))


def test_a_good_rule_has_no_problems():
    rule = Recurrence("weekly", interval=2, weekdays=(0, 3), start=D(2024, 1, 1))

    assert rule_problems(rule) == {}
    assert validate(rule) is rule

"""A series keeps the database's rows and converts only what a page shows; the period's
start is found by bisection on SQLite's UTC text and on PostgreSQL's datetimes alike."""

from __future__ import annotations

import datetime as dt

import pytest

from coproduce.careplans.selectors import Series, aware_utc, utc_text

UTC = dt.UTC
TIMES = [
    dt.datetime(2025, 1, 1, 9, tzinfo=UTC),
    dt.datetime(2025, 6, 1, 9, 0, 0, 500000, tzinfo=UTC),
    dt.datetime(2025, 6, 1, 9, 0, 1, tzinfo=UTC),
    dt.datetime(2026, 1, 1, 9, tzinfo=UTC),
]


def sqlite_rows():
    return tuple((utc_text(at), float(i)) for i, at in enumerate(TIMES))


def postgres_rows():
    return tuple((at, float(i)) for i, at in enumerate(TIMES))


@pytest.mark.parametrize("rows", [sqlite_rows(), postgres_rows()], ids=["sqlite", "postgresql"])
def test_since_starts_at_the_first_value_on_or_after_the_start(rows):
    series = Series("loinc:44261-6", "own", rows)

    shown = series.since(dt.datetime(2025, 6, 1, 9, 0, 0, 500000, tzinfo=UTC))

    assert [p.value for p in shown] == [1.0, 2.0, 3.0]
    assert shown[0].at == TIMES[1]
    assert series.since(dt.datetime(2027, 1, 1, tzinfo=UTC)) == ()
    assert len(series.since(None)) == 4


@pytest.mark.parametrize("rows", [sqlite_rows(), postgres_rows()], ids=["sqlite", "postgresql"])
def test_first_latest_and_previous_are_aware(rows):
    series = Series("loinc:44261-6", "own", rows)

    assert series.first.at == TIMES[0]
    assert series.latest == (TIMES[3], 3.0)
    assert series.previous == (TIMES[2], 2.0)
    assert series.latest.at.tzinfo is not None


def test_a_start_in_another_time_zone_is_compared_in_utc():
    series = Series("loinc:44261-6", "own", sqlite_rows())
    # 10:00 in Paris in winter is 09:00 UTC: the first value is included.
    paris = dt.datetime(2025, 1, 1, 10, tzinfo=dt.timezone(dt.timedelta(hours=1)))

    assert len(series.since(paris)) == 4


def test_aware_utc_reads_both_drivers_values():
    assert aware_utc("2026-03-02 10:00:00") == dt.datetime(2026, 3, 2, 10, tzinfo=UTC)
    assert aware_utc("2026-03-02 10:00:00.250000").microsecond == 250000
    assert aware_utc(TIMES[0]) is TIMES[0]
    assert aware_utc(dt.datetime(2026, 3, 2, 10)).tzinfo is UTC


def test_one_value_has_no_previous():
    series = Series("loinc:44261-6", "own", sqlite_rows()[:1])

    assert series.previous is None
    assert series.first == series.latest


def test_a_start_with_a_fraction_keeps_the_value_postgresql_wrote_with_trimmed_zeros():
    # PostgreSQL writes 09:00:11.1234 as '…09:00:11.1234+00'; the period that starts at
    # that very value must include it.
    rows = (("2025-06-01 09:00:11.1234+00", 1.0), ("2025-06-02 09:00:00+00", 2.0))
    series = Series("loinc:44261-6", "own", rows)

    start = dt.datetime(2025, 6, 1, 9, 0, 11, 123400, tzinfo=UTC)

    assert [p.value for p in series.since(start)] == [1.0, 2.0]

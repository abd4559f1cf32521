"""The sentence under each chart: the latest value with its band, the change since the last
report and since the start, and which way is better."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from coproduce.careplans.words import (
    HIGHER_IS_BETTER,
    LOWER_IS_BETTER,
    Quantity,
    band_of,
    trend_words,
)

ZONE = ZoneInfo("Europe/London")
TODAY = dt.date(2026, 3, 9)
SCORE = Quantity(decimals=0, unit="{score}")
KG = Quantity(decimals=1, unit="kg")
PHQ9_BANDS = ((0, "none-minimal"), (5, "mild"), (10, "moderate"), (15, "moderately-severe"))


def at(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, 10, tzinfo=dt.UTC)


def words(
    latest,
    previous,
    first,
    *,
    direction=LOWER_IS_BETTER,
    own_view=True,
    quantity=SCORE,
    band="",
    target="",
):
    return trend_words(
        name="PHQ-9 score",
        quantity=quantity,
        latest=(at(TODAY), latest),
        previous=(at(dt.date(2026, 3, 2)), previous) if previous is not None else None,
        first=(at(dt.date(2024, 5, 1)), first),
        band=band,
        direction=direction,
        target_text=target,
        own_view=own_view,
        zone=ZONE,
        today=TODAY,
    )


def test_the_example_from_the_issue():
    result = words(8, 11, 17, band="mild")

    assert result.text == (
        "Your PHQ-9 score is 8 (mild). It went down 3 points since your last report on "
        "2 March and 9 points since you started in 2024. That is better than last time. "
        "Lower is better."
    )
    assert result.change == "better"


def test_a_rise_is_worse_when_lower_is_better():
    result = words(14, 11, 17)

    assert "It went up 3 points since your last report on 2 March" in result.text
    assert "and down 3 points since you started in 2024." in result.text
    assert "That is worse than last time." in result.text
    assert result.change == "worse"


def test_a_rise_is_better_when_higher_is_better():
    result = words(14, 11, 10, direction=HIGHER_IS_BETTER)

    assert result.change == "better"
    assert result.text.endswith("That is better than last time. Higher is better.")


def test_a_fall_is_worse_when_higher_is_better():
    assert words(9, 11, 10, direction=HIGHER_IS_BETTER).change == "worse"


def test_no_change_says_the_same():
    result = words(11, 11, 17)

    assert "It is the same as your last report on 2 March" in result.text
    assert result.change == "same"
    assert "better than last time" not in result.text


def test_a_change_without_a_better_direction_is_not_judged():
    result = words(72.5, 74.0, 80.0, direction="", quantity=KG)

    assert "It went down 1.5 kg since your last report" in result.text
    assert result.change == "changed"
    assert "better" not in result.text
    assert "worse" not in result.text


def test_one_point_of_change_is_singular():
    assert "went down 1 point since" in words(10, 11, 17).text


def test_a_single_value_has_no_change_sentence():
    result = words(8, None, 8, band="mild")

    assert result.text == "Your PHQ-9 score is 8 (mild). Lower is better."
    assert result.change == ""


def test_others_read_it_in_the_third_person():
    result = words(8, 11, 17, own_view=False)

    assert result.text.startswith("Latest PHQ-9 score: 8.")
    assert "since the report before, on 2 March" in result.text
    assert "since the first report in 2024" in result.text


def test_the_clinical_target_is_said_in_words():
    assert words(8, 11, 17, target="below 5").text.endswith("Clinical target: below 5.")


def test_dates_in_another_year_carry_the_year():
    result = trend_words(
        name="Weight",
        quantity=KG,
        latest=(at(TODAY), 70.0),
        previous=(at(dt.date(2025, 12, 30)), 71.0),
        first=(at(dt.date(2025, 12, 1)), 75.0),
        band="",
        direction="",
        target_text="",
        own_view=True,
        zone=ZONE,
        today=TODAY,
    )

    assert "since your last report on 30 December 2025" in result.text


@pytest.mark.parametrize(
    ("value", "band"), [(0, "none minimal"), (4, "none minimal"), (5, "mild"), (14, "moderate")]
)
def test_band_of_a_value_uses_lower_bounds(value, band):
    assert band_of(PHQ9_BANDS, value) == band

"""The words under a patient's I chart: everyday words for the patient and a carer, SPC
terms for the clinician, better or worse by the measure's direction, and what the chart's
text alternative and the data table say of the signals."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from coproduce.careplans.own_spc import own_spc
from coproduce.careplans.spc_words import (
    CARER,
    CLINICIAN,
    PATIENT,
    point_signal_words,
    spc_words,
)
from coproduce.careplans.words import HIGHER_IS_BETTER, IN_RANGE, LOWER_IS_BETTER, Quantity
from coproduce.charts import Point

ZONE = ZoneInfo("Europe/London")
TODAY = dt.date(2026, 6, 1)
START = dt.datetime(2026, 1, 5, 9, tzinfo=dt.UTC)  # a Monday; weekly values from here
SCORE = Quantity(decimals=0, unit="{score}")
MMHG = Quantity(decimals=0, unit="mm[Hg]")
SHIFT = [15, 16, 14, 15, 16, 14, 15, 16, 14, 15, 16, 14, 8, 9, 7, 8, 9, 7, 8, 8]
NOISE = [10, 12, 11, 13, 10, 12, 11, 13, 10, 12, 11, 13]


def weekly(values) -> list[Point]:
    return [Point(START + dt.timedelta(weeks=i), float(v)) for i, v in enumerate(values)]


def said(values, *, audience=PATIENT, direction=LOWER_IS_BETTER, quantity=SCORE):
    return spc_words(
        own_spc(weekly(values)),
        quantity=quantity,
        direction=direction,
        audience=audience,
        zone=ZONE,
        today=TODAY,
    )


def test_the_patient_reads_a_recent_shift_as_a_real_change_for_the_better():
    words = said(SHIFT)
    assert words.signal
    assert words.plain
    # The 16s of the old level lie above the range only because the centre line sits
    # between the two levels, and the 7s and 8s below it are the run: not listed again.
    assert words.text == (
        "Your last 8 scores are all lower than your usual level: this looks like a real "
        "change, not everyday ups and downs. For this measure that is a change for the better."
    )
    assert "centre line" not in words.text


def test_higher_is_better_turns_the_same_shift_into_a_change_for_the_worse():
    words = said(SHIFT, direction=HIGHER_IS_BETTER)
    assert "a change for the worse: worth talking over with the care team." in words.text


def test_a_value_outside_the_range_after_an_earlier_run_is_named_with_its_date():
    # Nine low values (more than round(log2 24) + 3 = 8 in a row), fourteen crossing the
    # mean, then one very high value in week 23 (15 June).
    words = said([5, 6, 5, 6, 5, 6, 5, 6, 5, *[15, 7] * 7, 40])
    assert "From 5 January to 2 March, 9 values in a row were lower" in words.text
    assert (
        "One value was much higher than your usual range (40 on 15 June): more than everyday "
        "ups and downs. For this measure that is worse." in words.text
    )


def test_a_measure_kept_in_a_range_is_not_judged():
    words = said(SHIFT, direction=IN_RANGE)
    assert "better" not in words.text
    assert "worse" not in words.text


def test_the_clinician_reads_the_same_shift_in_spc_terms():
    words = said(SHIFT, audience=CLINICIAN)
    assert not words.plain
    # 12 January is the 16 at index 1; the run is weeks 12-19: 30 March to 18 May.
    assert words.text.startswith(
        "Special cause: 8 points in a row below the centre line, 30 March to 18 May (runs "
        "signal); 10 points outside the control limits (7 on 4 May, 8 on 11 May, 8 on 18 May "
        "and 7 earlier)."
    )
    assert "An improvement for this measure." in words.text
    assert (
        "I chart of the last 20 values: centre line 12.2, control limits 8.8 to 15.6." in words.text
    )


def test_noise_is_no_more_than_usual_for_the_patient_and_common_cause_for_the_clinician():
    assert said(NOISE).text == "Your scores go up and down, but no more than usual."
    assert said(NOISE, quantity=MMHG).text == (
        "Your readings go up and down, but no more than usual."
    )
    assert said(NOISE, audience=CARER).text == "The scores go up and down, but no more than usual."
    assert said(NOISE, audience=CLINICIAN).text.startswith("Common-cause variation only.")
    assert not said(NOISE).signal


def test_too_few_values_says_how_many_are_needed():
    assert said(NOISE[:7]).text == (
        "Too few values to tell a real change from everyday ups and downs yet "
        "(12 needed, 7 so far)."
    )
    assert said(NOISE[:7], audience=CLINICIAN).text == (
        "No control limits yet: 7 values, at least 12 needed for an I chart."
    )
    assert said(NOISE[:7]).description == ""


def test_an_earlier_run_is_dated_and_the_carer_reads_it_without_your():
    # Eight low values, then twelve crossing the mean (8.8) every time: the run is the
    # first eight (5 January to 23 February), not the latest values.
    values = [5, 6, 5, 6, 5, 6, 5, 6, *[15, 7] * 6]
    words = said(values, audience=CARER, direction=HIGHER_IS_BETTER)
    assert words.text.startswith(
        "From 5 January to 23 February, 8 values in a row were lower than the usual level: "
        "this looks like a real change"
    )
    assert "your" not in words.text.lower()


def test_too_few_crossings_alone_is_told_without_a_run():
    values = [12, 13, 12, 13, 12, 13, 10, 9, 10, 9, 10, 9]
    assert said(values).text.startswith(
        "Your values have stayed above or below your usual level for longer than everyday "
        "ups and downs would"
    )
    assert said(values, audience=CLINICIAN).text.startswith(
        "Special cause: 1 crossing of the centre line, fewer than the 3 expected (runs signal)."
    )


def test_the_text_alternative_names_the_lines_and_the_signal_points():
    description = said(SHIFT, audience=CLINICIAN).description
    assert description.startswith(
        "Dash-dot line: centre line, 12.2 (mean of the last 20 values). Short-dashed lines: "
        "control limits, 8.8 to 15.6."
    )
    assert (
        "Diamonds: outside the control limits, 7 on 4 May, 8 on 11 May, 8 on 18 May and 7 "
        "earlier." in description
    )
    assert "Squares: 8 values in a row on one side of the line, 30 March to 18 May." in (
        description
    )
    assert said(SHIFT).description.startswith("Dash-dot line: usual level, 12.2 (average")


def test_the_table_marks_each_signal_value():
    spc = own_spc(weekly(SHIFT))
    assert point_signal_words(spc, 1, plain=True) == "Above the usual range"
    assert point_signal_words(spc, 19, plain=False) == "Below the lower control limit"
    assert point_signal_words(spc, 16, plain=True) == "Part of a long run"
    assert point_signal_words(spc, 0, plain=True) == ""
    assert point_signal_words(own_spc(weekly(NOISE[:5])), 0, plain=True) == ""

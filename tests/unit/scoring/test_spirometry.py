"""GLI-2012 spirometry: band cut-points, LMS identities, interpolation and missing data."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coproduce.scoring import MissingItem, ValueOutOfRange, score
from coproduce.scoring.instruments.spirometry import gli_lms, spline_values
from coproduce.scoring.instruments.spirometry_gli2012_tables import (
    SPLINE_AGE_FIRST,
    SPLINE_AGE_STEP,
    SPLINES,
)

PERSON = {"sex": 1, "age": 40, "height": 175, "ethnicity": 1}
EPSILON = 1e-6


def fev1_at(z: float) -> float:
    return gli_lms("fev1", "male", 40, 175, 1).centile(z)


@pytest.mark.parametrize(
    ("z", "band"),
    [
        (-1.645 + EPSILON, "normal"),
        (-1.645 - EPSILON, "mild"),
        (-2.5 + EPSILON, "mild"),
        (-2.5 - EPSILON, "moderate"),
        (-4.0 + EPSILON, "moderate"),
        (-4.0 - EPSILON, "severe"),
        (0.0, "normal"),
    ],
)
def test_band_either_side_of_every_fev1_z_cut_point(z, band):
    result = score("gli-2012", {**PERSON, "fev1": fev1_at(z)})
    assert result.scores["fev1-z"] == pytest.approx(z, abs=1e-9)
    assert result.band == band


def test_below_lln_flag_starts_just_under_the_5th_centile():
    above = score("gli-2012", {**PERSON, "fev1": fev1_at(-1.645 + EPSILON)})
    below = score("gli-2012", {**PERSON, "fev1": fev1_at(-1.645 - EPSILON)})
    assert above.flags == ()
    assert below.flags == ("fev1-below-lln",)


def test_measured_at_predicted_is_z_zero_and_100_percent():
    predicted = score("gli-2012", PERSON).scores["fev1-predicted"]
    result = score("gli-2012", {**PERSON, "fev1": predicted})
    assert result.total == pytest.approx(100.0)
    assert result.scores["fev1-z"] == pytest.approx(0.0, abs=1e-12)


def test_ratio_is_measured_as_fev1_over_fvc():
    result = score("gli-2012", {**PERSON, "fev1": 3.0, "fvc": 4.0})
    ratio_predicted = result.scores["fev1-fvc-predicted"]
    assert result.scores["fev1-fvc-percent-predicted"] == pytest.approx(75.0 / ratio_predicted)


def test_without_fev1_no_total_but_predicted_values():
    result = score("gli-2012", {**PERSON, "fvc": 4.0})
    assert result.total is None
    assert result.band is None
    assert result.missing.method == "not-scored"
    assert result.missing.missing_items == ("fev1",)
    assert result.scores["fvc-z"] is not None
    assert result.scores["fev1-fvc-z"] is None
    assert result.scores["fev1-predicted"] > 0


def test_without_fvc_the_total_stands_and_fvc_is_listed():
    result = score("gli-2012", {**PERSON, "fev1": 3.0})
    assert result.total is not None
    assert result.missing.method == "complete"
    assert result.missing.missing_items == ("fvc",)
    assert result.scores["fvc-z"] is None
    assert result.scores["fev1-fvc-percent-predicted"] is None


@pytest.mark.parametrize(
    ("item", "value"),
    [("sex", 3), ("ethnicity", 6), ("age", 2.9), ("age", 95.1), ("height", 0), ("fev1", -1)],
)
def test_out_of_range_input_is_named(item, value):
    with pytest.raises(ValueOutOfRange) as error:
        score("gli-2012", {**PERSON, item: value})
    assert error.value.item == item


@pytest.mark.parametrize("item", ["sex", "age", "height", "ethnicity"])
def test_demographics_are_required(item):
    answers = {key: value for key, value in PERSON.items() if key != item}
    with pytest.raises(MissingItem) as error:
        score("gli-2012", answers)
    assert error.value.item == item


@pytest.mark.parametrize("key", sorted(SPLINES))
def test_spline_at_a_table_age_is_the_table_row(key):
    measure, sex = key
    row = 150
    age = SPLINE_AGE_FIRST + row * SPLINE_AGE_STEP
    expected = tuple(SPLINES[key][column][row] for column in "LMS")
    assert spline_values(measure, sex, age) == pytest.approx(expected, abs=1e-12)


def test_spline_between_rows_is_the_linear_interpolation():
    columns = SPLINES[("fev1", "female")]["M"]
    midway = SPLINE_AGE_FIRST + 10.5 * SPLINE_AGE_STEP
    expected = (columns[10] + columns[11]) / 2
    assert spline_values("fev1", "female", midway)[1] == pytest.approx(expected, abs=1e-12)


PEOPLE = st.fixed_dictionaries(
    {
        "sex": st.sampled_from([1, 2]),
        "age": st.floats(3, 95),
        "height": st.floats(90, 210),
        "ethnicity": st.integers(1, 5),
    }
)


@given(PEOPLE, st.floats(0.3, 6), st.floats(0.4, 7))
def test_scores_are_finite_and_lln_below_predicted(person, fev1, fvc):
    result = score("gli-2012", {**person, "fev1": fev1, "fvc": fvc})
    assert all(math.isfinite(value) for value in result.scores.values())
    for measure in ("fev1", "fvc", "fev1-fvc"):
        assert 0 < result.scores[f"{measure}-lln"] < result.scores[f"{measure}-predicted"]
    assert result.band in {"normal", "mild", "moderate", "severe"}


@given(PEOPLE)
def test_lln_is_the_value_with_z_minus_1645(person):
    lln = score("gli-2012", person).scores["fev1-lln"]
    assert score("gli-2012", {**person, "fev1": lln}).scores["fev1-z"] == pytest.approx(-1.645)


@given(PEOPLE, st.floats(0.3, 5), st.floats(0.01, 1))
def test_z_rises_with_the_measured_value(person, fev1, extra):
    lower = score("gli-2012", {**person, "fev1": fev1}).scores["fev1-z"]
    higher = score("gli-2012", {**person, "fev1": fev1 + extra}).scores["fev1-z"]
    assert higher > lower

"""IBD indices and the flare diary: cut-points, ranges, documented item ids."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coproduce.scoring import MissingItem, UnknownItem, ValueOutOfRange, instrument, score


def answer_strategy(code):
    """Any valid complete answer set for an instrument whose items are option lists or
    bounded whole numbers."""
    fields = {}
    for item in instrument(code).items:
        if item.values:
            fields[item.id] = st.sampled_from([v.code for v in item.values])
        else:
            fields[item.id] = st.integers(int(item.minimum), int(item.maximum))
    return st.fixed_dictionaries(fields)


def item_maximum_sum(code):
    """The sum of each option-list item's highest code."""
    return sum(max(v.code for v in item.values) for item in instrument(code).items)


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "remission"),
        (4, "remission"),
        (5, "mild"),
        (7, "mild"),
        (8, "moderate"),
        (16, "moderate"),
        (17, "severe"),
    ],
)
def test_hbi_band_at_every_cut_point(total, band):
    answers = {"wellbeing": 0, "abdominal_pain": 0, "liquid_stools": total, "abdominal_mass": 0}
    assert score("hbi", answers).band == band


def test_hbi_complications_are_optional_and_counted():
    base = {"wellbeing": 1, "abdominal_pain": 1, "liquid_stools": 2, "abdominal_mass": 0}
    result = score("hbi", {**base, "uveitis": 1, "abscess": 1})
    assert result.total == 6
    assert result.scores["complications"] == 2
    assert score("hbi", base).total == 4


def test_hbi_core_item_is_required_and_stools_are_whole():
    with pytest.raises(MissingItem) as error:
        score("hbi", {"wellbeing": 1, "abdominal_pain": 1, "abdominal_mass": 0})
    assert error.value.item == "liquid_stools"
    with pytest.raises(ValueOutOfRange):
        score(
            "hbi",
            {"wellbeing": 1, "abdominal_pain": 1, "liquid_stools": 2.5, "abdominal_mass": 0},
        )


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "remission"),
        (2, "remission"),
        (3, "mildly-active"),
        (4, "mildly-active"),
        (5, "active"),
        (10, "active"),
    ],
)
def test_sccai_band_at_every_cut_point(total, band):
    answers = {
        "bowel_frequency_day": 0,
        "bowel_frequency_night": 0,
        "urgency": 0,
        "blood": 0,
        "wellbeing": 0,
        "extracolonic_features": total,
    }
    assert score("sccai", answers).band == band


def test_sccai_night_frequency_has_no_third_point():
    answers = {
        "bowel_frequency_day": 0,
        "bowel_frequency_night": 3,
        "urgency": 0,
        "blood": 0,
        "wellbeing": 0,
        "extracolonic_features": 0,
    }
    with pytest.raises(ValueOutOfRange) as error:
        score("sccai", answers)
    assert error.value.item == "bowel_frequency_night"


PUCAI_ZERO = {
    "abdominal_pain": 0,
    "rectal_bleeding": 0,
    "stool_consistency": 0,
    "stools_per_24h": 0,
    "nocturnal_stools": 0,
    "activity_level": 0,
}


@pytest.mark.parametrize(
    ("changes", "total", "band"),
    [
        ({"abdominal_pain": 5}, 5, "remission"),
        ({"rectal_bleeding": 10}, 10, "mild"),
        ({"rectal_bleeding": 30}, 30, "mild"),
        ({"rectal_bleeding": 30, "abdominal_pain": 5}, 35, "moderate"),
        (
            {
                "rectal_bleeding": 30,
                "stools_per_24h": 15,
                "nocturnal_stools": 10,
                "activity_level": 5,
            },
            60,
            "moderate",
        ),
        (
            {
                "rectal_bleeding": 30,
                "stools_per_24h": 15,
                "nocturnal_stools": 10,
                "activity_level": 10,
            },
            65,
            "severe",
        ),
    ],
)
def test_pucai_band_at_every_cut_point(changes, total, band):
    result = score("pucai", {**PUCAI_ZERO, **changes})
    assert result.total == total
    assert result.band == band


def test_pucai_answers_are_the_published_points():
    with pytest.raises(ValueOutOfRange) as error:
        score("pucai", {**PUCAI_ZERO, "rectal_bleeding": 1})
    assert error.value.item == "rectal_bleeding"


WPCDAI_ZERO = {
    "abdominal_pain": 0,
    "wellbeing": 0,
    "stools": 0,
    "esr": 0,
    "albumin": 0,
    "weight": 0,
    "perirectal_disease": 0,
    "extraintestinal": 0,
}


@pytest.mark.parametrize(
    ("changes", "total", "band"),
    [
        ({"abdominal_pain": 10}, 10, "remission"),
        ({"stools": 7.5, "weight": 5}, 12.5, "mild"),
        ({"abdominal_pain": 20, "albumin": 20}, 40, "mild"),
        (
            {"abdominal_pain": 20, "albumin": 20, "weight": 5, "stools": 7.5, "esr": 7.5},
            60,
            "severe",
        ),
        ({"abdominal_pain": 20, "albumin": 20, "stools": 7.5, "esr": 7.5}, 55, "moderate"),
        ({"abdominal_pain": 20, "albumin": 20, "stools": 15, "esr": 7.5}, 62.5, "severe"),
        (
            {"abdominal_pain": 20, "albumin": 10, "stools": 15, "esr": 7.5, "weight": 5},
            57.5,
            "moderate",
        ),
        ({"abdominal_pain": 20, "albumin": 10, "stools": 7.5, "weight": 5}, 42.5, "moderate"),
    ],
)
def test_wpcdai_band_at_every_cut_point(changes, total, band):
    result = score("wpcdai", {**WPCDAI_ZERO, **changes})
    assert result.total == total
    assert result.band == band


def test_wpcdai_raw_laboratory_values_are_rejected():
    with pytest.raises(ValueOutOfRange) as error:
        score("wpcdai", {**WPCDAI_ZERO, "esr": 35})
    assert error.value.item == "esr"


DIARY_ZERO = {"stools_per_day": 0, "blood": 0, "abdominal_pain": 0, "urgency": 0, "wellbeing": 0}


@pytest.mark.parametrize(
    ("stools", "stool_points"), [(0, 0), (3, 0), (4, 1), (6, 1), (7, 2), (9, 2), (10, 3), (50, 3)]
)
def test_diary_stool_points_at_every_cut_point(stools, stool_points):
    result = score("ibd-flare-diary", {**DIARY_ZERO, "stools_per_day": stools})
    assert result.scores["stool_points"] == stool_points


@pytest.mark.parametrize(
    ("wellbeing", "band"),
    [(2, "settled"), (3, "some-symptoms"), (4, "some-symptoms")],
)
def test_diary_band_at_every_cut_point(wellbeing, band):
    assert score("ibd-flare-diary", {**DIARY_ZERO, "wellbeing": wellbeing}).band == band


def test_diary_total_of_five_is_a_possible_flare():
    result = score("ibd-flare-diary", {**DIARY_ZERO, "wellbeing": 4, "urgency": 1})
    assert result.band == "possible-flare"
    assert result.flags == ("possible-flare",)


def test_diary_streaks_of_blood_alone_raise_no_flag():
    assert score("ibd-flare-diary", {**DIARY_ZERO, "blood": 1}).flags == ()


def test_unknown_item_is_named():
    with pytest.raises(UnknownItem) as error:
        score("ibd-flare-diary", {**DIARY_ZERO, "fever": 1})
    assert error.value.item == "fever"


RANGES = {
    "hbi": (0, 4 + 3 + 100 + 3 + 8),
    "sccai": (0, 3 + 2 + 3 + 3 + 4 + 10),
    "pucai": (0, 85),
    "wpcdai": (0, 125),
    "ibd-flare-diary": (0, 15),
}


@pytest.mark.parametrize("code", ["pucai", "wpcdai"])
def test_published_maximum_matches_the_item_points(code):
    assert item_maximum_sum(code) == RANGES[code][1]


def test_sccai_published_maximum_is_19_with_four_extracolonic_features():
    answers = {
        "bowel_frequency_day": 3,
        "bowel_frequency_night": 2,
        "urgency": 3,
        "blood": 3,
        "wellbeing": 4,
        "extracolonic_features": 4,
    }
    assert score("sccai", answers).total == 19


@pytest.mark.parametrize("code", sorted(RANGES))
@given(data=st.data())
def test_scores_stay_in_range_and_are_sum_of_answers(code, data):
    answers = data.draw(answer_strategy(code))
    result = score(code, answers)
    low, high = RANGES[code]
    assert low <= result.total <= high
    assert result.band is not None
    assert result.missing.method == "complete"
    if code != "ibd-flare-diary":
        assert result.total == sum(answers.values())


@given(st.integers(0, 50), st.integers(0, 50))
def test_diary_more_stools_never_lowers_the_score(fewer, more):
    fewer, more = sorted((fewer, more))
    low = score("ibd-flare-diary", {**DIARY_ZERO, "stools_per_day": fewer}).total
    high = score("ibd-flare-diary", {**DIARY_ZERO, "stools_per_day": more}).total
    assert low <= high

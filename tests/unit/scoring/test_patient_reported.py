"""PRO-CTCAE, ACT, ODI, collaboRATE and visit-experience: cut-points, missing data, properties."""

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coproduce.scoring import MissingItem, ValueOutOfRange, catalogue, instrument, score
from coproduce.scoring.instruments.patient_reported import (
    ACT_IDS,
    COLLABORATE_IDS,
    ODI_IDS,
    collaborate_clinic,
)
from coproduce.scoring.instruments.patient_reported_proctcae import (
    SYMPTOMS,
    composite_from_scores,
)

# --- PRO-CTCAE -----------------------------------------------------------------------------


def test_proctcae_covers_the_twelve_symptoms_with_nci_wording():
    ids = {s.id for s in SYMPTOMS}
    assert ids == {
        "nausea", "vomiting", "diarrhea", "constipation", "fatigue", "pain",
        "shortness-of-breath", "decreased-appetite", "mouth-sores", "numbness-tingling",
        "insomnia", "hand-foot-syndrome",
    }  # fmt: skip
    spec = instrument("pro-ctcae")
    assert (
        spec.item("nausea-frequency").text == "In the last 7 days, how OFTEN did you have NAUSEA?"
    )
    assert all(item.text.startswith("In the last 7 days") for item in spec.items)
    assert spec.item("numbness-tingling-severity").text == (
        "In the last 7 days, what was the SEVERITY of your NUMBNESS OR TINGLING IN YOUR HANDS "
        "OR FEET at its WORST?"
    )
    assert spec.item("mouth-sores-interference").text == (
        "In the last 7 days, how much did MOUTH OR THROAT SORES INTERFERE with your usual or "
        "daily activities?"
    )


@pytest.mark.parametrize("symptom", SYMPTOMS, ids=lambda s: s.id)
def test_proctcae_composite_is_monotone_in_every_attribute(symptom):
    """Basch 2021 step 3 made the tables directionally consistent: raising any attribute
    never lowers the grade. This guards the transcription of the tables."""
    n = len(symptom.attributes)
    for scores in itertools.product(range(1, 5), *([range(5)] * (n - 1))):
        grade = composite_from_scores(symptom.attributes, scores)
        assert 0 <= grade <= 3
        for k in range(n):
            if scores[k] < 4:
                higher = (*scores[:k], scores[k] + 1, *scores[k + 1 :])
                assert composite_from_scores(symptom.attributes, higher) >= grade


@pytest.mark.parametrize(
    ("answers", "grade"),
    [
        ({"pain-frequency": 4, "pain-severity": 4, "pain-interference": 4}, 3),
        ({"pain-frequency": 4, "pain-severity": 1, "pain-interference": 4}, 3),
        ({"pain-frequency": 3, "pain-severity": 1, "pain-interference": 4}, 2),
        ({"fatigue-severity": 4, "fatigue-interference": 2}, 2),
        ({"fatigue-severity": 4, "fatigue-interference": 3}, 3),
        ({"nausea-frequency": 4, "nausea-severity": 2}, 2),
        ({"constipation-severity": 3}, 3),
        ({"diarrhea-frequency": 3}, 2),
    ],
)
def test_proctcae_table_cells(answers, grade):
    assert score("pro-ctcae", answers).total == grade


def test_proctcae_first_attribute_zero_skips_the_rest():
    result = score("pro-ctcae", {"pain-frequency": 0})
    assert result.scores == {"pain": 0, "highest-grade": 0}
    assert result.band == "grade-0"
    assert result.missing.method == "complete"


def test_proctcae_missing_later_attribute_leaves_symptom_ungraded():
    result = score("pro-ctcae", {"pain-frequency": 2, "pain-severity": 2, "nausea-frequency": 1,
                                 "nausea-severity": 1})  # fmt: skip
    assert result.scores["pain"] is None
    assert result.total == 1
    assert result.missing.method == "not-scored"
    assert result.missing.missing_items == ("pain-interference",)


def test_proctcae_nothing_answered_is_not_scored():
    result = score("pro-ctcae", {})
    assert result.total is None
    assert result.band is None


def test_proctcae_rejects_out_of_range_attribute():
    with pytest.raises(ValueOutOfRange):
        score("pro-ctcae", {"nausea-severity": 5})


PROCTCAE_ANSWERS = st.dictionaries(
    st.sampled_from([item.id for item in instrument("pro-ctcae").items]), st.integers(0, 4)
)


@given(PROCTCAE_ANSWERS)
def test_proctcae_total_is_the_highest_grade_and_flags_match(answers):
    result = score("pro-ctcae", answers)
    symptoms = {s: g for s, g in result.scores.items() if s != "highest-grade"}
    grades = [g for g in symptoms.values() if g is not None]
    assert result.total == (max(grades) if grades else None)
    assert result.scores["highest-grade"] == result.total
    assert {f.removesuffix("-grade-3") for f in result.flags} == {
        s for s, g in symptoms.items() if g == 3
    }


# --- ACT -----------------------------------------------------------------------------------


def act(total_items):
    return dict(zip(ACT_IDS, total_items, strict=True))


@pytest.mark.parametrize(
    ("items", "band"),
    [
        ((4, 4, 4, 4, 4), "well-controlled"),
        ((4, 4, 4, 4, 3), "not-well-controlled"),
        ((4, 3, 3, 3, 3), "not-well-controlled"),
        ((3, 3, 3, 3, 3), "very-poorly-controlled"),
    ],
)
def test_act_cut_points(items, band):
    assert score("act", act(items)).band == band


def test_act_requires_every_item():
    with pytest.raises(MissingItem) as error:
        score("act", dict(zip(ACT_IDS[:4], (5, 5, 5, 5), strict=True)))
    assert error.value.item == "self-rated-control"


@given(st.lists(st.integers(1, 5), min_size=5, max_size=5))
def test_act_total_in_range(items):
    assert 5 <= score("act", act(items)).total <= 25


# --- ODI -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "band"),
    [(10, "minimal"), (11, "moderate"), (20, "moderate"), (21, "severe"), (30, "severe"),
     (31, "crippled"), (40, "crippled"), (41, "bed-bound")],
)  # fmt: skip
def test_odi_cut_points(raw, band):
    values = [5] * (raw // 5) + [raw % 5] + [0] * 10
    answers = dict(zip(ODI_IDS, values, strict=False))
    result = score("odi", answers)
    assert result.total == pytest.approx(raw * 2)
    assert result.band == band


def test_odi_one_missing_section_reduces_the_denominator():
    answers = dict(zip(ODI_IDS[:9], [1] * 9, strict=True))
    result = score("odi", answers)
    assert result.total == pytest.approx(9 / 45 * 100)
    assert result.missing.method == "prorated"
    assert result.missing.missing_items == ("travelling",)


ODI_ANSWERS = st.dictionaries(st.sampled_from(ODI_IDS), st.integers(0, 5))


@given(ODI_ANSWERS)
def test_odi_in_range_and_missing_rule(answers):
    result = score("odi", answers)
    if len(answers) < 9:
        assert result.total is None
        assert result.missing.method == "not-scored"
    else:
        assert 0 <= result.total <= 100
        assert result.band is not None


# --- collaboRATE ---------------------------------------------------------------------------


def collab(*values):
    return dict(zip(COLLABORATE_IDS, values, strict=True))


def test_collaborate_top_score_needs_every_item_at_nine():
    assert score("collaborate", collab(9, 9, 9)).total == 1
    assert score("collaborate", collab(9, 9, 8)).total == 0
    assert score("collaborate", collab(8, 9, 9)).band == "not-top-score"


@given(st.lists(st.integers(0, 9), min_size=3, max_size=3))
def test_collaborate_scores_in_range(values):
    result = score("collaborate", collab(*values))
    assert result.total in (0, 1)
    assert 0 <= result.scores["mean-score"] <= 9


def test_collaborate_clinic_level():
    encounters = [
        score("collaborate", collab(9, 9, 9)),
        score("collaborate", collab(9, 9, 0)),
        score("collaborate", collab(0, 0, 0)),
        score("collaborate", collab(9, 9, 9)),
    ]
    clinic = collaborate_clinic(encounters)
    assert clinic["encounters"] == 4
    assert clinic["top-score-proportion"] == pytest.approx(50)
    assert clinic["mean-score"] == pytest.approx((9 + 6 + 0 + 9) / 4)
    assert clinic["minimum-encounters-met"] == 0


def test_collaborate_clinic_level_minimum_encounters():
    encounters = [score("collaborate", collab(9, 9, 9))] * 25
    clinic = collaborate_clinic(encounters)
    assert clinic["minimum-encounters-met"] == 1
    assert clinic["top-score-proportion"] == pytest.approx(100)


def test_collaborate_clinic_level_empty():
    assert collaborate_clinic([])["top-score-proportion"] is None


# --- visit experience ----------------------------------------------------------------------

VISIT_IDS = [item.id for item in instrument("visit-experience").items]


@given(st.dictionaries(st.sampled_from(VISIT_IDS), st.integers(0, 4)))
def test_visit_experience_in_range_and_missing_rule(answers):
    result = score("visit-experience", answers)
    if len(answers) < 3:
        assert result.total is None
    else:
        assert 0 <= result.total <= 100
        assert 0 <= result.scores["top-box"] <= 100


def test_visit_experience_item_order_does_not_matter():
    answers = dict(zip(VISIT_IDS, [4, 3, 2, 1, 0], strict=True))
    reverse = dict(reversed(list(answers.items())))
    assert score("visit-experience", answers) == score("visit-experience", reverse)
    assert score("visit-experience", answers).total == 50


def test_licensed_family_members_ship_no_text():
    licensed = {"act", "odi", "collaborate"}
    for spec in catalogue():
        if spec.code in licensed:
            assert not spec.item_text_shipped
            assert all(item.text == "" for item in spec.items)

"""Rheumatology instruments: cut-points on both sides, formula properties, missing data."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coproduce.scoring import MissingItem, UnknownItem, ValueOutOfRange, instrument, score
from coproduce.scoring.instruments.rheumatology import (
    HAQ_CATEGORIES,
    RAPID3_FN_TABLE,
    das28_band,
    haq_item_ids,
)


@pytest.mark.parametrize(
    ("value", "band"),
    [
        (0.0, "remission"),
        (2.59, "remission"),
        (2.6, "low"),
        (3.2, "low"),
        (3.21, "moderate"),
        (5.1, "moderate"),
        (5.11, "high"),
    ],
)
def test_das28_band_at_every_eular_cut_point(value, band):
    assert das28_band(value) == band


CDAI_CUTS = [
    ((1, 1, 0.4, 0.4), "remission"),  # 2.8
    ((1, 1, 0.41, 0.4), "low"),  # 2.81
    ((4, 3, 2, 1), "low"),  # 10
    ((4, 3, 2, 1.01), "moderate"),  # 10.01
    ((10, 8, 2, 2), "moderate"),  # 22
    ((10, 8, 2, 2.01), "high"),  # 22.01
]


@pytest.mark.parametrize(("parts", "band"), CDAI_CUTS)
def test_cdai_band_at_every_cut_point(parts, band):
    ids = ("tjc28", "sjc28", "patient_global", "evaluator_global")
    result = score("cdai", dict(zip(ids, parts, strict=True)))
    assert result.total == pytest.approx(sum(parts))
    assert result.band == band


SDAI_CUTS = [
    (3.3, "remission"),
    (3.31, "low"),
    (11, "low"),
    (11.01, "moderate"),
    (26, "moderate"),
    (26.01, "high"),
]


@pytest.mark.parametrize(("crp", "band"), SDAI_CUTS)
def test_sdai_band_at_every_cut_point_with_crp_in_mg_per_dl(crp, band):
    answers = {"tjc28": 0, "sjc28": 0, "patient_global": 0, "evaluator_global": 0, "crp": crp}
    result = score("sdai", answers)
    assert result.total == pytest.approx(crp)
    assert result.band == band


RAPID3_CUTS = [
    (3.0, 0, "near-remission"),
    (3.5, 0, "low"),
    (6.0, 0, "low"),
    (6.5, 0, "moderate"),
    (10.0, 2.0, "moderate"),  # 12.0
    (10.0, 2.5, "high"),  # 12.5
]


@pytest.mark.parametrize(("pain", "patient_global", "band"), RAPID3_CUTS)
def test_rapid3_band_at_every_cut_point(pain, patient_global, band):
    answers = {f"fn_{letter}": 0 for letter in "abcdefghij"}
    answers |= {"pain": pain, "patient_global": patient_global}
    assert score("rapid3", answers).band == band


def test_rapid3_function_table_is_raw_over_three_to_one_decimal():
    assert len(RAPID3_FN_TABLE) == 31
    for raw, value in enumerate(RAPID3_FN_TABLE):
        assert value == pytest.approx(math.floor(raw / 3 * 10 + 0.5) / 10)


def test_das28_esr_without_global_uses_three_variable_formula():
    four = score("das28-esr", {"tjc28": 6, "sjc28": 4, "esr": 30, "patient_global": 50})
    three = score("das28-esr", {"tjc28": 6, "sjc28": 4, "esr": 30})
    assert four.flags == ()
    assert three.flags == ("three-variable",)
    assert three.total == score("das28-esr-3", {"tjc28": 6, "sjc28": 4, "esr": 30}).total


def test_das28_3_variable_code_has_no_global_item():
    with pytest.raises(UnknownItem):
        score("das28-crp-3", {"tjc28": 1, "sjc28": 1, "crp": 5, "patient_global": 10})


def test_das28_esr_below_1_is_rejected_naming_the_item():
    with pytest.raises(ValueOutOfRange) as error:
        score("das28-esr", {"tjc28": 1, "sjc28": 1, "esr": 0, "patient_global": 10})
    assert error.value.item == "esr"


def test_joint_count_must_be_whole_and_at_most_28():
    for value in (29, 2.5):
        with pytest.raises(ValueOutOfRange):
            score("cdai", {"tjc28": value, "sjc28": 0, "patient_global": 0, "evaluator_global": 0})


JOINTS = st.integers(0, 28)


@given(JOINTS, JOINTS, st.floats(1, 200), st.floats(0, 100))
def test_das28_esr_stays_in_range_and_rises_with_tender_joints(tjc, sjc, esr, globl):
    answers = {"tjc28": tjc, "sjc28": sjc, "esr": esr, "patient_global": globl}
    result = score("das28-esr", answers)
    assert 0 <= result.total <= 10.2
    if tjc < 28:
        assert score("das28-esr", answers | {"tjc28": tjc + 1}).total >= result.total


@given(JOINTS, JOINTS, st.floats(0, 500), st.one_of(st.none(), st.floats(0, 100)))
def test_das28_crp_stays_in_range(tjc, sjc, crp, globl):
    answers = {"tjc28": tjc, "sjc28": sjc, "crp": crp, "patient_global": globl}
    result = score("das28-crp", answers)
    assert 0.96 <= result.total <= 9.5
    assert result.band in {"remission", "low", "moderate", "high"}


HAQ_IDS = [item for category, count in HAQ_CATEGORIES for item in haq_item_ids(category, count)]
HAQ_FLAGS = [f"{category}_{kind}" for category, _ in HAQ_CATEGORIES for kind in ("aids", "help")]


@given(
    st.dictionaries(st.sampled_from(HAQ_IDS), st.integers(0, 3)),
    st.dictionaries(st.sampled_from(HAQ_FLAGS), st.integers(0, 1)),
)
def test_haq_di_in_range_and_scored_only_with_six_categories(items, flags):
    result = score("haq-di", items | flags)
    answered = [c for c, n in HAQ_CATEGORIES if any(i in items for i in haq_item_ids(c, n))]
    if len(answered) < 6:
        assert result.total is None
        assert result.missing.method == "not-scored"
        return
    assert 0 <= result.scores["without_aids"] <= result.total <= 3
    assert result.total * len(answered) == pytest.approx(round(result.total * len(answered)))


@given(
    st.lists(st.integers(0, 3), min_size=10, max_size=10), st.integers(0, 20), st.integers(0, 20)
)
def test_rapid3_stays_in_range_and_order_does_not_matter(fn, pain, globl):
    answers = {f"fn_{letter}": v for letter, v in zip("abcdefghij", fn, strict=True)}
    answers |= {"pain": pain / 2, "patient_global": globl / 2}
    result = score("rapid3", answers)
    assert 0 <= result.total <= 30
    assert score("rapid3", dict(reversed(answers.items()))).total == result.total


def test_rapid3_needs_every_function_item():
    answers = {f"fn_{letter}": 0 for letter in "abcdefghi"} | {"pain": 0, "patient_global": 0}
    with pytest.raises(MissingItem) as error:
        score("rapid3", answers)
    assert error.value.item == "fn_j"


@given(st.integers(0, 1440), st.integers(0, 10), st.integers(0, 10), JOINTS, st.integers(0, 1))
def test_flare_diary_flag_follows_the_documented_rule(stiffness, pain, fatigue, swollen, flare):
    answers = {
        "morning_stiffness_minutes": stiffness,
        "pain": pain,
        "fatigue": fatigue,
        "swollen_joints": swollen,
        "flare": flare,
    }
    result = score("ra-flare-diary", answers)
    signs = (stiffness >= 60) + (pain >= 6) + (fatigue >= 7) + (swollen >= 1)
    assert result.total == signs
    assert ("flare" in result.flags) == (flare == 1 or signs >= 2)
    assert result.band == ("flare" if "flare" in result.flags else "no-flare")


def test_licensed_instruments_ship_no_text_and_diary_does():
    assert not instrument("haq-di").item_text_shipped
    assert not instrument("rapid3").item_text_shipped
    assert all(item.text for item in instrument("ra-flare-diary").items)

"""The scoring core's contract: catalogue, errors naming the item, properties."""

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coproduce.scoring import (
    MissingItem,
    UnknownInstrument,
    UnknownItem,
    ValueOutOfRange,
    catalogue,
    instrument,
    score,
)


def test_catalogue_documents_every_item_with_allowed_values_licence_and_source():
    for spec in catalogue():
        assert all((spec.code, spec.version, spec.title, spec.licence, spec.source))
        assert spec.url.startswith("http")
        assert spec.items
        for item in spec.items:
            assert item.values or item.minimum is not None or item.maximum is not None, item.id
        ids = [item.id for item in spec.items]
        assert len(ids) == len(set(ids)), spec.code


def test_licensed_instruments_ship_no_item_text():
    for spec in catalogue():
        if not spec.item_text_shipped:
            assert all(item.text == "" for item in spec.items), spec.code


def test_instrument_found_by_code_or_canonical_url():
    assert instrument("phq-9") is instrument("http://coproduce.org/fhir/Questionnaire/phq-9|1.0")
    with pytest.raises(UnknownInstrument):
        score("phq-99", {})


def test_unknown_item_is_named():
    with pytest.raises(UnknownItem) as error:
        score("gad-2", {"1": 0, "2": 0, "3": 1})
    assert error.value.item == "3"


@pytest.mark.parametrize("value", [4, -1, 1.5, "two", float("nan"), True, [1]])
def test_out_of_range_value_is_named(value):
    with pytest.raises(ValueOutOfRange) as error:
        score("phq-2", {"1": value, "2": 0})
    assert error.value.item == "1"
    assert "one of 0, 1, 2, 3" in str(error.value)


def test_missing_required_item_is_named():
    with pytest.raises(MissingItem) as error:
        score("phq-2", {"1": 1})
    assert error.value.item == "2"


def test_numeric_strings_are_accepted():
    assert score("phq-2", {"1": "1", "2": "2"}).total == 3


def test_as_dict_is_json_serialisable():
    result = score("phq-9", {str(i): 1 for i in range(1, 10)})
    assert json.loads(json.dumps(result.as_dict()))["total"] == 9


PHQ9_ANSWERS = st.dictionaries(
    st.sampled_from([str(i) for i in range(1, 10)]), st.integers(0, 3), min_size=7
)


@given(PHQ9_ANSWERS)
def test_phq9_total_stays_in_range_and_prorating_is_bounded(answers):
    result = score("phq-9", answers)
    assert result.total is not None
    assert 0 <= result.total <= 27
    answered = sum(answers.values())
    assert answered <= result.total <= answered + 3 * (9 - len(answers))


@given(st.lists(st.integers(0, 3), min_size=7, max_size=7), st.randoms())
def test_item_order_does_not_matter(values, rng):
    answers = {str(i + 1): v for i, v in enumerate(values)}
    shuffled = list(answers.items())
    rng.shuffle(shuffled)
    assert score("gad-7", answers) == score("gad-7", dict(shuffled))

"""EQ-5D-5L: value-set bounds, monotonicity, state code, missing dimensions."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coproduce.scoring import ValueOutOfRange, score
from coproduce.scoring.instruments.eq5d import DIMENSIONS
from coproduce.scoring.instruments.eq5d_crosswalk import UK_CROSSWALK

INDEX_NAMES = ("index-england-2018", "index-us-2019", "index-uk-crosswalk")
states = st.fixed_dictionaries({dim: st.integers(1, 5) for dim in DIMENSIONS})


def scores_for(levels):
    return score("eq-5d-5l", levels).scores


@given(states)
def test_every_index_is_at_most_one_and_at_least_the_worst_state(levels):
    worst = scores_for(dict.fromkeys(DIMENSIONS, 5))
    result = scores_for(levels)
    for name in INDEX_NAMES:
        assert worst[name] <= result[name] <= 1.0


@given(states, st.sampled_from(DIMENSIONS))
def test_worsening_a_dimension_never_raises_any_index(levels, dim):
    if levels[dim] == 5:
        return
    before = scores_for(levels)
    after = scores_for({**levels, dim: levels[dim] + 1})
    for name in INDEX_NAMES:
        assert after[name] <= before[name], name


@given(states)
def test_total_is_the_england_2018_index_and_state_spells_the_levels(levels):
    result = score("eq-5d-5l", levels)
    assert result.total == result.scores["index-england-2018"]
    assert result.scores["state"] == float("".join(str(levels[dim]) for dim in DIMENSIONS))


@given(states)
def test_item_order_does_not_matter(levels):
    reversed_answers = dict(reversed(list(levels.items())))
    assert score("eq-5d-5l", reversed_answers) == score("eq-5d-5l", levels)


def test_crosswalk_table_has_one_value_per_state_from_one_down_to_the_worst():
    assert len(UK_CROSSWALK) == 3125
    assert max(UK_CROSSWALK.values()) == UK_CROSSWALK[11111] == 1.0
    assert min(UK_CROSSWALK.values()) == UK_CROSSWALK[55555] == -0.594


@pytest.mark.parametrize(
    ("state", "england", "us"),
    [("11111", 1.0, 1.0), ("55555", -0.285, -0.573), ("12345", 0.322, 0.171)],
)
def test_additive_value_sets_are_one_minus_the_published_decrements(state, england, us):
    levels = {dim: int(level) for dim, level in zip(DIMENSIONS, state, strict=True)}
    result = scores_for(levels)
    assert result["index-england-2018"] == pytest.approx(england, abs=1e-9)
    assert result["index-us-2019"] == pytest.approx(us, abs=1e-9)


@pytest.mark.parametrize("dim", DIMENSIONS)
def test_any_missing_dimension_gives_no_index_but_keeps_vas(dim):
    answers = {d: 1 for d in DIMENSIONS if d != dim} | {"vas": 55}
    result = score("eq-5d-5l", answers)
    assert result.total is None
    assert result.missing.method == "not-scored"
    assert result.missing.missing_items == (dim,)
    assert result.scores["vas"] == 55


@pytest.mark.parametrize("vas", [0, 100])
def test_vas_bounds_are_accepted(vas):
    assert score("eq-5d-5l", dict.fromkeys(DIMENSIONS, 1) | {"vas": vas}).scores["vas"] == vas


@pytest.mark.parametrize(
    ("item", "value"), [("vas", 101), ("vas", -1), ("mobility", 0), ("anxiety-depression", 6)]
)
def test_out_of_range_answers_are_named(item, value):
    with pytest.raises(ValueOutOfRange) as error:
        score("eq-5d-5l", dict.fromkeys(DIMENSIONS, 1) | {item: value})
    assert error.value.item == item

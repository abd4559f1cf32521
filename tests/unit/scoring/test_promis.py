"""PROMIS Global-10 and PROMIS-29: rescoring cut-points, tables, missing data, properties."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coproduce.scoring import catalogue, score
from coproduce.scoring.instruments import promis_tables as tables
from coproduce.scoring.instruments.promis import (
    GLOBAL_ITEM_IDS,
    PROFILE_DOMAINS,
    rescored_pain,
)

ALL_TABLES = (
    tables.GLOBAL_PHYSICAL_T,
    tables.GLOBAL_MENTAL_T,
    *(domain.table for domain in PROFILE_DOMAINS),
)
PROFILE_IDS = [item for domain in PROFILE_DOMAINS for item in domain.item_ids]


def global_answers(value, pain):
    answers = dict.fromkeys(GLOBAL_ITEM_IDS, value)
    answers["Global07r"] = pain
    return answers


@pytest.mark.parametrize(
    ("rating", "expected"),
    [(0, 5), (1, 4), (3, 4), (4, 3), (6, 3), (7, 2), (9, 2), (10, 1)],
)
def test_global07r_rescoring_at_every_cut_point(rating, expected):
    assert rescored_pain(rating) == expected


@pytest.mark.parametrize(("rating", "gph_raw"), [(3, 16), (4, 15), (6, 15), (7, 14)])
def test_pain_cut_points_move_the_physical_raw_score(rating, gph_raw):
    result = score("promis-global-10", global_answers(4, rating))
    assert result.scores["gph-raw"] == gph_raw
    assert result.scores["gph-t"] == tables.GLOBAL_PHYSICAL_T[gph_raw]


def test_global01_and_global09r_do_not_enter_the_summaries():
    base = score("promis-global-10", global_answers(3, 5))
    changed = score("promis-global-10", {**global_answers(3, 5), "Global01": 5, "Global09r": 1})
    assert base.scores == changed.scores


def test_missing_mental_item_leaves_physical_scored():
    answers = global_answers(3, 5)
    del answers["Global10r"]
    result = score("promis-global-10", answers)
    assert result.scores["gmh-t"] is None
    assert result.total == 39.8
    assert result.missing.method == "not-scored"
    assert result.missing.missing_items == ("Global10r",)


@pytest.mark.parametrize("table", ALL_TABLES)
def test_tables_cover_raw_4_to_20_and_increase(table):
    assert sorted(table) == list(range(4, 21))
    values = [table[raw] for raw in range(4, 21)]
    assert values == sorted(values)
    assert len(set(values)) == len(values)


def test_promis_ships_no_item_text():
    for spec in catalogue():
        if spec.code.startswith("promis"):
            assert not spec.item_text_shipped
            assert all(item.text == "" for item in spec.items)


@pytest.mark.parametrize(
    ("answered", "raw"),
    [((4, 4, 3), 15), ((3, 3, 3), 12), ((5, 4), 18), ((1, 2), 6), ((2, 2, 1), 7)],
)
def test_profile_proration_rounds_up(answered, raw):
    items = PROFILE_DOMAINS[0].item_ids
    result = score("promis-29", dict(zip(items, answered, strict=False)))
    assert result.scores["physical-function-raw"] == raw
    assert result.scores["physical-function-t"] == tables.PHYSICAL_FUNCTION_T[raw]


def test_profile_with_one_item_of_a_domain_is_not_scored():
    result = score("promis-29", {"PAININ9": 3})
    assert result.scores["pain-interference-t"] is None
    assert result.missing.method == "not-scored"
    assert "pain-interference" in result.missing.reason


PROFILE_ANSWERS = st.dictionaries(st.sampled_from(PROFILE_IDS), st.integers(1, 5))


@given(PROFILE_ANSWERS, st.randoms())
def test_profile_scores_stay_in_table_range_and_ignore_item_order(answers, random):
    result = score("promis-29", answers)
    for domain in PROFILE_DOMAINS:
        answered = sum(item in answers for item in domain.item_ids)
        t_score = result.scores[f"{domain.name}-t"]
        if answered >= 2:
            assert min(domain.table.values()) <= t_score <= max(domain.table.values())
        else:
            assert t_score is None
    shuffled = list(answers.items())
    random.shuffle(shuffled)
    assert score("promis-29", dict(shuffled)).scores == result.scores


@given(
    st.fixed_dictionaries(
        {item: st.integers(1, 5) for item in GLOBAL_ITEM_IDS if item != "Global07r"}
        | {"Global07r": st.integers(0, 10)}
    )
)
def test_global_complete_answers_always_score_within_the_tables(answers):
    result = score("promis-global-10", answers)
    assert 16.2 <= result.scores["gph-t"] <= 67.7
    assert 21.2 <= result.scores["gmh-t"] <= 67.6
    assert result.missing.method == "complete"

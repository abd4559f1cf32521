"""Every score of every instrument has an observation code that can store every value the
scorer can produce, in the scorer's unit."""

from __future__ import annotations

import pytest

from coproduce.observations.catalogue import catalogue as observation_catalogue
from coproduce.scoring import catalogue

SCORES = [
    pytest.param(spec, score, id=f"{spec.code}:{score.name}")
    for spec in catalogue()
    for score in spec.scores
]


@pytest.mark.parametrize(("spec", "score"), SCORES)
def test_each_score_code_stores_the_whole_score_range_in_its_unit(spec, score):
    info = observation_catalogue()[spec.score_code(score.name)]
    assert info.kind == "quantity"
    assert info.unit == score.unit
    if score.minimum is not None:
        assert info.plausible_low <= score.minimum
    if score.maximum is not None:
        assert info.plausible_high >= score.maximum
    assert info.decimals >= score.decimals

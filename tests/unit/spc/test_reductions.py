"""Reductions repeat R's long double arithmetic bit for bit (values printed by R 4.2.2 with
sprintf("%.17g")): a centre line one unit in the last place off would move a point off it."""

from __future__ import annotations

import math

import pytest

from coproduce.spc.reductions import r_mean, r_median, r_sd, r_sum


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([0.3, 0.2, 1.1, 0.3], 0.47500000000000003),  # exactly rounded: 0.475
        ([0.2, 0.2, 2.2, 9.7], 3.0749999999999997),
        ([1.1, 9.7, 0.2, 3.3, 2.2, 0.7], 2.8666666666666667),
    ],
)
def test_r_mean_matches_r_to_the_last_bit(values, expected):
    assert r_mean(values) == expected


def test_r_sd_matches_r_to_the_last_bit():
    assert r_sd([0.2, 0.2, 2.2, 9.7]) == 4.5161746349464087


def test_reductions_treat_missing_values_as_r_does():
    nan = math.nan
    assert r_sum([nan, 1.0]) == 1.0
    assert math.isnan(r_sum([nan, 1.0], na_rm=False))
    assert r_sum([]) == 0
    assert math.isnan(r_mean([nan]))
    assert math.isnan(r_median([]))
    assert r_median([3.0, nan, 1.0, 2.0, 10.0]) == 2.5
    assert math.isnan(r_sd([1.0]))
    assert math.isnan(r_sd([1.0, nan, 2.0], na_rm=False))
    assert r_mean([math.inf, 1.0]) == math.inf

"""Control chart constants against the printed tables (Montgomery 2009, appendix VI)."""

from __future__ import annotations

import math

import pytest

from coproduce.spc import qic
from coproduce.spc.constants import XMR_LIMIT_FACTOR, a3, b3, b4, c4

# n: (c4, A3, B3, B4), qicharts2's exact values (spc-algorithms.md §3.6), which round to the
# printed table (e.g. n = 5: c4 0.9400, A3 1.427, B3 0, B4 2.089).
TABLE = {
    2: (0.7978846, 2.658681, 0.0, 3.266532),
    3: (0.8862269, 1.954410, 0.0, 2.568170),
    4: (0.9213177, 1.628103, 0.0, 2.266047),
    5: (0.9399856, 1.427299, 0.0, 2.088998),
    6: (0.9515329, 1.287128, 0.0303632, 1.969637),
    7: (0.9593688, 1.181916, 0.1176850, 1.882315),
    8: (0.9650305, 1.099095, 0.1850896, 1.814910),
    10: (0.9726593, 0.9753501, 0.2837056, 1.716294),
    15: (0.9823162, 0.7885411, 0.4281995, 1.571800),
    20: (0.9869343, 0.6797012, 0.5102306, 1.489769),
    25: (0.9896404, 0.6062808, 0.5647857, 1.435214),
}


@pytest.mark.parametrize("n", sorted(TABLE))
def test_constants_match_the_table(n):
    expected = TABLE[n]
    actual = (c4(n), a3(n), b3(n), b4(n))
    assert actual == pytest.approx(expected, abs=5e-7)


def test_constants_for_two_sigma_limits_use_two_instead_of_three():
    assert a3(5, 2) == pytest.approx(a3(5) * 2 / 3)
    assert b4(5, 2) - 1 == pytest.approx((b4(5) - 1) * 2 / 3)


@pytest.mark.parametrize("n", [0, 1, math.nan])
def test_constants_are_missing_for_subgroups_of_one_or_none(n):
    assert all(math.isnan(f(n)) for f in (c4, a3, b3, b4))


def test_i_chart_limits_are_the_mean_plus_minus_2_66_mean_moving_ranges():
    # y = 10 12 11 13 12: mean 11.6, moving ranges 2 1 2 1 -> mean MR 1.5
    point = qic([10, 12, 11, 13, 12], chart="i").points[0]
    assert round(XMR_LIMIT_FACTOR, 2) == 2.66
    assert point.ucl == pytest.approx(11.6 + XMR_LIMIT_FACTOR * 1.5)
    assert point.lcl == pytest.approx(11.6 - XMR_LIMIT_FACTOR * 1.5)

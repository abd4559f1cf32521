"""Properties that hold for any data (Hypothesis)."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coproduce.spc import qic

values = st.lists(
    st.floats(min_value=-1e6, max_value=1e6, allow_nan=False).map(lambda v: round(v, 3)),
    min_size=2,
    max_size=40,
)


@given(values)
def test_i_chart_limits_are_symmetric_around_the_centre_line(y):
    for point in qic(y, chart="i").points:
        if point.ucl is None:
            continue
        assert point.ucl - point.cl == pytest.approx(point.cl - point.lcl, rel=1e-9, abs=1e-6)
        assert point.lcl <= point.lcl_95 <= point.cl <= point.ucl_95 <= point.ucl


@given(values, st.integers(min_value=-1000, max_value=1000))
def test_runs_statistics_are_unchanged_by_adding_a_constant(y, shift):
    before = qic(y).points[0]
    after = qic([v + shift for v in y]).points[0]
    fields = ("n_useful", "longest_run", "n_crossings", "runs_signal")
    assert [getattr(before, f) for f in fields] == [getattr(after, f) for f in fields]


@given(values, st.sampled_from([0.5, 2, 100]))
def test_multiply_scales_y_centre_and_limits(y, factor):
    plain = qic(y, chart="i").points
    scaled = qic(y, chart="i", multiply=factor).points
    for a, b in zip(plain, scaled, strict=True):
        for field in ("y", "cl", "lcl", "ucl"):
            if getattr(a, field) is not None:
                assert getattr(b, field) == pytest.approx(getattr(a, field) * factor, rel=1e-12)


@settings(max_examples=50)
@given(
    st.lists(st.integers(min_value=0, max_value=30), min_size=2, max_size=30),
    st.randoms(use_true_random=False),
)
def test_row_order_does_not_change_the_chart(y, rng: random.Random):
    x = list(range(len(y)))
    rows = list(zip(x, y, strict=True))
    rng.shuffle(rows)
    shuffled = qic([r[1] for r in rows], x=[r[0] for r in rows], chart="c")
    assert shuffled.to_rows() == qic(y, x=x, chart="c").to_rows()


@given(
    st.lists(st.integers(min_value=1, max_value=200), min_size=2, max_size=30).flatmap(
        lambda n: st.tuples(st.just(n), st.tuples(*[st.integers(0, v) for v in n]))
    )
)
def test_p_chart_limits_stay_within_zero_and_one(data):
    n, y = data
    for point in qic(list(y), n=n, chart="p").points:
        for limit in (point.lcl, point.ucl, point.lcl_95, point.ucl_95):
            assert limit is None or 0 <= limit <= 1

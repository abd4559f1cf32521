"""The geometry of the QI charts (coproduce.charts.spc): limits stepping per part, signal
shapes, phase breaks, annotation positions, gaps for hidden values, shared scales, the
sparkline and the signal status."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from coproduce.charts.spc import (
    COMMON,
    DETERIORATION,
    IMPROVEMENT,
    TOO_FEW,
    UNCLEAR,
    ChartPoint,
    LineInput,
    Marker,
    SpcSpec,
    chart_points,
    long_run_members,
    shared_scale,
    signal_status,
    sparkline,
    spc_chart,
)
from coproduce.spc import qic

MONTHS = [dt.date(2025 + (m - 1) // 12, (m - 1) % 12 + 1, 1) for m in range(1, 17)]


def spec(points, **kwargs) -> SpcSpec:
    return SpcSpec(key="k", title="t", description="d", points=tuple(points), **kwargs)


def flat(cl=50.0, lcl=30.0, ucl=70.0, part=1, months=MONTHS[:4], y=50.0):
    return [ChartPoint(x=m, y=y, cl=cl, lcl=lcl, ucl=ucl, part=part) for m in months]


def moves(d: str) -> int:
    return d.count("M")


def test_limits_step_per_part_and_break_between_parts():
    points = flat(part=1, months=MONTHS[:4]) + flat(
        cl=60.0, lcl=45.0, ucl=75.0, part=2, months=MONTHS[4:8]
    )
    chart = spc_chart(spec(points, floor=0.0, ceiling=100.0))
    # One centre segment per part; lower and upper limits one each per part.
    assert moves(chart.centre_d) == 2
    assert moves(chart.limits_d) == 4
    assert chart.parts == 2
    # The phase break is half-way between the 4th and 5th month.
    (x,) = re.findall(r"M([\d.]+) ", chart.phase_d)
    xs = [float(v) for v in re.findall(r"[ML]([\d.]+) ", chart.series_d)]
    assert float(x) == pytest.approx((xs[3] + xs[4]) / 2, abs=0.1)


def test_limits_that_change_with_n_are_drawn_as_steps():
    points = [
        ChartPoint(x=m, y=50.0, cl=50.0, lcl=30.0 + i, ucl=70.0 - i)
        for i, m in enumerate(MONTHS[:3])
    ]
    chart = spc_chart(spec(points, floor=0.0, ceiling=100.0))
    assert chart.limits_d.count("V") == 4  # two changes on each limit


def test_a_limit_outside_the_scale_is_left_out():
    points = flat(lcl=-5.0, ucl=90.0, months=MONTHS[:3])
    chart = spc_chart(spec(points, floor=0.0, ceiling=100.0))
    assert moves(chart.limits_d) == 1  # only the upper limit


def test_signals_are_diamonds_outside_limits_and_squares_in_long_runs():
    points = [
        ChartPoint(x=MONTHS[0], y=90.0, cl=50.0, lcl=30.0, ucl=70.0, sigma_signal=True),
        ChartPoint(x=MONTHS[1], y=55.0, cl=50.0, lcl=30.0, ucl=70.0, runs_signal=True),
        ChartPoint(x=MONTHS[2], y=56.0, cl=50.0, lcl=30.0, ucl=70.0, runs_signal=True),
        ChartPoint(x=MONTHS[3], y=45.0, cl=50.0, lcl=30.0, ucl=70.0),
    ]
    chart = spc_chart(spec(points, floor=0.0, ceiling=100.0))
    assert chart.outside_count == 1
    assert chart.run_count == 2
    assert chart.outside_d.count("z") == 1  # one closed diamond
    assert chart.run_d.count("z") == 2  # two closed squares
    assert "l6.5 6.5" in chart.outside_d  # a diamond's sides are diagonal
    assert "h10v10" in chart.run_d  # a square's are not


def test_a_hidden_value_is_a_gap_in_the_line_and_not_a_dot():
    points = flat(months=MONTHS[:5])
    points[2] = ChartPoint(x=MONTHS[2], y=None, cl=50.0, part=1)
    chart = spc_chart(spec(points, floor=0.0, ceiling=100.0))
    assert moves(chart.series_d) == 2
    assert chart.dots_d.count("h0") == 4
    assert chart.shown_points == 4


def test_every_value_hidden_gives_an_empty_chart():
    points = [ChartPoint(x=m, y=None) for m in MONTHS[:3]]
    assert spc_chart(spec(points)).empty


def test_annotation_markers_sit_at_their_date_and_are_numbered_in_date_order():
    points = flat(months=MONTHS[:3])
    middle = MONTHS[1]
    chart = spc_chart(
        spec(
            points,
            markers=(Marker(MONTHS[2], "later"), Marker(middle, "dashboards")),
            floor=0.0,
            ceiling=100.0,
        )
    )
    first, second = chart.markers
    assert (first.number, first.text, second.number) == (1, "dashboards", 2)
    xs = [float(v) for v in re.findall(r"[ML]([\d.]+) ", chart.series_d)]
    assert float(first.label_x) == pytest.approx(xs[1])
    assert float(second.label_x) == pytest.approx(xs[2])


def test_a_marker_outside_the_charted_periods_is_not_drawn():
    chart = spc_chart(spec(flat(months=MONTHS[:3]), markers=(Marker(dt.date(2020, 1, 1), "old"),)))
    assert chart.markers == ()


def test_comparison_lines_get_distinct_dashes_and_end_points():
    lines = (
        LineInput("Network", tuple((m, 40.0) for m in MONTHS[:3])),
        LineInput("Women", tuple((m, 60.0) for m in MONTHS[:3])),
    )
    chart = spc_chart(spec(flat(months=MONTHS[:3]), lines=lines, floor=0.0, ceiling=100.0))
    first, second = chart.lines
    assert first.dash != second.dash
    assert first.end_y != second.end_y


def test_small_multiples_share_one_scale():
    low = spec(flat(cl=10.0, lcl=5.0, ucl=15.0, y=10.0))
    high = spec(flat(cl=90.0, lcl=85.0, ucl=95.0, y=90.0))
    scale = shared_scale([low, high])
    assert scale[0] <= 5.0
    assert scale[1] >= 95.0
    a = spc_chart(SpcSpec(**{**low.__dict__, "scale": scale}))
    b = spc_chart(SpcSpec(**{**high.__dict__, "scale": scale}))
    assert (a.value_low, a.value_high) == (b.value_low, b.value_high)


def test_sparkline_has_gaps_and_marks_the_latest_value():
    line = sparkline([1.0, 2.0, None, 4.0])
    assert line.d.count("M") == 2
    assert line.shown == 3
    assert line.last_x == "117"  # the right edge less the padding
    assert line.last_y == "3"  # the highest value at the top


def test_sparkline_of_nothing_is_empty():
    line = sparkline([None, None])
    assert (line.d, line.last_x, line.shown) == ("", "", 0)


def test_long_run_members_are_the_points_of_the_run_longer_than_the_limit():
    ys = [1, 1, 3, 3, 3, 3, 3, 1]
    assert long_run_members(ys, [2] * 8, 4) == {2, 3, 4, 5, 6}
    assert long_run_members(ys, [2] * 8, 5) == set()


def test_chart_points_put_squares_on_the_long_run_that_qic_signals():
    values = [5.0, 6.0, 5.0, 6.0, 5.0, 6.0, 9.0, 9.5, 9.2, 9.1, 9.3, 9.4, 9.6, 9.2, 9.3]
    records = qic(values, chart="i").points
    points = chart_points(records)
    assert records[0].runs_signal
    assert [i for i, p in enumerate(points) if p.runs_signal] == list(range(6, 15))


def status_of(values, direction="higher-is-better"):
    result = qic(values, chart="i")
    points = chart_points(result.points)
    return signal_status(points, direction=direction, part_signal=result.points[-1].runs_signal)


def test_signal_status_in_words_by_the_measures_direction():
    rising = [5.0, 6.0, 5.0, 6.0, 5.0, 6.0, 9.0, 9.5, 9.2, 9.1, 9.3, 9.4, 9.6, 9.2, 9.3]
    assert status_of(rising) == IMPROVEMENT
    assert status_of(rising, "lower-is-better") == DETERIORATION
    noise = [5.0, 6.0, 5.5, 4.8, 6.1, 5.2, 5.9, 4.9, 5.6, 5.1, 6.0, 5.3, 5.8]
    assert status_of(noise) == COMMON
    assert status_of(noise[:11]) == TOO_FEW


def test_signal_status_unclear_when_only_crossings_are_too_few():
    points = [ChartPoint(x=m, y=5.0 + (i % 2), cl=5.5) for i, m in enumerate(MONTHS[:12])]
    assert signal_status(points, direction="higher-is-better", part_signal=True) == UNCLEAR


def test_the_last_date_label_ends_at_its_tick_near_the_right_edge():
    chart = spc_chart(spec(flat(months=MONTHS[:12])))
    assert chart.x_ticks[-1].anchor == "end"
    assert chart.x_ticks[0].anchor == "middle"

"""The trend chart's geometry: scales, ticks, where goal, target and bands sit, and how
empty, single-point and long series are drawn."""

from __future__ import annotations

import datetime as dt

import pytest

from coproduce.charts import (
    Band,
    ChartSpec,
    Control,
    Level,
    Point,
    downsample,
    downsample_indices,
    nice_step,
    trend_chart,
    value_domain,
)

UTC = dt.UTC
START = dt.datetime(2025, 1, 1, tzinfo=UTC)
END = dt.datetime(2026, 1, 1, tzinfo=UTC)
PHQ9_BANDS = (
    Band(0, 5, "minimal"),
    Band(5, 10, "mild"),
    Band(10, 15, "moderate"),
    Band(15, 20, "moderately severe"),
    Band(20, None, "severe"),
)


def weekly(values, start=START) -> tuple[Point, ...]:
    return tuple(Point(start + dt.timedelta(weeks=i), float(v)) for i, v in enumerate(values))


def spec(**kwargs) -> ChartSpec:
    defaults = {
        "key": "c1",
        "title": "PHQ-9",
        "description": "A chart",
        "points": weekly([12, 10, 8]),
        "start": START,
        "end": END,
    }
    return ChartSpec(**{**defaults, **kwargs})


@pytest.mark.parametrize(
    ("span", "step"), [(10, 2), (27, 5), (1, 0.2), (130, 20), (0.9, 0.2), (4000, 1000)]
)
def test_nice_step_is_round(span, step):
    assert nice_step(span) == pytest.approx(step)


def test_value_domain_uses_the_score_range_when_known():
    assert value_domain([3, 8], floor=0, ceiling=27) == (0, 27, 5)


def test_value_domain_pads_and_rounds_measurements_to_the_step():
    low, high, step = value_domain([121, 138, 152])

    assert low < 121
    assert high > 152
    assert low % step == 0
    assert high % step == 0


def test_value_domain_stays_above_a_known_floor():
    low, _high, _step = value_domain([0.5, 2], floor=0)

    assert low == 0


def test_value_domain_of_one_value_is_not_flat():
    low, high, _step = value_domain([80])

    assert low < 80 < high


def test_values_map_bottom_to_top_inside_the_plot():
    chart = trend_chart(spec(floor=0, ceiling=27))
    plot = chart.plot

    zero = next(t for t in chart.y_ticks if t.value == 0)
    twenty_five = next(t for t in chart.y_ticks if t.value == 25)
    assert zero.y == pytest.approx(plot.bottom)
    assert twenty_five.y < zero.y
    assert [t.label for t in chart.y_ticks] == ["0", "5", "10", "15", "20", "25"]


def test_x_ticks_of_a_year_are_quarters_written_with_month_and_year():
    chart = trend_chart(spec())

    assert [t.day for t in chart.x_ticks] == [
        dt.date(2025, 1, 1),
        dt.date(2025, 4, 1),
        dt.date(2025, 7, 1),
        dt.date(2025, 10, 1),
        dt.date(2026, 1, 1),
    ]
    assert chart.x_format == "M Y"
    assert chart.x_ticks[0].x == pytest.approx(chart.plot.left)
    assert chart.x_ticks[-1].x == pytest.approx(chart.plot.right)


def test_x_ticks_of_ten_years_are_whole_years_and_few():
    chart = trend_chart(spec(start=dt.datetime(2016, 3, 5, tzinfo=UTC)))

    assert chart.x_format == "Y"
    assert 3 <= len(chart.x_ticks) <= 6
    assert all(t.day.month == 1 and t.day.day == 1 for t in chart.x_ticks)


def test_x_ticks_of_a_short_span_are_days():
    chart = trend_chart(spec(start=END - dt.timedelta(days=10)))

    assert chart.x_format == "j M"
    assert len(chart.x_ticks) <= 5


def test_an_at_most_goal_is_one_line_at_its_value():
    chart = trend_chart(spec(floor=0, ceiling=27, goal=Level(None, 10, "Your goal")))
    ten = chart.plot.bottom - 10 / 27 * chart.plot.height

    assert chart.goal is not None
    assert chart.goal.lines == (pytest.approx(ten, abs=0.1),)
    assert chart.goal.label == "Your goal"
    assert chart.goal.band_top is None


def test_a_between_target_is_two_lines_with_a_band():
    chart = trend_chart(spec(points=weekly([130, 150]), target=Level(90, 140, "Target")))

    assert chart.target is not None
    high_y, low_y = sorted(chart.target.lines)
    assert chart.target.band_top == high_y
    assert chart.target.band_height == pytest.approx(low_y - high_y, abs=0.2)


def test_goal_and_target_outside_the_data_widen_the_scale():
    chart = trend_chart(
        spec(points=weekly([150, 160]), goal=Level(None, 120, "Goal"), target=Level(None, 140, "T"))
    )

    assert chart.value_low <= 120
    assert chart.plot.top <= chart.goal.lines[0] <= chart.plot.bottom


def test_severity_bands_cover_the_scale_in_order_and_alternate():
    chart = trend_chart(spec(floor=0, ceiling=27, bands=PHQ9_BANDS))

    assert [b.label for b in chart.bands] == [b.label for b in PHQ9_BANDS]
    assert chart.bands[0].top + chart.bands[0].height == pytest.approx(chart.plot.bottom, abs=0.2)
    assert chart.bands[-1].top == pytest.approx(chart.plot.top, abs=0.2)
    assert [b.shade for b in chart.bands] == [0, 1, 0, 1, 0]
    # Each band starts where the one below it ends.
    for lower, upper in zip(chart.bands, chart.bands[1:], strict=False):
        assert upper.top + upper.height == pytest.approx(lower.top, abs=0.2)


def test_bands_outside_the_scale_are_left_out():
    chart = trend_chart(spec(points=weekly([3, 8]), floor=0, ceiling=9, bands=PHQ9_BANDS))

    assert [b.label for b in chart.bands] == ["minimal", "mild"]


def test_an_empty_series_is_an_empty_chart_with_axes():
    chart = trend_chart(spec(points=()))

    assert chart.empty
    assert chart.line == ""
    assert chart.markers == ""
    assert chart.last is None
    assert chart.y_ticks
    assert chart.x_ticks


def test_one_point_is_a_marker_without_a_line():
    chart = trend_chart(spec(points=weekly([7])))

    assert not chart.empty
    assert chart.line == ""
    assert chart.markers.count("M") == 1
    assert chart.last is not None


def test_one_point_on_a_zero_length_period_sits_in_the_middle():
    chart = trend_chart(spec(points=weekly([7]), start=START, end=START))

    assert chart.last[0] == pytest.approx(chart.plot.left + chart.plot.width / 2)


def test_points_are_drawn_left_to_right_in_time_order():
    chart = trend_chart(spec(points=tuple(reversed(weekly([12, 10, 8])))))
    xs = [float(pair.split(",")[0]) for pair in chart.line.split()]

    assert xs == sorted(xs)
    assert chart.last[1] == max(float(pair.split(",")[1]) for pair in chart.line.split())


def test_a_long_series_is_thinned_for_drawing_without_markers():
    points = weekly([(i * 7) % 27 for i in range(520)], start=dt.datetime(2016, 1, 1, tzinfo=UTC))
    chart = trend_chart(spec(points=points, start=points[0].at, floor=0, ceiling=27))

    assert chart.total_points == 520
    assert chart.drawn_points <= 170
    assert chart.thinned
    assert chart.markers == ""
    assert len(chart.line.split()) == chart.drawn_points


def test_downsampling_keeps_the_extremes_and_both_ends():
    values = [50.0] * 1000
    values[123], values[777] = 5.0, 95.0
    points = weekly(values)

    kept = downsample(points, 100)

    assert len(kept) <= 102
    assert points[123] in kept
    assert points[777] in kept
    assert kept[0] == points[0]
    assert kept[-1] == points[-1]
    assert list(kept) == sorted(kept, key=lambda p: p.at)


def test_downsampling_a_short_series_keeps_everything():
    points = weekly([1, 2, 3])

    assert downsample(points, 100) == points


def test_points_outside_the_period_are_clamped_to_its_edges():
    chart = trend_chart(spec(points=weekly([5, 6], start=START - dt.timedelta(days=30))))
    first_x = float(chart.line.split()[0].split(",")[0])

    assert first_x == pytest.approx(chart.plot.left)


def test_downsample_indices_keep_the_order_and_the_extremes():
    values = [float(i % 7) for i in range(500)]
    values[250] = -10.0

    kept = downsample_indices(values, 50)

    assert kept == sorted(kept)
    assert 250 in kept
    assert kept[0] == 0
    assert kept[-1] == 499
    assert len(kept) <= 52


def test_a_caller_thinned_series_reports_its_full_count():
    chart = trend_chart(spec(points=weekly([1, 2, 3]), total_points=300))

    assert chart.total_points == 300
    assert chart.thinned


def test_coordinates_are_written_with_a_dot_whatever_the_language():
    chart = trend_chart(spec(goal=Level(None, 9.5, "Goal")))

    assert "," not in chart.goal.lines_d
    assert all("." in t.y_text or t.y_text.isdigit() for t in chart.y_ticks)
    assert chart.text["grid_d"].startswith("M44 ")


# --- An I chart over the series (issue 7, item 6) ------------------------------------------


def control_spec(**kwargs) -> ChartSpec:
    """Twenty weekly values from 1 January 2025 on a scale from 0 to 20 (floor and ceiling):
    y = 200 - value / 20 * 188 (the plot is 188 units high from y = 12); the year runs 346
    units from x = 44."""
    points = weekly([15, 16, 14, 15, 17, 13, 15, 16, 14, 15, 16, 14, 8, 9, 7, 8, 8, 9, 7, 8])
    control = Control(
        start=points[0].at,
        centre=12.2,
        lower=8.2,
        upper=16.2,
        outside=(points[4], points[14]),
        long_run=(points[12], points[13]),
    )
    return spec(points=points, control=control, floor=0, ceiling=20, **kwargs)


def test_control_lines_run_from_the_first_charted_value_to_the_right_edge():
    chart = trend_chart(control_spec())
    assert (chart.value_low, chart.value_high) == (0, 20)
    # centre 12.2: y = 200 - 12.2/20 * 188 = 85.3; limits 8.2 → 122.9 and 16.2 → 47.7.
    assert chart.control.centre_d == "M44 85.3H390"
    assert chart.control.limits_d == "M44 122.9H390M44 47.7H390"
    assert chart.control.limits_drawn == 2


def test_signal_points_are_diamonds_and_squares_at_their_values():
    chart = trend_chart(control_spec())
    # Week 4 (29 January 2025, 28 days: x = 44 + 28/365 * 346 = 70.5) at 17: y = 40.2, so
    # the diamond's top is 6.5 above.
    assert chart.control.outside_d.startswith("M70.5 33.7l6.5 6.5-6.5 6.5-6.5-6.5z")
    assert chart.control.outside_count == 2
    # Week 12 (26 March 2025, 84 days: x = 123.6) at 8: y = 124.8; a 10-unit square.
    assert chart.control.long_run_d.startswith("M118.6 119.8h10v10h-10z")
    assert chart.control.long_run_count == 2


def test_a_limit_outside_a_scores_range_is_not_drawn_nor_stretches_the_scale():
    points = weekly([2, 3, 1, 2, 4, 2, 3, 1, 2, 3, 2, 2])
    control = Control(start=points[0].at, centre=2.25, lower=-0.9, upper=5.4)
    chart = trend_chart(spec(points=points, control=control, floor=0, ceiling=27))
    assert (chart.value_low, chart.value_high) == (0, 27)
    assert chart.control.limits_drawn == 1
    assert chart.control.limits_d.count("M") == 1


def test_limits_widen_a_plain_scale_so_they_are_drawn():
    points = weekly([10, 11, 10, 11, 10, 11])
    control = Control(start=points[0].at, centre=10.5, lower=7.0, upper=14.0)
    chart = trend_chart(spec(points=points, control=control))
    assert chart.value_low <= 7
    assert chart.value_high >= 14
    assert chart.control.limits_drawn == 2


def test_a_chart_without_control_draws_no_control_lines():
    assert trend_chart(spec()).control is None

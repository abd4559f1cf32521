"""qic()'s pipeline: aggregation, parts, freeze, exclude, centre lines given by the user,
missing values, dates and periods, categorical x, and the records it returns."""

from __future__ import annotations

import datetime as dt
import json
import math

import numpy as np
import pytest

from coproduce.spc import qic


def test_qic_single_vector_gets_x_one_to_n():
    result = qic([3, 1, 2])
    assert [p.x for p in result.points] == [1, 2, 3]
    assert [p.xx for p in result.points] == [1, 2, 3]


def test_qic_part_labels_start_a_phase_where_a_new_label_first_appears():
    # A label that comes back joins the phase before it (qicharts2 behaviour).
    result = qic([1, 2, 3, 4, 5, 6], chart="i", part=["a", "a", "b", "b", "a", "a"])
    assert [p.part for p in result.points] == [1, 1, 2, 2, 2, 2]


@pytest.mark.parametrize("part", [[0, 2, 2, 6, 99], 2])
def test_qic_part_positions_zero_repeats_and_beyond_the_end_are_ignored(part):
    result = qic([1, 2, 3, 4, 5, 6], chart="i", part=part)
    assert [p.part for p in result.points] == [1, 1, 2, 2, 2, 2]
    assert [s.part for s in result.summary] == [1, 2]


def test_qic_parts_count_subgroups_after_sorting():
    result = qic([10, 20, 30, 40], x=[4, 3, 2, 1], part=2)
    assert [(p.x, p.part) for p in result.points] == [(1, 1), (2, 1), (3, 2), (4, 2)]


def test_qic_freeze_and_exclude_are_positions_over_the_whole_chart():
    result = qic([1, 2, 3, 4, 5], x=[50, 40, 30, 20, 10], freeze=2, exclude=[5])
    assert [p.baseline for p in result.points] == [True, True, False, False, False]
    assert [p.include for p in result.points] == [True, True, True, True, False]
    assert result.points[0].cl == 4.5  # median of x = 10, 20 -> y = 5, 4


def test_qic_given_centre_line_is_used_in_the_sigma_formula():
    # p chart with cl = 0.2: sigma = sqrt(0.2 x 0.8 / 100) = 0.04 -> UCL 0.32
    result = qic([5, 10, 15, 10], n=[100] * 4, chart="p", cl=0.2)
    assert result.points[0].cl == 0.2
    assert result.points[0].ucl == pytest.approx(0.32)


def test_qic_centre_line_missing_for_one_subgroup_is_estimated_for_the_part():
    result = qic([2, 4, 6, 4], chart="i", cl=[9, 9, None, 9])
    assert {p.cl for p in result.points} == {4.0}


def test_qic_centre_line_per_part_given_in_one_part_only():
    result = qic([2, 4, 6, 4], chart="i", part=2, cl=[9, 9, None, 9])
    assert [p.cl for p in result.points] == [9, 9, 5, 5]


def test_qic_several_missing_rows_sum_to_zero_and_a_single_one_stays_missing():
    result = qic([None, None, None], x=[1, 1, 2])
    first, second = result.points
    assert (first.y_sum, first.y_length, first.y_mean, first.y) == (0.0, 0, None, None)
    assert (second.y_sum, second.y_length) == (None, 0)


def test_qic_subgroup_with_all_denominators_missing_has_n_zero():
    result = qic([1, 2, 3], n=[None, None, 10], x=[1, 1, 2], chart="u")
    assert result.points[0].n == 0
    assert result.points[0].y is None
    assert result.points[0].ucl is None


@pytest.mark.parametrize(
    ("agg_fun", "expected"), [("mean", 4.0), ("median", 3.0), ("sum", 12.0), ("sd", 3.0)]
)
def test_qic_agg_fun_summarises_rows_without_denominator(agg_fun, expected):
    result = qic([1, 3, 8, 7], x=[1, 1, 1, 2], agg_fun=agg_fun)
    assert result.points[0].y == pytest.approx(expected if agg_fun != "sd" else math.sqrt(13))


def test_qic_sum_of_no_values_is_zero_as_in_r():
    result = qic([None, 5], x=[1, 2], agg_fun="sum")
    assert result.points[0].y == 0


def test_qic_denominator_makes_y_the_ratio_of_sums():
    result = qic([1, 2, 3], n=[10, 10, 40], x=[1, 1, 2], chart="p")
    assert result.points[0].y == pytest.approx(0.15)
    assert result.points[0].n == 20


def test_qic_logical_values_count_as_zero_and_one():
    result = qic([True, False, True, True], n=[1, 1, 1, 1], x=[1, 1, 2, 2], chart="p")
    assert [p.y for p in result.points] == [0.5, 1.0]


def test_qic_dates_sort_chronologically_and_aggregate_by_month():
    days = [dt.date(2026, 3, 2), dt.date(2026, 1, 31), dt.date(2026, 1, 5), dt.date(2026, 2, 9)]
    result = qic([4, 2, 1, 3], x=days, x_period="month")
    assert [p.x for p in result.points] == [
        dt.date(2026, 1, 1),
        dt.date(2026, 2, 1),
        dt.date(2026, 3, 1),
    ]
    assert result.points[0].y == 1.5


@pytest.mark.parametrize(
    ("period", "expected"),
    [
        ("week", dt.date(2026, 2, 9)),  # weeks start on Monday
        ("quarter", dt.date(2026, 1, 1)),
        ("year", dt.date(2026, 1, 1)),
        ("day", dt.date(2026, 2, 12)),
    ],
)
def test_qic_x_period_replaces_a_date_by_its_period_start(period, expected):
    result = qic([1], x=[dt.date(2026, 2, 12)], x_period=period)
    assert result.points[0].x == expected


def test_qic_x_period_keeps_datetimes_and_their_time_zone():
    moment = dt.datetime(2026, 5, 20, 14, 30, tzinfo=dt.UTC)
    result = qic([1], x=[moment], x_period="month")
    assert result.points[0].x == dt.datetime(2026, 5, 1, tzinfo=dt.UTC)


def test_qic_text_x_sorts_like_a_locale_and_never_signals_runs():
    y = [1, 1, 1, 1, 1, 1, 1, 1, 1, 5, 5, 5, 5, 5, 5, 5, 5, 5]
    labels = [f"unit {c}" for c in "abcdefghijklmnopqr"]
    result = qic(y, x=labels, chart="i")
    assert result.points[0].longest_run == 9  # a run of 9 against 7 allowed...
    assert not any(p.runs_signal for p in result.points)  # ...but x is categorical
    assert [p.x for p in qic([1, 2, 3], x=["b", "B", "a"]).points] == ["a", "b", "B"]


def test_qic_text_x_sorts_punctuation_digits_accents_as_r_does():
    # R 4.2 (ICU) sorts: a b|a_b|a-b|ab|apfel|Äpfel|b|e|E|é|É|unit 10|unit 9
    labels = ["unit 9", "É", "e", "ab", "a-b", "Äpfel", "a_b", "E", "b", "a b", "é", "apfel"]
    labels.append("unit 10")
    result = qic(list(range(len(labels))), x=labels)
    assert [p.x for p in result.points] == [
        "a b",
        "a_b",
        "a-b",
        "ab",
        "apfel",
        "Äpfel",
        "b",
        "e",
        "E",
        "é",
        "É",
        "unit 10",
        "unit 9",
    ]


def test_qic_missing_x_rows_are_dropped():
    result = qic([1, 2, 3], x=[1, None, 3])
    assert [p.x for p in result.points] == [1, 3]


def test_qic_notes_are_joined_per_subgroup():
    result = qic([1, 2, 3], x=[1, 1, 2], notes=["new form", "audit", None])
    assert [p.notes for p in result.points] == ["new form | audit", None]


def test_qic_runs_analysis_uses_post_freeze_points_against_the_frozen_line():
    result = qic([1, 2, 1, 2, 10, 11, 10, 11, 10, 11], freeze=4)
    assert result.points[0].cl == 1.5
    assert result.points[0].longest_run == 7
    assert result.points[0].longest_run_max == 6
    assert result.summary[0].runs_signal == 1


def test_qic_mr_chart_never_signals_runs_but_reports_the_statistics():
    result = qic([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 30, 31], chart="mr")
    assert result.points[1].longest_run is not None
    assert not any(p.runs_signal for p in result.points)


def test_qic_t_chart_lower_95_limit_is_missing_when_the_transform_fails():
    result = qic([1, 50, 2, 60, 3], chart="t")
    assert result.points[0].lcl == 0
    assert result.points[0].lcl_95 is None


def test_qic_xbar_chart_subgroup_of_one_has_no_limits():
    result = qic([1, 3, 5, 2, 4, 6], x=[1, 1, 2, 3, 3, 3], chart="xbar")
    assert result.points[1].y_length == 1
    assert (result.points[1].lcl, result.points[1].ucl) == (None, None)
    assert result.points[0].ucl is not None


def test_qic_p_chart_limits_are_clipped_to_zero_and_one():
    # cl 0.5, n 4: sigma = sqrt(0.25/4) = 0.25 -> limits -0.25 and 1.25
    result = qic([1, 3], n=[4, 4], chart="p")
    assert result.points[0].lcl == 0
    assert result.points[0].ucl == 1


def test_qic_summary_averages_limits_and_counts_signals():
    result = qic([1, 2, 1, 2, 10, 11, 10, 11], chart="i", freeze=4)
    summary = result.summary[0]
    assert summary.sigma_signal == 4
    assert summary.CL == 1.5
    assert summary.aUCL == pytest.approx(result.points[0].ucl)


def test_qic_to_rows_gives_plain_json_ready_dicts():
    result = qic([1, 2], x=[dt.date(2026, 1, 1), dt.date(2026, 2, 1)], chart="i")
    rows = result.to_rows()
    assert rows[0]["x"] == "2026-01-01"
    assert set(rows[0]) >= {"part", "y", "cl", "lcl", "ucl", "sigma_signal", "runs_signal"}
    assert json.loads(json.dumps(rows)) == rows
    assert result.summary_rows()[0]["part"] == 1


def test_qic_records_are_frozen():
    point = qic([1, 2]).points[0]
    with pytest.raises(AttributeError):
        point.y = 5  # type: ignore[misc]


def test_qic_signal_is_true_when_any_point_signals():
    assert qic([1, 2, 1, 2, 10, 11, 10, 11], chart="i", freeze=4).signal is True
    assert qic([2, 4, 6, 4, 2, 4, 6, 4], chart="i").signal is False


def test_qic_accepts_numpy_arrays_and_returns_plain_values():
    result = qic(np.array([1.0, np.nan, 3.0]), x=np.arange(3), n=np.array([5, 5, 5]), chart="u")
    assert result.points[1].y is None
    assert type(result.points[0].x) is int
    json.dumps(result.to_rows())


def test_qic_facets_chart_each_facet_on_its_own():
    y = [1, 2, 3, 10, 20, 30]
    result = qic(y, x=[1, 2, 3, 1, 2, 3], facets=["b", "b", "b", "a", "a", "a"], chart="i")
    assert [(p.facet1, p.xx) for p in result.points] == [
        ("a", 1),
        ("a", 2),
        ("a", 3),
        ("b", 1),
        ("b", 2),
        ("b", 3),
    ]
    assert [(s.facet1, s.CL) for s in result.summary] == [("a", 20.0), ("b", 2.0)]


def test_qic_facets_rows_are_ordered_part_first_and_summary_facet_first():
    result = qic(
        [1, 2, 3, 4, 5, 6, 7, 8], x=[1, 2, 3, 4] * 2, facets=[1, 1, 1, 1, 2, 2, 2, 2], part=2
    )
    assert [(p.part, p.facet1, p.xx) for p in result.points] == [
        (1, 1, 1),
        (1, 1, 2),
        (1, 2, 1),
        (1, 2, 2),
        (2, 1, 3),
        (2, 1, 4),
        (2, 2, 3),
        (2, 2, 4),
    ]
    assert [(s.facet1, s.part) for s in result.summary] == [(1, 1), (1, 2), (2, 1), (2, 2)]


def test_qic_two_facets_and_missing_facet_labels():
    result = qic(
        [1, 2, 3, 4, 5],
        x=[1, 1, 1, 1, 1],
        facets=(["n", "n", "s", "s", None], [2, 1, 2, 1, 1]),
        chart="run",
    )
    assert [(p.facet1, p.facet2, p.y) for p in result.points] == [
        ("n", 1, 2.0),
        ("s", 1, 4.0),
        ("n", 2, 1.0),
        ("s", 2, 3.0),
    ]


def test_qic_y_neg_looks_at_every_facet():
    y = [1, 9, 1, 9, -50, -40, -50, -40]
    facets = ["a"] * 4 + ["b"] * 4
    result = qic(y, x=[1, 2, 3, 4] * 2, facets=facets, chart="i", y_neg=False)
    assert result.points[0].lcl < 0  # facet b has negative values, so nothing is clipped

"""Anhøj runs analysis: the limits table, the boundary cases, and which points are useful."""

from __future__ import annotations

import math

import pytest

from coproduce.spc import crossings_min, longest_run_max, qic, runs_analysis
from coproduce.spc.runs import run_lengths

# qicharts2 vignette table (Anhøj & Olesen 2014), n = 1..25 and a few larger n.
LONGEST_RUN_MAX = [3, 4, 5, 5, 5, 6, 6, 6, 6, 6, 6, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 8, 8, 8]
CROSSINGS_MIN = [0, 0, 0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 4, 4, 4, 5, 5, 6, 6, 6, 7, 7, 8, 8]


@pytest.mark.parametrize("n", range(1, 26))
def test_runs_limits_match_the_published_table(n):
    assert longest_run_max(n) == LONGEST_RUN_MAX[n - 1]
    assert crossings_min(n) == CROSSINGS_MIN[n - 1]


@pytest.mark.parametrize(
    ("n", "longest", "crossings"),
    [(45, 8, 17), (46, 9, 17), (50, 9, 19), (90, 9, 37), (91, 10, 37), (100, 10, 41)],
)
def test_runs_limits_change_where_log2_crosses_a_half(n, longest, crossings):
    assert longest_run_max(n) == longest
    assert crossings_min(n) == crossings


def test_crossings_min_is_the_fifth_percentile_of_the_binomial():
    for n in (2, 10, 30, 200):
        k = crossings_min(n)
        trials = n - 1
        below = sum(math.comb(trials, i) for i in range(k)) / 2**trials
        up_to = sum(math.comb(trials, i) for i in range(k + 1)) / 2**trials
        assert below < 0.05 <= up_to


def _sides(lengths):
    values, side = [], 1
    for length in lengths:
        values.extend([side] * length)
        side = -side
    return values


def test_runs_signal_longest_run_of_eight_in_twenty_signals_and_seven_does_not():
    seven = runs_analysis(_sides([7, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]), [0] * 20)
    eight = runs_analysis(_sides([8, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]), [0] * 20)
    assert (seven.longest_run, seven.longest_run_max, seven.runs_signal) == (7, 7, False)
    assert (eight.longest_run, eight.longest_run_max, eight.runs_signal) == (8, 7, True)


def test_runs_signal_five_crossings_in_twenty_signals_and_six_do_not():
    six = runs_analysis(_sides([3, 3, 3, 3, 3, 3, 2]), [0] * 20)
    five = runs_analysis(_sides([4, 3, 3, 3, 4, 3]), [0] * 20)
    assert (six.n_crossings, six.n_crossings_min, six.runs_signal) == (6, 6, False)
    assert (five.n_crossings, five.n_crossings_min, five.runs_signal) == (5, 6, True)


def test_runs_points_on_the_centre_line_and_missing_points_are_not_useful():
    result = runs_analysis([1.0, 0.0, 1.0, math.nan, -1.0], [0.0] * 5)
    assert result.n_obs == 5
    assert result.n_useful == 3
    assert result.longest_run == 2  # the point on the line does not break the run
    assert result.n_crossings == 1


def test_runs_without_useful_points_has_no_statistics_and_no_signal():
    result = runs_analysis([2.0, 2.0], [2.0, 2.0])
    assert (result.n_useful, result.longest_run, result.n_crossings_min) == (0, None, None)
    assert result.runs_signal is False


def test_run_lengths_counts_consecutive_equal_values():
    assert run_lengths([1, 1, -1, 1, 1, 1]) == [2, 1, 3]
    assert run_lengths([]) == []


def test_run_chart_hand_computed_median_and_runs():
    # sorted: 1 1 2 2 3 3 4 4 5 5 6 7 -> median (3 + 4) / 2 = 3.5
    # sides: - - - + + + + + - - - +  -> runs 3, 5, 3, 1: longest 5, 3 crossings
    # n = 12: round(log2 12 = 3.58) + 3 = 7; qbinom(0.05, 11, 0.5) = 3 -> no signal
    result = qic([1, 2, 3, 4, 5, 6, 5, 4, 3, 2, 1, 7])
    point = result.points[0]
    assert point.cl == 3.5
    assert (point.lcl, point.ucl, point.lcl_95, point.ucl_95) == (None, None, None, None)
    assert (point.longest_run, point.longest_run_max) == (5, 7)
    assert (point.n_crossings, point.n_crossings_min) == (3, 3)
    assert not any(p.runs_signal or p.sigma_signal for p in result.points)
    assert result.summary[0].runs_signal == 0


def test_run_chart_shift_of_nine_points_signals():
    # Twelve 9s and eight 1s: the median is 9.
    y = [1, 1, 1, 1, 1, 1, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 1, 1]
    result = qic(y)
    assert result.points[0].cl == 9
    # Every 9 is on the centre line: only the eight 1s are useful, one run of 8 (> 6).
    assert result.points[0].n_useful == 8
    assert result.points[0].longest_run == 8
    assert result.points[0].longest_run_max == 6
    assert all(p.runs_signal for p in result.points)


def test_run_chart_vignette_24_points_limits():
    # qicharts2 vignette: 24 useful points -> longest run limit 8, crossings minimum 8.
    result = qic([(-1) ** i * (i + 1) for i in range(24)])
    assert (result.points[0].longest_run_max, result.points[0].n_crossings_min) == (8, 8)


@pytest.mark.parametrize(
    ("lengths", "method", "signal"),
    [
        # n = 12: Anhøj allows a longest run of 7; the best box (cb 3, lb 6) does not.
        ([7, 1, 1, 1, 1, 1], "anhoej", False),
        ([7, 1, 1, 1, 1, 1], "bestbox", True),
        ([7, 1, 1, 1, 1, 1], "cutbox", True),  # no border cells for n = 12
        # n = 22: 6 crossings are too few for Anhøj (7) but inside the box (cb 6, lb 7).
        ([6, 4, 3, 3, 2, 2, 2], "anhoej", True),
        ([6, 4, 3, 3, 2, 2, 2], "bestbox", False),
        ([6, 4, 3, 3, 2, 2, 2], "cutbox", False),  # border cell: c = cb and l <= lbord 6
        ([7, 3, 3, 3, 2, 2, 2], "bestbox", False),
        ([7, 3, 3, 3, 2, 2, 2], "cutbox", True),  # cut: c = cb needs l <= 6
        # n = 5: outside 10..100 the box methods fall back to Anhøj's rules.
        ([5], "bestbox", False),
    ],
)
def test_runs_box_methods_change_only_the_signal(lengths, method, signal):
    sides = _sides(lengths)
    result = runs_analysis(sides, [0] * len(sides), method)
    assert result.runs_signal is signal
    assert result.longest_run_max == longest_run_max(len(sides))
    assert result.n_crossings_min == crossings_min(len(sides))


def test_qic_method_bestbox_reaches_the_runs_analysis():
    y = _sides([7, 1, 1, 1, 1, 1])
    assert qic(y, cl=0).summary[0].runs_signal == 0
    assert qic(y, cl=0, method="bestbox").summary[0].runs_signal == 1

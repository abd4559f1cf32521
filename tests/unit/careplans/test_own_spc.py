"""The I chart of one patient's own series: which values are charted, the centre line and
limits qic() gives (worked by hand below), and which points signal and why."""

from __future__ import annotations

import datetime as dt

import pytest

from coproduce.careplans.own_spc import ABOVE, BELOW, MIN_VALUES, WINDOW, Run, own_spc, runs_of
from coproduce.charts import Point

START = dt.datetime(2026, 1, 5, 9, tzinfo=dt.UTC)
# Twelve values around 15, then eight around 8: a shift.
SHIFT = [15, 16, 14, 15, 16, 14, 15, 16, 14, 15, 16, 14, 8, 9, 7, 8, 9, 7, 8, 8]
# Twelve values going up and down about 11.5, crossing it every time.
NOISE = [10, 12, 11, 13, 10, 12, 11, 13, 10, 12, 11, 13]


def weekly(values) -> list[Point]:
    return [Point(START + dt.timedelta(weeks=i), float(v)) for i, v in enumerate(values)]


def test_a_shift_gives_limits_from_screened_moving_ranges():
    spc = own_spc(weekly(SHIFT))
    # Mean (12 * 15 + 64) / 20 = 12.2. Moving ranges: 15 inside the first twelve, 6 at the
    # shift, 8 inside the last eight: mean 29 / 19 = 1.526; the 6 is above 3.267 * 1.526 =
    # 4.99 and is screened out, so the average moving range is 23 / 18 = 1.2778 and the
    # limits are 12.2 -/+ 2.66 * 1.2778 = 8.8017 and 15.5983.
    assert spc.enough
    assert spc.centre == pytest.approx(12.2)
    assert spc.lower == pytest.approx(12.2 - 3 * (23 / 18) / 1.128, abs=1e-4)
    assert spc.upper == pytest.approx(15.5983, abs=1e-4)


def test_a_shift_signals_points_outside_the_limits_and_a_long_run():
    spc = own_spc(weekly(SHIFT))
    assert spc.above == (1, 4, 7, 10)  # the 16s, above 15.60
    assert spc.below == (12, 14, 15, 17, 18, 19)  # the 8s and 7s, below 8.80
    # Runs: 12 above, then 8 below. 20 useful points allow round(log2 20) + 3 = 7 in a
    # row and need at least 6 crossings (qbinom(0.05, 19, 0.5)); there is 1.
    assert spc.runs_signal
    assert (spc.longest_run, spc.longest_run_max) == (12, 7)
    assert (spc.crossings, spc.crossings_min) == (1, 6)
    # The newest long run is the one the words tell: the last eight, below.
    assert spc.long_run == Run(start=12, end=19, side=BELOW, length=8)
    # Squares for the run's points that are not diamonds already: the two 9s.
    assert spc.run_points == (13, 16)
    assert spc.signal


def test_noise_gives_no_signal():
    spc = own_spc(weekly(NOISE))
    # Mean 11.5; moving ranges average 21 / 11 = 1.909, none screened: limits 11.5 -/+ 5.08.
    assert spc.centre == pytest.approx(11.5)
    assert spc.lower == pytest.approx(11.5 - 2.66 * 21 / 11, abs=1e-2)
    assert spc.outside == ()
    assert spc.long_run is None
    assert not spc.runs_signal
    assert not spc.signal


def test_too_few_crossings_without_a_long_run_is_a_runs_signal():
    # Six above 11, then six below: 1 crossing, fewer than qbinom(0.05, 11, 0.5) = 3, and
    # no run longer than round(log2 12) + 3 = 7.
    spc = own_spc(weekly([12, 13, 12, 13, 12, 13, 10, 9, 10, 9, 10, 9]))
    assert spc.runs_signal
    assert spc.few_crossings
    assert spc.long_run is None
    assert spc.outside == ()


@pytest.mark.parametrize("count", [0, 1, 7, MIN_VALUES - 1])
def test_fewer_than_twelve_values_give_no_lines(count):
    spc = own_spc(weekly(NOISE[:count]))
    assert not spc.enough
    assert spc.count == count
    assert spc.needed == MIN_VALUES
    assert spc.centre is None
    assert not spc.signal


def test_only_the_newest_thirty_values_are_charted():
    values = [20] * 10 + NOISE * 3  # ten old values far above, then 36 values of noise
    spc = own_spc(weekly(values))
    assert spc.count == WINDOW
    assert spc.points[-1].value == NOISE[-1]
    assert not spc.signal  # the old values are out of the window


def test_runs_skip_points_on_the_centre_line():
    assert runs_of([1, 2, 3, 2, 3, 1, 1], 2) == [
        Run(0, 0, BELOW, 1),
        Run(2, 4, ABOVE, 2),
        Run(5, 6, BELOW, 2),
    ]

"""Runs analysis with the Anhøj rules: is the variation around the centre line random?

Anhøj J, Olesen AV. Run charts revisited: a simulation study of run chart rules for
detection of non-random variation in health care processes. PLoS ONE 2014;9(11):e113825.

* Longest run: points on the same side of the centre line; signal when it is longer than
  round(log2(n)) + 3 (Schilling MF. The surprising predictability of long runs. Math Mag
  2012;85:141-9).
* Crossings: how often the line crosses the centre line; signal when there are fewer than
  the 5th percentile of Binomial(n - 1, 0.5) (Chen Z. Statistical Methodology 2010;7:1-11).

n is the number of useful observations: points not on the centre line and not missing.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from .runs_boxes import FIRST_N, LAST_N, box_signal

# qbinom(0.05, n - 1, 0.5): the crossings limit is the 5th percentile, as a fraction.
CROSSINGS_PERCENTILE_NUMERATOR = 1
CROSSINGS_PERCENTILE_DENOMINATOR = 20
LONGEST_RUN_ALLOWANCE = 3  # log2(n) + 3


def longest_run_max(n_useful: int) -> int:
    """The longest run expected by chance among `n_useful` points: round(log2 n) + 3.

    (R rounds half to even; log2 of an integer is never exactly k + 1/2.)"""
    return round(math.log2(n_useful)) + LONGEST_RUN_ALLOWANCE


@lru_cache(maxsize=2048)
def crossings_min(n_useful: int) -> int:
    """The fewest crossings expected by chance: `qbinom(0.05, max(n - 1, 0), 0.5)`, the
    smallest k with P(Binomial(n - 1, 1/2) <= k) >= 0.05, computed in exact integers."""
    trials = max(n_useful - 1, 0)
    total = 2**trials
    cumulative = 0
    for k in range(trials + 1):
        cumulative += math.comb(trials, k)
        if cumulative * CROSSINGS_PERCENTILE_DENOMINATOR >= total * CROSSINGS_PERCENTILE_NUMERATOR:
            return k
    return trials  # pragma: no cover - the loop always returns by k = trials


@dataclass(frozen=True, slots=True)
class RunsAnalysis:
    """The runs statistics of one part. The four statistics are None when no point is useful."""

    n_obs: int
    n_useful: int
    longest_run: int | None
    longest_run_max: int | None
    n_crossings: int | None
    n_crossings_min: int | None
    runs_signal: bool


def run_lengths(sides: Sequence[int]) -> list[int]:
    """Lengths of the runs of equal consecutive values (R's `rle()$lengths`)."""
    lengths: list[int] = []
    previous = None
    for side in sides:
        if lengths and side == previous:
            lengths[-1] += 1
        else:
            lengths.append(1)
        previous = side
    return lengths


def runs_analysis(y: Sequence[float], cl: Sequence[float], method: str = "anhoej") -> RunsAnalysis:
    """Anhøj runs analysis of the included points `y` against their centre line `cl`.

    Points exactly on the centre line and missing points are not useful; they neither
    break nor extend a run. `n_obs` counts every point given, missing ones included.
    `method` "bestbox" or "cutbox" changes only the signal, for 10 to 100 useful points."""
    sides = []
    for value, centre in zip(y, cl, strict=True):
        difference = value - centre
        if math.isnan(difference) or difference == 0:
            continue
        sides.append(1 if difference > 0 else -1)
    n_useful = len(sides)
    if n_useful == 0:
        return RunsAnalysis(len(y), 0, None, None, None, None, runs_signal=False)
    lengths = run_lengths(sides)
    longest = max(lengths)
    crossings = len(lengths) - 1
    longest_limit = longest_run_max(n_useful)
    crossings_limit = crossings_min(n_useful)
    signal = longest > longest_limit or crossings < crossings_limit
    if method != "anhoej" and FIRST_N <= n_useful <= LAST_N:
        signal = box_signal(method, n_useful, crossings, longest)
    return RunsAnalysis(
        n_obs=len(y),
        n_useful=n_useful,
        longest_run=longest,
        longest_run_max=longest_limit,
        n_crossings=crossings,
        n_crossings_min=crossings_limit,
        runs_signal=signal,
    )

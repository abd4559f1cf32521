"""Reductions with R's semantics and R's arithmetic (NA and NaN are both `nan` here).

R's `sum()`, `mean()` and `var()` accumulate in C `long double` (80-bit extended on x86-64)
from left to right, and `mean()` adds a correcting second pass. Centre lines decide which
points lie exactly on them (and so are not useful to the runs analysis), so we repeat that
arithmetic with `numpy.longdouble` rather than merely agree to 1e-15.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np

NA = math.nan
_LONG = np.longdouble


def present(values: Iterable[float]) -> list[float]:
    """The values that are not missing (R's `na.rm = TRUE`)."""
    return [float(v) for v in values if not math.isnan(v)]


def _long_sum(values: list[float]) -> np.longdouble:
    total = _LONG(0)
    for value in values:
        total += _LONG(value)
    return total


def r_sum(values: Iterable[float], *, na_rm: bool = True) -> float:
    """`sum(x, na.rm = na_rm)`: 0 for no values; NaN if a value is missing and not removed."""
    values = [float(v) for v in values]
    if not na_rm and any(math.isnan(v) for v in values):
        return NA
    return float(_long_sum(present(values)))


def _long_mean(values: list[float]) -> float:
    count = len(values)
    mean = _long_sum(values) / count
    if math.isfinite(float(mean)):
        correction = _LONG(0)
        for value in values:
            correction += _LONG(value) - mean
        mean += correction / count
    return float(mean)


def r_mean(values: Iterable[float]) -> float:
    """`mean(x, na.rm = TRUE)`: NaN when no value is present."""
    kept = present(values)
    return _long_mean(kept) if kept else NA


def r_median(values: Iterable[float]) -> float:
    """`median(x, na.rm = TRUE)`: NA when no value is present."""
    kept = sorted(present(values))
    if not kept:
        return NA
    half = len(kept) // 2
    if len(kept) % 2:
        return kept[half]
    return _long_mean(kept[half - 1 : half + 1])


def r_sd(values: Iterable[float], *, na_rm: bool = True) -> float:
    """`sd(x, na.rm = na_rm)`: the sample standard deviation (n - 1); NA for fewer than two
    values, or for any missing value when `na_rm` is false."""
    values = [float(v) for v in values]
    if not na_rm and any(math.isnan(v) for v in values):
        return NA
    kept = present(values)
    if len(kept) < 2:
        return NA
    # R's cov.c: the mean is rounded to double, the deviations and squares are long double.
    centre = _LONG(_long_mean(kept))
    squares = _LONG(0)
    for value in kept:
        deviation = _LONG(value) - centre
        squares += deviation * deviation
    variance = float(squares / (len(kept) - 1))
    return math.sqrt(variance) if variance >= 0 else NA


def r_min(values: Iterable[float]) -> float:
    """`min(x, na.rm = TRUE)`: Inf when no value is present."""
    kept = present(values)
    return min(kept) if kept else math.inf


def ratio(numerator: float, denominator: float) -> float:
    """numerator / denominator with IEEE results for a zero denominator (Inf or NaN), as R."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return float(np.float64(numerator) / np.float64(denominator))

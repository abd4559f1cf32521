"""Reductions with R's semantics for missing values (NA and NaN are both `nan` here).

R's `sum()` and `mean()` accumulate in long double (and `mean()` adds a correcting second
pass); `math.fsum` gives the exactly rounded sum, so results agree with R to the last bit
or two. Sums and means over non-finite values fall back to plain float arithmetic, which
gives R's Inf / NaN results.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np

NA = math.nan


def present(values: Iterable[float]) -> list[float]:
    """The values that are not missing (R's `na.rm = TRUE`)."""
    return [v for v in values if not math.isnan(v)]


def _sum(values: list[float]) -> float:
    if all(math.isfinite(v) for v in values):
        return math.fsum(values)
    return float(sum(values))


def r_sum(values: Iterable[float], *, na_rm: bool = True) -> float:
    """`sum(x, na.rm = na_rm)`: 0 for no values; NaN if a value is missing and not removed."""
    values = list(values)
    if not na_rm and any(math.isnan(v) for v in values):
        return NA
    return _sum(present(values))


def r_mean(values: Iterable[float]) -> float:
    """`mean(x, na.rm = TRUE)`: NaN when no value is present."""
    kept = present(values)
    if not kept:
        return NA
    count = len(kept)
    if not all(math.isfinite(v) for v in kept):
        return float(sum(kept)) / count
    first = math.fsum(kept) / count
    return first + math.fsum(v - first for v in kept) / count


def r_median(values: Iterable[float]) -> float:
    """`median(x, na.rm = TRUE)`: NA when no value is present."""
    kept = sorted(present(values))
    if not kept:
        return NA
    half = len(kept) // 2
    if len(kept) % 2:
        return kept[half]
    return _sum([kept[half - 1], kept[half]]) / 2


def r_sd(values: Iterable[float], *, na_rm: bool = True) -> float:
    """`sd(x, na.rm = na_rm)`: the sample standard deviation (n - 1); NA for fewer than two
    values, or for any missing value when `na_rm` is false."""
    values = list(values)
    if not na_rm and any(math.isnan(v) for v in values):
        return NA
    kept = present(values)
    if len(kept) < 2:
        return NA
    centre = r_mean(kept)
    if not math.isfinite(centre):
        return NA
    return math.sqrt(math.fsum((v - centre) ** 2 for v in kept) / (len(kept) - 1))


def r_min(values: Iterable[float]) -> float:
    """`min(x, na.rm = TRUE)`: Inf when no value is present."""
    kept = present(values)
    return min(kept) if kept else math.inf


def ratio(numerator: float, denominator: float) -> float:
    """numerator / denominator with IEEE results for a zero denominator (Inf or NaN), as R."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return float(np.float64(numerator) / np.float64(denominator))

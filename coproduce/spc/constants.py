"""Control chart constants, computed exactly rather than read from a printed table.

Sources: Montgomery DC. Introduction to Statistical Quality Control, 6th ed. (2009),
appendix table VI and §6.3 (c4, A3, B3, B4; d2 = 1.128 and D4 = 3.267 for moving ranges of
two); qicharts2 0.8.1 `R/helper.functions.R` for the other factors. These match the printed
tables to their three or four decimals.
"""

from __future__ import annotations

import math

SIGMA_LIMIT = 3  # 3-sigma control limits (Shewhart)
SIGMA_LIMIT_95 = 2  # the 2-sigma ("95 %") warning limits qicharts2 also returns

D2_MR2 = 1.128  # d2 for moving ranges of two points: sigma = mean MR / d2 (Montgomery 6.33)
D4_MR2 = 3.267  # D4 for moving ranges of two: MR chart UCL and MR screening cut-off
# I chart limits are mean -/+ 3 x (mean MR / d2) = mean -/+ 2.66 x mean MR (Wheeler's 2.66).
XMR_LIMIT_FACTOR = SIGMA_LIMIT / D2_MR2
# Screening of I' chart dispersion terms (qicharts2's `qic.ip`), same idea as D4_MR2.
IP_SCREENING_FACTOR = 3.2665
# Nelson LS. Control charts for individual measurements. J Qual Technol 1982;14:172-3:
# moving ranges at or above D4 x mean MR are dropped, once, before sigma is estimated.

T_CHART_EXPONENT = 3.6  # Nelson LS. J Qual Technol 1994;26:239-40: y^(1/3.6) is ~normal
G_CHART_MEDIAN_FACTOR = 0.693  # Provost & Murray 2011, p. 228: median of a geometric ~ ln 2 x mean


def c4(n: float) -> float:
    """c4(n) = sqrt(2/(n-1)) * Gamma(n/2) / Gamma((n-1)/2); NaN for n <= 1 or missing n."""
    if math.isnan(n) or n <= 1:
        return math.nan
    return math.sqrt(2 / (n - 1)) * math.exp(math.lgamma(n / 2) - math.lgamma((n - 1) / 2))


def c5(n: float) -> float:
    """c5(n) = sqrt(1 - c4(n)^2), so sigma(s) = c5 * sigma."""
    value = c4(n)
    return math.sqrt(1 - value**2) if not math.isnan(value) else math.nan


def a3(n: float, sigmas: int = SIGMA_LIMIT) -> float:
    """A3(n) = k / (c4(n) sqrt(n)): x-bar limits are x-double-bar -/+ A3 s-bar."""
    value = c4(n)
    return sigmas / (value * math.sqrt(n)) if not math.isnan(value) else math.nan


def b3(n: float, sigmas: int = SIGMA_LIMIT) -> float:
    """B3(n) = max(0, 1 - k c5/c4): the S chart's lower limit is B3 s-bar."""
    value = c4(n)
    if math.isnan(value):
        return math.nan
    return max(0.0, 1 - sigmas * c5(n) / value)


def b4(n: float, sigmas: int = SIGMA_LIMIT) -> float:
    """B4(n) = 1 + k c5/c4: the S chart's upper limit is B4 s-bar."""
    value = c4(n)
    if math.isnan(value):
        return math.nan
    return 1 + sigmas * c5(n) / value

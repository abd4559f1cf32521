"""Centre line and limits of each chart type, for one part of a chart.

One function per chart type, with qicharts2 0.8.1's semantics (see
../shared/reference/spc-algorithms.md §3 and docs/adr/0016). Each takes a `PartInput` (the
subgroups of one part, their baseline mask and any centre line the user gave) and returns
`ChartLines`: the plotted values, centre line and 3-sigma and 2-sigma limits per subgroup.
`base` marks the subgroups that estimate the centre line and sigma: baseline (up to
`freeze`) and not excluded. The limits apply to every subgroup of the part.

Missing values are NaN; divisions by zero give IEEE Inf/NaN as in R (the caller runs these
under `numpy.errstate(all="ignore")`) and non-finite limits become missing later.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .constants import (
    D2_MR2,
    D4_MR2,
    G_CHART_MEDIAN_FACTOR,
    IP_SCREENING_FACTOR,
    SIGMA_LIMIT,
    SIGMA_LIMIT_95,
    T_CHART_EXPONENT,
    a3,
    b3,
    b4,
)
from .errors import SpcInputError
from .reductions import r_mean, r_median, r_min, r_sd, r_sum, ratio

Array = np.ndarray


@dataclass(frozen=True)
class PartInput:
    """The subgroups of one part. `cl` is the user's centre line per subgroup (NaN where not
    given); `categorical` is true when x is text (a funnel plot for Laney charts)."""

    y: Array
    y_sum: Array
    y_length: Array
    y_mean: Array
    y_sd: Array
    n: Array
    cl: Array
    base: Array
    categorical: bool
    screened_mr: bool

    def given_cl(self) -> Array | None:
        """The user's centre line, used only when given for every subgroup of the part."""
        if np.isnan(self.cl).any():
            return None
        return self.cl.astype(float)

    def centre(self, estimate: Callable[[], float]) -> Array:
        given = self.given_cl()
        if given is not None:
            return given
        return np.full(len(self.y), estimate(), dtype=float)


@dataclass(frozen=True)
class ChartLines:
    y: Array
    n: Array
    cl: Array
    lcl: Array
    ucl: Array
    lcl_95: Array
    ucl_95: Array


def _sqrt(value: float) -> float:
    return float(np.sqrt(np.float64(value)))


def _symmetric(part: PartInput, y: Array, cl: Array, sigma: Array | float) -> ChartLines:
    return ChartLines(
        y=y,
        n=part.n,
        cl=cl,
        lcl=cl - SIGMA_LIMIT * sigma,
        ucl=cl + SIGMA_LIMIT * sigma,
        lcl_95=cl - SIGMA_LIMIT_95 * sigma,
        ucl_95=cl + SIGMA_LIMIT_95 * sigma,
    )


def _clip_finite(values: Array, *, low: float | None = None, high: float | None = None) -> Array:
    values = values.copy()
    finite = np.isfinite(values)
    if low is not None:
        values[finite & (values < low)] = low
    if high is not None:
        values[finite & (values > high)] = high
    return values


def mean_moving_range(values: Array, *, screened: bool) -> float:
    """Mean moving range of consecutive values; with `screened`, moving ranges at or above
    D4 x the mean are dropped once and the mean taken again (Nelson 1982)."""
    moving_ranges = np.abs(np.diff(values))
    average = r_mean(moving_ranges)
    if screened:
        cutoff = D4_MR2 * average
        average = r_mean(v for v in moving_ranges if v < cutoff)
    return average


def run_chart(part: PartInput) -> ChartLines:
    """Run chart: centre line = median of the baseline; no limits."""
    cl = part.centre(lambda: r_median(part.y[part.base]))
    missing = np.full(len(part.y), np.nan)
    return ChartLines(part.y, part.n, cl, missing, missing, missing, missing)


def _individuals_sigma(part: PartInput, y: Array, cl: Array) -> float:
    """sigma = mean moving range of (y - cl) over the baseline points / d2 (Montgomery 6.33);
    excluded points are skipped, so a moving range bridges them."""
    base = part.base
    return mean_moving_range(y[base] - cl[base], screened=part.screened_mr) / D2_MR2


def i_chart(part: PartInput) -> ChartLines:
    """I (individuals, XmR) chart: mean -/+ 3 x mean moving range / 1.128."""
    cl = part.centre(lambda: r_mean(part.y[part.base]))
    return _symmetric(part, part.y, cl, _individuals_sigma(part, part.y, cl))


def mr_chart(part: PartInput) -> ChartLines:
    """MR chart: moving ranges |y_i - y_(i-1)| of all points; UCL = D4 x mean MR, LCL 0."""
    y = np.concatenate(([np.nan], np.abs(np.diff(part.y)))) if len(part.y) else part.y
    cl = part.centre(lambda: r_mean(y[part.base]))
    zero = np.zeros(len(y))
    return ChartLines(
        y=y,
        n=part.n,
        cl=cl,
        lcl=zero,
        ucl=D4_MR2 * cl,
        lcl_95=zero.copy(),
        ucl_95=(D4_MR2 / SIGMA_LIMIT) * SIGMA_LIMIT_95 * cl,
    )


def _variable_sizes(part: PartInput) -> bool:
    return len(set(part.y_length.tolist())) > 1


def _pooled_sd(part: PartInput) -> float:
    """Pooled standard deviation of the baseline subgroups (Montgomery 6.31)."""
    size = part.y_length[part.base]
    sd = part.y_sd[part.base]
    return _sqrt(ratio(r_sum((size - 1) * sd**2), r_sum(size - 1)))


def _within_sd(part: PartInput) -> float:
    """s-bar for equal subgroup sizes (Montgomery 6.29), the pooled SD otherwise."""
    if _variable_sizes(part):
        return _pooled_sd(part)
    return r_mean(part.y_sd[part.base])


def _factors(function: Callable[[float, int], float], sizes: Array, sigmas: int) -> Array:
    return np.array([function(float(size), sigmas) for size in sizes], dtype=float)


def xbar_chart(part: PartInput) -> ChartLines:
    """X-bar chart: grand mean -/+ A3(n_i) x s (s-bar, or pooled SD for unequal sizes)."""
    base = part.base
    cl = part.centre(
        lambda: ratio(r_sum(part.y_length[base] * part.y_mean[base]), r_sum(part.y_length[base]))
    )
    sd = _within_sd(part)
    factor = _factors(a3, part.y_length, SIGMA_LIMIT)
    factor_95 = _factors(a3, part.y_length, SIGMA_LIMIT_95)
    return ChartLines(
        y=part.y,
        n=part.n,
        cl=cl,
        lcl=cl - factor * sd,
        ucl=cl + factor * sd,
        lcl_95=cl - factor_95 * sd,
        ucl_95=cl + factor_95 * sd,
    )


def s_chart(part: PartInput) -> ChartLines:
    """S chart: subgroup SDs; centre s-bar (or pooled SD); limits B3(n_i) and B4(n_i) x cl."""
    cl = part.centre(lambda: _within_sd(part))
    return ChartLines(
        y=part.y_sd,
        n=part.n,
        cl=cl,
        lcl=_factors(b3, part.y_length, SIGMA_LIMIT) * cl,
        ucl=_factors(b4, part.y_length, SIGMA_LIMIT) * cl,
        lcl_95=_factors(b3, part.y_length, SIGMA_LIMIT_95) * cl,
        ucl_95=_factors(b4, part.y_length, SIGMA_LIMIT_95) * cl,
    )


def t_chart(part: PartInput) -> ChartLines:
    """T chart (time between rare events): an I chart of y^(1/3.6), transformed back."""
    if r_min(part.y) <= 0:
        raise SpcInputError("y", "time between events must be greater than zero")
    transformed = part.y ** (1 / T_CHART_EXPONENT)
    cl = part.centre(lambda: r_mean(transformed[part.base]))
    lines = _symmetric(part, transformed, cl, _individuals_sigma(part, transformed, cl))

    def back(values: Array) -> Array:
        return np.power(values, T_CHART_EXPONENT)  # negative^3.6 is NaN, as in R

    lcl = back(lines.lcl)
    lcl[np.isnan(lcl) | (lcl < 0)] = 0
    return ChartLines(
        y=back(lines.y),
        n=part.n,
        cl=back(lines.cl),
        lcl=lcl,
        ucl=back(lines.ucl),
        lcl_95=back(lines.lcl_95),  # not set to 0, as in qicharts2 (NaN -> missing)
        ucl_95=back(lines.ucl_95),
    )


def _proportion_centre(part: PartInput) -> Array:
    """Ratio of sums over the baseline (not the mean of the rates)."""
    base = part.base
    return part.centre(lambda: ratio(r_sum(part.y_sum[base]), r_sum(part.n[base])))


def _laney_sigma_z(part: PartInput, cl: Array, sigma: Array) -> float:
    """Laney's sigma_z: the spread of the z-scores of the baseline subgroups, as a mean
    moving range / 1.128, or their sample SD when x is categorical (a funnel plot).
    Laney DB. Improved control charts for attributes. Qual Eng 2002;14:531-7."""
    base = part.base
    z = (part.y[base] - cl[base]) / sigma[base]
    if part.categorical:
        return r_sd(z, na_rm=False)
    return mean_moving_range(z, screened=part.screened_mr) / D2_MR2


def p_chart(part: PartInput) -> ChartLines:
    """P chart: cl = sum(y)/sum(n); sigma_i = sqrt(cl(1-cl)/n_i); limits clipped to [0, 1]."""
    cl = _proportion_centre(part)
    lines = _symmetric(part, part.y, cl, np.sqrt(cl * (1 - cl) / part.n))
    return _clip_proportion(lines)


def pp_chart(part: PartInput) -> ChartLines:
    """Laney P' chart: the P chart's sigma_i times sigma_z; limits clipped to [0, 1]."""
    cl = _proportion_centre(part)
    sigma = np.sqrt(cl * (1 - cl) / part.n)
    lines = _symmetric(part, part.y, cl, sigma * _laney_sigma_z(part, cl, sigma))
    return _clip_proportion(lines)


def _clip_proportion(lines: ChartLines) -> ChartLines:
    return ChartLines(
        y=lines.y,
        n=lines.n,
        cl=lines.cl,
        lcl=_clip_finite(lines.lcl, low=0),
        ucl=_clip_finite(lines.ucl, high=1),
        lcl_95=_clip_finite(lines.lcl_95, low=0),
        ucl_95=_clip_finite(lines.ucl_95, high=1),
    )


def _clip_lower(lines: ChartLines) -> ChartLines:
    return ChartLines(
        y=lines.y,
        n=lines.n,
        cl=lines.cl,
        lcl=_clip_finite(lines.lcl, low=0),
        ucl=lines.ucl,
        lcl_95=_clip_finite(lines.lcl_95, low=0),
        ucl_95=lines.ucl_95,
    )


def c_chart(part: PartInput) -> ChartLines:
    """C chart: counts per subgroup; cl = mean count; sigma = sqrt(cl) (Montgomery 7.17)."""
    y = part.y_sum
    cl = part.centre(lambda: r_mean(y[part.base]))
    return _clip_lower(_symmetric(part, y, cl, np.sqrt(cl)))


def u_chart(part: PartInput) -> ChartLines:
    """U chart: cl = sum(counts)/sum(n); sigma_i = sqrt(cl/n_i) (Montgomery 7.19)."""
    cl = _proportion_centre(part)
    return _clip_lower(_symmetric(part, part.y, cl, np.sqrt(cl / part.n)))


def up_chart(part: PartInput) -> ChartLines:
    """Laney U' chart: the U chart's sigma_i times sigma_z; LCL clipped at 0."""
    cl = _proportion_centre(part)
    sigma = np.sqrt(cl / part.n)
    return _clip_lower(_symmetric(part, part.y, cl, sigma * _laney_sigma_z(part, cl, sigma)))


def g_chart(part: PartInput) -> ChartLines:
    """G chart (opportunities between rare events): limits from the mean m,
    sigma = sqrt(m(m+1)) (Montgomery p. 319); centre line = median of the baseline, or
    0.693 x the user's centre line."""
    given = part.given_cl()
    mean = given if given is not None else part.centre(lambda: r_mean(part.y[part.base]))
    lines = _symmetric(part, part.y, mean, np.sqrt(mean * (mean + 1)))
    lcl = lines.lcl.copy()
    lcl[lcl < 0] = 0
    lcl_95 = lines.lcl_95.copy()
    lcl_95[lcl_95 < 0] = 0
    if given is None:
        cl = np.full(len(part.y), r_median(part.y[part.base]))
    else:
        cl = G_CHART_MEDIAN_FACTOR * given
    return ChartLines(part.y, part.n, cl, lcl, lines.ucl, lcl_95, lines.ucl_95)


def ip_chart(part: PartInput) -> ChartLines:
    """I' chart (normalised I chart of means or rates with unequal denominators): cl is the
    n-weighted mean; sigma_i = mean(sqrt(pi/2) |y_i - y_(i-1)| / sqrt(1/n_(i-1) + 1/n_i))
    x sqrt(1/n_i), over all points of the part. Without n, n is the subgroup size."""
    n = part.n
    if np.isnan(n).all():
        n = part.y_length.astype(float)
    base = part.base
    cl = part.centre(lambda: ratio(r_sum(part.y[base] * n[base]), r_sum(n[base])))
    spread = math.sqrt(math.pi / 2) * np.abs(np.diff(part.y)) / np.sqrt(1 / n[:-1] + 1 / n[1:])
    average = r_mean(spread)
    if part.screened_mr:
        cutoff = average * IP_SCREENING_FACTOR
        average = r_mean(v for v in spread if v < cutoff)
    sigma = average * np.sqrt(1 / n)
    lines = _symmetric(part, part.y, cl, sigma)
    return ChartLines(lines.y, n, lines.cl, lines.lcl, lines.ucl, lines.lcl_95, lines.ucl_95)


CHART_FUNCTIONS: dict[str, Callable[[PartInput], ChartLines]] = {
    "run": run_chart,
    "i": i_chart,
    "mr": mr_chart,
    "xbar": xbar_chart,
    "s": s_chart,
    "t": t_chart,
    "p": p_chart,
    "pp": pp_chart,
    "c": c_chart,
    "u": u_chart,
    "up": up_chart,
    "g": g_chart,
    "ip": ip_chart,
}
CHART_TYPES = tuple(CHART_FUNCTIONS)

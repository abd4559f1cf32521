"""Pure chart geometry for server-rendered SVG (no Django import; enforced by import-linter).

`trend_chart(spec) -> TrendChart` turns a patient's series, their goal, the clinical target,
an instrument's severity bands and an I chart's lines and signal points into positions on a
fixed canvas. Templates draw the result (templates/charts/trend.svg); words and dates are
formatted there, so this package knows nothing of languages or time zones.
"""

from coproduce.charts.trend import (
    Band,
    BandShape,
    Box,
    ChartSpec,
    Control,
    ControlShape,
    Level,
    LevelShape,
    Point,
    TrendChart,
    XTick,
    YTick,
    downsample,
    downsample_indices,
    nice_step,
    trend_chart,
    value_domain,
)

__all__ = [
    "Band",
    "BandShape",
    "Box",
    "ChartSpec",
    "Control",
    "ControlShape",
    "Level",
    "LevelShape",
    "Point",
    "TrendChart",
    "XTick",
    "YTick",
    "downsample",
    "downsample_indices",
    "nice_step",
    "trend_chart",
    "value_domain",
]

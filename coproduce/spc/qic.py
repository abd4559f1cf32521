"""`qic()`: run and control charts with the semantics of the R package qicharts2 0.8.1.

The pipeline (../shared/reference/spc-algorithms.md §1, docs/adr/0016): check the input,
aggregate rows to subgroups sorted by x, split the subgroups into parts (phases), and per
part compute the centre line and limits from the baseline, run the Anhøj runs analysis on
the included points, and multiply; then mark points outside the limits.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from .aggregate import Subgroups, aggregate
from .errors import SpcInputError
from .inputs import (
    AGGREGATES,
    METHODS,
    X_TEXT,
    parse_choice,
    parse_multiply,
    parse_period,
    parse_positions,
    parse_rows,
    part_breaks,
)
from .limits import CHART_FUNCTIONS, CHART_TYPES, ChartLines, PartInput
from .records import QicPoint, QicResult
from .reductions import r_min
from .runs import RunsAnalysis, runs_analysis
from .summary import summarise


def make_parts(breaks: Sequence[int], count: int) -> list[int]:
    """The 1-based part of each of `count` subgroups. A break at k ends a part after
    subgroup k; breaks at 0, at or beyond the last subgroup, and repeats are ignored."""
    cuts = sorted({0, *breaks} & set(range(count)))
    parts = []
    for number, (start, end) in enumerate(zip(cuts, [*cuts[1:], count], strict=True), start=1):
        parts.extend([number] * (end - start))
    return parts


def _value(value: float) -> float | None:
    return None if math.isnan(value) else float(value)


def _finite(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None


def qic(
    y: Sequence[Any],
    x: Sequence[Any] | None = None,
    n: Sequence[Any] | None = None,
    chart: str = "run",
    part: Any = None,
    freeze: int | None = None,
    exclude: Any = None,
    multiply: float = 1,
    target: Any = None,
    cl: Any = None,
    agg_fun: str = "mean",
    method: str = "anhoej",
    y_neg: bool = True,
    x_period: str | None = None,
    notes: Sequence[str | None] | None = None,
    screened_mr: bool = True,
) -> QicResult:
    """A run or control chart of `y` (numerators with `n` as denominators, or values).

    - `x`: subgroup of each value (numbers, dates or text; 1..N when not given). Rows with
      the same x form one subgroup; subgroups are sorted by x. Text x draws dots only:
      runs analysis is not signalled.
    - `chart`: one of run, i, mr, xbar, s, t, p, pp (Laney P'), c, u, up (Laney U'), g, ip.
    - `part`: 1-based positions after which a new phase starts (`part=24`: the first phase
      ends after subgroup 24), or one text label per row. `part` overrides `freeze`.
    - `freeze`: the last subgroup (1-based) of the baseline that estimates centre and limits.
    - `exclude`: 1-based subgroups left out of centre, limits and runs analysis.
    - `multiply`: scales y, centre line and limits (not `target`; `cl` is unscaled).
    - `cl`, `target`: a number, or one per row (the first row of a subgroup counts); a
      centre line missing for any subgroup of a part is estimated for that part.
    - `method`: runs rules: "anhoej" (default), or the experimental "bestbox"/"cutbox".
    - `screened_mr`: Nelson's moving-range screening for i, t, pp, up and ip charts; on, as
      qicharts2 has it once attached (`options(qic.screenedmr = TRUE)`).

    Raises `SpcInputError` for inconsistent input.
    """
    chart = parse_choice(chart, "chart", CHART_TYPES)
    agg_fun = parse_choice(agg_fun, "agg_fun", AGGREGATES)
    method = parse_choice(method, "method", METHODS)
    rows = parse_rows(y=y, x=x, n=n, cl=cl, target=target, notes=notes)
    period = parse_period(x_period, rows.x_kind)
    breaks = part_breaks(part, rows)
    freeze_at = math.inf
    if freeze is not None:
        (freeze_position,) = parse_positions(freeze, "freeze")
        if part is None:
            freeze_at = freeze_position
    excluded = set(parse_positions(exclude, "exclude")) if exclude is not None else set()
    factor = parse_multiply(multiply)
    subgroups = aggregate(rows, agg_fun=agg_fun, x_period=period)
    if len(subgroups) == 0:
        raise SpcInputError("x", "every x is missing, so there is nothing to chart")
    categorical = rows.x_kind == X_TEXT
    with np.errstate(all="ignore"):
        points = _points(
            subgroups,
            chart=chart,
            parts=make_parts(breaks, len(subgroups)),
            freeze_at=freeze_at,
            excluded=excluded,
            factor=factor,
            categorical=categorical,
            screened_mr=screened_mr,
            y_neg=y_neg,
            method=method,
        )
    return QicResult(chart=chart, points=points, summary=summarise(points))


def _points(
    subgroups: Subgroups,
    *,
    chart: str,
    parts: list[int],
    freeze_at: float,
    excluded: set[int],
    factor: float,
    categorical: bool,
    screened_mr: bool,
    y_neg: bool,
    method: str,
) -> tuple[QicPoint, ...]:
    count = len(subgroups)
    xx = np.arange(1, count + 1)
    baseline = xx <= freeze_at
    include = ~np.isin(xx, sorted(excluded))
    part_numbers = np.array(parts)
    columns = {name: np.full(count, np.nan) for name in ("y", "n", "cl", "lcl", "ucl")}
    columns |= {name: np.full(count, np.nan) for name in ("lcl_95", "ucl_95", "cl_lab")}
    columns |= {name: np.full(count, np.nan) for name in ("lcl_lab", "ucl_lab", "target_lab")}
    runs_by_part: dict[int, RunsAnalysis] = {}
    for number in sorted(set(parts)):
        index = np.flatnonzero(part_numbers == number)
        lines = CHART_FUNCTIONS[chart](
            PartInput(
                y=subgroups.y[index],
                y_sum=subgroups.y_sum[index],
                y_length=subgroups.y_length[index],
                y_mean=subgroups.y_mean[index],
                y_sd=subgroups.y_sd[index],
                n=subgroups.n[index],
                cl=subgroups.cl[index],
                base=baseline[index] & include[index],
                categorical=categorical,
                screened_mr=screened_mr,
            )
        )
        kept = include[index]
        runs_by_part[number] = runs_analysis(
            lines.y[kept].tolist(), lines.cl[kept].tolist(), method
        )
        _store(columns, index, lines, factor, subgroups.target[index])
    for name in ("lcl", "ucl", "lcl_95", "ucl_95", "lcl_lab", "ucl_lab"):
        columns[name][~np.isfinite(columns[name])] = np.nan
    y_values = columns["y"]
    sigma_signal = (y_values > columns["ucl"]) | (y_values < columns["lcl"])
    no_runs_signal = categorical or chart == "mr"
    if not y_neg and r_min(y_values.tolist()) >= 0:
        for name in ("lcl", "lcl_95", "lcl_lab"):
            columns[name][columns[name] < 0] = 0
    points = []
    for i in range(count):
        runs = runs_by_part[parts[i]]
        points.append(
            QicPoint(
                x=subgroups.x[i],
                facet1=1,
                facet2=1,
                y_sum=_value(subgroups.y_sum[i]),
                y_length=int(subgroups.y_length[i]),
                y_mean=_value(subgroups.y_mean[i]),
                y_sd=_value(subgroups.y_sd[i]),
                n=_value(columns["n"][i]),
                y=_value(y_values[i]),
                cl=_value(columns["cl"][i]),
                target=_value(subgroups.target[i]),
                notes=subgroups.notes[i],
                part=parts[i],
                xx=i + 1,
                baseline=bool(baseline[i]),
                include=bool(include[i]),
                lcl=_finite(columns["lcl"][i]),
                ucl=_finite(columns["ucl"][i]),
                lcl_95=_finite(columns["lcl_95"][i]),
                ucl_95=_finite(columns["ucl_95"][i]),
                n_obs=runs.n_obs,
                n_useful=runs.n_useful,
                runs_signal=runs.runs_signal and not no_runs_signal,
                longest_run=runs.longest_run,
                longest_run_max=runs.longest_run_max,
                n_crossings=runs.n_crossings,
                n_crossings_min=runs.n_crossings_min,
                cl_lab=_value(columns["cl_lab"][i]),
                lcl_lab=_finite(columns["lcl_lab"][i]),
                ucl_lab=_finite(columns["ucl_lab"][i]),
                target_lab=_value(columns["target_lab"][i]),
                sigma_signal=bool(sigma_signal[i]),
            )
        )
    return tuple(points)


def _store(
    columns: dict[str, np.ndarray],
    index: np.ndarray,
    lines: ChartLines,
    factor: float,
    target: np.ndarray,
) -> None:
    """Write one part's lines, multiplied, and label the part's last point."""
    columns["n"][index] = lines.n
    for name in ("y", "cl", "lcl", "ucl", "lcl_95", "ucl_95"):
        columns[name][index] = getattr(lines, name) * factor
    last = index[-1]
    for name in ("cl", "lcl", "ucl"):
        columns[f"{name}_lab"][last] = columns[name][last]
    columns["target_lab"][last] = target[-1]

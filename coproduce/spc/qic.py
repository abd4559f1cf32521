"""`qic()`: run and control charts with the semantics of the R package qicharts2 0.8.1.

The pipeline (../shared/reference/spc-algorithms.md §1, docs/adr/0016): check the input,
aggregate rows to subgroups sorted by x, split the subgroups into parts (phases), and per
part compute the centre line and limits from the baseline, run the Anhøj runs analysis on
the included points, and multiply; then mark points outside the limits.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .aggregate import Subgroups, aggregate, label_sort_key
from .errors import SpcInputError
from .inputs import (
    AGGREGATES,
    METHODS,
    X_TEXT,
    RawRows,
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
    facets: Any = None,
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
    - `facets`: one label per row (`facets = ~ unit` in R) or a pair of such lists
      (`facets = a ~ b`): each facet is charted on its own; positions count within it.

    Raises `SpcInputError` for inconsistent input.
    """
    chart = parse_choice(chart, "chart", CHART_TYPES)
    agg_fun = parse_choice(agg_fun, "agg_fun", AGGREGATES)
    method = parse_choice(method, "method", METHODS)
    rows = parse_rows(y=y, x=x, n=n, cl=cl, target=target, notes=notes, facets=facets)
    period = parse_period(x_period, rows.x_kind)
    breaks = part_breaks(part, rows)
    freeze_at = math.inf
    if freeze is not None:
        positions = parse_positions(freeze, "freeze")
        if len(positions) != 1:
            raise SpcInputError("freeze", "give one position: the last point of the baseline")
        if part is None:
            freeze_at = positions[0]
    excluded = set(parse_positions(exclude, "exclude")) if exclude is not None else set()
    settings = _Settings(
        chart=chart,
        breaks=breaks,
        freeze_at=freeze_at,
        excluded=excluded,
        factor=parse_multiply(multiply),
        categorical=rows.x_kind == X_TEXT,
        screened_mr=screened_mr,
        method=method,
    )
    facet_charts = []
    with np.errstate(all="ignore"):
        for (facet1, facet2), indices in _facet_groups(rows).items():
            subgroups = aggregate(rows, agg_fun=agg_fun, x_period=period, indices=indices)
            if len(subgroups):
                facet_charts.append(_chart_facet(subgroups, facet1, facet2, settings))
    if not facet_charts:
        raise SpcInputError("x", "every x is missing, so there is nothing to chart")
    all_y = [value for facet in facet_charts for value in facet.columns["y"].tolist()]
    if not y_neg and r_min(all_y) >= 0:
        for facet in facet_charts:
            for name in ("lcl", "lcl_95", "lcl_lab"):
                facet.columns[name][facet.columns[name] < 0] = 0
    rank1 = _ranks(facet.facet1 for facet in facet_charts)
    rank2 = _ranks(facet.facet2 for facet in facet_charts)
    points = [point for facet in facet_charts for point in _records(facet, settings)]
    # qicharts2's row order: part, then facet2, then facet1, then position.
    points.sort(key=lambda p: (p.part, rank2[p.facet2], rank1[p.facet1], p.xx))
    summary = sorted(summarise(points), key=lambda s: (rank1[s.facet1], rank2[s.facet2], s.part))
    return QicResult(chart=chart, points=tuple(points), summary=tuple(summary))


@dataclass(frozen=True)
class _Settings:
    chart: str
    breaks: list[int]
    freeze_at: float
    excluded: set[int]
    factor: float
    categorical: bool
    screened_mr: bool
    method: str


@dataclass
class _FacetChart:
    """One facet's subgroups with their lines (multiplied) and runs analysis per part."""

    facet1: Any
    facet2: Any
    subgroups: Subgroups
    parts: list[int]
    baseline: np.ndarray
    include: np.ndarray
    columns: dict[str, np.ndarray]
    runs_by_part: dict[int, RunsAnalysis]


def _facet_groups(rows: RawRows) -> dict[tuple[Any, Any], list[int]]:
    """Row indices per (facet1, facet2); rows with a missing facet label are dropped."""
    groups: dict[tuple[Any, Any], list[int]] = {}
    for index, key in enumerate(zip(rows.facet1, rows.facet2, strict=True)):
        if None not in key:
            groups.setdefault(key, []).append(index)
    return groups


def _ranks(labels: Iterable[Any]) -> dict[Any, int]:
    return {label: rank for rank, label in enumerate(sorted(set(labels), key=label_sort_key))}


def _chart_facet(
    subgroups: Subgroups, facet1: Any, facet2: Any, settings: _Settings
) -> _FacetChart:
    count = len(subgroups)
    parts = make_parts(settings.breaks, count)
    xx = np.arange(1, count + 1)
    baseline = xx <= settings.freeze_at
    include = ~np.isin(xx, sorted(settings.excluded))
    part_numbers = np.array(parts)
    names = ("y", "n", "cl", "lcl", "ucl", "lcl_95", "ucl_95")
    columns = {name: np.full(count, np.nan) for name in (*names, "cl_lab", "lcl_lab")}
    columns |= {name: np.full(count, np.nan) for name in ("ucl_lab", "target_lab")}
    runs_by_part: dict[int, RunsAnalysis] = {}
    for number in sorted(set(parts)):
        index = np.flatnonzero(part_numbers == number)
        lines = CHART_FUNCTIONS[settings.chart](
            PartInput(
                y=subgroups.y[index],
                y_sum=subgroups.y_sum[index],
                y_length=subgroups.y_length[index],
                y_mean=subgroups.y_mean[index],
                y_sd=subgroups.y_sd[index],
                n=subgroups.n[index],
                cl=subgroups.cl[index],
                base=baseline[index] & include[index],
                categorical=settings.categorical,
                screened_mr=settings.screened_mr,
            )
        )
        kept = include[index]
        runs_by_part[number] = runs_analysis(
            lines.y[kept].tolist(), lines.cl[kept].tolist(), settings.method
        )
        _store(columns, index, lines, settings.factor, subgroups.target[index])
    for name in ("lcl", "ucl", "lcl_95", "ucl_95", "lcl_lab", "ucl_lab"):
        columns[name][~np.isfinite(columns[name])] = np.nan
    # Tested on every point, excluded and post-freeze ones too, before any y_neg clipping.
    columns["sigma_signal"] = (columns["y"] > columns["ucl"]) | (columns["y"] < columns["lcl"])
    return _FacetChart(facet1, facet2, subgroups, parts, baseline, include, columns, runs_by_part)


def _records(facet: _FacetChart, settings: _Settings) -> list[QicPoint]:
    columns, subgroups = facet.columns, facet.subgroups
    no_runs_signal = settings.categorical or settings.chart == "mr"
    points = []
    for i, part in enumerate(facet.parts):
        runs = facet.runs_by_part[part]
        points.append(
            QicPoint(
                x=subgroups.x[i],
                facet1=facet.facet1,
                facet2=facet.facet2,
                y_sum=_value(subgroups.y_sum[i]),
                y_length=int(subgroups.y_length[i]),
                y_mean=_value(subgroups.y_mean[i]),
                y_sd=_value(subgroups.y_sd[i]),
                n=_value(columns["n"][i]),
                y=_value(columns["y"][i]),
                cl=_value(columns["cl"][i]),
                target=_value(subgroups.target[i]),
                notes=subgroups.notes[i],
                part=part,
                xx=i + 1,
                baseline=bool(facet.baseline[i]),
                include=bool(facet.include[i]),
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
                sigma_signal=bool(columns["sigma_signal"][i]),
            )
        )
    return points


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

"""The per-part summary of a chart (qicharts2's `summary.qic`)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from .records import PartSummary, QicPoint
from .reductions import r_mean


def _average(values: Sequence[float | None]) -> float | None:
    average = r_mean(math.nan if v is None else v for v in values)
    return None if math.isnan(average) else average


def summarise(points: Sequence[QicPoint]) -> tuple[PartSummary, ...]:
    """One row per facet and part, in the order the points first show them."""
    parts: dict[tuple[Any, Any, int], list[QicPoint]] = {}
    for point in points:
        parts.setdefault((point.facet1, point.facet2, point.part), []).append(point)
    rows = []
    for (_, _, part), members in parts.items():
        first = members[0]
        rows.append(
            PartSummary(
                facet1=first.facet1,
                facet2=first.facet2,
                part=part,
                n_obs=first.n_obs,
                n_useful=first.n_useful,
                longest_run=first.longest_run,
                longest_run_max=first.longest_run_max,
                n_crossings=first.n_crossings,
                n_crossings_min=first.n_crossings_min,
                runs_signal=int(any(p.runs_signal for p in members)),
                aLCL=_average([p.lcl for p in members]),
                aLCL_95=_average([p.lcl_95 for p in members]),
                CL=_average([p.cl for p in members]),
                aUCL_95=_average([p.ucl_95 for p in members]),
                aUCL=_average([p.ucl for p in members]),
                sigma_signal=sum(p.sigma_signal for p in members),
            )
        )
    return tuple(rows)

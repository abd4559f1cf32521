"""Pure statistical process control (no Django import; enforced by import-linter).

`qic()` computes run and control charts with the semantics of the R package qicharts2
0.8.1; see docs/adr/0016-spc-core-with-qicharts2-semantics.md.
"""

from .errors import SpcInputError
from .limits import CHART_TYPES
from .qic import qic
from .records import PartSummary, QicPoint, QicResult
from .runs import RunsAnalysis, crossings_min, longest_run_max, runs_analysis

__all__ = [
    "CHART_TYPES",
    "PartSummary",
    "QicPoint",
    "QicResult",
    "RunsAnalysis",
    "SpcInputError",
    "crossings_min",
    "longest_run_max",
    "qic",
    "runs_analysis",
]

"""Rows to subgroups: one plotted point per distinct x, sorted by x (qicharts2's `qic.agg`).

For each subgroup (rows y_j, n_j):
* y_sum    = sum of y_j; one missing row stays missing, several all-missing rows give 0;
* y_length = number of present y_j; y_mean and y_sd (sample SD) over the present y_j;
* n        = sum of the present n_j (0 when all are missing), or missing without `n`;
* y        = sum(y_j) / sum(n_j) with `n`, else `agg_fun` of the present y_j;
* cl, target = the values of the subgroup's first row; notes = its distinct notes joined.
Rows with a missing x are dropped.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .inputs import RawRows
from .periods import period_start
from .reductions import present, r_mean, r_median, r_sd, r_sum, ratio

AGGREGATE_FUNCTIONS: dict[str, Callable[[Sequence[float]], float]] = {
    "mean": r_mean,
    "median": r_median,
    "sum": r_sum,
    "sd": r_sd,
}


@dataclass(frozen=True)
class Subgroups:
    """Column arrays, one entry per subgroup, sorted by x."""

    x: tuple[Any, ...]
    y_sum: np.ndarray
    y_length: np.ndarray
    y_mean: np.ndarray
    y_sd: np.ndarray
    n: np.ndarray
    y: np.ndarray
    cl: np.ndarray
    target: np.ndarray
    notes: tuple[str | None, ...]

    def __len__(self) -> int:
        return len(self.x)


# ICU root collation (what R uses to sort text, with ICU) puts spaces and ASCII punctuation
# before digits and letters, in this order.
PUNCTUATION_ORDER = " _-,;:!?.'\"()[]{}@*/\\&#%`^+<=>|~$"
_PUNCTUATION_RANK = {char: chr(1 + rank) for rank, char in enumerate(PUNCTUATION_ORDER)}


def text_sort_key(text: str) -> tuple[str, str, str]:
    """An approximation of R's collation of text (ICU root, as for an en_US or C.UTF-8
    locale): punctuation first, then digits, then letters with accents and case ignored;
    ties broken by accents, then lower case before upper case ("a" < "A" < "b" < "é")."""
    decomposed = unicodedata.normalize("NFD", text)
    letters = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    primary = "".join(_PUNCTUATION_RANK.get(c, c) for c in letters)
    return (primary, decomposed.casefold(), text.swapcase())


def fix_notes(notes: Sequence[str]) -> str | None:
    """The distinct notes of a subgroup joined with " | "; None when there are none."""
    joined = "|".join(dict.fromkeys(notes))
    joined = re.sub(r"\|{2,}", "|", joined)
    joined = re.sub(r"^\||\|$", "", joined)
    joined = joined.replace("|", " | ")
    return joined or None


def label_sort_key(value: Any) -> Any:
    """Sort key for x or facet labels: text as R collates it, numbers and dates as such."""
    return text_sort_key(value) if isinstance(value, str) else value


def aggregate(
    rows: RawRows, *, agg_fun: str, x_period: str | None, indices: Sequence[int] | None = None
) -> Subgroups:
    """Group rows (all, or those at `indices`) by x (after `x_period`), sort the groups by
    x, summarise each group."""
    groups: dict[Any, list[int]] = {}
    x_values: dict[Any, Any] = {}
    for index in range(len(rows.x)) if indices is None else indices:
        x_value = rows.x[index]
        if x_value is None:
            continue
        if x_period is not None:
            x_value = period_start(x_value, x_period)
        groups.setdefault(x_value, []).append(index)
        x_values.setdefault(x_value, x_value)
    keys = sorted(groups, key=label_sort_key)
    summarise = AGGREGATE_FUNCTIONS[agg_fun]
    columns: dict[str, list[float]] = {
        name: [] for name in ("y_sum", "y_length", "y_mean", "y_sd", "n", "y", "cl", "target")
    }
    notes = []
    for key in keys:
        indices = groups[key]
        ys = [rows.y[i] for i in indices]
        columns["y_sum"].append(r_sum(ys, na_rm=len(ys) > 1))
        columns["y_length"].append(len(present(ys)))
        columns["y_mean"].append(r_mean(ys))
        columns["y_sd"].append(r_sd(ys))
        if rows.n is not None:
            n_total = r_sum(rows.n[i] for i in indices)
            columns["n"].append(n_total)
            columns["y"].append(ratio(r_sum(ys), n_total))
        else:
            columns["n"].append(np.nan)
            columns["y"].append(summarise(ys))
        columns["cl"].append(rows.cl[indices[0]])
        columns["target"].append(rows.target[indices[0]])
        notes.append(fix_notes([rows.notes[i] for i in indices]))
    arrays = {name: np.array(values, dtype=float) for name, values in columns.items()}
    return Subgroups(x=tuple(x_values[key] for key in keys), notes=tuple(notes), **arrays)

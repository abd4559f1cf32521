"""Building blocks shared by instruments: answer option lists, sums, proration, bands, and
the description of the scores an instrument reports."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from coproduce.scoring.types import AllowedValue, ItemSpec, MissingData, ScoreSpec


def options(*meanings: str, start: int = 0) -> tuple[AllowedValue, ...]:
    """Options coded start, start+1, … in the order given."""
    return tuple(AllowedValue(code=start + i, meaning=m) for i, m in enumerate(meanings))


def round_half_up(value: float, digits: int = 0) -> float:
    """Round as the manuals do by hand (2.5 → 3), not banker's rounding."""
    factor = 10**digits
    return math.floor(value * factor + 0.5) / factor


def prorated_sum(
    answers: Mapping[str, float], item_ids: Sequence[str], *, max_missing: int, rule: str
) -> tuple[float | None, MissingData]:
    """Sum of `item_ids`; with up to `max_missing` unanswered, each missing item takes the
    mean of the answered ones and the total is rounded half up. More missing: None."""
    missing = tuple(i for i in item_ids if i not in answers)
    answered = [answers[i] for i in item_ids if i in answers]
    if not missing:
        return float(sum(answered)), MissingData()
    if len(missing) > max_missing or not answered:
        return None, MissingData("not-scored", missing, f"more than {max_missing} missing ({rule})")
    mean = sum(answered) / len(answered)
    total = round_half_up(sum(answered) + mean * len(missing))
    return total, MissingData("prorated", missing, rule)


def band_for(value: float | None, bands: Sequence[tuple[float, str]]) -> str | None:
    """The label of the last band whose lower bound `value` reaches. `bands` are
    (lower bound, label) in increasing order."""
    if value is None:
        return None
    label = None
    for lower, name in bands:
        if value >= lower:
            label = name
    return label


def likert_items(
    texts: Sequence[str], choices: tuple[AllowedValue, ...], *, prefix: str = "", required: bool
) -> tuple[ItemSpec, ...]:
    """Items numbered 1…n (ids `prefix1`…) sharing one option list."""
    return tuple(
        ItemSpec(id=f"{prefix}{n}", text=text, values=choices, required=required)
        for n, text in enumerate(texts, start=1)
    )


def describe_scores(scores: Sequence[ScoreSpec]) -> str:
    """One sentence for an instrument's notes naming every score key it reports, with its
    title, range and unit, so `catalogue()` documents each one."""
    return "Scores: " + "; ".join(_describe_score(spec) for spec in scores) + "."


def _describe_score(spec: ScoreSpec) -> str:
    primary = ", the total" if spec.primary else ""
    return f"'{spec.name}' ({spec.title}, {_extent(spec)} {spec.unit}{primary})"


def _extent(spec: ScoreSpec) -> str:
    if spec.minimum is None and spec.maximum is None:
        return "unbounded"
    if spec.maximum is None:
        return f"from {spec.minimum:g}"
    if spec.minimum is None:
        return f"up to {spec.maximum:g}"
    return f"{spec.minimum:g} to {spec.maximum:g}"

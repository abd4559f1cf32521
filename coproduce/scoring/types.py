"""The frozen dataclasses the scoring core takes and returns."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class AllowedValue:
    """One answer option: the numeric code stored and what it means."""

    code: float
    meaning: str


@dataclass(frozen=True)
class ItemSpec:
    """One item (question or measured input).

    Either `values` lists the allowed codes (an answer option list), or `minimum`/`maximum`
    bound a measured number (a joint count, CRP, height). `text` is empty for licensed
    instruments: their wording is never shipped.
    """

    id: str
    text: str = ""
    values: tuple[AllowedValue, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    integer: bool = False
    required: bool = True
    unit: str = ""

    def allowed_text(self) -> str:
        if self.values:
            return "one of " + ", ".join(f"{v.code:g}" for v in self.values)
        low = "-inf" if self.minimum is None else f"{self.minimum:g}"
        high = "inf" if self.maximum is None else f"{self.maximum:g}"
        kind = "a whole number" if self.integer else "a number"
        return f"{kind} from {low} to {high}"

    def accepts(self, value: float) -> bool:
        if not math.isfinite(value):
            return False
        if self.values:
            return any(value == v.code for v in self.values)
        if self.integer and value != int(value):
            return False
        if self.minimum is not None and value < self.minimum:
            return False
        return not (self.maximum is not None and value > self.maximum)


@dataclass(frozen=True)
class MissingData:
    """How missing answers were handled: 'complete' (none missing), 'prorated' (per the
    manual), or 'not-scored' (too many missing; `reason` says which rule)."""

    method: str = "complete"
    missing_items: tuple[str, ...] = ()
    reason: str = ""


@dataclass(frozen=True)
class ScoreResult:
    """A scored response. `total` is the main score (None when not scorable); `scores`
    holds every named score, sub-scores included; `band` is the published category."""

    instrument: str
    version: str
    total: float | None
    scores: Mapping[str, float | None] = field(default_factory=dict)
    band: str | None = None
    flags: tuple[str, ...] = ()
    missing: MissingData = field(default_factory=MissingData)

    def as_dict(self) -> dict[str, Any]:
        return {
            "instrument": self.instrument,
            "version": self.version,
            "total": self.total,
            "scores": dict(self.scores),
            "band": self.band,
            "flags": list(self.flags),
            "missing": {
                "method": self.missing.method,
                "missing_items": list(self.missing.missing_items),
                "reason": self.missing.reason,
            },
        }


Scorer = Callable[["InstrumentSpec", Mapping[str, float]], ScoreResult]


@dataclass(frozen=True)
class ScoreSpec:
    """One named score an instrument reports: a key of `ScoreResult.scores`.

    `code` is the observation code the score is stored under ('loinc:44261-6' where LOINC
    has one); empty means `coproduce:<instrument>-<name>`. `bands` are (lower bound, band)
    in increasing order, for the scores that have published categories. `higher_is` says
    which way is worse ('worse', 'better' or '' when neither), for charts and measures.
    """

    name: str
    title: str
    minimum: float | None = None
    maximum: float | None = None
    unit: str = "{score}"
    decimals: int = 0
    code: str = ""
    primary: bool = False
    higher_is: str = "worse"
    bands: tuple[tuple[float, str], ...] = ()


@dataclass(frozen=True)
class InstrumentSpec:
    """An instrument: identity, items, licence and source, and its scoring function.

    `url` is the canonical FHIR Questionnaire URL a licensee's imported definition must
    carry to be scored by this scorer.
    """

    code: str
    version: str
    title: str
    url: str
    items: tuple[ItemSpec, ...]
    licence: str
    source: str
    scorer: Scorer
    item_text_shipped: bool = True
    loinc: str = ""
    notes: str = ""
    scores: tuple[ScoreSpec, ...] = ()

    def item(self, item_id: str) -> ItemSpec | None:
        for item in self.items:
            if item.id == item_id:
                return item
        return None

    def score_spec(self, name: str) -> ScoreSpec | None:
        for spec in self.scores:
            if spec.name == name:
                return spec
        return None

    def score_code(self, name: str) -> str:
        """The observation code a score is stored under."""
        spec = self.score_spec(name)
        return spec.code if spec is not None and spec.code else f"coproduce:{self.code}-{name}"

    def result(self, total: float | None, **kwargs: Any) -> ScoreResult:
        return ScoreResult(instrument=self.code, version=self.version, total=total, **kwargs)

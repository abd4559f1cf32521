"""Every instrument, by code and by canonical URL. Instruments are listed explicitly (no
dynamic imports), so a newcomer finds each one by name."""

from __future__ import annotations

from collections.abc import Mapping

from coproduce.scoring.errors import UnknownInstrument
from coproduce.scoring.instruments import ALL_INSTRUMENTS
from coproduce.scoring.types import InstrumentSpec, ScoreResult
from coproduce.scoring.validation import validated_answers

BY_CODE: dict[str, InstrumentSpec] = {spec.code: spec for spec in ALL_INSTRUMENTS}
BY_URL: dict[str, InstrumentSpec] = {spec.url: spec for spec in ALL_INSTRUMENTS}
assert len(BY_CODE) == len(ALL_INSTRUMENTS), "instrument codes must be unique"
assert len(BY_URL) == len(ALL_INSTRUMENTS), "instrument URLs must be unique"


def instrument(code_or_url: str) -> InstrumentSpec:
    """The instrument with this code (e.g. 'phq-9') or canonical Questionnaire URL."""
    spec = BY_CODE.get(code_or_url) or BY_URL.get(code_or_url.split("|")[0])
    if spec is None:
        raise UnknownInstrument(code_or_url)
    return spec


def score(instrument_code: str, answers: Mapping[str, object]) -> ScoreResult:
    """Score one response. `answers` maps item ids (see `catalogue()`) to numeric codes or
    measured numbers; raises a ScoringError subclass naming the item on bad input."""
    spec = instrument(instrument_code)
    return spec.scorer(spec, validated_answers(spec, answers))


def catalogue() -> list[InstrumentSpec]:
    """Every instrument, sorted by code."""
    return sorted(ALL_INSTRUMENTS, key=lambda spec: spec.code)

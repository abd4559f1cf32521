"""Pure instrument scoring: no Django, no database (import-linter contract).

The public API is two functions:

- `score(instrument, answers) -> ScoreResult` scores one completed response;
- `catalogue() -> list[InstrumentSpec]` documents every instrument and its item ids.
"""

from coproduce.scoring.errors import (
    InvalidAnswer,
    MissingItem,
    ScoringError,
    UnknownInstrument,
    UnknownItem,
    ValueOutOfRange,
)
from coproduce.scoring.registry import catalogue, instrument, score
from coproduce.scoring.types import (
    AllowedValue,
    InstrumentSpec,
    ItemSpec,
    MissingData,
    ScoreResult,
    ScoreSpec,
)

__all__ = [
    "AllowedValue",
    "InstrumentSpec",
    "InvalidAnswer",
    "ItemSpec",
    "MissingData",
    "MissingItem",
    "ScoreResult",
    "ScoreSpec",
    "ScoringError",
    "UnknownInstrument",
    "UnknownItem",
    "ValueOutOfRange",
    "catalogue",
    "instrument",
    "score",
]

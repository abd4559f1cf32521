"""The built-in measures, checked against the catalogues they refer to."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from coproduce import scoring
from coproduce.measures.definition import (
    Catalogues,
    MeasureDefinition,
    built_in_measure_paths,
    parse_measures,
)
from coproduce.observations.catalogue import catalogue
from coproduce.programmes.definition import built_in_programme_paths


def measure_catalogues() -> Catalogues:
    """Observation codes, programme codes and instrument items a measure may name."""
    codes = catalogue()
    return Catalogues(
        codes={code: info.kind for code, info in codes.items()},
        coded_values={code: info.values for code, info in codes.items() if info.kind == "coded"},
        programmes={path.stem for path in built_in_programme_paths()},
        items={spec.code: tuple(item.id for item in spec.items) for spec in scoring.catalogue()},
    )


def load_measures(paths: list[Path] | None = None) -> tuple[MeasureDefinition, ...]:
    """Parse and check measure files (default: the built-in ones); raises MeasureFileError."""
    return parse_measures(paths or built_in_measure_paths(), measure_catalogues())


@cache
def built_in_measures() -> tuple[MeasureDefinition, ...]:
    """The built-in measures, read once per process."""
    return load_measures()


def measure_by_id(measure_id: str) -> MeasureDefinition:
    for definition in built_in_measures():
        if definition.id == measure_id:
            return definition
    raise KeyError(measure_id)

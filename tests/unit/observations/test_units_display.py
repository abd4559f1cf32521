"""Values written for people in the unit they prefer, and blood pressure as one reading."""

from __future__ import annotations

import pytest

from coproduce.observations.measurements import number_words, value_in_unit
from coproduce.observations.views.measurement_rows import blood_pressure_words, duration_words


@pytest.mark.parametrize(
    ("quantity", "stored", "unit", "words"),
    [
        ("body-mass", 80.0, "kg", "80 kg"),
        ("body-mass", 80.0, "[lb_av]", "176.4 lb"),
        ("body-mass", 80.0, "[stone_av]", "12 st 8.4 lb"),
        ("glucose", 5.5, "mg/dL", "99 mg/dL"),
        ("hba1c", 53, "%", "7 %"),
        ("hba1c", 48, "%", "6.5 %"),
        ("temperature", 38.0, "[degF]", "100.4 °F"),
        ("crp", 12.0, "mg/dL", "1.2 mg/dL"),
        ("fluid-volume", 2300.0, "L", "2.3 L"),
    ],
)
def test_value_in_the_preferred_unit(quantity, stored, unit, words):
    assert value_in_unit(quantity, stored, unit) == words


@pytest.mark.parametrize(
    ("value", "decimals", "words"), [(350.0, 1, "350"), (12.5, 2, "12.5"), (-0.01, 1, "0")]
)
def test_number_words_drop_trailing_zeros(value, decimals, words):
    assert number_words(value, decimals) == words


def test_blood_pressure_words():
    both = {"loinc:8480-6": 128.0, "loinc:8462-4": 82.0, "loinc:8867-4": 70.0}
    assert blood_pressure_words(both) == "128/82 mmHg, pulse 70"
    assert blood_pressure_words({"loinc:8480-6": 158.0}) == "Top number 158 mmHg"
    assert blood_pressure_words({"loinc:8867-4": 71.0}) == "Pulse 71"


def test_duration_words():
    assert [duration_words(m) for m in (240, 225, 45, None)] == ["4 h", "3 h 45 min", "45 min", ""]

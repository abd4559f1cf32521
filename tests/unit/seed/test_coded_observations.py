"""Medicines and cervical screening in the synthetic registry: deterministic, valid coded
values, only for the people they concern, and some screening after 65 for the overuse
measure to find."""

import datetime as dt

import numpy as np
import pytest

from coproduce.observations.catalogue import catalogue
from coproduce.seed.codes import (
    CERVICAL_SCREENING,
    CODED_CODES,
    CODED_VALUES,
    GLUCOSE_LOWERING_MEDICATION,
)
from coproduce.seed.course import DAYS_PER_YEAR
from coproduce.seed.registry import (
    EPOCH,
    PROGRAMME_CODES,
    coded_chunk,
    observation_chunk,
    patient_chunk,
    registry_plan,
)

END = dt.date(2026, 1, 1)
MEDICINE = CODED_CODES.index(GLUCOSE_LOWERING_MEDICATION)
SCREENING = CODED_CODES.index(CERVICAL_SCREENING)


@pytest.fixture(scope="module")
def generated():
    plan = registry_plan(patients=4000, seed=21, end_date=END, years=2)
    people = patient_chunk(plan, 0)
    return plan, people, coded_chunk(plan, people, 0)


def test_same_seed_gives_identical_coded_rows(generated):
    plan, people, first = generated
    second = coded_chunk(plan, people, 0)
    for name in ("patient", "unit", "code", "value", "effective_at", "recorded_at", "source"):
        np.testing.assert_array_equal(getattr(first, name), getattr(second, name))


def test_coded_rows_leave_the_quantity_rows_unchanged():
    plan = registry_plan(patients=500, seed=3, end_date=END, years=1)
    people = patient_chunk(plan, 0)
    before = observation_chunk(plan, people, 0)
    coded_chunk(plan, people, 0)
    after = observation_chunk(plan, people, 0)
    np.testing.assert_array_equal(before.value, after.value)


def test_every_coded_value_is_allowed_by_the_catalogue(generated):
    _, _, coded = generated
    known = catalogue()
    for code_index, value_index in set(zip(coded.code.tolist(), coded.value.tolist(), strict=True)):
        info = known[CODED_CODES[code_index]]
        assert info.kind == "coded"
        assert CODED_VALUES[value_index] in info.values


def test_medicines_only_for_diabetes_and_screening_only_for_women_from_25(generated):
    _plan, people, coded = generated
    position = {p: i for i, p in enumerate(people.index.tolist())}
    rows = np.array([position[p] for p in coded.patient.tolist()])
    medicine = coded.code == MEDICINE
    assert medicine.any()
    diabetes = PROGRAMME_CODES.index("diabetes")
    assert (people.programme[rows[medicine]] == diabetes).all()
    screening = coded.code == SCREENING
    assert (people.sex[rows[screening]] == 0).all()
    day = coded.effective_at[screening] / 86400
    age = (day - people.birth_day[rows[screening]]) / DAYS_PER_YEAR
    assert age.min() >= 25
    after_65 = (age >= 66).mean()
    assert 0 < after_65 < 0.15  # some overuse, far from all
    assert (coded.recorded_at >= coded.effective_at).all()
    assert coded.effective_at.max() < (END - EPOCH).days * 86400

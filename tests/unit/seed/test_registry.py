"""The registry generator: deterministic, plausible, and with the patterns QI must find."""

import datetime as dt

import numpy as np
import pytest

from coproduce.observations.catalogue import catalogue
from coproduce.seed.codes import ALL_CODES
from coproduce.seed.registry import (
    PROGRAMME_CODES,
    PROGRAMMES,
    observation_chunk,
    patient_chunk,
    registry_plan,
)

END = dt.date(2026, 1, 1)


def _chunk(seed: int, patients: int = 2000):
    plan = registry_plan(patients=patients, seed=seed, end_date=END, years=2)
    people = patient_chunk(plan, 0)
    return plan, people, observation_chunk(plan, people, 0)


@pytest.fixture(scope="module")
def chunk():
    return _chunk(seed=11, patients=3000)


def test_same_seed_gives_identical_rows():
    _, _, first = _chunk(seed=5)
    _, _, second = _chunk(seed=5)
    for name in ("patient", "unit", "code", "value", "effective_at", "recorded_at", "source"):
        np.testing.assert_array_equal(getattr(first, name), getattr(second, name))


def test_different_seed_gives_different_rows():
    _, _, first = _chunk(seed=5)
    _, _, second = _chunk(seed=6)
    assert len(first) != len(second) or not np.array_equal(first.value, second.value)


def test_every_value_lies_inside_its_codes_plausible_range(chunk):
    _, _, obs = chunk
    known = catalogue()
    for index in np.unique(obs.code):
        info = known[ALL_CODES[index]]
        values = obs.value[obs.code == index]
        assert info.kind == "quantity"
        assert values.min() >= info.plausible_low, info.code
        assert values.max() <= info.plausible_high, info.code


def test_every_programme_has_patients_with_observations(chunk):
    _plan, people, obs = chunk
    programme_of = dict(zip(people.index.tolist(), people.programme.tolist(), strict=True))
    seen = {programme_of[p] for p in np.unique(obs.patient).tolist()}
    assert seen == set(range(len(PROGRAMMES)))


def test_observations_stay_inside_the_window_and_are_recorded_after_they_happen(chunk):
    plan, _, obs = chunk
    start = plan.window_start_day * 86400
    end = (plan.end_date - dt.date(1970, 1, 1)).days * 86400
    assert obs.effective_at.min() >= start
    assert obs.effective_at.max() < end
    assert (obs.recorded_at >= obs.effective_at).all()
    assert obs.recorded_at.max() <= end


def test_more_deprived_patients_send_fewer_reports(chunk):
    _, people, obs = chunk
    counts = np.bincount(obs.patient - people.index[0], minlength=len(people.index))
    most = counts[people.quintile == 1].mean()
    least = counts[people.quintile == 5].mean()
    assert most < least
    assert (
        people.engagement[people.quintile == 1].mean()
        < people.engagement[people.quintile == 5].mean() - 0.1
    )


def test_hypertension_home_blood_pressure_is_higher_in_winter():
    plan = registry_plan(patients=3000, seed=3, end_date=END, years=2)
    people = patient_chunk(plan, 0)
    obs = observation_chunk(plan, people, 0)
    hypertensive = people.index[people.programme == PROGRAMME_CODES.index("hypertension")]
    rows = np.isin(obs.patient, hypertensive) & (obs.code == ALL_CODES.index("loinc:8480-6"))
    month = (np.datetime64("1970-01-01") + obs.effective_at[rows].astype("timedelta64[s]")).astype(
        "datetime64[M]"
    ).astype(int) % 12
    winter = obs.value[rows][np.isin(month, [11, 0, 1])].mean()
    summer = obs.value[rows][np.isin(month, [5, 6, 7])].mean()
    assert winter - summer > 3


def test_better_units_get_more_ra_patients_into_remission():
    plan = registry_plan(patients=10000, seed=4, end_date=END, years=2, units=6)
    people = patient_chunk(plan, 0)
    obs = observation_chunk(plan, people, 0)
    das28 = obs.code == ALL_CODES.index("coproduce:das28-crp")
    last_year = obs.effective_at >= (plan.window_start_day + 365) * 86400
    quality = np.array([u.quality for u in plan.units])[obs.unit]
    rows = das28 & last_year
    best = obs.value[rows & (quality == quality[rows].max())]
    worst = obs.value[rows & (quality == quality[rows].min())]
    assert (best < 2.6).mean() > (worst < 2.6).mean()

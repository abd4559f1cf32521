"""The building blocks of a synthetic disease course, vectorised over many patients.

A patient's disease activity is a latent number (0 = quiet, 1 = as bad as at diagnosis) that
falls from its starting level towards a treatment target, is pushed up by flares that decay,
and moves with the seasons. Each programme maps it onto its measures. Everything works on
flat numpy arrays of (patient, time) pairs: no per-row Python.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

DAYS_PER_YEAR = 365.2425
# Day-of-year of the winter peak for seasonal effects (mid-January, northern hemisphere):
# home blood pressure is about 5 mmHg higher in winter (Stergiou et al., J Hypertens 2015).
WINTER_PEAK_DAY = 15


@dataclass(frozen=True)
class Cohort:
    """Patients of one programme in one chunk. Times are in days since the window start."""

    patient: np.ndarray  # global patient index
    unit: np.ndarray  # unit index
    quality: np.ndarray  # quality of the patient's unit, -1 (worst) .. 1 (best)
    improves_from: np.ndarray  # day the unit's improvement starts (inf: never)
    age: np.ndarray  # years at the window end
    quintile: np.ndarray  # deprivation quintile, 1 = most deprived
    engagement: np.ndarray  # probability of sending a report that is due
    first_day: np.ndarray  # first day with observations (enrolment or window start)
    days_enrolled_before: np.ndarray  # days since enrolment at first_day
    window_days: int
    window_start_day: int  # the window start, in days since 1970-01-01

    def __len__(self) -> int:
        return len(self.patient)


@dataclass(frozen=True)
class Slots:
    """Due times of one schedule: `who` indexes the cohort, `day` is fractional."""

    who: np.ndarray
    day: np.ndarray


def schedule(
    cohort: Cohort, rng: np.random.Generator, *, every: float, jitter: float = 0.25
) -> Slots:
    """Times a measure is due, every `every` days from each patient's first day to the end,
    each moved by up to ±`jitter`×`every` (people do not report on the dot)."""
    span = np.maximum(cohort.window_days - cohort.first_day, 0)
    counts = np.ceil(span / every).astype(np.int64)
    who = np.repeat(np.arange(len(cohort)), counts)
    offsets = np.repeat(np.cumsum(counts) - counts, counts)
    k = np.arange(len(who)) - offsets
    day = cohort.first_day[who] + (k + 0.5) * every
    day = day + rng.uniform(-jitter, jitter, len(who)) * every
    keep = (day >= cohort.first_day[who]) & (day < cohort.window_days)
    return Slots(who=who[keep], day=day[keep])


def reported(
    cohort: Cohort, slots: Slots, rng: np.random.Generator, *, completion: float | None = None
) -> Slots:
    """The due reports that were actually sent. Patient reports follow the patient's
    engagement, which wanes slowly (report fatigue); `completion` fixes the rate instead
    (clinic visits and lab tests are missed less often)."""
    if completion is None:
        fatigue = 1.0 - 0.25 * (1.0 - np.exp(-slots.day / 400.0))
        p = cohort.engagement[slots.who] * fatigue
    else:
        p = np.full(len(slots.who), completion)
    keep = rng.random(len(slots.who)) < p
    return Slots(who=slots.who[keep], day=slots.day[keep])


def winter(cohort: Cohort, day: np.ndarray) -> np.ndarray:
    """+1 in mid-winter, -1 in mid-summer."""
    day_of_year = np.mod(cohort.window_start_day + day, DAYS_PER_YEAR)
    return np.cos(2 * np.pi * (day_of_year - WINTER_PEAK_DAY) / DAYS_PER_YEAR)


@dataclass(frozen=True)
class Course:
    """Per-patient parameters of the latent activity."""

    start: np.ndarray  # activity at enrolment
    target: np.ndarray  # level treatment brings it to
    tau: np.ndarray  # days for treatment to close 63% of the gap
    flare_day: np.ndarray  # (patients, MAX_FLARES); inf where there is no flare
    flare_size: np.ndarray
    flare_decay: float
    season: float  # how much winter adds


MAX_FLARES = 8


def course(
    cohort: Cohort,
    rng: np.random.Generator,
    *,
    start: tuple[float, float],
    target: tuple[float, float],
    tau_days: float,
    flares_per_year: float,
    flare_size: tuple[float, float] = (0.3, 0.7),
    flare_decay_days: float = 30.0,
    season: float = 0.0,
    quality_effect: float = 0.15,
) -> Course:
    """Draw each patient's course. Better units (quality > 0) reach a lower target faster
    and have fewer flares; that is the signal that QI comparisons should find."""
    n = len(cohort)
    q = cohort.quality
    start_level = rng.normal(start[0], start[1], n)
    target_level = rng.normal(target[0], target[1], n) - quality_effect * q
    tau = tau_days * rng.lognormal(0.0, 0.3, n) / (1.0 + 0.4 * q)
    rate = flares_per_year * (1.0 - 0.3 * q) * cohort.window_days / DAYS_PER_YEAR
    flare_count = np.minimum(rng.poisson(np.maximum(rate, 0.0)), MAX_FLARES)
    flare_day = rng.uniform(0, cohort.window_days, (n, MAX_FLARES))
    flare_day[np.arange(MAX_FLARES)[None, :] >= flare_count[:, None]] = np.inf
    size = rng.uniform(flare_size[0], flare_size[1], (n, MAX_FLARES))
    return Course(
        start=start_level,
        target=target_level,
        tau=tau,
        flare_day=flare_day,
        flare_size=size,
        flare_decay=flare_decay_days,
        season=season,
    )


# A unit's improvement (e.g. a new nurse-led pathway) lowers the target by this much over
# about two months: a sustained shift that SPC run rules detect.
IMPROVEMENT_SHIFT = 0.15
IMPROVEMENT_RAMP_DAYS = 60.0


def activity(
    cohort: Cohort, c: Course, slots: Slots, rng: np.random.Generator, *, noise: float = 0.08
) -> np.ndarray:
    """Latent activity at each slot (clipped at 0)."""
    who, day = slots.who, slots.day
    since_enrolment = day - cohort.first_day[who] + cohort.days_enrolled_before[who]
    target = c.target[who]
    level = target + (c.start[who] - target) * np.exp(-since_enrolment / c.tau[who])
    after = np.clip((day - cohort.improves_from[who]) / IMPROVEMENT_RAMP_DAYS, 0.0, 1.0)
    level = level - IMPROVEMENT_SHIFT * after
    for k in range(MAX_FLARES):
        since = day - c.flare_day[who, k]
        bump = np.where(since >= 0, np.exp(-np.maximum(since, 0) / c.flare_decay), 0.0)
        level = level + c.flare_size[who, k] * bump
    if c.season:
        level = level + c.season * winter(cohort, day)
    return np.maximum(level + rng.normal(0.0, noise, len(who)), 0.0)


def in_flare(c: Course, slots: Slots, *, window_days: float) -> np.ndarray:
    """How many flares began in the `window_days` before each slot."""
    since = slots.day[:, None] - c.flare_day[slots.who]
    return ((since >= 0) & (since < window_days)).sum(axis=1)

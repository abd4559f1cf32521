"""The synthetic registry's process and experience rows: what the QI process measures read.

Nothing here touches the database. For each patient chunk, from its own random stream
(seed, 4, chunk), so the patients and observations of a plan are unchanged by it:

* reports due monthly (completed or missed) in the patient's programme;
* visits about every three months (done or cancelled), with or without a patient agenda,
  and a visit-experience questionnaire after some of them (item "listened", 0-4);
* alerts raised and closed, with the hours the team took to acknowledge them;
* goals in the patient's own words (GoalKind own), most set soon after joining;
* repeat cervical screening of women over 65 (the overuse the measure counts).

Better units do better; a unit with `improves_from` gets better from that day on (as the
outcome trajectories do), and engagement (lower in deprived areas) lowers completion.
Times are whole seconds since 1970-01-01T00:00:00Z; `patient` is the global index.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from coproduce.seed.course import DAYS_PER_YEAR
from coproduce.seed.registry import EPOCH, PROGRAMMES, PatientChunk, RegistryPlan, rng_for

DAY = 86400
HOUR = 3600
REPORT_EVERY_DAYS = 30
REPORT_OPEN_DAYS, REPORT_CLOSE_DAYS = 2, 3
VISIT_EVERY_DAYS = 91
VISIT_DONE = 0.9
EXPERIENCE_AFTER_VISIT = 0.45
ALERTS_PER_YEAR_SPECIALIST, ALERTS_PER_YEAR_OTHER = 3.0, 2.0
MAX_ALERTS = 12
SCREENING_OVER_AGE = 66
MAX_STEPS = 200


@dataclass(frozen=True)
class DueRows:
    patient: np.ndarray
    unit: np.ndarray
    due_at: np.ndarray
    completed: np.ndarray  # bool
    completed_at: np.ndarray  # only meaningful where completed


@dataclass(frozen=True)
class VisitRows:
    patient: np.ndarray
    unit: np.ndarray
    starts_at: np.ndarray
    done: np.ndarray  # bool (else cancelled)
    agenda: np.ndarray  # bool (only for done visits)
    experience: np.ndarray  # bool: a visit-experience questionnaire followed
    listened: np.ndarray  # 0..4, where experience


@dataclass(frozen=True)
class AlertRows:
    patient: np.ndarray
    unit: np.ndarray
    opened_at: np.ndarray
    acknowledged_at: np.ndarray


@dataclass(frozen=True)
class GoalRows:
    patient: np.ndarray
    proposed_at: np.ndarray


@dataclass(frozen=True)
class ScreeningRows:
    patient: np.ndarray
    unit: np.ndarray
    effective_at: np.ndarray


@dataclass(frozen=True)
class ProcessChunk:
    due: DueRows
    visits: VisitRows
    alerts: AlertRows
    goals: GoalRows
    screening: ScreeningRows


def _unit_arrays(plan: RegistryPlan):
    quality = np.array([u.quality for u in plan.units])
    improves = np.array([u.improves_from for u in plan.units])
    return quality, improves


def _share(base: float, quality, improved, engagement, *, q=0.12, lift=0.15, e=0.2):
    """A probability from the unit's quality, whether it has improved, and engagement."""
    p = base + q * quality + lift * improved + e * (engagement - 0.7)
    return np.clip(p, 0.02, 0.98)


def _repeats(rng, first: np.ndarray, every: float, jitter: float, end: float):
    """Event days from `first`, about every `every` days, before `end`; (who, day)."""
    who: list[np.ndarray] = []
    day: list[np.ndarray] = []
    at = first.astype(np.float64)
    everyone = np.arange(len(first))
    for _ in range(MAX_STEPS):
        keep = at < end
        if not keep.any():
            break
        who.append(everyone[keep])
        day.append(at[keep])
        at = at + every + rng.uniform(-jitter, jitter, len(at))
    if not who:
        return np.empty(0, dtype=np.int64), np.empty(0)
    return np.concatenate(who), np.concatenate(day)


def process_chunk(plan: RegistryPlan, patients: PatientChunk, chunk: int) -> ProcessChunk:
    """The process and experience rows of one chunk's patients (deterministic)."""
    rng = rng_for(plan.seed, 4, chunk)
    quality, improves = _unit_arrays(plan)
    start = plan.window_start_day
    end = (plan.end_date - EPOCH).days
    n = len(patients.index)
    unit = patients.unit
    first = np.maximum(patients.enrolled_day, start).astype(np.float64)

    def improved(local, day):
        return (day - start) >= improves[unit[local]]

    # Reports due monthly; the window closes three days after the due time.
    who, day = _repeats(
        rng, first + rng.uniform(1, REPORT_EVERY_DAYS, n), REPORT_EVERY_DAYS, 0, end - 4
    )
    due_at = (np.floor(day) * DAY + 9 * HOUR).astype(np.int64)
    p = _share(0.72, quality[unit[who]], improved(who, day), patients.engagement[who], e=0.4)
    completed = rng.random(len(who)) < p
    completed_at = (
        due_at
        - REPORT_OPEN_DAYS * DAY
        + rng.uniform(HOUR, (REPORT_OPEN_DAYS + REPORT_CLOSE_DAYS) * DAY - HOUR, len(who)).astype(
            np.int64
        )
    )
    due = DueRows(patients.index[who], unit[who], due_at, completed, completed_at)

    # Visits about every three months, in office hours.
    who, day = _repeats(
        rng, first + rng.uniform(5, VISIT_EVERY_DAYS, n), VISIT_EVERY_DAYS, 20, end - 1
    )
    starts_at = (np.floor(day) * DAY + rng.integers(9, 17, len(who)) * HOUR).astype(np.int64)
    done = rng.random(len(who)) < VISIT_DONE
    up = improved(who, day)
    q = quality[unit[who]]
    agenda = done & (rng.random(len(who)) < _share(0.35, q, up, patients.engagement[who], q=0.15))
    experience = done & (rng.random(len(who)) < EXPERIENCE_AFTER_VISIT)
    top = rng.random(len(who)) < _share(0.62, q, up, patients.engagement[who], lift=0.12)
    listened = np.where(top, 4, rng.choice([1, 2, 3], len(who), p=[0.1, 0.3, 0.6]))
    visits = VisitRows(
        patients.index[who], unit[who], starts_at, done, agenda, experience, listened
    )

    # Alerts: a few a year; acknowledged within hours in good units, sometimes days later.
    specialist = np.array([p.specialist for p in PROGRAMMES])[patients.programme]
    rate = np.where(specialist, ALERTS_PER_YEAR_SPECIALIST, ALERTS_PER_YEAR_OTHER)
    span = np.maximum(end - first, 0)
    count = np.minimum(rng.poisson(rate * span / DAYS_PER_YEAR), MAX_ALERTS)
    who = np.repeat(np.arange(n), count)
    day = first[who] + rng.uniform(0, 1, len(who)) * span[who]
    opened = (day * DAY).astype(np.int64)
    # Strictly increasing per patient, so one is closed before the next opens.
    opened = np.minimum(opened, end * DAY - 5 * DAY)  # handled before the history ends
    order = np.lexsort((opened, who))
    who, opened = who[order], opened[order]
    opened = opened + np.arange(len(opened)) % 7  # no two alerts of a patient share a second
    in_time = rng.random(len(who)) < _share(
        0.62, quality[unit[who]], improved(who, opened / DAY), patients.engagement[who], e=0.0
    )
    hours = np.where(in_time, rng.uniform(0.2, 23.5, len(who)), rng.uniform(24.5, 96, len(who)))
    acknowledged = opened + (hours * HOUR).astype(np.int64)
    alerts = AlertRows(patients.index[who], unit[who], opened, acknowledged)

    # Own goals: most set within two months of joining; improving units catch up later.
    set_early = rng.random(n) < _share(
        0.45, quality[unit], np.zeros(n, dtype=bool), patients.engagement, q=0.15
    )
    early_day = first + rng.uniform(3, 60, n)
    late = ~set_early & np.isfinite(improves[unit]) & (rng.random(n) < 0.55)
    late_day = np.maximum(start + np.where(np.isfinite(improves[unit]), improves[unit], 0), first)
    late_day = late_day + rng.uniform(0, 120, n)
    has = (set_early & (early_day < end - 1)) | (late & (late_day < end - 1))
    proposed_day = np.where(set_early, early_day, late_day)[has]
    goals = GoalRows(
        patients.index[has],
        (proposed_day * DAY + 11 * HOUR).astype(np.int64),
    )

    # Repeat cervical screening of women over 65, likelier in weaker units, until they
    # improve; each woman at most once a quarter.
    age_at_start = (start - patients.birth_day) / DAYS_PER_YEAR
    women = np.flatnonzero((patients.sex == 0) & (age_at_start >= SCREENING_OVER_AGE - 2))
    who, day = _repeats(rng, start + rng.uniform(0, 91, len(women)), 91.3, 0, end - 1)
    local = women[who]
    old_enough = (day - patients.birth_day[local]) / DAYS_PER_YEAR >= SCREENING_OVER_AGE
    p = 0.12 - 0.08 * quality[unit[local]] - 0.06 * improved(local, day)
    screened = old_enough & (rng.random(len(local)) < np.clip(p, 0.01, 0.25))
    local, day = local[screened], day[screened]
    screening = ScreeningRows(
        patients.index[local],
        unit[local],
        (np.floor(day) * DAY + rng.integers(9, 17, len(local)) * HOUR).astype(np.int64),
    )
    return ProcessChunk(due, visits, alerts, goals, screening)

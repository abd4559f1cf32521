"""Synthetic trajectories for every built-in care programme.

Each function takes the patients of one programme and returns their observations as flat
arrays. The shapes follow the clinical picture the programme monitors (treat-to-target in
RA, flares and remission in IBD, slow FEV1 decline with exacerbations in CF, ...); the
numbers are plausible, not a model of any real population.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from coproduce.seed import codes as c
from coproduce.seed.course import Cohort, Slots, activity, course, in_flare, reported, schedule
from coproduce.seed.course import winter as winter_of

OFFICE_HOURS = (8.0, 17.0)
WAKING_HOURS = (7.0, 22.0)


@dataclass(frozen=True)
class Rows:
    """Observations of a cohort: `who` indexes the cohort, `day` counts from the window
    start (the fraction is the time of day)."""

    who: np.ndarray
    code: np.ndarray
    value: np.ndarray
    day: np.ndarray
    source: np.ndarray


def rows(
    slots: Slots,
    rng: np.random.Generator,
    code: str,
    value: np.ndarray,
    source: int,
    hours: tuple[float, float] = WAKING_HOURS,
) -> Rows:
    """Rows for one code at the slots, timed within `hours` of the slot's day."""
    n = len(slots.who)
    day = np.floor(slots.day) + rng.uniform(hours[0], hours[1], n) / 24.0
    return Rows(
        who=slots.who,
        code=np.full(n, c.CODE_INDEX[code], dtype=np.int16),
        value=np.asarray(value, dtype=np.float64),
        day=day,
        source=np.full(n, source, dtype=np.int8),
    )


def _noise(rng: np.random.Generator, n: int, sd: float) -> np.ndarray:
    return rng.normal(0.0, sd, n)


def rheumatoid_arthritis(h: Cohort, rng: np.random.Generator) -> list[Rows]:
    """Treat to target: DAS28 falls from high activity towards remission over months,
    with flares; better units get more patients into remission (DAS28 < 2.6)."""
    course_ = course(
        h,
        rng,
        start=(0.85, 0.15),
        target=(0.3, 0.12),
        tau_days=120,
        flares_per_year=0.8,
        season=0.03,
    )
    out: list[Rows] = []
    visit = reported(h, schedule(h, rng, every=91), rng, completion=0.9)
    a = activity(h, course_, visit, rng)
    n = len(visit.who)
    tender = np.clip(np.round(rng.poisson(0.5 + 16 * a**1.5)), 0, 28)
    swollen = np.clip(np.round(rng.poisson(0.3 + 10 * a**1.5)), 0, 28)
    global_ = np.clip(8 + 75 * a + _noise(rng, n, 8), 0, 100)
    crp = np.clip(np.exp(np.log(2.0) + 2.8 * a + _noise(rng, n, 0.4)), 0.1, 300)
    esr = np.clip(6 + 55 * a + _noise(rng, n, 6), 1, 140)
    # DAS28 formulas (Prevoo et al., Arthritis Rheum 1995; DAS28-CRP per Wells 2009).
    das_crp = (
        0.56 * np.sqrt(tender)
        + 0.28 * np.sqrt(swollen)
        + 0.36 * np.log(crp + 1)
        + 0.014 * global_
        + 0.96
    )
    das_esr = (
        0.56 * np.sqrt(tender) + 0.28 * np.sqrt(swollen) + 0.70 * np.log(esr) + 0.014 * global_
    )
    evaluator = np.clip(global_ + _noise(rng, n, 10), 0, 100)
    cdai = tender + swollen + global_ / 10 + evaluator / 10
    out += [
        rows(visit, rng, c.TENDER_28, tender, c.CLINICIAN, OFFICE_HOURS),
        rows(visit, rng, c.SWOLLEN_28, swollen, c.CLINICIAN, OFFICE_HOURS),
        rows(visit, rng, c.CRP, crp, c.LAB, OFFICE_HOURS),
        rows(visit, rng, c.ESR, esr, c.LAB, OFFICE_HOURS),
        rows(visit, rng, c.DAS28_CRP, np.clip(das_crp, 0.5, 9.5), c.CLINICIAN, OFFICE_HOURS),
        rows(visit, rng, c.DAS28_ESR, np.clip(das_esr, 0.5, 9.5), c.CLINICIAN, OFFICE_HOURS),
        rows(visit, rng, c.CDAI, np.clip(cdai, 0, 76), c.CLINICIAN, OFFICE_HOURS),
    ]
    home = reported(h, schedule(h, rng, every=14), rng)
    a = activity(h, course_, home, rng, noise=0.12)
    global_home = np.clip(8 + 75 * a + _noise(rng, len(home.who), 10), 0, 100)
    out.append(rows(home, rng, c.PATIENT_GLOBAL, global_home, c.PATIENT))
    return out


def inflammatory_bowel_disease(h: Cohort, rng: np.random.Generator) -> list[Rows]:
    """Relapsing and remitting: remission (HBI < 5) most of the time, flares that raise
    symptoms, calprotectin and CRP together. Children report PUCAI instead of HBI."""
    course_ = course(
        h,
        rng,
        start=(0.7, 0.2),
        target=(0.15, 0.1),
        tau_days=60,
        flares_per_year=1.2,
        flare_size=(0.4, 0.9),
        flare_decay_days=40,
    )
    out: list[Rows] = []
    home = reported(h, schedule(h, rng, every=14), rng)
    a = activity(h, course_, home, rng, noise=0.1)
    child = h.age[home.who] < 18
    n = len(home.who)
    hbi = np.clip(np.round(1 + 16 * a + _noise(rng, n, 1.2)), 0, 40)
    pucai = np.clip(5 * np.round((2 + 55 * a + _noise(rng, n, 5)) / 5), 0, 85)
    adults = Slots(who=home.who[~child], day=home.day[~child])
    children = Slots(who=home.who[child], day=home.day[child])
    out.append(rows(adults, rng, c.HBI, hbi[~child], c.PATIENT))
    out.append(rows(children, rng, c.PUCAI, pucai[child], c.PATIENT))
    lab = reported(h, schedule(h, rng, every=91), rng, completion=0.85)
    a = activity(h, course_, lab, rng)
    n = len(lab.who)
    calpro = np.clip(np.exp(np.log(35) + 3.8 * a + _noise(rng, n, 0.5)), 5, 5500)
    crp = np.clip(np.exp(np.log(1.5) + 3.0 * a + _noise(rng, n, 0.5)), 0.1, 300)
    out.append(rows(lab, rng, c.CALPROTECTIN, calpro, c.LAB, OFFICE_HOURS))
    out.append(rows(lab, rng, c.CRP, crp, c.LAB, OFFICE_HOURS))
    return out


def cystic_fibrosis(h: Cohort, rng: np.random.Generator) -> list[Rows]:
    """FEV1 % predicted declines by about 1-2 points a year, drops with each pulmonary
    exacerbation (more in winter) and mostly recovers; exacerbations bring home IV days."""
    course_ = course(
        h,
        rng,
        start=(0.2, 0.05),
        target=(0.2, 0.05),
        tau_days=30,
        flares_per_year=1.5,
        flare_size=(0.5, 1.0),
        flare_decay_days=25,
        quality_effect=0.05,
    )
    baseline = np.clip(rng.normal(80, 15, len(h)) + 6 * h.quality, 25, 120)
    decline = rng.normal(1.5, 0.6, len(h)) * (1 - 0.3 * h.quality)  # points per year
    height_m = np.where(h.age < 18, 1.0 + 0.04 * h.age, rng.normal(1.70, 0.09, len(h)))
    out: list[Rows] = []
    visit = reported(h, schedule(h, rng, every=30), rng, completion=0.8)
    a = activity(h, course_, visit, rng, noise=0.04)
    who = visit.who
    n = len(who)
    percent = baseline[who] - decline[who] * visit.day / 365.25 - 18 * (a - 0.2)
    percent = np.clip(percent + _noise(rng, n, 3), 15, 130)
    # FEV1 in litres for the % predicted: predicted ~ 0.9 L per metre of height cubed.
    fev1 = np.clip(percent / 100 * 0.9 * height_m[who] ** 3 * 1.0, 0.2, 6.5)
    out.append(rows(visit, rng, c.FEV1_PERCENT, percent, c.CLINICIAN, OFFICE_HOURS))
    out.append(rows(visit, rng, c.FEV1, fev1, c.CLINICIAN, OFFICE_HOURS))
    spo2 = np.clip(np.round(97 - 6 * a + _noise(rng, n, 1)), 82, 100)
    out.append(rows(visit, rng, c.SPO2, spo2, c.CLINICIAN, OFFICE_HOURS))
    monthly = reported(h, schedule(h, rng, every=30, jitter=0.05), rng, completion=0.95)
    started = in_flare(course_, monthly, window_days=30)
    iv_days = np.minimum(started * np.round(rng.uniform(10, 15, len(monthly.who))), 30)
    out.append(rows(monthly, rng, c.HOME_IV_DAYS, iv_days, c.PATIENT))
    return out


def kidney_dialysis(h: Cohort, rng: np.random.Generator) -> list[Rows]:
    """Self-dialysis sessions three times a week: weight before and after, ultrafiltration,
    duration and blood pressure. Fluid gained between sessions is higher in summer and for
    less adherent patients (weaker units)."""
    n_patients = len(h)
    dry_weight = np.clip(rng.normal(76, 16, n_patients), 40, 160)
    adherence = np.clip(rng.normal(0.0, 0.3, n_patients) + 0.2 * h.quality, -1, 1)
    session = reported(h, schedule(h, rng, every=7 / 3, jitter=0.1), rng, completion=0.85)
    who, n = session.who, len(session.who)
    w = winter_of(h, session.day)
    gain = np.clip(rng.normal(2.2, 0.6, n) - 0.8 * adherence[who] - 0.3 * w, 0.2, 5.5)
    drift = 0.002 * session.day * rng.normal(0, 1, n_patients)[who]  # slow dry-weight drift
    before = dry_weight[who] + drift + gain
    ultrafiltration = np.clip(gain * 1000 + rng.normal(0, 150, n), 0, 6000)
    after = before - ultrafiltration / 1000 + np.abs(rng.normal(0, 0.2, n))
    duration = np.clip(np.round(rng.normal(240, 15, n) / 5) * 5, 150, 330)
    systolic = np.clip(128 + 9 * gain - 10 * adherence[who] + 4 * w + rng.normal(0, 11, n), 80, 230)
    diastolic = np.clip(0.5 * systolic + 12 + rng.normal(0, 7, n), 40, 130)
    return [
        rows(session, rng, c.DIALYSIS_WEIGHT_BEFORE, before, c.PATIENT),
        rows(session, rng, c.DIALYSIS_WEIGHT_AFTER, after, c.PATIENT),
        rows(session, rng, c.ULTRAFILTRATION, ultrafiltration, c.PATIENT),
        rows(session, rng, c.DIALYSIS_DURATION, duration, c.PATIENT),
        rows(session, rng, c.SYSTOLIC, systolic, c.DEVICE),
        rows(session, rng, c.DIASTOLIC, diastolic, c.DEVICE),
    ]


CYCLE_DAYS = 21.0  # a common chemotherapy cycle length


def cancer_symptom_monitoring(h: Cohort, rng: np.random.Generator) -> list[Rows]:
    """Weekly PRO-CTCAE symptom reports during treatment: the composite grade rises in the
    first days of each cycle and settles before the next; six months of treatment."""
    n_patients = len(h)
    treatment_days = rng.uniform(120, 200, n_patients)
    toxicity = np.clip(rng.normal(0.9, 0.4, n_patients) - 0.2 * h.quality, 0, 2)
    weekly = reported(h, schedule(h, rng, every=7), rng)
    since = weekly.day - h.first_day[weekly.who] + h.days_enrolled_before[weekly.who]
    on_treatment = since < treatment_days[weekly.who]
    weekly = Slots(who=weekly.who[on_treatment], day=weekly.day[on_treatment])
    since = since[on_treatment]
    who, n = weekly.who, len(weekly.who)
    phase = np.mod(since, CYCLE_DAYS)
    peak = np.exp(-((phase - 6.0) ** 2) / 18.0)  # worst about a week into the cycle
    cumulative = np.minimum(since / 120.0, 1.0) * 0.5
    grade = np.clip(np.round(toxicity[who] * (0.3 + peak + cumulative) + _noise(rng, n, 0.4)), 0, 3)
    pain = np.clip(np.round(1 + 2 * grade + _noise(rng, n, 1.2)), 0, 10)
    temperature = np.round(36.7 + 0.5 * (grade >= 3) * rng.random(n) + _noise(rng, n, 0.3), 1)
    return [
        rows(weekly, rng, c.PRO_CTCAE, grade, c.PATIENT),
        rows(weekly, rng, c.PAIN, pain, c.PATIENT),
        rows(weekly, rng, c.TEMPERATURE, np.clip(temperature, 35.0, 40.5), c.PATIENT),
    ]


def depression_anxiety(h: Cohort, rng: np.random.Generator) -> list[Rows]:
    """PHQ-9 and GAD-7 fortnightly: moderate to severe at the start, improving over about
    three months of treatment, with relapses and a little winter worsening."""
    course_ = course(
        h,
        rng,
        start=(0.62, 0.15),
        target=(0.25, 0.1),
        tau_days=70,
        flares_per_year=0.6,
        flare_size=(0.2, 0.5),
        flare_decay_days=45,
        season=0.04,
    )
    home = reported(h, schedule(h, rng, every=14), rng)
    a = activity(h, course_, home, rng, noise=0.06)
    n = len(home.who)
    phq9 = np.clip(np.round(27 * a + _noise(rng, n, 1.5)), 0, 27)
    gad7 = np.clip(np.round(21 * (0.85 * a + 0.05) + _noise(rng, n, 1.5)), 0, 21)
    return [rows(home, rng, c.PHQ9, phq9, c.PATIENT), rows(home, rng, c.GAD7, gad7, c.PATIENT)]


def diabetes(h: Cohort, rng: np.random.Generator) -> list[Rows]:
    """HbA1c quarterly falling from above target towards 53 mmol/mol (better units get
    closer), home glucose, monthly blood pressure and weight."""
    course_ = course(
        h,
        rng,
        start=(0.55, 0.15),
        target=(0.25, 0.1),
        tau_days=200,
        flares_per_year=0.3,
        flare_size=(0.1, 0.3),
        flare_decay_days=90,
        season=0.03,
    )
    out: list[Rows] = []
    lab = reported(h, schedule(h, rng, every=91), rng, completion=0.85)
    a = activity(h, course_, lab, rng, noise=0.03)
    hba1c = np.clip(38 + 60 * a + _noise(rng, len(lab.who), 2), 25, 160)
    out.append(rows(lab, rng, c.HBA1C_IFCC, hba1c, c.LAB, OFFICE_HOURS))
    glucose = reported(h, schedule(h, rng, every=3), rng)
    a = activity(h, course_, glucose, rng, noise=0.05)
    value = np.clip(4.5 + 14 * a + rng.gamma(2.0, 0.6, len(glucose.who)), 2.2, 33)
    out.append(rows(glucose, rng, c.GLUCOSE, value, c.DEVICE))
    out += _monthly_bp_and_weight(h, rng, base=136, spread=12)
    return out


def _monthly_bp_and_weight(
    h: Cohort, rng: np.random.Generator, *, base: float, spread: float
) -> list[Rows]:
    monthly = reported(h, schedule(h, rng, every=30), rng)
    who, n = monthly.who, len(monthly.who)
    usual = rng.normal(base, spread, len(h)) - 3 * h.quality
    systolic = np.clip(usual[who] + 5 * winter_of(h, monthly.day) + _noise(rng, n, 8), 85, 220)
    diastolic = np.clip(0.55 * systolic + 6 + _noise(rng, n, 6), 45, 130)
    weight = np.clip(rng.normal(84, 17, len(h))[who] + _noise(rng, n, 0.8), 35, 220)
    return [
        rows(monthly, rng, c.SYSTOLIC, systolic, c.DEVICE),
        rows(monthly, rng, c.DIASTOLIC, diastolic, c.DEVICE),
        rows(monthly, rng, c.WEIGHT, weight, c.PATIENT),
    ]


def hypertension(h: Cohort, rng: np.random.Generator) -> list[Rows]:
    """Weekly home blood pressure: falls from the diagnostic level towards 135/85 with
    treatment, about 5-6 mmHg higher in winter than in summer; monthly weight."""
    n_patients = len(h)
    start = rng.normal(156, 12, n_patients)
    target = rng.normal(134, 7, n_patients) - 4 * h.quality
    tau = 90 * rng.lognormal(0, 0.3, n_patients) / (1 + 0.4 * h.quality)
    home = reported(h, schedule(h, rng, every=7), rng)
    who, n = home.who, len(home.who)
    since = home.day - h.first_day[who] + h.days_enrolled_before[who]
    after = np.clip((home.day - h.improves_from[who]) / 60.0, 0, 1)
    level = target[who] + (start[who] - target[who]) * np.exp(-since / tau[who]) - 4 * after
    systolic = np.clip(level + 5.5 * winter_of(h, home.day) + _noise(rng, n, 7), 85, 230)
    diastolic = np.clip(0.52 * systolic + 12 + _noise(rng, n, 5), 45, 135)
    pulse = np.clip(np.round(72 + _noise(rng, n, 9)), 40, 140)
    monthly = reported(h, schedule(h, rng, every=30), rng)
    weight = np.clip(
        rng.normal(86, 17, n_patients)[monthly.who] + _noise(rng, len(monthly.who), 0.8), 35, 220
    )
    return [
        rows(home, rng, c.SYSTOLIC, systolic, c.DEVICE),
        rows(home, rng, c.DIASTOLIC, diastolic, c.DEVICE),
        rows(home, rng, c.HEART_RATE, pulse, c.DEVICE),
        rows(monthly, rng, c.WEIGHT, weight, c.PATIENT),
    ]


def primary_care_evisits(h: Cohort, rng: np.random.Generator) -> list[Rows]:
    """A few e-visits a year for minor illness: temperature (fevers mostly in winter) and
    a pain score (back pain, sore throat)."""
    visits = reported(h, schedule(h, rng, every=150, jitter=0.5), rng, completion=0.9)
    n = len(visits.who)
    fever = rng.random(n) < 0.25 + 0.15 * winter_of(h, visits.day)
    temperature = np.clip(
        np.round(36.8 + fever * rng.uniform(0.8, 2.4, n) + _noise(rng, n, 0.25), 1), 35.0, 41.5
    )
    pain = np.clip(np.round(rng.normal(4.5, 2.0, n)), 0, 10)
    return [
        rows(visits, rng, c.TEMPERATURE, temperature, c.PATIENT),
        rows(visits, rng, c.PAIN, pain, c.PATIENT),
    ]


Trajectory = Callable[[Cohort, np.random.Generator], list[Rows]]

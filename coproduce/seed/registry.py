"""The synthetic registry: who the patients are and what was observed, chunk by chunk.

Nothing here touches the database. A registry is a `RegistryPlan` (size, seed, calendar,
units); patients are generated in fixed chunks of PATIENTS_PER_CHUNK, each from its own
random stream seeded by (seed, chunk number), so the same plan always gives the same rows,
whatever order or process the chunks are generated in.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from coproduce.seed import trajectories as t
from coproduce.seed.codes import (
    ALL_CODES,
    ATC_CLASSES,
    CERVICAL_SCREENING,
    CLINICIAN,
    CODED_CODES,
    CODED_VALUES,
    GLUCOSE_LOWERING_MEDICATION,
    LAB,
    SCREENING_RESULTS,
)
from coproduce.seed.course import DAYS_PER_YEAR, Cohort

PATIENTS_PER_CHUNK = 10_000
EPOCH = dt.date(1970, 1, 1)


@dataclass(frozen=True)
class ProgrammeSpec:
    code: str  # the programme file's `code`
    trajectory: t.Trajectory
    weight: float  # share of registry patients
    age: tuple[float, float, float, float]  # mean, sd, min, max (years)
    female: float
    specialist: bool  # seen in hospital units only


PROGRAMMES: tuple[ProgrammeSpec, ...] = (
    ProgrammeSpec(
        "rheumatoid-arthritis", t.rheumatoid_arthritis, 0.09, (58, 13, 19, 90), 0.7, True
    ),
    ProgrammeSpec(
        "inflammatory-bowel-disease",
        t.inflammatory_bowel_disease,
        0.08,
        (36, 17, 6, 85),
        0.52,
        True,
    ),
    ProgrammeSpec("cystic-fibrosis", t.cystic_fibrosis, 0.04, (19, 11, 3, 55), 0.48, True),
    ProgrammeSpec("kidney-dialysis", t.kidney_dialysis, 0.025, (63, 13, 20, 90), 0.4, True),
    ProgrammeSpec(
        "cancer-symptom-monitoring", t.cancer_symptom_monitoring, 0.07, (62, 12, 20, 92), 0.55, True
    ),
    ProgrammeSpec("depression-anxiety", t.depression_anxiety, 0.15, (41, 15, 16, 90), 0.62, False),
    ProgrammeSpec("diabetes", t.diabetes, 0.18, (60, 14, 18, 95), 0.45, False),
    ProgrammeSpec("hypertension", t.hypertension, 0.205, (64, 12, 25, 95), 0.5, False),
    ProgrammeSpec(
        "primary-care-evisits", t.primary_care_evisits, 0.05, (38, 20, 1, 95), 0.55, False
    ),
)
PROGRAMME_CODES = tuple(p.code for p in PROGRAMMES)


@dataclass(frozen=True)
class UnitPlan:
    region: int
    code: str
    name: str
    hospital: bool  # hospitals run every programme; practices only the primary-care ones
    quality: float  # -1 (worst) .. 1 (best)
    improves_from: float  # window day the unit's improvement starts (inf: never)
    deprivation_mean: float  # the area the unit serves: 1 = most deprived


@dataclass(frozen=True)
class RegistryPlan:
    patients: int
    seed: int
    end_date: dt.date  # observations end before this day starts (UTC)
    years: float
    regions: tuple[str, ...]
    units: tuple[UnitPlan, ...]
    local_id_prefix: str = "P"

    @property
    def window_days(self) -> int:
        return round(self.years * DAYS_PER_YEAR)

    @property
    def window_start_day(self) -> int:
        return (self.end_date - EPOCH).days - self.window_days

    @property
    def chunks(self) -> int:
        return -(-self.patients // PATIENTS_PER_CHUNK)

    def local_id(self, index: int) -> str:
        return f"{self.local_id_prefix}{index:08d}"


def rng_for(seed: int, *stream: int) -> np.random.Generator:
    """An independent, reproducible random stream for (seed, *stream)."""
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence([seed, *stream])))


def registry_plan(
    *, patients: int, seed: int, end_date: dt.date, years: float = 2.0, units: int | None = None
) -> RegistryPlan:
    """A registry network sized for `patients`: about one unit per 5,000 patients (3 to
    200), 20 units per region (at least 2 regions); every third unit a general practice."""
    if patients < 1:
        raise ValueError("A registry needs at least one patient.")
    n_units = units or max(3, min(200, patients // 5000))
    n_regions = max(2, -(-n_units // 20))
    rng = rng_for(seed, 0)
    window_days = round(years * DAYS_PER_YEAR)
    plans = []
    for i in range(n_units):
        improves = rng.random() < 0.35
        plans.append(
            UnitPlan(
                region=i % n_regions,
                code=f"unit-{i + 1:03d}",
                name=f"Unit {i + 1:03d}",
                hospital=i % 3 != 2,
                quality=float(rng.uniform(-1, 1)),
                improves_from=float(rng.uniform(0.4, 0.7) * window_days) if improves else np.inf,
                deprivation_mean=float(rng.uniform(1.8, 4.2)),
            )
        )
    regions = tuple(f"Region {r + 1}" for r in range(n_regions))
    return RegistryPlan(
        patients=patients,
        seed=seed,
        end_date=end_date,
        years=years,
        regions=regions,
        units=tuple(plans),
    )


GIVEN_FEMALE = (
    "Amira",
    "Beth",
    "Chloe",
    "Dalia",
    "Eira",
    "Fatima",
    "Grace",
    "Hana",
    "Isla",
    "Joy",
    "Kemi",
    "Lena",
    "Maya",
    "Nia",
    "Olga",
    "Priya",
    "Rosa",
    "Sian",
    "Tara",
    "Una",
    "Vera",
    "Wen",
    "Yara",
    "Zofia",
)
GIVEN_MALE = (
    "Aaron",
    "Bilal",
    "Ciaran",
    "Dev",
    "Emeka",
    "Finn",
    "Gareth",
    "Hugo",
    "Idris",
    "Jonas",
    "Kofi",
    "Luca",
    "Marek",
    "Nabil",
    "Owen",
    "Pavel",
    "Rhys",
    "Sami",
    "Tomas",
    "Umar",
    "Viktor",
    "Wyn",
    "Yusuf",
    "Zain",
)
FAMILY = (
    "Abbott",
    "Begum",
    "Carter",
    "Davies",
    "Evans",
    "Fernandes",
    "Green",
    "Hughes",
    "Iqbal",
    "Jones",
    "Kowalski",
    "Lewis",
    "Morgan",
    "Nowak",
    "Okafor",
    "Patel",
    "Quinn",
    "Roberts",
    "Singh",
    "Thomas",
    "Ullah",
    "Vaughan",
    "Williams",
    "Xu",
    "Young",
    "Zhang",
    "Ahmed",
    "Brown",
    "Chen",
    "Dunn",
    "Ellis",
    "Fox",
    "Gill",
    "Hall",
    "Khan",
    "Lloyd",
)
SEXES = ("female", "male", "other", "unknown")
ETHNICITIES = ("White", "Asian", "Black", "Mixed", "Other", "")
ETHNICITY_SHARE = (0.74, 0.1, 0.05, 0.03, 0.02, 0.06)
LANGUAGES = ("en", "cy", "pl", "ur", "pa", "ar")
LANGUAGE_SHARE = (0.9, 0.03, 0.02, 0.02, 0.015, 0.015)


@dataclass(frozen=True)
class PatientChunk:
    """Patients `index` of one chunk and everything the generator knows about them."""

    index: np.ndarray
    unit: np.ndarray
    programme: np.ndarray  # index into PROGRAMMES
    birth_day: np.ndarray  # days since 1970-01-01
    sex: np.ndarray  # index into SEXES
    quintile: np.ndarray  # 1..5
    ethnicity: np.ndarray
    language: np.ndarray
    given: np.ndarray  # index into GIVEN_FEMALE or GIVEN_MALE by sex
    family: np.ndarray
    enrolled_day: np.ndarray  # days since 1970-01-01
    engagement: np.ndarray

    def given_name(self, i: int) -> str:
        names = GIVEN_MALE if SEXES[self.sex[i]] == "male" else GIVEN_FEMALE
        return names[self.given[i] % len(names)]


def patient_chunk(plan: RegistryPlan, chunk: int) -> PatientChunk:
    """The patients of chunk `chunk` (deterministic)."""
    rng = rng_for(plan.seed, 1, chunk)
    first = chunk * PATIENTS_PER_CHUNK
    index = np.arange(first, min(first + PATIENTS_PER_CHUNK, plan.patients), dtype=np.int64)
    n = len(index)
    weights = np.array([p.weight for p in PROGRAMMES])
    programme = rng.choice(len(PROGRAMMES), n, p=weights / weights.sum())
    specialist = np.array([p.specialist for p in PROGRAMMES])[programme]
    hospitals = np.array([i for i, u in enumerate(plan.units) if u.hospital])
    all_units = np.arange(len(plan.units))
    unit = np.where(specialist, rng.choice(hospitals, n), rng.choice(all_units, n))
    age_spec = np.array([p.age for p in PROGRAMMES])[programme]
    age = np.clip(rng.normal(age_spec[:, 0], age_spec[:, 1]), age_spec[:, 2], age_spec[:, 3])
    end_day = (plan.end_date - EPOCH).days
    birth_day = (end_day - age * DAYS_PER_YEAR).astype(np.int64)
    female = rng.random(n) < np.array([p.female for p in PROGRAMMES])[programme]
    sex = np.where(female, 0, 1)
    sex = np.where(rng.random(n) < 0.004, rng.choice([2, 3], n), sex)
    area = np.array([u.deprivation_mean for u in plan.units])[unit]
    quintile = np.clip(np.round(area + rng.normal(0, 1.1, n)), 1, 5).astype(np.int64)
    # Engagement falls with deprivation (issue 2, item 12): the gap equity charts must show.
    logit = 0.9 + 0.45 * (quintile - 3) + rng.normal(0, 0.8, n)
    engagement = 1 / (1 + np.exp(-logit))
    # Six in ten were enrolled before the window opened; the rest join during it.
    before = rng.random(n) < 0.6
    window_start = plan.window_start_day
    enrolled_day = np.where(
        before,
        window_start - rng.uniform(30, 5 * DAYS_PER_YEAR, n),
        window_start + rng.uniform(0, max(plan.window_days - 14, 1), n),
    ).astype(np.int64)
    enrolled_day = np.maximum(enrolled_day, birth_day + 1)
    return PatientChunk(
        index=index,
        unit=unit.astype(np.int64),
        programme=programme,
        birth_day=birth_day,
        sex=sex,
        quintile=quintile,
        ethnicity=rng.choice(len(ETHNICITIES), n, p=ETHNICITY_SHARE),
        language=rng.choice(len(LANGUAGES), n, p=LANGUAGE_SHARE),
        given=rng.integers(0, 1 << 16, n),
        family=rng.integers(0, len(FAMILY), n),
        enrolled_day=enrolled_day,
        engagement=engagement,
    )


@dataclass(frozen=True)
class ObservationChunk:
    """Observations of one patient chunk, ordered by (patient, code, time)."""

    patient: np.ndarray  # global patient index
    unit: np.ndarray  # unit index
    code: np.ndarray  # index into codes.ALL_CODES
    value: np.ndarray
    effective_at: np.ndarray  # seconds since 1970-01-01T00:00:00Z
    recorded_at: np.ndarray
    source: np.ndarray  # index into codes.SOURCES

    def __len__(self) -> int:
        return len(self.patient)


def observation_chunk(plan: RegistryPlan, patients: PatientChunk, chunk: int) -> ObservationChunk:
    """Every observation of the chunk's patients inside the plan's window."""
    rng = rng_for(plan.seed, 2, chunk)
    parts: list[tuple[np.ndarray, t.Rows]] = []
    quality = np.array([u.quality for u in plan.units])
    improves = np.array([u.improves_from for u in plan.units])
    end_day = (plan.end_date - EPOCH).days
    for k, spec in enumerate(PROGRAMMES):
        mine = np.flatnonzero(patients.programme == k)
        if not len(mine):
            continue
        first_day = np.maximum(patients.enrolled_day[mine] - plan.window_start_day, 0)
        cohort = Cohort(
            patient=patients.index[mine],
            unit=patients.unit[mine],
            quality=quality[patients.unit[mine]],
            improves_from=improves[patients.unit[mine]],
            age=(end_day - patients.birth_day[mine]) / DAYS_PER_YEAR,
            quintile=patients.quintile[mine],
            engagement=patients.engagement[mine],
            first_day=first_day.astype(np.float64),
            days_enrolled_before=np.maximum(
                plan.window_start_day - patients.enrolled_day[mine], 0
            ).astype(np.float64),
            window_days=plan.window_days,
            window_start_day=plan.window_start_day,
        )
        for rows in spec.trajectory(cohort, rng):
            parts.append((mine, rows))
    if not parts:
        empty = np.empty(0, dtype=np.int64)
        return ObservationChunk(empty, empty, empty, np.empty(0), empty, empty, empty)
    local = np.concatenate([mine[r.who] for mine, r in parts])
    code = np.concatenate([r.code for _, r in parts]).astype(np.int64)
    value = np.concatenate([r.value for _, r in parts]) + 0.0  # no negative zeros
    day = np.concatenate([r.day for _, r in parts])
    source = np.concatenate([r.source for _, r in parts]).astype(np.int64)
    window_end = end_day * 86400
    effective = (plan.window_start_day * 86400 + np.floor(day * 86400)).astype(np.int64)
    effective = np.minimum(effective, window_end - 1)
    delay = rng.uniform(0, 600, len(day))  # a phone or device sends within minutes
    delay = np.where(source == CLINICIAN, rng.uniform(300, 4 * 3600, len(day)), delay)
    delay = np.where(source == LAB, rng.uniform(4 * 3600, 48 * 3600, len(day)), delay)
    recorded = np.minimum(effective + delay.astype(np.int64), window_end)
    order = np.lexsort((effective, code, local))
    return ObservationChunk(
        patient=patients.index[local][order],
        unit=patients.unit[local][order],
        code=code[order],
        value=value[order],
        effective_at=effective[order],
        recorded_at=recorded[order],
        source=source[order],
    )


# --- Medicines and screening (coded observations) ------------------------------------------

# Glucose-lowering medicine classes among treated people with type 2 diabetes (metformin
# first, then sulfonylureas and insulin; NHS Digital Prescribing for Diabetes 2022/23,
# rounded). Reviewed about twice a year.
ATC_SHARE = (0.15, 0.55, 0.15, 0.05, 0.05, 0.05)
ON_MEDICINE = 0.85
REVIEW_EVERY_DAYS = 182
# Cervical screening (NHS Cervical Screening Programme): every 3 years from 25 to 49,
# every 5 years from 50 to 64, then stopped. Some units keep screening after 65 (the
# overuse measure): the worse the unit, the likelier.
SCREENING_FROM_AGE, SCREENING_STOP_AGE, SCREENING_FIVE_YEARLY_AGE = 25, 65, 50
SCREENING_HISTORY_YEARS = 12
RESULT_SHARE = (0.92, 0.05, 0.03)
MAX_SCREENINGS = 8
MAX_REVIEWS = 40


@dataclass(frozen=True)
class CodedChunk:
    """Coded observations of one patient chunk: `code` indexes codes.CODED_CODES, `value`
    codes.CODED_VALUES. Screening history reaches back before the window (as a registry
    import of past screening would)."""

    patient: np.ndarray
    unit: np.ndarray
    code: np.ndarray
    value: np.ndarray
    effective_at: np.ndarray
    recorded_at: np.ndarray
    source: np.ndarray

    def __len__(self) -> int:
        return len(self.patient)


def coded_chunk(plan: RegistryPlan, patients: PatientChunk, chunk: int) -> CodedChunk:
    """Medication reviews of people with diabetes and cervical screening tests of women,
    from their own random stream (the quantity observations are unchanged by them)."""
    rng = rng_for(plan.seed, 3, chunk)
    end_day = (plan.end_date - EPOCH).days
    who: list[np.ndarray] = []
    code: list[np.ndarray] = []
    value: list[np.ndarray] = []
    day: list[np.ndarray] = []
    source: list[np.ndarray] = []

    diabetes = PROGRAMME_CODES.index("diabetes")
    mine = np.flatnonzero(
        (patients.programme == diabetes) & (rng.random(len(patients.index)) < ON_MEDICINE)
    )
    drug = rng.choice(len(ATC_CLASSES), len(mine), p=ATC_SHARE)
    first = np.maximum(patients.enrolled_day[mine], plan.window_start_day) + rng.uniform(
        0, REVIEW_EVERY_DAYS, len(mine)
    )
    for step in range(MAX_REVIEWS):
        at = first + step * REVIEW_EVERY_DAYS + rng.uniform(-20, 20, len(mine))
        keep = at < end_day
        if not keep.any():
            break
        who.append(mine[keep])
        code.append(np.full(int(keep.sum()), CODED_CODES.index(GLUCOSE_LOWERING_MEDICATION)))
        value.append(CODED_VALUES.index(ATC_CLASSES[0]) + drug[keep])
        day.append(at[keep])
        source.append(np.full(int(keep.sum()), CLINICIAN))

    women = np.flatnonzero(patients.sex == 0)
    quality = np.array([u.quality for u in plan.units])[patients.unit[women]]
    keeps_screening = rng.random(len(women)) < 0.25 - 0.15 * quality
    attends = 0.6 + 0.3 * patients.engagement[women]
    at = (
        end_day
        - SCREENING_HISTORY_YEARS * DAYS_PER_YEAR
        + rng.uniform(0, 3 * DAYS_PER_YEAR, len(women))
    )
    birth = patients.birth_day[women].astype(np.float64)
    from_day = birth + SCREENING_FROM_AGE * DAYS_PER_YEAR
    at = np.maximum(at, from_day + rng.uniform(0, DAYS_PER_YEAR, len(women)))
    for _ in range(MAX_SCREENINGS):
        age = (at - birth) / DAYS_PER_YEAR
        invited = (at < end_day) & ((age < SCREENING_STOP_AGE) | keeps_screening)
        done = invited & (rng.random(len(women)) < attends)
        result = rng.choice(len(SCREENING_RESULTS), len(women), p=RESULT_SHARE)
        who.append(women[done])
        code.append(np.full(int(done.sum()), CODED_CODES.index(CERVICAL_SCREENING)))
        value.append(CODED_VALUES.index(SCREENING_RESULTS[0]) + result[done])
        day.append(at[done])
        source.append(np.full(int(done.sum()), LAB))
        years = np.where(age < SCREENING_FIVE_YEARLY_AGE, 3.0, 5.0)
        at = at + years * DAYS_PER_YEAR + rng.uniform(-60, 60, len(women))

    local = np.concatenate(who) if who else np.empty(0, dtype=np.int64)
    days = np.concatenate(day) if day else np.empty(0)
    effective = np.floor(days * 86400 + rng.uniform(8 * 3600, 17 * 3600, len(days))).astype(
        np.int64
    )
    window_end = end_day * 86400
    effective = np.minimum(effective, window_end - 1)
    sources = np.concatenate(source).astype(np.int64) if source else np.empty(0, dtype=np.int64)
    delay = np.where(
        sources == LAB, rng.uniform(2, 14, len(days)) * 86400, rng.uniform(300, 4 * 3600, len(days))
    )
    recorded = np.minimum(effective + delay.astype(np.int64), window_end)
    codes = np.concatenate(code).astype(np.int64) if code else np.empty(0, dtype=np.int64)
    values = np.concatenate(value).astype(np.int64) if value else np.empty(0, dtype=np.int64)
    order = np.lexsort((effective, codes, local))
    return CodedChunk(
        patient=patients.index[local][order],
        unit=patients.unit[local][order],
        code=codes[order],
        value=values[order],
        effective_at=effective[order],
        recorded_at=recorded[order],
        source=sources[order],
    )


def code_count() -> int:
    return len(ALL_CODES)

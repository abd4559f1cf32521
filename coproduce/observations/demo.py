"""Demo data for home measurements (issue 4, item 4): four weeks of home blood pressure and
weight for the demo patient (an adult on home dialysis) with his self-dialysis sessions,
and, for the demo child, her parent's own observations and readings typed in on her behalf.

Everything goes through the services, as real data does. Values are deterministic (a fixed
seed), so every demo looks the same; calling twice stores nothing new (identical readings
and session keys are recognised).
"""

from __future__ import annotations

import datetime as dt
import random
from zoneinfo import ZoneInfo

from coproduce.accounts.models import User
from coproduce.core.clock import now
from coproduce.observations.dialysis import DialysisEntry, dialysis_session_record
from coproduce.observations.measurements import Entered, measurement_record
from coproduce.patients.models import Patient
from coproduce.patients.selectors import patient_for_user

DEMO_SEED = 4
DEMO_WEEKS = 4
DRY_WEIGHT_KG = 78.0
SESSION_WEEKDAYS = (0, 2, 4)  # Monday, Wednesday, Friday


def demo_measurements_create(
    *, patient: Patient, carer: User, child: Patient, end_date: dt.date
) -> int:
    """Create the demo's home measurements; returns how many readings and sessions were
    recorded (a second call finds each already there and stores nothing). `patient` needs
    a login; `carer` needs a grant for `child` with both report scopes (the demo's has)."""
    rng = random.Random(DEMO_SEED)
    count = _patient_readings(patient, end_date, rng)
    count += _child_readings(child, carer, end_date, rng)
    return count


def _moment(patient: Patient, day: dt.date, hour: int, minute: int) -> dt.datetime | None:
    """A local time on `day` in the patient's zone, or None if it has not happened yet."""
    zone = ZoneInfo(patient.home_unit.time_zone)
    moment = dt.datetime.combine(day, dt.time(hour, minute), tzinfo=zone)
    return moment if moment <= now() else None


def _days(end_date: dt.date) -> list[dt.date]:
    return [end_date - dt.timedelta(days=n) for n in range(DEMO_WEEKS * 7 - 1, -1, -1)]


def _patient_readings(patient: Patient, end_date: dt.date, rng: random.Random) -> int:
    access = patient_for_user(patient.user, patient.pk, purpose="demo")
    count = 0
    gain = 0.0  # fluid gained since the last session, kg
    for day in _days(end_date):
        dialysis_day = day.weekday() in SESSION_WEEKDAYS
        gain += rng.uniform(0.7, 1.1) if day.weekday() != 0 else rng.uniform(1.0, 1.4)
        morning = _moment(patient, day, 7, rng.randint(0, 40))
        if morning is not None and not dialysis_day:
            measurement_record(
                access=access,
                kind="weight",
                values={"weight": Entered(round(DRY_WEIGHT_KG + gain, 1), "kg")},
                effective_at=morning,
            )
            count += 1
        start = _moment(patient, day, 8, 0)
        if dialysis_day and start is not None and start + dt.timedelta(hours=4) <= now():
            before = round(DRY_WEIGHT_KG + gain, 1)
            after = round(DRY_WEIGHT_KG + rng.uniform(0.0, 0.3), 1)
            removed = round((before - after) * 1000 + rng.uniform(150, 400), -1)
            problems: tuple[str, ...] = ()
            note = ""
            if gain > 2.9:
                problems = ("cramps",)
                note = "Cramp in my calves in the last half hour. Lowered the fluid removal."
            elif day == end_date - dt.timedelta(days=9):
                problems = ("needle-or-access",)
                note = "Second needle needed two tries. No bruising afterwards."
            dialysis_session_record(
                access=access,
                entry=DialysisEntry(
                    started_at=start,
                    duration_minutes=240 if not problems else 225,
                    weight_before=Entered(before, "kg"),
                    weight_after=Entered(after, "kg"),
                    ultrafiltration=Entered(removed, "mL"),
                    systolic_before=round(138 + 5 * gain + rng.gauss(0, 4)),
                    diastolic_before=round(80 + 2 * gain + rng.gauss(0, 3)),
                    systolic_after=round(124 + rng.gauss(0, 4)),
                    diastolic_after=round(74 + rng.gauss(0, 3)),
                    problems=problems,
                    problem_note=note,
                ),
                submission_key=f"demo-dialysis-{patient.pk}-{day.isoformat()}",
            )
            count += 1
            gain = after - DRY_WEIGHT_KG
        for when in (morning, _moment(patient, day, 19, rng.randint(0, 50))):
            if when is None or (dialysis_day and when.hour < 12):
                continue
            # Fluid on board raises blood pressure.
            systolic = round(128 + 6 * gain + rng.gauss(0, 5))
            diastolic = round(76 + 3 * gain + rng.gauss(0, 3))
            measurement_record(
                access=access,
                kind="blood-pressure",
                values={
                    "systolic": Entered(systolic, "mm[Hg]"),
                    "diastolic": Entered(diastolic, "mm[Hg]"),
                    "pulse": Entered(round(rng.gauss(72, 5)), "/min"),
                },
                effective_at=when,
            )
            count += 1
    return count


def _child_readings(child: Patient, carer: User, end_date: dt.date, rng: random.Random) -> int:
    """A parent's own observations of a child with cystic fibrosis (temperature through a
    cold, weight in lb), kept apart from the readings typed in for her (FEV1 at home)."""
    access = patient_for_user(carer, child.pk, purpose="demo")
    count = 0
    cold = {end_date - dt.timedelta(days=n): t for n, t in ((12, 37.4), (11, 38.3), (10, 38.6),
                                                             (9, 37.9), (8, 37.2))}  # fmt: skip
    for day in _days(end_date):
        evening = _moment(child, day, 18, rng.randint(0, 30))
        if evening is None:
            continue
        if day in cold:
            measurement_record(
                access=access,
                kind="temperature",
                values={"temperature": Entered(cold[day], "Cel")},
                effective_at=evening,
                stream="carer",
            )
            count += 1
        if day.weekday() == 5:  # Saturdays: weight (the parent's scales) and home FEV1
            pounds = round(56.0 + 0.15 * (day - end_date).days / 7 + rng.gauss(0, 0.3), 1)
            measurement_record(
                access=access,
                kind="weight",
                values={"weight": Entered(pounds, "[lb_av]")},
                effective_at=evening,
                stream="carer",
            )
            dip = 0.12 if day in cold else 0.0
            measurement_record(
                access=access,
                kind="fev1",
                values={"fev1": Entered(round(1.38 - dip + rng.gauss(0, 0.03), 2), "L")},
                effective_at=evening + dt.timedelta(minutes=5),
                stream="patient",
            )
            count += 2
    return count

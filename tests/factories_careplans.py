"""A patient's long reporting history for dashboard tests and bench/dashboard.

Years of weekly reports are written with `bulk_create`, like the registry import path (ADR
0006: bulk loads write rows directly and record one audit event), because thousands of rows
through the service one at a time would make the test and the benchmark slow to set up.
Values stay inside the catalogue's plausible ranges.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import uuid
from dataclasses import dataclass

from coproduce.accounts.models import User
from coproduce.careplans.services import CompromiseInput, GoalInput, compromise_record, goal_create
from coproduce.core.audit import AuditAction, audit_record
from coproduce.core.clock import now
from coproduce.observations.models import Observation, ObservationSource
from coproduce.patients.models import Patient
from coproduce.patients.selectors import patient_for_user
from coproduce.questionnaires.models import (
    QuestionnaireDefinition,
    QuestionnaireResponse,
    ReporterKind,
    ResponseStatus,
)

PHQ9_TOTAL = "loinc:44261-6"
PHQ9_DIFFICULTY = "coproduce:phq-9-difficulty"
GAD7_TOTAL = "loinc:70274-6"
GAD7_DIFFICULTY = "coproduce:gad-7-difficulty"
SYSTOLIC = "loinc:8480-6"
DIASTOLIC = "loinc:8462-4"
HEART_RATE = "loinc:8867-4"
WEIGHT = "loinc:29463-7"


@dataclass(frozen=True)
class History:
    responses: int
    observations: int
    first_at: dt.datetime
    last_at: dt.datetime


def clamp(value: float, low: float, high: float) -> float:
    return max(low, min(high, value))


def weekly_history(
    *,
    patient: Patient,
    author: User,
    carer: User | None = None,
    weeks: int = 522,
    definitions: dict[str, QuestionnaireDefinition] | None = None,
    seed: int = 4,
    end: dt.datetime | None = None,
) -> History:
    """`weeks` of weekly reports ending a day before `end`: a PHQ-9 and a GAD-7 response
    (total and difficulty scores), home blood pressure and heart rate twice a week, weight,
    and (with `carer`) the carer's own weekly view of the PHQ-9 total as a separate stream.
    With 522 weeks: 1,044 responses and 6,264 observations (with a carer)."""
    rng = random.Random(seed)
    end = end or now()
    start = end - dt.timedelta(weeks=weeks, days=1)
    unit_id = patient.home_unit_id
    observations: list[Observation] = []
    responses: list[QuestionnaireResponse] = []

    def add(code: str, at: dt.datetime, value: float, unit: str, source: str, user) -> None:
        observations.append(
            Observation(
                patient_id=patient.pk,
                unit_id=unit_id,
                code=code,
                value_quantity=value,
                value_unit=unit,
                effective_at=at,
                recorded_at=at,
                source=source,
                reporter=user,
            )
        )

    for week in range(weeks):
        at = start + dt.timedelta(weeks=week, hours=rng.randint(8, 20))
        trend = 1 - week / max(weeks, 1)  # slowly getting better
        wave = math.sin(week / 9)
        phq9 = round(clamp(5 + 12 * trend + 3 * wave + rng.gauss(0, 2), 0, 27))
        gad7 = round(clamp(4 + 9 * trend + 2 * wave + rng.gauss(0, 2), 0, 21))
        for code, total, difficulty_code, score in (
            ("phq-9", phq9, PHQ9_DIFFICULTY, PHQ9_TOTAL),
            ("gad-7", gad7, GAD7_DIFFICULTY, GAD7_TOTAL),
        ):
            difficulty = float(min(3, total // 7))
            add(score, at, float(total), "{score}", ObservationSource.PATIENT, author)
            add(difficulty_code, at, difficulty, "{score}", ObservationSource.PATIENT, author)
            if definitions and code in definitions:
                responses.append(
                    QuestionnaireResponse(
                        patient_id=patient.pk,
                        definition=definitions[code],
                        status=ResponseStatus.COMPLETED,
                        reporter=ReporterKind.PATIENT,
                        author=author,
                        author_role=author.role,
                        answers={},
                        score={"instrument": code, "total": total},
                        authored_at=at,
                        submitted_at=at,
                        idempotency_key=uuid.uuid4().hex,
                    )
                )
        for day in (0, 3):
            taken = at + dt.timedelta(days=day)
            systolic = round(clamp(128 + 14 * trend + rng.gauss(0, 7), 90, 200))
            add(SYSTOLIC, taken, systolic, "mm[Hg]", ObservationSource.DEVICE, author)
            diastolic = round(clamp(80 + 8 * trend + rng.gauss(0, 5), 50, 120))
            add(DIASTOLIC, taken, diastolic, "mm[Hg]", ObservationSource.DEVICE, author)
            heart_rate = round(clamp(72 + rng.gauss(0, 6), 45, 130))
            add(HEART_RATE, taken, heart_rate, "/min", ObservationSource.DEVICE, author)
        weight = round(clamp(84 - 6 * (1 - trend) + rng.gauss(0, 0.6), 50, 150), 1)
        add(WEIGHT, at, weight, "kg", ObservationSource.PATIENT, author)
        if carer is not None:
            carer_view = round(clamp(phq9 + rng.gauss(1, 2), 0, 27))
            add(PHQ9_TOTAL, at, float(carer_view), "{score}", ObservationSource.CARER, carer)
    Observation.objects.bulk_create(observations, batch_size=2000)
    QuestionnaireResponse.objects.bulk_create(responses, batch_size=1000)
    audit_record(
        actor=None,
        action=AuditAction.CREATE,
        entity_type="Observation",
        patient_id=patient.pk,
        purpose="bulk-import",
        detail={"count": len(observations), "responses": len(responses)},
    )
    return History(
        responses=len(responses),
        observations=len(observations),
        first_at=min(o.effective_at for o in observations),
        last_at=max(o.effective_at for o in observations),
    )


# --- Care plan: clinical targets and agreed compromises (issue 6) ---------------------------


def clinical_target_create(*, clinician, patient, high: float = 130.0, code: str = SYSTOLIC):
    """A clinical target (at most `high`) a clinician proposes for `patient`."""
    return goal_create(
        access=patient_for_user(clinician, patient.pk),
        goal_input=GoalInput(
            description="Systolic blood pressure at or below the target",
            measure_code=code,
            direction="at_most",
            target_high=high,
            kind="clinical",
        ),
    )


def compromise_create(*, clinician, patient, own_goal_author=None, wording="Aim a bit higher"):
    """An own goal (written by `own_goal_author`, or the clinician on the patient's behalf),
    a clinical target and the compromise agreed between them, all through the services."""
    author = own_goal_author or clinician
    own = goal_create(
        access=patient_for_user(author, patient.pk),
        goal_input=GoalInput(description="Feel less dizzy when I stand up", kind="own"),
    )
    target = clinical_target_create(clinician=clinician, patient=patient)
    return compromise_record(
        access=patient_for_user(clinician, patient.pk),
        own_goal=own,
        clinical_target=target,
        entry=CompromiseInput(wording=wording, agreed_high=140, agreed_by_patient=True),
    )


def compromise_kwargs(world) -> dict:
    """Matrix: a compromise in the cast's patient's care plan."""
    cast = world.cast
    made = compromise_create(clinician=cast.clinician, patient=cast.patient)
    return {"patient_id": cast.patient.pk, "compromise_id": made.pk}


def other_compromise_kwargs(world) -> dict:
    """Matrix swap: another unit's patient's compromise, under its own patient id."""
    cast = world.cast
    made = compromise_create(clinician=cast.other_clinician, patient=cast.other_patient)
    return {"patient_id": cast.other_patient.pk, "compromise_id": made.pk}


def swapped_compromise_kwargs(world) -> dict:
    """Matrix swap: the cast's patient's id with another patient's compromise id."""
    return {**other_compromise_kwargs(world), "patient_id": world.cast.patient.pk}

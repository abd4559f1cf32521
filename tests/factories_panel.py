"""Panel test data made through the panel's services, and the authorization matrix's
arguments for saved-view routes."""

from __future__ import annotations

import datetime as dt
import itertools

from coproduce.accounts.models import User
from coproduce.alerts.models import Alert
from coproduce.core.clock import now
from coproduce.panel import services
from coproduce.panel.models import SavedView

_numbers = itertools.count(1)


def make_saved_view(owner: User, name: str = "", query: str = "status=alerts") -> SavedView:
    """A saved view of `owner` (a fresh name each call unless given)."""
    return services.saved_view_create(
        owner=owner, name=name or f"My view {next(_numbers)}", query=query
    )


def view_kwargs(world) -> dict:
    """The cast clinician's own saved view (a new one each call: deleting one in a route
    check leaves the next check its own)."""
    return {"view_id": make_saved_view(world.cast.clinician).pk}


def other_clinician_view_kwargs(world) -> dict:
    """A saved view of a clinician in another unit."""
    return {"view_id": make_saved_view(world.cast.other_clinician).pk}


def colleague_view_kwargs(world) -> dict:
    """A saved view of a colleague in the same unit (the nurse): still not theirs."""
    return {"view_id": make_saved_view(world.cast.nurse).pk}


def make_alert(patient, severity: str = "high", rule_id: str = "r1") -> Alert:
    """An open alert on `patient` (the alert engine's own factories need programme data the
    panel does not care about)."""
    at = now()
    return Alert.objects.create(
        patient=patient,
        unit=patient.home_unit,
        programme_code="hypertension",
        programme_version="1",
        rule_id=rule_id,
        rule={},
        title="Test alert",
        severity=severity,
        opened_at=at,
        respond_by=at + dt.timedelta(hours=4),
        last_triggered_at=at,
    )


# Programmes of the bench panel, and the key measure's unit and a typical value of each.
BUSY_PROGRAMMES = (
    ("hypertension", "loinc:8480-6", "mm[Hg]", 135.0, 15.0),
    ("diabetes", "loinc:59261-8", "mmol/mol", 53.0, 10.0),
    ("depression-anxiety", "loinc:44261-6", "{score}", 5.0, 5.0),
)


def seed_busy_panel(cast, patients: int = 2000, *, values_each: int = 10) -> dict:
    """`patients` patients at the cast clinician's unit, bulk-written (a bench needs
    thousands): each in one of three programmes (every fifth in a second), a fifth with
    clinician goals, about a third with open alerts, two reports each (one overdue for
    every fourth), a visit held for most and one booked for two thirds, `values_each`
    key-measure values, and care-plan tasks: a task repeated on weekdays for every patient
    (begun 30 days ago, most days of the last fortnight ticked off; every third patient
    missed some) and an overdue one-off task for every seventh. Returns the counts written."""
    import random

    from coproduce.alerts.models import Severity
    from coproduce.careplans import services as goal_services
    from coproduce.observations.models import Observation
    from coproduce.patients.models import Enrolment, Patient
    from coproduce.patients.selectors import patient_for_user
    from coproduce.reporting.models import DueReport
    from coproduce.visits.models import Visit, VisitStatus
    from tests import factories

    random.seed(6)
    at = now()
    unit = cast.patient.home_unit
    programmes = [factories.load_programme(code) for code, *_ in BUSY_PROGRAMMES]
    first = Patient.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    rows = Patient.objects.bulk_create(
        Patient(
            network=cast.network,
            home_unit=unit,
            local_id=f"BENCH{first + n:07d}",
            given_name=random.choice(["Ada", "Ben", "Cara", "Dev", "Eve", "Finn", "Gita"]),
            family_name=f"Panel{n:05d}",
            birth_date=dt.date(1940 + n % 60, 1 + n % 12, 1 + n % 28),
            sex="female" if n % 2 else "male",
            created_at=at,
        )
        for n in range(patients)
    )
    saved = list(Patient.objects.filter(local_id__startswith="BENCH").order_by("pk"))
    assert len(saved) == len(rows)
    enrolments, alerts, reports, visits, observations = [], [], [], [], []
    severities = [Severity.URGENT, Severity.HIGH, Severity.ROUTINE]
    for n, patient in enumerate(saved):
        mine = [n % 3] + ([(n + 1) % 3] if n % 5 == 0 else [])
        for order, index in enumerate(mine):
            enrolments.append(
                Enrolment(
                    patient=patient,
                    programme=programmes[index],
                    unit=unit,
                    started_on=at.date() - dt.timedelta(days=400 - order * 100),
                )
            )
        if n % 3 == 0:
            for k in range(1 + n % 2):
                alerts.append(
                    Alert(
                        patient=patient,
                        unit=unit,
                        programme_code=BUSY_PROGRAMMES[n % 3][0],
                        programme_version="1",
                        rule_id=f"bench-{k}",
                        rule={},
                        title="Bench alert",
                        severity=severities[(n + k) % 3],
                        opened_at=at - dt.timedelta(hours=n % 48),
                        respond_by=at + dt.timedelta(hours=4),
                        last_triggered_at=at,
                    )
                )
        if n % 10 < 8:
            held = at - dt.timedelta(days=1 + n % 120, hours=n % 9)
            visits.append(
                Visit(
                    patient=patient,
                    unit=unit,
                    starts_at=held,
                    status=VisitStatus.DONE,
                    status_changed_at=held,
                    created_at=held,
                )
            )
        if n % 3 != 2:
            visits.append(
                Visit(
                    patient=patient,
                    unit=unit,
                    starts_at=at + dt.timedelta(days=1 + n % 90, hours=n % 8),
                    created_at=at,
                )
            )
        code, ucum, target, spread = BUSY_PROGRAMMES[n % 3][1:]
        for k in range(values_each):
            observations.append(
                Observation(
                    patient=patient,
                    unit=unit,
                    code=code,
                    value_quantity=round(max(0.0, random.gauss(target, spread))),
                    value_unit=ucum,
                    effective_at=at - dt.timedelta(days=7 * k + 1),
                    recorded_at=at,
                    source="patient",
                )
            )
    Enrolment.objects.bulk_create(enrolments)
    by_patient = {e.patient_id: e for e in Enrolment.objects.filter(patient__in=saved)}
    for n, patient in enumerate(saved):
        enrolment = by_patient[patient.pk]
        for k, due_in in enumerate((-2 if n % 4 == 0 else 2, 1)):
            due = at + dt.timedelta(days=due_in, hours=k)
            reports.append(
                DueReport(
                    patient=patient,
                    enrolment=enrolment,
                    instrument_code="bench",
                    opens_at=due - dt.timedelta(days=3),
                    due_at=due,
                    closes_at=due + dt.timedelta(days=5),
                    created_at=at,
                )
            )
    Alert.objects.bulk_create(alerts)
    DueReport.objects.bulk_create(reports)
    Visit.objects.bulk_create(visits)
    Observation.objects.bulk_create(observations, batch_size=2000)
    tasks, completions = _busy_tasks(cast, saved, at)
    goals = 0
    for n, patient in enumerate(saved[: patients // 5]):
        if n % 3 == 0:  # hypertension: a personal target of 140 instead of 135
            goal_services.goal_create(
                access=patient_for_user(cast.clinician, patient.pk),
                goal_input=goal_services.GoalInput(
                    description="Blood pressure",
                    measure_code=BUSY_PROGRAMMES[0][1],
                    direction="at_most",
                    target_high=140,
                ),
            )
            goals += 1
    return {
        "patients": len(saved),
        "enrolments": len(enrolments),
        "alerts": len(alerts),
        "reports": len(reports),
        "visits": len(visits),
        "observations": len(observations),
        "goals": goals,
        "tasks": tasks,
        "task_ticks": completions,
    }


def _busy_tasks(cast, saved, at) -> tuple[int, int]:
    """The care-plan tasks of `seed_busy_panel`, bulk-written."""
    from coproduce.tasks.models import Task, TaskCompletion

    clinician = cast.clinician
    today = at.date()
    common = {"created_by": clinician, "created_at": at, "updated_at": at, "details": ""}
    tasks = []
    for n, patient in enumerate(saved):
        tasks.append(
            Task(
                patient=patient,
                title="Check your weight",
                owner_kind="patient",
                frequency="weekly",
                weekdays="01234",
                starts_on=today - dt.timedelta(days=30),
                **common,
            )
        )
        if n % 7 == 0:
            tasks.append(
                Task(
                    patient=patient,
                    title="Book a blood test",
                    owner_kind="patient",
                    frequency="once",
                    due_on=today - dt.timedelta(days=1 + n % 5),
                    **common,
                )
            )
    Task.objects.bulk_create(tasks, batch_size=2000)
    repeated = Task.objects.filter(patient__in=saved, frequency="weekly").values_list(
        "pk", "patient_id"
    )
    ticks = []
    for pk, patient_id in repeated:
        for days in range(1, 15):
            day = today - dt.timedelta(days=days)
            skipped = patient_id % 3 == 0 and days % 4 == 0
            if day.weekday() < 5 and not skipped:
                ticks.append(
                    TaskCompletion(
                        task_id=pk,
                        occurrence_on=day,
                        done_by_id=clinician.pk,
                        done_by_role="patient",
                        done_at=at,
                    )
                )
    TaskCompletion.objects.bulk_create(ticks, batch_size=2000)
    return len(tasks), len(ticks)

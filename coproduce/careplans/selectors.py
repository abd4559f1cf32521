"""Reads for the patient's dashboard and goals. Each takes a PatientAccess (proof of the
access check), hides confidential values from those who may not see them, and records one
audit event per read."""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Case, IntegerField, Max, Q, TextField, Value, When
from django.db.models.functions import Cast

from coproduce.access.models import CarerScope
from coproduce.access.policy import PatientAccess
from coproduce.careplans.models import (
    Goal,
    GoalCompromise,
    GoalCompromiseVersion,
    GoalKind,
    GoalStatus,
    GoalVersion,
)
from coproduce.charts import Point
from coproduce.core.audit import AuditAction, audit_record
from coproduce.core.ids import as_pk
from coproduce.observations.models import Observation, ObservationSource
from coproduce.patients.models import EnrolmentStatus
from coproduce.programmes.models import ClinicalMeasure

# Reporter streams (GLOSSARY): a carer's own observations are never mixed with the
# patient's record (what the patient reported, or a device, lab or clinician measured).
OWN_STREAM = "own"
CARER_STREAM = "carer"


def stream_of(source: str) -> str:
    return CARER_STREAM if source == ObservationSource.CARER else OWN_STREAM


# One value at one (aware) time: the chart's own point type, so no copy is made.
SeriesValue = Point


@dataclass(frozen=True)
class Series:
    """Every current numeric value of one code in one reporter stream, oldest first.

    `rows` hold the times as the driver gave them (SQLite: UTC text in ISO order;
    PostgreSQL: aware datetimes), so a page that shows one year of ten parses only that
    year: `since` finds the start by bisection and converts only the rows it returns.
    """

    code: str
    stream: str
    rows: tuple[tuple[dt.datetime | str, float], ...]

    def point(self, index: int) -> SeriesValue:
        return as_point(self.rows[index])

    @property
    def count(self) -> int:
        return len(self.rows)

    @property
    def first(self) -> SeriesValue:
        return self.point(0)

    @property
    def latest(self) -> SeriesValue:
        return self.point(-1)

    @property
    def previous(self) -> SeriesValue | None:
        return self.point(-2) if len(self.rows) >= 2 else None

    @property
    def values(self) -> tuple[SeriesValue, ...]:
        return self.since(None)

    def rows_since(self, start: dt.datetime | None) -> tuple[tuple[dt.datetime | str, float], ...]:
        """The rows from `start` on, unconverted (found by bisection)."""
        if start is None or not self.rows:
            return self.rows
        key = start if isinstance(self.rows[0][0], dt.datetime) else utc_second_text(start)
        return self.rows[bisect.bisect_left(self.rows, key, key=lambda row: row[0]) :]

    def since(self, start: dt.datetime | None) -> tuple[SeriesValue, ...]:
        return tuple(as_point(row) for row in self.rows_since(start))


def as_point(row: tuple[dt.datetime | str, float]) -> SeriesValue:
    return SeriesValue(aware_utc(row[0]), row[1])


def utc_text(at: dt.datetime) -> str:
    """A time as UTC ISO text ('YYYY-MM-DD HH:MM:SS[.ffffff]'), to compare with the texts
    `series_all` reads: they sort in time order, and this shorter text sorts before a
    longer one with the same start (PostgreSQL's '+00', SQLite's fractions)."""
    return at.astimezone(dt.UTC).replace(tzinfo=None).isoformat(sep=" ")


def utc_second_text(at: dt.datetime) -> str:
    """The bisection key for a period's start: UTC text cut to the whole second, which sorts
    before every text of that second however a database writes the fraction (PostgreSQL
    trims trailing zeros: '…:11.1234+00'; Python writes '…:11.123400', which would sort
    after it and drop the first value)."""
    return utc_text(at.replace(microsecond=0))


@dataclass(frozen=True)
class MeasureTarget:
    """A programme's clinical target for a code, with the direction that is better."""

    code: str
    low: float | None
    high: float | None
    text: str
    direction: str  # lower-is-better | higher-is-better | in-range | none


@dataclass(frozen=True)
class DashboardData:
    series: tuple[Series, ...]
    goals: tuple[Goal, ...]
    targets: dict[str, MeasureTarget]
    compromises: tuple[GoalCompromise, ...] = ()


def visible_values(access: PatientAccess):
    """Current numeric observations of the patient that this reader may see."""
    rows = Observation.objects.filter(
        patient=access.patient, is_current=True, value_quantity__isnull=False
    )
    if not access.sees_confidential:
        rows = rows.filter(is_confidential=False)
    return rows


def series_all(access: PatientAccess) -> tuple[Series, ...]:
    """Every numeric series of the patient, by code and stream, in one query. Not audited by
    itself: callers record the read.

    Ten years of weekly reports are several thousand rows, and both drivers convert times
    slowly (SQLite's per-value converter, Django's regex loader for psycopg). So the time is
    read as text (SQLite: its stored UTC text; PostgreSQL: ISO text in the connection's UTC
    zone) and kept as text until a page converts the few rows it shows (`aware_utc`, which
    uses `datetime.fromisoformat`, C code). ISO texts of one zone sort in time order.
    """
    rows = (
        visible_values(access)
        .order_by("code", "effective_at", "pk")
        .annotate(at_text=Cast("effective_at", TextField()))
        .values_list("code", "source", "at_text", "value_quantity")
    )
    grouped: dict[tuple[str, str], list[tuple]] = defaultdict(list)
    carer = ObservationSource.CARER.value
    for code, source, at, value in rows:
        stream = CARER_STREAM if source == carer else OWN_STREAM
        grouped[(code, stream)].append((at, value))
    # Within a code, the own stream's sources arrive interleaved by time already (ordered
    # by effective_at), so each list is oldest first.
    return tuple(
        Series(code=code, stream=stream, rows=tuple(group))
        for (code, stream), group in sorted(grouped.items())
    )


def aware_utc(value: dt.datetime | str) -> dt.datetime:
    """An aware datetime from the driver's value: a datetime, or SQLite's UTC text."""
    if isinstance(value, dt.datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)
    if value[-3] in "+-" or value[-6] in "+-":  # PostgreSQL: '…10:00:00+00'
        return dt.datetime.fromisoformat(value)
    # SQLite's UTC text has no offset; appending one is faster than .replace(tzinfo=…).
    return dt.datetime.fromisoformat(value + "+00:00")


def measure_targets(access: PatientAccess) -> dict[str, MeasureTarget]:
    """The clinical targets of the patient's open enrolments, by code (the first programme's
    when two programmes follow the same code). One query."""
    rows = (
        ClinicalMeasure.objects.filter(
            programme__enrolments__patient=access.patient,
            programme__enrolments__status__in=[EnrolmentStatus.ACTIVE, EnrolmentStatus.PAUSED],
        )
        .order_by("pk")
        .values_list("code", "target_low", "target_high", "target_text", "programme__definition")
    )
    targets: dict[str, MeasureTarget] = {}
    for code, low, high, text, definition in rows:
        if code in targets:
            continue
        direction = next(
            (
                m.get("direction", "none")
                for m in (definition or {}).get("measures", [])
                if m.get("code") == code
            ),
            "none",
        )
        targets[code] = MeasureTarget(code, low, high, text, direction)
    return targets


def goals_query(access: PatientAccess):
    """The patient's goals, active first, then achieved, then stopped; newest first."""
    if not access.can(CarerScope.CARE_PLAN):
        return Goal.objects.none()
    order = Case(
        When(status=GoalStatus.ACTIVE, then=Value(0)),
        When(status=GoalStatus.ACHIEVED, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return (
        Goal.objects.filter(patient=access.patient)
        .select_related("proposed_by", "status_changed_by")
        .annotate(status_order=order)
        .order_by("status_order", "-updated_at", "-pk")
    )


def dashboard_read(access: PatientAccess) -> DashboardData:
    """Everything the dashboard shows, in three queries and one audit event: every numeric
    series, the clinical targets and the goals (goals only for readers allowed to see the
    care plan)."""
    series = series_all(access)
    targets = measure_targets(access)
    goals = tuple(goals_query(access))
    compromises = tuple(compromises_query(access)) if goals else ()
    audit_record(
        actor=access.user,
        action=AuditAction.READ,
        entity_type="Observation",
        patient_id=access.patient.pk,
        purpose="dashboard",
        detail={
            "codes": sorted({s.code for s in series}),
            "count": sum(s.count for s in series),
            "goals": [g.pk for g in goals],
            "compromises": [c.pk for c in compromises],
        },
    )
    return DashboardData(series=series, goals=goals, targets=targets, compromises=compromises)


@dataclass(frozen=True)
class GoalWithLatest:
    goal: Goal
    latest: SeriesValue | None


def goals_for(access: PatientAccess, *, include_closed: bool = False) -> list[GoalWithLatest]:
    """The patient's goals (active ones only unless `include_closed`), each with the latest
    value of its measure from the patient's own stream. For the patient home's "your goals"
    list. Three queries and one audit event; empty for a carer without the care-plan scope.
    """
    goals_rows = goals_query(access)
    if not include_closed:
        goals_rows = goals_rows.filter(status=GoalStatus.ACTIVE)
    goals = list(goals_rows)
    codes = sorted({g.measure_code for g in goals if g.measure_code})
    latest: dict[str, SeriesValue] = {}
    if codes:
        own = visible_values(access).filter(code__in=codes).exclude(source=ObservationSource.CARER)
        newest = own.values("code").annotate(at=Max("effective_at")).values_list("code", "at")
        condition = Q()
        for code, at in newest:
            condition |= Q(code=code, effective_at=at)
        if condition:
            for code, at, value in (
                own.filter(condition)
                .order_by("pk")
                .values_list("code", "effective_at", "value_quantity")
            ):
                latest[code] = SeriesValue(at, value)
    audit_record(
        actor=access.user,
        action=AuditAction.READ,
        entity_type="Goal",
        patient_id=access.patient.pk,
        detail={"goals": [g.pk for g in goals], "codes": codes},
    )
    return [GoalWithLatest(g, latest.get(g.measure_code)) for g in goals]


def goal_for_access(access: PatientAccess, goal_id: object) -> Goal | None:
    """One goal of this patient, or None (never another patient's, and none for a carer
    without the care-plan scope)."""
    pk = as_pk(goal_id)
    if pk is None:
        return None
    return goals_query(access).filter(pk=pk).first()


def goal_versions(access: PatientAccess, goal: Goal) -> list[GoalVersion]:
    """Every saved version of a goal, newest first. Audited."""
    versions = list(
        GoalVersion.objects.filter(goal=goal, goal__patient=access.patient)
        .select_related("changed_by")
        .order_by("-version")
    )
    audit_record(
        actor=access.user,
        action=AuditAction.READ,
        entity_type="Goal",
        entity_id=goal.pk,
        patient_id=access.patient.pk,
        detail={"versions": len(versions)},
    )
    return versions


def measure_codes(access: PatientAccess) -> list[str]:
    """The codes a goal can be tied to: every numeric code the patient has values for, and
    every code their programmes follow."""
    codes = set(visible_values(access).values_list("code", flat=True).distinct())
    return sorted(codes | set(measure_targets(access)))


def series_one(access: PatientAccess, code: str, stream: str) -> Series | None:
    """One series (the full table of one measure). Audited."""
    rows = visible_values(access).filter(code=code)
    if stream == CARER_STREAM:
        rows = rows.filter(source=ObservationSource.CARER)
    else:
        rows = rows.exclude(source=ObservationSource.CARER)
    values = tuple(
        rows.order_by("effective_at", "pk").values_list("effective_at", "value_quantity")
    )
    audit_record(
        actor=access.user,
        action=AuditAction.READ,
        entity_type="Observation",
        patient_id=access.patient.pk,
        purpose="dashboard-table",
        detail={"code": code, "stream": stream, "count": len(values)},
    )
    return Series(code, stream, values) if values else None


def compromises_query(access: PatientAccess):
    """The patient's agreed compromises, newest first (none for a carer without the
    care-plan scope)."""
    if not access.can(CarerScope.CARE_PLAN):
        return GoalCompromise.objects.none()
    return (
        GoalCompromise.objects.filter(patient=access.patient)
        .select_related("own_goal", "clinical_target", "recorded_by")
        .order_by("-updated_at", "-pk")
    )


def compromise_for_access(access: PatientAccess, compromise_id: object) -> GoalCompromise | None:
    """One compromise of this patient, or None (never another patient's)."""
    pk = as_pk(compromise_id)
    if pk is None:
        return None
    return compromises_query(access).filter(pk=pk).first()


def compromise_versions(
    access: PatientAccess, compromise: GoalCompromise
) -> list[GoalCompromiseVersion]:
    """Every saved version of a compromise, newest first. Audited."""
    versions = list(
        GoalCompromiseVersion.objects.filter(
            compromise=compromise, compromise__patient=access.patient
        )
        .select_related("changed_by")
        .order_by("-version")
    )
    audit_record(
        actor=access.user,
        action=AuditAction.READ,
        entity_type="GoalCompromise",
        entity_id=compromise.pk,
        patient_id=access.patient.pk,
        detail={"versions": len(versions)},
    )
    return versions


def goals_by_kind(access: PatientAccess, kind: str) -> list[Goal]:
    """The patient's goals of one kind that are not stopped, for choosing in a form."""
    return list(goals_query(access).filter(kind=kind).exclude(status=GoalStatus.STOPPED))


@dataclass(frozen=True)
class CarePlanData:
    goals: tuple[GoalWithLatest, ...]
    compromises: tuple[GoalCompromise, ...]


def care_plan_read(access: PatientAccess) -> CarePlanData:
    """The goals (all, with the latest value of each one's measure) and the compromises of
    one patient's care plan; one more audit event for the compromises."""
    goals = tuple(goals_for(access, include_closed=True))
    compromises = tuple(compromises_query(access))
    audit_record(
        actor=access.user,
        action=AuditAction.READ,
        entity_type="GoalCompromise",
        patient_id=access.patient.pk,
        purpose="care-plan",
        detail={"compromises": [c.pk for c in compromises]},
    )
    return CarePlanData(goals=goals, compromises=compromises)


def clinical_target_for(goals, code: str) -> Goal | None:
    """The patient's own clinical target on a measure: the newest active goal of kind
    clinical target with a number on `code`."""
    return next(
        (
            g
            for g in goals
            if g.kind == GoalKind.CLINICAL
            and g.status == GoalStatus.ACTIVE
            and g.measure_code == code
            and g.direction
        ),
        None,
    )

"""The clinician's panel: one row per patient the clinician may see, built with a fixed
number of grouped queries (one per kind of fact, over every visible patient at once), never
one query per row. Filtering and sorting happen in Python on the built rows, so the query
count does not depend on the filter either.

The key score: a programme's key measure is the FIRST `[[measure]]` of its definition file
that has a target (`target_low` or `target_high`). A patient in several programmes is scored
on the programme of their EARLIEST ACTIVE enrolment (by start date, then by enrolment id);
paused and ended enrolments do not count. The target is the patient's own clinical target
when the care plan has one (an active goal on that measure proposed by a clinician, the most
recently updated if there are several), else the programme's target. The latest current value
of that measure is compared with it: above the upper limit is "Above target", below the lower
limit "Below target", otherwise "On target"; "No target" when no key measure applies, and
"No value yet" when the measure has no value.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.db import connection
from django.db.models import CharField, Count, Max, Min, OuterRef, Q, Subquery
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast
from django.utils.translation import gettext as _

from coproduce.access.policy import staff_unit_ids
from coproduce.accounts.models import User
from coproduce.alerts.models import Alert, AlertStatus, Severity
from coproduce.careplans.models import Goal, GoalDirection, GoalStatus, ProposedBy
from coproduce.core.audit import AuditAction, audit_record
from coproduce.core.clock import now
from coproduce.network.models import Unit
from coproduce.observations.models import Observation
from coproduce.panel.models import SavedView
from coproduce.patients.models import Enrolment, EnrolmentStatus, Patient
from coproduce.patients.selectors import patients_visible_to
from coproduce.programmes.models import ClinicalMeasure
from coproduce.reporting.models import DueReport, DueStatus
from coproduce.tasks.selectors import overdue_task_counts
from coproduce.visits.models import Visit, VisitStatus


class KeyScore(enum.IntEnum):
    """Where the latest key value stands; the number is its sort rank (worst first)."""

    ABOVE = 0
    BELOW = 1
    NO_VALUE = 2
    ON_TARGET = 3
    NO_TARGET = 4


SEVERITY_RANK = {Severity.URGENT: 0, Severity.HIGH: 1, Severity.ROUTINE: 2}
NO_SEVERITY = 9
FAR_FUTURE = dt.datetime.max.replace(tzinfo=dt.UTC)
FAR_PAST = dt.datetime.min.replace(tzinfo=dt.UTC)


@dataclass(frozen=True)
class KeyMeasure:
    code: str
    unit: str
    target_low: float | None
    target_high: float | None


@dataclass(frozen=True)
class KeyValue:
    value: float
    unit: str
    effective_at: dt.datetime
    target_low: float | None
    target_high: float | None


@dataclass(slots=True)
class PanelRow:
    """One patient's row. The `*_html` fields are escaped once here, so the template only
    prints them (2,000 rows render in a tight loop)."""

    patient_id: int
    family_name: str
    given_name: str
    home_unit_id: int
    home_zone: str
    unit_ids: frozenset[int]
    programme_ids: frozenset[int]
    key_programme_id: int | None = None
    open_alerts: int = 0
    severity: str = ""
    due_reports: int = 0
    overdue_reports: int = 0
    overdue_tasks: int = 0  # overdue one-off care-plan tasks + missed occurrences (14 days)
    last_visit: dt.datetime | None = None
    next_visit: dt.datetime | None = None
    key_score: KeyScore = KeyScore.NO_TARGET
    key_value: float | None = None
    key_reading: KeyValue | None = None
    # Filled by `coproduce.panel.presenters.present_rows`: the row's cells as HTML.
    html: str = ""
    key_html: str = ""
    severity_html: str = ""
    last_visit_text: str = ""
    next_visit_text: str = ""

    @property
    def severity_rank(self) -> int:
        return SEVERITY_RANK.get(self.severity, NO_SEVERITY)


def _sort_key_name(row: PanelRow):
    return (row.family_name.casefold(), row.given_name.casefold(), row.patient_id)


# Sort keys a request may ask for. Ascending puts the most pressing first where a column has
# a "worst" end (most severe alert, key score off target, longest since the last visit).
SORTS: dict[str, Callable[[PanelRow], Any]] = {
    "name": _sort_key_name,
    "alerts": lambda r: r.open_alerts,
    "severity": lambda r: r.severity_rank,
    "due": lambda r: r.due_reports,
    "overdue": lambda r: r.overdue_reports,
    "tasks": lambda r: r.overdue_tasks,
    "key_score": lambda r: r.key_score,
    "last_visit": lambda r: r.last_visit or FAR_PAST,
    "next_visit": lambda r: r.next_visit or FAR_FUTURE,
}
STATUS_FILTERS: dict[str, Callable[[PanelRow], bool]] = {
    "overdue": lambda r: r.overdue_reports > 0,
    "alerts": lambda r: r.open_alerts > 0,
    "tasks": lambda r: r.overdue_tasks > 0,
    "off_target": lambda r: r.key_score in (KeyScore.ABOVE, KeyScore.BELOW),
    "no_visit": lambda r: r.next_visit is None,
}


@dataclass(frozen=True)
class PanelQuery:
    """Validated filters and sort of one panel view."""

    programme: int | None = None
    unit: int | None = None
    status: str = ""
    sort: str = "name"
    descending: bool = False

    def as_params(self) -> dict[str, str]:
        """The query-string parameters that reproduce this view (defaults left out)."""
        params = {}
        if self.programme is not None:
            params["programme"] = str(self.programme)
        if self.unit is not None:
            params["unit"] = str(self.unit)
        if self.status:
            params["status"] = self.status
        if self.sort != "name":
            params["sort"] = self.sort
        if self.descending:
            params["order"] = "desc"
        return params

    def querystring(self) -> str:
        return urlencode(self.as_params())


@dataclass(frozen=True)
class Choice:
    value: int
    label: str


@dataclass(frozen=True)
class PanelChoices:
    """What the filters offer this clinician."""

    programmes: tuple[Choice, ...]
    units: tuple[Choice, ...]


def panel_choices(user: User) -> PanelChoices:
    """The programmes of the clinician's units (any open enrolment there) and the units the
    clinician works in today."""
    units = Unit.objects.filter(pk__in=staff_unit_ids(user)).order_by("name")
    programmes = (
        Enrolment.objects.filter(
            unit_id__in=staff_unit_ids(user),
            status__in=[EnrolmentStatus.ACTIVE, EnrolmentStatus.PAUSED],
        )
        .order_by("programme__title")
        .values_list("programme_id", "programme__title")
        .distinct()
    )
    return PanelChoices(
        programmes=tuple(Choice(pk, title) for pk, title in programmes),
        units=tuple(Choice(unit.pk, unit.name) for unit in units),
    )


def parse_panel_query(params, choices: PanelChoices) -> tuple[PanelQuery, list[str]]:
    """A PanelQuery from request parameters, and a plain message for each value that is not
    known (that part is then left out, never an error page)."""
    problems = []
    sort = params.get("sort") or "name"
    order = params.get("order") or "asc"
    if sort not in SORTS or order not in ("asc", "desc"):
        problems.append(_("That sort order is not known; sorted by name instead."))
        sort, order = "name", "asc"
    status = params.get("status") or ""
    if status not in ("", *STATUS_FILTERS):
        problems.append(_("That status filter is not known; showing every status."))
        status = ""

    def known(name: str, options: tuple[Choice, ...], message: str) -> int | None:
        raw = params.get(name) or ""
        if not raw:
            return None
        if raw.isdigit() and int(raw) in {c.value for c in options}:
            return int(raw)
        problems.append(message)
        return None

    programme = known(
        "programme",
        choices.programmes,
        _("That programme is not one of yours; showing every programme."),
    )
    unit = known("unit", choices.units, _("That unit is not one of yours; showing every unit."))
    return (
        PanelQuery(
            programme=programme,
            unit=unit,
            status=status,
            sort=sort,
            descending=order == "desc",
        ),
        problems,
    )


# --- Building the rows: one grouped query per kind of fact ---------------------------------


def _key_programme():
    """The programme of the patient's earliest active enrolment (the key score's rule)."""
    return Subquery(
        Enrolment.objects.filter(patient=OuterRef("pk"), status=EnrolmentStatus.ACTIVE)
        .order_by("started_on", "pk")
        .values("programme_id")[:1]
    )


def _key_code():
    """The code of the key programme's first measure with a target. The loader writes
    measures in file order (bulk_create), so the lowest id is the first [[measure]]."""
    return Subquery(
        ClinicalMeasure.objects.filter(programme_id=OuterRef("key_programme"))
        .filter(Q(target_low__isnull=False) | Q(target_high__isnull=False))
        .order_by("pk")
        .values("code")[:1]
    )


def _ids_subquery(visible):
    """The visible patients' ids as a subquery whose SQL is built once per request: the
    access rule has three subqueries, and building it again for each query cost ~4 ms."""
    sql, params = visible.values("pk").query.sql_with_params()
    return RawSQL(sql, params)  # noqa: S611 - Django's own compiled SQL, parameters apart


def _base_rows(visible, ids) -> dict[int, PanelRow]:
    patients = visible.values_list(
        "pk", "family_name", "given_name", "home_unit_id", "home_unit__time_zone"
    )
    # Ordered so that each patient's first active enrolment is the key score's (earliest
    # start, then lowest id), the same rule as `_key_programme` uses in SQL.
    open_enrolments = (
        Enrolment.objects.filter(
            patient_id__in=ids,
            status__in=[EnrolmentStatus.ACTIVE, EnrolmentStatus.PAUSED],
        )
        .order_by("patient_id", "started_on", "pk")
        .values_list("patient_id", "unit_id", "programme_id", "status")
    )
    units: dict[int, set[int]] = {}
    programmes: dict[int, set[int]] = {}
    key_programme: dict[int, int] = {}
    for patient_id, unit_id, programme_id, status in open_enrolments:
        units.setdefault(patient_id, set()).add(unit_id)
        programmes.setdefault(patient_id, set()).add(programme_id)
        if status == EnrolmentStatus.ACTIVE:
            key_programme.setdefault(patient_id, programme_id)
    return {
        pk: PanelRow(
            patient_id=pk,
            family_name=family,
            given_name=given,
            home_unit_id=home,
            home_zone=zone,
            unit_ids=frozenset({home, *units.get(pk, ())}),
            programme_ids=frozenset(programmes.get(pk, ())),
            key_programme_id=key_programme.get(pk),
        )
        for pk, family, given, home, zone in patients
    }


def _add_alerts(rows: dict[int, PanelRow], ids) -> None:
    grouped = (
        Alert.objects.filter(
            patient_id__in=ids,
            status__in=[AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED],
        )
        .order_by()
        .values_list("patient_id", "severity")
        .annotate(n=Count("pk"))
    )
    for patient_id, severity, n in grouped:
        row = rows.get(patient_id)
        if row is None:
            continue
        row.open_alerts += n
        if SEVERITY_RANK.get(severity, NO_SEVERITY) < row.severity_rank:
            row.severity = severity


def _add_reports(rows: dict[int, PanelRow], ids, at: dt.datetime) -> None:
    grouped = (
        DueReport.objects.filter(
            patient_id__in=ids,
            status=DueStatus.PENDING,
            opens_at__lte=at,
            closes_at__gt=at,
        )
        .order_by()
        .values_list("patient_id")
        .annotate(
            due=Count("pk", filter=Q(due_at__gt=at)),
            overdue=Count("pk", filter=Q(due_at__lte=at)),
        )
    )
    for patient_id, due, overdue in grouped:
        if patient_id in rows:
            rows[patient_id].due_reports = due
            rows[patient_id].overdue_reports = overdue


# Times are read as ISO text and parsed here: Django's SQLite converter costs ~6 µs a value,
# a third of the panel's budget at 6,000 values. SQLite stores UTC without an offset;
# PostgreSQL (session time zone UTC) writes "+00".
def _time_text(expression):
    return Cast(expression, output_field=CharField())


def _parse_time(text: str | None) -> dt.datetime | None:
    if text is None:
        return None
    value = dt.datetime.fromisoformat(text)
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


def _add_visits(rows: dict[int, PanelRow], ids, at: dt.datetime) -> None:
    """Last visit held and next visit booked, in one grouped query. The next visit is shown
    in the patient's home unit's time zone, as the visit pages show it."""
    grouped = (
        Visit.objects.filter(patient_id__in=ids)
        .filter(
            Q(starts_at__lte=at, status=VisitStatus.DONE)
            | Q(starts_at__gt=at, status=VisitStatus.SCHEDULED)
        )
        .order_by()
        .values_list("patient_id")
        .annotate(
            last=_time_text(Max("starts_at", filter=Q(status=VisitStatus.DONE))),
            next=_time_text(Min("starts_at", filter=Q(status=VisitStatus.SCHEDULED))),
        )
    )
    for patient_id, last, upcoming in grouped:
        row = rows.get(patient_id)
        if row is not None:
            row.last_visit = _parse_time(last)
            row.next_visit = _parse_time(upcoming)


def key_score_for(value: float | None, low: float | None, high: float | None) -> KeyScore:
    """Where `value` stands against the target [low, high] (either limit may be open)."""
    if low is None and high is None:
        return KeyScore.NO_TARGET
    if value is None:
        return KeyScore.NO_VALUE
    if high is not None and value > high:
        return KeyScore.ABOVE
    if low is not None and value < low:
        return KeyScore.BELOW
    return KeyScore.ON_TARGET


def _goal_target(direction: str, low: float | None, high: float | None):
    if direction == GoalDirection.AT_MOST:
        return None, high
    if direction == GoalDirection.AT_LEAST:
        return low, None
    return low, high


def _fenced(sql: str) -> str:
    """`sql` as a subquery the planner runs once on its own: with an OFFSET it cannot be
    folded into the outer IN, where PostgreSQL evaluated each look-up three times. SQLite
    needs a LIMIT before an OFFSET (-1: none)."""
    limit = "LIMIT -1 " if connection.vendor == "sqlite" else ""
    return f"SELECT fenced.newest FROM ({sql}) AS fenced {limit}OFFSET 0"  # noqa: S608


def _add_key_scores(rows: dict[int, PanelRow], visible, ids) -> None:
    """The key score of every row, in three queries: the key measures, the clinicians'
    targets, and the newest value of each patient's key measure."""
    programme_of = {pk: r.key_programme_id for pk, r in rows.items() if r.key_programme_id}
    # bulk_create in the loader writes measures in file order, so the lowest id is the
    # first [[measure]] of the file.
    measures = (
        ClinicalMeasure.objects.filter(programme_id__in=set(programme_of.values()))
        .filter(Q(target_low__isnull=False) | Q(target_high__isnull=False))
        .order_by("programme_id", "pk")
        .values_list("programme_id", "code", "unit", "target_low", "target_high")
    )
    key_of: dict[int, KeyMeasure] = {}
    for programme_id, code, unit, low, high in measures:
        key_of.setdefault(programme_id, KeyMeasure(code, unit, low, high))
    key_code = {p: key_of[m].code for p, m in programme_of.items() if m in key_of}
    if not key_code:
        return
    codes = set(key_code.values())
    goals = (
        Goal.objects.filter(
            patient_id__in=ids,
            status=GoalStatus.ACTIVE,
            proposed_by_role=ProposedBy.CLINICIAN,
            measure_code__in=codes,
        )
        .exclude(direction="")
        .order_by("patient_id", "-updated_at", "-pk")
        .values_list("patient_id", "measure_code", "direction", "target_low", "target_high")
    )
    own_target: dict[int, tuple] = {}
    for patient_id, code, direction, low, high in goals:
        if key_code.get(patient_id) == code and patient_id not in own_target:
            own_target[patient_id] = _goal_target(direction, low, high)
    # The newest value's id per patient: one index look-up each (patient, code, time), so
    # the cost follows the number of patients, not the years of values behind them. (By
    # time only: a second value at the very same moment is a correction, and corrections
    # leave one current row.)
    newest = (
        Observation.objects.filter(
            patient=OuterRef("pk"),
            code=OuterRef("key_code"),
            is_current=True,
            value_quantity__isnull=False,
        )
        .order_by("-effective_at")
        .values("pk")[:1]
    )
    sql, params = (
        visible.annotate(key_programme=_key_programme(), key_code=_key_code())
        .annotate(newest=Subquery(newest))
        .values("newest")
        .query.sql_with_params()
    )
    newest_ids = RawSQL(_fenced(sql), params)  # noqa: S611 - Django's compiled SQL, params apart
    latest = (
        Observation.objects.filter(pk__in=newest_ids)
        .annotate(at=_time_text("effective_at"))
        .values_list("patient_id", "code", "value_quantity", "value_unit", "at")
    )
    values = {}
    for patient_id, code, value, unit, effective_at in latest:
        if key_code.get(patient_id) == code:
            values[patient_id] = (value, unit, _parse_time(effective_at))
    for patient_id, programme_id in programme_of.items():
        row = rows.get(patient_id)
        measure = key_of.get(programme_id)
        if row is None or measure is None:
            continue
        low, high = own_target.get(patient_id, (measure.target_low, measure.target_high))
        value, unit, effective_at = values.get(patient_id, (None, measure.unit, None))
        row.key_score = key_score_for(value, low, high)
        row.key_value = value
        if value is not None:
            row.key_reading = KeyValue(value, unit or measure.unit, effective_at, low, high)


def _add_overdue_tasks(rows: dict[int, PanelRow], ids, at: dt.datetime) -> None:
    """Overdue care-plan tasks, counted on each patient's own date (their home unit's time
    zone): one grouped look-up per time zone on the panel (usually one). `ids` is the
    access rule's subquery, so only patients the user may see are counted."""
    zones = {row.home_zone for row in rows.values()}
    for zone in sorted(zones):
        patients = Patient.objects.filter(pk__in=ids)
        if len(zones) > 1:
            patients = patients.filter(home_unit__time_zone=zone)
        counts = overdue_task_counts(patients.values("pk"), at.astimezone(ZoneInfo(zone)).date())
        for pk, count in counts.items():
            if pk in rows:
                rows[pk].overdue_tasks = count


def panel_rows(user: User, query: PanelQuery | None = None) -> list[PanelRow]:
    """Rows for every patient `user` may see (the clinician patient list's rule), filtered
    and sorted by `query`. A fixed number of queries whatever the number of patients; the
    search is audited with the ids shown."""
    query = query or PanelQuery()
    at = now()
    visible = patients_visible_to(user)
    ids = _ids_subquery(visible)
    by_id = _base_rows(visible, ids)
    _add_alerts(by_id, ids)
    _add_reports(by_id, ids, at)
    _add_visits(by_id, ids, at)
    _add_key_scores(by_id, visible, ids)
    _add_overdue_tasks(by_id, ids, at)
    # A new column is one grouped lookup like these, plus its header in views.COLUMNS, a
    # sort key in SORTS and a cell in presenters.ROW.
    rows = list(by_id.values())
    if query.programme is not None:
        rows = [r for r in rows if query.programme in r.programme_ids]
    if query.unit is not None:
        rows = [r for r in rows if query.unit in r.unit_ids]
    if query.status:
        rows = [r for r in rows if STATUS_FILTERS[query.status](r)]
    rows.sort(key=_sort_key_name)
    if query.sort != "name" or query.descending:
        rows.sort(key=SORTS[query.sort], reverse=query.descending)  # stable: name breaks ties
    audit_record(
        actor=user,
        action=AuditAction.SEARCH,
        entity_type="Patient",
        detail={
            "results": len(rows),
            "patient_ids": [r.patient_id for r in rows],
            "panel": True,
            **query.as_params(),
        },
    )
    return rows


def saved_views_of(user: User) -> list[SavedView]:
    """The user's own saved panel views, by name."""
    return list(SavedView.objects.filter(owner=user).order_by("name", "pk"))


def saved_view_of(user: User, view_id: object) -> SavedView | None:
    """The saved view with `view_id` if `user` owns it; None for another user's or none."""
    try:
        pk = int(str(view_id))
    except ValueError:
        return None
    return SavedView.objects.filter(owner=user, pk=pk).first()

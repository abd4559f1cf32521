"""Reads of visits. Patient-facing reads take a PatientAccess (proof of the access check)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import gettext as _

from coproduce.access.policy import PatientAccess
from coproduce.accounts.models import Role, User
from coproduce.alerts.models import Alert, AlertStatus
from coproduce.careplans.selectors import OWN_STREAM, goals_for, measure_targets, series_all
from coproduce.careplans.trends import direction_for, measure_name, quantity_for
from coproduce.careplans.words import goal_progress_words, judged
from coproduce.core.audit import AuditAction, audit_record
from coproduce.core.clock import now, today
from coproduce.core.ids import as_pk
from coproduce.network.models import Unit, UnitMembership
from coproduce.patients.models import Enrolment, EnrolmentStatus
from coproduce.reporting.models import DueReport, DueStatus
from coproduce.reporting.selectors import instrument_titles
from coproduce.tasks.selectors import TaskSummary, task_summary_between
from coproduce.visits.models import Visit, VisitAgenda, VisitStatus


def visits_upcoming(access: PatientAccess, *, limit: int = 5) -> list[Visit]:
    """The patient's booked visits from now on, soonest first (audited)."""
    rows = list(
        Visit.objects.filter(
            patient=access.patient, status=VisitStatus.SCHEDULED, starts_at__gte=now()
        )
        .select_related("unit", "clinician")
        .order_by("starts_at", "pk")[:limit]
    )
    audit_record(
        actor=access.user,
        action=AuditAction.SEARCH,
        entity_type="Visit",
        patient_id=access.patient.pk,
        detail={"count": len(rows)},
    )
    return rows


def visits_recent(access: PatientAccess, *, limit: int = 5) -> list[Visit]:
    """The patient's visits that have started or were cancelled, newest first (audited)."""
    rows = list(
        Visit.objects.filter(patient=access.patient)
        .exclude(status=VisitStatus.SCHEDULED, starts_at__gte=now())
        .select_related("unit", "clinician")
        .order_by("-starts_at", "-pk")[:limit]
    )
    audit_record(
        actor=access.user,
        action=AuditAction.SEARCH,
        entity_type="Visit",
        patient_id=access.patient.pk,
        detail={"count": len(rows), "recent": True},
    )
    return rows


def visit_for_access(access: PatientAccess, visit_id: object) -> Visit | None:
    """One visit of this patient, or None (never another patient's)."""
    pk = as_pk(visit_id)
    if pk is None:
        return None
    return (
        Visit.objects.filter(patient=access.patient, pk=pk)
        .select_related("unit", "clinician")
        .first()
    )


def agenda_for(access: PatientAccess, visit: Visit) -> VisitAgenda | None:
    """The agenda of one of the patient's visits, or None (audited when there is one)."""
    if visit.patient_id != access.patient.pk:
        return None
    agenda = VisitAgenda.objects.filter(visit=visit).select_related("written_by").first()
    if agenda is not None:
        audit_record(
            actor=access.user,
            action=AuditAction.READ,
            entity_type="VisitAgenda",
            entity_id=agenda.pk,
            patient_id=access.patient.pk,
            detail={"visit": visit.pk, "version": agenda.version},
        )
    return agenda


@dataclass(frozen=True)
class AgendaInvite:
    """The patient's next visit for the home page, and whether they wrote an agenda."""

    visit: Visit
    has_agenda: bool
    day: dt.date  # the visit's date where the patient is cared for


def agenda_invite(access: PatientAccess) -> AgendaInvite | None:
    """The next booked visit whose agenda can still be written, or None."""
    upcoming = visits_upcoming(access, limit=1)
    if not upcoming:
        return None
    visit = upcoming[0]
    zone = ZoneInfo(access.patient.home_unit.time_zone)
    return AgendaInvite(
        visit,
        VisitAgenda.objects.filter(visit=visit).exists(),
        timezone.localtime(visit.starts_at, zone).date(),
    )


def booking_choices(access: PatientAccess) -> tuple[list[Unit], list[tuple[User, set[int]]]]:
    """Where a visit can be booked (the patient's home unit and units of open enrolments)
    and the clinicians working there today, each with the units they work in."""
    unit_ids = {access.patient.home_unit_id} | set(
        Enrolment.objects.filter(
            patient=access.patient,
            status__in=[EnrolmentStatus.ACTIVE, EnrolmentStatus.PAUSED],
        ).values_list("unit_id", flat=True)
    )
    units = list(Unit.objects.filter(pk__in=unit_ids).order_by("name", "pk"))
    day = today()
    memberships = (
        UnitMembership.objects.filter(
            unit_id__in=unit_ids,
            started_on__lte=day,
            user__role=Role.CLINICIAN,
            user__is_active=True,
        )
        .exclude(ended_on__lt=day)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "user_id")
    )
    clinicians: dict[int, tuple[User, set[int]]] = {}
    for membership in memberships:
        clinicians.setdefault(membership.user_id, (membership.user, set()))[1].add(
            membership.unit_id
        )
    return units, list(clinicians.values())


# --- the clinician's pre-visit summary ------------------------------------------------------


@dataclass(frozen=True)
class ScoreChange:
    name: str
    before: str  # the value at the last visit, or "" when there was none then
    latest: str
    change: str  # better | worse | same | changed | new
    words: str


@dataclass(frozen=True)
class AlertLine:
    title: str
    severity: str
    opened_at: dt.datetime
    status: str
    how_closed: str


@dataclass(frozen=True)
class GoalLine:
    description: str
    status: str
    progress: str


@dataclass(frozen=True)
class PreVisitSummary:
    visit: Visit
    since: dt.datetime | None
    since_visit: Visit | None  # the previous completed visit, if the summary starts there
    scores: tuple[ScoreChange, ...]
    alerts: tuple[AlertLine, ...]
    alert_counts: dict[str, int]
    reports_done: int
    reports_missed: tuple[str, ...]  # the titles of the missed questionnaires
    goals: tuple[GoalLine, ...]
    agenda: VisitAgenda | None
    tasks: TaskSummary  # care-plan tasks ticked off and missed since then


CHANGE_WORDS = {
    "better": lambda: _("better"),
    "worse": lambda: _("worse"),
    "same": lambda: _("no change"),
    "changed": lambda: _("changed"),
    "new": lambda: _("new since then"),
}


def previous_visit(visit: Visit) -> Visit | None:
    """The patient's last completed visit before `visit`."""
    return (
        Visit.objects.filter(
            patient_id=visit.patient_id, status=VisitStatus.DONE, starts_at__lt=visit.starts_at
        )
        .exclude(pk=visit.pk)
        .order_by("-starts_at", "-pk")
        .first()
    )


def summary_start(visit: Visit) -> tuple[dt.datetime | None, Visit | None]:
    """Where "since the last visit" starts: the previous completed visit, or the first
    enrolment's start (midnight in the patient's time zone), or None (everything)."""
    before = previous_visit(visit)
    if before is not None:
        return before.starts_at, before
    started = (
        Enrolment.objects.filter(patient_id=visit.patient_id)
        .order_by("started_on")
        .values_list("started_on", flat=True)
        .first()
    )
    if started is None:
        return None, None
    zone = ZoneInfo(visit.patient.home_unit.time_zone)
    return dt.datetime.combine(started, dt.time.min, tzinfo=zone), None


def score_changes(access: PatientAccess, since: dt.datetime | None) -> tuple[ScoreChange, ...]:
    """For each measure in the patient's own stream: the value at `since` (the last one on
    or before it) against the latest, with the direction of the programme or the score."""
    targets = measure_targets(access)
    changes = []
    for series in series_all(access):
        if series.stream != OWN_STREAM or not series.count:
            continue
        quantity = quantity_for(series.code)
        latest = series.latest
        after = len(series.rows_since(since)) if since is not None else series.count
        before = series.point(series.count - after - 1) if after < series.count else None
        if since is not None and after == 0:
            continue  # nothing new since the last visit
        direction = direction_for(series.code, targets.get(series.code))
        if before is None:
            change = "new"
            words = _("%(value)s; no value before.") % {"value": quantity.value(latest.value)}
        else:
            difference = round(latest.value - before.value, quantity.decimals)
            change = judged(difference, direction)
            words = _("%(before)s then, %(latest)s now: %(change)s.") % {
                "before": quantity.value(before.value),
                "latest": quantity.value(latest.value),
                "change": CHANGE_WORDS[change](),
            }
        changes.append(
            ScoreChange(
                name=measure_name(series.code),
                before=quantity.value(before.value) if before is not None else "",
                latest=quantity.value(latest.value),
                change=change,
                words=words,
            )
        )
    return tuple(sorted(changes, key=lambda c: c.name.lower()))


def alert_lines(access: PatientAccess, since: dt.datetime | None) -> tuple[AlertLine, ...]:
    rows = Alert.objects.filter(patient=access.patient)
    if since is not None:
        rows = rows.filter(opened_at__gte=since)
    lines = []
    for alert in rows.order_by("opened_at", "pk"):
        if alert.status == AlertStatus.CLOSED:
            how = alert.get_action_display() or _("Closed")
        elif alert.status == AlertStatus.ACKNOWLEDGED:
            how = _("Seen, not closed yet")
        else:
            how = _("Still open")
        lines.append(
            AlertLine(
                title=alert.title,
                severity=alert.get_severity_display(),
                opened_at=alert.opened_at,
                status=alert.status,
                how_closed=str(how),
            )
        )
    return tuple(lines)


def report_counts(access: PatientAccess, since: dt.datetime | None) -> tuple[int, tuple[str, ...]]:
    """Questionnaires done since `since`, and the titles of those missed."""
    rows = DueReport.objects.filter(
        patient=access.patient,
        status__in=[DueStatus.COMPLETED, DueStatus.MISSED],
        due_at__lte=now(),
    )
    if since is not None:
        rows = rows.filter(due_at__gte=since)
    titles = instrument_titles()
    done = 0
    missed = []
    for status, code in rows.order_by("due_at", "pk").values_list("status", "instrument_code"):
        if status == DueStatus.COMPLETED:
            done += 1
        else:
            missed.append(titles.get(code, code))
    return done, tuple(missed)


def goal_lines(access: PatientAccess) -> tuple[GoalLine, ...]:
    zone = ZoneInfo(access.patient.home_unit.time_zone)
    today = timezone.localdate(now(), zone)
    lines = []
    for row in goals_for(access):
        goal = row.goal
        quantity = quantity_for(goal.measure_code) if goal.measure_code else None
        latest = (row.latest.at, row.latest.value) if row.latest is not None else None
        lines.append(
            GoalLine(
                description=goal.description,
                status=goal.get_status_display(),
                progress=goal_progress_words(
                    goal, quantity=quantity, latest=latest, zone=zone, today=today
                ),
            )
        )
    return tuple(lines)


# With no earlier visit or programme, "since then" for tasks is this far back.
TASKS_LOOK_BACK_DAYS = 90


def task_lines(access: PatientAccess, visit: Visit, since: dt.datetime | None) -> TaskSummary:
    """Care-plan tasks done and missed from `since` to the visit's day (the patient's
    dates)."""
    zone = ZoneInfo(visit.patient.home_unit.time_zone)
    end = timezone.localtime(visit.starts_at, zone).date()
    start = (
        timezone.localtime(since, zone).date()
        if since is not None
        else end - dt.timedelta(days=TASKS_LOOK_BACK_DAYS)
    )
    return task_summary_between(access, start, end)


def pre_visit_summary(access: PatientAccess, visit: Visit) -> PreVisitSummary:
    """What changed since the patient's last visit, and their agenda (audited read)."""
    since, since_visit = summary_start(visit)
    alerts = alert_lines(access, since)
    done, missed = report_counts(access, since)
    summary = PreVisitSummary(
        visit=visit,
        since=since,
        since_visit=since_visit,
        scores=score_changes(access, since),
        alerts=alerts,
        alert_counts=dict(Counter(a.status for a in alerts)),
        reports_done=done,
        reports_missed=missed,
        goals=goal_lines(access),
        agenda=agenda_for(access, visit),
        tasks=task_lines(access, visit, since),
    )
    audit_record(
        actor=access.user,
        action=AuditAction.READ,
        entity_type="Visit",
        entity_id=visit.pk,
        patient_id=access.patient.pk,
        purpose="pre-visit-summary",
        detail={"alerts": len(alerts), "scores": len(summary.scores)},
    )
    return summary

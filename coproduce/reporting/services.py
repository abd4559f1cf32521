"""The write path for reporting: schedules, due reports, reminders, snoozes, preferences and
notifications. Every function is keyword-only, runs in a transaction and audits what it
changes (ids and counts only).

Reminders are sent **at most once** per due report and reminder number: the `Reminder` row
(unique on due report + number) is committed as a claim *before* anything is sent. A second
worker, or a retry after a crash between the claim and the sending, finds the claim and
sends nothing. A reminder lost to a crash is left as 'claimed' (visible to operators); the
next reminder number still goes out at its time, and the report stays on the patient's
"My reports" page. We prefer a rare lost reminder to a duplicate: repeated messages annoy
patients and teach them to ignore us, while one missing nudge costs little.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter, defaultdict
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, Max, OuterRef, Q
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from coproduce.access.models import CarerGrant
from coproduce.access.policy import PatientAccess, adolescent_consent_q, effective_grants_q
from coproduce.accounts.models import Role, User
from coproduce.core.audit import AuditAction, audit_record
from coproduce.core.clock import now, today
from coproduce.core.ids import as_pk
from coproduce.patients.models import Enrolment, EnrolmentStatus, Patient
from coproduce.questionnaires.models import QuestionnaireResponse, ReporterKind, ResponseStatus
from coproduce.reporting.backends import sms_backend
from coproduce.reporting.models import (
    MAX_REMINDER_CAP,
    DueReport,
    DueStatus,
    Notification,
    Reminder,
    ReminderOutcome,
    ReportingPreference,
    ReportSchedule,
    ScheduleKind,
)
from coproduce.reporting.preferences import Preferences, preferences_in_force
from coproduce.reporting.windows import (
    WEEKDAYS,
    ScheduleRule,
    Window,
    after_event_window,
    before_visit_window,
    calendar_windows,
    local_day,
    next_reminder_at,
)
from coproduce.visits.models import Visit, VisitStatus

logger = logging.getLogger(__name__)

# Reports are created this far ahead, so patients see what is coming.
UPCOMING_HORIZON = dt.timedelta(days=28)
# Before-visit reports are created for visits this far ahead.
VISIT_HORIZON = dt.timedelta(days=60)
# After-visit reports are created for visits marked done this recently.
VISIT_DONE_LOOKBACK = dt.timedelta(days=14)
# "Remind me later": hours a patient may choose.
SNOOZE_HOURS = (1, 3, 24)
SITE_URL_SETTING = "COPRODUCE_SITE_URL"
DEFAULT_SITE_URL = "http://127.0.0.1:8000"


# --- Schedules ----------------------------------------------------------------------------


def rule_of(schedule: ReportSchedule) -> ScheduleRule:
    return ScheduleRule(
        instrument=schedule.instrument_code,
        kind=schedule.kind,
        weekday=schedule.weekday,
        day_of_month=schedule.day_of_month,
        days_before=schedule.days_before,
        days_after=schedule.days_after,
        due_time=schedule.due_time,
        open_days=schedule.open_days,
        close_days=schedule.close_days,
    )


def window_of(report: DueReport) -> Window:
    return Window(report.opens_at, report.due_at, report.closes_at)


def schedules_from_programme(enrolment: Enrolment, *, starts_at: dt.datetime) -> list:
    """Unsaved schedule rows for the [[schedule]] tables of the enrolment's programme."""
    rows = []
    for raw in enrolment.programme.definition.get("schedules", []):
        hours, minutes = (int(part) for part in raw["due_time"].split(":"))
        rows.append(
            ReportSchedule(
                enrolment=enrolment,
                patient_id=enrolment.patient_id,
                instrument_code=raw["instrument"],
                title=raw.get("title", ""),
                kind=raw["every"],
                weekday=WEEKDAYS.index(raw.get("weekday", "monday")),
                day_of_month=raw.get("day_of_month", 1),
                days_before=raw.get("days_before", 0),
                days_after=raw.get("days_after", 0),
                due_time=dt.time(hours, minutes),
                open_days=raw.get("open_days", 2),
                close_days=raw.get("close_days", 3),
                starts_at=starts_at,
                created_at=now(),
            )
        )
    return rows


def schedules_ensure(*, enrolments: list[Enrolment], starts_at: dt.datetime | None = None) -> int:
    """Give each enrolment the schedules of its programme it does not have yet. Calendar
    schedules ask for reports due from `starts_at` (default now) on, never back-filled.
    Idempotent: the unique constraint on (enrolment, instrument, kind) holds."""
    starts_at = starts_at or now()
    have = set(
        ReportSchedule.objects.filter(enrolment__in=enrolments).values_list(
            "enrolment_id", "instrument_code", "kind"
        )
    )
    missing = [
        row
        for enrolment in enrolments
        for row in schedules_from_programme(enrolment, starts_at=starts_at)
        if (enrolment.pk, row.instrument_code, row.kind) not in have
    ]
    if not missing:
        return 0
    with transaction.atomic():
        ReportSchedule.objects.bulk_create(missing, ignore_conflicts=True)
        for patient_id, count in Counter(row.patient_id for row in missing).items():
            audit_record(
                actor=None,
                action=AuditAction.CREATE,
                entity_type="ReportSchedule",
                patient_id=patient_id,
                detail={"count": count},
            )
    return len(missing)


# --- Due reports ----------------------------------------------------------------------------


def reachable_patients_q() -> Q:
    """Patients someone can report for: their own login, or a carer allowed to report for
    them. Others get no due reports (nobody could fill them in)."""
    at = now()
    carer_may_report = CarerGrant.objects.filter(
        effective_grants_q(at), patient=OuterRef("patient_id"), report_for_patient=True
    )
    return Q(patient__user__isnull=False, patient__user__is_active=True) | Q(
        Exists(carer_may_report)
    )


def _report(schedule: ReportSchedule, window: Window, visit: Visit | None = None) -> DueReport:
    return DueReport(
        patient_id=schedule.patient_id,
        enrolment_id=schedule.enrolment_id,
        schedule=schedule,
        visit=visit,
        instrument_code=schedule.instrument_code,
        opens_at=window.opens_at,
        due_at=window.due_at,
        closes_at=window.closes_at,
        status=DueStatus.PENDING,
        created_at=now(),
    )


def calendar_reports(schedule: ReportSchedule, zone: ZoneInfo, at: dt.datetime) -> list[DueReport]:
    """Reports of a weekly or monthly schedule still open or coming within the horizon."""
    since = max(schedule.starts_at, at - dt.timedelta(days=schedule.close_days + 1))
    windows = calendar_windows(
        rule_of(schedule),
        zone,
        first_day=local_day(since, zone),
        last_day=local_day(at + UPCOMING_HORIZON, zone),
    )
    return [
        _report(schedule, w) for w in windows if w.due_at >= schedule.starts_at and w.closes_at > at
    ]


def visit_reports(
    schedule: ReportSchedule, visit: Visit, zone: ZoneInfo, at: dt.datetime
) -> list[DueReport]:
    """The report a before- or after-visit schedule asks for around `visit`, if any."""
    rule = rule_of(schedule)
    if schedule.kind == ScheduleKind.BEFORE_VISIT and visit.status == VisitStatus.SCHEDULED:
        window = before_visit_window(rule, visit.starts_at, zone)
    elif schedule.kind == ScheduleKind.AFTER_VISIT and visit.status == VisitStatus.DONE:
        window = after_event_window(rule, visit.status_changed_at, zone)
    else:
        return []
    return [_report(schedule, window, visit)] if window.closes_at > at else []


def schedules_for_visit(schedules: list[ReportSchedule], visit: Visit) -> list[ReportSchedule]:
    """A visit counts for the enrolments at its unit, or for all of them if none is there."""
    at_unit = [s for s in schedules if s.enrolment.unit_id == visit.unit_id]
    return at_unit or schedules


@dataclass(frozen=True)
class RefreshCounts:
    created: int
    completed: int
    missed: int
    cancelled: int


def _create_reports(reports: list[DueReport]) -> Counter:
    """Insert reports, skipping any that exist (unique on patient, instrument, due time);
    returns how many were new per patient."""
    if not reports:
        return Counter()
    keys = {(r.patient_id, r.instrument_code, r.due_at) for r in reports}
    existing = set(
        DueReport.objects.filter(
            patient_id__in={k[0] for k in keys}, due_at__in={k[2] for k in keys}
        ).values_list("patient_id", "instrument_code", "due_at")
    )
    new = {(r.patient_id, r.instrument_code, r.due_at): r for r in reports}
    fresh = [r for key, r in new.items() if key not in existing]
    DueReport.objects.bulk_create(fresh, ignore_conflicts=True)
    return Counter(r.patient_id for r in fresh)


def reports_completion_match(
    reports: list[DueReport],
) -> dict[int, QuestionnaireResponse]:
    """For each pending report, the patient's completed response to its instrument
    answered inside its window (its authored time: a back-dated paper form counts for its
    own window) (each response completes one report at most)."""
    if not reports:
        return {}
    responses = (
        QuestionnaireResponse.objects.filter(
            patient_id__in={r.patient_id for r in reports},
            definition__instrument_code__in={r.instrument_code for r in reports},
            status=ResponseStatus.COMPLETED,
            reporter=ReporterKind.PATIENT,
            authored_at__gte=min(r.opens_at for r in reports),
        )
        .order_by("authored_at", "pk")
        .only("pk", "patient_id", "authored_at", "submitted_at", "definition__instrument_code")
        .select_related("definition")
    )
    by_key = defaultdict(list)
    for response in responses:
        by_key[(response.patient_id, response.definition.instrument_code)].append(response)
    used: set[int] = set()
    matched: dict[int, QuestionnaireResponse] = {}
    for report in sorted(reports, key=lambda r: r.due_at):
        for response in by_key[(report.patient_id, report.instrument_code)]:
            if response.pk in used:
                continue
            if report.opens_at <= response.authored_at < report.closes_at:
                matched[report.pk] = response
                used.add(response.pk)
                break
    return matched


def due_reports_refresh(
    *, at: dt.datetime | None = None, patient_ids: list[int] | None = None
) -> RefreshCounts:
    """The reporting job: create the reports the schedules ask for, mark completed ones
    (a completed patient-stream response in the window), missed ones (closed without one)
    and cancelled ones (their visit was cancelled). Running it twice creates nothing new.
    `patient_ids` limits it to some patients (after one changes their time zone)."""
    at = at or now()
    enrolments = Enrolment.objects.filter(reachable_patients_q(), status=EnrolmentStatus.ACTIVE)
    if patient_ids is not None:
        enrolments = enrolments.filter(patient_id__in=patient_ids)
    enrolments = list(enrolments.select_related("programme", "patient__home_unit").order_by("pk"))
    schedules_ensure(enrolments=enrolments, starts_at=at)
    patients = {e.patient_id: e.patient for e in enrolments}
    rows = {p.patient_id: p for p in ReportingPreference.objects.filter(patient_id__in=patients)}
    zones = {pid: preferences_in_force(p, rows.get(pid)).zone for pid, p in patients.items()}
    schedules = list(
        ReportSchedule.objects.filter(enrolment__in=enrolments, active=True).select_related(
            "enrolment"
        )
    )
    by_patient = defaultdict(list)
    new_reports: list[DueReport] = []
    for schedule in schedules:
        zone = zones[schedule.patient_id]
        if schedule.kind in (ScheduleKind.WEEKLY, ScheduleKind.MONTHLY):
            new_reports += calendar_reports(schedule, zone, at)
        else:
            by_patient[schedule.patient_id].append(schedule)
    visits = Visit.objects.filter(patient_id__in=list(by_patient)).filter(
        Q(status=VisitStatus.SCHEDULED, starts_at__gt=at, starts_at__lte=at + VISIT_HORIZON)
        | Q(status=VisitStatus.DONE, status_changed_at__gte=at - VISIT_DONE_LOOKBACK)
    )
    for visit in visits:
        for schedule in schedules_for_visit(by_patient[visit.patient_id], visit):
            new_reports += visit_reports(schedule, visit, zones[visit.patient_id], at)
    with transaction.atomic():
        created = _create_reports(new_reports)
        changes = _statuses_update(at, patient_ids)
        for patient_id in set(created) | set(changes):
            audit_record(
                actor=None,
                action=AuditAction.UPDATE if patient_id not in created else AuditAction.CREATE,
                entity_type="DueReport",
                patient_id=patient_id,
                detail={"created": created[patient_id], **dict(changes.get(patient_id, {}))},
            )
    totals = Counter()
    for counts in changes.values():
        totals.update(counts)
    return RefreshCounts(
        created=sum(created.values()),
        completed=totals["completed"],
        missed=totals["missed"],
        cancelled=totals["cancelled"],
    )


def _statuses_update(at: dt.datetime, patient_ids: list[int] | None) -> dict[int, Counter]:
    """Mark pending reports completed, cancelled (visit cancelled, enrolment paused or
    ended) or missed; returns counts per patient."""
    changes: dict[int, Counter] = defaultdict(Counter)
    pending = DueReport.objects.filter(status=DueStatus.PENDING)
    if patient_ids is not None:
        pending = pending.filter(patient_id__in=patient_ids)
    opened = {r.pk: r for r in pending.filter(opens_at__lte=at)}
    for report_id, response in reports_completion_match(list(opened.values())).items():
        report = opened[report_id]
        DueReport.objects.filter(pk=report_id, status=DueStatus.PENDING).update(
            status=DueStatus.COMPLETED, response_id=response.pk, completed_at=response.submitted_at
        )
        changes[report.patient_id]["completed"] += 1
    # Reports for a cancelled visit, or of an enrolment paused or ended, are not needed.
    cancelled = pending.filter(
        Q(visit__status=VisitStatus.CANCELLED) | ~Q(enrolment__status=EnrolmentStatus.ACTIVE)
    )
    for patient_id in cancelled.values_list("patient_id", flat=True):
        changes[patient_id]["cancelled"] += 1
    cancelled.update(status=DueStatus.CANCELLED)
    missed = pending.filter(closes_at__lte=at)
    for patient_id in missed.values_list("patient_id", flat=True):
        changes[patient_id]["missed"] += 1
    missed.update(status=DueStatus.MISSED)
    return changes


def visit_reports_update(*, actor: User | None, visit: Visit) -> int:
    """Call after a visit is booked, marked done or cancelled: creates the reports due
    before or after it (e.g. the visit-experience questionnaire once it is done) and
    cancels reports for a cancelled visit. Returns how many reports changed. The reporting
    job does the same within minutes; this makes it immediate."""
    at = now()
    enrolments = list(
        Enrolment.objects.filter(patient_id=visit.patient_id, status=EnrolmentStatus.ACTIVE)
        .select_related("programme", "patient__home_unit")
        .filter(reachable_patients_q())
    )
    schedules_ensure(enrolments=enrolments, starts_at=at)
    zone = preferences_in_force(visit.patient).zone
    schedules = list(
        ReportSchedule.objects.filter(
            enrolment__in=enrolments,
            active=True,
            kind__in=[ScheduleKind.BEFORE_VISIT, ScheduleKind.AFTER_VISIT],
        ).select_related("enrolment")
    )
    reports = [
        report
        for schedule in schedules_for_visit(schedules, visit)
        for report in visit_reports(schedule, visit, zone, at)
    ]
    with transaction.atomic():
        created = sum(_create_reports(reports).values())
        cancelled = 0
        if visit.status == VisitStatus.CANCELLED:
            cancelled = DueReport.objects.filter(visit=visit, status=DueStatus.PENDING).update(
                status=DueStatus.CANCELLED
            )
        if created or cancelled:
            audit_record(
                actor=actor,
                action=AuditAction.UPDATE,
                entity_type="DueReport",
                patient_id=visit.patient_id,
                detail={"visit": visit.pk, "created": created, "cancelled": cancelled},
            )
    return created + cancelled


def due_report_add(
    *,
    actor: User | None,
    enrolment: Enrolment,
    instrument_code: str,
    window: Window,
) -> DueReport:
    """Ask the patient for one report outside the schedules (e.g. a clinician wants a check
    before deciding). Refused if the same report is already due at that time."""
    listed = {i["code"] for i in enrolment.programme.definition.get("instruments", [])}
    if instrument_code not in listed:
        raise ValidationError({"instrument_code": _("This questionnaire is not in the programme.")})
    with transaction.atomic():
        try:
            with transaction.atomic():
                report = DueReport.objects.create(
                    patient_id=enrolment.patient_id,
                    enrolment=enrolment,
                    instrument_code=instrument_code,
                    opens_at=window.opens_at,
                    due_at=window.due_at,
                    closes_at=window.closes_at,
                    created_at=now(),
                )
        except IntegrityError:
            raise ValidationError(
                {"due_at": _("This questionnaire is already due at that time.")}
            ) from None
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            entity_type="DueReport",
            entity_id=report.pk,
            patient_id=report.patient_id,
            detail={"instrument": instrument_code},
        )
    return report


# --- Who may act on a patient's reports -------------------------------------------------------


def may_report(access: PatientAccess) -> bool:
    """The patient themselves, or a carer allowed to fill in reports for them."""
    if access.as_role == Role.PATIENT:
        return True
    return access.as_role == Role.CARER and access.can("report_for_patient")


def may_set_preferences(access: PatientAccess) -> bool:
    """The patient; or, for a patient without their own login (a young child), a carer who
    reports for them and so receives the reminders."""
    if access.as_role == Role.PATIENT:
        return True
    return may_report(access) and access.patient.user_id is None


def due_report_snooze(*, access: PatientAccess, due_report_id: object, hours: int) -> DueReport:
    """Remind me later: no reminder for this report for `hours` hours."""
    if not may_report(access):
        raise PermissionDenied(_("You cannot change reminders for this person."))
    if hours not in SNOOZE_HOURS:
        raise ValidationError({"hours": _("Choose how long to wait.")})
    with transaction.atomic():
        report = (
            DueReport.objects.select_for_update()
            .filter(pk=as_pk(due_report_id), patient=access.patient, status=DueStatus.PENDING)
            .first()
        )
        if report is None:
            raise ValidationError(_("This questionnaire is no longer waiting for you."))
        report.snoozed_until = now() + dt.timedelta(hours=hours)
        report.save(update_fields=["snoozed_until"])
        audit_record(
            actor=access.user,
            action=AuditAction.UPDATE,
            entity_type="DueReport",
            entity_id=report.pk,
            patient_id=report.patient_id,
            purpose="snooze",
            detail={"hours": hours},
        )
    return report


# --- Preferences ----------------------------------------------------------------------------


def preferences_update(
    *,
    access: PatientAccess,
    time_zone: str,
    quiet_start: dt.time | None,
    quiet_end: dt.time | None,
    by_app: bool,
    by_email: bool,
    by_sms: bool,
    reminder_cap: int,
) -> ReportingPreference:
    """Save how and when the patient is reminded. Errors name the field they belong to."""
    if not may_set_preferences(access):
        raise PermissionDenied(_("You cannot change reminders for this person."))
    patient = access.patient
    errors: dict[str, str] = {}
    try:
        ZoneInfo(time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        errors["time_zone"] = _("Choose a time zone from the list.")
    if (quiet_start is None) != (quiet_end is None):
        field = "quiet_end" if quiet_end is None else "quiet_start"
        errors[field] = _("Give both a start and an end time, or leave both empty.")
    elif quiet_start is not None and quiet_start == quiet_end:
        errors["quiet_end"] = _("The end time must differ from the start time.")
    if not 0 <= reminder_cap <= MAX_REMINDER_CAP:
        errors["reminder_cap"] = _("Choose from 0 to %(max)d reminders.") % {
            "max": MAX_REMINDER_CAP
        }
    if by_sms and not (patient.phone and patient.user_id):
        errors["channels"] = _(
            "We have no mobile number for text messages. Ask your care team to add one, "
            "or choose another way."
        )
    elif by_email and patient.user_id and not (patient.email or patient.user.email):
        errors["channels"] = _(
            "We have no e-mail address for you. Ask your care team to add one, "
            "or choose another way."
        )
    if errors:
        raise ValidationError(errors)
    zone_before = preferences_in_force(patient).time_zone
    with transaction.atomic():
        row, created = ReportingPreference.objects.update_or_create(
            patient=patient,
            defaults={
                "time_zone": time_zone,
                "quiet_start": quiet_start,
                "quiet_end": quiet_end,
                "by_app": by_app,
                "by_email": by_email,
                "by_sms": by_sms,
                "reminder_cap": reminder_cap,
                "updated_at": now(),
                "updated_by": access.user,
            },
        )
        audit_record(
            actor=access.user,
            action=AuditAction.CREATE if created else AuditAction.UPDATE,
            entity_type="ReportingPreference",
            entity_id=row.pk,
            patient_id=patient.pk,
        )
        moved = zone_before != time_zone
        if moved:
            # Scheduled reports not open yet are made again at the same local time in the
            # new zone; nothing was sent for them, so nothing is lost.
            DueReport.objects.filter(
                patient=patient,
                status=DueStatus.PENDING,
                schedule__isnull=False,
                visit__isnull=True,
                opens_at__gt=now(),
            ).delete()
    if moved:
        due_reports_refresh(patient_ids=[patient.pk])
    return row


# --- Reminders ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Recipient:
    user: User | None
    email: str
    phone: str
    path: str  # where the link in the message goes


def site_url(path: str) -> str:
    return getattr(settings, SITE_URL_SETTING, DEFAULT_SITE_URL).rstrip("/") + path


def reminder_recipients(patient: Patient) -> list[Recipient]:
    """The patient if they have a login; otherwise (e.g. a young child) each carer allowed
    to fill in reports for them."""
    user = patient.user
    if user is not None and user.is_active:
        return [
            Recipient(user, patient.email or user.email, patient.phone, reverse("reporting:mine"))
        ]
    grants = (
        CarerGrant.objects.filter(
            effective_grants_q(now()),
            adolescent_consent_q(patient.network, today()),
            patient=patient,
            report_for_patient=True,
            carer__is_active=True,
        )
        .select_related("carer")
        .order_by("pk")
    )
    path = reverse("reporting:reports", kwargs={"patient_id": patient.pk})
    return [Recipient(g.carer, g.carer.email, "", path) for g in grants]


def reminder_text(report: DueReport) -> str:
    """Plain words, no clinical details: which programme, and nothing about answers."""
    return _("You have a questionnaire to fill in for %(programme)s.") % {
        "programme": report.enrolment.programme.title
    }


def reminder_claim(*, report: DueReport, number: int, at: dt.datetime) -> Reminder | None:
    """Claim reminder `number` for `report` in its own committed transaction; None if it
    was claimed before (by another worker, or before a crash)."""
    try:
        with transaction.atomic():
            return Reminder.objects.create(due_report=report, number=number, claimed_at=at)
    except IntegrityError:
        return None


def reminder_deliver(*, reminder: Reminder, report: DueReport, prefs: Preferences) -> Reminder:
    """Send a claimed reminder on the patient's channels, then record what went out."""
    patient = report.patient
    channels: set[str] = set()
    failures = 0
    recipients = reminder_recipients(patient)
    notifications = []
    with translation.override(patient.preferred_language or settings.LANGUAGE_CODE):
        text = reminder_text(report)
        subject = _("A questionnaire to fill in")
        for recipient in recipients:
            link = site_url(recipient.path)
            if prefs.by_app and recipient.user is not None:
                notifications.append(
                    Notification(
                        recipient=recipient.user,
                        patient=patient,
                        due_report=report,
                        text=text,
                        link=recipient.path,
                        created_at=now(),
                    )
                )
                channels.add("app")
            if prefs.by_email and recipient.email:
                try:
                    send_mail(subject, f"{text}\n\n{link}\n", None, [recipient.email])
                    channels.add("email")
                except Exception:  # a failed channel must not stop the others
                    failures += 1
                    logger.exception("reminder e-mail failed reminder=%s", reminder.pk)
            if prefs.by_sms and recipient.phone:
                try:
                    sms_backend().send(recipient.phone, f"{text} {link}")
                    channels.add("sms")
                except Exception:  # as above
                    failures += 1
                    logger.exception("reminder SMS failed reminder=%s", reminder.pk)
    if channels:
        outcome = ReminderOutcome.SENT
    else:
        outcome = ReminderOutcome.FAILED if failures else ReminderOutcome.NOTHING_TO_SEND
    with transaction.atomic():
        Notification.objects.bulk_create(notifications)
        reminder.sent_at = now()
        reminder.outcome = outcome
        reminder.recipients = len(recipients)
        reminder.channels = sorted(channels)
        reminder.save(update_fields=["sent_at", "outcome", "recipients", "channels"])
        audit_record(
            actor=None,
            action=AuditAction.CREATE,
            entity_type="Reminder",
            entity_id=reminder.pk,
            patient_id=patient.pk,
            detail={
                "due_report": report.pk,
                "number": reminder.number,
                "channels": sorted(channels),
                "outcome": outcome,
            },
        )
    logger.info("reminder=%s outcome=%s", reminder.pk, outcome)
    return reminder


def _completed_since_refresh(report: DueReport) -> bool:
    return bool(reports_completion_match([report]))


def reminders_send(*, at: dt.datetime | None = None) -> int:
    """The reminder job: send each reminder whose time has come, once. Returns how many
    were claimed."""
    at = at or now()
    candidates = list(
        DueReport.objects.filter(status=DueStatus.PENDING, opens_at__lte=at, closes_at__gt=at)
        .filter(Q(snoozed_until__isnull=True) | Q(snoozed_until__lte=at))
        .select_related("patient__home_unit", "patient__network", "patient__user")
        .select_related("enrolment__programme")
        .annotate(sent=Count("reminders"), last_at=Max("reminders__claimed_at"))
        .order_by("due_at", "pk")
    )
    rows = {
        p.patient_id: p
        for p in ReportingPreference.objects.filter(
            patient_id__in={r.patient_id for r in candidates}
        )
    }
    claimed = 0
    for report in candidates:
        prefs = preferences_in_force(report.patient, rows.get(report.patient_id))
        number = report.sent + 1
        when = next_reminder_at(
            window_of(report),
            number,
            prefs.zone,
            cap=prefs.reminder_cap,
            quiet=prefs.quiet,
            snoozed_until=report.snoozed_until,
            previous_at=report.last_at,
            not_before=at,
        )
        if when is None or when > at or _completed_since_refresh(report):
            continue
        reminder = reminder_claim(report=report, number=number, at=at)
        if reminder is None:
            continue
        claimed += 1
        reminder_deliver(reminder=reminder, report=report, prefs=prefs)
    return claimed


# --- Notifications --------------------------------------------------------------------------


def notification_create(
    *, recipient: User, patient: Patient | None, text: str, link: str = ""
) -> Notification:
    """A message in the app (plain words, no clinical details)."""
    with transaction.atomic():
        notification = Notification.objects.create(
            recipient=recipient, patient=patient, text=text, link=link, created_at=now()
        )
        audit_record(
            actor=None,
            action=AuditAction.CREATE,
            entity_type="Notification",
            entity_id=notification.pk,
            patient_id=patient.pk if patient else None,
        )
    return notification


def notification_mark_read(*, user: User, notification_id: object) -> bool:
    """Mark one of the user's own notifications read; False if there is no such unread one."""
    with transaction.atomic():
        changed = Notification.objects.filter(
            pk=as_pk(notification_id), recipient=user, read_at__isnull=True
        ).update(read_at=now())
        if changed:
            audit_record(
                actor=user,
                action=AuditAction.UPDATE,
                entity_type="Notification",
                entity_id=notification_id,
                purpose="read",
            )
    return bool(changed)


def notifications_mark_all_read(*, user: User) -> int:
    with transaction.atomic():
        changed = Notification.objects.filter(recipient=user, read_at__isnull=True).update(
            read_at=now()
        )
        if changed:
            audit_record(
                actor=user,
                action=AuditAction.UPDATE,
                entity_type="Notification",
                purpose="read-all",
                detail={"count": changed},
            )
    return changed

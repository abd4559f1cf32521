"""The read path for reporting. Reads of a patient's reports take a PatientAccess (proof
of the access check) and are audited; a user's own notifications are read by that user."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.urls import NoReverseMatch, reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from coproduce.access.policy import PatientAccess
from coproduce.accounts.models import User
from coproduce.core.audit import AuditAction, audit_record
from coproduce.core.clock import now
from coproduce.core.ids import as_pk
from coproduce.reporting.models import DueReport, DueStatus, Notification, ReportingPreference
from coproduce.reporting.preferences import Preferences, preferences_in_force
from coproduce.reporting.services import may_report, reports_completion_match, window_of
from coproduce.reporting.windows import report_state
from coproduce.scoring import catalogue as scoring_catalogue

RECENT = dt.timedelta(days=30)
UPCOMING_SHOWN = 10
UPCOMING_LOOKAHEAD = dt.timedelta(days=60)


def start_url(patient_id: int, instrument_code: str) -> str:
    """Where a report is filled in. The questionnaire pages may not exist yet: then no link."""
    try:
        return reverse(
            "questionnaires:start",
            kwargs={"patient_id": patient_id, "instrument_code": instrument_code},
        )
    except NoReverseMatch:
        return ""


# Plain names for patients when a report has no schedule title (e.g. one a clinician asked
# for); other instruments show their catalogue title.
PLAIN_TITLES = {
    "phq-9": _lazy("Mood questionnaire (PHQ-9)"),
    "phq-2": _lazy("Short mood questionnaire (PHQ-2)"),
    "gad-7": _lazy("Worry questionnaire (GAD-7)"),
    "gad-2": _lazy("Short worry questionnaire (GAD-2)"),
    "eq-5d-5l": _lazy("Your health today (EQ-5D)"),
    "visit-experience": _lazy("Tell us about your visit"),
    "pro-ctcae": _lazy("Symptom check"),
    "ibd-flare-diary": _lazy("Bowel diary"),
    "ra-flare-diary": _lazy("Joint diary"),
}


def instrument_titles() -> dict[str, str]:
    titles = {spec.code: spec.title for spec in scoring_catalogue()}
    return {**titles, **{code: str(title) for code, title in PLAIN_TITLES.items()}}


def when_words(at: dt.datetime, zone: ZoneInfo, reference: dt.datetime) -> str:
    """A time in plain words on the patient's 24-hour clock: "today at 09:00", "tomorrow
    at 18:00", "yesterday at 09:00", "Monday 7 December at 09:00"."""
    local = at.astimezone(zone)
    days = (local.date() - reference.astimezone(zone).date()).days
    time = local.strftime("%H:%M")
    if days == 0:
        return _("today at %(time)s") % {"time": time}
    if days == 1:
        return _("tomorrow at %(time)s") % {"time": time}
    if days == -1:
        return _("yesterday at %(time)s") % {"time": time}
    day = formats.date_format(local.date(), "l j F")
    return _("%(day)s at %(time)s") % {"day": day, "time": time}


@dataclass(frozen=True)
class ReportItem:
    due_report_id: int
    instrument_code: str
    title: str
    programme: str
    state: str  # upcoming, due, overdue, missed, completed, cancelled
    opens_at: dt.datetime
    due_at: dt.datetime
    closes_at: dt.datetime
    due_words: str  # e.g. "tomorrow at 9:00", on the patient's clock
    opens_words: str
    closes_words: str
    start_url: str  # "" when the patient cannot start it (yet)
    snoozed_until_words: str


@dataclass(frozen=True)
class MyReports:
    due_now: list[ReportItem]
    overdue: list[ReportItem]
    upcoming: list[ReportItem]
    completed: list[ReportItem]
    missed: list[ReportItem]
    preferences: Preferences
    may_report: bool


@dataclass(frozen=True)
class ReportsSummary:
    """For the patient home: what is due now, what is overdue, and the next one coming."""

    due_now: list[ReportItem]
    overdue: list[ReportItem]
    next_upcoming: ReportItem | None

    @property
    def count_waiting(self) -> int:
        return len(self.due_now) + len(self.overdue)


def _items(access: PatientAccess, reports: list[DueReport], prefs: Preferences) -> list[ReportItem]:
    at = now()
    zone = prefs.zone
    titles = instrument_titles()
    # A response submitted since the reporting job last ran already counts.
    fresh = reports_completion_match(
        [r for r in reports if r.status == DueStatus.PENDING and r.opens_at <= at]
    )
    can_start = may_report(access)
    items = []
    for report in reports:
        if report.status == DueStatus.PENDING:
            state = report_state(window_of(report), at, completed=report.pk in fresh)
        elif report.status == DueStatus.COMPLETED:
            state = "completed"
        else:
            state = report.status
        open_now = state in ("due", "overdue")
        schedule = report.schedule
        snoozed = report.snoozed_until
        if snoozed is not None and snoozed <= at:
            snoozed = None
        items.append(
            ReportItem(
                due_report_id=report.pk,
                instrument_code=report.instrument_code,
                title=(schedule.title if schedule and schedule.title else "")
                or titles.get(report.instrument_code, report.instrument_code),
                programme=report.enrolment.programme.title,
                state=state,
                opens_at=report.opens_at,
                due_at=report.due_at,
                closes_at=report.closes_at,
                due_words=when_words(report.due_at, zone, at),
                opens_words=when_words(report.opens_at, zone, at),
                closes_words=when_words(report.closes_at, zone, at),
                start_url=start_url(report.patient_id, report.instrument_code)
                if open_now and can_start
                else "",
                snoozed_until_words=when_words(snoozed, zone, at) if snoozed else "",
            )
        )
    return items


def _reports_in_view(access: PatientAccess) -> list[DueReport]:
    at = now()
    return list(
        DueReport.objects.filter(
            patient=access.patient,
            closes_at__gte=at - RECENT,
            opens_at__lte=at + UPCOMING_LOOKAHEAD,
        )
        .exclude(status=DueStatus.CANCELLED)
        .select_related("schedule", "enrolment__programme")
        .order_by("due_at", "pk")
    )


def _preferences(access: PatientAccess) -> Preferences:
    row = ReportingPreference.objects.filter(patient=access.patient).first()
    return preferences_in_force(access.patient, row)


def reports_for(access: PatientAccess) -> MyReports:
    """The patient's reports by state: due now, overdue, upcoming, recently completed and
    recently missed (audited)."""
    prefs = _preferences(access)
    items = _items(access, _reports_in_view(access), prefs)
    audit_record(
        actor=access.user,
        action=AuditAction.SEARCH,
        entity_type="DueReport",
        patient_id=access.patient.pk,
        detail={"count": len(items)},
    )

    def having(state: str) -> list[ReportItem]:
        return [i for i in items if i.state == state]

    return MyReports(
        due_now=having("due"),
        overdue=having("overdue"),
        upcoming=having("upcoming")[:UPCOMING_SHOWN],
        completed=sorted(having("completed"), key=lambda i: i.due_at, reverse=True),
        missed=sorted(having("missed"), key=lambda i: i.due_at, reverse=True),
        preferences=prefs,
        may_report=may_report(access),
    )


def reports_summary(access: PatientAccess) -> ReportsSummary:
    """For the patient home page: due now, overdue and the next upcoming report, each with
    its title, due time in plain words on the patient's clock and start link (audited)."""
    reports = reports_for(access)
    return ReportsSummary(
        due_now=reports.due_now,
        overdue=reports.overdue,
        next_upcoming=reports.upcoming[0] if reports.upcoming else None,
    )


def preferences_for(access: PatientAccess) -> tuple[Preferences, ReportingPreference | None]:
    """The reminder preferences in force, and the saved row if there is one (audited)."""
    row = ReportingPreference.objects.filter(patient=access.patient).first()
    audit_record(
        actor=access.user,
        action=AuditAction.READ,
        entity_type="ReportingPreference",
        patient_id=access.patient.pk,
    )
    return preferences_in_force(access.patient, row), row


def notifications_for(user: User, *, limit: int = 50) -> list[Notification]:
    """The user's own in-app messages, unread first then newest first. They hold no
    clinical details, only plain words and a link."""
    return list(
        Notification.objects.filter(recipient=user)
        .select_related("patient")
        .order_by("read_at", "-created_at", "-pk")[:limit]
    )


def unread_notification_count(user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def notification_of(user: User, notification_id: object) -> Notification | None:
    """One of the user's own messages (never another user's)."""
    pk = as_pk(notification_id)
    if pk is None:
        return None
    return Notification.objects.filter(recipient=user, pk=pk).first()


def clock_zone_for(user: User) -> str:
    """The time zone to show a user's own messages in: a patient's reminder zone, else the
    site's."""
    from django.conf import settings

    from coproduce.patients.models import Patient

    patient = Patient.objects.filter(user=user).select_related("home_unit").first()
    if patient is None:
        return settings.TIME_ZONE
    return preferences_in_force(patient).time_zone


def due_report_for_access(access: PatientAccess, due_report_id: object) -> DueReport | None:
    """One of this patient's reports, or None (also for another patient's id)."""
    pk = as_pk(due_report_id)
    if pk is None:
        return None
    return DueReport.objects.filter(patient=access.patient, pk=pk).first()

"""Demo reporting data for `seed --demo`: schedules from the programme files, a visit in
the coming weeks, and reports in every state for the demo patient and the child, so the
"My reports" pages and the carer's view show something real. Call once on a fresh demo,
after the demo network, patients and carer grants exist."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from coproduce.accounts.models import User
from coproduce.core.clock import now
from coproduce.patients.models import Enrolment, EnrolmentStatus, Patient
from coproduce.reporting import services
from coproduce.reporting.models import DueReport
from coproduce.reporting.preferences import preferences_in_force
from coproduce.reporting.windows import Window, local_datetime
from coproduce.visits.services import visit_schedule

NINE = dt.time(9, 0)
VISIT_IN_DAYS = 12


def _window(day: dt.date, zone, *, open_days: int, close_days: int) -> Window:
    return Window(
        opens_at=local_datetime(day - dt.timedelta(days=open_days), NINE, zone),
        due_at=local_datetime(day, NINE, zone),
        closes_at=local_datetime(day + dt.timedelta(days=close_days), NINE, zone),
    )


def _first_instrument(enrolment: Enrolment, preferred: tuple[str, ...]) -> str:
    codes = [i["code"] for i in enrolment.programme.definition.get("instruments", [])]
    return next((code for code in preferred if code in codes), codes[0])


def _reports_for(
    patient: Patient, end_date: dt.date, *, overdue: bool, missed: bool
) -> DueReport | None:
    """Reports in set states for the patient's first open enrolment; returns the one due
    now."""
    enrolment = (
        Enrolment.objects.filter(patient=patient, status=EnrolmentStatus.ACTIVE)
        .select_related("programme")
        .order_by("pk")
        .first()
    )
    if enrolment is None:
        return None
    zone = preferences_in_force(patient).zone
    questionnaire = _first_instrument(enrolment, ("phq-9", "eq-5d-5l", "pro-ctcae"))
    add = services.due_report_add
    # Due now: opened yesterday morning, due tomorrow morning.
    due_now = add(
        actor=None,
        enrolment=enrolment,
        instrument_code=questionnaire,
        window=_window(end_date + dt.timedelta(days=1), zone, open_days=2, close_days=3),
    )
    if overdue:
        add(
            actor=None,
            enrolment=enrolment,
            instrument_code="visit-experience",
            window=_window(end_date - dt.timedelta(days=1), zone, open_days=2, close_days=5),
        )
    if missed:
        add(
            actor=None,
            enrolment=enrolment,
            instrument_code=questionnaire,
            window=_window(end_date - dt.timedelta(days=10), zone, open_days=2, close_days=3),
        )
    return due_now


def demo_reporting_create(
    *, patient: Patient, carer: User, child: Patient, end_date: dt.date
) -> None:
    """Reports due now, overdue and missed for the demo patient, one due now for the child
    (the carer fills it in), a visit in the coming weeks with its before-visit report,
    upcoming reports from the programme schedules, and a couple of in-app messages."""
    adult_report = _reports_for(patient, end_date, overdue=True, missed=True)
    child_report = _reports_for(child, end_date, overdue=False, missed=False)
    zone = preferences_in_force(patient).zone
    visit_schedule(
        actor=None,
        patient=patient,
        unit=patient.home_unit,
        starts_at=local_datetime(
            end_date + dt.timedelta(days=VISIT_IN_DAYS), dt.time(10, 30), zone
        ),
    )
    # The programme files' schedules: monthly and before-visit reports coming up; the
    # missed report above is marked missed.
    services.schedules_ensure(
        enrolments=list(
            Enrolment.objects.filter(
                patient__in=[patient, child], status=EnrolmentStatus.ACTIVE
            ).select_related("programme", "patient")
        ),
        starts_at=now(),
    )
    services.due_reports_refresh()
    # In-app messages as the reminder job writes them.
    if patient.user is not None and adult_report is not None:
        services.notification_create(
            recipient=patient.user,
            patient=patient,
            text=services.reminder_text(adult_report),
            link=reverse("reporting:mine"),
        )
    if child_report is not None:
        services.notification_create(
            recipient=carer,
            patient=child,
            text=services.reminder_text(child_report),
            link=reverse("reporting:reports", kwargs={"patient_id": child.pk}),
        )

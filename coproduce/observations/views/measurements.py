"""Home measurements and the self-dialysis log, for patients on phones, their carers and
clinicians. Every page checks access to the patient first (patient_for_user); what a user
may record into is decided by the services (measurements.streams_for)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from coproduce.access.models import CarerScope
from coproduce.access.policy import PatientAccess
from coproduce.accounts.decorators import role_required
from coproduce.accounts.models import Role
from coproduce.alerts.patient_view import (
    next_steps_for,
    report_raised_alerts,
    source_from_param,
)
from coproduce.core.clock import now
from coproduce.observations import dialysis, measurements
from coproduce.observations.measurement_forms import (
    DIALYSIS_FIELD_FOR,
    DialysisSessionForm,
    MeasurementForm,
)
from coproduce.observations.selectors import dialysis_sessions, home_measurements
from coproduce.observations.views.measurement_rows import measurement_rows, session_rows
from coproduce.observations.views.pages import unit_zone
from coproduce.patients.forms import add_service_errors
from coproduce.patients.models import EnrolmentStatus
from coproduce.patients.selectors import enrolments_for, own_patient_access, patient_for_user
from coproduce.skills.selectors import reviews_by_session

REPORTING_ROLES = (Role.PATIENT, Role.CARER, Role.CLINICIAN)
DIALYSIS_PROGRAMME = "kidney-dialysis"
RECENT_SHOWN = 40
SESSIONS_SHOWN = 20


def local_now(access: PatientAccess):
    """Now, to the minute, in the patient's time zone (the default 'time taken')."""
    return timezone.localtime(now(), unit_zone(access.patient)).replace(second=0, microsecond=0)


def reporting_access(request: HttpRequest, patient_id: int) -> tuple[PatientAccess, list[str]]:
    access = patient_for_user(request.user, patient_id, purpose="home-measurement")
    streams = measurements.streams_for(access)
    if not streams:
        raise PermissionDenied(_("You cannot record measurements for this person."))
    return access, streams


def back_url(access: PatientAccess) -> str:
    """Where the person came from: their own home, the carer's page for this person, or the
    clinician's record."""
    if access.as_role == Role.PATIENT:
        return reverse("patients:my_home")
    if access.as_role == Role.CARER:
        return reverse("patients:carer_patient", kwargs={"patient_id": access.patient.pk})
    return reverse("patients:patient_detail", kwargs={"patient_id": access.patient.pk})


def after_report_url(name: str, access: PatientAccess, report) -> str:
    """The list page; told which report was just saved when it needs the care team, so the
    page can say what happens next (`report`: an Observation or a DialysisSession)."""
    source = getattr(report, "reference", None) or f"Observation/{report.pk}"
    url = reverse(name, kwargs={"patient_id": access.patient.pk})
    if not report_raised_alerts(access, source):
        return url
    return f"{url}?{urlencode({'after': source})}"


def next_steps_after(request: HttpRequest, access: PatientAccess):
    """What happens next about the report named by `?after=` (patient and carer only)."""
    source = source_from_param(request.GET.get("after", ""))
    if source is None or access.as_role == Role.CLINICIAN:
        return None
    return next_steps_for(access, source)


def on_dialysis(access: PatientAccess) -> bool:
    """Whether to offer the self-dialysis log: an open kidney dialysis enrolment."""
    return any(
        e.programme.code == DIALYSIS_PROGRAMME and e.status != EnrolmentStatus.ENDED
        for e in enrolments_for(access)
    )


def time_field(field, access: PatientAccess) -> None:
    """A time typed in the patient's zone, no later than now (the browser's hint; the
    service refuses future times)."""
    field.widget.attrs["max"] = local_now(access).strftime("%Y-%m-%dT%H:%M")
    field.help_text = _("Your local time (%(zone)s). Change it if it was earlier.") % {
        "zone": access.patient.home_unit.time_zone
    }


def page_context(access: PatientAccess) -> dict:
    patient = access.patient
    return {
        "patient": patient,
        "access": access,
        "is_self": access.as_role == Role.PATIENT,
        "zone": patient.home_unit.time_zone,
        "back_url": back_url(access),
    }


@role_required(*REPORTING_ROLES)
@require_http_methods(["GET", "POST"])
def measurement_add(request: HttpRequest, patient_id: int) -> HttpResponse:
    """Choose what to record, then one form for it (all parts saved together or none)."""
    access, streams = reporting_access(request, patient_id)
    slug = request.POST.get("kind") if request.method == "POST" else request.GET.get("kind")
    measurement = measurements.KINDS.get(slug or "")
    if measurement is None:
        return render(
            request,
            "observations/measurement_choose.html",
            {
                **page_context(access),
                "kinds": list(measurements.KINDS.values()),
                "on_dialysis": on_dialysis(access),
            },
        )
    with timezone.override(unit_zone(access.patient)):
        form = MeasurementForm(
            request.POST if request.method == "POST" else None,
            measurement=measurement,
            streams=streams,
            preferences=measurements.unit_preferences(request.user),
            patient_name=access.patient.given_name,
            role=access.as_role,
            initial={"effective_at": local_now(access)},
        )
        time_field(form.fields["effective_at"], access)
        if request.method == "POST" and form.is_valid():
            try:
                rows = measurements.measurement_record(
                    access=access,
                    kind=measurement.slug,
                    values=form.cleaned_data["values"],
                    effective_at=form.cleaned_data["effective_at"],
                    stream=form.chosen_stream(),
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("%(what)s saved.") % {"what": measurement.title})
                return redirect(after_report_url("observations:measurement_list", access, rows[0]))
        return render(
            request,
            "observations/measurement_add.html",
            {**page_context(access), "form": form, "measurement": measurement},
        )


@role_required(*REPORTING_ROLES)
@require_GET
def measurement_list(request: HttpRequest, patient_id: int) -> HttpResponse:
    """Recent home measurements: the patient's own stream, and, apart, carers' own."""
    access = patient_for_user(request.user, patient_id, purpose="home-measurement")
    preferences = measurements.unit_preferences(request.user)
    patient_user_id = access.patient.user_id
    own = measurement_rows(
        home_measurements(access, sources=("patient", "device"), limit=RECENT_SHOWN),
        preferences,
        patient_user_id,
    )
    carers = measurement_rows(
        home_measurements(access, sources=("carer",), limit=RECENT_SHOWN),
        preferences,
        patient_user_id,
    )
    with timezone.override(unit_zone(access.patient)):
        return render(
            request,
            "observations/measurement_list.html",
            {
                **page_context(access),
                "own_rows": own,
                "carer_rows": carers,
                "can_record": bool(measurements.streams_for(access)),
                "on_dialysis": on_dialysis(access),
                "next_steps": next_steps_after(request, access),
            },
        )


@role_required(Role.PATIENT)
@require_GET
def my_measurements(request: HttpRequest) -> HttpResponse:
    """The logged-in patient's own measurements (a link that needs no record id)."""
    access = own_patient_access(request.user, purpose="home-measurement")
    if access is None:
        return render(request, "patients/no_record.html")
    return redirect("observations:measurement_list", patient_id=access.patient.pk)


@role_required(*REPORTING_ROLES)
@require_http_methods(["GET", "POST"])
def dialysis_session_add(request: HttpRequest, patient_id: int) -> HttpResponse:
    """Log one self-dialysis session; every value is saved, or none."""
    access, streams = reporting_access(request, patient_id)
    with timezone.override(unit_zone(access.patient)):
        form = DialysisSessionForm(
            request.POST if request.method == "POST" else None,
            streams=streams,
            preferences=measurements.unit_preferences(request.user),
            patient_name=access.patient.given_name,
            role=access.as_role,
            # Filled in after the session: a usual 4-hour session that has just ended.
            initial={
                "started_at": local_now(access) - dt.timedelta(hours=4),
                "duration_hours": "4",
            },
        )
        form.fields["started_at"].widget.attrs["max"] = local_now(access).strftime("%Y-%m-%dT%H:%M")
        if request.method == "POST" and form.is_valid():
            try:
                session = dialysis.dialysis_session_record(
                    access=access,
                    entry=form.cleaned_data["entry"],
                    submission_key=form.cleaned_data["submission_key"],
                    stream=form.chosen_stream(),
                )
            except ValidationError as error:
                add_service_errors(form, error, DIALYSIS_FIELD_FOR)
            else:
                messages.success(request, _("The dialysis session was saved."))
                return redirect(
                    after_report_url("observations:dialysis_session_list", access, session)
                )
        return render(
            request,
            "observations/measurement_dialysis_add.html",
            {**page_context(access), "form": form},
        )


@role_required(*REPORTING_ROLES)
@require_GET
def dialysis_session_list(request: HttpRequest, patient_id: int) -> HttpResponse:
    """The patient's recent self-dialysis sessions, newest first."""
    access = patient_for_user(request.user, patient_id, purpose="home-measurement")
    rows = session_rows(
        dialysis_sessions(access, limit=SESSIONS_SHOWN),
        measurements.unit_preferences(request.user),
        access.patient.user_id,
    )
    # A clinician's countersignatures and queries, shown with each session (coproduce.skills).
    reviews = reviews_by_session(access, [row.session.pk for row in rows])
    rows = [(row, reviews[row.session.pk]) for row in rows]
    with timezone.override(unit_zone(access.patient)):
        return render(
            request,
            "observations/measurement_dialysis_list.html",
            {
                **page_context(access),
                "rows": rows,
                "can_record": bool(measurements.streams_for(access)),
                # Self-management skills are part of the care plan (coproduce.skills).
                "may_see_skills": access.as_role == Role.CLINICIAN
                or access.can(CarerScope.CARE_PLAN),
                "next_steps": next_steps_after(request, access),
            },
        )

"""Pages for patients and carers: "My reports", "remind me later", reminder preferences and
the in-app messages list."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coproduce.access.policy import PatientAccess
from coproduce.accounts.decorators import role_required
from coproduce.accounts.models import Role
from coproduce.patients.forms import add_service_errors
from coproduce.patients.selectors import own_patient_access, patient_for_user
from coproduce.patients.views.me import no_record
from coproduce.reporting import services
from coproduce.reporting.forms import PreferencesForm, SnoozeForm
from coproduce.reporting.selectors import (
    clock_zone_for,
    due_report_for_access,
    notification_of,
    notifications_for,
    preferences_for,
    reports_for,
)
from coproduce.reporting.services import may_set_preferences


def reports_url(access: PatientAccess) -> str:
    if access.as_role == Role.PATIENT:
        return reverse("reporting:mine")
    return reverse("reporting:reports", kwargs={"patient_id": access.patient.pk})


def render_reports(request: HttpRequest, access: PatientAccess) -> HttpResponse:
    return render(
        request,
        "reporting/reports.html",
        {
            "patient": access.patient,
            "access": access,
            "own": access.as_role == Role.PATIENT,
            "reports": reports_for(access),
            "may_set_preferences": may_set_preferences(access),
            "snooze_hours": services.SNOOZE_HOURS,
        },
    )


@role_required(Role.PATIENT)
@require_GET
def my_reports(request: HttpRequest) -> HttpResponse:
    """The patient's own reports: due now, overdue, coming up, done and missed."""
    access = own_patient_access(request.user, purpose="my-reports")
    if access is None:
        return no_record(request)
    return render_reports(request, access)


@role_required(Role.PATIENT, Role.CARER)
@require_GET
def patient_reports(request: HttpRequest, patient_id: int) -> HttpResponse:
    """One patient's reports, for the patient or a carer who may see them."""
    access = patient_for_user(request.user, patient_id, purpose="reports")
    return render_reports(request, access)


@role_required(Role.PATIENT, Role.CARER)
@require_POST
def snooze(request: HttpRequest, patient_id: int, due_report_id: int) -> HttpResponse:
    """Remind me later: pause reminders for one report for a few hours. Another patient's
    report, or one that does not exist, is "not found"."""
    access = patient_for_user(request.user, patient_id, purpose="snooze")
    if due_report_for_access(access, due_report_id) is None:
        raise Http404(_("There is no such questionnaire."))
    form = SnoozeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose how long to wait."))
        return redirect(reports_url(access))
    try:
        services.due_report_snooze(
            access=access, due_report_id=due_report_id, hours=form.cleaned_data["hours"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        hours = form.cleaned_data["hours"]
        messages.success(
            request,
            ngettext(
                "We will remind you again in %(n)d hour at the earliest.",
                "We will remind you again in %(n)d hours at the earliest.",
                hours,
            )
            % {"n": hours},
        )
    return redirect(reports_url(access))


@role_required(Role.PATIENT, Role.CARER)
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest, patient_id: int) -> HttpResponse:
    """When and how reminders are sent: time zone, quiet hours, channels and how many."""
    access = patient_for_user(request.user, patient_id, purpose="reminder-preferences")
    if not may_set_preferences(access):
        raise PermissionDenied(_("You cannot change reminders for this person."))
    current, _row = preferences_for(access)
    initial = {
        "time_zone": current.time_zone,
        "quiet_start": current.quiet.start if current.quiet else None,
        "quiet_end": current.quiet.end if current.quiet else None,
        "channels": [
            channel
            for channel, on in (
                ("app", current.by_app),
                ("email", current.by_email),
                ("sms", current.by_sms),
            )
            if on
        ],
        "reminder_cap": current.reminder_cap,
    }
    form = PreferencesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.preferences_update(
                access=access,
                time_zone=data["time_zone"],
                quiet_start=data["quiet_start"],
                quiet_end=data["quiet_end"],
                by_app="app" in data["channels"],
                by_email="email" in data["channels"],
                by_sms="sms" in data["channels"],
                reminder_cap=data["reminder_cap"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your reminder choices are saved."))
            return redirect(reports_url(access))
    return render(
        request,
        "reporting/preferences.html",
        {
            "form": form,
            "patient": access.patient,
            "own": access.as_role == Role.PATIENT,
            "back_url": reports_url(access),
        },
        status=400 if request.method == "POST" else 200,
    )


@role_required(Role.PATIENT, Role.CARER, Role.CLINICIAN)
@require_GET
def notifications(request: HttpRequest) -> HttpResponse:
    """The user's messages in the app, unread first."""
    rows = notifications_for(request.user)
    return render(
        request,
        "reporting/notifications.html",
        {
            "notifications": rows,
            "unread": sum(1 for n in rows if n.read_at is None),
            "zone": clock_zone_for(request.user),
        },
    )


def safe_link(request: HttpRequest, link: str) -> str:
    if link and url_has_allowed_host_and_scheme(link, allowed_hosts={request.get_host()}):
        return link
    return reverse("reporting:notifications")


@role_required(Role.PATIENT, Role.CARER, Role.CLINICIAN)
@require_POST
def notification_read(request: HttpRequest, notification_id: int) -> HttpResponse:
    """Mark one of the user's messages read; with `open=1`, go on to where it points.
    Another user's message is "not found"."""
    notification = notification_of(request.user, notification_id)
    if notification is None:
        raise Http404(_("There is no such message."))
    services.notification_mark_read(user=request.user, notification_id=notification.pk)
    if request.POST.get("open") == "1":
        return redirect(safe_link(request, notification.link))
    return redirect("reporting:notifications")


@role_required(Role.PATIENT, Role.CARER, Role.CLINICIAN)
@require_POST
def notifications_read_all(request: HttpRequest) -> HttpResponse:
    count = services.notifications_mark_all_read(user=request.user)
    if count:
        messages.success(request, _("All messages are marked as read."))
    return redirect("reporting:notifications")

"""Visit preparation: the patient's agenda for an upcoming visit (patient, or a carer who
may work on the care plan) and the clinician's pre-visit summary. Access is checked by
`patient_for_user` before anything is read; visits are looked up only within that access."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coproduce.access.policy import PatientAccess
from coproduce.accounts.decorators import role_required
from coproduce.accounts.models import Role
from coproduce.core.clock import now
from coproduce.patients.selectors import patient_for_user
from coproduce.reporting.services import visit_reports_update
from coproduce.visits import selectors, services
from coproduce.visits import shared_screen as shared
from coproduce.visits.forms import AgendaForm, VisitBookForm
from coproduce.visits.models import Visit, VisitStatus


def zone_of(access: PatientAccess) -> ZoneInfo:
    return ZoneInfo(access.patient.home_unit.time_zone)


def visit_in_record(access: PatientAccess, visit_id: int) -> Visit:
    visit = selectors.visit_for_access(access, visit_id)
    if visit is None:
        raise Http404
    return visit


@role_required(Role.PATIENT, Role.CARER)
@require_http_methods(["GET", "POST"])
def agenda_edit(request: HttpRequest, patient_id: int, visit_id: int) -> HttpResponse:
    """Write or change the agenda for an upcoming visit; read-only once it has started."""
    access = patient_for_user(request.user, patient_id, purpose="visit-agenda")
    if not services.may_write_agenda(access):
        raise PermissionDenied(_("You cannot write this person's visit agenda."))
    visit = visit_in_record(access, visit_id)
    agenda = selectors.agenda_for(access, visit)
    is_open = services.agenda_is_open(visit)
    form = AgendaForm(
        request.POST if request.method == "POST" and is_open else None,
        initial=AgendaForm.initial_for(agenda),
    )
    if request.method == "POST" and not is_open:
        messages.error(request, _("This visit has started, so its agenda cannot change."))
    elif request.method == "POST" and form.is_valid():
        try:
            services.agenda_save(
                access=access,
                visit=visit,
                concerns=form.concerns(),
                questions=form.cleaned_data["questions"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your agenda was saved. Your care team will see it."))
            return redirect("visits:agenda", patient_id=access.patient.pk, visit_id=visit.pk)
    with timezone.override(zone_of(access)):
        return render(
            request,
            "visits/agenda_form.html",
            {
                "patient": access.patient,
                "access": access,
                "visit": visit,
                "agenda": agenda,
                "is_open": is_open,
                "form": form,
                "max_concern": services.CONCERN_MAX,
            },
        )


@role_required(Role.CLINICIAN)
@require_GET
def visit_list(request: HttpRequest, patient_id: int) -> HttpResponse:
    """The patient's upcoming and recent visits, each with its pre-visit summary."""
    access = patient_for_user(request.user, patient_id, purpose="visits")
    with timezone.override(zone_of(access)):
        return render(
            request,
            "visits/visit_list.html",
            {
                "patient": access.patient,
                "upcoming": selectors.visits_upcoming(access, limit=20),
                "recent": selectors.visits_recent(access, limit=10),
            },
        )


@role_required(Role.CLINICIAN)
@require_GET
def pre_visit_summary(request: HttpRequest, patient_id: int, visit_id: int) -> HttpResponse:
    """What changed since the last visit (scores, alerts, questionnaires, goals) and the
    patient's agenda."""
    access = patient_for_user(request.user, patient_id, purpose="pre-visit-summary")
    visit = visit_in_record(access, visit_id)
    summary = selectors.pre_visit_summary(access, visit)
    with timezone.override(zone_of(access)):
        return render(
            request,
            "visits/pre_visit_summary.html",
            {"patient": access.patient, "visit": visit, "summary": summary},
        )


@role_required(Role.CLINICIAN)
@require_http_methods(["GET", "POST"])
def visit_book(request: HttpRequest, patient_id: int) -> HttpResponse:
    """Book a visit at one of the patient's units with a clinician who works there. The
    questionnaires due before it are created at once."""
    access = patient_for_user(request.user, patient_id, purpose="visits")
    units, clinicians = selectors.booking_choices(access)
    form = VisitBookForm(
        request.POST or None,
        units=units,
        clinicians=clinicians,
        initial={"unit": access.patient.home_unit_id, "clinician": request.user.pk},
    )
    if request.method == "POST" and form.is_valid():
        unit = form.units[form.cleaned_data["unit"]]
        zone = ZoneInfo(unit.time_zone)
        starts_at = dt.datetime.combine(
            form.cleaned_data["day"], form.cleaned_data["time"], tzinfo=zone
        )
        if starts_at <= now():
            form.add_error("day", _("Choose a date and time from now on."))
        else:
            try:
                visit = services.visit_schedule(
                    actor=request.user,
                    patient=access.patient,
                    unit=unit,
                    starts_at=starts_at,
                    clinician=form.clinicians[form.cleaned_data["clinician"]][0],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                visit_reports_update(actor=request.user, visit=visit)
                messages.success(request, _("The visit was booked."))
                return redirect("visits:visit_list", patient_id=access.patient.pk)
    return render(request, "visits/visit_form.html", {"patient": access.patient, "form": form})


@role_required(Role.CLINICIAN)
@require_POST
def visit_status(request: HttpRequest, patient_id: int, visit_id: int) -> HttpResponse:
    """Mark a booked visit done (once it has started) or cancelled. Questionnaires due after
    it open, or those due before a cancelled one are cancelled, at once."""
    access = patient_for_user(request.user, patient_id, purpose="visits")
    visit = visit_in_record(access, visit_id)
    status = request.POST.get("status", "")
    try:
        if status == VisitStatus.DONE:
            if visit.starts_at > now():
                raise ValidationError(_("A visit can be marked done once it has started."))
            visit = services.visit_mark_done(actor=request.user, visit=visit)
            done = _("The visit was marked done.")
        elif status == VisitStatus.CANCELLED:
            visit = services.visit_cancel(actor=request.user, visit=visit)
            done = _("The visit was cancelled.")
        else:
            raise ValidationError(_("Choose whether the visit was done or cancelled."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        visit_reports_update(actor=request.user, visit=visit)
        messages.success(request, done)
    return redirect("visits:pre_visit_summary", patient_id=access.patient.pk, visit_id=visit.pk)


def leave_url(access: PatientAccess, visit: Visit) -> str:
    """Where "Leave the shared screen" goes: the visit for a clinician, My health for the
    patient, the carer's page of the patient for a carer."""
    if access.as_role == Role.CLINICIAN:
        return reverse(
            "visits:pre_visit_summary",
            kwargs={"patient_id": access.patient.pk, "visit_id": visit.pk},
        )
    if access.as_role == Role.CARER:
        return reverse("patients:carer_patient", kwargs={"patient_id": access.patient.pk})
    return reverse("patients:my_home")


@role_required(Role.PATIENT, Role.CARER, Role.CLINICIAN)
@require_GET
def shared_screen(request: HttpRequest, patient_id: int, visit_id: int) -> HttpResponse:
    """The shared visit screen in presentation mode: large type, no site navigation and
    nothing about other patients. Clinicians who may see the patient, the patient, and
    carers allowed to work on the care plan."""
    access = patient_for_user(request.user, patient_id, purpose=shared.PURPOSE)
    if not shared.may_see_shared_screen(access):
        raise PermissionDenied(_("You cannot see this person's care plan."))
    visit = visit_in_record(access, visit_id)
    context = {
        "patient": access.patient,
        "access": access,
        "visit": visit,
        "own_view": access.as_role == Role.PATIENT,
        "leave_url": leave_url(access, visit),
    }
    with timezone.override(zone_of(access)):
        if not shared.visit_is_shown(visit):
            return render(request, "visits/shared/cancelled.html", context)
        screen = shared.shared_screen_read(access, visit)
        return render(request, "visits/shared/screen.html", {**context, "screen": screen})

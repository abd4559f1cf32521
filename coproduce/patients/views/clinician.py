"""Pages for clinicians: the patient list, a new patient, and the patient record."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coproduce.access.models import ConsentKind
from coproduce.access.policy import PatientAccess
from coproduce.access.selectors import carer_grant_rows, consents_in_force
from coproduce.access.services import ADULT_AGE
from coproduce.accounts.decorators import role_required
from coproduce.accounts.models import Role
from coproduce.core.clock import today
from coproduce.network.selectors import staff_units
from coproduce.observations.selectors import observations_recent
from coproduce.observations.views.display import result_rows
from coproduce.patients import services
from coproduce.patients.forms import (
    CareTeamAddForm,
    EnrolmentEndForm,
    EnrolmentStartForm,
    PatientCreateForm,
    PatientSearchForm,
    add_service_errors,
)
from coproduce.patients.models import CareTeamRole, EnrolmentStatus
from coproduce.patients.selectors import (
    care_team_member_for_access,
    care_team_members,
    clinicians_for_care_team,
    enrolment_for_access,
    enrolments_for,
    measures_for,
    patient_for_user,
    patient_search,
)
from coproduce.programmes.selectors import programmes_all

SEARCH_LIMIT = 50
RECORD_OBSERVATIONS_SHOWN = 50


@role_required(Role.CLINICIAN)
@require_GET
def patient_list(request: HttpRequest) -> HttpResponse:
    """Patients this clinician may open, searched by name or identifier. An htmx request
    gets the results fragment only; without JavaScript the GET form reloads the page."""
    form = PatientSearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    patients = patient_search(request.user, query, limit=SEARCH_LIMIT)
    context = {
        "form": form,
        "query": query,
        "patients": patients,
        "capped": len(patients) >= SEARCH_LIMIT,
        "limit": SEARCH_LIMIT,
    }
    if request.htmx and not request.htmx.history_restore_request:
        return render(request, "patients/patient_list_results.html", context)
    return render(request, "patients/patient_list.html", context)


@role_required(Role.CLINICIAN)
@require_http_methods(["GET", "POST"])
def patient_create(request: HttpRequest) -> HttpResponse:
    units = staff_units(request.user)
    form = PatientCreateForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            patient = services.patient_create(
                actor=request.user, network=request.user.network, **data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The patient record was created."))
            return redirect("patients:patient_detail", patient_id=patient.pk)
    return render(request, "patients/patient_create.html", {"form": form, "has_units": units})


def record_context(request: HttpRequest, access: PatientAccess, **forms) -> dict:
    """Everything the record page shows; `forms` replaces a form that failed to submit."""
    user = request.user
    patient = access.patient
    failed_end = forms.get("end_form")  # (enrolment id, bound form) after a failed end
    enrolments = [
        (
            enrolment,
            failed_end[1]
            if failed_end and failed_end[0] == enrolment.pk
            else EnrolmentEndForm(prefix=f"end{enrolment.pk}"),
        )
        for enrolment in enrolments_for(access)
    ]
    return {
        "patient": patient,
        "age": patient.age_on(today()),
        "enrolments": enrolments,
        "enrol_form": forms.get("enrol_form")
        or EnrolmentStartForm(programmes=programmes_all(), units=staff_units(user)),
        "team": care_team_members(access),
        "team_form": forms.get("team_form")
        or CareTeamAddForm(clinicians=clinicians_for_care_team(access)),
        "grants": carer_grant_rows(access),
        "may_add_carer": patient.age_on(today()) < ADULT_AGE,
        "consents": [
            (ConsentKind(kind).label, given) for kind, given in consents_in_force(patient).items()
        ],
        "observations": result_rows(
            observations_recent(access, limit=RECORD_OBSERVATIONS_SHOWN), measures_for(access)
        ),
        "observations_shown": RECORD_OBSERVATIONS_SHOWN,
        "open_status": [EnrolmentStatus.ACTIVE, EnrolmentStatus.PAUSED],
    }


def clinician_access(request: HttpRequest, patient_id: int, purpose: str) -> PatientAccess:
    return patient_for_user(request.user, patient_id, purpose=purpose)


@role_required(Role.CLINICIAN)
@require_GET
def patient_detail(request: HttpRequest, patient_id: int) -> HttpResponse:
    access = clinician_access(request, patient_id, "care")
    return render(request, "patients/patient_detail.html", record_context(request, access))


def render_record(request: HttpRequest, access: PatientAccess, **forms) -> HttpResponse:
    return render(request, "patients/patient_detail.html", record_context(request, access, **forms))


@role_required(Role.CLINICIAN)
@require_POST
def enrolment_start(request: HttpRequest, patient_id: int) -> HttpResponse:
    access = clinician_access(request, patient_id, "care")
    form = EnrolmentStartForm(
        request.POST, programmes=programmes_all(), units=staff_units(request.user)
    )
    if form.is_valid():
        try:
            services.enrolment_start(
                actor=request.user, patient=access.patient, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The patient is enrolled."))
            return redirect("patients:patient_detail", patient_id=access.patient.pk)
    return render_record(request, access, enrol_form=form)


@role_required(Role.CLINICIAN)
@require_POST
def enrolment_end(request: HttpRequest, patient_id: int, enrolment_id: int) -> HttpResponse:
    access = clinician_access(request, patient_id, "care")
    enrolment = enrolment_for_access(access, enrolment_id)
    if enrolment is None or enrolment.status == EnrolmentStatus.ENDED:
        raise Http404
    form = EnrolmentEndForm(request.POST, prefix=f"end{enrolment.pk}")
    if form.is_valid():
        try:
            services.enrolment_end(
                actor=request.user, enrolment=enrolment, ended_on=form.cleaned_data["ended_on"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The enrolment has ended."))
            return redirect("patients:patient_detail", patient_id=access.patient.pk)
    return render_record(request, access, end_form=(enrolment.pk, form))


@role_required(Role.CLINICIAN)
@require_POST
def care_team_add(request: HttpRequest, patient_id: int) -> HttpResponse:
    access = clinician_access(request, patient_id, "care")
    form = CareTeamAddForm(request.POST, clinicians=clinicians_for_care_team(access))
    if form.is_valid():
        try:
            services.care_team_member_add(
                actor=request.user,
                patient=access.patient,
                user=form.cleaned_data["user"],
                role=CareTeamRole.CLINICIAN,
                is_lead=form.cleaned_data["is_lead"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The clinician was added to the care team."))
            return redirect("patients:patient_detail", patient_id=access.patient.pk)
    return render_record(request, access, team_form=form)


@role_required(Role.CLINICIAN)
@require_POST
def care_team_remove(request: HttpRequest, patient_id: int, member_id: int) -> HttpResponse:
    access = clinician_access(request, patient_id, "care")
    member = care_team_member_for_access(access, member_id)
    if member is None or member.role != CareTeamRole.CLINICIAN:
        raise Http404
    services.care_team_member_remove(actor=request.user, member=member)
    messages.success(request, _("The clinician was removed from the care team."))
    return redirect("patients:patient_detail", patient_id=access.patient.pk)

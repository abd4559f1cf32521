"""Countersigning patient-documented procedures: the clinician's list of self-dialysis
sessions waiting for countersignature, and the review of one session (countersign, or ask a
question the patient sees). Access is checked by `patient_for_user` before anything is read;
sessions are looked up only within that access, so another patient's session is a 404."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coproduce.access.models import CarerScope
from coproduce.accounts.decorators import role_required
from coproduce.accounts.models import Role
from coproduce.observations.measurements import unit_preferences
from coproduce.observations.views.measurement_rows import session_rows
from coproduce.observations.views.pages import unit_zone
from coproduce.patients.forms import add_service_errors
from coproduce.patients.selectors import own_patient_access, patient_for_user
from coproduce.skills import selectors, services
from coproduce.skills.forms import (
    ChecklistAssignForm,
    PracticeNoteForm,
    SessionReviewForm,
    StepLevelForm,
)


@role_required(Role.CLINICIAN)
@require_GET
def countersign_queue(request: HttpRequest) -> HttpResponse:
    """Sessions logged by patients or carers that wait for a clinician's countersignature."""
    sessions = selectors.sessions_to_countersign(request.user)
    return render(request, "skills/countersign_queue.html", {"sessions": sessions})


@role_required(Role.CLINICIAN)
@require_http_methods(["GET", "POST"])
def session_review(request: HttpRequest, patient_id: int, session_id: int) -> HttpResponse:
    """One session as recorded, its reviews so far, and the countersign or query form."""
    access = patient_for_user(request.user, patient_id, purpose="countersign")
    session = selectors.session_for_access(access, session_id)
    if session is None:
        raise Http404
    form = SessionReviewForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.session_review(
                access=access,
                session=session,
                kind=form.cleaned_data["kind"],
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your review is saved."))
            return redirect(reverse("skills:countersign_queue"))
    reviews = selectors.reviews_by_session(access, [session.pk])[session.pk]
    row = session_rows(
        [(session, selectors.session_values(access, session))],
        unit_preferences(request.user),
        access.patient.user_id,
    )[0]
    with timezone.override(unit_zone(access.patient)):
        return render(
            request,
            "skills/session_review.html",
            {
                "patient": access.patient,
                "r": row,
                "reviews": reviews,
                "signed": selectors.countersignature(reviews),
                "form": form,
            },
        )


# --- Competency checklists -----------------------------------------------------------------


def checklist_in_record(access, assignment_id: int) -> selectors.ChecklistView:
    view = selectors.assignment_for_access(access, assignment_id)
    if view is None:
        raise Http404
    return view


@role_required(Role.PATIENT, Role.CARER, Role.CLINICIAN)
@require_GET
def checklist_list(request: HttpRequest, patient_id: int) -> HttpResponse:
    """The patient's self-management skills: checklists with how many steps are done
    independently; a clinician assigns another checklist here."""
    access = patient_for_user(request.user, patient_id, purpose="competency-checklists")
    return checklist_list_page(request, access, None)


def checklist_list_page(request, access, form) -> HttpResponse:
    views = selectors.assignments_for(access)
    is_clinician = access.as_role == Role.CLINICIAN
    if is_clinician and form is None:
        form = ChecklistAssignForm(checklists=selectors.checklists_not_assigned(access))
    with timezone.override(unit_zone(access.patient)):
        return render(
            request,
            "skills/checklist_list.html",
            {
                "patient": access.patient,
                "is_self": access.patient.user_id == request.user.pk,
                "is_clinician": is_clinician,
                "checklists": views,
                "form": form,
            },
            status=400 if form is not None and form.errors else 200,
        )


@role_required(Role.CLINICIAN)
@require_POST
def checklist_assign(request: HttpRequest, patient_id: int) -> HttpResponse:
    access = patient_for_user(request.user, patient_id, purpose="competency-checklists")
    form = ChecklistAssignForm(request.POST, checklists=selectors.checklists_not_assigned(access))
    if form.is_valid():
        try:
            assignment = services.checklist_assign(
                access=access, checklist_id=form.cleaned_data["checklist"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The checklist is assigned."))
            return redirect(
                "skills:checklist_detail", patient_id=access.patient.pk, assignment_id=assignment.pk
            )
    return checklist_list_page(request, access, form)


@role_required(Role.PATIENT, Role.CARER, Role.CLINICIAN)
@require_GET
def checklist_detail(request: HttpRequest, patient_id: int, assignment_id: int) -> HttpResponse:
    """Every step in plain words, its level and its history; clinicians set levels and sign
    off; the patient or carer notes their practice."""
    access = patient_for_user(request.user, patient_id, purpose="competency-checklist")
    view = checklist_in_record(access, assignment_id)
    return checklist_detail_page(request, access, view)


def checklist_detail_page(request, access, view, *, bound=None, page_error="") -> HttpResponse:
    is_clinician = access.as_role == Role.CLINICIAN
    form_class = StepLevelForm if is_clinician else PracticeNoteForm
    steps = []
    for step in view.steps:
        if bound is not None and bound.prefix == step.step.id:
            form = bound
        else:
            initial = {"level": step.level} if is_clinician else {}
            form = form_class(initial=initial, prefix=step.step.id)
        steps.append((step, form))
    with timezone.override(unit_zone(access.patient)):
        return render(
            request,
            "skills/checklist_detail.html",
            {
                "patient": access.patient,
                "is_self": access.patient.user_id == request.user.pk,
                "is_clinician": is_clinician,
                "may_note": not is_clinician and access.can(CarerScope.CARE_PLAN),
                "view": view,
                "steps": steps,
                "page_error": page_error,
                "signed_off": view.assignment.signed_off_at is not None,
            },
            status=400 if bound is not None or page_error else 200,
        )


@role_required(Role.PATIENT, Role.CARER, Role.CLINICIAN)
@require_POST
def step_record(request: HttpRequest, patient_id: int, assignment_id: int) -> HttpResponse:
    """A clinician sets a step's level; the patient or a carer notes their practice."""
    access = patient_for_user(request.user, patient_id, purpose="competency-checklist")
    view = checklist_in_record(access, assignment_id)
    is_clinician = access.as_role == Role.CLINICIAN
    step_id = request.POST.get("step", "")
    if view.checklist.step(step_id) is None:
        return checklist_detail_page(
            request, access, view, page_error=_("Choose a step of this checklist.")
        )
    form = (StepLevelForm if is_clinician else PracticeNoteForm)(request.POST, prefix=step_id)
    if form.is_valid():
        try:
            if is_clinician:
                services.step_level_set(
                    access=access,
                    assignment=view.assignment,
                    step_id=step_id,
                    level=form.cleaned_data["level"],
                    note=form.cleaned_data["note"],
                )
            else:
                services.practice_note_add(
                    access=access,
                    assignment=view.assignment,
                    step_id=step_id,
                    note=form.cleaned_data["note"],
                )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(
                reverse(
                    "skills:checklist_detail",
                    kwargs={"patient_id": access.patient.pk, "assignment_id": view.assignment.pk},
                )
                + f"#step-{step_id}"
            )
    return checklist_detail_page(request, access, view, bound=form)


@role_required(Role.CLINICIAN)
@require_POST
def checklist_sign_off(request: HttpRequest, patient_id: int, assignment_id: int) -> HttpResponse:
    access = patient_for_user(request.user, patient_id, purpose="competency-checklist")
    view = checklist_in_record(access, assignment_id)
    try:
        services.checklist_sign_off(access=access, assignment=view.assignment)
    except ValidationError as error:
        return checklist_detail_page(request, access, view, page_error=" ".join(error.messages))
    messages.success(request, _("The checklist is signed off."))
    return redirect(
        "skills:checklist_detail", patient_id=access.patient.pk, assignment_id=view.assignment.pk
    )


@role_required(Role.PATIENT)
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    """The patient's own skills, from a link that needs no record number."""
    access = own_patient_access(request.user, purpose="competency-checklists")
    if access is None:
        return render(request, "patients/no_record.html")
    return checklist_list_page(request, access, None)

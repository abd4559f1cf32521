"""The care plan page and the agreed compromises. The page is an ordered list of section
templates (`CARE_PLAN_SECTIONS`), so adding a section (e.g. tasks) is one line there.
Access is checked by `patient_for_user` first; a carer needs the care-plan scope."""

from __future__ import annotations

import dataclasses
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from coproduce.access.models import CarerScope
from coproduce.access.policy import PatientAccess
from coproduce.accounts.decorators import role_required
from coproduce.accounts.models import Role
from coproduce.careplans import conflicts as edit_words
from coproduce.careplans import selectors, services
from coproduce.careplans.forms import CompromiseForm
from coproduce.careplans.models import GoalCompromise, GoalKind
from coproduce.careplans.trends import goal_views, measure_name, quantity_for
from coproduce.careplans.views import conflict_data, take_theirs, zone_of
from coproduce.core.clock import now
from coproduce.patients.selectors import own_patient_access, patient_for_user
from coproduce.tasks.selectors import tasks_for

PLAN_ROLES = (Role.PATIENT, Role.CARER, Role.CLINICIAN)
# The care plan page, in order. Each template gets the page's context (see `care_plan_page`).
CARE_PLAN_SECTIONS = (
    "careplans/_plan_goals.html",
    "careplans/_plan_compromises.html",
    "tasks/_plan_tasks.html",
    "careplans/_plan_decisions_skills.html",
)


def plan_access(request: HttpRequest, patient_id: int) -> PatientAccess:
    access = patient_for_user(request.user, patient_id, purpose="care-plan")
    if not access.can(CarerScope.CARE_PLAN):
        raise PermissionDenied(_("You cannot see this person's care plan."))
    return access


def care_plan_page(request: HttpRequest, access: PatientAccess) -> HttpResponse:
    zone = zone_of(access)
    data = selectors.care_plan_read(access)
    latest = {item.goal.measure_code: item.latest for item in data.goals if item.goal.measure_code}
    today = timezone.localtime(now(), zone).date()
    views = [
        dataclasses.replace(view, editable=services.may_edit(access, view.goal))
        for view in goal_views(
            [item.goal for item in data.goals],
            latest,
            zone=zone,
            today=today,
            compromises=data.compromises,
        )
    ]
    own_view = access.as_role == Role.PATIENT
    with timezone.override(zone):
        return render(
            request,
            "careplans/care_plan.html",
            {
                "patient": access.patient,
                "access": access,
                "own_view": own_view,
                "sections": CARE_PLAN_SECTIONS,
                "own_goals": [v for v in views if v.goal.kind == GoalKind.OWN],
                "clinical_targets": [v for v in views if v.goal.kind == GoalKind.CLINICAL],
                "compromises": [compromise_view(c) for c in data.compromises],
                "tasks": tasks_for(access),
                "can_write_goals": can_write(access),
                "can_record_compromise": access.as_role == Role.CLINICIAN,
                "back_url": plan_back_url(access),
            },
        )


def can_write(access: PatientAccess) -> bool:
    try:
        services.proposer_role(access)
    except PermissionDenied:
        return False
    return True


def plan_back_url(access: PatientAccess) -> str:
    if access.as_role == Role.PATIENT:
        return reverse("patients:my_home")
    if access.as_role == Role.CARER:
        return reverse("patients:carer_patient", kwargs={"patient_id": access.patient.pk})
    return reverse("patients:patient_detail", kwargs={"patient_id": access.patient.pk})


def agreed_words(compromise: GoalCompromise) -> str:
    """The agreed number on the clinical target's measure, in words ('' if none)."""
    code = compromise.clinical_target.measure_code
    if not code:
        return ""
    quantity = quantity_for(code)
    text = edit_words.compromise_part_words(
        "agreed", (compromise.agreed_low, compromise.agreed_high), quantity.value
    )
    if compromise.agreed_low is None and compromise.agreed_high is None:
        return ""
    return f"{measure_name(code)}: {text}"


def compromise_view(compromise: GoalCompromise) -> dict:
    return {
        "compromise": compromise,
        "agreed": agreed_words(compromise),
        "who": edit_words.compromise_part_words(
            "agreed_by",
            (
                compromise.agreed_by_patient,
                compromise.agreed_by_carer,
                compromise.agreed_by_clinician,
            ),
            str,
        ),
    }


@role_required(*PLAN_ROLES)
@require_GET
def care_plan(request: HttpRequest, patient_id: int) -> HttpResponse:
    """One patient's care plan: their own goals and the clinical targets side by side, the
    compromises agreed between them, achievement, and links to decisions and skills."""
    return care_plan_page(request, plan_access(request, patient_id))


@role_required(Role.PATIENT)
@require_GET
def my_care_plan(request: HttpRequest) -> HttpResponse:
    """The patient's own care plan, from a link that needs no record number."""
    access = own_patient_access(request.user, purpose="care-plan")
    if access is None:
        return render(request, "patients/no_record.html")
    return care_plan_page(request, access)


def goal_choices(access: PatientAccess, kind: str) -> list[tuple[str, str]]:
    return [(str(g.pk), g.description) for g in selectors.goals_by_kind(access, kind)]


def clinician_access(request: HttpRequest, patient_id: int) -> PatientAccess:
    access = patient_for_user(request.user, patient_id, purpose="care-plan")
    services.compromise_writer(access)
    return access


def plan_url(access: PatientAccess) -> str:
    return reverse("careplans:care_plan", kwargs={"patient_id": access.patient.pk}) + "#compromises"


@role_required(Role.CLINICIAN)
@require_http_methods(["GET", "POST"])
def compromise_create(request: HttpRequest, patient_id: int) -> HttpResponse:
    """Record an agreed compromise between one of the patient's own goals and a clinical
    target (a clinician, with the patient)."""
    access = clinician_access(request, patient_id)
    form = CompromiseForm(
        request.POST or None,
        own_choices=goal_choices(access, GoalKind.OWN),
        target_choices=goal_choices(access, GoalKind.CLINICAL),
        initial={
            "own_goal": request.GET.get("own", ""),
            "clinical_target": request.GET.get("target", ""),
            "agreed_by": ["patient", "clinician"],
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.compromise_record(
                access=access,
                own_goal=selectors.goal_for_access(access, form.cleaned_data["own_goal"]),
                clinical_target=selectors.goal_for_access(
                    access, form.cleaned_data["clinical_target"]
                ),
                entry=form.cleaned_data["entry"],
            )
        except ValidationError as error:
            form.add_compromise_errors(error)
        else:
            messages.success(request, _("The agreed compromise was saved."))
            return redirect(plan_url(access))
    return render(
        request,
        "careplans/compromise_form.html",
        {"form": form, "patient": access.patient, "compromise": None},
    )


def compromise_in_record(access: PatientAccess, compromise_id: int) -> GoalCompromise:
    compromise = selectors.compromise_for_access(access, compromise_id)
    if compromise is None:
        raise Http404
    return compromise


def compromise_conflicts(access, compromise, parts: list[str]) -> dict:
    if not parts:
        return {}
    versions = list(reversed(selectors.compromise_versions(access, compromise)))
    who = services.last_changes(versions, services.compromise_parts, set(parts))
    theirs = services.compromise_parts(compromise)
    changes = tuple(
        services.PartChange(p, theirs[p], theirs[p], *who.get(p, ("", compromise.updated_at)))
        for p in parts
    )
    return edit_words.conflict_views(changes, compromise_words(compromise))


def compromise_words(compromise: GoalCompromise):
    code = compromise.clinical_target.measure_code
    quantity = quantity_for(code) if code else None

    def words(part, value):
        unit_of = quantity.value if quantity is not None else (lambda v: f"{v:g}")
        return edit_words.compromise_part_words(part, value, unit_of)

    return words


@role_required(Role.CLINICIAN)
@require_http_methods(["GET", "POST"])
def compromise_edit(request: HttpRequest, patient_id: int, compromise_id: int) -> HttpResponse:
    """Change a compromise; edits made at the same time are merged, or both texts shown."""
    access = clinician_access(request, patient_id)
    compromise = compromise_in_record(access, compromise_id)
    conflicts: dict = {}
    merged_note = ""
    fields = edit_words.COMPROMISE_FORM_FIELDS
    if request.method == "POST" and "take" in request.POST:
        data, remaining = take_theirs(
            request.POST,
            request.POST["take"],
            edit_words.compromise_form_values(compromise),
            fields,
        )
        form = CompromiseForm(data, editing=True)
        conflicts = compromise_conflicts(access, compromise, remaining)
    else:
        form = CompromiseForm(
            request.POST or None, editing=True, initial=CompromiseForm.initial_for(compromise)
        )
    if request.method == "POST" and "take" not in request.POST and form.is_valid():
        try:
            outcome = services.compromise_edit(
                access=access,
                compromise=compromise,
                entry=form.cleaned_data["entry"],
                base_version=form.cleaned_data["base_version"],
            )
        except ValidationError as error:
            form.add_compromise_errors(error)
        except services.EditConflict as error:
            data = conflict_data(
                request.POST, error, edit_words.compromise_form_values(error.record), fields
            )
            form = CompromiseForm(data, editing=True)
            form.is_valid()
            conflicts = edit_words.conflict_views(error.conflicts, compromise_words(compromise))
            merged_note = edit_words.merged_sentence(error.merged)
        else:
            messages.success(request, _("Your changes were saved."))
            note = edit_words.merged_sentence(outcome.merged)
            if note:
                messages.info(request, note)
            return redirect(plan_url(access))
    return render(
        request,
        "careplans/compromise_form.html",
        {
            "form": form,
            "patient": access.patient,
            "compromise": compromise,
            "conflicts": conflicts,
            "conflict_parts": list(conflicts),
            "merged_note": merged_note,
        },
    )


@role_required(*PLAN_ROLES)
@require_GET
def compromise_history(request: HttpRequest, patient_id: int, compromise_id: int) -> HttpResponse:
    """Every version of an agreed compromise: what it said, who changed it and when."""
    access = plan_access(request, patient_id)
    compromise = compromise_in_record(access, compromise_id)
    words = compromise_words(compromise)
    rows = [
        (
            version,
            words("agreed", (version.agreed_low, version.agreed_high)),
            words(
                "agreed_by",
                (version.agreed_by_patient, version.agreed_by_carer, version.agreed_by_clinician),
            ),
        )
        for version in selectors.compromise_versions(access, compromise)
    ]
    with timezone.override(ZoneInfo(access.patient.home_unit.time_zone)):
        return render(
            request,
            "careplans/compromise_history.html",
            {"patient": access.patient, "compromise": compromise, "rows": rows},
        )

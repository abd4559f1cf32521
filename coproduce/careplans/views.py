"""The patient's dashboard (trends against goals and targets) and their goals. Patients,
carers who may see reports, and clinicians open it; access is checked by
`patient_for_user` before anything is read, and goals are looked up only within that access.
"""

from __future__ import annotations

import dataclasses
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coproduce.access.models import CarerScope
from coproduce.access.policy import PatientAccess
from coproduce.accounts.decorators import role_required
from coproduce.accounts.models import Role
from coproduce.careplans import conflicts as edit_words
from coproduce.careplans import selectors, services
from coproduce.careplans.forms import GoalEditForm, GoalForm, GoalStopForm, PeriodForm
from coproduce.careplans.models import Goal, GoalKind
from coproduce.careplans.selectors import CARER_STREAM, OWN_STREAM
from coproduce.careplans.trends import (
    DEFAULT_PERIOD,
    PERIOD_VALUES,
    PERIODS,
    dashboard_trends,
    goal_views,
    info_for,
    measure_name,
    period_start,
    quantity_for,
    score_meanings,
    spc_audience,
)
from coproduce.careplans.words import band_of, goal_target_words
from coproduce.core.clock import now
from coproduce.observations.catalogue import unit_words
from coproduce.patients.selectors import own_patient_access, patient_for_user

DASHBOARD_ROLES = (Role.PATIENT, Role.CARER, Role.CLINICIAN)
TABLE_PAGE_SIZE = 50


def zone_of(access: PatientAccess) -> ZoneInfo:
    """Dates are shown in the time zone of the patient's home unit."""
    return ZoneInfo(access.patient.home_unit.time_zone)


def can_write_goals(access: PatientAccess) -> bool:
    try:
        services.proposer_role(access)
    except PermissionDenied:
        return False
    return True


@role_required(*DASHBOARD_ROLES)
@require_GET
def dashboard(request: HttpRequest, patient_id: int) -> HttpResponse:
    """Every score and measurement as a trend over the chosen period, with the patient's
    goal, the clinical target and severity bands, a sentence and a data table."""
    access = patient_for_user(request.user, patient_id, purpose="dashboard")
    query = request.GET.copy()
    query.setdefault("period", DEFAULT_PERIOD)
    form = PeriodForm(query)
    period = form.chosen()
    zone = zone_of(access)
    end = now()
    data = selectors.dashboard_read(access)
    own_view = access.as_role == Role.PATIENT
    trends = dashboard_trends(
        data,
        period=period,
        end=end,
        own_view=own_view,
        zone=zone,
        spc_audience=spc_audience(access),
    )
    latest = {s.code: s.latest for s in data.series if s.stream == OWN_STREAM}
    goals = [
        dataclasses.replace(view, editable=services.may_edit(access, view.goal))
        for view in goal_views(
            data.goals, latest, zone=zone, today=timezone.localtime(end, zone).date()
        )
    ]
    with timezone.override(zone):
        return render(
            request,
            "careplans/dashboard.html",
            {
                "patient": access.patient,
                "access": access,
                "own_view": own_view,
                "form": form,
                "period": period,
                "period_label": PERIODS[period][0],
                "period_values": PERIOD_VALUES[period],
                "own_trends": [t for t in trends if t.stream == OWN_STREAM],
                "carer_trends": [t for t in trends if t.stream == CARER_STREAM],
                "goals": goals,
                "shows_goals": access.can(CarerScope.CARE_PLAN),
                "can_write_goals": can_write_goals(access),
                "back_url": back_url(access),
            },
        )


def back_url(access: PatientAccess) -> str:
    if access.as_role == Role.PATIENT:
        return reverse("patients:my_home")
    if access.as_role == Role.CARER:
        return reverse("patients:carer_patient", kwargs={"patient_id": access.patient.pk})
    return reverse("patients:patient_detail", kwargs={"patient_id": access.patient.pk})


@role_required(Role.PATIENT)
@require_GET
def my_dashboard(request: HttpRequest) -> HttpResponse:
    """A patient's own dashboard, from a link that needs no record number."""
    access = own_patient_access(request.user, purpose="dashboard")
    if access is None:
        return render(request, "patients/no_record.html")
    return redirect("careplans:dashboard", patient_id=access.patient.pk)


@role_required(*DASHBOARD_ROLES)
@require_GET
def series_table(request: HttpRequest, patient_id: int) -> HttpResponse:
    """Every value of one measure in the chosen period, newest first, paginated: the full
    data table behind a chart."""
    access = patient_for_user(request.user, patient_id, purpose="dashboard")
    code = request.GET.get("code", "")
    stream = CARER_STREAM if request.GET.get("stream") == CARER_STREAM else OWN_STREAM
    period = PeriodForm(request.GET or None).chosen()
    if not code:
        return redirect("careplans:dashboard", patient_id=access.patient.pk)
    series = selectors.series_one(access, code, stream)
    if series is None:
        raise Http404
    zone = zone_of(access)
    shown = series.since(period_start(period, now(), series))
    quantity = quantity_for(code)
    meaning = score_meanings().get(code)
    bands = meaning.spec.bands if meaning is not None else ()
    rows = [
        (v.at, quantity.value(v.value), band_of(bands, v.value) if bands else "")
        for v in reversed(shown)
    ]
    page = Paginator(rows, TABLE_PAGE_SIZE).get_page(request.GET.get("page"))
    with timezone.override(zone):
        return render(
            request,
            "careplans/series_table.html",
            {
                "patient": access.patient,
                "name": measure_name(code),
                "unit": unit_words(quantity.unit),
                "code": code,
                "stream": stream,
                "period": period,
                "period_label": PERIODS[period][0],
                "period_values": PERIOD_VALUES[period],
                "page": page,
                "has_bands": bool(bands),
                "count": len(rows),
            },
        )


def measure_choices(access: PatientAccess, *, keep: str = "") -> list[tuple[str, str]]:
    """The measures a goal can be tied to; `keep` (the goal's own measure) is always among
    them, so changing a goal's words never loses its measure."""
    choices = []
    codes = set(selectors.measure_codes(access)) | ({keep} if keep else set())
    for code in sorted(codes):
        info = info_for(code)
        if info is None or info.kind != "quantity":
            continue  # a goal's number needs a measure with numbers
        quantity = quantity_for(code)
        unit = unit_words(quantity.unit)
        label = measure_name(code)
        choices.append((code, f"{label} ({unit})" if unit else label))
    return sorted(choices, key=lambda c: c[1].lower())


def goal_writer_access(request: HttpRequest, patient_id: int) -> PatientAccess:
    access = patient_for_user(request.user, patient_id, purpose="care-plan")
    if not can_write_goals(access):
        raise PermissionDenied(_("You cannot change this person's goals."))
    return access


@role_required(*DASHBOARD_ROLES)
@require_http_methods(["GET", "POST"])
def goal_create(request: HttpRequest, patient_id: int) -> HttpResponse:
    access = goal_writer_access(request, patient_id)
    form = GoalForm(
        request.POST or None,
        measure_choices=measure_choices(access),
        initial={"measure_code": request.GET.get("code", ""), "kind": "clinical"},
        asks_kind=access.as_role == Role.CLINICIAN,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.goal_create(access=access, goal_input=form.cleaned_data["goal_input"])
        except ValidationError as error:
            form.add_goal_errors(error)
        else:
            messages.success(request, _("Your goal was saved."))
            return redirect(
                reverse("careplans:dashboard", kwargs={"patient_id": access.patient.pk}) + "#goals"
            )
    return render(
        request,
        "careplans/goal_form.html",
        {"form": form, "patient": access.patient, "access": access, "goal": None},
    )


def goal_in_record(access: PatientAccess, goal_id: int) -> Goal:
    goal = selectors.goal_for_access(access, goal_id)
    if goal is None:
        raise Http404
    return goal


def take_theirs(post, part: str, values: dict, form_fields: dict) -> tuple[object, list[str]]:
    """The posted form with one part replaced by the saved (their) values, and the parts
    still in conflict. Nothing is saved: the person sees the result and saves it."""
    data = post.copy()
    data.pop("take", None)
    if part in form_fields:
        for field in form_fields[part]:
            value = values[field]
            if isinstance(value, list):
                data.setlist(field, value)
            else:
                data[field] = value
    remaining = [p for p in post.getlist("conflict") if p in form_fields and p != part]
    data.setlist("conflict", remaining)
    return data, remaining


def conflict_data(post, error: services.EditConflict, values: dict, form_fields: dict):
    """The posted form kept as typed (nobody's text is lost), based on the version saved now,
    with the parts only the other person changed filled in with their values."""
    data = post.copy()
    data["base_version"] = str(error.current_version)
    for change in error.merged:
        for field in form_fields[change.part]:
            value = values[field]
            if isinstance(value, list):
                data.setlist(field, value)
            else:
                data[field] = value
    data.setlist("conflict", [c.part for c in error.conflicts])
    return data


def still_conflicting(access: PatientAccess, goal: Goal, parts: list[str]) -> dict:
    """The panels of parts still in conflict after the person took the other's value for one:
    the saved value, who last changed it and when."""
    if not parts:
        return {}
    versions = list(reversed(selectors.goal_versions(access, goal)))
    who = services.last_changes(versions, services.goal_parts, set(parts))
    theirs = services.goal_parts(goal)
    changes = tuple(
        services.PartChange(p, theirs[p], theirs[p], *who.get(p, ("", goal.updated_at)))
        for p in parts
    )
    return edit_words.conflict_views(changes, edit_words.goal_part_words)


@role_required(*DASHBOARD_ROLES)
@require_http_methods(["GET", "POST"])
def goal_edit(request: HttpRequest, patient_id: int, goal_id: int) -> HttpResponse:
    """Change a goal. The form carries the version it started from: a save made meanwhile by
    someone else is merged (and named), and a conflict shows both texts, saving nothing."""
    access = goal_writer_access(request, patient_id)
    goal = goal_in_record(access, goal_id)
    if not services.may_edit(access, goal):
        raise PermissionDenied(
            _("Only the person who proposed this goal, or the patient, can change it.")
        )
    choices = measure_choices(access, keep=goal.measure_code)
    is_target = goal.kind == GoalKind.CLINICAL
    conflicts: dict = {}
    merged_note = ""
    if request.method == "POST" and "take" in request.POST:
        data, remaining = take_theirs(
            request.POST,
            request.POST["take"],
            edit_words.goal_form_values(goal),
            edit_words.GOAL_FORM_FIELDS,
        )
        form = GoalEditForm(data, measure_choices=choices, clinical_target=is_target)
        conflicts = still_conflicting(access, goal, remaining)
    else:
        form = GoalEditForm(
            request.POST or None,
            measure_choices=choices,
            initial=GoalForm.initial_for(goal),
            clinical_target=is_target,
        )
    if request.method == "POST" and "take" not in request.POST and form.is_valid():
        try:
            outcome = services.goal_edit(
                access=access,
                goal=goal,
                goal_input=form.cleaned_data["goal_input"],
                status=form.cleaned_data["status"],
                note=form.cleaned_data.get("note", ""),
                base_version=form.cleaned_data["base_version"],
            )
        except ValidationError as error:
            form.add_goal_errors(error)
        except services.EditConflict as error:
            data = conflict_data(
                request.POST,
                error,
                edit_words.goal_form_values(error.record),
                edit_words.GOAL_FORM_FIELDS,
            )
            form = GoalEditForm(data, measure_choices=choices, clinical_target=is_target)
            form.is_valid()
            conflicts = edit_words.conflict_views(error.conflicts, edit_words.goal_part_words)
            merged_note = edit_words.merged_sentence(error.merged)
            goal = error.record
        else:
            messages.success(request, _("Your changes were saved."))
            note = edit_words.merged_sentence(outcome.merged)
            if note:
                messages.info(request, note)
            return redirect(
                reverse("careplans:dashboard", kwargs={"patient_id": access.patient.pk}) + "#goals"
            )
    return render(
        request,
        "careplans/goal_form.html",
        {
            "form": form,
            "stop_form": GoalStopForm(),
            "patient": access.patient,
            "access": access,
            "goal": goal,
            "conflicts": conflicts,
            "conflict_parts": list(conflicts),
            "merged_note": merged_note,
        },
    )


@role_required(*DASHBOARD_ROLES)
@require_POST
def goal_stop(request: HttpRequest, patient_id: int, goal_id: int) -> HttpResponse:
    access = goal_writer_access(request, patient_id)
    goal = goal_in_record(access, goal_id)
    form = GoalStopForm(request.POST)
    note = form.cleaned_data.get("note", "") if form.is_valid() else ""
    services.goal_stop(access=access, goal=goal, note=note)
    messages.success(request, _("The goal was stopped. It stays in the list."))
    return redirect(
        reverse("careplans:dashboard", kwargs={"patient_id": access.patient.pk}) + "#goals"
    )


@role_required(*DASHBOARD_ROLES)
@require_GET
def goal_history(request: HttpRequest, patient_id: int, goal_id: int) -> HttpResponse:
    """Every version of a goal: what it said, who changed it and when."""
    access = patient_for_user(request.user, patient_id, purpose="care-plan")
    goal = goal_in_record(access, goal_id)
    versions = selectors.goal_versions(access, goal)
    rows = []
    for version in versions:
        quantity = quantity_for(version.measure_code) if version.measure_code else None
        rows.append(
            (
                version,
                measure_name(version.measure_code) if version.measure_code else "",
                goal_target_words(version, quantity),
            )
        )
    with timezone.override(zone_of(access)):
        return render(
            request,
            "careplans/goal_history.html",
            {"patient": access.patient, "goal": goal, "rows": rows},
        )

"""Care-plan task pages: the patient's "My tasks", the tasks page of one patient (clinicians,
and carers allowed to work on the care plan), adding, changing (with history and merge) and
closing tasks (clinicians), and tick-off / undo (a form POST, or an htmx fragment swap).
Access is checked by `patient_for_user` before anything is read; tasks are looked up only
within that access."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
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
from coproduce.careplans import selectors as careplan_selectors
from coproduce.careplans.services import EditConflict, PartChange, last_changes
from coproduce.patients.selectors import own_patient_access, patient_for_user
from coproduce.tasks import selectors, services, words
from coproduce.tasks.forms import TaskCloseForm, TaskEditForm, TaskForm, TickForm
from coproduce.tasks.models import Task, TaskOwner

TASK_ROLES = (Role.PATIENT, Role.CARER, Role.CLINICIAN)


def zone_of(access: PatientAccess) -> ZoneInfo:
    return ZoneInfo(access.patient.home_unit.time_zone)


def plan_access(request: HttpRequest, patient_id: int) -> PatientAccess:
    """The patient's record, for someone who may see the care plan (a carer only with the
    care-plan scope: the same denial as the care-plan page)."""
    access = patient_for_user(request.user, patient_id, purpose="care-plan")
    if not access.can(CarerScope.CARE_PLAN):
        raise PermissionDenied(_("You cannot see this person's care plan."))
    return access


def writer_access(request: HttpRequest, patient_id: int) -> PatientAccess:
    access = plan_access(request, patient_id)
    services.task_writer(access)
    return access


def task_in_record(access: PatientAccess, task_id: int) -> Task:
    task = selectors.task_for_access(access, task_id)
    if task is None:
        raise Http404
    return task


def list_url(access: PatientAccess) -> str:
    if access.as_role == Role.PATIENT:
        return reverse("tasks:mine")
    return reverse("tasks:task_list", kwargs={"patient_id": access.patient.pk})


def split_views(views: list[selectors.TaskView]) -> dict:
    """The page's groups of open tasks this person ticks off: to do now (overdue, missed or
    due today), done, coming up; and the tasks other people do."""
    now_due, done, later, others = [], [], [], []
    for view in views:
        if view.closed:
            continue
        if not view.can_tick:
            others.append(view)
        elif view.due_now:
            now_due.append(view)
        elif view.done:
            done.append(view)
        else:
            later.append(view)
    return {"now_due": now_due, "done": done, "later": later, "others": others}


# --- The patient's own tasks ----------------------------------------------------------------


@role_required(Role.PATIENT)
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    """My tasks: what to do today and what comes up, overdue ones first, each with a big
    "Done" button."""
    access = own_patient_access(request.user, purpose="care-plan")
    if access is None:
        return render(request, "patients/no_record.html")
    views = selectors.tasks_for(access)
    with timezone.override(zone_of(access)):
        return render(
            request,
            "tasks/my_tasks.html",
            {"patient": access.patient, "access": access, **split_views(views)},
        )


# --- One patient's tasks (clinicians and carers) --------------------------------------------


@role_required(*TASK_ROLES)
@require_GET
def task_list(request: HttpRequest, patient_id: int) -> HttpResponse:
    """The patient's tasks. Clinicians add, change and close them; a carer with the
    care-plan scope sees their own tasks and the patient's and ticks them off."""
    access = plan_access(request, patient_id)
    if access.as_role == Role.PATIENT:
        return redirect("tasks:mine")
    is_clinician = access.as_role == Role.CLINICIAN
    views = selectors.tasks_for(access, include_closed=is_clinician)
    with timezone.override(zone_of(access)):
        return render(
            request,
            "tasks/task_list.html",
            {
                "patient": access.patient,
                "access": access,
                "tasks": [v for v in views if not v.closed],
                "closed": [v for v in views if v.closed],
                "is_clinician": is_clinician,
                **split_views(views),
            },
        )


def owner_choices(access: PatientAccess) -> list[tuple[int, str]]:
    carers = [
        (u.pk, _("%(name)s (carer)") % {"name": u.display_name})
        for u in services.carers_for_tasks(access.patient)
    ]
    clinicians = [
        (u.pk, _("%(name)s (care team)") % {"name": u.display_name})
        for u in services.clinicians_for_tasks(access.patient)
    ]
    return carers + clinicians


def goal_choices(access: PatientAccess, *, keep: int | None = None) -> list[tuple[int, str]]:
    goals = [g.goal for g in careplan_selectors.goals_for(access, include_closed=True)]
    return [(g.pk, g.description) for g in goals if g.status == "active" or g.pk == keep]


@role_required(Role.CLINICIAN)
@require_http_methods(["GET", "POST"])
def task_create(request: HttpRequest, patient_id: int) -> HttpResponse:
    access = writer_access(request, patient_id)
    form = TaskForm(
        request.POST or None,
        owners=owner_choices(access),
        goals=goal_choices(access),
        initial={"owner_kind": TaskOwner.PATIENT, "frequency": "once", "interval": 1},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.task_create(access=access, entry=form.entry())
        except ValidationError as error:
            form.add_task_errors(error)
        else:
            messages.success(request, _("The task was added to the care plan."))
            return redirect("tasks:task_list", patient_id=access.patient.pk)
    return render(
        request,
        "tasks/task_form.html",
        {"form": form, "patient": access.patient, "task": None},
    )


# --- Changing a task: merged with what was saved meanwhile ----------------------------------

PART_LABELS = {
    "title": _("what to do"),
    "details": _("the details"),
    "owner": _("who does it"),
    "goal": _("the goal"),
    "when": _("when it is due"),
}
PART_FORM_FIELDS = {
    "title": ("title",),
    "details": ("details",),
    "owner": ("owner_kind", "owner_user"),
    "goal": ("goal_id",),
    "when": (
        "frequency",
        "due_on",
        "interval",
        "weekdays",
        "month_day",
        "starts_on",
        "ends_on",
    ),
}


@dataclass(frozen=True)
class ConflictView:
    part: str
    label: str
    theirs: str
    mine: str
    changed_by: str
    changed_at: object
    take_label: str


def part_words(task_or_values, part: str) -> str:
    """One part of a task as the person reads it."""
    task = task_or_values
    if part == "title":
        return task.title
    if part == "details":
        return task.details or _("no details")
    if part == "owner":
        return words.owner_label(task.owner_kind, task.owner_user)
    if part == "goal":
        return task.goal.description if task.goal_id else _("no goal")
    return words.schedule_words(task)


def conflict_views(task: Task, changes: tuple[PartChange, ...]) -> dict[str, ConflictView]:
    return {
        c.part: ConflictView(
            part=c.part,
            label=str(PART_LABELS[c.part]),
            theirs=part_words(task, c.part),
            mine="",
            changed_by=c.changed_by,
            changed_at=c.changed_at,
            take_label=_("Use their version"),
        )
        for c in changes
    }


def merged_sentence(changes: tuple[PartChange, ...]) -> str:
    if not changes:
        return ""
    people: dict[str, list[str]] = {}
    for c in changes:
        people.setdefault(c.changed_by or _("someone"), []).append(str(PART_LABELS[c.part]))
    said = "; ".join(
        _("%(name)s changed %(parts)s") % {"name": name, "parts": _(" and ").join(parts)}
        for name, parts in people.items()
    )
    return _("Meanwhile %(said)s. Their changes are kept with yours.") % {"said": said}


def form_values(task: Task) -> dict[str, object]:
    values = TaskForm.initial_for(task)
    for key in ("due_on", "starts_on", "ends_on"):
        values[key] = values[key].isoformat() if values[key] else ""
    for key in ("owner_user", "goal_id", "month_day"):
        values[key] = "" if values[key] is None else str(values[key])
    values["interval"] = str(values["interval"])
    values["weekdays"] = [str(d) for d in values["weekdays"]]
    return values


def with_parts(post, parts, task: Task, *, base_version: int | None = None):
    """The posted form with `parts` replaced by the saved values (nothing is saved)."""
    data = post.copy()
    data.pop("take", None)
    saved = form_values(task)
    for part in parts:
        for name in PART_FORM_FIELDS.get(part, ()):
            value = saved[name]
            if isinstance(value, list):
                data.setlist(name, value)
            else:
                data[name] = value
    if base_version is not None:
        data["base_version"] = str(base_version)
    return data


def still_conflicting(task: Task, parts: list[str]) -> dict[str, ConflictView]:
    if not parts:
        return {}
    versions = list(task.versions.select_related("changed_by").order_by("version"))
    who = last_changes(versions, services.task_parts, set(parts))
    current = services.task_parts(task)
    changes = tuple(
        PartChange(p, current[p], current[p], *who.get(p, ("", task.updated_at))) for p in parts
    )
    return conflict_views(task, changes)


@role_required(Role.CLINICIAN)
@require_http_methods(["GET", "POST"])
def task_edit(request: HttpRequest, patient_id: int, task_id: int) -> HttpResponse:
    """Change a task. The form carries the version it started from: a change saved meanwhile
    by someone else is merged (and named); a conflict shows their version next to the
    person's own, which stays in the form, and saves nothing."""
    access = writer_access(request, patient_id)
    task = task_in_record(access, task_id)
    if task.closed_at is not None:
        raise Http404
    options = {"owners": owner_choices(access), "goals": goal_choices(access, keep=task.goal_id)}
    conflicts: dict[str, ConflictView] = {}
    merged_note = ""
    if request.method == "POST" and "take" in request.POST:
        part = request.POST["take"]
        remaining = [p for p in request.POST.getlist("conflict") if p in PART_LABELS and p != part]
        data = with_parts(request.POST, [part], task)
        data.setlist("conflict", remaining)
        form = TaskEditForm(data, **options)
        conflicts = still_conflicting(task, remaining)
    else:
        form = TaskEditForm(request.POST or None, initial=TaskForm.initial_for(task), **options)
    if request.method == "POST" and "take" not in request.POST and form.is_valid():
        try:
            outcome = services.task_edit(
                access=access,
                task=task,
                entry=form.entry(),
                note=form.cleaned_data.get("note", ""),
                base_version=form.cleaned_data.get("base_version"),
            )
        except ValidationError as error:
            form.add_task_errors(error)
        except EditConflict as error:
            current = error.record
            data = with_parts(
                request.POST,
                [m.part for m in error.merged],
                current,
                base_version=current.version,
            )
            data.setlist("conflict", [c.part for c in error.conflicts])
            form = TaskEditForm(data, **options)
            form.is_valid()
            conflicts = conflict_views(current, error.conflicts)
            merged_note = merged_sentence(error.merged)
            task = current
        else:
            messages.success(request, _("Your changes were saved."))
            note = merged_sentence(outcome.merged)
            if note:
                messages.info(request, note)
            return redirect("tasks:task_list", patient_id=access.patient.pk)
    return render(
        request,
        "tasks/task_form.html",
        {
            "form": form,
            "close_form": TaskCloseForm(),
            "patient": access.patient,
            "task": task,
            "conflicts": conflicts,
            "conflict_parts": list(conflicts),
            "merged_note": merged_note,
        },
    )


@role_required(Role.CLINICIAN)
@require_POST
def task_close(request: HttpRequest, patient_id: int, task_id: int) -> HttpResponse:
    access = writer_access(request, patient_id)
    task = task_in_record(access, task_id)
    form = TaskCloseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose why the task is closed: done for good, or not needed."))
        return redirect("tasks:task_edit", patient_id=access.patient.pk, task_id=task.pk)
    services.task_close(access=access, task=task, reason=form.cleaned_data["reason"])
    messages.success(request, _("The task was closed. It stays in the plan's history."))
    return redirect("tasks:task_list", patient_id=access.patient.pk)


@role_required(*TASK_ROLES)
@require_GET
def task_history(request: HttpRequest, patient_id: int, task_id: int) -> HttpResponse:
    """Every version of a task: what it said, who changed it and when."""
    access = plan_access(request, patient_id)
    task = task_in_record(access, task_id)
    rows = [
        (
            version,
            words.owner_label(version.owner_kind, version.owner_user),
            words.schedule_words(version),
        )
        for version in selectors.task_versions(access, task)
    ]
    with timezone.override(zone_of(access)):
        return render(
            request,
            "tasks/task_history.html",
            {"patient": access.patient, "task": task, "rows": rows, "back_url": list_url(access)},
        )


# --- Tick off and undo ----------------------------------------------------------------------


def tick_response(
    request: HttpRequest, access: PatientAccess, task: Task, *, error: str = "", said: str = ""
) -> HttpResponse:
    """htmx: the task's card again (with what happened, for screen readers); without
    JavaScript: back to the list, with a message."""
    if request.htmx:
        view = selectors.task_view_for(access, task)
        with timezone.override(zone_of(access)):
            return render(
                request,
                "tasks/_task_card.html",
                {"t": view, "patient": access.patient, "error": error, "said": said},
            )
    if error:
        messages.error(request, error)
    elif said:
        messages.success(request, said)
    return redirect(list_url(access) + f"#task-{task.pk}")


def tick_target(request: HttpRequest, patient_id: int, task_id: int):
    access = plan_access(request, patient_id)
    task = task_in_record(access, task_id)
    if not services.may_tick(access, task):
        raise PermissionDenied(_("This task is for someone else to tick off."))
    return access, task


def first_error(error: ValidationError) -> str:
    return " ".join(error.messages)


@role_required(*TASK_ROLES)
@require_POST
def task_tick(request: HttpRequest, patient_id: int, task_id: int) -> HttpResponse:
    access, task = tick_target(request, patient_id, task_id)
    try:
        services.task_tick(access=access, task=task, occurrence_on=TickForm(request.POST).day())
    except ValidationError as error:
        return tick_response(request, access, task, error=first_error(error))
    return tick_response(
        request, access, task, said=_("Done: “%(title)s” is ticked off.") % {"title": task.title}
    )


@role_required(*TASK_ROLES)
@require_POST
def task_untick(request: HttpRequest, patient_id: int, task_id: int) -> HttpResponse:
    access, task = tick_target(request, patient_id, task_id)
    try:
        services.task_untick(access=access, task=task, occurrence_on=TickForm(request.POST).day())
    except ValidationError as error:
        return tick_response(request, access, task, error=first_error(error))
    return tick_response(
        request,
        access,
        task,
        said=_("Undone: “%(title)s” is not ticked off any more.") % {"title": task.title},
    )

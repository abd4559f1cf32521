"""Shared decisions. Clinicians record a decision with the patient during a visit; the
patient, and a carer allowed to work on the care plan, read it in their portal. Access is
checked by `patient_for_user` before anything is read, and decisions are looked up only
within that access."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from coproduce.access.policy import PatientAccess
from coproduce.accounts.decorators import role_required
from coproduce.accounts.models import Role
from coproduce.decisions import selectors, services
from coproduce.decisions.forms import (
    OWN_OPTION_SLOTS,
    DecisionCreateForm,
    DecisionForm,
    ReviewForm,
)
from coproduce.decisions.models import SharedDecision
from coproduce.decisions.option_sets import built_in_option_sets
from coproduce.patients.forms import add_service_errors
from coproduce.patients.selectors import enrolments_for, own_patient_access, patient_for_user

READER_ROLES = (Role.PATIENT, Role.CARER, Role.CLINICIAN)
MIN_PRIORITY_SLOTS = 3
ROLE_WORDS = {
    Role.PATIENT: gettext_lazy("the patient"),
    Role.CARER: gettext_lazy("carer"),
    Role.CLINICIAN: gettext_lazy("clinician"),
}


def zone_of(access: PatientAccess) -> ZoneInfo:
    return ZoneInfo(access.patient.home_unit.time_zone)


def reader_access(request: HttpRequest, patient_id: int) -> PatientAccess:
    access = patient_for_user(request.user, patient_id, purpose="decisions")
    if not selectors.may_see_decisions(access):
        raise PermissionDenied(_("You cannot see this person's decisions."))
    return access


def clinician_access(request: HttpRequest, patient_id: int) -> PatientAccess:
    access = patient_for_user(request.user, patient_id, purpose="decisions")
    if access.as_role != Role.CLINICIAN:
        raise PermissionDenied(_("Only the patient's clinicians can record a decision."))
    return access


def decision_in_record(access: PatientAccess, decision_id: int) -> SharedDecision:
    decision = selectors.decision_for_access(access, decision_id)
    if decision is None:
        raise Http404
    return decision


def participant_choices(
    access: PatientAccess, decision: SharedDecision | None = None
) -> list[tuple[object, str]]:
    """Who could take part now, and who took part when the decision was recorded."""
    people = list(selectors.possible_participants(access))
    if decision is not None:
        known = {u.pk for u in people}
        people += [u for u in decision.participants.all() if u.pk not in known]
    return [
        (user, f"{user.display_name} ({ROLE_WORDS.get(user.role, user.role)})") for user in people
    ]


# --- the ranked list of what matters most, without JavaScript ---------------------------


def priorities_posted(data: QueryDict) -> tuple[list[str], bool]:
    """The priorities in page order, after any "move up/down" or "add" button; and whether
    such a button was pressed (then the page is shown again, nothing is saved)."""
    rows = [p.strip() for p in data.getlist("priority")]
    move = data.get("move", "")
    if data.get("add_priority"):
        return [*rows, ""], True
    direction, _sep, index = move.partition("-")
    if not index.isdigit() or direction not in ("up", "down"):
        return rows, False
    i = int(index)
    j = i - 1 if direction == "up" else i + 1
    if 0 <= i < len(rows) and 0 <= j < len(rows):
        rows[i], rows[j] = rows[j], rows[i]
    return rows, True


def priority_slots(rows: list[str]) -> list[str]:
    rows = list(rows)
    while len(rows) < MIN_PRIORITY_SLOTS:
        rows.append("")
    return rows


def change_from(form: DecisionForm, priorities: list[str]) -> services.DecisionChange:
    data = form.cleaned_data
    return services.DecisionChange(
        priorities=tuple(priorities),
        participant_ids=tuple(int(pk) for pk in data.get("participants") or ()),
        choice=data.get("choice") or "",
        reasons=data.get("reasons") or "",
        review_on=data.get("review_on"),
    )


# --- pages ------------------------------------------------------------------------------


@role_required(Role.PATIENT)
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    """The patient's own decisions, from a link that needs no record number."""
    access = own_patient_access(request.user, purpose="decisions")
    if access is None:
        return render(request, "patients/no_record.html")
    return decision_list_page(request, access)


@role_required(*READER_ROLES)
@require_GET
def decision_list(request: HttpRequest, patient_id: int) -> HttpResponse:
    return decision_list_page(request, reader_access(request, patient_id))


def decision_list_page(request: HttpRequest, access: PatientAccess) -> HttpResponse:
    with timezone.override(zone_of(access)):
        return render(
            request,
            "decisions/decision_list.html",
            {
                "patient": access.patient,
                "access": access,
                "decisions": selectors.decisions_for(access),
                "is_clinician": access.as_role == Role.CLINICIAN,
            },
        )


@role_required(*READER_ROLES)
@require_GET
def decision_detail(request: HttpRequest, patient_id: int, decision_id: int) -> HttpResponse:
    """One decision as it was made: the options as shown, what mattered most, who took part,
    the choice and reasons, and whether it worked."""
    access = reader_access(request, patient_id)
    decision = decision_in_record(access, decision_id)
    is_clinician = access.as_role == Role.CLINICIAN
    with timezone.override(zone_of(access)):
        return render(
            request,
            "decisions/decision_detail.html",
            {
                "patient": access.patient,
                "access": access,
                "decision": decision,
                "chosen": decision.chosen_option(),
                "participants": participant_labels(decision),
                "is_clinician": is_clinician,
                "versions": version_rows(access, decision) if is_clinician else [],
            },
        )


def version_rows(access: PatientAccess, decision: SharedDecision) -> list[tuple[object, str]]:
    """Each saved version with its choice in words."""
    titles = {o["key"]: o["title"] for o in decision.options}
    return [
        (v, titles.get(v.choice, "") if v.choice else _("Not yet decided"))
        for v in selectors.decision_versions(access, decision)
    ]


def participant_labels(decision: SharedDecision) -> list[str]:
    return [
        f"{u.display_name} ({ROLE_WORDS.get(u.role, u.role)})"
        for u in sorted(decision.participants.all(), key=lambda u: (u.role, u.pk))
    ]


def option_sets_for(access: PatientAccess) -> tuple[list, list]:
    """The built-in option sets: those fitting the patient's programmes, then the rest."""
    codes = {e.programme.code for e in enrolments_for(access)}
    sets = list(built_in_option_sets().values())
    fitting = [s for s in sets if codes & set(s.programmes)]
    return fitting, [s for s in sets if s not in fitting]


@role_required(Role.CLINICIAN)
@require_http_methods(["GET", "POST"])
def decision_create(request: HttpRequest, patient_id: int) -> HttpResponse:
    """Step 1 chooses an option set (or none, to write the options); step 2 is the form."""
    access = clinician_access(request, patient_id)
    data = request.POST if request.method == "POST" else None
    set_id = (data or request.GET).get("option_set", request.GET.get("set"))
    if set_id is None:
        fitting, others = option_sets_for(access)
        return render(
            request,
            "decisions/choose_option_set.html",
            {"patient": access.patient, "fitting": fitting, "others": others},
        )
    option_set = built_in_option_sets().get(set_id) if set_id else None
    if set_id and option_set is None:
        raise Http404
    own_labels = [
        (
            f"own-{n}",
            ((data or {}).get(f"own_{n}_title") or "").strip()
            or _("Option %(n)d written below") % {"n": n},
        )
        for n in range(1, OWN_OPTION_SLOTS + 1)
    ]
    set_labels = [(o.id, o.title) for o in option_set.options] if option_set else []
    form = DecisionCreateForm(
        data,
        participants=participant_choices(access),
        options=set_labels + own_labels,
        initial={"option_set": set_id, "participants": [str(request.user.pk)], "choice": ""},
    )
    priorities, only_rearranged = priorities_posted(data) if data else ([], False)
    if data is not None and not only_rearranged and form.is_valid():
        cleaned = form.cleaned_data
        change = change_from(form, priorities)
        try:
            decision = services.decision_create(
                access=access,
                decision_input=services.DecisionInput(
                    question=cleaned.get("question") or "",
                    option_set_id=set_id,
                    own_options=tuple(
                        services.OwnOption(
                            title=cleaned.get(f"own_{n}_title") or "",
                            involves=cleaned.get(f"own_{n}_involves") or "",
                            benefits=cleaned.get(f"own_{n}_benefits") or "",
                            harms=cleaned.get(f"own_{n}_harms") or "",
                        )
                        for n in range(1, OWN_OPTION_SLOTS + 1)
                    ),
                    priorities=change.priorities,
                    participant_ids=change.participant_ids,
                    choice=change.choice,
                    reasons=change.reasons,
                    review_on=change.review_on,
                ),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The decision was saved."))
            return redirect("decisions:decision_detail", access.patient.pk, decision.pk)
    return render(
        request,
        "decisions/decision_form.html",
        {
            "patient": access.patient,
            "form": form,
            "option_set": option_set,
            "options": services.set_options(option_set) if option_set else [],
            "priorities": priority_slots(priorities),
            "decision": None,
        },
    )


@role_required(Role.CLINICIAN)
@require_http_methods(["GET", "POST"])
def decision_edit(request: HttpRequest, patient_id: int, decision_id: int) -> HttpResponse:
    """Change what matters most, who took part, the choice, reasons or review date."""
    access = clinician_access(request, patient_id)
    decision = decision_in_record(access, decision_id)
    data = request.POST if request.method == "POST" else None
    form = DecisionForm(
        data,
        participants=participant_choices(access, decision),
        options=[(o["key"], o["title"]) for o in decision.options],
        initial={
            "participants": [str(pk) for pk in decision.participant_ids],
            "choice": decision.choice,
            "reasons": decision.reasons,
            "review_on": decision.review_on,
        },
    )
    priorities, only_rearranged = (
        priorities_posted(data) if data else (list(decision.priorities), False)
    )
    if data is not None and not only_rearranged and form.is_valid():
        try:
            services.decision_update(
                access=access, decision=decision, change=change_from(form, priorities)
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your changes were saved."))
            return redirect("decisions:decision_detail", access.patient.pk, decision.pk)
    return render(
        request,
        "decisions/decision_form.html",
        {
            "patient": access.patient,
            "form": form,
            "options": decision.options,
            "priorities": priority_slots(priorities),
            "decision": decision,
        },
    )


@role_required(Role.CLINICIAN)
@require_http_methods(["GET", "POST"])
def decision_review(request: HttpRequest, patient_id: int, decision_id: int) -> HttpResponse:
    """Record whether the choice worked for the patient, in their words."""
    access = clinician_access(request, patient_id)
    decision = decision_in_record(access, decision_id)
    form = ReviewForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.decision_review_record(
                access=access,
                decision=decision,
                outcome=form.cleaned_data["outcome"],
                review_words=form.cleaned_data["review_words"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The review was saved."))
            return redirect("decisions:decision_detail", access.patient.pk, decision.pk)
    return render(
        request,
        "decisions/review_form.html",
        {"patient": access.patient, "decision": decision, "form": form},
    )

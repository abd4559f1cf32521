"""Pages about who else may see a record: a patient's carers and consent choices, and a
clinician adding a carer for a child."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from coproduce.access import services
from coproduce.access.forms import CarerGrantForm, ConsentChangeForm
from coproduce.access.models import ConsentKind
from coproduce.access.policy import PatientAccess
from coproduce.access.selectors import (
    carer_accounts_matching,
    carer_grant_for_access,
    carer_grant_rows,
    consent_history,
    consents_in_force,
)
from coproduce.accounts.decorators import role_required
from coproduce.accounts.models import Role
from coproduce.patients.forms import add_service_errors
from coproduce.patients.selectors import own_patient_access, patient_for_user
from coproduce.patients.views.me import no_record


def end_of_day(day: dt.date, time_zone: str) -> dt.datetime:
    """Access "until" a day lasts to the end of that day in the patient's unit."""
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=ZoneInfo(time_zone))


def grant_from_form(request: HttpRequest, access: PatientAccess, form: CarerGrantForm) -> bool:
    """Create the grant the form describes; on a problem, put it on the form. True if made."""
    data = form.cleaned_data
    carers = carer_accounts_matching(data["carer"])
    if len(carers) != 1:
        form.add_error(
            "carer",
            _("More than one account uses this e-mail. Use their username instead.")
            if carers
            else _(
                "We could not find a carer account with that username or e-mail. "
                "Check the spelling, or ask them to create an account first."
            ),
        )
        return False
    valid_until = data["valid_until"]
    try:
        services.carer_grant_create(
            actor=request.user,
            patient=access.patient,
            carer=carers[0],
            relationship=data["relationship"],
            scopes=set(data["scopes"]),
            valid_until=end_of_day(valid_until, access.patient.home_unit.time_zone)
            if valid_until
            else None,
        )
    except ValidationError as error:
        add_service_errors(form, error)
        return False
    return True


# --- Patients: my carers ------------------------------------------------------------------


@role_required(Role.PATIENT)
@require_http_methods(["GET", "POST"])
def my_carers(request: HttpRequest) -> HttpResponse:
    """The patient's carers (current and past) and a form to add one."""
    access = own_patient_access(request.user, purpose="my-carers")
    if access is None:
        return no_record(request)
    form = CarerGrantForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and grant_from_form(request, access, form):
        messages.success(request, _("Your carer can now see what you chose."))
        return redirect("access:my_carers")
    return render(
        request,
        "access/my_carers.html",
        {"form": form, "grants": carer_grant_rows(access)},
    )


def own_grant(request: HttpRequest, grant_id: int):
    access = own_patient_access(request.user, purpose="my-carers")
    grant = carer_grant_for_access(access, grant_id) if access is not None else None
    if grant is None:
        raise Http404
    return grant


@role_required(Role.PATIENT)
@require_POST
def my_carer_revoke(request: HttpRequest, grant_id: int) -> HttpResponse:
    grant = own_grant(request, grant_id)
    services.carer_grant_revoke(actor=request.user, grant=grant)
    messages.success(
        request, _("%(name)s can no longer see your record.") % {"name": grant.carer.display_name}
    )
    return redirect("access:my_carers")


@role_required(Role.PATIENT)
@require_POST
def my_carer_agree(request: HttpRequest, grant_id: int) -> HttpResponse:
    grant = own_grant(request, grant_id)
    if grant.revoked_at is not None:
        raise Http404
    services.carer_grant_patient_consent(actor=request.user, grant=grant)
    messages.success(
        request, _("You agreed. %(name)s can now help you.") % {"name": grant.carer.display_name}
    )
    return redirect("access:my_carers")


# --- Patients: my choices (consents) ------------------------------------------------------

CONSENT_EXPLAINED = {
    ConsentKind.CARE: gettext_lazy(
        "Your care team uses your record to look after you. This is part of being cared for."
    ),
    ConsentKind.REGISTRY: gettext_lazy(
        "Your results are counted, without your name, to see how well clinics care for "
        "people. You are in unless you say no."
    ),
    ConsentKind.RESEARCH: gettext_lazy(
        "Researchers may use your results, without your name, in approved studies. "
        "You are only in if you say yes."
    ),
    ConsentKind.PEER_NETWORK: gettext_lazy(
        "Other patients with the same condition can contact you to share what they have "
        "learned. You are only in if you say yes."
    ),
}


@role_required(Role.PATIENT)
@require_http_methods(["GET", "POST"])
def my_consents(request: HttpRequest) -> HttpResponse:
    """The four consent choices, what each means, and every change made."""
    access = own_patient_access(request.user, purpose="my-choices")
    if access is None:
        return no_record(request)
    failed = None
    if request.method == "POST":
        form = ConsentChangeForm(request.POST)
        if form.is_valid():
            try:
                services.consent_record(
                    actor=request.user,
                    patient=access.patient,
                    kind=form.cleaned_data["kind"],
                    given=form.cleaned_data["given"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
                failed = form
            else:
                messages.success(request, _("Your choice is saved. It applies from now."))
                return redirect("access:my_consents")
        else:
            failed = form
    state = consents_in_force(access.patient)
    choices = [
        {
            "kind": kind,
            "label": kind.label,
            "explained": CONSENT_EXPLAINED[kind],
            "given": state[kind.value],
            "changeable": kind != ConsentKind.CARE,
        }
        for kind in ConsentKind
    ]
    return render(
        request,
        "access/my_consents.html",
        {"choices": choices, "history": consent_history(access), "failed": failed},
    )


# --- Clinicians: a carer for a child ------------------------------------------------------


@role_required(Role.CLINICIAN)
@require_http_methods(["GET", "POST"])
def patient_carer_add(request: HttpRequest, patient_id: int) -> HttpResponse:
    """A clinician gives a parent or guardian access for a child (under 18). From the age
    of own consent the grant waits for the patient's agreement."""
    access = patient_for_user(request.user, patient_id, purpose="care")
    form = CarerGrantForm(request.POST or None, for_child=True)
    if request.method == "POST" and form.is_valid() and grant_from_form(request, access, form):
        messages.success(request, _("The carer was added."))
        return redirect("patients:patient_detail", patient_id=access.patient.pk)
    return render(
        request, "access/patient_carer_add.html", {"form": form, "patient": access.patient}
    )


@role_required(Role.CLINICIAN)
@require_POST
def patient_carer_revoke(request: HttpRequest, patient_id: int, grant_id: int) -> HttpResponse:
    access = patient_for_user(request.user, patient_id, purpose="care")
    grant = carer_grant_for_access(access, grant_id)
    if grant is None:
        raise Http404
    services.carer_grant_revoke(actor=request.user, grant=grant)
    messages.success(request, _("The carer's access has ended."))
    return redirect("patients:patient_detail", patient_id=access.patient.pk)

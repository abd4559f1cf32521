"""Clinicians recording, correcting and tracing observations of one patient. Every page
checks access to the patient first and looks the observation up only within that access, so
an id from another patient's record gives 404 and shows nothing."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from coproduce.accounts.decorators import role_required
from coproduce.accounts.models import Role
from coproduce.core.clock import now
from coproduce.observations import services
from coproduce.observations.catalogue import code_info
from coproduce.observations.forms import (
    ObservationCorrectForm,
    ObservationErrorForm,
    ObservationForm,
)
from coproduce.observations.models import Observation
from coproduce.observations.selectors import observation_for_access, observation_versions
from coproduce.observations.views.display import (
    code_name,
    coded_words,
    info_or_none,
    result_rows,
    unit_words,
    value_words,
)
from coproduce.patients.forms import add_service_errors
from coproduce.patients.selectors import patient_for_user


def unit_zone(patient) -> ZoneInfo:
    """Times are typed and shown in the time zone of the patient's home unit."""
    return ZoneInfo(patient.home_unit.time_zone)


@role_required(Role.CLINICIAN)
@require_http_methods(["GET", "POST"])
def observation_add(request: HttpRequest, patient_id: int) -> HttpResponse:
    access = patient_for_user(request.user, patient_id, purpose="care")
    patient = access.patient
    with timezone.override(unit_zone(patient)):
        initial = {
            "effective_at": timezone.localtime(now()).replace(second=0, microsecond=0),
            "code": request.GET.get("code", ""),
            "source": "clinician",
        }
        form = ObservationForm(request.POST or None, initial=initial)
        form.fields["effective_at"].help_text = _(
            "In the time zone of the patient's unit (%(zone)s)."
        ) % {"zone": patient.home_unit.time_zone}
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                services.observation_record(
                    actor=request.user,
                    patient=patient,
                    code=data["code"],
                    effective_at=data["effective_at"],
                    source=data["source"],
                    **data["value_kwargs"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request, _("%(name)s was recorded.") % {"name": code_name(data["code"])}
                )
                return redirect("patients:patient_detail", patient_id=patient.pk)
        return render(
            request,
            "observations/observation_add.html",
            {"form": form, "patient": patient, **code_help_context(form["code"].value())},
        )


@role_required(Role.CLINICIAN)
@require_GET
def code_help(request: HttpRequest) -> HttpResponse:
    """The unit and allowed values of one code (an htmx fragment under the value field).
    Catalogue data only: no patient data."""
    return render(
        request, "observations/code_help.html", code_help_context(request.GET.get("code"))
    )


def code_help_context(code: str | None) -> dict:
    info = info_or_none(code or "")
    return {
        "info": info,
        "unit": unit_words(info.unit) if info else "",
        "values": [(v, coded_words(v)) for v in info.values] if info else [],
    }


def observation_in_record(access, observation_id) -> Observation:
    observation = observation_for_access(access, observation_id)
    if observation is None:
        raise Http404
    return observation


def current_value_text(observation: Observation) -> str:
    if observation.value_quantity is not None:
        return f"{observation.value_quantity:g}"
    return observation.value_code or observation.value_text


@role_required(Role.CLINICIAN)
@require_http_methods(["GET", "POST"])
def observation_correct(request: HttpRequest, patient_id: int, observation_id: int) -> HttpResponse:
    """Correct a value (a new version, with a reason) or mark it entered in error."""
    access = patient_for_user(request.user, patient_id, purpose="care")
    observation = observation_in_record(access, observation_id)
    if not observation.is_current:
        messages.info(
            request, _("This value was already corrected or removed. Here is its history.")
        )
        return redirect(
            "observations:observation_history",
            patient_id=access.patient.pk,
            observation_id=observation.pk,
        )
    info = code_info(observation.code)
    action = request.POST.get("action") if request.method == "POST" else None
    correct_form = ObservationCorrectForm(
        request.POST if action == "correct" else None,
        kind=info.kind,
        prefix="correct",
        initial={"value": current_value_text(observation)},
    )
    if unit_words(info.unit):
        correct_form.fields["value"].help_text = _("In %(unit)s.") % {"unit": unit_words(info.unit)}
    error_form = ObservationErrorForm(request.POST if action == "error" else None, prefix="error")
    if action == "correct" and correct_form.is_valid():
        try:
            new = services.observation_correct(
                actor=request.user,
                observation=observation,
                reason=correct_form.cleaned_data["reason"],
                **correct_form.cleaned_data["value_kwargs"],
            )
        except ValidationError as error:
            add_service_errors(correct_form, error)
        else:
            messages.success(request, _("The value was corrected. The old value is kept."))
            return redirect(
                "observations:observation_history",
                patient_id=access.patient.pk,
                observation_id=new.pk,
            )
    if action == "error" and error_form.is_valid():
        try:
            services.observation_mark_entered_in_error(
                actor=request.user,
                observation=observation,
                reason=error_form.cleaned_data["reason"],
            )
        except ValidationError as error:
            add_service_errors(error_form, error, {"value": None})
        else:
            messages.success(request, _("The value was marked as entered in error."))
            return redirect(
                "observations:observation_history",
                patient_id=access.patient.pk,
                observation_id=observation.pk,
            )
    with timezone.override(unit_zone(access.patient)):
        return render(
            request,
            "observations/observation_correct.html",
            {
                "patient": access.patient,
                "observation": observation,
                "name": code_name(observation.code),
                "value": value_words(observation),
                "unit": unit_words(info.unit),
                "correct_form": correct_form,
                "error_form": error_form,
            },
        )


@role_required(Role.CLINICIAN)
@require_GET
def observation_history(request: HttpRequest, patient_id: int, observation_id: int) -> HttpResponse:
    """Every version of one value, newest first, with who recorded each and its status."""
    access = patient_for_user(request.user, patient_id, purpose="care")
    observation = observation_in_record(access, observation_id)
    versions = result_rows(observation_versions(access, observation))
    with timezone.override(unit_zone(access.patient)):
        return render(
            request,
            "observations/observation_history.html",
            {
                "patient": access.patient,
                "name": code_name(observation.code),
                "versions": versions,
                "current": next((v for v in versions if v.observation.is_current), None),
            },
        )

"""Pages for patients and carers: the messages about their reports (what the care team will
do, or did, about each report that needed them), in plain words."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from coproduce.access.policy import PatientAccess
from coproduce.accounts.decorators import role_required
from coproduce.accounts.models import Role
from coproduce.alerts.patient_view import MY_ALERTS_DAYS, alerts_for_patient, care_team_phone
from coproduce.patients.selectors import own_patient_access, patient_for_user
from coproduce.patients.views.me import no_record

PURPOSE = "my-alerts"


def render_alerts(request: HttpRequest, access: PatientAccess) -> HttpResponse:
    return render(
        request,
        "alerts/my_alerts.html",
        {
            "patient": access.patient,
            "access": access,
            "own": access.as_role == Role.PATIENT,
            "alerts": alerts_for_patient(access),
            "days": MY_ALERTS_DAYS,
            "phone": care_team_phone(access),
        },
    )


@role_required(Role.PATIENT)
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    """The logged-in patient's messages about their reports (a link with no record id)."""
    access = own_patient_access(request.user, purpose=PURPOSE)
    if access is None:
        return no_record(request)
    return render_alerts(request, access)


@role_required(Role.PATIENT, Role.CARER)
@require_GET
def for_patient(request: HttpRequest, patient_id: int) -> HttpResponse:
    """One patient's messages about their reports, for the patient or a carer who may see
    the patient's reports (another carer is refused by the selector)."""
    access = patient_for_user(request.user, patient_id, purpose=PURPOSE)
    return render_alerts(request, access)

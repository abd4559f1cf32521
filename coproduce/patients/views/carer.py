"""Pages for carers: the people they care for, and what their permissions let them see."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from coproduce.access.models import CarerScope
from coproduce.access.policy import PatientAccess
from coproduce.access.selectors import carer_grants_of
from coproduce.accounts.decorators import role_required
from coproduce.accounts.models import Role
from coproduce.alerts.patient_view import messages_url
from coproduce.observations.selectors import observations_recent
from coproduce.observations.views.display import result_rows
from coproduce.patients.selectors import patient_for_user

CARER_RESULTS_SHOWN = 20


def scope_labels(access: PatientAccess) -> list[str]:
    return [str(scope.label) for scope in CarerScope if access.can(scope.value)]


@role_required(Role.CARER)
@require_GET
def carer_home(request: HttpRequest) -> HttpResponse:
    """The people this carer acts for (grants in force). `?patient=ID` switches to one."""
    chosen = request.GET.get("patient")
    if chosen and chosen.isdigit():
        return redirect("patients:carer_patient", patient_id=chosen)
    return render(
        request, "patients/carer_home.html", {"grants": list(carer_grants_of(request.user))}
    )


@role_required(Role.CARER)
@require_GET
def carer_patient(request: HttpRequest, patient_id: int) -> HttpResponse:
    """One person the carer looks after, as far as the carer's permissions go. Items marked
    confidential are left out once the patient is old enough (access policy)."""
    access = patient_for_user(request.user, patient_id, purpose="carer")
    results = []
    if access.can(CarerScope.VIEW_REPORTS):
        results = result_rows(
            observations_recent(access, limit=CARER_RESULTS_SHOWN, own_stream_only=True)
        )
    return render(
        request,
        "patients/carer_patient.html",
        {
            "patient": access.patient,
            "access": access,
            "scopes": scope_labels(access),
            "results": results,
            "grants": list(carer_grants_of(request.user)),
            "alerts_url": messages_url(access),
            "sees_care_plan": access.can(CarerScope.CARE_PLAN),
            "can_report": access.can(CarerScope.REPORT_FOR_PATIENT)
            or access.can(CarerScope.REPORT_OWN),
        },
    )

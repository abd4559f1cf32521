"""Reads of carer grants and consents. Callers pass a PatientAccess, proof of the check."""

from __future__ import annotations

from django.db.models import QuerySet

from coproduce.access.models import CONSENT_DEFAULTS, CarerGrant, ConsentDecision
from coproduce.access.policy import PatientAccess, carer_grants_in_force
from coproduce.accounts.models import User
from coproduce.patients.models import Patient


def carer_grants_for_patient(access: PatientAccess) -> QuerySet[CarerGrant]:
    """Every grant for the patient, newest first, revoked ones included (history)."""
    return (
        CarerGrant.objects.filter(patient=access.patient)
        .select_related("carer", "granted_by", "revoked_by")
        .order_by("-granted_at", "-pk")
    )


def carer_grants_of(carer: User) -> QuerySet[CarerGrant]:
    """The grants in force for a carer, with their patients, for the patient switcher."""
    return (
        carer_grants_in_force(carer)
        .select_related("patient")
        .order_by("patient__given_name", "patient_id")
    )


def consent_history(access: PatientAccess) -> QuerySet[ConsentDecision]:
    return (
        ConsentDecision.objects.filter(patient=access.patient)
        .select_related("recorded_by")
        .order_by("-recorded_at", "-pk")
    )


def consents_in_force(patient: Patient) -> dict[str, bool]:
    """The decision in force per kind: the latest recorded, else the default."""
    state = {kind.value: default for kind, default in CONSENT_DEFAULTS.items()}
    latest = ConsentDecision.objects.filter(patient=patient).order_by("kind", "-recorded_at", "-pk")
    seen: set[str] = set()
    for decision in latest:
        if decision.kind not in seen:
            state[decision.kind] = decision.given
            seen.add(decision.kind)
    return state

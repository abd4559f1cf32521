"""Reads of carer grants and consents. Callers pass a PatientAccess, proof of the check."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from coproduce.access.models import CONSENT_DEFAULTS, CarerGrant, ConsentDecision
from coproduce.access.policy import PatientAccess, carer_grants_in_force
from coproduce.accounts.models import Role, User
from coproduce.core.clock import now, today
from coproduce.core.ids import as_pk
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


# --- Reads for the web pages ----------------------------------------------------------------


class GrantState:
    """Where a carer grant stands today, in the words shown to people."""

    ACTIVE = "active"
    WAITING = "waiting"  # needs the patient's own agreement (adolescent rule)
    NOT_STARTED = "not-started"
    EXPIRED = "expired"
    REVOKED = "revoked"


def carer_grant_state(grant: CarerGrant) -> str:
    """The state of a grant now; `grant.patient` must be loaded with its network."""
    at = now()
    if grant.revoked_at is not None:
        return GrantState.REVOKED
    if grant.valid_until is not None and grant.valid_until <= at:
        return GrantState.EXPIRED
    if grant.valid_from > at:
        return GrantState.NOT_STARTED
    if carer_grant_needs_patient_agreement(grant):
        return GrantState.WAITING
    return GrantState.ACTIVE


def carer_grant_needs_patient_agreement(grant: CarerGrant) -> bool:
    """From `own_consent_from_age` a grant someone else made needs the patient's agreement."""
    patient = grant.patient
    old_enough = patient.age_on(today()) >= patient.network.own_consent_from_age
    made_by_patient = patient.user_id is not None and grant.granted_by_id == patient.user_id
    return old_enough and not made_by_patient and grant.patient_consented_at is None


def carer_grant_for_access(access: PatientAccess, grant_id: object) -> CarerGrant | None:
    """One grant of this patient, or None (never another patient's)."""
    pk = as_pk(grant_id)
    if pk is None:
        return None
    return (
        CarerGrant.objects.filter(patient=access.patient, pk=pk)
        .select_related("patient", "patient__network", "carer")
        .first()
    )


def carer_accounts_matching(identifier: str) -> list[User]:
    """Active carer logins whose username or e-mail is exactly `identifier` (any case).
    Used to add a carer; a carer must already have an account."""
    identifier = identifier.strip()
    if not identifier:
        return []
    return list(
        User.objects.filter(role=Role.CARER, is_active=True)
        .filter(Q(username__iexact=identifier) | Q(email__iexact=identifier))
        .order_by("pk")[:2]
    )


def carer_grant_rows(access: PatientAccess) -> list[tuple[CarerGrant, str]]:
    """Every grant of the patient with its state now, newest first."""
    rows = []
    for grant in carer_grants_for_patient(access):
        grant.patient = access.patient  # already loaded with its network by the access check
        rows.append((grant, carer_grant_state(grant)))
    return rows

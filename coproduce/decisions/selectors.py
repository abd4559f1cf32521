"""Reads of shared decisions. Each takes a PatientAccess (proof of the access check); a
carer sees decisions only with the care-plan scope."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from coproduce.access.models import CarerGrant, CarerScope
from coproduce.access.policy import PatientAccess, adolescent_consent_q, effective_grants_q
from coproduce.accounts.models import Role, User
from coproduce.core.audit import AuditAction, audit_record
from coproduce.core.clock import now, today
from coproduce.core.ids import as_pk
from coproduce.decisions.models import SharedDecision, SharedDecisionVersion
from coproduce.patients.models import CareTeamMember


def may_see_decisions(access: PatientAccess) -> bool:
    """The patient, their clinicians, and carers allowed to work on the care plan."""
    if access.as_role == Role.CARER:
        return access.can(CarerScope.CARE_PLAN)
    return access.as_role in (Role.PATIENT, Role.CLINICIAN)


def decisions_for(access: PatientAccess) -> list[SharedDecision]:
    """The patient's decisions, newest first (empty for those who may not see them)."""
    if not may_see_decisions(access):
        return []
    rows = list(
        SharedDecision.objects.filter(patient=access.patient).order_by("-created_at", "-pk")
    )
    audit_record(
        actor=access.user,
        action=AuditAction.READ,
        entity_type="SharedDecision",
        patient_id=access.patient.pk,
        purpose="decisions",
        detail={"ids": [d.pk for d in rows]},
    )
    return rows


def decision_for_access(access: PatientAccess, decision_id: object) -> SharedDecision | None:
    """One decision of this patient, or None (never another patient's)."""
    pk = as_pk(decision_id)
    if pk is None or not may_see_decisions(access):
        return None
    decision = (
        SharedDecision.objects.filter(patient=access.patient, pk=pk)
        .prefetch_related("participants")
        .first()
    )
    if decision is not None:
        audit_record(
            actor=access.user,
            action=AuditAction.READ,
            entity_type="SharedDecision",
            entity_id=decision.pk,
            patient_id=access.patient.pk,
            purpose="decisions",
        )
    return decision


def decision_versions(
    access: PatientAccess, decision: SharedDecision
) -> list[SharedDecisionVersion]:
    """Every saved version of a decision of this patient, newest first."""
    return list(
        SharedDecisionVersion.objects.filter(decision=decision, decision__patient=access.patient)
        .select_related("changed_by")
        .order_by("-version")
    )


def possible_participants(access: PatientAccess) -> QuerySet[User]:
    """Who may be recorded as taking part: the patient, carers with a grant in force, the
    patient's care team, and the person recording the decision."""
    patient = access.patient
    carer_ids = CarerGrant.objects.filter(
        effective_grants_q(now()),
        adolescent_consent_q(patient.network, today()),
        patient=patient,
    ).values("carer_id")
    team_ids = CareTeamMember.objects.filter(
        care_team__patient=patient, removed_at__isnull=True
    ).values("user_id")
    who = Q(pk__in=carer_ids) | Q(pk__in=team_ids) | Q(pk=access.user.pk)
    if patient.user_id is not None:
        who |= Q(pk=patient.user_id)
    return (
        User.objects.filter(who, is_active=True)
        .distinct()
        .order_by("role", "last_name", "first_name", "pk")
    )

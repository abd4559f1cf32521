"""Reads of observations. Each takes a PatientAccess (proof of the access check) and
hides confidential values from those who may not see them."""

from __future__ import annotations

from django.db.models import QuerySet

from coproduce.access.policy import PatientAccess
from coproduce.core.audit import AuditAction, audit_record
from coproduce.observations.models import Observation


def visible_observations(access: PatientAccess) -> QuerySet[Observation]:
    rows = Observation.objects.filter(patient=access.patient)
    if not access.sees_confidential:
        rows = rows.filter(is_confidential=False)
    return rows


def observation_series(access: PatientAccess, code: str) -> list[Observation]:
    """The current values of one code, oldest first (a chart's series)."""
    rows = list(
        visible_observations(access)
        .filter(code=code, is_current=True)
        .order_by("effective_at", "pk")
    )
    audit_record(
        actor=access.user,
        action=AuditAction.READ,
        entity_type="Observation",
        patient_id=access.patient.pk,
        detail={"code": code, "count": len(rows)},
    )
    return rows


def observations_recent(access: PatientAccess, *, limit: int = 50) -> list[Observation]:
    """The latest current values of every code, newest first."""
    rows = list(
        visible_observations(access)
        .filter(is_current=True)
        .select_related("reporter")
        .order_by("-effective_at", "-pk")[:limit]
    )
    audit_record(
        actor=access.user,
        action=AuditAction.READ,
        entity_type="Observation",
        patient_id=access.patient.pk,
        detail={"count": len(rows)},
    )
    return rows


def observation_for_access(access: PatientAccess, observation_id: object) -> Observation | None:
    """One observation of this patient, or None (never another patient's)."""
    try:
        pk = int(str(observation_id))
    except ValueError:
        return None
    return visible_observations(access).filter(pk=pk).first()


def observation_history(access: PatientAccess, observation: Observation) -> list[Observation]:
    """The chain of versions of a value, newest first (corrections keep the history)."""
    chain = [observation]
    current = observation
    while current.replaces_id is not None:
        current = visible_observations(access).get(pk=current.replaces_id)
        chain.append(current)
    return chain

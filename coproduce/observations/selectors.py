"""Reads of observations. Each takes a PatientAccess (proof of the access check) and
hides confidential values from those who may not see them."""

from __future__ import annotations

from django.db.models import QuerySet

from coproduce.access.policy import PatientAccess
from coproduce.core.audit import AuditAction, audit_record
from coproduce.core.ids import as_pk
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
    pk = as_pk(observation_id)
    if pk is None:
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


def latest_per_code(access: PatientAccess, *, limit: int = 200) -> list[Observation]:
    """The newest current value of each code, newest first (a patient's "latest results")."""
    seen: set[str] = set()
    latest = []
    for row in observations_recent(access, limit=limit):
        if row.code not in seen:
            seen.add(row.code)
            latest.append(row)
    return latest


def observation_versions(access: PatientAccess, observation: Observation) -> list[Observation]:
    """Every version of a value, newest first, whichever version `observation` is: later
    corrections are followed forward, earlier ones back."""
    newest = observation
    while True:
        later = visible_observations(access).filter(replaces=newest).first()
        if later is None:
            break
        newest = later
    versions = observation_history(access, newest)
    audit_record(
        actor=access.user,
        action=AuditAction.READ,
        entity_type="Observation",
        entity_id=observation.pk,
        patient_id=access.patient.pk,
        detail={"versions": [v.pk for v in versions]},
    )
    return versions

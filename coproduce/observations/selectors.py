"""Reads of observations. Each takes a PatientAccess (proof of the access check) and
hides confidential values from those who may not see them."""

from __future__ import annotations

from django.db.models import QuerySet

from coproduce.access.policy import PatientAccess
from coproduce.core.audit import AuditAction, audit_record
from coproduce.core.ids import as_pk
from coproduce.observations.measurements import HOME_CODES
from coproduce.observations.models import DialysisSession, Observation, ObservationSource


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


def observations_recent(
    access: PatientAccess, *, limit: int = 50, own_stream_only: bool = False
) -> list[Observation]:
    """The latest current values of every code, newest first. With `own_stream_only`, a
    carer's own observations (a separate stream) are left out."""
    rows_query = visible_observations(access).filter(is_current=True)
    if own_stream_only:
        rows_query = rows_query.exclude(source=ObservationSource.CARER)
    rows = list(rows_query.select_related("reporter").order_by("-effective_at", "-pk")[:limit])
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
    """The newest current value of each code in the patient's own stream, newest first (a
    patient's "latest results"); carers' own observations are shown apart."""
    seen: set[str] = set()
    latest = []
    for row in observations_recent(access, limit=limit, own_stream_only=True):
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


# --- Home measurements and the self-dialysis log ----------------------------------------------


def home_measurements(
    access: PatientAccess, *, sources: tuple[str, ...], limit: int = 60
) -> list[Observation]:
    """The latest current home measurements reported into the streams `sources`
    (e.g. ("patient",) or ("carer",)), newest first. Values of dialysis sessions are
    listed with their session instead."""
    rows = list(
        visible_observations(access)
        .filter(is_current=True, code__in=HOME_CODES, source__in=sources)
        .exclude(derived_from__startswith="DialysisSession/")
        .select_related("reporter")
        .order_by("-effective_at", "-pk")[:limit]
    )
    audit_record(
        actor=access.user,
        action=AuditAction.READ,
        entity_type="Observation",
        patient_id=access.patient.pk,
        purpose="home-measurements",
        detail={"sources": list(sources), "count": len(rows)},
    )
    return rows


def dialysis_sessions(
    access: PatientAccess, *, limit: int = 20
) -> list[tuple[DialysisSession, list[Observation]]]:
    """The latest self-dialysis sessions, newest first, each with its current values."""
    sessions = list(
        DialysisSession.objects.filter(patient=access.patient)
        .select_related("reporter")
        .order_by("-started_at", "-pk")[:limit]
    )
    by_reference: dict[str, list[Observation]] = {s.reference: [] for s in sessions}
    if sessions:
        for row in (
            visible_observations(access)
            .filter(is_current=True, derived_from__in=list(by_reference))
            .order_by("effective_at", "pk")
        ):
            by_reference[row.derived_from].append(row)
    audit_record(
        actor=access.user,
        action=AuditAction.READ,
        entity_type="DialysisSession",
        patient_id=access.patient.pk,
        detail={"sessions": [s.pk for s in sessions]},
    )
    return [(session, by_reference[session.reference]) for session in sessions]

"""Reads of visits. Patient-facing reads take a PatientAccess (proof of the access check)."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from coproduce.access.policy import PatientAccess
from coproduce.core.audit import AuditAction, audit_record
from coproduce.core.clock import now
from coproduce.visits.models import Visit, VisitStatus


def visits_upcoming(access: PatientAccess, *, limit: int = 5) -> list[Visit]:
    """The patient's booked visits from now on, soonest first (audited)."""
    rows = list(
        Visit.objects.filter(
            patient=access.patient, status=VisitStatus.SCHEDULED, starts_at__gte=now()
        )
        .select_related("unit", "clinician")
        .order_by("starts_at", "pk")[:limit]
    )
    audit_record(
        actor=access.user,
        action=AuditAction.SEARCH,
        entity_type="Visit",
        patient_id=access.patient.pk,
        detail={"count": len(rows)},
    )
    return rows


def visits_for_scheduling(
    patient_ids: list[int], *, since: dt.datetime, until: dt.datetime
) -> QuerySet[Visit]:
    """Visits starting from `since` to `until` for these patients (any status), for the
    reporting job. System use only: never shown to a person through this function."""
    return Visit.objects.filter(
        patient_id__in=patient_ids, starts_at__gte=since, starts_at__lt=until
    ).order_by("starts_at", "pk")

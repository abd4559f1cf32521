"""Reads of visits. Patient-facing reads take a PatientAccess (proof of the access check)."""

from __future__ import annotations

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

"""The write path for visits. Each change is audited in its own transaction."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from coproduce.accounts.models import User
from coproduce.core.audit import AuditAction, audit_record
from coproduce.core.clock import now
from coproduce.network.models import Unit
from coproduce.patients.models import Patient
from coproduce.visits.models import Visit, VisitStatus


def _audit(actor: User | None, visit: Visit, action: str) -> None:
    audit_record(
        actor=actor,
        action=action,
        entity_type="Visit",
        entity_id=visit.pk,
        patient_id=visit.patient_id,
        detail={"status": visit.status, "unit": visit.unit_id},
    )


def visit_schedule(
    *,
    actor: User | None,
    patient: Patient,
    unit: Unit,
    starts_at: dt.datetime,
    clinician: User | None = None,
) -> Visit:
    """Book a visit. The time must be aware; the unit must be in the patient's network."""
    if starts_at.tzinfo is None:
        raise ValidationError({"starts_at": _("The visit time needs a time zone.")})
    if unit.region.network_id != patient.network_id:
        raise ValidationError({"unit": _("This unit is not in the patient's network.")})
    with transaction.atomic():
        visit = Visit.objects.create(
            patient=patient,
            unit=unit,
            clinician=clinician,
            starts_at=starts_at,
            status=VisitStatus.SCHEDULED,
            created_at=now(),
        )
        _audit(actor, visit, AuditAction.CREATE)
    return visit


def _change_status(*, actor: User | None, visit: Visit, status: str) -> Visit:
    with transaction.atomic():
        locked = Visit.objects.select_for_update().get(pk=visit.pk)
        if locked.status == status:
            return locked  # repeating the change changes nothing
        if locked.status != VisitStatus.SCHEDULED:
            raise ValidationError(
                {"status": _("Only a booked visit can be marked done or cancelled.")}
            )
        locked.status = status
        locked.status_changed_at = now()
        locked.save(update_fields=["status", "status_changed_at"])
        _audit(actor, locked, AuditAction.UPDATE)
    return locked


def visit_cancel(*, actor: User | None, visit: Visit) -> Visit:
    """Cancel a booked visit. Questionnaires due before it are cancelled by the reporting
    job (or at once by `coproduce.reporting.services.visit_reports_update`)."""
    return _change_status(actor=actor, visit=visit, status=VisitStatus.CANCELLED)


def visit_mark_done(*, actor: User | None, visit: Visit) -> Visit:
    """Mark a booked visit as done. The visit flow then calls
    `coproduce.reporting.services.visit_reports_update` so questionnaires due after a visit
    open at once (the reporting job would also pick the visit up)."""
    return _change_status(actor=actor, visit=visit, status=VisitStatus.DONE)

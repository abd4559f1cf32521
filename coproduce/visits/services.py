"""The write path for visits. Each change is audited in its own transaction."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from coproduce.access.models import CarerScope
from coproduce.access.policy import PatientAccess
from coproduce.accounts.models import Role, User
from coproduce.core.audit import AuditAction, audit_record
from coproduce.core.clock import now
from coproduce.network.models import Unit
from coproduce.patients.models import Patient
from coproduce.visits.models import Visit, VisitAgenda, VisitStatus


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


# The agenda: up to three concerns, each short enough to read aloud, and free-text questions.
MAX_CONCERNS = 3
CONCERN_MAX = 300
QUESTIONS_MAX = 2000


def may_write_agenda(access: PatientAccess) -> bool:
    """The patient, or a carer allowed to work on the care plan."""
    if access.as_role == Role.PATIENT:
        return True
    return access.as_role == Role.CARER and access.can(CarerScope.CARE_PLAN)


def agenda_is_open(visit: Visit) -> bool:
    """An agenda can be written until the visit starts (and not for a cancelled one)."""
    return visit.status == VisitStatus.SCHEDULED and visit.starts_at > now()


def checked_concerns(concerns: list[str]) -> list[str]:
    """The concerns in order with empty ones dropped; errors name the field
    (`concern_1`…) that is too long."""
    errors: dict[str, str] = {}
    for index, text in enumerate(concerns, start=1):
        if len(text.strip()) > CONCERN_MAX:
            errors[f"concern_{index}"] = _(
                "Please keep this to %(max)d characters (it has %(count)d)."
            ) % {"max": CONCERN_MAX, "count": len(text.strip())}
    kept = [text.strip() for text in concerns if text.strip()]
    if len(kept) > MAX_CONCERNS:
        errors[NON_FIELD_ERRORS] = _("You can list up to %(max)d things.") % {"max": MAX_CONCERNS}
    if errors:
        raise ValidationError(errors)
    return kept


def agenda_save(
    *, access: PatientAccess, visit: Visit, concerns: list[str], questions: str
) -> VisitAgenda:
    """Write or change the agenda of one of the patient's upcoming visits. Each save is a
    new version and is audited in the same transaction."""
    if visit.patient_id != access.patient.pk:
        raise PermissionDenied(_("This visit is not in this record."))
    if not may_write_agenda(access):
        raise PermissionDenied(_("You cannot write this person's visit agenda."))
    kept = checked_concerns(concerns)
    questions = questions.strip()
    if len(questions) > QUESTIONS_MAX:
        raise ValidationError(
            {
                "questions": _("Please keep this to %(max)d characters (it has %(count)d).")
                % {"max": QUESTIONS_MAX, "count": len(questions)}
            }
        )
    with transaction.atomic():
        locked = Visit.objects.select_for_update().get(pk=visit.pk)
        if not agenda_is_open(locked):
            raise ValidationError(
                _("This visit has started or is no longer booked, so its agenda cannot change.")
            )
        at = now()
        agenda = VisitAgenda.objects.filter(visit=locked).first()
        if agenda is None:
            agenda = VisitAgenda.objects.create(
                visit=locked,
                patient=access.patient,
                concerns=kept,
                questions=questions,
                written_by=access.user,
                created_at=at,
                updated_at=at,
            )
            action = AuditAction.CREATE
        else:
            agenda.concerns = kept
            agenda.questions = questions
            agenda.version += 1
            agenda.written_by = access.user
            agenda.updated_at = at
            agenda.save(
                update_fields=["concerns", "questions", "version", "written_by", "updated_at"]
            )
            action = AuditAction.UPDATE
        audit_record(
            actor=access.user,
            action=action,
            entity_type="VisitAgenda",
            entity_id=agenda.pk,
            patient_id=access.patient.pk,
            detail={
                "visit": locked.pk,
                "version": agenda.version,
                "concerns": len(kept),
                "as": access.as_role,
            },
        )
    return agenda

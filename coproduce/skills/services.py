"""The one write path for reviews of patient-documented procedures. Each write is audited in
the same transaction. Reviewing never changes the session's values."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from coproduce.access.models import CarerScope
from coproduce.access.policy import PatientAccess
from coproduce.accounts.models import Role
from coproduce.core.audit import AuditAction, audit_record
from coproduce.core.clock import now
from coproduce.observations.models import DialysisSession
from coproduce.skills.checklists import Checklist, built_in_checklists
from coproduce.skills.models import (
    ChecklistAssignment,
    Level,
    ReviewKind,
    SessionReview,
    StepEntry,
)

COMMENT_LIMIT = 1000


def checked_session(access: PatientAccess, session: DialysisSession) -> None:
    if access.as_role != Role.CLINICIAN:
        raise PermissionDenied(_("Only a clinician can review a session."))
    if session.patient_id != access.patient.pk:
        raise PermissionDenied(_("This session is not in this record."))


def checked_comment(comment: str, *, required: bool, field: str = "comment") -> str:
    comment = comment.strip()
    if required and not comment:
        raise ValidationError({field: _("Write what you want to ask about this session.")})
    if len(comment) > COMMENT_LIMIT:
        raise ValidationError({field: _("Keep this under 1,000 characters.")})
    return comment


def session_review(
    *, access: PatientAccess, session: DialysisSession, kind: str, comment: str = ""
) -> SessionReview:
    """Countersign a session (comment optional) or query it (comment required, the patient
    sees it). A session already countersigned cannot be countersigned again."""
    checked_session(access, session)
    if kind not in ReviewKind.values:
        raise ValidationError({"kind": _("Choose to countersign or to ask a question.")})
    comment = checked_comment(comment, required=kind == ReviewKind.QUERY)
    if SessionReview.objects.filter(session=session, kind=ReviewKind.COUNTERSIGN).exists():
        raise ValidationError({"kind": _("This session is already countersigned.")})
    try:
        with transaction.atomic():
            review = SessionReview.objects.create(
                session=session,
                kind=kind,
                clinician=access.user,
                reviewed_at=now(),
                comment=comment,
            )
            audit_record(
                actor=access.user,
                action=AuditAction.CREATE,
                entity_type="SessionReview",
                entity_id=review.pk,
                patient_id=access.patient.pk,
                detail={"session": session.pk, "kind": kind},
            )
    except IntegrityError as error:
        raise ValidationError({"kind": _("This session is already countersigned.")}) from error
    return review


# --- Competency checklists -----------------------------------------------------------------


def checked_clinician(access: PatientAccess, message: str) -> None:
    if access.as_role != Role.CLINICIAN:
        raise PermissionDenied(message)


def checked_assignment(access: PatientAccess, assignment: ChecklistAssignment) -> Checklist:
    if assignment.patient_id != access.patient.pk:
        raise PermissionDenied(_("This checklist is not in this record."))
    checklist = built_in_checklists().get(assignment.checklist_id)
    if checklist is None:
        raise ValidationError({"step": _("This checklist is no longer available.")})
    return checklist


def checked_step(checklist: Checklist, step_id: str) -> None:
    if checklist.step(step_id) is None:
        raise ValidationError({"step": _("Choose a step of this checklist.")})


def checklist_assign(*, access: PatientAccess, checklist_id: str) -> ChecklistAssignment:
    """Assign a checklist to the patient (clinicians only), once per checklist."""
    checked_clinician(access, _("Only a clinician can assign a checklist."))
    checklist = built_in_checklists().get(checklist_id)
    if checklist is None:
        raise ValidationError({"checklist": _("Choose a checklist from the list.")})
    if ChecklistAssignment.objects.filter(
        patient=access.patient, checklist_id=checklist.id
    ).exists():
        raise ValidationError({"checklist": _("This checklist is already assigned.")})
    with transaction.atomic():
        assignment = ChecklistAssignment.objects.create(
            patient=access.patient,
            checklist_id=checklist.id,
            checklist_version=checklist.version,
            assigned_by=access.user,
            assigned_at=now(),
        )
        audit_record(
            actor=access.user,
            action=AuditAction.CREATE,
            entity_type="ChecklistAssignment",
            entity_id=assignment.pk,
            patient_id=access.patient.pk,
            detail={"checklist": checklist.id, "version": checklist.version},
        )
    return assignment


def step_level_set(
    *,
    access: PatientAccess,
    assignment: ChecklistAssignment,
    step_id: str,
    level: str,
    note: str = "",
) -> StepEntry:
    """A clinician sets a step's level (with an optional note); each change is a new row.
    Only clinicians set levels: patients and carers note their practice instead. Levels of
    a signed-off checklist no longer change."""
    checked_clinician(access, _("Only a clinician can set the level of a step."))
    checklist = checked_assignment(access, assignment)
    checked_step(checklist, step_id)
    if level not in Level.values:
        raise ValidationError({"level": _("Choose a level from the list.")})
    if assignment.signed_off_at is not None:
        raise ValidationError(
            {"level": _("This checklist is signed off, so its levels no longer change.")}
        )
    return step_entry_create(
        access, assignment, step_id, level, checked_comment(note, required=False, field="note")
    )


def practice_note_add(
    *, access: PatientAccess, assignment: ChecklistAssignment, step_id: str, note: str
) -> StepEntry:
    """The patient, or a carer who may work on the care plan, notes "I practised this"."""
    if access.as_role == Role.CLINICIAN or not access.can(CarerScope.CARE_PLAN):
        raise PermissionDenied(_("Only the patient or their carer can add a practice note."))
    checklist = checked_assignment(access, assignment)
    checked_step(checklist, step_id)
    note = note.strip()
    if not note:
        raise ValidationError({"note": _("Write how the practice went.")})
    return step_entry_create(
        access, assignment, step_id, "", checked_comment(note, required=False, field="note")
    )


def step_entry_create(
    access: PatientAccess, assignment: ChecklistAssignment, step_id: str, level: str, note: str
) -> StepEntry:
    with transaction.atomic():
        entry = StepEntry.objects.create(
            assignment=assignment,
            step_id=step_id,
            level=level,
            recorded_by=access.user,
            recorded_at=now(),
            note=note,
        )
        audit_record(
            actor=access.user,
            action=AuditAction.CREATE,
            entity_type="StepEntry",
            entity_id=entry.pk,
            patient_id=access.patient.pk,
            detail={"assignment": assignment.pk, "step": step_id, "level": level},
        )
    return entry


def current_levels(assignment: ChecklistAssignment) -> dict[str, str]:
    """Each step's latest level; steps never set are not started."""
    levels: dict[str, str] = {}
    for step_id, level in (
        assignment.entries.exclude(level="")
        .order_by("recorded_at", "pk")
        .values_list("step_id", "level")
    ):
        levels[step_id] = level
    return levels


def checklist_sign_off(*, access: PatientAccess, assignment: ChecklistAssignment) -> None:
    """A clinician signs the whole checklist off, only when every step is independent."""
    checked_clinician(access, _("Only a clinician can sign off a checklist."))
    checklist = checked_assignment(access, assignment)
    if assignment.signed_off_at is not None:
        raise ValidationError({"sign_off": _("This checklist is already signed off.")})
    levels = current_levels(assignment)
    waiting = [s.text for s in checklist.steps if levels.get(s.id) != Level.INDEPENDENT]
    if waiting:
        raise ValidationError(
            {
                "sign_off": _(
                    "Every step must be independent before you sign off. "
                    "%(count)s step(s) are not yet independent."
                )
                % {"count": len(waiting)}
            }
        )
    with transaction.atomic():
        updated = ChecklistAssignment.objects.filter(
            pk=assignment.pk, signed_off_at__isnull=True
        ).update(signed_off_by=access.user, signed_off_at=now())
        if not updated:
            raise ValidationError({"sign_off": _("This checklist is already signed off.")})
        audit_record(
            actor=access.user,
            action=AuditAction.UPDATE,
            entity_type="ChecklistAssignment",
            entity_id=assignment.pk,
            patient_id=access.patient.pk,
            detail={"signed_off": True, "checklist": checklist.id},
        )
    assignment.refresh_from_db()

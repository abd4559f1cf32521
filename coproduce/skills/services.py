"""The one write path for reviews of patient-documented procedures. Each write is audited in
the same transaction. Reviewing never changes the session's values."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from coproduce.access.policy import PatientAccess
from coproduce.accounts.models import Role
from coproduce.core.audit import AuditAction, audit_record
from coproduce.core.clock import now
from coproduce.observations.models import DialysisSession
from coproduce.skills.models import ReviewKind, SessionReview

COMMENT_LIMIT = 1000


def checked_session(access: PatientAccess, session: DialysisSession) -> None:
    if access.as_role != Role.CLINICIAN:
        raise PermissionDenied(_("Only a clinician can review a session."))
    if session.patient_id != access.patient.pk:
        raise PermissionDenied(_("This session is not in this record."))


def checked_comment(comment: str, *, required: bool) -> str:
    comment = comment.strip()
    if required and not comment:
        raise ValidationError({"comment": _("Write what you want to ask about this session.")})
    if len(comment) > COMMENT_LIMIT:
        raise ValidationError({"comment": _("Keep this under 1,000 characters.")})
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

"""The one read path for reviews of patient-documented procedures. Every patient read goes
through a PatientAccess; the clinician's queue reads only patients they may see."""

from __future__ import annotations

from django.db.models import Exists, OuterRef

from coproduce.access.policy import PatientAccess
from coproduce.accounts.models import Role, User
from coproduce.core.audit import AuditAction, audit_record
from coproduce.core.ids import as_pk
from coproduce.observations.models import DialysisSession, Observation
from coproduce.observations.selectors import visible_observations
from coproduce.patients.selectors import patients_visible_to
from coproduce.skills.models import ReviewKind, SessionReview


def session_for_access(access: PatientAccess, session_id: object) -> DialysisSession | None:
    """One of this patient's dialysis sessions, or None (another patient's gives None)."""
    pk = as_pk(session_id)
    if pk is None:
        return None
    return (
        DialysisSession.objects.filter(pk=pk, patient=access.patient)
        .select_related("reporter")
        .first()
    )


def reviews_by_session(
    access: PatientAccess, session_ids: list[int]
) -> dict[int, list[SessionReview]]:
    """The reviews of these sessions of this patient, oldest first, by session id."""
    found: dict[int, list[SessionReview]] = {pk: [] for pk in session_ids}
    for review in (
        SessionReview.objects.filter(session_id__in=session_ids, session__patient=access.patient)
        .select_related("clinician")
        .order_by("reviewed_at", "pk")
    ):
        found[review.session_id].append(review)
    return found


def countersignature(reviews: list[SessionReview]) -> SessionReview | None:
    return next((r for r in reviews if r.kind == ReviewKind.COUNTERSIGN), None)


def sessions_to_countersign(user: User, *, limit: int = 200) -> list[DialysisSession]:
    """Sessions logged by patients or carers, not yet countersigned, for the patients the
    clinician may see, oldest first."""
    if user.role != Role.CLINICIAN:
        return []
    signed = SessionReview.objects.filter(session=OuterRef("pk"), kind=ReviewKind.COUNTERSIGN)
    queried = SessionReview.objects.filter(session=OuterRef("pk"), kind=ReviewKind.QUERY)
    sessions = list(
        DialysisSession.objects.filter(patient__in=patients_visible_to(user))
        .exclude(source="clinician")
        .exclude(Exists(signed))
        .annotate(is_queried=Exists(queried))
        .select_related("patient", "reporter")
        .order_by("started_at", "pk")[:limit]
    )
    audit_record(
        actor=user,
        action=AuditAction.SEARCH,
        entity_type="DialysisSession",
        purpose="countersign-queue",
        detail={"count": len(sessions), "patients": sorted({s.patient_id for s in sessions})},
    )
    return sessions


def session_values(access: PatientAccess, session: DialysisSession) -> list[Observation]:
    """The session's current values, as the patient recorded them (or as corrected)."""
    return list(
        visible_observations(access)
        .filter(is_current=True, derived_from=session.reference)
        .order_by("effective_at", "pk")
    )

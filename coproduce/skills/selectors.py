"""The one read path for reviews of patient-documented procedures. Every patient read goes
through a PatientAccess; the clinician's queue reads only patients they may see."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from coproduce.access.models import CarerScope
from coproduce.access.policy import PatientAccess
from coproduce.accounts.models import Role, User
from coproduce.core.audit import AuditAction, audit_record
from coproduce.core.ids import as_pk
from coproduce.observations.models import DialysisSession, Observation
from coproduce.observations.selectors import visible_observations
from coproduce.patients.selectors import patients_visible_to
from coproduce.skills.checklists import Checklist, Step, built_in_checklists
from coproduce.skills.models import (
    ChecklistAssignment,
    Level,
    ReviewKind,
    SessionReview,
    StepEntry,
)


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


# --- Competency checklists -----------------------------------------------------------------


@dataclass(frozen=True)
class StepView:
    step: Step
    level: str
    level_words: str
    history: list[StepEntry]


@dataclass(frozen=True)
class ChecklistView:
    assignment: ChecklistAssignment
    checklist: Checklist
    steps: list[StepView]

    @property
    def independent_count(self) -> int:
        return sum(1 for s in self.steps if s.level == Level.INDEPENDENT)

    @property
    def may_sign_off(self) -> bool:
        return self.assignment.signed_off_at is None and self.independent_count == len(self.steps)


def checklists_visible(access: PatientAccess) -> None:
    """Checklists are part of the care plan: clinicians, the patient, and carers with the
    care-plan scope."""
    if access.as_role != Role.CLINICIAN and not access.can(CarerScope.CARE_PLAN):
        raise PermissionDenied(_("You cannot see this person's care plan."))


def assignments_for(access: PatientAccess) -> list[ChecklistView]:
    """The patient's checklists with each step's level and history, in assignment order."""
    checklists_visible(access)
    assignments = list(
        ChecklistAssignment.objects.filter(patient=access.patient)
        .select_related("assigned_by", "signed_off_by")
        .order_by("assigned_at", "pk")
    )
    views = [checklist_view(a) for a in assignments]
    audit_record(
        actor=access.user,
        action=AuditAction.READ,
        entity_type="ChecklistAssignment",
        patient_id=access.patient.pk,
        purpose="competency-checklists",
        detail={"count": len(views)},
    )
    return [v for v in views if v is not None]


def assignment_for_access(access: PatientAccess, assignment_id: object) -> ChecklistView | None:
    """One of this patient's checklists, or None (another patient's gives None)."""
    checklists_visible(access)
    pk = as_pk(assignment_id)
    assignment = (
        ChecklistAssignment.objects.filter(pk=pk, patient=access.patient)
        .select_related("assigned_by", "signed_off_by")
        .first()
        if pk is not None
        else None
    )
    if assignment is None:
        return None
    audit_record(
        actor=access.user,
        action=AuditAction.READ,
        entity_type="ChecklistAssignment",
        entity_id=assignment.pk,
        patient_id=access.patient.pk,
        purpose="competency-checklist",
    )
    return checklist_view(assignment)


def checklist_view(assignment: ChecklistAssignment) -> ChecklistView | None:
    checklist = built_in_checklists().get(assignment.checklist_id)
    if checklist is None:
        return None
    history: dict[str, list[StepEntry]] = {s.id: [] for s in checklist.steps}
    for entry in assignment.entries.select_related("recorded_by").order_by("recorded_at", "pk"):
        history.setdefault(entry.step_id, []).append(entry)
    words = dict(Level.choices)
    steps = []
    for step in checklist.steps:
        levels = [e.level for e in history[step.id] if e.level]
        level = levels[-1] if levels else Level.NOT_STARTED
        steps.append(StepView(step, level, str(words[level]), list(reversed(history[step.id]))))
    return ChecklistView(assignment, checklist, steps)


def checklists_not_assigned(access: PatientAccess) -> list[Checklist]:
    taken = set(
        ChecklistAssignment.objects.filter(patient=access.patient).values_list(
            "checklist_id", flat=True
        )
    )
    return [c for c in built_in_checklists().values() if c.id not in taken]

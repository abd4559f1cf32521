"""The one read path for patient records. Every read and every denial is audited."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from coproduce.access.policy import PatientAccess, access_for, patients_visible_q
from coproduce.accounts.models import Role, User
from coproduce.core.audit import AuditAction, AuditOutcome, audit_record
from coproduce.core.clock import today
from coproduce.core.ids import as_pk
from coproduce.core.models import AuditEvent
from coproduce.core.prepared import PreparedGet
from coproduce.patients.models import CareTeamMember, Enrolment, EnrolmentStatus, Patient
from coproduce.programmes.models import ClinicalMeasure


def patients_visible_to(user: User) -> QuerySet[Patient]:
    """Patients `user` may open. Not audited by itself: callers that show the rows audit
    the search (see `patient_search`)."""
    q = patients_visible_q(user)
    if q is None:
        return Patient.objects.none()
    return Patient.objects.filter(q)


# Every patient page starts here, so its SQL is built once (ADR 0013).
PATIENT_WITH_HOME = PreparedGet(Patient, related=("network", "home_unit"))


def patient_for_user(user: User, patient_id: object, *, purpose: str = "view") -> PatientAccess:
    """The patient with `patient_id` if `user` may see it; raises PermissionDenied otherwise.

    A missing patient and a forbidden patient give the same denial, so ids cannot be probed.
    """
    pk = as_pk(patient_id)
    patient = PATIENT_WITH_HOME.get(pk) if pk is not None else None
    access = access_for(user, patient) if patient is not None else None
    if access is None:
        audit_record(
            actor=user,
            action=AuditAction.READ,
            outcome=AuditOutcome.DENIED,
            entity_type="Patient",
            entity_id=str(patient_id)[:64],
            patient_id=patient.pk if patient is not None else None,
            purpose=purpose,
        )
        raise PermissionDenied(_("You do not have access to this record."))
    audit_record(
        actor=user,
        action=AuditAction.READ,
        entity_type="Patient",
        entity_id=patient.pk,
        patient_id=patient.pk,
        purpose=purpose,
        detail={"as": access.as_role},
    )
    return access


def patient_search(user: User, query: str, *, limit: int = 50) -> list[Patient]:
    """Search visible patients by name or identifier. The search is audited with its
    result count (never the query text, which may hold a name)."""
    patients = patients_visible_to(user).select_related("home_unit")
    query = query.strip()
    for word in query.split()[:4]:
        patients = patients.filter(
            Q(family_name__istartswith=word)
            | Q(given_name__istartswith=word)
            | Q(local_id__iexact=word)
            | Q(national_id__iexact=word)
        )
    rows = list(patients.order_by("family_name", "given_name", "pk")[:limit])
    audit_record(
        actor=user,
        action=AuditAction.SEARCH,
        entity_type="Patient",
        detail={"results": len(rows), "patient_ids": [p.pk for p in rows]},
    )
    return rows


# --- Reads for the web pages ----------------------------------------------------------------
# Each takes a PatientAccess (proof of the access check) or works for the user's own record.


def own_patient_access(user: User, *, purpose: str = "view") -> PatientAccess | None:
    """The logged-in patient's own record, or None when no record is linked to the login."""
    patient_id = Patient.objects.filter(user=user).values_list("pk", flat=True).first()
    if patient_id is None:
        return None
    return patient_for_user(user, patient_id, purpose=purpose)


def enrolments_for(access: PatientAccess) -> list[Enrolment]:
    """Every enrolment of the patient, open ones first, newest first."""
    rows = Enrolment.objects.filter(patient=access.patient).select_related("programme", "unit")
    return sorted(
        rows.order_by("-started_on", "-pk"), key=lambda e: e.status == EnrolmentStatus.ENDED
    )


def enrolment_for_access(access: PatientAccess, enrolment_id: object) -> Enrolment | None:
    """One enrolment of this patient, or None (never another patient's)."""
    pk = as_pk(enrolment_id)
    if pk is None:
        return None
    return (
        Enrolment.objects.filter(patient=access.patient, pk=pk).select_related("programme").first()
    )


def care_team_members(access: PatientAccess) -> list[CareTeamMember]:
    """The current members of the patient's care team, leads first."""
    return list(
        CareTeamMember.objects.filter(care_team__patient=access.patient, removed_at__isnull=True)
        .select_related("user")
        .order_by("-is_lead", "role", "user__last_name", "pk")
    )


def care_team_member_for_access(access: PatientAccess, member_id: object) -> CareTeamMember | None:
    pk = as_pk(member_id)
    if pk is None:
        return None
    return (
        CareTeamMember.objects.filter(
            care_team__patient=access.patient, pk=pk, removed_at__isnull=True
        )
        .select_related("care_team")
        .first()
    )


def clinicians_for_care_team(access: PatientAccess) -> QuerySet[User]:
    """Clinicians who could join the care team: staff of the patient's home unit or of a unit
    where the patient has an open enrolment, not already on the team."""
    day = today()
    unit_ids = {access.patient.home_unit_id} | set(
        Enrolment.objects.filter(
            patient=access.patient,
            status__in=[EnrolmentStatus.ACTIVE, EnrolmentStatus.PAUSED],
        ).values_list("unit_id", flat=True)
    )
    on_team = CareTeamMember.objects.filter(
        care_team__patient=access.patient, removed_at__isnull=True
    ).values("user_id")
    return (
        User.objects.filter(
            # One filter() call, so every condition applies to the same membership row.
            Q(unit_memberships__ended_on__isnull=True) | Q(unit_memberships__ended_on__gte=day),
            role=Role.CLINICIAN,
            is_active=True,
            network_id=access.patient.network_id,
            unit_memberships__unit_id__in=unit_ids,
            unit_memberships__started_on__lte=day,
        )
        .exclude(pk__in=on_team)
        .distinct()
        .order_by("last_name", "first_name", "pk")
    )


def measures_for(access: PatientAccess) -> dict[str, ClinicalMeasure]:
    """The clinical measures (with targets) of the patient's open enrolments, by code."""
    measures = ClinicalMeasure.objects.filter(
        programme__enrolments__patient=access.patient,
        programme__enrolments__status__in=[EnrolmentStatus.ACTIVE, EnrolmentStatus.PAUSED],
    ).order_by("pk")
    return {m.code: m for m in measures}


def access_log(access: PatientAccess, *, include_own: bool = False) -> QuerySet[AuditEvent]:
    """Who read or changed the patient's record, newest first. Reading the log is itself
    audited, as a read of the patient's audit trail."""
    rows = AuditEvent.objects.filter(patient=access.patient).select_related("actor")
    if not include_own:
        rows = rows.exclude(actor=access.user)
    audit_record(
        actor=access.user,
        action=AuditAction.READ,
        entity_type="AuditEvent",
        patient_id=access.patient.pk,
        purpose="access-log",
    )
    return rows.order_by("-occurred_at", "-pk")

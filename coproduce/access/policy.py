"""Who may see and do what for a patient. Every rule is one condition per line, so each
branch has its own test (tests/integration/access/test_policy.py)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, F, OuterRef, Q, QuerySet

from coproduce.access.models import CarerGrant, CarerScope
from coproduce.accounts.models import Role, User
from coproduce.core.clock import now, today
from coproduce.network.models import Network, UnitMembership
from coproduce.patients.models import CareTeamMember, Enrolment, EnrolmentStatus, Patient


@dataclass(frozen=True)
class PatientAccess:
    """Proof that `user` passed the access check for `patient`, and on what terms.

    Selectors that read a patient's data take this instead of a bare patient, so they
    cannot be called without the check.
    """

    patient: Patient
    user: User
    as_role: str
    scopes: frozenset[str]
    sees_confidential: bool

    def can(self, scope: str) -> bool:
        return scope in self.scopes


def years_ago(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def effective_grants_q(at: dt.datetime) -> Q:
    """Grants not revoked and inside their validity window at `at`."""
    return (
        Q(revoked_at__isnull=True)
        & Q(valid_from__lte=at)
        & (Q(valid_until__isnull=True) | Q(valid_until__gt=at))
    )


def adolescent_consent_q(network: Network, day: dt.date) -> Q:
    """From `own_consent_from_age` a grant needs the patient's own consent: either the
    patient made it, or the patient agreed to it."""
    consent_cutoff = years_ago(day, network.own_consent_from_age)
    return (
        Q(patient__birth_date__gt=consent_cutoff)
        | Q(granted_by=F("patient__user"))
        | Q(patient_consented_at__isnull=False)
    )


def carer_grants_in_force(carer: User) -> QuerySet[CarerGrant]:
    at = now()
    day = today()
    grants = CarerGrant.objects.filter(effective_grants_q(at), carer=carer)
    if carer.network_id is None:
        return grants.none()
    network = carer.network
    return grants.filter(adolescent_consent_q(network, day), patient__network=network)


def staff_unit_ids(user: User) -> QuerySet[UnitMembership]:
    """The ids of the units `user` works in today, as a subquery (no query of its own, so
    every clinician page saves one)."""
    day = today()
    return (
        UnitMembership.objects.filter(user=user, started_on__lte=day)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=day))
        .values("unit_id")
    )


def clinician_patients_q(user: User) -> Q:
    """A clinician sees patients of their units (home unit or an open enrolment there) and
    patients whose care team they are on."""
    unit_ids = staff_unit_ids(user)
    open_enrolment_here = Enrolment.objects.filter(
        patient=OuterRef("pk"),
        unit_id__in=unit_ids,
        status__in=[EnrolmentStatus.ACTIVE, EnrolmentStatus.PAUSED],
    )
    on_care_team = CareTeamMember.objects.filter(
        care_team__patient=OuterRef("pk"), user=user, removed_at__isnull=True
    )
    return Q(home_unit_id__in=unit_ids) | Q(Exists(open_enrolment_here)) | Q(Exists(on_care_team))


def patients_visible_q(user: User) -> Q | None:
    """The filter for patients `user` may open, or None for nobody."""
    if not user.is_authenticated or not user.is_active:
        return None
    if user.role == Role.PATIENT:
        return Q(user=user)
    if user.role == Role.CARER:
        grant_ids = carer_grants_in_force(user).filter(view_reports=True)
        return Q(pk__in=grant_ids.values("patient_id"))
    if user.role == Role.CLINICIAN:
        return clinician_patients_q(user) & Q(network_id=user.network_id)
    # QI leads and administrators work with aggregates and organisation data only.
    return None


def access_for(user: User, patient: Patient) -> PatientAccess | None:
    """The terms on which `user` may see `patient`, or None."""
    all_scopes = frozenset(s.value for s in CarerScope)
    if not user.is_authenticated or not user.is_active:
        return None
    if user.role == Role.PATIENT:
        if patient.user_id != user.pk:
            return None
        return PatientAccess(patient, user, Role.PATIENT, all_scopes, sees_confidential=True)
    if user.role == Role.CARER:
        grant = carer_grants_in_force(user).filter(patient=patient).first()
        if grant is None or not grant.view_reports:
            return None
        age = patient.age_on(today())
        sees_confidential = age < patient.network.confidential_from_age
        return PatientAccess(patient, user, Role.CARER, frozenset(grant.scopes), sees_confidential)
    if user.role == Role.CLINICIAN:
        q = patients_visible_q(user)
        if not Patient.objects.filter(q, pk=patient.pk).exists():
            return None
        return PatientAccess(patient, user, Role.CLINICIAN, all_scopes, sees_confidential=True)
    return None

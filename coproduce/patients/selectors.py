"""The one read path for patient records. Every read and every denial is audited."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from coproduce.access.policy import PatientAccess, access_for, patients_visible_q
from coproduce.accounts.models import User
from coproduce.core.audit import AuditAction, AuditOutcome, audit_record
from coproduce.patients.models import Patient


def patients_visible_to(user: User) -> QuerySet[Patient]:
    """Patients `user` may open. Not audited by itself: callers that show the rows audit
    the search (see `patient_search`)."""
    q = patients_visible_q(user)
    if q is None:
        return Patient.objects.none()
    return Patient.objects.filter(q)


def patient_for_user(user: User, patient_id: object, *, purpose: str = "view") -> PatientAccess:
    """The patient with `patient_id` if `user` may see it; raises PermissionDenied otherwise.

    A missing patient and a forbidden patient give the same denial, so ids cannot be probed.
    """
    try:
        pk = int(str(patient_id))
    except ValueError:
        pk = None
    patient = (
        Patient.objects.select_related("network", "home_unit").filter(pk=pk).first()
        if pk is not None
        else None
    )
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
        raise PermissionDenied("You do not have access to this record.")
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


def patient_for_carer_switch(user: User) -> list[Patient]:
    """The patients a carer acts for, for the patient switcher."""
    return list(patients_visible_to(user).order_by("given_name", "pk"))

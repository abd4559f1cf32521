"""The write path for carer grants and consent decisions. Changes take effect at once:
every access check reads the current rows (access/policy.py)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from coproduce.access.models import (
    CarerGrant,
    CarerScope,
    ConsentDecision,
    ConsentKind,
    Relationship,
)
from coproduce.access.policy import access_for
from coproduce.accounts.models import Role, User
from coproduce.core.audit import AuditAction, audit_record
from coproduce.core.clock import now, today
from coproduce.patients.models import Patient

# A clinician may grant carer access for a child (issue 2, item 6): under this age.
ADULT_AGE = 18


def carer_grant_create(
    *,
    actor: User,
    patient: Patient,
    carer: User,
    relationship: str,
    scopes: set[str],
    valid_until: dt.datetime | None = None,
    valid_from: dt.datetime | None = None,
) -> CarerGrant:
    """Let `carer` act for `patient` with `scopes`.

    The patient grants for themselves; a clinician grants for a child. A grant a clinician
    makes for a patient aged `own_consent_from_age` or more takes effect only once the
    patient agrees (`carer_grant_patient_consent`).
    """
    is_patient_self = actor.role == Role.PATIENT and patient.user_id == actor.pk
    is_clinician_for_child = (
        actor.role == Role.CLINICIAN
        and patient.age_on(today()) < ADULT_AGE
        and access_for(actor, patient) is not None
    )
    if not (is_patient_self or is_clinician_for_child):
        raise PermissionDenied(_("Only the patient, or a clinician for a child, can add a carer."))
    errors: dict[str, str] = {}
    if carer.role != Role.CARER:
        errors["carer"] = _("This person does not have a carer account.")
    if relationship not in Relationship.values:
        errors["relationship"] = _("Choose the relationship to the patient.")
    unknown = set(scopes) - set(CarerScope.values)
    if unknown:
        errors["scopes"] = _("Unknown permission: %(unknown)s.") % {
            "unknown": ", ".join(sorted(unknown))
        }
    elif not scopes:
        errors["scopes"] = _("Choose at least one thing the carer may do.")
    start = valid_from or now()
    if valid_until is not None and valid_until <= start:
        errors["valid_until"] = _("The end date must be after today.")
    if errors:
        raise ValidationError(errors)
    if CarerGrant.objects.filter(patient=patient, carer=carer, revoked_at__isnull=True).exists():
        raise ValidationError(
            {"carer": _("This carer already has access. Change or end it first.")}
        )
    try:
        with transaction.atomic():
            grant = CarerGrant.objects.create(
                patient=patient,
                carer=carer,
                relationship=relationship,
                granted_by=actor,
                granted_at=now(),
                valid_from=start,
                valid_until=valid_until,
                patient_consented_at=now() if is_patient_self else None,
                **{scope.value: scope.value in scopes for scope in CarerScope},
            )
            audit_record(
                actor=actor,
                action=AuditAction.CREATE,
                entity_type="CarerGrant",
                entity_id=grant.pk,
                patient_id=patient.pk,
                detail={"carer": carer.pk, "scopes": sorted(scopes)},
            )
    except IntegrityError as error:
        raise ValidationError({"carer": _("This carer already has access.")}) from error
    return grant


def carer_grant_revoke(*, actor: User, grant: CarerGrant) -> CarerGrant:
    """End a grant now. The patient, the carer themselves or a clinician may do it."""
    allowed = (
        (actor.role == Role.PATIENT and grant.patient.user_id == actor.pk)
        or actor.pk == grant.carer_id
        or (actor.role == Role.CLINICIAN and access_for(actor, grant.patient) is not None)
    )
    if not allowed:
        raise PermissionDenied(_("You cannot end this carer's access."))
    if grant.revoked_at is not None:
        return grant
    with transaction.atomic():
        grant.revoked_at = now()
        grant.revoked_by = actor
        grant.save(update_fields=["revoked_at", "revoked_by"])
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            entity_type="CarerGrant",
            entity_id=grant.pk,
            patient_id=grant.patient_id,
            detail={"revoked": True},
        )
    return grant


def carer_grant_patient_consent(*, actor: User, grant: CarerGrant) -> CarerGrant:
    """The patient agrees to a grant someone else made (needed from `own_consent_from_age`)."""
    if actor.role != Role.PATIENT or grant.patient.user_id != actor.pk:
        raise PermissionDenied(_("Only the patient can agree to this."))
    with transaction.atomic():
        grant.patient_consented_at = now()
        grant.save(update_fields=["patient_consented_at"])
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            entity_type="CarerGrant",
            entity_id=grant.pk,
            patient_id=grant.patient_id,
            detail={"patient_consented": True},
        )
    return grant


def consent_record(
    *, actor: User, patient: Patient, kind: str, given: bool, note: str = ""
) -> ConsentDecision:
    """Record a consent decision; it is in force from now (withdrawal too)."""
    if kind not in ConsentKind.values:
        raise ValidationError({"kind": _("Unknown kind of consent.")})
    if kind == ConsentKind.CARE and not given:
        raise ValidationError(
            {
                "given": "Consent to care is implied while you are cared for. "
                "To stop care, talk to your care team."
            }
        )
    with transaction.atomic():
        decision = ConsentDecision.objects.create(
            patient=patient,
            kind=kind,
            given=given,
            recorded_by=actor,
            recorded_at=now(),
            note=note[:200],
        )
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            entity_type="ConsentDecision",
            entity_id=decision.pk,
            patient_id=patient.pk,
            detail={"kind": kind, "given": given},
        )
    return decision

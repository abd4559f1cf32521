"""The write path for patient records, enrolments and care teams."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from coproduce.accounts.models import Role, User
from coproduce.core.audit import AuditAction, audit_record
from coproduce.core.clock import now, today
from coproduce.network.models import Network, Unit
from coproduce.patients.models import (
    CareTeam,
    CareTeamMember,
    CareTeamRole,
    Enrolment,
    EnrolmentStatus,
    Patient,
    Sex,
)
from coproduce.programmes.models import Programme

# Fields a patient record may be updated with; identity keys are changed by their own paths.
UPDATABLE_FIELDS = frozenset(
    {
        "given_name",
        "family_name",
        "birth_date",
        "sex",
        "preferred_language",
        "contact_preference",
        "email",
        "phone",
        "ethnicity",
        "deprivation_quintile",
        "national_id",
    }
)


def validate_patient_fields(
    *, birth_date: dt.date, sex: str, deprivation_quintile: int | None
) -> None:
    errors: dict[str, str] = {}
    if birth_date > today():
        errors["birth_date"] = _("The date of birth cannot be in the future.")
    elif birth_date.year < 1900:
        errors["birth_date"] = _("The date of birth must be after 1900.")
    if sex not in Sex.values:
        errors["sex"] = _("Choose one of: %(values)s.") % {"values": ", ".join(Sex.values)}
    if deprivation_quintile is not None and not 1 <= deprivation_quintile <= 5:
        errors["deprivation_quintile"] = _("The deprivation quintile is a number from 1 to 5.")
    if errors:
        raise ValidationError(errors)


def duplicate_local_id_message(local_id: str) -> str:
    return _("A patient with local identifier %(local_id)s already exists.") % {
        "local_id": local_id
    }


def patient_create(
    *,
    actor: User | None,
    network: Network,
    home_unit: Unit,
    local_id: str,
    given_name: str,
    family_name: str,
    birth_date: dt.date,
    sex: str,
    national_id: str = "",
    preferred_language: str = "en",
    contact_preference: str = "app",
    email: str = "",
    phone: str = "",
    ethnicity: str = "",
    deprivation_quintile: int | None = None,
    user: User | None = None,
) -> Patient:
    """Create a patient with an empty care team at their home unit.

    Raises ValidationError naming the field: a duplicate local identifier in the network,
    a future birth date, an unknown sex, a quintile outside 1–5.
    """
    local_id = local_id.strip()
    if not local_id:
        raise ValidationError({"local_id": _("Enter the local identifier.")})
    validate_patient_fields(
        birth_date=birth_date, sex=sex, deprivation_quintile=deprivation_quintile
    )
    if home_unit.region.network_id != network.pk:
        raise ValidationError({"home_unit": _("The unit is not in this network.")})
    if Patient.objects.filter(network=network, local_id=local_id).exists():
        raise ValidationError({"local_id": duplicate_local_id_message(local_id)})
    try:
        with transaction.atomic():
            patient = Patient.objects.create(
                network=network,
                home_unit=home_unit,
                local_id=local_id,
                national_id=national_id.strip(),
                given_name=given_name.strip(),
                family_name=family_name.strip(),
                birth_date=birth_date,
                sex=sex,
                preferred_language=preferred_language,
                contact_preference=contact_preference,
                email=email,
                phone=phone,
                ethnicity=ethnicity,
                deprivation_quintile=deprivation_quintile,
                user=user,
                created_at=now(),
            )
            team = CareTeam.objects.create(patient=patient, unit=home_unit)
            if user is not None:
                CareTeamMember.objects.create(
                    care_team=team, user=user, role=CareTeamRole.PATIENT, added_at=now()
                )
            audit_record(
                actor=actor,
                action=AuditAction.CREATE,
                entity_type="Patient",
                entity_id=patient.pk,
                patient_id=patient.pk,
            )
    except IntegrityError as error:  # a concurrent create with the same local id
        raise ValidationError({"local_id": duplicate_local_id_message(local_id)}) from error
    return patient


def patient_update(*, actor: User, patient: Patient, **changes: object) -> Patient:
    """Change demographic or contact fields; unknown fields are refused."""
    unknown = set(changes) - UPDATABLE_FIELDS
    if unknown:
        raise ValidationError(dict.fromkeys(unknown, _("This field cannot be changed here.")))
    for name, value in changes.items():
        setattr(patient, name, value)
    validate_patient_fields(
        birth_date=patient.birth_date,
        sex=patient.sex,
        deprivation_quintile=patient.deprivation_quintile,
    )
    with transaction.atomic():
        patient.save(update_fields=sorted(changes))
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            entity_type="Patient",
            entity_id=patient.pk,
            patient_id=patient.pk,
            detail={"fields": sorted(changes)},
        )
    return patient


def patient_login_link(*, actor: User | None, patient: Patient, user: User) -> None:
    """Give a patient their own login and put them on their care team."""
    if user.role != Role.PATIENT:
        raise ValidationError({"user": _("Only a patient login can be linked to a record.")})
    with transaction.atomic():
        patient.user = user
        patient.save(update_fields=["user"])
        care_team_member_add(actor=actor, patient=patient, user=user, role=CareTeamRole.PATIENT)


def enrolment_start(
    *,
    actor: User | None,
    patient: Patient,
    programme: Programme,
    unit: Unit,
    started_on: dt.date,
) -> Enrolment:
    """Enrol a patient in a programme at a unit; one open enrolment per programme."""
    if Enrolment.objects.filter(
        patient=patient,
        programme=programme,
        status__in=[EnrolmentStatus.ACTIVE, EnrolmentStatus.PAUSED],
    ).exists():
        raise ValidationError({"programme": _("The patient is already in this programme.")})
    with transaction.atomic():
        enrolment = Enrolment.objects.create(
            patient=patient, programme=programme, unit=unit, started_on=started_on
        )
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            entity_type="Enrolment",
            entity_id=enrolment.pk,
            patient_id=patient.pk,
            detail={"programme": programme.code, "unit": unit.pk},
        )
    return enrolment


def enrolment_end(*, actor: User, enrolment: Enrolment, ended_on: dt.date) -> Enrolment:
    if ended_on < enrolment.started_on:
        raise ValidationError({"ended_on": _("The end date is before the start date.")})
    with transaction.atomic():
        enrolment.status = EnrolmentStatus.ENDED
        enrolment.ended_on = ended_on
        enrolment.save(update_fields=["status", "ended_on"])
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            entity_type="Enrolment",
            entity_id=enrolment.pk,
            patient_id=enrolment.patient_id,
            detail={"status": "ended"},
        )
    return enrolment


def care_team_member_add(
    *, actor: User | None, patient: Patient, user: User, role: str, is_lead: bool = False
) -> CareTeamMember:
    expected = {
        CareTeamRole.CLINICIAN: Role.CLINICIAN,
        CareTeamRole.PATIENT: Role.PATIENT,
        CareTeamRole.CARER: Role.CARER,
    }
    if expected.get(role) != user.role:
        raise ValidationError({"user": _("This person cannot have that role on a care team.")})
    team = patient.care_team
    with transaction.atomic():
        member, created = CareTeamMember.objects.get_or_create(
            care_team=team,
            user=user,
            removed_at=None,
            defaults={"role": role, "is_lead": is_lead, "added_at": now()},
        )
        if created:
            audit_record(
                actor=actor,
                action=AuditAction.CREATE,
                entity_type="CareTeamMember",
                entity_id=member.pk,
                patient_id=patient.pk,
                detail={"role": role},
            )
    return member


def care_team_member_remove(*, actor: User, member: CareTeamMember) -> None:
    with transaction.atomic():
        member.removed_at = now()
        member.save(update_fields=["removed_at"])
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            entity_type="CareTeamMember",
            entity_id=member.pk,
            patient_id=member.care_team.patient_id,
            detail={"removed": True},
        )

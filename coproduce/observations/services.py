"""The write path for observations. Values are checked against the catalogue; rows are
never overwritten: corrections and error-marking keep the history."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from coproduce.accounts.models import User
from coproduce.core.audit import AuditAction, audit_record
from coproduce.core.clock import now
from coproduce.core.prepared import PreparedInsert
from coproduce.observations.catalogue import (
    CodeInfo,
    ImplausibleValue,
    check_code,
    check_quantity,
    code_info,
)
from coproduce.observations.models import Observation, ObservationSource, ObservationStatus
from coproduce.patients.models import Patient

# A value may be dated a little in the future (clock skew between a phone and the server).
FUTURE_TOLERANCE = dt.timedelta(minutes=10)
# Every questionnaire submission stores its scores through this (ADR 0013).
OBSERVATION_INSERT = PreparedInsert(Observation)


def checked_value(
    info: CodeInfo, *, quantity: float | None, unit: str, coded: str, text: str
) -> dict[str, object]:
    """The value columns for a row, or ValidationError on the `value` field."""
    try:
        if info.kind == "quantity":
            if quantity is None:
                raise ImplausibleValue(
                    _("Enter a number for %(display)s.") % {"display": info.display}
                )
            return {
                "value_quantity": check_quantity(info, float(quantity), unit or info.unit),
                "value_unit": info.unit,
            }
        if info.kind == "coded":
            return {"value_code": check_code(info, coded)}
        if not text.strip():
            raise ImplausibleValue(_("Enter the text for %(display)s.") % {"display": info.display})
        return {"value_text": text.strip()[:5000]}
    except ImplausibleValue as error:
        raise ValidationError({"value": str(error)}) from None


def observation_record(
    *,
    actor: User | None,
    patient: Patient,
    code: str,
    effective_at: dt.datetime,
    source: str,
    quantity: float | None = None,
    unit: str = "",
    coded: str = "",
    text: str = "",
    derived_from: str = "",
    instrument_version: str = "",
) -> Observation:
    """Store one value. Raises ValidationError naming the field for an unknown code, an
    implausible value (systolic 900 mm[Hg]) or a time in the future."""
    try:
        info = code_info(code)
    except ImplausibleValue as error:
        raise ValidationError({"code": str(error)}) from None
    if source not in ObservationSource.values:
        raise ValidationError(
            {"source": _("Unknown source %(source)s.") % {"source": repr(source)}}
        )
    if effective_at.tzinfo is None:
        raise ValidationError({"effective_at": _("The time must include a time zone.")})
    if effective_at > now() + FUTURE_TOLERANCE:
        raise ValidationError({"effective_at": _("The time cannot be in the future.")})
    values = checked_value(info, quantity=quantity, unit=unit, coded=coded, text=text)
    with transaction.atomic():
        observation = Observation.objects.create(
            patient=patient,
            unit_id=patient.home_unit_id,
            code=code,
            effective_at=effective_at,
            recorded_at=now(),
            source=source,
            reporter=actor,
            derived_from=derived_from,
            instrument_version=instrument_version,
            is_confidential=info.confidential,
            **values,
        )
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            entity_type="Observation",
            entity_id=observation.pk,
            patient_id=patient.pk,
            detail={"code": code},
        )
    return observation


def observations_record_derived(
    *,
    actor: User | None,
    patient: Patient,
    values: list[tuple[str, float]],
    effective_at: dt.datetime,
    source: str,
    derived_from: str,
    instrument_version: str,
) -> list[Observation]:
    """Store values computed from one thing (the scores of a questionnaire response): all
    checked first, then written in one statement with one audit event listing the codes.

    Call inside the transaction that stores what they are derived from. Raises
    ValidationError on `value` (naming the code) when a value is implausible; nothing is
    written then.
    """
    if source not in ObservationSource.values:
        raise ValidationError({"source": _("Unknown source %(source)s.") % {"source": source}})
    recorded_at = now()
    rows = []
    for code, quantity in values:
        try:
            info = code_info(code)
        except ImplausibleValue as error:
            raise ValidationError({"code": str(error)}) from None
        checked = checked_value(info, quantity=quantity, unit="", coded="", text="")
        rows.append(
            Observation(
                patient=patient,
                unit_id=patient.home_unit_id,
                code=code,
                effective_at=effective_at,
                recorded_at=recorded_at,
                source=source,
                reporter=actor,
                derived_from=derived_from,
                instrument_version=instrument_version,
                is_confidential=info.confidential,
                **checked,
            )
        )
    # No savepoint: nothing here is retried, and a failure fails the caller's transaction.
    with transaction.atomic(savepoint=False):
        created = OBSERVATION_INSERT.insert(rows)
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            entity_type="Observation",
            entity_id=derived_from,
            patient_id=patient.pk,
            detail={"codes": [code for code, _value in values], "derived_from": derived_from},
        )
    return list(created)


def observation_correct(
    *,
    actor: User,
    observation: Observation,
    reason: str,
    quantity: float | None = None,
    unit: str = "",
    coded: str = "",
    text: str = "",
    effective_at: dt.datetime | None = None,
) -> Observation:
    """Replace a value with a corrected one. The old row stays, no longer current; the new
    row has status `amended` and points at it."""
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the value is being corrected.")})
    info = code_info(observation.code)
    values = checked_value(info, quantity=quantity, unit=unit, coded=coded, text=text)
    with transaction.atomic():
        old = Observation.objects.select_for_update().get(pk=observation.pk)
        if not old.is_current:
            raise ValidationError({"value": _("This value has already been corrected or removed.")})
        old.is_current = False
        old.save(update_fields=["is_current"])
        new = Observation.objects.create(
            patient_id=old.patient_id,
            unit_id=old.unit_id,
            code=old.code,
            effective_at=effective_at or old.effective_at,
            recorded_at=now(),
            source=old.source,
            reporter=actor,
            status=ObservationStatus.AMENDED,
            status_reason=reason.strip()[:500],
            replaces=old,
            derived_from=old.derived_from,
            instrument_version=old.instrument_version,
            is_confidential=old.is_confidential,
            **values,
        )
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            entity_type="Observation",
            entity_id=new.pk,
            patient_id=old.patient_id,
            detail={"replaces": old.pk, "reason_given": True},
        )
    return new


def observation_mark_entered_in_error(
    *, actor: User, observation: Observation, reason: str
) -> None:
    """Withdraw a value that should never have been recorded. Nothing is deleted."""
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the value is being removed.")})
    with transaction.atomic():
        row = Observation.objects.select_for_update().get(pk=observation.pk)
        if not row.is_current:
            raise ValidationError({"value": _("This value has already been corrected or removed.")})
        row.is_current = False
        row.status = ObservationStatus.ENTERED_IN_ERROR
        row.status_reason = reason.strip()[:500]
        row.save(update_fields=["is_current", "status", "status_reason"])
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            entity_type="Observation",
            entity_id=row.pk,
            patient_id=row.patient_id,
            detail={"status": ObservationStatus.ENTERED_IN_ERROR},
        )

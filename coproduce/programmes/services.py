"""The write path for programmes: loading validated definitions into the database."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from coproduce.accounts.models import User
from coproduce.core.audit import AuditAction, audit_record
from coproduce.core.clock import now
from coproduce.observations.catalogue import code_info
from coproduce.programmes.definition import ProgrammeDefinition
from coproduce.programmes.models import ClinicalMeasure, Programme


def programme_load(*, actor: User | None, definition: ProgrammeDefinition) -> tuple[Programme, str]:
    """Load or update a programme; returns it and 'created', 'updated' or 'unchanged'.

    A changed file must carry a new version: the same version with other contents is
    refused, so that every stored score and enrolment names an unambiguous definition.
    """
    with transaction.atomic():
        programme = Programme.objects.select_for_update().filter(code=definition.code).first()
        if programme is not None and programme.source_sha256 == definition.sha256:
            return programme, "unchanged"
        if programme is not None and programme.version == definition.version:
            raise ValidationError(
                {
                    "version": f"{definition.path}: the file changed but its version is still "
                    f"{definition.version}; bump the version."
                }
            )
        outcome = "updated" if programme is not None else "created"
        if programme is None:
            programme = Programme(code=definition.code)
        programme.version = definition.version
        programme.title = definition.title
        programme.definition = definition.as_json()
        programme.source_sha256 = definition.sha256
        programme.loaded_at = now()
        programme.save()
        programme.measures.all().delete()  # configuration rows, rebuilt from the file
        ClinicalMeasure.objects.bulk_create(
            ClinicalMeasure(
                programme=programme,
                code=m.code,
                display=code_info(m.code).display,
                unit=code_info(m.code).unit,
                target_low=m.target_low,
                target_high=m.target_high,
                target_text=m.target_text,
            )
            for m in definition.measures
        )
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE if outcome == "updated" else AuditAction.CREATE,
            entity_type="Programme",
            entity_id=programme.pk,
            detail={"code": definition.code, "version": definition.version},
        )
    return programme, outcome

"""The read path for questionnaires. Definitions hold no patient data; responses are read
only through a `PatientAccess` (proof of the access check)."""

from __future__ import annotations

from django.db.models import QuerySet

from coproduce.access.policy import PatientAccess
from coproduce.core.audit import AuditAction, audit_record
from coproduce.core.ids import as_pk
from coproduce.questionnaires.models import (
    QuestionnaireDefinition,
    QuestionnaireResponse,
    ReporterKind,
    ResponseStatus,
)


def definitions_all() -> QuerySet[QuestionnaireDefinition]:
    return QuestionnaireDefinition.objects.order_by("instrument_code", "url", "version")


def definition_by_canonical(url: str, version: str = "") -> QuestionnaireDefinition | None:
    """The definition with this url ('url|version' accepted) and version; without a
    version, the most recently loaded active one."""
    if "|" in url and not version:
        url, version = url.split("|", 1)
    found = QuestionnaireDefinition.objects.filter(url=url)
    if version:
        return found.filter(version=version).first()
    return found.filter(status="active").order_by("-loaded_at").first()


def definition_for_instrument(instrument_code: str) -> QuestionnaireDefinition | None:
    """The active definition scored by this instrument (e.g. 'phq-9'), newest first."""
    return (
        QuestionnaireDefinition.objects.filter(instrument_code=instrument_code, status="active")
        .order_by("-loaded_at")
        .first()
    )


def visible_responses(access: PatientAccess) -> QuerySet[QuestionnaireResponse]:
    """Completed responses of the patient. A carer without the view scope sees none (the
    access check already refused them); all streams are visible, each labelled."""
    return QuestionnaireResponse.objects.filter(
        patient=access.patient, status=ResponseStatus.COMPLETED
    ).select_related("definition")


def responses_for_patient(
    access: PatientAccess, *, instrument_code: str = "", reporter: str = ReporterKind.PATIENT
) -> list[QuestionnaireResponse]:
    """One reporter stream of the patient's responses, newest first (audited)."""
    responses = visible_responses(access).filter(reporter=reporter)
    if instrument_code:
        responses = responses.filter(definition__instrument_code=instrument_code)
    rows = list(responses.order_by("-authored_at", "-pk"))
    audit_record(
        actor=access.user,
        action=AuditAction.SEARCH,
        entity_type="QuestionnaireResponse",
        patient_id=access.patient.pk,
        detail={"instrument": instrument_code, "reporter": reporter, "count": len(rows)},
    )
    return rows


def response_for_access(access: PatientAccess, response_id: object) -> QuestionnaireResponse | None:
    """One response of the patient, or None (also for another patient's id; audited)."""
    pk = as_pk(response_id)
    response = visible_responses(access).filter(pk=pk).first() if pk is not None else None
    if response is not None:
        audit_record(
            actor=access.user,
            action=AuditAction.READ,
            entity_type="QuestionnaireResponse",
            entity_id=response.pk,
            patient_id=access.patient.pk,
        )
    return response

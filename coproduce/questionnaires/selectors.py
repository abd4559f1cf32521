"""The read path for questionnaires. Definitions hold no patient data; responses are read
only through a `PatientAccess` (proof of the access check)."""

from __future__ import annotations

from django.db.models import QuerySet

from coproduce.access.policy import PatientAccess
from coproduce.core.audit import AuditAction, audit_record
from coproduce.core.ids import as_pk
from coproduce.patients.models import Enrolment, EnrolmentStatus
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


def response_in_record(access: PatientAccess, response_id: object) -> QuestionnaireResponse | None:
    """One response of the patient in any state (in progress, completed, entered in
    error), or None for an unknown id or another patient's (audited when found).

    A form in progress is only ever shown to the person filling it in: for anyone else it
    is None, like a missing id.
    """
    pk = as_pk(response_id)
    if pk is None:
        return None
    response = (
        QuestionnaireResponse.objects.filter(patient=access.patient, pk=pk)
        .select_related("definition")
        .first()
    )
    if response is None:
        return None
    if response.status == ResponseStatus.IN_PROGRESS and response.author_id != access.user.pk:
        return None
    audit_record(
        actor=access.user,
        action=AuditAction.READ,
        entity_type="QuestionnaireResponse",
        entity_id=response.pk,
        patient_id=access.patient.pk,
    )
    return response


def open_response(
    access: PatientAccess, definition: QuestionnaireDefinition, reporter: str
) -> QuestionnaireResponse | None:
    """The user's form in progress for this questionnaire and stream, if any."""
    return QuestionnaireResponse.objects.filter(
        patient=access.patient,
        definition=definition,
        reporter=reporter,
        author=access.user,
        status=ResponseStatus.IN_PROGRESS,
    ).first()


def responses_in_progress(access: PatientAccess) -> list[QuestionnaireResponse]:
    """The forms this user has started for the patient and not sent yet, newest first."""
    return list(
        QuestionnaireResponse.objects.filter(
            patient=access.patient, author=access.user, status=ResponseStatus.IN_PROGRESS
        )
        .select_related("definition")
        .order_by("-saved_at", "-pk")
    )


def responses_recent(access: PatientAccess, *, limit: int = 50) -> list[QuestionnaireResponse]:
    """The patient's completed responses in every stream, newest first (audited)."""
    rows = list(visible_responses(access).order_by("-authored_at", "-pk")[:limit])
    audit_record(
        actor=access.user,
        action=AuditAction.SEARCH,
        entity_type="QuestionnaireResponse",
        patient_id=access.patient.pk,
        detail={"count": len(rows), "response_ids": [r.pk for r in rows]},
    )
    return rows


def instruments_offered(access: PatientAccess) -> list[tuple[QuestionnaireDefinition, str]]:
    """The questionnaires of the patient's open programme enrolments that can be filled in
    here (loaded, with their wording), each with the programme's purpose for it, in the
    programmes' order and without repeats."""
    enrolments = (
        Enrolment.objects.filter(
            patient=access.patient, status__in=[EnrolmentStatus.ACTIVE, EnrolmentStatus.PAUSED]
        )
        .select_related("programme")
        .order_by("started_on", "pk")
    )
    wanted: dict[str, str] = {}
    for enrolment in enrolments:
        for entry in enrolment.programme.definition.get("instruments", []):
            wanted.setdefault(entry["code"], entry.get("purpose", ""))
    newest: dict[str, QuestionnaireDefinition] = {}
    definitions = QuestionnaireDefinition.objects.filter(
        instrument_code__in=wanted, status="active", has_item_text=True
    ).order_by("loaded_at", "pk")
    for definition in definitions:
        newest[definition.instrument_code] = definition
    return [(newest[code], purpose) for code, purpose in wanted.items() if code in newest]

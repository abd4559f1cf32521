"""The write path for questionnaires: loading definitions and submitting responses.

A submitted response is checked item by item, scored by the pure scoring core, and stored
with one observation per score (total and sub-scores), each naming the instrument and
version and pointing back at the response — all in one transaction with its audit events.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from coproduce.access.models import CarerScope
from coproduce.access.policy import PatientAccess
from coproduce.accounts.models import Role, User
from coproduce.alerts.rules import NewReport, watch_key
from coproduce.alerts.services import alerts_evaluate
from coproduce.core.audit import AuditAction, audit_batch, audit_record
from coproduce.core.clock import now
from coproduce.core.prepared import PreparedGet, PreparedInsert
from coproduce.observations.services import observations_record_derived
from coproduce.questionnaires.answers import CheckedAnswers, check_answers, scorer_inputs
from coproduce.questionnaires.binding import BindingError, bind
from coproduce.questionnaires.form import Provenance, QuestionnaireForm
from coproduce.questionnaires.form_cache import form_of
from coproduce.questionnaires.models import (
    DefinitionOrigin,
    QuestionnaireDefinition,
    QuestionnaireResponse,
    ReporterKind,
    ResponseStatus,
)
from coproduce.scoring import InstrumentSpec, ScoringError, instrument, score

# Which streams each role may report into (see ReporterKind).
REPORTER_SCOPES: dict[str, dict[str, str | None]] = {
    Role.PATIENT: {ReporterKind.PATIENT: None},
    Role.CARER: {
        ReporterKind.PATIENT: CarerScope.REPORT_FOR_PATIENT,
        ReporterKind.CARER: CarerScope.REPORT_OWN,
    },
    Role.CLINICIAN: {ReporterKind.PATIENT: None, ReporterKind.CLINICIAN: None},
}


# A submission runs these on every send, so their SQL is built once (ADR 0013).
RESPONSE_BY_KEY = PreparedGet(QuestionnaireResponse, field="idempotency_key")
RESPONSE_INSERT = PreparedInsert(QuestionnaireResponse)

MSG_ALREADY_SENT = _("These answers were already sent, so they cannot be changed.")
MSG_STALE_FORM = _("This page is out of date. Please check your answers and send them again.")


class ResponseInvalid(ValidationError):
    """Answers that cannot be accepted; `item_errors` maps each faulty linkId to a message
    for the page to show beside the item."""

    def __init__(self, item_errors: Mapping[str, str]):
        self.item_errors = dict(item_errors)
        super().__init__({link_id: [message] for link_id, message in item_errors.items()})


def content_sha256(fhir: Mapping[str, Any]) -> str:
    return hashlib.sha256(json.dumps(fhir, sort_keys=True).encode()).hexdigest()


def provenance_problems(provenance: Provenance) -> list[str]:
    problems = []
    if not provenance.source:
        problems.append("provenance: say where the definition comes from (source)")
    if not provenance.checked_by or provenance.checked_on is None:
        problems.append("provenance: say who checked the definition against its source, and when")
    return problems


def definition_load(
    *,
    actor: User | None,
    fhir: Mapping[str, Any],
    form: QuestionnaireForm,
    origin: str,
    replace: bool = False,
) -> tuple[QuestionnaireDefinition, str]:
    """Store a definition bound to its scorer; returns it and 'created', 'updated',
    'unchanged' or 'kept' (a built-in file never overwrites a licensee's import).

    Raises BindingError listing every problem. The same url and version with other
    contents is refused unless `replace` (or a licensee's import replaces the built-in
    definition that was shipped without item text).
    """
    bound, spec = bind(form)
    problems = provenance_problems(bound.provenance)
    if problems:
        raise BindingError(problems)
    sha = content_sha256(fhir)
    with transaction.atomic():
        existing = (
            QuestionnaireDefinition.objects.select_for_update()
            .filter(url=bound.url, version=bound.version)
            .first()
        )
        if existing is not None and existing.sha256 == sha:
            return existing, "unchanged"
        if existing is not None and not replace:
            if origin == DefinitionOrigin.BUILT_IN and existing.origin == DefinitionOrigin.IMPORTED:
                return existing, "kept"
            adds_licensed_wording = (
                origin == DefinitionOrigin.IMPORTED
                and existing.origin == DefinitionOrigin.BUILT_IN
                and not existing.has_item_text
            )
            if not adds_licensed_wording:
                raise BindingError(
                    [
                        f"version: {bound.url} version {bound.version} is already loaded with "
                        "other contents; a changed definition needs a new version (or --replace)"
                    ]
                )
        outcome = "created" if existing is None else "updated"
        definition = existing or QuestionnaireDefinition(url=bound.url, version=bound.version)
        definition.instrument_code = spec.code
        definition.title = bound.title
        definition.status = bound.status
        definition.origin = origin
        definition.has_item_text = bound.has_item_text
        definition.fhir = dict(fhir)
        definition.form = bound.as_json()
        definition.source = bound.provenance.source
        definition.licence = bound.provenance.licence
        definition.checked_by = bound.provenance.checked_by
        definition.checked_on = bound.provenance.checked_on
        definition.sha256 = sha
        definition.loaded_at = now()
        definition.loaded_by = actor
        definition.save()
        audit_record(
            actor=actor,
            action=AuditAction.CREATE if outcome == "created" else AuditAction.UPDATE,
            entity_type="Questionnaire",
            entity_id=definition.pk,
            detail={"url": bound.url, "version": bound.version, "sha256": sha, "origin": origin},
        )
    return definition, outcome


def check_reporter(access: PatientAccess, reporter: str) -> None:
    allowed = REPORTER_SCOPES.get(access.as_role, {})
    if reporter not in allowed:
        raise PermissionDenied
    scope = allowed[reporter]
    if scope is not None and not access.can(scope):
        raise PermissionDenied


def new_submission_key() -> str:
    """A submission key, made when a form opens (see `QuestionnaireResponse.idempotency_key`)."""
    return secrets.token_urlsafe(24)


def response_start(
    *,
    access: PatientAccess,
    definition: QuestionnaireDefinition,
    reporter: str = ReporterKind.PATIENT,
) -> QuestionnaireResponse:
    """The form in progress for this patient, questionnaire, stream and author: the one
    already open (from another tab or device), or a new one with its submission key.

    Raises PermissionDenied when the user may not report into `reporter`'s stream.
    """
    check_reporter(access, reporter)
    open_form = QuestionnaireResponse.objects.filter(
        patient=access.patient,
        definition=definition,
        reporter=reporter,
        author=access.user,
        status=ResponseStatus.IN_PROGRESS,
    )
    existing = open_form.first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            started = now()
            response = QuestionnaireResponse.objects.create(
                patient=access.patient,
                definition=definition,
                status=ResponseStatus.IN_PROGRESS,
                reporter=reporter,
                author=access.user,
                author_role=access.as_role,
                answers={},
                authored_at=started,
                saved_at=started,
                idempotency_key=new_submission_key(),
            )
            audit_record(
                actor=access.user,
                action=AuditAction.CREATE,
                entity_type="QuestionnaireResponse",
                entity_id=response.pk,
                patient_id=access.patient.pk,
                detail={
                    "questionnaire": definition.canonical,
                    "reporter": reporter,
                    "status": ResponseStatus.IN_PROGRESS,
                },
            )
    except IntegrityError:  # opened at the same moment elsewhere: use that one
        existing = open_form.first()
        if existing is None:
            raise
        return existing
    return response


def check_author(access: PatientAccess, response: QuestionnaireResponse) -> None:
    """Only the person who opened a form may change it, and only while it is open."""
    if response.patient_id != access.patient.pk or response.author_id != access.user.pk:
        raise PermissionDenied
    check_reporter(access, response.reporter)


def response_save_answers(
    *,
    access: PatientAccess,
    response: QuestionnaireResponse,
    answers: Mapping[str, object],
) -> CheckedAnswers:
    """Save answers to a form in progress, as they are given.

    Every valid answer is saved at once, even when another answer on the same screen is
    wrong; a blank answer clears the saved one. Returns the check: `errors` holds one
    message per faulty item for the page to show beside it. Raises ValidationError when
    the form was already submitted (nothing changes) and PermissionDenied for another
    person's form.
    """
    check_author(access, response)
    form = form_of(response.definition)
    with transaction.atomic():
        locked = QuestionnaireResponse.objects.select_for_update().get(pk=response.pk)
        if locked.status != ResponseStatus.IN_PROGRESS:
            raise ValidationError(MSG_ALREADY_SENT, code="not-in-progress")
        saved = dict(locked.answers)
        # Checked together with the saved answers, so conditions on earlier screens hold.
        given = check_answers(form, {**saved, **answers}, complete=False)
        errors = {k: v for k, v in given.errors.items() if k in answers}
        # A wrong answer keeps the answer saved before it; hidden questions' answers go.
        earlier = {k: saved[k] for k in errors if k in saved}
        kept = check_answers(form, {**given.answers, **earlier}, complete=False).answers
        locked.answers = kept
        locked.saved_at = now()
        locked.save(update_fields=["answers", "saved_at"])
        audit_record(
            actor=access.user,
            action=AuditAction.UPDATE,
            entity_type="QuestionnaireResponse",
            entity_id=locked.pk,
            patient_id=access.patient.pk,
            detail={"items": sorted(k for k in answers if k in kept), "invalid": sorted(errors)},
        )
    response.answers = kept
    response.saved_at = locked.saved_at
    return CheckedAnswers(answers={k: v for k, v in kept.items() if k in answers}, errors=errors)


def response_complete(
    *,
    access: PatientAccess,
    response: QuestionnaireResponse,
    idempotency_key: str,
    contact_requested: bool | None = None,
) -> QuestionnaireResponse:
    """Submit a form in progress with its saved answers (see `response_submit`).

    `idempotency_key` is the key the review page carried; it must be this form's key.
    Raises ResponseInvalid (the saved answers stay as they are), PermissionDenied, or
    ValidationError for a key of another form.
    """
    if idempotency_key != response.idempotency_key:
        raise ValidationError({"idempotency_key": MSG_STALE_FORM})
    if response.status == ResponseStatus.IN_PROGRESS:
        check_author(access, response)
    return response_submit(
        access=access,
        definition=response.definition,
        answers=response.answers,
        idempotency_key=idempotency_key,
        reporter=response.reporter,
        contact_requested=contact_requested,
    )


def response_submit(
    *,
    access: PatientAccess,
    definition: QuestionnaireDefinition,
    answers: Mapping[str, object],
    idempotency_key: str,
    reporter: str = ReporterKind.PATIENT,
    authored_at: dt.datetime | None = None,
    contact_requested: bool | None = None,
) -> QuestionnaireResponse:
    """Check, score and store a completed response, with an observation per score, and
    run the alert rules of the patient's programmes on it (patient stream only) in the
    same transaction. `contact_requested` is the answer to "Do you want the team to
    contact you about this report?" (None: not asked).

    Submitting again with the same `idempotency_key` returns the first response and
    stores nothing (a double tap or a retry after a network error). When the key is that
    of a form in progress (`response_start`), that form becomes the completed response;
    of two submissions at the same moment exactly one completes it. Raises
    ResponseInvalid (one message per faulty item; nothing is stored or changed) or
    PermissionDenied.
    """
    check_reporter(access, reporter)
    if not idempotency_key or len(idempotency_key) > 64:
        raise ValidationError({"idempotency_key": "A submission key of 1 to 64 characters."})
    earlier = RESPONSE_BY_KEY.get(idempotency_key)
    if earlier is not None and earlier.status != ResponseStatus.IN_PROGRESS:
        return same_submission(earlier, access)
    if earlier is not None:
        check_open_form(earlier, access, definition, reporter)
    form = form_of(definition)
    checked = check_answers(form, answers)
    if not checked.is_valid:
        raise ResponseInvalid(checked.errors)
    spec = instrument(definition.instrument_code)
    try:
        inputs = scorer_inputs(form, checked.answers)
        result = score(spec.code, inputs)
    except ScoringError as error:  # binding makes this rare; still shown beside the item
        raise ResponseInvalid({getattr(error, "item", "__all__"): str(error)}) from None
    authored_at = authored_at or now()
    try:
        with transaction.atomic(), audit_batch():
            if earlier is None:
                response = QuestionnaireResponse(
                    patient=access.patient,
                    definition=definition,
                    status=ResponseStatus.COMPLETED,
                    reporter=reporter,
                    author=access.user,
                    author_role=access.as_role,
                    answers=checked.answers,
                    score=result.as_dict(),
                    authored_at=authored_at,
                    submitted_at=now(),
                    idempotency_key=idempotency_key,
                    contact_requested=contact_requested,
                )
                RESPONSE_INSERT.insert([response])
            else:
                # The row lock makes a second submission wait for the first, then see it
                # completed (SQLite's write transactions are serial already).
                response = QuestionnaireResponse.objects.select_for_update().get(pk=earlier.pk)
                if response.status != ResponseStatus.IN_PROGRESS:
                    return same_submission(response, access)
                response.status = ResponseStatus.COMPLETED
                response.answers = checked.answers
                response.score = result.as_dict()
                response.authored_at = authored_at
                response.submitted_at = now()
                response.contact_requested = contact_requested
                response.save(
                    update_fields=[
                        "status",
                        "answers",
                        "score",
                        "authored_at",
                        "submitted_at",
                        "contact_requested",
                    ]
                )
            record_scores(access, response, spec, result.scores)
            if reporter == ReporterKind.PATIENT:
                alerts_for_response(response, spec, result.scores, inputs)
            audit_record(
                actor=access.user,
                action=AuditAction.CREATE if earlier is None else AuditAction.UPDATE,
                entity_type="QuestionnaireResponse",
                entity_id=response.pk,
                patient_id=access.patient.pk,
                detail={
                    "questionnaire": definition.canonical,
                    "reporter": reporter,
                    "status": ResponseStatus.COMPLETED,
                },
            )
    except IntegrityError:  # the same key submitted at the same moment: the first one won
        earlier = RESPONSE_BY_KEY.get(idempotency_key)
        if earlier is None:
            raise
        return same_submission(earlier, access)
    return response


def check_open_form(
    response: QuestionnaireResponse,
    access: PatientAccess,
    definition: QuestionnaireDefinition,
    reporter: str,
) -> None:
    """A key of a form in progress completes that form only, for its own author."""
    same_form = (
        response.patient_id == access.patient.pk
        and response.definition_id == definition.pk
        and response.reporter == reporter
    )
    if not same_form:
        raise ValidationError({"idempotency_key": "This submission key was used for another form."})
    check_author(access, response)


def same_submission(earlier: QuestionnaireResponse, access: PatientAccess) -> QuestionnaireResponse:
    if earlier.patient_id != access.patient.pk:
        raise ValidationError({"idempotency_key": "This submission key was used for another form."})
    return earlier


def alerts_for_response(
    response: QuestionnaireResponse,
    spec: InstrumentSpec,
    scores: Mapping[str, float | None],
    items: Mapping[str, object],
) -> None:
    """Run the alert rules on a response's scores and item answers (see coproduce/alerts)."""
    values = {
        watch_key("score", f"{spec.code}/{name}"): value
        for name, value in scores.items()
        if value is not None
    }
    values.update(
        (watch_key("item", f"{spec.code}/{item}"), float(value))
        for item, value in items.items()
        if isinstance(value, int | float) and not isinstance(value, bool)
    )
    score_codes = {
        watch_key("score", f"{spec.code}/{name}"): spec.score_code(name) for name in scores
    }
    alerts_evaluate(
        patient_id=response.patient_id,
        report=NewReport(
            source=f"QuestionnaireResponse/{response.pk}",
            at=response.authored_at,
            values=values,
            contact_requested=response.contact_requested,
        ),
        score_codes=score_codes,
    )


def record_scores(
    access: PatientAccess,
    response: QuestionnaireResponse,
    spec: InstrumentSpec,
    scores: Mapping[str, float | None],
) -> None:
    """One observation per score that has a value, dated when the answers were given,
    written together with one audit event. A score the observation store finds
    implausible (e.g. FEV1 % predicted from a mistyped volume) is refused as a whole."""
    values = [(spec.score_code(name), value) for name, value in scores.items() if value is not None]
    try:
        observations_record_derived(
            actor=access.user,
            patient=access.patient,
            values=values,
            effective_at=response.authored_at,
            source=response.reporter,
            derived_from=f"QuestionnaireResponse/{response.pk}",
            instrument_version=f"{spec.code}|{spec.version}",
        )
    except ValidationError as error:
        messages = "; ".join(error.messages)
        raise ResponseInvalid({"__all__": messages}) from None

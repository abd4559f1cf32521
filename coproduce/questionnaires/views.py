"""Filling in a questionnaire: one question per screen, saved as it is answered, a review,
and a confirmation with the score. One set of pages for patients, carers and clinicians;
whose view the answers give (`reporter`) is chosen at the start and shown on every page.

Every page checks access to the patient first and looks the response up only within that
access, so another patient's id, an unknown id and another person's unsent form all give
the same "not found" page.
"""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from django_htmx.http import HttpResponseClientRedirect

from coproduce.access.policy import PatientAccess
from coproduce.accounts.decorators import role_required
from coproduce.accounts.models import Role
from coproduce.alerts.patient_view import (
    CONTACT_FIELD,
    ContactAnswerInvalid,
    asks_contact_question,
    contact_answer,
    messages_url,
    next_steps_for,
)
from coproduce.patients.selectors import own_patient_access, patient_for_user
from coproduce.questionnaires import selectors, services
from coproduce.questionnaires.form import FormItem, QuestionnaireForm
from coproduce.questionnaires.models import (
    QuestionnaireDefinition,
    QuestionnaireResponse,
    ReporterKind,
    ResponseStatus,
)
from coproduce.questionnaires.steps import (
    Progress,
    Step,
    first_unanswered,
    minutes_to_answer,
    progress_for,
)
from coproduce.questionnaires.wording import (
    answer_message,
    question_stem,
    reporter_label,
    score_words,
    short_name,
    voice,
)

REPORTING_ROLES = (Role.PATIENT, Role.CARER, Role.CLINICIAN)
PURPOSE = "report"
FLAG_SELF_HARM = "self-harm-thoughts"


def reporters_allowed(access: PatientAccess) -> list[str]:
    """The streams this user may report into for this patient, the patient's own first."""
    allowed = services.REPORTER_SCOPES.get(access.as_role, {})
    return [reporter for reporter, scope in allowed.items() if scope is None or access.can(scope)]


def chosen_reporter(request: HttpRequest, access: PatientAccess) -> str:
    """`reporter` from the form or query; by default the first stream the user may use.
    Raises PermissionDenied for a stream the user may not report into."""
    data = request.POST if request.method == "POST" else request.GET
    reporter = data.get("reporter", "")
    if not reporter:
        allowed = reporters_allowed(access)
        if not allowed:
            raise PermissionDenied
        return allowed[0]
    services.check_reporter(access, reporter)
    return reporter


def definition_or_404(instrument_code: str) -> QuestionnaireDefinition:
    definition = selectors.definition_for_instrument(instrument_code)
    if definition is None:
        raise Http404
    return definition


def step_url(response: QuestionnaireResponse, step: Step | None) -> str:
    """The screen to go to; the review when there is none."""
    if step is None:
        return reverse(
            "questionnaires:review",
            kwargs={"patient_id": response.patient_id, "response_id": response.pk},
        )
    return reverse(
        "questionnaires:step",
        kwargs={
            "patient_id": response.patient_id,
            "response_id": response.pk,
            "number": step.number,
        },
    )


def page_url(name: str, response: QuestionnaireResponse) -> str:
    return reverse(
        f"questionnaires:{name}",
        kwargs={"patient_id": response.patient_id, "response_id": response.pk},
    )


def back_url(response: QuestionnaireResponse, progress: Progress, current: Step) -> str:
    """The screen before this one; from the first screen, the questionnaire's start page."""
    before = progress.before(current)
    if before is not None:
        return step_url(response, before)
    start_url = reverse(
        "questionnaires:start",
        kwargs={
            "patient_id": response.patient_id,
            "instrument_code": response.definition.instrument_code,
        },
    )
    return f"{start_url}?reporter={response.reporter}"


def resume_url(response: QuestionnaireResponse) -> str:
    form = QuestionnaireForm.from_json(response.definition.form)
    progress = progress_for(form, response.answers)
    return step_url(response, first_unanswered(progress, response.answers))


def not_found(request: HttpRequest, access: PatientAccess) -> HttpResponse:
    return render(
        request,
        "questionnaires/response_not_found.html",
        {"patient": access.patient, "access": access},
        status=404,
    )


def withdrawn(request: HttpRequest, access: PatientAccess) -> HttpResponse:
    return render(
        request,
        "questionnaires/response_withdrawn.html",
        {"patient": access.patient, "access": access},
        status=410,
    )


def not_available(
    request: HttpRequest, access: PatientAccess, definition: QuestionnaireDefinition
) -> HttpResponse:
    return render(
        request,
        "questionnaires/not_available.html",
        {"patient": access.patient, "access": access, "definition": definition},
    )


def render_for_patient(
    request: HttpRequest, patient, template: str, context: dict, status: int = 200
) -> HttpResponse:
    """Render with dates and times in the time zone of the patient's home unit."""
    with timezone.override(ZoneInfo(patient.home_unit.time_zone)):
        return render(request, template, context, status=status)


def page_context(access: PatientAccess, response: QuestionnaireResponse) -> dict:
    definition = response.definition
    return {
        "patient": access.patient,
        "access": access,
        "response": response,
        "definition": definition,
        "name": short_name(definition.instrument_code, definition.title),
        "voice": voice(access, response.reporter),
    }


# --- The list of a patient's questionnaires ---------------------------------------------------


@dataclass(frozen=True)
class Offer:
    """A questionnaire the patient's programmes use, and how to start or continue it."""

    definition: QuestionnaireDefinition
    name: str
    purpose: str
    minutes: int


@role_required(Role.PATIENT)
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    """A patient's own questionnaires, from the navigation (no id in the link)."""
    access = own_patient_access(request.user, purpose=PURPOSE)
    if access is None:
        return render(request, "patients/no_record.html")
    return redirect("questionnaires:my_responses", patient_id=access.patient.pk)


@role_required(*REPORTING_ROLES)
@require_GET
def my_responses(request: HttpRequest, patient_id: int) -> HttpResponse:
    """Forms in progress to continue, questionnaires to start, and completed ones."""
    access = patient_for_user(request.user, patient_id, purpose=PURPOSE)
    in_progress = [
        {
            "response": response,
            "name": short_name(response.definition.instrument_code, response.definition.title),
            "voice": voice(access, response.reporter),
            "url": resume_url(response),
        }
        for response in selectors.responses_in_progress(access)
    ]
    offers = [
        Offer(
            definition=definition,
            name=short_name(definition.instrument_code, definition.title),
            purpose=purpose,
            minutes=minutes_to_answer(QuestionnaireForm.from_json(definition.form)),
        )
        for definition, purpose in selectors.instruments_offered(access)
    ]
    completed = [
        {
            "response": response,
            "name": short_name(response.definition.instrument_code, response.definition.title),
            "score": score_words(response, access),
            "stream": reporter_label(response.reporter),
        }
        for response in selectors.responses_recent(access)
    ]
    return render_for_patient(
        request,
        access.patient,
        "questionnaires/my_responses.html",
        {
            "patient": access.patient,
            "access": access,
            "is_own": access.as_role == Role.PATIENT,
            "in_progress": in_progress,
            "offers": offers,
            "completed": completed,
            "reporters": [(r, voice(access, r)) for r in reporters_allowed(access)],
        },
    )


# --- Start or resume ---------------------------------------------------------------------------


@role_required(*REPORTING_ROLES)
@require_http_methods(["GET", "POST"])
def start(request: HttpRequest, patient_id: int, instrument_code: str) -> HttpResponse:
    """GET: what the questionnaire is, how long it takes, what happens with the answers.
    POST: start (or resume) the form and go to the first question not answered yet."""
    access = patient_for_user(request.user, patient_id, purpose=PURPOSE)
    definition = definition_or_404(instrument_code)
    reporter = chosen_reporter(request, access)
    if not definition.has_item_text:
        return not_available(request, access, definition)
    if request.method == "POST":
        response = services.response_start(access=access, definition=definition, reporter=reporter)
        return redirect(resume_url(response))
    form = QuestionnaireForm.from_json(definition.form)
    choices = [
        {
            "reporter": r,
            "voice": voice(access, r),
            "open": selectors.open_response(access, definition, r),
        }
        for r in reporters_allowed(access)
    ]
    return render_for_patient(
        request,
        access.patient,
        "questionnaires/start.html",
        {
            "patient": access.patient,
            "access": access,
            "definition": definition,
            "name": short_name(definition.instrument_code, definition.title),
            "reporter": reporter,
            "voice": voice(access, reporter),
            "questions": len(form.questions),
            "minutes": minutes_to_answer(form),
            "choices": choices,
            "is_own": access.as_role == Role.PATIENT,
        },
    )


# --- One screen ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Question:
    """One question as the step page shows it: the item, its stem, the value to show
    (saved, or what was just typed), and its error."""

    item: FormItem
    stem: str
    value: str
    error: str

    @property
    def field_id(self) -> str:
        return f"q-{self.item.link_id}"


def shown_value(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def response_for_page(
    request: HttpRequest, access: PatientAccess, response_id: int
) -> QuestionnaireResponse | HttpResponse:
    """The user's form in progress, or the page to show instead: the confirmation of a
    sent form, "withdrawn" for one entered in error, "not found" for anything else."""
    response = selectors.response_in_record(access, response_id)
    if response is None:
        return not_found(request, access)
    if response.status == ResponseStatus.COMPLETED:
        done_url = page_url("done", response)
        return HttpResponseClientRedirect(done_url) if request.htmx else redirect(done_url)
    if response.status == ResponseStatus.ENTERED_IN_ERROR:
        return withdrawn(request, access)
    if not response.definition.has_item_text:
        return not_available(request, access, response.definition)
    return response


@role_required(*REPORTING_ROLES)
@require_http_methods(["GET", "POST"])
def step(request: HttpRequest, patient_id: int, response_id: int, number: int) -> HttpResponse:
    """One screen. A POST saves its answers (from the Next or Back button, or, with htmx,
    as soon as an option is chosen: then only a "Saved" fragment comes back)."""
    access = patient_for_user(request.user, patient_id, purpose=PURPOSE)
    found = response_for_page(request, access, response_id)
    if isinstance(found, HttpResponse):
        return found
    response = found
    form = QuestionnaireForm.from_json(response.definition.form)
    progress = progress_for(form, response.answers)
    current = progress.step(number)
    if current is None:
        return not_found(request, access)
    errors: dict[str, str] = {}
    typed: dict[str, object] = {}
    if request.method == "POST":
        typed = {
            link_id: request.POST[link_id]
            for link_id in current.link_ids
            if link_id in request.POST
        }
        try:
            checked = services.response_save_answers(
                access=access, response=response, answers=typed
            )
        except ValidationError:  # sent meanwhile (another tab): show its confirmation
            done_url = page_url("done", response)
            return HttpResponseClientRedirect(done_url) if request.htmx else redirect(done_url)
        errors = {k: answer_message(v) for k, v in checked.errors.items()}
        progress = progress_for(form, response.answers)
        if request.htmx:
            return render(
                request,
                "questionnaires/_saved.html",
                {"errors": errors, "questions": progress.questions(current)},
            )
        if not errors:
            if request.POST.get("go") == "back":
                return redirect(back_url(response, progress, current))
            if request.POST.get("go") == "later":
                messages.success(
                    request, _("Your answers are saved. You can carry on at any time.")
                )
                return redirect("questionnaires:my_responses", patient_id=access.patient.pk)
            if request.GET.get("from") == "review":
                # A change made from the review goes back to it, unless the change showed
                # a question that still needs an answer.
                return redirect(step_url(response, first_unanswered(progress, response.answers)))
            return redirect(step_url(response, progress.next_after(current)))
    if not progress.is_shown(current):
        # An earlier answer hides this screen: go on to the next one that applies.
        return redirect(step_url(response, progress.next_after(current)))
    return render_step(request, access, response, progress, current, errors, typed)


def render_step(
    request: HttpRequest,
    access: PatientAccess,
    response: QuestionnaireResponse,
    progress: Progress,
    current: Step,
    errors: dict[str, str],
    typed: dict[str, object],
) -> HttpResponse:
    name = access.patient.given_name if access.as_role != Role.PATIENT else ""
    questions = [
        Question(
            item=item,
            stem=question_stem(response.definition.instrument_code, item, response.reporter, name),
            value=shown_value(
                typed[item.link_id] if item.link_id in typed else response.answers.get(item.link_id)
            ),
            error=errors.get(item.link_id, ""),
        )
        for item in progress.questions(current)
    ]
    return render(
        request,
        "questionnaires/step.html",
        {
            **page_context(access, response),
            "step": current,
            "questions": questions,
            "errors": [q for q in questions if q.error],
            # One question alone on its screen: its wording is the page's heading.
            "solo": len(questions) == 1 and not (current.group and current.group.text),
            "position": progress.position(current),
            "total": len(progress.shown_steps),
            "back_url": back_url(response, progress, current),
            "save_url": step_url(response, current),
        },
        status=422 if errors else 200,
    )


# --- Review and submit --------------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewRow:
    item: FormItem
    answer: str
    change_url: str
    error: str

    @property
    def row_id(self) -> str:
        return f"answer-{self.item.link_id}"


def answer_words(item: FormItem, value: object) -> str:
    if value is None:
        return ""
    if item.kind == "choice":
        option = item.option(str(value))
        return option.display if option is not None and option.display else str(value)
    if item.kind == "boolean":
        return _("Yes") if value else _("No")
    text = shown_value(value)
    return f"{text} {item.unit}".strip() if item.unit else text


def review_rows(
    response: QuestionnaireResponse, progress: Progress, errors: dict[str, str]
) -> list[ReviewRow]:
    rows = []
    for current in progress.shown_steps:
        for item in progress.questions(current):
            rows.append(
                ReviewRow(
                    item=item,
                    answer=answer_words(item, response.answers.get(item.link_id)),
                    change_url=step_url(response, current) + "?from=review",
                    error=errors.get(item.link_id, ""),
                )
            )
    return rows


@role_required(*REPORTING_ROLES)
@require_http_methods(["GET", "POST"])
def review(request: HttpRequest, patient_id: int, response_id: int) -> HttpResponse:
    """Every answer with a link to change it, and Send. The form carries the submission
    key made when the form was opened, so a second tap or a resent form stores nothing new."""
    access = patient_for_user(request.user, patient_id, purpose=PURPOSE)
    found = response_for_page(request, access, response_id)
    if isinstance(found, HttpResponse):
        return found
    response = found
    errors: dict[str, str] = {}
    problem = ""
    asks_contact = asks_contact_question(access, response.reporter)
    contact_value = request.POST.get(CONTACT_FIELD, "") if request.method == "POST" else ""
    contact_error = ""
    if request.method == "POST":
        try:
            contact = contact_answer(contact_value) if asks_contact else None
            services.response_complete(
                access=access,
                response=response,
                idempotency_key=request.POST.get("idempotency_key", ""),
                contact_requested=contact,
            )
        except ContactAnswerInvalid as error:
            contact_error = str(error)
        except services.ResponseInvalid as error:
            errors = {k: answer_message(v) for k, v in error.item_errors.items()}
        except ValidationError as error:
            problem = " ".join(error.messages)
        else:
            return redirect(
                "questionnaires:done", patient_id=access.patient.pk, response_id=response.pk
            )
    form = QuestionnaireForm.from_json(response.definition.form)
    progress = progress_for(form, response.answers)
    rows = review_rows(response, progress, errors)
    return render(
        request,
        "questionnaires/review.html",
        {
            **page_context(access, response),
            "rows": rows,
            "errors": [row for row in rows if row.error],
            "other_errors": [m for k, m in errors.items() if form.item(k) is None],
            "problem": problem,
            "asks_contact": asks_contact,
            "contact_value": contact_value,
            "contact_error": contact_error,
        },
        status=422 if errors or problem or contact_error else 200,
    )


@role_required(*REPORTING_ROLES)
@require_GET
def done(request: HttpRequest, patient_id: int, response_id: int) -> HttpResponse:
    """The confirmation of a sent questionnaire: its score in words and what happens next."""
    access = patient_for_user(request.user, patient_id, purpose=PURPOSE)
    response = selectors.response_in_record(access, response_id)
    if response is None:
        return not_found(request, access)
    if response.status == ResponseStatus.ENTERED_IN_ERROR:
        return withdrawn(request, access)
    if response.status == ResponseStatus.IN_PROGRESS:
        return redirect(resume_url(response))
    flags = (response.score or {}).get("flags") or []
    next_steps = None
    if response.reporter == ReporterKind.PATIENT and access.as_role != Role.CLINICIAN:
        next_steps = next_steps_for(access, f"QuestionnaireResponse/{response.pk}")
    return render_for_patient(
        request,
        access.patient,
        "questionnaires/done.html",
        {
            **page_context(access, response),
            "score": score_words(response, access),
            "self_harm": FLAG_SELF_HARM in flags and response.reporter == ReporterKind.PATIENT,
            "next_steps": next_steps,
            "messages_url": messages_url(access) if next_steps else "",
        },
    )

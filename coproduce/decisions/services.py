"""The write path for shared decisions. A clinician records the decision with the patient;
every save is checked, written as a new `SharedDecisionVersion` and audited in one
transaction. Errors are ValidationErrors naming the field, in plain words. A decision
without a choice is kept as "not yet decided", never rejected."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from coproduce.access.policy import PatientAccess
from coproduce.accounts.models import Role
from coproduce.core.audit import AuditAction, audit_record
from coproduce.core.clock import now
from coproduce.decisions.models import ReviewOutcome, SharedDecision, SharedDecisionVersion
from coproduce.decisions.option_sets import OptionSet, built_in_option_sets
from coproduce.decisions.selectors import possible_participants

QUESTION_MAX = 300
PRIORITIES_MAX = 10
PRIORITY_MAX = 200
OWN_OPTIONS_MAX = 4
OPTION_TITLE_MAX = 120
OPTION_TEXT_MAX = 600
REASONS_MAX = 2000
FIELDS = (
    "question",
    "option_set_id",
    "option_set_version",
    "options",
    "priorities",
    "participant_ids",
    "choice",
    "reasons",
    "review_on",
    "review_outcome",
    "review_words",
)


@dataclass(frozen=True)
class OwnOption:
    """An option written for the occasion."""

    title: str
    involves: str = ""
    benefits: str = ""
    harms: str = ""


@dataclass(frozen=True)
class DecisionInput:
    """What was entered for a decision, before checking."""

    question: str = ""
    option_set_id: str = ""
    own_options: tuple[OwnOption, ...] = ()
    priorities: tuple[str, ...] = ()
    participant_ids: tuple[int, ...] = ()
    choice: str = ""
    reasons: str = ""
    review_on: dt.date | None = None


@dataclass(frozen=True)
class DecisionChange:
    """What may change after the decision was first recorded."""

    priorities: tuple[str, ...] = ()
    participant_ids: tuple[int, ...] = ()
    choice: str = ""
    reasons: str = ""
    review_on: dt.date | None = None


def patient_today(access: PatientAccess) -> dt.date:
    return timezone.localdate(now(), ZoneInfo(access.patient.home_unit.time_zone))


def require_clinician(access: PatientAccess) -> None:
    if access.as_role != Role.CLINICIAN:
        raise PermissionDenied(_("Only the patient's clinicians can record a decision."))


def words(text: str) -> str:
    return " ".join(text.split())


def set_options(option_set: OptionSet) -> list[dict]:
    """The options of a set as they are shown, copied so later edits of the set leave the
    record as the patient saw it."""
    return [
        {
            "key": option.id,
            "title": option.title,
            "involves": option.involves,
            "benefits": [
                {"text": e.text, "frequency": e.frequency, "source": option_set.citation(e.source)}
                for e in option.benefits
            ],
            "harms": [
                {"text": e.text, "frequency": e.frequency, "source": option_set.citation(e.source)}
                for e in option.harms
            ],
            "from_set": True,
        }
        for option in option_set.options
    ]


def own_option_rows(own: tuple[OwnOption, ...], errors: dict[str, list[str]]) -> list[dict]:
    rows: list[dict] = []
    written = [o for o in own if any(words(v) for v in (o.title, o.involves, o.benefits, o.harms))]
    if len(written) > OWN_OPTIONS_MAX:
        errors["own_options"] = [
            _("Write at most %(max)d options of your own.") % {"max": OWN_OPTIONS_MAX}
        ]
        return rows
    for n, option in enumerate(written, start=1):
        title = words(option.title)
        if not title:
            errors.setdefault("own_options", []).append(
                _("Option %(n)d needs a short name.") % {"n": n}
            )
            continue
        if len(title) > OPTION_TITLE_MAX or any(
            len(v) > OPTION_TEXT_MAX for v in (option.involves, option.benefits, option.harms)
        ):
            errors.setdefault("own_options", []).append(
                _("Option %(n)d is too long: keep each part short.") % {"n": n}
            )
            continue
        rows.append(
            {
                "key": f"own-{n}",
                "title": title,
                "involves": words(option.involves),
                "benefits": [{"text": words(option.benefits), "frequency": "", "source": ""}]
                if words(option.benefits)
                else [],
                "harms": [{"text": words(option.harms), "frequency": "", "source": ""}]
                if words(option.harms)
                else [],
                "from_set": False,
            }
        )
    return rows


def checked_priorities(priorities: tuple[str, ...], errors: dict[str, list[str]]) -> list[str]:
    rows = [words(p) for p in priorities if words(p)]
    if len(rows) > PRIORITIES_MAX:
        errors["priorities"] = [
            _("Keep to the %(max)d things that matter most (there are %(count)d).")
            % {"max": PRIORITIES_MAX, "count": len(rows)}
        ]
    elif any(len(p) > PRIORITY_MAX for p in rows):
        errors["priorities"] = [
            _("Keep each thing that matters to %(max)d characters or fewer.")
            % {"max": PRIORITY_MAX}
        ]
    return rows


def checked_common(
    access: PatientAccess,
    *,
    options: list[dict],
    priorities: tuple[str, ...],
    participant_ids: tuple[int, ...],
    choice: str,
    reasons: str,
    review_on: dt.date | None,
    review_on_before: dt.date | None,
    errors: dict[str, list[str]],
    earlier: list[int] | tuple[int, ...] = (),
) -> dict[str, object]:
    # People recorded earlier stay allowed (a carer whose grant ended still took part).
    allowed = set(possible_participants(access).values_list("pk", flat=True)) | set(earlier)
    people = sorted(set(participant_ids))
    if any(pk not in allowed for pk in people):
        errors["participants"] = [_("Choose people from the list.")]
    keys = {o["key"] for o in options}
    if choice and choice not in keys:
        errors["choice"] = [_("Choose one of the options above, or “Not yet decided”.")]
    reasons = reasons.strip()
    if len(reasons) > REASONS_MAX:
        errors["reasons"] = [
            _("Keep the reasons to %(max)d characters or fewer.") % {"max": REASONS_MAX}
        ]
    if (
        review_on is not None
        and review_on != review_on_before
        and review_on < patient_today(access)
    ):
        errors["review_on"] = [
            _("The date %(date)s has passed. Choose a date from today on, or leave it empty.")
            % {"date": date_format(review_on, "j F Y")}
        ]
    return {
        "priorities": checked_priorities(priorities, errors),
        "participant_ids": people,
        "choice": choice,
        "reasons": reasons,
        "review_on": review_on,
    }


def version_row(decision: SharedDecision, *, access: PatientAccess) -> None:
    SharedDecisionVersion.objects.create(
        decision=decision,
        version=decision.version,
        changed_by=access.user,
        changed_at=decision.updated_at,
        **{name: getattr(decision, name) for name in FIELDS},
    )


def decision_create(*, access: PatientAccess, decision_input: DecisionInput) -> SharedDecision:
    """Record a decision made (or still to make) with the patient. Version 1 is written
    with it; without a choice it is kept as not yet decided."""
    require_clinician(access)
    errors: dict[str, list[str]] = {}
    option_set = None
    if decision_input.option_set_id:
        option_set = built_in_option_sets().get(decision_input.option_set_id)
        if option_set is None:
            errors["option_set"] = [_("Choose a set of options from the list.")]
    options = (set_options(option_set) if option_set else []) + own_option_rows(
        decision_input.own_options, errors
    )
    question = words(decision_input.question) or (option_set.title if option_set else "")
    if not question:
        errors["question"] = [_("Write the decision to make, in a few words.")]
    elif len(question) > QUESTION_MAX:
        errors["question"] = [
            _("Keep the decision to %(max)d characters or fewer.") % {"max": QUESTION_MAX}
        ]
    if not options and "option_set" not in errors and "own_options" not in errors:
        errors["own_options"] = [_("Choose a set of options, or write at least one option.")]
    values = checked_common(
        access,
        options=options,
        priorities=decision_input.priorities,
        participant_ids=decision_input.participant_ids,
        choice=decision_input.choice,
        reasons=decision_input.reasons,
        review_on=decision_input.review_on,
        review_on_before=None,
        errors=errors,
    )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        at = now()
        decision = SharedDecision.objects.create(
            patient=access.patient,
            created_by=access.user,
            created_at=at,
            updated_at=at,
            decided_at=at if values["choice"] else None,
            version=1,
            question=question,
            option_set_id=option_set.id if option_set else "",
            option_set_version=option_set.version if option_set else "",
            options=options,
            **values,
        )
        decision.participants.set(values["participant_ids"])
        version_row(decision, access=access)
        audit_record(
            actor=access.user,
            action=AuditAction.CREATE,
            entity_type="SharedDecision",
            entity_id=decision.pk,
            patient_id=access.patient.pk,
            detail={
                "version": 1,
                "option_set": decision.option_set_id,
                "decided": decision.is_decided,
            },
        )
    return decision


def locked(access: PatientAccess, decision: SharedDecision) -> SharedDecision:
    require_clinician(access)
    return SharedDecision.objects.select_for_update().get(pk=decision.pk, patient=access.patient)


def saved(access: PatientAccess, row: SharedDecision, changed: list[str]) -> SharedDecision:
    row.version += 1
    row.updated_at = now()
    row.save()
    version_row(row, access=access)
    audit_record(
        actor=access.user,
        action=AuditAction.UPDATE,
        entity_type="SharedDecision",
        entity_id=row.pk,
        patient_id=access.patient.pk,
        detail={"version": row.version, "changed": changed, "decided": row.is_decided},
    )
    return row


def decision_update(
    *, access: PatientAccess, decision: SharedDecision, change: DecisionChange
) -> SharedDecision:
    """Change what matters most, who took part, the choice (made later, or changed), the
    reasons or the review date. The question and options stay as they were shown. A new
    version is written only when something changed."""
    with transaction.atomic():
        row = locked(access, decision)
        errors: dict[str, list[str]] = {}
        values = checked_common(
            access,
            options=row.options,
            priorities=change.priorities,
            participant_ids=change.participant_ids,
            choice=change.choice,
            reasons=change.reasons,
            review_on=change.review_on,
            review_on_before=row.review_on,
            errors=errors,
            earlier=row.participant_ids,
        )
        if errors:
            raise ValidationError(errors)
        changed = sorted(name for name, value in values.items() if getattr(row, name) != value)
        if not changed:
            return row
        if "choice" in changed:
            row.decided_at = now() if values["choice"] else None
        for name, value in values.items():
            setattr(row, name, value)
        if "participant_ids" in changed:
            row.participants.set(values["participant_ids"])
        return saved(access, row, changed)


def decision_review_record(
    *, access: PatientAccess, decision: SharedDecision, outcome: str, review_words: str
) -> SharedDecision:
    """Record whether the choice worked for the patient, in their words."""
    errors: dict[str, list[str]] = {}
    if outcome not in ReviewOutcome.values:
        errors["outcome"] = [_("Choose whether it worked for them.")]
    review_words = review_words.strip()
    if len(review_words) > REASONS_MAX:
        errors["review_words"] = [
            _("Keep this to %(max)d characters or fewer.") % {"max": REASONS_MAX}
        ]
    with transaction.atomic():
        row = locked(access, decision)
        if not row.is_decided:
            errors["outcome"] = [_("A decision not yet made cannot be reviewed.")]
        if errors:
            raise ValidationError(errors)
        row.review_outcome = outcome
        row.review_words = review_words
        row.reviewed_at = now()
        return saved(access, row, ["review_outcome", "review_words"])

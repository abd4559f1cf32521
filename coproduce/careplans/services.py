"""The write path for goals and agreed compromises. Each change is checked, saved as a new
version and audited in one transaction. Errors are ValidationErrors naming the field, in plain
words.

Edits made at the same time: an edit form carries the version it started from. The row is
locked (`select_for_update`; on SQLite the IMMEDIATE transaction serialises writers) before
its version is compared, so two saves from one base cannot both win. If the row moved on, the
edit is merged with `merge.three_way` (base = the version the person started from): a clean
merge saves and says which parts the other person changed; a conflict saves nothing and
raises `EditConflict` with both values, so nobody's text is lost."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from coproduce.access.models import CarerScope
from coproduce.access.policy import PatientAccess
from coproduce.accounts.models import Role
from coproduce.careplans.merge import three_way
from coproduce.careplans.models import (
    Goal,
    GoalCompromise,
    GoalCompromiseVersion,
    GoalDirection,
    GoalKind,
    GoalStatus,
    GoalVersion,
    ProposedBy,
)
from coproduce.core.audit import AuditAction, audit_record
from coproduce.core.clock import now
from coproduce.observations.catalogue import ImplausibleValue, code_info, unit_words

DESCRIPTION_MAX = 300
NOTE_MAX = 300
FIELDS = (
    "description",
    "measure_code",
    "direction",
    "target_low",
    "target_high",
    "target_date",
    "status",
)


@dataclass(frozen=True)
class GoalInput:
    """What a person typed for a goal, before checking."""

    description: str
    measure_code: str = ""
    direction: str = ""
    target_low: float | None = None
    target_high: float | None = None
    target_date: dt.date | None = None
    # "" = by who writes it: a clinician's goal is a clinical target, anyone else's their own.
    kind: str = ""


def patient_today(access: PatientAccess) -> dt.date:
    """Today where the patient is cared for (a date typed by them is in that zone)."""
    return timezone.localdate(now(), ZoneInfo(access.patient.home_unit.time_zone))


def proposer_role(access: PatientAccess) -> str:
    """Who is writing the goal, or PermissionDenied: the patient, a carer allowed to work
    on the care plan, or a clinician."""
    if access.as_role == Role.PATIENT:
        return ProposedBy.PATIENT
    if access.as_role == Role.CARER and access.can(CarerScope.CARE_PLAN):
        return ProposedBy.CARER
    if access.as_role == Role.CLINICIAN:
        return ProposedBy.CLINICIAN
    raise PermissionDenied(_("You cannot change this person's goals."))


def may_edit(access: PatientAccess, goal: Goal) -> bool:
    """The patient may change any of their goals; a carer or clinician only the goals they
    proposed themselves (and a carer only while allowed to work on the care plan)."""
    try:
        role = proposer_role(access)
    except PermissionDenied:
        return False
    if goal.patient_id != access.patient.pk:
        return False
    return role == ProposedBy.PATIENT or goal.proposed_by_id == access.user.pk


def checked_goal(
    access: PatientAccess, goal_input: GoalInput, *, date_changed: bool = True
) -> dict[str, object]:
    """The goal's columns, or a ValidationError naming every field that is wrong."""
    errors: dict[str, list[str]] = {}
    description = " ".join(goal_input.description.split())
    if not description:
        errors["description"] = [_("Write your goal in a few words.")]
    elif len(description) > DESCRIPTION_MAX:
        errors["description"] = [
            _("Keep your goal to %(max)d characters or fewer (it has %(count)d).")
            % {"max": DESCRIPTION_MAX, "count": len(description)}
        ]
    code = goal_input.measure_code.strip()
    direction = goal_input.direction if code else ""
    low, high = goal_input.target_low, goal_input.target_high
    info = None
    if code:
        try:
            info = code_info(code)
        except ImplausibleValue:
            errors["measure_code"] = [_("Choose a measure from the list.")]
        else:
            if info.kind != "quantity":
                errors["measure_code"] = [_("This measure has no number to aim for.")]
    if direction and direction not in GoalDirection.values:
        errors["direction"] = [_("Choose at most, at least or between.")]
    if direction == GoalDirection.AT_MOST:
        low = None
        if high is None:
            errors["target_high"] = [_("Enter the number you want to stay at or below.")]
    elif direction == GoalDirection.AT_LEAST:
        high = None
        if low is None:
            errors["target_low"] = [_("Enter the number you want to reach or stay above.")]
    elif direction == GoalDirection.BETWEEN:
        if low is None:
            errors["target_low"] = [_("Enter the lowest number of your range.")]
        if high is None:
            errors["target_high"] = [_("Enter the highest number of your range.")]
        if low is not None and high is not None and low >= high:
            errors["target_high"] = [_("The highest number must be more than the lowest.")]
    else:
        if code and (low is not None or high is not None):
            errors["direction"] = [_("Say whether the number is at most, at least or between.")]
        low = high = None
    if info is not None and info.kind == "quantity" and "measure_code" not in errors:
        for field, value in (("target_low", low), ("target_high", high)):
            if value is not None and field not in errors:
                message = implausible_target(info, value)
                if message:
                    errors[field] = [message]
    if not code and (goal_input.target_low is not None or goal_input.target_high is not None):
        errors["measure_code"] = [_("Choose the measure your number is about.")]
    day = goal_input.target_date
    if day is not None and date_changed and day < patient_today(access):
        errors["target_date"] = [
            _("The date %(date)s has passed. Choose a date from today on, or leave it empty.")
            % {"date": date_format(day, "j F Y")}
        ]
    if errors:
        raise ValidationError(errors)
    if info is not None and low is not None:
        low = round(low, info.decimals)
    if info is not None and high is not None:
        high = round(high, info.decimals)
    return {
        "description": description,
        "measure_code": code,
        "direction": direction,
        "target_low": low,
        "target_high": high,
        "target_date": day,
    }


def implausible_target(info, value: float) -> str:
    assert info.plausible_low is not None
    assert info.plausible_high is not None
    if info.plausible_low <= value <= info.plausible_high:
        return ""
    unit = f" {unit_words(info.unit)}".rstrip()
    return _(
        "%(value)s%(unit)s is not possible for %(display)s. "
        "Choose a number from %(low)s to %(high)s%(unit)s."
    ) % {
        "value": f"{value:g}",
        "unit": unit,
        "display": info.display,
        "low": f"{info.plausible_low:g}",
        "high": f"{info.plausible_high:g}",
    }


def version_row(goal: Goal, *, access: PatientAccess, role: str, note: str) -> GoalVersion:
    return GoalVersion.objects.create(
        goal=goal,
        version=goal.version,
        changed_by=access.user,
        changed_by_role=role,
        changed_at=goal.updated_at,
        note=note.strip()[:NOTE_MAX],
        kind=goal.kind,
        **{field: getattr(goal, field) for field in FIELDS},
    )


def goal_create(*, access: PatientAccess, goal_input: GoalInput) -> Goal:
    """A new goal for the patient, proposed by whoever holds `access` (patient, carer with
    the care-plan scope, or clinician). Version 1 is written with it."""
    role = proposer_role(access)
    values = checked_goal(access, goal_input)
    kind = goal_input.kind or (GoalKind.CLINICAL if role == ProposedBy.CLINICIAN else GoalKind.OWN)
    if kind not in GoalKind.values:
        raise ValidationError({"kind": _("Choose whose goal this is.")})
    if kind == GoalKind.CLINICAL and role != ProposedBy.CLINICIAN:
        raise ValidationError({"kind": _("Only the care team sets clinical targets.")})
    with transaction.atomic():
        at = now()
        goal = Goal.objects.create(
            kind=kind,
            patient=access.patient,
            proposed_by=access.user,
            proposed_by_role=role,
            proposed_at=at,
            updated_at=at,
            version=1,
            status=GoalStatus.ACTIVE,
            **values,
        )
        version_row(goal, access=access, role=role, note="")
        audit_record(
            actor=access.user,
            action=AuditAction.CREATE,
            entity_type="Goal",
            entity_id=goal.pk,
            patient_id=access.patient.pk,
            detail={
                "version": 1,
                "measure": goal.measure_code,
                "proposed_by": role,
                "kind": kind,
            },
        )
    return goal


def locked_goal(access: PatientAccess, goal: Goal) -> tuple[Goal, str]:
    role = proposer_role(access)
    if not may_edit(access, goal):
        raise PermissionDenied(_("Only the person who proposed this goal, or you, can change it."))
    return Goal.objects.select_for_update().get(pk=goal.pk, patient=access.patient), role


def goal_update(
    *,
    access: PatientAccess,
    goal: Goal,
    goal_input: GoalInput,
    status: str = GoalStatus.ACTIVE,
    note: str = "",
) -> Goal:
    """Change a goal's words, measure, target, date or status (working on it / achieved),
    whatever was saved meanwhile. A new version is written only when something changed.
    Stopping is `goal_stop`; an edit from a form that knows its base is `goal_edit`."""
    return goal_edit(
        access=access, goal=goal, goal_input=goal_input, status=status, note=note
    ).record


# The parts of a goal merged as one: a measure, its direction and numbers go together, so a
# merge never pairs one person's measure with another's number.
GOAL_PARTS = ("description", "target", "target_date", "status")
GOAL_PART_FIELDS = {
    "description": ("description",),
    "target": ("measure_code", "direction", "target_low", "target_high"),
    "target_date": ("target_date",),
    "status": ("status",),
}


def record_parts(source, part_fields: dict[str, tuple[str, ...]]) -> dict[str, object]:
    """A record (a row, a version, or a dict of columns) as the parts a merge compares: one
    value per part, a tuple for a part of several columns."""
    get = source.get if isinstance(source, dict) else lambda f: getattr(source, f)
    return {
        part: tuple(get(f) for f in fields) if len(fields) > 1 else get(fields[0])
        for part, fields in part_fields.items()
    }


def part_columns(parts: dict[str, object], part_fields: dict[str, tuple[str, ...]]) -> dict:
    """The columns of merged parts (the inverse of `record_parts`)."""
    columns: dict[str, object] = {}
    for part, fields in part_fields.items():
        value = parts[part]
        columns.update(zip(fields, value if len(fields) > 1 else (value,), strict=True))
    return columns


def goal_parts(source) -> dict[str, object]:
    return record_parts(source, GOAL_PART_FIELDS)


def goal_columns(parts: dict[str, object]) -> dict[str, object]:
    return part_columns(parts, GOAL_PART_FIELDS)


@dataclass(frozen=True)
class PartChange:
    """A part of a record the other person changed since the base: their value, who, when."""

    part: str
    theirs: object
    mine: object
    changed_by: str
    changed_at: dt.datetime


@dataclass(frozen=True)
class EditOutcome:
    record: Goal | GoalCompromise
    # Parts the other person changed that this save kept (a clean merge); empty otherwise.
    merged: tuple[PartChange, ...] = ()


class EditConflict(Exception):
    """The record changed since the person's base, in the same parts they changed, in a
    different way. Nothing was saved; `conflicts` hold both values and who changed theirs."""

    def __init__(self, record, conflicts: tuple[PartChange, ...], merged: tuple[PartChange, ...]):
        super().__init__("edit conflict")
        self.record = record
        self.conflicts = conflicts
        self.merged = merged

    @property
    def current_version(self) -> int:
        return self.record.version


def last_changes(versions, parts_of, parts: set[str]) -> dict[str, tuple[str, dt.datetime]]:
    """For each of `parts`, who last changed it and when, from versions oldest first."""
    found: dict[str, tuple[str, dt.datetime]] = {}
    previous = None
    for version in versions:
        current = parts_of(version)
        for part in parts:
            if previous is not None and current[part] != previous[part]:
                found[part] = (version.changed_by.display_name, version.changed_at)
        previous = current
    return found


def merged_parts(*, base, theirs_record, versions, mine: dict, parts_of):
    """Three-way merge of `mine` onto the record's current parts; PartChanges for what the
    other person changed (taken) and for conflicts."""
    base_parts = parts_of(base)
    theirs = parts_of(theirs_record)
    merge = three_way(base_parts, theirs, mine)
    named = {c.field for c in merge.conflicts} | set(merge.taken_from_theirs)
    who = last_changes(versions, parts_of, named)
    fallback = ("", theirs_record.updated_at)

    def change(part: str) -> PartChange:
        name, at = who.get(part, fallback)
        return PartChange(part, theirs[part], mine[part], name, at)

    taken = tuple(change(part) for part in merge.taken_from_theirs)
    conflicts = tuple(change(c.field) for c in merge.conflicts)
    return merge.values, taken, conflicts


def goal_edit(
    *,
    access: PatientAccess,
    goal: Goal,
    goal_input: GoalInput,
    status: str = GoalStatus.ACTIVE,
    note: str = "",
    base_version: int | None = None,
) -> EditOutcome:
    """Save an edit made from version `base_version` (None: from whatever is saved now).
    If the goal changed since, merge; raise EditConflict (saving nothing) on a conflict."""
    if status not in (GoalStatus.ACTIVE, GoalStatus.ACHIEVED):
        raise ValidationError({"status": _("Choose whether you are still working on it.")})
    with transaction.atomic():
        row, role = locked_goal(access, goal)
        values = checked_goal(
            access, goal_input, date_changed=goal_input.target_date != row.target_date
        )
        values["status"] = status
        merged: tuple[PartChange, ...] = ()
        if base_version is not None and base_version != row.version:
            versions = list(
                GoalVersion.objects.filter(goal=row, version__gte=base_version)
                .select_related("changed_by")
                .order_by("version")
            )
            if not versions or versions[0].version != base_version:
                raise ValidationError(
                    _("This form is out of date. Open the goal again to change it.")
                )
            parts, merged, conflicts = merged_parts(
                base=versions[0],
                theirs_record=row,
                versions=versions,
                mine=goal_parts(values),
                parts_of=goal_parts,
            )
            if conflicts:
                raise EditConflict(row, conflicts, merged)
            values = goal_columns(parts)
        changed = sorted(f for f in FIELDS if getattr(row, f) != values[f])
        if not changed:
            return EditOutcome(row, merged)
        at = now()
        if "status" in changed:
            row.status_changed_at = at
            row.status_changed_by = access.user
        for field, value in values.items():
            setattr(row, field, value)
        row.version += 1
        row.updated_at = at
        row.save()
        version_row(row, access=access, role=role, note=note)
        audit_record(
            actor=access.user,
            action=AuditAction.UPDATE,
            entity_type="Goal",
            entity_id=row.pk,
            patient_id=access.patient.pk,
            detail={
                "version": row.version,
                "changed": changed,
                "status": row.status,
                "merged": [m.part for m in merged],
            },
        )
    return EditOutcome(row, merged)


def goal_stop(*, access: PatientAccess, goal: Goal, note: str = "") -> Goal:
    """Stop working on a goal. It stays in the list, marked stopped, with its history."""
    with transaction.atomic():
        row, role = locked_goal(access, goal)
        if row.status == GoalStatus.STOPPED:
            return row
        at = now()
        row.status = GoalStatus.STOPPED
        row.status_changed_at = at
        row.status_changed_by = access.user
        row.version += 1
        row.updated_at = at
        row.save(
            update_fields=[
                "status",
                "status_changed_at",
                "status_changed_by",
                "version",
                "updated_at",
            ]
        )
        version_row(row, access=access, role=role, note=note)
        audit_record(
            actor=access.user,
            action=AuditAction.UPDATE,
            entity_type="Goal",
            entity_id=row.pk,
            patient_id=access.patient.pk,
            detail={"version": row.version, "changed": ["status"], "status": row.status},
        )
    return row


# --- Agreed compromises ---------------------------------------------------------------------

WORDING_MAX = 500
COMPROMISE_FIELDS = (
    "wording",
    "agreed_low",
    "agreed_high",
    "review_on",
    "agreed_by_patient",
    "agreed_by_carer",
    "agreed_by_clinician",
    "agreed_on",
)
COMPROMISE_PART_FIELDS = {
    "wording": ("wording",),
    "agreed": ("agreed_low", "agreed_high"),
    "review_on": ("review_on",),
    "agreed_by": ("agreed_by_patient", "agreed_by_carer", "agreed_by_clinician"),
    "agreed_on": ("agreed_on",),
}


def compromise_parts(source) -> dict[str, object]:
    return record_parts(source, COMPROMISE_PART_FIELDS)


def compromise_columns(parts: dict[str, object]) -> dict[str, object]:
    return part_columns(parts, COMPROMISE_PART_FIELDS)


@dataclass(frozen=True)
class CompromiseInput:
    """What a clinician typed for a compromise, before checking."""

    wording: str
    agreed_low: float | None = None
    agreed_high: float | None = None
    review_on: dt.date | None = None
    agreed_by_patient: bool = False
    agreed_by_carer: bool = False
    agreed_by_clinician: bool = True
    agreed_on: dt.date | None = None  # None: today


def compromise_writer(access: PatientAccess) -> None:
    """Only a clinician records a compromise (with the patient, who is named as agreeing)."""
    if access.as_role != Role.CLINICIAN:
        raise PermissionDenied(_("Only the care team records an agreed compromise."))


def checked_compromise(
    access: PatientAccess,
    clinical_target: Goal,
    entry: CompromiseInput,
    *,
    review_changed: bool = True,
    errors: dict[str, list[str]] | None = None,
) -> dict[str, object]:
    errors = errors if errors is not None else {}
    wording = " ".join(entry.wording.split())
    if not wording:
        errors["wording"] = [_("Write what you agreed, in plain words.")]
    elif len(wording) > WORDING_MAX:
        errors["wording"] = [
            _("Keep what you agreed to %(max)d characters or fewer (it has %(count)d).")
            % {"max": WORDING_MAX, "count": len(wording)}
        ]
    low, high = entry.agreed_low, entry.agreed_high
    if low is not None or high is not None:
        info = None
        if clinical_target is not None and clinical_target.measure_code:
            try:
                info = code_info(clinical_target.measure_code)
            except ImplausibleValue:
                info = None
        if info is None or info.kind != "quantity":
            errors["agreed_low"] = [
                _("The clinical target has no measure, so no number can be agreed on it.")
            ]
        else:
            for field, value in (("agreed_low", low), ("agreed_high", high)):
                message = implausible_target(info, value) if value is not None else ""
                if message:
                    errors[field] = [message]
            numbers_wrong = "agreed_low" in errors or "agreed_high" in errors
            if low is not None and high is not None and low > high and not numbers_wrong:
                errors["agreed_high"] = [
                    _("The highest number must be the same as the lowest or more.")
                ]
            if not errors.get("agreed_low") and not errors.get("agreed_high"):
                low = round(low, info.decimals) if low is not None else None
                high = round(high, info.decimals) if high is not None else None
    today_there = patient_today(access)
    if entry.review_on is not None and review_changed and entry.review_on < today_there:
        errors["review_on"] = [
            _("The date %(date)s has passed. Choose a date from today on, or leave it empty.")
            % {"date": date_format(entry.review_on, "j F Y")}
        ]
    agreed_on = entry.agreed_on or today_there
    if agreed_on > today_there:
        errors["agreed_on"] = [_("The day it was agreed cannot be in the future.")]
    if not (entry.agreed_by_patient or entry.agreed_by_carer):
        errors["agreed_by"] = [
            _("Tick who agreed with the care team: the patient, their carer, or both.")
        ]
    if errors:
        raise ValidationError(errors)
    return {
        "wording": wording,
        "agreed_low": low,
        "agreed_high": high,
        "review_on": entry.review_on,
        "agreed_by_patient": entry.agreed_by_patient,
        "agreed_by_carer": entry.agreed_by_carer,
        "agreed_by_clinician": entry.agreed_by_clinician,
        "agreed_on": agreed_on,
    }


def compromise_version_row(compromise: GoalCompromise, *, access: PatientAccess) -> None:
    GoalCompromiseVersion.objects.create(
        compromise=compromise,
        version=compromise.version,
        changed_by=access.user,
        changed_at=compromise.updated_at,
        **{field: getattr(compromise, field) for field in COMPROMISE_FIELDS},
    )


def compromise_record(
    *,
    access: PatientAccess,
    own_goal: Goal | None,
    clinical_target: Goal | None,
    entry: CompromiseInput,
) -> GoalCompromise:
    """Record what a patient and their care team agreed where the patient's own goal and a
    clinical target pull apart. Version 1 is written with it."""
    compromise_writer(access)
    errors: dict[str, list[str]] = {}
    if own_goal is None:
        errors["own_goal"] = [_("Choose the patient's own goal.")]
    elif own_goal.patient_id != access.patient.pk:
        errors["own_goal"] = [_("This goal belongs to someone else. Choose one of theirs.")]
    elif own_goal.kind != GoalKind.OWN:
        errors["own_goal"] = [_("Choose a goal the patient set, not a clinical target.")]
    if clinical_target is None:
        errors["clinical_target"] = [_("Choose the clinical target.")]
    elif own_goal is not None and own_goal.pk == clinical_target.pk:
        errors["clinical_target"] = [_("Choose two different goals.")]
    elif clinical_target.patient_id != access.patient.pk:
        errors["clinical_target"] = [
            _("This target belongs to someone else. Choose one of theirs.")
        ]
    elif clinical_target.kind != GoalKind.CLINICAL:
        errors["clinical_target"] = [_("Choose a clinical target, not the patient's own goal.")]
    if (
        not errors
        and GoalCompromise.objects.filter(
            own_goal=own_goal, clinical_target=clinical_target
        ).exists()
    ):
        errors["clinical_target"] = [
            _("A compromise for these two goals is already recorded. Change that one instead.")
        ]
    target_for_numbers = clinical_target if "clinical_target" not in errors else None
    values = checked_compromise(access, target_for_numbers, entry, errors=errors)
    with transaction.atomic():
        at = now()
        compromise = GoalCompromise.objects.create(
            patient=access.patient,
            own_goal=own_goal,
            clinical_target=clinical_target,
            recorded_by=access.user,
            recorded_at=at,
            updated_at=at,
            version=1,
            **values,
        )
        compromise_version_row(compromise, access=access)
        audit_record(
            actor=access.user,
            action=AuditAction.CREATE,
            entity_type="GoalCompromise",
            entity_id=compromise.pk,
            patient_id=access.patient.pk,
            detail={"version": 1, "goals": [own_goal.pk, clinical_target.pk]},
        )
    return compromise


def compromise_edit(
    *,
    access: PatientAccess,
    compromise: GoalCompromise,
    entry: CompromiseInput,
    base_version: int | None = None,
) -> EditOutcome:
    """Change a compromise, made from version `base_version`; merged like a goal edit
    (EditConflict on a conflict, nothing saved)."""
    compromise_writer(access)
    with transaction.atomic():
        row = (
            GoalCompromise.objects.select_for_update()
            .select_related("clinical_target")
            .get(pk=compromise.pk, patient=access.patient)
        )
        values = checked_compromise(
            access, row.clinical_target, entry, review_changed=entry.review_on != row.review_on
        )
        merged: tuple[PartChange, ...] = ()
        if base_version is not None and base_version != row.version:
            versions = list(
                GoalCompromiseVersion.objects.filter(compromise=row, version__gte=base_version)
                .select_related("changed_by")
                .order_by("version")
            )
            if not versions or versions[0].version != base_version:
                raise ValidationError(
                    _("This form is out of date. Open the compromise again to change it.")
                )
            parts, merged, conflicts = merged_parts(
                base=versions[0],
                theirs_record=row,
                versions=versions,
                mine=compromise_parts(values),
                parts_of=compromise_parts,
            )
            if conflicts:
                raise EditConflict(row, conflicts, merged)
            values = compromise_columns(parts)
        changed = sorted(f for f in COMPROMISE_FIELDS if getattr(row, f) != values[f])
        if not changed:
            return EditOutcome(row, merged)
        for field, value in values.items():
            setattr(row, field, value)
        row.version += 1
        row.updated_at = now()
        row.save()
        compromise_version_row(row, access=access)
        audit_record(
            actor=access.user,
            action=AuditAction.UPDATE,
            entity_type="GoalCompromise",
            entity_id=row.pk,
            patient_id=access.patient.pk,
            detail={
                "version": row.version,
                "changed": changed,
                "merged": [m.part for m in merged],
            },
        )
    return EditOutcome(row, merged)

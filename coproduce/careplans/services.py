"""The write path for goals. Each change is checked, saved as a new `GoalVersion` and audited
in one transaction. Errors are ValidationErrors naming the field, in plain words."""

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
from coproduce.careplans.models import Goal, GoalDirection, GoalStatus, GoalVersion, ProposedBy
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
        **{field: getattr(goal, field) for field in FIELDS},
    )


def goal_create(*, access: PatientAccess, goal_input: GoalInput) -> Goal:
    """A new goal for the patient, proposed by whoever holds `access` (patient, carer with
    the care-plan scope, or clinician). Version 1 is written with it."""
    role = proposer_role(access)
    values = checked_goal(access, goal_input)
    with transaction.atomic():
        at = now()
        goal = Goal.objects.create(
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
            detail={"version": 1, "measure": goal.measure_code, "proposed_by": role},
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
    """Change a goal's words, measure, target, date or status (working on it / achieved).
    A new version is written only when something changed. Stopping is `goal_stop`."""
    if status not in (GoalStatus.ACTIVE, GoalStatus.ACHIEVED):
        raise ValidationError({"status": _("Choose whether you are still working on it.")})
    with transaction.atomic():
        row, role = locked_goal(access, goal)
        values = checked_goal(
            access, goal_input, date_changed=goal_input.target_date != row.target_date
        )
        values["status"] = status
        changed = sorted(f for f in FIELDS if getattr(row, f) != values[f])
        if not changed:
            return row
        at = now()
        if "status" in changed:
            row.status_changed_at = at
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
            detail={"version": row.version, "changed": changed, "status": row.status},
        )
    return row


def goal_stop(*, access: PatientAccess, goal: Goal, note: str = "") -> Goal:
    """Stop working on a goal. It stays in the list, marked stopped, with its history."""
    with transaction.atomic():
        row, role = locked_goal(access, goal)
        if row.status == GoalStatus.STOPPED:
            return row
        at = now()
        row.status = GoalStatus.STOPPED
        row.status_changed_at = at
        row.version += 1
        row.updated_at = at
        row.save(update_fields=["status", "status_changed_at", "version", "updated_at"])
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

"""A unit's alert settings: office hours and holidays (high and routine response times run
only then), the phone numbers patients are given in alert advice, and the next responder
for alerts nobody acknowledged in time.

Only the unit's lead (a current UnitMembership with `is_lead`) may read or change them
through the app; `actor=None` is the system (the demo seed).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from coproduce.accounts.models import Role, User
from coproduce.alerts.models import UnitAlertSettings
from coproduce.core.audit import AuditAction, audit_record
from coproduce.core.clock import today
from coproduce.core.ids import as_pk
from coproduce.network.models import Unit, UnitMembership

ISO_WEEKDAYS = range(1, 8)
DEFAULT_DAYS = (1, 2, 3, 4, 5)
MAX_HOLIDAYS = 400
PHONE_CHARACTERS = frozenset("0123456789+() -")
FIELDS = (
    "office_opens",
    "office_closes",
    "office_days",
    "holidays",
    "phone",
    "out_of_hours_phone",
    "next_responder_id",
)


def _current(memberships: QuerySet[UnitMembership]) -> QuerySet[UnitMembership]:
    day = today()
    return memberships.filter(started_on__lte=day).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=day)
    )


# --- Reads ---------------------------------------------------------------------------------


def units_led_by(user: User) -> QuerySet[Unit]:
    """The units `user` leads today (clinicians only)."""
    if user.role != Role.CLINICIAN:
        return Unit.objects.none()
    leads = _current(UnitMembership.objects.filter(user=user, is_lead=True)).values("unit_id")
    return Unit.objects.filter(pk__in=leads).select_related("region").order_by("name", "pk")


def is_unit_lead(user: User, unit_id: int) -> bool:
    return units_led_by(user).filter(pk=unit_id).exists()


def unit_led_by(user: User, unit_id: object) -> Unit:
    """The unit `unit_id` if `user` leads it today; PermissionDenied otherwise (also for a
    unit that does not exist, so a refusal says nothing about other units)."""
    unit = units_led_by(user).filter(pk=as_pk(unit_id)).first()
    if unit is None:
        raise PermissionDenied(_("Only the lead of this unit can change its alert settings."))
    return unit


def responder_choices(unit: Unit) -> QuerySet[User]:
    """Who can be the next responder: the unit's current clinicians."""
    members = _current(UnitMembership.objects.filter(unit=unit)).values("user_id")
    return User.objects.filter(pk__in=members, role=Role.CLINICIAN, is_active=True).order_by(
        "last_name", "first_name", "pk"
    )


@dataclass(frozen=True)
class UnitAlertSettingsView:
    """The settings as they are in force, with defaults for a unit that has none saved."""

    office_opens: dt.time
    office_closes: dt.time
    office_days: tuple[int, ...]
    holidays: tuple[dt.date, ...]
    phone: str
    out_of_hours_phone: str
    next_responder: User | None


def unit_alert_settings_of(unit: Unit) -> UnitAlertSettingsView:
    row = UnitAlertSettings.objects.filter(unit=unit).select_related("next_responder").first()
    if row is None:
        return UnitAlertSettingsView(dt.time(8), dt.time(18), DEFAULT_DAYS, (), "", "", None)
    return UnitAlertSettingsView(
        office_opens=row.office_opens,
        office_closes=row.office_closes,
        office_days=tuple(row.office_days or DEFAULT_DAYS),
        holidays=tuple(sorted(dt.date.fromisoformat(d) for d in row.holidays)),
        phone=row.phone,
        out_of_hours_phone=row.out_of_hours_phone,
        next_responder=row.next_responder,
    )


# --- Write ---------------------------------------------------------------------------------


def phone_problem(number: str) -> str | None:
    """Why `number` is not a phone number we can show patients (None if it is fine)."""
    if len(number) > 40:
        return _("Enter at most 40 characters.")
    if number and not set(number) <= PHONE_CHARACTERS:
        return _("Use only digits, spaces, brackets, dashes and a plus sign.")
    if number and sum(c.isdigit() for c in number) < 3:
        return _("Enter a whole phone number.")
    return None


def unit_alert_settings_update(
    *,
    actor: User | None,
    unit: Unit,
    office_opens: dt.time,
    office_closes: dt.time,
    office_days: Iterable[int],
    holidays: Iterable[dt.date],
    phone: str,
    out_of_hours_phone: str,
    next_responder: User | None,
) -> UnitAlertSettings:
    """Save a unit's alert settings. The actor must lead the unit today (or be None, the
    system). Raises ValidationError naming the field for bad values."""
    if actor is not None and not is_unit_lead(actor, unit.pk):
        raise PermissionDenied(_("Only the lead of this unit can change its alert settings."))
    days = sorted(set(office_days))
    closed = sorted(set(holidays))
    phone, out_of_hours_phone = phone.strip(), out_of_hours_phone.strip()
    errors: dict[str, list[str]] = {}
    if office_opens >= office_closes:
        errors["office_closes"] = [_("The office must close later than it opens.")]
    if not days:
        errors["office_days"] = [_("Choose at least one day the office is open.")]
    elif not set(days) <= set(ISO_WEEKDAYS):
        errors["office_days"] = [_("Choose days from Monday to Sunday.")]
    if len(closed) > MAX_HOLIDAYS:
        errors["holidays"] = [_("Enter at most %(n)d closed days.") % {"n": MAX_HOLIDAYS}]
    for name, number in (("phone", phone), ("out_of_hours_phone", out_of_hours_phone)):
        problem = phone_problem(number)
        if problem:
            errors[name] = [problem]
    if (
        next_responder is not None
        and not responder_choices(unit).filter(pk=next_responder.pk).exists()
    ):
        errors["next_responder"] = [_("Choose a clinician who works in this unit now.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        row = UnitAlertSettings.objects.select_for_update().filter(unit=unit).first()
        before = {name: getattr(row, name) for name in FIELDS} if row else {}
        row = row or UnitAlertSettings(unit=unit)
        row.office_opens = office_opens
        row.office_closes = office_closes
        row.office_days = days
        row.holidays = [d.isoformat() for d in closed]
        row.phone = phone
        row.out_of_hours_phone = out_of_hours_phone
        row.next_responder = next_responder
        created = row.pk is None
        row.save()
        row.refresh_from_db()
        changed = sorted(
            name for name in FIELDS if created or before.get(name) != getattr(row, name)
        )
        audit_record(
            actor=actor,
            action=AuditAction.CREATE if created else AuditAction.UPDATE,
            entity_type="UnitAlertSettings",
            entity_id=row.pk,
            detail={"unit": unit.pk, "fields": changed},
        )
    return row

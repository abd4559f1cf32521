"""A patient's reminder preferences as they apply, with defaults for what is not set.

Defaults: the time zone of the patient's home unit (the network's setting for the place of
care); quiet hours, channels and the reminder cap from REMINDER_DEFAULTS, which a deployment
may override with `COPRODUCE_REMINDER_DEFAULTS` in settings (a dict with the same keys).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings

from coproduce.patients.models import Patient
from coproduce.reporting.models import ReportingPreference
from coproduce.reporting.windows import QuietHours

REMINDER_DEFAULTS = {
    "quiet_start": dt.time(21, 0),
    "quiet_end": dt.time(8, 0),
    "by_app": True,
    "by_email": True,
    "by_sms": False,
    "reminder_cap": 3,
}


def reminder_defaults() -> dict:
    return {**REMINDER_DEFAULTS, **getattr(settings, "COPRODUCE_REMINDER_DEFAULTS", {})}


def zone_or_utc(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


@dataclass(frozen=True)
class Preferences:
    time_zone: str
    quiet: QuietHours | None
    by_app: bool
    by_email: bool
    by_sms: bool
    reminder_cap: int
    chosen: bool  # False while the defaults apply

    @property
    def zone(self) -> ZoneInfo:
        return zone_or_utc(self.time_zone)


def preferences_in_force(
    patient: Patient, row: ReportingPreference | bool | None = False
) -> Preferences:
    """The patient's preferences, or the defaults. Pass `row` when already loaded (None for
    none) to save a query."""
    if row is False:
        row = ReportingPreference.objects.filter(patient=patient).first()
    defaults = reminder_defaults()
    unit_zone = patient.home_unit.time_zone or "UTC"
    if row is None:
        return Preferences(
            time_zone=unit_zone,
            quiet=QuietHours(defaults["quiet_start"], defaults["quiet_end"]),
            by_app=defaults["by_app"],
            by_email=defaults["by_email"],
            by_sms=defaults["by_sms"],
            reminder_cap=defaults["reminder_cap"],
            chosen=False,
        )
    quiet = (
        QuietHours(row.quiet_start, row.quiet_end)
        if row.quiet_start is not None and row.quiet_end is not None
        else None
    )
    return Preferences(
        time_zone=row.time_zone or unit_zone,
        quiet=quiet,
        by_app=row.by_app,
        by_email=row.by_email,
        by_sms=row.by_sms,
        reminder_cap=row.reminder_cap,
        chosen=True,
    )

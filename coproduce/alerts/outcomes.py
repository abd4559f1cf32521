"""What a patient is told about an alert raised on their report: plain words, no clinical
detail (the notification on closing, and the sentence on the patient's own pages)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from coproduce.alerts.models import Alert, AlertAction, AlertStatus
from coproduce.core.clock import now


def zone_of(alert: Alert) -> ZoneInfo:
    """The alert's unit's time zone (UTC when unknown)."""
    try:
        return ZoneInfo(alert.unit.time_zone or "UTC")
    except (ValueError, KeyError):
        return ZoneInfo("UTC")


def day_words(at: dt.datetime, zone: ZoneInfo) -> str:
    """'3 March'; with the year when it is not this year's."""
    local = timezone.localtime(at, zone)
    this_year = timezone.localtime(now(), zone).year
    return date_format(local, "j F" if local.year == this_year else "j F Y")


def time_words(at: dt.datetime, zone: ZoneInfo) -> str:
    """'10:42 on 3 March'."""
    local = timezone.localtime(at, zone)
    return _("%(time)s on %(day)s") % {
        "time": date_format(local, "H:i"),
        "day": day_words(at, zone),
    }


def is_missing_report(alert: Alert) -> bool:
    return (alert.rule or {}).get("kind") == "missing-report"


def alert_outcome_words(alert: Alert) -> str:
    """Where the patient's report stands with their care team, in plain words:
    "Your care team will look at this by 14:00 on 3 March.", "Your care team phoned you
    on 3 March.", "Your care team looked at this on 3 March. No change was needed: …"."""
    zone = zone_of(alert)
    if alert.status == AlertStatus.OPEN:
        return _("Your care team will look at this by %(when)s.") % {
            "when": time_words(alert.respond_by, zone)
        }
    if alert.status == AlertStatus.ACKNOWLEDGED:
        if alert.respond_by > now():
            return _("Your care team has seen this and will contact you by %(when)s.") % {
                "when": time_words(alert.respond_by, zone)
            }
        return _("Your care team has seen this and will contact you soon.")
    day = day_words(alert.closed_at or now(), zone)
    words = {
        AlertAction.PHONED: _("Your care team phoned you on %(day)s."),
        AlertAction.ADVICE: _("Your care team gave you advice on %(day)s."),
        AlertAction.TREATMENT: _("Your care team changed your treatment on %(day)s."),
        AlertAction.APPOINTMENT: _("On %(day)s your care team arranged an appointment for you."),
    }
    if alert.action == AlertAction.NO_ACTION:
        return _("Your care team looked at this on %(day)s. No change was needed: %(reason)s") % {
            "day": day,
            "reason": alert.no_action_reason,
        }
    sentence = words.get(alert.action, _("Your care team looked at this on %(day)s."))
    return sentence % {"day": day}


def closing_notification_text(alert: Alert, report_at: dt.datetime) -> str:
    """The in-app message sent when an alert is closed: what the team did, with the date
    of the report it is about, and nothing clinical."""
    if is_missing_report(alert):
        sentences = {
            AlertAction.PHONED: _(
                "Your care team noticed we had no report from you and phoned you."
            ),
            AlertAction.ADVICE: _(
                "Your care team noticed we had no report from you and gave you advice."
            ),
            AlertAction.TREATMENT: _(
                "Your care team noticed we had no report from you and changed your treatment."
            ),
            AlertAction.APPOINTMENT: _(
                "Your care team noticed we had no report from you and arranged an "
                "appointment for you."
            ),
            AlertAction.NO_ACTION: _(
                "Your care team noticed we had no report from you. No change is needed."
            ),
        }
    else:
        sentences = {
            AlertAction.PHONED: _(
                "Your care team has looked at your report from %(day)s and phoned you."
            ),
            AlertAction.ADVICE: _(
                "Your care team has looked at your report from %(day)s and gave you advice."
            ),
            AlertAction.TREATMENT: _(
                "Your care team has looked at your report from %(day)s and changed your treatment."
            ),
            AlertAction.APPOINTMENT: _(
                "Your care team has looked at your report from %(day)s and arranged an "
                "appointment for you."
            ),
            AlertAction.NO_ACTION: _(
                "Your care team has looked at your report from %(day)s. No change is needed."
            ),
        }
    sentence = sentences.get(
        alert.action, _("Your care team has looked at your report from %(day)s.")
    )
    if "%(day)s" not in sentence:
        return sentence
    return sentence % {"day": day_words(report_at, zone_of(alert))}

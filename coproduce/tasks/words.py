"""Tasks in words: who does it, how often, and where it stands today, in plain language
(never colour alone). Presentation only; nothing here reads or writes the database."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from coproduce.tasks.models import TaskFrequency, TaskOwner


def weekday_name(number: int) -> str:
    return date_format(dt.date(2024, 1, 1) + dt.timedelta(days=number), "l")


def owner_label(owner_kind: str, owner_user, *, patient_name: str = "", viewer=None) -> str:
    """'You', 'The patient', 'Sam Carer (carer)', 'Dr Lee (care team)', 'The care team'."""
    if viewer is not None and owner_user is not None and owner_user.pk == viewer.pk:
        return _("You")
    if owner_kind == TaskOwner.PATIENT:
        return patient_name or str(TaskOwner.PATIENT.label)
    if owner_kind == TaskOwner.CARER and owner_user is not None:
        return _("%(name)s (carer)") % {"name": owner_user.display_name}
    if owner_kind == TaskOwner.CLINICIAN and owner_user is not None:
        return _("%(name)s (care team)") % {"name": owner_user.display_name}
    return str(TaskOwner.TEAM.label)


def join_words(words: list[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return _("%(first)s and %(last)s") % {"first": ", ".join(words[:-1]), "last": words[-1]}


def day_words(day: dt.date) -> str:
    return date_format(day, "l j F Y")


def schedule_words(task) -> str:
    """'Once, by 3 March 2027', 'Every day', 'Every 2 weeks on Monday and Thursday',
    'Every month on day 1', with the start and end when they matter."""
    if task.frequency == TaskFrequency.ONCE:
        return _("Once, by %(date)s") % {"date": day_words(task.due_on)}
    n = task.interval
    if task.frequency == TaskFrequency.DAILY:
        said = ngettext("Every day", "Every %(n)d days", n) % {"n": n}
    elif task.frequency == TaskFrequency.WEEKLY:
        days = join_words([weekday_name(int(d)) for d in task.weekdays])
        said = ngettext("Every %(days)s", "Every %(n)d weeks on %(days)s", n) % {
            "n": n,
            "days": days,
        }
    else:
        said = ngettext("Every month on day %(day)d", "Every %(n)d months on day %(day)d", n) % {
            "n": n,
            "day": task.month_day,
        }
    if task.ends_on:
        return _("%(said)s, from %(start)s to %(end)s") % {
            "said": said,
            "start": date_format(task.starts_on, "j F Y"),
            "end": date_format(task.ends_on, "j F Y"),
        }
    return _("%(said)s, from %(start)s") % {
        "said": said,
        "start": date_format(task.starts_on, "j F Y"),
    }


def when_words(day: dt.date, today: dt.date) -> str:
    """'today', 'yesterday', 'tomorrow', or 'on Monday 30 November 2026'."""
    if day == today:
        return _("today")
    if day == today - dt.timedelta(days=1):
        return _("yesterday")
    if day == today + dt.timedelta(days=1):
        return _("tomorrow")
    return _("on %(date)s") % {"date": day_words(day)}


def not_done_words(day: dt.date, today: dt.date) -> str:
    """'Due yesterday, not done yet'."""
    return _("Due %(when)s, not done yet") % {"when": when_words(day, today)}


def due_words(day: dt.date, today: dt.date) -> str:
    """'Due today', 'Due tomorrow', 'Due on Friday 11 December 2026'."""
    return _("Due %(when)s") % {"when": when_words(day, today)}


def local_day(at: dt.datetime, patient) -> dt.date:
    """The patient's date (home unit's time zone) at `at`."""
    return timezone.localtime(at, ZoneInfo(patient.home_unit.time_zone)).date()


def done_words(done_at: dt.datetime, today: dt.date, patient) -> str:
    """'Done today', 'Done yesterday', 'Done on Monday 30 November 2026'."""
    return _("Done %(when)s") % {"when": when_words(local_day(done_at, patient), today)}


def done_today_words() -> str:
    return _("Done today")


def next_words(day: dt.date, today: dt.date) -> str:
    """'Next due tomorrow', 'Next due on Friday 11 December 2026'."""
    return _("Next due %(when)s") % {"when": when_words(day, today)}


def ended_words() -> str:
    return _("Finished: no more dates")


def closed_words(task) -> str:
    reason = task.get_close_reason_display()
    return _("Closed: %(reason)s") % {"reason": str(reason).lower()}

"""Forms for reminder preferences and "remind me later". Forms check the shape of input;
the rules live in the services, whose errors are shown next to the field they name."""

from __future__ import annotations

import zoneinfo
from functools import cache

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from coproduce.patients.forms import AccessibleForm
from coproduce.reporting.models import MAX_REMINDER_CAP
from coproduce.reporting.services import SNOOZE_HOURS

CHANNEL_CHOICES = [
    ("app", _("In the app (on your Messages page)")),
    ("email", _("By e-mail")),
    ("sms", _("By text message")),
]


@cache
def time_zone_choices() -> list[tuple[str, str]]:
    """IANA zones by region ("Europe/London"), plus UTC; no legacy aliases."""
    names = sorted(
        name
        for name in zoneinfo.available_timezones()
        if "/" in name and name.split("/")[0] not in {"Etc", "SystemV", "US", "posix", "right"}
    )
    return [("UTC", "UTC"), *((name, name.replace("_", " ")) for name in names)]


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%H:%M")


class PreferencesForm(AccessibleForm):
    time_zone = forms.ChoiceField(
        label=_("Your time zone"),
        help_text=_("We send reminders by the clock where you live."),
        error_messages={"invalid_choice": _("Choose a time zone from the list.")},
    )
    quiet_start = forms.TimeField(
        label=_("Quiet from"),
        required=False,
        widget=TimeInput(),
        error_messages={"invalid": _("Enter a time such as 21:00.")},
    )
    quiet_end = forms.TimeField(
        label=_("Quiet until"),
        required=False,
        widget=TimeInput(),
        help_text=_("We send no reminders between these times. Leave both empty for none."),
        error_messages={"invalid": _("Enter a time such as 08:00.")},
    )
    channels = forms.MultipleChoiceField(
        label=_("How should we remind you?"),
        choices=CHANNEL_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Choose none if you do not want reminders."),
    )
    reminder_cap = forms.TypedChoiceField(
        label=_("Most reminders for each questionnaire"),
        coerce=int,
        choices=[
            (
                n,
                _("No reminders")
                if n == 0
                else ngettext_lazy("%(n)d reminder", "%(n)d reminders", n) % {"n": n},
            )
            for n in range(MAX_REMINDER_CAP + 1)
        ],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].choices = time_zone_choices()


class SnoozeForm(forms.Form):
    hours = forms.TypedChoiceField(coerce=int, choices=[(h, str(h)) for h in SNOOZE_HOURS])

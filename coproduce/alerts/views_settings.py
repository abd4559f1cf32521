"""Pages for a unit lead: the units they lead, and each unit's alert settings (office hours,
holidays, phone numbers for patients, next responder)."""

from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from coproduce.accounts.decorators import role_required
from coproduce.accounts.models import Role
from coproduce.alerts import unit_settings
from coproduce.patients.forms import AccessibleForm, add_service_errors
from coproduce.reporting.forms import TimeInput

WEEKDAY_CHOICES = [
    (1, gettext_lazy("Monday")),
    (2, gettext_lazy("Tuesday")),
    (3, gettext_lazy("Wednesday")),
    (4, gettext_lazy("Thursday")),
    (5, gettext_lazy("Friday")),
    (6, gettext_lazy("Saturday")),
    (7, gettext_lazy("Sunday")),
]
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse_holidays(text: str) -> tuple[list[dt.date], list[str]]:
    """Dates from a textarea, one per line (YYYY-MM-DD); blank lines are skipped. Returns
    the dates and one message per bad line, naming the line."""
    dates: list[dt.date] = []
    problems: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        try:
            if not ISO_DATE.fullmatch(line):
                raise ValueError(line)
            dates.append(dt.date.fromisoformat(line))
        except ValueError:
            problems.append(
                _(
                    "Line %(line)d: “%(text)s” is not a date. "
                    "Write it as YYYY-MM-DD, for example 2026-12-25."
                )
                % {"line": number, "text": line[:40]}
            )
    return dates, problems


class UnitAlertSettingsForm(AccessibleForm):
    office_opens = forms.TimeField(
        label=gettext_lazy("Office opens at"),
        widget=TimeInput(),
        error_messages={
            "required": gettext_lazy("Enter the time the office opens, such as 08:00."),
            "invalid": gettext_lazy("Enter a time such as 08:00."),
        },
    )
    office_closes = forms.TimeField(
        label=gettext_lazy("Office closes at"),
        widget=TimeInput(),
        error_messages={
            "required": gettext_lazy("Enter the time the office closes, such as 18:00."),
            "invalid": gettext_lazy("Enter a time such as 18:00."),
        },
    )
    office_days = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Days the office is open"),
        choices=WEEKDAY_CHOICES,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": gettext_lazy("Choose at least one day the office is open.")},
    )
    holidays = forms.CharField(
        label=gettext_lazy("Days the office is closed (holidays)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "cols": 20}),
        help_text=gettext_lazy("One date a line, as YYYY-MM-DD, for example 2026-12-25."),
    )
    phone = forms.CharField(
        label=gettext_lazy("Unit phone number"),
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
        help_text=gettext_lazy("Patients are told to call this number in office hours."),
    )
    out_of_hours_phone = forms.CharField(
        label=gettext_lazy("Out-of-hours phone number"),
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
        help_text=gettext_lazy("Patients are told to call this number when the office is closed."),
    )
    next_responder = forms.ModelChoiceField(
        label=gettext_lazy("Next responder"),
        queryset=None,
        required=False,
        empty_label=gettext_lazy("Nobody named"),
        help_text=gettext_lazy(
            "Gets an alert that nobody acknowledged in time. If nobody is named, the "
            "patient's clinicians in this unit get it. If it is still not acknowledged after "
            "another response time, it goes to you, the unit lead."
        ),
        error_messages={
            "invalid_choice": gettext_lazy("Choose a clinician who works in this unit now.")
        },
    )

    def __init__(self, *args, unit, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["next_responder"]
        field.queryset = unit_settings.responder_choices(unit)
        field.label_from_instance = responder_label

    def clean_holidays(self) -> list[dt.date]:
        dates, problems = parse_holidays(self.cleaned_data.get("holidays", ""))
        if problems:
            raise ValidationError(problems)
        return dates

    def _clean_phone(self, name: str) -> str:
        number = self.cleaned_data.get(name, "").strip()
        problem = unit_settings.phone_problem(number)
        if problem:
            raise ValidationError(problem)
        return number

    def clean_phone(self) -> str:
        return self._clean_phone("phone")

    def clean_out_of_hours_phone(self) -> str:
        return self._clean_phone("out_of_hours_phone")

    def clean(self) -> dict:
        data = super().clean()
        opens, closes = data.get("office_opens"), data.get("office_closes")
        if opens is not None and closes is not None and opens >= closes:
            self.add_error("office_closes", _("The office must close later than it opens."))
        return data


def responder_label(user) -> str:
    if user.profession:
        return f"{user.display_name} ({user.get_profession_display()})"
    return user.display_name


def initial_of(current: unit_settings.UnitAlertSettingsView) -> dict:
    return {
        "office_opens": current.office_opens,
        "office_closes": current.office_closes,
        "office_days": list(current.office_days),
        "holidays": "\n".join(d.isoformat() for d in current.holidays),
        "phone": current.phone,
        "out_of_hours_phone": current.out_of_hours_phone,
        "next_responder": current.next_responder.pk if current.next_responder else None,
    }


@role_required(Role.CLINICIAN)
@require_GET
def unit_settings_list(request: HttpRequest) -> HttpResponse:
    """The units the clinician leads, each with a link to its alert settings."""
    units = list(unit_settings.units_led_by(request.user))
    return render(request, "alerts/unit_settings_list.html", {"units": units})


@role_required(Role.CLINICIAN)
@require_http_methods(["GET", "POST"])
def unit_settings_edit(request: HttpRequest, unit_id: int) -> HttpResponse:
    """A unit's alert settings, for its lead."""
    unit = unit_settings.unit_led_by(request.user, unit_id)
    current = unit_settings.unit_alert_settings_of(unit)
    form = UnitAlertSettingsForm(request.POST or None, unit=unit, initial=initial_of(current))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            unit_settings.unit_alert_settings_update(
                actor=request.user,
                unit=unit,
                office_opens=data["office_opens"],
                office_closes=data["office_closes"],
                office_days=data["office_days"],
                holidays=data["holidays"],
                phone=data["phone"],
                out_of_hours_phone=data["out_of_hours_phone"],
                next_responder=data["next_responder"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("The alert settings of %(unit)s are saved.") % {"unit": unit.name}
            )
            return redirect(reverse("alerts:unit_settings", kwargs={"unit_id": unit.pk}))
    return render(
        request,
        "alerts/unit_settings.html",
        {"unit": unit, "form": form, "list_url": reverse("alerts:unit_settings_list")},
    )

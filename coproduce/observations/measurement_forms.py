"""Forms for home measurements and the self-dialysis log. Forms turn typed text into numbers
with units; the plausibility rules are the services' (measurements.py, dialysis.py), whose
errors are shown next to the field they name."""

from __future__ import annotations

import math
import secrets

from django import forms
from django.utils.translation import gettext_lazy as _

from coproduce.observations import dialysis
from coproduce.observations.forms import DATETIME_LOCAL, DateTimeLocalInput
from coproduce.observations.measurements import (
    Entered,
    MeasurementKind,
    unit_label,
)
from coproduce.observations.units import stones_from_stones_and_pounds
from coproduce.patients.forms import AccessibleForm

NOT_A_NUMBER = _("Enter a number, for example 80 or 37.5.")
DATETIME_FORMATS = [DATETIME_LOCAL, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]


def number_input(**attrs) -> forms.TextInput:
    # type=text with inputmode=decimal: a phone shows the number keypad, and a comma typed
    # as the decimal mark is accepted (type=number silently drops it in some browsers).
    return forms.TextInput({"inputmode": "decimal", "autocomplete": "off", **attrs})


def parse_number(raw: str | None) -> float | None:
    """'72,5' → 72.5; '' → None; ValidationError for anything else."""
    raw = (raw or "").strip().replace(",", ".")
    if not raw:
        return None
    try:
        number = float(raw)
    except ValueError:
        raise forms.ValidationError(NOT_A_NUMBER) from None
    if not math.isfinite(number):
        raise forms.ValidationError(NOT_A_NUMBER)
    return number


def stream_choices(streams: list[str], patient_name: str, role: str) -> list[tuple[str, str]]:
    labels = {
        "patient": (
            _("%(name)s’s own reading (you are typing it in for them)")
            if role != "patient"
            else _("My reading")
        ),
        "carer": _("My own observation, as %(name)s’s carer"),
    }
    return [(stream, str(labels[stream]) % {"name": patient_name}) for stream in streams]


class StreamMixin:
    """Adds the choice of stream (whose report this is) when there is more than one."""

    def add_stream_field(self, streams: list[str], patient_name: str, role: str) -> None:
        self.streams = streams
        self.stream_note = ""
        if len(streams) == 1 and role != "patient":
            # One stream only: say which, so a carer knows whose reading they are saving.
            notes = {
                "patient": _(
                    "This is saved as %(name)s’s own reading, with your name as the person "
                    "who typed it in."
                ),
                "carer": _(
                    "This is saved as your own observation, kept apart from %(name)s’s "
                    "own readings."
                ),
            }
            self.stream_note = str(notes[streams[0]]) % {"name": patient_name}
        if len(streams) > 1:
            self.fields["stream"] = forms.ChoiceField(
                label=_("Whose reading is this?"),
                choices=stream_choices(streams, patient_name, role),
                widget=forms.RadioSelect,
                initial=streams[0],
            )

    @property
    def stream_field(self):
        return self["stream"] if "stream" in self.fields else None

    def chosen_stream(self) -> str:
        return self.cleaned_data.get("stream") or self.streams[0]


class MeasurementForm(StreamMixin, AccessibleForm):
    kind = forms.CharField(widget=forms.HiddenInput)
    effective_at = forms.DateTimeField(
        label=_("When did you take it?"),
        input_formats=DATETIME_FORMATS,
        widget=DateTimeLocalInput(),
        error_messages={"invalid": _("Enter a date and time, for example 21/11/2026 08:30.")},
    )

    def __init__(
        self,
        *args,
        measurement: MeasurementKind,
        streams: list[str],
        preferences: dict[str, str],
        patient_name: str,
        role: str,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.measurement = measurement
        self.fields["kind"].initial = measurement.slug
        self.parts = []
        for part in measurement.parts:
            self.fields[part.name] = forms.CharField(
                label=part.label, required=part.required, max_length=20, widget=number_input()
            )
            unit_field = pounds_field = None
            if len(part.units) > 1:
                unit_field = f"{part.name}_unit"
                preferred = preferences.get(part.code)
                self.fields[unit_field] = forms.ChoiceField(
                    label=_("Unit for %(what)s") % {"what": str(part.label).lower()},
                    choices=[(unit, unit_label(unit)) for unit in part.units],
                    initial=preferred if preferred in part.units else part.units[0],
                )
            else:
                self.fields[part.name].help_text = _("In %(unit)s.") % {
                    "unit": unit_label(part.units[0])
                }
            if "[stone_av]" in part.units:
                pounds_field = f"{part.name}_pounds"
                self.fields[pounds_field] = forms.CharField(
                    label=_("Pounds"),
                    required=False,
                    max_length=20,
                    widget=number_input(),
                    help_text=_(
                        "Only for stones and pounds: type the stones above and the pounds here."
                    ),
                )
            self.parts.append((part, unit_field, pounds_field))
        self.add_stream_field(streams, patient_name, role)
        self.order_fields(["stream"])

    def part_rows(self):
        """(number field, unit field or None, pounds field or None) for the template."""
        return [
            (self[part.name], self[unit] if unit else None, self[pounds] if pounds else None)
            for part, unit, pounds in self.parts
        ]

    def clean(self):
        cleaned = super().clean()
        values: dict[str, Entered | None] = {}
        for part, unit_field, pounds_field in self.parts:
            if part.name in self.errors:
                continue
            try:
                number = parse_number(cleaned.get(part.name))
            except forms.ValidationError as error:
                self.add_error(part.name, error)
                continue
            unit = cleaned.get(unit_field) if unit_field else part.units[0]
            if unit_field and not unit:
                continue
            if number is not None and unit == "[stone_av]":
                try:
                    pounds = parse_number(cleaned.get(pounds_field)) or 0.0
                except forms.ValidationError as error:
                    self.add_error(pounds_field, error)
                    continue
                if not 0 <= pounds < 14:
                    self.add_error(pounds_field, _("Pounds must be between 0 and 13."))
                    continue
                number = stones_from_stones_and_pounds(number, pounds)
            values[part.name] = Entered(number, unit) if number is not None else None
        cleaned["values"] = values
        return cleaned


class DialysisSessionForm(StreamMixin, AccessibleForm):
    submission_key = forms.CharField(widget=forms.HiddenInput, max_length=64)
    started_at = forms.DateTimeField(
        label=_("When did the session start?"),
        input_formats=DATETIME_FORMATS,
        widget=DateTimeLocalInput(),
        error_messages={"invalid": _("Enter a date and time, for example 21/11/2026 08:30.")},
    )
    duration_hours = forms.CharField(label=_("Hours"), max_length=5, widget=number_input())
    duration_minutes = forms.CharField(
        label=_("Minutes"), max_length=5, required=False, widget=number_input()
    )
    weight_unit = forms.ChoiceField(
        label=_("Unit for both weights"), choices=[("kg", "kg"), ("[lb_av]", "lb")]
    )
    weight_before = forms.CharField(label=_("Weight before"), max_length=20, widget=number_input())
    weight_after = forms.CharField(label=_("Weight after"), max_length=20, widget=number_input())
    systolic_before = forms.CharField(
        label=_("Top number (systolic)"), max_length=20, required=False, widget=number_input()
    )
    diastolic_before = forms.CharField(
        label=_("Bottom number (diastolic)"), max_length=20, required=False, widget=number_input()
    )
    systolic_after = forms.CharField(
        label=_("Top number (systolic)"), max_length=20, required=False, widget=number_input()
    )
    diastolic_after = forms.CharField(
        label=_("Bottom number (diastolic)"), max_length=20, required=False, widget=number_input()
    )
    ultrafiltration = forms.CharField(
        label=_("Fluid removed (ultrafiltration)"),
        max_length=20,
        widget=number_input(),
        help_text=_("The amount the machine shows as removed (UF volume)."),
    )
    ultrafiltration_unit = forms.ChoiceField(
        label=_("Unit"), choices=[("mL", _("mL")), ("L", _("L"))]
    )
    problems = forms.MultipleChoiceField(
        label=_("Did anything go wrong?"),
        required=False,
        choices=dialysis.PROBLEMS,
        widget=forms.CheckboxSelectMultiple,
    )
    problem_note = forms.CharField(
        label=_("Tell us more"),
        required=False,
        max_length=1000,
        widget=forms.Textarea({"rows": 3}),
        help_text=_("What happened, and what you did. Leave empty if all went well."),
    )

    NUMBERS = (
        "duration_hours",
        "duration_minutes",
        "weight_before",
        "weight_after",
        "systolic_before",
        "diastolic_before",
        "systolic_after",
        "diastolic_after",
        "ultrafiltration",
    )

    def __init__(
        self,
        *args,
        streams: list[str],
        preferences: dict[str, str],
        patient_name: str,
        role: str,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.fields["submission_key"].initial = secrets.token_urlsafe(24)
        weight_unit = preferences.get(dialysis.WEIGHT_BEFORE)
        if weight_unit in ("kg", "[lb_av]"):
            self.fields["weight_unit"].initial = weight_unit
        if preferences.get(dialysis.ULTRAFILTRATION) in ("mL", "L"):
            self.fields["ultrafiltration_unit"].initial = preferences[dialysis.ULTRAFILTRATION]
        self.add_stream_field(streams, patient_name, role)
        self.order_fields(["stream"])

    def clean(self):
        cleaned = super().clean()
        numbers: dict[str, float | None] = {}
        for name in self.NUMBERS:
            if name in self.errors:
                continue
            try:
                numbers[name] = parse_number(cleaned.get(name))
            except forms.ValidationError as error:
                self.add_error(name, error)
        if self.errors or "started_at" not in cleaned:
            return cleaned
        hours, minutes = numbers["duration_hours"], numbers["duration_minutes"] or 0
        weight_unit = cleaned["weight_unit"]
        uf_unit = cleaned["ultrafiltration_unit"]
        cleaned["entry"] = dialysis.DialysisEntry(
            started_at=cleaned["started_at"],
            duration_minutes=hours * 60 + minutes if hours is not None else None,
            weight_before=entered(numbers["weight_before"], weight_unit),
            weight_after=entered(numbers["weight_after"], weight_unit),
            ultrafiltration=entered(numbers["ultrafiltration"], uf_unit),
            systolic_before=numbers["systolic_before"],
            diastolic_before=numbers["diastolic_before"],
            systolic_after=numbers["systolic_after"],
            diastolic_after=numbers["diastolic_after"],
            problems=tuple(cleaned.get("problems") or ()),
            problem_note=cleaned.get("problem_note", ""),
        )
        return cleaned


def entered(number: float | None, unit: str) -> Entered | None:
    return Entered(number, unit) if number is not None else None


# Service errors name the service's fields; these are the form's.
DIALYSIS_FIELD_FOR = {"duration": "duration_hours", "submission_key": None}

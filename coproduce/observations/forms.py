"""Forms for recording and correcting observations. The plausibility rules are the
catalogue's, applied by the services; forms only turn text into the right kind of value."""

from __future__ import annotations

import math

from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from coproduce.observations.catalogue import ImplausibleValue, code_info
from coproduce.observations.models import ObservationSource
from coproduce.observations.views.display import code_choices
from coproduce.patients.forms import AccessibleForm

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format=DATETIME_LOCAL)


def value_kwargs(kind: str, raw: str) -> dict[str, object]:
    """The service keyword for a typed value: quantity, coded or text."""
    raw = raw.strip()
    if kind == "quantity":
        try:
            number = float(raw.replace(",", "."))
        except ValueError:
            raise forms.ValidationError(_("Enter a number, for example 120 or 37.5.")) from None
        if not math.isfinite(number):
            raise forms.ValidationError(_("Enter a number, for example 120 or 37.5."))
        return {"quantity": number}
    if kind == "coded":
        return {"coded": raw}
    return {"text": raw}


class ObservationForm(AccessibleForm):
    code = forms.ChoiceField(label=_("What was measured"))
    value = forms.CharField(
        label=_("Value"),
        max_length=5000,
        # The unit and the possible values (observations/code_help.html) describe the value.
        widget=forms.TextInput(
            {"autocomplete": "off", "aria-describedby": "code-help id_value_error"}
        ),
    )
    effective_at = forms.DateTimeField(
        label=_("When it was measured"),
        input_formats=[DATETIME_LOCAL, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        widget=DateTimeLocalInput(),
    )
    source = forms.ChoiceField(
        label=_("Where the value comes from"),
        choices=[
            (ObservationSource.CLINICIAN, ObservationSource.CLINICIAN.label),
            (ObservationSource.LAB, ObservationSource.LAB.label),
            (ObservationSource.DEVICE, ObservationSource.DEVICE.label),
        ],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].choices = [("", _("Choose…")), *code_choices()]
        # Progressive enhancement: show the unit and allowed values when the code changes.
        self.fields["code"].widget.attrs.update(
            {
                "hx-get": reverse_lazy("observations:code_help"),
                "hx-target": "#code-help",
                "hx-trigger": "change",
                "aria-controls": "code-help",
            }
        )

    def clean(self):
        cleaned = super().clean()
        code, raw = cleaned.get("code"), cleaned.get("value")
        if code and raw is not None:
            try:
                kind = code_info(code).kind
            except ImplausibleValue as error:
                self.add_error("code", str(error))
                return cleaned
            try:
                cleaned["value_kwargs"] = value_kwargs(kind, raw)
            except forms.ValidationError as error:
                self.add_error("value", error)
        return cleaned


class ObservationCorrectForm(AccessibleForm):
    value = forms.CharField(
        label=_("Correct value"),
        max_length=5000,
        widget=forms.TextInput({"autocomplete": "off"}),
    )
    reason = forms.CharField(
        label=_("Why is it being corrected?"),
        max_length=500,
        widget=forms.Textarea({"rows": 2}),
        help_text=_("For example: a typing error, or the wrong unit."),
    )

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind

    def clean(self):
        cleaned = super().clean()
        raw = cleaned.get("value")
        if raw is not None:
            try:
                cleaned["value_kwargs"] = value_kwargs(self.kind, raw)
            except forms.ValidationError as error:
                self.add_error("value", error)
        return cleaned


class ObservationErrorForm(AccessibleForm):
    reason = forms.CharField(
        label=_("Why should this value be removed?"),
        max_length=500,
        widget=forms.Textarea({"rows": 2}),
        help_text=_("For example: recorded for the wrong patient."),
    )

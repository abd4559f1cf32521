"""The annotation form of the measure page. The service checks the rules (date not in the
future, text length, who may annotate where); the form only parses."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from coproduce.measures.annotations import TEXT_MAX
from coproduce.patients.forms import DateInput

THIS_MEASURE, ALL_MEASURES = "this", "all"
NETWORK = "network"


class AnnotationForm(forms.Form):
    scope = forms.ChoiceField(
        label=_("Applies to"),
        choices=[(THIS_MEASURE, _("This measure")), (ALL_MEASURES, _("All measures"))],
        initial=THIS_MEASURE,
    )
    where = forms.ChoiceField(label=_("Where the change was made"))
    on_date = forms.DateField(
        label=_("Date of the change"),
        widget=DateInput,
        error_messages={
            "invalid": _("Enter a real date, for example 2026-03-01."),
            "required": _("Enter the date of the change, for example 2026-03-01."),
        },
    )
    text = forms.CharField(
        label=_("What changed"),
        max_length=TEXT_MAX,
        error_messages={
            "required": _("Say what changed, for example “Coproduction dashboards introduced”.")
        },
        help_text=_("For example “Coproduction dashboards introduced”. Name no patient."),
        widget=forms.TextInput(attrs={"maxlength": TEXT_MAX}),
    )

    def __init__(self, *args, places: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["where"].choices = places

    def mark_errors(self) -> None:
        """Tie each field to its error and help text (call after adding service errors)."""
        for name, field in self.fields.items():
            described = []
            if self.errors.get(name):
                described.append(f"id_{name}_error")
            if field.help_text:
                described.append(f"id_{name}_helptext")
            if described:
                field.widget.attrs["aria-describedby"] = " ".join(described)
            if self.errors.get(name):
                field.widget.attrs["aria-invalid"] = "true"

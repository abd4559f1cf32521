"""The extract form: it parses the shape of input; the rules (and the permission) are in
services.registry_extract_request, whose errors show next to the fields they name."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from coproduce.extracts.models import ExtractPurpose
from coproduce.extracts.services import MONTH, REASON_LIMIT
from coproduce.patients.forms import AccessibleForm


class MonthInput(forms.TextInput):
    """A month picker where the browser has one; elsewhere a text box taking 2026-03."""

    input_type = "month"


class ExtractForm(AccessibleForm):
    purpose = forms.ChoiceField(
        label=_("What is the extract for?"),
        choices=ExtractPurpose.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "Quality improvement includes every patient who has not opted out of the "
            "registry. Research includes only patients who opted in to research."
        ),
        error_messages={
            "required": _("Choose what the extract is for."),
            "invalid_choice": _("Choose what the extract is for."),
        },
    )
    programmes = forms.MultipleChoiceField(
        label=_("Programmes"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Choose at least one programme."),
            "invalid_choice": _("Choose programmes from the list."),
        },
    )
    units = forms.MultipleChoiceField(
        label=_("Units"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Choose at least one unit."),
            "invalid_choice": _("Choose units from the list."),
        },
    )
    first_month = forms.CharField(
        label=_("First month"),
        widget=MonthInput,
        help_text=_("Year and month, for example 2026-01."),
        error_messages={"required": _("Enter the first month, for example 2026-01.")},
    )
    last_month = forms.CharField(
        label=_("Last month"),
        widget=MonthInput,
        help_text=_("Year and month, for example 2026-06."),
        error_messages={"required": _("Enter the last month, for example 2026-06.")},
    )
    include_equity = forms.BooleanField(
        label=_("Include ethnicity, deprivation quintile and preferred language"),
        required=False,
        help_text=_("Only for quality improvement, to look for gaps between groups."),
    )
    reason = forms.CharField(
        label=_("Why do you need this extract?"),
        max_length=REASON_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "This is kept in the audit record with the extract. Do not name patients here."
        ),
        error_messages={
            "required": _("Say why you need this extract, for the audit record."),
            "max_length": _("Keep the reason under 1,000 characters."),
        },
    )

    def clean(self):
        data = super().clean()
        first, last = data.get("first_month", ""), data.get("last_month", "")
        for name, value in (("first_month", first), ("last_month", last)):
            if value and not MONTH.match(value.strip()):
                self.add_error(name, _("Enter a month as year and month, like 2026-03."))
        if MONTH.match(first or "") and MONTH.match(last or "") and last < first:
            self.add_error(
                "last_month", _("The last month must be the same as or after the first month.")
            )
        return data

    def __init__(self, *args, programmes=(), units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programmes"].choices = [(p.code, p.title) for p in programmes]
        self.fields["units"].choices = [(str(u.pk), u.name) for u in units]

"""Forms for patient records. Forms parse and check the shape of input; the rules live in
the services, whose ValidationErrors are shown next to the field they name."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from coproduce.core.clock import today
from coproduce.patients.models import ContactPreference, Sex


class AccessibleForm(forms.Form):
    """Base form for our pages. Django 5.2 already ties each field's help text and errors to
    its input (aria-describedby `<id>_helptext` / `<id>_error`, the ids form_field.html
    renders) and sets aria-invalid, so a screen reader reads the error with the field."""


def add_service_errors(
    form: forms.Form, error: ValidationError, field_map: dict[str, str | None] | None = None
) -> None:
    """Show a service's ValidationError next to the fields it names (or above the form)."""
    field_map = field_map or {}
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for name, messages in error.message_dict.items():
        target = field_map.get(name, name)
        form.add_error(target if target in form.fields else None, messages)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


DEPRIVATION_CHOICES = [
    ("", _("Not recorded")),
    ("1", _("1 — most deprived")),
    ("2", "2"),
    ("3", "3"),
    ("4", "4"),
    ("5", _("5 — least deprived")),
]


class PatientSearchForm(AccessibleForm):
    q = forms.CharField(
        label=_("Search by name or identifier"),
        required=False,
        max_length=100,
        help_text=_("Type the start of a name, or a full local or national identifier."),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )


class PatientCreateForm(AccessibleForm):
    local_id = forms.CharField(label=_("Local identifier"), max_length=40)
    national_id = forms.CharField(label=_("National identifier"), max_length=40, required=False)
    given_name = forms.CharField(
        label=_("Given name"), max_length=100, widget=forms.TextInput({"autocomplete": "off"})
    )
    family_name = forms.CharField(
        label=_("Family name"), max_length=100, widget=forms.TextInput({"autocomplete": "off"})
    )
    birth_date = forms.DateField(label=_("Date of birth"), widget=DateInput())
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices)
    preferred_language = forms.ChoiceField(
        label=_("Preferred language"), choices=settings.LANGUAGES, initial="en"
    )
    contact_preference = forms.ChoiceField(
        label=_("How the patient wants to be contacted between visits"),
        choices=ContactPreference.choices,
        initial=ContactPreference.APP,
    )
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(
        label=_("Phone"), max_length=30, required=False, widget=forms.TextInput({"type": "tel"})
    )
    ethnicity = forms.CharField(
        label=_("Ethnicity"),
        max_length=60,
        required=False,
        help_text=_("As the patient describes it. Used only for equity reports."),
    )
    deprivation_quintile = forms.TypedChoiceField(
        label=_("Deprivation quintile"),
        choices=DEPRIVATION_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("From the home postcode. Used only for equity reports."),
    )
    home_unit = forms.ModelChoiceField(label=_("Home unit"), queryset=None, empty_label=None)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["home_unit"].queryset = units


class EnrolmentStartForm(AccessibleForm):
    programme = forms.ModelChoiceField(
        label=_("Care programme"), queryset=None, empty_label=_("Choose…")
    )
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=None, empty_label=None)
    started_on = forms.DateField(label=_("Start date"), widget=DateInput())

    def __init__(self, *args, programmes, units, **kwargs):
        kwargs.setdefault("initial", {"started_on": today()})
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes
        self.fields["unit"].queryset = units


class EnrolmentEndForm(AccessibleForm):
    ended_on = forms.DateField(label=_("End date"), widget=DateInput())

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"ended_on": today()})
        super().__init__(*args, **kwargs)


class ClinicianChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        profession = obj.get_profession_display()
        return f"{obj.display_name} ({profession})" if profession else obj.display_name


class CareTeamAddForm(AccessibleForm):
    user = ClinicianChoiceField(label=_("Clinician"), queryset=None)
    is_lead = forms.BooleanField(label=_("Lead clinician for this patient"), required=False)

    def __init__(self, *args, clinicians, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = clinicians

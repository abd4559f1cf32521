"""Forms for carer access and consent choices."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from coproduce.access.models import ConsentKind, Relationship
from coproduce.patients.forms import AccessibleForm, DateInput

# What each permission lets a carer do, in plain words for the patient.
SCOPE_CHOICES = [
    ("view_reports", _("See my reports and results")),
    ("report_for_patient", _("Fill in reports for me")),
    ("report_own", _("Tell my care team what they notice about me (their own reports)")),
    ("care_plan", _("See my care plan and help with it")),
]
# The same permissions in the words a clinician uses about a child.
SCOPE_CHOICES_FOR_CHILD = [
    ("view_reports", _("See the child's reports and results")),
    ("report_for_patient", _("Fill in reports for the child")),
    ("report_own", _("Report what they notice about the child (their own reports)")),
    ("care_plan", _("See the care plan and help with it")),
]


class CarerGrantForm(AccessibleForm):
    carer = forms.CharField(
        label=_("Carer's username or e-mail"),
        max_length=254,
        help_text=_("Your carer needs their own Coproduce account first."),
        widget=forms.TextInput({"autocomplete": "off"}),
    )
    relationship = forms.ChoiceField(
        label=_("How is this person related to you?"),
        choices=[("", _("Choose…")), *Relationship.choices],
    )
    scopes = forms.MultipleChoiceField(
        label=_("What may they do?"),
        choices=SCOPE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        initial=["view_reports"],
        error_messages={"required": _("Choose at least one thing the carer may do.")},
    )
    valid_until = forms.DateField(
        label=_("Last day of access"),
        required=False,
        widget=DateInput(),
        help_text=_("Leave empty to keep access until it is ended."),
    )

    def __init__(self, *args, for_child: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if for_child:
            self.fields["relationship"].label = _("How is this person related to the child?")
            self.fields["scopes"].choices = SCOPE_CHOICES_FOR_CHILD
            self.fields["carer"].help_text = _("The carer needs their own Coproduce account first.")


class ConsentChangeForm(AccessibleForm):
    kind = forms.ChoiceField(choices=ConsentKind.choices, widget=forms.HiddenInput)
    given = forms.TypedChoiceField(
        choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda value: value == "yes",
        widget=forms.HiddenInput,
    )

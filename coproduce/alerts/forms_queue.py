"""Forms of the alert queue pages. They parse input only; the rules (an action is needed,
"no action" needs a reason) live in `handling.py`, whose errors are shown by the field."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from coproduce.alerts.handling import NOTE_MAX_LENGTH
from coproduce.alerts.models import AlertAction
from coproduce.patients.forms import AccessibleForm

STATUS_CHOICES = [
    ("active", _("Open and acknowledged")),
    ("closed", _("Closed")),
]


class QueueFilterForm(AccessibleForm):
    """Which of the clinician's units, and open or closed alerts."""

    unit = forms.TypedChoiceField(
        label=_("Unit"), required=False, coerce=int, empty_value=None, choices=()
    )
    status = forms.ChoiceField(
        label=_("Show"), required=False, choices=STATUS_CHOICES, initial="active"
    )

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", _("All my units and patients"))] + [
            (unit.pk, unit.name) for unit in units
        ]


class AcknowledgeForm(AccessibleForm):
    note = forms.CharField(
        label=_("Note for the team"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For example: when you will phone. The patient does not see this."),
    )


class CloseForm(AccessibleForm):
    """What was done. Every field is optional here: the service says what is missing."""

    action = forms.ChoiceField(
        label=_("What did you do?"),
        required=False,
        choices=AlertAction.choices,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Choose what you did.")},
    )
    note = forms.CharField(
        label=_("Note for the team"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What you did or agreed. The patient does not see this."),
    )
    no_action_reason = forms.CharField(
        label=_("Why is no action needed?"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Needed when you choose “No action needed”. The patient sees this reason."),
    )

"""Forms for shared decisions. They parse input into the shape the services take; the rules
(what may be chosen, how many priorities, dates) live in `services`. The ranked list of
what matters most is read from the repeated `priority` inputs, in page order."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from coproduce.decisions.models import ReviewOutcome
from coproduce.decisions.services import (
    OPTION_TEXT_MAX,
    OPTION_TITLE_MAX,
    QUESTION_MAX,
    REASONS_MAX,
)
from coproduce.patients.forms import AccessibleForm, DateInput

OWN_OPTION_SLOTS = 2
NOT_YET = ""


class DecisionForm(AccessibleForm):
    """Everything that can change after the decision is first recorded. `priorities`
    carries only the errors of the ranked list, which the page renders itself."""

    priorities = forms.CharField(label=_("What matters most to the patient"), required=False)
    participants = forms.MultipleChoiceField(
        label=_("Who took part"), required=False, widget=forms.CheckboxSelectMultiple
    )
    choice = forms.ChoiceField(label=_("What was chosen"), required=False, widget=forms.RadioSelect)
    reasons = forms.CharField(
        label=_("The reasons, in the patient's words"),
        required=False,
        max_length=REASONS_MAX,
        widget=forms.Textarea({"rows": 4}),
    )
    review_on = forms.DateField(
        label=_("When to look again at whether it is working"),
        required=False,
        widget=DateInput,
    )

    def __init__(self, *args, participants, options, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participants"].choices = [(str(u.pk), label) for u, label in participants]
        self.fields["choice"].choices = [
            *((key, title) for key, title in options),
            (NOT_YET, _("Not yet decided")),
        ]


class DecisionCreateForm(DecisionForm):
    """A new decision: the question (from an option set, or written) and options written
    for the occasion, besides what `DecisionForm` holds."""

    option_set = forms.CharField(required=False, widget=forms.HiddenInput)
    question = forms.CharField(
        label=_("The decision to make"),
        required=False,
        max_length=QUESTION_MAX,
        widget=forms.Textarea({"rows": 2}),
        help_text=_("In plain words, as the patient would ask it."),
    )
    own_options = forms.CharField(label=_("Options written for this visit"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for n in range(1, OWN_OPTION_SLOTS + 1):
            self.fields[f"own_{n}_title"] = forms.CharField(
                label=_("Option %(n)d: short name") % {"n": n},
                required=False,
                max_length=OPTION_TITLE_MAX,
            )
            for part, label in (
                ("involves", _("What it involves")),
                ("benefits", _("Benefits")),
                ("harms", _("Harms and side effects")),
            ):
                self.fields[f"own_{n}_{part}"] = forms.CharField(
                    label=label,
                    required=False,
                    max_length=OPTION_TEXT_MAX,
                    widget=forms.Textarea({"rows": 2}),
                )

    def own_slots(self) -> list[list[forms.BoundField]]:
        return [
            [self[f"own_{n}_{part}"] for part in ("title", "involves", "benefits", "harms")]
            for n in range(1, OWN_OPTION_SLOTS + 1)
        ]


class ReviewForm(AccessibleForm):
    outcome = forms.ChoiceField(
        label=_("Did it work for the patient?"),
        choices=ReviewOutcome.choices,
        widget=forms.RadioSelect,
    )
    review_words = forms.CharField(
        label=_("In the patient's words"),
        required=False,
        max_length=REASONS_MAX,
        widget=forms.Textarea({"rows": 3}),
    )

"""Forms for the dashboard's period and for goals. Forms parse input into the shape the
services take; the rules (plausible values, dates, who may write) live in the services."""

from __future__ import annotations

import math

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from coproduce.careplans.models import GoalDirection, GoalKind, GoalStatus
from coproduce.careplans.services import (
    DESCRIPTION_MAX,
    NOTE_MAX,
    WORDING_MAX,
    CompromiseInput,
    GoalInput,
)
from coproduce.careplans.trends import DEFAULT_PERIOD, PERIODS
from coproduce.patients.forms import AccessibleForm, DateInput, add_service_errors


class PeriodForm(AccessibleForm):
    period = forms.ChoiceField(
        label=_("Show"),
        choices=[(key, label) for key, (label, _days) in PERIODS.items()],
        widget=forms.RadioSelect,
        required=False,
    )

    def chosen(self) -> str:
        if self.is_valid() and self.cleaned_data.get("period"):
            return self.cleaned_data["period"]
        return DEFAULT_PERIOD


def parse_number(raw: str) -> float | None:
    raw = (raw or "").strip().replace(",", ".")
    if not raw:
        return None
    try:
        number = float(raw)
    except ValueError:
        raise ValidationError(_("Enter a number, for example 10 or 7.5.")) from None
    if not math.isfinite(number):
        raise ValidationError(_("Enter a number, for example 10 or 7.5."))
    return number


class GoalForm(AccessibleForm):
    """A goal in the person's own words; optionally a measure, a number and a date.

    `value` is the number for "at most" and "at least", and the lower end for "between";
    `value_2` is the upper end for "between".
    """

    description = forms.CharField(
        label=_("Your goal, in your own words"),
        max_length=DESCRIPTION_MAX,
        widget=forms.Textarea({"rows": 3}),
        help_text=_("For example: “Walk to the shops without stopping” or “Sleep better”."),
    )
    measure_code = forms.ChoiceField(
        label=_("Measure it with"),
        required=False,
        help_text=_("Choose a measure if a number can show your progress."),
    )
    direction = forms.ChoiceField(
        label=_("The number should be"),
        choices=GoalDirection.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    value = forms.CharField(
        label=_("Number"),
        required=False,
        max_length=20,
        widget=forms.TextInput({"inputmode": "decimal", "autocomplete": "off"}),
        help_text=_("For “between”, the lower number."),
    )
    value_2 = forms.CharField(
        label=_("Second number, for “between”"),
        required=False,
        max_length=20,
        widget=forms.TextInput({"inputmode": "decimal", "autocomplete": "off"}),
    )
    target_date = forms.DateField(
        label=_("By when"), required=False, widget=DateInput(), help_text=_("Leave empty if none.")
    )

    kind = forms.ChoiceField(
        label=_("Whose goal is this?"),
        choices=[
            (GoalKind.CLINICAL, _("A clinical target the care team proposes")),
            (GoalKind.OWN, _("The patient's own goal, in their words")),
        ],
        widget=forms.RadioSelect,
        required=False,
    )

    def __init__(
        self,
        *args,
        measure_choices: list[tuple[str, str]],
        asks_kind: bool = False,
        clinical_target: bool = False,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.fields["measure_code"].choices = [("", _("No measure")), *measure_choices]
        if clinical_target:
            self.fields["description"].label = _("The clinical target, in plain words")
            self.fields["description"].help_text = _(
                "For example: “Systolic blood pressure at or below 130 at home”."
            )
        if asks_kind:
            self.fields["description"].label = _("The goal or target, in plain words")
            self.fields["description"].help_text = _(
                "For example: “Keep my fluid gain between sessions under 2 kg”."
            )
        else:
            del self.fields["kind"]

    def clean(self):
        cleaned = super().clean()
        numbers = {}
        for name in ("value", "value_2"):
            try:
                numbers[name] = parse_number(cleaned.get(name, ""))
            except ValidationError as error:
                self.add_error(name, error)
        if self.errors:
            return cleaned
        direction = cleaned.get("direction") or ""
        low = high = None
        if direction == GoalDirection.AT_MOST:
            high = numbers["value"]
        elif direction == GoalDirection.AT_LEAST:
            low = numbers["value"]
        elif direction == GoalDirection.BETWEEN:
            low, high = numbers["value"], numbers["value_2"]
        elif numbers["value"] is not None:
            low = numbers["value"]  # the service asks for a direction
        cleaned["goal_input"] = GoalInput(
            description=cleaned.get("description", ""),
            measure_code=cleaned.get("measure_code", ""),
            direction=direction,
            target_low=low,
            target_high=high,
            target_date=cleaned.get("target_date"),
            kind=cleaned.get("kind") or "",
        )
        return cleaned

    def add_goal_errors(self, error: ValidationError) -> None:
        """Show the service's errors next to the field the person typed into."""
        direction = self.cleaned_data.get("direction")
        mapping: dict[str, str | None] = {"target_low": "value", "target_high": "value"}
        if direction == GoalDirection.BETWEEN:
            mapping["target_high"] = "value_2"
        add_service_errors(self, error, mapping)

    @staticmethod
    def initial_for(goal) -> dict:
        value = goal.target_high if goal.direction == GoalDirection.AT_MOST else goal.target_low
        return {
            "description": goal.description,
            "measure_code": goal.measure_code,
            "direction": goal.direction,
            "value": "" if value is None else f"{value:g}",
            "value_2": ""
            if goal.direction != GoalDirection.BETWEEN or goal.target_high is None
            else f"{goal.target_high:g}",
            "target_date": goal.target_date,
            "status": goal.status if goal.status != GoalStatus.STOPPED else GoalStatus.ACTIVE,
            "base_version": goal.version,
        }


class GoalEditForm(GoalForm):
    # The version the person started from, so a save made meanwhile is merged, not lost.
    base_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)
    status = forms.ChoiceField(
        label=_("How is it going?"),
        choices=[
            (GoalStatus.ACTIVE, _("Still working on it")),
            (GoalStatus.ACHIEVED, _("Achieved")),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("What changed?"),
        required=False,
        max_length=NOTE_MAX,
        widget=forms.TextInput({"autocomplete": "off"}),
    )


class GoalStopForm(AccessibleForm):
    note = forms.CharField(
        label=_("Why are you stopping this goal?"),
        required=False,
        max_length=NOTE_MAX,
        widget=forms.TextInput({"autocomplete": "off"}),
        help_text=_("Optional. The goal stays in your list, marked as stopped."),
    )


AGREED_BY_CHOICES = [
    ("patient", _("The patient")),
    ("carer", _("Their carer")),
    ("clinician", _("The care team")),
]


class CompromiseForm(AccessibleForm):
    """What a patient and their care team agreed where a goal and a target pull apart."""

    # Which goals may be paired is the service's check (kind, same patient, not the same
    # goal twice), each error next to its field; the form only asks for a choice.
    own_goal = forms.CharField(
        label=_("The patient's own goal"),
        widget=forms.Select,
        error_messages={"required": _("Choose the patient's own goal.")},
    )
    clinical_target = forms.CharField(
        label=_("The clinical target"),
        widget=forms.Select,
        error_messages={"required": _("Choose the clinical target.")},
    )
    wording = forms.CharField(
        label=_("What you agreed, in plain words"),
        max_length=WORDING_MAX,
        error_messages={"required": _("Write what you agreed, in plain words.")},
        widget=forms.Textarea({"rows": 4}),
        help_text=_(
            "For example: “We aim for an LDL cholesterol under 3 rather than under 2, on a "
            "lower statin dose, because the higher dose gave muscle pain.”"
        ),
    )
    agreed_low = forms.CharField(
        label=_("Agreed number: lowest"),
        required=False,
        max_length=20,
        widget=forms.TextInput({"inputmode": "decimal", "autocomplete": "off"}),
        help_text=_("On the clinical target's measure. Leave empty if you agreed no number."),
    )
    agreed_high = forms.CharField(
        label=_("Agreed number: highest"),
        required=False,
        max_length=20,
        widget=forms.TextInput({"inputmode": "decimal", "autocomplete": "off"}),
        help_text=_("Give both for a range, or one of them."),
    )
    review_on = forms.DateField(
        label=_("Look at it again on"),
        required=False,
        widget=DateInput(),
        help_text=_("Leave empty if none."),
    )
    agreed_by = forms.MultipleChoiceField(
        label=_("Who agreed"),
        choices=AGREED_BY_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    agreed_on = forms.DateField(
        label=_("Agreed on"), required=False, widget=DateInput(), help_text=_("Empty: today.")
    )

    def __init__(
        self,
        *args,
        own_choices: list[tuple[str, str]] | None = None,
        target_choices: list[tuple[str, str]] | None = None,
        editing: bool = False,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["own_goal"]
            del self.fields["clinical_target"]
            self.fields["base_version"] = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
        else:
            self.fields["own_goal"].widget.choices = [
                ("", _("Choose a goal")),
                *(own_choices or []),
            ]
            self.fields["clinical_target"].widget.choices = [
                ("", _("Choose a target")),
                *(target_choices or []),
            ]

    def clean(self):
        cleaned = super().clean()
        numbers = {}
        for name in ("agreed_low", "agreed_high"):
            try:
                numbers[name] = parse_number(cleaned.get(name, ""))
            except ValidationError as error:
                self.add_error(name, error)
        if self.errors:
            return cleaned
        who = set(cleaned.get("agreed_by") or ())
        cleaned["entry"] = CompromiseInput(
            wording=cleaned.get("wording", ""),
            agreed_low=numbers["agreed_low"],
            agreed_high=numbers["agreed_high"],
            review_on=cleaned.get("review_on"),
            agreed_by_patient="patient" in who,
            agreed_by_carer="carer" in who,
            agreed_by_clinician="clinician" in who,
            agreed_on=cleaned.get("agreed_on"),
        )
        return cleaned

    def add_compromise_errors(self, error: ValidationError) -> None:
        add_service_errors(self, error)

    @staticmethod
    def initial_for(compromise) -> dict:
        def number(value):
            return "" if value is None else f"{value:g}"

        return {
            "wording": compromise.wording,
            "agreed_low": number(compromise.agreed_low),
            "agreed_high": number(compromise.agreed_high),
            "review_on": compromise.review_on,
            "agreed_on": compromise.agreed_on,
            "agreed_by": [
                who
                for who, flag in (
                    ("patient", compromise.agreed_by_patient),
                    ("carer", compromise.agreed_by_carer),
                    ("clinician", compromise.agreed_by_clinician),
                )
                if flag
            ],
            "base_version": compromise.version,
        }

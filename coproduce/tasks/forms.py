"""Forms for care-plan tasks. They parse input into the shape the services take; the rules
(dates, owners, who may write) live in the services."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from coproduce.patients.forms import AccessibleForm, DateInput, add_service_errors
from coproduce.tasks.models import TaskCloseReason, TaskFrequency, TaskOwner
from coproduce.tasks.recurrence import MAX_INTERVAL
from coproduce.tasks.services import DETAILS_MAX, NOTE_MAX, TITLE_MAX, TaskInput
from coproduce.tasks.words import weekday_name

# The service's field names that the form shows under another name.
SERVICE_FIELDS = {"owner_user": "owner_user", "goal": "goal_id"}


class TaskForm(AccessibleForm):
    """A task: what, who, when (once by a date, or repeated), and an optional goal."""

    title = forms.CharField(
        label=_("What to do"),
        max_length=TITLE_MAX,
        required=False,  # the service says what is missing, with the other fields' errors
        help_text=_("In plain words, for example: “Weigh yourself before each session”."),
    )
    details = forms.CharField(
        label=_("Details"),
        max_length=DETAILS_MAX,
        required=False,
        widget=forms.Textarea({"rows": 3}),
    )
    owner_kind = forms.ChoiceField(
        label=_("Who does it"),
        choices=TaskOwner.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose who does this task.")},
    )
    owner_user = forms.TypedChoiceField(
        label=_("Which carer or clinician"),
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("For a carer’s or a clinician’s task."),
    )
    goal_id = forms.TypedChoiceField(
        label=_("Goal it helps with"), coerce=int, empty_value=None, required=False
    )
    frequency = forms.ChoiceField(
        label=_("How often"),
        choices=TaskFrequency.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how often: once, or again and again.")},
    )
    due_on = forms.DateField(label=_("Due by"), required=False, widget=DateInput)
    interval = forms.IntegerField(
        label=_("Repeat every"),
        min_value=1,
        max_value=MAX_INTERVAL,
        initial=1,
        required=False,
        help_text=_("1 for every day, week or month; 2 for every other one; and so on."),
        widget=forms.NumberInput({"inputmode": "numeric"}),
    )
    weekdays = forms.TypedMultipleChoiceField(
        label=_("On these days (weekly tasks)"),
        coerce=int,
        choices=[(d, weekday_name(d)) for d in range(7)],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    month_day = forms.IntegerField(
        label=_("On this day of the month (monthly tasks)"),
        min_value=1,
        max_value=31,
        required=False,
        help_text=_("In a shorter month, on its last day."),
        widget=forms.NumberInput({"inputmode": "numeric"}),
    )
    starts_on = forms.DateField(
        label=_("Starting on"),
        required=False,
        widget=DateInput,
        help_text=_("Leave empty to start today."),
    )
    ends_on = forms.DateField(label=_("Until"), required=False, widget=DateInput)

    def __init__(self, *args, owners=(), goals=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_user"].choices = [("", _("Nobody in particular")), *owners]
        self.fields["goal_id"].choices = [("", _("No goal")), *goals]

    def clean(self):
        data = super().clean()
        if data.get("weekdays") is None:
            data["weekdays"] = []
        return data

    def entry(self) -> TaskInput:
        data = self.cleaned_data
        return TaskInput(
            title=data.get("title", ""),
            details=data.get("details", ""),
            owner_kind=data.get("owner_kind", ""),
            owner_user_id=data.get("owner_user"),
            goal_id=data.get("goal_id"),
            frequency=data.get("frequency", ""),
            due_on=data.get("due_on"),
            interval=data.get("interval") or 1,
            weekdays=tuple(data.get("weekdays") or ()),
            month_day=data.get("month_day"),
            starts_on=data.get("starts_on"),
            ends_on=data.get("ends_on"),
        )

    def add_task_errors(self, error) -> None:
        add_service_errors(self, error, SERVICE_FIELDS)

    @staticmethod
    def initial_for(task) -> dict:
        return {
            "title": task.title,
            "details": task.details,
            "owner_kind": task.owner_kind,
            "owner_user": task.owner_user_id,
            "goal_id": task.goal_id,
            "frequency": task.frequency,
            "due_on": task.due_on,
            "interval": task.interval,
            "weekdays": [int(d) for d in task.weekdays],
            "month_day": task.month_day,
            "starts_on": task.starts_on,
            "ends_on": task.ends_on,
            "base_version": task.version,
        }


class TaskEditForm(TaskForm):
    # The version the person started from, so a save made meanwhile is merged, not lost.
    base_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)
    note = forms.CharField(
        label=_("Why it changed"),
        max_length=NOTE_MAX,
        required=False,
        help_text=_("Kept with this version in the task’s history."),
    )


class TaskCloseForm(AccessibleForm):
    reason = forms.ChoiceField(
        label=_("Why close it"),
        choices=TaskCloseReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose why the task is closed.")},
    )


class TickForm(AccessibleForm):
    occurrence = forms.DateField(required=False)

    def day(self) -> dt.date | None:
        return self.cleaned_data.get("occurrence") if self.is_valid() else None

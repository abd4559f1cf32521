from django import forms
from django.utils.translation import gettext_lazy as _

from coproduce.skills.models import Level, ReviewKind
from coproduce.skills.services import COMMENT_LIMIT


class SessionReviewForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Your review"),
        choices=(
            (ReviewKind.COUNTERSIGN, _("Countersign: the record is right")),
            (ReviewKind.QUERY, _("Ask a question: the patient sees it")),
        ),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose to countersign or to ask a question."),
            "invalid_choice": _("Choose to countersign or to ask a question."),
        },
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=COMMENT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Needed when you ask a question. Write it in plain words."),
        error_messages={"max_length": _("Keep this under 1,000 characters.")},
    )


class ChecklistAssignForm(forms.Form):
    checklist = forms.ChoiceField(
        label=_("Checklist to assign"),
        error_messages={
            "required": _("Choose a checklist from the list."),
            "invalid_choice": _("Choose a checklist from the list."),
        },
    )

    def __init__(self, *args, checklists=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["checklist"].choices = [(c.id, c.title) for c in checklists]


class StepLevelForm(forms.Form):
    """A clinician sets a step's level. Each step's form has the step id as its prefix and
    names the step in a plain hidden `step` field."""

    level = forms.ChoiceField(
        label=_("Level"),
        choices=Level.choices,
        error_messages={
            "required": _("Choose a level from the list."),
            "invalid_choice": _("Choose a level from the list."),
        },
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=COMMENT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": _("Keep this under 1,000 characters.")},
    )


class PracticeNoteForm(forms.Form):
    """The patient or a carer notes "I practised this" (prefixed like StepLevelForm)."""

    note = forms.CharField(
        label=_("I practised this: how did it go?"),
        max_length=COMMENT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={
            "required": _("Write how the practice went."),
            "max_length": _("Keep this under 1,000 characters."),
        },
    )

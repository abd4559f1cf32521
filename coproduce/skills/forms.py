from django import forms
from django.utils.translation import gettext_lazy as _

from coproduce.skills.models import ReviewKind
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

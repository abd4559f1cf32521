"""The patient's agenda form: three concern fields (so more than three cannot be typed) and
their questions. Length limits are checked by the service, which names the field."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from coproduce.visits.models import VisitAgenda


class AgendaForm(forms.Form):
    concern_1 = forms.CharField(
        label=_("The most important thing"),
        required=False,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    concern_2 = forms.CharField(
        label=_("Second thing"),
        required=False,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    concern_3 = forms.CharField(
        label=_("Third thing"),
        required=False,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    questions = forms.CharField(
        label=_("Your questions"),
        help_text=_("Anything you want to ask, in your own words."),
        required=False,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    @staticmethod
    def initial_for(agenda: VisitAgenda | None) -> dict[str, str]:
        if agenda is None:
            return {}
        initial = {f"concern_{i}": text for i, text in enumerate(agenda.concerns[:3], start=1)}
        initial["questions"] = agenda.questions
        return initial

    def concerns(self) -> list[str]:
        return [self.cleaned_data.get(f"concern_{i}", "") for i in (1, 2, 3)]

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


class VisitBookForm(forms.Form):
    """Book a visit: a day and time in the chosen unit's time zone, and the clinician."""

    unit = forms.TypedChoiceField(label=_("Unit"), coerce=int)
    day = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    time = forms.TimeField(
        label=_("Time"),
        help_text=_("In the unit's local time."),
        widget=forms.TimeInput(attrs={"type": "time"}),
    )
    clinician = forms.TypedChoiceField(label=_("With"), coerce=int)

    def __init__(self, *args, units, clinicians, **kwargs):
        """`units`: the patient's units; `clinicians`: (user, unit ids they work in)."""
        super().__init__(*args, **kwargs)
        self.units = {unit.pk: unit for unit in units}
        self.clinicians = {user.pk: (user, unit_ids) for user, unit_ids in clinicians}
        self.fields["unit"].choices = [(u.pk, u.name) for u in units]
        self.fields["clinician"].choices = [
            (user.pk, user.display_name) for user, _ids in clinicians
        ]

    def clean(self):
        data = super().clean()
        unit_id, clinician_id = data.get("unit"), data.get("clinician")
        if unit_id is None or clinician_id is None:
            return data
        user, unit_ids = self.clinicians[clinician_id]
        if unit_id not in unit_ids:
            self.add_error(
                "clinician",
                _("%(name)s does not work in %(unit)s. Choose someone who does.")
                % {"name": user.display_name, "unit": self.units[unit_id].name},
            )
        return data

"""Alert load pages for clinicians (their units) and QI leads (their network's units): the
load per unit and rule, and what a changed threshold would have done (load.py)."""

from __future__ import annotations

import math
from itertools import groupby

from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from coproduce.accounts.decorators import role_required
from coproduce.accounts.models import Role
from coproduce.alerts.load import (
    DEFAULT_DAYS,
    PERIOD_DAYS,
    WHAT_IF_DAYS,
    alert_load,
    chosen_units,
    load_units,
    number_field,
    period,
    rule_for,
    what_if,
)
from coproduce.patients.forms import AccessibleForm

VALUE_LIMIT = 1_000_000
NUMBER_LABELS = {
    "at_least": gettext_lazy("Raise an alert when the value is at least"),
    "at_most": gettext_lazy("Raise an alert when the value is at most"),
    "by_at_least": gettext_lazy("Raise an alert when the value is worse by at least"),
}


def period_days(raw: str | None) -> int:
    try:
        days = int(raw or DEFAULT_DAYS)
    except ValueError:
        return DEFAULT_DAYS
    return days if days in PERIOD_DAYS else DEFAULT_DAYS


@role_required(Role.CLINICIAN, Role.QI_LEAD)
@require_GET
def load(request: HttpRequest) -> HttpResponse:
    days = period_days(request.GET.get("days"))
    unit = request.GET.get("unit", "")
    units = list(load_units(request.user).order_by("name", "pk"))
    since, until = period(days)
    rows = alert_load(request.user, since=since, until=until, unit_id=unit or None)
    tables = []
    for (unit_id, unit_name), unit_rows in groupby(rows, key=lambda r: (r.unit_id, r.unit_name)):
        unit_rows = list(unit_rows)
        tables.append(
            {
                "unit_id": unit_id,
                "unit_name": unit_name,
                "rows": unit_rows,
                "rules": [r for r in unit_rows if not r.is_total],
            }
        )
    return render(
        request,
        "alerts/load.html",
        {
            "tables": tables,
            "units": units,
            "unit": unit,
            "days": days,
            "period_days": PERIOD_DAYS,
            "since": since,
            "until": until,
        },
    )


class WhatIfForm(AccessibleForm):
    value = forms.FloatField(required=True)

    def __init__(self, *args, field: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.number_field = field
        self.fields["value"].label = NUMBER_LABELS[field]
        self.fields["value"].widget.attrs.update({"step": "any", "inputmode": "decimal"})
        self.fields["value"].error_messages["required"] = _("Enter the number to try.")
        self.fields["value"].error_messages["invalid"] = _("Enter a number, for example 15.")

    def clean_value(self) -> float:
        value = self.cleaned_data["value"]
        if not math.isfinite(value) or abs(value) > VALUE_LIMIT:
            raise ValidationError(_("Enter a number, for example 15."))
        if self.number_field == "by_at_least" and value <= 0:
            raise ValidationError(_("Enter a number above 0."))
        return value


@role_required(Role.CLINICIAN, Role.QI_LEAD)
@require_GET
def what_if_view(request: HttpRequest, programme_code: str, rule_id: str) -> HttpResponse:
    unit = request.GET.get("unit", "")
    chosen_units(request.user, unit or None)  # 403 for a unit the user may not see
    found = rule_for(programme_code, rule_id)
    if found is None:
        raise Http404
    programme, rule = found
    field = number_field(rule)
    context = {
        "programme": programme,
        "rule": rule,
        "units": list(load_units(request.user).order_by("name", "pk")),
        "unit": unit,
        "days": WHAT_IF_DAYS,
        "show_ids": request.user.role == Role.CLINICIAN,
    }
    if field is None:
        return render(request, "alerts/what_if.html", {**context, "available": False})
    form = WhatIfForm(request.GET if "value" in request.GET else None, field=field)
    new_value = form.cleaned_data["value"] if form.is_bound and form.is_valid() else None
    result = what_if(
        request.user, programme=programme, rule=rule, new_value=new_value, unit_id=unit or None
    )
    return render(
        request,
        "alerts/what_if.html",
        {
            **context,
            "available": True,
            "form": form,
            "result": result,
            "number_label": NUMBER_LABELS[field],
        },
        status=422 if form.is_bound and not form.is_valid() else 200,
    )

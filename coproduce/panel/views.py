from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from coproduce.accounts.decorators import role_required
from coproduce.accounts.models import Role
from coproduce.panel.selectors import SORTS, STATUS_FILTERS, panel_rows

COLUMNS = [
    ("name", gettext_lazy("Patient")),
    ("alerts", gettext_lazy("Open alerts")),
    ("severity", gettext_lazy("Most severe alert")),
    ("due", gettext_lazy("Reports due")),
    ("overdue", gettext_lazy("Reports overdue")),
    ("last_visit", gettext_lazy("Last visit")),
    ("next_visit", gettext_lazy("Next visit")),
]
STATUS_CHOICES = [
    ("", gettext_lazy("Everyone")),
    ("overdue", gettext_lazy("Has overdue reports")),
    ("alerts", gettext_lazy("Has open alerts")),
]


@role_required(Role.CLINICIAN)
@require_GET
def panel(request: HttpRequest) -> HttpResponse:
    """Every patient this clinician may see, one row each, with filters and sorting in the
    query string. Unknown values are ignored with a message, never an error page."""
    sort = request.GET.get("sort", "name")
    order = request.GET.get("order", "asc")
    status = request.GET.get("status", "")
    if sort not in SORTS or order not in ("asc", "desc"):
        messages.warning(request, _("That sort order is not known; sorted by name instead."))
        sort, order = "name", "asc"
    if status and status not in STATUS_FILTERS:
        messages.warning(request, _("That filter is not known; showing everyone."))
        status = ""
    rows = panel_rows(request.user, status=status, sort=sort, descending=order == "desc")
    headers = []
    for key, label in COLUMNS:
        active = key == sort
        next_order = "desc" if active and order == "asc" else "asc"
        headers.append(
            {
                "key": key,
                "label": label,
                "aria_sort": ("descending" if order == "desc" else "ascending")
                if active
                else "none",
                "next_order": next_order,
            }
        )
    context = {
        "rows": rows,
        "headers": headers,
        "status": status,
        "status_choices": STATUS_CHOICES,
        "sort": sort,
        "order": order,
    }
    return render(request, "panel/panel.html", context)

"""The clinician's panel and their saved views: parse the request, call the selector or the
service, render. Filters and sort live in the query string (a GET form that works without
JavaScript); unknown values are dropped with a message, never an error page."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coproduce.accounts.decorators import role_required
from coproduce.accounts.models import Role
from coproduce.panel import services
from coproduce.panel.models import SAVED_VIEW_NAME_MAX, SavedView
from coproduce.panel.presenters import present_rows
from coproduce.panel.selectors import (
    PanelQuery,
    panel_choices,
    panel_rows,
    parse_panel_query,
    saved_view_of,
    saved_views_of,
)

COLUMNS = [
    ("name", gettext_lazy("Patient")),
    ("alerts", gettext_lazy("Open alerts")),
    ("severity", gettext_lazy("Most severe alert")),
    ("due", gettext_lazy("Reports due")),
    ("overdue", gettext_lazy("Reports overdue")),
    ("tasks", gettext_lazy("Tasks overdue")),
    ("key_score", gettext_lazy("Key score against target")),
    ("last_visit", gettext_lazy("Last visit")),
    ("next_visit", gettext_lazy("Next visit")),
]
STATUS_CHOICES = [
    ("", gettext_lazy("Any status")),
    ("overdue", gettext_lazy("Has overdue reports")),
    ("alerts", gettext_lazy("Has open alerts")),
    ("tasks", gettext_lazy("Has overdue care-plan tasks")),
    ("off_target", gettext_lazy("Key score off target")),
    ("no_visit", gettext_lazy("No visit booked")),
]
ORDER_CHOICES = [("asc", gettext_lazy("Ascending")), ("desc", gettext_lazy("Descending"))]


def _headers(query: PanelQuery) -> list[dict]:
    """Column headers: each links to the same filters sorted by that column (the active
    column's link flips the order), with aria-sort on the active one."""
    headers = []
    for key, label in COLUMNS:
        active = key == query.sort
        aria_sort = "none"
        if active:
            aria_sort = "descending" if query.descending else "ascending"
        flipped = PanelQuery(
            programme=query.programme,
            unit=query.unit,
            status=query.status,
            sort=key,
            descending=active and not query.descending,
        )
        headers.append(
            {
                "key": key,
                "label": label,
                "aria_sort": aria_sort,
                "href": f"?{flipped.querystring()}",
            }
        )
    return headers


def _panel_page(
    request: HttpRequest,
    query: PanelQuery,
    problems: list[str],
    *,
    choices,
    save_name: str = "",
    save_error: str = "",
    status: int = 200,
) -> HttpResponse:
    rows = panel_rows(request.user, query)
    present_rows(rows)
    current = query.querystring()
    views = saved_views_of(request.user)
    context = {
        "rows": rows,
        # One string for the whole table body: 2,000 template look-ups cost ~15 ms.
        "rows_html": SafeString("".join(row.html for row in rows)),
        "headers": _headers(query),
        "query": query,
        "params": query.as_params(),
        "problems": problems,
        "choices": choices,
        "status_choices": STATUS_CHOICES,
        "sort_choices": COLUMNS,
        "order_choices": ORDER_CHOICES,
        "order": "desc" if query.descending else "asc",
        "saved_views": [
            {"view": view, "current": view.query == current and not problems} for view in views
        ],
        "save_name": save_name,
        "save_error": save_error,
        "name_max": SAVED_VIEW_NAME_MAX,
    }
    return render(request, "panel/panel.html", context, status=status)


@role_required(Role.CLINICIAN)
@require_GET
def panel(request: HttpRequest) -> HttpResponse:
    """Every patient this clinician may see, one row each, filtered and sorted."""
    choices = panel_choices(request.user)
    query, problems = parse_panel_query(request.GET, choices)
    return _panel_page(request, query, problems, choices=choices)


@role_required(Role.CLINICIAN)
@require_POST
def view_save(request: HttpRequest) -> HttpResponse:
    """Save the current filters and sort under a name; a bad name is shown next to the
    field with the panel as it was."""
    choices = panel_choices(request.user)
    query, problems = parse_panel_query(request.POST, choices)
    name = request.POST.get("name", "")
    try:
        view = services.saved_view_create(owner=request.user, name=name, query=query.querystring())
    except ValidationError as error:
        return _panel_page(
            request,
            query,
            problems,
            choices=choices,
            save_name=name,
            save_error=" ".join(error.message_dict.get("name", error.messages)),
        )
    messages.success(request, _("Your view “%(name)s” was saved.") % {"name": view.name})
    return redirect(_view_url(view))


def _view_url(view: SavedView) -> str:
    url = reverse("panel:panel")
    return f"{url}?{view.query}" if view.query else url


def _own_view(request: HttpRequest, view_id: int) -> SavedView:
    view = saved_view_of(request.user, view_id)
    if view is None:  # another person's view or none: the same answer
        raise Http404(_("No such saved view."))
    return view


@role_required(Role.CLINICIAN)
@require_http_methods(["GET", "POST"])
def view_edit(request: HttpRequest, view_id: int) -> HttpResponse:
    """Rename one of the clinician's saved views (and the way to delete it)."""
    view = _own_view(request, view_id)
    name, error = view.name, ""
    if request.method == "POST":
        name = request.POST.get("name", "")
        try:
            services.saved_view_rename(owner=request.user, view=view, name=name)
        except ValidationError as problem:
            error = " ".join(problem.message_dict.get("name", problem.messages))
            view.refresh_from_db()
        else:
            messages.success(request, _("The view was renamed “%(name)s”.") % {"name": view.name})
            return redirect(_view_url(view))
    context = {"view": view, "name": name, "error": error, "name_max": SAVED_VIEW_NAME_MAX}
    return render(request, "panel/view_edit.html", context)


@role_required(Role.CLINICIAN)
@require_POST
def view_delete(request: HttpRequest, view_id: int) -> HttpResponse:
    """Delete one of the clinician's saved views."""
    view = _own_view(request, view_id)
    name = view.name
    services.saved_view_delete(owner=request.user, view=view)
    messages.success(request, _("The view “%(name)s” was deleted.") % {"name": name})
    return redirect("panel:panel")

"""The QI pages: the measure list (network dashboard) and each measure's page with its
charts, annotations, data table and downloads. Thin: reads through selectors, numbers
through `measure_series` and `measures.dashboard`, words and charts in `measures.pages`."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from coproduce.accounts.decorators import role_required
from coproduce.accounts.models import Role
from coproduce.core.audit import AuditAction, audit_record
from coproduce.measures import annotations, pages
from coproduce.measures.annotations import may_annotate
from coproduce.measures.catalogues import measure_by_id
from coproduce.measures.dashboard import network_dashboard
from coproduce.measures.definition import KINDS
from coproduce.measures.forms import THIS_MEASURE, AnnotationForm
from coproduce.measures.thresholds import small_cell_max
from coproduce.network.models import Unit
from coproduce.network.selectors import staff_units
from coproduce.patients.forms import add_service_errors

READER_ROLES = (Role.QI_LEAD, Role.CLINICIAN, Role.ADMINISTRATOR)


@role_required(*READER_ROLES)
@require_GET
def measure_list(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind", "")
    if kind not in KINDS:
        kind = ""
    unit = staff_units(request.user).first()
    overviews = network_dashboard(request.user, unit_id=unit.pk if unit else None)
    rows = [pages.list_row(o) for o in overviews if not kind or o.measure.kind == kind]
    kinds = sorted({o.measure.kind for o in overviews}, key=KINDS.index)
    return render(
        request,
        "measures/measure_list.html",
        {
            "rows": rows,
            "unit": unit,
            "kind": kind,
            "kinds": [(k, pages.KIND_WORDS[k]) for k in kinds],
            "small_max": small_cell_max(),
        },
    )


def definition_or_404(measure_id: str):
    try:
        return measure_by_id(measure_id)
    except KeyError:
        raise Http404 from None


def page_for(request: HttpRequest, measure_id: str) -> pages.MeasurePage:
    definition = definition_or_404(measure_id)
    stratum = request.GET.get("stratum", "")
    try:
        return pages.measure_page(
            request.user,
            definition,
            choice=request.GET.get("org", "network"),
            chart_type=request.GET.get("chart", ""),
            compare=request.GET.get("compare") == "1",
            phases=request.GET.get("phases") == "1",
            stratum=stratum if stratum in pages.STRATUM_WORDS else "",
        )
    except ValueError:
        raise Http404 from None


def annotation_places(request: HttpRequest, page: pages.MeasurePage) -> list[tuple[str, str]]:
    """Where this user may add a note: the network (QI leads) and the units they may."""
    places = []
    for organisation in page.organisations:
        if organisation.level == "region":
            continue
        unit = None
        if organisation.level == "unit":
            unit = Unit.objects.select_related("region").get(pk=organisation.org_id)
        if may_annotate(request.user, unit):
            places.append((organisation.choice, organisation.name))
    return places


def render_page(request: HttpRequest, page: pages.MeasurePage, form=None) -> HttpResponse:
    places = annotation_places(request, page)
    if form is None and places:
        initial = page.organisation.choice if page.organisation.level == "unit" else "network"
        form = AnnotationForm(places=places, initial={"where": initial})
        form.mark_errors()
    return render(
        request,
        "measures/measure_detail.html",
        {
            "page": page,
            "form": form,
            "query": request.GET.urlencode(),
            "strata": list(pages.STRATUM_WORDS.items()),
            "small_max": page.threshold,
        },
    )


@role_required(*READER_ROLES)
@require_GET
def measure_detail(request: HttpRequest, measure: str) -> HttpResponse:
    return render_page(request, page_for(request, measure))


@role_required(Role.QI_LEAD, Role.CLINICIAN)
@require_POST
def annotation_add(request: HttpRequest, measure: str) -> HttpResponse:
    page = page_for(request, measure)
    places = annotation_places(request, page)
    if not places:
        raise PermissionDenied(_("You may not add notes to this chart."))
    form = AnnotationForm(request.POST, places=places)
    if form.is_valid():
        data = form.cleaned_data
        _level, unit_id = pages.parse_choice(data["where"])
        unit = Unit.objects.select_related("region").get(pk=unit_id) if unit_id else None
        try:
            annotations.annotation_add(
                actor=request.user,
                measure_id=page.definition.id if data["scope"] == THIS_MEASURE else "",
                unit=unit,
                on_date=data["on_date"],
                text=data["text"],
            )
        except ValidationError as error:
            add_service_errors(form, error, {"measure_id": "scope"})
        else:
            messages.success(request, _("Your note is on the charts."))
            url = reverse("measures:measure_detail", args=[page.definition.id])
            query = request.GET.urlencode()
            return redirect(f"{url}?{query}" if query else url)
    else:
        # Say everything that is wrong at once: the service's rules for the fields the
        # form could read (a date in the future beside a missing text).
        problems = annotations.annotation_errors(
            measure_id=page.definition.id,
            on_date=form.cleaned_data.get("on_date"),
            text=form.cleaned_data.get("text", ""),
        )
        for name, message in problems.items():
            if name in form.fields and name not in form.errors:
                form.add_error(name, message)
    form.mark_errors()
    return render_page(request, page, form)


def export_name(page: pages.MeasurePage, ending: str) -> str:
    return f"{page.definition.id}-{page.organisation.choice}-{page.chart_type}.{ending}"


@role_required(*READER_ROLES)
@require_GET
def measure_csv(request: HttpRequest, measure: str) -> HttpResponse:
    """The data table as CSV: the same rows and words as the table (hidden stays hidden)."""
    page = page_for(request, measure)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{export_name(page, "csv")}"'
    writer = csv.writer(response)
    writer.writerow(pages.csv_header(page))
    writer.writerows(pages.csv_rows(page))
    audit_record(
        actor=request.user,
        action=AuditAction.EXPORT,
        entity_type="MeasureSeries",
        entity_id=page.definition.id,
        detail={"format": "csv", "org": page.organisation.choice},
    )
    return response


@role_required(*READER_ROLES)
@require_GET
def measure_svg(request: HttpRequest, measure: str) -> HttpResponse:
    """The main chart as a standalone SVG file (the same drawing as on the page)."""
    page = page_for(request, measure)
    if page.main is None:
        raise Http404
    response = render(
        request,
        "measures/spc_file.svg",
        {"chart": page.main, "page": page},
        content_type="image/svg+xml; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{export_name(page, "svg")}"'
    audit_record(
        actor=request.user,
        action=AuditAction.EXPORT,
        entity_type="MeasureSeries",
        entity_id=page.definition.id,
        detail={"format": "svg", "org": page.organisation.choice},
    )
    return response

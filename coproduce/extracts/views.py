"""Registry extracts for QI leads: the form and the list of past extracts, the download of
a file and its suppressed summary. Thin: selectors check who may do what."""

from __future__ import annotations

import csv
import io

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_http_methods

from coproduce.accounts.decorators import role_required
from coproduce.accounts.models import Role
from coproduce.extracts import selectors, services
from coproduce.extracts.forms import ExtractForm
from coproduce.extracts.models import ExtractStatus
from coproduce.patients.forms import add_service_errors

EXTRACTS_SHOWN = 50
# The disclosure ladder (disclosure.STEPS after "exact") in words for the page, in order;
# a test checks there is one per step.
STEP_WORDS = (
    _lazy("birth year in 5-year bands"),
    _lazy("ethnicity removed"),
    _lazy("language removed"),
    _lazy("deprivation removed"),
    _lazy("birth year in 10-year bands"),
    _lazy("sex removed"),
    _lazy("unit removed"),
    _lazy("birth year removed"),
)


@role_required(Role.QI_LEAD)
@require_http_methods(["GET", "POST"])
def extract_list(request: HttpRequest) -> HttpResponse:
    units = list(selectors.extract_units(request.user))
    programmes = list(selectors.extract_programmes())
    form = ExtractForm(
        request.POST if request.method == "POST" else None, programmes=programmes, units=units
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            extract = services.registry_extract_request(
                actor=request.user,
                purpose=data["purpose"],
                programme_codes=data["programmes"],
                unit_ids=[int(u) for u in data["units"]],
                first_month=data["first_month"],
                last_month=data["last_month"],
                reason=data["reason"],
                include_equity=data["include_equity"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _(
                    "Your extract number %(id)s is being made. It can take a few minutes "
                    "for a large registry: reload this page to see when it is ready."
                )
                % {"id": extract.pk},
            )
            return redirect(reverse("extracts:extract_list"))
    extracts = list(selectors.extracts_of_network(request.user)[:EXTRACTS_SHOWN])
    return render(
        request,
        "extracts/extract_list.html",
        {
            "form": form,
            "extracts": extracts,
            "small_max": services.small_cell_max(),
            "steps": STEP_WORDS,
        },
    )


@role_required(Role.QI_LEAD)
@require_GET
def extract_download(request: HttpRequest, extract_id: int) -> FileResponse:
    extract = selectors.extract_for_download(request.user, extract_id)
    if extract.status != ExtractStatus.READY:
        raise Http404
    path = services.extracts_dir() / extract.file_name
    if not path.is_file():
        raise Http404
    services.registry_extract_download_record(actor=request.user, extract=extract, part="file")
    return FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=f"registry-extract-{extract.pk}-{extract.purpose}.csv",
        content_type="text/csv",
    )


@role_required(Role.QI_LEAD)
@require_GET
def extract_summary(request: HttpRequest, extract_id: int) -> HttpResponse:
    extract = selectors.extract_for_download(request.user, extract_id)
    if extract.status != ExtractStatus.READY:
        raise Http404
    services.registry_extract_download_record(actor=request.user, extract=extract, part="summary")
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(services.summary_lines(extract))
    response = HttpResponse(buffer.getvalue(), content_type="text/csv")
    name = f"registry-extract-{extract.pk}-summary.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response

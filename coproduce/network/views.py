"""Home pages for quality-improvement leads (per-unit counts) and administrators (the
organisation). Neither shows any one patient."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from coproduce.accounts.decorators import role_required
from coproduce.accounts.models import Role
from coproduce.network.selectors import SMALL_COUNT_MAX, network_unit_counts, organisation_overview


@role_required(Role.QI_LEAD)
@require_GET
def qi_home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "network/qi_home.html",
        {"counts": network_unit_counts(request.user), "small_max": SMALL_COUNT_MAX},
    )


@role_required(Role.ADMINISTRATOR)
@require_GET
def admin_home(request: HttpRequest) -> HttpResponse:
    return render(
        request, "network/admin_home.html", {"overview": organisation_overview(request.user)}
    )

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET

from coproduce.accounts.models import Role

HOME_BY_ROLE = {
    Role.PATIENT: "patients:my_home",
    Role.CARER: "patients:carer_home",
    Role.CLINICIAN: "patients:patient_list",
    Role.QI_LEAD: "network:qi_home",
    Role.ADMINISTRATOR: "network:admin_home",
}


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Send each role to its home page."""
    return redirect(HOME_BY_ROLE[request.user.role])


@require_GET
def health(request: HttpRequest) -> HttpResponse:
    """Liveness probe for load balancers: no data, no session."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})

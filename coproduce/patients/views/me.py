"""Pages for patients about their own record: "My health" and who saw it."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from coproduce.accounts.decorators import role_required
from coproduce.accounts.models import Role
from coproduce.alerts.patient_view import alerts_for_patient
from coproduce.careplans.trends import home_goal_views
from coproduce.core.models import AuditAction, AuditEvent, AuditOutcome
from coproduce.observations.selectors import latest_per_code
from coproduce.observations.views.display import result_rows
from coproduce.patients.selectors import (
    access_log,
    care_team_members,
    enrolments_for,
    measures_for,
    own_patient_access,
)
from coproduce.reporting.selectors import reports_summary
from coproduce.visits.selectors import agenda_invite

ACCESS_LOG_PAGE_SIZE = 25
# Patients in this programme log their own dialysis sessions from the home page.
DIALYSIS_PROGRAMME = "kidney-dialysis"
# "My health" shows the care team's replies to reports of the last two weeks.
HOME_ALERT_DAYS = 14


def no_record(request: HttpRequest) -> HttpResponse:
    return render(request, "patients/no_record.html", status=200)


@role_required(Role.PATIENT)
@require_GET
def my_home(request: HttpRequest) -> HttpResponse:
    """What to do now (questionnaires due and late), the patient's goals, latest results in
    plain words, programmes and care team."""
    access = own_patient_access(request.user, purpose="my-health")
    if access is None:
        return no_record(request)
    enrolments = enrolments_for(access)
    return render(
        request,
        "patients/my_home.html",
        {
            "patient": access.patient,
            "reports_summary": reports_summary(access),
            "goals": home_goal_views(access),
            "on_dialysis": any(
                e.programme.code == DIALYSIS_PROGRAMME and e.status != "ended" for e in enrolments
            ),
            "enrolments": enrolments,
            "results": result_rows(latest_per_code(access), measures_for(access)),
            "team": care_team_members(access),
            "team_replies": alerts_for_patient(access, days=HOME_ALERT_DAYS)[:3],
            "agenda_invite": agenda_invite(access),
        },
    )


# What an audit entry means, in the words a patient would use.
THINGS = {
    "Patient": gettext_lazy("your record"),
    "Observation": gettext_lazy("your results"),
    "Enrolment": gettext_lazy("your care programmes"),
    "CareTeamMember": gettext_lazy("your care team"),
    "CarerGrant": gettext_lazy("your carers"),
    "ConsentDecision": gettext_lazy("your choices"),
    "AuditEvent": gettext_lazy("this list"),
}


def event_words(event: AuditEvent) -> str:
    thing = THINGS.get(event.entity_type, _("your record"))
    if event.outcome == AuditOutcome.DENIED:
        return _("Tried to open %(thing)s but was not allowed") % {"thing": thing}
    verbs = {
        AuditAction.READ: _("Looked at %(thing)s"),
        AuditAction.SEARCH: _("Found you in a search of %(thing)s"),
        AuditAction.CREATE: _("Added to %(thing)s"),
        AuditAction.UPDATE: _("Changed %(thing)s"),
        AuditAction.EXPORT: _("Exported %(thing)s"),
    }
    return verbs.get(event.action, _("Used %(thing)s")) % {"thing": thing}


@role_required(Role.PATIENT)
@require_GET
def my_access_log(request: HttpRequest) -> HttpResponse:
    """Who looked at or changed the patient's record, and when. Newest first, paginated."""
    access = own_patient_access(request.user, purpose="access-log")
    if access is None:
        return no_record(request)
    include_own = request.GET.get("mine") == "1"
    page = Paginator(access_log(access, include_own=include_own), ACCESS_LOG_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    roles = dict(Role.choices)
    rows = [
        (event, event_words(event), roles.get(event.actor_role, "")) for event in page.object_list
    ]
    return render(
        request,
        "patients/my_access_log.html",
        {"page": page, "rows": rows, "include_own": include_own},
    )

"""The authorization matrix (issue 2, item 13; OWASP authorization testing).

Every URL pattern in the URLconf must have an entry here saying which roles may use it.
The test enumerates the URLconf, so a new route without an entry fails the suite. Each
route is then requested by every role; routes that take a patient or object id also get
cross-patient and cross-unit id swaps; and no denial may contain patient data.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from coproduce.access.models import CarerGrant
from coproduce.alerts.models import UnitAlertSettings
from coproduce.careplans import services as goal_services
from coproduce.core.clock import now, today
from coproduce.observations import services as observation_services
from coproduce.patients import services as patient_services
from coproduce.patients.models import CareTeamMember
from coproduce.patients.selectors import patient_for_user
from coproduce.programmes.definition import built_in_programme_paths, parse_programme
from coproduce.programmes.services import programme_load
from tests import factories
from tests.factories_alerts_load import what_if_route
from tests.factories_alerts_queue import alert_for
from tests.factories_alerts_settings import lead_unit_kwargs, member_unit_kwargs, other_unit_kwargs
from tests.factories_careplans import (
    compromise_kwargs,
    other_compromise_kwargs,
    swapped_compromise_kwargs,
)
from tests.factories_decisions import (
    decision_kwargs,
    other_decision_in_own_record_kwargs,
    other_decision_kwargs,
)
from tests.factories_extracts import (
    colleague_extract_kwargs,
    extract_kwargs,
    other_network_extract_kwargs,
)
from tests.factories_panel import (
    colleague_view_kwargs,
    other_clinician_view_kwargs,
    view_kwargs,
)
from tests.factories_questionnaires import phq9_loaded, response_kwargs
from tests.factories_reporting import due_report_for, notification_for
from tests.factories_shared_screen import (
    child_shared_screen_kwargs,
    other_shared_screen_kwargs,
    shared_screen_kwargs,
    swapped_shared_screen_kwargs,
)
from tests.factories_skills import (
    checklist_kwargs,
    other_checklist_kwargs,
    other_session_kwargs,
    session_kwargs,
    swapped_checklist_kwargs,
    swapped_session_kwargs,
)
from tests.factories_tasks import (
    other_task_kwargs,
    swapped_task_kwargs,
    task_kwargs,
    team_task_kwargs,
)
from tests.factories_visits import other_visit_kwargs, swapped_visit_kwargs, visit_kwargs

ANONYMOUS, PATIENT, CARER, CLINICIAN, QI_LEAD, ADMINISTRATOR = (
    "anonymous",
    "patient",
    "carer",
    "clinician",
    "qi_lead",
    "administrator",
)
ADMIN_ONLY = frozenset({ADMINISTRATOR})
LOGGED_IN = frozenset({PATIENT, CARER, CLINICIAN, QI_LEAD, ADMINISTRATOR})
EVERYONE = LOGGED_IN | {ANONYMOUS}
NOBODY: frozenset[str] = frozenset()


@dataclass
class World:
    """The standard cast plus one object of each kind on both sides of every boundary."""

    cast: factories.Cast
    enrolment: object
    other_enrolment: object
    member: CareTeamMember
    other_member: CareTeamMember
    child_grant: CarerGrant
    patient_grant: CarerGrant
    stranger_grant: CarerGrant
    observation: object
    other_observation: object
    goal: object = None
    other_goal: object = None
    secrets: list[str] = field(default_factory=list)


Kwargs = Callable[[World], dict]


@dataclass(frozen=True)
class Route:
    allowed: frozenset[str]
    kwargs: Kwargs = lambda w: {}
    method: str = "get"
    # id swaps: kwargs that point at objects on the other side of a boundary
    swaps: tuple[Kwargs, ...] = ()
    # a role's own objects when they differ from `kwargs` (e.g. a carer's patient)
    kwargs_for: dict[str, Kwargs] = field(default_factory=dict)
    # log-in and log-out pages: a redirect to the log-in page is their normal answer
    ends_at_login: bool = False
    # the status an allowed role gets when it is not a success (e.g. 404 for a missing page)
    allowed_status: int | None = None


def own(w: World) -> dict:
    return {"patient_id": w.cast.patient.pk}


def other(w: World) -> dict:
    return {"patient_id": w.cast.other_patient.pk}


QUESTIONNAIRE_ROLES = frozenset({PATIENT, CARER, CLINICIAN})


def questionnaire_route(*, sent: bool, step: bool = False) -> Route:
    """A page of one response: each role's own response; swaps to another patient's."""

    def mine(who: str) -> Kwargs:
        return lambda w: response_kwargs(w, who, sent=sent, step=step)

    return Route(
        QUESTIONNAIRE_ROLES,
        kwargs=mine("patient"),
        kwargs_for={CARER: mine("carer"), CLINICIAN: mine("clinician")},
        swaps=(mine("other"), lambda w: {**mine("other")(w), "patient_id": w.cast.patient.pk}),
    )


def alert_route(method: str = "get") -> Route:
    """A route of one alert: the cast's patient's; swaps to another unit's patient's."""
    return Route(
        frozenset({CLINICIAN}),
        method=method,
        kwargs=lambda w: {"alert_id": alert_for(w.cast.patient).pk},
        swaps=(lambda w: {"alert_id": alert_for(w.cast.other_patient).pk},),
    )


MATRIX: dict[str, Route] = {
    # --- public -------------------------------------------------------------------------
    "health": Route(EVERYONE),
    "accounts:login": Route(EVERYONE),
    "accounts:password_reset": Route(EVERYONE),
    "accounts:password_reset_done": Route(EVERYONE),
    "accounts:password_reset_confirm": Route(
        EVERYONE, kwargs=lambda w: {"uidb64": "MQ", "token": "set-password"}
    ),
    "accounts:password_reset_complete": Route(EVERYONE),
    # --- any logged-in user ---------------------------------------------------------------
    "home": Route(LOGGED_IN),
    # Logging out ends on the log-in page, for anyone.
    "accounts:logout": Route(EVERYONE, method="post", ends_at_login=True),
    "accounts:mfa_verify": Route(LOGGED_IN),
    "accounts:mfa_setup": Route(LOGGED_IN),
    # --- patients: their own record -------------------------------------------------------
    "patients:my_home": Route(frozenset({PATIENT})),
    "patients:my_access_log": Route(frozenset({PATIENT})),
    "access:my_carers": Route(frozenset({PATIENT})),
    "access:my_consents": Route(frozenset({PATIENT})),
    "access:my_carer_revoke": Route(
        frozenset({PATIENT}),
        method="post",
        kwargs=lambda w: {"grant_id": w.patient_grant.pk},
        swaps=(
            lambda w: {"grant_id": w.child_grant.pk},
            lambda w: {"grant_id": w.stranger_grant.pk},
        ),
    ),
    "access:my_carer_agree": Route(
        frozenset({PATIENT}),
        method="post",
        kwargs=lambda w: {"grant_id": w.patient_grant.pk},
        swaps=(lambda w: {"grant_id": w.stranger_grant.pk},),
    ),
    # --- carers ---------------------------------------------------------------------------
    "patients:carer_home": Route(frozenset({CARER})),
    "patients:carer_patient": Route(
        frozenset({CARER}), kwargs=lambda w: {"patient_id": w.cast.child.pk}, swaps=(other,)
    ),
    # --- clinicians -----------------------------------------------------------------------
    "patients:patient_list": Route(frozenset({CLINICIAN})),
    "patients:patient_create": Route(frozenset({CLINICIAN})),
    "patients:patient_detail": Route(frozenset({CLINICIAN}), kwargs=own, swaps=(other,)),
    "patients:enrolment_start": Route(
        frozenset({CLINICIAN}), kwargs=own, method="post", swaps=(other,)
    ),
    "patients:enrolment_end": Route(
        frozenset({CLINICIAN}),
        method="post",
        kwargs=lambda w: {**own(w), "enrolment_id": w.enrolment.pk},
        swaps=(
            lambda w: {**other(w), "enrolment_id": w.other_enrolment.pk},
            lambda w: {**own(w), "enrolment_id": w.other_enrolment.pk},
        ),
    ),
    "patients:care_team_add": Route(
        frozenset({CLINICIAN}), kwargs=own, method="post", swaps=(other,)
    ),
    "patients:care_team_remove": Route(
        frozenset({CLINICIAN}),
        method="post",
        kwargs=lambda w: {**own(w), "member_id": w.member.pk},
        swaps=(
            lambda w: {**other(w), "member_id": w.other_member.pk},
            lambda w: {**own(w), "member_id": w.other_member.pk},
        ),
    ),
    "access:patient_carer_add": Route(
        frozenset({CLINICIAN}),
        kwargs=lambda w: {"patient_id": w.cast.child.pk},
        swaps=(other,),
    ),
    "access:patient_carer_revoke": Route(
        frozenset({CLINICIAN}),
        method="post",
        kwargs=lambda w: {"patient_id": w.cast.child.pk, "grant_id": w.child_grant.pk},
        swaps=(
            lambda w: {**other(w), "grant_id": w.stranger_grant.pk},
            lambda w: {"patient_id": w.cast.child.pk, "grant_id": w.stranger_grant.pk},
            lambda w: {"patient_id": w.cast.child.pk, "grant_id": w.patient_grant.pk},
        ),
    ),
    "observations:observation_add": Route(frozenset({CLINICIAN}), kwargs=own, swaps=(other,)),
    "observations:observation_history": Route(
        frozenset({CLINICIAN}),
        kwargs=lambda w: {**own(w), "observation_id": w.observation.pk},
        swaps=(
            lambda w: {**other(w), "observation_id": w.other_observation.pk},
            lambda w: {**own(w), "observation_id": w.other_observation.pk},
        ),
    ),
    "observations:observation_correct": Route(
        frozenset({CLINICIAN}),
        kwargs=lambda w: {**own(w), "observation_id": w.observation.pk},
        swaps=(
            lambda w: {**other(w), "observation_id": w.other_observation.pk},
            lambda w: {**own(w), "observation_id": w.other_observation.pk},
        ),
    ),
    "observations:code_help": Route(frozenset({CLINICIAN})),
    # --- dashboard and goals (patient, carer who may see reports, clinician) ---------------
    "careplans:my_dashboard": Route(frozenset({PATIENT})),
    "careplans:dashboard": Route(
        frozenset({PATIENT, CARER, CLINICIAN}), kwargs=own, swaps=(other,)
    ),
    "careplans:series_table": Route(
        frozenset({PATIENT, CARER, CLINICIAN}), kwargs=own, swaps=(other,)
    ),
    # The cast's carer may see the patient's reports but not work on the care plan.
    "careplans:goal_create": Route(frozenset({PATIENT, CLINICIAN}), kwargs=own, swaps=(other,)),
    "careplans:goal_history": Route(
        frozenset({PATIENT, CLINICIAN}),
        kwargs=lambda w: {**own(w), "goal_id": w.goal.pk},
        swaps=(
            lambda w: {**other(w), "goal_id": w.other_goal.pk},
            lambda w: {**own(w), "goal_id": w.other_goal.pk},
        ),
    ),
    # The patient set the goal; only they (or whoever proposed a goal) may change it.
    "careplans:goal_edit": Route(
        frozenset({PATIENT}),
        kwargs=lambda w: {**own(w), "goal_id": w.goal.pk},
        swaps=(
            lambda w: {**other(w), "goal_id": w.other_goal.pk},
            lambda w: {**own(w), "goal_id": w.other_goal.pk},
        ),
    ),
    "careplans:goal_stop": Route(
        frozenset({PATIENT}),
        method="post",
        kwargs=lambda w: {**own(w), "goal_id": w.goal.pk},
        swaps=(
            lambda w: {**other(w), "goal_id": w.other_goal.pk},
            lambda w: {**own(w), "goal_id": w.other_goal.pk},
        ),
    ),
    "observations:measurement_list": Route(
        frozenset({PATIENT, CARER, CLINICIAN}), kwargs=own, swaps=(other,)
    ),
    "observations:measurement_add": Route(
        frozenset({PATIENT, CARER, CLINICIAN}), kwargs=own, swaps=(other,)
    ),
    "observations:dialysis_session_list": Route(
        frozenset({PATIENT, CARER, CLINICIAN}), kwargs=own, swaps=(other,)
    ),
    "observations:dialysis_session_add": Route(
        frozenset({PATIENT, CARER, CLINICIAN}), kwargs=own, swaps=(other,)
    ),
    "observations:my_measurements": Route(frozenset({PATIENT})),
    # --- reporting: "My reports", reminders and messages (patients and carers) -------------
    "reporting:mine": Route(frozenset({PATIENT})),
    "reporting:reports": Route(
        frozenset({PATIENT, CARER}),
        kwargs=own,
        kwargs_for={CARER: lambda w: {"patient_id": w.cast.child.pk}},
        swaps=(other,),
    ),
    "reporting:snooze": Route(
        frozenset({PATIENT, CARER}),
        method="post",
        kwargs=lambda w: {**own(w), "due_report_id": due_report_for(w.cast.patient).pk},
        kwargs_for={
            CARER: lambda w: {
                "patient_id": w.cast.child.pk,
                "due_report_id": due_report_for(w.cast.child).pk,
            }
        },
        swaps=(
            lambda w: {**other(w), "due_report_id": due_report_for(w.cast.other_patient).pk},
            lambda w: {**own(w), "due_report_id": due_report_for(w.cast.other_patient).pk},
        ),
    ),
    # A carer sets reminders only for someone without their own login (the child).
    "reporting:preferences": Route(
        frozenset({PATIENT, CARER}),
        kwargs=own,
        kwargs_for={CARER: lambda w: {"patient_id": w.cast.child.pk}},
        swaps=(other,),
    ),
    # Clinicians get messages too: alerts escalated to them.
    "reporting:notifications": Route(frozenset({PATIENT, CARER, CLINICIAN})),
    "reporting:notification_read": Route(
        frozenset({PATIENT, CARER, CLINICIAN}),
        method="post",
        kwargs=lambda w: {"notification_id": notification_for(w.cast.patient.user).pk},
        kwargs_for={
            CARER: lambda w: {"notification_id": notification_for(w.cast.carer).pk},
            CLINICIAN: lambda w: {"notification_id": notification_for(w.cast.clinician).pk},
        },
        swaps=(lambda w: {"notification_id": notification_for(w.cast.other_clinician).pk},),
    ),
    "reporting:notifications_read_all": Route(
        frozenset({PATIENT, CARER, CLINICIAN}), method="post"
    ),
    # --- alerts: the queue, handling, escalation settings and load (issue 5) ---------------
    "alerts:queue": Route(frozenset({CLINICIAN})),
    "alerts:alert_detail": alert_route(),
    "alerts:alert_claim": alert_route(method="post"),
    "alerts:alert_release": alert_route(method="post"),
    "alerts:alert_acknowledge": alert_route(method="post"),
    "alerts:alert_close": alert_route(method="post"),
    # Only a unit's lead sets its office hours, phones and next responder.
    "alerts:unit_settings_list": Route(frozenset({CLINICIAN})),
    "alerts:unit_settings": Route(
        frozenset({CLINICIAN}),
        kwargs=lead_unit_kwargs,
        swaps=(other_unit_kwargs, member_unit_kwargs),
    ),
    "alerts:load": Route(frozenset({CLINICIAN, QI_LEAD})),
    # Rules are network-wide data; a rule that does not exist is "not found".
    "alerts:what_if": Route(
        frozenset({CLINICIAN, QI_LEAD}),
        kwargs=lambda w: what_if_route(),
        swaps=(
            lambda w: what_if_route(rule_id="no-such-rule"),
            lambda w: {**what_if_route(), "programme_code": "no-such-programme"},
        ),
    ),
    # The patient (and a carer who may see reports) reads what the team did about alerts.
    "alerts:mine": Route(frozenset({PATIENT})),
    "alerts:for_patient": Route(frozenset({PATIENT, CARER}), kwargs=own, swaps=(other,)),
    # --- questionnaires: filling in (patients, carers, clinicians) --------------------------
    "questionnaires:mine": Route(frozenset({PATIENT})),
    "questionnaires:my_responses": Route(QUESTIONNAIRE_ROLES, kwargs=own, swaps=(other,)),
    "questionnaires:start": Route(
        QUESTIONNAIRE_ROLES,
        kwargs=lambda w: {**own(w), "instrument_code": phq9_loaded(w)},
        swaps=(lambda w: {**other(w), "instrument_code": phq9_loaded(w)},),
    ),
    "questionnaires:step": questionnaire_route(sent=False, step=True),
    "questionnaires:review": questionnaire_route(sent=False),
    "questionnaires:done": questionnaire_route(sent=True),
    # --- visit preparation: agenda and pre-visit summary (issue 6) ---
    # The cast's carer has no care-plan scope for either patient, so writes no agenda.
    "visits:agenda": Route(
        frozenset({PATIENT}),
        kwargs=visit_kwargs,
        swaps=(other_visit_kwargs, swapped_visit_kwargs),
    ),
    "visits:visit_list": Route(frozenset({CLINICIAN}), kwargs=own, swaps=(other,)),
    "visits:visit_book": Route(frozenset({CLINICIAN}), kwargs=own, swaps=(other,)),
    "visits:visit_status": Route(
        frozenset({CLINICIAN}),
        method="post",
        kwargs=visit_kwargs,
        swaps=(other_visit_kwargs, swapped_visit_kwargs),
    ),
    "visits:pre_visit_summary": Route(
        frozenset({CLINICIAN}),
        kwargs=visit_kwargs,
        swaps=(other_visit_kwargs, swapped_visit_kwargs),
    ),
    # --- shared decisions (issue 6) ---
    # The cast's carer may see reports but not the care plan, so not the decisions.
    "decisions:mine": Route(frozenset({PATIENT})),
    "decisions:decision_list": Route(frozenset({PATIENT, CLINICIAN}), kwargs=own, swaps=(other,)),
    "decisions:decision_detail": Route(
        frozenset({PATIENT, CLINICIAN}),
        kwargs=decision_kwargs,
        swaps=(other_decision_kwargs, other_decision_in_own_record_kwargs),
    ),
    "decisions:decision_create": Route(frozenset({CLINICIAN}), kwargs=own, swaps=(other,)),
    "decisions:decision_edit": Route(
        frozenset({CLINICIAN}),
        kwargs=decision_kwargs,
        swaps=(other_decision_kwargs, other_decision_in_own_record_kwargs),
    ),
    "decisions:decision_review": Route(
        frozenset({CLINICIAN}),
        kwargs=decision_kwargs,
        swaps=(other_decision_kwargs, other_decision_in_own_record_kwargs),
    ),
    # --- countersigning patient-documented procedures (issue 6) ---
    "skills:countersign_queue": Route(frozenset({CLINICIAN})),
    "skills:session_review": Route(
        frozenset({CLINICIAN}),
        kwargs=session_kwargs,
        swaps=(other_session_kwargs, swapped_session_kwargs),
    ),
    # The cast's carer has no care-plan scope, so sees no checklists.
    "skills:mine": Route(frozenset({PATIENT})),
    "skills:checklist_list": Route(frozenset({PATIENT, CLINICIAN}), kwargs=own, swaps=(other,)),
    "skills:checklist_assign": Route(
        frozenset({CLINICIAN}), kwargs=own, method="post", swaps=(other,)
    ),
    "skills:checklist_detail": Route(
        frozenset({PATIENT, CLINICIAN}),
        kwargs=checklist_kwargs,
        swaps=(other_checklist_kwargs, swapped_checklist_kwargs),
    ),
    "skills:step_record": Route(
        frozenset({PATIENT, CLINICIAN}),
        method="post",
        kwargs=checklist_kwargs,
        swaps=(other_checklist_kwargs, swapped_checklist_kwargs),
    ),
    "skills:checklist_sign_off": Route(
        frozenset({CLINICIAN}),
        method="post",
        kwargs=checklist_kwargs,
        swaps=(other_checklist_kwargs, swapped_checklist_kwargs),
    ),
    # --- care-plan tasks (issue 6) ---
    # The cast's carer has no care-plan scope for either patient: denied, as on the care plan.
    "tasks:mine": Route(frozenset({PATIENT})),
    # The patient is sent on to My tasks (a redirect, not a denial).
    "tasks:task_list": Route(frozenset({PATIENT, CLINICIAN}), kwargs=own, swaps=(other,)),
    "tasks:task_create": Route(frozenset({CLINICIAN}), kwargs=own, swaps=(other,)),
    "tasks:task_history": Route(
        frozenset({PATIENT, CLINICIAN}),
        kwargs=task_kwargs,
        swaps=(other_task_kwargs, swapped_task_kwargs),
    ),
    "tasks:task_edit": Route(
        frozenset({CLINICIAN}),
        kwargs=task_kwargs,
        swaps=(other_task_kwargs, swapped_task_kwargs),
    ),
    "tasks:task_close": Route(
        frozenset({CLINICIAN}),
        method="post",
        kwargs=task_kwargs,
        swaps=(other_task_kwargs, swapped_task_kwargs),
    ),
    # The patient ticks their own task, a clinician the team's.
    "tasks:task_tick": Route(
        frozenset({PATIENT, CLINICIAN}),
        method="post",
        kwargs=task_kwargs,
        kwargs_for={CLINICIAN: team_task_kwargs},
        swaps=(other_task_kwargs, swapped_task_kwargs),
    ),
    "tasks:task_untick": Route(
        frozenset({PATIENT, CLINICIAN}),
        method="post",
        kwargs=task_kwargs,
        kwargs_for={CLINICIAN: team_task_kwargs},
        swaps=(other_task_kwargs, swapped_task_kwargs),
    ),
    # --- Clinician's panel (issue 6) ---
    "panel:panel": Route(frozenset({CLINICIAN})),
    "panel:view_save": Route(frozenset({CLINICIAN}), method="post"),
    "panel:view_edit": Route(
        frozenset({CLINICIAN}),
        kwargs=view_kwargs,
        swaps=(other_clinician_view_kwargs, colleague_view_kwargs),
    ),
    "panel:view_delete": Route(
        frozenset({CLINICIAN}),
        method="post",
        kwargs=view_kwargs,
        swaps=(other_clinician_view_kwargs, colleague_view_kwargs),
    ),
    # --- shared visit screen (issue 6) ---
    # The cast's carer has no care-plan scope for either patient (tested here with the
    # child), so does not see the shared screen.
    "visits:shared_screen": Route(
        frozenset({PATIENT, CLINICIAN}),
        kwargs=shared_screen_kwargs,
        kwargs_for={CARER: child_shared_screen_kwargs},
        swaps=(other_shared_screen_kwargs, swapped_shared_screen_kwargs),
    ),
    # --- care plan: goals, clinical targets, agreed compromises (issue 6) ---
    "careplans:my_care_plan": Route(frozenset({PATIENT})),
    # The cast's carer has no care-plan scope for the patient: denied.
    "careplans:care_plan": Route(frozenset({PATIENT, CLINICIAN}), kwargs=own, swaps=(other,)),
    "careplans:compromise_create": Route(frozenset({CLINICIAN}), kwargs=own, swaps=(other,)),
    "careplans:compromise_history": Route(
        frozenset({PATIENT, CLINICIAN}),
        kwargs=compromise_kwargs,
        swaps=(other_compromise_kwargs, swapped_compromise_kwargs),
    ),
    "careplans:compromise_edit": Route(
        frozenset({CLINICIAN}),
        kwargs=compromise_kwargs,
        swaps=(other_compromise_kwargs, swapped_compromise_kwargs),
    ),
    # --- QI and administration ------------------------------------------------------------
    "network:qi_home": Route(frozenset({QI_LEAD})),
    "network:admin_home": Route(frozenset({ADMINISTRATOR})),
    # Registry extracts (issue 7): QI leads only; each downloads only the extracts they made.
    "extracts:extract_list": Route(frozenset({QI_LEAD})),
    "extracts:extract_download": Route(
        frozenset({QI_LEAD}),
        kwargs=extract_kwargs,
        swaps=(colleague_extract_kwargs, other_network_extract_kwargs),
    ),
    "extracts:extract_summary": Route(
        frozenset({QI_LEAD}),
        kwargs=extract_kwargs,
        swaps=(colleague_extract_kwargs, other_network_extract_kwargs),
    ),
    # QI measure pages (issue 7, item 5): staff of the network read aggregates only; QI
    # leads and clinicians (for their own unit) add notes. With no rollups in this world
    # there is no chart to download, so the SVG answers 404 to those allowed. `measure` is
    # a catalogue code, the same for every network (no swap): the network boundary is the
    # `org` query, tested in tests/integration/measures/test_qi_pages.py.
    "measures:measure_list": Route(frozenset({CLINICIAN, QI_LEAD, ADMINISTRATOR})),
    "measures:measure_detail": Route(
        frozenset({CLINICIAN, QI_LEAD, ADMINISTRATOR}),
        kwargs=lambda w: {"measure": "ra-das28-low"},
    ),
    "measures:annotation_add": Route(
        frozenset({CLINICIAN, QI_LEAD}),
        method="post",
        kwargs=lambda w: {"measure": "ra-das28-low"},
    ),
    "measures:measure_csv": Route(
        frozenset({CLINICIAN, QI_LEAD, ADMINISTRATOR}),
        kwargs=lambda w: {"measure": "ra-das28-low"},
    ),
    "measures:measure_svg": Route(
        frozenset({CLINICIAN, QI_LEAD, ADMINISTRATOR}),
        kwargs=lambda w: {"measure": "ra-das28-low"},
        allowed_status=404,
    ),
    # The admin's own log-in and log-out send everyone to the one log-in page.
    "admin:login": Route(EVERYONE, ends_at_login=True),
    # No admin has autocomplete fields; the endpoint refuses everyone.
    "admin:autocomplete": Route(NOBODY),
    # Our models have no public pages: an administrator gets "not found", others log in.
    "admin:view_on_site": Route(
        ADMIN_ONLY, allowed_status=404, kwargs=lambda w: {"content_type_id": "1", "object_id": "1"}
    ),
    "admin/(?P<url>.*)$": Route(
        ADMIN_ONLY, allowed_status=404, kwargs=lambda w: {"url": "no-such-page/"}
    ),
    "admin:logout": Route(EVERYONE, method="post", ends_at_login=True),
}

# Django admin routes not listed above: administrators only, except what nobody may do:
# delete anything, add programmes (they come from reviewed files) or audit events.
ADMIN_NOBODY_SUFFIXES = ("_delete",)
ADMIN_NOBODY = {
    "admin:programmes_programme_add",
    "admin:core_auditevent_add",
}


def walk(patterns, prefix="", namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace
            full = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), full)
        elif isinstance(pattern, URLPattern):
            name = pattern.name and (f"{namespace}:{pattern.name}" if namespace else pattern.name)
            yield name or prefix + str(pattern.pattern), pattern


ALL_ROUTES = dict(walk(get_resolver().url_patterns))


def admin_route(name: str) -> Route:
    """The matrix entry for a Django admin route, by naming rule."""
    if name in ADMIN_NOBODY or name.endswith(ADMIN_NOBODY_SUFFIXES):
        return Route(NOBODY, kwargs=lambda w, n=name: admin_kwargs(n))
    return Route(ADMIN_ONLY, kwargs=lambda w, n=name: admin_kwargs(n))


def admin_kwargs(name: str) -> dict:
    """Arguments for an admin route: an existing object of the route's model."""
    if name == "admin:app_list":
        return {"app_label": "network"}
    if name.startswith("admin/") and "<path:object_id>" in name:  # unnamed change redirect
        app_label, model_name = name.split("/")[1:3]
        model = apps.get_model(app_label, model_name)
        return {"object_id": str(model.objects.order_by("pk").first().pk)}
    for action in ("_change", "_history", "_delete"):
        if name.endswith(action):
            app_model = name.removeprefix("admin:").removesuffix(action)
            for model in apps.get_models():
                if f"{model._meta.app_label}_{model._meta.model_name}" == app_model:
                    return {"object_id": str(model.objects.order_by("pk").first().pk)}
    return {}


def entry_for(name: str) -> Route | None:
    if name in MATRIX:
        return MATRIX[name]
    if name.startswith(("admin:", "admin/")):
        return admin_route(name)
    return None


def test_every_route_has_a_matrix_entry():
    missing = sorted(name for name in ALL_ROUTES if entry_for(name) is None)
    assert missing == [], f"routes without an authorization matrix entry: {missing}"


def test_every_matrix_entry_is_a_route():
    stale = sorted(set(MATRIX) - set(ALL_ROUTES))
    assert stale == [], f"matrix entries for routes that no longer exist: {stale}"


def test_the_admin_has_routes_for_its_models():
    assert "admin:patients_patient_changelist" not in ALL_ROUTES  # no clinical data there
    assert "admin:network_unit_changelist" in ALL_ROUTES


@pytest.fixture
def world(cast) -> World:
    programme, _ = programme_load(
        actor=None, definition=parse_programme(built_in_programme_paths()[0])
    )
    enrol = lambda patient, unit: patient_services.enrolment_start(  # noqa: E731
        actor=None, patient=patient, programme=programme, unit=unit, started_on=today()
    )
    stranger_child = factories.make_patient(
        tree=cast.tree,
        unit=cast.tree.units[1],
        birth_date=today() - dt.timedelta(days=365 * 5),
        clinicians=(cast.other_clinician,),
    )
    stranger_grant = factories.make_carer_grant(
        patient=stranger_child,
        carer=factories.make_user(role="carer", network=cast.network),
        granted_by=cast.other_clinician,
    )
    record = lambda patient: observation_services.observation_record(  # noqa: E731
        actor=None,
        patient=patient,
        code="loinc:8480-6",
        quantity=131,
        unit="mm[Hg]",
        effective_at=now() - dt.timedelta(days=1),
        source="clinician",
    )
    world = World(
        cast=cast,
        enrolment=enrol(cast.patient, cast.tree.units[0]),
        other_enrolment=enrol(cast.other_patient, cast.tree.units[1]),
        member=CareTeamMember.objects.get(care_team__patient=cast.patient, user=cast.nurse),
        other_member=CareTeamMember.objects.get(
            care_team__patient=cast.other_patient, user=cast.other_clinician
        ),
        child_grant=CarerGrant.objects.get(patient=cast.child, carer=cast.carer),
        patient_grant=CarerGrant.objects.get(patient=cast.patient, carer=cast.carer),
        stranger_grant=stranger_grant,
        observation=record(cast.patient),
        other_observation=record(cast.other_patient),
    )
    world.goal = goal_services.goal_create(
        access=patient_for_user(cast.patient.user, cast.patient.pk),
        goal_input=goal_services.GoalInput(description="Walk to the shops"),
    )
    world.other_goal = goal_services.goal_create(
        access=patient_for_user(cast.other_clinician, cast.other_patient.pk),
        goal_input=goal_services.GoalInput(description="Sleep better"),
    )
    for patient in (cast.patient, cast.child, cast.other_patient, stranger_child):
        world.secrets += [patient.family_name, patient.local_id]
    return world


def client_for(role: str, world: World, client, verified_client):
    if role == ANONYMOUS:
        return client
    return verified_client(world.cast.logins()[role])


def is_login_redirect(response) -> bool:
    location = response.headers.get("Location", "")
    return response.status_code == 302 and (
        "/accounts/login/" in location or "/admin/login/" in location
    )


def is_denied(response) -> bool:
    return response.status_code in (403, 404) or is_login_redirect(response)


def url_for(name: str, kwargs: dict) -> str:
    """A named route by reverse(); an unnamed one by filling in its pattern."""
    if not name.startswith("admin/"):
        return reverse(name, kwargs=kwargs)
    route = name.replace("(?P<url>.*)$", "<url>")
    for key, value in kwargs.items():
        route = re.sub(rf"<(\w+:)?{key}>", value, route)
    return "/" + route


def request(client, method: str, url: str):
    return getattr(client, method)(url)


def assert_no_patient_data(response, world: World, url: str, role: str) -> None:
    body = response.content.decode(errors="replace")
    leaked = [secret for secret in world.secrets if secret in body]
    assert leaked == [], f"{role} denied at {url} but the response holds patient data"


ROLES = [ANONYMOUS, PATIENT, CARER, CLINICIAN, QI_LEAD, ADMINISTRATOR]
CHECKED_ROUTES = sorted(ALL_ROUTES)


@pytest.mark.parametrize("role", ROLES)
def test_each_role_reaches_exactly_its_routes(role, world, client, verified_client):
    failures = []
    for name in CHECKED_ROUTES:
        route = entry_for(name)
        kwargs = route.kwargs_for.get(role, route.kwargs)(world)
        url = url_for(name, kwargs)
        test_client = client_for(role, world, client, verified_client)
        response = request(test_client, route.method, url)
        if route.ends_at_login:
            if response.status_code >= 400:
                failures.append(f"{name}: {role} got {response.status_code}")
        elif role in route.allowed and route.allowed_status is not None:
            if response.status_code != route.allowed_status:
                failures.append(
                    f"{name}: {role} should get {route.allowed_status}, got {response.status_code}"
                )
        elif role in route.allowed:
            if is_denied(response) or response.status_code >= 500:
                failures.append(f"{name}: {role} should be allowed, got {response.status_code}")
        else:
            if not is_denied(response):
                failures.append(f"{name}: {role} should be denied, got {response.status_code}")
            else:
                assert_no_patient_data(response, world, url, role)
    assert failures == [], "\n".join(failures)


SWAPPED = [
    (name, i) for name in CHECKED_ROUTES if (r := entry_for(name)) for i in range(len(r.swaps))
]


@pytest.mark.parametrize(("name", "swap"), SWAPPED)
def test_id_swaps_are_denied_without_patient_data(name, swap, world, client, verified_client):
    route = entry_for(name)
    for role in route.allowed - {ANONYMOUS}:
        test_client = client_for(role, world, client, verified_client)
        url = reverse(name, kwargs=route.swaps[swap](world))
        response = request(test_client, route.method, url)
        assert is_denied(response), f"{role} reached {url}: {response.status_code}"
        assert_no_patient_data(response, world, url, role)


def test_every_route_with_an_id_has_swap_tests():
    takes_id = [
        name
        for name, pattern in ALL_ROUTES.items()
        if any(key.endswith("_id") for key in pattern.pattern.converters)
        and not name.startswith("admin")
    ]
    assert takes_id, "the URLconf has routes with ids"
    without = [name for name in takes_id if not entry_for(name).swaps]
    assert without == []


def test_swapped_writes_change_nothing(world, verified_client):
    """A clinician of unit 1 posting to another unit's objects leaves them as they were."""
    client = verified_client(world.cast.clinician)
    client.post(
        reverse(
            "patients:enrolment_end",
            kwargs={**other(world), "enrolment_id": world.other_enrolment.pk},
        )
    )
    client.post(
        reverse(
            "patients:care_team_remove", kwargs={**own(world), "member_id": world.other_member.pk}
        )
    )
    client.post(
        reverse(
            "access:patient_carer_revoke",
            kwargs={"patient_id": world.cast.child.pk, "grant_id": world.stranger_grant.pk},
        )
    )
    other_alert = alert_for(world.cast.other_patient)
    for action in ("alert_claim", "alert_acknowledge"):
        client.post(reverse(f"alerts:{action}", kwargs={"alert_id": other_alert.pk}))
    client.post(
        reverse("alerts:alert_close", kwargs={"alert_id": other_alert.pk}),
        {"action": "phoned", "note": "Phoned"},
    )
    client.post(reverse("alerts:unit_settings", kwargs=other_unit_kwargs(world)), {"phone": "1"})
    for obj in (world.other_enrolment, world.other_member, world.stranger_grant, other_alert):
        obj.refresh_from_db()
    assert world.other_enrolment.status == "active"
    assert world.other_member.removed_at is None
    assert world.stranger_grant.revoked_at is None
    assert (other_alert.status, other_alert.claimed_by_id) == ("open", None)
    other_unit = other_unit_kwargs(world)["unit_id"]
    assert not UnitAlertSettings.objects.filter(unit_id=other_unit).exists()

"""The shared visit screen: one page that patient and clinician look at together in a visit
(the agenda, trends against goals and targets, the care plan, skills, decisions to review).

A read path only. Every read takes a PatientAccess (proof of the access check) and goes
through the public selectors of the apps that own the data; the whole read is audited once
here, besides the reads those selectors audit themselves.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from coproduce.access.models import CarerScope
from coproduce.access.policy import PatientAccess
from coproduce.accounts.models import Role
from coproduce.careplans.models import Goal, GoalStatus
from coproduce.careplans.selectors import (
    OWN_STREAM,
    MeasureTarget,
    Series,
    clinical_target_for,
    goals_query,
    measure_targets,
    series_all,
)
from coproduce.careplans.trends import (
    DEFAULT_PERIOD,
    GoalView,
    Trend,
    chart_goal,
    goal_views,
    spc_audience,
    trend_for,
)
from coproduce.core.audit import AuditAction, audit_record
from coproduce.core.clock import now
from coproduce.decisions.models import SharedDecision
from coproduce.decisions.selectors import decisions_for
from coproduce.skills.models import Level
from coproduce.skills.selectors import assignments_for
from coproduce.tasks.selectors import TaskView, tasks_for
from coproduce.visits.models import Visit, VisitAgenda, VisitStatus
from coproduce.visits.selectors import agenda_for

# A visit has room for a few charts; the rest of the measures are on the dashboard.
MAX_CHARTS = 4
# Decisions whose review falls within a month after the visit are brought up in it.
REVIEW_WINDOW_DAYS = 30
PURPOSE = "shared-screen"


@dataclass(frozen=True)
class Section:
    """One part of the page: its fragment template, the id of its heading, and its title
    for the in-page contents."""

    template: str
    key: str
    title: str


def sections(own_view: bool) -> tuple[Section, ...]:
    """The page's sections in order. One more section is one more line here (and its
    data in `SharedScreen`)."""
    return (
        Section("visits/shared/_agenda.html", "agenda", _("Agenda")),
        Section(
            "visits/shared/_trends.html",
            "trends",
            _("Your trends") if own_view else _("Trends"),
        ),
        Section("visits/shared/_goals.html", "goals", _("Your goals") if own_view else _("Goals")),
        Section("visits/shared/_tasks.html", "tasks", _("Your tasks") if own_view else _("Tasks")),
        Section("visits/shared/_skills.html", "skills", _("Self-management skills")),
        Section("visits/shared/_decisions.html", "decisions", _("Decisions to review")),
    )


@dataclass(frozen=True)
class LevelCount:
    level: str
    words: str
    count: int


@dataclass(frozen=True)
class SkillProgress:
    title: str
    steps: int
    levels: tuple[LevelCount, ...]  # every level in order, with how many steps are at it
    signed_off_at: dt.datetime | None


@dataclass(frozen=True)
class DecisionToReview:
    decision: SharedDecision
    choice: str  # the chosen option in words, or "" when not yet decided
    undecided: bool  # on the screen because it is not decided yet (else: review due)


@dataclass(frozen=True)
class SharedScreen:
    visit: Visit
    visit_day: dt.date
    own_view: bool
    agenda: VisitAgenda | None
    trends: tuple[Trend, ...]
    more_measures: int  # measures with values that have no chart here
    goals: tuple[GoalView, ...]
    tasks: tuple[TaskView, ...]  # open care-plan tasks, those needing doing now first
    skills: tuple[SkillProgress, ...]
    decisions: tuple[DecisionToReview, ...]
    sections: tuple[Section, ...]


def may_see_shared_screen(access: PatientAccess) -> bool:
    """The patient, their clinicians, and carers allowed to work on the care plan."""
    if access.as_role == Role.CARER:
        return access.can(CarerScope.CARE_PLAN)
    return access.as_role in (Role.PATIENT, Role.CLINICIAN)


def chosen_trends(
    series: tuple[Series, ...],
    targets: dict[str, MeasureTarget],
    goals: tuple[Goal, ...],
    *,
    zone: ZoneInfo,
    own_view: bool,
    spc_audience: str | None = None,
) -> tuple[tuple[Trend, ...], int]:
    """Charts of the programme's measures (and of measures with an active goal) that have
    values in the patient's own stream, the most recently measured first, at most
    MAX_CHARTS; and how many such measures are left out."""
    goal_codes = {g.measure_code for g in goals if g.measure_code}
    followed = [
        s
        for s in series
        if s.stream == OWN_STREAM and s.count and (s.code in targets or s.code in goal_codes)
    ]
    followed.sort(key=lambda s: (s.latest.at, s.code), reverse=True)
    end = now()
    trends = tuple(
        trend_for(
            one,
            index=index,
            period=DEFAULT_PERIOD,
            end=end,
            goal=chart_goal(goals, one.code),
            target=targets.get(one.code),
            own_view=own_view,
            zone=zone,
            personal_target=clinical_target_for(goals, one.code),
            spc_audience=spc_audience,
        )
        for index, one in enumerate(followed[:MAX_CHARTS])
    )
    return trends, max(0, len(followed) - MAX_CHARTS)


def goals_with_progress(
    series: tuple[Series, ...], goals: tuple[Goal, ...], *, zone: ZoneInfo
) -> tuple[GoalView, ...]:
    """Active goals, the patient's own first and then the clinical targets, each with its
    target and the latest value of the patient's own stream against it in words."""
    codes = {g.measure_code for g in goals if g.measure_code}
    latest = {s.code: s.latest for s in series if s.stream == OWN_STREAM and s.code in codes}
    day = timezone.localtime(now(), zone).date()
    views = goal_views(goals, latest, zone=zone, today=day)
    return tuple(sorted(views, key=lambda v: v.is_clinical_target))


def skills_progress(access: PatientAccess) -> tuple[SkillProgress, ...]:
    """For each assigned checklist: how many steps are at each level."""
    rows = []
    for view in assignments_for(access):
        levels = tuple(
            LevelCount(str(value), str(words), sum(1 for s in view.steps if s.level == value))
            for value, words in Level.choices
        )
        rows.append(
            SkillProgress(
                title=view.checklist.title,
                steps=len(view.steps),
                levels=levels,
                signed_off_at=view.assignment.signed_off_at,
            )
        )
    return tuple(rows)


def decisions_to_review(access: PatientAccess, visit_day: dt.date) -> tuple[DecisionToReview, ...]:
    """Decisions not made yet, and decisions whose review date is on or before a month
    after the visit and that have not been reviewed; those to review soonest first."""
    by = visit_day + dt.timedelta(days=REVIEW_WINDOW_DAYS)
    rows = []
    for decision in decisions_for(access):
        undecided = not decision.is_decided
        review_due = (
            decision.is_decided
            and decision.review_on is not None
            and decision.review_on <= by
            and not decision.review_outcome
        )
        if not (undecided or review_due):
            continue
        chosen = decision.chosen_option()
        rows.append(DecisionToReview(decision, chosen["title"] if chosen else "", undecided))
    rows.sort(
        key=lambda r: (r.undecided, r.decision.review_on or visit_day, r.decision.pk),
    )
    return tuple(rows)


def shared_screen_read(access: PatientAccess, visit: Visit) -> SharedScreen:
    """Everything the shared screen shows for one of the patient's visits (audited)."""
    if not may_see_shared_screen(access):
        raise PermissionDenied(_("You cannot see this person's care plan."))
    if visit.patient_id != access.patient.pk:
        raise PermissionDenied(_("This visit is not in this record."))
    zone = ZoneInfo(access.patient.home_unit.time_zone)
    own_view = access.as_role == Role.PATIENT
    visit_day = timezone.localtime(visit.starts_at, zone).date()
    # One read of the values, the targets and the goals serves the charts and the goals.
    series = series_all(access)
    goals = tuple(goals_query(access).filter(status=GoalStatus.ACTIVE))
    trends, more = chosen_trends(
        series,
        measure_targets(access),
        goals,
        zone=zone,
        own_view=own_view,
        spc_audience=spc_audience(access),
    )
    screen = SharedScreen(
        visit=visit,
        visit_day=visit_day,
        own_view=own_view,
        agenda=agenda_for(access, visit),
        trends=trends,
        more_measures=more,
        goals=goals_with_progress(series, goals, zone=zone),
        tasks=tuple(tasks_for(access)),
        skills=skills_progress(access),
        decisions=decisions_to_review(access, visit_day),
        sections=sections(own_view),
    )
    audit_record(
        actor=access.user,
        action=AuditAction.READ,
        entity_type="Visit",
        entity_id=visit.pk,
        patient_id=access.patient.pk,
        purpose=PURPOSE,
        detail={
            "codes": [t.code for t in trends],
            "goals": [g.goal.pk for g in screen.goals],
            "tasks": [t.pk for t in screen.tasks],
            "decisions": [d.decision.pk for d in screen.decisions],
            "checklists": len(screen.skills),
        },
    )
    return screen


def visit_is_shown(visit: Visit) -> bool:
    """A cancelled visit has nothing to look at together."""
    return visit.status != VisitStatus.CANCELLED

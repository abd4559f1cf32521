"""Which rollup cells new or changed data touch, read from watermarks.

Three sources of change, each with a watermark (`RollupWatermark`):

- `observation`: rows with an id above the watermark. New values, bulk imports and
  corrections (a correction is a new row; the row it replaces is touched too).
- `enrolment`: new enrolments, bulk imports included (they change populations).
- `audit`: the audit trail, which every service writes in the transaction of its change.
  It shows the changes that do not add a row: an observation or response entered in error,
  a visit done, an agenda written, a goal set or stopped, an alert acknowledged, a due
  report completed or missed, an enrolment ended, a patient's details changed.

A concurrent transaction can take a lower id and commit after a higher one; so rows just
below a watermark that were written within `LATE_COMMIT` of the last run are read again.
Recomputing a period twice is harmless.

A change touches a (measure, period): the grain of recomputation is one period of one
measure for all units, because a late value can move a patient's latest value of the
period from one unit to another, and a period is one grouped query.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Max, Min, Q, QuerySet

from coproduce.alerts.models import Alert
from coproduce.careplans.models import Goal
from coproduce.core.models import AuditAction, AuditEvent
from coproduce.measures.compute import add_months, period_start_of, periods_between
from coproduce.measures.definition import MeasureDefinition
from coproduce.observations.models import Observation
from coproduce.patients.models import Enrolment
from coproduce.questionnaires.models import QuestionnaireResponse
from coproduce.reporting.models import DueReport
from coproduce.visits.models import Visit, VisitAgenda

# Late commits: rows with an id up to OVERLAP_IDS below the watermark are read again when
# they were written less than LATE_COMMIT before the last run (a concurrent transaction can
# take a lower id and commit after a higher one).
OVERLAP_IDS = {"observation": 10_000, "enrolment": 1_000, "audit": 5_000}
LATE_COMMIT = dt.timedelta(minutes=2)
CHANGING_ACTIONS = (AuditAction.CREATE, AuditAction.UPDATE, AuditAction.DELETE)
# Due-report status changes are audited per patient without report ids (one event per
# refresh); the reports they can have changed close within this many days of the event.
DUE_REPORT_REACH = dt.timedelta(days=60)


def as_day(value: dt.date | dt.datetime) -> dt.date:
    return value.astimezone(dt.UTC).date() if isinstance(value, dt.datetime) else value


@dataclass
class Changes:
    """Days on which changed rows were dated, by what they feed. `points` touch the period
    of the day; `onwards` touch every period from the day's to today."""

    points: dict[str, set[dt.date]] = field(default_factory=lambda: defaultdict(set))
    onwards: dict[str, dt.date] = field(default_factory=dict)

    def point(self, key: str, day: dt.date | dt.datetime | None) -> None:
        if day is not None:
            self.points[key].add(as_day(day))

    def onward(self, key: str, day: dt.date | dt.datetime | None) -> None:
        if day is None:
            return
        day = as_day(day)
        self.onwards[key] = min(day, self.onwards.get(key, day))


def current_marks() -> dict[str, int]:
    """The highest id of each watched table now."""
    return {
        "observation": Observation.objects.aggregate(m=Max("pk"))["m"] or 0,
        "enrolment": Enrolment.objects.aggregate(m=Max("pk"))["m"] or 0,
        "audit": AuditEvent.objects.aggregate(m=Max("pk"))["m"] or 0,
    }


def since_mark(
    rows: QuerySet, after: int, upto: int, since: dt.datetime | None, time_field: str, source: str
) -> QuerySet:
    """Rows above the watermark, and rows just below it written late."""
    rows = rows.filter(pk__lte=upto)
    if since is None:
        return rows.filter(pk__gt=after)
    late = Q(pk__gt=after - OVERLAP_IDS[source], **{f"{time_field}__gte": since})
    return rows.filter(Q(pk__gt=after) | late)


def observation_changes(changes: Changes, after: int, upto: int, since=None) -> None:
    new = since_mark(Observation.objects.all(), after, upto, since, "recorded_at", "observation")
    for code, first, last in (
        new.order_by()
        .values("code")
        .annotate(first=Min("effective_at"), last=Max("effective_at"))
        .values_list("code", "first", "last")
    ):
        # Usually one day or a few; a back-filled import marks each period it spans.
        changes.point(f"obs:{code}", first)
        changes.point(f"obs:{code}", last)
        if first is not None and as_day(first) != as_day(last):
            for day in new.filter(code=code).dates("effective_at", "month"):
                changes.point(f"obs:{code}", day)
    for code, when in new.filter(replaces__isnull=False).values_list(
        "replaces__code", "replaces__effective_at"
    ):
        changes.point(f"obs:{code}", when)


def enrolment_changes(changes: Changes, after: int, upto: int, since=None) -> None:
    # No time on the row: enrolments made through the service are audited as well.
    first = Enrolment.objects.filter(pk__gt=after, pk__lte=upto).aggregate(m=Min("started_on"))
    changes.onward("enrolments", first["m"])


def ids_of(events: list[AuditEvent]) -> list[int]:
    return [int(e.entity_id) for e in events if e.entity_id.isdigit()]


def audit_changes(changes: Changes, after: int, upto: int, since=None) -> None:
    events: dict[str, list[AuditEvent]] = defaultdict(list)
    changing = AuditEvent.objects.filter(action__in=CHANGING_ACTIONS)
    for event in since_mark(changing, after, upto, since, "occurred_at", "audit").only(
        "entity_type", "entity_id", "patient_id", "occurred_at", "action"
    ):
        events[event.entity_type].append(event)
    for code, when in Observation.objects.filter(pk__in=ids_of(events["Observation"])).values_list(
        "code", "effective_at"
    ):
        changes.point(f"obs:{code}", when)
    for when in QuestionnaireResponse.objects.filter(
        pk__in=ids_of(events["QuestionnaireResponse"])
    ).values_list("authored_at", flat=True):
        changes.point("responses", when)
    for when in Alert.objects.filter(pk__in=ids_of(events["Alert"])).values_list(
        "opened_at", flat=True
    ):
        changes.point("alerts", when)
    for when in Visit.objects.filter(pk__in=ids_of(events["Visit"])).values_list(
        "starts_at", flat=True
    ):
        changes.point("visits", when)
    for when in VisitAgenda.objects.filter(pk__in=ids_of(events["VisitAgenda"])).values_list(
        "visit__starts_at", flat=True
    ):
        changes.point("visits", when)
    first_goal = Goal.objects.filter(pk__in=ids_of(events["Goal"])).aggregate(m=Min("proposed_at"))
    changes.onward("goals", first_goal["m"])
    for event in events["DueReport"]:
        reports = DueReport.objects.filter(
            closes_at__gte=event.occurred_at - DUE_REPORT_REACH,
            closes_at__lte=event.occurred_at + DUE_REPORT_REACH,
        )
        if event.entity_id.isdigit():
            reports = reports.filter(pk=int(event.entity_id))
        elif event.patient_id is not None:
            reports = reports.filter(patient_id=event.patient_id)
        for when in reports.values_list("closes_at", flat=True):
            changes.point("due-reports", when)
    enrolments = Enrolment.objects.in_bulk(ids_of(events["Enrolment"]))
    for event in events["Enrolment"]:
        row = enrolments.get(int(event.entity_id)) if event.entity_id.isdigit() else None
        if row is None:
            continue
        if event.action == AuditAction.CREATE:
            changes.onward("enrolments", row.started_on)
        else:  # ended (or paused): the periods from the end on
            changes.onward("enrolments", row.ended_on or event.occurred_at)
    # A patient's details (sex, language, ...) move them between strata in every period.
    changed = [int(e.entity_id) for e in events["Patient"] if e.action == AuditAction.UPDATE]
    first = Enrolment.objects.filter(patient_id__in=changed).aggregate(m=Min("started_on"))
    changes.onward("enrolments", first["m"])


def touched_periods(
    definition: MeasureDefinition, changes: Changes, today: dt.date
) -> set[dt.date]:
    """The periods of one measure that the changes touch (up to the current period)."""
    period = definition.period
    last = period_start_of(today, period)
    found: set[dt.date] = set()

    def points(key: str, before_days: int = 0) -> None:
        for day in changes.points.get(key, ()):
            first = day - dt.timedelta(days=before_days)
            found.update(p for p in periods_between(first, day, period) if p <= last)

    def onwards(key: str) -> None:
        if key in changes.onwards:
            found.update(periods_between(min(changes.onwards[key], today), today, period))

    def lookback(key: str, months: int) -> None:
        # A value on `day` is in the look-back of the periods starting up to `months` later.
        for day in changes.points.get(key, ()):
            end = min(today, add_months(day, months))
            found.update(periods_between(day, max(day, end), period))

    spec = definition.value or definition.denominator
    if spec.source == "observation":
        window = spec.after_enrolment_days
        # A value later in the window can take over from one in an earlier period.
        points(f"obs:{spec.code}", window[1] - window[0] if window else 0)
    elif spec.source != "patients":  # patients: their enrolments, below
        points(
            {
                "due-reports": "due-reports",
                "visits": "visits",
                "alerts": "alerts",
                "questionnaire-responses": "responses",
            }[spec.source]
        )
    numerator = definition.numerator
    if numerator is not None and numerator.code:
        points(f"obs:{numerator.code}")
    if numerator is not None and numerator.with_ == "own-goal":
        onwards("goals")
    required = definition.population.requires
    if required is not None:
        lookback(f"obs:{required.code}", required.lookback_months)
    onwards("enrolments")
    return found

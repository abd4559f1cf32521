"""The clinician's panel: one row per visible patient, built with a fixed number of queries
(correlated subqueries per column), never one query per row."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import (
    Case,
    Count,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from coproduce.accounts.models import User
from coproduce.alerts.models import Alert, AlertStatus, Severity
from coproduce.core.audit import AuditAction, audit_record
from coproduce.core.clock import now
from coproduce.patients.models import Patient
from coproduce.patients.selectors import patients_visible_to
from coproduce.reporting.models import DueReport, DueStatus
from coproduce.visits.models import Visit, VisitStatus

# Sort keys a request may ask for, and the annotation each sorts on.
SORTS = {
    "name": ("family_name", "given_name"),
    "alerts": ("open_alerts",),
    "severity": ("severity_rank",),
    "due": ("due_reports",),
    "overdue": ("overdue_reports",),
    "last_visit": ("last_visit",),
    "next_visit": ("next_visit",),
}
STATUS_FILTERS = {
    "overdue": Q(overdue_reports__gt=0),
    "alerts": Q(open_alerts__gt=0),
}


@dataclass(frozen=True)
class PanelRow:
    patient: Patient
    open_alerts: int
    severity: str
    due_reports: int
    overdue_reports: int
    last_visit: object
    next_visit: object

    @property
    def severity_label(self) -> str:
        return Severity(self.severity).label if self.severity else ""


def _count(queryset, **filters):
    return Coalesce(
        Subquery(
            queryset.filter(patient=OuterRef("pk"), **filters)
            .order_by()
            .values("patient")
            .annotate(n=Count("pk"))
            .values("n")[:1],
            output_field=IntegerField(),
        ),
        Value(0),
    )


def panel_rows(user: User, *, status: str = "", sort: str = "name", descending: bool = False):
    """Rows for every patient `user` may see (the clinician patient list's rule), filtered
    by `status` and sorted by `sort`. Unknown keys must be rejected by the caller."""
    at = now()
    active = Alert.objects.filter(status__in=[AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED])
    pending = DueReport.objects.filter(status=DueStatus.PENDING, closes_at__gt=at)
    rank = Case(
        When(severity=Severity.URGENT, then=Value(0)),
        When(severity=Severity.HIGH, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    worst = (
        active.filter(patient=OuterRef("pk"))
        .annotate(rank=rank)
        .order_by("rank")
        .values("rank")[:1]
    )
    visits = Visit.objects.filter(patient=OuterRef("pk")).order_by()
    patients = patients_visible_to(user).annotate(
        open_alerts=_count(active),
        severity_rank=Coalesce(Subquery(worst, output_field=IntegerField()), Value(9)),
        due_reports=_count(pending, opens_at__lte=at, due_at__gt=at),
        overdue_reports=_count(pending, due_at__lte=at),
        last_visit=Subquery(
            visits.filter(starts_at__lte=at, status=VisitStatus.DONE)
            .values("patient")
            .annotate(m=Max("starts_at"))
            .values("m")[:1]
        ),
        next_visit=Subquery(
            visits.filter(starts_at__gt=at, status=VisitStatus.SCHEDULED)
            .values("patient")
            .annotate(m=Min("starts_at"))
            .values("m")[:1]
        ),
    )
    if status in STATUS_FILTERS:
        patients = patients.filter(STATUS_FILTERS[status])
    fields = SORTS.get(sort, SORTS["name"])
    order = [f"-{f}" if descending else f for f in fields]
    patients = patients.select_related("home_unit").order_by(*order, "pk")
    severities = {0: Severity.URGENT, 1: Severity.HIGH, 2: Severity.ROUTINE}
    rows = [
        PanelRow(
            patient=p,
            open_alerts=p.open_alerts,
            severity=severities.get(p.severity_rank, ""),
            due_reports=p.due_reports,
            overdue_reports=p.overdue_reports,
            last_visit=p.last_visit,
            next_visit=p.next_visit,
        )
        for p in patients
    ]
    audit_record(
        actor=user,
        action=AuditAction.SEARCH,
        entity_type="Patient",
        detail={"results": len(rows), "patient_ids": [r.patient.pk for r in rows], "panel": True},
    )
    return rows

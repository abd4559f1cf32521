"""Reads of the organisation and of per-unit aggregates.

Aggregates hold counts only, never a patient; small counts are suppressed so that no one can
be singled out from a table (statistical disclosure control).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncMonth

from coproduce.accounts.models import Role, User
from coproduce.core.audit import AuditAction, audit_record
from coproduce.core.clock import now, today
from coproduce.core.models import AuditEvent
from coproduce.network.models import Network, Region, Unit
from coproduce.observations.models import Observation
from coproduce.patients.models import Enrolment, EnrolmentStatus, Patient
from coproduce.programmes.models import Programme

# Counts from 1 to 10 are not shown (the NHS Digital / ONS small-number rule: suppress 1–10).
SMALL_COUNT_MAX = 10
MONTHS_SHOWN = 12


def suppressed(count: int) -> int | None:
    """The count if it may be shown, None if it is a small number (1–10). Zero is shown:
    it singles out no one."""
    if 1 <= count <= SMALL_COUNT_MAX:
        return None
    return count


def staff_units(user: User) -> QuerySet[Unit]:
    """The units where `user` works today."""
    day = today()
    return (
        Unit.objects.filter(
            Q(memberships__ended_on__isnull=True) | Q(memberships__ended_on__gte=day),
            memberships__user=user,
            memberships__started_on__lte=day,
        )
        .select_related("region")
        .distinct()
        .order_by("name", "pk")
    )


@dataclass(frozen=True)
class UnitCounts:
    """One unit's row. Each count is an int, or None when suppressed."""

    unit: Unit
    patients: int | None
    enrolments: tuple[int | None, ...]  # aligned with NetworkCounts.programmes
    observations: tuple[int | None, ...]  # aligned with NetworkCounts.months


@dataclass(frozen=True)
class NetworkCounts:
    network: Network
    programmes: tuple[Programme, ...]
    months: tuple[dt.date, ...]
    units: tuple[UnitCounts, ...]


def month_starts(day: dt.date, count: int) -> tuple[dt.date, ...]:
    """The first days of the `count` calendar months ending with `day`'s month, oldest first."""
    year, month = day.year, day.month
    starts = []
    for _ in range(count):
        starts.append(dt.date(year, month, 1))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return tuple(reversed(starts))


def network_unit_counts(user: User) -> NetworkCounts | None:
    """Per-unit counts for the user's network: patients, active enrolments per programme and
    observations per month over the last 12 months. Audited as one aggregate read."""
    network = user.network
    if network is None:
        return None
    units = list(
        Unit.objects.filter(region__network=network)
        .select_related("region")
        .order_by("region__name", "name", "pk")
    )
    programmes = tuple(Programme.objects.order_by("title"))
    months = month_starts(today(), MONTHS_SHOWN)
    first = dt.datetime.combine(months[0], dt.time.min, tzinfo=dt.UTC)

    patients = dict(
        Patient.objects.filter(network=network)
        .values_list("home_unit")
        .annotate(n=Count("pk"))
        .values_list("home_unit", "n")
    )
    enrolments = {
        (unit_id, programme_id): n
        for unit_id, programme_id, n in Enrolment.objects.filter(
            unit__region__network=network, status=EnrolmentStatus.ACTIVE
        )
        .values_list("unit", "programme")
        .annotate(n=Count("pk"))
        .values_list("unit", "programme", "n")
    }
    observations = {
        (unit_id, month.date() if isinstance(month, dt.datetime) else month): n
        for unit_id, month, n in Observation.objects.filter(
            unit__in=[u.pk for u in units], effective_at__gte=first, is_current=True
        )
        .annotate(month=TruncMonth("effective_at", tzinfo=dt.UTC))
        .values_list("unit", "month")
        .annotate(n=Count("pk"))
        .values_list("unit", "month", "n")
    }
    rows = tuple(
        UnitCounts(
            unit=unit,
            patients=suppressed(patients.get(unit.pk, 0)),
            enrolments=tuple(suppressed(enrolments.get((unit.pk, p.pk), 0)) for p in programmes),
            observations=tuple(suppressed(observations.get((unit.pk, m), 0)) for m in months),
        )
        for unit in units
    )
    audit_record(
        actor=user,
        action=AuditAction.READ,
        entity_type="UnitAggregate",
        entity_id=network.pk,
        detail={"units": len(units), "months": MONTHS_SHOWN},
    )
    return NetworkCounts(network=network, programmes=programmes, months=months, units=rows)


@dataclass(frozen=True)
class OrganisationOverview:
    network: Network
    regions: tuple[Region, ...]  # each with .unit_rows: list of (Unit, member count)
    users_by_role: tuple[tuple[str, int], ...]
    programmes: tuple[Programme, ...]
    recent_events: tuple[AuditEvent, ...]


AUDIT_EVENTS_SHOWN = 25


def organisation_overview(user: User) -> OrganisationOverview | None:
    """What an administrator sees on their home page: no patient data, ids only."""
    network = user.network
    if network is None:
        return None
    day = today()
    active_members = Count(
        "memberships",
        filter=Q(memberships__started_on__lte=day)
        & (Q(memberships__ended_on__isnull=True) | Q(memberships__ended_on__gte=day)),
    )
    regions = list(Region.objects.filter(network=network).order_by("name", "pk"))
    units = Unit.objects.filter(region__network=network).annotate(members=active_members)
    by_region: dict[int, list[Unit]] = {}
    for unit in units.order_by("name", "pk"):
        by_region.setdefault(unit.region_id, []).append(unit)
    for region in regions:
        region.unit_rows = by_region.get(region.pk, [])
    role_counts = dict(
        User.objects.filter(network=network, is_active=True)
        .values_list("role")
        .annotate(n=Count("pk"))
        .values_list("role", "n")
    )
    events = AuditEvent.objects.filter(Q(actor__network=network) | Q(actor__isnull=True)).order_by(
        "-occurred_at", "-pk"
    )[:AUDIT_EVENTS_SHOWN]
    audit_record(
        actor=user,
        action=AuditAction.READ,
        entity_type="OrganisationOverview",
        entity_id=network.pk,
        detail={"at": now().isoformat()},
    )
    return OrganisationOverview(
        network=network,
        regions=tuple(regions),
        users_by_role=tuple((role.label, role_counts.get(role.value, 0)) for role in Role),
        programmes=tuple(Programme.objects.order_by("title")),
        recent_events=tuple(events),
    )

"""The read path of registry extracts: who may make and download them, and the patients and
rows an extract holds. Consent is read as it stood at the extract's `created_at`."""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Iterator
from dataclasses import dataclass
from functools import reduce

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, Max, Min, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import ExtractDay, ExtractMonth, ExtractYear, TruncMonth
from django.utils.translation import gettext as _

from coproduce.access.models import ConsentDecision
from coproduce.access.policy import years_ago
from coproduce.accounts.models import Role, User
from coproduce.core.ids import as_pk
from coproduce.extracts.models import RegistryExtract
from coproduce.extracts.purposes import PURPOSE_RULES
from coproduce.network.models import Network, Unit
from coproduce.observations.models import Observation
from coproduce.patients.models import Enrolment, Patient
from coproduce.programmes.models import ClinicalMeasure, Programme

# Who may make and download extracts: QI leads of the network. Administrators manage the
# organisation and need no patient rows (least privilege; docs/adr/0018).
MAKERS = frozenset({Role.QI_LEAD})
ROWS_PER_CHUNK = 2_000


def checked_maker(user: User) -> Network:
    """The network whose extracts `user` may make, or PermissionDenied."""
    if not user.is_authenticated or not user.is_active:
        raise PermissionDenied(_("Registry extracts are for quality-improvement leads."))
    if user.role not in MAKERS:
        raise PermissionDenied(_("Registry extracts are for quality-improvement leads."))
    if user.network_id is None:
        raise PermissionDenied(_("Your account is not part of a network yet."))
    return user.network


def extract_units(user: User) -> QuerySet[Unit]:
    """The units a QI lead may extract from: every unit of their network."""
    network = checked_maker(user)
    return Unit.objects.filter(region__network=network).order_by("name", "pk")


def extract_programmes() -> QuerySet[Programme]:
    return Programme.objects.order_by("title", "pk")


def extracts_of_network(user: User) -> QuerySet[RegistryExtract]:
    """Every extract made in the user's network, newest first (who made what, and why, is
    visible to every QI lead of the network)."""
    network = checked_maker(user)
    return (
        RegistryExtract.objects.filter(network=network)
        .select_related("created_by")
        .order_by("-created_at", "-pk")
    )


def extract_for_download(user: User, extract_id: object) -> RegistryExtract:
    """An extract the user made, ready to download; PermissionDenied otherwise (the same
    answer for another network's extract, another lead's extract and a missing one)."""
    network = checked_maker(user)
    pk = as_pk(extract_id)
    extract = (
        RegistryExtract.objects.filter(pk=pk, network=network, created_by=user).first()
        if pk is not None
        else None
    )
    if extract is None:
        raise PermissionDenied(_("This extract is not one of yours."))
    return extract


# --- The patients and rows of one extract ---------------------------------------------------


@dataclass(frozen=True)
class ExtractScope:
    """What one extract covers, read from its record."""

    network: Network
    purpose: str
    at: dt.datetime  # consent and data as they stood at this moment
    programme_codes: tuple[str, ...]
    unit_ids: tuple[int, ...]
    start: dt.datetime  # first moment of the first month (UTC)
    end: dt.datetime  # first moment after the last month (UTC)
    equity: bool

    @classmethod
    def of(cls, extract: RegistryExtract) -> ExtractScope:
        f = extract.filters
        first = dt.date.fromisoformat(f"{f['first_month']}-01")
        last = dt.date.fromisoformat(f"{f['last_month']}-01")
        after = dt.date(last.year + (last.month == 12), last.month % 12 + 1, 1)
        return cls(
            network=extract.network,
            purpose=extract.purpose,
            at=extract.created_at,
            programme_codes=tuple(f["programmes"]),
            unit_ids=tuple(f["units"]),
            start=dt.datetime.combine(first, dt.time.min, tzinfo=dt.UTC),
            end=dt.datetime.combine(after, dt.time.min, tzinfo=dt.UTC),
            equity=bool(f["equity"]),
        )


def date_number(field: str):
    """A date as the number YYYYMMDD, so that (later - earlier) // 10000 is whole years of
    age with the same arithmetic on SQLite and PostgreSQL."""
    return ExtractYear(field) * 10000 + ExtractMonth(field) * 100 + ExtractDay(field)


def consenting(patients: QuerySet[Patient], scope: ExtractScope) -> QuerySet[Patient]:
    """The patients whose consent in force at `scope.at` allows the purpose.

    Registry (opt-out): in unless the latest registry decision is a refusal (whoever
    recorded it: an opt-out is always honoured).
    Research (opt-in): only when the latest research decision is a yes. For a patient who
    has reached the network's `own_consent_from_age` (ADR 0009) the yes must be their own:
    recorded when they were that age or older, and not by a carer. So a parent's opt-in
    for a child, or one made when the child was 12, does not carry on once the patient is
    old enough to decide; they are left out until they say yes themselves."""
    rule = PURPOSE_RULES[scope.purpose]
    latest = ConsentDecision.objects.filter(
        patient=OuterRef("pk"), kind=rule.consent_kind, recorded_at__lte=scope.at
    ).order_by("-recorded_at", "-pk")
    patients = patients.annotate(consent_given=Subquery(latest.values("given")[:1]))
    if rule.opt_out:
        return patients.filter(Q(consent_given__isnull=True) | Q(consent_given=True))
    own_age = scope.network.own_consent_from_age
    cutoff = years_ago(scope.at.date(), own_age)
    patients = patients.annotate(
        consent_at=Subquery(latest.values("recorded_at")[:1]),
        consent_by_role=Subquery(latest.values("recorded_by__role")[:1]),
    ).annotate(consent_age=date_number("consent_at") - date_number("birth_date"))
    too_young_to_decide = Q(birth_date__gt=cutoff)
    own_decision = Q(consent_age__gte=own_age * 10000) & ~Q(consent_by_role=Role.CARER)
    return patients.filter(consent_given=True).filter(too_young_to_decide | own_decision)


def programme_codes(programme_code: str) -> tuple[str, ...]:
    """The observation codes a programme follows (its clinical measures)."""
    return tuple(
        ClinicalMeasure.objects.filter(programme__code=programme_code)
        .order_by("code")
        .values_list("code", flat=True)
    )


def observation_q(scope: ExtractScope, codes: tuple[str, ...]) -> Q:
    """The observations an extract may hold: current, in the period, recorded by the
    extract's moment, with a number or a code (free text never leaves), not marked
    confidential."""
    return (
        Q(code__in=codes)
        & Q(is_current=True)
        & Q(is_confidential=False)
        & Q(effective_at__gte=scope.start)
        & Q(effective_at__lt=scope.end)
        & Q(recorded_at__lte=scope.at)
        & (Q(value_quantity__isnull=False) | ~Q(value_code=""))
    )


def enrolled_q(scope: ExtractScope, programme_code: str) -> Q:
    """Patients enrolled in the programme at some time in the period. A plain (not
    correlated) subquery: the database reads the programme's enrolments once, where a
    correlated EXISTS let SQLite scan them for every patient."""
    enrolled = (
        Enrolment.objects.filter(
            programme_id=Programme.objects.filter(code=programme_code).values("pk")[:1],
            started_on__lt=scope.end.date(),
        )
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=scope.start.date()))
        .values("patient_id")
    )
    return Q(pk__in=enrolled)


def programme_patients(scope: ExtractScope, programme_code: str) -> QuerySet[Patient]:
    """Consenting patients of the chosen units enrolled in the programme in the period."""
    base = Patient.objects.filter(network=scope.network, home_unit_id__in=scope.unit_ids)
    return consenting(base, scope).filter(enrolled_q(scope, programme_code))


def extract_patients(scope: ExtractScope) -> QuerySet[Patient]:
    """Every patient with at least one row in the extract."""
    with_rows = []
    for code in scope.programme_codes:
        observations = Observation.objects.filter(
            observation_q(scope, programme_codes(code)), patient=OuterRef("pk")
        )
        in_programme = Q(pk__in=programme_patients(scope, code).values("pk"))
        with_rows.append(in_programme & Q(Exists(observations)))
    return Patient.objects.filter(reduce(operator.or_, with_rows, Q(pk__in=[])))


QUASI_FIELDS = (
    "birth_year",
    "sex",
    "home_unit_id",
    "ethnicity",
    "deprivation_quintile",
    "preferred_language",
)


def quasi_identifier_counts(scope: ExtractScope) -> Iterator[tuple[tuple, int]]:
    """Patients per combination of quasi-identifier values (raw values), one query."""
    rows = (
        extract_patients(scope)
        .annotate(birth_year=ExtractYear("birth_date"))
        .values(*QUASI_FIELDS)
        .annotate(n=Count("pk"))
        .order_by()
        .values_list(*QUASI_FIELDS, "n")
    )
    for *values, n in rows.iterator(chunk_size=ROWS_PER_CHUNK):
        yield tuple(values), n


ROW_FIELDS = (
    "patient_id",
    "patient__birth_date",
    "patient__sex",
    "patient__home_unit_id",
    "patient__ethnicity",
    "patient__deprivation_quintile",
    "patient__preferred_language",
    "code",
    "value_quantity",
    "value_code",
    "value_unit",
    "effective_at",
)


def extract_rows(scope: ExtractScope, programme_code: str) -> Iterator[tuple]:
    """The raw rows of one programme (ROW_FIELDS), streamed in chunks; never all in
    memory. Unordered: rows are not grouped by patient in database order."""
    rows = (
        Observation.objects.filter(
            observation_q(scope, programme_codes(programme_code)),
            patient__in=programme_patients(scope, programme_code).values("pk"),
        )
        .order_by()
        .values_list(*ROW_FIELDS)
    )
    return rows.iterator(chunk_size=ROWS_PER_CHUNK)


PATIENTS_PER_BATCH = 5_000


def patients_per_month(scope: ExtractScope) -> Iterator[tuple[tuple, dt.date, int]]:
    """Distinct patients per (raw quasi-identifiers, month) over every programme of the
    extract: for the summary, without holding patient ids in memory. Grouped in SQL one
    batch of patient ids at a time, so the database's work area for the distinct count
    stays small (one query over all rows grew SQLite's memory with the row count). Each
    patient is in one batch and has one combination, so the counts add up."""
    in_extract = reduce(
        operator.or_,
        [
            observation_q(scope, programme_codes(code))
            & Q(patient__in=programme_patients(scope, code).values("pk"))
            for code in scope.programme_codes
        ],
        Q(pk__in=[]),
    )
    fields = (
        "birth_year",
        "patient__sex",
        "patient__home_unit_id",
        "patient__ethnicity",
        "patient__deprivation_quintile",
        "patient__preferred_language",
    )
    ids = Patient.objects.filter(network=scope.network).aggregate(low=Min("pk"), high=Max("pk"))
    if ids["low"] is None:
        return
    for start in range(ids["low"], ids["high"] + 1, PATIENTS_PER_BATCH):
        rows = (
            Observation.objects.filter(
                in_extract, patient_id__gte=start, patient_id__lt=start + PATIENTS_PER_BATCH
            )
            .annotate(
                month=TruncMonth("effective_at", tzinfo=dt.UTC),
                birth_year=ExtractYear("patient__birth_date"),
            )
            .values(*fields, "month")
            .annotate(n=Count("patient_id", distinct=True))
            .order_by()
            .values_list(*fields, "month", "n")
        )
        for *values, month, n in rows.iterator(chunk_size=ROWS_PER_CHUNK):
            day = month.date() if isinstance(month, dt.datetime) else month
            yield tuple(values), day, n

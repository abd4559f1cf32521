"""Computing a measure's rollup cells for one period, from the rows of the apps it reads.

One grouped query per (measure, period) counts the denominator rows by unit and by every
stratum attribute at once (unit × age band × sex × language × deprivation × ethnicity);
the cells of each stratum dimension, and of regions and the network, are sums of those
groups, made here without touching a patient row again. A median needs its values, so a
median measure reads each patient's value (one number per patient and period) and takes
the median per cell at every level.

Each patient-period (or event) belongs to exactly one unit (the unit on the row chosen),
so a region's count is the sum of its units' counts. Queries use only ORM expressions
that Django compiles for SQLite and PostgreSQL alike; periods are calendar months or
quarters in UTC.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from coproduce.alerts.models import Alert
from coproduce.careplans.models import Goal, GoalKind, GoalStatus
from coproduce.measures.definition import Comparison, MeasureDefinition, Population
from coproduce.network.models import Unit
from coproduce.observations.models import Observation
from coproduce.patients.models import Enrolment, Patient
from coproduce.programmes.models import Programme
from coproduce.questionnaires.models import (
    QuestionnaireDefinition,
    QuestionnaireResponse,
    ReporterKind,
    ResponseStatus,
)
from coproduce.reporting.models import DueReport, DueStatus
from coproduce.visits.models import Visit, VisitAgenda, VisitStatus

# Stratum dimensions, each on its own (plus "all"); a missing value is "unknown".
STRATA = ("all", "age-band", "sex", "language", "deprivation", "ethnicity")
ALL = "all"
UNKNOWN = "unknown"
# Age on the first day of the period; bands as in NHS Digital's QOF and ONS outputs.
AGE_BANDS = ((18, "0-17"), (40, "18-39"), (65, "40-64"), (80, "65-79"))
OLDEST_BAND = "80+"
GROUP_KEYS = ("m_unit", "m_age_band", "m_sex", "m_language", "m_deprivation", "m_ethnicity")


# --- Periods ----------------------------------------------------------------------------


def period_start_of(day: dt.date, period: str) -> dt.date:
    """The first day of the month or quarter that `day` falls in."""
    if period == "quarter":
        return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    return dt.date(day.year, day.month, 1)


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (earlier when negative), clipped to the month's end."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def period_end(start: dt.date, period: str) -> dt.date:
    """The first day after the period."""
    return add_months(start, 3 if period == "quarter" else 1)


def periods_between(first: dt.date, last: dt.date, period: str) -> list[dt.date]:
    """Every period start from the period of `first` to that of `last`, oldest first."""
    start, stop = period_start_of(first, period), period_start_of(last, period)
    found = []
    while start <= stop:
        found.append(start)
        start = period_end(start, period)
    return found


def midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=dt.UTC)


def years_before(day: dt.date, years: int) -> dt.date:
    return add_months(day, -12 * years)


# --- Population and strata --------------------------------------------------------------


def age_band_expression(patient: str, start: dt.date) -> Case:
    """The age band on `start`, from the date of birth (portable: compares dates only)."""
    whens = [
        When(**{f"{patient}birth_date__gt": years_before(start, age)}, then=Value(band))
        for age, band in AGE_BANDS
    ]
    return Case(*whens, default=Value(OLDEST_BAND), output_field=CharField())


def programme_ids(programmes: tuple[str, ...]) -> list[int]:
    return list(Programme.objects.filter(code__in=programmes).values_list("pk", flat=True))


def enrolled_patients(programmes: tuple[str, ...], start, end) -> QuerySet:
    """Ids of patients with an enrolment (in one of `programmes`, or any when empty) that
    overlapped the period: one uncorrelated subquery, evaluated once per query."""
    enrolments = Enrolment.objects.filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=start), started_on__lt=end
    )
    if programmes:
        enrolments = enrolments.filter(programme_id__in=programme_ids(programmes))
    return enrolments.values("patient_id")


def in_window(days: tuple[int, int], programmes: tuple[str, ...]) -> Exists:
    """The row (an observation) was taken `days` = [from, to) days after an enrolment in
    one of `programmes` began."""
    window = Enrolment.objects.filter(
        patient=OuterRef("patient"),
        started_on__lte=OuterRef("effective_at") - dt.timedelta(days=days[0]),
        started_on__gt=OuterRef("effective_at") - dt.timedelta(days=days[1]),
    )
    if programmes:
        window = window.filter(programme_id__in=programme_ids(programmes))
    return Exists(window)


def population_filter(
    rows: QuerySet, patient: str, patient_ref: str, population: Population, start, end
) -> QuerySet:
    """Rows of patients in the measure's population for the period starting `start`."""
    enrolled = enrolled_patients(population.programmes, start, end)
    rows = rows.filter(**{f"{patient_ref}__in": enrolled})
    if population.age_min is not None:
        rows = rows.filter(**{f"{patient}birth_date__lte": years_before(start, population.age_min)})
    if population.age_max is not None:
        limit = years_before(start, population.age_max + 1)
        rows = rows.filter(**{f"{patient}birth_date__gt": limit})
    if population.sex is not None:
        rows = rows.filter(**{f"{patient}sex": population.sex})
    required = population.requires
    if required is not None:
        earlier = Observation.objects.filter(
            patient=OuterRef(patient_ref),
            code=required.code,
            is_current=True,
            effective_at__gte=midnight(add_months(start, -required.lookback_months)),
            effective_at__lt=midnight(start),
        )
        if required.values:
            earlier = earlier.filter(value_code__in=required.values)
        if required.at_least == 1:
            rows = rows.filter(Exists(earlier))
        else:
            counted = earlier.order_by().values("patient").annotate(n=Count("pk")).values("n")
            rows = rows.annotate(
                m_required=Coalesce(Subquery(counted, output_field=IntegerField()), 0)
            ).filter(m_required__gte=required.at_least)
    return rows


def comparison_q(field: str, comparison: Comparison) -> Q:
    lookup = {"<": "lt", "<=": "lte", ">": "gt", ">=": "gte", "==": "exact"}[comparison.operator]
    threshold = comparison.threshold
    if threshold == int(threshold):
        threshold = int(threshold)
    return Q(**{f"{field}__{lookup}": threshold})


def item_condition(instrument: str, item: str, comparison: Comparison) -> Q:
    """Answers to `item` whose score meets the comparison. A choice answer is stored as its
    option code, so the comparison is made on each option's weight in every loaded version
    of the questionnaire and becomes a set of codes; a number is compared as it is."""
    condition = Q(pk__in=[])
    for definition_id, form in QuestionnaireDefinition.objects.filter(
        instrument_code=instrument
    ).values_list("pk", "form"):
        found = next((i for i in form["items"] if i["link_id"] == item), None)
        if found is None:
            continue
        options = found.get("options") or ()
        if options:
            codes = [
                o["code"]
                for o in options
                if o.get("weight") is not None and comparison.holds(o["weight"])
            ]
            if codes:
                condition |= Q(definition_id=definition_id, **{f"answers__{item}__in": codes})
        else:
            condition |= Q(definition_id=definition_id) & comparison_q(
                f"answers__{item}", comparison
            )
    return condition


def flag(condition: Q | Exists) -> Case:
    return Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField())


# --- The rows each source counts ----------------------------------------------------------


@dataclass(frozen=True)
class SourceRows:
    """The denominator rows of one measure and period, with the expressions the grouped
    query needs: the unit, the patient path (for strata), whether the row is in the
    numerator, and the value (for a mean or median)."""

    rows: QuerySet
    unit: str
    patient: str  # "patient__" or "" when the rows are patients
    numerator: Case | None
    value: str | None


def latest_observations(
    code: str, start: dt.date, end: dt.date, days: tuple[int, int] | None, programmes
) -> QuerySet:
    """Each patient's latest current value of `code` in the period (ties: the later row),
    optionally only values taken `days` = [from, to) days after an enrolment began."""
    first, after = midnight(start), midnight(end)
    # Every unit named, so that both databases seek the (unit, code, effective_at) index
    # unit by unit instead of scanning it for the code.
    rows = Observation.objects.filter(
        unit__in=list(Unit.objects.values_list("pk", flat=True)),
        code=code,
        is_current=True,
        effective_at__gte=first,
        effective_at__lt=after,
    )
    if days is not None:
        rows = rows.filter(in_window(days, programmes))
    later = Observation.objects.filter(
        patient=OuterRef("patient"), code=code, is_current=True
    ).filter(
        Q(effective_at__gt=OuterRef("effective_at"))
        | Q(effective_at=OuterRef("effective_at"), pk__gt=OuterRef("pk"))
    )
    if days is not None:
        later = later.filter(in_window(days, programmes))
    else:
        later = later.filter(effective_at__gte=first, effective_at__lt=after)
    # In a window, the latest value of the whole window counts, in its own period: a
    # patient whose window straddles two periods counts once, in the later one.
    return rows.filter(~Exists(later))


def source_rows(definition: MeasureDefinition, start: dt.date) -> SourceRows:
    """The rows a measure counts in the period starting `start`."""
    end = period_end(start, definition.period)
    first, after = midnight(start), midnight(end)
    population = definition.population
    if definition.value is not None:
        spec = definition.value
        rows = latest_observations(
            spec.code, start, end, spec.after_enrolment_days, population.programmes
        )
        return SourceRows(
            population_filter(rows, "patient__", "patient", population, start, end),
            "unit",
            "patient__",
            None,
            "value_quantity",
        )
    denominator, numerator = definition.denominator, definition.numerator
    source = denominator.source
    if source == "observation":
        rows = latest_observations(
            denominator.code,
            start,
            end,
            denominator.after_enrolment_days,
            population.programmes,
        )
        found = SourceRows(
            rows,
            "unit",
            "patient__",
            flag(comparison_q("value_quantity", numerator.condition)),
            "value_quantity",
        )
    elif source == "due-reports":
        rows = DueReport.objects.filter(
            closes_at__gte=first,
            closes_at__lt=after,
            status__in=[DueStatus.COMPLETED, DueStatus.MISSED],
        )
        if denominator.instrument:
            rows = rows.filter(instrument_code=denominator.instrument)
        found = SourceRows(
            rows, "enrolment__unit", "patient__", flag(Q(status=DueStatus.COMPLETED)), None
        )
    elif source == "visits":
        rows = Visit.objects.filter(
            status=VisitStatus.DONE, starts_at__gte=first, starts_at__lt=after
        )
        agenda = Exists(VisitAgenda.objects.filter(visit=OuterRef("pk")))
        found = SourceRows(rows, "unit", "patient__", flag(agenda), None)
    elif source == "patients":
        rows = Patient.objects.all()
        if numerator.with_ == "own-goal":
            has = Exists(
                Goal.objects.filter(
                    patient=OuterRef("pk"), kind=GoalKind.OWN, proposed_at__lt=after
                ).exclude(status=GoalStatus.STOPPED)
            )
        else:
            has = Exists(
                Observation.objects.filter(
                    patient=OuterRef("pk"),
                    code=numerator.code,
                    is_current=True,
                    effective_at__gte=first,
                    effective_at__lt=after,
                )
            )
        found = SourceRows(rows, "home_unit", "", flag(has), None)
    elif source == "alerts":
        rows = Alert.objects.filter(opened_at__gte=first, opened_at__lt=after)
        hours = dt.timedelta(hours=numerator.acknowledged_within_hours)
        in_time = Q(acknowledged_at__isnull=False, acknowledged_at__lte=F("opened_at") + hours)
        found = SourceRows(rows, "unit", "patient__", flag(in_time), None)
    else:  # questionnaire-responses
        item = denominator.item
        rows = QuestionnaireResponse.objects.filter(
            status=ResponseStatus.COMPLETED,
            reporter=ReporterKind.PATIENT,
            definition__instrument_code=denominator.instrument,
            authored_at__gte=first,
            authored_at__lt=after,
            answers__has_key=item,
        )
        condition = item_condition(denominator.instrument, item, numerator.condition)
        found = SourceRows(rows, "patient__home_unit", "patient__", flag(condition), None)
    patient_ref = "pk" if found.patient == "" else "patient"
    rows = population_filter(found.rows, found.patient, patient_ref, population, start, end)
    return SourceRows(rows, found.unit, found.patient, found.numerator, found.value)


# --- Cells ----------------------------------------------------------------------------


@dataclass(frozen=True)
class CellKey:
    level: str
    org_id: int
    stratum: str
    stratum_value: str


@dataclass
class CellCounts:
    numerator: int | None
    denominator: int
    value_sum: float | None
    value_count: int
    median: float | None = None


@dataclass(frozen=True)
class Organisation:
    """Which region each unit is in and which network each region is in."""

    unit_region: dict[int, int]
    region_network: dict[int, int]

    @classmethod
    def load(cls) -> Organisation:
        rows = Unit.objects.values_list("pk", "region_id", "region__network_id")
        return cls(
            unit_region={unit: region for unit, region, _ in rows},
            region_network={region: network for _, region, network in rows},
        )

    def levels(self, unit_id: int) -> tuple[tuple[str, int], ...]:
        region = self.unit_region[unit_id]
        return (("unit", unit_id), ("region", region), ("network", self.region_network[region]))


def stratum_values(group: dict) -> tuple[tuple[str, str], ...]:
    """The (dimension, value) pairs a group of rows belongs to: one per dimension."""

    def text(value) -> str:
        return UNKNOWN if value in (None, "") else str(value)

    return (
        (ALL, ALL),
        ("age-band", group["m_age_band"]),
        ("sex", text(group["m_sex"])),
        ("language", text(group["m_language"])),
        ("deprivation", text(group["m_deprivation"])),
        ("ethnicity", text(group["m_ethnicity"])),
    )


def grouped(found: SourceRows, start: dt.date) -> QuerySet:
    patient = found.patient
    keys = {
        "m_unit": F(found.unit),
        "m_age_band": age_band_expression(patient, start),
        "m_sex": F(f"{patient}sex"),
        "m_language": F(f"{patient}preferred_language"),
        "m_deprivation": F(f"{patient}deprivation_quintile"),
        "m_ethnicity": F(f"{patient}ethnicity"),
    }
    return found.rows.order_by().values(**keys)


def period_cells(
    definition: MeasureDefinition, start: dt.date, organisation: Organisation
) -> dict[CellKey, CellCounts]:
    """Every non-empty cell of one measure and period, at every level and stratum."""
    found = source_rows(definition, start)
    cells: dict[CellKey, CellCounts] = {}
    aggregates = {"m_den": Count("pk")}
    if found.numerator is not None:
        aggregates["m_num"] = Sum(found.numerator)
    if found.value is not None:
        aggregates["m_sum"] = Sum(found.value)
        aggregates["m_count"] = Count(found.value)
    proportion = definition.is_proportion
    for group in grouped(found, start).annotate(**aggregates):
        for level, org_id in organisation.levels(group["m_unit"]):
            for stratum, value in stratum_values(group):
                key = CellKey(level, org_id, stratum, value)
                cell = cells.get(key)
                if cell is None:
                    cell = cells[key] = CellCounts(
                        0 if proportion else None, 0, 0.0 if found.value else None, 0
                    )
                if proportion:
                    cell.numerator += group["m_num"] or 0
                    cell.denominator += group["m_den"]
                if found.value is not None:
                    cell.value_sum += group["m_sum"] or 0.0
                    cell.value_count += group["m_count"]
                    if not proportion:
                        cell.denominator += group["m_count"]
    if definition.statistic == "median":
        for key, values in median_values(found, start, organisation).items():
            cells[key].median = statistics.median(values)
    return cells


def median_values(
    found: SourceRows, start: dt.date, organisation: Organisation
) -> dict[CellKey, list[float]]:
    """Each cell's values (one per patient), for the median."""
    values: dict[CellKey, list[float]] = defaultdict(list)
    rows = grouped(found, start).values_list(*GROUP_KEYS, found.value)
    for row in rows.iterator(chunk_size=10_000):
        group = dict(zip(GROUP_KEYS, row[:-1], strict=True))
        for level, org_id in organisation.levels(row[0]):
            for stratum, value in stratum_values(group):
                values[CellKey(level, org_id, stratum, value)].append(row[-1])
    return values


def first_data_day(definition: MeasureDefinition) -> dt.date | None:
    """The earliest day any row of the measure's denominator source was dated."""
    from django.db.models import Min

    if definition.value is not None or definition.denominator.source == "observation":
        code = definition.value.code if definition.value else definition.denominator.code
        first = Observation.objects.filter(code=code, is_current=True).aggregate(
            m=Min("effective_at")
        )["m"]
    else:
        source = definition.denominator.source
        model, field = {
            "due-reports": (DueReport, "closes_at"),
            "visits": (Visit, "starts_at"),
            "patients": (Enrolment, "started_on"),
            "alerts": (Alert, "opened_at"),
            "questionnaire-responses": (QuestionnaireResponse, "authored_at"),
        }[source]
        first = model.objects.aggregate(m=Min(field))["m"]
    if first is None:
        return None
    return first.date() if isinstance(first, dt.datetime) else first


def measure_periods(definition: MeasureDefinition, today: dt.date) -> list[dt.date]:
    """The periods a full recompute covers: from the first data to the current period."""
    first = first_data_day(definition)
    if first is None:
        return []
    return periods_between(min(first, today), today, definition.period)


def cells_in_periods(
    definition: MeasureDefinition, starts: Iterable[dt.date], organisation: Organisation
) -> Iterable[tuple[dt.date, dict[CellKey, CellCounts]]]:
    for start in starts:
        yield start, period_cells(definition, start, organisation)

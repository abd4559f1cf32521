"""Computing measures: each cell checked against numbers worked out by hand from a small
network (region 1 holds units 1 and 3, region 2 holds unit 2)."""

import datetime as dt

import pytest
from django.core.management import call_command

from coproduce.core.clock import today
from coproduce.measures.catalogues import measure_by_id
from coproduce.measures.compute import Organisation, add_months, period_cells, period_start_of
from coproduce.measures.models import MeasureRollup
from coproduce.observations.catalogue import code_info
from coproduce.observations.services import observation_mark_entered_in_error, observation_record
from coproduce.patients.models import Sex
from tests import factories

pytestmark = pytest.mark.django_db

DAS28 = "coproduce:das28-crp"
FEV1 = "coproduce:fev1-percent-predicted"
PHQ9 = "loinc:44261-6"
SCREENING = "coproduce:cervical-screening"
MEDICINE = "coproduce:glucose-lowering-medication"
HBA1C = "loinc:59261-8"


def month_start(months_ago: int) -> dt.date:
    return add_months(period_start_of(today(), "month"), -months_ago)


def at(day: dt.date, days: int = 0, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day + dt.timedelta(days=days), dt.time(hour), tzinfo=dt.UTC)


def record(patient, code: str, when: dt.datetime, value: float | None = None, coded: str = ""):
    return observation_record(
        actor=None,
        patient=patient,
        code=code,
        effective_at=when,
        source="clinician",
        quantity=value,
        unit=code_info(code).unit if value is not None else "",
        coded=coded,
    )


def cell(cells, level, org_id, stratum="all", value="all"):
    from coproduce.measures.compute import CellKey

    return cells.get(CellKey(level, org_id, stratum, value))


@pytest.fixture
def tree(db):
    return factories.make_network(regions=2, units=3)


def enrolled_patient(tree, unit_index: int, programme, **kwargs):
    patient = factories.make_patient(tree=tree, unit=tree.units[unit_index], **kwargs)
    factories.make_enrolment(patient=patient, programme=programme, days_ago=800)
    return patient


def test_ra_share_counts_each_patients_latest_value_and_sums_up_the_hierarchy(tree):
    ra = factories.load_programme("rheumatoid-arthritis")
    start = month_start(3)
    one = enrolled_patient(tree, 0, ra)
    two = enrolled_patient(tree, 0, ra, sex=Sex.MALE)
    three = enrolled_patient(tree, 1, ra)
    four = enrolled_patient(tree, 2, ra)
    child = enrolled_patient(tree, 0, ra, birth_date=start - dt.timedelta(days=365 * 10))
    record(one, DAS28, at(start, 1), 4.0)
    record(one, DAS28, at(start, 20), 3.0)  # the latest counts: in low activity
    record(two, DAS28, at(start, 5), 3.2)  # the boundary counts
    record(three, DAS28, at(start, 5), 5.1)
    record(four, DAS28, at(start, 2), 2.0)
    wrong = record(four, DAS28, at(start, 9), 6.0)
    observation_mark_entered_in_error(actor=None, observation=wrong, reason="wrong patient")
    record(child, DAS28, at(start, 3), 2.0)  # under 18: outside the population
    record(three, DAS28, at(add_months(start, 1), 2), 1.0)  # next month: not this period

    cells = period_cells(measure_by_id("ra-das28-low"), start, Organisation.load())
    unit1, unit2, unit3 = (u.pk for u in tree.units)
    region1, region2 = (r.pk for r in tree.regions)
    counts = {
        ("unit", unit1): (2, 2),
        ("unit", unit2): (0, 1),
        ("unit", unit3): (1, 1),
        ("region", region1): (3, 3),
        ("region", region2): (0, 1),
        ("network", tree.network.pk): (3, 4),
    }
    for (level, org_id), expected in counts.items():
        found = cell(cells, level, org_id)
        assert (found.numerator, found.denominator) == expected, (level, org_id)
    network = tree.network.pk
    assert cell(cells, "network", network, "sex", "male").denominator == 1
    assert cell(cells, "network", network, "sex", "female").numerator == 2
    assert cell(cells, "network", network, "sex", "female").denominator == 3
    assert cell(cells, "network", network, "deprivation", "3").denominator == 4
    assert cell(cells, "network", network, "ethnicity", "unknown").denominator == 4
    assert cell(cells, "network", network, "age-band", "40-64").denominator == 4
    assert cell(cells, "network", network, "age-band", "0-17") is None


def test_mean_and_median_are_computed_per_level(tree):
    ra = factories.load_programme("rheumatoid-arthritis")
    cf = factories.load_programme("cystic-fibrosis")
    start = month_start(2)
    for unit_index, das28, fev1 in ((0, 3.0, 60.0), (0, 3.2, 80.0), (1, 5.1, 90.0)):
        patient = enrolled_patient(tree, unit_index, ra)
        factories.make_enrolment(patient=patient, programme=cf, days_ago=800)
        record(patient, DAS28, at(start, 4), das28)
        record(patient, FEV1, at(start, 4), fev1)
    organisation = Organisation.load()
    network = tree.network.pk
    mean = cell(
        period_cells(measure_by_id("ra-das28-mean"), start, organisation), "network", network
    )
    assert mean.numerator is None
    assert (mean.denominator, mean.value_count) == (3, 3)
    assert mean.value_sum == pytest.approx(11.3)
    medians = period_cells(measure_by_id("cf-fev1-median"), start, organisation)
    assert cell(medians, "network", network).median == 80.0
    assert cell(medians, "unit", tree.units[0].pk).median == 70.0
    assert cell(medians, "region", tree.regions[1].pk).median == 90.0


def test_phq9_at_six_months_uses_the_window_after_enrolment(tree):
    programme = factories.load_programme("depression-anxiety")
    start = month_start(3 * 3)
    start = period_start_of(start, "quarter")
    joined = start - dt.timedelta(days=160)  # 5-7 months after joining is inside the quarter
    patient = factories.make_patient(tree=tree)
    from coproduce.patients.services import enrolment_start

    enrolment_start(
        actor=None, patient=patient, programme=programme, unit=tree.units[0], started_on=joined
    )
    late_joiner = factories.make_patient(tree=tree)
    enrolment_start(
        actor=None,
        patient=late_joiner,
        programme=programme,
        unit=tree.units[0],
        started_on=start - dt.timedelta(days=30),
    )
    record(patient, PHQ9, at(start, 1), 14)
    record(patient, PHQ9, at(start, 40), 8)  # 200 days after joining: the latest in the window
    record(patient, PHQ9, at(start, 70), 16)  # 230 days: after the window
    record(late_joiner, PHQ9, at(start, 10), 3)  # 40 days after joining: too early

    measure = measure_by_id("depression-phq9-response-6m")
    organisation = Organisation.load()
    found = cell(period_cells(measure, start, organisation), "network", tree.network.pk)
    assert (found.numerator, found.denominator) == (1, 1)
    # A window straddling two quarters: the earlier quarter's value gives way to the later.
    straddling = factories.make_patient(tree=tree)
    enrolment_start(
        actor=None,
        patient=straddling,
        programme=programme,
        unit=tree.units[0],
        started_on=start - dt.timedelta(days=110),  # the window: days 42 to 103 of the quarter
    )
    record(straddling, PHQ9, at(start, 50), 15)
    record(straddling, PHQ9, at(start, 80), 4)
    found = cell(period_cells(measure, start, organisation), "network", tree.network.pk)
    assert (found.numerator, found.denominator) == (2, 2)
    later_quarter = add_months(start, 3)
    record(straddling, PHQ9, at(later_quarter, 5), 12)  # still inside the window
    found = cell(period_cells(measure, start, organisation), "network", tree.network.pk)
    assert (found.numerator, found.denominator) == (1, 1)
    found = cell(period_cells(measure, later_quarter, organisation), "network", tree.network.pk)
    assert (found.numerator, found.denominator) == (0, 1)


def test_cervical_screening_after_65_needs_two_negative_results_before(tree):
    diabetes = factories.load_programme("diabetes")
    start = period_start_of(month_start(3), "quarter")
    born = start - dt.timedelta(days=round(365.25 * 70))
    adequate = enrolled_patient(tree, 0, diabetes, birth_date=born)
    one_only = enrolled_patient(tree, 0, diabetes, birth_date=born)
    younger = enrolled_patient(tree, 0, diabetes, birth_date=start - dt.timedelta(days=365 * 50))
    for years_before in (4, 9):
        when = at(start - dt.timedelta(days=365 * years_before))
        record(adequate, SCREENING, when, coded="negative")
        record(younger, SCREENING, when, coded="negative")
    record(one_only, SCREENING, at(start - dt.timedelta(days=365 * 4)), coded="negative")
    record(one_only, SCREENING, at(start - dt.timedelta(days=365 * 11)), coded="negative")
    record(adequate, SCREENING, at(start, 10), coded="negative")  # the overuse
    record(younger, SCREENING, at(start, 10), coded="negative")
    record(one_only, SCREENING, at(start, 10), coded="negative")

    cells = period_cells(
        measure_by_id("overuse-cervical-screening-after-65"), start, Organisation.load()
    )
    found = cell(cells, "network", tree.network.pk)
    assert (found.numerator, found.denominator) == (1, 1)


def test_tight_hba1c_at_65_counts_only_people_on_a_glucose_lowering_medicine(tree):
    diabetes = factories.load_programme("diabetes")
    start = period_start_of(month_start(3), "quarter")
    born = start - dt.timedelta(days=round(365.25 * 72))
    treated_tight = enrolled_patient(tree, 0, diabetes, birth_date=born)
    treated_loose = enrolled_patient(tree, 1, diabetes, birth_date=born)
    untreated = enrolled_patient(tree, 0, diabetes, birth_date=born)
    treated_long_ago = enrolled_patient(tree, 0, diabetes, birth_date=born)
    younger = enrolled_patient(tree, 0, diabetes, birth_date=start - dt.timedelta(days=365 * 60))
    for patient in (treated_tight, treated_loose, younger):
        record(patient, MEDICINE, at(start - dt.timedelta(days=100)), coded="A10BB")
    record(treated_long_ago, MEDICINE, at(start - dt.timedelta(days=500)), coded="A10A")
    for patient, hba1c in (
        (treated_tight, 48),
        (treated_loose, 60),
        (untreated, 45),
        (treated_long_ago, 45),
        (younger, 45),
    ):
        record(patient, HBA1C, at(start, 20), hba1c)

    cells = period_cells(
        measure_by_id("overuse-diabetes-tight-hba1c-65"), start, Organisation.load()
    )
    found = cell(cells, "network", tree.network.pk)
    assert (found.numerator, found.denominator) == (1, 2)


def test_recompute_command_writes_the_cells_and_replaces_them_on_a_second_run(tree):
    ra = factories.load_programme("rheumatoid-arthritis")
    start = month_start(1)
    patient = enrolled_patient(tree, 0, ra)
    record(patient, DAS28, at(start, 3), 2.5)
    call_command("measures", "--recompute", stdout=None)
    first = set(
        MeasureRollup.objects.filter(measure_id="ra-das28-low").values_list(
            "level",
            "org_id",
            "period_start",
            "stratum",
            "stratum_value",
            "numerator",
            "denominator",
        )
    )
    assert ("network", tree.network.pk, start, "all", "all", 1, 1) in first
    call_command("measures", "--update", stdout=None)  # nothing new: the same cells
    again = set(
        MeasureRollup.objects.filter(measure_id="ra-das28-low").values_list(
            "level",
            "org_id",
            "period_start",
            "stratum",
            "stratum_value",
            "numerator",
            "denominator",
        )
    )
    assert again == first

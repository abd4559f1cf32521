"""measure_series: the only read of rollups for pages; it returns no count from 1 to T and
only to staff of the network."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from coproduce.accounts.models import Role
from coproduce.core.clock import today
from coproduce.core.models import AuditEvent
from coproduce.measures.compute import add_months, period_start_of
from coproduce.measures.selectors import measure_series
from coproduce.measures.services import rollups_recompute_all
from coproduce.observations.services import observation_record
from coproduce.patients.models import Sex
from tests import factories

pytestmark = pytest.mark.django_db
DAS28 = "coproduce:das28-crp"


@pytest.fixture
def world(db):
    """Three units: 24, 14 and 3 patients with a DAS28 last month; every third one high."""
    tree = factories.make_network(regions=2, units=3)
    ra = factories.load_programme("rheumatoid-arthritis")
    start = add_months(period_start_of(today(), "month"), -1)
    number = 0
    for unit, size in zip(tree.units, (24, 14, 3), strict=True):
        for _ in range(size):
            number += 1
            patient = factories.make_patient(
                tree=tree, unit=unit, sex=Sex.MALE if number % 2 else Sex.FEMALE
            )
            factories.make_enrolment(patient=patient, programme=ra, days_ago=400)
            observation_record(
                actor=None,
                patient=patient,
                code=DAS28,
                effective_at=dt.datetime.combine(start, dt.time(9), tzinfo=dt.UTC)
                + dt.timedelta(days=number % 20),
                source="clinician",
                quantity=4.5 if number % 3 == 0 else 2.1,
                unit="{score}",
            )
    rollups_recompute_all()
    qi_lead = factories.make_user(role=Role.QI_LEAD, network=tree.network)
    return tree, start, qi_lead


def test_network_series_shows_counts_and_percentage(world):
    tree, start, qi_lead = world
    series = measure_series(qi_lead, "ra-das28-low", level="network", org_id=tree.network.pk)
    assert series.has_data
    (line,) = series.lines
    (point,) = [p for p in line.points if p.period_start == start]
    assert (point.numerator, point.denominator) == (28, 41)
    assert point.value == pytest.approx(100 * 28 / 41)
    assert AuditEvent.objects.filter(entity_type="MeasureSeries", actor=qi_lead).exists()


def test_a_unit_of_three_patients_and_its_partner_are_suppressed(world):
    tree, _start, qi_lead = world
    small = measure_series(qi_lead, "ra-das28-low", level="unit", org_id=tree.units[2].pk)
    (point,) = small.lines[0].points
    assert (point.numerator, point.denominator, point.value) == (None, None, None)
    assert point.suppressed
    # Region 1 holds units 1 and 3: unit 1 is hidden too, or 3 = region - unit 1.
    partner = measure_series(qi_lead, "ra-das28-low", level="unit", org_id=tree.units[0].pk)
    assert partner.lines[0].points[0].denominator is None


def test_no_series_anywhere_holds_a_small_count(world):
    tree, _start, qi_lead = world
    orgs = [("network", tree.network.pk)]
    orgs += [("region", r.pk) for r in tree.regions] + [("unit", u.pk) for u in tree.units]
    for measure in ("ra-das28-low", "ra-das28-mean"):
        for level, org_id in orgs:
            for stratum in (None, "sex", "age-band", "deprivation"):
                series = measure_series(
                    qi_lead, measure, level=level, org_id=org_id, stratum=stratum
                )
                for line in series.lines:
                    for point in line.points:
                        for count in (point.numerator, point.denominator):
                            assert count is None or not 1 <= count <= 10


def test_the_threshold_comes_from_settings(world, settings):
    tree, _start, qi_lead = world
    settings.COPRODUCE_SMALL_CELL_MAX = 50
    series = measure_series(qi_lead, "ra-das28-low", level="network", org_id=tree.network.pk)
    assert series.threshold == 50
    assert series.lines[0].points[0].denominator is None


def test_a_unit_without_data_says_so(world):
    tree, _start, qi_lead = world
    series = measure_series(qi_lead, "ibd-remission", level="unit", org_id=tree.units[0].pk)
    assert not series.has_data


def test_patients_and_other_networks_are_refused(world):
    tree, _start, qi_lead = world
    patient = factories.make_patient(tree=tree, with_login=True)
    with pytest.raises(PermissionDenied):
        measure_series(patient.user, "ra-das28-low", level="network", org_id=tree.network.pk)
    other = factories.make_network(regions=1, units=1)
    with pytest.raises(PermissionDenied):
        measure_series(qi_lead, "ra-das28-low", level="unit", org_id=other.units[0].pk)
    with pytest.raises(PermissionDenied):
        measure_series(qi_lead, "ra-das28-low", level="network", org_id=other.network.pk)


def test_flags_stored_by_the_rollup_job_equal_suppression_worked_out_now(world):
    tree, _start, _qi_lead = world
    from coproduce.measures.catalogues import measure_by_id
    from coproduce.measures.models import MeasureRollup
    from coproduce.measures.selectors import network_organisations, protection_now

    unit_region, region_network = network_organisations(tree.network.pk)
    for measure_id in ("ra-das28-low", "ra-das28-mean"):
        cells = list(MeasureRollup.objects.filter(measure_id=measure_id))
        assert cells
        assert {c.suppressed_at for c in cells} == {10}
        now = protection_now(
            measure_by_id(measure_id),
            {c.period_start for c in cells},
            tree.network.pk,
            unit_region,
            region_network,
            10,
        )
        hidden = 0
        for c in cells:
            key = (c.period_start, c.level, c.org_id, c.stratum, c.stratum_value)
            assert (c.denominator_hidden, c.numerator_hidden) == (
                now[key].denominator_hidden,
                now[key].numerator_hidden,
            )
            hidden += c.denominator_hidden
        assert hidden  # the test has small cells to hide

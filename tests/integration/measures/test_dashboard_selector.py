"""The batched reads of the QI pages return exactly what measure_series returns, with the
stored suppression flags and after the threshold has changed since the rollups were made."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from coproduce.measures.catalogues import built_in_measures
from coproduce.measures.dashboard import network_dashboard, unit_series_all
from coproduce.measures.selectors import measure_series
from tests import factories
from tests.factories_measures import das28_history

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(cast, settings):
    settings.COPRODUCE_SMALL_CELL_MAX = 10
    das28_history(cast.tree, per_unit=(14, 12, 4))
    return cast


def same_as_measure_series(cast):
    unit = cast.tree.units[0]
    for overview in network_dashboard(cast.qi_lead, unit_id=unit.pk):
        network = measure_series(
            cast.qi_lead, overview.measure.id, level="network", org_id=cast.network.pk
        )
        assert overview.network == (network.lines[0].points if network.lines else ())
        own = measure_series(cast.qi_lead, overview.measure.id, level="unit", org_id=unit.pk)
        assert overview.unit == (own.lines[0].points if own.lines else ())
    for definition in built_in_measures():
        for series in unit_series_all(cast.qi_lead, definition.id):
            one = measure_series(cast.qi_lead, definition.id, level="unit", org_id=series.unit_id)
            assert series.points == (one.lines[0].points if one.lines else ())


def test_batched_reads_equal_measure_series_with_stored_flags(history):
    same_as_measure_series(history)


def test_batched_reads_equal_measure_series_after_the_threshold_changed(history, settings):
    settings.COPRODUCE_SMALL_CELL_MAX = 12
    same_as_measure_series(history)
    # 12 patients in unit 2 are now a small count: nothing of it is shown.
    (unit_two,) = [
        s
        for s in unit_series_all(history.qi_lead, "ra-das28-mean")
        if s.unit_id == history.tree.units[1].pk
    ]
    assert all(p.value is None and p.denominator is None for p in unit_two.points)


def test_dashboard_of_a_unit_outside_the_network_is_refused(history):
    other = factories.make_network(regions=1, units=1)
    with pytest.raises(PermissionDenied):
        network_dashboard(history.qi_lead, unit_id=other.units[0].pk)

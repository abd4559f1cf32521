"""Incremental rollups: after new values, a back-filled value, a correction, a value
entered in error, a new enrolment, an acknowledged alert and a new own goal, the rollup job
leaves exactly the cells a full recompute makes, and leaves untouched periods alone."""

import datetime as dt

import pytest

from coproduce.accounts.models import Role
from coproduce.alerts.handling import alert_acknowledge
from coproduce.careplans.services import GoalInput, goal_create
from coproduce.core.clock import now, today, travelled_to
from coproduce.measures.compute import add_months, period_start_of
from coproduce.measures.models import MeasureRollup, RollupWatermark
from coproduce.measures.services import rollups_recompute_all, rollups_update
from coproduce.observations.models import Observation
from coproduce.observations.services import (
    observation_correct,
    observation_mark_entered_in_error,
    observation_record,
)
from coproduce.patients.selectors import patient_for_user
from tests import factories
from tests.factories_alerts_queue import raised

pytestmark = pytest.mark.django_db

DAS28 = "coproduce:das28-crp"
FIELDS = (
    "measure_id",
    "measure_version",
    "level",
    "org_id",
    "period_start",
    "stratum",
    "stratum_value",
    "numerator",
    "denominator",
    "value_sum",
    "value_count",
    "median",
)


def month(months_ago: int) -> dt.date:
    return add_months(period_start_of(today(), "month"), -months_ago)


def at(day: dt.date, days: int) -> dt.datetime:
    return dt.datetime.combine(day + dt.timedelta(days=days), dt.time(9), tzinfo=dt.UTC)


def das28(patient, when: dt.datetime, value: float, actor=None):
    return observation_record(
        actor=actor,
        patient=patient,
        code=DAS28,
        effective_at=when,
        source="clinician",
        quantity=value,
        unit="{score}",
    )


def cells() -> set[tuple]:
    return {
        tuple(round(v, 9) if isinstance(v, float) else v for v in row)
        for row in MeasureRollup.objects.values_list(*FIELDS)
    }


def computed_at(measure_id: str, start: dt.date) -> set[dt.datetime]:
    return set(
        MeasureRollup.objects.filter(measure_id=measure_id, period_start=start).values_list(
            "computed_at", flat=True
        )
    )


def history():
    """Six patients with three months of values each."""
    tree = factories.make_network(regions=2, units=3)
    ra = factories.load_programme("rheumatoid-arthritis")
    clinician = factories.make_user(role=Role.CLINICIAN, network=tree.network, units=tree.units)
    patients = []
    for index in range(6):
        patient = factories.make_patient(
            tree=tree, unit=tree.units[index % 3], with_login=index == 0, clinicians=(clinician,)
        )
        factories.make_enrolment(patient=patient, programme=ra, days_ago=900)
        patients.append(patient)
        for months_ago in (6, 4, 2):
            das28(patient, at(month(months_ago), 3 + index), 2.0 + index * 0.5)
    return tree, ra, clinician, patients


def first_update() -> None:
    assert rollups_update() > 0  # the first run has no watermarks: a full recompute
    assert set(RollupWatermark.objects.values_list("source", flat=True)) == {
        "observation",
        "enrolment",
        "audit",
    }


def test_update_after_changes_equals_a_full_recompute():
    # (The clock stands still while travelled: the history is written an hour ago, the
    # first run half an hour ago.)
    with travelled_to(now() - dt.timedelta(hours=1)):
        tree, ra, clinician, patients = history()
    with travelled_to(now() - dt.timedelta(minutes=30)):
        first_update()
    untouched = computed_at("ra-das28-low", month(6))
    assert untouched

    # New and changed data: a value in month 2, one back-filled into the empty month 5, a
    # history value of month 2 corrected, the only change in month 4 a history value entered
    # in error (seen through the audit trail only), and a newcomer this month.
    first = patients[0]
    das28(first, at(month(2), 20), 5.5, actor=clinician)  # now the latest: high activity
    das28(patients[1], at(month(5), 1), 2.2)
    history_row = Observation.objects.get(
        patient=patients[2], effective_at__gte=at(month(2), 0), effective_at__lt=at(month(1), 0)
    )
    observation_correct(
        actor=clinician, observation=history_row, reason="typing error", quantity=5.9
    )
    wrong = Observation.objects.get(
        patient=patients[0], effective_at__gte=at(month(4), 0), effective_at__lt=at(month(3), 0)
    )
    observation_mark_entered_in_error(actor=clinician, observation=wrong, reason="wrong patient")
    newcomer = factories.make_patient(tree=tree, unit=tree.units[1])
    factories.make_enrolment(patient=newcomer, programme=ra, days_ago=0)
    das28(newcomer, now() - dt.timedelta(minutes=5), 1.9)
    alert = raised(patients[4])
    alert_acknowledge(user=clinician, alert_id=alert.pk)
    goal_create(
        access=patient_for_user(first.user, first.pk),
        goal_input=GoalInput(description="Walk the dog every day"),
    )

    before = cells()
    assert rollups_update() > 0
    updated = cells()
    assert updated != before
    assert computed_at("ra-das28-low", month(6)) == untouched  # no change touched month 6
    assert computed_at("ra-das28-low", month(4)) != untouched

    rollups_recompute_all()
    assert cells() == updated

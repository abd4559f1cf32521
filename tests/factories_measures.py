"""QI measure data made through the services: DAS28 results of RA patients over months,
rollups computed as the job does, and annotations added as a QI lead would."""

from __future__ import annotations

import datetime as dt

from coproduce.core.clock import today
from coproduce.measures.compute import add_months, period_start_of
from coproduce.measures.services import rollups_recompute_all
from coproduce.observations.services import observation_record
from coproduce.patients.models import Sex
from tests import factories

DAS28 = "coproduce:das28-crp"
MONTHS = 14


def months_back(count: int = MONTHS) -> list[dt.date]:
    """The starts of the `count` months before this one, oldest first."""
    this_month = period_start_of(today(), "month")
    return [add_months(this_month, -k) for k in range(count, 0, -1)]


def das28_history(tree, *, per_unit=(14, 12, 0), months: int = MONTHS, high_every: int = 3):
    """RA patients per unit (`per_unit`), each with one DAS28 a month for `months` months;
    every `high_every`-th patient is above 3.2. Rollups are recomputed."""
    ra = factories.load_programme("rheumatoid-arthritis")
    number = 0
    for unit, size in zip(tree.units, per_unit, strict=False):
        for _ in range(size):
            number += 1
            patient = factories.make_patient(
                tree=tree, unit=unit, sex=Sex.MALE if number % 2 else Sex.FEMALE
            )
            factories.make_enrolment(patient=patient, programme=ra, days_ago=40 * months)
            for k, start in enumerate(months_back(months)):
                observation_record(
                    actor=None,
                    patient=patient,
                    code=DAS28,
                    effective_at=dt.datetime.combine(start, dt.time(9), tzinfo=dt.UTC)
                    + dt.timedelta(days=number % 20),
                    source="clinician",
                    quantity=(4.5 if number % high_every == 0 else 2.1)
                    + ((number * 7 + k * 3) % 5) / 10,
                    unit="{score}",
                )
    rollups_recompute_all()

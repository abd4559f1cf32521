"""The seeded registry records medicines and screening as coded observations (value code,
no quantity) through the bulk import, and the overuse measures have data to count."""

import pytest
from django.core.management import call_command

from coproduce.core.clock import today
from coproduce.measures.catalogues import measure_by_id
from coproduce.measures.compute import Organisation, measure_periods, period_cells
from coproduce.observations.models import Observation
from coproduce.seed.codes import CERVICAL_SCREENING, GLUCOSE_LOWERING_MEDICATION


@pytest.mark.django_db
def test_seed_writes_coded_medicines_and_screening_the_overuse_measures_count():
    call_command("seed", "--patients", "400", "--years", "1", "--seed", "4", "--network", "coded")
    medicines = Observation.objects.filter(code=GLUCOSE_LOWERING_MEDICATION)
    screening = Observation.objects.filter(code=CERVICAL_SCREENING)
    assert medicines.exists()
    assert screening.exists()
    for rows in (medicines, screening):
        assert not rows.filter(value_quantity__isnull=False).exists()
        assert not rows.filter(value_code="").exists()
    assert set(screening.values_list("value_code", flat=True)) <= {
        "negative",
        "abnormal",
        "inadequate",
    }
    organisation = Organisation.load()
    for measure_id in ("overuse-diabetes-tight-hba1c-65", "overuse-cervical-screening-after-65"):
        definition = measure_by_id(measure_id)
        denominators = [
            sum(
                counts.denominator
                for key, counts in period_cells(definition, start, organisation).items()
                if key.level == "network" and key.stratum == "all"
            )
            for start in measure_periods(definition, today())
        ]
        assert sum(denominators) > 0, measure_id

"""`coproduce seed --patients N --seed S` writes the same registry for the same arguments."""

import numpy as np
import pytest
from django.core.management import call_command

from coproduce.observations.models import Observation
from coproduce.patients.models import Patient


def _rows(slug: str) -> list[tuple]:
    return list(
        Observation.objects.filter(patient__network__slug=slug)
        .order_by("patient__local_id", "code", "effective_at", "value_quantity")
        .values_list(
            "patient__local_id",
            "unit__code",
            "code",
            "value_quantity",
            "effective_at",
            "recorded_at",
            "source",
        )
    )


@pytest.mark.django_db
def test_same_seed_same_registry_different_seed_different_registry():
    args = ["--patients", "40", "--years", "0.5", "--end-date", "2026-01-01"]
    call_command("seed", *args, "--seed", "7", "--network", "a")
    call_command("seed", *args, "--seed", "7", "--network", "b")
    call_command("seed", *args, "--seed", "8", "--network", "c")
    assert _rows("a") == _rows("b")
    assert len(_rows("a")) > 100
    assert _rows("a") != _rows("c")


@pytest.mark.django_db
def test_bulk_and_service_paths_write_the_same_patients():
    args = ["--patients", "30", "--years", "0.3", "--end-date", "2026-01-01", "--seed", "2"]
    call_command("seed", *args, "--network", "services")
    call_command("seed", *args, "--network", "bulk", "--bulk")
    fields = (
        "local_id",
        "given_name",
        "family_name",
        "birth_date",
        "sex",
        "deprivation_quintile",
        "ethnicity",
        "preferred_language",
        "home_unit__code",
    )
    services = list(
        Patient.objects.filter(network__slug="services").order_by("local_id").values_list(*fields)
    )
    bulk = list(
        Patient.objects.filter(network__slug="bulk").order_by("local_id").values_list(*fields)
    )
    assert services == bulk
    assert _rows("services") == _rows("bulk")
    assert np.all([p.care_team for p in Patient.objects.filter(network__slug="bulk")])


def _process_rows(slug: str) -> dict[str, list[tuple]]:
    from coproduce.alerts.models import Alert
    from coproduce.careplans.models import Goal
    from coproduce.reporting.models import DueReport
    from coproduce.visits.models import Visit

    network = {"patient__network__slug": slug}
    return {
        "due": list(
            DueReport.objects.filter(**network)
            .order_by("patient__local_id", "due_at")
            .values_list("patient__local_id", "due_at", "status", "completed_at")
        ),
        "visits": list(
            Visit.objects.filter(**network)
            .order_by("patient__local_id", "starts_at")
            .values_list("patient__local_id", "starts_at", "status", "agenda__created_at")
        ),
        "alerts": list(
            Alert.objects.filter(**network)
            .order_by("patient__local_id", "opened_at")
            .values_list("patient__local_id", "rule_id", "opened_at", "acknowledged_at")
        ),
        "goals": list(
            Goal.objects.filter(**network)
            .order_by("patient__local_id")
            .values_list("patient__local_id", "kind", "proposed_at")
        ),
    }


@pytest.mark.django_db
def test_process_flag_writes_the_same_process_rows_for_the_same_seed_and_none_without():
    args = ["--patients", "120", "--years", "1", "--end-date", "2026-01-01", "--seed", "5"]
    call_command("seed", *args, "--network", "plain")
    call_command("seed", *args, "--network", "p1", "--process")
    call_command("seed", *args, "--network", "p2", "--process", "--bulk")
    assert not any(_process_rows("plain").values())
    first = _process_rows("p1")
    assert all(len(rows) > 20 for rows in first.values()), {k: len(v) for k, v in first.items()}
    assert first == _process_rows("p2")
    # The process rows add no quantity observations: the history is the plain one.
    screening = "coproduce:cervical-screening"
    assert [r for r in _rows("p1") if r[2] != screening] == [
        r for r in _rows("plain") if r[2] != screening
    ]

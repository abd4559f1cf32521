"""Home measurements: conversion to the stored unit, plausibility in the typed unit, all
parts or none, streams and scopes, double submits, remembered units."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from coproduce.core.clock import now
from coproduce.core.models import AuditEvent
from coproduce.observations.measurements import (
    Entered,
    measurement_record,
    streams_for,
    unit_preferences,
)
from coproduce.observations.models import Observation
from coproduce.observations.selectors import home_measurements
from coproduce.patients.selectors import patient_for_user
from tests import factories

WEIGHT = "loinc:29463-7"
SYSTOLIC, DIASTOLIC, PULSE = "loinc:8480-6", "loinc:8462-4", "loinc:8867-4"


def own_access(cast):
    return patient_for_user(cast.patient.user, cast.patient.pk)


def record(access, kind, when=None, stream="patient", **values):
    return measurement_record(
        access=access,
        kind=kind,
        values=values,
        effective_at=when or now() - dt.timedelta(minutes=5),
        stream=stream,
    )


def carer_with(cast, patient, scopes, granted_by):
    carer = factories.make_user(role="carer", network=cast.network)
    factories.make_carer_grant(
        patient=patient, carer=carer, granted_by=granted_by, scopes=frozenset(scopes)
    )
    return carer


def test_weight_in_pounds_is_stored_in_kg(cast):
    rows = record(own_access(cast), "weight", weight=Entered(176.4, "[lb_av]"))
    (row,) = rows
    assert (row.code, row.value_unit, row.value_quantity) == (WEIGHT, "kg", 80.0)
    assert (row.source, row.reporter_id) == ("patient", cast.patient.user.pk)


def test_weight_in_stones_is_stored_in_kg(cast):
    (row,) = record(own_access(cast), "weight", weight=Entered(12 + 8 / 14, "[stone_av]"))
    assert row.value_quantity == 79.8  # 176 lb, to the catalogue's 1 decimal


def test_glucose_mg_dl_is_stored_in_mmol_l(cast):
    (row,) = record(own_access(cast), "glucose", glucose=Entered(99, "mg/dL"))
    assert (row.value_unit, row.value_quantity) == ("mmol/L", 5.5)


def test_hba1c_percent_is_stored_in_mmol_mol(cast):
    (row,) = record(own_access(cast), "hba1c", hba1c=Entered(7.0, "%"))
    assert (row.code, row.value_unit, row.value_quantity) == ("loinc:59261-8", "mmol/mol", 53)


def test_temperature_fahrenheit_and_crp_mg_dl(cast):
    (temperature,) = record(own_access(cast), "temperature", temperature=Entered(100.4, "[degF]"))
    assert (temperature.value_unit, temperature.value_quantity) == ("Cel", 38.0)
    (crp,) = record(own_access(cast), "crp", crp=Entered(1.2, "mg/dL"))
    assert (crp.value_unit, crp.value_quantity) == ("mg/L", 12.0)


def test_blood_pressure_stores_three_observations_with_one_audit_each(cast):
    before = AuditEvent.objects.filter(entity_type="Observation", action="create").count()
    rows = record(
        own_access(cast),
        "blood-pressure",
        systolic=Entered(128, "mm[Hg]"),
        diastolic=Entered(82, "mm[Hg]"),
        pulse=Entered(70, "/min"),
    )
    assert {r.code: r.value_quantity for r in rows} == {SYSTOLIC: 128, DIASTOLIC: 82, PULSE: 70}
    after = AuditEvent.objects.filter(entity_type="Observation", action="create").count()
    assert after - before == 3


def test_pulse_is_optional(cast):
    rows = record(
        own_access(cast),
        "blood-pressure",
        systolic=Entered(128, "mm[Hg]"),
        diastolic=Entered(82, "mm[Hg]"),
        pulse=None,
    )
    assert {r.code for r in rows} == {SYSTOLIC, DIASTOLIC}


def test_implausible_weight_names_the_typed_unit_and_saves_nothing(cast):
    with pytest.raises(ValidationError) as error:
        record(own_access(cast), "weight", weight=Entered(900, "kg"))
    message = error.value.message_dict["weight"][0]
    assert message.startswith("A weight of 900 kg is not possible.")
    assert "0.5 and 350 kg" in message
    assert not Observation.objects.filter(patient=cast.patient).exists()


def test_implausible_value_suggests_the_unit_that_fits(cast):
    with pytest.raises(ValidationError) as error:
        record(own_access(cast), "glucose", glucose=Entered(120, "mmol/L"))
    message = error.value.message_dict["glucose"][0]
    assert "A blood sugar of 120 mmol/L is not possible." in message
    assert "did you mean mg/dL?" in message


def test_implausible_pounds_range_is_given_in_pounds(cast):
    with pytest.raises(ValidationError) as error:
        record(own_access(cast), "weight", weight=Entered(900, "[lb_av]"))
    assert "between 1.1 and 771.6 lb" in error.value.message_dict["weight"][0]


def test_diastolic_not_below_systolic_is_refused_and_nothing_is_saved(cast):
    with pytest.raises(ValidationError) as error:
        record(
            own_access(cast),
            "blood-pressure",
            systolic=Entered(80, "mm[Hg]"),
            diastolic=Entered(120, "mm[Hg]"),
        )
    assert "must be lower than the top number" in error.value.message_dict["diastolic"][0]
    assert not Observation.objects.filter(patient=cast.patient).exists()


def test_one_bad_part_saves_no_part(cast):
    with pytest.raises(ValidationError) as error:
        record(
            own_access(cast),
            "blood-pressure",
            systolic=Entered(128, "mm[Hg]"),
            diastolic=Entered(82, "mm[Hg]"),
            pulse=Entered(900, "/min"),
        )
    assert set(error.value.message_dict) == {"pulse"}
    assert not Observation.objects.filter(patient=cast.patient).exists()


def test_missing_required_part_and_future_time_are_named(cast):
    with pytest.raises(ValidationError) as error:
        record(
            own_access(cast),
            "blood-pressure",
            when=now() + dt.timedelta(hours=2),
            systolic=Entered(128, "mm[Hg]"),
            diastolic=None,
        )
    assert set(error.value.message_dict) == {"diastolic", "effective_at"}
    assert "future" in error.value.message_dict["effective_at"][0]


def test_unknown_kind_and_unit_are_refused(cast):
    with pytest.raises(ValidationError) as error:
        record(own_access(cast), "cholesterol")
    assert "kind" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        record(own_access(cast), "weight", weight=Entered(80, "mg/dL"))
    assert "unit" in error.value.message_dict["weight"][0]


def test_the_same_measurement_sent_twice_is_stored_once(cast):
    when = now() - dt.timedelta(minutes=3)
    first = record(own_access(cast), "weight", when=when, weight=Entered(80, "kg"))
    again = record(own_access(cast), "weight", when=when, weight=Entered(80, "kg"))
    assert [r.pk for r in again] == [r.pk for r in first]
    assert Observation.objects.filter(patient=cast.patient).count() == 1


def test_the_unit_chosen_is_remembered_per_code(cast):
    user = cast.patient.user
    record(own_access(cast), "weight", weight=Entered(170, "[lb_av]"))
    record(own_access(cast), "glucose", glucose=Entered(6, "mmol/L"))
    assert unit_preferences(user) == {WEIGHT: "[lb_av]", "loinc:15074-8": "mmol/L"}
    record(own_access(cast), "weight", weight=Entered(80, "kg"), when=now())
    assert unit_preferences(user)[WEIGHT] == "kg"


def test_carer_on_behalf_writes_the_patient_stream_with_the_carer_as_reporter(cast):
    access = patient_for_user(cast.carer, cast.patient.pk)
    (row,) = record(access, "weight", weight=Entered(80, "kg"))
    assert (row.source, row.reporter_id) == ("patient", cast.carer.pk)


def test_carer_without_report_own_cannot_report_as_carer(cast):
    access = patient_for_user(cast.carer, cast.child.pk)
    assert streams_for(access) == ["patient"]
    with pytest.raises(PermissionDenied):
        record(access, "temperature", stream="carer", temperature=Entered(38, "Cel"))


def test_carer_own_observations_are_a_separate_stream(cast):
    carer = carer_with(cast, cast.child, {"view_reports", "report_own"}, cast.clinician)
    access = patient_for_user(carer, cast.child.pk)
    assert streams_for(access) == ["carer"]
    with pytest.raises(PermissionDenied):
        record(access, "temperature", temperature=Entered(38.5, "Cel"))
    (row,) = record(access, "temperature", stream="carer", temperature=Entered(38.5, "Cel"))
    assert (row.source, row.reporter_id) == ("carer", carer.pk)
    assert home_measurements(access, sources=("patient",)) == []
    assert home_measurements(access, sources=("carer",)) == [row]


def test_carer_with_only_view_reports_cannot_record(cast):
    carer = carer_with(cast, cast.child, {"view_reports"}, cast.clinician)
    access = patient_for_user(carer, cast.child.pk)
    assert streams_for(access) == []
    with pytest.raises(PermissionDenied):
        record(access, "temperature", temperature=Entered(38, "Cel"))


def test_patient_cannot_write_the_carer_stream_and_clinician_types_in_for_the_patient(cast):
    with pytest.raises(PermissionDenied):
        record(own_access(cast), "weight", stream="carer", weight=Entered(80, "kg"))
    access = patient_for_user(cast.clinician, cast.patient.pk)
    (row,) = record(access, "weight", weight=Entered(80, "kg"))
    assert (row.source, row.reporter_id) == ("patient", cast.clinician.pk)


def test_home_measurements_leave_out_other_codes_and_audit_the_read(cast):
    record(own_access(cast), "weight", weight=Entered(80, "kg"))
    access = own_access(cast)
    rows = home_measurements(access, sources=("patient",))
    assert [r.code for r in rows] == [WEIGHT]
    event = AuditEvent.objects.latest("pk")
    assert (event.action, event.patient_id, event.purpose) == (
        "read",
        cast.patient.pk,
        "home-measurements",
    )


def test_fev1_typed_in_millilitres_with_litres_chosen_suggests_ml(cast):
    with pytest.raises(ValidationError) as error:
        record(own_access(cast), "fev1", fev1=Entered(1450, "L"))
    assert "did you mean mL?" in error.value.message_dict["fev1"][0]
    (row,) = record(own_access(cast), "fev1", fev1=Entered(1450, "mL"))
    assert (row.value_unit, row.value_quantity) == ("L", 1.45)

"""Recording, correcting and withdrawing observations: plausibility and history."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from coproduce.core.clock import now
from coproduce.core.models import AuditEvent
from coproduce.observations import services
from coproduce.observations.models import Observation
from coproduce.observations.selectors import observation_history, observation_series
from coproduce.patients.selectors import patient_for_user

SYSTOLIC = "loinc:8480-6"


def record_systolic(cast, value, **kwargs):
    return services.observation_record(
        actor=cast.clinician,
        patient=cast.patient,
        code=SYSTOLIC,
        quantity=value,
        unit="mm[Hg]",
        effective_at=kwargs.pop("effective_at", now() - dt.timedelta(hours=1)),
        source="clinician",
        **kwargs,
    )


def test_plausible_value_is_stored_with_unit_and_audit(cast):
    observation = record_systolic(cast, 132)
    assert (observation.value_quantity, observation.value_unit) == (132, "mm[Hg]")
    assert observation.unit_id == cast.patient.home_unit_id
    event = AuditEvent.objects.latest("pk")
    assert (event.action, event.entity_id) == ("create", str(observation.pk))


def test_systolic_900_is_refused_with_a_message_naming_the_range(cast):
    with pytest.raises(ValidationError) as error:
        record_systolic(cast, 900)
    message = error.value.message_dict["value"][0]
    assert "900" in message
    assert "50 to 280 mmHg" in message
    assert not Observation.objects.filter(patient=cast.patient).exists()


@pytest.mark.parametrize("value", [float("nan"), float("inf"), -5])
def test_non_finite_and_negative_values_are_refused(cast, value):
    with pytest.raises(ValidationError):
        record_systolic(cast, value)


def test_wrong_unit_is_refused(cast):
    with pytest.raises(ValidationError) as error:
        services.observation_record(
            actor=cast.clinician,
            patient=cast.patient,
            code="loinc:29463-7",
            quantity=180,
            unit="[lb_av]",
            effective_at=now(),
            source="patient",
        )
    assert "kg" in error.value.message_dict["value"][0]


def test_unknown_code_and_future_time_are_refused(cast):
    with pytest.raises(ValidationError) as error:
        services.observation_record(
            actor=cast.clinician,
            patient=cast.patient,
            code="loinc:0000-0",
            quantity=1,
            effective_at=now(),
            source="clinician",
        )
    assert "code" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        record_systolic(cast, 120, effective_at=now() + dt.timedelta(days=1))
    assert "effective_at" in error.value.message_dict


def test_coded_value_must_be_one_of_the_allowed(cast):
    with pytest.raises(ValidationError):
        services.observation_record(
            actor=cast.clinician,
            patient=cast.patient,
            code="coproduce:foot-check",
            coded="fine",
            effective_at=now(),
            source="clinician",
        )


def test_correction_keeps_history_and_series_shows_the_new_value(cast):
    original = record_systolic(cast, 182)
    corrected = services.observation_correct(
        actor=cast.clinician,
        observation=original,
        quantity=128,
        unit="mm[Hg]",
        reason="typed 182 for 128",
    )
    original.refresh_from_db()
    assert original.is_current is False
    assert original.value_quantity == 182  # never overwritten
    assert (corrected.status, corrected.replaces_id) == ("amended", original.pk)
    access = patient_for_user(cast.clinician, cast.patient.pk)
    assert [o.value_quantity for o in observation_series(access, SYSTOLIC)] == [128]
    assert observation_history(access, corrected) == [corrected, original]


def test_a_value_cannot_be_corrected_twice_from_the_same_version(cast):
    original = record_systolic(cast, 182)
    services.observation_correct(
        actor=cast.clinician, observation=original, quantity=128, reason="typo"
    )
    with pytest.raises(ValidationError):
        services.observation_correct(
            actor=cast.clinician, observation=original, quantity=129, reason="again"
        )


def test_correction_needs_a_reason_and_a_plausible_value(cast):
    original = record_systolic(cast, 120)
    with pytest.raises(ValidationError) as error:
        services.observation_correct(
            actor=cast.clinician, observation=original, quantity=121, reason=" "
        )
    assert "reason" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.observation_correct(
            actor=cast.clinician, observation=original, quantity=900, reason="typo"
        )
    original.refresh_from_db()
    assert original.is_current


def test_entered_in_error_is_kept_but_leaves_the_series(cast):
    observation = record_systolic(cast, 120)
    services.observation_mark_entered_in_error(
        actor=cast.clinician, observation=observation, reason="wrong patient"
    )
    observation.refresh_from_db()
    assert (observation.status, observation.is_current) == ("entered-in-error", False)
    access = patient_for_user(cast.clinician, cast.patient.pk)
    assert observation_series(access, SYSTOLIC) == []


def test_database_refuses_a_current_entered_in_error_row(cast):
    observation = record_systolic(cast, 120)
    observation.status = "entered-in-error"
    with pytest.raises(IntegrityError), transaction.atomic():
        observation.save()


def test_audit_event_is_in_the_same_transaction_as_the_write(cast):
    before = AuditEvent.objects.count()

    def record_then_fail():
        with transaction.atomic():
            record_systolic(cast, 120)
            raise RuntimeError("roll back")

    with pytest.raises(RuntimeError):
        record_then_fail()
    assert AuditEvent.objects.count() == before
    assert not Observation.objects.filter(patient=cast.patient).exists()


def test_carer_of_a_teenager_does_not_see_confidential_observations(cast):
    from coproduce.access.policy import access_for
    from coproduce.observations.selectors import observations_recent
    from tests import factories

    today = now().date()
    teenager = factories.make_patient(
        tree=cast.tree, birth_date=today.replace(year=today.year - 13, day=1)
    )
    factories.make_carer_grant(patient=teenager, carer=cast.carer, granted_by=cast.clinician)
    services.observation_record(
        actor=cast.clinician,
        patient=teenager,
        code="coproduce:patient-note",
        text="private",
        effective_at=now(),
        source="patient",
    )
    services.observation_record(
        actor=cast.clinician,
        patient=teenager,
        code=SYSTOLIC,
        quantity=110,
        unit="mm[Hg]",
        effective_at=now(),
        source="clinician",
    )
    carer_view = observations_recent(access_for(cast.carer, teenager))
    clinician_view = observations_recent(access_for(cast.clinician, teenager))
    assert [o.code for o in carer_view] == [SYSTOLIC]
    assert len(clinician_view) == 2

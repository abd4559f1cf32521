"""Creating and changing patient records: identifiers and bad input."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from coproduce.core.clock import today
from coproduce.patients import services
from coproduce.patients.models import Patient
from tests import factories


def create(tree, **overrides):
    fields = {
        "actor": None,
        "network": tree.network,
        "home_unit": tree.units[0],
        "local_id": "RA-0001",
        "given_name": "Sam",
        "family_name": "Lee",
        "birth_date": dt.date(1980, 2, 29),
        "sex": "male",
    }
    fields.update(overrides)
    return services.patient_create(**fields)


def test_patient_gets_a_care_team_at_the_home_unit(network_tree):
    patient = create(network_tree)
    assert patient.care_team.unit == network_tree.units[0]


def test_duplicate_local_identifier_is_refused_on_that_field(network_tree):
    create(network_tree)
    with pytest.raises(ValidationError) as error:
        create(network_tree, given_name="Other", local_id=" RA-0001 ")
    assert error.value.message_dict["local_id"] == [
        "A patient with local identifier RA-0001 already exists."
    ]
    assert Patient.objects.filter(network=network_tree.network).count() == 1


def test_same_local_identifier_is_allowed_in_another_network(network_tree):
    create(network_tree)
    other = factories.make_network()
    assert create(other)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("birth_date", today() + dt.timedelta(days=1)),
        ("birth_date", dt.date(1850, 1, 1)),
        ("sex", "x"),
        ("deprivation_quintile", 6),
        ("local_id", "   "),
    ],
)
def test_bad_input_names_the_field(network_tree, field, value):
    with pytest.raises(ValidationError) as error:
        create(network_tree, **{field: value})
    assert field in error.value.message_dict


def test_unit_of_another_network_is_refused(network_tree):
    other = factories.make_network()
    with pytest.raises(ValidationError) as error:
        create(network_tree, home_unit=other.units[0])
    assert "home_unit" in error.value.message_dict


def test_update_changes_allowed_fields_and_refuses_identity_keys(cast):
    services.patient_update(actor=cast.clinician, patient=cast.patient, phone="+46 70 000 00 00")
    cast.patient.refresh_from_db()
    assert cast.patient.phone == "+46 70 000 00 00"
    with pytest.raises(ValidationError) as error:
        services.patient_update(actor=cast.clinician, patient=cast.patient, local_id="X")
    assert "local_id" in error.value.message_dict


def test_one_open_enrolment_per_programme(cast):
    from coproduce.programmes.definition import built_in_programme_paths, parse_programme
    from coproduce.programmes.services import programme_load

    programme, _ = programme_load(
        actor=None, definition=parse_programme(built_in_programme_paths()[0])
    )
    enrolment = services.enrolment_start(
        actor=None,
        patient=cast.patient,
        programme=programme,
        unit=cast.tree.units[0],
        started_on=today(),
    )
    with pytest.raises(ValidationError):
        services.enrolment_start(
            actor=None,
            patient=cast.patient,
            programme=programme,
            unit=cast.tree.units[0],
            started_on=today(),
        )
    with pytest.raises(ValidationError):
        services.enrolment_end(
            actor=cast.clinician, enrolment=enrolment, ended_on=today() - dt.timedelta(days=1)
        )
    services.enrolment_end(actor=cast.clinician, enrolment=enrolment, ended_on=today())
    assert services.enrolment_start(
        actor=None,
        patient=cast.patient,
        programme=programme,
        unit=cast.tree.units[0],
        started_on=today(),
    )

"""Prepared inserts and reads give exactly what the ORM gives, on SQLite and PostgreSQL."""

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from coproduce.core.audit import audit_record
from coproduce.core.ids import as_pk
from coproduce.core.models import AuditEvent
from coproduce.core.prepared import PreparedGet, PreparedInsert, PreparedRows, PreparedUnion
from coproduce.observations.models import Observation
from coproduce.patients.models import Patient
from coproduce.questionnaires.models import QuestionnaireResponse
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)

AT = dt.datetime(2026, 3, 29, 0, 30, 15, 123456, tzinfo=dt.UTC)  # a DST change in Europe


def field_values(obj):
    return {f.attname: getattr(obj, f.attname) for f in type(obj)._meta.concrete_fields}


def test_an_inserted_row_reads_back_through_the_orm_as_it_was_given():
    tree = factories.make_network()
    patient = factories.make_patient(tree=tree)
    rows = [
        Observation(
            patient=patient,
            unit_id=patient.home_unit_id,
            code="phq9-total",
            value_quantity=value,
            effective_at=AT,
            recorded_at=AT + dt.timedelta(seconds=1),
            source="patient",
            derived_from="QuestionnaireResponse/1",
            instrument_version="phq-9|1.0.0",
        )
        for value in (0.0, 27.0, 13.5)
    ]
    PreparedInsert(Observation).insert(rows)
    assert [row.pk for row in rows] == sorted(row.pk for row in rows)
    for row in rows:
        assert not row._state.adding
        stored = Observation.objects.get(pk=row.pk)
        assert field_values(stored) == field_values(row)
    assert Observation.objects.get(pk=rows[2].pk).effective_at == AT


def test_json_and_null_columns_round_trip():
    event = AuditEvent(
        occurred_at=AT,
        actor=None,
        actor_role="anonymous",
        action="read",
        outcome="success",
        entity_type="Patient",
        entity_id="7",
        patient_id=None,
        purpose="",
        detail={"codes": ["a", "b"], "n": 3, "nested": {"ok": True}},
    )
    PreparedInsert(AuditEvent).insert([event])
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.detail == {"codes": ["a", "b"], "n": 3, "nested": {"ok": True}}
    assert stored.actor_id is None
    assert stored.patient_id is None
    assert stored.occurred_at == AT


def test_a_get_matches_select_related_and_loads_the_related_rows_in_one_query():
    tree = factories.make_network()
    patient = factories.make_patient(tree=tree, unit=tree.units[1], with_login=True)
    expected = Patient.objects.select_related("network", "home_unit", "user").get(pk=patient.pk)
    get = PreparedGet(Patient, related=("network", "home_unit", "user"))
    with CaptureQueriesContext(connection) as queries:
        found = get.get(patient.pk)
        related = (found.network, found.home_unit, found.user)
    assert len(queries.captured_queries) == 1
    assert field_values(found) == field_values(expected)
    assert field_values(related[0]) == field_values(expected.network)
    assert field_values(related[1]) == field_values(expected.home_unit)
    assert field_values(related[2]) == field_values(expected.user)
    assert found.birth_date == dt.date(1970, 6, 15)
    assert not found._state.adding


def test_a_get_without_the_optional_related_row_gives_none_for_it():
    tree = factories.make_network()
    patient = factories.make_patient(tree=tree)  # no login: user is NULL
    found = PreparedGet(Patient, related=("user",)).get(patient.pk)
    assert found.pk == patient.pk
    with CaptureQueriesContext(connection) as queries:
        assert found.user is None
    assert queries.captured_queries == []


def test_a_get_by_a_unique_column_and_a_missing_value():
    by_key = PreparedGet(QuestionnaireResponse, field="idempotency_key")
    assert by_key.get("no-such-key") is None
    assert PreparedGet(Patient).get(10**12) is None


def test_only_unique_columns_and_forward_keys_are_accepted():
    with pytest.raises(ValueError, match="not unique"):
        PreparedGet(Patient, field="family_name")
    with pytest.raises(ValueError, match="not a forward foreign key"):
        PreparedGet(Patient, related=("family_name",))


def test_a_broken_constraint_is_djangos_integrity_error_and_rolls_back_the_transaction():
    tree = factories.make_network()
    patient = factories.make_patient(tree=tree, with_login=True)
    definition = factories.load_instrument("phq-9")

    def response():
        return QuestionnaireResponse(
            patient=patient,
            definition=definition,
            status="completed",
            reporter="patient",
            author_id=patient.user_id,
            author_role="patient",
            answers={},
            authored_at=AT,
            submitted_at=AT,
            idempotency_key="same-key",
        )

    first = PreparedInsert(QuestionnaireResponse).insert([response()])[0]

    def audited_duplicate():
        with transaction.atomic():
            audit_record(actor=None, action="read", entity_type="Patient", patient_id=patient.pk)
            PreparedInsert(QuestionnaireResponse).insert([response()])

    with pytest.raises(IntegrityError):
        audited_duplicate()
    assert not AuditEvent.objects.filter(patient_id=patient.pk, action="read").exists()
    assert QuestionnaireResponse.objects.get(idempotency_key="same-key").pk == first.pk


def test_ids_too_large_for_a_key_are_not_ids():
    assert as_pk("42") == 42
    assert as_pk(" 7") == 7
    assert as_pk("9223372036854775807") == 2**63 - 1
    assert as_pk("9223372036854775808") is None
    assert as_pk("12abc") is None


def test_prepared_rows_prepare_values_and_convert_columns_as_the_orm_does():
    tree = factories.make_network()
    patient = factories.make_patient(tree=tree)
    for minutes, value in ((0, 1.0), (30, 2.0), (60, 3.0)):
        PreparedInsert(Observation).insert(
            [
                Observation(
                    patient=patient,
                    unit_id=patient.home_unit_id,
                    code="loinc:29463-7",
                    value_quantity=70 + value,
                    effective_at=AT + dt.timedelta(minutes=minutes),
                    recorded_at=AT,
                    source="patient",
                )
            ]
        )
    latest = PreparedRows(
        Observation,
        ["effective_at", "value_quantity"],
        where="{patient} = %s AND {code} = %s AND {effective_at} <= %s",
        params=["patient", "code", "effective_at"],
        order_by=["-effective_at", "-id"],
        limit=True,
    )
    rows = latest.rows(patient.pk, "loinc:29463-7", AT + dt.timedelta(minutes=30), limit=5)
    assert rows == [[AT + dt.timedelta(minutes=30), 72.0], [AT, 71.0]]
    assert latest.rows(patient.pk, "loinc:29463-7", AT, limit=5) == [[AT, 71.0]]  # equal: kept


def weights(patient, count: int) -> list[Observation]:
    rows = [
        Observation(
            patient=patient,
            unit_id=patient.home_unit_id,
            code="loinc:29463-7",
            value_quantity=70 + n,
            effective_at=AT + dt.timedelta(days=n),
            recorded_at=AT,
            source="patient",
        )
        for n in range(count)
    ]
    return list(PreparedInsert(Observation).insert(rows))


WEIGHTS = {
    "where": "{patient} = %s AND {code} = %s",
    "params": ["patient", "code"],
    "limit": True,
}


def test_a_union_gives_the_last_and_the_first_rows_in_one_statement():
    patient = factories.make_patient(tree=factories.make_network())
    weights(patient, 6)
    columns = ["effective_at", "value_quantity"]
    last = PreparedRows(Observation, columns, order_by=["-effective_at"], **WEIGHTS)
    first = PreparedRows(Observation, columns, order_by=["effective_at"], **WEIGHTS)
    union = PreparedUnion(last, first)
    values = (patient.pk, "loinc:29463-7")
    with CaptureQueriesContext(connection) as queries:
        rows = union.rows(values, values, limits=(2, 1))
    assert len(queries) == 1
    assert rows == [
        [AT + dt.timedelta(days=5), 75.0],
        [AT + dt.timedelta(days=4), 74.0],
        [AT, 70.0],
    ]
    assert union.rows(values, (patient.pk, "no-such-code"), limits=(1, 1)) == [
        [AT + dt.timedelta(days=5), 75.0]
    ]
    with pytest.raises(ValueError, match="same columns"):
        PreparedUnion(last, PreparedRows(Observation, ["id"], **WEIGHTS))


def test_prepared_rows_read_columns_of_a_joined_row():
    tree = factories.make_network()
    patient = factories.make_patient(tree=tree, unit=tree.units[1])
    weights(patient, 1)
    rows = PreparedRows(
        Observation,
        ["value_quantity", "unit__name", "unit__time_zone", "patient__family_name"],
        **WEIGHTS,
    ).rows(patient.pk, "loinc:29463-7", limit=5)
    unit = tree.units[1]
    assert rows == [[70.0, unit.name, unit.time_zone, patient.family_name]]
    with pytest.raises(ValueError, match="non-null foreign key"):
        PreparedRows(Observation, ["reporter__username"], **WEIGHTS)


def test_travelled_to_moves_now_for_the_block_only():
    from coproduce.core.clock import now, travelled_to

    with travelled_to(AT):
        assert now() == AT
        event = audit_record(actor=None, action="read", entity_type="Patient")
    assert AuditEvent.objects.get(pk=event.pk).occurred_at == AT
    assert now() > AT
    with pytest.raises(ValueError, match="aware"):
        travelled_to(dt.datetime(2026, 1, 1)).__enter__()

"""Audit events of one write path written together (`audit_batch`), never lost or split."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from coproduce.core.audit import audit_batch, audit_record
from coproduce.core.models import AuditEvent

pytestmark = pytest.mark.django_db(transaction=True)


def record(entity_id: int) -> AuditEvent:
    return audit_record(actor=None, action="create", entity_type="Test", entity_id=entity_id)


def test_a_batch_writes_its_events_in_one_statement_when_it_ends():
    with transaction.atomic(), audit_batch():
        with CaptureQueriesContext(connection) as queries:
            events = [record(n) for n in range(3)]
        assert len(queries) == 0
        assert not AuditEvent.objects.filter(entity_type="Test").exists()
        with CaptureQueriesContext(connection) as queries:
            record(3)
    # Nothing is written until the batch ends; then all four, in the order recorded.
    assert len(queries) == 0
    stored = list(AuditEvent.objects.filter(entity_type="Test").order_by("pk"))
    assert [e.entity_id for e in stored] == ["0", "1", "2", "3"]
    assert [e.pk for e in events] == [e.pk for e in stored[:3]]


def test_one_insert_for_the_whole_batch():
    with CaptureQueriesContext(connection) as queries, transaction.atomic(), audit_batch():
        for n in range(5):
            record(n)
    inserts = [q for q in queries.captured_queries if q["sql"].startswith("INSERT")]
    assert len(inserts) == 1
    assert AuditEvent.objects.filter(entity_type="Test").count() == 5


def test_a_failed_block_writes_nothing_and_a_nested_batch_joins_the_outer_one():
    def failing_write():
        with transaction.atomic(), audit_batch():
            record(1)
            raise RuntimeError("the write failed")

    with pytest.raises(RuntimeError):
        failing_write()
    assert not AuditEvent.objects.filter(entity_type="Test").exists()
    with transaction.atomic(), audit_batch():
        record(1)
        with audit_batch():
            record(2)
        assert not AuditEvent.objects.filter(entity_type="Test").exists()
    assert AuditEvent.objects.filter(entity_type="Test").count() == 2
    record(3)  # outside a batch: written at once
    assert AuditEvent.objects.filter(entity_type="Test").count() == 3

"""Writing audit events. Call inside the transaction of the change you record."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from coproduce.core.clock import now
from coproduce.core.models import AuditAction, AuditEvent, AuditOutcome
from coproduce.core.prepared import PreparedInsert

if TYPE_CHECKING:
    from coproduce.accounts.models import User


AUDIT_INSERT = PreparedInsert(AuditEvent)
# Events recorded inside `audit_batch()`, written together when it ends.
_PENDING: ContextVar[list[AuditEvent] | None] = ContextVar("audit_pending", default=None)


@contextmanager
def audit_batch() -> Iterator[None]:
    """Write the audit events recorded in the block in one statement at its end: for a
    write path that records several (a questionnaire response, its scores, an alert).
    Use it inside the transaction: the events are written before it commits, and if the
    block raises they are dropped with the rest of the transaction's work."""
    if _PENDING.get() is not None:  # already batching: the outer block writes them
        yield
        return
    pending: list[AuditEvent] = []
    token = _PENDING.set(pending)
    try:
        yield
    finally:
        _PENDING.reset(token)
    AUDIT_INSERT.insert(pending)


def audit_record(
    *,
    actor: User | None,
    action: str,
    entity_type: str,
    entity_id: object = "",
    patient_id: int | None = None,
    outcome: str = AuditOutcome.SUCCESS,
    purpose: str = "",
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Record one audit event. `detail` must hold ids and codes only."""
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    event = AuditEvent(
        occurred_at=now(),
        actor=actor if is_user else None,
        actor_role=getattr(actor, "role", "") if is_user else "anonymous",
        action=action,
        outcome=outcome,
        entity_type=entity_type,
        entity_id=str(entity_id),
        patient_id=patient_id,
        purpose=purpose,
        detail=detail or {},
    )
    pending = _PENDING.get()
    if pending is not None:
        pending.append(event)  # its id is set when the batch is written
        return event
    # Every read and write records one, so its SQL is built once (ADR 0013).
    AUDIT_INSERT.insert([event])
    return event


__all__ = ["AuditAction", "AuditOutcome", "audit_batch", "audit_record"]

"""Writing audit events. Call inside the transaction of the change you record."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from coproduce.core.clock import now
from coproduce.core.models import AuditAction, AuditEvent, AuditOutcome
from coproduce.core.prepared import PreparedInsert

if TYPE_CHECKING:
    from coproduce.accounts.models import User


AUDIT_INSERT = PreparedInsert(AuditEvent)


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
    # Every read and write records one, so its SQL is built once (ADR 0013).
    AUDIT_INSERT.insert([event])
    return event


__all__ = ["AuditAction", "AuditOutcome", "audit_record"]

"""Writing audit events. Call inside the transaction of the change you record."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from coproduce.core.clock import now
from coproduce.core.models import AuditAction, AuditEvent, AuditOutcome

if TYPE_CHECKING:
    from coproduce.accounts.models import User


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
    return AuditEvent.objects.create(
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


__all__ = ["AuditAction", "AuditOutcome", "audit_record"]

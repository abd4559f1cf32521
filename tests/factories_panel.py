"""Panel test data made through the panel's services, and the authorization matrix's
arguments for saved-view routes."""

from __future__ import annotations

import datetime as dt
import itertools

from coproduce.accounts.models import User
from coproduce.alerts.models import Alert
from coproduce.core.clock import now
from coproduce.panel import services
from coproduce.panel.models import SavedView

_numbers = itertools.count(1)


def make_saved_view(owner: User, name: str = "", query: str = "status=alerts") -> SavedView:
    """A saved view of `owner` (a fresh name each call unless given)."""
    return services.saved_view_create(
        owner=owner, name=name or f"My view {next(_numbers)}", query=query
    )


def view_kwargs(world) -> dict:
    """The cast clinician's own saved view (a new one each call: deleting one in a route
    check leaves the next check its own)."""
    return {"view_id": make_saved_view(world.cast.clinician).pk}


def other_clinician_view_kwargs(world) -> dict:
    """A saved view of a clinician in another unit."""
    return {"view_id": make_saved_view(world.cast.other_clinician).pk}


def colleague_view_kwargs(world) -> dict:
    """A saved view of a colleague in the same unit (the nurse): still not theirs."""
    return {"view_id": make_saved_view(world.cast.nurse).pk}


def make_alert(patient, severity: str = "high", rule_id: str = "r1") -> Alert:
    """An open alert on `patient` (the alert engine's own factories need programme data the
    panel does not care about)."""
    at = now()
    return Alert.objects.create(
        patient=patient,
        unit=patient.home_unit,
        programme_code="hypertension",
        programme_version="1",
        rule_id=rule_id,
        rule={},
        title="Test alert",
        severity=severity,
        opened_at=at,
        respond_by=at + dt.timedelta(hours=4),
        last_triggered_at=at,
    )

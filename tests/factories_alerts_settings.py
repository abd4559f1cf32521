"""Test helpers for escalation and unit alert settings: unit leads, a unit's settings and
alerts raised at a chosen moment. Data is made through the services, like
tests/factories.py."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from coproduce.accounts.models import Profession, Role, User
from coproduce.alerts import unit_settings
from coproduce.alerts.models import Alert, UnitAlertSettings
from coproduce.alerts.rules import AlertRule, Trigger
from coproduce.alerts.services import ProgrammeRules, alert_raise
from coproduce.core.clock import today
from coproduce.network.models import Unit, UnitMembership
from coproduce.network.services import unit_membership_add
from coproduce.patients.models import Patient
from tests import factories


def make_unit_lead(*, tree: factories.NetworkTree, unit: Unit) -> User:
    """A new clinician who leads `unit`."""
    lead = factories.make_user(
        role=Role.CLINICIAN, network=tree.network, username=f"lead-{factories.next_number()}"
    )
    unit_membership_add(
        actor=None,
        unit=unit,
        user=lead,
        started_on=today() - dt.timedelta(days=365),
        is_lead=True,
    )
    return lead


def make_clinician(*, tree: factories.NetworkTree, unit: Unit, nurse: bool = True) -> User:
    """A clinician (a nurse by default) who works in `unit`, not its lead."""
    profession = Profession.NURSE if nurse else Profession.PHYSICIAN
    return factories.make_user(
        role=Role.CLINICIAN,
        network=tree.network,
        units=(unit,),
        profession=profession,
        username=f"{profession}-{factories.next_number()}",  # its own e-mail address
    )


def unit_settings_set(unit: Unit, **changes) -> UnitAlertSettings:
    """Save `unit`'s alert settings as the system would (defaults, then `changes`)."""
    values = {
        "office_opens": dt.time(8),
        "office_closes": dt.time(18),
        "office_days": [1, 2, 3, 4, 5],
        "holidays": [],
        "phone": "",
        "out_of_hours_phone": "",
        "next_responder": None,
        **changes,
    }
    return unit_settings.unit_alert_settings_update(actor=None, unit=unit, **values)


def raise_alert(
    *,
    patient: Patient,
    unit: Unit,
    at: dt.datetime,
    severity: str = "high",
    hours: float = 4,
    rule_id: str = "test-rule",
    programme_code: str = "depression-anxiety",
) -> Alert:
    """An alert of a test rule for `patient` in `unit`'s queue, raised at `at` through
    alert_raise (so its respond_by follows the unit's office hours)."""
    rule = AlertRule(
        id=rule_id,
        title="Test rule",
        kind="threshold",
        severity=severity,
        respond_within_hours=hours,
    )
    programme = ProgrammeRules(programme_code, "1.0.0", unit.pk, at, (rule,))
    trigger = Trigger(rule, severity, "A test reason")
    source = f"test/{factories.next_number()}"
    with transaction.atomic():
        result = alert_raise(
            patient_id=patient.pk, programme=programme, trigger=trigger, source=source, at=at
        )
    assert result is not None
    return result[0]


# --- For the authorization matrix ------------------------------------------------------------


def lead_unit_kwargs(world) -> dict:
    """kwargs of `alerts:unit_settings` for a unit the cast's clinician leads: the third
    unit of the cast's network, which they join as lead (made once). Swap to
    `other_unit_kwargs` (a unit they do not work in) and `member_unit_kwargs` (their own
    unit, where they are a member but not the lead): both must be refused."""
    cast = world.cast
    unit = cast.tree.units[2]
    if not UnitMembership.objects.filter(unit=unit, user=cast.clinician).exists():
        unit_membership_add(
            actor=None,
            unit=unit,
            user=cast.clinician,
            started_on=today() - dt.timedelta(days=30),
            is_lead=True,
        )
    return {"unit_id": unit.pk}


def other_unit_kwargs(world) -> dict:
    return {"unit_id": world.cast.tree.units[1].pk}


def member_unit_kwargs(world) -> dict:
    return {"unit_id": world.cast.tree.units[0].pk}

"""The write path for the organisation."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from coproduce.accounts.models import STAFF_ROLES, User
from coproduce.core.audit import AuditAction, audit_record
from coproduce.network.models import Network, Region, Unit, UnitMembership


def network_create(*, actor: User | None, slug: str, name: str) -> Network:
    with transaction.atomic():
        network = Network.objects.create(slug=slug, name=name)
        audit_record(
            actor=actor, action=AuditAction.CREATE, entity_type="Network", entity_id=network.pk
        )
    return network


def region_create(*, actor: User | None, network: Network, name: str) -> Region:
    with transaction.atomic():
        region = Region.objects.create(network=network, name=name)
        audit_record(
            actor=actor, action=AuditAction.CREATE, entity_type="Region", entity_id=region.pk
        )
    return region


def unit_create(
    *, actor: User | None, region: Region, code: str, name: str, time_zone: str = "UTC"
) -> Unit:
    with transaction.atomic():
        unit = Unit.objects.create(region=region, code=code, name=name, time_zone=time_zone)
        audit_record(actor=actor, action=AuditAction.CREATE, entity_type="Unit", entity_id=unit.pk)
    return unit


def unit_membership_add(
    *, actor: User | None, unit: Unit, user: User, started_on: dt.date, is_lead: bool = False
) -> UnitMembership:
    """Add a member of staff to a unit. Patients and carers are never unit members."""
    if user.role not in STAFF_ROLES:
        from django.core.exceptions import ValidationError

        raise ValidationError({"user": _("Only staff can be members of a unit.")})
    with transaction.atomic():
        membership = UnitMembership.objects.create(
            unit=unit, user=user, started_on=started_on, is_lead=is_lead
        )
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            entity_type="UnitMembership",
            entity_id=membership.pk,
            detail={"unit": unit.pk, "user": user.pk},
        )
    return membership


def unit_membership_end(
    *, actor: User | None, membership: UnitMembership, ended_on: dt.date
) -> None:
    with transaction.atomic():
        membership.ended_on = ended_on
        membership.save(update_fields=["ended_on"])
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            entity_type="UnitMembership",
            entity_id=membership.pk,
            detail={"field": "ended_on"},
        )

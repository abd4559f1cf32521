"""Annotations on the QI charts: the one write path (`annotation_add`, atomic, audited)
and the read of the annotations that belong on one chart.

Who may add: a QI lead of the network (for the network or any of its units), and a
clinician for a unit they work in. An annotation is never edited: a correction is a new
one, so a chart that was shown can always be explained.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from coproduce.accounts.models import Role, User
from coproduce.core.audit import AuditAction, audit_record
from coproduce.core.clock import now, today
from coproduce.measures.catalogues import measure_by_id
from coproduce.measures.models import MeasureAnnotation
from coproduce.network.models import Unit
from coproduce.network.selectors import staff_units

TEXT_MAX = 200
# Annotations mark changes in the period the charts show; older dates are a typing slip.
EARLIEST = dt.date(2000, 1, 1)


def may_annotate(user: User, unit: Unit | None) -> bool:
    """A QI lead of the network anywhere in it; a clinician for their own unit only."""
    if not user.is_authenticated or user.network_id is None:
        return False
    if unit is not None and unit.region.network_id != user.network_id:
        return False
    if user.role == Role.QI_LEAD:
        return True
    if user.role == Role.CLINICIAN and unit is not None:
        return staff_units(user).filter(pk=unit.pk).exists()
    return False


def annotation_errors(*, measure_id: str, on_date: dt.date | None, text: str) -> dict[str, str]:
    """What is wrong with a note, by field (empty when nothing is)."""
    errors: dict[str, str] = {}
    text = (text or "").strip()
    if measure_id:
        try:
            measure_by_id(measure_id)
        except KeyError:
            errors["measure_id"] = _("Choose a measure from the list.")
    if on_date is None:
        errors["on_date"] = _("Enter the date of the change, for example 2026-03-01.")
    elif on_date > today():
        errors["on_date"] = _("The date cannot be in the future. Add the note once it happened.")
    elif on_date < EARLIEST:
        errors["on_date"] = _("Enter a date from 2000 onwards.")
    if not text:
        errors["text"] = _("Say what changed, for example “Coproduction dashboards introduced”.")
    elif len(text) > TEXT_MAX:
        errors["text"] = _("Use %(max)s characters or fewer (you used %(count)s).") % {
            "max": TEXT_MAX,
            "count": len(text),
        }
    return errors


def annotation_add(
    *, actor: User, measure_id: str, unit: Unit | None, on_date: dt.date | None, text: str
) -> MeasureAnnotation:
    """Add one annotation. Raises ValidationError keyed by field (`on_date`, `text`,
    `measure_id`) for bad input and PermissionDenied when the actor may not annotate."""
    if not may_annotate(actor, unit):
        raise PermissionDenied(_("You may not add notes to this chart."))
    errors = annotation_errors(measure_id=measure_id, on_date=on_date, text=text)
    if errors:
        raise ValidationError(errors)
    text = text.strip()
    with transaction.atomic():
        annotation = MeasureAnnotation.objects.create(
            network_id=actor.network_id,
            measure_id=measure_id or "",
            unit=unit,
            on_date=on_date,
            text=text,
            created_by=actor,
            created_at=now(),
        )
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            entity_type="MeasureAnnotation",
            entity_id=annotation.pk,
            detail={"measure": measure_id or "all", "unit": unit.pk if unit else None},
        )
    return annotation


def annotations_for_chart(
    user: User, measure_id: str, *, unit_id: int | None
) -> QuerySet[MeasureAnnotation]:
    """The annotations of a chart: this measure's and all measures', network-wide ones and,
    on a unit's chart, that unit's. (Annotations hold no patient data; the caller has
    checked the reader with measure_series.)"""
    where = Q(unit__isnull=True)
    if unit_id is not None:
        where |= Q(unit_id=unit_id)
    return (
        MeasureAnnotation.objects.filter(where, network_id=user.network_id)
        .filter(Q(measure_id=measure_id) | Q(measure_id=""))
        .select_related("unit", "created_by")
        .order_by("on_date", "pk")
    )

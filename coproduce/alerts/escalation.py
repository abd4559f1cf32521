"""Escalation: an alert nobody acknowledged in time goes up, one level at a time.

Level 0 is the unit's queue. When an open alert passes its `respond_by`, it is escalated to
level 1, the next responder: the unit's named next responder (UnitAlertSettings), else the
clinicians of the patient's care team who work in the unit, else the unit's other
clinicians. If it is still not acknowledged one more response-time period later (counted
from the escalation, in office time for high and routine alerts), it goes to level 2, the
unit lead(s). Nothing goes past level 2; acknowledged and closed alerts never escalate.

`respond_by` keeps the original target, so the alert-load figures ("acknowledged within
target") are not moved by an escalation; the level-2 deadline is computed from
`escalated_at` (`next_escalation_at`).

The worker's scheduler runs `escalations_run` every few minutes (alerts/jobs.py). Each step
is a conditional UPDATE on the current level, so two workers running at once escalate an
alert once; the step's audit event and in-app notifications are in the same transaction,
and the e-mails go out after it commits.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from coproduce.accounts.models import Role, User
from coproduce.alerts.models import Alert, AlertStatus, UnitAlertSettings
from coproduce.alerts.office_hours import respond_by
from coproduce.alerts.services import office_hours_of
from coproduce.core.audit import AuditAction, audit_record
from coproduce.core.clock import now, today
from coproduce.network.models import Unit, UnitMembership
from coproduce.patients.models import CareTeamMember, CareTeamRole
from coproduce.reporting.services import notification_create, site_url

logger = logging.getLogger(__name__)

NEXT_RESPONDER = 1
UNIT_LEAD = 2
TOP_LEVEL = UNIT_LEAD


def current_members(unit_id: int) -> QuerySet[UnitMembership]:
    """Memberships of the unit that are current today."""
    day = today()
    return UnitMembership.objects.filter(unit_id=unit_id, started_on__lte=day).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=day)
    )


def _active(users: QuerySet[User]) -> list[User]:
    return list(users.filter(is_active=True).order_by("last_name", "first_name", "pk"))


def next_responders(alert: Alert) -> list[User]:
    """Level 1: the unit's next responder (if still a current member), else the clinicians
    on the patient's care team who work in the unit, else the unit's other clinicians
    (not its leads, who are level 2), else any clinician of the unit."""
    members = current_members(alert.unit_id)
    named = UnitAlertSettings.objects.filter(
        unit_id=alert.unit_id,
        next_responder__isnull=False,
        next_responder_id__in=members.values("user_id"),
    ).values("next_responder_id")
    found = _active(User.objects.filter(pk__in=named))
    if found:
        return found
    care_team = CareTeamMember.objects.filter(
        care_team__patient_id=alert.patient_id,
        role=CareTeamRole.CLINICIAN,
        removed_at__isnull=True,
        user_id__in=members.values("user_id"),
    ).values("user_id")
    found = _active(User.objects.filter(pk__in=care_team, role=Role.CLINICIAN))
    if found:
        return found
    clinicians = User.objects.filter(role=Role.CLINICIAN)
    found = _active(clinicians.filter(pk__in=members.filter(is_lead=False).values("user_id")))
    return found or _active(clinicians.filter(pk__in=members.values("user_id")))


def unit_leads(alert: Alert) -> list[User]:
    """Level 2: the unit's current lead(s)."""
    leads = current_members(alert.unit_id).filter(is_lead=True).values("user_id")
    return _active(User.objects.filter(pk__in=leads))


def responders_for(alert: Alert, level: int) -> list[User]:
    return next_responders(alert) if level == NEXT_RESPONDER else unit_leads(alert)


def next_escalation_at(alert: Alert) -> dt.datetime | None:
    """When the alert escalates next if nobody acknowledges it; None when it cannot."""
    if alert.status != AlertStatus.OPEN or alert.escalation_level >= TOP_LEVEL:
        return None
    if alert.escalation_level == 0 or alert.escalated_at is None:
        return alert.respond_by
    hours = float(alert.rule.get("respond_within_hours") or 0) if alert.rule else 0.0
    if hours <= 0:  # a rule stored without a target: one more period of the original length
        hours = max((alert.respond_by - alert.opened_at).total_seconds() / 3600, 0.0)
    return respond_by(alert.escalated_at, hours, alert.severity, office_hours_of(alert.unit_id))


def alert_path(alert_id: int) -> str:
    """Where a responder opens the alert: its page in the queue (every responder works in
    the alert's unit, so may see it)."""
    return reverse("alerts:alert_detail", kwargs={"alert_id": alert_id})


def escalation_text(alert: Alert, unit_name: str) -> str:
    """Plain words, no clinical detail: which unit, and that nobody has acknowledged it."""
    if alert.severity == "urgent":
        return _("An urgent alert for a patient in %(unit)s has not been acknowledged.") % {
            "unit": unit_name
        }
    return _("An alert for a patient in %(unit)s has not been acknowledged in time.") % {
        "unit": unit_name
    }


def alert_escalate(*, alert_id: int, at: dt.datetime | None = None, email: bool = True) -> bool:
    """Escalate one alert by one level if it is due; False if it is not (acknowledged,
    closed, not yet due, at the top, or escalated by another worker a moment ago).
    `email=False` (the demo seed replaying past weeks) leaves out the e-mails only."""
    at = at or now()
    alert = Alert.objects.filter(pk=alert_id).first()
    if alert is None:
        return False
    due = next_escalation_at(alert)
    if due is None or due > at:
        return False
    level = alert.escalation_level + 1
    unit_name = Unit.objects.filter(pk=alert.unit_id).values_list("name", flat=True).first() or ""
    with transaction.atomic():
        changed = Alert.objects.filter(
            pk=alert.pk, status=AlertStatus.OPEN, escalation_level=alert.escalation_level
        ).update(escalation_level=level, escalated_at=at)
        if not changed:
            return False
        alert.escalation_level, alert.escalated_at = level, at
        recipients = responders_for(alert, level)
        path = alert_path(alert.pk)
        with translation.override(settings.LANGUAGE_CODE):
            text = escalation_text(alert, unit_name)
        for user in recipients:
            notification_create(recipient=user, patient=alert.patient, text=text, link=path)
        audit_record(
            actor=None,
            action=AuditAction.UPDATE,
            entity_type="Alert",
            entity_id=alert.pk,
            patient_id=alert.patient_id,
            purpose="alert-escalated",
            detail={"level": level, "recipients": [u.pk for u in recipients]},
        )
    if not recipients:
        logger.warning("alert escalated with nobody to tell alert=%s level=%s", alert.pk, level)
    if email:
        _email(recipients, text, site_url(path), alert.pk)
    logger.info("alert escalated alert=%s level=%s", alert.pk, level)
    return True


def _email(recipients: Iterable[User], text: str, link: str, alert_id: int) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("An alert has not been acknowledged")
        body = _("%(text)s Open it here: %(link)s") % {"text": text, "link": link}
    for user in recipients:
        if not user.email:
            continue
        try:
            send_mail(subject, f"{body}\n", None, [user.email])
        except Exception:  # one failed address must not stop the others
            logger.exception("escalation e-mail failed alert=%s user=%s", alert_id, user.pk)


def escalations_run(*, at: dt.datetime | None = None, email: bool = True) -> int:
    """The escalation job: escalate every open alert that is due, one level each. Returns
    how many were escalated by this run."""
    at = at or now()
    candidates = (
        Alert.objects.filter(status=AlertStatus.OPEN, escalation_level__lt=TOP_LEVEL)
        .filter(respond_by__lte=at)
        .order_by("respond_by", "pk")
        .values_list("pk", flat=True)
    )
    return sum(alert_escalate(alert_id=pk, at=at, email=email) for pk in list(candidates))

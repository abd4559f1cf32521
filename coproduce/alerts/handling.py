"""Handling an alert in the queue: claim, release, acknowledge, record the action and close.

Each change is one conditional UPDATE, so two clinicians acting at the same moment cannot
both win: of two nurses claiming at once exactly one claims the alert and the other is told
who has it. Every change is audited in its transaction, and the same visibility rule as
the queue applies (`selectors.alerts_visible_to`). Closing tells the patient, in plain
words and with no clinical detail, what the team did.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from coproduce.accounts.models import User
from coproduce.alerts.models import Alert, AlertAction, AlertStatus
from coproduce.alerts.outcomes import closing_notification_text, time_words, zone_of
from coproduce.alerts.selectors import visible_alert
from coproduce.core.audit import AuditAction, audit_record
from coproduce.core.clock import now
from coproduce.reporting.services import notification_create, reminder_recipients

NOTE_MAX_LENGTH = 2000
MSG_CHOOSE_ACTION = gettext_noop("Choose what you did.")
MSG_NO_ACTION_REASON = gettext_noop("Say why no action is needed.")


def _fresh(alert_id: int) -> Alert:
    return Alert.objects.select_related(
        "patient", "unit", "claimed_by", "acknowledged_by", "closed_by"
    ).get(pk=alert_id)


def _handled_by_message(alert: Alert) -> str:
    """'Sam Nurse is already handling this alert (since 10:42 on 3 March).'"""
    return _("%(name)s is already handling this alert (since %(when)s).") % {
        "name": alert.claimed_by.display_name if alert.claimed_by else _("Someone else"),
        "when": time_words(alert.claimed_at or now(), zone_of(alert)),
    }


def _closed_message(alert: Alert) -> str:
    return _("This alert was closed by %(name)s at %(when)s.") % {
        "name": alert.closed_by.display_name if alert.closed_by else _("someone else"),
        "when": time_words(alert.closed_at or now(), zone_of(alert)),
    }


def _audit(user: User, alert: Alert, purpose: str, **detail: object) -> None:
    audit_record(
        actor=user,
        action=AuditAction.UPDATE,
        entity_type="Alert",
        entity_id=alert.pk,
        patient_id=alert.patient_id,
        purpose=purpose,
        detail=dict(detail) or None,
    )


def _check_note(text: str, field: str) -> str:
    text = (text or "").strip()
    if len(text) > NOTE_MAX_LENGTH:
        raise ValidationError(
            {field: _("Please keep this under %(limit)s characters.") % {"limit": NOTE_MAX_LENGTH}}
        )
    return text


def alert_claim(*, user: User, alert_id: object, take_over: bool = False) -> Alert:
    """Claim an alert the clinician may see: "I am handling this". One conditional UPDATE
    (unclaimed and not closed), so of two clinicians claiming at once exactly one wins; the
    other gets a ValidationError naming who has it. Claiming one's own alert again changes
    nothing. With `take_over`, the claim moves from whoever holds it now (e.g. when they
    are away), still race-safe: it moves only from the holder read just before."""
    alert = visible_alert(user, alert_id, purpose="alert-claim")
    with transaction.atomic():
        at = now()
        pending = Alert.objects.filter(pk=alert.pk).exclude(status=AlertStatus.CLOSED)
        previous = alert.claimed_by_id
        if take_over and previous is not None and previous != user.pk:
            won = pending.filter(claimed_by_id=previous).update(claimed_by=user, claimed_at=at)
        else:
            won = pending.filter(claimed_by__isnull=True).update(claimed_by=user, claimed_at=at)
        current = _fresh(alert.pk)
        if not won:
            if current.status == AlertStatus.CLOSED:
                raise ValidationError(_closed_message(current))
            if current.claimed_by_id == user.pk:
                return current
            raise ValidationError(_handled_by_message(current))
        if take_over and previous is not None and previous != user.pk:
            _audit(user, current, "alert-take-over", previous=previous)
        else:
            _audit(user, current, "alert-claim")
    return current


def alert_release(*, user: User, alert_id: object) -> Alert:
    """Give back one's own claim, so a colleague can take the alert."""
    alert = visible_alert(user, alert_id, purpose="alert-release")
    with transaction.atomic():
        released = (
            Alert.objects.filter(pk=alert.pk, claimed_by=user)
            .exclude(status=AlertStatus.CLOSED)
            .update(claimed_by=None, claimed_at=None)
        )
        current = _fresh(alert.pk)
        if not released:
            if current.status == AlertStatus.CLOSED:
                raise ValidationError(_closed_message(current))
            if current.claimed_by_id is None:
                raise ValidationError(_("Nobody is handling this alert."))
            raise ValidationError(_handled_by_message(current))
        _audit(user, current, "alert-release")
    return current


def _take_or_check_claim(user: User, alert: Alert, at) -> None:
    """Acting on an alert claims it when nobody has; when a colleague has, they are named
    (take it over first). Inside the caller's transaction."""
    claimed = (
        Alert.objects.filter(pk=alert.pk, claimed_by__isnull=True)
        .exclude(status=AlertStatus.CLOSED)
        .update(claimed_by=user, claimed_at=at)
    )
    if claimed:
        _audit(user, alert, "alert-claim")
        return
    current = _fresh(alert.pk)
    if current.status == AlertStatus.CLOSED:
        raise ValidationError(_closed_message(current))
    if current.claimed_by_id != user.pk:
        raise ValidationError(_handled_by_message(current))


def alert_acknowledge(*, user: User, alert_id: object, note: str = "") -> Alert:
    """Say the alert has been seen and is being dealt with: it stops counting towards
    escalation. Claims it too when nobody has."""
    alert = visible_alert(user, alert_id, purpose="alert-acknowledge")
    note = _check_note(note, "note")
    with transaction.atomic():
        at = now()
        _take_or_check_claim(user, alert, at)
        changed = Alert.objects.filter(
            pk=alert.pk, status=AlertStatus.OPEN, claimed_by=user
        ).update(status=AlertStatus.ACKNOWLEDGED, acknowledged_by=user, acknowledged_at=at)
        current = _fresh(alert.pk)
        if not changed:
            if current.status == AlertStatus.ACKNOWLEDGED:
                raise ValidationError(
                    _("This alert was already acknowledged by %(name)s.")
                    % {"name": current.acknowledged_by.display_name}
                )
            raise ValidationError(_closed_message(current))
        if note:
            Alert.objects.filter(pk=alert.pk).update(action_note=note)
            current.action_note = note
        _audit(user, current, "alert-acknowledge", note=bool(note))
    return current


def alert_close(
    *,
    user: User,
    alert_id: object,
    action: str,
    note: str = "",
    no_action_reason: str = "",
) -> Alert:
    """Record what was done and close the alert. `action` is one of AlertAction; "no-action"
    needs a reason. Closing an open alert acknowledges it too. The patient (or, without a
    login, each carer who reports for them) gets a message in the app saying what the team
    did, in plain words."""
    errors: dict[str, str] = {}
    if action not in AlertAction.values:
        errors["action"] = _(MSG_CHOOSE_ACTION)
    reason = (no_action_reason or "").strip()
    if action == AlertAction.NO_ACTION and not reason:
        errors["no_action_reason"] = _(MSG_NO_ACTION_REASON)
    if errors:
        raise ValidationError(errors)
    alert = visible_alert(user, alert_id, purpose="alert-close")
    note = _check_note(note, "note")
    reason = _check_note(reason, "no_action_reason") if action == AlertAction.NO_ACTION else ""
    with transaction.atomic():
        at = now()
        _take_or_check_claim(user, alert, at)
        current = _fresh(alert.pk)
        was_open = current.status == AlertStatus.OPEN
        notes = "\n\n".join(n for n in (current.action_note, note) if n)
        changes = {
            "status": AlertStatus.CLOSED,
            "closed_by": user,
            "closed_at": at,
            "action": action,
            "action_note": notes,
            "no_action_reason": reason,
        }
        if was_open:
            changes.update(acknowledged_by=user, acknowledged_at=at)
        changed = (
            Alert.objects.filter(pk=alert.pk, claimed_by=user)
            .exclude(status=AlertStatus.CLOSED)
            .update(**changes)
        )
        current = _fresh(alert.pk)
        if not changed:
            raise ValidationError(_closed_message(current))
        _audit(user, current, "alert-close", action=action, acknowledged=was_open)
        _tell_patient(current)
    return current


def _tell_patient(alert: Alert) -> None:
    """A message in the app for the patient, or for the carers who report for a patient
    without a login, about the report the alert came from, linking to their messages
    about reports (the patient-side alert pages)."""
    latest = alert.triggers.order_by("-triggered_at", "-pk").values_list("triggered_at", flat=True)
    report_at = latest.first() or alert.last_triggered_at
    text = closing_notification_text(alert, report_at)
    patient = alert.patient
    for recipient in reminder_recipients(patient):
        if recipient.user is None:
            continue
        if recipient.user.pk == patient.user_id:
            link = reverse("alerts:mine")
        else:
            link = reverse("alerts:for_patient", kwargs={"patient_id": patient.pk})
        notification_create(recipient=recipient.user, patient=patient, text=text, link=link)

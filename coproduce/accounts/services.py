"""The write path for accounts: users and their two-step verification devices."""

from __future__ import annotations

import secrets

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from coproduce.accounts.models import Profession, Role, User
from coproduce.core.audit import AuditAction, audit_record
from coproduce.network.models import Network


def user_create(
    *,
    actor: User | None,
    username: str,
    password: str | None,
    role: str,
    network: Network | None,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
    profession: str = "",
    validate: bool = True,
) -> User:
    """Create a login. Raises ValidationError naming the field on bad input."""
    if role not in Role.values:
        raise ValidationError({"role": _("Unknown role %(role)s.") % {"role": repr(role)}})
    if profession and role != Role.CLINICIAN:
        raise ValidationError({"profession": _("Only clinicians have a profession.")})
    if profession and profession not in Profession.values:
        raise ValidationError(
            {
                "profession": _("Unknown profession %(profession)s.")
                % {"profession": repr(profession)}
            }
        )
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("This username is taken.")})
    user = User(
        username=username,
        email=email,
        first_name=first_name,
        last_name=last_name,
        role=role,
        profession=profession,
        network=network,
    )
    if password is None:
        user.set_unusable_password()
    else:
        if validate:
            try:
                validate_password(password, user)
            except ValidationError as error:
                raise ValidationError({"password": error.messages}) from error
        user.set_password(password)
    with transaction.atomic():
        user.save()
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            entity_type="User",
            entity_id=user.pk,
            detail={"role": role},
        )
    return user


def totp_device_start(*, user: User) -> TOTPDevice:
    """An unconfirmed TOTP device for enrolment; replaces any earlier unconfirmed one."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
        audit_record(
            actor=user,
            action=AuditAction.MFA,
            entity_type="TOTPDevice",
            entity_id=device.pk,
            detail={"step": "enrolment-started"},
        )
    return device


def totp_device_confirm(*, user: User, device: TOTPDevice, token: str) -> list[str] | None:
    """Confirm enrolment if `token` is right; returns one-time backup codes, or None."""
    if not device.verify_token(token):
        return None
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        backup_codes = backup_codes_replace(user=user)
        audit_record(
            actor=user,
            action=AuditAction.MFA,
            entity_type="TOTPDevice",
            entity_id=device.pk,
            detail={"step": "enrolment-confirmed"},
        )
    return backup_codes


def totp_device_enrol_with_key(*, actor: User | None, user: User, key_hex: str) -> TOTPDevice:
    """Enrol a confirmed device with a known key (used by the demo data; the demo prints
    how to get codes with `coproduce totp USERNAME`)."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        device = TOTPDevice.objects.create(
            user=user, name="Demo authenticator", key=key_hex, confirmed=True
        )
        audit_record(
            actor=actor,
            action=AuditAction.MFA,
            entity_type="TOTPDevice",
            entity_id=device.pk,
            detail={"step": "enrolled-by-administrator"},
        )
    return device


def backup_codes_replace(*, user: User, count: int = 10) -> list[str]:
    """New one-time backup codes for a lost phone; the old ones stop working."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="Backup codes", confirmed=True)
    codes = [secrets.token_hex(4) for _ in range(count)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return codes

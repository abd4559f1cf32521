"""Where reminders go out: SMS backends behind one small interface, chosen by a setting.

    COPRODUCE_SMS_BACKEND = "coproduce.reporting.backends.ConsoleSmsBackend"   # the default

A production backend is a class with `send(to, text)` that raises on failure (e.g. a
wrapper around the SMS provider's HTTP API). E-mail uses Django's own mail API and its
EMAIL_BACKEND setting.
"""

from __future__ import annotations

import sys
from typing import ClassVar, Protocol, TextIO

from django.conf import settings
from django.utils.module_loading import import_string

SMS_BACKEND_SETTING = "COPRODUCE_SMS_BACKEND"
DEFAULT_SMS_BACKEND = "coproduce.reporting.backends.ConsoleSmsBackend"


class SmsBackend(Protocol):
    def send(self, to: str, text: str) -> None:
        """Send `text` to the phone number `to`; raise on failure."""


class ConsoleSmsBackend:
    """Writes each text message to standard output, like Django's console e-mail backend
    (the demo and development). It stands in for delivery: it is not a log."""

    def __init__(self, stream: TextIO | None = None):
        self.stream = stream or sys.stdout

    def send(self, to: str, text: str) -> None:
        self.stream.write(f"SMS to {to}\n{text}\n{'-' * 40}\n")
        self.stream.flush()


class LocmemSmsBackend:
    """Keeps sent messages in `LocmemSmsBackend.outbox` (tests)."""

    outbox: ClassVar[list[tuple[str, str]]] = []

    def send(self, to: str, text: str) -> None:
        self.outbox.append((to, text))


def sms_backend() -> SmsBackend:
    """The SMS backend named by settings.COPRODUCE_SMS_BACKEND (console by default)."""
    return import_string(getattr(settings, SMS_BACKEND_SETTING, DEFAULT_SMS_BACKEND))()

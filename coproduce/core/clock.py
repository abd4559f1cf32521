"""The time seam: every 'now' in the product comes from here, so tests can move time."""

import datetime as dt

from django.utils import timezone


def now() -> dt.datetime:
    """The current aware datetime (UTC)."""
    return timezone.now()


def today() -> dt.date:
    return timezone.localdate(now())

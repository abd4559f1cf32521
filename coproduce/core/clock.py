"""The time seam: every 'now' in the product comes from here, so tests can move time, and
the demo seeder can write months of history through the same services people use."""

import contextlib
import datetime as dt
import threading
from collections.abc import Iterator

from django.utils import timezone

_travel = threading.local()


def now() -> dt.datetime:
    """The current aware datetime (UTC), or the moment `travelled_to` set."""
    at = getattr(_travel, "at", None)
    return at if at is not None else timezone.now()


def today() -> dt.date:
    return timezone.localdate(now())


@contextlib.contextmanager
def travelled_to(at: dt.datetime) -> Iterator[None]:
    """Make `now()` return `at` in this thread for the block (the demo seeder records past
    weeks this way). Never used while serving requests."""
    if at.tzinfo is None:
        raise ValueError("travelled_to needs an aware datetime")
    earlier = getattr(_travel, "at", None)
    _travel.at = at
    try:
        yield
    finally:
        _travel.at = earlier

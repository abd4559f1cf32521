"""The small-cell threshold in force (a setting, so a deployment can raise it)."""

from django.conf import settings

DEFAULT_SMALL_CELL_MAX = 10


def small_cell_max() -> int:
    """Counts from 1 to this number are never shown (`COPRODUCE_SMALL_CELL_MAX`)."""
    return int(getattr(settings, "COPRODUCE_SMALL_CELL_MAX", DEFAULT_SMALL_CELL_MAX))

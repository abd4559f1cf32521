"""Reads of programmes (configuration, not patient data)."""

from django.db.models import QuerySet

from coproduce.programmes.models import Programme


def programmes_all() -> QuerySet[Programme]:
    """Loaded care programmes by title (configuration, not patient data)."""
    return Programme.objects.order_by("title")

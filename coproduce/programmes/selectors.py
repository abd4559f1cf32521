"""Reads of programmes (configuration, not patient data)."""

from django.db.models import QuerySet

from coproduce.programmes.models import Programme


def programmes_all() -> QuerySet[Programme]:
    return Programme.objects.prefetch_related("measures").order_by("title")


def programme_by_code(code: str) -> Programme | None:
    return Programme.objects.filter(code=code).first()

"""The one import of the task API, so moving to Django 6's `django.tasks` changes only
this line (ecosystem.md gotcha 9)."""

from django_tasks import task

__all__ = ["task"]

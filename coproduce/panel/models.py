"""Saved views of the clinician's panel: a name for a set of filters and a sort order."""

from django.conf import settings
from django.db import models

SAVED_VIEW_NAME_MAX = 60


class SavedView(models.Model):
    """Filters and sort of the panel saved under a name by its owner (only the owner sees,
    opens, renames or deletes it)."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=SAVED_VIEW_NAME_MAX)
    # The panel's query string without defaults, e.g. "status=alerts&sort=severity"; it is
    # validated again each time the view is opened.
    query = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="panel_view_name_once"),
            models.CheckConstraint(condition=~models.Q(name=""), name="panel_view_has_name"),
        ]

    def __str__(self) -> str:
        return f"Saved view {self.pk}"

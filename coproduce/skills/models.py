"""Clinicians' reviews of procedures patients document themselves.

A self-dialysis session logged by the patient or a carer is the clinical record
(observations.DialysisSession and its observations). A clinician reviews it here: each
review is one row, never changed — a countersignature, or a query the patient sees. Reviews
point at the session and never touch its values; corrections keep using the observation
store's correction path.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ReviewKind(models.TextChoices):
    COUNTERSIGN = "countersign", _("Countersigned")
    QUERY = "query", _("Query")


class SessionReview(models.Model):
    session = models.ForeignKey(
        "observations.DialysisSession", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=12, choices=ReviewKind.choices)
    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    reviewed_at = models.DateTimeField()
    comment = models.TextField(blank=True)

    class Meta:
        constraints = [
            # A session is countersigned once; queries may be many.
            models.UniqueConstraint(
                fields=["session"],
                condition=models.Q(kind="countersign"),
                name="session_countersigned_once",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="query") | ~models.Q(comment=""),
                name="session_query_has_comment",
            ),
        ]

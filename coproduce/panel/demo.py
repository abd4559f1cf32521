"""The demo's saved panel views: the clinician and the nurse each find two views at the top
of their panel, made through the same service a person uses."""

from __future__ import annotations

import datetime as dt

from coproduce.accounts.models import User
from coproduce.panel.services import saved_view_create
from coproduce.patients.models import Patient

DEMO_VIEWS = (
    ("Open alerts, most severe first", "status=alerts&sort=severity"),
    ("Off target", "status=off_target&sort=key_score"),
)


def demo_panel_create(
    *,
    patient: Patient,
    carer: User,
    child: Patient,
    end_date: dt.date,
    nurse: User,
    clinician: User,
) -> None:
    """Two saved views each for the demo clinician and nurse."""
    del patient, carer, child, end_date  # saved views belong to staff, not to the story
    for owner in (clinician, nurse):
        for name, query in DEMO_VIEWS:
            saved_view_create(owner=owner, name=name, query=query)

"""The QI part of the demo: the rollups of every built-in measure, computed once the demo's
data are in, and the notes the units' teams made when they changed something (the demo's
units improve from about half-way: coproduce/seed/demo.py). Idempotent: rollups are a full
recompute, and a note already there is not added again."""

from __future__ import annotations

import datetime as dt

from coproduce.accounts.models import User
from coproduce.measures.annotations import annotation_add
from coproduce.measures.models import MeasureAnnotation
from coproduce.measures.services import rollups_recompute_all
from coproduce.network.models import Unit

# (unit index or None for the whole network, share of the history when it happened, text)
DEMO_NOTES = (
    (1, 0.55, "Coproduction dashboards introduced"),
    (2, 0.5, "Patient agenda form at every visit"),
    (None, 0.25, "Network quality collaborative started"),
)


def demo_measures_create(*, qi_lead: User, units: list[Unit], end_date: dt.date, days: int) -> int:
    """Add the demo's notes (for all measures) and compute every measure's rollups;
    returns the number of rollup cells written."""
    for index, share, text in DEMO_NOTES:
        unit = units[index] if index is not None else None
        if MeasureAnnotation.objects.filter(
            network_id=qi_lead.network_id, unit=unit, text=text
        ).exists():
            continue
        annotation_add(
            actor=qi_lead,
            measure_id="",
            unit=unit,
            on_date=end_date - dt.timedelta(days=round(days * (1 - share))),
            text=text,
        )
    return rollups_recompute_all()

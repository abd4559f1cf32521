"""Test helpers for the shared visit screen: route kwargs for the authorization matrix
(visits made through the visits service) and a carer allowed to work on the care plan."""

from __future__ import annotations

from coproduce.access.models import CarerScope
from tests import factories
from tests.factories_visits import upcoming_visit_for


def shared_screen_kwargs(w) -> dict:
    """The cast's patient and their upcoming visit."""
    visit = upcoming_visit_for(w.cast.patient, clinician=w.cast.clinician)
    return {"patient_id": w.cast.patient.pk, "visit_id": visit.pk}


def other_shared_screen_kwargs(w) -> dict:
    """Another unit's patient and their visit."""
    visit = upcoming_visit_for(w.cast.other_patient, clinician=w.cast.other_clinician)
    return {"patient_id": w.cast.other_patient.pk, "visit_id": visit.pk}


def swapped_shared_screen_kwargs(w) -> dict:
    """The cast's patient with another patient's visit id."""
    return {**other_shared_screen_kwargs(w), "patient_id": w.cast.patient.pk}


def child_shared_screen_kwargs(w) -> dict:
    """The cast's child (the carer may see reports but not the care plan) and a visit."""
    visit = upcoming_visit_for(w.cast.child, clinician=w.cast.clinician)
    return {"patient_id": w.cast.child.pk, "visit_id": visit.pk}


def care_plan_carer(cast):
    """A new carer of the cast's patient with the care-plan scope (granted by the patient)."""
    carer = factories.make_user(role="carer", network=cast.network)
    factories.make_carer_grant(
        patient=cast.patient,
        carer=carer,
        granted_by=cast.patient.user,
        scopes=frozenset({CarerScope.VIEW_REPORTS, CarerScope.CARE_PLAN}),
    )
    return carer

"""Test helpers for visits: a booked visit for a patient of the cast, made through the
visits service (once per patient), and route kwargs for the authorization matrix."""

from __future__ import annotations

import datetime as dt

from coproduce.core.clock import now
from coproduce.patients.models import Patient
from coproduce.visits import services
from coproduce.visits.models import Visit, VisitStatus


def upcoming_visit_for(patient: Patient, *, days: int = 5, clinician=None) -> Visit:
    """A booked visit in `days` days at the patient's home unit (made once)."""
    existing = Visit.objects.filter(patient=patient, status=VisitStatus.SCHEDULED).first()
    if existing is not None:
        return existing
    return services.visit_schedule(
        actor=None,
        patient=patient,
        unit=patient.home_unit,
        starts_at=now() + dt.timedelta(days=days),
        clinician=clinician,
    )


def visit_kwargs(w) -> dict:
    """The cast's patient and their upcoming visit."""
    visit = upcoming_visit_for(w.cast.patient, clinician=w.cast.clinician)
    return {"patient_id": w.cast.patient.pk, "visit_id": visit.pk}


def other_visit_kwargs(w) -> dict:
    """Another unit's patient and their visit."""
    visit = upcoming_visit_for(w.cast.other_patient, clinician=w.cast.other_clinician)
    return {"patient_id": w.cast.other_patient.pk, "visit_id": visit.pk}


def swapped_visit_kwargs(w) -> dict:
    """The cast's patient with another patient's visit id."""
    return {**other_visit_kwargs(w), "patient_id": w.cast.patient.pk}

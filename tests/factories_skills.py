"""Test helpers for countersigning: a self-dialysis session logged by a patient of the cast
through the observations service (once per patient), and route kwargs for the
authorization matrix."""

from __future__ import annotations

import datetime as dt

from coproduce.core.clock import now
from coproduce.observations.dialysis import DialysisEntry, dialysis_session_record
from coproduce.observations.measurements import Entered
from coproduce.observations.models import DialysisSession
from coproduce.patients.models import Patient
from coproduce.patients.selectors import patient_for_user
from coproduce.skills.models import ChecklistAssignment
from coproduce.skills.services import checklist_assign


def session_entry(*, hours_ago: float = 5, weight_before: float = 72.4) -> DialysisEntry:
    return DialysisEntry(
        started_at=now() - dt.timedelta(hours=hours_ago),
        duration_minutes=240,
        weight_before=Entered(weight_before, "kg"),
        weight_after=Entered(weight_before - 2.1, "kg"),
        ultrafiltration=Entered(2.3, "L"),
        systolic_before=148,
        diastolic_before=86,
    )


def session_logged(user, patient: Patient, *, key: str = "", **entry) -> DialysisSession:
    """A session logged by `user` (the patient or a carer) for `patient`."""
    access = patient_for_user(user, patient.pk, purpose="home-measurement")
    return dialysis_session_record(
        access=access,
        entry=session_entry(**entry),
        submission_key=key or f"skills-{patient.pk}-{user.pk}-{now().timestamp()}",
    )


def session_of(patient: Patient, clinician) -> DialysisSession:
    """The patient's self-logged session (made once). Logged through a clinician's access
    with the patient stream when the patient has no login of their own."""
    existing = DialysisSession.objects.filter(patient=patient).first()
    if existing is not None:
        return existing
    user = patient.user if patient.user_id else clinician
    return session_logged(user, patient, key=f"skills-matrix-{patient.pk}")


def session_kwargs(w) -> dict:
    """The cast's patient and their session."""
    return {
        "patient_id": w.cast.patient.pk,
        "session_id": session_of(w.cast.patient, w.cast.clinician).pk,
    }


def other_session_kwargs(w) -> dict:
    """Another unit's patient and their session."""
    return {
        "patient_id": w.cast.other_patient.pk,
        "session_id": session_of(w.cast.other_patient, w.cast.other_clinician).pk,
    }


def swapped_session_kwargs(w) -> dict:
    """The cast's patient with another patient's session id."""
    return {**other_session_kwargs(w), "patient_id": w.cast.patient.pk}


def assignment_of(patient: Patient, clinician, checklist_id: str = "self-dialysis"):
    """The patient's checklist, assigned by `clinician` through the service (once)."""
    existing = ChecklistAssignment.objects.filter(
        patient=patient, checklist_id=checklist_id
    ).first()
    if existing is not None:
        return existing
    access = patient_for_user(clinician, patient.pk)
    return checklist_assign(access=access, checklist_id=checklist_id)


def checklist_kwargs(w) -> dict:
    """The cast's patient and their checklist."""
    return {
        "patient_id": w.cast.patient.pk,
        "assignment_id": assignment_of(w.cast.patient, w.cast.clinician).pk,
    }


def other_checklist_kwargs(w) -> dict:
    """Another unit's patient and their checklist."""
    return {
        "patient_id": w.cast.other_patient.pk,
        "assignment_id": assignment_of(w.cast.other_patient, w.cast.other_clinician).pk,
    }


def swapped_checklist_kwargs(w) -> dict:
    """The cast's patient with another patient's checklist id."""
    return {**other_checklist_kwargs(w), "patient_id": w.cast.patient.pk}

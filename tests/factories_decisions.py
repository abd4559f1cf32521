"""Shared decisions for tests, written through the services."""

from __future__ import annotations

from coproduce.decisions.models import SharedDecision
from coproduce.decisions.services import DecisionInput, decision_create
from coproduce.patients.selectors import patient_for_user


def make_decision(
    *, clinician, patient, option_set_id: str = "dialysis-type", **fields
) -> SharedDecision:
    """A decision recorded by `clinician` (who must be able to see `patient`)."""
    access = patient_for_user(clinician, patient.pk)
    return decision_create(
        access=access,
        decision_input=DecisionInput(option_set_id=option_set_id, **fields),
    )


def decision_kwargs(world) -> dict:
    """The cast's patient's decision, for the authorization matrix."""
    cast = world.cast
    decision = make_decision(
        clinician=cast.clinician,
        patient=cast.patient,
        priorities=("Keep working",),
        choice="home-haemodialysis",
    )
    return {"patient_id": cast.patient.pk, "decision_id": decision.pk}


def other_decision_kwargs(world) -> dict:
    """Another unit's patient's decision."""
    cast = world.cast
    decision = make_decision(clinician=cast.other_clinician, patient=cast.other_patient)
    return {"patient_id": cast.other_patient.pk, "decision_id": decision.pk}


def other_decision_in_own_record_kwargs(world) -> dict:
    """Another patient's decision id under the cast's patient's record."""
    return {**other_decision_kwargs(world), "patient_id": world.cast.patient.pk}

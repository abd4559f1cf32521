"""Granting and revoking carer access: who may, and bad input."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from coproduce.access import services
from coproduce.core.clock import now
from coproduce.core.models import AuditEvent
from tests import factories


def test_patient_grants_with_chosen_scopes_and_audit(cast):
    carer = factories.make_user(role="carer", network=cast.network)
    grant = services.carer_grant_create(
        actor=cast.patient.user,
        patient=cast.patient,
        carer=carer,
        relationship="friend",
        scopes={"view_reports", "care_plan"},
        valid_until=now() + dt.timedelta(days=30),
    )
    assert grant.scopes == ["view_reports", "care_plan"]
    assert grant.patient_consented_at is not None
    event = AuditEvent.objects.latest("pk")
    assert (event.entity_type, event.patient_id) == ("CarerGrant", cast.patient.pk)


def test_a_carer_account_is_required(cast):
    with pytest.raises(ValidationError) as error:
        services.carer_grant_create(
            actor=cast.patient.user,
            patient=cast.patient,
            carer=cast.nurse,
            relationship="friend",
            scopes={"view_reports"},
        )
    assert "carer" in error.value.message_dict


def test_no_scopes_and_past_end_date_are_refused_with_field_errors(cast):
    carer = factories.make_user(role="carer", network=cast.network)
    with pytest.raises(ValidationError) as error:
        services.carer_grant_create(
            actor=cast.patient.user,
            patient=cast.patient,
            carer=carer,
            relationship="friend",
            scopes=set(),
            valid_until=now() - dt.timedelta(days=1),
        )
    assert {"scopes", "valid_until"} <= set(error.value.message_dict)


def test_a_second_open_grant_for_the_same_pair_is_refused(cast):
    with pytest.raises(ValidationError):
        factories.make_carer_grant(
            patient=cast.patient, carer=cast.carer, granted_by=cast.patient.user
        )


def test_another_patient_cannot_grant_access_to_my_record(cast):
    intruder = factories.make_patient(tree=cast.tree, with_login=True)
    with pytest.raises(PermissionDenied):
        factories.make_carer_grant(patient=cast.patient, carer=cast.carer, granted_by=intruder.user)


def test_a_stranger_cannot_revoke(cast):
    grant = cast.carer.carer_grants.get(patient=cast.patient)
    intruder = factories.make_patient(tree=cast.tree, with_login=True)
    with pytest.raises(PermissionDenied):
        services.carer_grant_revoke(actor=intruder.user, grant=grant)


def test_clinician_of_another_unit_cannot_grant_or_revoke(cast):
    with pytest.raises(PermissionDenied):
        factories.make_carer_grant(
            patient=cast.child,
            carer=factories.make_user(role="carer", network=cast.network),
            granted_by=cast.other_clinician,
        )
    grant = cast.carer.carer_grants.get(patient=cast.child)
    with pytest.raises(PermissionDenied):
        services.carer_grant_revoke(actor=cast.other_clinician, grant=grant)

"""Consent: defaults, changes in force at once, history kept."""

import pytest
from django.core.exceptions import ValidationError

from coproduce.access import services
from coproduce.access.models import ConsentDecision
from coproduce.access.selectors import consents_in_force


def test_defaults_are_care_implied_registry_opt_out_research_and_peer_opt_in(cast):
    assert consents_in_force(cast.patient) == {
        "care": True,
        "registry": True,
        "research": False,
        "peer_network": False,
    }


def test_withdrawal_is_in_force_at_once_and_history_is_kept(cast):
    user = cast.patient.user
    services.consent_record(actor=user, patient=cast.patient, kind="research", given=True)
    assert consents_in_force(cast.patient)["research"] is True
    services.consent_record(actor=user, patient=cast.patient, kind="research", given=False)
    assert consents_in_force(cast.patient)["research"] is False
    services.consent_record(actor=user, patient=cast.patient, kind="registry", given=False)
    assert consents_in_force(cast.patient)["registry"] is False
    assert ConsentDecision.objects.filter(patient=cast.patient).count() == 3


def test_care_consent_cannot_be_withdrawn_here(cast):
    with pytest.raises(ValidationError) as error:
        services.consent_record(
            actor=cast.patient.user, patient=cast.patient, kind="care", given=False
        )
    assert "given" in error.value.message_dict


def test_unknown_consent_kind_is_refused(cast):
    with pytest.raises(ValidationError) as error:
        services.consent_record(
            actor=cast.patient.user, patient=cast.patient, kind="marketing", given=True
        )
    assert "kind" in error.value.message_dict

"""Shared decisions through the write path: created with or without a choice, changed
later with history kept, audited in the same transaction, participants checked, and bad
input refused naming the field."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from coproduce.access.models import CarerGrant
from coproduce.access.services import carer_grant_revoke
from coproduce.core.clock import now, today, travelled_to
from coproduce.core.models import AuditEvent
from coproduce.decisions import selectors, services
from coproduce.decisions.models import SharedDecision, SharedDecisionVersion
from coproduce.decisions.services import DecisionChange, DecisionInput, OwnOption
from coproduce.patients.selectors import patient_for_user
from tests import factories
from tests.factories_decisions import make_decision

pytestmark = pytest.mark.django_db


def clinician_access(cast):
    return patient_for_user(cast.clinician, cast.patient.pk)


def errors_of(excinfo) -> dict:
    return excinfo.value.message_dict


def test_a_decision_from_an_option_set_copies_its_options_and_records_the_choice(cast):
    decision = make_decision(
        clinician=cast.clinician,
        patient=cast.patient,
        priorities=("Keep working", "  Less travel "),
        participant_ids=(cast.patient.user.pk, cast.clinician.pk, cast.carer.pk),
        choice="home-haemodialysis",
        reasons="I can dialyse after work.",
        review_on=today() + dt.timedelta(days=30),
    )
    decision.refresh_from_db()
    assert decision.question == "Which kind of dialysis fits my life best?"
    assert (decision.option_set_id, decision.option_set_version) == ("dialysis-type", "1.0")
    assert [o["key"] for o in decision.options] == [
        "home-haemodialysis",
        "in-centre-haemodialysis",
        "peritoneal-dialysis",
    ]
    home = decision.chosen_option()
    assert home["title"] == "Haemodialysis at home"
    assert "1 in 3" in home["harms"][0]["frequency"]
    assert home["harms"][0]["source"].startswith("FHN Trial Group")
    assert decision.priorities == ["Keep working", "Less travel"]
    assert set(decision.participants.values_list("pk", flat=True)) == {
        cast.patient.user.pk,
        cast.clinician.pk,
        cast.carer.pk,
    }
    assert decision.is_decided
    assert decision.decided_at is not None


def test_a_decision_without_a_choice_is_kept_as_not_yet_decided(cast):
    decision = services.decision_create(
        access=clinician_access(cast),
        decision_input=DecisionInput(
            question="Should I start transplant tests now?",
            own_options=(OwnOption(title="Now"), OwnOption(title="Later", harms="A wait")),
        ),
    )
    decision.refresh_from_db()
    assert decision.choice == ""
    assert not decision.is_decided
    assert decision.decided_at is None
    assert [(o["key"], o["title"], o["from_set"]) for o in decision.options] == [
        ("own-1", "Now", False),
        ("own-2", "Later", False),
    ]
    assert decision.options[1]["harms"][0]["text"] == "A wait"


def test_the_choice_made_later_writes_a_new_version_and_keeps_the_old(cast):
    decision = make_decision(clinician=cast.clinician, patient=cast.patient)
    access = clinician_access(cast)
    services.decision_update(
        access=access,
        decision=decision,
        change=DecisionChange(
            priorities=("Keep working",),
            choice="peritoneal-dialysis",
            reasons="No needles.",
            review_on=today() + dt.timedelta(days=60),
        ),
    )
    decision.refresh_from_db()
    assert decision.version == 2
    assert decision.choice == "peritoneal-dialysis"
    versions = SharedDecisionVersion.objects.filter(decision=decision).order_by("version")
    assert [(v.version, v.choice, v.reasons) for v in versions] == [
        (1, "", ""),
        (2, "peritoneal-dialysis", "No needles."),
    ]
    assert [v.version for v in selectors.decision_versions(access, decision)] == [2, 1]


def test_saving_without_a_change_writes_no_version(cast):
    decision = make_decision(clinician=cast.clinician, patient=cast.patient, priorities=("A",))
    services.decision_update(
        access=clinician_access(cast), decision=decision, change=DecisionChange(priorities=("A",))
    )
    assert SharedDecisionVersion.objects.filter(decision=decision).count() == 1


def test_create_update_and_review_are_audited(cast):
    decision = make_decision(
        clinician=cast.clinician, patient=cast.patient, choice="in-centre-haemodialysis"
    )
    access = clinician_access(cast)
    services.decision_review_record(
        access=access, decision=decision, outcome="partly", review_words="Tired after."
    )
    events = AuditEvent.objects.filter(entity_type="SharedDecision", entity_id=str(decision.pk))
    assert sorted(events.values_list("action", flat=True)) == ["create", "update"]
    assert all(e.patient_id == cast.patient.pk for e in events)
    assert "Tired" not in str(list(events.values_list("detail", flat=True)))
    decision.refresh_from_db()
    assert (decision.review_outcome, decision.review_words) == ("partly", "Tired after.")


def test_the_audit_rolls_back_with_the_decision(cast):
    """The audit event is written in the decision's transaction: both stay or both go."""

    def save_then_fail():
        with transaction.atomic():
            make_decision(clinician=cast.clinician, patient=cast.patient)
            assert AuditEvent.objects.filter(entity_type="SharedDecision").count() == 1
            raise RuntimeError("the visit was cancelled")

    with pytest.raises(RuntimeError):
        save_then_fail()
    assert not SharedDecision.objects.exists()
    assert not SharedDecisionVersion.objects.exists()
    assert not AuditEvent.objects.filter(entity_type="SharedDecision", action="create").exists()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"option_set_id": "", "question": "   "}, "question"),
        ({"priorities": tuple(f"thing {n}" for n in range(11))}, "priorities"),
        ({"review_on": today() - dt.timedelta(days=1)}, "review_on"),
        ({"choice": "a-made-up-option"}, "choice"),
        ({"option_set_id": "no-such-set"}, "option_set"),
        ({"option_set_id": ""}, "own_options"),
    ],
)
def test_bad_input_is_refused_naming_the_field(cast, fields, field):
    with pytest.raises(ValidationError) as excinfo:
        make_decision(clinician=cast.clinician, patient=cast.patient, **fields)
    assert field in errors_of(excinfo)
    assert not SharedDecision.objects.exists()


def test_ten_priorities_are_allowed(cast):
    decision = make_decision(
        clinician=cast.clinician,
        patient=cast.patient,
        priorities=tuple(f"thing {n}" for n in range(10)),
    )
    assert len(decision.priorities) == 10


def test_only_people_around_the_patient_can_be_participants(cast):
    with pytest.raises(ValidationError) as excinfo:
        make_decision(
            clinician=cast.clinician,
            patient=cast.patient,
            participant_ids=(cast.other_clinician.pk,),
        )
    assert "participants" in errors_of(excinfo)


def test_a_carer_without_a_grant_cannot_be_a_participant(cast):
    stranger = factories.make_user(role="carer", network=cast.network)
    with pytest.raises(ValidationError):
        make_decision(
            clinician=cast.clinician, patient=cast.patient, participant_ids=(stranger.pk,)
        )


def test_a_past_review_date_already_saved_can_stay_on_a_later_edit(cast):
    with travelled_to(now() - dt.timedelta(days=40)):
        decision = make_decision(
            clinician=cast.clinician,
            patient=cast.patient,
            review_on=today() + dt.timedelta(days=10),
        )
    services.decision_update(
        access=clinician_access(cast),
        decision=decision,
        change=DecisionChange(choice="peritoneal-dialysis", review_on=decision.review_on),
    )
    decision.refresh_from_db()
    assert decision.choice == "peritoneal-dialysis"


def test_only_clinicians_record_decisions(cast):
    own = patient_for_user(cast.patient.user, cast.patient.pk)
    with pytest.raises(PermissionDenied):
        services.decision_create(
            access=own, decision_input=DecisionInput(option_set_id="dialysis-type")
        )


def test_a_decision_not_yet_made_cannot_be_reviewed(cast):
    decision = make_decision(clinician=cast.clinician, patient=cast.patient)
    with pytest.raises(ValidationError) as excinfo:
        services.decision_review_record(
            access=clinician_access(cast), decision=decision, outcome="worked", review_words=""
        )
    assert "outcome" in errors_of(excinfo)


def test_the_patient_sees_only_their_own_decisions(cast):
    mine = make_decision(clinician=cast.clinician, patient=cast.patient)
    theirs = make_decision(clinician=cast.other_clinician, patient=cast.other_patient)
    own = patient_for_user(cast.patient.user, cast.patient.pk)
    assert selectors.decisions_for(own) == [mine]
    assert selectors.decision_for_access(own, theirs.pk) is None


def test_a_carer_sees_decisions_only_with_the_care_plan_scope(cast):
    decision = make_decision(clinician=cast.clinician, patient=cast.patient)
    as_carer = patient_for_user(cast.carer, cast.patient.pk)
    assert selectors.decisions_for(as_carer) == []
    assert selectors.decision_for_access(as_carer, decision.pk) is None
    grant = factories.make_carer_grant(
        patient=cast.patient,
        carer=factories.make_user(role="carer", network=cast.network),
        granted_by=cast.patient.user,
        scopes=frozenset({"view_reports", "care_plan"}),
    )
    with_scope = patient_for_user(grant.carer, cast.patient.pk)
    assert selectors.decisions_for(with_scope) == [decision]
    assert selectors.decision_for_access(with_scope, decision.pk) == decision


def test_a_carer_who_took_part_stays_a_participant_after_their_grant_ends(cast):
    decision = make_decision(
        clinician=cast.clinician, patient=cast.patient, participant_ids=(cast.carer.pk,)
    )
    grant = CarerGrant.objects.get(patient=cast.patient, carer=cast.carer)
    carer_grant_revoke(actor=cast.patient.user, grant=grant)
    services.decision_update(
        access=clinician_access(cast),
        decision=decision,
        change=DecisionChange(participant_ids=(cast.carer.pk,), choice="peritoneal-dialysis"),
    )
    decision.refresh_from_db()
    assert decision.participant_ids == [cast.carer.pk]

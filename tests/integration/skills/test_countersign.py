"""Countersigning patient-documented procedures: a self-dialysis session logged by the
patient or a carer is the clinical record; a clinician who may see the patient countersigns
it or asks a question the patient sees; nothing about the recorded values changes; the
clinician's queue holds only their own patients' sessions that wait."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from coproduce.core.models import AuditEvent
from coproduce.observations.models import Observation
from coproduce.patients.selectors import patient_for_user
from coproduce.skills import selectors, services
from coproduce.skills.models import ReviewKind, SessionReview
from tests.factories_skills import session_logged

pytestmark = pytest.mark.django_db


def clinician_access(cast, clinician=None):
    clinician = clinician or cast.nurse
    return patient_for_user(clinician, cast.patient.pk)


def review_url(session) -> str:
    return reverse(
        "skills:session_review",
        kwargs={"patient_id": session.patient_id, "session_id": session.pk},
    )


def values_of(session) -> list[tuple]:
    return list(
        Observation.objects.filter(derived_from=session.reference)
        .order_by("pk")
        .values_list("pk", "code", "value_quantity", "status", "is_current", "recorded_at")
    )


def test_countersigning_records_who_and_when_audited_and_changes_no_value(cast):
    session = session_logged(cast.carer, cast.patient)
    before = values_of(session)
    review = services.session_review(
        access=clinician_access(cast), session=session, kind=ReviewKind.COUNTERSIGN
    )
    assert (review.clinician, review.kind) == (cast.nurse, "countersign")
    assert values_of(session) == before
    assert AuditEvent.objects.filter(
        entity_type="SessionReview", entity_id=str(review.pk), patient_id=cast.patient.pk
    ).exists()


def test_a_session_is_countersigned_once(cast):
    session = session_logged(cast.patient.user, cast.patient)
    access = clinician_access(cast)
    services.session_review(access=access, session=session, kind=ReviewKind.COUNTERSIGN)
    with pytest.raises(ValidationError) as error:
        services.session_review(
            access=clinician_access(cast, cast.clinician),
            session=session,
            kind=ReviewKind.COUNTERSIGN,
        )
    assert "already countersigned" in str(error.value)
    assert SessionReview.objects.filter(session=session).count() == 1


def test_a_query_needs_a_comment_and_an_unknown_kind_is_refused(cast):
    session = session_logged(cast.patient.user, cast.patient)
    access = clinician_access(cast)
    with pytest.raises(ValidationError) as error:
        services.session_review(access=access, session=session, kind=ReviewKind.QUERY)
    assert "comment" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.session_review(access=access, session=session, kind="approve")
    assert "kind" in error.value.message_dict
    assert not SessionReview.objects.exists()


def test_only_a_clinician_reviews_and_only_sessions_of_the_patient_in_hand(cast):
    session = session_logged(cast.patient.user, cast.patient)
    own = patient_for_user(cast.patient.user, cast.patient.pk)
    with pytest.raises(PermissionDenied):
        services.session_review(access=own, session=session, kind=ReviewKind.COUNTERSIGN)
    other = session_logged(cast.other_clinician, cast.other_patient)
    with pytest.raises(PermissionDenied):
        services.session_review(
            access=clinician_access(cast), session=other, kind=ReviewKind.COUNTERSIGN
        )
    assert selectors.session_for_access(clinician_access(cast), other.pk) is None


def test_the_queue_holds_waiting_sessions_of_own_patients_only(cast):
    waiting = session_logged(cast.patient.user, cast.patient, hours_ago=30)
    signed = session_logged(cast.patient.user, cast.patient, hours_ago=6)
    queried = session_logged(cast.carer, cast.patient, hours_ago=5, weight_before=74)
    elsewhere = session_logged(cast.other_clinician, cast.other_patient)
    access = clinician_access(cast)
    services.session_review(access=access, session=signed, kind=ReviewKind.COUNTERSIGN)
    services.session_review(
        access=access, session=queried, kind=ReviewKind.QUERY, comment="Was it 74 kg?"
    )
    assert selectors.sessions_to_countersign(cast.nurse) == [waiting, queried]
    assert selectors.sessions_to_countersign(cast.other_clinician) == [elsewhere]
    assert selectors.sessions_to_countersign(cast.patient.user) == []


def test_the_nurse_countersigns_from_the_page_and_everyone_sees_it(cast, verified_client):
    session = session_logged(cast.carer, cast.patient)
    client = verified_client(cast.nurse)
    queue = client.get(reverse("skills:countersign_queue")).content.decode()
    assert review_url(session) in queue
    response = client.post(review_url(session), {"kind": "countersign", "comment": ""})
    assert response.status_code == 302
    assert (
        review_url(session) not in client.get(reverse("skills:countersign_queue")).content.decode()
    )
    name = cast.nurse.display_name
    list_url = reverse("observations:dialysis_session_list", kwargs={"patient_id": cast.patient.pk})
    for user in (cast.patient.user, cast.carer, cast.clinician):
        page = verified_client(user).get(list_url).content.decode()
        assert f"Countersigned by {name} on" in page, user


def test_a_query_is_shown_to_the_patient_and_keeps_the_session_waiting(cast, verified_client):
    session = session_logged(cast.patient.user, cast.patient)
    client = verified_client(cast.nurse)
    response = client.post(review_url(session), {"kind": "query", "comment": ""})
    assert response.status_code == 200
    assert "Write what you want to ask about this session." in response.content.decode()
    client.post(review_url(session), {"kind": "query", "comment": "Did the cramps settle?"})
    assert review_url(session) in client.get(reverse("skills:countersign_queue")).content.decode()
    list_url = reverse("observations:dialysis_session_list", kwargs={"patient_id": cast.patient.pk})
    page = verified_client(cast.patient.user).get(list_url).content.decode()
    assert "Did the cramps settle?" in page


def test_a_bad_kind_gets_an_error_next_to_the_field(cast, verified_client):
    session = session_logged(cast.patient.user, cast.patient)
    response = verified_client(cast.nurse).post(review_url(session), {"kind": "approve"})
    assert "Choose to countersign or to ask a question." in response.content.decode()
    assert not SessionReview.objects.exists()


def test_countersigning_another_units_patient_or_a_swapped_session_is_refused(
    cast, verified_client
):
    other = session_logged(cast.other_clinician, cast.other_patient)
    client = verified_client(cast.nurse)
    assert client.post(review_url(other), {"kind": "countersign"}).status_code == 403
    swapped = reverse(
        "skills:session_review", kwargs={"patient_id": cast.patient.pk, "session_id": other.pk}
    )
    assert client.post(swapped, {"kind": "countersign"}).status_code == 404
    assert not SessionReview.objects.exists()

"""Patient and carer pages: my health, who saw my record, carers, choices, carer views."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from coproduce.access import services as access_services
from coproduce.access.models import CarerGrant, ConsentDecision
from coproduce.core.clock import now, today
from coproduce.observations import services as observation_services
from coproduce.patients import services as patient_services
from tests import factories


def record(patient, code, **value):
    return observation_services.observation_record(
        actor=None,
        patient=patient,
        code=code,
        effective_at=now() - dt.timedelta(days=1),
        source="clinician",
        **value,
    )


def test_my_health_shows_latest_results_programmes_and_care_team(cast, login_as, programme):
    patient_services.enrolment_start(
        actor=None,
        patient=cast.patient,
        programme=programme,
        unit=cast.tree.units[0],
        started_on=today(),
    )
    record(cast.patient, "loinc:29463-7", quantity=70.2, unit="kg")
    body = login_as(cast.patient.user).get(reverse("patients:my_home")).content.decode()
    assert "Body weight" in body
    assert "70.2 kg" in body
    assert programme.title in body
    assert cast.clinician.display_name in body


def test_access_log_lists_a_clinicians_read(cast, login_as):
    detail = reverse("patients:patient_detail", kwargs={"patient_id": cast.patient.pk})
    assert login_as(cast.clinician).get(detail).status_code == 200
    body = login_as(cast.patient.user).get(reverse("patients:my_access_log")).content.decode()
    assert cast.clinician.display_name in body
    assert "(Clinician)" in body
    assert "Looked at your record" in body


def test_access_log_hides_my_own_visits_unless_asked(cast, login_as):
    client = login_as(cast.patient.user)
    client.get(reverse("patients:my_home"))
    log = reverse("patients:my_access_log")
    assert cast.patient.user.display_name not in client.get(log).content.decode().split("<main")[1]
    assert cast.patient.user.display_name in client.get(log, {"mine": "1"}).content.decode()


def test_patient_adds_a_carer_by_email_with_chosen_scopes(cast, login_as):
    new_carer = factories.make_user(role="carer", network=cast.network, username="grandma")
    client = login_as(cast.patient.user)
    response = client.post(
        reverse("access:my_carers"),
        {
            "carer": new_carer.email.upper(),
            "relationship": "friend",
            "scopes": ["view_reports", "care_plan"],
            "valid_until": (today() + dt.timedelta(days=30)).isoformat(),
        },
    )
    assert response.status_code == 302
    grant = CarerGrant.objects.get(patient=cast.patient, carer=new_carer)
    assert grant.scopes == ["view_reports", "care_plan"]
    assert grant.valid_until > now() + dt.timedelta(days=30)


def test_an_unknown_carer_is_refused_next_to_the_field_with_input_kept(cast, login_as):
    response = login_as(cast.patient.user).post(
        reverse("access:my_carers"),
        {"carer": "nobody-here", "relationship": "friend", "scopes": ["view_reports"]},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_carer_error"' in body
    assert "could not find a carer account" in body
    assert 'value="nobody-here"' in body


def test_an_email_shared_by_two_carers_asks_for_the_username(cast, login_as):
    factories.make_user(role="carer", network=cast.network)  # same e-mail as cast.carer
    response = login_as(cast.patient.user).post(
        reverse("access:my_carers"),
        {"carer": cast.carer.email, "relationship": "friend", "scopes": ["view_reports"]},
    )
    assert "Use their username instead" in response.content.decode()


def test_revocation_is_effective_at_once(cast, login_as):
    carer_client = login_as(cast.carer)
    page = reverse("patients:carer_patient", kwargs={"patient_id": cast.patient.pk})
    assert carer_client.get(page).status_code == 200
    grant = CarerGrant.objects.get(patient=cast.patient, carer=cast.carer)
    revoke = reverse("access:my_carer_revoke", kwargs={"grant_id": grant.pk})
    assert login_as(cast.patient.user).post(revoke).status_code == 302
    response = carer_client.get(page)
    assert response.status_code == 403
    assert cast.patient.family_name not in response.content.decode()
    home = carer_client.get(reverse("patients:carer_home")).content.decode()
    assert cast.patient.family_name not in home
    assert cast.child.family_name in home


def test_carer_sees_confidential_items_of_a_young_child(cast, login_as):
    record(cast.child, "coproduce:patient-note", text="Worried about school")
    page = reverse("patients:carer_patient", kwargs={"patient_id": cast.child.pk})
    body = login_as(cast.carer).get(page).content.decode()
    assert "Worried about school" in body


def test_carer_does_not_see_confidential_items_from_age_12(cast, login_as):
    teen = factories.make_patient(
        tree=cast.tree,
        birth_date=today().replace(year=today().year - 13, day=1),
        clinicians=(cast.clinician,),
    )
    factories.make_carer_grant(patient=teen, carer=cast.carer, granted_by=cast.clinician)
    record(teen, "coproduce:patient-note", text="Private worry")
    record(teen, "loinc:29463-7", quantity=48.0, unit="kg")
    page = reverse("patients:carer_patient", kwargs={"patient_id": teen.pk})
    body = login_as(cast.carer).get(page).content.decode()
    assert "48.0 kg" in body
    assert "Private worry" not in body
    assert "private to" in body


def test_carer_switches_between_people(cast, login_as):
    client = login_as(cast.carer)
    response = client.get(reverse("patients:carer_home"), {"patient": cast.child.pk})
    assert response.status_code == 302
    body = client.get(response["Location"]).content.decode()
    assert 'id="switch-patient"' in body
    assert cast.patient.family_name in body  # in the switcher


def test_an_older_teen_agrees_to_a_clinicians_grant(cast, login_as):
    teen_birth = today().replace(year=today().year - 17, day=1)
    teen = factories.make_patient(
        tree=cast.tree, birth_date=teen_birth, with_login=True, clinicians=(cast.clinician,)
    )
    grant = factories.make_carer_grant(patient=teen, carer=cast.carer, granted_by=cast.clinician)
    carer_client = login_as(cast.carer)
    page = reverse("patients:carer_patient", kwargs={"patient_id": teen.pk})
    assert carer_client.get(page).status_code == 403
    teen_client = login_as(teen.user)
    assert "Waiting for the patient to agree" in (
        teen_client.get(reverse("access:my_carers")).content.decode()
    )
    agree = reverse("access:my_carer_agree", kwargs={"grant_id": grant.pk})
    assert teen_client.post(agree).status_code == 302
    assert carer_client.get(page).status_code == 200


def test_consent_change_is_recorded_with_history(cast, login_as):
    client = login_as(cast.patient.user)
    url = reverse("access:my_consents")
    response = client.post(url, {"kind": "research", "given": "yes"})
    assert response.status_code == 302
    decision = ConsentDecision.objects.get(patient=cast.patient)
    assert (decision.kind, decision.given) == ("research", True)
    body = client.get(url).content.decode()
    assert "Yes, you are in." in body
    assert "Every change to your choices" in body


def test_care_consent_cannot_be_withdrawn_here(cast, login_as):
    response = login_as(cast.patient.user).post(
        reverse("access:my_consents"), {"kind": "care", "given": "no"}
    )
    assert response.status_code == 200
    assert "talk to your care team" in response.content.decode()
    assert not ConsentDecision.objects.filter(patient=cast.patient).exists()


def test_clinician_adds_a_carer_for_a_child(cast, login_as):
    parent = factories.make_user(role="carer", network=cast.network)
    response = login_as(cast.clinician).post(
        reverse("access:patient_carer_add", kwargs={"patient_id": cast.child.pk}),
        {"carer": parent.username, "relationship": "parent", "scopes": ["view_reports"]},
    )
    assert response.status_code == 302
    assert CarerGrant.objects.filter(patient=cast.child, carer=parent).exists()


def test_clinician_cannot_add_a_carer_for_an_adult(cast, login_as):
    parent = factories.make_user(role="carer", network=cast.network)
    response = login_as(cast.clinician).post(
        reverse("access:patient_carer_add", kwargs={"patient_id": cast.patient.pk}),
        {"carer": parent.username, "relationship": "parent", "scopes": ["view_reports"]},
    )
    assert response.status_code == 403
    assert not CarerGrant.objects.filter(patient=cast.patient, carer=parent).exists()


def test_carer_finds_decisions_and_skills_only_with_the_care_plan_scope(cast, login_as):
    page = reverse("patients:carer_patient", kwargs={"patient_id": cast.child.pk})
    decisions = reverse("decisions:decision_list", kwargs={"patient_id": cast.child.pk})
    body = login_as(cast.carer).get(page).content.decode()
    assert decisions not in body  # the cast's carer has no care-plan scope
    # A new grant with the care-plan scope, as the clinician would give it.
    old = CarerGrant.objects.get(patient=cast.child, carer=cast.carer, revoked_at__isnull=True)
    access_services.carer_grant_revoke(actor=cast.clinician, grant=old)
    factories.make_carer_grant(
        patient=cast.child,
        carer=cast.carer,
        granted_by=cast.clinician,
        scopes=frozenset({*old.scopes, "care_plan"}),
    )
    body = login_as(cast.carer).get(page).content.decode()
    assert decisions in body
    assert reverse("skills:checklist_list", args=[cast.child.pk]) in body

"""Every page renders for its role and refuses the others (the full matrix, with id swaps,
is tests/integration/test_authorization_matrix.py)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from coproduce.access.models import CarerGrant
from coproduce.accounts.models import Role

PAGES = [
    ("patients:my_home", Role.PATIENT, None, "My health"),
    ("patients:my_access_log", Role.PATIENT, None, "Who saw my record"),
    ("access:my_carers", Role.PATIENT, None, "My carers"),
    ("access:my_consents", Role.PATIENT, None, "My choices"),
    ("patients:carer_home", Role.CARER, None, "People I care for"),
    ("patients:carer_patient", Role.CARER, "child", None),
    ("patients:patient_list", Role.CLINICIAN, None, "Patients"),
    ("patients:patient_create", Role.CLINICIAN, None, "New patient"),
    ("patients:patient_detail", Role.CLINICIAN, "patient", None),
    ("observations:observation_add", Role.CLINICIAN, "patient", "Record an observation"),
    ("access:patient_carer_add", Role.CLINICIAN, "child", "Add a carer for"),
    ("network:qi_home", Role.QI_LEAD, None, "Quality improvement"),
    ("network:admin_home", Role.ADMINISTRATOR, None, "Administration"),
]


def url_of(name: str, patient_arg: str | None, cast) -> str:
    if patient_arg is None:
        return reverse(name)
    return reverse(name, kwargs={"patient_id": getattr(cast, patient_arg).pk})


@pytest.mark.parametrize(("name", "role", "patient_arg", "heading"), PAGES)
def test_page_renders_for_its_role_with_one_h1(name, role, patient_arg, heading, cast, login_as):
    client = login_as(cast.logins()[role])
    response = client.get(url_of(name, patient_arg, cast))
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count("<h1") == 1
    assert 'id="main"' in body
    if heading:
        assert heading in body


@pytest.mark.parametrize(("name", "role", "patient_arg", "heading"), PAGES)
def test_page_refuses_every_other_role(name, role, patient_arg, heading, cast, login_as):
    url = url_of(name, patient_arg, cast)
    for other_role, user in cast.logins().items():
        if other_role == role:
            continue
        response = login_as(user).get(url)
        assert response.status_code == 403, f"{other_role} got {response.status_code} at {url}"
        assert cast.patient.family_name not in response.content.decode()
        assert cast.child.family_name not in response.content.decode()


def test_anonymous_is_sent_to_log_in(client, cast):
    response = client.get(reverse("patients:my_home"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_staff_without_the_second_step_are_sent_to_verify(client, cast):
    client.force_login(cast.clinician)
    response = client.get(reverse("patients:patient_list"))
    assert response.status_code == 302
    assert reverse("accounts:mfa_verify") in response["Location"]


def test_changes_need_post(cast, login_as):
    grant = CarerGrant.objects.get(patient=cast.patient, carer=cast.carer)
    client = login_as(cast.patient.user)
    response = client.get(reverse("access:my_carer_revoke", kwargs={"grant_id": grant.pk}))
    assert response.status_code == 405
    grant.refresh_from_db()
    assert grant.revoked_at is None

"""Clinician pages: patient list and search, new patient, record, observations."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from coproduce.core.clock import now
from coproduce.observations import services as observation_services
from coproduce.observations.models import Observation, ObservationStatus
from coproduce.patients.models import Enrolment, EnrolmentStatus
from tests import factories


def systolic(patient, value=131):
    return observation_services.observation_record(
        actor=None,
        patient=patient,
        code="loinc:8480-6",
        quantity=value,
        unit="mm[Hg]",
        effective_at=now() - dt.timedelta(days=1),
        source="clinician",
    )


def new_patient_form(cast, **changes):
    data = {
        "local_id": "NEW-1",
        "national_id": "",
        "given_name": "Robin",
        "family_name": "Okafor",
        "birth_date": "1988-04-02",
        "sex": "female",
        "preferred_language": "en",
        "contact_preference": "app",
        "email": "robin@example.org",
        "phone": "",
        "ethnicity": "",
        "deprivation_quintile": "2",
        "home_unit": str(cast.tree.units[0].pk),
    }
    data.update(changes)
    return data


def test_patient_list_shows_the_clinicians_patients_only(cast, login_as):
    body = login_as(cast.clinician).get(reverse("patients:patient_list")).content.decode()
    assert cast.patient.family_name in body
    assert cast.other_patient.family_name not in body


def test_patient_search_by_identifier_without_javascript(cast, login_as):
    response = login_as(cast.clinician).get(
        reverse("patients:patient_list"), {"q": cast.child.local_id}
    )
    body = response.content.decode()
    assert "<html" in body
    assert cast.child.family_name in body
    assert cast.patient.family_name not in body


def test_patient_search_with_htmx_returns_the_results_fragment(cast, login_as):
    response = login_as(cast.clinician).get(
        reverse("patients:patient_list"), {"q": cast.patient.family_name}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert "<html" not in body
    assert cast.patient.family_name in body
    assert 'hx-swap-oob="true"' in body


def test_patient_create_makes_the_record_and_opens_it(cast, login_as):
    client = login_as(cast.clinician)
    response = client.post(reverse("patients:patient_create"), new_patient_form(cast))
    assert response.status_code == 302
    detail = client.get(response["Location"]).content.decode()
    assert "Robin Okafor" in detail


def test_duplicate_local_id_is_shown_next_to_the_field_with_typed_values_kept(cast, login_as):
    client = login_as(cast.clinician)
    data = new_patient_form(cast, local_id=cast.patient.local_id)
    response = client.post(reverse("patients:patient_create"), data)
    assert response.status_code == 200
    body = response.content.decode()
    message = f"A patient with local identifier {cast.patient.local_id} already exists."
    assert f'<ul class="errorlist" id="id_local_id_error"><li>{message}</li></ul>' in body
    assert 'aria-describedby="id_local_id_error"' in body
    assert 'value="Robin"' in body
    assert 'value="Okafor"' in body
    assert 'value="robin@example.org"' in body
    assert 'value="1988-04-02"' in body


def test_record_shows_observations_with_source_reporter_and_history_link(cast, login_as):
    observation = systolic(cast.patient)
    body = (
        login_as(cast.clinician)
        .get(reverse("patients:patient_detail", kwargs={"patient_id": cast.patient.pk}))
        .content.decode()
    )
    assert "Systolic blood pressure" in body
    assert "131 mmHg" in body
    history = reverse(
        "observations:observation_history",
        kwargs={"patient_id": cast.patient.pk, "observation_id": observation.pk},
    )
    assert history in body


def test_implausible_systolic_is_refused_next_to_the_value_with_input_kept(cast, login_as):
    client = login_as(cast.clinician)
    url = reverse("observations:observation_add", kwargs={"patient_id": cast.patient.pk})
    response = client.post(
        url,
        {
            "code": "loinc:8480-6",
            "value": "900",
            "effective_at": (now() - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
            "source": "clinician",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert '<ul class="errorlist" id="id_value_error"><li>Systolic blood pressure of 900' in body
    assert 'name="value" value="900"' in body
    assert '<option value="loinc:8480-6" selected>' in body
    assert not Observation.objects.filter(patient=cast.patient).exists()


def test_observation_add_records_and_returns_to_the_record(cast, login_as):
    client = login_as(cast.clinician)
    url = reverse("observations:observation_add", kwargs={"patient_id": cast.patient.pk})
    response = client.post(
        url,
        {
            "code": "loinc:29463-7",
            "value": "71.5",
            "effective_at": (now() - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
            "source": "clinician",
        },
    )
    assert response.status_code == 302
    stored = Observation.objects.get(patient=cast.patient)
    assert stored.value_quantity == 71.5
    assert stored.reporter == cast.clinician


def test_a_correction_keeps_the_history(cast, login_as):
    client = login_as(cast.clinician)
    original = systolic(cast.patient, 181)
    url = reverse(
        "observations:observation_correct",
        kwargs={"patient_id": cast.patient.pk, "observation_id": original.pk},
    )
    response = client.post(
        url, {"action": "correct", "correct-value": "118", "correct-reason": "Typing error"}
    )
    assert response.status_code == 302
    original.refresh_from_db()
    assert original.is_current is False
    corrected = original.replaced_by
    assert corrected.value_quantity == 118
    assert corrected.status == ObservationStatus.AMENDED
    history = client.get(response["Location"]).content.decode()
    assert "118 mmHg" in history
    assert "181 mmHg" in history
    assert "replaced" in history


def test_a_correction_without_a_reason_is_refused_next_to_the_reason(cast, login_as):
    client = login_as(cast.clinician)
    original = systolic(cast.patient)
    url = reverse(
        "observations:observation_correct",
        kwargs={"patient_id": cast.patient.pk, "observation_id": original.pk},
    )
    response = client.post(url, {"action": "correct", "correct-value": "118", "correct-reason": ""})
    assert response.status_code == 200
    assert 'id="id_correct-reason_error"' in response.content.decode()
    original.refresh_from_db()
    assert original.is_current is True


def test_entered_in_error_keeps_the_row(cast, login_as):
    client = login_as(cast.clinician)
    original = systolic(cast.patient)
    url = reverse(
        "observations:observation_correct",
        kwargs={"patient_id": cast.patient.pk, "observation_id": original.pk},
    )
    response = client.post(url, {"action": "error", "error-reason": "Wrong patient"})
    assert response.status_code == 302
    original.refresh_from_db()
    assert original.status == ObservationStatus.ENTERED_IN_ERROR
    assert "Entered in error" in client.get(response["Location"]).content.decode()


def test_another_patients_observation_id_gives_404_without_its_value(cast, login_as):
    theirs = systolic(cast.other_patient, 177)
    client = login_as(cast.clinician)
    for name in ("observations:observation_history", "observations:observation_correct"):
        url = reverse(name, kwargs={"patient_id": cast.patient.pk, "observation_id": theirs.pk})
        response = client.get(url)
        assert response.status_code == 404
        assert "177" not in response.content.decode()


def test_enrol_and_end_an_enrolment(cast, login_as, programme):
    client = login_as(cast.clinician)
    start = reverse("patients:enrolment_start", kwargs={"patient_id": cast.patient.pk})
    response = client.post(
        start,
        {
            "programme": programme.pk,
            "unit": cast.tree.units[0].pk,
            "started_on": (now().date() - dt.timedelta(days=30)).isoformat(),
        },
    )
    assert response.status_code == 302
    enrolment = Enrolment.objects.get(patient=cast.patient)
    end = reverse(
        "patients:enrolment_end",
        kwargs={"patient_id": cast.patient.pk, "enrolment_id": enrolment.pk},
    )
    response = client.post(end, {f"end{enrolment.pk}-ended_on": now().date().isoformat()})
    assert response.status_code == 302
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.ENDED


def test_enrolling_twice_shows_the_error_next_to_the_programme(cast, login_as, programme):
    client = login_as(cast.clinician)
    start = reverse("patients:enrolment_start", kwargs={"patient_id": cast.patient.pk})
    data = {
        "programme": programme.pk,
        "unit": cast.tree.units[0].pk,
        "started_on": now().date().isoformat(),
    }
    client.post(start, data)
    response = client.post(start, data)
    assert response.status_code == 200
    assert 'id="id_programme_error"' in response.content.decode()
    assert "already in this programme" in response.content.decode()


def test_care_team_add_and_remove(cast, login_as):
    colleague = factories.make_user(
        role="clinician", network=cast.network, units=(cast.tree.units[0],)
    )
    client = login_as(cast.clinician)
    add = reverse("patients:care_team_add", kwargs={"patient_id": cast.child.pk})
    assert client.post(add, {"user": colleague.pk}).status_code == 302
    detail = reverse("patients:patient_detail", kwargs={"patient_id": cast.child.pk})
    assert colleague.display_name in client.get(detail).content.decode()
    member = cast.child.care_team.members.get(user=colleague, removed_at__isnull=True)
    remove = reverse(
        "patients:care_team_remove", kwargs={"patient_id": cast.child.pk, "member_id": member.pk}
    )
    assert client.post(remove).status_code == 302
    member.refresh_from_db()
    assert member.removed_at is not None

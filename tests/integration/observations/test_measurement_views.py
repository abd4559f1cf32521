"""The home measurement and dialysis pages: errors next to the field with what was typed
kept, nothing saved on error, streams for carers, denials for other patients, CSRF."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from coproduce.core.clock import now
from coproduce.observations.measurements import Entered, measurement_record
from coproduce.observations.models import DialysisSession, Observation
from coproduce.patients.selectors import patient_for_user
from tests import factories


def url(name, patient, query=""):
    return reverse(f"observations:{name}", kwargs={"patient_id": patient.pk}) + query


def local(minutes_ago=10) -> str:
    """A time as a phone's datetime-local field sends it (the unit's zone is UTC here)."""
    moment = timezone.localtime(now() - dt.timedelta(minutes=minutes_ago), dt.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
def patient_client(cast, client):
    client.force_login(cast.patient.user)
    return client


def blood_pressure(systolic, diastolic, pulse="", **extra):
    return {
        "kind": "blood-pressure",
        "systolic": systolic,
        "diastolic": diastolic,
        "pulse": pulse,
        "effective_at": local(),
        **extra,
    }


def body(response) -> str:
    return response.content.decode()


def test_the_chooser_lists_what_can_be_recorded(cast, patient_client):
    response = patient_client.get(url("measurement_add", cast.patient))
    assert response.status_code == 200
    for title in ["Blood pressure", "Weight", "Blood sugar", "HbA1c", "CRP", "Peak flow"]:
        assert title in body(response)
    assert "FEV1" in body(response)
    assert "Temperature" in body(response)
    assert "Dialysis session" not in body(response)


def test_the_dialysis_log_is_offered_to_patients_on_the_dialysis_programme(cast, patient_client):
    factories.make_enrolment(
        patient=cast.patient, programme=factories.load_programme("kidney-dialysis")
    )
    response = patient_client.get(url("measurement_add", cast.patient))
    assert "Dialysis session" in body(response)


def test_blood_pressure_is_saved_and_shown_in_the_list(cast, patient_client):
    response = patient_client.post(
        url("measurement_add", cast.patient), blood_pressure(128, 82, 70)
    )
    assert response.status_code == 302
    assert response.headers["Location"] == url("measurement_list", cast.patient)
    assert Observation.objects.filter(patient=cast.patient).count() == 3
    page = patient_client.get(url("measurement_list", cast.patient))
    assert "128/82 mmHg, pulse 70" in body(page)
    assert "Blood pressure saved." in body(page)


def test_diastolic_above_systolic_keeps_both_typed_values_and_saves_nothing(cast, patient_client):
    response = patient_client.post(url("measurement_add", cast.patient), blood_pressure(80, 120))
    assert response.status_code == 200
    html = body(response)
    assert not Observation.objects.filter(patient=cast.patient).exists()
    # The error is next to the field, and the summary links to it.
    error = re.search(r'<ul class="errorlist" id="id_diastolic_error"><li>(.*?)</li>', html)
    assert error is not None
    assert "must be lower than the top number" in error.group(1)
    assert 'href="#id_diastolic"' in html
    assert 'name="systolic" value="80"' in html
    assert 'name="diastolic" value="120"' in html
    assert 'aria-invalid="true"' in html


def test_implausible_weight_shows_the_typed_unit_next_to_the_field(cast, patient_client):
    response = patient_client.post(
        url("measurement_add", cast.patient),
        {"kind": "weight", "weight": "900", "weight_unit": "kg", "effective_at": local()},
    )
    assert response.status_code == 200
    assert "A weight of 900 kg is not possible." in body(response)
    assert 'id="id_weight_error"' in body(response)
    assert not Observation.objects.exists()


def test_weight_in_stones_and_pounds_is_saved_in_kg(cast, patient_client):
    response = patient_client.post(
        url("measurement_add", cast.patient),
        {
            "kind": "weight",
            "weight": "12",
            "weight_unit": "[stone_av]",
            "weight_pounds": "8",
            "effective_at": local(),
        },
    )
    assert response.status_code == 302
    assert Observation.objects.get(patient=cast.patient).value_quantity == 79.8


def test_pounds_out_of_range_and_words_instead_of_numbers(cast, patient_client):
    response = patient_client.post(
        url("measurement_add", cast.patient),
        {
            "kind": "weight",
            "weight": "12",
            "weight_unit": "[stone_av]",
            "weight_pounds": "20",
            "effective_at": local(),
        },
    )
    assert "Pounds must be between 0 and 13." in body(response)
    response = patient_client.post(
        url("measurement_add", cast.patient),
        {"kind": "glucose", "glucose": "six", "glucose_unit": "mmol/L", "effective_at": local()},
    )
    assert "Enter a number, for example 80 or 37.5." in body(response)
    assert not Observation.objects.exists()


def test_a_comma_decimal_is_accepted(cast, patient_client):
    response = patient_client.post(
        url("measurement_add", cast.patient),
        {"kind": "temperature", "temperature": "37,8", "temperature_unit": "Cel",
         "effective_at": local()},
    )  # fmt: skip
    assert response.status_code == 302
    assert Observation.objects.get().value_quantity == 37.8


def test_a_future_time_is_refused_next_to_the_time(cast, patient_client):
    response = patient_client.post(
        url("measurement_add", cast.patient), blood_pressure(128, 82, effective_at=local(-120))
    )
    assert 'id="id_effective_at_error"' in body(response)
    assert "in the future" in body(response)
    assert not Observation.objects.exists()


def test_the_form_starts_with_the_unit_chosen_last_time(cast, patient_client):
    measurement_record(
        access=patient_for_user(cast.patient.user, cast.patient.pk),
        kind="weight",
        values={"weight": Entered(170, "[lb_av]")},
        effective_at=now() - dt.timedelta(days=1),
    )
    form = patient_client.get(url("measurement_add", cast.patient, "?kind=weight"))
    assert '<option value="[lb_av]" selected>' in body(form)
    page = patient_client.get(url("measurement_list", cast.patient))
    assert "170 lb" in body(page)


def test_carer_with_both_scopes_chooses_the_stream(cast, client):
    carer = factories.make_user(role="carer", network=cast.network)
    factories.make_carer_grant(
        patient=cast.child,
        carer=carer,
        granted_by=cast.clinician,
        scopes=frozenset({"view_reports", "report_for_patient", "report_own"}),
    )
    client.force_login(carer)
    form = client.get(url("measurement_add", cast.child, "?kind=temperature"))
    assert "Whose reading is this?" in body(form)
    assert "My own observation, as" in body(form)
    response = client.post(
        url("measurement_add", cast.child),
        {"kind": "temperature", "temperature": "38.4", "temperature_unit": "Cel",
         "effective_at": local(), "stream": "carer"},
    )  # fmt: skip
    assert response.status_code == 302
    row = Observation.objects.get(patient=cast.child)
    assert (row.source, row.reporter_id) == ("carer", carer.pk)
    page = body(client.get(url("measurement_list", cast.child)))
    own, carers = page.split("Carers’ own observations")
    assert "38.4 °C" in carers
    assert "38.4 °C" not in own
    assert "Entered by" in carers


def test_carer_with_one_scope_gets_no_stream_choice_and_cannot_forge_one(cast, client):
    client.force_login(cast.carer)
    form = client.get(url("measurement_add", cast.child, "?kind=weight"))
    assert "Whose reading is this?" not in body(form)
    response = client.post(
        url("measurement_add", cast.child),
        {"kind": "weight", "weight": "25", "weight_unit": "kg", "effective_at": local(),
         "stream": "carer"},
    )  # fmt: skip
    assert response.status_code == 302
    assert Observation.objects.get(patient=cast.child).source == "patient"


def test_carer_with_only_view_reports_cannot_open_the_form(cast, client):
    carer = factories.make_user(role="carer", network=cast.network)
    factories.make_carer_grant(
        patient=cast.child,
        carer=carer,
        granted_by=cast.clinician,
        scopes=frozenset({"view_reports"}),
    )
    client.force_login(carer)
    assert client.get(url("measurement_add", cast.child)).status_code == 403
    assert client.get(url("measurement_list", cast.child)).status_code == 200


@pytest.mark.parametrize(
    "name",
    ["measurement_add", "measurement_list", "dialysis_session_add", "dialysis_session_list"],
)
def test_other_patients_pages_are_denied(cast, client, name):
    client.force_login(cast.patient.user)
    assert client.get(url(name, cast.other_patient)).status_code == 403
    client.force_login(cast.carer)
    assert client.get(url(name, cast.other_patient)).status_code == 403
    assert "Patient" not in body(client.get(url(name, cast.other_patient)))


def test_posting_for_another_patient_saves_nothing(cast, patient_client):
    response = patient_client.post(
        url("measurement_add", cast.other_patient), blood_pressure(128, 82)
    )
    assert response.status_code == 403
    assert not Observation.objects.exists()


def test_qi_lead_is_refused(cast, verified_client):
    client = verified_client(cast.qi_lead)
    assert client.get(url("measurement_list", cast.patient)).status_code == 403


def test_a_post_without_the_csrf_token_is_refused(cast):
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.patient.user)
    response = client.post(url("measurement_add", cast.patient), blood_pressure(128, 82))
    assert response.status_code == 403
    assert not Observation.objects.exists()


def test_my_measurements_goes_to_the_patients_own_list(cast, patient_client):
    response = patient_client.get(reverse("observations:my_measurements"))
    assert response.headers["Location"] == url("measurement_list", cast.patient)


def test_clinician_types_in_a_home_reading(cast, verified_client):
    client = verified_client(cast.clinician)
    response = client.post(url("measurement_add", cast.patient), blood_pressure(150, 95))
    assert response.status_code == 302
    rows = Observation.objects.filter(patient=cast.patient)
    assert {(r.source, r.reporter_id) for r in rows} == {("patient", cast.clinician.pk)}


# --- The dialysis log ----------------------------------------------------------------------


def session_form(**changes):
    started = timezone.localtime(now() - dt.timedelta(hours=6), dt.UTC)
    data = {
        "submission_key": "form-key-1",
        "started_at": started.strftime("%Y-%m-%dT%H:%M"),
        "duration_hours": "4",
        "duration_minutes": "0",
        "weight_unit": "kg",
        "weight_before": "72.4",
        "weight_after": "70.3",
        "systolic_before": "148",
        "diastolic_before": "86",
        "systolic_after": "126",
        "diastolic_after": "78",
        "ultrafiltration": "2300",
        "ultrafiltration_unit": "mL",
        "problems": ["cramps"],
        "problem_note": "",
    }
    data.update(changes)
    return data


def test_a_dialysis_session_is_saved_and_listed(cast, patient_client):
    response = patient_client.post(url("dialysis_session_add", cast.patient), session_form())
    assert response.status_code == 302
    assert DialysisSession.objects.get().patient == cast.patient
    page = body(patient_client.get(url("dialysis_session_list", cast.patient)))
    assert "72.4 kg" in page
    assert "2.1 kg less" in page
    assert "2300 mL" in page
    assert "148/86 mmHg" in page
    assert "Cramps" in page
    assert "4 h" in page


def test_a_failed_session_keeps_what_was_typed_and_its_key(cast, patient_client):
    response = patient_client.post(
        url("dialysis_session_add", cast.patient), session_form(weight_after="74.0")
    )
    html = body(response)
    assert response.status_code == 200
    assert 'id="id_weight_after_error"' in html
    assert 'name="weight_before" value="72.4"' in html
    assert 'name="weight_after" value="74.0"' in html
    assert 'value="form-key-1"' in html
    assert not DialysisSession.objects.exists()
    assert not Observation.objects.exists()


def test_a_duration_error_is_shown_beside_the_hours(cast, patient_client):
    response = patient_client.post(
        url("dialysis_session_add", cast.patient), session_form(duration_hours="14")
    )
    assert 'id="id_duration_hours_error"' in body(response)


def test_a_double_submitted_session_is_stored_once(cast, patient_client):
    patient_client.post(url("dialysis_session_add", cast.patient), session_form())
    response = patient_client.post(url("dialysis_session_add", cast.patient), session_form())
    assert response.status_code == 302
    assert DialysisSession.objects.count() == 1


def test_a_carer_with_one_stream_is_told_whose_reading_it_is(cast, client):
    client.force_login(cast.carer)
    form = body(client.get(url("measurement_add", cast.child, "?kind=weight")))
    assert "own reading, with your name as the person who typed it in" in form
    carer = factories.make_user(role="carer", network=cast.network)
    factories.make_carer_grant(
        patient=cast.child,
        carer=carer,
        granted_by=cast.clinician,
        scopes=frozenset({"view_reports", "report_own"}),
    )
    client.force_login(carer)
    form = body(client.get(url("dialysis_session_add", cast.child)))
    assert "saved as your own observation, kept apart" in form

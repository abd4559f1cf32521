"""The review page asks "Do you want your care team to contact you about this report?" when
the patient's programmes have a contact-request rule; a yes raises the "wants-contact"
alert; a bad value is an error beside the question, and nothing already saved is lost."""

import datetime as dt

import pytest
from django.urls import reverse

from coproduce.alerts.models import Alert
from coproduce.alerts.patient_view import ContactAnswerInvalid, contact_answer
from coproduce.patients.selectors import patient_for_user
from coproduce.questionnaires import services
from coproduce.questionnaires.models import QuestionnaireResponse
from tests import factories
from tests.factories_reporting import enrol, move_clock

pytestmark = pytest.mark.django_db

QUESTION = "Do you want your care team to contact you about this report?"
START = dt.datetime(2026, 11, 2, 10, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    move_clock(monkeypatch, START)


def form_in_progress(user, patient, reporter="patient", scores=None) -> QuestionnaireResponse:
    """A PHQ-9 with every answer saved, waiting on the review page."""
    definition = factories.load_instrument("phq-9")
    access = patient_for_user(user, patient.pk)
    response = services.response_start(access=access, definition=definition, reporter=reporter)
    answers = factories.form_answers(
        definition, scores or {**{str(i): 1 for i in range(1, 10)}, "9": 0}
    )
    last = definition.form["items"][-1]
    answers[last["link_id"]] = last["options"][0]["code"]
    checked = services.response_save_answers(access=access, response=response, answers=answers)
    assert not checked.errors
    return response


def review_url(response) -> str:
    return reverse(
        "questionnaires:review",
        kwargs={"patient_id": response.patient_id, "response_id": response.pk},
    )


def send(client, response, **extra):
    return client.post(review_url(response), {"idempotency_key": response.idempotency_key, **extra})


def test_the_question_is_asked_when_the_programme_has_a_contact_rule(cast, client):
    enrol(cast.patient, "depression-anxiety")
    response = form_in_progress(cast.patient.user, cast.patient)
    client.force_login(cast.patient.user)
    html = client.get(review_url(response)).content.decode()
    assert QUESTION in html
    assert '<legend class="q-legend">' in html  # a fieldset with its legend
    assert 'name="contact_requested" id="contact-yes" value="yes"' in html
    assert 'name="contact_requested" id="contact-no" value="no"' in html
    assert 'class="q-option"' in html  # the big answer cards of the questionnaire


def test_the_question_is_not_asked_without_a_contact_rule(cast, client):
    enrol(cast.patient, "hypertension")
    response = form_in_progress(cast.patient.user, cast.patient)
    client.force_login(cast.patient.user)
    assert QUESTION not in client.get(review_url(response)).content.decode()


def test_yes_raises_the_wants_contact_alert(cast, client):
    enrol(cast.patient, "depression-anxiety")
    response = form_in_progress(cast.patient.user, cast.patient)
    client.force_login(cast.patient.user)
    sent = send(client, response, contact_requested="yes")
    assert sent.status_code == 302
    response.refresh_from_db()
    assert (response.status, response.contact_requested) == ("completed", True)
    alert = Alert.objects.get(patient=cast.patient, rule_id="wants-contact")
    assert alert.contact_requested
    done = client.get(sent.headers["Location"]).content.decode()
    assert "will contact you by" in done or "will look at your answers" in done


def test_no_and_no_answer_are_stored_and_raise_nothing(cast, client):
    enrol(cast.patient, "depression-anxiety")
    client.force_login(cast.patient.user)
    first = form_in_progress(cast.patient.user, cast.patient)
    assert send(client, first, contact_requested="no").status_code == 302
    second = form_in_progress(cast.patient.user, cast.patient)
    assert send(client, second).status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.contact_requested, second.contact_requested) == (False, None)
    assert not Alert.objects.filter(patient=cast.patient, rule_id="wants-contact").exists()


def test_a_bad_value_is_an_error_beside_the_question_and_keeps_the_answers(cast, client):
    enrol(cast.patient, "depression-anxiety")
    response = form_in_progress(cast.patient.user, cast.patient)
    saved = dict(QuestionnaireResponse.objects.get(pk=response.pk).answers)
    client.force_login(cast.patient.user)
    page = send(client, response, contact_requested="maybe")
    assert page.status_code == 422
    html = page.content.decode()
    assert '<div class="error-summary"' in html
    assert 'href="#contact-yes"' in html
    assert 'id="contact-error"' in html
    assert "Choose yes or no, or leave this question out." in html
    assert html.index(QUESTION, html.index("q-submit")) < html.index('id="contact-error"')
    response.refresh_from_db()
    assert response.status == "in-progress"
    assert response.answers == saved
    assert not Alert.objects.filter(patient=cast.patient).exists()
    # Then a good answer sends it.
    assert send(client, response, contact_requested="yes").status_code == 302


def test_a_carer_answering_for_the_patient_is_asked_too(cast, client):
    enrol(cast.patient, "depression-anxiety")
    response = form_in_progress(cast.carer, cast.patient)
    client.force_login(cast.carer)
    html = client.get(review_url(response)).content.decode()
    assert "want the care team to get in touch about this report?" in html
    assert send(client, response, contact_requested="yes").status_code == 302
    assert Alert.objects.filter(patient=cast.patient, rule_id="wants-contact").exists()


def test_a_carers_own_view_is_not_asked(cast, client):
    enrol(cast.patient, "depression-anxiety")
    carer = factories.make_user(role="carer", network=cast.patient.home_unit.region.network)
    factories.make_carer_grant(
        patient=cast.patient,
        carer=carer,
        granted_by=cast.patient.user,
        scopes=frozenset({"view_reports", "report_own"}),
    )
    response = form_in_progress(carer, cast.patient, reporter="carer")
    client.force_login(carer)
    html = client.get(review_url(response)).content.decode()
    assert "contact_requested" not in html


def test_a_clinician_entering_the_patients_answers_is_not_asked(cast, verified_client):
    enrol(cast.patient, "depression-anxiety")
    response = form_in_progress(cast.clinician, cast.patient)
    client = verified_client(cast.clinician)
    html = client.get(review_url(response)).content.decode()
    assert response.author_id == cast.clinician.pk
    assert "contact_requested" not in html


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("yes", True), ("no", False), ("", None), (None, None), (" YES ", True)],
)
def test_contact_answers(raw, expected):
    assert contact_answer(raw) is expected


@pytest.mark.parametrize("raw", ["maybe", "1", "true", "yes please"])
def test_other_contact_answers_are_refused(raw):
    with pytest.raises(ContactAnswerInvalid):
        contact_answer(raw)

"""The questionnaire pages: start, one screen per question, review, confirmation, list."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from coproduce.observations.models import Observation
from coproduce.questionnaires.models import QuestionnaireResponse
from tests.factories import (
    load_instrument,
    load_programme,
    make_carer_grant,
    make_enrolment,
    make_user,
)

LA = ("LA6568-5", "LA6569-3", "LA6570-1", "LA6571-9")


@pytest.fixture
def phq(db):
    return load_instrument("phq-9")


@pytest.fixture
def patient_client(cast, verified_client):
    return verified_client(cast.patient.user)


def start_url(patient, code="phq-9", reporter=""):
    url = reverse(
        "questionnaires:start", kwargs={"patient_id": patient.pk, "instrument_code": code}
    )
    return f"{url}?reporter={reporter}" if reporter else url


def step_url(response, number):
    return reverse(
        "questionnaires:step",
        kwargs={"patient_id": response.patient_id, "response_id": response.pk, "number": number},
    )


def page_url(name, response):
    return reverse(
        f"questionnaires:{name}",
        kwargs={"patient_id": response.patient_id, "response_id": response.pk},
    )


def start(client, patient, **data):
    reply = client.post(start_url(patient), data)
    assert reply.status_code == 302
    return reply, QuestionnaireResponse.objects.order_by("-pk").first()


def test_the_intro_says_what_the_questionnaire_is_and_how_long_it_takes(cast, phq, patient_client):
    reply = patient_client.get(start_url(cast.patient))
    text = reply.content.decode()
    assert reply.status_code == 200
    assert "Patient Health Questionnaire-9 (PHQ-9)" in text
    assert "10 questions" in text
    assert "About 2 minutes" in text
    assert "care team sees the answers" in text


def test_starting_goes_to_the_first_question(cast, phq, patient_client):
    reply, response = start(patient_client, cast.patient)
    assert reply.headers["Location"] == step_url(response, 1)
    page = patient_client.get(step_url(response, 1))
    text = page.content.decode()
    assert page.status_code == 200
    assert "Question 1 of 10" in text
    assert '<progress class="q-progress" max="10" value="1"' in text
    assert "<legend" in text
    assert "Little interest or pleasure in doing things" in text
    assert "Over the last 2 weeks" in text
    assert 'type="radio"' in text


def test_next_saves_the_answer_and_moves_on(cast, phq, patient_client):
    _, response = start(patient_client, cast.patient)
    reply = patient_client.post(step_url(response, 1), {"1": LA[2], "go": "next"})
    assert reply.headers["Location"] == step_url(response, 2)
    response.refresh_from_db()
    assert response.answers == {"1": LA[2]}


def test_back_saves_too_and_goes_to_the_screen_before(cast, phq, patient_client):
    _, response = start(patient_client, cast.patient)
    reply = patient_client.post(step_url(response, 2), {"2": LA[1], "go": "back"})
    assert reply.headers["Location"] == step_url(response, 1)
    response.refresh_from_db()
    assert response.answers == {"2": LA[1]}


def test_with_htmx_choosing_an_option_saves_it_and_confirms(cast, phq, patient_client):
    _, response = start(patient_client, cast.patient)
    reply = patient_client.post(step_url(response, 3), {"3": LA[3]}, HTTP_HX_REQUEST="true")
    assert reply.status_code == 200
    assert "Saved" in reply.content.decode()
    assert "<html" not in reply.content.decode()
    response.refresh_from_db()
    assert response.answers == {"3": LA[3]}


def test_a_wrong_answer_is_shown_beside_the_question_with_a_summary(cast, patient_client):
    load_instrument("ra-flare-diary")
    reply = patient_client.post(start_url(cast.patient, "ra-flare-diary"))
    response = QuestionnaireResponse.objects.get()
    reply = patient_client.post(
        step_url(response, 1), {"morning_stiffness_minutes": "lots", "go": "next"}
    )
    text = reply.content.decode()
    assert reply.status_code == 422
    assert "error-summary" in text
    assert 'href="#q-morning_stiffness_minutes"' in text
    assert 'aria-invalid="true"' in text
    assert 'value="lots"' in text
    assert text.count("Enter a whole number.") == 2


def test_the_resume_link_goes_to_the_first_unanswered_question(cast, phq, patient_client):
    _, response = start(patient_client, cast.patient)
    for n in (1, 2, 3):
        patient_client.post(step_url(response, n), {str(n): LA[1], "go": "next"})
    reply = patient_client.post(start_url(cast.patient))
    assert reply.headers["Location"] == step_url(response, 4)
    listing = patient_client.get(
        reverse("questionnaires:my_responses", kwargs={"patient_id": cast.patient.pk})
    )
    assert step_url(response, 4) in listing.content.decode()


def test_a_hidden_question_is_skipped(cast, phq, patient_client):
    """PHQ-9's difficulty question is shown only when some problem was reported."""
    _, response = start(patient_client, cast.patient)
    for n in range(1, 10):
        patient_client.post(step_url(response, n), {str(n): LA[0], "go": "next"})
    reply = patient_client.get(step_url(response, 10))
    assert reply.headers["Location"] == page_url("review", response)
    assert "Question 9 of 9" in patient_client.get(step_url(response, 9)).content.decode()


def answer_all(client, response, level=1):
    for n in range(1, 10):
        client.post(step_url(response, n), {str(n): LA[level], "go": "next"})
    client.post(step_url(response, 10), {"difficulty": "1", "go": "next"})


def test_review_lists_answers_with_change_links_and_the_key(cast, phq, patient_client):
    _, response = start(patient_client, cast.patient)
    answer_all(patient_client, response)
    reply = patient_client.get(page_url("review", response))
    text = reply.content.decode()
    assert reply.status_code == 200
    assert text.count("Several days") == 9
    assert "Somewhat difficult" in text
    assert step_url(response, 4) in text
    assert f'name="idempotency_key" value="{response.idempotency_key}"' in text


def test_submitting_twice_stores_one_response_and_shows_the_score(cast, phq, patient_client):
    _, response = start(patient_client, cast.patient)
    answer_all(patient_client, response, level=1)
    data = {"idempotency_key": response.idempotency_key}
    first = patient_client.post(page_url("review", response), data)
    second = patient_client.post(page_url("review", response), data)
    assert first.headers["Location"] == second.headers["Location"] == page_url("done", response)
    assert QuestionnaireResponse.objects.filter(status="completed").count() == 1
    assert Observation.objects.filter(code="loinc:44261-6").count() == 1
    done = patient_client.get(page_url("done", response)).content.decode()
    assert "Your PHQ-9 total score is 9 out of 27 (mild)." in done
    assert "Your care team will see this." in done
    assert "harming yourself" in done  # item 9 above zero


def test_a_sent_form_sends_its_screens_to_the_confirmation(cast, phq, patient_client):
    _, response = start(patient_client, cast.patient)
    answer_all(patient_client, response)
    patient_client.post(page_url("review", response), {"idempotency_key": response.idempotency_key})
    reply = patient_client.get(step_url(response, 2))
    assert reply.headers["Location"] == page_url("done", response)
    reply = patient_client.post(step_url(response, 2), {"2": LA[3], "go": "next"})
    assert reply.headers["Location"] == page_url("done", response)
    response.refresh_from_db()
    assert response.answers["2"] == LA[1]


def test_a_failed_submit_shows_errors_beside_items_and_keeps_answers(cast, patient_client):
    load_instrument("phq-2")
    patient_client.post(start_url(cast.patient, "phq-2"))
    response = QuestionnaireResponse.objects.get()
    patient_client.post(step_url(response, 1), {"1": LA[2], "go": "next"})
    reply = patient_client.post(
        page_url("review", response), {"idempotency_key": response.idempotency_key}
    )
    text = reply.content.decode()
    assert reply.status_code == 422
    assert 'href="#answer-2"' in text
    assert "Please answer this question." in text
    response.refresh_from_db()
    assert (response.status, response.answers) == ("in-progress", {"1": LA[2]})


def test_a_stale_key_is_refused_with_a_message(cast, phq, patient_client):
    _, response = start(patient_client, cast.patient)
    reply = patient_client.post(page_url("review", response), {"idempotency_key": "old"})
    assert reply.status_code == 422
    assert "out of date" in reply.content.decode()
    assert QuestionnaireResponse.objects.get().status == "in-progress"


def test_another_patients_form_and_unknown_ids_look_the_same(cast, phq, verified_client):
    clinician = verified_client(cast.clinician)
    clinician.post(start_url(cast.child, reporter="patient"))
    child_form = QuestionnaireResponse.objects.get()
    patient = Client()
    patient.force_login(cast.patient.user)
    foreign = patient.get(
        reverse(
            "questionnaires:step",
            kwargs={"patient_id": cast.patient.pk, "response_id": child_form.pk, "number": 1},
        )
    )
    unknown = patient.get(
        reverse(
            "questionnaires:step",
            kwargs={"patient_id": cast.patient.pk, "response_id": 999999, "number": 1},
        )
    )
    assert foreign.status_code == unknown.status_code == 404
    assert "We cannot find this questionnaire" in foreign.content.decode()
    assert cast.child.family_name not in foreign.content.decode()
    other = patient.get(
        reverse(
            "questionnaires:step",
            kwargs={"patient_id": cast.child.pk, "response_id": child_form.pk, "number": 1},
        )
    )
    assert other.status_code == 403


def test_someone_elses_form_in_progress_is_not_found(cast, phq, patient_client, verified_client):
    _, response = start(patient_client, cast.patient)
    nurse = verified_client(cast.nurse)
    assert nurse.get(step_url(response, 1)).status_code == 404


def test_a_withdrawn_response_says_so(cast, phq, patient_client):
    _, response = start(patient_client, cast.patient)
    QuestionnaireResponse.objects.filter(pk=response.pk).update(status="entered-in-error")
    reply = patient_client.get(step_url(response, 1))
    assert reply.status_code == 410
    assert "withdrawn" in reply.content.decode()


def test_a_licensed_questionnaire_without_wording_is_not_offered(cast, patient_client):
    load_instrument("eq-5d-5l")
    reply = patient_client.get(start_url(cast.patient, "eq-5d-5l"))
    assert "This questionnaire is not available yet" in reply.content.decode()
    reply = patient_client.post(start_url(cast.patient, "eq-5d-5l"))
    assert not QuestionnaireResponse.objects.exists()


def test_an_unknown_questionnaire_is_not_found(cast, patient_client):
    assert patient_client.get(start_url(cast.patient, "no-such")).status_code == 404


def test_a_carer_answers_for_the_patient_or_gives_their_own_view(cast, phq, verified_client):
    carer = make_user(role="carer", network=cast.network)
    make_carer_grant(
        patient=cast.child,
        carer=carer,
        granted_by=cast.clinician,
        scopes=frozenset({"view_reports", "report_for_patient", "report_own"}),
    )
    client = verified_client(carer)
    intro = client.get(start_url(cast.child)).content.decode()
    name = cast.child.full_name
    assert f"Answering for {name}" in intro
    assert f"Your own view of {name}" in intro
    client.post(start_url(cast.child), {"reporter": "patient"})
    client.post(start_url(cast.child), {"reporter": "carer"})
    for_child, own_view = QuestionnaireResponse.objects.order_by("pk")
    assert (for_child.reporter, own_view.reporter) == ("patient", "carer")
    assert f"Answering for {name}" in client.get(step_url(for_child, 1)).content.decode()
    page = client.get(step_url(own_view, 1)).content.decode()
    assert f"Your own view of {name}" in page
    assert f"do you think {cast.child.given_name} has been bothered" in page


def test_a_carer_without_the_scope_is_refused(cast, phq, verified_client):
    client = verified_client(cast.carer)  # report_for_patient only
    assert client.get(start_url(cast.patient, reporter="carer")).status_code == 403
    assert client.post(start_url(cast.patient), {"reporter": "carer"}).status_code == 403
    assert not QuestionnaireResponse.objects.exists()


def test_other_roles_cannot_open_the_pages(cast, phq, verified_client):
    assert verified_client(cast.qi_lead).get(start_url(cast.patient)).status_code == 403


def test_posts_need_the_csrf_token(cast, phq):
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.patient.user)
    assert client.post(start_url(cast.patient)).status_code == 403
    assert not QuestionnaireResponse.objects.exists()


def test_the_list_offers_the_programme_questionnaires_and_shows_sent_ones(
    cast, phq, patient_client
):
    make_enrolment(patient=cast.patient, programme=load_programme("depression-anxiety"))
    load_instrument("gad-7")
    _, response = start(patient_client, cast.patient)
    answer_all(patient_client, response, level=2)
    patient_client.post(page_url("review", response), {"idempotency_key": response.idempotency_key})
    reply = patient_client.get(
        reverse("questionnaires:my_responses", kwargs={"patient_id": cast.patient.pk})
    )
    text = reply.content.decode()
    assert reply.status_code == 200
    assert "Your questionnaires" in text
    assert start_url(cast.patient, "gad-7", "patient") in text
    assert "18 / 27 (moderately severe)" in text


def test_save_and_stop_keeps_the_answer_and_goes_to_the_list(cast, phq, patient_client):
    _, response = start(patient_client, cast.patient)
    reply = patient_client.post(step_url(response, 1), {"1": LA[3], "go": "later"})
    assert reply.headers["Location"] == reverse(
        "questionnaires:my_responses", kwargs={"patient_id": cast.patient.pk}
    )
    response.refresh_from_db()
    assert response.answers == {"1": LA[3]}


def test_a_patients_own_link_goes_to_their_list(cast, patient_client, verified_client):
    reply = patient_client.get(reverse("questionnaires:mine"))
    assert reply.headers["Location"] == reverse(
        "questionnaires:my_responses", kwargs={"patient_id": cast.patient.pk}
    )
    assert verified_client(cast.carer).get(reverse("questionnaires:mine")).status_code == 403


def test_a_change_from_the_review_goes_back_to_the_review(cast, phq, patient_client):
    _, response = start(patient_client, cast.patient)
    answer_all(patient_client, response)
    review = patient_client.get(page_url("review", response)).content.decode()
    assert f"{step_url(response, 3)}?from=review" in review
    reply = patient_client.post(f"{step_url(response, 3)}?from=review", {"3": LA[3], "go": "next"})
    assert reply.headers["Location"] == page_url("review", response)


def test_a_change_that_shows_a_question_goes_to_it_first(cast, phq, patient_client):
    _, response = start(patient_client, cast.patient)
    for n in range(1, 10):
        patient_client.post(step_url(response, n), {str(n): LA[0], "go": "next"})
    reply = patient_client.post(f"{step_url(response, 2)}?from=review", {"2": LA[2], "go": "next"})
    assert reply.headers["Location"] == step_url(response, 10)  # the difficulty question


def test_htmx_saving_to_a_sent_form_sends_the_browser_to_its_confirmation(
    cast, phq, patient_client
):
    _, response = start(patient_client, cast.patient)
    answer_all(patient_client, response)
    patient_client.post(page_url("review", response), {"idempotency_key": response.idempotency_key})
    reply = patient_client.post(step_url(response, 1), {"1": LA[0]}, HTTP_HX_REQUEST="true")
    assert reply.headers["HX-Redirect"] == page_url("done", response)


def test_a_carer_sees_the_safety_message_about_the_patient(cast, phq, verified_client):
    client = verified_client(cast.carer)
    client.post(start_url(cast.patient), {"reporter": "patient"})
    response = QuestionnaireResponse.objects.get()
    answer_all(client, response)
    client.post(page_url("review", response), {"idempotency_key": response.idempotency_key})
    done = client.get(page_url("done", response)).content.decode()
    assert f"{cast.patient.given_name} may be thinking about self-harm" in done
    assert "You said you have had thoughts" not in done
    assert f"{cast.patient.full_name}&#x27;s PHQ-9 total score is 9 out of 27 (mild)." in done


def test_a_carer_who_may_only_see_reports_is_told_so(cast, phq, verified_client):
    viewer = make_user(role="carer", network=cast.network)
    make_carer_grant(
        patient=cast.patient,
        carer=viewer,
        granted_by=cast.patient.user,
        scopes=frozenset({"view_reports"}),
    )
    make_enrolment(patient=cast.patient, programme=load_programme("depression-anxiety"))
    client = verified_client(viewer)
    listing = client.get(
        reverse("questionnaires:my_responses", kwargs={"patient_id": cast.patient.pk})
    )
    assert "but not fill in questionnaires" in listing.content.decode()
    assert client.get(start_url(cast.patient)).status_code == 403

"""The decision pages: a clinician records a decision with the patient (options side by
side, priorities reordered without JavaScript, specific errors next to fields); the
patient reads it in "My decisions"; a carer only with the care-plan scope."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from coproduce.core.clock import today
from coproduce.decisions.models import SharedDecision
from tests import factories
from tests.factories_decisions import make_decision

pytestmark = pytest.mark.django_db


def create_url(patient, option_set="dialysis-type") -> str:
    return reverse("decisions:decision_create", kwargs={"patient_id": patient.pk})


def form_data(**overrides) -> dict:
    data = {
        "option_set": "dialysis-type",
        "question": "",
        "priority": ["Keep working", "Less travel", ""],
        "choice": "home-haemodialysis",
        "reasons": "I can dialyse after work.",
        "review_on": (today() + dt.timedelta(days=30)).isoformat(),
    }
    data.update(overrides)
    return data


def test_the_clinician_sees_the_options_side_by_side_with_how_often(cast, verified_client):
    client = verified_client(cast.clinician)
    response = client.get(create_url(cast.patient) + "?set=dialysis-type")
    page = response.content.decode()
    assert response.status_code == 200
    for title in ("Haemodialysis at home", "Haemodialysis in a dialysis unit", "Peritoneal"):
        assert title in page
    assert "About 1 in 3 people in a year" in page
    assert "Not yet decided" in page


def test_the_option_set_page_lists_sets_fitting_first(cast, verified_client):
    response = verified_client(cast.clinician).get(create_url(cast.patient))
    page = response.content.decode()
    assert "Which kind of dialysis fits my life best?" in page
    assert "Write the decision and its options yourself" in page


def test_a_clinician_records_a_decision_with_priorities_in_order(cast, verified_client):
    client = verified_client(cast.clinician)
    data = form_data(participants=[str(cast.patient.user.pk), str(cast.clinician.pk)])
    response = client.post(create_url(cast.patient), data)
    decision = SharedDecision.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "decisions:decision_detail", args=[cast.patient.pk, decision.pk]
    )
    assert decision.priorities == ["Keep working", "Less travel"]
    assert decision.choice == "home-haemodialysis"
    assert decision.participant_ids == sorted([cast.patient.user.pk, cast.clinician.pk])


def test_moving_a_priority_up_reorders_without_saving(cast, verified_client):
    client = verified_client(cast.clinician)
    response = client.post(create_url(cast.patient), form_data(move="up-1"))
    page = response.content.decode()
    assert response.status_code == 200
    assert not SharedDecision.objects.exists()
    assert page.index('value="Less travel"') < page.index('value="Keep working"')
    response = client.post(create_url(cast.patient), form_data(add_priority="1"))
    assert response.content.decode().count('name="priority"') == 4


def test_not_yet_decided_is_kept(cast, verified_client):
    client = verified_client(cast.clinician)
    response = client.post(create_url(cast.patient), form_data(choice=""))
    assert response.status_code == 302
    assert SharedDecision.objects.get().is_decided is False


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        (
            {"option_set": "", "question": " ", "choice": ""},
            "question",
            "Write the decision to make",
        ),
        ({"priority": [f"thing {n}" for n in range(11)]}, "priorities", "10 things"),
        ({"review_on": (today() - dt.timedelta(days=2)).isoformat()}, "review_on", "has passed"),
        ({"choice": "peritoneal-dialysis-abroad"}, "choice", "Select a valid choice"),
        ({"choice": "own-2"}, "choice", "Choose one of the options above"),
    ],
)
def test_bad_input_shows_a_specific_error_next_to_the_field(
    cast, verified_client, overrides, field, words
):
    client = verified_client(cast.clinician)
    response = client.post(create_url(cast.patient), form_data(**overrides))
    page = response.content.decode()
    assert response.status_code == 200
    assert not SharedDecision.objects.exists()
    assert f'id="id_{field}_error"' in page
    assert words in page
    assert 'value="I can dialyse after work.' in page or "I can dialyse after work." in page


def test_the_clinician_changes_the_choice_later(cast, verified_client):
    decision = make_decision(clinician=cast.clinician, patient=cast.patient, priorities=("A",))
    client = verified_client(cast.clinician)
    url = reverse("decisions:decision_edit", args=[cast.patient.pk, decision.pk])
    response = client.post(url, {"priority": ["A"], "choice": "peritoneal-dialysis"})
    assert response.status_code == 302
    decision.refresh_from_db()
    assert (decision.choice, decision.version) == ("peritoneal-dialysis", 2)
    detail = client.get(reverse("decisions:decision_detail", args=[cast.patient.pk, decision.pk]))
    assert "Chosen: Peritoneal dialysis at home" in detail.content.decode()


def test_the_clinician_records_whether_it_worked(cast, verified_client):
    decision = make_decision(
        clinician=cast.clinician, patient=cast.patient, choice="home-haemodialysis"
    )
    client = verified_client(cast.clinician)
    url = reverse("decisions:decision_review", args=[cast.patient.pk, decision.pk])
    assert 'id="id_outcome_error"' in client.post(url, {}).content.decode()
    response = client.post(url, {"outcome": "worked", "review_words": "Evenings are free."})
    assert response.status_code == 302
    decision.refresh_from_db()
    assert decision.review_outcome == "worked"


def test_the_patient_sees_their_decisions_in_my_decisions(cast, client):
    decision = make_decision(
        clinician=cast.clinician,
        patient=cast.patient,
        priorities=("Keep working",),
        choice="home-haemodialysis",
        reasons="Evenings suit me.",
    )
    make_decision(clinician=cast.other_clinician, patient=cast.other_patient)
    client.force_login(cast.patient.user)
    page = client.get(reverse("decisions:mine")).content.decode()
    assert "My decisions" in page
    assert page.count("decisions/") >= 1
    assert "Chosen: Haemodialysis at home" in page
    assert str(cast.other_patient.pk) + "/decisions/" not in page
    detail = client.get(
        reverse("decisions:decision_detail", args=[cast.patient.pk, decision.pk])
    ).content.decode()
    assert "Evenings suit me." in detail
    assert "About 1 in 3 people in a year" in detail
    assert "Change this decision" not in detail
    assert 'href="/me/decisions/"' in detail


def test_a_carer_sees_decisions_only_with_the_care_plan_scope(cast, client):
    decision = make_decision(clinician=cast.clinician, patient=cast.patient)
    url = reverse("decisions:decision_detail", args=[cast.patient.pk, decision.pk])
    client.force_login(cast.carer)
    assert client.get(url).status_code == 403
    carer = factories.make_user(role="carer", network=cast.network)
    factories.make_carer_grant(
        patient=cast.patient,
        carer=carer,
        granted_by=cast.patient.user,
        scopes=frozenset({"view_reports", "care_plan"}),
    )
    client.force_login(carer)
    response = client.get(url)
    assert response.status_code == 200
    assert "Which kind of dialysis fits my life best?" in response.content.decode()


def test_another_units_clinician_cannot_open_or_change_a_decision(cast, verified_client):
    decision = make_decision(clinician=cast.clinician, patient=cast.patient)
    client = verified_client(cast.other_clinician)
    for name in ("decision_detail", "decision_edit", "decision_review"):
        response = client.get(reverse(f"decisions:{name}", args=[cast.patient.pk, decision.pk]))
        assert response.status_code == 403
        assert cast.patient.family_name not in response.content.decode()


def test_the_clinician_sees_each_version_with_its_choice_in_words(cast, verified_client):
    decision = make_decision(clinician=cast.clinician, patient=cast.patient)
    client = verified_client(cast.clinician)
    client.post(
        reverse("decisions:decision_edit", args=[cast.patient.pk, decision.pk]),
        {"choice": "peritoneal-dialysis"},
    )
    page = client.get(
        reverse("decisions:decision_detail", args=[cast.patient.pk, decision.pk])
    ).content.decode()
    history = page[page.index('id="history-heading"') :]
    assert history.index("Peritoneal dialysis at home") < history.index("Not yet decided")

"""The patient's dashboard: who may open it, what it shows (trends with goal, target and
bands; a sentence; a data table), carer streams apart, and a bounded number of queries."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from coproduce.careplans import services
from coproduce.careplans.services import GoalInput
from coproduce.core.clock import now
from coproduce.core.models import AuditEvent
from coproduce.observations.services import observation_record
from coproduce.patients.selectors import patient_for_user
from tests import factories
from tests.factories_careplans import PHQ9_TOTAL, SYSTOLIC, weekly_history

pytestmark = pytest.mark.django_db


def url(patient, **query) -> str:
    base = reverse("careplans:dashboard", kwargs={"patient_id": patient.pk})
    return base + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def record(patient, code, value, *, days_ago, source="patient", actor=None):
    return observation_record(
        actor=actor,
        patient=patient,
        code=code,
        effective_at=now() - dt.timedelta(days=days_ago),
        source=source,
        quantity=value,
    )


@pytest.fixture
def phq9_patient(cast):
    """The cast's patient in the depression programme with three PHQ-9 totals."""
    programme = factories.load_programme("depression-anxiety")
    factories.make_enrolment(patient=cast.patient, programme=programme, days_ago=800)
    for value, days in ((17, 700), (11, 20), (8, 2)):
        record(cast.patient, PHQ9_TOTAL, value, days_ago=days)
    return cast.patient


def test_the_patient_sees_their_trend_with_sentence_target_bands_and_table(
    client, cast, phq9_patient
):
    client.force_login(cast.patient.user)

    response = client.get(url(phq9_patient))

    assert response.status_code == 200
    html = response.content.decode()
    assert 'role="img"' in html
    assert "<title id=" in html
    assert "Your PHQ-9 total score is 8 (mild)." in html
    assert "It went down 3 points since your last report on" in html
    assert "and 9 points since you started in" in html
    assert "Lower is better." in html
    # The clinical target of the programme (PHQ-9 below 5) is drawn and said in words.
    assert 'class="chart-target-line"' in html
    assert "Remission: PHQ-9 below 5" in html
    # Severity bands are shaded and named.
    assert 'class="chart-band-label"' in html
    assert ">mild</text>" in html
    # The data table is the accessible alternative.
    assert "<caption>" in html
    assert '<th scope="row">' in html


def test_the_period_changes_what_is_drawn_and_tabled(client, cast, phq9_patient):
    client.force_login(cast.patient.user)

    three_months = client.get(url(phq9_patient, period="3m")).content.decode()
    everything = client.get(url(phq9_patient, period="all")).content.decode()

    assert "2 values" in three_months
    assert "3 values" in everything
    assert re.search(r'value="3m" id="[^"]+" checked', three_months)


def test_an_unknown_period_falls_back_to_a_year(client, cast, phq9_patient):
    client.force_login(cast.patient.user)

    response = client.get(url(phq9_patient, period="forever"))

    assert response.status_code == 200


def test_a_goal_tied_to_a_measure_is_drawn_on_its_chart_with_the_patients_words(
    client, cast, phq9_patient
):
    access = patient_for_user(cast.patient.user, phq9_patient.pk)
    services.goal_create(
        access=access,
        goal_input=GoalInput(
            description="Feel like myself again by the summer",
            measure_code=PHQ9_TOTAL,
            direction="at_most",
            target_high=9,
        ),
    )
    client.force_login(cast.patient.user)

    html = client.get(url(phq9_patient)).content.decode()

    assert 'class="chart-goal-line"' in html
    assert "Goal: “Feel like myself again by the summer” (at most 9)" in html
    assert "Latest value: 8 on" in html
    assert "That meets the goal." in html


def test_carer_reports_are_a_separate_labelled_chart(client, cast, phq9_patient):
    record(phq9_patient, PHQ9_TOTAL, 14, days_ago=1, source="carer", actor=cast.carer)
    client.force_login(cast.carer)

    html = client.get(url(phq9_patient)).content.decode()

    assert "What a carer reported" in html
    own, carer = html.split("What a carer reported", 1)
    # The patient's own chart still ends at 8; the carer's 14 is only on the carer's chart.
    assert "Latest PHQ-9 total score: 8 (mild)." in own
    assert "14" not in re.sub(r"<svg.*?</svg>", "", own.split('id="own-heading"')[1], flags=re.S)
    assert "reported by a carer" in carer
    assert "Latest PHQ-9 total score: 14 (moderate)." in carer


def test_a_clinician_of_the_patient_sees_the_dashboard(verified_client, cast, phq9_patient):
    response = verified_client(cast.clinician).get(url(phq9_patient))

    assert response.status_code == 200
    assert "Latest PHQ-9 total score: 8 (mild)." in response.content.decode()


@pytest.mark.parametrize("who", ["other_clinician", "other_patient_user", "qi_lead"])
def test_people_without_access_get_403_and_no_data(verified_client, cast, phq9_patient, who):
    if who == "other_patient_user":
        user = factories.make_user(role="patient", network=cast.network)
    else:
        user = getattr(cast, who)

    response = verified_client(user).get(url(phq9_patient))

    assert response.status_code == 403
    assert "PHQ-9" not in response.content.decode()
    assert phq9_patient.family_name not in response.content.decode()


def test_a_patient_cannot_open_another_patients_dashboard(client, cast):
    client.force_login(cast.patient.user)

    response = client.get(url(cast.other_patient))

    assert response.status_code == 403


def test_a_carer_without_the_care_plan_scope_sees_trends_but_no_goals(client, cast, phq9_patient):
    client.force_login(cast.carer)  # the patient's grant: view_reports, report_for_patient

    html = client.get(url(phq9_patient)).content.decode()

    assert 'id="goals"' not in html
    assert "Propose a goal" not in html


def test_my_dashboard_sends_the_patient_to_their_own(client, cast):
    client.force_login(cast.patient.user)

    response = client.get(reverse("careplans:my_dashboard"))

    assert response.status_code == 302
    assert response.url == url(cast.patient)


def test_a_patient_without_values_is_told_what_will_appear(client, cast):
    client.force_login(cast.patient.user)

    html = client.get(url(cast.patient)).content.decode()

    assert "There are no scores or measurements yet." in html


def test_the_dashboard_read_is_audited_once_with_codes_only(client, cast, phq9_patient):
    client.force_login(cast.patient.user)
    before = AuditEvent.objects.count()

    client.get(url(phq9_patient))

    events = list(AuditEvent.objects.order_by("pk")[before:])
    dashboard_events = [e for e in events if e.purpose == "dashboard"]
    assert {e.entity_type for e in dashboard_events} == {"Patient", "Observation"}
    observation_event = next(e for e in dashboard_events if e.entity_type == "Observation")
    assert observation_event.detail["codes"] == [PHQ9_TOTAL]


def test_the_full_table_lists_every_value_of_the_period(client, cast, phq9_patient):
    client.force_login(cast.patient.user)
    table = reverse("careplans:series_table", kwargs={"patient_id": phq9_patient.pk})

    html = client.get(table, {"code": PHQ9_TOTAL, "period": "all"}).content.decode()

    assert html.count('<th scope="row">') == 3
    assert client.get(table, {"code": "loinc:0000-0"}).status_code == 404
    assert client.get(table).url == url(phq9_patient)  # no measure chosen: the dashboard


def test_ten_years_of_weekly_reports_render_in_at_most_ten_queries(
    client, cast, django_assert_max_num_queries
):
    """A patient with ten years of weekly reports (over 500 responses and 5,000
    measurements): the dashboard is one query for every series, whatever the period."""
    programme = factories.load_programme("hypertension")
    factories.make_enrolment(patient=cast.patient, programme=programme, days_ago=4000)
    definitions = {code: factories.load_instrument(code) for code in ("phq-9", "gad-7")}
    history = weekly_history(
        patient=cast.patient, author=cast.patient.user, carer=cast.carer, definitions=definitions
    )
    assert history.responses >= 500
    assert history.observations >= 5000
    access = patient_for_user(cast.patient.user, cast.patient.pk)
    services.goal_create(
        access=access,
        goal_input=GoalInput(
            description="Keep my blood pressure down",
            measure_code=SYSTOLIC,
            direction="at_most",
            target_high=135,
        ),
    )
    client.force_login(cast.patient.user)
    client.get(url(cast.patient))  # warm the per-process catalogue caches

    for period in ("3m", "1y", "5y", "all"):
        with django_assert_max_num_queries(10):
            response = client.get(url(cast.patient, period=period))
        assert response.status_code == 200
    html = response.content.decode()
    client.force_login(cast.carer)  # a carer's access check costs one query more
    with django_assert_max_num_queries(10):
        assert client.get(url(cast.patient)).status_code == 200
    assert "The line shows the shape of" in html  # long series are thinned for drawing
    assert "The table shows the newest 6 of" in html


def test_series_times_read_as_text_are_the_stored_times(cast):
    """The dashboard reads times as text for speed; they must be the very instants stored,
    on SQLite and on PostgreSQL (also with fractions of a second)."""
    from coproduce.careplans.selectors import series_all
    from coproduce.observations.models import Observation

    at = now().replace(microsecond=250000) - dt.timedelta(days=3)
    for offset, value in ((0, 9), (1, 7)):
        observation_record(
            actor=None,
            patient=cast.patient,
            code=PHQ9_TOTAL,
            effective_at=at + dt.timedelta(days=offset),
            source="patient",
            quantity=value,
        )
    access = patient_for_user(cast.patient.user, cast.patient.pk)

    (series,) = series_all(access)

    stored = list(
        Observation.objects.order_by("effective_at").values_list("effective_at", flat=True)
    )
    assert [p.at for p in series.values] == stored
    assert [p.value for p in series.since(at + dt.timedelta(hours=12))] == [7]

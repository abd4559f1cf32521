"""What the patient is told at once after a report: urgent help first (with crisis lines
and the unit's phone numbers), otherwise when the team will respond on the patient's own
clock, self-care advice for mild symptoms, and a calm sentence when nothing was raised."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from coproduce.alerts.models import Alert
from coproduce.alerts.patient_view import NO_PHONE, deadline_words, next_steps_for, with_call_links
from coproduce.core.models import AuditEvent
from coproduce.patients.selectors import patient_for_user
from coproduce.reporting.services import preferences_update
from tests import factories
from tests.factories_alerts_patient import (
    OUT_OF_HOURS_PHONE,
    UNIT_PHONE,
    send_phq9,
    send_symptoms,
    unit_phones,
)
from tests.factories_reporting import enrol, move_clock

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 11, 2, 10, 0, tzinfo=dt.UTC)  # Monday 2 November, 10:00 UTC
SEVERE = {"1": 3, "2": 3, "3": 3, "4": 3, "5": 3, "6": 3, "7": 2}  # total 20: high
JARGON = re.compile(r"\b(alert|severity|rule|urgent|threshold|escalat\w*)\b", re.IGNORECASE)


@pytest.fixture
def patient(monkeypatch):
    tree = factories.make_network()
    patient = factories.make_patient(tree=tree, with_login=True)
    move_clock(monkeypatch, START)
    return patient


def access_of(patient):
    return patient_for_user(patient.user, patient.pk)


def done_page(client, patient, response):
    client.force_login(patient.user)
    url = reverse(
        "questionnaires:done", kwargs={"patient_id": patient.pk, "response_id": response.pk}
    )
    page = client.get(url)
    assert page.status_code == 200
    return page.content.decode()


def visible_text(html: str) -> str:
    main = html[html.index("<main") :]
    return re.sub(r"<[^>]+>", " ", main)


def test_phq9_question_9_gives_urgent_help_first_with_crisis_lines(patient, client):
    enrol(patient, "depression-anxiety")
    unit_phones(patient.home_unit)
    response = send_phq9(patient, {**SEVERE, "9": 1})  # also severe: urgent still comes first
    steps = next_steps_for(access_of(patient), f"QuestionnaireResponse/{response.pk}")
    assert [help.advice.heading for help in steps.urgent] == ["Please get help now"]
    help = steps.urgent[0]
    assert "999" in "".join(p.text for p in help.emergency)
    lines = ["".join(p.text for p in line) for line in help.crisis_lines]
    assert any("Samaritans" in line and "116 123" in line for line in lines)
    assert {p.tel for line in help.crisis_lines for p in line if p.tel} >= {"116123", "111"}
    assert steps.wait is None  # what to do now, not when the team will call

    html = done_page(client, patient, response)
    box = html[html.index('role="alert"') :]
    assert html.index('role="alert"') < html.index("<h1>")  # at the very top
    assert 'href="tel:116123"' in box
    assert 'href="tel:999"' in box
    assert "Please get help now" in box
    assert not JARGON.search(visible_text(html))


def test_urgent_advice_is_filled_with_the_units_phone_numbers(patient):
    enrol(patient, "cancer-symptom-monitoring")
    unit_phones(patient.home_unit)
    response = send_symptoms(
        patient, {"pain-frequency": 4, "pain-severity": 4, "pain-interference": 4}
    )
    steps = next_steps_for(access_of(patient), f"QuestionnaireResponse/{response.pk}")
    advice = steps.urgent[0].advice
    assert advice.heading == "Call us now"
    assert UNIT_PHONE in advice.text
    assert OUT_OF_HOURS_PHONE in advice.text
    assert {p.tel for p in advice.parts if p.tel} == {"01632960123", "01632960999"}
    assert steps.urgent[0].crisis_lines == ()  # crisis lines only where the advice asks


def test_a_unit_without_phone_numbers_points_to_the_clinic_letter(patient):
    enrol(patient, "cancer-symptom-monitoring")
    response = send_symptoms(
        patient, {"pain-frequency": 4, "pain-severity": 4, "pain-interference": 4}
    )
    steps = next_steps_for(access_of(patient), f"QuestionnaireResponse/{response.pk}")
    text = steps.urgent[0].advice.text
    assert f"Please call {NO_PHONE} now" in text
    assert not any(p.tel for p in steps.urgent[0].advice.parts)


def test_otherwise_the_patient_is_told_when_the_team_will_respond_on_their_own_clock(
    patient, client
):
    enrol(patient, "depression-anxiety")
    unit_phones(patient.home_unit)  # the unit works on UTC, 08:00-18:00 Monday to Friday
    preferences_update(
        access=access_of(patient),
        time_zone="America/New_York",
        quiet_start=None,
        quiet_end=None,
        by_app=True,
        by_email=False,
        by_sms=False,
        reminder_cap=2,
    )
    response = send_phq9(patient, SEVERE)
    alert = Alert.objects.get(patient=patient, rule_id="severe-depression")
    # 24 office hours from Monday 10:00: Monday 8 h + Tuesday 10 h + Wednesday 6 h = 14:00 UTC
    assert alert.respond_by == dt.datetime(2026, 11, 4, 14, 0, tzinfo=dt.UTC)
    steps = next_steps_for(access_of(patient), f"QuestionnaireResponse/{response.pk}")
    assert steps.urgent == ()
    assert steps.wait.heading == "Your team will look at your report"
    # 14:00 UTC is 09:00 in New York (EST, UTC-5)
    assert "contact you by 09:00 on Wednesday 4 November" in steps.wait.text
    assert UNIT_PHONE in steps.wait.text

    html = done_page(client, patient, response)
    assert "09:00 on Wednesday 4 November" in html
    assert 'role="alert"' not in html
    assert not JARGON.search(visible_text(html))


def test_a_deadline_today_says_today(patient):
    enrol(patient, "cancer-symptom-monitoring")
    unit_phones(patient.home_unit)
    moderate = {"pain-frequency": 2, "pain-severity": 2, "pain-interference": 2}
    send_symptoms(patient, moderate)
    response = send_symptoms(patient, moderate)
    assert response.score["scores"]["pain"] == 2
    steps = next_steps_for(access_of(patient), f"QuestionnaireResponse/{response.pk}")
    # grade 2 twice in a row: the team responds within 8 office hours, by 18:00 today
    assert "by 18:00 today" in steps.wait.text


def test_nausea_grade_1_gives_self_care_advice_below_when_the_team_will_look(patient, client):
    enrol(patient, "cancer-symptom-monitoring")
    unit_phones(patient.home_unit)
    response = send_symptoms(patient, {"nausea-frequency": 1, "nausea-severity": 1})
    steps = next_steps_for(access_of(patient), f"QuestionnaireResponse/{response.pk}")
    assert steps.urgent == ()
    assert steps.wait is not None
    assert [piece.heading for piece in steps.self_care] == ["Feeling sick"]
    assert "small meals" in steps.self_care[0].text

    html = done_page(client, patient, response)
    assert html.index(steps.wait.heading) < html.index("Feeling sick")
    assert not JARGON.search(visible_text(html))


def test_a_report_that_needs_nothing_gets_a_calm_sentence_and_keeps_the_score(patient, client):
    enrol(patient, "depression-anxiety")
    response = send_phq9(patient, {"1": 1})
    steps = next_steps_for(access_of(patient), f"QuestionnaireResponse/{response.pk}")
    assert steps.calm
    html = done_page(client, patient, response)
    assert "Your care team will see this. They will look at your answers with you" in html
    assert "Your PHQ-9 total score is 1 out of 27" in html
    assert 'role="alert"' not in html


def test_reading_what_happens_next_is_audited(patient):
    enrol(patient, "depression-anxiety")
    response = send_phq9(patient, {"9": 2})
    next_steps_for(access_of(patient), f"QuestionnaireResponse/{response.pk}")
    event = AuditEvent.objects.filter(entity_type="Alert", purpose="what-happens-next").get()
    assert event.patient_id == patient.pk
    assert event.actor_id == patient.user_id


def test_another_patients_report_finds_nothing(patient):
    enrol(patient, "depression-anxiety")
    response = send_phq9(patient, {"9": 2})
    other = factories.make_patient(tree=factories.make_network(), with_login=True)
    steps = next_steps_for(access_of(other), f"QuestionnaireResponse/{response.pk}")
    assert steps.calm


def test_a_temperature_of_38_tells_a_cancer_patient_to_call_now(patient, client):
    enrol(patient, "cancer-symptom-monitoring")
    unit_phones(patient.home_unit)
    client.force_login(patient.user)
    list_url = reverse("observations:measurement_list", kwargs={"patient_id": patient.pk})
    sent = client.post(
        reverse("observations:measurement_add", kwargs={"patient_id": patient.pk}),
        {
            "kind": "temperature",
            "temperature": "38.6",
            "temperature_unit": "Cel",
            "effective_at": (START - dt.timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert sent.status_code == 302
    assert sent.headers["Location"].startswith(list_url + "?after=Observation")
    html = client.get(sent.headers["Location"]).content.decode()
    assert "Call us now: you may have an infection" in html
    assert 'href="tel:01632960123"' in html


def test_a_normal_temperature_goes_back_to_the_plain_list(patient, client):
    enrol(patient, "cancer-symptom-monitoring")
    client.force_login(patient.user)
    sent = client.post(
        reverse("observations:measurement_add", kwargs={"patient_id": patient.pk}),
        {
            "kind": "temperature",
            "temperature": "36.8",
            "temperature_unit": "Cel",
            "effective_at": (START - dt.timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert sent.headers["Location"] == reverse(
        "observations:measurement_list", kwargs={"patient_id": patient.pk}
    )


def test_a_made_up_report_in_the_address_shows_nothing_extra(patient, client):
    client.force_login(patient.user)
    url = reverse("observations:measurement_list", kwargs={"patient_id": patient.pk})
    for bad in ("QuestionnaireResponse/x", "missing/2026-01-01", "Observation/99999"):
        page = client.get(url, {"after": bad})
        assert page.status_code == 200
        assert 'role="alert"' not in page.content.decode()


# --- Messages about my reports ----------------------------------------------------------------


@pytest.fixture
def cast(monkeypatch):
    """The cast, made with the clock at START (carer grants start when they are made)."""
    move_clock(monkeypatch, START)
    return factories.make_cast()


def my_alerts(client, user, patient=None):
    client.force_login(user)
    if patient is None:
        return client.get(reverse("alerts:mine"))
    return client.get(reverse("alerts:for_patient", kwargs={"patient_id": patient.pk}))


def test_my_alerts_says_in_plain_words_what_the_team_will_do_or_did(cast, client, monkeypatch):
    from coproduce.alerts.handling import alert_acknowledge, alert_close

    enrol(cast.patient, "depression-anxiety")
    enrol(cast.patient, "cancer-symptom-monitoring")
    send_phq9(cast.patient, {"9": 1})  # Monday: self-harm thoughts, still open
    symptoms = send_symptoms(cast.patient, {"nausea-frequency": 1, "nausea-severity": 1})
    severe = send_phq9(cast.patient, SEVERE)
    del symptoms, severe
    nausea = Alert.objects.get(patient=cast.patient, rule_id="nausea-mild")
    severe_alert = Alert.objects.get(patient=cast.patient, rule_id="severe-depression")
    move_clock(monkeypatch, START + dt.timedelta(days=1))
    alert_close(user=cast.nurse, alert_id=nausea.pk, action="phoned")
    alert_close(
        user=cast.nurse,
        alert_id=severe_alert.pk,
        action="no-action",
        no_action_reason="Known low mood after bereavement, stable",
    )
    contact = send_phq9(cast.patient, {"1": 1}, contact=True)
    del contact
    wants = Alert.objects.get(
        patient=cast.patient, rule_id="wants-contact", programme_code="depression-anxiety"
    )
    alert_acknowledge(user=cast.nurse, alert_id=wants.pk)

    unit_phones(cast.patient.home_unit)
    page = my_alerts(client, cast.patient.user)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'href="tel:01632960123"' in html  # call the team when feeling worse
    text = visible_text(html)
    assert "Messages about my reports" in html
    assert "Your care team phoned you on 3 November." in text
    assert "looked at this on Tuesday 3 November and no change was needed." in text
    assert "bereavement" not in text  # the clinician's reason is not shown
    assert "Your care team has seen this" in text
    assert "Your care team will look at this by" in text
    assert "Your mood questionnaire (PHQ-9) from Monday 2 November" in text
    assert "Your symptom check from Monday 2 November" in text
    for word in ("Waiting for your care team", "Seen by your care team", "Done"):
        assert word in text  # a word for each state, never colour alone
    for title in Alert.objects.values_list("title", flat=True):
        assert title not in text
    assert not JARGON.search(text)


def test_my_alerts_shows_the_last_90_days(cast, client, monkeypatch):
    from coproduce.alerts.handling import alert_close

    enrol(cast.patient, "depression-anxiety")
    send_phq9(cast.patient, {"9": 1})
    move_clock(monkeypatch, START + dt.timedelta(days=91))
    text = visible_text(my_alerts(client, cast.patient.user).content.decode())
    assert "No messages." in text
    # Closed within the last 90 days: shown again, with what the team did.
    alert_close(user=cast.nurse, alert_id=Alert.objects.get().pk, action="appointment")
    move_clock(monkeypatch, START + dt.timedelta(days=100))
    text = visible_text(my_alerts(client, cast.patient.user).content.decode())
    assert "arranged an appointment for you" in text


def test_reading_my_alerts_is_audited(cast, client, monkeypatch):
    enrol(cast.patient, "depression-anxiety")
    send_phq9(cast.patient, {"9": 1})
    my_alerts(client, cast.patient.user)
    event = AuditEvent.objects.get(entity_type="Alert", purpose="my-alerts")
    assert event.patient_id == cast.patient.pk
    assert event.detail["alerts"] == list(
        Alert.objects.filter(patient=cast.patient).values_list("pk", flat=True)
    )


def test_a_carer_who_may_see_reports_sees_the_patients_messages(cast, client, monkeypatch):
    enrol(cast.patient, "depression-anxiety")
    send_phq9(cast.patient, {"9": 1})
    page = my_alerts(client, cast.carer, cast.patient)
    assert page.status_code == 200
    text = visible_text(page.content.decode())
    assert "The mood questionnaire (PHQ-9) from Monday 2 November" in text


def test_a_carer_without_the_view_scope_is_refused(cast, client):
    carer = factories.make_user(role="carer", network=cast.patient.home_unit.region.network)
    factories.make_carer_grant(
        patient=cast.patient,
        carer=carer,
        granted_by=cast.patient.user,
        scopes=frozenset({"report_for_patient"}),
    )
    assert my_alerts(client, carer, cast.patient).status_code == 403


@pytest.mark.parametrize("who", ["patient", "carer", "clinician"])
def test_another_patients_messages_are_refused(cast, client, verified_client, who):
    user = getattr(cast, who)
    user = user.user if who == "patient" else user
    if who == "clinician":
        verified_client(user)
        page = client.get(reverse("alerts:for_patient", kwargs={"patient_id": cast.patient.pk}))
    else:
        page = my_alerts(client, user, cast.other_patient)
    assert page.status_code == 403


def test_a_patient_without_a_record_gets_the_no_record_page(cast, client):
    user = factories.make_user(role="patient", network=cast.patient.home_unit.region.network)
    page = my_alerts(client, user)
    assert page.status_code == 200


def test_crisis_line_numbers_become_phone_links():
    parts = with_call_links("Samaritans: call 116 123, free, day or night.")
    assert [(p.text, p.tel) for p in parts] == [
        ("Samaritans: call ", ""),
        ("116 123", "116123"),
        (", free, day or night.", ""),
    ]


def test_deadlines_are_said_as_today_tomorrow_or_the_day():
    zone = ZoneInfo("Europe/London")
    monday = dt.datetime(2026, 11, 2, 10, 0, tzinfo=dt.UTC)
    assert deadline_words(monday.replace(hour=16), zone, monday) == "16:00 today"
    assert deadline_words(monday + dt.timedelta(days=1), zone, monday) == "10:00 tomorrow"
    assert (
        deadline_words(monday + dt.timedelta(days=2), zone, monday)
        == "10:00 on Wednesday 4 November"
    )


def test_a_dialysis_session_with_very_high_blood_pressure_says_when_the_team_will_call(
    patient, client
):
    enrol(patient, "kidney-dialysis")
    unit_phones(patient.home_unit)
    client.force_login(patient.user)
    started = START - dt.timedelta(hours=6)
    sent = client.post(
        reverse("observations:dialysis_session_add", kwargs={"patient_id": patient.pk}),
        {
            "submission_key": "form-key-1",
            "started_at": started.strftime("%Y-%m-%dT%H:%M"),
            "duration_hours": "4",
            "duration_minutes": "0",
            "weight_unit": "kg",
            "weight_before": "72.4",
            "weight_after": "70.3",
            "systolic_before": "186",
            "diastolic_before": "96",
            "systolic_after": "150",
            "diastolic_after": "88",
            "ultrafiltration": "2100",
            "ultrafiltration_unit": "mL",
            "problem_note": "",
        },
    )
    assert sent.status_code == 302
    list_url = reverse("observations:dialysis_session_list", kwargs={"patient_id": patient.pk})
    assert sent.headers["Location"].startswith(list_url + "?after=DialysisSession%2F")
    html = client.get(sent.headers["Location"]).content.decode()
    assert "Your team will look at your report" in html
    assert "contact you by 16:00 today" in html  # 8 office hours from 08:00 on Monday
    assert 'href="tel:01632960123"' in html
    assert not JARGON.search(visible_text(html))

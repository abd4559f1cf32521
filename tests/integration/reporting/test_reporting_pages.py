"""The reporting pages: "My reports" for a patient and for a carer per patient, "remind me
later", reminder preferences with errors next to the fields, and Messages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from coproduce.core.clock import now
from coproduce.patients.selectors import own_patient_access, patient_for_user
from coproduce.reporting import services
from coproduce.reporting.models import DueReport, Notification, ReportingPreference
from coproduce.reporting.selectors import reports_summary
from coproduce.reporting.windows import Window
from tests.factories_reporting import enrol

pytestmark = pytest.mark.django_db


def add(patient, code: str, opens: dt.timedelta, due: dt.timedelta, closes: dt.timedelta):
    enrolment = patient.enrolments.first() or enrol(patient)
    at = now()
    return services.due_report_add(
        actor=None,
        enrolment=enrolment,
        instrument_code=code,
        window=Window(at + opens, at + due, at + closes),
    )


DAY = dt.timedelta(days=1)


@pytest.fixture
def reports(cast):
    return {
        "due": add(cast.patient, "phq-9", -DAY, DAY, 3 * DAY),
        "overdue": add(cast.patient, "gad-7", -3 * DAY, -DAY, 2 * DAY),
        "upcoming": add(cast.patient, "phq-9", 5 * DAY, 7 * DAY, 10 * DAY),
        "missed": add(cast.patient, "gad-7", -12 * DAY, -10 * DAY, -8 * DAY),
    }


def test_my_reports_shows_each_state_in_plain_words(client, cast, reports):
    services.due_reports_refresh()  # marks the old one missed
    client.force_login(cast.patient.user)
    page = client.get(reverse("reporting:mine"))
    assert page.status_code == 200
    html = page.content.decode()
    for heading in ("To do now", "Late, but you can still do them", "Coming up", "Missed"):
        assert heading in html
    assert "Your weekly mood check" in html  # title from the programme's schedule
    assert "Mood questionnaire (PHQ-9)" in html  # a report added by hand: a plain title
    assert "Please fill it in by tomorrow at" in html
    assert "Remind me later" in html
    state = reports_summary(own_patient_access(cast.patient.user))
    # the programme's weekly schedule may add its own reports next to these
    due_now = {i.due_report_id: i for i in state.due_now}
    assert due_now[reports["due"].pk].due_words.startswith("tomorrow at")
    assert [i.due_report_id for i in state.overdue] == [reports["overdue"].pk]
    assert state.next_upcoming is not None
    assert state.next_upcoming.due_at <= reports["upcoming"].due_at


def test_start_link_appears_once_the_questionnaire_page_exists(client, cast, reports):
    from django.urls import NoReverseMatch

    from coproduce.reporting.selectors import start_url

    try:
        expected = reverse(
            "questionnaires:start",
            kwargs={"patient_id": cast.patient.pk, "instrument_code": "phq-9"},
        )
    except NoReverseMatch:
        expected = ""
    assert start_url(cast.patient.pk, "phq-9") == expected
    item = reports_summary(own_patient_access(cast.patient.user)).due_now[0]
    assert item.start_url == expected


def test_other_patients_reports_are_refused(client, verified_client, cast, reports):
    client.force_login(cast.patient.user)
    for name, kwargs in (
        ("reporting:reports", {"patient_id": cast.other_patient.pk}),
        ("reporting:preferences", {"patient_id": cast.other_patient.pk}),
        ("reporting:reports", {"patient_id": cast.child.pk}),
    ):
        assert client.get(reverse(name, kwargs=kwargs)).status_code == 403
    response = client.post(
        reverse(
            "reporting:snooze",
            kwargs={"patient_id": cast.other_patient.pk, "due_report_id": reports["due"].pk},
        ),
        {"hours": 3},
    )
    assert response.status_code == 403
    staff = verified_client(cast.clinician)
    assert staff.get(reverse("reporting:mine")).status_code == 403


def test_carer_sees_the_childs_reports_and_can_snooze(client, cast):
    report = add(cast.child, "phq-9", -DAY, DAY, 3 * DAY)
    client.force_login(cast.carer)
    url = reverse("reporting:reports", kwargs={"patient_id": cast.child.pk})
    page = client.get(url)
    assert page.status_code == 200
    assert "Reports for" in page.content.decode()
    response = client.post(
        reverse(
            "reporting:snooze", kwargs={"patient_id": cast.child.pk, "due_report_id": report.pk}
        ),
        {"hours": 24},
    )
    assert response.status_code == 302
    assert response["Location"] == url
    report.refresh_from_db()
    assert report.snoozed_until > now() + dt.timedelta(hours=23)
    # the carer sets reminders for the child, who has no login of their own
    prefs = reverse("reporting:preferences", kwargs={"patient_id": cast.child.pk})
    assert client.get(prefs).status_code == 200
    # but not for the adult patient, who decides for themself
    adult = reverse("reporting:preferences", kwargs={"patient_id": cast.patient.pk})
    assert client.get(adult).status_code == 403


def test_patient_snoozes_from_my_reports(client, cast, reports):
    client.force_login(cast.patient.user)
    url = reverse(
        "reporting:snooze",
        kwargs={"patient_id": cast.patient.pk, "due_report_id": reports["due"].pk},
    )
    response = client.post(url, {"hours": 3}, follow=True)
    assert "We will remind you again in 3 hours at the earliest." in response.content.decode()
    assert "No reminders until" in response.content.decode()
    bad = client.post(url, {"hours": 99}, follow=True)
    assert "Choose how long to wait." in bad.content.decode()
    child_report = add(cast.child, "phq-9", -DAY, DAY, 3 * DAY)
    foreign = reverse(
        "reporting:snooze", kwargs={"patient_id": cast.patient.pk, "due_report_id": child_report.pk}
    )
    assert client.post(foreign, {"hours": 3}).status_code == 404
    child_report.refresh_from_db()
    assert child_report.snoozed_until is None


def test_preferences_form_saves_and_shows_errors_by_the_fields(client, cast):
    client.force_login(cast.patient.user)
    url = reverse("reporting:preferences", kwargs={"patient_id": cast.patient.pk})
    page = client.get(url)
    assert page.status_code == 200
    bad = client.post(
        url,
        {
            "time_zone": "Mars/Olympus",
            "quiet_start": "21:00",
            "quiet_end": "",
            "channels": ["sms"],
            "reminder_cap": "2",
        },
    )
    assert bad.status_code == 400
    html = bad.content.decode()
    assert "There is a problem" in html
    assert "Choose a time zone from the list." in html
    assert 'id="id_time_zone_error"' in html
    assert not ReportingPreference.objects.exists()
    good = client.post(
        url,
        {
            "time_zone": "Europe/London",
            "quiet_start": "21:00",
            "quiet_end": "07:00",
            "channels": ["app", "email"],
            "reminder_cap": "2",
        },
    )
    assert good.status_code == 302
    row = ReportingPreference.objects.get(patient=cast.patient)
    assert (row.time_zone, row.quiet_end, row.reminder_cap) == ("Europe/London", dt.time(7), 2)


def test_preferences_service_errors_name_their_fields(cast):
    from django.core.exceptions import ValidationError

    access = own_patient_access(cast.patient.user)
    with pytest.raises(ValidationError) as caught:
        services.preferences_update(
            access=access,
            time_zone="UTC",
            quiet_start=dt.time(21),
            quiet_end=None,
            by_app=True,
            by_email=False,
            by_sms=True,
            reminder_cap=9,
        )
    assert set(caught.value.message_dict) == {"quiet_end", "reminder_cap", "channels"}


def test_messages_list_and_mark_as_read(client, cast):
    mine = services.notification_create(
        recipient=cast.patient.user, patient=cast.patient, text="Hello", link="/me/reports/"
    )
    theirs = services.notification_create(recipient=cast.carer, patient=cast.child, text="Hi")
    client.force_login(cast.patient.user)
    page = client.get(reverse("reporting:notifications"))
    assert "Hello" in page.content.decode()
    assert "Hi<" not in page.content.decode()
    # someone else's message cannot be marked
    other = client.post(
        reverse("reporting:notification_read", kwargs={"notification_id": theirs.pk})
    )
    assert other.status_code == 404
    assert Notification.objects.get(pk=theirs.pk).read_at is None
    opened = client.post(
        reverse("reporting:notification_read", kwargs={"notification_id": mine.pk}), {"open": "1"}
    )
    assert opened["Location"] == "/me/reports/"
    assert Notification.objects.get(pk=mine.pk).read_at is not None
    services.notification_create(recipient=cast.patient.user, patient=cast.patient, text="More")
    client.post(reverse("reporting:notifications_read_all"))
    assert not Notification.objects.filter(recipient=cast.patient.user, read_at=None).exists()


def test_reading_reports_is_audited(cast, reports):
    from coproduce.core.models import AuditEvent

    access = patient_for_user(cast.carer, cast.patient.pk)
    reports_summary(access)
    assert AuditEvent.objects.filter(
        actor=cast.carer, entity_type="DueReport", patient=cast.patient
    ).exists()
    assert DueReport.objects.filter(patient=cast.patient).count() == 4


def test_times_in_plain_words_on_the_patients_clock():
    from zoneinfo import ZoneInfo

    from coproduce.reporting.selectors import when_words

    sydney = ZoneInfo("Australia/Sydney")
    reference = dt.datetime(2026, 12, 1, 12, tzinfo=dt.UTC)  # 23:00 on 1 Dec in Sydney
    assert when_words(dt.datetime(2026, 12, 1, 12, 30, tzinfo=dt.UTC), sydney, reference) == (
        "today at 23:30"
    )
    assert when_words(dt.datetime(2026, 12, 1, 22, tzinfo=dt.UTC), sydney, reference) == (
        "tomorrow at 09:00"
    )
    assert when_words(dt.datetime(2026, 11, 29, 22, tzinfo=dt.UTC), sydney, reference) == (
        "yesterday at 09:00"
    )
    assert when_words(dt.datetime(2026, 12, 6, 22, tzinfo=dt.UTC), sydney, reference) == (
        "Monday 7 December at 09:00"
    )


def test_summary_partial_for_the_patient_home(cast, reports):
    from django.template.loader import render_to_string

    summary = reports_summary(own_patient_access(cast.patient.user))
    html = render_to_string(
        "reporting/_summary.html", {"summary": summary, "reports_link": reverse("reporting:mine")}
    )
    assert "Late:" in html
    assert "To do now:" in html
    assert "Next:" in html
    assert 'href="/me/reports/"' in html

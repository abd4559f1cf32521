"""Reminders of care-plan tasks due today: to the patient for their tasks and to the owning
carer for theirs, at most once per task occurrence and person however often the job runs,
not for what is already ticked off, not in quiet hours, in plain words without the task."""

import datetime as dt

from django.core import mail

from coproduce.core.clock import travelled_to
from coproduce.core.models import AuditEvent
from coproduce.reporting.models import Notification
from coproduce.tasks.models import TaskReminder
from coproduce.tasks.reminders import task_reminders_send
from tests.factories_tasks import planning_carer, task_made, ticked

# Noon today in the unit's zone (UTC): outside the default quiet hours. Today, so the cast's
# memberships and grants (made now) are in force at that time.
DAY = dt.datetime.now(dt.UTC).date()
NOON = dt.datetime.combine(DAY, dt.time(12), tzinfo=dt.UTC)


def made_at_noon(*args, **kwargs):
    with travelled_to(NOON - dt.timedelta(hours=3)):
        return task_made(*args, **kwargs)


def test_running_the_job_twice_reminds_each_owner_once(cast):
    carer = planning_carer(cast.patient)
    made_at_noon(
        cast.nurse,
        cast.patient,
        title="Weigh yourself before dialysis",
        frequency="daily",
        starts_on=DAY,
    )
    made_at_noon(
        cast.nurse,
        cast.patient,
        title="Pick up supplies",
        owner_kind="carer",
        owner_user_id=carer.pk,
        due_on=DAY,
    )
    made_at_noon(cast.nurse, cast.patient, title="Team review", owner_kind="team", due_on=DAY)
    made_at_noon(cast.nurse, cast.patient, title="Tomorrow", due_on=DAY + dt.timedelta(days=1))

    with travelled_to(NOON):
        first = task_reminders_send(at=NOON)
        second = task_reminders_send(at=NOON + dt.timedelta(minutes=15))

    assert (first, second) == (2, 0)
    assert TaskReminder.objects.count() == 2
    patient_note = Notification.objects.get(recipient=cast.patient.user)
    carer_note = Notification.objects.get(recipient=carer)
    assert patient_note.text == "You have a care-plan task to do today."
    assert patient_note.link == "/me/tasks/"
    assert carer_note.link == f"/patients/{cast.patient.pk}/tasks/"
    assert len(mail.outbox) == 2  # the default preferences include e-mail
    assert all("dialysis" not in m.body and "supplies" not in m.body for m in mail.outbox)
    assert not Notification.objects.filter(recipient__in=[cast.nurse, cast.clinician]).exists()
    assert AuditEvent.objects.filter(entity_type="TaskReminder").count() == 2


def test_a_task_already_ticked_off_today_is_not_reminded(cast):
    task = made_at_noon(cast.nurse, cast.patient, frequency="daily", starts_on=DAY)
    with travelled_to(NOON - dt.timedelta(hours=1)):
        ticked(cast.patient.user, task, DAY)

    with travelled_to(NOON):
        assert task_reminders_send(at=NOON) == 0
    assert not Notification.objects.exists()


def test_nothing_is_sent_in_quiet_hours_and_the_next_run_after_them_sends_it(cast):
    made_at_noon(cast.nurse, cast.patient, frequency="daily", starts_on=DAY)
    late = NOON + dt.timedelta(hours=10)  # 22:00; the default quiet hours are 21:00-08:00
    morning = NOON + dt.timedelta(hours=20, minutes=15)  # 08:15 the next day

    with travelled_to(late):
        assert task_reminders_send(at=late) == 0
    with travelled_to(morning):
        assert task_reminders_send(at=morning) == 1

    assert TaskReminder.objects.get().occurrence_on == DAY + dt.timedelta(days=1)


def test_a_weekly_task_is_reminded_only_on_its_days(cast):
    # Today and two and four days on (e.g. Monday, Wednesday, Friday): not tomorrow.
    days = tuple((DAY.weekday() + n) % 7 for n in (0, 2, 4))
    made_at_noon(cast.nurse, cast.patient, frequency="weekly", weekdays=days, starts_on=DAY)
    tuesday = NOON + dt.timedelta(days=1)

    with travelled_to(tuesday):
        assert task_reminders_send(at=tuesday) == 0
    with travelled_to(NOON):
        assert task_reminders_send(at=NOON) == 1

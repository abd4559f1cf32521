"""Reads of care-plan tasks: overdue counts for the panel, one patient's tasks with their
state in words, and what was done and missed between two dates (the pre-visit summary)."""

import datetime as dt

from coproduce.core.clock import travelled_to
from coproduce.core.models import AuditEvent
from coproduce.patients.selectors import patient_for_user
from coproduce.tasks import selectors, services
from tests import factories
from tests.factories_tasks import days_ago, patient_day, planning_carer, task_made, ticked


def test_overdue_task_counts_add_overdue_one_off_tasks_and_missed_occurrences(cast):
    patient, nurse = cast.patient, cast.nurse
    task_made(
        nurse, patient, made_days_ago=5, title="Book a blood test", due_on=patient_day(patient, -2)
    )
    done_late = task_made(
        nurse, patient, made_days_ago=5, title="Ring the unit", due_on=patient_day(patient, -1)
    )
    ticked(patient.user, done_late)
    task_made(nurse, patient, title="Due today", due_on=patient_day(patient))
    daily = task_made(
        nurse, patient, made_days_ago=10, frequency="daily", starts_on=patient_day(patient, -10)
    )
    for back in (10, 4, 1):
        ticked(patient.user, daily, patient_day(patient, -back), at_days_ago=back)
    # Three weeks of a daily task: only the last 14 days count, less today.
    other = task_made(
        cast.other_clinician,
        cast.other_patient,
        made_days_ago=21,
        owner_kind="team",
        frequency="daily",
        starts_on=patient_day(cast.other_patient, -21),
    )
    closed = task_made(
        nurse, patient, made_days_ago=5, title="Closed", due_on=patient_day(patient, -3)
    )
    services.task_close(
        access=patient_for_user(nurse, patient.pk), task=closed, reason="not_needed"
    )

    counts = selectors.overdue_task_counts(
        [patient.pk, cast.other_patient.pk, cast.child.pk], patient_day(patient)
    )

    # 1 overdue one-off + (10 days of the daily task - 3 ticked) = 8
    assert counts == {patient.pk: 8, cast.other_patient.pk: 14}
    assert other.pk  # the other patient's task is theirs alone


def test_overdue_task_counts_take_a_fixed_number_of_queries_for_many_patients(
    cast, django_assert_max_num_queries
):
    patients = [cast.patient, cast.child]
    for _number in range(6):
        patients.append(
            factories.make_patient(
                tree=cast.tree, unit=cast.tree.units[0], clinicians=(cast.nurse,)
            )
        )
    for index, patient in enumerate(patients):
        task_made(
            cast.nurse, patient, made_days_ago=6, owner_kind="team", due_on=patient_day(patient, -1)
        )
        task_made(
            cast.nurse,
            patient,
            made_days_ago=6,
            owner_kind="team",
            frequency="weekly",
            weekdays=(index % 7,),
            starts_on=patient_day(patient, -6),
        )
    ids = [p.pk for p in patients]

    with django_assert_max_num_queries(2):
        counts = selectors.overdue_task_counts(ids, patient_day(cast.patient))

    # Each patient: one overdue one-off task, and one missed weekly occurrence (six days ago
    # to yesterday holds every weekday once, except today's).
    today = patient_day(cast.patient)
    for index, patient in enumerate(patients):
        weekday_missed = 0 if index % 7 == today.weekday() else 1
        assert counts[patient.pk] == 1 + weekday_missed


def test_overdue_task_counts_ignore_ticks_on_days_a_changed_rule_no_has(cast):
    """A daily task ticked on two days, then changed to once a week on a third day that
    nobody ticked: that day is missed, whatever the number of older ticks."""
    patient, nurse = cast.patient, cast.nurse
    daily = task_made(
        nurse, patient, made_days_ago=6, frequency="daily", starts_on=patient_day(patient, -6)
    )
    for back in (5, 4):
        ticked(patient.user, daily, patient_day(patient, -back), at_days_ago=back)
    weekday = patient_day(patient, -2).weekday()
    services.task_edit(
        access=patient_for_user(nurse, patient.pk),
        task=daily,
        entry=services.TaskInput(
            title=daily.title,
            frequency="weekly",
            weekdays=(weekday,),
            starts_on=patient_day(patient, -6),
        ),
    )

    assert selectors.overdue_task_counts([patient.pk], patient_day(patient)) == {patient.pk: 1}


def test_overdue_task_counts_of_no_patients_is_empty_without_a_query(db, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert selectors.overdue_task_counts([], dt.date(2026, 12, 7)) == {}


def test_overdue_task_counts_accept_an_access_filtered_queryset(cast):
    from coproduce.patients.selectors import patients_visible_to

    task_made(cast.nurse, cast.patient, made_days_ago=3, due_on=patient_day(cast.patient, -1))
    task_made(
        cast.other_clinician,
        cast.other_patient,
        made_days_ago=3,
        due_on=patient_day(cast.other_patient, -1),
    )

    visible = patients_visible_to(cast.nurse).values("pk")
    counts = selectors.overdue_task_counts(visible, patient_day(cast.patient))

    assert counts == {cast.patient.pk: 1}


def test_tasks_for_shows_owners_in_words_overdue_first_and_the_linked_goal(cast):
    from coproduce.careplans.services import GoalInput, goal_create

    patient, nurse = cast.patient, cast.nurse
    carer = planning_carer(patient)
    goal = goal_create(
        access=patient_for_user(patient.user, patient.pk),
        goal_input=GoalInput(description="Keep my fluid weight gain low"),
    )
    task_made(nurse, patient, title="Weigh yourself", frequency="daily", goal_id=goal.pk)
    task_made(
        nurse,
        patient,
        title="Pick up supplies",
        owner_kind="carer",
        owner_user_id=carer.pk,
        due_on=patient_day(patient, 2),
    )
    task_made(
        nurse,
        patient,
        made_days_ago=4,
        title="Book transport",
        owner_kind="clinician",
        owner_user_id=nurse.pk,
        due_on=patient_day(patient, -1),
    )
    task_made(
        nurse, patient, title="Review the plan", owner_kind="team", due_on=patient_day(patient, 7)
    )

    views = selectors.tasks_for(patient_for_user(patient.user, patient.pk))

    assert [v.title for v in views] == [
        "Book transport",  # overdue first
        "Weigh yourself",  # due today
        "Pick up supplies",
        "Review the plan",
    ]
    by_title = {v.title: v for v in views}
    assert by_title["Book transport"].overdue
    assert by_title["Book transport"].state == "Due yesterday, not done yet"
    assert by_title["Book transport"].owner_label == f"{nurse.display_name} (care team)"
    assert by_title["Pick up supplies"].owner_label == f"{carer.display_name} (carer)"
    assert by_title["Pick up supplies"].state == "Due on " + patient_day(patient, 2).strftime(
        "%A %-d %B %Y"
    )
    assert by_title["Review the plan"].owner_label == "The care team"
    weigh = by_title["Weigh yourself"]
    assert weigh.owner_label == "You"
    assert weigh.goal_title == "Keep my fluid weight gain low"
    assert weigh.state == "Due today"
    assert weigh.tick_on == patient_day(patient)
    assert weigh.next_due == patient_day(patient)
    assert weigh.can_tick
    assert not weigh.done_today
    assert not by_title["Book transport"].can_tick  # a clinician's task

    carer_views = selectors.tasks_for(patient_for_user(carer, patient.pk))
    assert {v.title: v.owner_label for v in carer_views}["Pick up supplies"] == "You"
    assert {v.title: v.can_tick for v in carer_views} == {
        "Book transport": False,
        "Weigh yourself": True,
        "Pick up supplies": True,
        "Review the plan": False,
    }


def test_tasks_for_after_a_tick_says_done_today_and_moves_the_next_date_on(cast):
    patient = cast.patient
    task = task_made(cast.nurse, patient, frequency="daily")
    ticked(patient.user, task, patient_day(patient))

    (view,) = selectors.tasks_for(patient_for_user(patient.user, patient.pk))

    assert view.done_today
    assert view.done
    assert view.state == "Done today"
    assert view.next_due == patient_day(patient, 1)
    assert view.done_by == patient.user.display_name


def test_tasks_for_lists_missed_occurrences_of_a_repeated_task(cast):
    patient = cast.patient
    task = task_made(
        cast.nurse, patient, made_days_ago=3, frequency="daily", starts_on=patient_day(patient, -3)
    )
    ticked(patient.user, task, patient_day(patient, -2), at_days_ago=2)

    (view,) = selectors.tasks_for(patient_for_user(patient.user, patient.pk))

    assert view.overdue
    assert view.missed == (patient_day(patient, -3), patient_day(patient, -1))
    assert view.missed_words[0][1] == "Due yesterday, not done yet"


def test_tasks_for_is_empty_for_a_carer_without_the_care_plan_scope_and_audited(cast):
    task_made(cast.nurse, cast.patient, due_on=patient_day(cast.patient, 1))

    assert selectors.tasks_for(patient_for_user(cast.carer, cast.patient.pk)) == []
    views = selectors.tasks_for(patient_for_user(cast.nurse, cast.patient.pk))
    assert len(views) == 1
    event = AuditEvent.objects.filter(entity_type="Task", action="read", actor=cast.nurse).get()
    assert event.patient_id == cast.patient.pk
    assert event.detail == {"tasks": [views[0].pk]}


def test_tasks_for_leaves_closed_tasks_out_unless_asked(cast):
    access = patient_for_user(cast.nurse, cast.patient.pk)
    task = task_made(cast.nurse, cast.patient, due_on=patient_day(cast.patient, 1))
    services.task_close(access=access, task=task, reason="done")

    assert selectors.tasks_for(access) == []
    (view,) = selectors.tasks_for(access, include_closed=True)
    assert view.closed
    assert view.state == "Closed: done for good"
    assert view.next_due is None
    assert not view.can_tick


def test_task_summary_between_lists_done_and_missed_with_owner_and_date(cast):
    patient, nurse = cast.patient, cast.nurse
    carer = planning_carer(patient)
    weigh = task_made(
        nurse,
        patient,
        made_days_ago=6,
        title="Weigh yourself",
        frequency="daily",
        starts_on=patient_day(patient, -6),
    )
    ticked(patient.user, weigh, patient_day(patient, -6), at_days_ago=6)
    ticked(carer, weigh, patient_day(patient, -4), at_days_ago=3)
    supplies = task_made(
        nurse,
        patient,
        made_days_ago=6,
        title="Pick up supplies",
        owner_kind="carer",
        owner_user_id=carer.pk,
        due_on=patient_day(patient, -2),
    )
    ticked(carer, supplies, at_days_ago=3)
    task_made(
        nurse,
        patient,
        made_days_ago=6,
        title="Book transport",
        owner_kind="team",
        due_on=patient_day(patient, -3),
    )

    summary = selectors.task_summary_between(
        patient_for_user(nurse, patient.pk), patient_day(patient, -5), patient_day(patient)
    )

    name = patient.given_name
    assert [(d.title, d.owner_label, d.day) for d in summary.done] == [
        ("Weigh yourself", name, patient_day(patient, -4)),
        ("Pick up supplies", f"{carer.display_name} (carer)", patient_day(patient, -3)),
    ]
    assert [(d.title, d.owner_label, d.day) for d in summary.missed] == [
        ("Weigh yourself", name, patient_day(patient, -5)),
        ("Book transport", "The care team", patient_day(patient, -3)),
        ("Weigh yourself", name, patient_day(patient, -3)),
        ("Weigh yourself", name, patient_day(patient, -2)),
        ("Weigh yourself", name, patient_day(patient, -1)),
    ]
    assert AuditEvent.objects.filter(entity_type="Task", purpose="task-summary").count() == 1


def test_task_summary_between_stops_counting_misses_when_a_task_is_closed(cast):
    patient, nurse = cast.patient, cast.nurse
    task = task_made(
        nurse, patient, made_days_ago=6, frequency="daily", starts_on=patient_day(patient, -6)
    )
    with travelled_to(days_ago(3)):
        services.task_close(
            access=patient_for_user(nurse, patient.pk), task=task, reason="not_needed"
        )

    summary = selectors.task_summary_between(
        patient_for_user(nurse, patient.pk), patient_day(patient, -10), patient_day(patient)
    )

    assert [d.day for d in summary.missed] == [patient_day(patient, -n) for n in (6, 5, 4)]
    assert summary.done == ()


def test_task_summary_between_with_the_end_before_the_start_is_empty(cast):
    access = patient_for_user(cast.nurse, cast.patient.pk)

    summary = selectors.task_summary_between(
        access, patient_day(cast.patient), patient_day(cast.patient, -1)
    )

    assert summary == selectors.TaskSummary((), ())

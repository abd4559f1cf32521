"""The write path for care-plan tasks: create, edit with history and merge, close, tick off
and undo; who may do each; bad input named by field; the audit event in the same
transaction."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from coproduce.careplans.services import EditConflict, GoalInput, goal_create
from coproduce.core.models import AuditEvent
from coproduce.patients.selectors import patient_for_user
from coproduce.tasks import services
from coproduce.tasks.models import Task, TaskCompletion, TaskVersion
from coproduce.tasks.services import TaskInput
from tests import factories
from tests.factories_tasks import (
    completion_count,
    patient_day,
    planning_carer,
    task_made,
    ticked,
)


def access_of(user, patient):
    return patient_for_user(user, patient.pk)


def errors_of(error: ValidationError) -> dict:
    return {field: [str(m) for m in messages] for field, messages in error.message_dict.items()}


def test_a_clinician_creates_a_weekly_task_with_version_one_and_an_audit_without_its_words(cast):
    access = access_of(cast.nurse, cast.patient)
    start = patient_day(cast.patient)

    task = services.task_create(
        access=access,
        entry=TaskInput(
            title="  Weigh yourself   before dialysis ",
            frequency="weekly",
            weekdays=(4, 0, 2, 0),
            starts_on=start,
        ),
    )

    assert task.title == "Weigh yourself before dialysis"
    assert task.weekdays == "024"
    assert task.owner_kind == "patient"
    assert task.created_by == cast.nurse
    assert list(task.versions.values_list("version", "title")) == [
        (1, "Weigh yourself before dialysis")
    ]
    event = AuditEvent.objects.filter(entity_type="Task", action="create").get()
    assert event.patient_id == cast.patient.pk
    assert "Weigh" not in str(event.detail)


def test_a_weekly_task_without_days_falls_on_the_weekday_it_starts_and_monthly_on_its_day(cast):
    start = patient_day(cast.patient, 3)

    weekly = task_made(cast.nurse, cast.patient, frequency="weekly", starts_on=start)
    monthly = task_made(cast.nurse, cast.patient, frequency="monthly", starts_on=start)

    assert weekly.weekdays == str(start.weekday())
    assert monthly.month_day == start.day


@pytest.mark.parametrize(
    ("entry", "field", "message"),
    [
        (TaskInput(title=" ", due_on=None), "title", "Write what to do in a few words."),
        (TaskInput(title="x" * 201, due_on=None), "title", "Keep what to do to 200 characters"),
        (TaskInput(title="Ring"), "due_on", "Enter the date it is due by."),
        (TaskInput(title="Ring", frequency="yearly"), "frequency", "Choose how often"),
        (TaskInput(title="Ring", frequency="daily", interval=0), "interval", "from 1 to 52"),
        (TaskInput(title="Ring", frequency="monthly", month_day=32), "month_day", "1 to 31"),
        (TaskInput(title="Ring", owner_kind="carer"), "owner_user", "Choose which carer"),
        (TaskInput(title="Ring", owner_kind="boss"), "owner_kind", "Choose who does this task."),
    ],
)
def test_bad_input_is_named_by_field_and_saves_nothing(cast, entry, field, message):
    with pytest.raises(ValidationError) as error:
        services.task_create(access=access_of(cast.nurse, cast.patient), entry=entry)

    assert any(message in text for text in errors_of(error.value)[field])
    assert not Task.objects.exists()
    assert not AuditEvent.objects.filter(entity_type="Task").exists()


def test_dates_that_have_passed_are_refused_with_the_date_in_words(cast):
    access = access_of(cast.nurse, cast.patient)
    yesterday = patient_day(cast.patient, -1)

    with pytest.raises(ValidationError) as error:
        services.task_create(access=access, entry=TaskInput(title="Ring", due_on=yesterday))
    with pytest.raises(ValidationError) as repeated:
        services.task_create(
            access=access,
            entry=TaskInput(
                title="Ring",
                frequency="daily",
                starts_on=yesterday,
                ends_on=patient_day(cast.patient, -2),
            ),
        )

    assert errors_of(error.value)["due_on"][0].startswith("The date ")
    assert "has passed" in errors_of(repeated.value)["starts_on"][0]
    assert errors_of(repeated.value)["ends_on"] == [
        "The end date must be on or after the start date."
    ]


def test_a_carer_owner_needs_the_care_plan_scope_and_a_clinician_owner_the_care_team(cast):
    access = access_of(cast.nurse, cast.patient)
    day = patient_day(cast.patient, 1)

    with pytest.raises(ValidationError) as carer_error:
        services.task_create(
            access=access,
            entry=TaskInput(
                title="Ring", owner_kind="carer", owner_user_id=cast.carer.pk, due_on=day
            ),
        )
    with pytest.raises(ValidationError) as clinician_error:
        services.task_create(
            access=access,
            entry=TaskInput(
                title="Ring",
                owner_kind="clinician",
                owner_user_id=cast.other_clinician.pk,
                due_on=day,
            ),
        )
    carer = planning_carer(cast.patient)
    task = services.task_create(
        access=access,
        entry=TaskInput(title="Ring", owner_kind="carer", owner_user_id=carer.pk, due_on=day),
    )

    assert "not allowed to work on the care plan" in errors_of(carer_error.value)["owner_user"][0]
    assert "not on the care team" in errors_of(clinician_error.value)["owner_user"][0]
    assert task.owner_user == carer


def test_a_goal_of_another_patient_cannot_be_linked(cast):
    other_goal = goal_create(
        access=access_of(cast.other_clinician, cast.other_patient),
        goal_input=GoalInput(description="Walk more"),
    )

    with pytest.raises(ValidationError) as error:
        task_made(cast.nurse, cast.patient, goal_id=other_goal.pk, due_on=patient_day(cast.patient))

    assert errors_of(error.value) == {"goal": ["Choose one of this person's goals, or none."]}


@pytest.mark.parametrize("who", ["patient", "carer"])
def test_only_the_care_team_writes_tasks(cast, who):
    user = cast.patient.user if who == "patient" else planning_carer(cast.patient)

    with pytest.raises(PermissionDenied):
        services.task_create(
            access=access_of(user, cast.patient),
            entry=TaskInput(title="Ring", due_on=patient_day(cast.patient)),
        )


def test_an_edit_writes_a_new_version_and_an_unchanged_save_writes_none(cast):
    access = access_of(cast.nurse, cast.patient)
    task = task_made(cast.nurse, cast.patient, title="Ring", due_on=patient_day(cast.patient, 1))

    outcome = services.task_edit(
        access=access,
        task=task,
        entry=TaskInput(title="Ring the unit", due_on=patient_day(cast.patient, 1)),
        note="Clearer",
        base_version=1,
    )
    again = services.task_edit(
        access=access,
        task=outcome.task,
        entry=TaskInput(title="Ring the unit", due_on=patient_day(cast.patient, 1)),
        base_version=2,
    )

    assert outcome.task.version == again.task.version == 2
    assert list(TaskVersion.objects.filter(task=task).values_list("version", "title", "note")) == [
        (1, "Ring", ""),
        (2, "Ring the unit", "Clearer"),
    ]
    event = AuditEvent.objects.filter(entity_type="Task", action="update").get()
    assert event.detail["changed"] == ["title"]


def test_an_edit_from_an_old_version_is_merged_and_names_what_the_other_person_changed(cast):
    day = patient_day(cast.patient, 1)
    task = task_made(cast.nurse, cast.patient, title="Ring", due_on=day)
    services.task_edit(
        access=access_of(cast.clinician, cast.patient),
        task=task,
        entry=TaskInput(title="Ring", details="Ask for Sam", due_on=day),
        base_version=1,
    )

    outcome = services.task_edit(
        access=access_of(cast.nurse, cast.patient),
        task=task,
        entry=TaskInput(title="Ring the unit", due_on=day),
        base_version=1,
    )

    assert outcome.task.title == "Ring the unit"
    assert outcome.task.details == "Ask for Sam"  # the other person's change is kept
    assert [(m.part, m.changed_by) for m in outcome.merged] == [
        ("details", cast.clinician.display_name)
    ]


def test_a_conflicting_edit_saves_nothing_and_keeps_both_texts(cast):
    day = patient_day(cast.patient, 1)
    task = task_made(cast.nurse, cast.patient, title="Ring", due_on=day)
    services.task_edit(
        access=access_of(cast.clinician, cast.patient),
        task=task,
        entry=TaskInput(title="Ring the dialysis unit", due_on=day),
        base_version=1,
    )

    with pytest.raises(EditConflict) as error:
        services.task_edit(
            access=access_of(cast.nurse, cast.patient),
            task=task,
            entry=TaskInput(title="Phone the unit", due_on=day),
            base_version=1,
        )

    (conflict,) = error.value.conflicts
    assert (conflict.part, conflict.theirs, conflict.mine) == (
        "title",
        "Ring the dialysis unit",
        "Phone the unit",
    )
    assert conflict.changed_by == cast.clinician.display_name
    assert error.value.current_version == 2
    task.refresh_from_db()
    assert task.title == "Ring the dialysis unit"
    assert task.version == 2


def test_closing_records_who_and_why_and_a_closed_task_cannot_be_ticked_or_edited(cast):
    access = access_of(cast.nurse, cast.patient)
    task = task_made(cast.nurse, cast.patient, due_on=patient_day(cast.patient, 1))

    closed = services.task_close(access=access, task=task, reason="not_needed")
    services.task_close(access=access, task=task, reason="done")  # already closed: no change

    closed.refresh_from_db()
    assert (closed.closed_by, closed.close_reason) == (cast.nurse, "not_needed")
    assert AuditEvent.objects.filter(entity_type="Task", detail__closed="not_needed").count() == 1
    with pytest.raises(ValidationError):
        ticked(cast.patient.user, closed)
    with pytest.raises(ValidationError):
        services.task_edit(
            access=access, task=closed, entry=TaskInput(title="x", due_on=closed.due_on)
        )
    with pytest.raises(ValidationError):
        services.task_close(access=access, task=task, reason="maybe")


def test_a_double_tick_ticks_once_and_undo_keeps_the_row_with_an_audit(cast):
    task = task_made(cast.nurse, cast.patient, frequency="daily")
    today = patient_day(cast.patient)

    first = ticked(cast.patient.user, task, today)
    second = ticked(cast.patient.user, task, today)
    access = access_of(cast.patient.user, cast.patient)
    undone = services.task_untick(access=access, task=task, occurrence_on=today)
    nothing = services.task_untick(access=access, task=task, occurrence_on=today)

    assert first.pk == second.pk
    assert undone.pk == first.pk
    assert nothing is None
    row = TaskCompletion.objects.get()
    assert row.undone_by == cast.patient.user
    assert row.undone_at is not None
    assert completion_count(task) == 0
    events = AuditEvent.objects.filter(entity_type="TaskCompletion").order_by("pk")
    assert [e.action for e in events] == ["create", "delete"]

    again = ticked(cast.patient.user, task, today)
    assert again.pk == first.pk
    assert completion_count(task) == 1


def test_ticks_are_for_a_real_occurrence_not_in_the_future_nor_too_long_ago(cast):
    task = task_made(
        cast.nurse,
        cast.patient,
        made_days_ago=20,
        frequency="daily",
        interval=2,
        starts_on=patient_day(cast.patient, -20),
    )
    user = cast.patient.user

    for day, message in (
        (patient_day(cast.patient, 2), "on the day it is due"),
        (patient_day(cast.patient, -16), "more than 14 days ago"),
        (patient_day(cast.patient, -1), "not due on that day"),
        (None, "Choose the day you did it."),
    ):
        with pytest.raises(ValidationError) as error:
            ticked(user, task, day)
        assert message in errors_of(error.value)["occurrence"][0]
    assert ticked(user, task, patient_day(cast.patient, -2)).occurrence_on == patient_day(
        cast.patient, -2
    )


def test_a_one_off_task_can_be_ticked_early_against_its_due_date(cast):
    due = patient_day(cast.patient, 5)
    task = task_made(cast.nurse, cast.patient, due_on=due)

    completion = ticked(cast.patient.user, task)

    assert completion.occurrence_on == due
    with pytest.raises(ValidationError):
        ticked(cast.patient.user, task, patient_day(cast.patient))


def test_who_ticks_what(cast):
    carer = planning_carer(cast.patient)
    day = patient_day(cast.patient, 1)
    own = task_made(cast.nurse, cast.patient, due_on=day)
    carers = task_made(
        cast.nurse, cast.patient, owner_kind="carer", owner_user_id=carer.pk, due_on=day
    )
    nurses = task_made(
        cast.nurse, cast.patient, owner_kind="clinician", owner_user_id=cast.nurse.pk, due_on=day
    )
    teams = task_made(cast.nurse, cast.patient, owner_kind="team", due_on=day)
    other_carer = planning_carer(cast.patient)

    def may(user, task):
        return services.may_tick(access_of(user, cast.patient), task)

    assert [may(cast.patient.user, t) for t in (own, carers, nurses, teams)] == [
        True,
        False,
        False,
        False,
    ]
    assert [may(carer, t) for t in (own, carers, nurses, teams)] == [True, True, False, False]
    assert [may(other_carer, t) for t in (own, carers, nurses, teams)] == [
        True,
        False,
        False,
        False,
    ]
    assert [may(cast.carer, t) for t in (own, carers, nurses, teams)] == [False] * 4  # no scope
    assert [may(cast.clinician, t) for t in (own, carers, nurses, teams)] == [
        False,
        False,
        True,
        True,
    ]
    with pytest.raises(PermissionDenied):
        ticked(cast.carer, own)
    with pytest.raises(PermissionDenied):
        ticked(cast.patient.user, carers)
    assert ticked(carer, own).done_by_role == "carer"


def test_a_tick_for_another_patients_task_is_denied(cast):
    task = task_made(
        cast.other_clinician,
        cast.other_patient,
        owner_kind="team",
        due_on=patient_day(cast.other_patient, 1),
    )

    with pytest.raises(PermissionDenied):
        services.task_tick(access=access_of(cast.clinician, cast.patient), task=task)
    assert not TaskCompletion.objects.exists()


def test_a_second_network_clinician_cannot_tick(cast):
    other = factories.make_cast()
    task = task_made(
        cast.nurse, cast.patient, owner_kind="team", due_on=patient_day(cast.patient, 1)
    )

    with pytest.raises(PermissionDenied):
        ticked(other.clinician, task)


def test_the_audit_event_rolls_back_with_the_task_and_the_tick(cast):
    """Each write and its audit event share one transaction: both stay or both go."""

    def write_then_fail():
        with transaction.atomic():
            task = task_made(cast.nurse, cast.patient, frequency="daily")
            ticked(cast.patient.user, task, patient_day(cast.patient))
            assert (
                AuditEvent.objects.filter(entity_type__in=["Task", "TaskCompletion"]).count() == 2
            )
            raise RuntimeError("the browser tab was closed")

    with pytest.raises(RuntimeError):
        write_then_fail()
    assert not Task.objects.exists()
    assert not TaskVersion.objects.exists()
    assert not TaskCompletion.objects.exists()
    assert not AuditEvent.objects.filter(entity_type__in=["Task", "TaskCompletion"]).exists()

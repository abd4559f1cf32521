"""Task pages for each role: the patient's My tasks with tick-off and undo (a plain form POST
and an htmx fragment), the carer's view with and without the care-plan scope, and the
clinician's list, add, change (merge and conflict), history and close."""

import re

from django.urls import reverse

from coproduce.patients.selectors import patient_for_user
from coproduce.tasks import services
from coproduce.tasks.models import Task, TaskCompletion
from coproduce.tasks.services import TaskInput
from tests.factories_tasks import completion_count, patient_day, planning_carer, task_made


def tick_url(task, name="task_tick"):
    return reverse(f"tasks:{name}", kwargs={"patient_id": task.patient_id, "task_id": task.pk})


def test_my_tasks_lists_overdue_first_in_plain_words_and_is_in_the_patient_nav(client, cast):
    task_made(cast.nurse, cast.patient, title="Weigh yourself", frequency="daily")
    task_made(
        cast.nurse,
        cast.patient,
        made_days_ago=3,
        title="Book your transport",
        due_on=patient_day(cast.patient, -1),
    )
    task_made(
        cast.nurse,
        cast.patient,
        title="Team review",
        owner_kind="team",
        due_on=patient_day(cast.patient, 5),
    )
    client.force_login(cast.patient.user)

    page = client.get(reverse("tasks:mine")).content.decode()

    assert f'href="{reverse("tasks:mine")}" aria-current="page"' in page
    assert (
        page.index("Book your transport") < page.index("Weigh yourself") < page.index("Team review")
    )
    assert "Due yesterday, not done yet" in page
    assert "What your carers and care team do" in page
    assert page.count('class="task-button"') == 2  # the team's task has no button for the patient


def test_the_patient_ticks_off_without_javascript_and_undoes_it(client, cast):
    task = task_made(cast.nurse, cast.patient, frequency="daily")
    client.force_login(cast.patient.user)
    today = patient_day(cast.patient).isoformat()

    response = client.post(tick_url(task), {"occurrence": today})
    client.post(tick_url(task), {"occurrence": today})  # a double click

    assert response.status_code == 302
    assert response["Location"] == reverse("tasks:mine") + f"#task-{task.pk}"
    assert completion_count(task) == 1
    page = client.get(reverse("tasks:mine")).content.decode()
    assert "Done today" in page
    assert "Undo" in page

    client.post(tick_url(task, "task_untick"), {"occurrence": today})

    assert completion_count(task) == 0
    assert TaskCompletion.objects.filter(task=task, undone_at__isnull=False).count() == 1


def test_with_htmx_a_tick_returns_the_card_and_a_status_message(client, cast):
    task = task_made(cast.nurse, cast.patient, title="Weigh yourself", frequency="daily")
    client.force_login(cast.patient.user)

    response = client.post(
        tick_url(task),
        {"occurrence": patient_day(cast.patient).isoformat()},
        HTTP_HX_REQUEST="true",
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert f'id="task-{task.pk}"' in body
    assert f'id="task-{task.pk}-button"' in body  # the same id, so focus stays on the button
    assert "Undo" in body
    assert "Done: “Weigh yourself” is ticked off." in body
    assert 'hx-swap-oob="true"' in body


def test_a_tick_on_a_day_the_task_is_not_due_says_why_and_saves_nothing(client, cast):
    task = task_made(cast.nurse, cast.patient, frequency="daily")
    client.force_login(cast.patient.user)

    response = client.post(
        tick_url(task),
        {"occurrence": patient_day(cast.patient, 3).isoformat()},
        HTTP_HX_REQUEST="true",
    )

    assert "You can tick this off on the day it is due." in response.content.decode()
    assert completion_count(task) == 0


def test_a_carer_with_the_care_plan_scope_sees_and_ticks_their_tasks_and_the_patients(client, cast):
    carer = planning_carer(cast.patient)
    own = task_made(
        cast.nurse, cast.patient, title="Patient task", due_on=patient_day(cast.patient)
    )
    theirs = task_made(
        cast.nurse,
        cast.patient,
        title="Carer task",
        owner_kind="carer",
        owner_user_id=carer.pk,
        due_on=patient_day(cast.patient),
    )
    team = task_made(
        cast.nurse,
        cast.patient,
        title="Team task",
        owner_kind="team",
        due_on=patient_day(cast.patient),
    )
    client.force_login(carer)

    page = client.get(reverse("tasks:task_list", kwargs={"patient_id": cast.patient.pk}))
    for task in (own, theirs):
        client.post(tick_url(task))
    denied = client.post(tick_url(team))

    body = page.content.decode()
    assert page.status_code == 200
    assert "Carer task" in body
    assert "Patient task" in body
    assert "Team task" in body  # shown, under other people's tasks
    assert (completion_count(own), completion_count(theirs), completion_count(team)) == (1, 1, 0)
    assert denied.status_code == 403
    carer_page = client.get(
        reverse("patients:carer_patient", kwargs={"patient_id": cast.patient.pk})
    )
    assert (
        reverse("tasks:task_list", kwargs={"patient_id": cast.patient.pk})
        in carer_page.content.decode()
    )


def test_a_carer_without_the_care_plan_scope_gets_the_same_denial_as_the_care_plan(client, cast):
    task = task_made(
        cast.nurse, cast.patient, title="Secret task", due_on=patient_day(cast.patient)
    )
    client.force_login(cast.carer)

    tasks_page = client.get(reverse("tasks:task_list", kwargs={"patient_id": cast.patient.pk}))
    plan_page = client.get(reverse("careplans:care_plan", kwargs={"patient_id": cast.patient.pk}))
    tick = client.post(tick_url(task))

    assert tasks_page.status_code == plan_page.status_code == 403
    assert "Secret task" not in tasks_page.content.decode()
    assert tick.status_code == 403
    assert completion_count(task) == 0


def test_a_clinician_adds_a_task_and_bad_input_is_shown_next_to_the_field(verified_client, cast):
    client = verified_client(cast.nurse)
    url = reverse("tasks:task_create", kwargs={"patient_id": cast.patient.pk})

    bad = client.post(url, {"title": "", "owner_kind": "carer", "frequency": "once"})
    good = client.post(
        url,
        {
            "title": "Weigh yourself",
            "owner_kind": "patient",
            "frequency": "weekly",
            "interval": "1",
            "weekdays": ["0", "2", "4"],
        },
    )

    body = bad.content.decode()
    assert bad.status_code == 200
    assert 'href="#id_title"' in body
    assert "Choose which carer does this task." in body
    assert "Enter the date it is due by." in body
    assert good.status_code == 302
    task = Task.objects.get()
    assert (task.title, task.weekdays, task.starts_on) == (
        "Weigh yourself",
        "024",
        patient_day(cast.patient),
    )
    detail = verified_client(cast.nurse).get(
        reverse("patients:patient_detail", kwargs={"patient_id": cast.patient.pk})
    )
    assert (
        reverse("tasks:task_list", kwargs={"patient_id": cast.patient.pk})
        in detail.content.decode()
    )


def edit_post(task, **changes):
    data = {
        "title": task.title,
        "details": task.details,
        "owner_kind": task.owner_kind,
        "frequency": task.frequency,
        "due_on": task.due_on.isoformat() if task.due_on else "",
        "interval": "1",
        "base_version": str(task.version),
    }
    data.update(changes)
    return data


def test_a_second_editor_sees_their_text_kept_and_what_the_other_changed(verified_client, cast):
    day = patient_day(cast.patient, 2)
    task = task_made(cast.nurse, cast.patient, title="Ring the unit", due_on=day)
    services.task_edit(
        access=patient_for_user(cast.clinician, cast.patient.pk),
        task=task,
        entry=TaskInput(title="Ring the dialysis unit", due_on=day),
        base_version=1,
    )
    client = verified_client(cast.nurse)
    url = reverse("tasks:task_edit", kwargs={"patient_id": cast.patient.pk, "task_id": task.pk})

    response = client.post(url, edit_post(task, title="Phone the unit"))

    body = response.content.decode()
    assert response.status_code == 200
    assert "Someone else changed this task while you were editing" in body
    assert "Ring the dialysis unit" in body  # theirs
    assert 'value="Phone the unit"' in body  # mine, still in the form
    assert 'name="base_version" value="2"' in body
    task.refresh_from_db()
    assert task.title == "Ring the dialysis unit"

    saved = client.post(url, edit_post(task, title="Phone the dialysis unit"))

    assert saved.status_code == 302
    task.refresh_from_db()
    assert (task.title, task.version) == ("Phone the dialysis unit", 3)


def test_taking_their_version_fills_the_form_and_saves_nothing(verified_client, cast):
    day = patient_day(cast.patient, 2)
    task = task_made(cast.nurse, cast.patient, title="Ring the unit", due_on=day)
    services.task_edit(
        access=patient_for_user(cast.clinician, cast.patient.pk),
        task=task,
        entry=TaskInput(title="Ring the dialysis unit", due_on=day),
        base_version=1,
    )
    client = verified_client(cast.nurse)
    url = reverse("tasks:task_edit", kwargs={"patient_id": cast.patient.pk, "task_id": task.pk})

    response = client.post(
        url, {**edit_post(task, title="Phone the unit"), "take": "title", "conflict": "title"}
    )

    assert 'value="Ring the dialysis unit"' in response.content.decode()
    task.refresh_from_db()
    assert task.version == 2


def test_history_lists_every_version_and_closing_moves_the_task_to_closed(verified_client, cast):
    day = patient_day(cast.patient, 2)
    task = task_made(cast.nurse, cast.patient, title="Ring the unit", due_on=day)
    client = verified_client(cast.nurse)
    client.post(
        reverse("tasks:task_edit", kwargs={"patient_id": cast.patient.pk, "task_id": task.pk}),
        edit_post(task, title="Ring the dialysis unit", note="Which unit"),
    )

    history = client.get(
        reverse("tasks:task_history", kwargs={"patient_id": cast.patient.pk, "task_id": task.pk})
    )
    closed = client.post(
        reverse("tasks:task_close", kwargs={"patient_id": cast.patient.pk, "task_id": task.pk}),
        {"reason": "done"},
    )

    body = history.content.decode()
    assert body.index("Ring the dialysis unit") < body.index("Ring the unit<")
    assert "Which unit" in body
    assert closed.status_code == 302
    page = client.get(
        reverse("tasks:task_list", kwargs={"patient_id": cast.patient.pk})
    ).content.decode()
    assert "Closed tasks" in page
    assert "Closed: done for good" in page


def test_the_plan_fragment_shows_tasks_with_owner_and_state(cast, rf):
    from django.template.loader import render_to_string

    from coproduce.tasks.selectors import tasks_for

    task_made(cast.nurse, cast.patient, title="Weigh yourself", frequency="daily")
    views = tasks_for(patient_for_user(cast.nurse, cast.patient.pk))

    html = render_to_string("tasks/_plan_tasks.html", {"tasks": views, "patient": cast.patient})

    assert "Weigh yourself" in html
    assert cast.patient.given_name in html
    assert "Due today" in html
    assert reverse("tasks:task_list", kwargs={"patient_id": cast.patient.pk}) in html


def test_the_edit_form_of_a_weekly_task_shows_its_days_and_goal_chosen(verified_client, cast):
    from coproduce.careplans.services import GoalInput, goal_create

    goal = goal_create(
        access=patient_for_user(cast.patient.user, cast.patient.pk),
        goal_input=GoalInput(description="Keep my fluid gain low"),
    )
    task = task_made(cast.nurse, cast.patient, frequency="weekly", weekdays=(0, 3), goal_id=goal.pk)
    client = verified_client(cast.nurse)

    page = client.get(
        reverse("tasks:task_edit", kwargs={"patient_id": cast.patient.pk, "task_id": task.pk})
    ).content.decode()

    assert 'name="weekdays" value="0" id="id_weekdays_0" checked' in page
    assert 'name="weekdays" value="3" id="id_weekdays_3" checked' in page
    assert 'name="weekdays" value="1" id="id_weekdays_1" checked' not in page
    assert f'<option value="{goal.pk}" selected>Keep my fluid gain low</option>' in page
    assert re.search(r'<input type="radio" name="frequency" value="weekly"[^>]* checked', page)

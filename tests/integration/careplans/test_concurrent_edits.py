"""Two people editing one goal or compromise at once (issue 6, item 7): the second save is
told exactly what changed and can merge; a conflict saves nothing and keeps both texts."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections
from django.urls import reverse

from coproduce.careplans import services
from coproduce.careplans.models import Goal, GoalCompromiseVersion, GoalVersion
from coproduce.careplans.services import CompromiseInput, EditConflict, GoalInput
from coproduce.patients.selectors import patient_for_user
from tests.factories_careplans import compromise_create

pytestmark = pytest.mark.django_db


def patient_access(cast):
    return patient_for_user(cast.patient.user, cast.patient.pk)


def walking_goal(cast) -> Goal:
    return services.goal_create(
        access=patient_access(cast), goal_input=GoalInput(description="Walk to the shops")
    )


def edit(cast, goal, description, *, base, target_date=None, user=None):
    return services.goal_edit(
        access=patient_for_user(user or cast.patient.user, cast.patient.pk),
        goal=goal,
        goal_input=GoalInput(description=description, target_date=target_date),
        base_version=base,
    )


def test_two_saves_from_one_base_first_wins_second_gets_both_texts(cast):
    goal = walking_goal(cast)

    edit(cast, goal, "Walk to the shops and back", base=1)
    with pytest.raises(EditConflict) as raised:
        edit(cast, goal, "Walk to the park without stopping", base=1)

    (conflict,) = raised.value.conflicts
    assert conflict.part == "description"
    assert conflict.theirs == "Walk to the shops and back"
    assert conflict.mine == "Walk to the park without stopping"
    assert conflict.changed_by == cast.patient.user.display_name
    assert raised.value.current_version == 2
    assert list(GoalVersion.objects.filter(goal=goal).values_list("version", flat=True)) == [1, 2]
    assert Goal.objects.get(pk=goal.pk).description == "Walk to the shops and back"


def test_after_a_conflict_the_next_save_from_the_current_version_goes_through(cast):
    goal = walking_goal(cast)
    edit(cast, goal, "Walk to the shops and back", base=1)

    outcome = edit(cast, goal, "Walk to the park without stopping", base=2)

    assert outcome.record.version == 3
    assert outcome.record.description == "Walk to the park without stopping"


def test_a_clean_merge_keeps_both_changes_and_names_what_the_other_person_changed(cast):
    goal = walking_goal(cast)
    soon = services.patient_today(patient_access(cast)).replace(year=2099)
    edit(cast, goal, "Walk to the shops", base=1, target_date=soon)

    outcome = edit(cast, goal, "Walk to the shops and back", base=1)

    saved = Goal.objects.get(pk=goal.pk)
    assert (saved.description, saved.target_date, saved.version) == (
        "Walk to the shops and back",
        soon,
        3,
    )
    (taken,) = outcome.merged
    assert (taken.part, taken.theirs, taken.changed_by) == (
        "target_date",
        soon,
        cast.patient.user.display_name,
    )


def test_a_compromise_edited_twice_from_one_base_keeps_both_texts(cast):
    made = compromise_create(clinician=cast.clinician, patient=cast.patient)
    access = patient_for_user(cast.clinician, cast.patient.pk)
    nurse = patient_for_user(cast.nurse, cast.patient.pk)
    entry = {"agreed_high": 140, "agreed_by_patient": True, "agreed_on": made.agreed_on}

    services.compromise_edit(
        access=nurse,
        compromise=made,
        entry=CompromiseInput(wording="Aim for 140, review in spring", **entry),
        base_version=1,
    )
    with pytest.raises(EditConflict) as raised:
        services.compromise_edit(
            access=access,
            compromise=made,
            entry=CompromiseInput(wording="Aim for 140 while the dizziness lasts", **entry),
            base_version=1,
        )

    (conflict,) = raised.value.conflicts
    assert conflict.theirs == "Aim for 140, review in spring"
    assert conflict.mine == "Aim for 140 while the dizziness lasts"
    assert conflict.changed_by == cast.nurse.display_name
    assert GoalCompromiseVersion.objects.filter(compromise=made).count() == 2


def edit_url(goal) -> str:
    return reverse(
        "careplans:goal_edit", kwargs={"patient_id": goal.patient_id, "goal_id": goal.pk}
    )


def form_data(description, base, **extra):
    return {"description": description, "status": "active", "base_version": base, **extra}


def test_the_conflict_page_keeps_my_text_shows_theirs_and_takes_it_on_request(client, cast):
    goal = walking_goal(cast)
    edit(cast, goal, "Walk to the shops and back", base=1)
    client.force_login(cast.patient.user)

    response = client.post(edit_url(goal), form_data("Walk to the park", 1))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Someone else changed this while you were editing" in html
    assert ">\nWalk to the park</textarea>" in html  # my text, still in the box
    assert '<blockquote class="their-version">Walk to the shops and back</blockquote>' in html
    assert 'name="take" value="description"' in html
    assert 'name="base_version" value="2"' in html
    assert Goal.objects.get(pk=goal.pk).version == 2  # nothing saved

    taken = client.post(edit_url(goal), {**form_data("Walk to the park", 2), "take": "description"})
    assert ">\nWalk to the shops and back</textarea>" in taken.content.decode()
    assert Goal.objects.get(pk=goal.pk).version == 2  # taking saves nothing either

    saved = client.post(edit_url(goal), form_data("Walk to the shops and back, twice", 2))
    assert saved.status_code == 302
    assert Goal.objects.get(pk=goal.pk).description == "Walk to the shops and back, twice"


def test_a_clean_merge_tells_the_person_what_the_other_changed(client, cast):
    goal = walking_goal(cast)
    edit(cast, goal, "Walk to the shops", base=1, target_date=None)
    services.goal_edit(
        access=patient_access(cast),
        goal=goal,
        goal_input=GoalInput(description="Walk to the shops"),
        status="achieved",
        base_version=1,
    )
    client.force_login(cast.patient.user)

    response = client.post(edit_url(goal), form_data("Walk to the shops and back", 1), follow=True)

    html = response.content.decode()
    assert "Your changes were saved." in html
    assert f"Meanwhile {cast.patient.user.display_name} changed how it is going" in html
    saved = Goal.objects.get(pk=goal.pk)
    assert (saved.description, saved.status) == ("Walk to the shops and back", "achieved")


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_two_threads_saving_at_once_write_one_version_each_and_lose_no_text(cast):
    """Two people save different parts of one goal from the same base at the same moment:
    the row lock makes one wait, its save merges, and both changes are kept."""
    goal = walking_goal(cast)
    start = threading.Barrier(2)
    outcomes, errors = [], []
    soon = services.patient_today(patient_access(cast)).replace(year=2099)

    def save(description, target_date):
        try:
            start.wait()
            outcomes.append(edit(cast, goal, description, base=1, target_date=target_date))
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=save, args=("Walk to the shops and back", None)),
        threading.Thread(target=save, args=("Walk to the shops", soon)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    versions = list(GoalVersion.objects.filter(goal=goal).order_by("version"))
    assert [v.version for v in versions] == [1, 2, 3]
    saved = Goal.objects.get(pk=goal.pk)
    assert (saved.description, saved.target_date) == ("Walk to the shops and back", soon)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_two_threads_changing_the_same_words_give_one_save_and_one_conflict(cast):
    goal = walking_goal(cast)
    start = threading.Barrier(2)
    saved, conflicts = [], []

    def save(description):
        try:
            start.wait()
            saved.append(edit(cast, goal, description, base=1))
        except EditConflict as conflict:
            conflicts.append(conflict)
        finally:
            connections.close_all()

    texts = ("Walk to the park", "Walk to the river")
    threads = [threading.Thread(target=save, args=(text,)) for text in texts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(saved) == 1
    assert len(conflicts) == 1
    (part,) = conflicts[0].conflicts
    assert {part.theirs, part.mine} == set(texts)
    assert GoalVersion.objects.filter(goal=goal).count() == 2

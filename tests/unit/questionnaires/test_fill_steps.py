"""Screens of a questionnaire: numbering, skipping hidden questions, where to resume."""

from __future__ import annotations

from coproduce.questionnaires.form import Condition, FormItem, Option, QuestionnaireForm
from coproduce.questionnaires.steps import (
    first_unanswered,
    form_steps,
    minutes_to_answer,
    progress_for,
)

YES_NO = (Option("y", 1, "Yes"), Option("n", 0, "No"))


def form(*items: FormItem) -> QuestionnaireForm:
    return QuestionnaireForm(url="http://example.org/q", version="1", title="Test", items=items)


SMOKING = form(
    FormItem("intro", "display", "About smoking"),
    FormItem("smokes", "choice", "Do you smoke?", options=YES_NO),
    FormItem(
        "per-day",
        "integer",
        "How many a day?",
        conditions=(Condition("smokes", "=", "y"),),
    ),
    FormItem("group", "group", "Your week"),
    FormItem("walks", "integer", "Walks", parent="group"),
    FormItem("swims", "integer", "Swims", parent="group"),
    FormItem("note", "text", "Anything else?"),
)


def test_each_question_is_a_screen_and_a_group_is_one_screen():
    steps = form_steps(SMOKING)
    assert [s.link_ids for s in steps] == [
        ("smokes",),
        ("per-day",),
        ("walks", "swims"),
        ("note",),
    ]
    assert [s.number for s in steps] == [1, 2, 3, 4]
    assert steps[0].notes == ("About smoking",)
    assert steps[2].group is not None


def test_a_hidden_question_drops_out_of_the_count_but_keeps_its_number():
    progress = progress_for(SMOKING, {"smokes": "n"})
    assert [s.number for s in progress.shown_steps] == [1, 3, 4]
    third = progress.step(3)
    assert progress.position(third) == 2
    assert progress.next_after(progress.step(1)).number == 3
    assert progress.before(third).number == 1
    assert progress.step(9) is None
    assert progress.step(0) is None


def test_resume_at_the_first_shown_question_without_an_answer():
    answers = {"smokes": "y"}
    progress = progress_for(SMOKING, answers)
    assert first_unanswered(progress, answers).number == 2
    answers = {"smokes": "n", "walks": 2.0}
    progress = progress_for(SMOKING, answers)
    assert first_unanswered(progress, answers).number == 3
    answers = {"smokes": "n", "walks": 2.0, "swims": 0.0, "note": "-"}
    assert first_unanswered(progress_for(SMOKING, answers), answers) is None


def test_time_to_answer_is_at_least_a_minute():
    assert minutes_to_answer(SMOKING) == 1
    many = form(*(FormItem(str(n), "integer", "Q") for n in range(20)))
    assert minutes_to_answer(many) == 5


def test_short_names_are_abbreviations_or_the_title():
    from coproduce.questionnaires.wording import short_name

    assert short_name("phq-9", "Patient Health Questionnaire-9 (PHQ-9)") == "PHQ-9"
    assert short_name("eq-5d-5l", "EuroQol 5 dimensions (EQ-5D-5L)") == "EQ-5D-5L"
    assert short_name("x", "Daily flare diary (Coproduce)") == "Daily flare diary (Coproduce)"

"""Response validation against a questionnaire: types, ranges, required, enableWhen."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coproduce.interop.fhir.questionnaire import parse_questionnaire
from coproduce.questionnaires.answers import (
    MSG_CHOICE,
    MSG_REQUIRED,
    MSG_UNKNOWN,
    MSG_WHOLE,
    check_answers,
    scorer_inputs,
    shown_items,
)
from coproduce.questionnaires.binding import bind
from coproduce.questionnaires.form import Condition, FormItem, Option, QuestionnaireForm

DEFINITIONS = Path(__file__).resolve().parents[3] / "coproduce" / "questionnaires" / "definitions"
YES_NO = (Option("yes", 1.0, "Yes"), Option("no", 0.0, "No"))


def shipped(code: str) -> QuestionnaireForm:
    form, _spec = bind(parse_questionnaire((DEFINITIONS / f"{code}.json").read_text()))
    return form


def small_form(*items: FormItem) -> QuestionnaireForm:
    return QuestionnaireForm(url="http://example.org/q", version="1", title="Test", items=items)


def test_a_choice_outside_the_options_is_refused_next_to_the_item():
    checked = check_answers(shipped("phq-9"), {"1": "LA6571-9", "2": "7"}, complete=False)
    assert checked.errors == {"2": MSG_CHOICE}
    assert checked.answers == {"1": "LA6571-9"}


def test_every_faulty_item_gets_exactly_one_message():
    checked = check_answers(
        shipped("das28-crp"), {"tjc28": "many", "sjc28": "40", "crp": "", "nonsense": "1"}
    )
    assert checked.errors == {
        "tjc28": MSG_WHOLE,
        "sjc28": "Enter a whole number from 0 to 28.",
        "crp": MSG_REQUIRED,
        "nonsense": MSG_UNKNOWN,
    }


def test_a_decimal_comma_is_read_as_a_decimal_point():
    checked = check_answers(shipped("das28-crp"), {"tjc28": 3, "sjc28": "2", "crp": "7,5"})
    assert checked.is_valid
    assert checked.answers["crp"] == 7.5


def test_a_fractional_joint_count_is_not_a_whole_number():
    checked = check_answers(shipped("das28-crp"), {"tjc28": "2.5", "sjc28": 0, "crp": 3})
    assert checked.errors == {"tjc28": MSG_WHOLE}


def test_a_required_item_may_wait_while_the_response_is_in_progress():
    assert check_answers(shipped("das28-crp"), {"tjc28": 3}, complete=False).is_valid
    assert not check_answers(shipped("das28-crp"), {"tjc28": 3}, complete=True).is_valid


def test_pro_ctcae_severity_is_not_asked_when_the_symptom_never_happened():
    form = shipped("pro-ctcae")
    never, often = "0", "3"
    shown_never = shown_items(form, {"nausea-frequency": never})
    shown_often = shown_items(form, {"nausea-frequency": often})
    assert "nausea-severity" not in shown_never
    assert "nausea-severity" in shown_often


def test_an_answer_to_a_question_no_longer_shown_is_dropped_not_reported():
    form = shipped("pro-ctcae")
    checked = check_answers(form, {"nausea-frequency": "0", "nausea-severity": "4"})
    assert checked.is_valid
    assert checked.answers == {"nausea-frequency": "0"}
    assert scorer_inputs(form, checked.answers) == {"nausea-frequency": 0.0}


def test_interference_hangs_on_severity_which_hangs_on_frequency():
    form = shipped("pro-ctcae")
    shown = shown_items(form, {"pain-frequency": "0", "pain-severity": "3"})
    # severity is hidden, so its answer cannot open interference
    assert "pain-severity" not in shown
    assert "pain-interference" not in shown


def test_phq9_difficulty_is_asked_only_after_some_problem_was_ticked():
    form = shipped("phq-9")
    none = {str(n): "LA6568-5" for n in range(1, 10)}
    assert "difficulty" not in shown_items(form, none)
    assert "difficulty" in shown_items(form, {**none, "4": "LA6569-3"})


def test_scorer_inputs_use_the_option_weights():
    form = shipped("phq-9")
    answers = {str(n): "LA6570-1" for n in range(1, 10)}
    assert scorer_inputs(form, check_answers(form, answers).answers) == {
        str(n): 2.0 for n in range(1, 10)
    }


def test_a_hidden_group_hides_its_children_and_their_required_flag():
    form = small_form(
        FormItem("smoker", "choice", "Do you smoke?", options=YES_NO),
        FormItem("smoking", "group", "Smoking", conditions=(Condition("smoker", "=", "yes"),)),
        FormItem("per-day", "integer", "How many a day?", required=True, parent="smoking"),
    )
    assert check_answers(form, {"smoker": "no", "per-day": "10"}).answers == {"smoker": "no"}
    assert check_answers(form, {"smoker": "yes"}).errors == {"per-day": MSG_REQUIRED}


def test_exists_and_ordering_operators():
    form = small_form(
        FormItem("score", "integer", "Score", minimum=0, maximum=10),
        FormItem("why", "text", "Why?", conditions=(Condition("score", ">=", 7.0),)),
        FormItem("skipped", "text", "Why not?", conditions=(Condition("score", "exists", False),)),
    )
    assert shown_items(form, {"score": 8.0}) >= {"why"}
    assert "why" not in shown_items(form, {"score": 6.0})
    assert "skipped" in shown_items(form, {})
    assert "skipped" not in shown_items(form, {"score": 1.0})


def test_a_condition_may_point_at_a_later_item():
    form = small_form(
        FormItem("detail", "text", "Tell us more", conditions=(Condition("any", "=", True),)),
        FormItem("any", "boolean", "Anything else?"),
    )
    assert "detail" in shown_items(form, {"any": True})
    assert check_answers(form, {"any": "no", "detail": "x"}).answers == {"any": False}


def test_text_longer_than_the_limit_is_refused():
    form = small_form(FormItem("note", "string", "Note", max_length=5))
    assert check_answers(form, {"note": "123456"}).errors == {
        "note": "Your answer is too long: please keep it under 5 characters."
    }


@given(st.dictionaries(st.sampled_from([str(n) for n in range(1, 10)]), st.integers(0, 3)))
def test_valid_phq9_answers_always_check_and_score(raw):
    form = shipped("phq-9")
    codes = ("LA6568-5", "LA6569-3", "LA6570-1", "LA6571-9")
    checked = check_answers(form, {k: codes[v] for k, v in raw.items()})
    assert checked.is_valid
    assert scorer_inputs(form, checked.answers) == {k: float(v) for k, v in raw.items()}


@pytest.mark.parametrize("raw", ["nan", "inf", "", "  ", None])
def test_blank_or_non_finite_numbers_are_not_answers(raw):
    checked = check_answers(shipped("das28-crp"), {"crp": raw}, complete=False)
    assert "crp" not in checked.answers

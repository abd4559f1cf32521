"""Checking a response's answers against its questionnaire: types, ranges, required items
and `enableWhen`, with one plain-language error per item. Pure Python (no Django).

Answers arrive keyed by `linkId`, as a browser form or a JSON client sends them: strings or
numbers. `check_answers` returns them cleaned (a choice becomes its option code, a number a
float, a yes/no a bool), drops answers to questions that are not shown, and lists errors.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from coproduce.questionnaires.form import Condition, FormItem, QuestionnaireForm

Answer = str | float | bool
STRING_MAX_LENGTH = 2000
TEXT_MAX_LENGTH = 10000
TRUE_WORDS = ("true", "yes", "1", "on")
FALSE_WORDS = ("false", "no", "0", "off")

MSG_REQUIRED = "Please answer this question."
MSG_UNKNOWN = "This questionnaire has no question with this id."
MSG_CHOICE = "Choose one of the answers given."
MSG_WHOLE = "Enter a whole number."
MSG_NUMBER = "Enter a number."
MSG_YES_NO = "Answer yes or no."
MSG_DATE = "Enter a date as year-month-day, for example 2026-03-31."
MSG_TOO_LONG = "Your answer is too long: please keep it under {limit} characters."


@dataclass(frozen=True)
class CheckedAnswers:
    """Clean answers to the questions that are shown, and one message per faulty item."""

    answers: dict[str, Answer] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def is_valid(self) -> bool:
        return not self.errors


class AnswerError(ValueError):
    """An answer that does not fit its item; the message is shown beside the item."""


def number_text(value: float) -> str:
    return f"{value:g}"


def range_message(item: FormItem, kind: str) -> str:
    low, high = item.minimum, item.maximum
    if low is not None and high is not None:
        return f"Enter {kind} from {number_text(low)} to {number_text(high)}."
    if low is not None:
        return f"Enter {kind} of {number_text(low)} or more."
    return f"Enter {kind} of {number_text(high)} or less."


def in_range(item: FormItem, value: float) -> bool:
    if item.minimum is not None and value < item.minimum:
        return False
    return item.maximum is None or value <= item.maximum


def parse_number(raw: object) -> float:
    if isinstance(raw, bool):
        raise AnswerError(MSG_NUMBER)
    if isinstance(raw, int | float):
        value = float(raw)
    else:
        text = str(raw).strip().replace(" ", "")
        if text.count(",") == 1 and "." not in text:
            text = text.replace(",", ".")  # 7,5 is how much of Europe writes 7.5
        try:
            value = float(text)
        except ValueError:
            raise AnswerError(MSG_NUMBER) from None
    if not math.isfinite(value):
        raise AnswerError(MSG_NUMBER)
    return value


def clean_choice(item: FormItem, raw: object) -> str:
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    code = str(raw).strip()
    if isinstance(raw, bool) or item.option(code) is None:
        raise AnswerError(MSG_CHOICE)
    return code


def clean_integer(item: FormItem, raw: object) -> float:
    try:
        value = parse_number(raw)
    except AnswerError:
        raise AnswerError(MSG_WHOLE) from None
    if not value.is_integer():
        raise AnswerError(MSG_WHOLE)
    if not in_range(item, value):
        raise AnswerError(range_message(item, "a whole number"))
    return value


def clean_decimal(item: FormItem, raw: object) -> float:
    value = parse_number(raw)
    if not in_range(item, value):
        raise AnswerError(range_message(item, "a number"))
    return value


def clean_boolean(item: FormItem, raw: object) -> bool:
    if isinstance(raw, bool):
        return raw
    word = str(raw).strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise AnswerError(MSG_YES_NO)


def clean_date(item: FormItem, raw: object) -> str:
    try:
        return dt.date.fromisoformat(str(raw).strip()).isoformat()
    except ValueError:
        raise AnswerError(MSG_DATE) from None


def clean_text(item: FormItem, raw: object) -> str:
    text = str(raw).strip()
    default = STRING_MAX_LENGTH if item.kind == "string" else TEXT_MAX_LENGTH
    limit = item.max_length or default
    if len(text) > limit:
        raise AnswerError(MSG_TOO_LONG.format(limit=limit))
    return text


CLEANERS: dict[str, Callable[[FormItem, object], Answer]] = {
    "choice": clean_choice,
    "integer": clean_integer,
    "decimal": clean_decimal,
    "boolean": clean_boolean,
    "date": clean_date,
    "string": clean_text,
    "text": clean_text,
}


def is_blank(raw: object) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def comparable(item: FormItem | None, value: Answer) -> float | str | bool:
    """A choice answer compares by its option weight when a condition orders it."""
    if item is not None and item.kind == "choice" and isinstance(value, str):
        option = item.option(value)
        if option is not None and option.weight is not None:
            return option.weight
    return value


def condition_met(condition: Condition, form: QuestionnaireForm, answers: Mapping) -> bool:
    """One enableWhen. An unanswered question satisfies only 'exists false' and '!='."""
    answered = condition.question in answers
    if condition.operator == "exists":
        return answered == bool(condition.answer)
    if not answered:
        return condition.operator == "!="
    value = answers[condition.question]
    expected = condition.answer
    if condition.operator in ("=", "!="):
        if isinstance(value, bool) or isinstance(expected, bool):
            equal = value == expected
        elif isinstance(expected, str):
            equal = str(value) == expected
        else:
            equal = comparable(form.item(condition.question), value) == expected
        return equal if condition.operator == "=" else not equal
    left = comparable(form.item(condition.question), value)
    if isinstance(left, bool | str) or isinstance(expected, bool | str):
        return False
    return {
        ">": left > expected,
        "<": left < expected,
        ">=": left >= expected,
        "<=": left <= expected,
    }[condition.operator]


def item_shown(item: FormItem, form: QuestionnaireForm, answers: Mapping) -> bool:
    if not item.conditions:
        return True
    results = [condition_met(c, form, answers) for c in item.conditions]
    return any(results) if item.enable_behavior == "any" else all(results)


def shown_items(form: QuestionnaireForm, answers: Mapping[str, Answer]) -> set[str]:
    """The linkIds shown for these answers. A hidden item's answer does not count towards
    other items' conditions, and a hidden group hides its children; repeated until stable
    because a condition may point at a later item."""
    shown = {item.link_id for item in form.items}
    for _round in range(len(form.items) + 1):
        visible = {k: v for k, v in answers.items() if k in shown}
        now_shown: set[str] = set()
        for item in form.items:  # parents come before their children
            if item.parent and item.parent not in now_shown:
                continue
            if item_shown(item, form, visible):
                now_shown.add(item.link_id)
        if now_shown == shown:
            break
        shown = now_shown
    return shown


def check_answers(
    form: QuestionnaireForm, raw_answers: Mapping[str, object], *, complete: bool = True
) -> CheckedAnswers:
    """Clean `raw_answers` and report every faulty item, one message each.

    With `complete=False` (saving a response in progress) unanswered required items are not
    errors yet. Answers to hidden questions are dropped, not reported: the person changed
    an earlier answer, and the later question no longer applies.
    """
    errors: dict[str, str] = {}
    cleaned: dict[str, Answer] = {}
    for link_id, raw in raw_answers.items():
        item = form.item(link_id)
        if item is None or not item.takes_answer:
            errors[link_id] = MSG_UNKNOWN
            continue
        if is_blank(raw):
            continue
        try:
            cleaned[link_id] = CLEANERS[item.kind](item, raw)
        except AnswerError as error:
            errors[link_id] = str(error)
    shown = shown_items(form, cleaned)
    answers = {k: v for k, v in cleaned.items() if k in shown}
    errors = {k: v for k, v in errors.items() if k in shown or form.item(k) is None}
    if complete:
        for item in form.questions:
            if item.required and item.link_id in shown and item.link_id not in answers:
                errors.setdefault(item.link_id, MSG_REQUIRED)
    return CheckedAnswers(answers=answers, errors=errors)


def scorer_inputs(form: QuestionnaireForm, answers: Mapping[str, Answer]) -> dict[str, float]:
    """What the scoring core takes: each choice as its option's weight, numbers as
    numbers, yes/no as 1/0. Free text and dates are not scored."""
    inputs: dict[str, float] = {}
    for link_id, value in answers.items():
        item = form.item(link_id)
        if item is None:
            continue
        if item.kind == "choice":
            option = item.option(str(value))
            if option is not None and option.weight is not None:
                inputs[link_id] = option.weight
        elif item.kind == "boolean":
            inputs[link_id] = 1.0 if value else 0.0
        elif item.kind in ("integer", "decimal"):
            inputs[link_id] = float(value)
    return inputs

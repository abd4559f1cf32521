"""A questionnaire as a series of screens: one question per screen, or one short group.

Pure Python (no Django). Screens are numbered once for the whole form, so a link to a
screen stays valid when an answer hides or shows other questions; which screens are
shown, and where a person should resume, depend on the answers saved so far.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from coproduce.questionnaires.answers import Answer, shown_items
from coproduce.questionnaires.form import FormItem, QuestionnaireForm

SECONDS_PER_QUESTION = 15  # a short frequency item; a generous average for reading aloud


@dataclass(frozen=True)
class Step:
    """One screen: its number (from 1), the questions on it in order, the group it shows
    (if any) and any display text that comes before its questions."""

    number: int
    questions: tuple[FormItem, ...]
    group: FormItem | None = None
    notes: tuple[str, ...] = ()

    @property
    def link_ids(self) -> tuple[str, ...]:
        return tuple(item.link_id for item in self.questions)


def top_item(form: QuestionnaireForm, item: FormItem) -> FormItem:
    """The outermost item `item` sits in (itself when it has no parent)."""
    while item.parent:
        parent = form.item(item.parent)
        if parent is None:
            break
        item = parent
    return item


def form_steps(form: QuestionnaireForm) -> tuple[Step, ...]:
    """Every screen of the form, in order. A top-level question is a screen with any
    questions nested under it; a top-level group is one screen with all its questions;
    top-level display text goes on the next screen."""
    steps: list[Step] = []
    notes: list[str] = []
    for item in form.items:
        if item.parent:
            continue
        if item.kind == "display":
            if item.text.strip():
                notes.append(item.text)
            continue
        inside = [other for other in form.items if other.parent and top_item(form, other) == item]
        questions = tuple(q for q in (item, *inside) if q.takes_answer)
        if not questions:
            continue
        group_notes = tuple(q.text for q in inside if q.kind == "display" and q.text.strip())
        steps.append(
            Step(
                number=len(steps) + 1,
                questions=questions,
                group=item if item.kind == "group" else None,
                notes=(*notes, *group_notes),
            )
        )
        notes = []
    return tuple(steps)


@dataclass(frozen=True)
class Progress:
    """The screens shown for the answers so far, and where a person stands."""

    steps: tuple[Step, ...]
    shown: frozenset[str]

    def is_shown(self, step: Step) -> bool:
        return any(link_id in self.shown for link_id in step.link_ids)

    @property
    def shown_steps(self) -> tuple[Step, ...]:
        return tuple(step for step in self.steps if self.is_shown(step))

    def step(self, number: int) -> Step | None:
        if 1 <= number <= len(self.steps):
            return self.steps[number - 1]
        return None

    def position(self, step: Step) -> int:
        """1-based place of `step` among the screens shown (for "Question 3 of 9")."""
        return next(i for i, s in enumerate(self.shown_steps, start=1) if s.number == step.number)

    def next_after(self, step: Step) -> Step | None:
        return next((s for s in self.shown_steps if s.number > step.number), None)

    def before(self, step: Step) -> Step | None:
        earlier = [s for s in self.shown_steps if s.number < step.number]
        return earlier[-1] if earlier else None

    def questions(self, step: Step) -> tuple[FormItem, ...]:
        return tuple(q for q in step.questions if q.link_id in self.shown)


def progress_for(
    form: QuestionnaireForm, answers: Mapping[str, Answer], steps: tuple[Step, ...] | None = None
) -> Progress:
    return Progress(
        steps=steps if steps is not None else form_steps(form),
        shown=frozenset(shown_items(form, answers)),
    )


def first_unanswered(progress: Progress, answers: Mapping[str, Answer]) -> Step | None:
    """Where to resume: the first shown screen with a shown question not answered yet;
    None when every shown question has an answer (the person goes to the review)."""
    for step in progress.shown_steps:
        if any(q.link_id not in answers for q in progress.questions(step)):
            return step
    return None


def minutes_to_answer(form: QuestionnaireForm) -> int:
    """A rough time to fill the form in, in whole minutes (at least 1)."""
    seconds = len(form.questions) * SECONDS_PER_QUESTION
    return max(1, round(seconds / 60))

"""Binding a questionnaire to the scorer that scores it. Pure Python (no Django).

A definition is bound by canonical URL: its `url` is a scorer's URL (see
`coproduce.scoring.catalogue()`), or it lists that URL in `derivedFrom` (how a licensee's
own Questionnaire can point at ours). Binding then checks that every answer the form can
produce is one the scorer accepts, so that a valid response always scores.
"""

from __future__ import annotations

from dataclasses import replace

from coproduce.questionnaires.form import FormItem, QuestionnaireForm
from coproduce.scoring import InstrumentSpec, ItemSpec, UnknownInstrument
from coproduce.scoring import instrument as scoring_instrument

NUMBER_KINDS = ("integer", "decimal")


class BindingError(ValueError):
    """The definition does not fit any scorer; `problems` lists 'path: what is wrong'."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


def scorer_for(form: QuestionnaireForm) -> InstrumentSpec | None:
    for url in (form.url, *form.derived_from):
        try:
            return scoring_instrument(url.split("|")[0])
        except UnknownInstrument:
            continue
    return None


def choice_problems(item: FormItem, spec_item: ItemSpec) -> list[str]:
    allowed = {value.code for value in spec_item.values}
    problems = []
    for index, option in enumerate(item.options):
        where = f"{item.path}.answerOption[{index}]"
        if option.weight is None:
            problems.append(f"{where}: no itemWeight extension, so it cannot be scored")
        elif option.weight not in allowed:
            problems.append(
                f"{where}: weight {option.weight:g} is not a score of item '{item.link_id}' "
                f"({spec_item.allowed_text()})"
            )
    weights = {option.weight for option in item.options}
    missing = sorted(allowed - weights)
    if missing:
        listed = ", ".join(f"{value:g}" for value in missing)
        problems.append(f"{item.path}.answerOption: no option scores {listed}")
    return problems


def item_problems(item: FormItem, spec_item: ItemSpec) -> list[str]:
    where = f"{item.path}.type"
    if spec_item.values:
        if item.kind == "boolean" and {v.code for v in spec_item.values} == {0, 1}:
            return []
        if item.kind != "choice":
            return [f"{where}: item '{item.link_id}' is scored from answer options, use 'choice'"]
        return choice_problems(item, spec_item)
    if item.kind not in NUMBER_KINDS:
        return [f"{where}: item '{item.link_id}' is a measured number, use 'integer' or 'decimal'"]
    if spec_item.integer and item.kind != "integer":
        return [f"{where}: item '{item.link_id}' is a whole number, use 'integer'"]
    problems = []
    if (
        spec_item.minimum is not None
        and item.minimum is not None
        and item.minimum < spec_item.minimum
    ):
        problems.append(
            f"{item.path}: minValue {item.minimum:g} is below the scorer's {spec_item.minimum:g}"
        )
    if (
        spec_item.maximum is not None
        and item.maximum is not None
        and item.maximum > spec_item.maximum
    ):
        problems.append(
            f"{item.path}: maxValue {item.maximum:g} is above the scorer's {spec_item.maximum:g}"
        )
    return problems


def tightened(item: FormItem, spec_item: ItemSpec) -> FormItem:
    """The item with the scorer's bounds and required flag where the file is silent, so
    response validation refuses what the scorer would refuse, next to the item."""
    return replace(
        item,
        required=item.required or spec_item.required,
        minimum=item.minimum if item.minimum is not None else spec_item.minimum,
        maximum=item.maximum if item.maximum is not None else spec_item.maximum,
        unit=item.unit or spec_item.unit,
    )


def bind(form: QuestionnaireForm) -> tuple[QuestionnaireForm, InstrumentSpec]:
    """The form made consistent with its scorer, and the scorer; raises BindingError with
    every problem."""
    spec = scorer_for(form)
    if spec is None:
        raise BindingError(
            [
                f"url: no scorer has the canonical URL '{form.url}' (nor any URL in "
                "derivedFrom); use one of the URLs listed by `coproduce instruments list`"
            ]
        )
    problems = []
    if form.version != spec.version:
        problems.append(
            f"version: the scorer for {spec.url} scores version {spec.version}, "
            f"not '{form.version}'"
        )
    items = list(form.items)
    for spec_item in spec.items:
        index = next((i for i, it in enumerate(items) if it.link_id == spec_item.id), None)
        if index is None:
            problems.append(f"item: no item has linkId '{spec_item.id}', which the scorer needs")
            continue
        problems.extend(item_problems(items[index], spec_item))
        items[index] = tightened(items[index], spec_item)
    for item in form.items:
        if item.kind in ("choice", *NUMBER_KINDS) and spec.item(item.link_id) is None:
            problems.append(
                f"{item.path}.linkId: '{item.link_id}' is not an item of {spec.code} "
                f"(its items are {', '.join(i.id for i in spec.items)})"
            )
    if problems:
        raise BindingError(problems)
    return replace(form, items=tuple(items)), spec

"""FHIR R4 Questionnaire ⇄ the app's `QuestionnaireForm` (the edge; DESIGN.md §2 rule 7).

`parse_questionnaire(text)` checks a Questionnaire file twice: against the FHIR model
(`fhir.resources.R4B`, which HL7 keeps backward compatible with R4 for Questionnaire) and
against what Coproduce can render and score. Every problem carries the path of the element
at fault, e.g. `item[3].answerOption[1]: no itemWeight extension and the value is not a
whole number`, and all problems are reported at once.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from typing import Any

from fhir.resources.R4B.questionnaire import Questionnaire
from pydantic import ValidationError

from coproduce.questionnaires.form import (
    KINDS,
    OPERATORS,
    Condition,
    FormItem,
    Option,
    Provenance,
    QuestionnaireForm,
)

ITEM_WEIGHT = "http://hl7.org/fhir/StructureDefinition/itemWeight"
ORDINAL_VALUE = "http://hl7.org/fhir/StructureDefinition/ordinalValue"  # R4 name, read too
MIN_VALUE = "http://hl7.org/fhir/StructureDefinition/minValue"
MAX_VALUE = "http://hl7.org/fhir/StructureDefinition/maxValue"
UNIT = "http://hl7.org/fhir/StructureDefinition/questionnaire-unit"
PROVENANCE = "http://coproduce.org/fhir/StructureDefinition/instrument-provenance"
LOINC = "http://loinc.org"
UNSUPPORTED_KINDS = ("open-choice", "dateTime", "time", "url", "attachment", "reference")
STATUSES = ("draft", "active", "retired")


class QuestionnaireFileError(ValueError):
    """A Questionnaire that cannot be used; `problems` lists 'path: what is wrong'."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


def loc_path(loc: Iterable[object]) -> str:
    """('item', 3, 'answerOption', 1) → 'item[3].answerOption[1]'."""
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path or "(the file)"


def extension_value(element: Mapping[str, Any], url: str) -> Any:
    for extension in element.get("extension") or ():
        if extension.get("url") == url:
            for key, value in extension.items():
                if key.startswith("value"):
                    return value
    return None


def sub_extensions(element: Mapping[str, Any], url: str) -> dict[str, Any]:
    for extension in element.get("extension") or ():
        if extension.get("url") == url:
            return {
                sub.get("url"): next(v for k, v in sub.items() if k.startswith("value"))
                for sub in extension.get("extension") or ()
                if any(k.startswith("value") for k in sub)
            }
    return {}


def option_from(raw: Mapping[str, Any], path: str, problems: list[str]) -> Option:
    weight = extension_value(raw, ITEM_WEIGHT)
    if weight is None:
        weight = extension_value(raw, ORDINAL_VALUE)
    if "valueCoding" in raw:
        coding = raw["valueCoding"]
        code, display, system = (
            coding.get("code", ""),
            coding.get("display", ""),
            coding.get("system", ""),
        )
        if not code:
            problems.append(f"{path}.valueCoding: needs a code")
    elif "valueInteger" in raw:
        code, display, system = str(raw["valueInteger"]), "", ""
        weight = raw["valueInteger"] if weight is None else weight
    elif "valueString" in raw:
        code, display, system = raw["valueString"], raw["valueString"], ""
    else:
        problems.append(f"{path}: use valueCoding, valueInteger or valueString")
        code, display, system = "", "", ""
    if weight is None:
        try:
            weight = int(code)  # a plain numeric code ('0'…'4') is its own score
        except ValueError:
            weight = None
    if isinstance(weight, str):  # already reported by the FHIR model check
        weight = None
    return Option(
        code=code,
        weight=None if weight is None else float(weight),
        display=display,
        system=system,
    )


def condition_from(raw: Mapping[str, Any], path: str, problems: list[str]) -> Condition:
    operator = raw.get("operator", "")
    if operator not in OPERATORS:
        problems.append(f"{path}.operator: '{operator}' is not one of {', '.join(OPERATORS)}")
    answer: Any = None
    for key, value in raw.items():
        if key == "answerCoding":
            answer = value.get("code", "")
        elif key in ("answerInteger", "answerDecimal"):
            answer = float(value)
        elif key in ("answerBoolean", "answerString", "answerDate"):
            answer = value
    if answer is None:
        problems.append(
            f"{path}: needs answerCoding, answerInteger, answerDecimal, answerBoolean, "
            "answerString or answerDate"
        )
        answer = ""
    return Condition(question=raw.get("question", ""), operator=operator, answer=answer)


def number_extension(raw: Mapping[str, Any], url: str) -> float | None:
    value = extension_value(raw, url)
    return None if value is None or isinstance(value, str) else float(value)


def items_from(
    raws: list[Mapping[str, Any]], parent: str, base: str, problems: list[str]
) -> list[FormItem]:
    items: list[FormItem] = []
    for index, raw in enumerate(raws):
        path = f"{base}[{index}]"
        kind = raw.get("type", "")
        if kind in UNSUPPORTED_KINDS:
            problems.append(f"{path}.type: '{kind}' items are not supported")
        elif kind not in KINDS:
            problems.append(f"{path}.type: '{kind}' is not a Questionnaire item type")
        if raw.get("repeats"):
            problems.append(f"{path}.repeats: repeating items are not supported")
        if kind == "choice" and not raw.get("answerOption"):
            problems.append(f"{path}.answerOption: a choice item needs its answer options")
        if kind == "choice" and raw.get("answerValueSet"):
            problems.append(f"{path}.answerValueSet: list the options in answerOption instead")
        codes = [c for c in raw.get("code") or () if c.get("system") == LOINC]
        unit = extension_value(raw, UNIT) or {}
        max_length = raw.get("maxLength")
        items.append(
            FormItem(
                link_id=raw.get("linkId", ""),
                kind=kind,
                text=raw.get("text", "") or "",
                required=bool(raw.get("required", False)),
                options=tuple(
                    option_from(o, f"{path}.answerOption[{i}]", problems)
                    for i, o in enumerate(raw.get("answerOption") or ())
                ),
                minimum=number_extension(raw, MIN_VALUE),
                maximum=number_extension(raw, MAX_VALUE),
                max_length=int(max_length) if max_length else None,
                unit=unit.get("code", "") if isinstance(unit, Mapping) else "",
                code=codes[0].get("code", "") if codes else "",
                parent=parent,
                conditions=tuple(
                    condition_from(c, f"{path}.enableWhen[{i}]", problems)
                    for i, c in enumerate(raw.get("enableWhen") or ())
                ),
                enable_behavior=raw.get("enableBehavior", "all"),
                path=path,
            )
        )
        items.extend(
            items_from(raw.get("item") or [], raw.get("linkId", ""), f"{path}.item", problems)
        )
    return items


def structure_problems(form: QuestionnaireForm) -> list[str]:
    """Problems across items: duplicate linkIds, conditions on unknown questions,
    duplicate option codes, bounds the wrong way round."""
    problems: list[str] = []
    seen: set[str] = set()
    for item in form.items:
        if item.link_id in seen:
            problems.append(f"{item.path}.linkId: '{item.link_id}' is used by an earlier item")
        seen.add(item.link_id)
        codes = [o.code for o in item.options]
        if len(codes) != len(set(codes)):
            problems.append(f"{item.path}.answerOption: two options have the same code")
        if item.minimum is not None and item.maximum is not None and item.minimum > item.maximum:
            problems.append(f"{item.path}: minValue is above maxValue")
        for index, condition in enumerate(item.conditions):
            target = form.item(condition.question)
            where = f"{item.path}.enableWhen[{index}].question"
            if target is None:
                problems.append(f"{where}: no item has linkId '{condition.question}'")
            elif target.link_id == item.link_id:
                problems.append(f"{where}: an item cannot depend on itself")
            elif not target.takes_answer:
                problems.append(f"{where}: '{condition.question}' takes no answer")
    return problems


def provenance_from(data: Mapping[str, Any], problems: list[str]) -> Provenance:
    values = sub_extensions(data, PROVENANCE)
    checked_on = None
    if values.get("checkedOn"):
        try:
            checked_on = dt.date.fromisoformat(values["checkedOn"])
        except ValueError:
            problems.append("extension[instrument-provenance].checkedOn: not a date (YYYY-MM-DD)")
    return Provenance(
        source=values.get("source", ""),
        licence=data.get("copyright", "") or "",
        checked_by=values.get("checkedBy", ""),
        checked_on=checked_on,
    )


def loaded_json(text: str | bytes | Mapping[str, Any]) -> dict[str, Any]:
    if isinstance(text, Mapping):
        return dict(text)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise QuestionnaireFileError(
            [f"(the file) line {error.lineno} column {error.colno}: not valid JSON ({error.msg})"]
        ) from None
    if not isinstance(data, dict):
        raise QuestionnaireFileError(["(the file): expected a JSON object"])
    return data


def parse_questionnaire(text: str | bytes | Mapping[str, Any]) -> QuestionnaireForm:
    """The form a Questionnaire describes; raises QuestionnaireFileError listing every
    problem with its path."""
    data = loaded_json(text)
    if data.get("resourceType") != "Questionnaire":
        raise QuestionnaireFileError(
            [f"resourceType: expected 'Questionnaire', found {data.get('resourceType')!r}"]
        )
    problems: list[str] = []
    try:
        Questionnaire.model_validate(data)
    except ValidationError as error:
        problems.extend(f"{loc_path(e['loc'])}: {e['msg']}" for e in error.errors())
    for key in ("url", "version", "title"):
        if not data.get(key):
            problems.append(f"{key}: required (the canonical url and version identify the scorer)")
    if data.get("status") not in STATUSES:
        problems.append(f"status: expected one of {', '.join(STATUSES)}")
    if not data.get("item"):
        problems.append("item: the questionnaire has no items")
    if problems and any(p.startswith("(the file)") for p in problems):
        raise QuestionnaireFileError(problems)
    items = items_from(data.get("item") or [], "", "item", problems)
    codes = [c for c in data.get("code") or () if c.get("system") == LOINC]
    form = QuestionnaireForm(
        url=data.get("url", ""),
        version=data.get("version", ""),
        title=data.get("title", ""),
        items=tuple(items),
        status=data.get("status", ""),
        code=codes[0].get("code", "") if codes else "",
        language=data.get("language", "en") or "en",
        derived_from=tuple(data.get("derivedFrom") or ()),
        provenance=provenance_from(data, problems),
    )
    problems.extend(structure_problems(form))
    if problems:
        raise QuestionnaireFileError(problems)
    return form


def questionnaire_text(data: Mapping[str, Any]) -> str:
    """A stored Questionnaire written out as the file format: sorted keys are not used,
    so an exported file keeps the author's order; two-space indent, final newline."""
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"

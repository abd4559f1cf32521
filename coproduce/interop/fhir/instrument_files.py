"""Reading and writing instrument definition files (FHIR Questionnaire JSON).

Used by `coproduce instruments …`, the demo and the tests: the one way a file becomes a
stored definition (through `questionnaires.services.definition_load`).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from coproduce.accounts.models import User
from coproduce.interop.fhir.questionnaire import (
    PROVENANCE,
    QuestionnaireFileError,
    loaded_json,
    parse_questionnaire,
)
from coproduce.questionnaires.models import DefinitionOrigin, QuestionnaireDefinition
from coproduce.questionnaires.services import definition_load

BUILT_IN_DIR = Path(__file__).resolve().parents[2] / "questionnaires" / "definitions"


def built_in_definition_paths() -> list[Path]:
    return sorted(BUILT_IN_DIR.glob("*.json"))


def with_provenance(
    data: dict[str, Any], *, source: str = "", checked_by: str = "", checked_on: dt.date | None
) -> dict[str, Any]:
    """The Questionnaire with provenance given on the command line written into its
    provenance extension (values already in the file are kept unless given)."""
    given = {"source": source, "checkedBy": checked_by}
    given = {k: v for k, v in given.items() if v}
    if checked_on is not None:
        given["checkedOn"] = checked_on.isoformat()
    if not given:
        return data
    extensions = [e for e in data.get("extension") or () if e.get("url") != PROVENANCE]
    current = next((e for e in data.get("extension") or () if e.get("url") == PROVENANCE), {})
    values = {
        sub["url"]: sub
        for sub in current.get("extension") or ()
        if isinstance(sub, dict) and "url" in sub
    }
    for key, value in given.items():
        value_key = "valueDate" if key == "checkedOn" else "valueString"
        values[key] = {"url": key, value_key: value}
    extensions.append({"url": PROVENANCE, "extension": list(values.values())})
    return {**data, "extension": extensions}


def load_definition_file(
    path: Path,
    *,
    actor: User | None,
    origin: str,
    replace: bool = False,
    source: str = "",
    checked_by: str = "",
    checked_on: dt.date | None = None,
) -> tuple[QuestionnaireDefinition, str]:
    """Parse, bind and store one file. Raises QuestionnaireFileError or BindingError,
    whose `problems` name the path of each fault; nothing is stored then."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise QuestionnaireFileError([f"(the file): cannot be read ({error})"]) from None
    data = with_provenance(
        loaded_json(text), source=source, checked_by=checked_by, checked_on=checked_on
    )
    form = parse_questionnaire(data)
    return definition_load(actor=actor, fhir=data, form=form, origin=origin, replace=replace)


def load_built_in_definitions(
    actor: User | None = None,
) -> list[tuple[QuestionnaireDefinition, str]]:
    return [
        load_definition_file(path, actor=actor, origin=DefinitionOrigin.BUILT_IN)
        for path in built_in_definition_paths()
    ]

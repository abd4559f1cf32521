"""Parsed forms, kept per process: a definition's form JSON is read once per version
(keyed by primary key and content hash, so a replaced definition is read afresh)."""

from __future__ import annotations

from coproduce.questionnaires.form import QuestionnaireForm
from coproduce.questionnaires.models import QuestionnaireDefinition

MAX_FORMS = 256
_forms: dict[tuple[int, str], QuestionnaireForm] = {}


def form_of(definition: QuestionnaireDefinition) -> QuestionnaireForm:
    key = (definition.pk, definition.sha256)
    form = _forms.get(key)
    if form is None:
        if len(_forms) >= MAX_FORMS:
            _forms.clear()
        form = _forms[key] = QuestionnaireForm.from_json(definition.form)
    return form

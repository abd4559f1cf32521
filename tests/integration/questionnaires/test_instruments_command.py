"""`coproduce instruments …`: load the shipped definitions, import a licensee's file
(scored without a code change), refuse faulty files with paths, export back out."""

from __future__ import annotations

import io
import json
import uuid
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from coproduce.core.models import AuditEvent
from coproduce.interop.fhir.instrument_files import built_in_definition_paths
from coproduce.observations.models import Observation
from coproduce.patients.selectors import patient_for_user
from coproduce.questionnaires.models import QuestionnaireDefinition
from coproduce.questionnaires.services import response_submit
from coproduce.scoring import catalogue, score

SHIPPED = {path.stem: path for path in built_in_definition_paths()}


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("instruments", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def licensee_file(tmp_path: Path, **changes) -> Path:
    """The shipped scoring-only EQ-5D-5L definition with item wording added, as a licensee
    would have it (the wording here is a placeholder, not the licensed text)."""
    data = json.loads(SHIPPED["eq-5d-5l"].read_text())
    for item in data["item"]:
        item["text"] = f"Placeholder wording for {item['linkId']}"
        for option in item.get("answerOption", []):
            option["valueCoding"]["display"] = f"Placeholder level {option['valueCoding']['code']}"
    data["extension"] = []  # the licensee's file has no Coproduce provenance
    data.update(changes)
    path = tmp_path / "eq5d-licensed.json"
    path.write_text(json.dumps(data))
    return path


def test_load_stores_every_shipped_definition_once(db):
    out, _ = run("load")
    assert out.count("created") == len(catalogue())
    assert QuestionnaireDefinition.objects.count() == len(catalogue())
    out, _ = run("load")
    assert out.count("unchanged") == len(catalogue())
    phq9 = QuestionnaireDefinition.objects.get(instrument_code="phq-9")
    assert (phq9.origin, phq9.has_item_text, phq9.checked_by) == (
        "built-in",
        True,
        "Coproduce founding engineers",
    )
    eq5d = QuestionnaireDefinition.objects.get(instrument_code="eq-5d-5l")
    assert not eq5d.has_item_text


def test_a_licensed_instrument_imported_from_fhir_is_scored_without_a_code_change(cast, tmp_path):
    run("load")
    out, _ = run(
        "import",
        str(licensee_file(tmp_path)),
        "--source",
        "EuroQol licence 2026-123",
        "--checked-by",
        "Dr Licence Holder",
        "--checked-on",
        "2026-11-20",
    )
    assert out.startswith("updated http://coproduce.org/fhir/Questionnaire/eq-5d-5l|")
    definition = QuestionnaireDefinition.objects.get(instrument_code="eq-5d-5l")
    assert (definition.origin, definition.has_item_text) == ("imported", True)
    assert (definition.checked_by, str(definition.checked_on)) == (
        "Dr Licence Holder",
        "2026-11-20",
    )
    answers = {
        "mobility": 2,
        "self-care": 1,
        "usual-activities": 3,
        "pain-discomfort": 2,
        "anxiety-depression": 1,
        "vas": 70,
    }
    form_answers = {k: str(v) for k, v in answers.items()}
    access = patient_for_user(cast.patient.user, cast.patient.pk)
    response = response_submit(
        access=access,
        definition=definition,
        answers=form_answers,
        idempotency_key=uuid.uuid4().hex,
    )
    assert response.score["scores"] == score("eq-5d-5l", answers).scores
    assert Observation.objects.filter(derived_from=f"QuestionnaireResponse/{response.pk}").exists()
    # a later `instruments load` keeps the licensee's wording
    out, _ = run("load")
    assert "kept" in out
    assert QuestionnaireDefinition.objects.get(instrument_code="eq-5d-5l").has_item_text


def test_an_import_without_provenance_is_refused(db, tmp_path):
    with pytest.raises(CommandError):
        run("import", str(licensee_file(tmp_path)))
    assert not QuestionnaireDefinition.objects.exists()


def test_a_faulty_file_is_refused_with_every_problem_and_its_path(db, tmp_path, capsys):
    path = licensee_file(
        tmp_path, version="2", url="http://coproduce.org/fhir/Questionnaire/eq-5d-5l"
    )
    data = json.loads(path.read_text())
    data["item"][0]["answerOption"][0]["extension"] = []
    data["item"][0]["answerOption"][0]["valueCoding"]["code"] = "MO1"
    data["item"][5]["type"] = "boolean"
    path.write_text(json.dumps(data))
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was loaded"):
        call_command(
            "instruments",
            "import",
            str(path),
            "--source",
            "x",
            "--checked-by",
            "y",
            "--checked-on",
            "2026-11-20",
            stderr=err,
        )
    lines = err.getvalue().splitlines()
    assert (
        f"{path}: version: the scorer for http://coproduce.org/fhir/Questionnaire/eq-5d-5l "
        "scores version 5L-2009, not '2'" in lines
    )
    assert (
        f"{path}: item[0].answerOption[0]: no itemWeight extension, so it cannot be scored" in lines
    )
    assert (
        f"{path}: item[5].type: item 'vas' is a measured number, use 'integer' or 'decimal'"
        in lines
    )
    assert not QuestionnaireDefinition.objects.exists()
    assert not AuditEvent.objects.filter(entity_type="Questionnaire").exists()


def test_check_validates_without_storing(db, tmp_path):
    out, _ = run("check", str(SHIPPED["phq-9"]), str(SHIPPED["gli-2012"]))
    assert out.count("valid") == 2
    broken = tmp_path / "broken.json"
    broken.write_text("{")
    with pytest.raises(CommandError):
        run("check", str(broken))
    assert not QuestionnaireDefinition.objects.exists()


def test_the_same_version_with_other_contents_needs_replace(db, tmp_path):
    run("load")
    data = json.loads(SHIPPED["gad-7"].read_text())
    data["title"] = "GAD-7, retitled"
    path = tmp_path / "gad7.json"
    path.write_text(json.dumps(data))
    with pytest.raises(CommandError):
        run("import", str(path))
    out, _ = run("import", str(path), "--replace")
    assert out.startswith("updated")
    assert QuestionnaireDefinition.objects.get(instrument_code="gad-7").title == "GAD-7, retitled"


def test_export_writes_the_definition_back_as_loaded(db, tmp_path):
    run("load")
    out, _ = run("export", "phq-9")
    assert json.loads(out) == json.loads(SHIPPED["phq-9"].read_text())
    target = tmp_path / "all"
    run("export", "--all", "--output", str(target))
    written = sorted(p.name for p in target.iterdir())
    assert len(written) == len(catalogue())
    out, _ = run("export", "http://coproduce.org/fhir/Questionnaire/gad-7", "--version", "1.0")
    assert json.loads(out)["url"] == "http://coproduce.org/fhir/Questionnaire/gad-7"
    with pytest.raises(CommandError, match="No definition loaded"):
        run("export", "no-such-instrument")


def test_list_names_every_scorer_and_what_is_loaded(db):
    run("load")
    out, _ = run("list")
    for spec in catalogue():
        assert spec.url in out
    assert "scoring only (licensed)" in out

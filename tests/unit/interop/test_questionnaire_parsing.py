"""Reading FHIR Questionnaire files: every shipped file binds to its scorer; faulty files
are refused with the path of each problem."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from coproduce.interop.fhir.questionnaire import (
    QuestionnaireFileError,
    parse_questionnaire,
    questionnaire_text,
)
from coproduce.questionnaires.binding import BindingError, bind
from coproduce.scoring import catalogue

DEFINITIONS = Path(__file__).resolve().parents[3] / "coproduce" / "questionnaires" / "definitions"
SHIPPED = {path.stem: path for path in sorted(DEFINITIONS.glob("*.json"))}


def shipped_json(code: str) -> dict:
    return json.loads(SHIPPED[code].read_text())


def problems_of(data) -> list[str]:
    with pytest.raises((QuestionnaireFileError, BindingError)) as caught:
        bind(parse_questionnaire(data))
    return caught.value.problems


def test_every_instrument_has_exactly_one_shipped_definition():
    assert set(SHIPPED) == {spec.code for spec in catalogue()}


@pytest.mark.parametrize("spec", catalogue(), ids=lambda spec: spec.code)
def test_each_shipped_definition_binds_to_its_scorer(spec):
    data = shipped_json(spec.code)
    form, bound_spec = bind(parse_questionnaire(data))
    assert bound_spec is spec
    assert (form.url, form.version) == (spec.url, spec.version)
    assert [i.link_id for i in form.questions] == [i.id for i in spec.items]
    assert form.provenance.source
    assert form.provenance.checked_by
    assert form.provenance.checked_on
    assert form.provenance.licence == spec.licence
    if spec.loinc:
        assert data["code"][0] == {
            "system": "http://loinc.org",
            "code": spec.loinc,
            "display": spec.title,
        }


@pytest.mark.parametrize(
    "spec", [s for s in catalogue() if not s.item_text_shipped], ids=lambda s: s.code
)
def test_licensed_definitions_carry_no_item_or_answer_wording(spec):
    data = shipped_json(spec.code)
    for item in data["item"]:
        assert "text" not in item, item["linkId"]
        for option in item.get("answerOption", []):
            assert "display" not in option.get("valueCoding", {}), item["linkId"]
    assert not bind(parse_questionnaire(data))[0].has_item_text


def test_phq9_uses_the_loinc_answer_list_with_item_weights():
    item9 = shipped_json("phq-9")["item"][8]
    assert item9["code"] == [{"system": "http://loinc.org", "code": "44260-8"}]
    weights = [
        (o["valueCoding"]["code"], o["extension"][0]["valueDecimal"]) for o in item9["answerOption"]
    ]
    assert weights == [("LA6568-5", 0), ("LA6569-3", 1), ("LA6570-1", 2), ("LA6571-9", 3)]


def test_invalid_json_names_line_and_column():
    problems = problems_of('{"resourceType": "Questionnaire",\n "url": }')
    assert problems == ["(the file) line 2 column 9: not valid JSON (Expecting value)"]


def test_another_resource_type_is_refused():
    assert problems_of({"resourceType": "Patient"}) == [
        "resourceType: expected 'Questionnaire', found 'Patient'"
    ]


def test_every_structural_problem_is_reported_with_its_path():
    data = shipped_json("das28-crp")
    data["item"][1].pop("linkId")
    data["item"][2]["type"] = "attachment"
    data["item"][3]["enableWhen"] = [{"question": "nowhere", "operator": "~", "answerInteger": 1}]
    del data["version"]
    problems = problems_of(data)
    assert "item[1].linkId: Value for the field 'linkId' is required." in problems
    assert "item[2].type: 'attachment' items are not supported" in problems
    assert (
        "item[3].enableWhen[0].operator: '~' is not one of exists, =, !=, >, <, >=, <=" in problems
    )
    assert "item[3].enableWhen[0].question: no item has linkId 'nowhere'" in problems
    assert any(p.startswith("version: required") for p in problems)


def test_a_bad_weight_is_reported_at_the_option():
    data = shipped_json("phq-9")
    data["item"][0]["answerOption"][1]["extension"][0]["valueDecimal"] = "one"
    assert problems_of(data) == [
        "item[0].answerOption[1].extension[0].valueDecimal: Value error, Decimal value string "
        "does not match spec regex."
    ]


def test_duplicate_link_ids_are_refused():
    data = shipped_json("gad-2")
    data["item"][1]["linkId"] = "1"
    assert "item[1].linkId: '1' is used by an earlier item" in problems_of(data)


def test_a_url_without_a_scorer_is_refused():
    data = shipped_json("gad-2") | {"url": "http://example.org/Questionnaire/unknown"}
    assert problems_of(data)[0].startswith(
        "url: no scorer has the canonical URL 'http://example.org/Questionnaire/unknown'"
    )


def test_a_licensees_own_url_binds_through_derived_from():
    data = shipped_json("eq-5d-5l") | {
        "url": "http://licensee.example/Questionnaire/eq5d",
        "derivedFrom": ["http://coproduce.org/fhir/Questionnaire/eq-5d-5l"],
    }
    form, spec = bind(parse_questionnaire(data))
    assert spec.code == "eq-5d-5l"
    assert form.url == "http://licensee.example/Questionnaire/eq5d"


def test_binding_checks_version_items_and_weights():
    data = copy.deepcopy(shipped_json("gad-7"))
    data["version"] = "9.9"
    data["item"][1]["answerOption"][3]["extension"] = []
    data["item"][1]["answerOption"][3]["valueCoding"]["code"] = "LA-x"
    data["item"][2]["answerOption"][2]["extension"][0]["valueDecimal"] = 7
    problems = problems_of(data)
    assert problems[0].startswith("version: the scorer for http://coproduce.org/fhir/")
    assert "item[1].answerOption[3]: no itemWeight extension, so it cannot be scored" in problems
    assert "item[1].answerOption: no option scores 3" in problems
    assert any(
        p.startswith("item[2].answerOption[2]: weight 7 is not a score of item '3'")
        for p in problems
    )


def test_a_mistyped_link_id_is_named_with_the_items_the_scorer_knows():
    data = shipped_json("gad-2")
    data["item"][0]["linkId"] = "one"
    assert problems_of(data) == [
        "item: no item has linkId '1', which the scorer needs",
        "item[0].linkId: 'one' is not an item of gad-2 (its items are 1, 2)",
    ]


def test_a_measured_number_needs_a_number_item_within_the_scorer_bounds():
    data = shipped_json("das28-crp")
    data["item"][0]["type"] = "string"
    data["item"][2]["extension"][1]["valueDecimal"] = 900
    problems = problems_of(data)
    assert "item[0].type: item 'tjc28' is a measured number, use 'integer' or 'decimal'" in problems
    assert "item[2]: maxValue 900 is above the scorer's 500" in problems


def test_binding_fills_the_scorer_bounds_and_required_flags_a_file_leaves_out():
    data = shipped_json("das28-crp")
    data["item"][2].pop("extension")
    data["item"][2]["required"] = False
    form, _ = bind(parse_questionnaire(data))
    crp = form.item("crp")
    assert (crp.minimum, crp.maximum, crp.required) == (0, 500, True)


def test_the_r4_ordinal_value_extension_is_read_as_a_weight():
    data = shipped_json("phq-2")
    for option in data["item"][0]["answerOption"]:
        option["extension"][0]["url"] = "http://hl7.org/fhir/StructureDefinition/ordinalValue"
    form, _ = bind(parse_questionnaire(data))
    assert [o.weight for o in form.item("1").options] == [0, 1, 2, 3]


def test_written_text_reads_back_identically():
    data = shipped_json("visit-experience")
    assert json.loads(questionnaire_text(data)) == data
    assert SHIPPED["visit-experience"].read_text() == questionnaire_text(data)

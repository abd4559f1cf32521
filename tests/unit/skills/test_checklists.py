"""The competency checklist loader: the shipped files load; every fault names the file and
the field."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from coproduce.skills.checklists import (
    ChecklistError,
    built_in_checklists,
    checklist_load,
    checklist_parse,
)


def good(**changes) -> dict:
    data = {
        "id": "self-injection",
        "version": "1.0",
        "title": "Giving my own injection",
        "programmes": ["rheumatoid-arthritis"],
        "sources": ["A training programme"],
        "reviewed_by": "A nurse",
        "reviewed_on": dt.date(2026, 10, 1),
        "steps": [
            {"id": "wash", "text": "I wash my hands."},
            {"id": "inject", "text": "I inject."},
        ],
    }
    data.update(changes)
    return data


def test_the_shipped_checklists_load_with_steps_and_sources():
    checklists = built_in_checklists()
    assert {"self-dialysis", "home-iv-antibiotics-cf", "self-injection"} <= set(checklists)
    dialysis = checklists["self-dialysis"]
    assert dialysis.programmes == ("kidney-dialysis",)
    assert dialysis.sources
    assert [s.id for s in dialysis.steps][:2] == ["hand-hygiene", "access-care"]
    assert dialysis.step("alarms").text.startswith("I know what each machine alarm means")
    assert "cystic-fibrosis" in checklists["home-iv-antibiotics-cf"].programmes


def test_a_good_checklist_parses():
    checklist = checklist_parse(good(), name="x.toml")
    assert [s.text for s in checklist.steps] == ["I wash my hands.", "I inject."]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"id": "Self Injection"}, "x.toml: 'id' must be lower-case"),
        ({"title": " "}, "x.toml: 'title' must be a non-empty text"),
        ({"programmes": []}, "x.toml: 'programmes' must be a list"),
        ({"sources": "one"}, "x.toml: 'sources' must be a list"),
        ({"reviewed_on": "2026-10-01"}, "x.toml: 'reviewed_on' must be a date"),
        ({"steps": []}, "x.toml: 'steps' must be a list"),
        ({"steps": [{"id": "wash"}]}, "x.toml: steps[1]: 'text' must be a non-empty text"),
        (
            {"steps": [{"id": "a", "text": "A"}, {"id": "a", "text": "B"}]},
            "x.toml: steps[2]: 'id' 'a' is used twice",
        ),
    ],
)
def test_each_fault_names_the_file_and_the_field(changes, message):
    with pytest.raises(ChecklistError) as error:
        checklist_parse(good(**changes), name="x.toml")
    assert str(error.value).startswith(message)


def test_a_file_whose_id_differs_from_its_name_or_bad_toml_is_refused(tmp_path: Path):
    wrong = tmp_path / "other.toml"
    shipped = Path(__file__).parents[3] / "coproduce/skills/content/self-injection.toml"
    wrong.write_text(shipped.read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(ChecklistError, match=r"other\.toml: 'id' must match the file name"):
        checklist_load(wrong)
    broken = tmp_path / "broken.toml"
    broken.write_text("id = ", encoding="utf-8")
    with pytest.raises(ChecklistError, match=r"broken\.toml: not valid TOML"):
        checklist_load(broken)

"""Measure files: the pure parser accepts the built-in measures and explains bad files with
file, field and reason, every fault at once."""

import shutil
from pathlib import Path

import pytest

from coproduce.measures.definition import (
    Catalogues,
    Comparison,
    MeasureFileError,
    built_in_measure_paths,
    parse_comparison,
    parse_measure,
    parse_measures,
)

RA_FILE = Path(__file__).parents[3] / "coproduce/measures/definitions/ra-das28-low.toml"
CATALOGUES = Catalogues(
    codes={"coproduce:das28-crp": "quantity", "coproduce:foot-check": "coded"},
    coded_values={"coproduce:foot-check": ("done-normal",)},
    programmes={"rheumatoid-arthritis"},
    items={"visit-experience": ("listened", "respect")},
)


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def ra_text(**replace: str) -> str:
    text = RA_FILE.read_text(encoding="utf-8")
    for old, new in replace.items():
        assert old in text
        text = text.replace(old, new)
    return text


def problems_of(path: Path, catalogues: Catalogues = CATALOGUES) -> list[str]:
    with pytest.raises(MeasureFileError) as caught:
        parse_measure(path, catalogues)
    return [str(p) for p in caught.value.problems]


def test_built_in_measures_cover_every_measure_the_issue_names():
    definitions = parse_measures(built_in_measure_paths(), Catalogues())
    by_kind: dict[str, set[str]] = {}
    for definition in definitions:
        by_kind.setdefault(definition.kind, set()).add(definition.id)
    assert by_kind["outcome"] == {
        "ra-das28-low",
        "ra-das28-mean",
        "ibd-remission",
        "cf-fev1-median",
        "depression-phq9-response-6m",
    }
    assert by_kind["process"] == {
        "questionnaire-completion",
        "visit-agenda",
        "own-goal",
        "alert-acknowledged-24h",
    }
    assert by_kind["experience"] == {"listened-to-top-score"}
    assert by_kind["overuse"] == {
        "overuse-diabetes-tight-hba1c-65",
        "overuse-cervical-screening-after-65",
    }


def test_ra_measure_reads_as_written():
    definition = parse_measure(RA_FILE, CATALOGUES)
    assert definition.id == "ra-das28-low"
    assert definition.is_proportion
    assert definition.denominator.code == "coproduce:das28-crp"
    assert definition.numerator.condition == Comparison("<=", 3.2)
    assert definition.population.programmes == ("rheumatoid-arthritis",)
    assert definition.population.age_min == 18
    assert definition.chart == "p"
    assert definition.sha256


def test_bad_comparison_is_reported_with_file_field_and_reason(tmp_path):
    path = write(tmp_path, "ra-das28-low.toml", ra_text(**{'"<= 3.2"': '"<== 3.2"'}))
    assert problems_of(path) == [
        'ra-das28-low.toml: numerator.condition: "<== 3.2" is not a comparison; use one of '
        '<, <=, >, >=, == and a number, e.g. "<= 3.2"'
    ]


def test_every_fault_in_a_file_is_reported_at_once(tmp_path):
    text = ra_text(
        **{
            'kind = "outcome"': 'kind = "outcomes"',
            'chart = "p"': 'chart = "pie"',
            'code = "coproduce:das28-crp"': 'code = "coproduce:das28"',
            "age_min = 18": "age_min = -1\ncolour = 1",
            'version = "1.0.0"': 'version = "1"',
        }
    )
    found = problems_of(write(tmp_path, "ra-das28-low.toml", text))
    assert found == [
        "ra-das28-low.toml: version: '1' must look like 1.0.0",
        "ra-das28-low.toml: kind: 'outcomes' is not one of outcome, process, experience, "
        "access, balancing, overuse, cost",
        "ra-das28-low.toml: chart: 'pie' is not one of run, i, mr, xbar, s, t, p, pp, c, u, up, g",
        "ra-das28-low.toml: population.colour: unknown field",
        "ra-das28-low.toml: population.age_min: -1 is not a whole number of years (0-130)",
        "ra-das28-low.toml: denominator.code: 'coproduce:das28' is not in the observation "
        "catalogue (coproduce/observations/catalogue.toml)",
    ]


def test_missing_fields_and_unknown_programme_are_named(tmp_path):
    text = ra_text(**{'title = "RA': 'titel = "RA', '["rheumatoid-arthritis"]': '["ra"]'})
    found = problems_of(write(tmp_path, "ra-das28-low.toml", text))
    assert "ra-das28-low.toml: titel: unknown field" in found
    assert "ra-das28-low.toml: title: is required" in found
    assert "ra-das28-low.toml: population.programmes: 'ra' is not a built-in programme" in found


def test_id_must_match_the_file_name(tmp_path):
    found = problems_of(write(tmp_path, "other.toml", ra_text()))
    assert found == ["other.toml: id: 'ra-das28-low' must match the file name 'other'"]


def test_numerator_without_denominator_and_both_forms_are_refused(tmp_path):
    only_numerator = ra_text(**{'[denominator]\nsource = "observation"\n': "[x]\n"})
    found = problems_of(write(tmp_path, "ra-das28-low.toml", only_numerator))
    assert "ra-das28-low.toml: denominator: is required with numerator" in found
    both = ra_text() + '\n[value]\nsource = "observation"\ncode = "c"\nstatistic = "mean"\n'
    found = problems_of(write(tmp_path, "ra-das28-low.toml", both))
    assert found == [
        "ra-das28-low.toml: value: give either numerator and denominator, or value, not both"
    ]


def test_a_non_numeric_code_cannot_be_compared(tmp_path):
    text = ra_text(**{'code = "coproduce:das28-crp"': 'code = "coproduce:foot-check"'})
    found = problems_of(write(tmp_path, "ra-das28-low.toml", text))
    assert found == [
        "ra-das28-low.toml: denominator.code: 'coproduce:foot-check' is not a numeric code"
    ]


def test_unknown_questionnaire_item_lists_the_items(tmp_path):
    text = (
        ra_text()
        .split("[denominator]")[0]
        .replace('"rheumatoid-arthritis"', "")
        .replace("age_min = 18", "")
    )
    text += (
        '[denominator]\nsource = "questionnaire-responses"\ninstrument = "visit-experience"\n'
        'item = "heard"\n\n[numerator]\ncondition = "== 4"\n'
    )
    found = problems_of(write(tmp_path, "ra-das28-low.toml", text))
    assert found == [
        "ra-das28-low.toml: denominator.item: visit-experience has no item 'heard' "
        "(it has listened, respect)"
    ]


def test_toml_syntax_error_names_the_file(tmp_path):
    found = problems_of(write(tmp_path, "ra-das28-low.toml", 'id = "x\n'))
    assert len(found) == 1
    assert found[0].startswith("ra-das28-low.toml: not valid TOML:")


def test_a_proportion_target_is_a_percentage(tmp_path):
    found = problems_of(
        write(tmp_path, "ra-das28-low.toml", ra_text(**{"target = 70": "target = 170"}))
    )
    assert found == ["ra-das28-low.toml: target: 170 is a percentage for a proportion: 0 to 100"]


def test_ids_used_twice_are_refused(tmp_path):
    (tmp_path / "a").mkdir()
    first = tmp_path / "ra-das28-low.toml"
    shutil.copy(RA_FILE, first)
    second = tmp_path / "a" / "ra-das28-low.toml"
    shutil.copy(RA_FILE, second)
    with pytest.raises(MeasureFileError) as caught:
        parse_measures([first, second], CATALOGUES)
    assert [str(p) for p in caught.value.problems] == ["ra-das28-low.toml: id: used twice"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("<= 3.2", Comparison("<=", 3.2)),
        ("<10", Comparison("<", 10.0)),
        (" == 4 ", Comparison("==", 4.0)),
        (">= -1", Comparison(">=", -1.0)),
        ("=< 3", None),
        ("<= x", None),
        ("3.2", None),
        (3.2, None),
    ],
)
def test_parse_comparison_accepts_only_the_five_operators(text, expected):
    assert parse_comparison(text) == expected


def test_comparison_holds_at_its_boundary():
    assert Comparison("<=", 3.2).holds(3.2)
    assert not Comparison("<", 10).holds(10)
    assert Comparison("==", 4).holds(4.0)

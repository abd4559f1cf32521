"""Loading care programme files: every built-in file is valid; bad files are explained."""

import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from coproduce.core.datafiles import DataFileError
from coproduce.programmes.definition import built_in_programme_paths, parse_programme
from coproduce.programmes.models import Programme
from coproduce.programmes.services import programme_load

BUILT_IN = {
    "rheumatoid-arthritis",
    "inflammatory-bowel-disease",
    "cystic-fibrosis",
    "kidney-dialysis",
    "cancer-symptom-monitoring",
    "depression-anxiety",
    "diabetes",
    "hypertension",
    "primary-care-evisits",
}


def test_every_built_in_programme_is_present_and_valid():
    definitions = [parse_programme(p) for p in built_in_programme_paths()]
    assert {d.code for d in definitions} == BUILT_IN
    assert all(d.measures and d.source and d.licence for d in definitions)


def test_loading_twice_changes_nothing(db):
    out = StringIO()
    call_command("load_programmes", stdout=out)
    call_command("load_programmes", stdout=out)
    assert Programme.objects.count() == len(BUILT_IN)
    assert out.getvalue().count("unchanged") == len(BUILT_IN)
    ra = Programme.objects.get(code="rheumatoid-arthritis")
    das28 = ra.measures.get(code="coproduce:das28-crp")
    assert (das28.target_high, das28.unit) == (2.6, "{score}")


def copy_of(tmp_path: Path, name: str) -> Path:
    target = tmp_path / f"{name}.toml"
    shutil.copy(Path(built_in_programme_paths()[0]).with_name(f"{name}.toml"), target)
    return target


def test_malformed_file_reports_file_line_and_problem(tmp_path):
    path = copy_of(tmp_path, "hypertension")
    text = path.read_text().replace('code = "loinc:8867-4"', 'code = "loinc:9999-9"')
    text = text.replace("target_high = 135", "target_high = 900")
    path.write_text(text + '\ncolour = "blue"\n')
    with pytest.raises(DataFileError) as error:
        parse_programme(path)
    lines = text.splitlines()
    problems = {p.message.split(":")[0]: p for p in error.value.problems}
    bad_code_line = next(i for i, line in enumerate(lines, 1) if "loinc:9999-9" in line)
    bad_target_line = next(i for i, line in enumerate(lines, 1) if "target_high = 900" in line)
    reported = {(p.line, p.message) for p in error.value.problems}
    assert any(
        line == bad_code_line and "not in the observation catalogue" in m for line, m in reported
    )
    assert any(
        line == bad_target_line and "outside the plausible range" in m for line, m in reported
    )
    assert any("unknown key 'colour'" in m for _, m in reported)
    assert str(path) in str(error.value)
    assert problems


def test_toml_syntax_error_reports_its_line(tmp_path):
    path = tmp_path / "broken.toml"
    path.write_text('code = "broken"\nversion = "1.0.0\ntitle = "x"\n')
    with pytest.raises(DataFileError) as error:
        parse_programme(path)
    assert error.value.problems[0].line == 2


def test_command_prints_problems_on_stderr_and_loads_nothing(db, tmp_path):
    good = copy_of(tmp_path, "diabetes")
    bad = tmp_path / "hypertension.toml"
    bad.write_text('code = "hypertension"\n')
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("load_programmes", str(good), str(bad), stderr=err)
    assert "missing required key 'version'" in err.getvalue()
    assert f"{bad}" in err.getvalue()
    assert not Programme.objects.exists()


def test_changed_file_without_new_version_is_refused(db, tmp_path):
    path = copy_of(tmp_path, "diabetes")
    programme_load(actor=None, definition=parse_programme(path))
    path.write_text(path.read_text().replace("target_high = 53", "target_high = 58"))
    with pytest.raises(ValidationError):
        programme_load(actor=None, definition=parse_programme(path))
    path.write_text(path.read_text().replace('version = "1.2.0"', 'version = "1.3.0"'))
    programme, outcome = programme_load(actor=None, definition=parse_programme(path))
    assert (outcome, programme.version) == ("updated", "1.3.0")
    assert programme.measures.get(code="loinc:59261-8").target_high == 58


def test_programmes_name_instruments_of_the_scoring_catalogue():
    from coproduce.scoring import instrument

    definitions = {d.code: d for d in map(parse_programme, built_in_programme_paths())}
    assert {i.code for i in definitions["depression-anxiety"].instruments} >= {"phq-9", "gad-7"}
    assert "pro-ctcae" in {i.code for i in definitions["cancer-symptom-monitoring"].instruments}
    assert {"hbi", "sccai", "pucai", "wpcdai"} <= {
        i.code for i in definitions["inflammatory-bowel-disease"].instruments
    }
    for definition in definitions.values():
        for used in definition.instruments:
            assert used.version == instrument(used.code).version


def test_unknown_instrument_is_reported_with_its_line(tmp_path):
    path = copy_of(tmp_path, "hypertension")
    text = path.read_text() + '\n[[instrument]]\ncode = "phq-99"\n'
    path.write_text(text)
    with pytest.raises(DataFileError) as error:
        parse_programme(path)
    line = text.splitlines().index('code = "phq-99"') + 1
    assert [(p.line, "phq-99" in p.message) for p in error.value.problems] == [(line, True)]


def test_a_malformed_alert_rule_is_refused_with_file_line_rule_and_reason(tmp_path):
    path = copy_of(tmp_path, "depression-anxiety")
    text = path.read_text()
    text = text.replace('severity = "urgent"', 'severity = "critical"', 1)
    text = text.replace('score = "phq-9/total"', 'score = "phq-9/totl"', 1)
    path.write_text(text)
    with pytest.raises(DataFileError) as caught:
        parse_programme(path)
    lines = text.splitlines()
    messages = [str(p) for p in caught.value.problems]
    severity_line = lines.index('severity = "critical"') + 1
    assert (
        f"{path}:{severity_line}: alert_rule self-harm-thoughts: severity must be one of "
        "urgent, high, routine" in messages
    )
    score_line = lines.index('score = "phq-9/totl"') + 1
    assert any(
        m.startswith(f"{path}:{score_line}: alert_rule severe-depression: score 'phq-9/totl'")
        and "has no score 'totl'" in m
        for m in messages
    ), messages

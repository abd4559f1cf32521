"""`coproduce measures --check`: the built-in files are valid; a bad file exits non-zero and
names file, field and reason on stderr."""

import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from coproduce.measures.catalogues import built_in_measures
from coproduce.measures.definition import built_in_measure_paths


def test_check_passes_on_the_built_in_measures():
    out = StringIO()
    call_command("measures", "--check", stdout=out)
    assert out.getvalue().strip() == f"{len(built_in_measure_paths())} measure file(s) are valid."
    assert len(built_in_measures()) == 12


def test_check_refuses_a_bad_file_and_names_file_field_and_reason(tmp_path):
    source = Path(built_in_measure_paths()[0]).parent / "ibd-remission.toml"
    bad = tmp_path / "ibd-remission.toml"
    text = source.read_text(encoding="utf-8").replace('code = "coproduce:hbi"', 'code = "hbi"')
    bad.write_text(text.replace('period = "month"', 'period = "week"'), encoding="utf-8")
    good = tmp_path / "ra-das28-low.toml"
    shutil.copy(source.parent / "ra-das28-low.toml", good)
    err = StringIO()
    with pytest.raises(CommandError, match=r"2 problem\(s\) in measure files"):
        call_command("measures", "--check", str(good), str(bad), stderr=err)
    assert err.getvalue().splitlines() == [
        "ibd-remission.toml: period: 'week' is not one of month, quarter",
        "ibd-remission.toml: denominator.code: 'hbi' is not in the observation catalogue "
        "(coproduce/observations/catalogue.toml)",
    ]


def test_every_built_in_measure_code_is_in_the_observation_catalogue():
    from coproduce.observations.catalogue import catalogue

    codes = catalogue()
    for definition in built_in_measures():
        for code in definition.observation_codes:
            assert code in codes, (definition.id, code)

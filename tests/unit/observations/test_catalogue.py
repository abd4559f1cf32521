"""The observation catalogue: every entry is valid, and bad files are explained by line."""

import pytest

from coproduce.core.datafiles import DataFileError
from coproduce.observations.catalogue import (
    ImplausibleValue,
    catalogue,
    check_code,
    check_quantity,
    code_info,
    parse_catalogue,
)


def test_built_in_catalogue_loads_with_units_and_ranges():
    codes = catalogue()
    assert len(codes) >= 40
    systolic = codes["loinc:8480-6"]
    assert (systolic.unit, systolic.system, systolic.bare_code) == (
        "mm[Hg]",
        "http://loinc.org",
        "8480-6",
    )
    for info in codes.values():
        if info.kind == "quantity":
            assert info.unit
            assert info.plausible_low < info.plausible_high


@pytest.mark.parametrize(
    ("code", "value"),
    [("loinc:8480-6", 50), ("loinc:8480-6", 280), ("loinc:29463-7", 0.5), ("loinc:8310-5", 44)],
)
def test_range_limits_are_inclusive(code, value):
    info = code_info(code)
    assert check_quantity(info, value, info.unit) == value


def test_values_are_rounded_to_the_recorded_decimals():
    info = code_info("loinc:29463-7")
    assert check_quantity(info, 72.349, "kg") == 72.3


def test_implausible_value_message_names_value_range_and_unit():
    info = code_info("loinc:8480-6")
    with pytest.raises(ImplausibleValue) as error:
        check_quantity(info, 900, "mm[Hg]")
    assert str(error.value) == (
        "Systolic blood pressure of 900 mmHg is not possible. Expected 50 to 280 mmHg. "
        "Check the number and the unit."
    )


def test_coded_values_are_checked():
    info = code_info("coproduce:eye-screening")
    assert check_code(info, "referable") == "referable"
    with pytest.raises(ImplausibleValue):
        check_code(info, "fine")


def test_unknown_code_is_refused():
    with pytest.raises(ImplausibleValue):
        code_info("loinc:0000-0")


def test_malformed_catalogue_reports_each_problem_with_its_line(tmp_path):
    path = tmp_path / "catalogue.toml"
    path.write_text(
        'version = "x"\nreviewed_on = 2026-01-01\n\n'
        '[[code]]\ncode = "loinc:1"\ndisplay = "A"\nkind = "quantity"\nunit = "kg"\n'
        "plausible = [10, 5]\n\n"
        '[[code]]\ncode = "nope:2"\ndisplay = "B"\nkind = "text"\n\n'
        '[[code]]\ncode = "coproduce:c"\ndisplay = "C"\nkind = "colour"\n'
    )
    with pytest.raises(DataFileError) as error:
        parse_catalogue(path)
    lines = {(p.line, p.message.split(":")[0]) for p in error.value.problems}
    assert {line for line, _ in lines} == {9, 12, 19}
    assert f"{path}:9:" in str(error.value)

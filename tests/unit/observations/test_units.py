"""Unit conversion against published factors and reference values, and round trips."""

from __future__ import annotations

import math

import pytest

from coproduce.observations import units
from coproduce.observations.units import QUANTITIES, UnknownUnit, convert, from_base, to_base


def test_a_pound_is_exactly_0_45359237_kg():
    # International Yard and Pound Agreement (1959).
    assert to_base("body-mass", 1, "[lb_av]") == pytest.approx(0.45359237, abs=1e-12)
    assert from_base("body-mass", 100, "[lb_av]") == pytest.approx(220.462, abs=1e-3)


def test_a_stone_is_14_pounds():
    assert to_base("body-mass", 1, "[stone_av]") == pytest.approx(6.35029318, abs=1e-9)


@pytest.mark.parametrize(
    ("kilograms", "expected"),
    [(80, (12, 8.4)), (63.5029318, (10, 0.0)), (0.5, (0, 1.1))],
)
def test_stones_and_pounds_split(kilograms, expected):
    assert units.stones_and_pounds(kilograms) == expected


def test_stones_and_pounds_carry_at_14_pounds():
    # 13.96 lb rounds to 14.0 lb, which is shown as 1 st 0 lb, never "0 st 14 lb".
    assert units.stones_and_pounds(13.96 * units.KG_PER_POUND) == (1, 0.0)


def test_stones_and_pounds_typed_as_two_numbers():
    # 12 st 8 lb = 176 lb = 79.832 kg.
    stones = units.stones_from_stones_and_pounds(12, 8)
    assert to_base("body-mass", stones, "[stone_av]") == pytest.approx(176 * 0.45359237)


@pytest.mark.parametrize(
    ("mmol_l", "mg_dl"),
    # 18.016 mg/dL per mmol/L (glucose molar mass 180.156 g/mol).
    [(1, 18.016), (5.5, 99.088), (10, 180.16), (3.9, 70.26)],
)
def test_glucose_mmol_l_to_mg_dl_uses_18_016(mmol_l, mg_dl):
    assert from_base("glucose", mmol_l, "mg/dL") == pytest.approx(mg_dl, abs=1e-2)
    assert to_base("glucose", mg_dl, "mg/dL") == pytest.approx(mmol_l, abs=1e-3)


@pytest.mark.parametrize(
    ("percent", "mmol_mol"),
    # NGSP/IFCC conversion table (ngsp.org/ifccngsp.asp), from the master equation.
    [(5.0, 31), (6.0, 42), (6.5, 48), (7.0, 53), (8.0, 64), (9.0, 75), (10.0, 86), (12.0, 108)],
)
def test_hba1c_master_equation_matches_the_ngsp_table(percent, mmol_mol):
    assert round(to_base("hba1c", percent, "%")) == mmol_mol
    assert from_base("hba1c", mmol_mol, "%") == pytest.approx(percent, abs=0.05)


@pytest.mark.parametrize("percent", [x / 10 for x in range(40, 151)])
def test_hba1c_percent_to_1_decimal_survives_storage_in_whole_mmol_mol(percent):
    stored = round(to_base("hba1c", percent, "%"))
    assert round(from_base("hba1c", stored, "%"), 1) == percent


def test_hba1c_master_equation_constants():
    assert units.ifcc_from_ngsp(2.152) == 0
    assert units.ngsp_from_ifcc(100) == pytest.approx(0.09148 * 100 + 2.152)


@pytest.mark.parametrize(("celsius", "fahrenheit"), [(0, 32), (100, 212), (37, 98.6), (-40, -40)])
def test_temperature_celsius_fahrenheit(celsius, fahrenheit):
    assert from_base("temperature", celsius, "[degF]") == pytest.approx(fahrenheit)
    assert to_base("temperature", fahrenheit, "[degF]") == pytest.approx(celsius)


def test_crp_mg_dl_is_ten_mg_l():
    assert to_base("crp", 1.5, "mg/dL") == pytest.approx(15)
    assert from_base("crp", 15, "mg/dL") == pytest.approx(1.5)


def test_height_feet_and_inches():
    assert to_base("length", 1, "[in_i]") == pytest.approx(2.54)
    assert to_base("length", 6, "[ft_i]") == pytest.approx(182.88)


def test_fluid_volume_litres_to_millilitres():
    assert to_base("fluid-volume", 2.5, "L") == pytest.approx(2500)


@pytest.mark.parametrize(
    ("name", "unit"),
    [(name, unit) for name, q in QUANTITIES.items() for unit in q.units],
)
@pytest.mark.parametrize("value", [0.7, 5.5, 48, 98.6, 212.25])
def test_every_unit_round_trips(name, unit, value):
    back = from_base(name, to_base(name, value, unit), unit)
    assert back == pytest.approx(value, rel=1e-12, abs=1e-12)


def test_convert_between_two_non_base_units():
    # 10 st = 140 lb.
    assert convert("body-mass", 10, from_unit="[stone_av]", to_unit="[lb_av]") == pytest.approx(140)


def test_the_base_unit_is_offered_first_and_is_an_identity():
    for quantity in QUANTITIES.values():
        assert quantity.units[0] == quantity.base
        assert to_base(quantity.name, 12.5, quantity.base) == 12.5


def test_unknown_unit_and_quantity_are_refused():
    with pytest.raises(UnknownUnit):
        to_base("glucose", 5, "[lb_av]")
    with pytest.raises(UnknownUnit):
        to_base("cholesterol", 5, "mmol/L")


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_non_finite_values_are_refused(value):
    with pytest.raises(ValueError, match="finite"):
        to_base("body-mass", value, "kg")

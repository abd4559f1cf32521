"""Unit conversion for home measurements: what people type (mg/dL, lb, °F, %) to the one
UCUM unit each observation is stored in, and back for showing values in the unit a person
prefers. Pure: no Django, no database; every factor is a named constant with its source.

A *quantity* names what is measured (glucose, HbA1c, body mass…), because the same unit
converts differently for different things: 1 mg/dL of glucose is not 1 mg/dL of CRP in
mmol/L terms. Each quantity has a base unit (the stored UCUM unit) and the units people
may type. Units are UCUM codes ([lb_av], [degF], [stone_av]…).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

# --- Published factors -------------------------------------------------------------------------

# The avoirdupois pound is exactly 0.453 592 37 kg (International Yard and Pound Agreement,
# 1959; NIST Handbook 44, Appendix C), and a stone is 14 pounds (UK Weights and Measures
# Act 1985, Schedule 1).
KG_PER_POUND = 0.45359237
POUNDS_PER_STONE = 14

# Glucose C6H12O6 has a molar mass of 180.156 g/mol (6 × 12.011 + 12 × 1.008 + 6 × 15.999,
# IUPAC standard atomic weights), so 1 mmol/L = 180.156 mg/L = 18.0156 mg/dL, which we round
# to 18.016 (meter manuals and clinical tables round further, to 18.02 or 18). The factor is
# glucose's own: other analytes in mg/dL convert by their own molar mass.
GLUCOSE_MG_DL_PER_MMOL_L = 18.016

# HbA1c: the IFCC-NGSP master equation, NGSP (%) = 0.09148 × IFCC (mmol/mol) + 2.152, so
# IFCC = (NGSP − 2.152) / 0.09148. Hoelzel W et al., "IFCC reference system for
# measurement of hemoglobin A1c in human blood and the national standardization schemes in
# the United States, Japan, and Sweden", Clin Chem 2004;50:166-174; NGSP "IFCC Standardization
# of HbA1c" (ngsp.org/ifccngsp.asp). Check values: 6.5% = 48, 7.0% = 53, 8.0% = 64 mmol/mol.
HBA1C_NGSP_SLOPE = 0.09148
HBA1C_NGSP_INTERCEPT = 2.152

# Mass concentration: 1 dL = 0.1 L, so 1 mg/dL = 10 mg/L (SI definition of the litre).
MG_L_PER_MG_DL = 10.0

# Length: 1 inch is exactly 2.54 cm (1959 agreement), 12 inches to the foot.
CM_PER_INCH = 2.54
INCHES_PER_FOOT = 12

# Volume: 1 L = 1000 mL.
ML_PER_L = 1000.0


def fahrenheit_from_celsius(celsius: float) -> float:
    """°F = °C × 9/5 + 32 (the definition of the Fahrenheit scale against Celsius)."""
    return celsius * 9 / 5 + 32


def celsius_from_fahrenheit(fahrenheit: float) -> float:
    return (fahrenheit - 32) * 5 / 9


def ifcc_from_ngsp(percent: float) -> float:
    """HbA1c in mmol/mol (IFCC) from % (DCCT/NGSP), by the master equation."""
    return (percent - HBA1C_NGSP_INTERCEPT) / HBA1C_NGSP_SLOPE


def ngsp_from_ifcc(mmol_per_mol: float) -> float:
    """HbA1c in % (DCCT/NGSP) from mmol/mol (IFCC), by the master equation."""
    return HBA1C_NGSP_SLOPE * mmol_per_mol + HBA1C_NGSP_INTERCEPT


# --- Quantities ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Scale:
    """One unit a quantity may be typed in, and how to reach the base unit and back."""

    unit: str
    to_base: Callable[[float], float]
    from_base: Callable[[float], float]
    # How many decimals a value typed or shown in this unit sensibly has.
    decimals: int


def _same(value: float) -> float:
    return value


def _times(factor: float) -> tuple[Callable[[float], float], Callable[[float], float]]:
    return (lambda value: value * factor), (lambda value: value / factor)


def _scale(unit: str, factor: float, decimals: int) -> Scale:
    to_base, from_base = _times(factor)
    return Scale(unit, to_base, from_base, decimals)


@dataclass(frozen=True)
class Quantity:
    """What is measured, its stored (base) UCUM unit and the units people may type."""

    name: str
    base: str
    scales: tuple[Scale, ...]

    @property
    def units(self) -> tuple[str, ...]:
        return tuple(scale.unit for scale in self.scales)

    def scale(self, unit: str) -> Scale:
        for scale in self.scales:
            if scale.unit == unit:
                return scale
        raise UnknownUnit(f"{self.name} cannot be given in {unit!r}; use one of {self.units}")


class UnknownUnit(ValueError):
    """A unit that the quantity does not offer."""


def _base(unit: str, decimals: int) -> Scale:
    return Scale(unit, _same, _same, decimals)


QUANTITIES: dict[str, Quantity] = {
    quantity.name: quantity
    for quantity in (
        Quantity(
            "body-mass",
            "kg",
            (
                _base("kg", 1),
                _scale("[lb_av]", KG_PER_POUND, 1),
                _scale("[stone_av]", KG_PER_POUND * POUNDS_PER_STONE, 2),
            ),
        ),
        Quantity(
            "glucose",
            "mmol/L",
            (_base("mmol/L", 1), _scale("mg/dL", 1 / GLUCOSE_MG_DL_PER_MMOL_L, 0)),
        ),
        Quantity(
            "hba1c",
            "mmol/mol",
            (_base("mmol/mol", 0), Scale("%", ifcc_from_ngsp, ngsp_from_ifcc, 1)),
        ),
        Quantity("crp", "mg/L", (_base("mg/L", 1), _scale("mg/dL", MG_L_PER_MG_DL, 2))),
        Quantity(
            "temperature",
            "Cel",
            (_base("Cel", 1), Scale("[degF]", celsius_from_fahrenheit, fahrenheit_from_celsius, 1)),
        ),
        Quantity(
            "length",
            "cm",
            (
                _base("cm", 1),
                _scale("[in_i]", CM_PER_INCH, 1),
                _scale("[ft_i]", CM_PER_INCH * INCHES_PER_FOOT, 2),
            ),
        ),
        Quantity("fluid-volume", "mL", (_base("mL", 0), _scale("L", ML_PER_L, 2))),
        Quantity("pressure", "mm[Hg]", (_base("mm[Hg]", 0),)),
        Quantity("heart-rate", "/min", (_base("/min", 0),)),
        Quantity("peak-flow", "L/min", (_base("L/min", 0),)),
        # Some home spirometers show FEV1 in mL.
        Quantity("lung-volume", "L", (_base("L", 2), _scale("mL", 1 / ML_PER_L, 0))),
    )
}


def quantity(name: str) -> Quantity:
    try:
        return QUANTITIES[name]
    except KeyError:
        raise UnknownUnit(f"unknown quantity {name!r}") from None


def to_base(name: str, value: float, unit: str) -> float:
    """`value` typed in `unit`, in the quantity's stored unit (not rounded)."""
    if not math.isfinite(value):
        raise ValueError("a value must be a finite number")
    return quantity(name).scale(unit).to_base(value)


def from_base(name: str, value: float, unit: str) -> float:
    """A stored value of the quantity, in `unit` (not rounded)."""
    return quantity(name).scale(unit).from_base(value)


def convert(name: str, value: float, *, from_unit: str, to_unit: str) -> float:
    """`value` of quantity `name` from one of its units to another (not rounded)."""
    return from_base(name, to_base(name, value, from_unit), to_unit)


# --- Stones and pounds -----------------------------------------------------------------------


def stones_from_stones_and_pounds(stones: float, pounds: float) -> float:
    """12 st 8 lb → 12.571… st (typed as two numbers, converted as one)."""
    return stones + pounds / POUNDS_PER_STONE


def stones_and_pounds(kilograms: float, *, pound_decimals: int = 1) -> tuple[int, float]:
    """A weight in kg as whole stones and pounds: 80 kg → (12, 8.4). Pounds are rounded to
    `pound_decimals`, carrying into stones at 14 lb."""
    total_pounds = round(kilograms / KG_PER_POUND, pound_decimals)
    stones = int(total_pounds // POUNDS_PER_STONE)
    pounds = round(total_pounds - stones * POUNDS_PER_STONE, pound_decimals)
    if pounds >= POUNDS_PER_STONE:
        stones, pounds = stones + 1, round(pounds - POUNDS_PER_STONE, pound_decimals)
    return stones, pounds

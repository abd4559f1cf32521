"""Home measurements and near-patient tests: what a patient (or a carer) can record, in
which units, and the write path that checks, converts and stores them.

A measurement kind (blood pressure, weight, glucose…) has one or more parts, each stored as
one observation in the catalogue's UCUM unit. People may type another unit (lb, mg/dL, °F);
the value is converted (coproduce/observations/units.py) and checked against the
catalogue's plausible range, and an error names the value in the unit the person typed.
Nothing is stored unless every part passes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coproduce.access.models import CarerScope
from coproduce.access.policy import PatientAccess
from coproduce.accounts.models import Role, User
from coproduce.alerts.services import alerts_for_observations
from coproduce.core.audit import AuditAction, audit_record
from coproduce.core.clock import now
from coproduce.observations import units
from coproduce.observations.catalogue import code_info
from coproduce.observations.models import (
    Observation,
    ObservationSource,
    UnitPreference,
)
from coproduce.observations.services import FUTURE_TOLERANCE, observation_record

# --- What can be recorded ----------------------------------------------------------------------


@dataclass(frozen=True)
class Part:
    """One number of a measurement, stored as one observation."""

    name: str  # the form field
    code: str  # the observation code (catalogue.toml)
    label: Promise
    quantity: str  # units.QUANTITIES
    # "A weight of %(value)s is not possible." — the value with the unit typed.
    impossible: Promise
    required: bool = True

    @property
    def units(self) -> tuple[str, ...]:
        return units.quantity(self.quantity).units


@dataclass(frozen=True)
class MeasurementKind:
    slug: str
    title: Promise
    hint: Promise
    parts: tuple[Part, ...]

    def part(self, name: str) -> Part:
        return next(part for part in self.parts if part.name == name)


SYSTOLIC = Part(
    "systolic",
    "loinc:8480-6",
    gettext_lazy("Top number (systolic)"),
    "pressure",
    gettext_lazy("A top number of %(value)s is not possible."),
)
DIASTOLIC = Part(
    "diastolic",
    "loinc:8462-4",
    gettext_lazy("Bottom number (diastolic)"),
    "pressure",
    gettext_lazy("A bottom number of %(value)s is not possible."),
)
PULSE = Part(
    "pulse",
    "loinc:8867-4",
    gettext_lazy("Pulse (heart beats per minute)"),
    "heart-rate",
    gettext_lazy("A pulse of %(value)s is not possible."),
    required=False,
)

KINDS: dict[str, MeasurementKind] = {
    kind.slug: kind
    for kind in (
        MeasurementKind(
            "blood-pressure",
            gettext_lazy("Blood pressure"),
            gettext_lazy("Sit quietly for 5 minutes first. Type the numbers your monitor shows."),
            (SYSTOLIC, DIASTOLIC, PULSE),
        ),
        MeasurementKind(
            "weight",
            gettext_lazy("Weight"),
            gettext_lazy("Weigh yourself at the same time of day, in light clothes."),
            (
                Part(
                    "weight",
                    "loinc:29463-7",
                    gettext_lazy("Weight"),
                    "body-mass",
                    gettext_lazy("A weight of %(value)s is not possible."),
                ),
            ),
        ),
        MeasurementKind(
            "glucose",
            gettext_lazy("Blood sugar (glucose)"),
            gettext_lazy("From a finger-prick meter."),
            (
                Part(
                    "glucose",
                    "loinc:15074-8",
                    gettext_lazy("Blood sugar"),
                    "glucose",
                    gettext_lazy("A blood sugar of %(value)s is not possible."),
                ),
            ),
        ),
        MeasurementKind(
            "hba1c",
            gettext_lazy("HbA1c (home test)"),
            gettext_lazy("Your average blood sugar over about 3 months, from a home test kit."),
            (
                Part(
                    "hba1c",
                    "loinc:59261-8",
                    gettext_lazy("HbA1c"),
                    "hba1c",
                    gettext_lazy("An HbA1c of %(value)s is not possible."),
                ),
            ),
        ),
        MeasurementKind(
            "crp",
            gettext_lazy("CRP (finger-prick test)"),
            gettext_lazy("C-reactive protein, a sign of inflammation, from a finger-prick test."),
            (
                Part(
                    "crp",
                    "loinc:1988-5",
                    gettext_lazy("CRP"),
                    "crp",
                    gettext_lazy("A CRP of %(value)s is not possible."),
                ),
            ),
        ),
        MeasurementKind(
            "peak-flow",
            gettext_lazy("Peak flow"),
            gettext_lazy("Blow 3 times and write down your best result."),
            (
                Part(
                    "peak_flow",
                    "coproduce:peak-expiratory-flow",
                    gettext_lazy("Peak flow"),
                    "peak-flow",
                    gettext_lazy("A peak flow of %(value)s is not possible."),
                ),
            ),
        ),
        MeasurementKind(
            "fev1",
            gettext_lazy("FEV1 (home spirometer)"),
            gettext_lazy("How much air you blow out in the first second. Use your best blow."),
            (
                Part(
                    "fev1",
                    "loinc:20150-9",
                    gettext_lazy("FEV1"),
                    "lung-volume",
                    gettext_lazy("An FEV1 of %(value)s is not possible."),
                ),
            ),
        ),
        MeasurementKind(
            "temperature",
            gettext_lazy("Temperature"),
            gettext_lazy("From a thermometer in the mouth, ear or under the arm."),
            (
                Part(
                    "temperature",
                    "loinc:8310-5",
                    gettext_lazy("Temperature"),
                    "temperature",
                    gettext_lazy("A temperature of %(value)s is not possible."),
                ),
            ),
        ),
    )
}

HOME_CODES: tuple[str, ...] = tuple(
    dict.fromkeys(part.code for kind in KINDS.values() for part in kind.parts)
)

# How units are written for people (UCUM stays the stored form).
UNIT_LABELS: dict[str, Promise | str] = {
    "kg": "kg",
    "[lb_av]": "lb",
    "[stone_av]": gettext_lazy("stones and pounds"),
    "mmol/L": "mmol/L",
    "mg/dL": "mg/dL",
    "%": "%",
    "mmol/mol": "mmol/mol",
    "mg/L": "mg/L",
    "Cel": "°C",
    "[degF]": "°F",
    "L/min": gettext_lazy("L/min"),
    "L": gettext_lazy("L"),
    "mL": gettext_lazy("mL"),
    "mm[Hg]": "mmHg",
    "/min": gettext_lazy("beats per minute"),
    "cm": "cm",
    "[in_i]": gettext_lazy("inches"),
    "[ft_i]": gettext_lazy("feet"),
}
# The short symbol written after a number ("80 kg", "176 lb", "12 st 8 lb").
UNIT_SYMBOLS: dict[str, Promise | str] = {
    **UNIT_LABELS,
    "[stone_av]": gettext_lazy("st"),
    "/min": gettext_lazy("per minute"),
}


def unit_label(unit: str) -> str:
    return str(UNIT_LABELS.get(unit, unit))


def number_words(value: float, decimals: int) -> str:
    """12.50 → '12.5'; 350.0 → '350' (no trailing zeros, no exponent)."""
    text = f"{round(value, decimals):.{max(decimals, 0)}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def value_in_unit(quantity_name: str, stored: float, unit: str) -> str:
    """A stored value written in `unit`: '176.4 lb', '12 st 8.4 lb', '99 mg/dL'."""
    if unit == "[stone_av]":
        stones, pounds = units.stones_and_pounds(stored)
        return _("%(stones)s st %(pounds)s lb") % {
            "stones": stones,
            "pounds": number_words(pounds, 1),
        }
    scale = units.quantity(quantity_name).scale(unit)
    number = number_words(scale.from_base(stored), scale.decimals)
    return f"{number} {UNIT_SYMBOLS.get(unit, unit)}".strip()


# --- Who reports into which stream -------------------------------------------------------------

# A stream is whose report a value is: the patient's own (self-report, even when a carer or
# a clinician types it in for them; `reporter` says who typed), or a carer's own view,
# which is never mixed into the patient's series.
STREAM_SOURCES = {
    "patient": ObservationSource.PATIENT,
    "carer": ObservationSource.CARER,
}


def streams_for(access: PatientAccess) -> list[str]:
    """The streams this user may record into for this patient, the usual one first."""
    if access.as_role == Role.PATIENT:
        return ["patient"]
    if access.as_role == Role.CARER:
        streams = []
        if access.can(CarerScope.REPORT_FOR_PATIENT):
            streams.append("patient")
        if access.can(CarerScope.REPORT_OWN):
            streams.append("carer")
        return streams
    if access.as_role == Role.CLINICIAN:
        # A clinician types in readings the patient took at home (e.g. read out on the
        # phone); their own measurements go through the clinician's observation page.
        return ["patient"]
    return []


def source_for(access: PatientAccess, stream: str) -> str:
    """The observation source for a stream, or PermissionDenied when the user may not
    report into it (e.g. a carer without the scope)."""
    if stream not in streams_for(access):
        raise PermissionDenied(_("You cannot record measurements for this person."))
    return STREAM_SOURCES[stream]


# --- Checking typed values ---------------------------------------------------------------------


@dataclass(frozen=True)
class Entered:
    """A number as typed, in the unit chosen (a UCUM code of the part's quantity)."""

    number: float
    unit: str


def checked_part(part: Part, entered: Entered, *, code: str | None = None) -> float:
    """The value in the stored unit, rounded as the catalogue says; ValidationError with a
    message in the unit the person typed when it cannot be right."""
    info = code_info(code or part.code)
    try:
        base = units.to_base(part.quantity, entered.number, entered.unit)
    except units.UnknownUnit:
        raise ValidationError(_("Choose one of the units in the list.")) from None
    except ValueError:
        raise ValidationError(_("Enter a number, for example 80 or 37.5.")) from None
    assert info.plausible_low is not None
    assert info.plausible_high is not None
    if info.plausible_low <= base <= info.plausible_high:
        return round(base, info.decimals)
    raise ValidationError(
        implausible_message(part, entered, info.plausible_low, info.plausible_high)
    )


def implausible_message(part: Part, entered: Entered, low: float, high: float) -> str:
    typed = value_words(part, entered)
    message = str(part.impossible) % {"value": typed}
    # Would the same number be right in another unit? Then the unit is the likely slip.
    for other in part.units:
        if other == entered.unit or other == "[stone_av]":
            continue
        if low <= units.to_base(part.quantity, entered.number, other) <= high:
            return " ".join(
                [
                    message,
                    _("Check the number and the unit — did you mean %(unit)s?")
                    % {"unit": unit_label(other)},
                ]
            )
    scale = units.quantity(part.quantity).scale(entered.unit)
    shown_unit = "lb" if entered.unit == "[stone_av]" else UNIT_SYMBOLS.get(entered.unit, "")
    if entered.unit == "[stone_av]":
        scale = units.quantity(part.quantity).scale("[lb_av]")
    expected = _("It should be between %(low)s and %(high)s %(unit)s.") % {
        "low": number_words(scale.from_base(low), scale.decimals),
        "high": number_words(scale.from_base(high), scale.decimals),
        "unit": shown_unit,
    }
    advice = _("Check the number and the unit.") if len(part.units) > 1 else _("Check the number.")
    return " ".join([message, expected, advice])


def value_words(part: Part, entered: Entered) -> str:
    if entered.unit == "[stone_av]":
        stones = int(entered.number)
        pounds = (entered.number - stones) * units.POUNDS_PER_STONE
        return _("%(stones)s st %(pounds)s lb") % {
            "stones": stones,
            "pounds": number_words(pounds, 1),
        }
    number = number_words(entered.number, 3)
    return f"{number} {UNIT_SYMBOLS.get(entered.unit, entered.unit)}".strip()


def check_effective_at(effective_at: dt.datetime) -> None:
    if effective_at.tzinfo is None:
        raise ValidationError({"effective_at": _("The time must include a time zone.")})
    if effective_at > now() + FUTURE_TOLERANCE:
        raise ValidationError(
            {"effective_at": _("This time is in the future. Enter when you took the measurement.")}
        )


def blood_pressure_problem(systolic: float, diastolic: float) -> str | None:
    if diastolic >= systolic:
        return _(
            "The bottom number (diastolic) must be lower than the top number (systolic). "
            "Check both numbers."
        )
    return None


# --- The write path ----------------------------------------------------------------------------


def measurement_record(
    *,
    access: PatientAccess,
    kind: str,
    values: Mapping[str, Entered | None],
    effective_at: dt.datetime,
    stream: str = "patient",
) -> list[Observation]:
    """Check, convert and store one home measurement (every part, or none).

    Raises ValidationError naming each faulty part (by its form field name) or
    `effective_at`; PermissionDenied when the user may not report into `stream`. The same
    measurement sent twice (a double tap) is stored once: the earlier rows are returned.
    The units chosen are remembered for the user.
    """
    source = source_for(access, stream)
    measurement = KINDS.get(kind)
    if measurement is None:
        raise ValidationError({"kind": _("Choose what you measured.")})
    errors: dict[str, str] = {}
    try:
        check_effective_at(effective_at)
    except ValidationError as error:
        errors.update({k: v[0] for k, v in error.message_dict.items()})
    stored: dict[str, float] = {}
    for part in measurement.parts:
        entered = values.get(part.name)
        if entered is None:
            if part.required:
                errors[part.name] = _("Enter the %(label)s.") % {"label": str(part.label).lower()}
            continue
        try:
            stored[part.name] = checked_part(part, entered)
        except ValidationError as error:
            errors[part.name] = error.messages[0]
    if "systolic" in stored and "diastolic" in stored:
        problem = blood_pressure_problem(stored["systolic"], stored["diastolic"])
        if problem:
            errors["diastolic"] = problem
    if errors:
        raise ValidationError(errors)
    user = access.user
    with transaction.atomic():
        earlier = same_measurement(access, measurement, stored, effective_at, source)
        if earlier:
            return earlier
        rows = [
            observation_record(
                actor=user,
                patient=access.patient,
                code=measurement.part(name).code,
                effective_at=effective_at,
                source=source,
                quantity=value,
                unit=code_info(measurement.part(name).code).unit,
            )
            for name, value in stored.items()
        ]
        if source == ObservationSource.PATIENT:  # the patient's own stream raises alerts
            alerts_for_observations(patient=access.patient, observations=rows)
        units_remember(
            user=user,
            chosen={
                measurement.part(name).code: entered.unit
                for name, entered in values.items()
                if entered is not None and name in stored
            },
        )
    return rows


def same_measurement(
    access: PatientAccess,
    measurement: MeasurementKind,
    stored: Mapping[str, float],
    effective_at: dt.datetime,
    source: str,
) -> list[Observation]:
    """The rows of an identical measurement already stored by this user at this time (a
    double tap or a resent form), or []."""
    rows = []
    for name, value in stored.items():
        row = Observation.objects.filter(
            patient=access.patient,
            code=measurement.part(name).code,
            effective_at=effective_at,
            source=source,
            reporter=access.user,
            value_quantity=value,
            is_current=True,
        ).first()
        if row is None:
            return []
        rows.append(row)
    return rows


def units_remember(*, user: User, chosen: Mapping[str, str]) -> None:
    """Remember the unit the user chose for each code (only changes are written)."""
    current = dict(
        UnitPreference.objects.filter(user=user, code__in=list(chosen)).values_list("code", "unit")
    )
    changed = {code: unit for code, unit in chosen.items() if current.get(code) != unit}
    if not changed:
        return
    with transaction.atomic():
        for code, unit in changed.items():
            UnitPreference.objects.update_or_create(
                user=user, code=code, defaults={"unit": unit, "updated_at": now()}
            )
        audit_record(
            actor=user,
            action=AuditAction.UPDATE,
            entity_type="UnitPreference",
            entity_id=user.pk,
            detail={"units": changed},
        )


def unit_preferences(user: User) -> dict[str, str]:
    """The units this user last chose, by observation code (not patient data)."""
    return dict(UnitPreference.objects.filter(user=user).values_list("code", "unit"))

"""The observation code catalogue (catalogue.toml): meanings, units, plausible ranges."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coproduce import scoring
from coproduce.core.datafiles import DataFileError, DataFileProblem, LineFinder, read_toml

CATALOGUE_PATH = Path(__file__).with_name("catalogue.toml")
KINDS = ("quantity", "coded", "text")
NAMESPACES = ("loinc:", "snomed:", "coproduce:")


@dataclass(frozen=True)
class CodeInfo:
    code: str
    display: str
    kind: str
    unit: str = ""
    plausible_low: float | None = None
    plausible_high: float | None = None
    decimals: int = 2
    values: tuple[str, ...] = ()
    confidential: bool = False

    @property
    def system(self) -> str:
        prefix = self.code.split(":", 1)[0]
        return {
            "loinc": "http://loinc.org",
            "snomed": "http://snomed.info/sct",
            "coproduce": "http://coproduce.org/fhir/CodeSystem/observation",
        }[prefix]

    @property
    def bare_code(self) -> str:
        return self.code.split(":", 1)[1]


# UCUM units as people write them, for pages and messages (UCUM stays the stored form).
UNIT_WORDS = {
    "mm[Hg]": "mmHg",
    "Cel": "°C",
    "/min": gettext_lazy("per minute"),
    "kg/m2": "kg/m²",
    "ug/g": "µg/g",
    "d": gettext_lazy("days"),
    "min": gettext_lazy("minutes"),
    "{score}": "",
    "{count}": "",
    "{grade}": "",
}


def unit_words(ucum: str) -> str:
    """'mm[Hg]' → 'mmHg'; annotations such as '{score}' → ''."""
    return str(UNIT_WORDS.get(ucum, ucum))


class ImplausibleValue(ValueError):
    """A value that cannot be right for this code; the message is shown to the user."""


def parse_catalogue(path: Path) -> dict[str, CodeInfo]:
    data, text = read_toml(path)
    lines = LineFinder(text)
    problems: list[DataFileProblem] = []
    codes: dict[str, CodeInfo] = {}

    def problem(index: int, key: str, message: str) -> None:
        problems.append(DataFileProblem(str(path), lines.key(key, "code", index), message))

    for index, entry in enumerate(data.get("code", [])):
        code = entry.get("code", "")
        if not isinstance(code, str) or not code.startswith(NAMESPACES):
            problem(index, "code", f"code {code!r} must start with one of {NAMESPACES}")
            continue
        if code in codes:
            problem(index, "code", f"code {code} appears twice")
            continue
        kind = entry.get("kind")
        if kind not in KINDS:
            problem(index, "kind", f"kind must be one of {KINDS}, not {kind!r}")
            continue
        if not entry.get("display"):
            problem(index, "display", f"{code}: display is missing")
            continue
        low = high = None
        if kind == "quantity":
            plausible = entry.get("plausible")
            if not (
                isinstance(plausible, list)
                and len(plausible) == 2
                and all(isinstance(v, int | float) for v in plausible)
                and plausible[0] < plausible[1]
            ):
                problem(
                    index, "plausible", f"{code}: plausible must be [low, high] with low < high"
                )
                continue
            if not entry.get("unit"):
                problem(index, "unit", f"{code}: a quantity needs a UCUM unit")
                continue
            low, high = float(plausible[0]), float(plausible[1])
        if kind == "coded" and not entry.get("values"):
            problem(index, "values", f"{code}: a coded observation needs its allowed values")
            continue
        codes[code] = CodeInfo(
            code=code,
            display=entry["display"],
            kind=kind,
            unit=entry.get("unit", ""),
            plausible_low=low,
            plausible_high=high,
            decimals=int(entry.get("decimals", 2)),
            values=tuple(entry.get("values", ())),
            confidential=bool(entry.get("confidential")),
        )
    if not isinstance(data.get("reviewed_on"), dt.date):
        problems.append(
            DataFileProblem(str(path), lines.key("reviewed_on"), "reviewed_on must be a date")
        )
    if problems:
        raise DataFileError(problems)
    return codes


def score_codes() -> dict[str, CodeInfo]:
    """A code for every score of every instrument (`ScoreSpec`), with its range as the
    plausible range. The reviewed file may describe a score code itself; then it wins."""
    codes: dict[str, CodeInfo] = {}
    for spec in scoring.catalogue():
        for score in spec.scores:
            code = spec.score_code(score.name)
            low = score.minimum if score.minimum is not None else -1e9
            high = score.maximum if score.maximum is not None else 1e9
            codes[code] = CodeInfo(
                code=code,
                display=score.title,
                kind="quantity",
                unit=score.unit,
                plausible_low=float(low),
                plausible_high=float(high),
                decimals=score.decimals,
            )
    return codes


@cache
def catalogue() -> dict[str, CodeInfo]:
    """Every known observation code, read once per process: the reviewed file, and the
    scores of every instrument."""
    return {**score_codes(), **parse_catalogue(CATALOGUE_PATH)}


def code_info(code: str) -> CodeInfo:
    try:
        return catalogue()[code]
    except KeyError:
        raise ImplausibleValue(
            _("Unknown observation code %(code)s.") % {"code": repr(code)}
        ) from None


def check_quantity(info: CodeInfo, value: float, unit: str) -> float:
    """The value if plausible for the code, else ImplausibleValue with a plain message."""
    if info.kind != "quantity":
        raise ImplausibleValue(_("%(display)s is not a number.") % {"display": info.display})
    if unit != info.unit:
        raise ImplausibleValue(
            _("%(display)s is recorded in %(unit)s, not %(given)s.")
            % {"display": info.display, "unit": unit_words(info.unit), "given": unit_words(unit)}
        )
    if not math.isfinite(value):
        raise ImplausibleValue(_("%(display)s must be a number.") % {"display": info.display})
    assert info.plausible_low is not None
    assert info.plausible_high is not None
    if not info.plausible_low <= value <= info.plausible_high:
        unit_text = f" {unit_words(info.unit)}".rstrip()
        raise ImplausibleValue(
            _(
                "%(display)s of %(value)s%(unit)s is not possible. "
                "Expected %(low)s to %(high)s%(unit)s. Check the number and the unit."
            )
            % {
                "display": info.display,
                "value": f"{value:g}",
                "unit": unit_text,
                "low": f"{info.plausible_low:g}",
                "high": f"{info.plausible_high:g}",
            }
        )
    return round(value, info.decimals)


def check_code(info: CodeInfo, value: str) -> str:
    if info.kind != "coded":
        raise ImplausibleValue(_("%(display)s is not a coded value.") % {"display": info.display})
    if value not in info.values:
        raise ImplausibleValue(
            _("%(display)s: choose one of %(values)s.")
            % {"display": info.display, "values": ", ".join(info.values)}
        )
    return value

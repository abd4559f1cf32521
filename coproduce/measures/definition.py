"""Reading and validating quality-measure files into frozen definitions (pure: no Django).

A measure file (`definitions/<id>.toml`) is reviewed data in the manner of OpenPrescribing's
measure definitions: what is counted (numerator and denominator, or the value averaged), for
whom (population), per what period, which way is better, its target, its default chart, and
where it comes from. Every fault in a file is reported at once as `file: field: reason`.

The vocabulary is deliberately small. A denominator names one `source`:

  observation              one row per patient and period: the patient's latest current value
                           of `code` in the period (optionally only values taken
                           `after_enrolment_days = [from, to]` days after enrolment)
  due-reports              questionnaires due that closed in the period (done or missed)
  visits                   visits done in the period
  patients                 patients enrolled in the population's programmes during the period
  alerts                   alerts opened in the period
  questionnaire-responses  completed responses to `instrument` with `item` answered

and the numerator says which of those count: a `condition` on the value (`"<= 3.2"`),
`status = "completed"`, `with = "agenda"`, `with = "own-goal"`, `with = "observation"` (a
value of `code` in the period) or `acknowledged_within_hours = N`. A `[value]` table instead
of numerator/denominator makes a mean or median of the patients' latest values.

Codes, programmes and instruments are checked against the catalogues passed in by the
caller (the catalogues live in Django apps; this module stays pure).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import tomllib
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path

DEFINITIONS_DIR = Path(__file__).with_name("definitions")

KINDS = ("outcome", "process", "experience", "access", "balancing", "overuse", "cost")
PERIODS = ("month", "quarter")
DIRECTIONS = ("higher-is-better", "lower-is-better")
# Chart names of the R package qicharts2 (coproduce.spc follows its semantics).
CHARTS = ("run", "i", "mr", "xbar", "s", "t", "p", "pp", "c", "u", "up", "g")
SOURCES = (
    "observation",
    "due-reports",
    "visits",
    "patients",
    "alerts",
    "questionnaire-responses",
)
REDUCTIONS = ("latest",)
STATISTICS = ("mean", "median")
SEXES = ("female", "male")
COMPARISONS = ("<", "<=", ">", ">=", "==")
ID_PATTERN = re.compile(r"^[a-z][a-z0-9-]{1,59}$")
VERSION_PATTERN = re.compile(r"^\d+\.\d+\.\d+$")
COMPARISON_PATTERN = re.compile(r"^\s*(<=|>=|==|<|>)\s*(-?\d+(?:\.\d+)?)\s*$")
MAX_ACKNOWLEDGE_HOURS = 24 * 30
MAX_LOOKBACK_MONTHS = 12 * 20

TOP_LEVEL_FIELDS = {
    "id",
    "version",
    "title",
    "description",
    "kind",
    "period",
    "direction",
    "target",
    "chart",
    "source",
    "licence",
    "reviewed_by",
    "reviewed_on",
    "population",
    "numerator",
    "denominator",
    "value",
}
REQUIRED_TEXT = ("id", "version", "title", "description", "source", "licence", "reviewed_by")
POPULATION_FIELDS = {"programmes", "age_min", "age_max", "sex", "requires"}
REQUIRES_FIELDS = {"code", "values", "at_least", "lookback_months"}
# Which keys each source takes in the denominator and in the numerator.
DENOMINATOR_FIELDS = {
    "observation": {"source", "code", "reduce", "after_enrolment_days"},
    "due-reports": {"source", "instrument"},
    "visits": {"source"},
    "patients": {"source"},
    "alerts": {"source"},
    "questionnaire-responses": {"source", "instrument", "item"},
}
NUMERATOR_FIELDS = {
    "observation": {"condition"},
    "due-reports": {"status"},
    "visits": {"with"},
    "patients": {"with", "code"},
    "alerts": {"acknowledged_within_hours"},
    "questionnaire-responses": {"condition"},
}
VALUE_FIELDS = {"source", "code", "reduce", "statistic", "after_enrolment_days"}
NUMERATOR_WITH = {"visits": ("agenda",), "patients": ("own-goal", "observation")}


@dataclass(frozen=True)
class Comparison:
    """A condition such as `<= 3.2`."""

    operator: str
    threshold: float

    def holds(self, value: float) -> bool:
        return {
            "<": value < self.threshold,
            "<=": value <= self.threshold,
            ">": value > self.threshold,
            ">=": value >= self.threshold,
            "==": value == self.threshold,
        }[self.operator]

    def __str__(self) -> str:
        return f"{self.operator} {self.threshold:g}"


@dataclass(frozen=True)
class Requirement:
    """The patient has at least `at_least` current values of `code` (with one of `values`,
    when given) in the `lookback_months` before the period starts."""

    code: str
    lookback_months: int
    at_least: int = 1
    values: tuple[str, ...] = ()


@dataclass(frozen=True)
class Population:
    programmes: tuple[str, ...] = ()  # empty: patients of any programme
    age_min: int | None = None  # age on the first day of the period
    age_max: int | None = None
    sex: str | None = None
    requires: Requirement | None = None


@dataclass(frozen=True)
class Denominator:
    source: str
    code: str = ""
    reduce: str = "latest"
    after_enrolment_days: tuple[int, int] | None = None
    instrument: str = ""
    item: str = ""


@dataclass(frozen=True)
class Numerator:
    condition: Comparison | None = None
    status: str = ""
    with_: str = ""
    code: str = ""
    acknowledged_within_hours: int | None = None


@dataclass(frozen=True)
class ValueSpec:
    """A mean or median of each patient's latest value of `code` in the period."""

    source: str
    code: str
    statistic: str
    reduce: str = "latest"
    after_enrolment_days: tuple[int, int] | None = None


@dataclass(frozen=True)
class MeasureDefinition:
    id: str
    version: str
    title: str
    description: str
    kind: str
    period: str
    direction: str
    chart: str
    source: str
    licence: str
    reviewed_by: str
    reviewed_on: dt.date
    population: Population
    denominator: Denominator | None = None
    numerator: Numerator | None = None
    value: ValueSpec | None = None
    target: float | None = None  # percent for a proportion, else in the value's unit
    path: str = ""
    sha256: str = field(default="", compare=False)

    @property
    def is_proportion(self) -> bool:
        return self.numerator is not None

    @property
    def statistic(self) -> str:
        return "proportion" if self.value is None else self.value.statistic

    @property
    def observation_codes(self) -> tuple[str, ...]:
        codes = []
        if self.value:
            codes.append(self.value.code)
        if self.denominator and self.denominator.source == "observation":
            codes.append(self.denominator.code)
        if self.numerator and self.numerator.code:
            codes.append(self.numerator.code)
        if self.population.requires:
            codes.append(self.population.requires.code)
        return tuple(dict.fromkeys(codes))


@dataclass(frozen=True)
class MeasureProblem:
    file: str
    field: str
    reason: str

    def __str__(self) -> str:
        where = f"{self.file}: {self.field}" if self.field else self.file
        return f"{where}: {self.reason}"


class MeasureFileError(ValueError):
    """Every problem found in one or more measure files; str() lists one per line."""

    def __init__(self, problems: list[MeasureProblem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass(frozen=True)
class Catalogues:
    """What a measure may refer to. `codes` maps observation code → kind ("quantity",
    "coded", "text"); `coded_values` maps a coded code → its allowed values; `items` maps
    instrument code → its item ids. None skips that check."""

    codes: Mapping[str, str] | None = None
    coded_values: Mapping[str, Collection[str]] | None = None
    programmes: Collection[str] | None = None
    items: Mapping[str, Collection[str]] | None = None


def parse_comparison(text: object) -> Comparison | None:
    if not isinstance(text, str):
        return None
    match = COMPARISON_PATTERN.match(text)
    if match is None:
        return None
    return Comparison(match.group(1), float(match.group(2)))


def is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


class _Checker:
    def __init__(self, name: str, catalogues: Catalogues):
        self.name = name
        self.catalogues = catalogues
        self.problems: list[MeasureProblem] = []

    def bad(self, field_name: str, reason: str) -> None:
        self.problems.append(MeasureProblem(self.name, field_name, reason))

    def unknown(self, table: Mapping, allowed: Collection[str], prefix: str = "") -> None:
        for key in sorted(set(table) - set(allowed)):
            self.bad(f"{prefix}{key}", "unknown field")

    def choice(self, table: Mapping, key: str, choices: tuple[str, ...], prefix: str = ""):
        value = table.get(key)
        if value not in choices:
            shown = f"{value!r}" if value is not None else "missing"
            self.bad(f"{prefix}{key}", f"{shown} is not one of {', '.join(choices)}")
            return None
        return value

    def code(self, table: Mapping, key: str, prefix: str, *, numeric: bool) -> str:
        code = table.get(key)
        if not isinstance(code, str) or not code:
            self.bad(f"{prefix}{key}", "an observation code is required")
            return ""
        codes = self.catalogues.codes
        if codes is not None:
            if code not in codes:
                self.bad(
                    f"{prefix}{key}",
                    f"{code!r} is not in the observation catalogue "
                    "(coproduce/observations/catalogue.toml)",
                )
            elif numeric and codes[code] != "quantity":
                self.bad(f"{prefix}{key}", f"{code!r} is not a numeric code")
        return code

    def comparison(self, table: Mapping, key: str, prefix: str) -> Comparison | None:
        raw = table.get(key)
        found = parse_comparison(raw)
        if found is None:
            shown = f'"{raw}"' if isinstance(raw, str) else "missing" if raw is None else repr(raw)
            self.bad(
                f"{prefix}{key}",
                f"{shown} is not a comparison; use one of {', '.join(COMPARISONS)} "
                'and a number, e.g. "<= 3.2"',
            )
        return found

    def day_window(self, table: Mapping, key: str, prefix: str) -> tuple[int, int] | None:
        raw = table.get(key)
        if raw is None:
            return None
        if (
            isinstance(raw, list)
            and len(raw) == 2
            and all(is_int(v) and v >= 0 for v in raw)
            and raw[0] < raw[1]
        ):
            return (raw[0], raw[1])
        self.bad(f"{prefix}{key}", "must be [from, to]: whole days after enrolment, from < to")
        return None


def _population(raw: object, check: _Checker) -> Population:
    if raw is None:
        check.bad("population", "a [population] table is required")
        return Population()
    if not isinstance(raw, dict):
        check.bad("population", "must be a table")
        return Population()
    check.unknown(raw, POPULATION_FIELDS, "population.")
    programmes = raw.get("programmes", [])
    if not (isinstance(programmes, list) and all(isinstance(p, str) for p in programmes)):
        check.bad("population.programmes", "must be a list of programme codes")
        programmes = []
    known = check.catalogues.programmes
    for code in programmes:
        if known is not None and code not in known:
            check.bad("population.programmes", f"{code!r} is not a built-in programme")
    ages = {}
    for key in ("age_min", "age_max"):
        value = raw.get(key)
        if value is not None and not (is_int(value) and 0 <= value <= 130):
            check.bad(f"population.{key}", f"{value!r} is not a whole number of years (0-130)")
            value = None
        ages[key] = value
    low, high = ages["age_min"], ages["age_max"]
    if low is not None and high is not None and low > high:
        check.bad("population.age_min", "must not be above population.age_max")
    sex = raw.get("sex")
    if sex is not None and sex not in SEXES:
        check.bad("population.sex", f"{sex!r} is not one of {', '.join(SEXES)}")
        sex = None
    requires = None
    raw_requires = raw.get("requires")
    if raw_requires is not None:
        requires = _requirement(raw_requires, check)
    return Population(
        programmes=tuple(programmes),
        age_min=ages["age_min"],
        age_max=ages["age_max"],
        sex=sex,
        requires=requires,
    )


def _requirement(raw: object, check: _Checker) -> Requirement | None:
    prefix = "population.requires."
    if not isinstance(raw, dict):
        check.bad("population.requires", "must be a table")
        return None
    check.unknown(raw, REQUIRES_FIELDS, prefix)
    code = check.code(raw, "code", prefix, numeric=False)
    values = raw.get("values", [])
    if not (isinstance(values, list) and all(isinstance(v, str) for v in values)):
        check.bad(f"{prefix}values", "must be a list of coded values")
        values = []
    allowed = (check.catalogues.coded_values or {}).get(code)
    for value in values:
        if allowed is not None and value not in allowed:
            check.bad(f"{prefix}values", f"{value!r} is not a value of {code}")
    at_least = raw.get("at_least", 1)
    if not (is_int(at_least) and at_least >= 1):
        check.bad(f"{prefix}at_least", f"{at_least!r} is not a whole number of 1 or more")
        at_least = 1
    lookback = raw.get("lookback_months")
    if not (is_int(lookback) and 1 <= lookback <= MAX_LOOKBACK_MONTHS):
        check.bad(
            f"{prefix}lookback_months",
            f"{lookback!r} is not a whole number of months (1-{MAX_LOOKBACK_MONTHS})",
        )
        lookback = 1
    return Requirement(code=code, lookback_months=lookback, at_least=at_least, values=tuple(values))


def _instrument_item(raw: Mapping, check: _Checker, prefix: str, *, item: bool) -> tuple[str, str]:
    instrument = raw.get("instrument", "")
    if not isinstance(instrument, str):
        check.bad(f"{prefix}instrument", "must be an instrument code")
        return "", ""
    items = check.catalogues.items
    if instrument and items is not None and instrument not in items:
        check.bad(f"{prefix}instrument", f"{instrument!r} is not in the instrument library")
        return instrument, ""
    if not item:
        return instrument, ""
    if not instrument:
        check.bad(f"{prefix}instrument", "an instrument code is required")
    item_id = raw.get("item")
    if not isinstance(item_id, str) or not item_id:
        check.bad(f"{prefix}item", "an item id (linkId) is required")
        return instrument, ""
    if items is not None and instrument in items and item_id not in items[instrument]:
        check.bad(
            f"{prefix}item",
            f"{instrument} has no item {item_id!r} (it has {', '.join(items[instrument])})",
        )
    return instrument, item_id


def _denominator(raw: object, check: _Checker) -> Denominator | None:
    if not isinstance(raw, dict):
        check.bad("denominator", "must be a table")
        return None
    source = check.choice(raw, "source", SOURCES, "denominator.")
    if source is None:
        return None
    check.unknown(raw, DENOMINATOR_FIELDS[source], "denominator.")
    prefix = "denominator."
    if source == "observation":
        check.choice({"reduce": raw.get("reduce", "latest")}, "reduce", REDUCTIONS, prefix)
        return Denominator(
            source=source,
            code=check.code(raw, "code", prefix, numeric=True),
            after_enrolment_days=check.day_window(raw, "after_enrolment_days", prefix),
        )
    if source in ("due-reports", "questionnaire-responses"):
        instrument, item = _instrument_item(
            raw, check, prefix, item=source == "questionnaire-responses"
        )
        return Denominator(source=source, instrument=instrument, item=item)
    return Denominator(source=source)


def _numerator(raw: object, denominator: Denominator | None, check: _Checker) -> Numerator | None:
    if not isinstance(raw, dict):
        check.bad("numerator", "must be a table")
        return None
    if denominator is None:
        return None
    source = denominator.source
    check.unknown(raw, NUMERATOR_FIELDS[source], "numerator.")
    prefix = "numerator."
    if source in ("observation", "questionnaire-responses"):
        return Numerator(condition=check.comparison(raw, "condition", prefix))
    if source == "due-reports":
        check.choice(raw, "status", ("completed",), prefix)
        return Numerator(status="completed")
    if source == "alerts":
        hours = raw.get("acknowledged_within_hours")
        if not (is_int(hours) and 1 <= hours <= MAX_ACKNOWLEDGE_HOURS):
            check.bad(
                f"{prefix}acknowledged_within_hours",
                f"{hours!r} is not a whole number of hours (1-{MAX_ACKNOWLEDGE_HOURS})",
            )
            return None
        return Numerator(acknowledged_within_hours=hours)
    with_ = check.choice(raw, "with", NUMERATOR_WITH[source], prefix)
    code = ""
    if with_ == "observation":
        code = check.code(raw, "code", prefix, numeric=False)
    elif "code" in raw:
        check.bad(f"{prefix}code", 'only used with with = "observation"')
    return Numerator(with_=with_ or "", code=code)


def _value(raw: object, check: _Checker) -> ValueSpec | None:
    if not isinstance(raw, dict):
        check.bad("value", "must be a table")
        return None
    check.unknown(raw, VALUE_FIELDS, "value.")
    check.choice(raw, "source", ("observation",), "value.")
    check.choice({"reduce": raw.get("reduce", "latest")}, "reduce", REDUCTIONS, "value.")
    statistic = check.choice(raw, "statistic", STATISTICS, "value.")
    return ValueSpec(
        source="observation",
        code=check.code(raw, "code", "value.", numeric=True),
        statistic=statistic or "mean",
        after_enrolment_days=check.day_window(raw, "after_enrolment_days", "value."),
    )


def _text(data: Mapping, key: str, check: _Checker) -> str:
    value = data.get(key)
    if value is None:
        check.bad(key, "is required")
        return ""
    if not isinstance(value, str) or not value.strip():
        check.bad(key, "must be non-empty text")
        return ""
    return value


def check_measure(
    data: Mapping, name: str, catalogues: Catalogues, *, stem: str | None = None
) -> tuple[MeasureDefinition | None, list[MeasureProblem]]:
    """Validate one parsed measure file. Returns the definition (None when there are
    problems) and every problem found."""
    check = _Checker(name, catalogues)
    check.unknown(data, TOP_LEVEL_FIELDS)
    texts = {key: _text(data, key, check) for key in REQUIRED_TEXT}
    measure_id = texts["id"]
    if measure_id and not ID_PATTERN.match(measure_id):
        check.bad("id", f"{measure_id!r} must be lower-case letters, digits and hyphens")
    elif measure_id and stem is not None and measure_id != stem:
        check.bad("id", f"{measure_id!r} must match the file name {stem!r}")
    if texts["version"] and not VERSION_PATTERN.match(texts["version"]):
        check.bad("version", f"{texts['version']!r} must look like 1.0.0")
    kind = check.choice(data, "kind", KINDS)
    period = check.choice(data, "period", PERIODS)
    direction = check.choice(data, "direction", DIRECTIONS)
    chart = check.choice(data, "chart", CHARTS)
    reviewed_on = data.get("reviewed_on")
    if not isinstance(reviewed_on, dt.date) or isinstance(reviewed_on, dt.datetime):
        check.bad("reviewed_on", "must be a date such as 2026-12-07")
        reviewed_on = None
    target = data.get("target")
    if target is not None and not is_number(target):
        check.bad("target", f"{target!r} is not a number")
        target = None
    population = _population(data.get("population"), check)

    denominator = numerator = value = None
    has_ratio = "numerator" in data or "denominator" in data
    if has_ratio and "value" in data:
        check.bad("value", "give either numerator and denominator, or value, not both")
    elif "value" in data:
        value = _value(data["value"], check)
    elif "numerator" in data and "denominator" in data:
        denominator = _denominator(data["denominator"], check)
        numerator = _numerator(data["numerator"], denominator, check)
    elif has_ratio:
        missing = "denominator" if "numerator" in data else "numerator"
        check.bad(missing, "is required with " + ({"numerator", "denominator"} - {missing}).pop())
    else:
        check.bad("numerator", "give numerator and denominator, or value")
    if value is None and target is not None and not 0 <= target <= 100:
        check.bad("target", f"{target!r} is a percentage for a proportion: 0 to 100")
    if check.problems:
        return None, check.problems
    return (
        MeasureDefinition(
            id=measure_id,
            version=texts["version"],
            title=texts["title"],
            description=texts["description"],
            kind=kind,
            period=period,
            direction=direction,
            chart=chart,
            source=texts["source"],
            licence=texts["licence"],
            reviewed_by=texts["reviewed_by"],
            reviewed_on=reviewed_on,
            population=population,
            denominator=denominator,
            numerator=numerator,
            value=value,
            target=float(target) if target is not None else None,
        ),
        [],
    )


def parse_measure(path: Path, catalogues: Catalogues) -> MeasureDefinition:
    """Read and validate one measure file; raises MeasureFileError with every problem."""
    text = path.read_text(encoding="utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise MeasureFileError(
            [MeasureProblem(path.name, "", f"not valid TOML: {error}")]
        ) from None
    definition, problems = check_measure(data, path.name, catalogues, stem=path.stem)
    if problems:
        raise MeasureFileError(problems)
    return MeasureDefinition(
        **{
            **{f: getattr(definition, f) for f in definition.__dataclass_fields__},
            "path": str(path),
            "sha256": hashlib.sha256(text.encode()).hexdigest(),
        }
    )


def parse_measures(paths: list[Path], catalogues: Catalogues) -> tuple[MeasureDefinition, ...]:
    """Validate every file before returning any; raises MeasureFileError listing every
    problem in every file (and ids used twice)."""
    problems: list[MeasureProblem] = []
    found: list[MeasureDefinition] = []
    for path in paths:
        if not path.is_file():
            problems.append(MeasureProblem(path.name, "", "no such file"))
            continue
        try:
            found.append(parse_measure(path, catalogues))
        except MeasureFileError as error:
            problems.extend(error.problems)
    seen: set[str] = set()
    for definition in found:
        if definition.id in seen:
            problems.append(MeasureProblem(Path(definition.path).name, "id", "used twice"))
        seen.add(definition.id)
    if problems:
        raise MeasureFileError(problems)
    return tuple(found)


def built_in_measure_paths() -> list[Path]:
    return sorted(DEFINITIONS_DIR.glob("*.toml"))

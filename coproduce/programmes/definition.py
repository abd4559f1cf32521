"""Reading and validating a care programme file into a frozen definition (no database)."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import asdict, dataclass
from pathlib import Path

from coproduce.alerts.advice import advice_keys
from coproduce.alerts.rules import AlertRule, parse_alert_rules
from coproduce.core.datafiles import DataFileError, DataFileProblem, LineFinder, read_toml
from coproduce.observations.catalogue import catalogue
from coproduce.scoring import catalogue as scoring_catalogue

DEFINITIONS_DIR = Path(__file__).with_name("definitions")
TOP_LEVEL_KEYS = {
    "code",
    "version",
    "title",
    "summary",
    "source",
    "licence",
    "reviewed_by",
    "reviewed_on",
    "condition",
    "measure",
    "instrument",
    "schedule",
    "alert_rule",
}
REQUIRED_KEYS = (
    "code",
    "version",
    "title",
    "summary",
    "source",
    "licence",
    "reviewed_by",
    "reviewed_on",
    "condition",
)
MEASURE_KEYS = {"code", "target_low", "target_high", "target_text", "direction"}
INSTRUMENT_KEYS = {"code", "purpose"}
SCHEDULE_KEYS = {
    "instrument",
    "every",
    "title",
    "weekday",
    "day_of_month",
    "days_before",
    "days_after",
    "due_time",
    "open_days",
    "close_days",
}
# How often a report is due (coproduce/reporting/windows.py computes the windows).
SCHEDULE_KINDS = ("weekly", "monthly", "before-visit", "after-visit")
WEEKDAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
TIME_PATTERN = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
DAY_LIMITS = {"days_before": 60, "days_after": 60, "open_days": 14, "close_days": 28}
DIRECTIONS = ("lower-is-better", "higher-is-better", "in-range", "none")
CODE_PATTERN = re.compile(r"^[a-z][a-z0-9-]{1,39}$")
VERSION_PATTERN = re.compile(r"^\d+\.\d+\.\d+$")


@dataclass(frozen=True)
class MeasureDefinition:
    code: str
    direction: str
    target_low: float | None = None
    target_high: float | None = None
    target_text: str = ""


@dataclass(frozen=True)
class ProgrammeInstrument:
    """An instrument the programme uses (a code of `coproduce.scoring.catalogue()`)."""

    code: str
    version: str
    purpose: str = ""


@dataclass(frozen=True)
class ScheduleDefinition:
    """When the programme asks for one instrument: `every` is one of SCHEDULE_KINDS;
    `due_time` is the patient's local time ("09:00"); the report opens `open_days` before
    it is due and is missed `close_days` after."""

    instrument: str
    every: str
    title: str = ""
    weekday: str = "monday"
    day_of_month: int = 1
    days_before: int = 0
    days_after: int = 0
    due_time: str = "09:00"
    open_days: int = 2
    close_days: int = 3


@dataclass(frozen=True)
class ProgrammeDefinition:
    code: str
    version: str
    title: str
    summary: str
    source: str
    licence: str
    reviewed_by: str
    reviewed_on: dt.date
    condition: dict
    measures: tuple[MeasureDefinition, ...]
    instruments: tuple[ProgrammeInstrument, ...]
    path: str
    sha256: str
    schedules: tuple[ScheduleDefinition, ...] = ()
    alert_rules: tuple[AlertRule, ...] = ()

    def as_json(self) -> dict:
        data = asdict(self)
        data["reviewed_on"] = self.reviewed_on.isoformat()
        data["measures"] = [asdict(m) for m in self.measures]
        data["instruments"] = [asdict(i) for i in self.instruments]
        data["schedules"] = [asdict(s) for s in self.schedules]
        data["alert_rules"] = [asdict(r) for r in self.alert_rules]
        return data


def parse_instruments(
    raw_instruments: object, lines: LineFinder, problem
) -> tuple[ProgrammeInstrument, ...]:
    """The `[[instrument]]` tables, each checked against the scoring catalogue."""
    known = {spec.code: spec for spec in scoring_catalogue()}
    if not isinstance(raw_instruments, list):
        problem(lines.key("instrument"), "instrument must be a list of [[instrument]] tables")
        return ()
    instruments: list[ProgrammeInstrument] = []
    for index, raw in enumerate(raw_instruments):
        for key in sorted(set(raw) - INSTRUMENT_KEYS):
            problem(
                lines.key(key, "instrument", index), f"instrument {index + 1}: unknown key {key!r}"
            )
        code = raw.get("code")
        if code not in known:
            problem(
                lines.key("code", "instrument", index),
                f"instrument {index + 1}: {code!r} is not an instrument of the scoring "
                "catalogue (coproduce.scoring.catalogue())",
            )
            continue
        if any(existing.code == code for existing in instruments):
            problem(lines.key("code", "instrument", index), f"instrument {code} appears twice")
            continue
        instruments.append(
            ProgrammeInstrument(
                code=code, version=known[code].version, purpose=str(raw.get("purpose", ""))
            )
        )
    return tuple(instruments)


def parse_schedules(
    raw_schedules: object, instruments: tuple[ProgrammeInstrument, ...], lines: LineFinder, problem
) -> tuple[ScheduleDefinition, ...]:
    """The `[[schedule]]` tables: each names an instrument of the programme's [[instrument]]
    list and how often it is due."""
    if not isinstance(raw_schedules, list):
        problem(lines.key("schedule"), "schedule must be a list of [[schedule]] tables")
        return ()
    listed = {i.code for i in instruments}
    schedules: list[ScheduleDefinition] = []
    seen: set[tuple[str, str]] = set()
    for index, raw in enumerate(raw_schedules):
        name = f"schedule {index + 1}"

        def at(key: str, index: int = index) -> int | None:
            return lines.key(key, "schedule", index)

        errors: list[str] = []

        def bad(key: str, message: str, errors=errors, name=name) -> None:
            errors.append(message)
            problem(at(key), f"{name}: {message}")

        for key in sorted(set(raw) - SCHEDULE_KEYS):
            bad(key, f"unknown key {key!r}")
        code = raw.get("instrument")
        if code not in listed:
            bad("instrument", f"instrument {code!r} is not in this programme's [[instrument]] list")
        every = raw.get("every")
        if every not in SCHEDULE_KINDS:
            bad("every", f"every must be one of {', '.join(SCHEDULE_KINDS)}")
        weekday = raw.get("weekday", "monday")
        if weekday not in WEEKDAY_NAMES:
            bad("weekday", "weekday must be a day name such as 'monday'")
        day_of_month = raw.get("day_of_month", 1)
        if not (isinstance(day_of_month, int) and 1 <= day_of_month <= 31):
            bad("day_of_month", "day_of_month must be a whole number from 1 to 31")
        due_time = raw.get("due_time", "09:00")
        if not (isinstance(due_time, str) and TIME_PATTERN.match(due_time)):
            bad("due_time", 'due_time must be a 24-hour time such as "09:00"')
        days = {}
        for key, limit in DAY_LIMITS.items():
            value = raw.get(key, ScheduleDefinition.__dataclass_fields__[key].default)
            low = 1 if key == "close_days" else 0
            if not (
                isinstance(value, int) and not isinstance(value, bool) and low <= value <= limit
            ):
                bad(key, f"{key} must be a whole number from {low} to {limit}")
            days[key] = value
        title = raw.get("title", "")
        if not isinstance(title, str) or len(title) > 120:
            bad("title", "title must be text of at most 120 characters")
        if errors:
            continue
        if (code, every) in seen:
            problem(at("instrument"), f"{name}: {code} is already scheduled {every}")
            continue
        seen.add((code, every))
        schedules.append(
            ScheduleDefinition(
                instrument=code,
                every=every,
                title=title,
                weekday=weekday,
                day_of_month=day_of_month,
                due_time=due_time,
                **days,
            )
        )
    return tuple(schedules)


def watch_problem(instruments: tuple[ProgrammeInstrument, ...], kind: str, name: str) -> str | None:
    """Why an alert rule's score, item or code does not exist (None when it does)."""
    if kind == "code":
        info = catalogue().get(name)
        if info is None:
            return "not in the observation catalogue"
        return None if info.kind == "quantity" else "not a numeric code"
    instrument_code, _, part = name.partition("/")
    if instrument_code not in {i.code for i in instruments}:
        return f"{instrument_code!r} is not in this programme's [[instrument]] list"
    spec = {s.code: s for s in scoring_catalogue()}[instrument_code]
    names = [s.name for s in spec.scores] if kind == "score" else [i.id for i in spec.items]
    if part not in names:
        return f"{instrument_code} has no {kind} {part!r} (it has {', '.join(names)})"
    return None


def parse_programme(path: Path) -> ProgrammeDefinition:
    """Validate one programme file. Raises DataFileError listing every problem with its
    file and line."""
    data, text = read_toml(path)
    lines = LineFinder(text)
    problems: list[DataFileProblem] = []

    def problem(line: int | None, message: str) -> None:
        problems.append(DataFileProblem(str(path), line, message))

    for key in sorted(set(data) - TOP_LEVEL_KEYS):
        problem(lines.key(key), f"unknown key {key!r}")
    for key in REQUIRED_KEYS:
        if key not in data:
            problem(None, f"missing required key {key!r}")
    code = data.get("code", "")
    if "code" in data and not (isinstance(code, str) and CODE_PATTERN.match(code)):
        problem(lines.key("code"), "code must be lower-case letters, digits and hyphens")
    if "code" in data and isinstance(code, str) and code != path.stem:
        problem(lines.key("code"), f"code {code!r} must match the file name {path.stem!r}")
    version = data.get("version", "")
    if "version" in data and not (isinstance(version, str) and VERSION_PATTERN.match(version)):
        problem(lines.key("version"), "version must look like 1.0.0")
    if "reviewed_on" in data and not isinstance(data["reviewed_on"], dt.date):
        problem(lines.key("reviewed_on"), "reviewed_on must be a date such as 2026-11-21")
    condition = data.get("condition", {})
    if "condition" in data and not (
        isinstance(condition, dict) and {"system", "code", "display"} <= set(condition)
    ):
        problem(lines.key("condition"), "condition needs system, code and display")

    known_codes = catalogue()
    measures: list[MeasureDefinition] = []
    seen: set[str] = set()
    raw_measures = data.get("measure", [])
    if not isinstance(raw_measures, list) or not raw_measures:
        problem(None, "a programme needs at least one [[measure]]")
        raw_measures = []
    for index, raw in enumerate(raw_measures):

        def at(key: str, index: int = index) -> int | None:
            return lines.key(key, "measure", index)

        for key in sorted(set(raw) - MEASURE_KEYS):
            problem(at(key), f"measure {index + 1}: unknown key {key!r}")
        measure_code = raw.get("code")
        if measure_code not in known_codes:
            problem(
                at("code"),
                f"measure {index + 1}: code {measure_code!r} is not in the "
                "observation catalogue (coproduce/observations/catalogue.toml)",
            )
            continue
        if measure_code in seen:
            problem(at("code"), f"measure {measure_code} appears twice")
            continue
        seen.add(measure_code)
        direction = raw.get("direction", "none")
        if direction not in DIRECTIONS:
            problem(
                at("direction"),
                f"measure {measure_code}: direction must be one of {', '.join(DIRECTIONS)}",
            )
            continue
        low, high = raw.get("target_low"), raw.get("target_high")
        info = known_codes[measure_code]
        for key, value in (("target_low", low), ("target_high", high)):
            if value is None:
                continue
            if not isinstance(value, int | float) or isinstance(value, bool):
                problem(at(key), f"measure {measure_code}: {key} must be a number")
            elif info.kind != "quantity":
                problem(at(key), f"measure {measure_code}: {key} needs a numeric code")
            elif not info.plausible_low <= value <= info.plausible_high:
                problem(
                    at(key),
                    f"measure {measure_code}: {key} {value} is outside the "
                    f"plausible range {info.plausible_low:g}-{info.plausible_high:g}",
                )
        if isinstance(low, int | float) and isinstance(high, int | float) and low >= high:
            problem(
                at("target_low"), f"measure {measure_code}: target_low must be below target_high"
            )
        measures.append(
            MeasureDefinition(
                code=measure_code,
                direction=direction,
                target_low=float(low) if isinstance(low, int | float) else None,
                target_high=float(high) if isinstance(high, int | float) else None,
                target_text=str(raw.get("target_text", "")),
            )
        )
    instruments = parse_instruments(data.get("instrument", []), lines, problem)
    schedules = parse_schedules(data.get("schedule", []), instruments, lines, problem)
    alert_rules, rule_problems = parse_alert_rules(
        data.get("alert_rule", []),
        known_watches=lambda kind, name: watch_problem(instruments, kind, name),
        known_instruments={i.code for i in instruments},
        known_advice=advice_keys(),
    )
    raw_rules = data.get("alert_rule", [])
    for found in rule_problems:
        raw = raw_rules[found.index] if found.index < len(raw_rules) else {}
        rule_id = raw.get("id") if isinstance(raw, dict) else None
        name = f"alert_rule {rule_id or found.index + 1}"
        problem(lines.key(found.key, "alert_rule", found.index), f"{name}: {found.message}")
    if problems:
        raise DataFileError(problems)
    return ProgrammeDefinition(
        code=code,
        version=version,
        title=data["title"],
        summary=data["summary"],
        source=data["source"],
        licence=data["licence"],
        reviewed_by=data["reviewed_by"],
        reviewed_on=data["reviewed_on"],
        condition=dict(condition),
        measures=tuple(measures),
        instruments=instruments,
        path=str(path),
        sha256=hashlib.sha256(text.encode()).hexdigest(),
        schedules=schedules,
        alert_rules=alert_rules,
    )


def built_in_programme_paths() -> list[Path]:
    return sorted(DEFINITIONS_DIR.glob("*.toml"))

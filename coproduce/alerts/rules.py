"""Alert rules as reviewed data, and what they say about a new report (no Django).

Programme files hold `[[alert_rule]]` tables (see `parse_alert_rules`). A rule watches one
value: a score of an instrument (`score = "pro-ctcae/nausea"`), an answered item
(`item = "phq-9/q9"`) or an observation code (`code = "loinc:29463-7"`), and fires on:

* `threshold`: the new value is at least `at_least` (or at most `at_most`);
* `worsening`: the new value is worse (higher, or lower with `worse_when = "lower"`) than
  the previous report (`against = "previous"`) or the patient's first report
  (`against = "baseline"`) by at least `by_at_least`;
* `persistence`: the last `reports` values in a row, the new one included, are all at
  least `at_least` (or at most `at_most`);
* `change`: a home measurement rose (`rise_more_than`) or fell (`fall_more_than`) by more
  than the amount against the patient's own lowest (highest) value in the `within_days`
  before it, also among the codes in `compare_with` (e.g. a dialysis patient's weight
  before a session more than 2 kg above the weight after the last one, within 2 days);
* `missing-report`: nothing reported for `days` days while enrolled (checked by the
  worker's scheduler, not at submission);
* `contact-request`: the patient answered yes to "Do you want the team to contact you?".
  It raises an alert of its own, and moves the other alerts of the same report to at
  least `raise_to`; a "no" moves high alerts of that report to `lower_to` when set. Urgent
  alerts are never lowered.

Severities are urgent, high and routine; each rule has a response-time target in hours
and keys of patient-facing advice (`coproduce/alerts/content/advice.toml`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

SEVERITIES = ("urgent", "high", "routine")  # most to least severe
SEVERITY_RANK = {name: rank for rank, name in enumerate(SEVERITIES)}
KINDS = (
    "threshold",
    "worsening",
    "persistence",
    "change",
    "missing-report",
    "contact-request",
)
WATCH_FIELDS = ("score", "item", "code")
RULE_KEYS = {
    "id",
    "title",
    "kind",
    "severity",
    "respond_within_hours",
    "advice",
    "self_care",
    *WATCH_FIELDS,
    "at_least",
    "at_most",
    "by_at_least",
    "against",
    "reports",
    "rise_more_than",
    "fall_more_than",
    "within_days",
    "days",
    "instrument",
    "raise_to",
    "lower_to",
    "worse_when",
    "compare_with",
}
ID_PATTERN = re.compile(r"^[a-z][a-z0-9-]{1,59}$")
MAX_RESPONSE_HOURS = 24 * 14


@dataclass(frozen=True)
class AlertRule:
    """One rule of a programme. `watch` is the value it looks at: "score:<instrument>/<score
    name>", "item:<instrument>/<item id>" or "code:<observation code>" (empty for
    missing-report and contact-request)."""

    id: str
    title: str
    kind: str
    severity: str
    respond_within_hours: float
    advice: str = ""
    self_care: str = ""
    watch: str = ""
    at_least: float | None = None
    at_most: float | None = None
    by_at_least: float | None = None
    against: str = "previous"
    reports: int = 2
    rise_more_than: float | None = None
    fall_more_than: float | None = None
    within_days: int = 2
    days: int = 0
    instrument: str = ""
    raise_to: str = ""
    lower_to: str = ""
    worse_when: str = "higher"
    compare_with: tuple[str, ...] = ()

    @property
    def higher_is_worse(self) -> bool:
        """For worsening: whether a rise is the bad direction (a fall for FEV1, say)."""
        return self.worse_when == "higher"

    def crosses(self, value: float) -> bool:
        if self.at_least is not None:
            return value >= self.at_least
        if self.at_most is not None:
            return value <= self.at_most
        return False


@dataclass(frozen=True)
class Reading:
    """One earlier value of the watched measure, with where it came from."""

    at: dt.datetime
    value: float
    source: str = ""


@dataclass(frozen=True)
class NewReport:
    """What a submitted questionnaire or a recorded measurement brings: values by watch
    key, and the patient's answer to "Do you want the team to contact you?" (None when not
    asked)."""

    source: str
    at: dt.datetime
    values: Mapping[str, float]
    contact_requested: bool | None = None


@dataclass(frozen=True)
class Trigger:
    """A rule that fired: at which severity (after a contact request moved it), why in
    words for the clinician, and the numbers behind it."""

    rule: AlertRule
    severity: str
    reason: str
    values: Mapping[str, object] = field(default_factory=dict)


def watch_key(kind: str, name: str) -> str:
    return f"{kind}:{name}"


def format_number(value: float) -> str:
    return f"{value:g}"


def _threshold(rule: AlertRule, value: float, earlier: Sequence[Reading]) -> str | None:
    if not rule.crosses(value):
        return None
    limit = rule.at_least if rule.at_least is not None else rule.at_most
    word = "at least" if rule.at_least is not None else "at most"
    return f"{format_number(value)} is {word} {format_number(limit)}"


def _worsening(rule: AlertRule, value: float, earlier: Sequence[Reading]) -> str | None:
    if not earlier or rule.by_at_least is None:
        return None
    reference = earlier[-1] if rule.against == "previous" else earlier[0]
    change = value - reference.value if rule.higher_is_worse else reference.value - value
    if change < rule.by_at_least:
        return None
    what = "the previous report" if rule.against == "previous" else "the first report"
    return (
        f"{format_number(value)} is {format_number(change)} worse than {what} "
        f"({format_number(reference.value)} on {reference.at.date().isoformat()})"
    )


def _persistence(rule: AlertRule, value: float, earlier: Sequence[Reading]) -> str | None:
    needed = rule.reports - 1
    if len(earlier) < needed:
        return None
    run = [r.value for r in earlier[len(earlier) - needed :]] + [value]
    if not all(rule.crosses(v) for v in run):
        return None
    limit = rule.at_least if rule.at_least is not None else rule.at_most
    word = "at least" if rule.at_least is not None else "at most"
    values = ", ".join(format_number(v) for v in run)
    return f"{rule.reports} reports in a row {word} {format_number(limit)} ({values})"


def _change(
    rule: AlertRule, value: float, earlier: Sequence[Reading], at: dt.datetime
) -> str | None:
    since = at - dt.timedelta(days=rule.within_days)
    window = [r for r in earlier if since <= r.at <= at]
    if not window:
        return None
    if rule.rise_more_than is not None:
        lowest = min(window, key=lambda r: r.value)
        if value - lowest.value > rule.rise_more_than:
            return (
                f"{format_number(value)} is {format_number(round(value - lowest.value, 3))} "
                f"above {format_number(lowest.value)} on {lowest.at.date().isoformat()} "
                f"(more than {format_number(rule.rise_more_than)} in {rule.within_days} days)"
            )
    if rule.fall_more_than is not None:
        highest = max(window, key=lambda r: r.value)
        if highest.value - value > rule.fall_more_than:
            return (
                f"{format_number(value)} is {format_number(round(highest.value - value, 3))} "
                f"below {format_number(highest.value)} on {highest.at.date().isoformat()} "
                f"(more than {format_number(rule.fall_more_than)} in {rule.within_days} days)"
            )
    return None


VALUE_CHECKS: dict[str, Callable[..., str | None]] = {
    "threshold": _threshold,
    "worsening": _worsening,
    "persistence": _persistence,
}


def history_needed(rules: Sequence[AlertRule]) -> dict[str, int]:
    """For each watched key, how many days of earlier readings evaluation needs (0: only
    the previous, first and last few reports, which the caller reads by count)."""
    needed: dict[str, int] = {}
    for rule in rules:
        if not rule.watch or rule.kind == "threshold":
            continue
        days = rule.within_days if rule.kind == "change" else 0
        for key in (rule.watch, *rule.compare_with):
            needed[key] = max(needed.get(key, 0), days)
    return needed


def moved(severity: str, *, at_least: str = "", lowered_to: str = "") -> str:
    """A severity raised to at least `at_least`, or lowered to `lowered_to` (urgent stays)."""
    if at_least and SEVERITY_RANK[at_least] < SEVERITY_RANK[severity]:
        return at_least
    if lowered_to and severity != "urgent" and SEVERITY_RANK[lowered_to] > SEVERITY_RANK[severity]:
        return lowered_to
    return severity


def evaluate(
    rules: Sequence[AlertRule],
    report: NewReport,
    history: Mapping[str, Sequence[Reading]],
) -> list[Trigger]:
    """The rules that fire for a new report. `history` holds the earlier readings of each
    watched key, oldest first, without the new report. Rules are checked in file order."""
    fired: list[Trigger] = []
    for rule in rules:
        if rule.kind not in VALUE_CHECKS and rule.kind != "change":
            continue
        value = report.values.get(rule.watch)
        if value is None:
            continue
        earlier = history.get(rule.watch, ())
        if rule.kind == "change":
            compared = [r for key in rule.compare_with for r in history.get(key, ())]
            earlier = sorted([*earlier, *compared], key=lambda r: r.at)
            reason = _change(rule, value, earlier, report.at)
        else:
            reason = VALUE_CHECKS[rule.kind](rule, value, earlier)
        if reason is not None:
            fired.append(
                Trigger(rule, rule.severity, reason, {"value": value, "watch": rule.watch})
            )
    contact = [r for r in rules if r.kind == "contact-request"]
    if report.contact_requested is True and contact:
        rule = contact[0]
        fired = [
            Trigger(t.rule, moved(t.severity, at_least=rule.raise_to), t.reason, t.values)
            for t in fired
        ]
        fired.append(Trigger(rule, rule.severity, "the patient asked the team to contact them"))
    elif report.contact_requested is False and contact and contact[0].lower_to:
        lower_to = contact[0].lower_to
        fired = [
            Trigger(t.rule, moved(t.severity, lowered_to=lower_to), t.reason, t.values)
            for t in fired
        ]
    return fired


def report_missing(
    rule: AlertRule,
    *,
    last_report_at: dt.datetime | None,
    enrolled_at: dt.datetime,
    at: dt.datetime,
) -> str | None:
    """Why a missing-report rule fires at `at` (None if it does not): nothing reported for
    `days` days, counted from the last report or, before any, from enrolment."""
    since = last_report_at or enrolled_at
    if at - since < dt.timedelta(days=rule.days):
        return None
    if last_report_at is None:
        return f"no report in the {(at - since).days} days since enrolment"
    return f"no report for {(at - since).days} days (last on {last_report_at.date().isoformat()})"


# --- Reading the [[alert_rule]] tables ----------------------------------------------------


@dataclass(frozen=True)
class RuleProblem:
    index: int  # 0-based position among the [[alert_rule]] tables
    key: str
    message: str


def _number(raw: Mapping, key: str, bad: Callable[[str, str], None]) -> float | None:
    value = raw.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        bad(key, f"{key} must be a number")
        return None
    return float(value)


def _whole(raw: Mapping, key: str, low: int, high: int, default: int, bad) -> int:
    value = raw.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        bad(key, f"{key} must be a whole number from {low} to {high}")
        return default
    return value


def parse_alert_rules(
    raw_rules: object,
    *,
    known_watches: Callable[[str, str], str | None],
    known_instruments: set[str],
    known_advice: set[str],
) -> tuple[tuple[AlertRule, ...], list[RuleProblem]]:
    """Read `[[alert_rule]]` tables. `known_watches(kind, name)` returns None when the score,
    item or code exists, else why not. Returns the rules and every problem found."""
    problems: list[RuleProblem] = []
    if not isinstance(raw_rules, list):
        return (), [RuleProblem(0, "alert_rule", "alert_rule must be [[alert_rule]] tables")]
    rules: list[AlertRule] = []
    seen: set[str] = set()
    for index, raw in enumerate(raw_rules):
        if not isinstance(raw, dict):
            problems.append(RuleProblem(index, "alert_rule", "each alert_rule must be a table"))
            continue
        errors: list[str] = []

        def bad(key: str, message: str, index: int = index, errors: list = errors) -> None:
            errors.append(message)
            problems.append(RuleProblem(index, key, message))

        for key in sorted(set(raw) - RULE_KEYS):
            bad(key, f"unknown key {key!r}")
        rule_id = raw.get("id")
        if not (isinstance(rule_id, str) and ID_PATTERN.match(rule_id)):
            bad("id", "id must be lower-case letters, digits and hyphens")
        elif rule_id in seen:
            bad("id", f"id {rule_id!r} is used twice")
        title = raw.get("title")
        if not (isinstance(title, str) and 0 < len(title) <= 120):
            bad("title", "title must be text of 1 to 120 characters")
        kind = raw.get("kind")
        if kind not in KINDS:
            bad("kind", f"kind must be one of {', '.join(KINDS)}")
        severity = raw.get("severity")
        if severity not in SEVERITIES:
            bad("severity", f"severity must be one of {', '.join(SEVERITIES)}")
        hours = _number(raw, "respond_within_hours", bad)
        if hours is None and "respond_within_hours" not in raw:
            bad("respond_within_hours", "respond_within_hours is required")
        elif hours is not None and not 0 < hours <= MAX_RESPONSE_HOURS:
            bad("respond_within_hours", f"respond_within_hours must be 0 to {MAX_RESPONSE_HOURS}")
        for key in ("advice", "self_care"):
            value = raw.get(key, "")
            if value and value not in known_advice:
                bad(key, f"{key} {value!r} is not in the advice content file")
        watches = [k for k in WATCH_FIELDS if k in raw]
        watch = ""
        needs_watch = kind in ("threshold", "worsening", "persistence", "change")
        if needs_watch and len(watches) != 1:
            bad("kind", f"a {kind} rule needs exactly one of score, item or code")
        elif not needs_watch and watches:
            bad(watches[0], f"a {kind} rule watches no value; remove {watches[0]}")
        elif needs_watch:
            name = raw[watches[0]]
            why = known_watches(watches[0], name) if isinstance(name, str) else "must be text"
            if why:
                bad(watches[0], f"{watches[0]} {name!r}: {why}")
            elif watches[0] == "item" and kind != "threshold":
                bad("item", f"a {kind} rule needs a score or code (items have no history)")
            else:
                watch = watch_key(watches[0], name)
        at_least = _number(raw, "at_least", bad)
        at_most = _number(raw, "at_most", bad)
        if kind in ("threshold", "persistence") and (at_least is None) == (at_most is None):
            bad("at_least", f"a {kind} rule needs one of at_least or at_most")
        by_at_least = _number(raw, "by_at_least", bad)
        if kind == "worsening" and (by_at_least is None or by_at_least <= 0):
            bad("by_at_least", "a worsening rule needs by_at_least above 0")
        worse_when = raw.get("worse_when", "higher")
        if worse_when not in ("higher", "lower"):
            bad("worse_when", "worse_when must be higher or lower")
        against = raw.get("against", "previous")
        if against not in ("previous", "baseline"):
            bad("against", "against must be previous or baseline")
        reports = _whole(raw, "reports", 2, 12, 2, bad)
        rise = _number(raw, "rise_more_than", bad)
        fall = _number(raw, "fall_more_than", bad)
        if kind == "change" and rise is None and fall is None:
            bad("rise_more_than", "a change rule needs rise_more_than or fall_more_than")
        within_days = _whole(raw, "within_days", 1, 90, 2, bad)
        compare_with = raw.get("compare_with", [])
        if not isinstance(compare_with, list) or (kind != "change" and compare_with):
            bad("compare_with", "compare_with is a list of codes, for a change rule")
            compare_with = []
        for code in compare_with:
            why = known_watches("code", code) if isinstance(code, str) else "must be text"
            if why:
                bad("compare_with", f"compare_with {code!r}: {why}")
        days = _whole(raw, "days", 0, 365, 0, bad)
        if kind == "missing-report" and days < 1:
            bad("days", "a missing-report rule needs days (1 to 365)")
        instrument = raw.get("instrument", "")
        if instrument and instrument not in known_instruments:
            bad("instrument", f"instrument {instrument!r} is not in this programme")
        for key in ("raise_to", "lower_to"):
            value = raw.get(key, "")
            if value and value not in SEVERITIES:
                bad(key, f"{key} must be one of {', '.join(SEVERITIES)}")
            elif value and kind != "contact-request":
                bad(key, f"{key} belongs to a contact-request rule")
        if errors:
            continue
        seen.add(rule_id)
        rules.append(
            AlertRule(
                id=rule_id,
                title=title,
                kind=kind,
                severity=severity,
                respond_within_hours=hours,
                advice=raw.get("advice", ""),
                self_care=raw.get("self_care", ""),
                watch=watch,
                at_least=at_least,
                at_most=at_most,
                by_at_least=by_at_least,
                against=against,
                reports=reports,
                rise_more_than=rise,
                fall_more_than=fall,
                within_days=within_days,
                days=days,
                instrument=instrument,
                raise_to=raw.get("raise_to", ""),
                lower_to=raw.get("lower_to", ""),
                worse_when=worse_when,
                compare_with=tuple(watch_key("code", c) for c in compare_with),
            )
        )
    if sum(1 for r in rules if r.kind == "contact-request") > 1:
        problems.append(RuleProblem(0, "kind", "at most one contact-request rule per programme"))
    return tuple(rules), problems


def rule_from_json(data: Mapping) -> AlertRule:
    """An AlertRule from its stored form (`dataclasses.asdict`)."""
    return AlertRule(**{**data, "compare_with": tuple(data.get("compare_with", ()))})

"""Alert rule semantics, one kind at a time, on hand-made histories (no database)."""

import datetime as dt

import pytest

from coproduce.alerts.rules import (
    AlertRule,
    NewReport,
    Reading,
    evaluate,
    history_needed,
    moved,
    parse_alert_rules,
    report_missing,
)

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
WATCH = "score:phq-9/total"


def rule(**fields):
    base = {
        "id": "r",
        "title": "R",
        "kind": "threshold",
        "severity": "high",
        "respond_within_hours": 8,
        "watch": WATCH,
    }
    return AlertRule(**{**base, **fields})


def report(value, *, at=T0, contact=None, watch=WATCH):
    return NewReport(
        source="QuestionnaireResponse/9", at=at, values={watch: value}, contact_requested=contact
    )


def readings(*values, start=T0 - dt.timedelta(days=7 * 10), step=dt.timedelta(days=7)):
    return [Reading(at=start + i * step, value=v) for i, v in enumerate(values)]


def fired(rules, new, history=None):
    return [(t.rule.id, t.severity) for t in evaluate(rules, new, {WATCH: history or []})]


@pytest.mark.parametrize(("value", "fires"), [(19, False), (20, True), (27, True)])
def test_threshold_at_least_fires_from_the_limit_itself(value, fires):
    assert bool(fired([rule(at_least=20)], report(value))) is fires


@pytest.mark.parametrize(("value", "fires"), [(3.1, False), (3.0, True), (2.2, True)])
def test_threshold_at_most_fires_at_and_below_the_limit(value, fires):
    low = rule(at_most=3.0, watch="code:loinc:15074-8")
    new = report(value, watch="code:loinc:15074-8")
    assert bool(evaluate([low], new, {})) is fires


def test_a_rule_whose_value_is_not_in_the_report_stays_silent():
    assert fired([rule(at_least=1)], report(5, watch="score:gad-7/total")) == []


def test_worsening_against_the_previous_report():
    worse = rule(kind="worsening", by_at_least=5)
    assert fired([worse], report(14), readings(2, 9)) == [("r", "high")]  # 14 - 9 = 5
    assert fired([worse], report(13), readings(2, 9)) == []  # 4 is not enough
    assert fired([worse], report(14), []) == []  # nothing to compare with


def test_worsening_against_the_baseline_uses_the_first_report():
    worse = rule(kind="worsening", by_at_least=5, against="baseline")
    assert fired([worse], report(12), readings(7, 20, 15)) == [("r", "high")]  # 12 - 7
    assert fired([worse], report(11), readings(7, 20, 15)) == []


def test_worsening_when_lower_is_worse_looks_at_a_fall():
    fev1 = rule(kind="worsening", by_at_least=0.3, worse_when="lower")
    assert fired([fev1], report(2.1), readings(2.5)) == [("r", "high")]  # fell by 0.4
    assert fired([fev1], report(2.9), readings(2.5)) == []  # rose


def test_persistence_needs_the_whole_run_including_the_new_report():
    lasting = rule(kind="persistence", at_least=15, reports=3)
    assert fired([lasting], report(16), readings(9, 15, 18)) == [("r", "high")]
    assert fired([lasting], report(16), readings(15, 14, 18)) == []  # broken by 14
    assert fired([lasting], report(16), readings(18)) == []  # only two reports so far
    assert fired([lasting], report(14), readings(15, 18)) == []  # the new one is below


def test_change_compares_with_the_lowest_value_in_the_window_and_related_codes():
    gain = rule(
        kind="change",
        watch="code:before",
        rise_more_than=2.0,
        within_days=2,
        compare_with=("code:after",),
    )
    new = NewReport(source="DialysisSession/3", at=T0, values={"code:before": 72.6})
    history = {
        "code:before": [Reading(T0 - dt.timedelta(days=2, hours=1), 70.0)],  # outside 2 days
        "code:after": [Reading(T0 - dt.timedelta(days=2), 70.5)],  # exactly 2 days: inside
    }
    triggers = evaluate([gain], new, history)
    assert [t.rule.id for t in triggers] == ["r"]  # 72.6 - 70.5 = 2.1 > 2.0
    assert "2.1 above 70.5" in triggers[0].reason
    history["code:after"] = [Reading(T0 - dt.timedelta(days=1), 70.6)]  # gain 2.0: not more
    assert evaluate([gain], new, history) == []


def test_change_can_watch_a_fall():
    drop = rule(kind="change", watch=WATCH, fall_more_than=0.3, within_days=7)
    history = readings(2.4, 2.5, start=T0 - dt.timedelta(days=6), step=dt.timedelta(days=3))
    assert fired([drop], report(2.1), history) == [("r", "high")]  # 2.5 - 2.1 = 0.4
    assert fired([drop], report(2.3), history) == []


def test_missing_report_counts_from_the_last_report_or_from_enrolment():
    missing = rule(kind="missing-report", days=10, watch="")
    enrolled = T0 - dt.timedelta(days=30)
    at = T0
    assert (
        report_missing(
            missing, last_report_at=T0 - dt.timedelta(days=9), enrolled_at=enrolled, at=at
        )
        is None
    )
    why = report_missing(
        missing, last_report_at=T0 - dt.timedelta(days=10), enrolled_at=enrolled, at=at
    )
    assert why == "no report for 10 days (last on 2026-02-20)"
    assert (
        report_missing(missing, last_report_at=None, enrolled_at=T0 - dt.timedelta(days=3), at=at)
        is None
    )
    assert "since enrolment" in report_missing(
        missing, last_report_at=None, enrolled_at=enrolled, at=at
    )


def test_a_contact_request_raises_its_own_alert_and_the_others_to_high():
    nausea = rule(id="nausea", at_least=1, severity="routine")
    contact = rule(
        id="contact",
        kind="contact-request",
        watch="",
        severity="high",
        raise_to="high",
        lower_to="routine",
    )
    assert fired([nausea, contact], report(1, contact=True)) == [
        ("nausea", "high"),
        ("contact", "high"),
    ]


def test_saying_no_to_contact_lowers_high_alerts_but_never_urgent_ones():
    high = rule(id="high", at_least=1, severity="high")
    urgent = rule(id="urgent", at_least=1, severity="urgent")
    contact = rule(id="contact", kind="contact-request", watch="", lower_to="routine")
    assert fired([high, urgent, contact], report(2, contact=False)) == [
        ("high", "routine"),
        ("urgent", "urgent"),
    ]
    assert fired([high, urgent, contact], report(2, contact=None)) == [
        ("high", "high"),
        ("urgent", "urgent"),
    ]


def test_moved_severities():
    assert moved("routine", at_least="high") == "high"
    assert moved("urgent", at_least="high") == "urgent"
    assert moved("high", lowered_to="routine") == "routine"
    assert moved("urgent", lowered_to="routine") == "urgent"


def test_history_needed_names_each_watched_key_with_its_days():
    rules = [
        rule(at_least=1),
        rule(id="w", kind="worsening", by_at_least=2),
        rule(
            id="c",
            kind="change",
            watch="code:a",
            rise_more_than=1,
            within_days=5,
            compare_with=("code:b",),
        ),
    ]
    assert history_needed(rules) == {WATCH: 0, "code:a": 5, "code:b": 5}


# --- Reading [[alert_rule]] tables ---------------------------------------------------------


def parse(*tables):
    def known(kind, name):
        return None if name in {"phq-9/total", "phq-9/9", "loinc:8480-6"} else "unknown"

    return parse_alert_rules(
        list(tables), known_watches=known, known_instruments={"phq-9"}, known_advice={"calm"}
    )


GOOD = {
    "id": "severe",
    "title": "Severe",
    "kind": "threshold",
    "score": "phq-9/total",
    "at_least": 20,
    "severity": "high",
    "respond_within_hours": 24,
    "advice": "calm",
}


def test_a_good_rule_is_read():
    rules, problems = parse(GOOD)
    assert problems == []
    assert rules[0].watch == "score:phq-9/total"
    assert rules[0].at_least == 20.0


@pytest.mark.parametrize(
    ("change", "key", "message"),
    [
        ({"severity": "critical"}, "severity", "severity must be one of urgent, high, routine"),
        ({"kind": "sometimes"}, "kind", "kind must be one of"),
        ({"score": "phq-9/nothing"}, "score", "score 'phq-9/nothing': unknown"),
        ({"at_least": "twenty"}, "at_least", "at_least must be a number"),
        ({"respond_within_hours": 0}, "respond_within_hours", "respond_within_hours must be"),
        ({"advice": "shout"}, "advice", "advice 'shout' is not in the advice content file"),
        ({"colour": "red"}, "colour", "unknown key 'colour'"),
        ({"id": "Bad Id"}, "id", "id must be lower-case"),
        ({"at_most": 3}, "at_least", "needs one of at_least or at_most"),
        ({"kind": "worsening"}, "by_at_least", "needs by_at_least above 0"),
        ({"kind": "persistence", "item": "phq-9/9", "score": None}, "", ""),
    ],
)
def test_each_problem_names_the_rule_key_and_reason(change, key, message):
    table = {k: v for k, v in {**GOOD, **change}.items() if v is not None}
    rules, problems = parse(table)
    assert rules == ()
    if not key:  # an item has no history: only thresholds may watch one
        assert any("needs a score or code" in p.message for p in problems)
        return
    assert any(p.key == key and message in p.message for p in problems), problems
    assert all(p.index == 0 for p in problems)


def test_two_rules_with_one_id_are_refused():
    rules, problems = parse(GOOD, GOOD)
    assert [r.id for r in rules] == ["severe"]
    assert problems[0].index == 1
    assert "used twice" in problems[0].message

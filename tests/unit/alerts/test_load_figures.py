"""The arithmetic of alert load and the what-if view, on cases worked out by hand."""

import ast
import datetime as dt
from pathlib import Path

from coproduce.alerts import load_figures
from coproduce.alerts.load_figures import (
    Firing,
    alerts_opened,
    median,
    median_hours,
    missed,
    per_100,
    rounded,
    share,
)

T0 = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)


def day(n: int, hours: float = 0) -> dt.datetime:
    return T0 + dt.timedelta(days=n, hours=hours)


def test_rounding_is_half_up_like_by_hand():
    assert rounded(2.25, 1) == 2.3  # round() would give 2.2
    assert rounded(12.5, 0) == 13.0
    assert rounded(0.04, 1) == 0.0


def test_alerts_per_100_reports_to_one_decimal():
    assert per_100(3, 8) == 37.5  # 3 / 8 = 0.375
    assert per_100(1, 3) == 33.3  # 33.33…
    assert per_100(2, 3) == 66.7  # 66.66…
    assert per_100(0, 5) == 0.0
    assert per_100(4, 0) is None  # no reports: no rate


def test_share_in_whole_percent():
    assert share(1, 2) == 50
    assert share(2, 3) == 67
    assert share(1, 8) == 13  # 12.5 rounds up
    assert share(0, 4) == 0
    assert share(0, 0) is None


def test_median_of_odd_and_even_counts():
    assert median([5, 1, 3]) == 3
    assert median([4, 1, 3, 2]) == 2.5
    assert median([]) is None


def test_median_hours_to_acknowledge():
    durations = [dt.timedelta(minutes=30), dt.timedelta(hours=2), dt.timedelta(hours=5)]
    assert median_hours(durations) == 2.0
    # 0.5 h and 2 h: (0.5 + 2) / 2 = 1.25 -> 1.3
    assert median_hours(durations[:2]) == 1.3
    assert median_hours([]) is None


def test_a_firing_while_the_earlier_alert_is_open_attaches():
    # Patient 1 fires on days 0, 3 and 10; the alert of day 0 was closed on day 5, so
    # day 3 attaches and day 10 opens a second alert. Patient 2 fires once.
    firings = [
        Firing(1, day(3), "QuestionnaireResponse/2"),
        Firing(1, day(0), "QuestionnaireResponse/1"),
        Firing(1, day(10), "QuestionnaireResponse/3"),
        Firing(2, day(1), "QuestionnaireResponse/4"),
    ]
    closed = {"QuestionnaireResponse/1": day(5), "QuestionnaireResponse/4": None}
    opened = alerts_opened(firings, closed_at=closed, stays_open=dt.timedelta(days=2))
    assert [f.source for f in opened] == [
        "QuestionnaireResponse/1",
        "QuestionnaireResponse/4",
        "QuestionnaireResponse/3",
    ]


def test_an_alert_that_never_existed_stays_open_for_the_given_time():
    # Day 0 opens (no real alert: open for 2 days, until day 2); day 1 attaches; day 2
    # opens again (the alert closed at that moment); day 3 attaches.
    firings = [Firing(1, day(n), f"Observation/{n}") for n in range(4)]
    opened = alerts_opened(firings, closed_at={}, stays_open=dt.timedelta(days=2))
    assert [f.source for f in opened] == ["Observation/0", "Observation/2"]


def test_a_still_open_real_alert_takes_every_later_firing():
    firings = [Firing(1, day(n), f"Observation/{n}") for n in range(4)]
    opened = alerts_opened(
        firings, closed_at={"Observation/1": None}, stays_open=dt.timedelta(hours=1)
    )
    # Day 0 opens and closes an hour later; day 1 opens the real, still open alert.
    assert [f.source for f in opened] == ["Observation/0", "Observation/1"]


def test_an_alert_open_when_the_period_starts_takes_firings_until_it_closes():
    firings = [Firing(1, day(0), "a"), Firing(1, day(4), "b"), Firing(2, day(0), "c")]
    opened = alerts_opened(
        firings,
        closed_at={},
        stays_open=dt.timedelta(days=1),
        open_at_start={1: day(2), 2: None},
    )
    assert [f.source for f in opened] == ["b"]


def test_missed_alerts_are_those_none_of_whose_sources_still_fire():
    sources = {7: ["Q/1", "Q/2"], 8: ["Q/3"], 9: []}
    assert missed(sources, ["Q/2"]) == [8, 9]
    assert missed(sources, ["Q/1", "Q/3"]) == [9]


def test_the_load_figures_module_imports_no_django():
    tree = ast.parse(Path(load_figures.__file__).read_text())
    imported = {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    } | {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert not {name for name in imported if name and name.split(".")[0] == "django"}
    assert not {name for name in imported if name and name.startswith("coproduce.")}

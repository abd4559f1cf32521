"""qic() against published and hand-computed reference values (tests/golden/spc/*.json)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from coproduce.spc import crossings_min, longest_run_max, qic

GOLDEN_DIR = Path(__file__).resolve().parents[2] / "golden" / "spc"
CHART_FILES = ("montgomery.json", "hand_computed.json")
R_FILE = "qicharts2_r.json"


def _load(name):
    return json.loads((GOLDEN_DIR / name).read_text())


CHART_CASES = [
    pytest.param(case, id=f"{name}:{case['name']}")
    for name in CHART_FILES
    for case in _load(name)["cases"]
]
R_CASES = [pytest.param(case, id=case["name"]) for case in _load(R_FILE)["cases"]]
RUNS_CASES = [
    pytest.param(case, id=case["name"]) for case in _load("anhoej_runs_limits.json")["cases"]
]


def test_every_golden_file_names_its_sources_and_every_case_its_source():
    for path in GOLDEN_DIR.glob("*.json"):
        data = json.loads(path.read_text())
        assert data["sources"], f"{path.name} names no source"
        assert all(case.get("source") for case in data["cases"]), f"{path.name}: case w/o source"


def test_golden_cases_cover_every_chart_type():
    for cases in (CHART_CASES, R_CASES):
        charts = {case.values[0]["input"].get("chart", "run") for case in cases}
        assert charts == {"run", "i", "mr", "xbar", "s", "t", "p", "pp", "c", "u", "up", "g", "ip"}


def _check(actual, expected, tolerance, label):
    if expected is None:
        assert actual is None, f"{label}: expected missing, got {actual!r}"
    elif isinstance(expected, bool | str):
        assert actual == expected, label
    else:
        assert actual is not None, f"{label}: expected {expected}, got None"
        assert actual == pytest.approx(expected, abs=tolerance), label


@pytest.mark.parametrize("case", CHART_CASES)
def test_golden_chart_case(case):
    result = qic(**case["input"])
    expected = case["expected"]
    tolerance = case.get("tolerance", 1e-9)
    summaries = {row.part: row for row in result.summary}
    for row in expected.get("summary", []):
        for field, value in row.items():
            _check(getattr(summaries[row["part"]], field), value, tolerance, f"part {field}")
    points = {point.xx: point for point in result.points}
    for row in expected.get("points", []):
        for field, value in row.items():
            _check(getattr(points[row["xx"]], field), value, tolerance, f"{row['xx']}.{field}")
    if "sigma_signals" in expected:
        signals = [point.xx for point in result.points if point.sigma_signal]
        assert signals == expected["sigma_signals"]


@pytest.mark.parametrize("case", RUNS_CASES)
def test_golden_runs_limits(case):
    assert longest_run_max(case["n"]) == case["longest_run_max"]
    assert crossings_min(case["n"]) == case["n_crossings_min"]


@pytest.mark.parametrize("case", R_CASES)
def test_golden_qicharts2_r_output_every_column(case):
    arguments = dict(case["input"])
    if arguments.pop("x_is_date", False):
        arguments["x"] = [dt.date.fromisoformat(v) if v else None for v in arguments["x"]]
    rows = qic(**arguments).to_rows()
    expected_rows = case["expected"]["rows"]
    assert len(rows) == len(expected_rows)
    for row, expected in zip(rows, expected_rows, strict=True):
        for field, value in expected.items():
            label = f"{row['xx']}.{field}"
            if isinstance(value, float):
                assert row[field] == pytest.approx(value, rel=case["tolerance"], abs=1e-12), label
            else:
                assert row[field] == value, label

"""Every instrument against its published reference values (tests/golden/scoring/*.json)."""

import json
from pathlib import Path

import pytest

from coproduce.scoring import catalogue, score

GOLDEN_DIR = Path(__file__).resolve().parents[2] / "golden" / "scoring"
FILES = sorted(GOLDEN_DIR.glob("*.json"))
CASES = [
    pytest.param(data["instrument"], case, id=f"{data['instrument']}:{case['name']}")
    for path in FILES
    for data in [json.loads(path.read_text())]
    for case in data["cases"]
]


def test_every_instrument_has_golden_cases_with_sources():
    covered = {}
    for path in FILES:
        data = json.loads(path.read_text())
        assert data["sources"], f"{path.name} names no source"
        assert all(case.get("source") for case in data["cases"]), f"{path.name}: case w/o source"
        covered[data["instrument"]] = len(data["cases"])
    missing = [spec.code for spec in catalogue() if covered.get(spec.code, 0) < 3]
    assert missing == [], f"instruments with fewer than 3 golden cases: {missing}"


@pytest.mark.parametrize(("instrument", "case"), CASES)
def test_golden_case(instrument, case):
    result = score(instrument, case["answers"])
    expected = case["expected"]
    tolerance = case.get("tolerance", 1e-9)
    if "total" in expected:
        if expected["total"] is None:
            assert result.total is None
        else:
            assert result.total == pytest.approx(expected["total"], abs=tolerance)
    for name, value in expected.get("scores", {}).items():
        if value is None:
            assert result.scores[name] is None
        else:
            assert result.scores[name] == pytest.approx(value, abs=tolerance), name
    if "band" in expected:
        assert result.band == expected["band"]
    if "flags" in expected:
        assert sorted(result.flags) == sorted(expected["flags"])
    if "missing" in expected:
        assert result.missing.method == expected["missing"]

"""Every instrument declares the scores it reports (ScoreSpec): each key of
`ScoreResult.scores` is declared, stays within its declared range, and the primary score is
the total. Checked on every golden case and on random valid answers."""

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coproduce.scoring import catalogue, instrument, score
from coproduce.scoring.instruments.common import band_for
from coproduce.scoring.types import InstrumentSpec, ItemSpec, ScoreResult

GOLDEN_DIR = Path(__file__).resolve().parents[2] / "golden" / "scoring"
GOLDEN_CASES = [
    pytest.param(data["instrument"], case["answers"], id=f"{data['instrument']}:{case['name']}")
    for path in sorted(GOLDEN_DIR.glob("*.json"))
    for data in [json.loads(path.read_text())]
    for case in data["cases"]
]
CODES = [spec.code for spec in catalogue()]
MAX_CODE_LENGTH = 64  # the observation code column
DIRECTIONS = {"worse", "better", ""}
# A measured input with no upper bound is drawn up to this far above its minimum.
UNBOUNDED_SPAN = 1000.0


def primary_of(spec: InstrumentSpec):
    return next(s for s in spec.scores if s.primary)


def assert_scores_declared_and_in_range(spec: InstrumentSpec, result: ScoreResult) -> None:
    """The invariants every scored response keeps, whatever the answers."""
    declared = {s.name for s in spec.scores}
    assert set(result.scores) <= declared, (
        f"{spec.code}: undeclared {set(result.scores) - declared}"
    )
    for name, value in result.scores.items():
        if value is None:
            continue
        declared_score = spec.score_spec(name)
        if declared_score.minimum is not None:
            assert value >= declared_score.minimum, f"{spec.code} {name}={value}"
        if declared_score.maximum is not None:
            assert value <= declared_score.maximum, f"{spec.code} {name}={value}"
    primary = primary_of(spec)
    assert primary.name in result.scores, f"{spec.code}: primary {primary.name} not reported"
    assert result.total == result.scores[primary.name], spec.code
    if primary.bands:
        assert band_for(result.total, primary.bands) == result.band, f"{spec.code} {result.total}"


@pytest.mark.parametrize("code", CODES)
def test_every_instrument_declares_its_scores_with_exactly_one_primary(code):
    spec = instrument(code)
    assert spec.scores, code
    names = [s.name for s in spec.scores]
    assert len(names) == len(set(names)), code
    assert sum(s.primary for s in spec.scores) == 1, code


@pytest.mark.parametrize("code", CODES)
def test_score_specs_are_well_formed(code):
    for declared in instrument(code).scores:
        assert declared.title, declared.name
        assert declared.unit, declared.name
        assert declared.decimals >= 0, declared.name
        assert declared.higher_is in DIRECTIONS, declared.name
        if declared.minimum is not None and declared.maximum is not None:
            assert declared.minimum < declared.maximum, declared.name
        lower_bounds = [lower for lower, _ in declared.bands]
        assert lower_bounds == sorted(set(lower_bounds)), f"{code} {declared.name}: bands"


def test_observation_codes_are_unique_and_fit_the_column():
    codes = [spec.score_code(s.name) for spec in catalogue() for s in spec.scores]
    assert len(codes) == len(set(codes)), sorted(c for c in codes if codes.count(c) > 1)
    assert all(len(code) <= MAX_CODE_LENGTH for code in codes)


def test_agreed_observation_codes():
    assert instrument("phq-9").score_code("total") == "loinc:44261-6"
    assert instrument("das28-crp").score_code("total") == "coproduce:das28-crp"
    assert instrument("pro-ctcae").score_code("highest-grade") == "coproduce:pro-ctcae-composite"
    assert instrument("promis-global-10").score_code("gmh-t") == "loinc:71969-0"


@pytest.mark.parametrize("code", CODES)
def test_catalogue_notes_name_every_score(code):
    spec = instrument(code)
    for declared in spec.scores:
        assert f"'{declared.name}'" in spec.notes, declared.name


@pytest.mark.parametrize(("code", "answers"), GOLDEN_CASES)
def test_golden_case_scores_are_declared_and_in_range(code, answers):
    spec = instrument(code)
    assert_scores_declared_and_in_range(spec, score(code, answers))


def item_answer(item: ItemSpec) -> st.SearchStrategy:
    """A valid answer to one item: one of its codes, or a number within its bounds."""
    if item.values:
        return st.sampled_from([v.code for v in item.values])
    low = item.minimum if item.minimum is not None else 0.0
    high = item.maximum if item.maximum is not None else low + UNBOUNDED_SPAN
    if item.integer:
        return st.integers(int(low), int(high))
    return st.floats(low, high, allow_nan=False, allow_infinity=False)


def valid_answers(spec: InstrumentSpec) -> st.SearchStrategy:
    """Every required item answered; each optional item answered or left out."""
    required = {item.id: item_answer(item) for item in spec.items if item.required}
    optional = {item.id: item_answer(item) for item in spec.items if not item.required}
    return st.fixed_dictionaries(required, optional=optional)


@pytest.mark.parametrize("code", CODES)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_scores_stay_declared_and_in_range_for_any_valid_answers(code, data):
    spec = instrument(code)
    answers = data.draw(valid_answers(spec))
    assert_scores_declared_and_in_range(spec, score(code, answers))


MEASURED_INPUT_INSTRUMENTS = [
    "das28-esr",
    "das28-esr-3",
    "das28-crp",
    "das28-crp-3",
    "cdai",
    "sdai",
    "hbi",
    "sccai",
    "pucai",
    "wpcdai",
    "gli-2012",
]


@pytest.mark.parametrize("code", MEASURED_INPUT_INSTRUMENTS)
def test_clinical_indices_label_every_input_for_a_form(code):
    assert all(item.text for item in instrument(code).items), code


def test_das28_range_is_reached_at_the_input_extremes():
    spec = instrument("das28-esr").score_spec("total")
    lowest = {"tjc28": 0, "sjc28": 0, "esr": 1, "patient_global": 0}
    highest = {"tjc28": 28, "sjc28": 28, "esr": 200, "patient_global": 100}
    assert score("das28-esr", lowest).total == spec.minimum == 0
    assert score("das28-esr", highest).total == spec.maximum == pytest.approx(9.55)


def test_proctcae_reports_its_total_as_the_highest_grade():
    result = score("pro-ctcae", {"nausea-frequency": 3, "nausea-severity": 3, "pain-frequency": 0})
    assert result.scores["highest-grade"] == result.total == 3
    assert score("pro-ctcae", {}).scores == {"highest-grade": None}

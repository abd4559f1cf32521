"""PHQ-9 and PHQ-2 (depression). Free to reproduce: © Pfizer, no permission required.

Sources:
- Kroenke K, Spitzer RL, Williams JBW. The PHQ-9: validity of a brief depression severity
  measure. J Gen Intern Med 2001;16:606-13 (items, 0-27 total, bands 5/10/15/20).
- Kroenke K, Spitzer RL, Williams JBW. The Patient Health Questionnaire-2. Med Care
  2003;41:1284-92 (PHQ-2 = items 1-2, 0-6, positive screen at 3 or more).
- NHS Data Dictionary, Patient Health Questionnaire-9: one or two missing items take the
  mean of the answered items; more than two missing, the questionnaire is not scored.
"""

from __future__ import annotations

from collections.abc import Mapping

from coproduce.scoring.instruments.common import (
    band_for,
    describe_scores,
    likert_items,
    options,
    prorated_sum,
)
from coproduce.scoring.types import InstrumentSpec, ItemSpec, ScoreResult, ScoreSpec

FREQUENCY = options("Not at all", "Several days", "More than half the days", "Nearly every day")
DIFFICULTY = options(
    "Not difficult at all", "Somewhat difficult", "Very difficult", "Extremely difficult"
)
PHQ9_TEXTS = (
    "Little interest or pleasure in doing things",
    "Feeling down, depressed, or hopeless",
    "Trouble falling or staying asleep, or sleeping too much",
    "Feeling tired or having little energy",
    "Poor appetite or overeating",
    "Feeling bad about yourself — or that you are a failure or have let yourself or your "
    "family down",
    "Trouble concentrating on things, such as reading the newspaper or watching television",
    "Moving or speaking so slowly that other people could have noticed? Or the opposite — "
    "being so fidgety or restless that you have been moving around a lot more than usual",
    "Thoughts that you would be better off dead or of hurting yourself in some way",
)
PHQ9_BANDS = (
    (0, "none-minimal"),
    (5, "mild"),
    (10, "moderate"),
    (15, "moderately-severe"),
    (20, "severe"),
)
PHQ9_IDS = tuple(str(n) for n in range(1, 10))
MISSING_RULE = "NHS Data Dictionary: up to 2 missing items take the mean of the answered items"
# Item 9 above zero: thoughts of death or self-harm, to be followed up the same day.
FLAG_SELF_HARM = "self-harm-thoughts"
PHQ2_POSITIVE = 3
# Kroenke 2003: 0-2 negative, 3 or more a positive screen (the same cut-point for GAD-2).
PHQ2_BANDS = ((0, "negative"), (PHQ2_POSITIVE, "positive"))
FREQUENCY_ITEM_MAX = 3  # each frequency item 0-3 (Kroenke 2001)
DIFFICULTY_MAX = 3  # difficulty item 0-3, reported beside the total, never summed


PFIZER_LICENCE = "Free to use; © Pfizer Inc., no permission required to reproduce or translate."
DIFFICULTY_ITEM = ItemSpec(
    id="difficulty",
    text="If you checked off any problems, how difficult have these problems made it for you "
    "to do your work, take care of things at home, or get along with other people?",
    values=DIFFICULTY,
    required=False,
)


def difficulty_score(instrument_title: str) -> ScoreSpec:
    """The difficulty item as reported beside a PHQ-9 or GAD-7 total."""
    return ScoreSpec(
        "difficulty",
        f"{instrument_title} difficulty in daily life",
        minimum=0,
        maximum=DIFFICULTY_MAX,
    )


def total_score(title: str, items: int, code: str, bands: tuple) -> ScoreSpec:
    """The primary sum score of a frequency scale with `items` items scored 0-3."""
    return ScoreSpec(
        "total",
        title,
        minimum=0,
        maximum=items * FREQUENCY_ITEM_MAX,
        code=code,
        primary=True,
        bands=bands,
    )


def frequency_scale_result(
    spec: InstrumentSpec,
    answers: Mapping[str, float],
    item_ids: tuple[str, ...],
    bands: tuple[tuple[float, str], ...],
    flags: tuple[str, ...] = (),
) -> ScoreResult:
    """PHQ-9 and GAD-7: the prorated sum of the frequency items, its band, and the
    difficulty item reported beside it (never summed)."""
    total, missing = prorated_sum(answers, item_ids, max_missing=2, rule=MISSING_RULE)
    scores: dict[str, float | None] = {"total": total}
    if "difficulty" in answers:
        scores["difficulty"] = answers["difficulty"]
    return spec.result(
        total, scores=scores, band=band_for(total, bands), flags=flags, missing=missing
    )


def two_item_screen_result(
    spec: InstrumentSpec, answers: Mapping[str, float], positive_at: int
) -> ScoreResult:
    """PHQ-2 and GAD-2: the sum of items 1 and 2, positive at `positive_at` or more."""
    total = answers["1"] + answers["2"]
    band = "positive" if total >= positive_at else "negative"
    return spec.result(total, scores={"total": total}, band=band)


def score_phq9(spec: InstrumentSpec, answers: Mapping[str, float]) -> ScoreResult:
    flags = (FLAG_SELF_HARM,) if answers.get("9", 0) > 0 else ()
    return frequency_scale_result(spec, answers, PHQ9_IDS, PHQ9_BANDS, flags)


def score_phq2(spec: InstrumentSpec, answers: Mapping[str, float]) -> ScoreResult:
    return two_item_screen_result(spec, answers, PHQ2_POSITIVE)


PHQ9_SCORES = (
    total_score("PHQ-9 total score", len(PHQ9_IDS), "loinc:44261-6", PHQ9_BANDS),
    difficulty_score("PHQ-9"),
)
PHQ2_SCORES = (total_score("PHQ-2 total score", 2, "loinc:55758-7", PHQ2_BANDS),)

PHQ9 = InstrumentSpec(
    code="phq-9",
    version="1.0",
    title="Patient Health Questionnaire-9 (PHQ-9)",
    url="http://coproduce.org/fhir/Questionnaire/phq-9",
    items=(
        *likert_items(PHQ9_TEXTS, FREQUENCY, required=False),
        DIFFICULTY_ITEM,
    ),
    licence=PFIZER_LICENCE,
    source="Kroenke, Spitzer & Williams, J Gen Intern Med 2001;16:606-13",
    scorer=score_phq9,
    loinc="44249-1",
    notes="Total 0-27 (LOINC 44261-6). Bands: 0-4 none-minimal, 5-9 mild, 10-14 moderate, "
    "15-19 moderately-severe, 20-27 severe. Flag self-harm-thoughts when item 9 > 0. "
    "Up to 2 missing items prorated; the difficulty item is not part of the total. "
    + describe_scores(PHQ9_SCORES),
    scores=PHQ9_SCORES,
)

PHQ2 = InstrumentSpec(
    code="phq-2",
    version="1.0",
    title="Patient Health Questionnaire-2 (PHQ-2)",
    url="http://coproduce.org/fhir/Questionnaire/phq-2",
    items=likert_items(PHQ9_TEXTS[:2], FREQUENCY, required=True),
    licence=PFIZER_LICENCE,
    source="Kroenke, Spitzer & Williams, Med Care 2003;41:1284-92",
    scorer=score_phq2,
    loinc="55757-9",
    notes="Total 0-6 (LOINC 55758-7); positive screen at 3 or more. Both items required. "
    + describe_scores(PHQ2_SCORES),
    scores=PHQ2_SCORES,
)

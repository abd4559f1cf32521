"""GAD-7 and GAD-2 (anxiety). Free to reproduce: © Pfizer, no permission required.

Sources:
- Spitzer RL, Kroenke K, Williams JBW, Löwe B. A brief measure for assessing generalized
  anxiety disorder: the GAD-7. Arch Intern Med 2006;166:1092-7 (0-21; cut-points 5, 10,
  15 for mild, moderate, severe).
- Kroenke K et al. Anxiety disorders in primary care. Ann Intern Med 2007;146:317-25
  (GAD-2 = items 1-2, 0-6, positive screen at 3 or more).
- Missing items: as for the PHQ-9 (NHS Data Dictionary), up to 2 missing items take the mean
  of the answered items.
"""

from __future__ import annotations

from collections.abc import Mapping

from coproduce.scoring.instruments.common import describe_scores, likert_items
from coproduce.scoring.instruments.phq import (
    DIFFICULTY_ITEM,
    FREQUENCY,
    PFIZER_LICENCE,
    PHQ2_BANDS,
    difficulty_score,
    frequency_scale_result,
    total_score,
    two_item_screen_result,
)
from coproduce.scoring.types import InstrumentSpec, ScoreResult

GAD7_TEXTS = (
    "Feeling nervous, anxious or on edge",
    "Not being able to stop or control worrying",
    "Worrying too much about different things",
    "Trouble relaxing",
    "Being so restless that it is hard to sit still",
    "Becoming easily annoyed or irritable",
    "Feeling afraid as if something awful might happen",
)
GAD7_BANDS = ((0, "minimal"), (5, "mild"), (10, "moderate"), (15, "severe"))
GAD7_IDS = tuple(str(n) for n in range(1, 8))
GAD2_POSITIVE = 3
# Kroenke 2007: the GAD-2 screen is positive at 3 or more, as the PHQ-2.
GAD2_BANDS = PHQ2_BANDS
GAD7_SCORES = (
    total_score("GAD-7 total score", len(GAD7_IDS), "loinc:70274-6", GAD7_BANDS),
    difficulty_score("GAD-7"),
)
GAD2_SCORES = (total_score("GAD-2 total score", 2, "", GAD2_BANDS),)


def score_gad7(spec: InstrumentSpec, answers: Mapping[str, float]) -> ScoreResult:
    return frequency_scale_result(spec, answers, GAD7_IDS, GAD7_BANDS)


def score_gad2(spec: InstrumentSpec, answers: Mapping[str, float]) -> ScoreResult:
    return two_item_screen_result(spec, answers, GAD2_POSITIVE)


GAD7 = InstrumentSpec(
    code="gad-7",
    version="1.0",
    title="Generalized Anxiety Disorder-7 (GAD-7)",
    url="http://coproduce.org/fhir/Questionnaire/gad-7",
    items=(
        *likert_items(GAD7_TEXTS, FREQUENCY, required=False),
        DIFFICULTY_ITEM,
    ),
    licence=PFIZER_LICENCE,
    source="Spitzer, Kroenke, Williams & Löwe, Arch Intern Med 2006;166:1092-7",
    scorer=score_gad7,
    loinc="69737-5",
    notes="Total 0-21 (LOINC 70274-6). Bands: 0-4 minimal, 5-9 mild, 10-14 moderate, "
    "15-21 severe. Up to 2 missing items prorated. " + describe_scores(GAD7_SCORES),
    scores=GAD7_SCORES,
)

GAD2 = InstrumentSpec(
    code="gad-2",
    version="1.0",
    title="Generalized Anxiety Disorder-2 (GAD-2)",
    url="http://coproduce.org/fhir/Questionnaire/gad-2",
    items=likert_items(GAD7_TEXTS[:2], FREQUENCY, required=True),
    licence=PFIZER_LICENCE,
    source="Kroenke et al., Ann Intern Med 2007;146:317-25",
    scorer=score_gad2,
    notes="Total 0-6; positive screen at 3 or more. Both items required. "
    + describe_scores(GAD2_SCORES),
    scores=GAD2_SCORES,
)

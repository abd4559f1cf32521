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

from coproduce.scoring.instruments.common import band_for, likert_items, prorated_sum
from coproduce.scoring.instruments.phq import DIFFICULTY, FREQUENCY, MISSING_RULE
from coproduce.scoring.types import InstrumentSpec, ItemSpec, ScoreResult

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


def score_gad7(spec: InstrumentSpec, answers: Mapping[str, float]) -> ScoreResult:
    total, missing = prorated_sum(answers, GAD7_IDS, max_missing=2, rule=MISSING_RULE)
    scores: dict[str, float | None] = {"total": total}
    if "difficulty" in answers:
        scores["difficulty"] = answers["difficulty"]
    return spec.result(total, scores=scores, band=band_for(total, GAD7_BANDS), missing=missing)


def score_gad2(spec: InstrumentSpec, answers: Mapping[str, float]) -> ScoreResult:
    total = answers["1"] + answers["2"]
    band = "positive" if total >= GAD2_POSITIVE else "negative"
    return spec.result(total, scores={"total": total}, band=band)


GAD7 = InstrumentSpec(
    code="gad-7",
    version="1.0",
    title="Generalized Anxiety Disorder-7 (GAD-7)",
    url="http://coproduce.org/fhir/Questionnaire/gad-7",
    items=(
        *likert_items(GAD7_TEXTS, FREQUENCY, required=False),
        ItemSpec(
            id="difficulty",
            text="If you checked off any problems, how difficult have these problems made it "
            "for you to do your work, take care of things at home, or get along with other "
            "people?",
            values=DIFFICULTY,
            required=False,
        ),
    ),
    licence="Free to use; © Pfizer Inc., no permission required to reproduce or translate.",
    source="Spitzer, Kroenke, Williams & Löwe, Arch Intern Med 2006;166:1092-7",
    scorer=score_gad7,
    loinc="69737-5",
    notes="Total 0-21 (LOINC 70274-6). Bands: 0-4 minimal, 5-9 mild, 10-14 moderate, "
    "15-21 severe. Up to 2 missing items prorated.",
)

GAD2 = InstrumentSpec(
    code="gad-2",
    version="1.0",
    title="Generalized Anxiety Disorder-2 (GAD-2)",
    url="http://coproduce.org/fhir/Questionnaire/gad-2",
    items=likert_items(GAD7_TEXTS[:2], FREQUENCY, required=True),
    licence="Free to use; © Pfizer Inc., no permission required to reproduce or translate.",
    source="Kroenke et al., Ann Intern Med 2007;146:317-25",
    scorer=score_gad2,
    notes="Total 0-6; positive screen at 3 or more. Both items required.",
)

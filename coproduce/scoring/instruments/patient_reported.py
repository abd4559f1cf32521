"""Patient-reported instruments: PRO-CTCAE, Asthma Control Test, Oswestry Disability Index,
collaboRATE and our visit-experience questionnaire.

ACT, ODI and collaboRATE are licensed: their item wording is never shipped; items carry short
neutral ids only.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from itertools import pairwise

from coproduce.scoring.instruments.common import describe_scores, options
from coproduce.scoring.instruments.patient_reported_proctcae import (
    SYMPTOMS,
    composite_grade,
    symptom_items,
)
from coproduce.scoring.types import InstrumentSpec, ItemSpec, MissingData, ScoreResult, ScoreSpec

# --- PRO-CTCAE -----------------------------------------------------------------------------

PROCTCAE_GRADE3 = 3  # Basch 2021: highest composite grade
PROCTCAE_HIGHEST = "highest-grade"  # the score key of the total: the highest symptom grade
PROCTCAE_BANDS = tuple((grade, f"grade-{grade}") for grade in range(PROCTCAE_GRADE3 + 1))
GRADE_UNIT = "{grade}"


def grade_score(name: str, title: str, **kwargs) -> ScoreSpec:
    """A composite grade 0-3 (Basch 2021)."""
    return ScoreSpec(
        name,
        title,
        minimum=0,
        maximum=PROCTCAE_GRADE3,
        unit=GRADE_UNIT,
        bands=PROCTCAE_BANDS,
        **kwargs,
    )


PROCTCAE_SCORES = (
    grade_score(
        PROCTCAE_HIGHEST,
        "PRO-CTCAE highest composite grade",
        code="coproduce:pro-ctcae-composite",
        primary=True,
    ),
    *(
        grade_score(symptom.id, f"PRO-CTCAE {symptom.id.replace('-', ' ')} composite grade")
        for symptom in SYMPTOMS
    ),
)


def score_proctcae(spec: InstrumentSpec, answers: Mapping[str, float]) -> ScoreResult:
    """Composite grade per assessed symptom; total = the highest grade; band `grade-N`; flag
    `<symptom>-grade-3` for every symptom at grade 3."""
    scores: dict[str, float | None] = {}
    incomplete: list[str] = []
    for symptom in SYMPTOMS:
        grade, assessed = composite_grade(symptom, answers)
        if not assessed:
            continue
        scores[symptom.id] = grade
        if grade is None:
            incomplete.extend(
                symptom.item_id(a) for a in symptom.attributes if symptom.item_id(a) not in answers
            )
    grades = [g for g in scores.values() if g is not None]
    total = float(max(grades)) if grades else None
    flags = tuple(f"{s}-grade-3" for s, g in scores.items() if g == PROCTCAE_GRADE3)
    missing = MissingData()
    if incomplete:
        missing = MissingData(
            "not-scored",
            tuple(incomplete),
            "a symptom with an attribute unanswered (first attribute not 0) has no composite",
        )
    if total is None:
        missing = MissingData("not-scored", tuple(incomplete), "no symptom could be graded")
    band = None if total is None else f"grade-{int(total)}"
    scores[PROCTCAE_HIGHEST] = total
    return spec.result(total, scores=scores, band=band, flags=flags, missing=missing)


PROCTCAE = InstrumentSpec(
    code="pro-ctcae",
    version="1.0",
    title="NCI PRO-CTCAE, 12 common symptoms, with composite grade",
    url="http://coproduce.org/fhir/Questionnaire/pro-ctcae",
    items=tuple(item for symptom in SYMPTOMS for item in symptom_items(symptom)),
    licence="Free to use; NCI PRO-CTCAE item library (public domain, U.S. National Cancer "
    "Institute).",
    source="NCI PRO-CTCAE (English) Item Library Version 1.0; Basch E, Becker C, Rogak LJ, et "
    "al. Composite grading algorithm for the National Cancer Institute's Patient-Reported "
    "Outcomes version of the Common Terminology Criteria for Adverse Events (PRO-CTCAE). "
    "Clin Trials 2021;18(1):104-14",
    scorer=score_proctcae,
    notes="Item ids `<symptom>-<attribute>`, attribute frequency (0 never, 1 rarely, "
    "2 occasionally, 3 frequently, 4 almost constantly), severity (0 none, 1 mild, 2 moderate, "
    "3 severe, 4 very severe) or interference (0 not at all, 1 a little bit, 2 somewhat, "
    "3 quite a bit, 4 very much). Symptoms (NCI item number: attributes): nausea (9: "
    "frequency, severity), vomiting (10: frequency, severity), diarrhea (16: frequency), "
    "constipation (15: severity), fatigue (53: severity, interference), pain (48: frequency, "
    "severity, interference), shortness-of-breath (19: severity, interference), "
    "decreased-appetite (8: severity, interference), mouth-sores (3, mouth or throat sores: "
    "severity, interference), numbness-tingling (39: severity, interference), insomnia (52: "
    "severity, interference), hand-foot-syndrome (30: severity). Answer only the symptoms "
    "asked. If a symptom's first attribute is 0 its later items are skipped and the grade is "
    "0. scores[<symptom>] = composite grade 0-3 (Basch 2021 tables) for every symptom with "
    "any answer (None if a later attribute is missing after a non-zero first one). total = "
    "highest composite grade, also reported as scores['highest-grade'] (None when no "
    "symptom could be graded); band `grade-0`…`grade-3`; flags `<symptom>-grade-3`. "
    + describe_scores(PROCTCAE_SCORES),
    scores=PROCTCAE_SCORES,
)

# --- Asthma Control Test -------------------------------------------------------------------

ACT_IDS = ("activity-limitation", "shortness-of-breath", "night-symptoms", "reliever-use",
           "self-rated-control")  # fmt: skip
ACT_OPTIONS = options("1 (worst)", "2", "3", "4", "5 (best)", start=1)
ACT_NOT_WELL_CONTROLLED = 19  # Nathan 2004: total <= 19 not well controlled
ACT_VERY_POORLY_CONTROLLED = 15  # Schatz 2006: total <= 15 very poorly controlled
ACT_MIN, ACT_MAX = 5, 25  # five items scored 1-5
ACT_BANDS = (  # lower bounds of the whole-number total (Nathan 2004, Schatz 2006)
    (ACT_MIN, "very-poorly-controlled"),
    (ACT_VERY_POORLY_CONTROLLED + 1, "not-well-controlled"),
    (ACT_NOT_WELL_CONTROLLED + 1, "well-controlled"),
)
ACT_SCORES = (
    ScoreSpec(
        "total",
        "Asthma Control Test score",
        minimum=ACT_MIN,
        maximum=ACT_MAX,
        primary=True,
        higher_is="better",
        bands=ACT_BANDS,
    ),
)


def act_band(total: float) -> str:
    """Nathan 2004 / Schatz 2006 categories for an ACT total 5-25."""
    if total <= ACT_VERY_POORLY_CONTROLLED:
        return "very-poorly-controlled"
    if total <= ACT_NOT_WELL_CONTROLLED:
        return "not-well-controlled"
    return "well-controlled"


def score_act(spec: InstrumentSpec, answers: Mapping[str, float]) -> ScoreResult:
    """Sum of the five items (5-25); every item is required."""
    total = float(sum(answers[i] for i in ACT_IDS))
    return spec.result(total, scores={"total": total}, band=act_band(total))


ACT = InstrumentSpec(
    code="act",
    version="1.0",
    title="Asthma Control Test (ACT), adults and adolescents 12+",
    url="http://coproduce.org/fhir/Questionnaire/act",
    items=tuple(ItemSpec(id=i, values=ACT_OPTIONS, required=True) for i in ACT_IDS),
    licence="Licensed: © GlaxoSmithKline / QualityMetric; item text not shipped.",
    source="Nathan RA, Sorkness CA, Kosinski M, et al. Development of the Asthma Control Test. "
    "J Allergy Clin Immunol 2004;113:59-65; Schatz M, Sorkness CA, Li JT, et al. Asthma "
    "Control Test: reliability, validity, and responsiveness. J Allergy Clin Immunol "
    "2006;117:549-56",
    scorer=score_act,
    item_text_shipped=False,
    notes="Five items in questionnaire order, each scored 1-5 as printed on the form (5 = best): "
    "activity-limitation (Q1), shortness-of-breath (Q2), night-symptoms (Q3), reliever-use "
    "(Q4), self-rated-control (Q5). All required. total = sum 5-25. Band: 20-25 "
    "well-controlled, 16-19 not-well-controlled, 5-15 very-poorly-controlled. "
    + describe_scores(ACT_SCORES),
    scores=ACT_SCORES,
)

# --- Oswestry Disability Index -------------------------------------------------------------

ODI_IDS = ("pain-intensity", "personal-care", "lifting", "walking", "sitting", "standing",
           "sleeping", "sex-life", "social-life", "travelling")  # fmt: skip
ODI_OPTIONS = options(
    "first statement (least disability)", "second statement", "third statement",
    "fourth statement", "fifth statement", "last statement (most disability)",
)  # fmt: skip
ODI_SECTION_MAX = 5  # Fairbank & Pynsent 2000: each section scored 0-5
ODI_MAX_MISSING = 1  # Fairbank & Pynsent 2000: one section may be missed or not applicable
# Fairbank & Pynsent 2000 interpretation: upper bound (percent) of each category.
ODI_BANDS = ((20, "minimal"), (40, "moderate"), (60, "severe"), (80, "crippled"),
             (100, "bed-bound"))  # fmt: skip
ODI_PERCENT_MAX = 100
# The same categories as lower bounds, as printed (0-20%, 21-40%, …): no reachable score lies
# between an upper bound and the next whole percent (scores are multiples of 2, or of 2.2
# with one section missed).
ODI_LOWER_BOUND_BANDS = (
    (0, ODI_BANDS[0][1]),
    *((upper + 1, name) for (upper, _), (_, name) in pairwise(ODI_BANDS)),
)
ODI_SCORES = (
    ScoreSpec(
        "total",
        "Oswestry Disability Index",
        minimum=0,
        maximum=ODI_PERCENT_MAX,
        unit="%",
        decimals=1,
        primary=True,
        bands=ODI_LOWER_BOUND_BANDS,
    ),
    ScoreSpec(
        "raw-sum",
        "Oswestry Disability Index, sum of the answered sections",
        minimum=0,
        maximum=ODI_SECTION_MAX * len(ODI_IDS),
    ),
)


def odi_band(percent: float | None) -> str | None:
    """The category whose upper bound `percent` does not exceed."""
    if percent is None:
        return None
    return next(name for upper, name in ODI_BANDS if percent <= upper)


def score_odi(spec: InstrumentSpec, answers: Mapping[str, float]) -> ScoreResult:
    """Percent = sum / (5 × answered sections) × 100; one missed section allowed."""
    missing_ids = tuple(i for i in ODI_IDS if i not in answers)
    if len(missing_ids) > ODI_MAX_MISSING:
        reason = "more than one section missed (Fairbank & Pynsent 2000)"
        return spec.result(
            None, scores={"total": None}, missing=MissingData("not-scored", missing_ids, reason)
        )
    answered = [answers[i] for i in ODI_IDS if i in answers]
    percent = sum(answered) / (ODI_SECTION_MAX * len(answered)) * 100
    missing = MissingData()
    if missing_ids:
        rule = "denominator 5 × answered sections (Fairbank & Pynsent 2000)"
        missing = MissingData("prorated", missing_ids, rule)
    scores = {"total": percent, "raw-sum": float(sum(answered))}
    return spec.result(percent, scores=scores, band=odi_band(percent), missing=missing)


ODI = InstrumentSpec(
    code="odi",
    version="2.1a",
    title="Oswestry Disability Index (ODI) version 2.1a",
    url="http://coproduce.org/fhir/Questionnaire/odi",
    items=tuple(ItemSpec(id=i, values=ODI_OPTIONS, required=False) for i in ODI_IDS),
    licence="Licensed: © Jeremy Fairbank (Mapi Research Trust); item text not shipped.",
    source="Fairbank JCT, Pynsent PB. The Oswestry Disability Index. Spine 2000;25(22):2940-53",
    scorer=score_odi,
    item_text_shipped=False,
    notes="Ten sections, each scored 0-5 (first statement 0 … last statement 5; if two are "
    "marked, record the higher): pain-intensity, personal-care, lifting, walking, sitting, "
    "standing, sleeping, sex-life, social-life, travelling. total = sum / (5 × answered "
    "sections) × 100 (percent, unrounded); one section may be left out (missing method "
    "'prorated'), two or more: total None. scores: total, raw-sum. Band: 0-20 minimal, "
    ">20-40 moderate, >40-60 severe, >60-80 crippled, >80-100 bed-bound. "
    + describe_scores(ODI_SCORES),
    scores=ODI_SCORES,
)

# --- collaboRATE ---------------------------------------------------------------------------

COLLABORATE_IDS = ("explained", "listened", "included")
COLLABORATE_OPTIONS = options(
    "0 (lowest)", "1", "2", "3", "4", "5", "6", "7", "8", "9 (highest)"
)  # fmt: skip
COLLABORATE_ITEM_MAX = 9  # Elwyn 2013: each item 0-9
# collaboRATE scoring guidance (glynelwyn.com): report a clinic score from 25+ encounters.
COLLABORATE_MIN_ENCOUNTERS = 25
COLLABORATE_SCORES = (
    ScoreSpec(
        "top-score",
        "collaboRATE top score (all three items at 9)",
        minimum=0,
        maximum=1,
        primary=True,
        higher_is="better",
        bands=((0, "not-top-score"), (1, "top-score")),
    ),
    ScoreSpec(
        "mean-score",
        "collaboRATE mean score (mean of the three items)",
        minimum=0,
        maximum=COLLABORATE_ITEM_MAX,
        decimals=2,
        higher_is="better",
    ),
)


def score_collaborate(spec: InstrumentSpec, answers: Mapping[str, float]) -> ScoreResult:
    """Encounter level (collaboRATE scoring guidance, glynelwyn.com): top score 1 when
    every item is 9, else 0 (total); mean score = mean of the three items (0-9)."""
    values = [answers[i] for i in COLLABORATE_IDS]
    top = 1.0 if all(v == COLLABORATE_ITEM_MAX for v in values) else 0.0
    band = "top-score" if top else "not-top-score"
    scores = {"top-score": top, "mean-score": sum(values) / len(values)}
    return spec.result(top, scores=scores, band=band)


def collaborate_clinic(results: Sequence[ScoreResult]) -> dict[str, float | None]:
    """Clinic level (Barr 2014; collaboRATE scoring guidance): percent of encounters with a
    top score and the mean of the encounter mean scores (0-9), the
    number of encounters, and whether the recommended minimum of 25 is met (1/0). Encounters
    must be complete (the scorer requires all three items). Scores None when empty."""
    n = len(results)
    enough = 1.0 if n >= COLLABORATE_MIN_ENCOUNTERS else 0.0
    if n == 0:
        empty = {"top-score-proportion": None, "mean-score": None}
        return {"encounters": 0, "minimum-encounters-met": enough, **empty}
    return {
        "encounters": n,
        "minimum-encounters-met": enough,
        "top-score-proportion": _mean(r.scores["top-score"] for r in results) * 100,
        "mean-score": _mean(r.scores["mean-score"] for r in results),
    }


def _mean(values: Iterable[float | None]) -> float:
    numbers = [v or 0.0 for v in values]
    return sum(numbers) / len(numbers)


COLLABORATE = InstrumentSpec(
    code="collaborate",
    version="1.0",
    title="collaboRATE (patient-reported shared decision making), 0-9 version",
    url="http://coproduce.org/fhir/Questionnaire/collaborate",
    items=tuple(ItemSpec(id=i, values=COLLABORATE_OPTIONS, required=True) for i in COLLABORATE_IDS),
    licence="Licensed CC BY-ND 4.0 (Elwyn, Barr et al.); item text not shipped.",
    source="Elwyn G, Barr PJ, Grande SW, et al. Developing CollaboRATE. Patient Educ Couns "
    "2013;93:102-7; Barr PJ, Thompson R, Walsh T, et al. The psychometric properties of "
    "CollaboRATE. J Med Internet Res 2014;16(1):e2",
    scorer=score_collaborate,
    item_text_shipped=False,
    notes="Three items in form order, each 0-9 (0 lowest, 9 highest): explained (item 1), "
    "listened (item 2), included (item 3). All required. total = "
    "top score: 1 when all three are 9, else 0; band top-score / not-top-score. "
    "scores['mean-score'] = mean of the three items (0-9), the guidance's Mean Score. "
    "Clinic level: collaborate_clinic() (percent of encounters with a top score, mean of "
    "the encounter mean scores; recommended from 25 encounters). "
    + describe_scores(COLLABORATE_SCORES),
    scores=COLLABORATE_SCORES,
)

# --- Visit experience (our wording) ---------------------------------------------------------

VISIT_TEXTS = (
    ("listened", "I felt listened to."),
    ("priorities", "My priorities were taken into account."),
    ("next-steps", "I understood what will happen next."),
    ("involved", "I was involved as much as I wanted in decisions about my care."),
    ("respect", "I was treated with dignity and respect."),
)
AGREEMENT = options("Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree",
                    "Strongly agree")  # fmt: skip
VISIT_ITEM_MAX = 4
VISIT_SCALE_FACTOR = 25  # mean 0-4 × 25 gives 0-100
VISIT_MIN_ANSWERED = 3  # our rule: at least 3 of 5 items answered
VISIT_PERCENT_MAX = VISIT_ITEM_MAX * VISIT_SCALE_FACTOR
VISIT_SCORES = (
    ScoreSpec(
        "total",
        "Visit experience score",
        minimum=0,
        maximum=VISIT_PERCENT_MAX,
        unit="%",
        code="coproduce:visit-experience",
        primary=True,
        higher_is="better",
    ),
    ScoreSpec(
        "top-box",
        "Visit experience, answers at strongly agree",
        minimum=0,
        maximum=100,
        unit="%",
        higher_is="better",
    ),
)


def score_visit_experience(spec: InstrumentSpec, answers: Mapping[str, float]) -> ScoreResult:
    """Score = mean of answered items × 25 (0-100); top-box = percent of answered items at 4.
    At least 3 of 5 items answered, else not scored."""
    ids = [i for i, _ in VISIT_TEXTS]
    missing_ids = tuple(i for i in ids if i not in answers)
    answered = [answers[i] for i in ids if i in answers]
    if len(answered) < VISIT_MIN_ANSWERED:
        reason = f"fewer than {VISIT_MIN_ANSWERED} items answered"
        return spec.result(
            None,
            scores={"total": None, "top-box": None},
            missing=MissingData("not-scored", missing_ids, reason),
        )
    total = sum(answered) / len(answered) * VISIT_SCALE_FACTOR
    top_box = sum(1 for v in answered if v == VISIT_ITEM_MAX) / len(answered) * 100
    missing = MissingData()
    if missing_ids:
        missing = MissingData("prorated", missing_ids, "mean of the answered items")
    return spec.result(total, scores={"total": total, "top-box": top_box}, missing=missing)


VISIT_EXPERIENCE = InstrumentSpec(
    code="visit-experience",
    version="1.0",
    title="Coproduce visit-experience questionnaire",
    url="http://coproduce.org/fhir/Questionnaire/visit-experience",
    items=tuple(ItemSpec(id=i, text=t, values=AGREEMENT, required=False) for i, t in VISIT_TEXTS),
    licence="Coproduce wording, free to use (same licence as the project).",
    source="Coproduce project; scoring rule defined here (mean × 25, top-box share).",
    scorer=score_visit_experience,
    notes="Five items, ids listened, priorities, next-steps, involved, respect; each 0-4 "
    "(0 strongly disagree, 1 disagree, 2 neither, 3 agree, 4 strongly agree). total = mean "
    "of answered items × 25 (0-100, unrounded); scores['top-box'] = percent of answered "
    "items at 4. At least 3 items needed (missing method 'prorated' when 1-2 missing), "
    "otherwise total None. No band. No LOINC. " + describe_scores(VISIT_SCORES),
    scores=VISIT_SCORES,
)

INSTRUMENTS: tuple[InstrumentSpec, ...] = (PROCTCAE, ACT, ODI, COLLABORATE, VISIT_EXPERIENCE)

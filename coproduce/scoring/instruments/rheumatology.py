"""Rheumatoid arthritis: DAS28 (ESR, CRP; 3 and 4 variables), CDAI, SDAI, HAQ-DI, RAPID3
and our own RA flare diary.

Sources:
- Prevoo MLL et al. Modified disease activity scores that include twenty-eight-joint counts.
  Arthritis Rheum 1995;38:44-8 (DAS28-ESR); the DAS28-ESR(3), DAS28-CRP(4) and DAS28-CRP(3)
  formulae as published on das-score.nl ("alternative validated formulae", Radboud UMC
  Nijmegen). EULAR categories: remission < 2.6, low <= 3.2, moderate <= 5.1, high > 5.1.
- Aletaha D, Smolen JS. The SDAI and the CDAI. Clin Exp Rheumatol 2005;23(Suppl 39):S100-8
  (CDAI cut-points 2.8/10/22); Smolen JS et al. Rheumatology 2003;42:244-57 (SDAI;
  cut-points 3.3/11/26, CRP in mg/dL).
- Bruce B, Fries JF. The Stanford Health Assessment Questionnaire: dimensions and practical
  applications. Health Qual Life Outcomes 2003;1:20; J Rheumatol 2003;30:167-78 (HAQ-DI with
  aids/devices; at least 6 of 8 categories).
- Pincus T et al. RAPID3. J Rheumatol 2008;35:2136-47; MDHAQ R808 scoring instructions
  (mdhaq.org "How to score MDHAQ": FN 0-30 to 0-10 template; RAPID3 categories).

HAQ-DI and MDHAQ/RAPID3 are licensed: no item text is shipped, only neutral item ids.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence

from coproduce.scoring.instruments.common import describe_scores, options, round_half_up
from coproduce.scoring.types import (
    InstrumentSpec,
    ItemSpec,
    MissingData,
    Scorer,
    ScoreResult,
    ScoreSpec,
)

URL_BASE = "http://coproduce.org/fhir/Questionnaire/"
NO_YES = options("No", "Yes")

# --- measured inputs shared by the composite indices -------------------------------------

# Labels are our own neutral words for what is measured (these indices have no wording).
TJC28 = ItemSpec(
    id="tjc28",
    text="Tender joint count (28 joints)",
    minimum=0,
    maximum=28,
    integer=True,
    unit="joints",
)
SJC28 = ItemSpec(
    id="sjc28",
    text="Swollen joint count (28 joints)",
    minimum=0,
    maximum=28,
    integer=True,
    unit="joints",
)
# ESR below 1 mm/h has no logarithm; laboratories report whole mm/h from 1 upward.
ESR = ItemSpec(
    id="esr", text="Erythrocyte sedimentation rate (ESR)", minimum=1, maximum=200, unit="mm/h"
)
CRP_MG_L = ItemSpec(
    id="crp", text="C-reactive protein (CRP) in mg/L", minimum=0, maximum=500, unit="mg/L"
)
CRP_MG_DL = ItemSpec(
    id="crp", text="C-reactive protein (CRP) in mg/dL", minimum=0, maximum=50, unit="mg/dL"
)
GLOBAL_MM = ItemSpec(
    id="patient_global",
    text="Patient's global assessment of health (0-100 mm scale)",
    minimum=0,
    maximum=100,
    unit="mm",
    required=False,
)
PATIENT_GLOBAL_CM = ItemSpec(
    id="patient_global",
    text="Patient's global assessment of disease activity (0-10 cm scale)",
    minimum=0,
    maximum=10,
    unit="cm",
)
EVALUATOR_GLOBAL_CM = ItemSpec(
    id="evaluator_global",
    text="Evaluator's global assessment of disease activity (0-10 cm scale)",
    minimum=0,
    maximum=10,
    unit="cm",
)

# --- DAS28 (Prevoo 1995; das-score.nl) ----------------------------------------------------

DAS28_TJC_WEIGHT = 0.56  # Prevoo 1995
DAS28_SJC_WEIGHT = 0.28  # Prevoo 1995
DAS28_ESR_WEIGHT = 0.70  # Prevoo 1995, ln(ESR)
DAS28_CRP_WEIGHT = 0.36  # das-score.nl, ln(CRP + 1), CRP in mg/L
DAS28_GLOBAL_WEIGHT = 0.014  # Prevoo 1995, global health in mm
DAS28_CRP4_CONSTANT = 0.96  # das-score.nl DAS28-CRP(4)
DAS28_ESR3_FACTOR, DAS28_ESR3_CONSTANT = 1.08, 0.16  # das-score.nl DAS28(3)
DAS28_CRP3_FACTOR, DAS28_CRP3_CONSTANT = 1.10, 1.15  # das-score.nl DAS28-CRP(3)
DAS28_REMISSION_BELOW = 2.6  # EULAR: remission < 2.6
DAS28_LOW_UPTO = 3.2  # EULAR: low <= 3.2
DAS28_MODERATE_UPTO = 5.1  # EULAR: moderate <= 5.1, high > 5.1
FLAG_THREE_VARIABLE = "three-variable"
DAS28_DECIMALS = 2  # das-score.nl reports DAS28 to 2 decimals
DAS28_STEP = 0.01  # the smallest difference between two reported DAS28 values


def lower_bound_bands(
    upper_bounds: Sequence[tuple[float, str]], above: str, step: float, digits: int
) -> tuple[tuple[float, str], ...]:
    """(lower bound, label) bands, as ScoreSpec wants them, from published inclusive upper
    bounds of a score reported to `digits` decimals: a band starts one reporting `step`
    above the previous band's upper bound; the first starts at 0; `above` after the last."""
    labels = [label for _, label in upper_bounds] + [above]
    lowers = [0.0] + [round(upper + step, digits) for upper, _ in upper_bounds]
    return tuple(zip(lowers, labels, strict=True))


# EULAR categories as lower bounds of the total rounded to 2 decimals: remission < 2.6,
# low 2.6-3.2, moderate 3.21-5.1, high from 5.11.
DAS28_BANDS = (
    (0.0, "remission"),
    (DAS28_REMISSION_BELOW, "low"),
    (round(DAS28_LOW_UPTO + DAS28_STEP, DAS28_DECIMALS), "moderate"),
    (round(DAS28_MODERATE_UPTO + DAS28_STEP, DAS28_DECIMALS), "high"),
)


def das28_joints(answers: Mapping[str, float]) -> float:
    """The joint-count part shared by every DAS28 formula."""
    return DAS28_TJC_WEIGHT * math.sqrt(answers["tjc28"]) + DAS28_SJC_WEIGHT * math.sqrt(
        answers["sjc28"]
    )


def das28_esr(answers: Mapping[str, float]) -> tuple[float, bool]:
    """Unrounded DAS28-ESR and whether the 3-variable form (no patient global) was used."""
    core = das28_joints(answers) + DAS28_ESR_WEIGHT * math.log(answers["esr"])
    if "patient_global" in answers:
        return core + DAS28_GLOBAL_WEIGHT * answers["patient_global"], False
    return core * DAS28_ESR3_FACTOR + DAS28_ESR3_CONSTANT, True


def das28_crp(answers: Mapping[str, float]) -> tuple[float, bool]:
    """Unrounded DAS28-CRP and whether the 3-variable form (no patient global) was used."""
    core = das28_joints(answers) + DAS28_CRP_WEIGHT * math.log(answers["crp"] + 1)
    if "patient_global" in answers:
        return core + DAS28_GLOBAL_WEIGHT * answers["patient_global"] + DAS28_CRP4_CONSTANT, False
    return core * DAS28_CRP3_FACTOR + DAS28_CRP3_CONSTANT, True


def das28_band(value: float) -> str:
    """EULAR category of a DAS28 rounded to 2 decimals."""
    if value < DAS28_REMISSION_BELOW:
        return "remission"
    if value <= DAS28_LOW_UPTO:
        return "low"
    if value <= DAS28_MODERATE_UPTO:
        return "moderate"
    return "high"


def das28_range(
    formula: Callable[[Mapping[str, float]], tuple[float, bool]], items: Sequence[ItemSpec]
) -> tuple[float, float]:
    """The lowest and highest reportable DAS28 of a variant: every formula rises with each
    input, so the extremes are at the items' bounds, in the 3- or the 4-variable form."""
    values = []
    for bound in ("minimum", "maximum"):
        answers = {item.id: getattr(item, bound) for item in items}
        values.append(formula(answers)[0])
        if "patient_global" in answers:
            values.append(formula({k: v for k, v in answers.items() if k != "patient_global"})[0])
    return round_half_up(min(values), DAS28_DECIMALS), round_half_up(max(values), DAS28_DECIMALS)


def das28_result(spec: InstrumentSpec, raw: float, three_variable: bool) -> ScoreResult:
    total = round_half_up(raw, DAS28_DECIMALS)
    flags = (FLAG_THREE_VARIABLE,) if three_variable else ()
    return spec.result(total, scores={"total": total}, band=das28_band(total), flags=flags)


def score_das28_esr(spec: InstrumentSpec, answers: Mapping[str, float]) -> ScoreResult:
    return das28_result(spec, *das28_esr(answers))


def score_das28_crp(spec: InstrumentSpec, answers: Mapping[str, float]) -> ScoreResult:
    return das28_result(spec, *das28_crp(answers))


DAS28_BANDS_NOTE = (
    "Total rounded half up to 2 decimals; EULAR band from the rounded total: "
    "remission < 2.6, low 2.6-3.2, moderate > 3.2-5.1, high > 5.1."
)
DAS28_SOURCE = (
    "Prevoo MLL et al. Arthritis Rheum 1995;38:44-8; formulae for 3 variables and CRP: "
    "das-score.nl (Radboud UMC Nijmegen), alternative validated formulae"
)
CLINICAL_INDEX_LICENCE = "Published formula; free to use (no item text)."


DAS28_FORMULAE = {"esr": das28_esr, "crp": das28_crp}


def das28_score(
    name: str, items: Sequence[ItemSpec], marker: ItemSpec, code: str
) -> tuple[ScoreSpec, ...]:
    """The one DAS28 score of a variant, its range computed from the formula."""
    low, high = das28_range(DAS28_FORMULAE[marker.id], items)
    return (
        ScoreSpec(
            "total",
            name,
            minimum=low,
            maximum=high,
            decimals=DAS28_DECIMALS,
            code=code,
            primary=True,
            bands=DAS28_BANDS,
        ),
    )


def das28_spec(
    code: str,
    title: str,
    marker: ItemSpec,
    scorer: Scorer,
    *,
    three: bool,
    formula: str,
    score_title: str,
    score_code: str = "",
) -> InstrumentSpec:
    """A DAS28 variant. With three=True the patient global item is absent (3-variable form);
    otherwise it is optional and the 3-variable form is used when it is left out."""
    items = (TJC28, SJC28, marker) if three else (TJC28, SJC28, marker, GLOBAL_MM)
    scores = das28_score(score_title, items, marker, score_code)
    how = (
        "Items: tjc28 and sjc28 (28-joint tender/swollen counts, 0-28), "
        f"{marker.id} ({marker.unit})"
    )
    how += (
        "; 3-variable form only (no patient global)."
        if three
        else "; patient_global (patient global health/disease activity VAS, 0-100 mm), "
        "optional: when left out the 3-variable formula is used and flag three-variable set."
    )
    return InstrumentSpec(
        code=code,
        version="1.0",
        title=title,
        url=URL_BASE + code,
        items=items,
        licence=CLINICAL_INDEX_LICENCE,
        source=DAS28_SOURCE,
        scorer=scorer,
        notes=f"{how} Formula: {formula}. {DAS28_BANDS_NOTE} {describe_scores(scores)}",
        scores=scores,
    )


ESR4 = "0.56*sqrt(tjc28) + 0.28*sqrt(sjc28) + 0.70*ln(esr) + 0.014*patient_global"
ESR3 = "[0.56*sqrt(tjc28) + 0.28*sqrt(sjc28) + 0.70*ln(esr)]*1.08 + 0.16"
CRP4 = "0.56*sqrt(tjc28) + 0.28*sqrt(sjc28) + 0.36*ln(crp+1) + 0.014*patient_global + 0.96"
CRP3 = "[0.56*sqrt(tjc28) + 0.28*sqrt(sjc28) + 0.36*ln(crp+1)]*1.10 + 1.15"

DAS28_ESR = das28_spec(
    "das28-esr",
    "Disease Activity Score 28 joints, ESR (DAS28-ESR)",
    ESR,
    score_das28_esr,
    three=False,
    formula=f"4-variable {ESR4}; 3-variable {ESR3}",
    score_title="DAS28-ESR",
    score_code="coproduce:das28-esr",
)
DAS28_ESR_3 = das28_spec(
    "das28-esr-3",
    "Disease Activity Score 28 joints, ESR, 3 variables (DAS28-ESR(3))",
    ESR,
    score_das28_esr,
    three=True,
    formula=ESR3,
    score_title="DAS28-ESR (3 variables)",
)
DAS28_CRP = das28_spec(
    "das28-crp",
    "Disease Activity Score 28 joints, CRP (DAS28-CRP)",
    CRP_MG_L,
    score_das28_crp,
    three=False,
    formula=f"4-variable {CRP4}; 3-variable {CRP3}",
    score_title="DAS28-CRP",
    score_code="coproduce:das28-crp",
)
DAS28_CRP_3 = das28_spec(
    "das28-crp-3",
    "Disease Activity Score 28 joints, CRP, 3 variables (DAS28-CRP(3))",
    CRP_MG_L,
    score_das28_crp,
    three=True,
    formula=CRP3,
    score_title="DAS28-CRP (3 variables)",
)

# --- CDAI and SDAI (Aletaha & Smolen 2005; Smolen 2003) -----------------------------------

# (upper bound inclusive, label); above the last bound: high.
CDAI_BANDS = ((2.8, "remission"), (10.0, "low"), (22.0, "moderate"))  # Aletaha 2005
SDAI_BANDS = ((3.3, "remission"), (11.0, "low"), (26.0, "moderate"))  # Smolen 2003
CDAI_DECIMALS = 2  # CDAI and SDAI are reported to 2 decimals here
CDAI_STEP = 0.01
CDAI_MAX = 76.0  # 28 + 28 + 10 + 10 (Aletaha 2005)
SDAI_MAX = CDAI_MAX + 50.0  # plus CRP up to the 50 mg/dL input bound


def band_upto(value: float, bands: Sequence[tuple[float, str]], above: str) -> str:
    """The label of the first band whose inclusive upper bound `value` does not exceed;
    `above` when it exceeds them all."""
    for upper, label in bands:
        if value <= upper:
            return label
    return above


def cdai_sum(answers: Mapping[str, float]) -> float:
    """CDAI = TJC28 + SJC28 + patient global (cm) + evaluator global (cm), to 2 decimals."""
    parts = ("tjc28", "sjc28", "patient_global", "evaluator_global")
    return round_half_up(sum(answers[p] for p in parts), 2)


def score_cdai(spec: InstrumentSpec, answers: Mapping[str, float]) -> ScoreResult:
    total = cdai_sum(answers)
    band = band_upto(total, CDAI_BANDS, "high")
    return spec.result(total, scores={"total": total}, band=band)


def score_sdai(spec: InstrumentSpec, answers: Mapping[str, float]) -> ScoreResult:
    cdai = cdai_sum(answers)
    total = round_half_up(cdai + answers["crp"], 2)
    band = band_upto(total, SDAI_BANDS, "high")
    return spec.result(total, scores={"total": total, "cdai": cdai}, band=band)


CDAI_SCORE_BANDS = lower_bound_bands(CDAI_BANDS, "high", CDAI_STEP, CDAI_DECIMALS)
SDAI_SCORE_BANDS = lower_bound_bands(SDAI_BANDS, "high", CDAI_STEP, CDAI_DECIMALS)


def cdai_score(name: str, title: str, *, code: str = "", primary: bool = False) -> ScoreSpec:
    return ScoreSpec(
        name,
        title,
        minimum=0,
        maximum=CDAI_MAX,
        decimals=CDAI_DECIMALS,
        code=code,
        primary=primary,
        bands=CDAI_SCORE_BANDS,
    )


CDAI_SCORES = (cdai_score("total", "CDAI", code="loinc:75847-4", primary=True),)
SDAI_SCORES = (
    ScoreSpec(
        "total",
        "SDAI",
        minimum=0,
        maximum=SDAI_MAX,
        decimals=CDAI_DECIMALS,
        code="loinc:75845-8",
        primary=True,
        bands=SDAI_SCORE_BANDS,
    ),
    cdai_score("cdai", "CDAI part of the SDAI"),
)

CDAI_ITEMS_NOTE = (
    "Items: tjc28, sjc28 (28-joint tender/swollen counts, 0-28), patient_global and "
    "evaluator_global (patient's and evaluator's global assessment of disease activity, "
    "0-10 cm VAS; a 0-100 mm reading must be divided by 10)"
)
CDAI = InstrumentSpec(
    code="cdai",
    version="1.0",
    title="Clinical Disease Activity Index (CDAI)",
    url=URL_BASE + "cdai",
    items=(TJC28, SJC28, PATIENT_GLOBAL_CM, EVALUATOR_GLOBAL_CM),
    licence=CLINICAL_INDEX_LICENCE,
    source="Aletaha D, Smolen JS. Clin Exp Rheumatol 2005;23(5 Suppl 39):S100-8",
    scorer=score_cdai,
    notes=f"{CDAI_ITEMS_NOTE}. Total = sum, 0-76, to 2 decimals. Bands: remission <= 2.8, "
    f"low > 2.8-10, moderate > 10-22, high > 22. {describe_scores(CDAI_SCORES)}",
    scores=CDAI_SCORES,
)
SDAI = InstrumentSpec(
    code="sdai",
    version="1.0",
    title="Simplified Disease Activity Index (SDAI)",
    url=URL_BASE + "sdai",
    items=(TJC28, SJC28, PATIENT_GLOBAL_CM, EVALUATOR_GLOBAL_CM, CRP_MG_DL),
    licence=CLINICAL_INDEX_LICENCE,
    source="Smolen JS et al. Rheumatology (Oxford) 2003;42:244-57; Aletaha D, Smolen JS. "
    "Clin Exp Rheumatol 2005;23(5 Suppl 39):S100-8",
    scorer=score_sdai,
    notes=f"{CDAI_ITEMS_NOTE}, and crp in mg/dL (NOT mg/L: divide a mg/L result by 10). "
    "Total = CDAI + crp, to 2 decimals; scores.cdai is the CDAI part. Bands: remission "
    f"<= 3.3, low > 3.3-11, moderate > 11-26, high > 26. {describe_scores(SDAI_SCORES)}",
    scores=SDAI_SCORES,
)

# --- HAQ-DI (Bruce & Fries 2003; Stanford HAQ scoring instructions) -----------------------

# Category -> number of items on the standard 20-item HAQ disability section.
HAQ_CATEGORIES = (
    ("dressing", 2),
    ("arising", 2),
    ("eating", 3),
    ("walking", 2),
    ("hygiene", 3),
    ("reach", 2),
    ("grip", 3),
    ("activities", 3),
)
HAQ_DIFFICULTY = options(
    "Without any difficulty", "With some difficulty", "With much difficulty", "Unable to do"
)
HAQ_AIDED_MINIMUM = 2  # Stanford: aids/devices or help raise a category score of 0 or 1 to 2
HAQ_MIN_CATEGORIES = 6  # Stanford: HAQ-DI needs at least 6 of the 8 categories answered
HAQ_RULE = "Stanford HAQ-DI: mean of the answered categories, at least 6 of 8 needed"
HAQ_MAX = 3  # each item and category 0-3 (Bruce & Fries 2003)
HAQ_DI_DECIMALS = 3  # the mean is unrounded; 3 decimals show eighths (0.125) exactly
HAQ_CATEGORY_TITLES = {  # the Stanford HAQ category names
    "dressing": "dressing and grooming",
    "arising": "arising",
    "eating": "eating",
    "walking": "walking",
    "hygiene": "hygiene",
    "reach": "reach",
    "grip": "grip",
    "activities": "common daily activities",
}


def haq_item_ids(category: str, count: int) -> tuple[str, ...]:
    return tuple(f"{category}_{n}" for n in range(1, count + 1))


def haq_items() -> tuple[ItemSpec, ...]:
    items: list[ItemSpec] = []
    for category, count in HAQ_CATEGORIES:
        for item_id in haq_item_ids(category, count):
            items.append(ItemSpec(id=item_id, values=HAQ_DIFFICULTY, required=False))
        for suffix in ("aids", "help"):
            items.append(ItemSpec(id=f"{category}_{suffix}", values=NO_YES, required=False))
    return tuple(items)


def haq_category(
    answers: Mapping[str, float], category: str, count: int
) -> tuple[float | None, float | None]:
    """(score without aids, score with aids/help) for one category; (None, None) when none of
    its items is answered (an aids/help tick alone does not make a category answered)."""
    answered = [answers[i] for i in haq_item_ids(category, count) if i in answers]
    if not answered:
        return None, None
    highest = max(answered)
    aided = answers.get(f"{category}_aids", 0) == 1 or answers.get(f"{category}_help", 0) == 1
    return highest, max(highest, HAQ_AIDED_MINIMUM) if aided else highest


def haq_mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if len(values) >= HAQ_MIN_CATEGORIES else None


def score_haq_di(spec: InstrumentSpec, answers: Mapping[str, float]) -> ScoreResult:
    scores: dict[str, float | None] = {}
    plain: list[float] = []
    aided: list[float] = []
    missing_categories: list[str] = []
    for category, count in HAQ_CATEGORIES:
        without, with_aids = haq_category(answers, category, count)
        scores[category] = with_aids
        if with_aids is None:
            missing_categories.append(category)
            continue
        plain.append(without)
        aided.append(with_aids)
    total = haq_mean(aided)
    scores["total"] = total
    scores["without_aids"] = haq_mean(plain)
    return spec.result(total, scores=scores, missing=haq_missing(missing_categories, total))


def haq_missing(categories: Sequence[str], total: float | None) -> MissingData:
    if not categories:
        return MissingData()
    if total is None:
        return MissingData("not-scored", tuple(categories), HAQ_RULE)
    return MissingData("prorated", tuple(categories), HAQ_RULE)


def haq_score(name: str, title: str, decimals: int, **kwargs) -> ScoreSpec:
    return ScoreSpec(name, title, minimum=0, maximum=HAQ_MAX, decimals=decimals, **kwargs)


HAQ_SCORES = (
    haq_score("total", "HAQ-DI", HAQ_DI_DECIMALS, code="loinc:75874-8", primary=True),
    haq_score("without_aids", "HAQ-DI without the aids and help adjustment", HAQ_DI_DECIMALS),
    *(
        haq_score(category, f"HAQ-DI {HAQ_CATEGORY_TITLES[category]} category score", 0)
        for category, _ in HAQ_CATEGORIES
    ),
)

HAQ_ITEM_NOTE = ", ".join(
    f"{category} {'/'.join(haq_item_ids(category, count))}" for category, count in HAQ_CATEGORIES
)
HAQ_DI = InstrumentSpec(
    code="haq-di",
    version="1.0",
    title="Health Assessment Questionnaire Disability Index (HAQ-DI)",
    url=URL_BASE + "haq-di",
    items=haq_items(),
    licence="© Stanford University; licensed: no item text shipped, supply it under licence.",
    source="Bruce B, Fries JF. The Stanford Health Assessment Questionnaire: a review of its "
    "history, issues, progress, and documentation. J Rheumatol 2003;30:167-78; The HAQ and the "
    "Improved HAQ, Stanford University scoring instructions (ARAMIS, revised June 2009)",
    scorer=score_haq_di,
    item_text_shipped=False,
    loinc="75874-8",
    notes="Items, in questionnaire order (20, each 0 without any difficulty, 1 some, 2 much, "
    f"3 unable): {HAQ_ITEM_NOTE}. Per category, <category>_aids (aids or devices used for "
    "it: 1 yes, 0 no) and <category>_help (help from another person: 1 yes, 0 no); map each "
    "ticked device to its category (e.g. cane/walker to walking, jar opener to grip, raised "
    "toilet seat/bath seat to hygiene; errands-and-chores help to activities). Category "
    "score = highest item; if aids or help is ticked and that is 0 or 1 it becomes 2. "
    "A category with no item answered is missing "
    "(an aids/help tick alone does not count). HAQ-DI = mean of the answered categories "
    "(0-3, unrounded), only with at least 6 of 8; otherwise total None. scores: each "
    "category, total, without_aids (same mean ignoring aids/help). No band. "
    + describe_scores(HAQ_SCORES),
    scores=HAQ_SCORES,
)

# --- RAPID3 (Pincus 2008; MDHAQ R808 scoring template) ------------------------------------

RAPID3_FN_IDS = tuple(f"fn_{letter}" for letter in "abcdefghij")
# MDHAQ template: FN raw 0-30 -> 0-10 (raw / 3 to one decimal), index = raw score.
RAPID3_FN_TABLE = (
    0.0, 0.3, 0.7, 1.0, 1.3, 1.7, 2.0, 2.3, 2.7, 3.0,
    3.3, 3.7, 4.0, 4.3, 4.7, 5.0, 5.3, 5.7, 6.0, 6.3,
    6.7, 7.0, 7.3, 7.7, 8.0, 8.3, 8.7, 9.0, 9.3, 9.7,
    10.0,
)  # fmt: skip
# (upper bound inclusive, label); mdhaq.org: near remission <= 3, low 3.1-6,
# moderate 6.1-12, high > 12.
RAPID3_BANDS = ((3.0, "near-remission"), (6.0, "low"), (12.0, "moderate"))
RAPID3_STEP = 0.1  # RAPID3 is reported to one decimal
RAPID3_SCORE_BANDS = lower_bound_bands(RAPID3_BANDS, "high", RAPID3_STEP, 1)
RAPID3_MAX = 30  # function 0-10 + pain 0-10 + patient global 0-10 (Pincus 2008)
RAPID3_PART_MAX = 10
MDHAQ_DIFFICULTY = options(
    "Without any difficulty", "With some difficulty", "With much difficulty", "Unable to do"
)


def score_rapid3(spec: InstrumentSpec, answers: Mapping[str, float]) -> ScoreResult:
    raw = int(sum(answers[i] for i in RAPID3_FN_IDS))
    function = RAPID3_FN_TABLE[raw]
    total = round_half_up(function + answers["pain"] + answers["patient_global"], 1)
    scores = {
        "total": total,
        "function_raw": float(raw),
        "function": function,
        "pain": answers["pain"],
        "patient_global": answers["patient_global"],
    }
    return spec.result(total, scores=scores, band=band_upto(total, RAPID3_BANDS, "high"))


RAPID3_SCORES = (
    ScoreSpec(
        "total",
        "RAPID3",
        minimum=0,
        maximum=RAPID3_MAX,
        decimals=1,
        primary=True,
        bands=RAPID3_SCORE_BANDS,
    ),
    ScoreSpec("function_raw", "RAPID3 physical function, raw sum", minimum=0, maximum=30),
    ScoreSpec("function", "RAPID3 physical function", minimum=0, maximum=10, decimals=1),
    ScoreSpec("pain", "RAPID3 pain", minimum=0, maximum=RAPID3_PART_MAX, decimals=1),
    ScoreSpec(
        "patient_global",
        "RAPID3 patient global estimate",
        minimum=0,
        maximum=RAPID3_PART_MAX,
        decimals=1,
    ),
)

RAPID3 = InstrumentSpec(
    code="rapid3",
    version="1.0",
    title="Routine Assessment of Patient Index Data 3 (RAPID3, from the MDHAQ)",
    url=URL_BASE + "rapid3",
    items=(
        *(ItemSpec(id=i, values=MDHAQ_DIFFICULTY) for i in RAPID3_FN_IDS),
        ItemSpec(id="pain", minimum=0, maximum=10, unit="VAS 0-10"),
        ItemSpec(id="patient_global", minimum=0, maximum=10, unit="VAS 0-10"),
    ),
    licence="© Medical History Services LLC (T. Pincus); licensed: no item text shipped.",
    source="Pincus T et al. J Rheumatol 2008;35:2136-47; MDHAQ R808 scoring instructions "
    "(mdhaq.org, How to score MDHAQ)",
    scorer=score_rapid3,
    item_text_shipped=False,
    notes="Items: fn_a … fn_j, the 10 MDHAQ physical function items in order, each 0-3 "
    "(0 without any difficulty … 3 unable), all required; pain (pain VAS 0-10, 21-circle "
    "scale in steps of 0.5) and patient_global (patient global estimate VAS 0-10). Function "
    "raw 0-30 is converted to 0-10 with the MDHAQ template (raw/3 to one decimal: 1=0.3, "
    "2=0.7, 3=1.0, …). RAPID3 = function + pain + patient_global, 0-30, one decimal. Bands: "
    "near-remission <= 3, low 3.1-6, moderate 6.1-12, high > 12. scores: total, "
    "function_raw, function, pain, patient_global. " + describe_scores(RAPID3_SCORES),
    scores=RAPID3_SCORES,
)

# --- RA flare diary (our own wording) -----------------------------------------------------

# Coproduce rule (ours, not a published instrument): a day counts as a flare day when the
# patient says so, or when at least FLARE_SIGNS_NEEDED of these signs are present.
STIFFNESS_SIGN_MINUTES = 60  # morning stiffness of an hour or more
PAIN_SIGN = 6  # pain 6 or more out of 10
FATIGUE_SIGN = 7  # fatigue 7 or more out of 10
SWOLLEN_SIGN = 1  # any swollen joint noticed
FLARE_SIGNS_NEEDED = 2
FLAG_FLARE = "flare"
FLAG_PATIENT_FLARE = "patient-reported-flare"
SCALE_0_10 = options(*(str(n) for n in range(11)))
MINUTES_IN_A_DAY = 1440
RA_FLARE_SCORES = (
    ScoreSpec("total", "RA flare signs present", minimum=0, maximum=4, primary=True),
    ScoreSpec(
        "morning_stiffness_minutes",
        "Morning stiffness",
        minimum=0,
        maximum=MINUTES_IN_A_DAY,
        unit="min",
    ),
    ScoreSpec("pain", "Joint pain", minimum=0, maximum=10),
    ScoreSpec("fatigue", "Fatigue", minimum=0, maximum=10),
    ScoreSpec("swollen_joints", "Swollen joints noticed", minimum=0, maximum=28, unit="{count}"),
)


def flare_signs(answers: Mapping[str, float]) -> int:
    """How many of the four flare signs are present (0-4)."""
    return sum(
        (
            answers["morning_stiffness_minutes"] >= STIFFNESS_SIGN_MINUTES,
            answers["pain"] >= PAIN_SIGN,
            answers["fatigue"] >= FATIGUE_SIGN,
            answers["swollen_joints"] >= SWOLLEN_SIGN,
        )
    )


def score_ra_flare_diary(spec: InstrumentSpec, answers: Mapping[str, float]) -> ScoreResult:
    signs = flare_signs(answers)
    patient_says = answers["flare"] == 1
    flare = patient_says or signs >= FLARE_SIGNS_NEEDED
    flags = tuple(
        flag for flag, on in ((FLAG_FLARE, flare), (FLAG_PATIENT_FLARE, patient_says)) if on
    )
    scores = {
        "total": float(signs),
        "morning_stiffness_minutes": answers["morning_stiffness_minutes"],
        "pain": answers["pain"],
        "fatigue": answers["fatigue"],
        "swollen_joints": answers["swollen_joints"],
    }
    band = "flare" if flare else "no-flare"
    return spec.result(float(signs), scores=scores, band=band, flags=flags)


RA_FLARE_DIARY = InstrumentSpec(
    code="ra-flare-diary",
    version="1.0",
    title="Rheumatoid arthritis daily flare diary (Coproduce)",
    url=URL_BASE + "ra-flare-diary",
    items=(
        ItemSpec(
            id="morning_stiffness_minutes",
            text="How many minutes did your joints feel stiff after you got up this morning?",
            minimum=0,
            maximum=MINUTES_IN_A_DAY,
            integer=True,
            unit="min",
        ),
        ItemSpec(
            id="pain",
            text="How bad was your joint pain today? (0 = none, 10 = worst imaginable)",
            values=SCALE_0_10,
        ),
        ItemSpec(
            id="fatigue",
            text="How tired did you feel today? (0 = not at all, 10 = exhausted)",
            values=SCALE_0_10,
        ),
        ItemSpec(
            id="swollen_joints",
            text="How many of your joints looked or felt swollen today?",
            minimum=0,
            maximum=28,
            integer=True,
            unit="joints",
        ),
        ItemSpec(id="flare", text="Do you think your arthritis is flaring today?", values=NO_YES),
    ),
    licence="© Coproduce contributors; free to use (our own wording).",
    source="Coproduce RA flare diary v1.0 (own wording; flare rule documented in notes)",
    scorer=score_ra_flare_diary,
    notes="All items required: morning_stiffness_minutes (0-1440), pain (0-10), fatigue "
    "(0-10), swollen_joints (0-28), flare (1 yes, 0 no). Total = number of flare signs "
    "present (0-4): stiffness >= 60 min, pain >= 6, fatigue >= 7, swollen_joints >= 1. "
    "Band flare (flag flare) when flare = 1 or at least 2 signs; otherwise no-flare. Flag "
    "patient-reported-flare when flare = 1. This is our rule, not a validated flare "
    "definition. " + describe_scores(RA_FLARE_SCORES),
    scores=RA_FLARE_SCORES,
)

INSTRUMENTS: tuple[InstrumentSpec, ...] = (
    DAS28_ESR,
    DAS28_ESR_3,
    DAS28_CRP,
    DAS28_CRP_3,
    CDAI,
    SDAI,
    HAQ_DI,
    RAPID3,
    RA_FLARE_DIARY,
)

"""Inflammatory bowel disease activity indices and the IBD flare diary.

Clinician-assessed indices: no licensed item text; items carry short neutral labels in our
own words (what is measured, for a form to show) and are answered with the published points
(the weighted category values), so the total is the sum of the answers.

Sources:
- Harvey RF, Bradshaw JM. A simple index of Crohn's-disease activity. Lancet 1980;1(8167):514
  (items and points); Best WR. Predicting the Crohn's disease activity index from the
  Harvey-Bradshaw Index. Inflamm Bowel Dis 2006;12:304-10 (bands <5 remission, 5-7 mild,
  8-16 moderate, >16 severe); Vermeire S et al. Clin Gastroenterol Hepatol 2010;8:357-63
  (HBI <= 4 corresponds to CDAI <= 150, remission).
- Walmsley RS, Ayres RCS, Pounder RE, Allan RN. A simple clinical colitis activity index.
  Gut 1998;43:29-32 (items, 0-19); Higgins PDR et al. Gut 2005;54:782-8 (remission SCCAI
  < 2.5, i.e. <= 2); Jowett SL et al. Scand J Gastroenterol 2003;38:164-71 (active disease /
  relapse at SCCAI >= 5).
- Turner D, Otley AR, Mack D, et al. Development, validation, and evaluation of a pediatric
  ulcerative colitis activity index. Gastroenterology 2007;133:423-32 (items, 0-85, bands).
- Turner D, Griffiths AM, Walters TD, et al. Mathematical weighting of the pediatric Crohn's
  disease activity index (PCDAI) and comparison with its other short versions. Inflamm Bowel
  Dis 2012;18:55-62 (weighted PCDAI items, 0-125, bands).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from coproduce.scoring.instruments.common import describe_scores
from coproduce.scoring.types import AllowedValue, InstrumentSpec, ItemSpec, ScoreResult, ScoreSpec

# The shipped FHIR definitions repeat this string; item labels are our own neutral words.
CLINICAL_INDEX_LICENCE = (
    "Published clinical index, free to use for scoring; no item text is shipped (items are "
    "described by neutral labels)."
)


def points(*pairs: tuple[float, str]) -> tuple[AllowedValue, ...]:
    """Answer options whose codes are the published points."""
    return tuple(AllowedValue(code=code, meaning=meaning) for code, meaning in pairs)


def item_sum(answers: Mapping[str, float], item_ids: Sequence[str]) -> float:
    """Sum of the answered items; unanswered optional items count as 0."""
    return float(sum(answers.get(item_id, 0.0) for item_id in item_ids))


def url_for(code: str) -> str:
    return f"http://coproduce.org/fhir/Questionnaire/{code}"


def highest_sum(items: Sequence[ItemSpec]) -> float:
    """The largest total a sum of these items can reach: each at its highest answer."""
    return float(sum(max(v.code for v in i.values) if i.values else i.maximum for i in items))


def index_total(
    title: str, items: Sequence[ItemSpec], bands: tuple, code: str, decimals: int = 0
) -> ScoreSpec:
    """The primary score of an index that sums its items' points."""
    return ScoreSpec(
        "total",
        title,
        minimum=0,
        maximum=highest_sum(items),
        decimals=decimals,
        code=code,
        primary=True,
        bands=bands,
    )


# --- Harvey-Bradshaw Index -------------------------------------------------------------

HBI_WELLBEING = points(
    (0, "very well"), (1, "slightly below par"), (2, "poor"), (3, "very poor"), (4, "terrible")
)
HBI_PAIN = points((0, "none"), (1, "mild"), (2, "moderate"), (3, "severe"))
HBI_MASS = points((0, "none"), (1, "dubious"), (2, "definite"), (3, "definite and tender"))
PRESENT = points((0, "absent"), (1, "present"))
HBI_CORE_IDS = ("wellbeing", "abdominal_pain", "liquid_stools", "abdominal_mass")
# Harvey & Bradshaw 1980: one point for each complication present.
HBI_COMPLICATION_IDS = (
    "arthralgia",
    "uveitis",
    "erythema_nodosum",
    "aphthous_ulcers",
    "pyoderma_gangrenosum",
    "anal_fissure",
    "new_fistula",
    "abscess",
)
HBI_MAX_STOOLS = 100  # a plausibility bound, not a published limit
HBI_REMISSION_BELOW = 5  # Best 2006
HBI_MILD_UP_TO = 7  # Best 2006
HBI_MODERATE_UP_TO = 16  # Best 2006
# Best 2006 as lower bounds of the whole-number total: 0 remission, 5 mild, 8 moderate,
# 17 severe.
HBI_BANDS = (
    (0, "remission"),
    (HBI_REMISSION_BELOW, "mild"),
    (HBI_MILD_UP_TO + 1, "moderate"),
    (HBI_MODERATE_UP_TO + 1, "severe"),
)
HBI_COMPLICATION_LABELS = {
    "arthralgia": "Arthralgia",
    "uveitis": "Uveitis",
    "erythema_nodosum": "Erythema nodosum",
    "aphthous_ulcers": "Aphthous ulcers",
    "pyoderma_gangrenosum": "Pyoderma gangrenosum",
    "anal_fissure": "Anal fissure",
    "new_fistula": "New fistula",
    "abscess": "Abscess",
}
HBI_ITEMS = (
    ItemSpec(id="wellbeing", text="General well-being (previous day)", values=HBI_WELLBEING),
    ItemSpec(id="abdominal_pain", text="Abdominal pain (previous day)", values=HBI_PAIN),
    ItemSpec(
        id="liquid_stools",
        text="Number of liquid or soft stools (previous day)",
        minimum=0,
        maximum=HBI_MAX_STOOLS,
        integer=True,
        unit="liquid or soft stools on the previous day",
    ),
    ItemSpec(id="abdominal_mass", text="Abdominal mass", values=HBI_MASS),
    *(
        ItemSpec(id=item_id, text=HBI_COMPLICATION_LABELS[item_id], values=PRESENT, required=False)
        for item_id in HBI_COMPLICATION_IDS
    ),
)
HBI_SCORES = (
    index_total("Harvey-Bradshaw Index", HBI_ITEMS, HBI_BANDS, "coproduce:hbi"),
    ScoreSpec(
        "complications",
        "HBI complications present",
        minimum=0,
        maximum=len(HBI_COMPLICATION_IDS),
    ),
)


def hbi_band(total: float) -> str:
    """Best 2006: <5 remission, 5-7 mild, 8-16 moderate, >16 severe."""
    if total < HBI_REMISSION_BELOW:
        return "remission"
    if total <= HBI_MILD_UP_TO:
        return "mild"
    if total <= HBI_MODERATE_UP_TO:
        return "moderate"
    return "severe"


def score_hbi(spec: InstrumentSpec, answers: Mapping[str, float]) -> ScoreResult:
    """HBI = well-being + pain + liquid stools + mass + one point per complication."""
    complications = item_sum(answers, HBI_COMPLICATION_IDS)
    total = item_sum(answers, HBI_CORE_IDS) + complications
    scores = {"total": total, "complications": complications}
    return spec.result(total, scores=scores, band=hbi_band(total))


HBI = InstrumentSpec(
    code="hbi",
    version="1980",
    title="Harvey-Bradshaw Index (Crohn's disease activity)",
    url=url_for("hbi"),
    items=HBI_ITEMS,
    licence=CLINICAL_INDEX_LICENCE,
    source="Harvey RF, Bradshaw JM. A simple index of Crohn's-disease activity. Lancet "
    "1980;1(8167):514; bands: Best WR. Inflamm Bowel Dis 2006;12:304-10",
    scorer=score_hbi,
    notes="Answers: wellbeing 0-4 (previous day: 0 very well, 1 slightly below par, 2 poor, "
    "3 very poor, 4 terrible); abdominal_pain 0-3 (previous day: none, mild, moderate, severe); "
    "liquid_stools = number of liquid or soft stools on the previous day (whole number, each "
    "scores 1); abdominal_mass 0-3 (none, dubious, definite, definite and tender). "
    "Complications, one point each, 1 = present, 0 or left out = absent: arthralgia, uveitis, "
    "erythema_nodosum, aphthous_ulcers, pyoderma_gangrenosum, anal_fissure, new_fistula, "
    "abscess. total = sum of all items; scores: total, complications (count). Bands (Best "
    "2006): <5 remission, 5-7 mild, 8-16 moderate, >16 severe. The four core items are "
    "required; no proration. HBI <= 4 = remission (Vermeire 2010). " + describe_scores(HBI_SCORES),
    scores=HBI_SCORES,
)


# --- Simple Clinical Colitis Activity Index --------------------------------------------

SCCAI_DAY = points((0, "3 stools or fewer"), (1, "4-6"), (2, "7-9"), (3, "more than 9"))
SCCAI_NIGHT = points((0, "none"), (1, "1-3 stools"), (2, "4-6"))
SCCAI_URGENCY = points((0, "none"), (1, "hurry"), (2, "immediately"), (3, "incontinence"))
SCCAI_BLOOD = points((0, "none"), (1, "trace"), (2, "occasionally frank"), (3, "usually frank"))
SCCAI_ITEM_IDS = (
    "bowel_frequency_day",
    "bowel_frequency_night",
    "urgency",
    "blood",
    "wellbeing",
    "extracolonic_features",
)
# Walmsley 1998 scores one point per extracolonic manifestation; its 0-19 range corresponds
# to four. The bound here only rejects implausible counts.
SCCAI_MAX_EXTRACOLONIC = 10
SCCAI_REMISSION_UP_TO = 2  # Higgins 2005: remission SCCAI < 2.5
SCCAI_ACTIVE_FROM = 5  # Jowett 2003: relapse / active disease SCCAI >= 5
SCCAI_BANDS = (  # lower bounds of the whole-number total (Higgins 2005, Jowett 2003)
    (0, "remission"),
    (SCCAI_REMISSION_UP_TO + 1, "mildly-active"),
    (SCCAI_ACTIVE_FROM, "active"),
)
SCCAI_ITEMS = (
    ItemSpec(id="bowel_frequency_day", text="Bowel frequency during the day", values=SCCAI_DAY),
    ItemSpec(id="bowel_frequency_night", text="Bowel frequency at night", values=SCCAI_NIGHT),
    ItemSpec(id="urgency", text="Urgency of defecation", values=SCCAI_URGENCY),
    ItemSpec(id="blood", text="Blood in stool", values=SCCAI_BLOOD),
    ItemSpec(id="wellbeing", text="General well-being", values=HBI_WELLBEING),
    ItemSpec(
        id="extracolonic_features",
        text="Number of extracolonic features",
        minimum=0,
        maximum=SCCAI_MAX_EXTRACOLONIC,
        integer=True,
        unit="number of extracolonic manifestations",
    ),
)
SCCAI_SCORES = (
    index_total(
        "Simple Clinical Colitis Activity Index", SCCAI_ITEMS, SCCAI_BANDS, "coproduce:sccai"
    ),
)


def sccai_band(total: float) -> str:
    """<=2 remission (Higgins 2005), 3-4 mildly-active, >=5 active (Jowett 2003)."""
    if total <= SCCAI_REMISSION_UP_TO:
        return "remission"
    if total < SCCAI_ACTIVE_FROM:
        return "mildly-active"
    return "active"


def score_sccai(spec: InstrumentSpec, answers: Mapping[str, float]) -> ScoreResult:
    """SCCAI = sum of the six item points (Walmsley 1998)."""
    total = item_sum(answers, SCCAI_ITEM_IDS)
    return spec.result(total, scores={"total": total}, band=sccai_band(total))


SCCAI = InstrumentSpec(
    code="sccai",
    version="1998",
    title="Simple Clinical Colitis Activity Index (SCCAI)",
    url=url_for("sccai"),
    items=SCCAI_ITEMS,
    licence=CLINICAL_INDEX_LICENCE,
    source="Walmsley RS, Ayres RCS, Pounder RE, Allan RN. A simple clinical colitis activity "
    "index. Gut 1998;43:29-32; remission: Higgins PDR et al. Gut 2005;54:782-8; active: "
    "Jowett SL et al. Scand J Gastroenterol 2003;38:164-71",
    scorer=score_sccai,
    notes="Answers are the published points: bowel_frequency_day 0 (1-3 stools/day), 1 (4-6), "
    "2 (7-9), 3 (>9); bowel_frequency_night 0 (none), 1 (1-3), 2 (4-6); urgency 0 none, "
    "1 hurry, 2 immediately, 3 incontinence; blood 0 none, 1 trace, 2 occasionally frank, "
    "3 usually frank; wellbeing 0 very well, 1 slightly below par, 2 poor, 3 very poor, "
    "4 terrible; extracolonic_features = number of extracolonic manifestations (arthritis, "
    "uveitis/episcleritis, erythema nodosum, pyoderma gangrenosum, aphthous ulcers …), one "
    "point each. total = sum (0-19 with up to 4 features). Bands: 0-2 remission (Higgins "
    "2005, < 2.5), 3-4 mildly-active, >= 5 active (Jowett 2003). All items required. "
    + describe_scores(SCCAI_SCORES),
    scores=SCCAI_SCORES,
)


# --- Paediatric Ulcerative Colitis Activity Index -------------------------------------

PUCAI_ITEMS = (
    ItemSpec(
        id="abdominal_pain",
        text="Abdominal pain",
        values=points((0, "no pain"), (5, "can be ignored"), (10, "cannot be ignored")),
    ),
    ItemSpec(
        id="rectal_bleeding",
        text="Rectal bleeding",
        values=points(
            (0, "none"),
            (10, "small amount, in < 50% of stools"),
            (20, "small amount with most stools"),
            (30, "large amount (> 50% of stool content)"),
        ),
    ),
    ItemSpec(
        id="stool_consistency",
        text="Consistency of most stools",
        values=points((0, "formed"), (5, "partially formed"), (10, "completely unformed")),
    ),
    ItemSpec(
        id="stools_per_24h",
        text="Number of stools in 24 hours",
        values=points((0, "0-2"), (5, "3-5"), (10, "6-8"), (15, "more than 8")),
    ),
    ItemSpec(
        id="nocturnal_stools",
        text="Nocturnal stools (any episode causing wakening)",
        values=points((0, "no"), (10, "yes")),
    ),
    ItemSpec(
        id="activity_level",
        text="Activity level",
        values=points(
            (0, "no limitation"), (5, "occasional limitation"), (10, "severely restricted")
        ),
    ),
)
PUCAI_ITEM_IDS = tuple(item.id for item in PUCAI_ITEMS)
PUCAI_MILD_FROM = 10  # Turner 2007: remission < 10
PUCAI_MODERATE_FROM = 35  # Turner 2007: moderate 35-64
PUCAI_SEVERE_FROM = 65  # Turner 2007: severe >= 65
PUCAI_BANDS = (
    (0, "remission"),
    (PUCAI_MILD_FROM, "mild"),
    (PUCAI_MODERATE_FROM, "moderate"),
    (PUCAI_SEVERE_FROM, "severe"),
)
PUCAI_SCORES = (
    index_total(
        "Paediatric Ulcerative Colitis Activity Index", PUCAI_ITEMS, PUCAI_BANDS, "coproduce:pucai"
    ),
)


def pucai_band(total: float) -> str:
    """Turner 2007: <10 remission, 10-34 mild, 35-64 moderate, >=65 severe."""
    if total < PUCAI_MILD_FROM:
        return "remission"
    if total < PUCAI_MODERATE_FROM:
        return "mild"
    if total < PUCAI_SEVERE_FROM:
        return "moderate"
    return "severe"


def score_pucai(spec: InstrumentSpec, answers: Mapping[str, float]) -> ScoreResult:
    """PUCAI = sum of the six item points (Turner 2007), 0-85."""
    total = item_sum(answers, PUCAI_ITEM_IDS)
    return spec.result(total, scores={"total": total}, band=pucai_band(total))


PUCAI = InstrumentSpec(
    code="pucai",
    version="2007",
    title="Paediatric Ulcerative Colitis Activity Index (PUCAI)",
    url=url_for("pucai"),
    items=PUCAI_ITEMS,
    licence=CLINICAL_INDEX_LICENCE,
    source="Turner D, Otley AR, Mack D, et al. Development, validation, and evaluation of a "
    "pediatric ulcerative colitis activity index: a prospective multicenter study. "
    "Gastroenterology 2007;133:423-32",
    scorer=score_pucai,
    notes="Answers are the published points: abdominal_pain 0/5/10 (none, can be ignored, "
    "cannot be ignored); rectal_bleeding 0/10/20/30 (none, small amount in <50% of stools, "
    "small amount with most stools, large amount >50% of stool content); stool_consistency "
    "0/5/10 (formed, partially formed, completely unformed); stools_per_24h 0/5/10/15 (0-2, "
    "3-5, 6-8, >8); nocturnal_stools 0/10 (any episode causing wakening: no, yes); "
    "activity_level 0/5/10 (no, occasional, severely restricted limitation). total = sum, "
    "0-85. Bands: <10 remission, 10-34 mild, 35-64 moderate, >=65 severe. All items "
    "required. " + describe_scores(PUCAI_SCORES),
    scores=PUCAI_SCORES,
)


# --- Weighted Paediatric Crohn's Disease Activity Index --------------------------------

WPCDAI_ITEMS = (
    ItemSpec(
        id="abdominal_pain",
        text="Abdominal pain",
        values=points((0, "none"), (10, "mild"), (20, "moderate/severe")),
    ),
    ItemSpec(
        id="wellbeing",
        text="Patient functioning and general well-being",
        values=points(
            (0, "no limitation, well"),
            (10, "occasional difficulty, below par"),
            (20, "frequent limitation, very poor"),
        ),
    ),
    ItemSpec(
        id="stools",
        text="Stools (per day)",
        values=points(
            (0, "0-1 liquid, no blood"),
            (7.5, "up to 2 semi-formed with small blood, or 2-5 liquid"),
            (15, "gross bleeding, or >= 6 liquid, or nocturnal diarrhoea"),
        ),
    ),
    ItemSpec(
        id="esr",
        text="Erythrocyte sedimentation rate (ESR), as its points",
        values=points((0, "< 20 mm/h"), (7.5, "20-50 mm/h"), (15, "> 50 mm/h")),
    ),
    ItemSpec(
        id="albumin",
        text="Serum albumin, as its points",
        values=points((0, ">= 3.5 g/dL"), (10, "3.1-3.4 g/dL"), (20, "<= 3.0 g/dL")),
    ),
    ItemSpec(
        id="weight",
        text="Weight change, as its points",
        values=points(
            (0, "weight gain or voluntary weight stable/loss"),
            (5, "involuntary weight stable, or loss 1-9%"),
            (10, "weight loss >= 10%"),
        ),
    ),
    ItemSpec(
        id="perirectal_disease",
        text="Perirectal disease",
        values=points(
            (0, "none, asymptomatic tags"),
            (7.5, "1-2 indolent fistulae, scant drainage, no tenderness"),
            (15, "active fistula, drainage, tenderness or abscess"),
        ),
    ),
    ItemSpec(
        id="extraintestinal",
        text="Extraintestinal manifestations",
        values=points((0, "none"), (10, "one or more")),
    ),
)
WPCDAI_ITEM_IDS = tuple(item.id for item in WPCDAI_ITEMS)
WPCDAI_MILD_FROM = 12.5  # Turner 2012: remission < 12.5
WPCDAI_MILD_UP_TO = 40  # Turner 2012: mild 12.5-40
WPCDAI_MODERATE_UP_TO = 57.5  # Turner 2012: moderate 42.5-57.5, severe > 57.5
WPCDAI_STEP = 2.5  # every item's points are multiples of 2.5, so totals are too
# Turner 2012 as lower bounds of reachable totals: 0 remission, 12.5 mild, 42.5 moderate
# (the lowest total above 40), 60 severe (the lowest above 57.5).
WPCDAI_BANDS = (
    (0, "remission"),
    (WPCDAI_MILD_FROM, "mild"),
    (WPCDAI_MILD_UP_TO + WPCDAI_STEP, "moderate"),
    (WPCDAI_MODERATE_UP_TO + WPCDAI_STEP, "severe"),
)
WPCDAI_SCORES = (
    index_total(
        "Weighted Paediatric Crohn's Disease Activity Index",
        WPCDAI_ITEMS,
        WPCDAI_BANDS,
        "coproduce:wpcdai",
        decimals=1,
    ),
)


def wpcdai_band(total: float) -> str:
    """Turner 2012: <12.5 remission, 12.5-40 mild, 42.5-57.5 moderate, >57.5 severe."""
    if total < WPCDAI_MILD_FROM:
        return "remission"
    if total <= WPCDAI_MILD_UP_TO:
        return "mild"
    if total <= WPCDAI_MODERATE_UP_TO:
        return "moderate"
    return "severe"


def score_wpcdai(spec: InstrumentSpec, answers: Mapping[str, float]) -> ScoreResult:
    """wPCDAI = sum of the eight weighted item points (Turner 2012), 0-125."""
    total = item_sum(answers, WPCDAI_ITEM_IDS)
    return spec.result(total, scores={"total": total}, band=wpcdai_band(total))


WPCDAI = InstrumentSpec(
    code="wpcdai",
    version="2012",
    title="Weighted Paediatric Crohn's Disease Activity Index (wPCDAI)",
    url=url_for("wpcdai"),
    items=WPCDAI_ITEMS,
    licence=CLINICAL_INDEX_LICENCE,
    source="Turner D, Griffiths AM, Walters TD, et al. Mathematical weighting of the pediatric "
    "Crohn's disease activity index (PCDAI) and comparison with its other short versions. "
    "Inflamm Bowel Dis 2012;18:55-62",
    scorer=score_wpcdai,
    notes="Every item is entered as its weighted category points (the clinician classifies "
    "raw ESR, albumin and weight change first): abdominal_pain 0/10/20 (none; mild, brief; "
    "moderate/severe, daily or nocturnal); wellbeing 0/10/20 (well; below par; very poor); "
    "stools 0/7.5/15 (0-1 liquid, no blood; up to 2 semi-formed with small blood or 2-5 "
    "liquid; gross bleeding or >=6 liquid or nocturnal diarrhoea); esr 0/7.5/15 (<20, 20-50, "
    ">50 mm/h); albumin 0/10/20 (>=3.5, 3.1-3.4, <=3.0 g/dL); weight 0/5/10 (gain or "
    "voluntary stable/loss; involuntary stable or loss 1-9%; loss >=10%); perirectal_disease "
    "0/7.5/15 (none or asymptomatic tags; 1-2 indolent fistulae; active fistula, tenderness "
    "or abscess); extraintestinal 0/10 (none; one or more of fever >=38.5 C for 3 days, "
    "definite arthritis, uveitis, erythema nodosum, pyoderma gangrenosum). total = sum, "
    "0-125. Bands: <12.5 remission, 12.5-40 mild (40 itself is mild), >40-57.5 moderate "
    "(42.5 is the lowest reachable moderate score), >57.5 severe. All items required "
    "(recall 1 week; labs within the past week). " + describe_scores(WPCDAI_SCORES),
    scores=WPCDAI_SCORES,
)


# --- IBD flare diary (our own wording) ---------------------------------------------------

DIARY_BLOOD = points(
    (0, "none"), (1, "streaks of blood"), (2, "obvious blood"), (3, "mostly blood")
)
DIARY_PAIN = points((0, "none"), (1, "mild"), (2, "moderate"), (3, "severe"))
DIARY_URGENCY = points(
    (0, "no urgency"), (1, "had to hurry to the toilet"), (2, "did not make it in time")
)
DIARY_WELLBEING = points(
    (0, "very well"), (1, "slightly below par"), (2, "poor"), (3, "very poor"), (4, "terrible")
)
DIARY_MAX_STOOLS = 50  # a plausibility bound
# Stool points follow the SCCAI day-frequency bands (Walmsley 1998): 1-3, 4-6, 7-9, >9.
DIARY_STOOL_POINTS = ((4, 1), (7, 2), (10, 3))
DIARY_SETTLED_UP_TO = 2  # as SCCAI remission (Higgins 2005)
DIARY_FLARE_FROM = 5  # as SCCAI active disease (Jowett 2003)
DIARY_OBVIOUS_BLOOD = 2
DIARY_MOSTLY_BLOOD = 3
DIARY_SEVERE_PAIN = 3
DIARY_MANY_STOOLS = 10
FLAG_POSSIBLE_FLARE = "possible-flare"
FLAG_CONTACT_TEAM = "contact-ibd-team"
DIARY_BANDS = (  # lower bounds of the whole-number total
    (0, "settled"),
    (DIARY_SETTLED_UP_TO + 1, "some-symptoms"),
    (DIARY_FLARE_FROM, "possible-flare"),
)
DIARY_MAX_STOOL_POINTS = DIARY_STOOL_POINTS[-1][1]
DIARY_MAX = DIARY_MAX_STOOL_POINTS + sum(
    max(v.code for v in choices)
    for choices in (DIARY_BLOOD, DIARY_PAIN, DIARY_URGENCY, DIARY_WELLBEING)
)
DIARY_SCORES = (
    ScoreSpec(
        "total",
        "IBD flare diary daily symptom score",
        minimum=0,
        maximum=DIARY_MAX,
        primary=True,
        bands=DIARY_BANDS,
    ),
    ScoreSpec(
        "stool_points",
        "IBD flare diary stool frequency points",
        minimum=0,
        maximum=DIARY_MAX_STOOL_POINTS,
    ),
)


def diary_stool_points(stools: float) -> int:
    """0 for 0-3 stools a day, 1 for 4-6, 2 for 7-9, 3 for 10 or more."""
    result = 0
    for lower, value in DIARY_STOOL_POINTS:
        if stools >= lower:
            result = value
    return result


def diary_band(total: float) -> str:
    if total <= DIARY_SETTLED_UP_TO:
        return "settled"
    if total < DIARY_FLARE_FROM:
        return "some-symptoms"
    return "possible-flare"


def diary_flags(answers: Mapping[str, float], total: float) -> tuple[str, ...]:
    """possible-flare: total >= 5 or obvious blood or more; contact-ibd-team: mostly blood,
    severe pain, or 10 or more stools a day."""
    flags = []
    if total >= DIARY_FLARE_FROM or answers["blood"] >= DIARY_OBVIOUS_BLOOD:
        flags.append(FLAG_POSSIBLE_FLARE)
    if (
        answers["blood"] >= DIARY_MOSTLY_BLOOD
        or answers["abdominal_pain"] >= DIARY_SEVERE_PAIN
        or answers["stools_per_day"] >= DIARY_MANY_STOOLS
    ):
        flags.append(FLAG_CONTACT_TEAM)
    return tuple(flags)


def score_ibd_diary(spec: InstrumentSpec, answers: Mapping[str, float]) -> ScoreResult:
    """Daily symptom score 0-15 with band and flare flags (rule in the spec's notes)."""
    stool_points = float(diary_stool_points(answers["stools_per_day"]))
    total = stool_points + item_sum(answers, ("blood", "abdominal_pain", "urgency", "wellbeing"))
    scores = {"total": total, "stool_points": stool_points}
    return spec.result(
        total, scores=scores, band=diary_band(total), flags=diary_flags(answers, total)
    )


IBD_FLARE_DIARY = InstrumentSpec(
    code="ibd-flare-diary",
    version="1.0",
    title="IBD flare diary (daily)",
    url=url_for("ibd-flare-diary"),
    items=(
        ItemSpec(
            id="stools_per_day",
            text="How many times did you open your bowels in the last 24 hours?",
            minimum=0,
            maximum=DIARY_MAX_STOOLS,
            integer=True,
            unit="bowel movements in 24 hours",
        ),
        ItemSpec(id="blood", text="Was there blood in your stools?", values=DIARY_BLOOD),
        ItemSpec(id="abdominal_pain", text="How bad was any tummy pain?", values=DIARY_PAIN),
        ItemSpec(id="urgency", text="Did you have to rush to the toilet?", values=DIARY_URGENCY),
        ItemSpec(id="wellbeing", text="How well did you feel today?", values=DIARY_WELLBEING),
    ),
    licence="Coproduce's own wording; free to use (same licence as the platform).",
    source="Coproduce IBD flare diary v1.0 (own wording). Stool bands follow Walmsley RS et "
    "al. Gut 1998;43:29-32 (SCCAI); thresholds follow SCCAI remission <= 2 (Higgins PDR et "
    "al. Gut 2005;54:782-8) and active >= 5 (Jowett SL et al. Scand J Gastroenterol "
    "2003;38:164-71). Not a validated index.",
    scorer=score_ibd_diary,
    notes="Answers: stools_per_day = number of bowel movements in 24 h (whole number); blood "
    "0 none, 1 streaks, 2 obvious, 3 mostly blood; abdominal_pain 0 none, 1 mild, "
    "2 moderate, 3 severe; urgency 0 none, 1 had to hurry, 2 did not make it in time; "
    "wellbeing 0 very well … 4 terrible. stool_points: 0 for 0-3 stools, 1 for 4-6, 2 for "
    "7-9, 3 for 10 or more. total = stool_points + blood + abdominal_pain + urgency + "
    "wellbeing (0-15). Bands: 0-2 settled, 3-4 some-symptoms, >=5 possible-flare. Flags: "
    "possible-flare when total >= 5 or blood >= 2; contact-ibd-team when blood = 3, "
    "abdominal_pain = 3 or stools_per_day >= 10. All items required. "
    + describe_scores(DIARY_SCORES),
    scores=DIARY_SCORES,
)

INSTRUMENTS: tuple[InstrumentSpec, ...] = (HBI, SCCAI, PUCAI, WPCDAI, IBD_FLARE_DIARY)

"""PROMIS Global Health v1.2 (Global-10) and the PROMIS-29 Profile v2.0/v2.1.

PROMIS is licensed (HealthMeasures terms of use): scoring only, no item text is shipped.
Items are named by their official PROMIS item codes; a licensee imports the wording as a
FHIR Questionnaire carrying the canonical URL below.

Sources:
- Hays RD, Bjorner JB, Revicki DA, Spritzer KL, Cella D. Qual Life Res 2009;18:873-80
  (Global Physical Health = Global03 + Global06 + Global07r rescored + Global08r; Global
  Mental Health = Global02 + Global04 + Global05 + Global10r; raw-to-T tables).
- HealthMeasures, PROMIS Global Health Scoring Manual (Scale v1.2): Global07r 0-10 rating is
  rescored 0 -> 5, 1-3 -> 4, 4-6 -> 3, 7-9 -> 2, 10 -> 1; Global08r and Global10r carry the
  reversed item score printed on the v1.2 form; raw-score tables need every item answered.
- HealthMeasures, PROMIS Adult Profile Instruments Scoring Manual (PROMIS-29 v2.0/v2.1):
  each domain is the sum of its four item scores (1-5, as printed on the form) looked up in
  the domain's 4a table; with at least half the items answered the raw score is prorated
  (raw sum x items in the form / items answered, rounded up to a whole number).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from coproduce.scoring.instruments import promis_tables as tables
from coproduce.scoring.instruments.common import describe_scores
from coproduce.scoring.types import (
    AllowedValue,
    InstrumentSpec,
    ItemSpec,
    MissingData,
    ScoreResult,
    ScoreSpec,
)

LICENCE = (
    "PROMIS® instruments are © PROMIS Health Organization; used under the HealthMeasures "
    "terms of use. Item text is not distributed with Coproduce."
)
ITEM_SCORE = (
    AllowedValue(1, "item score 1 (as printed on the form)"),
    AllowedValue(2, "item score 2"),
    AllowedValue(3, "item score 3"),
    AllowedValue(4, "item score 4"),
    AllowedValue(5, "item score 5 (as printed on the form)"),
)
RATING_0_10 = tuple(AllowedValue(n, f"rating {n} (0 = none, 10 = most severe)") for n in range(11))
RAW_MIN, RAW_MAX = 4, 20  # four items scored 1-5
T_SCORE_UNIT = "{T-score}"  # mean 50, SD 10 in the PROMIS reference population
T_SCORE_DECIMALS = 1  # the tables print T-scores to one decimal


def raw_and_t_scores(
    prefix: str, title: str, table: Mapping[int, float], higher_is: str, **t_kwargs
) -> tuple[ScoreSpec, ScoreSpec]:
    """A four-item PROMIS summary: its raw sum and its T-score, ranged by the table."""
    return (
        ScoreSpec(
            f"{prefix}-raw",
            f"{title} raw score",
            minimum=RAW_MIN,
            maximum=RAW_MAX,
            higher_is=higher_is,
        ),
        ScoreSpec(
            f"{prefix}-t",
            f"{title} T-score",
            minimum=min(table.values()),
            maximum=max(table.values()),
            unit=T_SCORE_UNIT,
            decimals=T_SCORE_DECIMALS,
            higher_is=higher_is,
            **t_kwargs,
        ),
    )


# --- PROMIS Global Health v1.2 ---------------------------------------------------------

GLOBAL_PHYSICAL_ITEMS = ("Global03", "Global06", "Global07r", "Global08r")  # Hays 2009
GLOBAL_MENTAL_ITEMS = ("Global02", "Global04", "Global05", "Global10r")  # Hays 2009
GLOBAL_ITEM_IDS = (
    "Global01",
    "Global02",
    "Global03",
    "Global04",
    "Global05",
    "Global06",
    "Global07r",
    "Global08r",
    "Global09r",
    "Global10r",
)
PAIN_RATING_ITEM = "Global07r"
# HealthMeasures Global Health scoring manual: 0-10 pain rating to a 1-5 item score.
PAIN_RESCORE_BANDS = ((0, 5), (1, 4), (4, 3), (7, 2), (10, 1))  # (lowest rating, score)
GLOBAL_RULE = "PROMIS Global Health manual: raw-score tables need all four items answered"


def rescored_pain(rating: float) -> int:
    """The Global07r 1-5 item score for a 0-10 pain rating (0 -> 5 … 10 -> 1)."""
    score = 5
    for lowest, item_score in PAIN_RESCORE_BANDS:
        if rating >= lowest:
            score = item_score
    return score


def global_item_score(item_id: str, value: float) -> float:
    """The 1-5 item score that enters a Global Health summary for one answer."""
    return rescored_pain(value) if item_id == PAIN_RATING_ITEM else value


def complete_sum(
    answers: Mapping[str, float], item_ids: Sequence[str]
) -> tuple[int | None, tuple[str, ...]]:
    """The sum of the item scores when every item is answered, else None; and the
    missing item ids."""
    missing = tuple(i for i in item_ids if i not in answers)
    if missing:
        return None, missing
    return int(sum(global_item_score(i, answers[i]) for i in item_ids)), ()


def lookup(table: Mapping[int, float], raw: int | None) -> float | None:
    """The T-score for a raw score (None stays None)."""
    return None if raw is None else table[raw]


def score_global10(spec: InstrumentSpec, answers: Mapping[str, float]) -> ScoreResult:
    """GPH and GMH raw sums and T-scores; a summary with a missing item is None."""
    physical_raw, physical_missing = complete_sum(answers, GLOBAL_PHYSICAL_ITEMS)
    mental_raw, mental_missing = complete_sum(answers, GLOBAL_MENTAL_ITEMS)
    missing_items = physical_missing + mental_missing
    if missing_items:
        unscored = [
            name
            for name, raw in (
                ("global physical health", physical_raw),
                ("global mental health", mental_raw),
            )
            if raw is None
        ]
        missing = MissingData(
            "not-scored", missing_items, f"{GLOBAL_RULE}; not scored: {', '.join(unscored)}"
        )
    else:
        missing = MissingData()
    physical_t = lookup(tables.GLOBAL_PHYSICAL_T, physical_raw)
    scores = {
        "gph-raw": physical_raw,
        "gph-t": physical_t,
        "gmh-raw": mental_raw,
        "gmh-t": lookup(tables.GLOBAL_MENTAL_T, mental_raw),
    }
    return spec.result(physical_t, scores=scores, missing=missing)


def global_items() -> tuple[ItemSpec, ...]:
    """The ten Global Health v1.2 items: item scores 1-5, except the 0-10 pain rating."""
    return tuple(
        ItemSpec(
            id=item_id,
            values=RATING_0_10 if item_id == PAIN_RATING_ITEM else ITEM_SCORE,
            required=False,
        )
        for item_id in GLOBAL_ITEM_IDS
    )


GLOBAL10_SCORES = (
    *raw_and_t_scores(
        "gph",
        "PROMIS Global Physical Health",
        tables.GLOBAL_PHYSICAL_T,
        "better",
        code="loinc:71971-6",
        primary=True,
    ),
    *raw_and_t_scores(
        "gmh",
        "PROMIS Global Mental Health",
        tables.GLOBAL_MENTAL_T,
        "better",
        code="loinc:71969-0",
    ),
)

GLOBAL10 = InstrumentSpec(
    code="promis-global-10",
    version="1.2",
    title="PROMIS Scale v1.2 - Global Health (Global-10)",
    url="http://coproduce.org/fhir/Questionnaire/promis-global-10",
    items=global_items(),
    licence=LICENCE,
    source="Hays RD, Bjorner JB, Revicki DA, Spritzer KL, Cella D. Development of physical and "
    "mental health summary scores from the Patient-Reported Outcomes Measurement Information "
    "System (PROMIS) global items. Qual Life Res 2009;18:873-80; HealthMeasures PROMIS Global "
    "Health Scoring Manual (Scale v1.2).",
    scorer=score_global10,
    item_text_shipped=False,
    loinc="61577-3",
    notes="Item ids are the official v1.2 item codes Global01-Global06, Global07r, Global08r, "
    "Global09r, Global10r. Answer each 1-5 item with the item score printed on the v1.2 form "
    "(higher = better health; Global08r and Global10r are already reversed on the form: 5 = "
    "least fatigue / never bothered by emotional problems). Answer Global07r with the 0-10 "
    "pain rating as given (0 = no pain); the scorer rescores it 0->5, 1-3->4, 4-6->3, 7-9->2, "
    "10->1. Scores: gph-raw = Global03 + Global06 + rescored Global07r + Global08r (4-20), "
    "gph-t its T-score (LOINC 71971-6); gmh-raw = Global02 + Global04 + Global05 + Global10r "
    "(4-20), gmh-t its T-score (LOINC 71969-0), from the Hays 2009 tables. total = gph-t. "
    "Global01 and Global09r are not part of either summary. No proration: a summary with any "
    "of its items missing is None (missing 'not-scored'). No bands or flags. "
    + describe_scores(GLOBAL10_SCORES),
    scores=GLOBAL10_SCORES,
)

# --- PROMIS-29 Profile v2.0/v2.1 ---------------------------------------------------------


@dataclass(frozen=True)
class Domain:
    """One PROMIS-29 domain: its score name, official item codes and 4a T-score table."""

    name: str
    item_ids: tuple[str, ...]
    table: Mapping[int, float]


PROFILE_DOMAINS = (
    Domain("physical-function", ("PFA11", "PFA21", "PFA23", "PFA53"), tables.PHYSICAL_FUNCTION_T),
    Domain("anxiety", ("EDANX01", "EDANX40", "EDANX41", "EDANX53"), tables.ANXIETY_T),
    Domain("depression", ("EDDEP04", "EDDEP06", "EDDEP29", "EDDEP41"), tables.DEPRESSION_T),
    Domain("fatigue", ("HI7", "AN3", "FATEXP41", "FATEXP40"), tables.FATIGUE_T),
    Domain(
        "sleep-disturbance",
        ("Sleep109", "Sleep116", "Sleep20", "Sleep44"),
        tables.SLEEP_DISTURBANCE_T,
    ),
    Domain(
        "social-roles",
        ("SRPPER11_CaPS", "SRPPER18_CaPS", "SRPPER23_CaPS", "SRPPER46_CaPS"),
        tables.SOCIAL_ROLES_T,
    ),
    Domain(
        "pain-interference",
        ("PAININ9", "PAININ22", "PAININ31", "PAININ34"),
        tables.PAIN_INTERFERENCE_T,
    ),
)
PAIN_INTENSITY_ITEM = "Global07"
PAIN_INTENSITY_MAX = 10
# Domain titles and which way is worse: function and social roles are scored so that higher
# is better; symptoms so that higher is worse (PROMIS Adult Profile scoring manual).
DOMAIN_TITLES = {
    "physical-function": ("PROMIS-29 physical function", "better"),
    "anxiety": ("PROMIS-29 anxiety", "worse"),
    "depression": ("PROMIS-29 depression", "worse"),
    "fatigue": ("PROMIS-29 fatigue", "worse"),
    "sleep-disturbance": ("PROMIS-29 sleep disturbance", "worse"),
    "social-roles": ("PROMIS-29 ability to participate in social roles and activities", "better"),
    "pain-interference": ("PROMIS-29 pain interference", "worse"),
}
PROFILE_PRIMARY = "physical-function"  # the profile has no single total


def domain_scores(domain: Domain) -> tuple[ScoreSpec, ScoreSpec]:
    title, higher_is = DOMAIN_TITLES[domain.name]
    primary = domain.name == PROFILE_PRIMARY
    return raw_and_t_scores(domain.name, title, domain.table, higher_is, primary=primary)


PROMIS29_SCORES = (
    *(spec for domain in PROFILE_DOMAINS for spec in domain_scores(domain)),
    ScoreSpec("pain-intensity", "PROMIS-29 pain intensity", minimum=0, maximum=PAIN_INTENSITY_MAX),
)
MIN_ANSWERED_FRACTION = 0.5  # Adult Profile scoring manual: prorate with >= 50% answered
PRORATION_RULE = (
    "PROMIS Adult Profile manual: with at least half the items answered, raw = sum x items / "
    "answered, rounded up"
)


def prorated_raw(answers: Mapping[str, float], item_ids: Sequence[str]) -> int | None:
    """The domain raw score: the plain sum when complete; with at least half the items
    answered, sum x number of items / number answered, rounded up; otherwise None."""
    answered = [answers[i] for i in item_ids if i in answers]
    if len(answered) < MIN_ANSWERED_FRACTION * len(item_ids):
        return None
    numerator = int(sum(answered)) * len(item_ids)
    return -(-numerator // len(answered))  # integer ceiling: "rounded up"


def profile_missing(answers: Mapping[str, float]) -> MissingData:
    """How missing answers were handled across the profile: complete, prorated (every
    domain still scored) or not-scored (naming the unscored domains / pain intensity)."""
    item_ids = [i for d in PROFILE_DOMAINS for i in d.item_ids] + [PAIN_INTENSITY_ITEM]
    missing_items = tuple(i for i in item_ids if i not in answers)
    if not missing_items:
        return MissingData()
    unscored = [d.name for d in PROFILE_DOMAINS if prorated_raw(answers, d.item_ids) is None] + (
        ["pain-intensity"] if PAIN_INTENSITY_ITEM not in answers else []
    )
    if unscored:
        reason = f"{PRORATION_RULE}; fewer than half answered, not scored: {', '.join(unscored)}"
        return MissingData("not-scored", missing_items, reason)
    return MissingData("prorated", missing_items, PRORATION_RULE)


def score_promis29(spec: InstrumentSpec, answers: Mapping[str, float]) -> ScoreResult:
    """Raw and T-score per domain (prorated per the manual) and the pain intensity rating."""
    scores: dict[str, float | None] = {}
    for domain in PROFILE_DOMAINS:
        raw = prorated_raw(answers, domain.item_ids)
        scores[f"{domain.name}-raw"] = raw
        scores[f"{domain.name}-t"] = lookup(domain.table, raw)
    scores["pain-intensity"] = answers.get(PAIN_INTENSITY_ITEM)
    return spec.result(
        scores["physical-function-t"], scores=scores, missing=profile_missing(answers)
    )


def profile_items() -> tuple[ItemSpec, ...]:
    """The 28 domain items (item scores 1-5) and the 0-10 pain intensity rating."""
    domain_items = tuple(
        ItemSpec(id=item_id, values=ITEM_SCORE, required=False)
        for domain in PROFILE_DOMAINS
        for item_id in domain.item_ids
    )
    return (*domain_items, ItemSpec(id=PAIN_INTENSITY_ITEM, values=RATING_0_10, required=False))


PROMIS29 = InstrumentSpec(
    code="promis-29",
    version="2.1",
    title="PROMIS-29 Profile v2.0/v2.1",
    url="http://coproduce.org/fhir/Questionnaire/promis-29",
    items=profile_items(),
    licence=LICENCE,
    source="HealthMeasures. PROMIS Adult Profile Instruments Scoring Manual (PROMIS-29 Profile "
    "v2.0/v2.1 short-form 4a scoring tables); Cella D et al. J Clin Epidemiol 2010;63:1179-94.",
    scorer=score_promis29,
    item_text_shipped=False,
    loinc="62337-1",  # LOINC panel "PROMIS item bank - 29 profile"
    notes="Item ids are the official PROMIS item codes. Physical function: PFA11, PFA21, PFA23, "
    "PFA53. Anxiety: EDANX01, EDANX40, EDANX41, EDANX53. Depression: EDDEP04, EDDEP06, "
    "EDDEP29, EDDEP41. Fatigue: HI7, AN3, FATEXP41, FATEXP40. Sleep disturbance: Sleep109, "
    "Sleep116, Sleep20, Sleep44. Ability to participate in social roles and activities: "
    "SRPPER11_CaPS, SRPPER18_CaPS, SRPPER23_CaPS, SRPPER46_CaPS. Pain interference: PAININ9, "
    "PAININ22, PAININ31, PAININ34. Answer each with the 1-5 item score printed on the "
    "HealthMeasures form (Sleep109 and Sleep116 are printed reversed, so enter the printed "
    "score; the scorer never reverses). Pain intensity: Global07, the 0-10 rating. Scores per "
    "domain: <domain>-raw (4-20) and <domain>-t (T-score from the v2.0 profile 4a tables), "
    "domains physical-function, anxiety, depression, fatigue, sleep-disturbance, social-roles, "
    "pain-interference; pain-intensity = Global07 (0-10, not converted). total = "
    "physical-function-t (the profile has no single total). Missing data: a domain with 2 or 3 "
    "of its 4 items answered is prorated (raw sum x 4 / answered, rounded up; missing "
    "'prorated'); with fewer than 2 its scores are None and missing is 'not-scored'. No bands. "
    + describe_scores(PROMIS29_SCORES),
    scores=PROMIS29_SCORES,
)

INSTRUMENTS: tuple[InstrumentSpec, ...] = (GLOBAL10, PROMIS29)

"""EQ-5D-5L: index values under published value sets, the health state, and the EQ VAS.

EQ-5D is © EuroQol Research Foundation and licensed: only scoring is implemented here; no
item wording is shipped (a licensee imports it as a FHIR Questionnaire with this canonical
URL). Items are the five dimensions coded 1-5 (level 1 = no problems ... level 5 = extreme
problems/unable) and the EQ VAS (0-100).

Sources:
- England 2018: Devlin NJ, Shah KK, Feng Y, Mulhern B, van Hout B. Valuing health-related
  quality of life: an EQ-5D-5L value set for England. Health Econ 2018;27:7-22 (hybrid model,
  table 4: index = 1 - sum of the dimension-level decrements; no constant).
- US 2019: Pickard AS, Law EH, Jiang R, et al. United States valuation of EQ-5D-5L health
  states using an international protocol. Value Health 2019;22:931-41 (table 3: index = 1 -
  sum of the dimension-level decrements; no constant).
- UK crosswalk: van Hout B et al. Value Health 2012;15:708-15, the published table of 3125
  values (see eq5d_crosswalk.py).
- Cross-checked with the coefficient table of the MIT-licensed R package eq5d (Morton F,
  Nijjar JS; data-raw/VT.csv, columns England and USA) and its published tests.
"""

from __future__ import annotations

from collections.abc import Mapping

from coproduce.scoring.instruments.common import describe_scores, round_half_up
from coproduce.scoring.instruments.eq5d_crosswalk import UK_CROSSWALK
from coproduce.scoring.types import (
    AllowedValue,
    InstrumentSpec,
    ItemSpec,
    MissingData,
    ScoreResult,
    ScoreSpec,
)

DIMENSIONS = ("mobility", "self-care", "usual-activities", "pain-discomfort", "anxiety-depression")
LEVELS = (
    AllowedValue(1, "level 1 (no problems)"),
    AllowedValue(2, "level 2 (slight problems)"),
    AllowedValue(3, "level 3 (moderate problems)"),
    AllowedValue(4, "level 4 (severe problems)"),
    AllowedValue(5, "level 5 (extreme problems / unable)"),
)
INDEX_DIGITS = 3  # value sets are published to 3 decimal places

# Decrements for levels 2, 3, 4, 5 of each dimension (level 1 = 0).
# Devlin et al., Health Econ 2018;27:7-22, table 4 (hybrid model).
ENGLAND_2018 = {
    "mobility": (0.058, 0.076, 0.207, 0.274),
    "self-care": (0.050, 0.080, 0.164, 0.203),
    "usual-activities": (0.050, 0.063, 0.162, 0.184),
    "pain-discomfort": (0.063, 0.084, 0.276, 0.335),
    "anxiety-depression": (0.078, 0.104, 0.285, 0.289),
}
# Pickard et al., Value Health 2019;22:931-41, table 3.
US_2019 = {
    "mobility": (0.096, 0.122, 0.237, 0.322),
    "self-care": (0.089, 0.107, 0.220, 0.261),
    "usual-activities": (0.068, 0.101, 0.255, 0.255),
    "pain-discomfort": (0.060, 0.098, 0.318, 0.414),
    "anxiety-depression": (0.057, 0.123, 0.299, 0.321),
}
VALUE_SETS = {"index-england-2018": ENGLAND_2018, "index-us-2019": US_2019}
PRIMARY_INDEX = "index-england-2018"
UK_CROSSWALK_INDEX = "index-uk-crosswalk"
NOT_SCORED_RULE = "EQ-5D-5L user guide: no index value unless all five dimensions are answered"


def health_state(levels: Mapping[str, float]) -> int:
    """The 5-digit health state (e.g. 11111), dimensions in the published order."""
    return int("".join(str(int(levels[dim])) for dim in DIMENSIONS))


def additive_index(levels: Mapping[str, float], decrements: Mapping[str, tuple]) -> float:
    """1 minus the sum of each dimension's decrement at its level, to 3 decimals."""
    loss = sum(_decrement(decrements[dim], int(levels[dim])) for dim in DIMENSIONS)
    return round_half_up(1.0 - loss, INDEX_DIGITS)


def _decrement(by_level: tuple[float, ...], level: int) -> float:
    return 0.0 if level == 1 else by_level[level - 2]


def uk_crosswalk_index(levels: Mapping[str, float]) -> float:
    """The van Hout 2012 crosswalk value of this 5L state (UK 3L TTO value set), looked up
    in the published 3125-state table."""
    return UK_CROSSWALK[health_state(levels)]


def index_values(levels: Mapping[str, float]) -> dict[str, float]:
    """Every implemented index value for a complete 5-dimension response."""
    values = {name: additive_index(levels, table) for name, table in VALUE_SETS.items()}
    values[UK_CROSSWALK_INDEX] = uk_crosswalk_index(levels)
    return values


def score_eq5d5l(spec: InstrumentSpec, answers: Mapping[str, float]) -> ScoreResult:
    """Index values, state and VAS; the total is the England 2018 index (None when any
    dimension is unanswered; the VAS is still reported)."""
    missing = tuple(dim for dim in DIMENSIONS if dim not in answers)
    scores: dict[str, float | None] = {"vas": answers.get("vas")}
    if missing:
        scores.update(dict.fromkeys((*VALUE_SETS, UK_CROSSWALK_INDEX, "state")))
        return spec.result(
            None, scores=scores, missing=MissingData("not-scored", missing, NOT_SCORED_RULE)
        )
    scores.update(index_values(answers))
    scores["state"] = float(health_state(answers))
    return spec.result(scores[PRIMARY_INDEX], scores=scores)


BEST_LEVEL, WORST_LEVEL = 1, 5
VAS_MAX = 100  # the EQ VAS runs from 0 (worst imaginable health) to 100 (best)
VALUE_SET_TITLES = {
    "index-england-2018": "EQ-5D-5L index value, England 2018 value set",
    "index-us-2019": "EQ-5D-5L index value, US 2019 value set",
}


def state_of(level: int) -> dict[str, float]:
    """Every dimension at the same level (11111 is full health, 55555 the worst state)."""
    return dict.fromkeys(DIMENSIONS, float(level))


def index_score(name: str, title: str, lowest: float, *, primary: bool = False) -> ScoreSpec:
    """An index value: 1 is full health, the worst state may be valued below 0 (worse than
    dead)."""
    return ScoreSpec(
        name,
        title,
        minimum=lowest,
        maximum=1.0,
        decimals=INDEX_DIGITS,
        primary=primary,
        higher_is="better",
    )


EQ5D5L_SCORES = (
    *(
        index_score(
            name,
            VALUE_SET_TITLES[name],
            additive_index(state_of(WORST_LEVEL), table),
            primary=name == PRIMARY_INDEX,
        )
        for name, table in VALUE_SETS.items()
    ),
    index_score(
        UK_CROSSWALK_INDEX,
        "EQ-5D-5L index value, UK crosswalk (van Hout 2012)",
        min(UK_CROSSWALK.values()),
    ),
    ScoreSpec(
        "state",
        "EQ-5D-5L health state (five digits, one level per dimension)",
        minimum=health_state(state_of(BEST_LEVEL)),
        maximum=health_state(state_of(WORST_LEVEL)),
        higher_is="",
    ),
    ScoreSpec("vas", "EQ VAS", minimum=0, maximum=VAS_MAX, higher_is="better"),
)

EQ5D5L = InstrumentSpec(
    code="eq-5d-5l",
    version="5L-2009",
    title="EQ-5D-5L (index values and EQ VAS)",
    url="http://coproduce.org/fhir/Questionnaire/eq-5d-5l",
    items=(
        *(ItemSpec(id=dim, values=LEVELS, required=False) for dim in DIMENSIONS),
        ItemSpec(id="vas", minimum=0, maximum=100, integer=True, required=False, unit="{score}"),
    ),
    licence="© EuroQol Research Foundation. Licensed: registration/licence from EuroQol "
    "required for use; item text not shipped.",
    source="Herdman M et al. Qual Life Res 2011;20:1727-36 (EQ-5D-5L); value sets: Devlin "
    "et al. Health Econ 2018;27:7-22 (England); Pickard et al. Value Health 2019;22:931-41 "
    "(US); van Hout et al. Value Health 2012;15:708-15 (crosswalk to the UK 3L value set)",
    scorer=score_eq5d5l,
    item_text_shipped=False,
    notes="Answers: 'mobility', 'self-care', 'usual-activities', 'pain-discomfort', "
    "'anxiety-depression' each the level 1-5 ticked (1 = no problems, 5 = extreme "
    "problems/unable); 'vas' the EQ VAS 0-100 (optional). Scores: 'index-england-2018' "
    "(Devlin 2018), 'index-us-2019' (Pickard 2019), 'index-uk-crosswalk' (van Hout 2012 "
    "crosswalk table, UK 3L TTO values), each to 3 decimals; "
    "'state' the 5-digit health state as a number (e.g. 21345); "
    "'vas' as given (None if not answered). Total = the "
    "England 2018 index. If any dimension is unanswered no index or state is computed (total "
    "None, missing 'not-scored'); no band. " + describe_scores(EQ5D5L_SCORES),
    scores=EQ5D5L_SCORES,
)

INSTRUMENTS: tuple[InstrumentSpec, ...] = (EQ5D5L,)

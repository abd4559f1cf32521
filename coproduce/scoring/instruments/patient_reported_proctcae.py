"""NCI PRO-CTCAE: item library wording for 12 common symptoms and the composite grade.

Item wording: NCI PRO-CTCAE (English) Item Library Version 1.0, free to use
(https://healthcaredelivery.cancer.gov/pro-ctcae/). Recall period "the last 7 days"; every
attribute is scored 0-4.

Composite grade (0-3): Basch E, Becker C, Rogak LJ, et al. Composite grading algorithm for the
National Cancer Institute's PRO-CTCAE. Clin Trials 2021;18:104-14, the published mapping
tables from attribute combinations to a grade (transcribed from the tables as implemented in
the authors' group's PROCTCAE_scores SAS macro, Langlais & Dueck, DueckLab/ProAE).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from coproduce.scoring.instruments.common import options
from coproduce.scoring.types import ItemSpec

FREQUENCY = "frequency"
SEVERITY = "severity"
INTERFERENCE = "interference"

FREQUENCY_OPTIONS = options("Never", "Rarely", "Occasionally", "Frequently", "Almost constantly")
SEVERITY_OPTIONS = options("None", "Mild", "Moderate", "Severe", "Very severe")
INTERFERENCE_OPTIONS = options("Not at all", "A little bit", "Somewhat", "Quite a bit", "Very much")
ATTRIBUTE_OPTIONS = {
    FREQUENCY: FREQUENCY_OPTIONS,
    SEVERITY: SEVERITY_OPTIONS,
    INTERFERENCE: INTERFERENCE_OPTIONS,
}


@dataclass(frozen=True)
class Symptom:
    """One PRO-CTCAE symptom term: its id, NCI item number and its attributes' wording, in
    the library's order (the first attribute gates the others)."""

    id: str
    nci_number: int
    texts: tuple[tuple[str, str], ...]

    @property
    def attributes(self) -> tuple[str, ...]:
        return tuple(attribute for attribute, _ in self.texts)

    def item_id(self, attribute: str) -> str:
        return f"{self.id}-{attribute}"


def _often(term: str) -> str:
    return f"In the last 7 days, how OFTEN did you have {term}?"


def _severity(term: str, worst: str = "its") -> str:
    return f"In the last 7 days, what was the SEVERITY of {term} at {worst} WORST?"


def _interfere(term: str) -> str:
    return f"In the last 7 days, how much did {term} INTERFERE with your usual or daily activities?"


INSOMNIA_TERM = "INSOMNIA (INCLUDING DIFFICULTY FALLING ASLEEP, STAYING ASLEEP, OR WAKING UP EARLY)"
FATIGUE_TERM = "FATIGUE, TIREDNESS, OR LACK OF ENERGY"
NUMBNESS_TERM = "NUMBNESS OR TINGLING IN YOUR HANDS OR FEET"
HAND_FOOT_TERM = (
    "HAND-FOOT SYNDROME (A RASH OF THE HANDS OR FEET THAT CAN CAUSE CRACKING, PEELING, "
    "REDNESS OR PAIN)"
)

SYMPTOMS: tuple[Symptom, ...] = (
    Symptom(
        "nausea",
        9,
        ((FREQUENCY, _often("NAUSEA")), (SEVERITY, _severity("your NAUSEA"))),
    ),
    Symptom(
        "vomiting",
        10,
        ((FREQUENCY, _often("VOMITING")), (SEVERITY, _severity("your VOMITING"))),
    ),
    Symptom(
        "diarrhea",
        16,
        ((FREQUENCY, _often("LOOSE OR WATERY STOOLS (DIARRHEA)")),),
    ),
    Symptom("constipation", 15, ((SEVERITY, _severity("your CONSTIPATION")),)),
    Symptom(
        "fatigue",
        53,
        ((SEVERITY, _severity(f"your {FATIGUE_TERM}")), (INTERFERENCE, _interfere(FATIGUE_TERM))),
    ),
    Symptom(
        "pain",
        48,
        (
            (FREQUENCY, _often("PAIN")),
            (SEVERITY, _severity("your PAIN")),
            (INTERFERENCE, _interfere("PAIN")),
        ),
    ),
    Symptom(
        "shortness-of-breath",
        19,
        (
            (SEVERITY, _severity("your SHORTNESS OF BREATH")),
            (INTERFERENCE, _interfere("your SHORTNESS OF BREATH")),
        ),
    ),
    Symptom(
        "decreased-appetite",
        8,
        (
            (SEVERITY, _severity("your DECREASED APPETITE")),
            (INTERFERENCE, _interfere("DECREASED APPETITE")),
        ),
    ),
    Symptom(
        "mouth-sores",
        3,
        (
            (SEVERITY, _severity("your MOUTH OR THROAT SORES", worst="their")),
            (INTERFERENCE, _interfere("MOUTH OR THROAT SORES")),
        ),
    ),
    Symptom(
        "numbness-tingling",
        39,
        ((SEVERITY, _severity(f"your {NUMBNESS_TERM}")), (INTERFERENCE, _interfere(NUMBNESS_TERM))),
    ),
    Symptom(
        "insomnia",
        52,
        (
            (SEVERITY, _severity(f"your {INSOMNIA_TERM}")),
            (INTERFERENCE, _interfere(INSOMNIA_TERM)),
        ),
    ),
    Symptom("hand-foot-syndrome", 30, ((SEVERITY, _severity(f"your {HAND_FOOT_TERM}")),)),
)

# Basch 2021 tables. Single-attribute symptoms: grade by the attribute's score 0-4.
SINGLE_GRADE = {
    (FREQUENCY,): (0, 1, 1, 2, 3),
    (SEVERITY,): (0, 1, 2, 3, 3),
    (INTERFERENCE,): (0, 1, 1, 2, 2),
}
# Two-attribute symptoms: row = first attribute 1-4 (0 grades 0), column = second 0-4.
PAIR_GRADE = {
    (FREQUENCY, SEVERITY): (
        (1, 1, 1, 2, 2),
        (1, 1, 2, 2, 2),
        (1, 1, 2, 3, 3),
        (1, 1, 2, 3, 3),
    ),
    (SEVERITY, INTERFERENCE): (
        (1, 1, 1, 2, 2),
        (1, 1, 2, 2, 3),
        (1, 2, 2, 3, 3),
        (2, 2, 2, 3, 3),
    ),
    (FREQUENCY, INTERFERENCE): (
        (1, 1, 1, 2, 2),
        (1, 1, 1, 2, 2),
        (1, 1, 2, 3, 3),
        (1, 1, 2, 3, 3),
    ),
}
# Frequency, severity and interference: [frequency 1-4][severity 0-4][interference 0-4].
TRIPLE_GRADE = (
    ((0, 1, 1, 2, 2), (1, 1, 1, 2, 2), (1, 2, 2, 2, 3), (2, 2, 2, 3, 3), (2, 2, 3, 3, 3)),
    ((0, 1, 1, 2, 2), (1, 1, 1, 2, 2), (2, 2, 2, 3, 3), (2, 2, 2, 3, 3), (2, 2, 3, 3, 3)),
    ((1, 1, 1, 2, 2), (1, 1, 1, 2, 2), (2, 2, 2, 3, 3), (2, 2, 3, 3, 3), (2, 2, 3, 3, 3)),
    ((1, 1, 1, 2, 2), (1, 1, 2, 2, 3), (2, 2, 2, 3, 3), (2, 2, 3, 3, 3), (2, 2, 3, 3, 3)),
)


def symptom_items(symptom: Symptom) -> tuple[ItemSpec, ...]:
    """The symptom's items, ids `<symptom>-<attribute>`, none required."""
    return tuple(
        ItemSpec(
            id=symptom.item_id(attribute),
            text=text,
            values=ATTRIBUTE_OPTIONS[attribute],
            required=False,
        )
        for attribute, text in symptom.texts
    )


def composite_from_scores(attributes: tuple[str, ...], scores: tuple[int, ...]) -> int:
    """Basch 2021 composite grade 0-3 from complete attribute scores (library order). A first
    attribute of 0 (never / none / not at all) grades 0: the later items are skipped."""
    if scores[0] == 0:
        return 0
    if len(attributes) == 1:
        return SINGLE_GRADE[attributes][scores[0]]
    if len(attributes) == 2:
        return PAIR_GRADE[attributes][scores[0] - 1][scores[1]]
    return TRIPLE_GRADE[scores[0] - 1][scores[1]][scores[2]]


def composite_grade(symptom: Symptom, answers: Mapping[str, float]) -> tuple[int | None, bool]:
    """(grade, assessed) for one symptom. Not assessed when none of its items is answered.
    Grade None when a later attribute is missing although the first was not 0."""
    values = [answers.get(symptom.item_id(a)) for a in symptom.attributes]
    if all(v is None for v in values):
        return None, False
    if values[0] == 0:
        return 0, True
    if any(v is None for v in values):
        return None, True
    return composite_from_scores(symptom.attributes, tuple(int(v) for v in values)), True

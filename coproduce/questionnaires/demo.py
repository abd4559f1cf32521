"""Demo questionnaires for `seed --demo`: the demo patient's monthly PHQ-9s over twenty
months (moderate, then mild since he began talking therapy: the shift his dashboard's I chart
shows), a visit-experience questionnaire, and a PHQ-9 half filled in to resume;
for the demo child, a visit-experience questionnaire the carer answered on the child's
behalf and one with the carer's own view. Everything goes through the services, as people
would do it; the definitions must be loaded first (`coproduce instruments load`)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from coproduce.accounts.models import User
from coproduce.patients.models import Patient
from coproduce.patients.selectors import patient_for_user
from coproduce.questionnaires.models import QuestionnaireDefinition, ReporterKind
from coproduce.questionnaires.selectors import definition_for_instrument
from coproduce.questionnaires.services import response_save_answers, response_start, response_submit

# PHQ-9 totals, oldest first, one a month: twelve months moderate (depression is common on
# dialysis), then eight months mild since he began talking therapy with the unit's
# psychologist. A real shift, not noise: the year on his dashboard holds 12 values (4 before,
# 8 after), enough for an I chart, and the last 8 below its centre line are a runs signal
# (Anhøj: more than round(log2 12) + 3 = 7 in a row), told in words (issue 7, item 6).
PHQ9_TOTALS = (14, 15, 13, 16, 14, 12, 15, 14, 16, 13, 15, 14, 10, 9, 8, 9, 7, 8, 8, 7)
PHQ9_ITEMS = tuple(str(n) for n in range(1, 9))  # item 9 (self-harm thoughts) stays 0
VISIT_LEVELS = {"listened": 4, "priorities": 3, "next-steps": 3, "involved": 4, "respect": 4}
CARER_VISIT_LEVELS = {"listened": 3, "priorities": 2, "next-steps": 3, "involved": 3, "respect": 4}
DAYS_APART = 30
EVENING = dt.time(19, 30)


def option_with_weight(definition: QuestionnaireDefinition, link_id: str, weight: float) -> str:
    item = next(i for i in definition.form["items"] if i["link_id"] == link_id)
    return next(o["code"] for o in item["options"] if o["weight"] == weight)


def phq9_answers(definition: QuestionnaireDefinition, total: int) -> dict[str, str]:
    """Answers to items 1-8 adding up to `total` (item 9 'not at all'), and the
    difficulty item."""
    levels = dict.fromkeys((*PHQ9_ITEMS, "9"), 0)
    for n in range(total):
        levels[PHQ9_ITEMS[n % len(PHQ9_ITEMS)]] += 1
    answers = {k: option_with_weight(definition, k, v) for k, v in levels.items()}
    answers["difficulty"] = option_with_weight(definition, "difficulty", 1 if total >= 10 else 0)
    return answers


def scaled_answers(definition: QuestionnaireDefinition, levels: dict[str, int]) -> dict[str, str]:
    return {k: option_with_weight(definition, k, v) for k, v in levels.items()}


def evening(patient: Patient, day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, EVENING, tzinfo=ZoneInfo(patient.home_unit.time_zone))


def demo_questionnaires_create(
    *, patient: Patient, carer: User, child: Patient, end_date: dt.date
) -> int:
    """Create the demo responses; returns how many were stored or started. Safe to call
    twice: the submission keys are fixed, so a second call stores nothing new."""
    phq9 = definition_for_instrument("phq-9")
    visit = definition_for_instrument("visit-experience")
    if phq9 is None or visit is None:
        raise RuntimeError("Load the instruments first: coproduce instruments load")
    created = 0
    own = patient_for_user(patient.user, patient.pk, purpose="demo")
    months = len(PHQ9_TOTALS)
    for index, total in enumerate(PHQ9_TOTALS):
        day = end_date - dt.timedelta(days=DAYS_APART * (months - index) - 3)
        response_submit(
            access=own,
            definition=phq9,
            answers=phq9_answers(phq9, total),
            idempotency_key=f"demo-{patient.pk}-phq-9-{index}",
            authored_at=evening(patient, day),
        )
        created += 1
    response_submit(
        access=own,
        definition=visit,
        answers=scaled_answers(visit, VISIT_LEVELS),
        idempotency_key=f"demo-{patient.pk}-visit-experience-0",
        authored_at=evening(patient, end_date - dt.timedelta(days=12)),
    )
    created += 1
    # This month's PHQ-9, stopped after four questions: "Continue where you left off".
    in_progress = response_start(access=own, definition=phq9, reporter=ReporterKind.PATIENT)
    started = phq9_answers(phq9, 6)
    response_save_answers(
        access=own, response=in_progress, answers={k: started[k] for k in ("1", "2", "3", "4")}
    )
    created += 1
    for_child = patient_for_user(carer, child.pk, purpose="demo")
    day = end_date - dt.timedelta(days=20)
    for reporter, levels in (
        (ReporterKind.PATIENT, VISIT_LEVELS),
        (ReporterKind.CARER, CARER_VISIT_LEVELS),
    ):
        response_submit(
            access=for_child,
            definition=visit,
            answers=scaled_answers(visit, levels),
            idempotency_key=f"demo-{child.pk}-visit-experience-{reporter}",
            reporter=reporter,
            authored_at=evening(child, day),
        )
        created += 1
    return created

"""Demo alerts for `seed --demo`: twelve weeks of weekly symptom reports from the cancer
patients and monthly PHQ-9s from the depression patients of the demo nurse's unit, sent
through `response_submit` so the programmes' rules raise alerts as they would have; then
the nurse and clinician handle most of them as a team does (acknowledged, mostly within
target, closed with an action), the last days' alerts stay open, and those past their
target are escalated by the escalation job. The clock is moved with
`core.clock.travelled_to` so every time stamp is where it would be.

The registry patients have no logins; their reports are entered by the nurse (patient
stream, as after a telephone symptom check). Everything is made through the services.
"""

from __future__ import annotations

import datetime as dt
import heapq
import itertools
import logging
import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial

from django.db.models import Max

from coproduce.access.policy import PatientAccess, access_for
from coproduce.accounts.models import User
from coproduce.alerts.escalation import alert_escalate, escalations_run
from coproduce.alerts.handling import alert_acknowledge, alert_claim, alert_close
from coproduce.alerts.models import Alert, AlertAction, AlertStatus
from coproduce.alerts.services import missing_reports_check
from coproduce.alerts.unit_settings import unit_alert_settings_update
from coproduce.core.clock import now, travelled_to
from coproduce.observations.measurements import Entered, measurement_record
from coproduce.patients.models import Enrolment, EnrolmentStatus, Patient
from coproduce.patients.selectors import patient_for_user
from coproduce.questionnaires.models import QuestionnaireDefinition, ReporterKind
from coproduce.questionnaires.selectors import definition_for_instrument
from coproduce.questionnaires.services import response_submit

SEED = 20261122
WEEKS = 12
SYMPTOMS = (
    "nausea",
    "vomiting",
    "diarrhea",
    "constipation",
    "fatigue",
    "pain",
    "shortness-of-breath",
    "decreased-appetite",
    "mouth-sores",
    "numbness-tingling",
    "insomnia",
    "hand-foot-syndrome",
)
ATTRIBUTES = ("frequency", "severity", "interference")
UNSEEN_HOURS = 6  # alerts raised in the last hours have not been picked up yet
KEEP_OPEN_HOURS = 20  # alerts acknowledged in the last hours are still being handled
ACTIONS = (
    (AlertAction.PHONED, 0.35, "Phoned: symptoms discussed, safety-netted."),
    (AlertAction.ADVICE, 0.25, "Self-care advice given by phone."),
    (AlertAction.TREATMENT, 0.1, "Anti-sickness medicine changed."),
    (AlertAction.APPOINTMENT, 0.1, "Seen in the assessment clinic next day."),
    (AlertAction.NO_ACTION, 0.2, ""),
)
NO_ACTION_REASONS = (
    "Known and expected after this cycle; plan already in place.",
    "Patient already seen in clinic today.",
    "Answer entered by mistake; patient confirmed on the phone.",
)


@dataclass(frozen=True)
class Profile:
    """How a patient's weekly symptoms go: a usual level per symptom and a bad week."""

    usual: dict[str, int]
    bad_week: int | None
    bad_symptom: str


def option_with_weight(definition: QuestionnaireDefinition, link_id: str, weight: float) -> str:
    item = next(i for i in definition.form["items"] if i["link_id"] == link_id)
    return next(o["code"] for o in item["options"] if o["weight"] == weight)


def symptom_answers(
    definition: QuestionnaireDefinition, profile: Profile, week: int, rng: random.Random
) -> dict[str, str]:
    links = {i["link_id"] for i in definition.form["items"]}
    answers = {}
    for symptom in SYMPTOMS:
        usual = profile.usual.get(symptom, 0)
        # A symptom the patient has varies from week to week; others rarely appear.
        level = usual + (rng.random() < (0.25 if usual else 0.02)) - (rng.random() < 0.25)
        if week == profile.bad_week and symptom == profile.bad_symptom:
            level = 3 + (rng.random() < 0.3)
        level = max(0, min(4, level))
        for attribute in ATTRIBUTES:
            link_id = f"{symptom}-{attribute}"
            if link_id in links:
                answers[link_id] = option_with_weight(definition, link_id, level)
    return answers


def profile_for(rng: random.Random) -> Profile:
    """Most patients have one or two mild symptoms; one in four a moderate one; a third
    have one bad week."""
    usual = dict.fromkeys(SYMPTOMS, 0)
    for symptom in rng.sample(SYMPTOMS, rng.choice((1, 2))):
        usual[symptom] = 1
    if rng.random() < 0.25:
        usual[rng.choice(SYMPTOMS)] = 2
    bad = rng.random() < 0.35
    return Profile(
        usual,
        rng.randrange(WEEKS) if bad else None,
        rng.choice(("nausea", "pain", "diarrhea", "mouth-sores")),
    )


def phq9_answers(definition: QuestionnaireDefinition, total: int, item9: int) -> dict:
    levels = dict.fromkeys([str(n) for n in range(1, 10)], 0)
    for n in range(total):
        levels[str(1 + n % 8)] = min(3, levels[str(1 + n % 8)] + 1)
    levels["9"] = item9
    answers = {k: option_with_weight(definition, k, v) for k, v in levels.items()}
    answers["difficulty"] = option_with_weight(definition, "difficulty", 1 if total >= 10 else 0)
    return answers


def _access(nurse: User, patient: Patient) -> PatientAccess:
    access = access_for(nurse, patient)
    if access is None:
        raise RuntimeError(f"the demo nurse cannot see patient {patient.pk}")
    return access


def _unit_patients(nurse: User, code: str, limit: int) -> list[Patient]:
    enrolments = (
        Enrolment.objects.filter(
            programme__code=code,
            status=EnrolmentStatus.ACTIVE,
            unit__memberships__user=nurse,
            patient__user__isnull=True,
        )
        .select_related("patient__home_unit", "patient__network")
        .order_by("pk")[:limit]
    )
    return [e.patient for e in enrolments if access_for(nurse, e.patient) is not None]


class Replay:
    """The weeks before the demo's "now", in time order: each report is sent at its time,
    and the team's handling of the alerts it raises (escalation when late, acknowledgement,
    closure) runs at its own time, so a later report finds the alert as it then stood
    (open and attached to, or closed and raising a new one)."""

    def __init__(
        self, *, end: dt.datetime, rng: random.Random, nurse: User, clinician: User, owen: int
    ):
        self.end, self.rng, self.nurse, self.clinician, self.owen = end, rng, nurse, clinician, owen
        self.steps: list[tuple[dt.datetime, int, Callable[[], object]]] = []
        self.order = itertools.count()
        self.seen = Alert.objects.aggregate(last=Max("pk"))["last"] or 0
        self.reports = 0
        self.closed = 0

    def later(self, at: dt.datetime, step: Callable[[], object]) -> None:
        heapq.heappush(self.steps, (at, next(self.order), step))

    def run_until(self, at: dt.datetime) -> None:
        while self.steps and self.steps[0][0] <= at:
            when, _, step = heapq.heappop(self.steps)
            with travelled_to(when):
                step()

    def report(self, at: dt.datetime, send: Callable[[], object]) -> None:
        self.run_until(at)
        with travelled_to(at):
            send()
        self.reports += 1
        for alert in Alert.objects.filter(pk__gt=self.seen).order_by("pk"):
            self.seen = alert.pk
            self.plan(alert)

    def plan(self, alert: Alert) -> None:
        if alert.patient_id == self.owen:
            self.plan_owen(alert)
            return
        rng = self.rng
        who = self.nurse if rng.random() < 0.75 else self.clinician
        share = rng.uniform(0.1, 0.9) if rng.random() < 0.85 else rng.uniform(1.1, 2.5)
        acknowledged = alert.opened_at + (alert.respond_by - alert.opened_at) * share
        closed = acknowledged + dt.timedelta(minutes=rng.randint(5, 90))
        if acknowledged > self.end - dt.timedelta(hours=1):
            return  # still waiting in the queue
        if alert.opened_at > self.end - dt.timedelta(hours=UNSEEN_HOURS):
            return  # raised while the team was busy: the escalation job will pass it on
        if share > 1:
            self.later(
                alert.respond_by,
                lambda: alert_escalate(alert_id=alert.pk, at=alert.respond_by, email=False),
            )
        self.later(acknowledged, lambda: self.acknowledge(alert.pk, who))
        if closed > self.end - dt.timedelta(hours=KEEP_OPEN_HOURS):
            return  # acknowledged, the action still to come
        action = rng.choices([a for a, _, _ in ACTIONS], [w for _, w, _ in ACTIONS])[0]
        note = next(n for a, _, n in ACTIONS if a == action)
        reason = rng.choice(NO_ACTION_REASONS) if action == AlertAction.NO_ACTION else ""
        self.later(closed, lambda: self.close(alert.pk, who, action, note, reason))

    def plan_owen(self, alert: Alert) -> None:
        """The demo patient's alerts: the nurse phones him two hours after each, except
        the one from yesterday, which is waiting for the team."""
        if alert.opened_at > self.end - dt.timedelta(days=2):
            return
        self.later(
            alert.opened_at + dt.timedelta(hours=2), lambda: self.acknowledge(alert.pk, self.nurse)
        )
        self.later(
            alert.opened_at + dt.timedelta(hours=2, minutes=20),
            lambda: self.close(alert.pk, self.nurse, AlertAction.PHONED, OWEN_NOTE, ""),
        )

    def acknowledge(self, alert_id: int, who: User) -> None:
        alert_claim(user=who, alert_id=alert_id)
        alert_acknowledge(user=who, alert_id=alert_id)

    def close(self, alert_id: int, who: User, action: str, note: str, reason: str) -> None:
        alert_close(user=who, alert_id=alert_id, action=action, note=note, no_action_reason=reason)
        self.closed += 1


def _unseen_severe_symptom(replay: Replay, nurse: User) -> Iterator[tuple[dt.datetime, Callable]]:
    """One severe symptom reported a few hours ago that nobody has picked up yet: past its
    two-hour target, the escalation job has passed it to the next responder."""
    definition = definition_for_instrument("pro-ctcae")
    patient = _unit_patients(nurse, "cancer-symptom-monitoring", 1)[0]
    profile = Profile({}, 0, "pain")
    yield (
        replay.end - dt.timedelta(hours=UNSEEN_HOURS - 1),
        partial(
            response_submit,
            access=_access(nurse, patient),
            definition=definition,
            answers=symptom_answers(definition, profile, 0, replay.rng),
            idempotency_key=f"demo-alerts-{patient.pk}-pro-ctcae-unseen",
            reporter=ReporterKind.PATIENT,
        ),
    )


OWEN_NOTE = (
    "Phoned Owen: salty takeaway the night before, no headache or chest pain. Agreed to "
    "recheck tomorrow morning and keep to his fluid allowance."
)


def _weekly_symptoms(replay: Replay, nurse: User) -> Iterator[tuple[dt.datetime, Callable]]:
    definition = definition_for_instrument("pro-ctcae")
    rng, end = replay.rng, replay.end
    for patient in _unit_patients(nurse, "cancer-symptom-monitoring", 15):
        profile = profile_for(rng)
        access = _access(nurse, patient)
        for week in range(WEEKS):
            at = end - dt.timedelta(days=7 * (WEEKS - 1 - week), hours=rng.randint(2, 60))
            send = partial(
                response_submit,
                access=access,
                definition=definition,
                answers=symptom_answers(definition, profile, week, rng),
                idempotency_key=f"demo-alerts-{patient.pk}-pro-ctcae-{week}",
                reporter=ReporterKind.PATIENT,
                contact_requested=rng.random() < 0.08,
            )
            yield at, send


def _monthly_mood(replay: Replay, nurse: User) -> Iterator[tuple[dt.datetime, Callable]]:
    definition = definition_for_instrument("phq-9")
    rng, end = replay.rng, replay.end
    for patient in _unit_patients(nurse, "depression-anxiety", 15):
        start_total = rng.randint(6, 22)
        access = _access(nurse, patient)
        for month in range(3):
            total = max(0, min(24, start_total + rng.randint(-4, 4)))
            item9 = 1 if total >= 18 and rng.random() < 0.4 else 0
            at = end - dt.timedelta(days=30 * (2 - month) + rng.randint(0, 5), hours=3)
            send = partial(
                response_submit,
                access=access,
                definition=definition,
                answers=phq9_answers(definition, total, item9),
                idempotency_key=f"demo-alerts-{patient.pk}-phq-9-{month}",
                reporter=ReporterKind.PATIENT,
            )
            yield at, send


def _owen_blood_pressure(
    replay: Replay, patient: Patient
) -> Iterator[tuple[dt.datetime, Callable]]:
    """The demo patient's story: a very high home blood pressure six days ago, which the
    nurse phoned him about, and another yesterday that is waiting for the team."""
    access = patient_for_user(patient.user, patient.pk, purpose="demo")
    for days_ago, systolic, diastolic in ((6, 184, 98), (1, 182, 96)):
        at = replay.end - dt.timedelta(days=days_ago, hours=2)
        send = partial(
            measurement_record,
            access=access,
            kind="blood-pressure",
            values={
                "systolic": Entered(systolic, "mm[Hg]"),
                "diastolic": Entered(diastolic, "mm[Hg]"),
                "pulse": Entered(78, "/min"),
            },
            effective_at=at,
        )
        yield at + dt.timedelta(minutes=1), send


def demo_alerts_create(
    *,
    patient: Patient,
    carer: User,
    child: Patient,
    end_date: dt.date,
    nurse: User,
    clinician: User,
) -> dict[str, int]:
    """Create the demo's alert history (`patient` is the demo patient with a login; the
    carer and child have no alert story); returns counts. Call once on a fresh demo."""
    with _quiet_logs():
        return _create(patient, end_date, nurse, clinician)


@contextmanager
def _quiet_logs():
    """Replaying weeks of history would log every escalation; the seed shows a summary."""
    logger = logging.getLogger("coproduce.alerts")
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(level)


def _create(patient: Patient, end_date: dt.date, nurse: User, clinician: User) -> dict[str, int]:
    end = min(now(), dt.datetime.combine(end_date, dt.time(17, 0), tzinfo=dt.UTC))
    unit_alert_settings_update(
        actor=clinician,
        unit=patient.home_unit,
        office_opens=dt.time(8, 0),
        office_closes=dt.time(18, 0),
        office_days=[1, 2, 3, 4, 5],
        holidays=[],
        phone="0100 555 0142",
        out_of_hours_phone="0100 555 0199",
        next_responder=clinician,
    )
    replay = Replay(
        end=end, rng=random.Random(SEED), nurse=nurse, clinician=clinician, owen=patient.pk
    )
    reports = [
        *_weekly_symptoms(replay, nurse),
        *_monthly_mood(replay, nurse),
        *_owen_blood_pressure(replay, patient),
        *_unseen_severe_symptom(replay, nurse),
    ]
    for at, send in sorted(reports, key=lambda report: report[0]):
        replay.report(at, send)
    replay.run_until(end)
    # What the worker's jobs would have done by now: patients who have not reported in the
    # app for the rule's days get missing-report alerts; alerts past their target escalate.
    missing_reports_check(at=end)
    escalated = escalations_run(at=end, email=False)
    return {
        "reports": replay.reports,
        "closed": replay.closed,
        "escalated": escalated,
        "open": Alert.objects.exclude(status=AlertStatus.CLOSED).count(),
    }

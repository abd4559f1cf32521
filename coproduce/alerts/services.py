"""Raising alerts: the rules of a patient's programmes run on each new report.

Evaluation runs inside the transaction that stores the report (`response_submit`, the
measurement services), so a report is never stored without its alerts, and the patient is
told at once what happens next. Missing reports are checked by the worker's scheduler
(`missing_reports_check`); a trigger is unique on (patient, rule, source), so a job killed
half-way and run again raises each alert exactly once.

Queue work (claim, acknowledge, close) is in `handling.py`; escalation in `escalation.py`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import F, Max

from coproduce.alerts.models import Alert, AlertStatus, AlertTrigger, UnitAlertSettings
from coproduce.alerts.office_hours import OfficeHours, respond_by
from coproduce.alerts.rules import (
    AlertRule,
    NewReport,
    Reading,
    Trigger,
    evaluate,
    history_needed,
    report_missing,
    rule_from_json,
    watch_key,
)
from coproduce.core.audit import AuditAction, audit_record
from coproduce.core.clock import now
from coproduce.network.models import Unit
from coproduce.observations.models import Observation
from coproduce.patients.models import Enrolment, EnrolmentStatus, Patient

HISTORY_REPORTS = 12  # earlier values read per watched key (persistence needs at most 11)
_RULES_CACHE: dict[tuple[str, str], tuple[AlertRule, ...]] = {}


@dataclass(frozen=True)
class ProgrammeRules:
    """The alert rules of one programme a patient is enrolled in, and the enrolment's unit."""

    programme_code: str
    programme_version: str
    unit_id: int
    enrolled_at: dt.datetime
    rules: tuple[AlertRule, ...]


def rules_of(code: str, version: str, definition: Mapping) -> tuple[AlertRule, ...]:
    key = (code, version)
    if key not in _RULES_CACHE:
        raw = definition.get("alert_rules", [])
        _RULES_CACHE[key] = tuple(rule_from_json(r) for r in raw)
    return _RULES_CACHE[key]


def patient_rules(patient_id: int) -> list[ProgrammeRules]:
    """Rules of the programmes the patient is enrolled in now (active enrolments)."""
    rows = Enrolment.objects.filter(
        patient_id=patient_id, status=EnrolmentStatus.ACTIVE
    ).values_list(
        "programme__code",
        "programme__version",
        "programme__definition",
        "unit_id",
        "started_on",
    )
    found = []
    for code, version, definition, unit_id, started_on in rows:
        rules = rules_of(code, version, definition)
        if rules:
            started = dt.datetime.combine(started_on, dt.time(), tzinfo=dt.UTC)
            found.append(ProgrammeRules(code, version, unit_id, started, rules))
    return found


def office_hours_of(unit_id: int) -> OfficeHours | None:
    row = (
        UnitAlertSettings.objects.filter(unit_id=unit_id)
        .values("office_opens", "office_closes", "office_days", "holidays")
        .first()
    )
    zone = Unit.objects.filter(pk=unit_id).values_list("time_zone", flat=True).first() or "UTC"
    if row is None:
        return OfficeHours(zone=zone)
    return OfficeHours(
        opens=row["office_opens"],
        closes=row["office_closes"],
        days=frozenset(row["office_days"] or (1, 2, 3, 4, 5)),
        holidays=frozenset(dt.date.fromisoformat(d) for d in row["holidays"]),
        zone=zone,
    )


def alert_raise(
    *,
    patient_id: int,
    programme: ProgrammeRules,
    trigger: Trigger,
    source: str,
    at: dt.datetime,
    contact_requested: bool = False,
) -> tuple[Alert, bool] | None:
    """Attach a trigger to the rule's open alert for the patient, or open one. Returns the
    alert and whether it is new; None when this source already triggered this rule (a
    re-run after a crash). Call inside the transaction that stores the report."""
    rule = trigger.rule
    rule_key = f"{programme.programme_code}/{rule.id}"
    if AlertTrigger.objects.filter(
        patient_id=patient_id, rule_key=rule_key, source=source
    ).exists():
        return None
    alert = (
        Alert.objects.select_for_update()
        .filter(patient_id=patient_id, programme_code=programme.programme_code, rule_id=rule.id)
        .exclude(status=AlertStatus.CLOSED)
        .first()
    )
    created = alert is None
    if created:
        alert = Alert.objects.create(
            patient_id=patient_id,
            unit_id=programme.unit_id,
            programme_code=programme.programme_code,
            programme_version=programme.programme_version,
            rule_id=rule.id,
            rule=_rule_json(rule),
            title=rule.title,
            severity=trigger.severity,
            opened_at=at,
            respond_by=respond_by(
                at, rule.respond_within_hours, trigger.severity, office_hours_of(programme.unit_id)
            ),
            last_triggered_at=at,
            contact_requested=contact_requested,
        )
    else:
        more_severe = _rank(trigger.severity) < _rank(alert.severity)
        Alert.objects.filter(pk=alert.pk).update(
            last_triggered_at=at,
            trigger_count=F("trigger_count") + 1,
            severity=trigger.severity if more_severe else alert.severity,
            contact_requested=alert.contact_requested or contact_requested,
        )
        alert.refresh_from_db()
    AlertTrigger.objects.create(
        alert=alert,
        patient_id=patient_id,
        rule_key=rule_key,
        source=source,
        triggered_at=at,
        severity=trigger.severity,
        reason=trigger.reason[:300],
        values=dict(trigger.values),
    )
    audit_record(
        actor=None,
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        entity_type="Alert",
        entity_id=alert.pk,
        patient_id=patient_id,
        purpose="alert-raised" if created else "alert-triggered-again",
        detail={"rule": rule_key, "source": source, "severity": trigger.severity},
    )
    return alert, created


def _rank(severity: str) -> int:
    return {"urgent": 0, "high": 1, "routine": 2}[severity]


def _rule_json(rule: AlertRule) -> dict:
    from dataclasses import asdict

    data = asdict(rule)
    data["compare_with"] = list(rule.compare_with)
    return data


def history_of(
    patient_id: int,
    needed: Mapping[str, int],
    at: dt.datetime,
    exclude_source: str,
    exclude_pks: Sequence[int] = (),
) -> dict[str, list[Reading]]:
    """Earlier readings of each watched observation code (the patient's own stream),
    oldest first: the first report, and the last HISTORY_REPORTS (or all within the days a
    change rule looks back)."""
    codes = {key.partition(":")[2]: key for key in needed if key.startswith("code:")}
    history: dict[str, list[Reading]] = {}
    for code, key in codes.items():
        rows = (
            Observation.objects.filter(
                patient_id=patient_id,
                code=code,
                is_current=True,
                source__in=("patient", "device", "clinician"),
                effective_at__lte=at,
                value_quantity__isnull=False,
            )
            .exclude(derived_from=exclude_source)
            .exclude(pk__in=list(exclude_pks))
            .order_by("-effective_at", "-pk")
            .values_list("effective_at", "value_quantity", "derived_from", "pk")
        )
        since = at - dt.timedelta(days=needed[key])
        recent = list(rows[:HISTORY_REPORTS])
        if needed[key] and recent and recent[-1][0] > since:
            recent = list(rows.filter(effective_at__gte=since))
        first = rows.order_by("effective_at", "pk")[:1]
        readings = {r[3]: r for r in [*recent, *first]}
        history[key] = [
            Reading(at=r[0], value=r[1], source=r[2] or f"Observation/{r[3]}")
            for r in sorted(readings.values(), key=lambda r: (r[0], r[3]))
        ]
    return history


def alerts_evaluate(
    *,
    patient_id: int,
    report: NewReport,
    score_codes: Mapping[str, str] | None = None,
    exclude_pks: Sequence[int] = (),
) -> list[Alert]:
    """Run the patient's rules on a new report and raise what fires; returns the alerts
    (new or attached to) for the patient's confirmation page.

    `report.values` holds watch keys; `score_codes` maps "score:<instrument>/<name>" keys to
    the observation codes their history is kept under."""
    raised: list[Alert] = []
    for programme in patient_rules(patient_id):
        rules = [r for r in programme.rules if r.kind != "missing-report"]
        wanted = {r.watch for r in rules} | {k for r in rules for k in r.compare_with}
        if not wanted & set(report.values) and report.contact_requested is None:
            continue
        needed = history_needed(rules)
        by_code = {
            (watch_key("code", score_codes[k]) if score_codes and k in score_codes else k): k
            for k in needed
        }
        history = history_of(
            patient_id,
            {c: needed[k] for c, k in by_code.items()},
            report.at,
            report.source,
            exclude_pks,
        )
        history = {by_code[c]: readings for c, readings in history.items()}
        for trigger in evaluate(rules, report, history):
            result = alert_raise(
                patient_id=patient_id,
                programme=programme,
                trigger=trigger,
                source=report.source,
                at=report.at,
                contact_requested=bool(report.contact_requested),
            )
            if result is not None:
                raised.append(result[0])
    return raised


def alerts_for_observations(
    *, patient: Patient, observations: Sequence[Observation]
) -> list[Alert]:
    """Evaluate home measurements just stored (inside their transaction); a dialysis
    session's values are one report."""
    if not observations:
        return []
    first = observations[0]
    source = first.derived_from or f"Observation/{first.pk}"
    values = {
        watch_key("code", o.code): o.value_quantity
        for o in observations
        if o.value_quantity is not None
    }
    report = NewReport(source=source, at=first.effective_at, values=values)
    return alerts_evaluate(
        patient_id=patient.pk, report=report, exclude_pks=[o.pk for o in observations]
    )


def missing_reports_check(
    *, at: dt.datetime | None = None, patient_ids: Iterable[int] | None = None
) -> int:
    """Raise missing-report alerts for every active enrolment whose rule sees no report
    for its number of days. Each patient is committed on its own, and the trigger's source
    names the day of the last report, so a re-run raises nothing twice."""
    from coproduce.questionnaires.models import QuestionnaireResponse

    at = at or now()
    enrolments = Enrolment.objects.filter(status=EnrolmentStatus.ACTIVE).select_related("programme")
    if patient_ids is not None:
        enrolments = enrolments.filter(patient_id__in=list(patient_ids))
    raised = 0
    for enrolment in enrolments.order_by("patient_id", "pk").iterator():
        rules = [
            r
            for r in rules_of(
                enrolment.programme.code,
                enrolment.programme.version,
                enrolment.programme.definition,
            )
            if r.kind == "missing-report"
        ]
        if not rules:
            continue
        programme = ProgrammeRules(
            enrolment.programme.code,
            enrolment.programme.version,
            enrolment.unit_id,
            dt.datetime.combine(enrolment.started_on, dt.time(), tzinfo=dt.UTC),
            tuple(rules),
        )
        for rule in rules:
            responses = QuestionnaireResponse.objects.filter(
                patient_id=enrolment.patient_id, status="completed", reporter="patient"
            )
            if rule.instrument:
                responses = responses.filter(definition__instrument_code=rule.instrument)
            last = responses.aggregate(last=Max("authored_at"))["last"]
            if not rule.instrument:
                measured = Observation.objects.filter(
                    patient_id=enrolment.patient_id, source="patient", derived_from=""
                ).aggregate(last=Max("effective_at"))["last"]
                last = max([t for t in (last, measured) if t is not None], default=None)
            reason = report_missing(
                rule, last_report_at=last, enrolled_at=programme.enrolled_at, at=at
            )
            if reason is None:
                continue
            since = (last or programme.enrolled_at).date().isoformat()
            trigger = Trigger(rule, rule.severity, reason, {"last_report": since})
            try:
                with transaction.atomic():
                    result = alert_raise(
                        patient_id=enrolment.patient_id,
                        programme=programme,
                        trigger=trigger,
                        source=f"missing/{since}",
                        at=at,
                    )
            except IntegrityError:  # another worker raised it at the same moment
                continue
            raised += result is not None
    return raised

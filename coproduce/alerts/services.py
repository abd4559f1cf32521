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

from django.db import IntegrityError, connection, transaction
from django.db.models import Max

from coproduce.alerts.models import Alert, AlertTrigger, UnitAlertSettings
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
from coproduce.core.prepared import (
    PreparedGet,
    PreparedInsert,
    PreparedRows,
    PreparedUnion,
    rows_of,
)
from coproduce.network.models import Unit
from coproduce.observations.models import Observation
from coproduce.patients.models import Enrolment, EnrolmentStatus, Patient
from coproduce.programmes.models import Programme

HISTORY_REPORTS = 12  # earlier values read per watched key (persistence needs at most 11)
HISTORY_SOURCES = "('patient', 'device', 'clinician')"  # not a carer's own view
_RULES_CACHE: dict[tuple[str, str], tuple[AlertRule, ...]] = {}

# Every report runs these, so their SQL is built once (ADR 0013).
ACTIVE_ENROLMENTS = PreparedRows(
    Enrolment,
    ["programme", "unit", "started_on", "programme__code", "programme__version"],
    where="{patient} = %s AND {status} = %s",
    params=["patient", "status"],
    order_by=["id"],
)
_READING_WHERE = (
    "{patient} = %s AND {code} = %s AND {is_current} = %s AND {effective_at} <= %s"
    " AND {value_quantity} IS NOT NULL AND {derived_from} <> %s"
    f" AND {{source}} IN {HISTORY_SOURCES}"
)
_READING_PARAMS = ["patient", "code", "is_current", "effective_at", "derived_from"]
_READING_COLUMNS = ["effective_at", "value_quantity", "derived_from", "id"]
LATEST_READINGS = PreparedRows(
    Observation,
    _READING_COLUMNS,
    where=_READING_WHERE,
    params=_READING_PARAMS,
    order_by=["-effective_at", "-id"],
    limit=True,
)
FIRST_READINGS = PreparedRows(
    Observation,
    _READING_COLUMNS,
    where=_READING_WHERE,
    params=_READING_PARAMS,
    order_by=["effective_at", "id"],
    limit=True,
)
LATEST_AND_FIRST = PreparedUnion(LATEST_READINGS, FIRST_READINGS)
READINGS_SINCE = PreparedRows(
    Observation,
    _READING_COLUMNS,
    where=_READING_WHERE + " AND {effective_at} >= %s",
    params=[*_READING_PARAMS, "effective_at"],
    order_by=["-effective_at", "-id"],
)
UNIT_SETTINGS = PreparedGet(UnitAlertSettings, field="unit", related=("unit",))
UNIT = PreparedGet(Unit)
ALERT_INSERT = PreparedInsert(Alert)
TRIGGER_INSERT = PreparedInsert(AlertTrigger)
# Attach to the rule's open alert: one statement that also keeps the most severe severity.
ALERT_ATTACH = (
    "UPDATE {table} SET {last} = %s, {count} = {count} + 1, {contact} = ({contact} OR %s),"
    " {severity} = CASE WHEN {severity} = 'urgent' OR %s = 'urgent' THEN 'urgent'"
    " WHEN {severity} = 'high' OR %s = 'high' THEN 'high' ELSE 'routine' END"
    " WHERE {patient} = %s AND {programme} = %s AND {rule} = %s AND {status} <> 'closed'"
    " RETURNING {id}"
)


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
    found = []
    for programme_id, unit_id, started_on, code, version in ACTIVE_ENROLMENTS.rows(
        patient_id, EnrolmentStatus.ACTIVE
    ):
        if (code, version) not in _RULES_CACHE:
            definition = Programme.objects.values_list("definition", flat=True).get(pk=programme_id)
            rules_of(code, version, definition)
        rules = _RULES_CACHE[(code, version)]
        if rules:
            started = dt.datetime.combine(started_on, dt.time(), tzinfo=dt.UTC)
            found.append(ProgrammeRules(code, version, unit_id, started, rules))
    return found


def office_hours_of(unit_id: int) -> OfficeHours:
    """The unit's office hours (Monday to Friday 08:00-18:00 until its lead sets them)."""
    settings = UNIT_SETTINGS.get(unit_id)
    if settings is None:
        unit = UNIT.get(unit_id)
        return OfficeHours(zone=unit.time_zone if unit else "UTC")
    return OfficeHours(
        opens=settings.office_opens,
        closes=settings.office_closes,
        days=frozenset(settings.office_days or (1, 2, 3, 4, 5)),
        holidays=frozenset(dt.date.fromisoformat(d) for d in settings.holidays),
        zone=settings.unit.time_zone,
    )


def alert_raise(
    *,
    patient_id: int,
    programme: ProgrammeRules,
    trigger: Trigger,
    source: str,
    at: dt.datetime,
    contact_requested: bool = False,
    check_source: bool = True,
    load: bool = True,
) -> tuple[Alert, bool] | None:
    """Attach a trigger to the rule's open alert for the patient, or open one. Returns the
    alert and whether it is new; None when this source already triggered this rule (a
    re-run after a crash). Call inside the transaction that stores the report.

    `check_source=False` skips that check when the source was created in this very
    transaction (a new response or measurement cannot have triggered anything yet);
    `load=False` returns an attached-to alert with only its id (the submission path)."""
    rule = trigger.rule
    rule_key = f"{programme.programme_code}/{rule.id}"
    if (
        check_source
        and AlertTrigger.objects.filter(
            patient_id=patient_id, rule_key=rule_key, source=source
        ).exists()
    ):
        return None
    alert_id = _attach(
        patient_id, programme.programme_code, rule.id, trigger, at, contact_requested
    )
    created = alert_id is None
    if created:
        alert = Alert(
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
        try:
            with transaction.atomic():  # a savepoint: the same rule may open at the same moment
                ALERT_INSERT.insert([alert])
        except IntegrityError:
            alert_id = _attach(
                patient_id, programme.programme_code, rule.id, trigger, at, contact_requested
            )
            if alert_id is None:
                raise
            created = False
    if not created:
        alert = Alert.objects.get(pk=alert_id) if load else Alert(pk=alert_id)
    TRIGGER_INSERT.insert(
        [
            AlertTrigger(
                alert_id=alert.pk,
                patient_id=patient_id,
                rule_key=rule_key,
                source=source,
                triggered_at=at,
                severity=trigger.severity,
                reason=trigger.reason[:300],
                values=dict(trigger.values),
            )
        ]
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


def _attach(
    patient_id: int,
    programme_code: str,
    rule_id: str,
    trigger: Trigger,
    at: dt.datetime,
    contact_requested: bool,
) -> int | None:
    """Attach a trigger to the rule's open alert for the patient; its id, or None."""
    meta = Alert._meta
    quote = connection.ops.quote_name
    column = {f.name: quote(f.column) for f in meta.concrete_fields}
    sql = ALERT_ATTACH.format(
        table=quote(meta.db_table),
        last=column["last_triggered_at"],
        count=column["trigger_count"],
        contact=column["contact_requested"],
        severity=column["severity"],
        patient=column["patient"],
        programme=column["programme_code"],
        rule=column["rule_id"],
        status=column["status"],
        id=column["id"],
    )
    last = meta.get_field("last_triggered_at").get_db_prep_value(at, connection)
    rows = rows_of(
        connection,
        sql,
        [
            last,
            contact_requested,
            trigger.severity,
            trigger.severity,
            patient_id,
            programme_code,
            rule_id,
        ],
    )
    return rows[0][0] if rows else None


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
    baseline_keys: Iterable[str] = (),
) -> dict[str, list[Reading]]:
    """Earlier readings of each watched observation code (not a carer's own view), oldest
    first: the last HISTORY_REPORTS (or all within the days a change rule looks back), and
    the first one for keys in `baseline_keys`."""
    history: dict[str, list[Reading]] = {}
    skip = set(exclude_pks)
    for key, days in needed.items():
        if not key.startswith("code:"):
            continue
        code = key.partition(":")[2]
        where = (patient_id, code, True, at, exclude_source)
        latest = HISTORY_REPORTS + len(skip)
        if key in baseline_keys:
            # The last reports and the first, in one statement. A row of the second part
            # that is not in the first is older than all of the first part's rows.
            both = LATEST_AND_FIRST.rows(where, where, limits=(latest, 1 + len(skip)))
            kept = sorted(
                {r[3]: r for r in both if r[3] not in skip}.values(),
                key=lambda r: (r[0], r[3]),
                reverse=True,
            )
            rows, first = kept[:HISTORY_REPORTS], kept[-1:]
        else:
            rows = LATEST_READINGS.rows(*where, limit=latest)
            rows, first = [r for r in rows if r[3] not in skip][:HISTORY_REPORTS], []
        since = at - dt.timedelta(days=days)
        if days and len(rows) == HISTORY_REPORTS and rows[-1][0] > since:
            rows = [r for r in READINGS_SINCE.rows(*where, since) if r[3] not in skip]
        rows += first
        unique = {r[3]: r for r in rows}
        history[key] = [
            Reading(at=r[0], value=r[1], source=r[2] or f"Observation/{r[3]}")
            for r in sorted(unique.values(), key=lambda r: (r[0], r[3]))
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
        baseline = {
            c for c, k in by_code.items() for r in rules if r.watch == k and r.against == "baseline"
        }
        history = history_of(
            patient_id,
            {c: needed[k] for c, k in by_code.items()},
            report.at,
            report.source,
            exclude_pks,
            baseline,
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
                check_source=False,
                load=False,
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

"""Alert load: how many alerts each rule raises per report, and how each unit handles them.

Read path for the alert-load page (`alert_load`) and the what-if view (`what_if`, at the
end of this module). Clinicians see the units they work in today; quality-improvement leads see
every unit of their network. Nothing here names a patient: the load table holds counts only.

Small cells: counts from 1 to 10 are shown as they are, unlike the network's
quality-improvement tables (`network.selectors.suppressed`). These are a unit's own
operational figures, read by its own staff (and the network's QI leads) to tune their
rules; hiding them would hide the load of every small unit. Nothing here is exported.

Definitions (also in the page's help text):

* **Reports**: what patients sent in the period: completed questionnaire responses of the
  patient's own stream, plus home measurements the patient recorded. A measurement sent in
  one go counts once: a dialysis session's values (grouped by the session they come from,
  `Observation.derived_from`) and a blood-pressure reading with its pulse (grouped by
  patient and time, `effective_at`). Scores derived from a questionnaire are not counted
  again. Counted for the patients whose enrolment in the programme at the unit was open at
  some time in the period; the unit's total counts each patient once, over the programmes
  that have alert rules.
* **Alerts raised**: alerts opened in the period, by the unit whose queue holds them.
* **Acknowledged within target**: of the alerts whose response-time target has passed or
  that were acknowledged (closing acknowledges), the share acknowledged by the target.
* **Median time to acknowledge**: from opening to acknowledgement, in clock hours, over the
  acknowledged alerts.
* **Actions**: closed alerts by the action recorded; **no action needed**: the share of
  closed alerts closed with "no action needed".
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, Max, Min, Q, QuerySet

from coproduce.access.policy import patients_visible_q, staff_unit_ids
from coproduce.accounts.models import Role, User
from coproduce.alerts.load_figures import (
    Firing,
    alerts_opened,
    median_hours,
    missed,
    per_100,
    share,
)
from coproduce.alerts.models import Alert, AlertAction, AlertStatus, AlertTrigger, Severity
from coproduce.alerts.rules import AlertRule, NewReport, Reading, evaluate, rule_from_json
from coproduce.core.audit import AuditAction, audit_record
from coproduce.core.clock import now
from coproduce.core.ids import as_pk
from coproduce.network.models import Unit
from coproduce.observations.models import Observation
from coproduce.patients.models import Enrolment, Patient
from coproduce.programmes.models import Programme
from coproduce.questionnaires.answers import scorer_inputs
from coproduce.questionnaires.form_cache import form_of
from coproduce.questionnaires.models import QuestionnaireDefinition, QuestionnaireResponse
from coproduce.scoring import instrument

PERIOD_DAYS = (30, 90, 365)
DEFAULT_DAYS = 90
WHAT_IF_KINDS = ("threshold", "persistence", "worsening")
ACTIONS = tuple(AlertAction.values)  # the order of the action columns


@dataclass(frozen=True)
class LoadRow:
    """One rule at one unit, or the unit's total (`rule_id` empty). Counts are whole
    numbers; shares are whole percent and rates one decimal, None when undefined."""

    unit_id: int
    unit_name: str
    programme_code: str
    programme_title: str
    rule_id: str
    rule_title: str
    rule_kind: str
    reports: int
    raised: int
    per_100_reports: float | None
    due: int  # acknowledged, or target passed: the base of the within-target share
    acknowledged_in_time: int
    share_in_time: int | None
    median_hours_to_acknowledge: float | None
    actions: tuple[tuple[str, int], ...]  # (AlertAction value, closed alerts), ACTIONS order
    closed: int
    no_action: int
    share_no_action: int | None

    @property
    def is_total(self) -> bool:
        return not self.rule_id

    @property
    def what_if_available(self) -> bool:
        return self.rule_kind in WHAT_IF_KINDS

    @property
    def actions_taken(self) -> list[tuple[str, int]]:
        """(label, count) of each action recorded at least once."""
        return [(AlertAction(action).label, n) for action, n in self.actions if n]


def load_units(user: User) -> QuerySet[Unit]:
    """The units whose alert load `user` may see: a clinician's own units today, every
    unit of a QI lead's network. PermissionDenied for anyone else."""
    if not user.is_authenticated or not user.is_active:
        raise PermissionDenied
    if user.role == Role.CLINICIAN:
        return Unit.objects.filter(pk__in=staff_unit_ids(user), region__network=user.network_id)
    if user.role == Role.QI_LEAD and user.network_id is not None:
        return Unit.objects.filter(region__network_id=user.network_id)
    raise PermissionDenied


def chosen_units(user: User, unit_id: object = None) -> list[Unit]:
    """The units to show: all that `user` may see, or the one asked for. A unit the user
    may not see, or one that does not exist, gives the same PermissionDenied."""
    units = load_units(user).order_by("name", "pk")
    if unit_id in (None, ""):
        return list(units)
    pk = as_pk(unit_id)
    found = list(units.filter(pk=pk)) if pk is not None else []
    if not found:
        raise PermissionDenied
    return found


def period(days: int, until: dt.datetime | None = None) -> tuple[dt.datetime, dt.datetime]:
    until = until or now()
    return until - dt.timedelta(days=days), until


def alert_load(
    user: User, *, since: dt.datetime, until: dt.datetime, unit_id: object = None
) -> list[LoadRow]:
    """Per unit and rule, the alert load of the period [since, until): see the module
    docstring for each figure. Rows per unit: its programmes' rules in file order (also
    rules that raised nothing), then the unit's total. Audited as one aggregate read."""
    units = chosen_units(user, unit_id)
    rows = unit_alert_load(units, since=since, until=until)
    audit_record(
        actor=user,
        action=AuditAction.READ,
        entity_type="AlertLoad",
        entity_id=unit_id or "all",
        purpose="alert-load",
        detail={"units": [u.pk for u in units], "days": (until - since).days},
    )
    return rows


def enrolments_in(
    unit_ids: Iterable[int], since: dt.datetime, until: dt.datetime
) -> QuerySet[Enrolment]:
    """Enrolments at the units that were open at some time in [since, until)."""
    return Enrolment.objects.filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=since.date()),
        unit_id__in=list(unit_ids),
        started_on__lte=until.date(),
    )


def reports_by_patient(
    enrolments: QuerySet[Enrolment], since: dt.datetime, until: dt.datetime
) -> dict[int, int]:
    """Reports per patient in [since, until) (module docstring), in two queries."""
    patients = enrolments.values("patient_id")
    counts: dict[int, int] = defaultdict(int)
    responses = (
        QuestionnaireResponse.objects.filter(
            patient_id__in=patients,
            status="completed",
            reporter="patient",
            authored_at__gte=since,
            authored_at__lt=until,
        )
        .values("patient_id")
        .annotate(n=Count("pk"))
        .values_list("patient_id", "n")
    )
    for patient_id, n in responses:
        counts[patient_id] += n
    measured = (
        Observation.objects.filter(
            patient_id__in=patients,
            source="patient",
            is_current=True,
            effective_at__gte=since,
            effective_at__lt=until,
        )
        .exclude(derived_from__startswith="QuestionnaireResponse/")
        .values("patient_id")
        .annotate(
            at_once=Count("effective_at", distinct=True, filter=Q(derived_from="")),
            grouped=Count("derived_from", distinct=True, filter=~Q(derived_from="")),
        )
        .values_list("patient_id", "at_once", "grouped")
    )
    for patient_id, at_once, grouped in measured:
        counts[patient_id] += at_once + grouped
    return dict(counts)


def unit_alert_load(units: list[Unit], *, since: dt.datetime, until: dt.datetime) -> list[LoadRow]:
    """The load rows of `units` without any permission check (the caller's job; the
    `alert_load` management command prints them for every unit)."""
    unit_ids = [u.pk for u in units]
    if not unit_ids:
        return []
    enrolments = enrolments_in(unit_ids, since, until)
    patients_of: dict[tuple[int, str], set[int]] = defaultdict(set)
    for unit, code, patient in enrolments.values_list("unit_id", "programme__code", "patient_id"):
        patients_of[(unit, code)].add(patient)
    reports = reports_by_patient(enrolments, since, until)

    alerts = Alert.objects.filter(unit_id__in=unit_ids, opened_at__gte=since, opened_at__lt=until)
    figures = {
        (r["unit_id"], r["programme_code"], r["rule_id"]): r
        for r in alerts.values("unit_id", "programme_code", "rule_id").annotate(
            raised=Count("pk"),
            title=Max("title"),
            due=Count("pk", filter=Q(acknowledged_at__isnull=False) | Q(respond_by__lte=until)),
            in_time=Count("pk", filter=Q(acknowledged_at__lte=F("respond_by"))),
            closed=Count("pk", filter=Q(status=AlertStatus.CLOSED)),
            **{
                f"action_{i}": Count("pk", filter=Q(status=AlertStatus.CLOSED, action=action))
                for i, action in enumerate(ACTIONS)
            },
        )
    }
    durations: dict[tuple[int, str, str], list[dt.timedelta]] = defaultdict(list)
    for unit, code, rule, opened, acknowledged in alerts.filter(
        acknowledged_at__isnull=False
    ).values_list("unit_id", "programme_code", "rule_id", "opened_at", "acknowledged_at"):
        durations[(unit, code, rule)].append(acknowledged - opened)

    codes = {code for _unit, code in patients_of} | {code for _u, code, _r in figures}
    programmes = {
        p.code: p
        for p in Programme.objects.filter(code__in=codes).only("code", "title", "definition")
    }
    rows: list[LoadRow] = []
    for unit in units:
        unit_codes = sorted(
            {c for u, c in patients_of if u == unit.pk}
            | {c for u, c, _r in figures if u == unit.pk}
        )
        unit_rows: list[LoadRow] = []
        for code in unit_codes:
            programme = programmes.get(code)
            rules = [
                rule_from_json(r)
                for r in (programme.definition.get("alert_rules", []) if programme else [])
            ]
            known = {r.id for r in rules}
            extra = sorted(
                r for u, c, r in figures if u == unit.pk and c == code and r not in known
            )
            n_reports = sum(reports.get(p, 0) for p in patients_of.get((unit.pk, code), ()))
            for rule_id, title, kind in [
                *((r.id, r.title, r.kind) for r in rules),
                *((r, figures[(unit.pk, code, r)]["title"], "") for r in extra),
            ]:
                key = (unit.pk, code, rule_id)
                unit_rows.append(
                    load_row(
                        unit,
                        programme_code=code,
                        programme_title=programme.title if programme else code,
                        rule_id=rule_id,
                        rule_title=title,
                        rule_kind=kind,
                        reports=n_reports,
                        figures=[figures[key]] if key in figures else [],
                        durations=durations.get(key, []),
                    )
                )
        # Patients of the programmes shown (those with rules or alerts), each once.
        shown = {row.programme_code for row in unit_rows}
        all_patients = set().union(*(patients_of.get((unit.pk, c), set()) for c in shown))
        unit_figures = [f for (u, _c, _r), f in figures.items() if u == unit.pk]
        unit_durations = [d for (u, _c, _r), ds in durations.items() if u == unit.pk for d in ds]
        rows.extend(unit_rows)
        rows.append(
            load_row(
                unit,
                programme_code="",
                programme_title="",
                rule_id="",
                rule_title="",
                rule_kind="",
                reports=sum(reports.get(p, 0) for p in all_patients),
                figures=unit_figures,
                durations=unit_durations,
            )
        )
    return rows


def load_row(
    unit: Unit,
    *,
    programme_code: str,
    programme_title: str,
    rule_id: str,
    rule_title: str,
    rule_kind: str,
    reports: int,
    figures: list[Mapping[str, int]],
    durations: list[dt.timedelta],
) -> LoadRow:
    """One row from the SQL counts of its rule(s) and its acknowledgement durations."""

    def total(name: str) -> int:
        return sum(f[name] for f in figures)

    raised, due, in_time, closed = total("raised"), total("due"), total("in_time"), total("closed")
    actions = tuple((action, total(f"action_{i}")) for i, action in enumerate(ACTIONS))
    no_action = dict(actions)[AlertAction.NO_ACTION]
    return LoadRow(
        unit_id=unit.pk,
        unit_name=unit.name,
        programme_code=programme_code,
        programme_title=programme_title,
        rule_id=rule_id,
        rule_title=rule_title,
        rule_kind=rule_kind,
        reports=reports,
        raised=raised,
        per_100_reports=per_100(raised, reports),
        due=due,
        acknowledged_in_time=in_time,
        share_in_time=share(in_time, due),
        median_hours_to_acknowledge=median_hours(durations),
        actions=actions,
        closed=closed,
        no_action=no_action,
        share_no_action=share(no_action, closed),
    )


def _figure(value: float | int | None, suffix: str = "", places: int = 0) -> str:
    return "-" if value is None else f"{value:.{places}f}{suffix}"


def load_table_text(rows: Iterable[LoadRow], *, days: int) -> str:
    """The load rows as plain text, one block per unit (for the `alert_load` command and
    the demo's closing note). Units where no rule ran are left out."""
    lines: list[str] = []
    header = (
        f"{'rule':<60} {'reports':>7} {'alerts':>6} {'/100':>6} {'in time':>9} "
        f"{'median h':>8} {'no action':>10}  actions"
    )
    by_unit: dict[tuple[int, str], list[LoadRow]] = defaultdict(list)
    for row in rows:
        by_unit[(row.unit_id, row.unit_name)].append(row)
    for (_unit_id, unit_name), unit_rows in by_unit.items():
        if len(unit_rows) == 1:  # only the total: no programme with rules here
            continue
        lines += ["", f"{unit_name} - last {days} days", header, "-" * len(header)]
        for row in unit_rows:
            name = "All rules" if row.is_total else f"{row.programme_code}/{row.rule_id}"
            in_time = f"{_figure(row.share_in_time, '%')} ({row.acknowledged_in_time}/{row.due})"
            no_action = f"{_figure(row.share_no_action, '%')} ({row.no_action}/{row.closed})"
            actions = ", ".join(f"{action} {n}" for action, n in row.actions if n) or "-"
            lines.append(
                f"{name[:60]:<60} {row.reports:>7} {row.raised:>6} "
                f"{_figure(row.per_100_reports, places=1):>6} {in_time:>9} "
                f"{_figure(row.median_hours_to_acknowledge, places=1):>8} {no_action:>10}  "
                f"{actions}"
            )
    return "\n".join(lines).lstrip("\n") + "\n" if lines else "No alert rules ran.\n"


def alert_load_text(*, days: int = DEFAULT_DAYS, unit_ids: Iterable[int] | None = None) -> str:
    """Every unit's alert load of the last `days` days as text, without a user (an
    operator's command; audited with no actor). `unit_ids` narrows it to some units."""
    units = Unit.objects.order_by("region__network__name", "name", "pk")
    if unit_ids is not None:
        units = units.filter(pk__in=list(unit_ids))
    units = list(units)
    since, until = period(days)
    rows = unit_alert_load(units, since=since, until=until)
    audit_record(
        actor=None,
        action=AuditAction.READ,
        entity_type="AlertLoad",
        entity_id="all",
        purpose="alert-load-command",
        detail={"units": [u.pk for u in units], "days": days},
    )
    return load_table_text(rows, days=days)


# --- What if a rule's number were different? ----------------------------------------------

WHAT_IF_DAYS = 90
MEASURED_SOURCES = ("patient", "device", "clinician")  # the history alerts_evaluate reads


@dataclass(frozen=True)
class MissedAlert:
    """An alert that led to action (closed with an action other than "no action needed",
    or not closed yet) and would not have been raised. The ids are empty unless the viewer
    is a clinician who may see the patient."""

    alert_id: int | None
    patient_local_id: str
    opened_at: dt.datetime
    severity: str
    status: str
    action: str

    @property
    def severity_label(self) -> str:
        return Severity(self.severity).label

    @property
    def outcome_label(self) -> str:
        """The action recorded, or where the alert stands when it is not closed."""
        if self.action:
            return AlertAction(self.action).label
        return AlertStatus(self.status).label


@dataclass(frozen=True)
class WhatIf:
    """The rule's alerts over the last 90 days with its current number and a new one."""

    programme: Programme
    rule: AlertRule
    number_field: str  # at_least, at_most or by_at_least
    current_value: float
    new_value: float | None
    since: dt.datetime
    until: dt.datetime
    units: tuple[Unit, ...]
    reports: int  # reports that carried the watched value
    fired_now: int  # reports the rule fires on now (recomputed)
    alerts_now: int  # alerts it would raise now (recomputed)
    alerts_actual: int  # alerts it did raise (Alert rows)
    actioned: int  # of those, alerts that led to action
    fired_new: int | None
    alerts_new: int | None
    missed: tuple[MissedAlert, ...]


def rule_for(programme_code: str, rule_id: str) -> tuple[Programme, AlertRule] | None:
    """A programme and one of its alert rules, or None."""
    programme = Programme.objects.filter(code=programme_code).first()
    if programme is None:
        return None
    for raw in programme.definition.get("alert_rules", []):
        if raw.get("id") == rule_id:
            return programme, rule_from_json(raw)
    return None


def number_field(rule: AlertRule) -> str | None:
    """The name of the rule's number the what-if view changes, None for other kinds."""
    if rule.kind == "worsening":
        return "by_at_least"
    if rule.kind in ("threshold", "persistence"):
        return "at_least" if rule.at_least is not None else "at_most"
    return None


@dataclass(frozen=True)
class StoredReport:
    """A stored report as the rules saw it: the watched value and the earlier readings
    of the watched measure (oldest first)."""

    patient_id: int
    report: NewReport
    earlier: tuple[Reading, ...]


def _readings(rows: list[tuple]) -> dict[int, list[tuple]]:
    by_patient: dict[int, list[tuple]] = defaultdict(list)
    for row in rows:
        by_patient[row[0]].append(row)
    return by_patient


def stored_reports(
    rule: AlertRule, patient_ids: QuerySet | list[int], since: dt.datetime, until: dt.datetime
) -> list[StoredReport]:
    """The reports in [since, until) that carried the rule's watched value, each with the
    history `alerts_evaluate` would have read, rebuilt from the data stored now.

    Scores come from their observations (`instrument(code).score_code(name)`), the
    patient's own questionnaire stream; items from the answers of completed patient-stream
    responses (`scorer_inputs`, as at submission); codes from the patient's own home
    measurements, whose source is the session they belong to or the first value stored
    with them (as `alerts_for_observations` names it)."""
    kind, _sep, name = rule.watch.partition(":")
    if kind == "item":
        return _item_reports(rule, name, patient_ids, since, until)
    if kind == "score":
        instrument_code, _sep, score_name = name.partition("/")
        code = instrument(instrument_code).score_code(score_name)
    else:
        code = name
    series = Observation.objects.filter(
        patient_id__in=patient_ids,
        code=code,
        is_current=True,
        source__in=MEASURED_SOURCES,
        effective_at__lt=until,
        value_quantity__isnull=False,
    )
    if rule.kind == "threshold":  # the new value alone; other kinds need the earlier ones
        series = series.filter(effective_at__gte=since)
    rows = list(
        series.order_by("patient_id", "effective_at", "pk").values_list(
            "patient_id", "effective_at", "value_quantity", "derived_from", "pk", "source"
        )
    )
    first_of: dict[tuple[int, dt.datetime], int] = {}
    if kind == "code":
        first_of = {
            (patient, at): first
            for patient, at, first in Observation.objects.filter(
                patient_id__in=patient_ids,
                source="patient",
                derived_from="",
                effective_at__gte=since,
                effective_at__lt=until,
            )
            .values("patient_id", "effective_at")
            .annotate(first=Min("pk"))
            .values_list("patient_id", "effective_at", "first")
        }
    found: list[StoredReport] = []
    for patient_id, own in _readings(rows).items():
        for _p, at, value, derived, pk, source in own:
            from_response = derived.startswith("QuestionnaireResponse/")
            evaluated = source == "patient" and at >= since and (from_response == (kind == "score"))
            if not evaluated:
                continue
            report_source = derived or f"Observation/{first_of.get((patient_id, at), pk)}"
            earlier = tuple(
                Reading(at=r[1], value=r[2], source=r[3] or f"Observation/{r[4]}")
                for r in own
                if r[1] <= at and r[4] != pk and not (derived and r[3] == derived)
            )
            report = NewReport(source=report_source, at=at, values={rule.watch: value})
            found.append(StoredReport(patient_id, report, earlier))
    return found


def _item_reports(
    rule: AlertRule,
    name: str,
    patient_ids: QuerySet | list[int],
    since: dt.datetime,
    until: dt.datetime,
) -> list[StoredReport]:
    instrument_code, _sep, link_id = name.partition("/")
    responses = list(
        QuestionnaireResponse.objects.filter(
            patient_id__in=patient_ids,
            definition__instrument_code=instrument_code,
            status="completed",
            reporter="patient",
            authored_at__gte=since,
            authored_at__lt=until,
        )
        .order_by("authored_at", "pk")
        .values_list("pk", "patient_id", "authored_at", "definition_id", "answers")
    )
    definitions = QuestionnaireDefinition.objects.filter(pk__in={r[3] for r in responses})
    forms = {d.pk: form_of(d) for d in definitions}
    found = []
    for pk, patient_id, at, definition_id, answers in responses:
        value = scorer_inputs(forms[definition_id], answers or {}).get(link_id)
        if value is None:
            continue
        report = NewReport(
            source=f"QuestionnaireResponse/{pk}", at=at, values={rule.watch: float(value)}
        )
        found.append(StoredReport(patient_id, report, ()))
    return found


def firings_of(rule: AlertRule, reports: Iterable[StoredReport]) -> list[Firing]:
    """The reports on which `rule` fires, by the real evaluator (`rules.evaluate`)."""
    fired = []
    for stored in reports:
        history = {rule.watch: stored.earlier}
        if any(t.rule.id == rule.id for t in evaluate([rule], stored.report, history)):
            fired.append(Firing(stored.patient_id, stored.report.at, stored.report.source))
    return fired


def what_if(
    user: User,
    *,
    programme: Programme,
    rule: AlertRule,
    new_value: float | None,
    unit_id: object = None,
    until: dt.datetime | None = None,
) -> WhatIf:
    """How many alerts `rule` would have raised over the last 90 days with its number
    (at_least, at_most or by_at_least) set to `new_value`, against how many it raises with
    its current number (recomputed the same way, and counted from the alerts stored), and
    which alerts that led to action would have been missed.

    Each stored report that carried the watched value (`stored_reports`) runs through the
    real evaluator with a copy of the rule (`dataclasses.replace`). One open alert per
    rule and patient is approximated (`load_figures.alerts_opened`): a firing while an
    earlier alert of the rule for the patient was not yet closed attaches to it; an alert
    closes when the real alert of the same report closed, else after the median time the
    rule's real alerts stayed open (else its response-time target).

    Clinicians see the alert id and the patient's local id of a missed alert only for
    patients they may see (each such alert read is audited); QI leads see no identifiers.
    """
    field = number_field(rule)
    if field is None:
        raise ValueError(f"no what-if for a {rule.kind} rule")
    units = tuple(chosen_units(user, unit_id))
    since, until = period(WHAT_IF_DAYS, until)
    patients = (
        enrolments_in([u.pk for u in units], since, until)
        .filter(programme__code=programme.code)
        .values("patient_id")
    )
    reports = stored_reports(rule, patients, since, until)

    alerts = list(
        Alert.objects.filter(
            Q(closed_at__isnull=True) | Q(closed_at__gte=since),
            unit_id__in=[u.pk for u in units],
            programme_code=programme.code,
            rule_id=rule.id,
            opened_at__lt=until,
        ).values("pk", "patient_id", "opened_at", "closed_at", "status", "action", "severity")
    )
    sources: dict[int, list[str]] = defaultdict(list)
    for alert_id, source in AlertTrigger.objects.filter(
        alert_id__in=[a["pk"] for a in alerts]
    ).values_list("alert_id", "source"):
        sources[alert_id].append(source)
    closed_at = {s: a["closed_at"] for a in alerts for s in sources[a["pk"]]}
    open_at_start = {a["patient_id"]: a["closed_at"] for a in alerts if a["opened_at"] < since}
    lifetimes = [a["closed_at"] - a["opened_at"] for a in alerts if a["closed_at"] is not None]
    hours = median_hours(lifetimes)
    stays_open = dt.timedelta(hours=hours if hours is not None else rule.respond_within_hours)

    def opened(fired: list[Firing]) -> int:
        return len(
            alerts_opened(
                fired, closed_at=closed_at, stays_open=stays_open, open_at_start=open_at_start
            )
        )

    fired_now = firings_of(rule, reports)
    in_period = [a for a in alerts if a["opened_at"] >= since]
    actioned = [
        a
        for a in in_period
        if a["status"] != AlertStatus.CLOSED or a["action"] != AlertAction.NO_ACTION
    ]
    fired_new: list[Firing] | None = None
    lost: list[dict] = []
    if new_value is not None:
        fired_new = firings_of(replace(rule, **{field: float(new_value)}), reports)
        lost_ids = set(
            missed({a["pk"]: sources[a["pk"]] for a in actioned}, [f.source for f in fired_new])
        )
        lost = [a for a in actioned if a["pk"] in lost_ids]
    result = WhatIf(
        programme=programme,
        rule=rule,
        number_field=field,
        current_value=getattr(rule, field),
        new_value=new_value,
        since=since,
        until=until,
        units=units,
        reports=len(reports),
        fired_now=len(fired_now),
        alerts_now=opened(fired_now),
        alerts_actual=len(in_period),
        actioned=len(actioned),
        fired_new=None if fired_new is None else len(fired_new),
        alerts_new=None if fired_new is None else opened(fired_new),
        missed=tuple(_missed_rows(user, lost, programme.code, rule.id)),
    )
    audit_record(
        actor=user,
        action=AuditAction.READ,
        entity_type="AlertWhatIf",
        entity_id=f"{programme.code}/{rule.id}",
        purpose="alert-what-if",
        detail={
            "units": [u.pk for u in units],
            "value": new_value,
            "reports": len(reports),
            "missed": len(lost),
        },
    )
    return result


def _missed_rows(
    user: User, lost: list[dict], programme_code: str, rule_id: str
) -> list[MissedAlert]:
    local_ids: dict[int, str] = {}
    visible = patients_visible_q(user) if user.role == Role.CLINICIAN else None
    if visible is not None and lost:
        local_ids = dict(
            Patient.objects.filter(visible, pk__in={a["patient_id"] for a in lost}).values_list(
                "pk", "local_id"
            )
        )
    rows = []
    for alert in sorted(lost, key=lambda a: (a["opened_at"], a["pk"])):
        shown = alert["patient_id"] in local_ids
        if shown:
            audit_record(
                actor=user,
                action=AuditAction.READ,
                entity_type="Alert",
                entity_id=alert["pk"],
                patient_id=alert["patient_id"],
                purpose="alert-what-if",
                detail={"rule": f"{programme_code}/{rule_id}"},
            )
        rows.append(
            MissedAlert(
                alert_id=alert["pk"] if shown else None,
                patient_local_id=local_ids.get(alert["patient_id"], ""),
                opened_at=alert["opened_at"],
                severity=alert["severity"],
                status=alert["status"],
                action=alert["action"] if alert["status"] == AlertStatus.CLOSED else "",
            )
        )
    return rows

"""The read path for alerts: a clinician's queue, and one alert with why it fired.

A clinician sees the alerts held by the units they work in today and the alerts of
patients whose care team they are on, within their network. Every read is audited as a
read of patient data; a forbidden id and a missing id give the same denial.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied
from django.db.models import (
    Case,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.timesince import timesince
from django.utils.translation import gettext as _

from coproduce import charts
from coproduce.access.policy import staff_unit_ids
from coproduce.accounts.models import Role, User
from coproduce.alerts.models import Alert, AlertStatus, AlertTrigger, Severity, UnitAlertSettings
from coproduce.alerts.outcomes import alert_outcome_words, time_words, zone_of
from coproduce.careplans.trends import band_legend, measure_name, quantity_for, score_meanings
from coproduce.careplans.words import band_of
from coproduce.core.audit import AuditAction, AuditOutcome, audit_record
from coproduce.core.clock import now
from coproduce.core.ids import as_pk
from coproduce.observations.models import Observation
from coproduce.patients.models import CareTeamMember
from coproduce.questionnaires.form import FormItem, QuestionnaireForm
from coproduce.questionnaires.models import QuestionnaireResponse
from coproduce.scoring import UnknownInstrument, instrument

QUEUE_STATUSES = {
    "active": (AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED),
    "closed": (AlertStatus.CLOSED,),
}
QUEUE_LIMIT = 200  # rows on one queue page; a unit with more has a bigger problem
TRIGGERS_SHOWN = 10  # the newest triggers of one alert, with their answers
TREND_VALUES = 12  # values of the watched measure drawn on the alert page
SEVERITY_RANK = Case(
    When(severity=Severity.URGENT, then=Value(0)),
    When(severity=Severity.HIGH, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)
# What each severity looks like in the queue: a word and a shape (never colour alone).
SEVERITY_SHAPES = {Severity.URGENT: "▲", Severity.HIGH: "◆", Severity.ROUTINE: "●"}
MEASURED_SOURCES = ("patient", "device", "clinician")


def alerts_visible_to(user: User) -> QuerySet[Alert]:
    """Alerts `user` may see: clinicians only, their units' alerts, the alerts of patients
    whose care team they are on, and alerts escalated to them as a unit's named next
    responder, in their own network. Not audited by itself."""
    if not user.is_authenticated or not user.is_active or user.role != Role.CLINICIAN:
        return Alert.objects.none()
    on_care_team = CareTeamMember.objects.filter(
        care_team__patient_id=OuterRef("patient_id"), user=user, removed_at__isnull=True
    )
    next_responder_here = UnitAlertSettings.objects.filter(
        unit_id=OuterRef("unit_id"), next_responder=user
    )
    return Alert.objects.filter(
        Q(unit_id__in=staff_unit_ids(user))
        | Q(Exists(on_care_team))
        | (Q(escalation_level__gte=1) & Q(Exists(next_responder_here))),
        patient__network_id=user.network_id,
    )


def visible_alert(user: User, alert_id: object, *, purpose: str) -> Alert:
    """The alert with `alert_id` if `user` may see it (patient, unit and claimer loaded);
    raises PermissionDenied, audited, for a forbidden or missing id alike."""
    pk = as_pk(alert_id)
    alert = None
    if pk is not None:
        alert = (
            alerts_visible_to(user)
            .select_related("patient", "unit", "claimed_by", "acknowledged_by", "closed_by")
            .filter(pk=pk)
            .first()
        )
    if alert is None:
        audit_record(
            actor=user,
            action=AuditAction.READ,
            outcome=AuditOutcome.DENIED,
            entity_type="Alert",
            entity_id=str(alert_id)[:64],
            purpose=purpose,
        )
        raise PermissionDenied(_("You do not have access to this alert."))
    return alert


# --- Words shared by the queue and the alert page -----------------------------------------------


def severity_shape(severity: str) -> str:
    return SEVERITY_SHAPES.get(severity, "●")


def overdue_words(alert: Alert, at: dt.datetime, zone: ZoneInfo) -> str:
    """'Overdue by 2 hours' or 'Respond by 14:00 on 3 March' (nothing once closed)."""
    if alert.status == AlertStatus.CLOSED:
        return ""
    if alert.respond_by < at:
        return _("Overdue by %(time)s") % {"time": timesince(alert.respond_by, at, depth=1)}
    return _("Respond by %(when)s") % {"when": time_words(alert.respond_by, zone)}


def escalation_words(level: int) -> str:
    return {
        1: _("Escalated to the next responder"),
        2: _("Escalated to the unit lead"),
    }.get(level, "")


def claim_words(alert: Alert, zone: ZoneInfo) -> str:
    """'Sam Nurse since 10:42 on 3 March', or '' when nobody has claimed it."""
    if alert.claimed_by is None or alert.claimed_at is None:
        return ""
    return _("%(name)s since %(when)s") % {
        "name": alert.claimed_by.display_name,
        "when": time_words(alert.claimed_at, zone),
    }


# --- The queue ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueRow:
    """One alert in the queue, with everything the row says."""

    alert: Alert
    patient_name: str
    reason: str
    severity_shape: str
    opened: str
    open_for: str
    overdue: bool
    due_words: str
    escalation: str
    claimed_by: str
    closed: str


def alerts_queue(
    user: User, *, unit_id: int | None = None, status: str = "active"
) -> list[QueueRow]:
    """The clinician's alerts: "active" (open and acknowledged) sorted by severity (urgent,
    high, routine) then age (oldest first), or "closed" (most recently closed first).
    `unit_id` narrows it to one unit. Two queries and one audit event, however many rows."""
    statuses = QUEUE_STATUSES.get(status, QUEUE_STATUSES["active"])
    latest_reason = (
        AlertTrigger.objects.filter(alert_id=OuterRef("pk"))
        .order_by("-triggered_at", "-pk")
        .values("reason")[:1]
    )
    alerts = (
        alerts_visible_to(user)
        .filter(status__in=statuses)
        .select_related("patient", "unit", "claimed_by")
        .annotate(severity_rank=SEVERITY_RANK, latest_reason=Subquery(latest_reason))
    )
    if unit_id is not None:
        alerts = alerts.filter(unit_id=unit_id)
    if status == "closed":
        alerts = alerts.order_by("-closed_at", "-pk")
    else:
        alerts = alerts.order_by("severity_rank", "opened_at", "pk")
    found = list(alerts[:QUEUE_LIMIT])
    audit_record(
        actor=user,
        action=AuditAction.SEARCH,
        entity_type="Alert",
        purpose="alert-queue",
        detail={
            "status": status,
            "unit": unit_id,
            "alert_ids": [a.pk for a in found],
            "patient_ids": sorted({a.patient_id for a in found}),
        },
    )
    at = now()
    return [queue_row(alert, at) for alert in found]


def queue_row(alert: Alert, at: dt.datetime) -> QueueRow:
    zone = zone_of(alert)
    return QueueRow(
        alert=alert,
        patient_name=alert.patient.full_name,
        reason=getattr(alert, "latest_reason", "") or "",
        severity_shape=severity_shape(alert.severity),
        opened=time_words(alert.opened_at, zone),
        open_for=timesince(alert.opened_at, alert.closed_at or at, depth=2),
        overdue=alert.status != AlertStatus.CLOSED and alert.respond_by < at,
        due_words=overdue_words(alert, at, zone),
        escalation=escalation_words(alert.escalation_level),
        claimed_by=claim_words(alert, zone),
        closed=time_words(alert.closed_at, zone) if alert.closed_at else "",
    )


def open_alert_count(user: User) -> int:
    """How many alerts are open (not yet acknowledged) for the clinician: for a count
    beside the navigation link. One query; not audited (a number, no patient data)."""
    return alerts_visible_to(user).filter(status=AlertStatus.OPEN).count()


# --- One alert, and why it fired -----------------------------------------------------------------


@dataclass(frozen=True)
class AnswerRow:
    """One answer of the response that fired the alert, with its score."""

    question: str
    answer: str
    score: str
    watched: bool  # the item the rule looks at


@dataclass(frozen=True)
class ResponseView:
    """The questionnaire answers behind a trigger."""

    title: str
    when: str
    scores: tuple[tuple[str, str], ...]  # (score title, value with its band)
    answers: tuple[AnswerRow, ...]  # the questions answered, in the form's order
    unanswered: int = 0  # questions not asked (conditions) or left out


@dataclass(frozen=True)
class TriggerView:
    trigger: AlertTrigger
    when: str
    source_words: str
    values: tuple[tuple[str, str], ...]
    response: ResponseView | None


@dataclass(frozen=True)
class TrendRow:
    when: str
    value: str
    band: str
    fired: bool  # this value's report fired the alert


@dataclass(frozen=True)
class TrendView:
    """The watched value over the patient's last reports: an SVG chart and its table."""

    name: str
    chart: charts.TrendChart
    rows: tuple[TrendRow, ...]  # newest first
    bands: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class AlertView:
    """One alert as the clinician's alert page shows it."""

    alert: Alert
    row: QueueRow
    triggers: tuple[TriggerView, ...]
    trend: TrendView | None
    acknowledged: str  # "Sam Nurse at 10:42 on 3 March", or ""
    closed: str
    outcome_for_patient: str

    @property
    def patient(self):
        return self.alert.patient

    @property
    def more_triggers(self) -> int:
        return max(self.alert.trigger_count - len(self.triggers), 0)


def alert_for_user(user: User, alert_id: object) -> AlertView:
    """One alert the clinician may see, with its triggers, the answers behind them and the
    trend of the watched value. Raises PermissionDenied (audited) otherwise; the read is
    audited as a read of the patient's data."""
    alert = visible_alert(user, alert_id, purpose="alert")
    zone = zone_of(alert)
    triggers = list(alert.triggers.order_by("-triggered_at", "-pk")[:TRIGGERS_SHOWN])
    responses = responses_of(alert, triggers)
    at = now()
    trigger_views = tuple(
        TriggerView(
            trigger=t,
            when=time_words(t.triggered_at, zone),
            source_words=source_words(t.source),
            values=value_rows(t.values),
            response=response_view(responses.get(t.source), alert, zone),
        )
        for t in triggers
    )
    trend = trend_of(alert, zone, fired={t.source for t in triggers})
    audit_record(
        actor=user,
        action=AuditAction.READ,
        entity_type="Alert",
        entity_id=alert.pk,
        patient_id=alert.patient_id,
        purpose="alert",
        detail={"response_ids": sorted(r.pk for r in responses.values())},
    )
    return AlertView(
        alert=alert,
        row=queue_row(alert, at),
        triggers=trigger_views,
        trend=trend,
        acknowledged=person_at(alert.acknowledged_by, alert.acknowledged_at, zone),
        closed=person_at(alert.closed_by, alert.closed_at, zone),
        outcome_for_patient=alert_outcome_words(alert),
    )


def person_at(person: User | None, at: dt.datetime | None, zone: ZoneInfo) -> str:
    if person is None or at is None:
        return ""
    return _("%(name)s at %(when)s") % {"name": person.display_name, "when": time_words(at, zone)}


def source_words(source: str) -> str:
    kind, _sep, rest = source.partition("/")
    if kind == "QuestionnaireResponse":
        return _("A questionnaire the patient sent")
    if kind == "Observation":
        return _("A home measurement")
    if kind == "DialysisSession":
        return _("A self-dialysis session")
    if kind == "missing":
        return _("No report since %(day)s") % {"day": rest}
    return source


def value_rows(values: Mapping[str, object]) -> tuple[tuple[str, str], ...]:
    """A trigger's numbers as (name, value) rows, keys in words where they are watch keys."""
    rows = []
    for key, value in values.items():
        name = str(key).replace("_", " ")
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, list | tuple):
            value = ", ".join(str(v) for v in value)
        rows.append((name, str(value)))
    return tuple(rows)


def responses_of(
    alert: Alert, triggers: Sequence[AlertTrigger]
) -> dict[str, QuestionnaireResponse]:
    """The questionnaire responses behind the triggers (the alert's patient's only)."""
    ids = []
    for trigger in triggers:
        kind, _sep, rest = trigger.source.partition("/")
        if kind == "QuestionnaireResponse" and rest.isdigit():
            ids.append(int(rest))
    if not ids:
        return {}
    rows = QuestionnaireResponse.objects.filter(
        pk__in=ids, patient_id=alert.patient_id
    ).select_related("definition")
    return {f"QuestionnaireResponse/{r.pk}": r for r in rows}


def watched(alert: Alert) -> tuple[str, str]:
    """(kind, name) of what the alert's rule watches: ("item", "phq-9/9"), ("score",
    "pro-ctcae/highest-grade"), ("code", "loinc:8310-5") or ("", "")."""
    kind, _sep, name = str((alert.rule or {}).get("watch", "")).partition(":")
    return kind, name


def number(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:g}"


def answer_text(item: FormItem, value: object) -> tuple[str, str]:
    """(answer in words, its score) for one stored answer."""
    if value is None:
        return _("Not answered"), ""
    if item.kind == "choice":
        option = item.option(str(value))
        if option is None:
            return str(value), ""
        return option.display or option.code, number(option.weight)
    if item.kind == "boolean":
        return (_("Yes") if value else _("No")), ""
    text = number(value) if isinstance(value, int | float) else str(value)
    return (f"{text} {item.unit}".strip() if item.unit else text), ""


def response_view(
    response: QuestionnaireResponse | None, alert: Alert, zone: ZoneInfo
) -> ResponseView | None:
    if response is None:
        return None
    definition = response.definition
    form = QuestionnaireForm.from_json(definition.form)
    kind, name = watched(alert)
    watched_item = name.partition("/")[2] if kind == "item" else ""
    answers = []
    given = response.answers or {}
    for item in form.questions:
        if given.get(item.link_id) is None:
            continue  # not asked (a condition hid it) or left out
        words, score = answer_text(item, given[item.link_id])
        answers.append(
            AnswerRow(
                question=item.text or item.link_id,
                answer=words,
                score=score,
                watched=item.link_id == watched_item,
            )
        )
    return ResponseView(
        title=definition.title,
        when=time_words(response.authored_at, zone),
        scores=score_rows(definition.instrument_code, response.score or {}),
        answers=tuple(answers),
        unanswered=len(form.questions) - len(answers),
    )


def score_rows(instrument_code: str, score: Mapping) -> tuple[tuple[str, str], ...]:
    try:
        spec = instrument(instrument_code)
    except UnknownInstrument:
        spec = None
    values = dict(score.get("scores") or {})
    if not values and score.get("total") is not None:
        values = {"total": score["total"]}
    rows = []
    for name, value in values.items():
        score_spec = spec.score_spec(name) if spec is not None else None
        title = score_spec.title if score_spec is not None else name.replace("-", " ")
        shown = _("not worked out") if value is None else number(float(value))
        if score_spec is not None and score_spec.bands and value is not None:
            band = band_of(score_spec.bands, float(value))
            shown = f"{shown} ({band})" if band else shown
        rows.append((title, shown))
    return tuple(rows)


# --- The trend of the watched value -----------------------------------------------------------


@dataclass(frozen=True)
class Series:
    name: str
    points: tuple[tuple[dt.datetime, float, str], ...]  # (when, value, source), oldest first
    code: str = ""
    score_spec: object | None = None
    floor: float | None = None  # an item's lowest and highest option score
    ceiling: float | None = None


def series_of(alert: Alert) -> Series | None:
    """The last TREND_VALUES values of what the rule watches, from the patient's own
    reports: a score or a measurement from stored observations, an item from the
    questionnaire responses."""
    kind, name = watched(alert)
    if kind == "score":
        instrument_code, _sep, score_name = name.partition("/")
        try:
            spec = instrument(instrument_code)
        except UnknownInstrument:
            return None
        code = spec.score_code(score_name)
        return observation_series(alert, code, spec.score_spec(score_name))
    if kind == "code":
        return observation_series(alert, name, None)
    if kind == "item":
        return item_series(alert, *name.partition("/")[::2])
    return None


def observation_series(alert: Alert, code: str, score_spec) -> Series:
    rows = (
        Observation.objects.filter(
            patient_id=alert.patient_id,
            code=code,
            is_current=True,
            source__in=MEASURED_SOURCES,
            value_quantity__isnull=False,
            effective_at__lte=now(),
        )
        .order_by("-effective_at", "-pk")
        .values_list("effective_at", "value_quantity", "derived_from", "pk")[:TREND_VALUES]
    )
    points = tuple(
        (at, float(value), derived or f"Observation/{pk}")
        for at, value, derived, pk in reversed(list(rows))
    )
    meaning = score_meanings().get(code)
    spec = score_spec or (meaning.spec if meaning is not None else None)
    return Series(name=measure_name(code), points=points, code=code, score_spec=spec)


def item_series(alert: Alert, instrument_code: str, link_id: str) -> Series:
    responses = list(
        QuestionnaireResponse.objects.filter(
            patient_id=alert.patient_id,
            status="completed",
            reporter="patient",
            definition__instrument_code=instrument_code,
        )
        .select_related("definition")
        .order_by("-authored_at", "-pk")[:TREND_VALUES]
    )
    forms: dict[int, QuestionnaireForm] = {}
    points = []
    title = ""
    weights: set[float] = set()
    for response in reversed(responses):
        form = forms.get(response.definition_id)
        if form is None:
            form = forms[response.definition_id] = QuestionnaireForm.from_json(
                response.definition.form
            )
        item = form.item(link_id)
        value = (response.answers or {}).get(link_id)
        if item is None or value is None:
            continue
        title = title or item.text
        weights.update(o.weight for o in item.options if o.weight is not None)
        option = item.option(str(value)) if item.kind == "choice" else None
        weight = option.weight if option is not None else value
        if isinstance(weight, int | float) and not isinstance(weight, bool):
            points.append(
                (response.authored_at, float(weight), f"QuestionnaireResponse/{response.pk}")
            )
    name = _("Question %(item)s: %(text)s") % {"item": link_id, "text": title} if title else link_id
    return Series(
        name=name,
        points=tuple(points),
        floor=min(weights, default=None),
        ceiling=max(weights, default=None),
    )


def trend_of(alert: Alert, zone: ZoneInfo, *, fired: set[str]) -> TrendView | None:
    series = series_of(alert)
    if series is None or not series.points:
        return None
    spec = series.score_spec
    quantity = quantity_for(series.code) if series.code else None
    end = timezone.localtime(now(), zone)
    first = timezone.localtime(series.points[0][0], zone)
    start = min(first, end - dt.timedelta(days=14))
    bands = ()
    if spec is not None and spec.bands:
        bands = tuple(
            charts.Band(
                lower,
                spec.bands[i + 1][0] if i + 1 < len(spec.bands) else None,
                band_of(spec.bands, lower),
            )
            for i, (lower, _label) in enumerate(spec.bands)
        )

    def shown(value: float) -> str:
        return quantity.value(value) if quantity is not None else number(value)

    values = [v for _at, v, _s in series.points]
    description = _(
        "%(name)s: %(count)s values from %(first)s to %(last)s; the latest is %(latest)s."
    ) % {
        "name": series.name,
        "count": len(values),
        "first": date_format(first, "j M Y"),
        "last": date_format(timezone.localtime(series.points[-1][0], zone), "j M Y"),
        "latest": shown(values[-1]),
    }
    chart = charts.trend_chart(
        charts.ChartSpec(
            key="alert-trend",
            title=series.name,
            description=str(description),
            points=tuple(charts.Point(at, value) for at, value, _s in series.points),
            start=start,
            end=end,
            floor=getattr(spec, "minimum", series.floor),
            ceiling=getattr(spec, "maximum", series.ceiling),
            bands=bands,
        )
    )
    rows = tuple(
        TrendRow(
            when=date_format(timezone.localtime(at, zone), "j M Y, H:i"),
            value=shown(value),
            band=band_of(spec.bands, value) if spec is not None and spec.bands else "",
            fired=source in fired,
        )
        for at, value, source in reversed(series.points)
    )
    legend = band_legend(spec, quantity) if spec is not None and quantity is not None else ()
    return TrendView(name=series.name, chart=chart, rows=rows, bands=legend)

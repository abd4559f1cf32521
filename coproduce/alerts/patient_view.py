"""What the patient (or a carer) is told about alerts raised on their reports: what happens
next, at once after sending a report, and the list of messages about their reports.

Patient-facing words only: no rule titles, severities or clinical reasons. The advice
pieces come from `content/advice.toml` (reviewed content), filled with the unit's phone
numbers and the deadline in the patient's own time zone.
"""

from __future__ import annotations

import datetime as dt
import re
import string
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from coproduce.access.models import CarerScope
from coproduce.access.policy import PatientAccess
from coproduce.accounts.models import Role
from coproduce.alerts import advice as advice_content
from coproduce.alerts.models import (
    SEVERITY_ORDER,
    Alert,
    AlertAction,
    AlertStatus,
    AlertTrigger,
    Severity,
    UnitAlertSettings,
)
from coproduce.alerts.outcomes import alert_outcome_words
from coproduce.alerts.services import patient_rules
from coproduce.core.audit import AuditAction, audit_record
from coproduce.core.clock import now
from coproduce.reporting.preferences import preferences_in_force

# Shown when a unit has not set its phone numbers.
NO_PHONE = gettext_lazy("the number on your clinic letter")
FALLBACK_URGENT = "urgent-symptom"
FALLBACK_WAIT = "team-will-review"
MY_ALERTS_DAYS = 90
PHONE_PLACEHOLDERS = ("unit_phone", "out_of_hours_phone")
# "call 116 123", "call 999": the number after "call" becomes a tel: link.
CALL_NUMBER = re.compile(r"(?<=call )\+?\d[\d ]*\d")
REPORT_SOURCE = re.compile(r"^(QuestionnaireResponse|Observation|DialysisSession)/([1-9]\d{0,17})$")


# --- Pieces of text with phone links -------------------------------------------------------


@dataclass(frozen=True)
class Part:
    """A piece of a sentence; with `tel`, a phone number to link as tel:<tel>."""

    text: str
    tel: str = ""


@dataclass(frozen=True)
class Piece:
    """One advice piece as the patient sees it: a heading and its text in parts."""

    heading: str
    parts: tuple[Part, ...]

    @property
    def text(self) -> str:
        return "".join(part.text for part in self.parts)


@dataclass(frozen=True)
class UrgentHelp:
    """What to do now, with the crisis lines when the advice asks for them."""

    advice: Piece
    emergency: tuple[Part, ...] = ()
    crisis_lines: tuple[tuple[Part, ...], ...] = ()


@dataclass(frozen=True)
class NextSteps:
    """What happens next after one report, most severe first: urgent help, else when the
    team will respond; self-care advice for mild symptoms; `calm` when nothing was raised."""

    urgent: tuple[UrgentHelp, ...] = ()
    wait: Piece | None = None
    self_care: tuple[Piece, ...] = ()

    @property
    def calm(self) -> bool:
        return not (self.urgent or self.wait or self.self_care)


def tel_of(number: str) -> str:
    """The digits (and a leading +) of a phone number, for a tel: link."""
    return re.sub(r"[^\d+]", "", number)


def phone_part(number: str) -> Part:
    if not number or not tel_of(number):
        return Part(str(NO_PHONE))
    return Part(number, tel_of(number))


def with_call_links(sentence: str) -> tuple[Part, ...]:
    """A crisis line's sentence with each "call <number>" number as a link."""
    parts: list[Part] = []
    position = 0
    for match in CALL_NUMBER.finditer(sentence):
        parts.append(Part(sentence[position : match.start()]))
        parts.append(Part(match.group(), tel_of(match.group())))
        position = match.end()
    parts.append(Part(sentence[position:]))
    return tuple(part for part in parts if part.text)


def filled(piece: advice_content.Advice, values: dict[str, Part]) -> Piece:
    """The advice's text with its placeholders filled, phone numbers as links."""
    parts: list[Part] = []
    for literal, name, _spec, _conversion in string.Formatter().parse(piece.text):
        if literal:
            parts.append(Part(literal))
        if name:
            parts.append(values.get(name, Part("")))
    return Piece(piece.heading, tuple(p for p in parts if p.text))


# --- Times in the patient's words -------------------------------------------------------------


def patient_zone(access: PatientAccess) -> ZoneInfo:
    """The patient's own clock: the reminder time zone they chose, else their unit's."""
    return preferences_in_force(access.patient).zone


def deadline_words(at: dt.datetime, zone: ZoneInfo, reference: dt.datetime) -> str:
    """'16:00 today', '09:00 tomorrow', '16:00 on Monday 3 March' on the patient's clock."""
    local = at.astimezone(zone)
    days = (local.date() - reference.astimezone(zone).date()).days
    time = formats.date_format(local, "H:i")
    if days == 0:
        return _("%(time)s today") % {"time": time}
    if days == 1:
        return _("%(time)s tomorrow") % {"time": time}
    return _("%(time)s on %(day)s") % {"time": time, "day": formats.date_format(local, "l j F")}


def day_words(at: dt.datetime, zone: ZoneInfo) -> str:
    """'Monday 3 March' on the patient's clock (with the year when not this year's)."""
    local = at.astimezone(zone)
    same_year = local.year == now().astimezone(zone).year
    return formats.date_format(local, "l j F" if same_year else "l j F Y")


# --- What happens next after one report -------------------------------------------------------


def report_sources(
    *, response_id: int | None = None, observation_ids: Iterable[int] = (), session_id=None
) -> list[str]:
    """The trigger sources a report may have raised alerts under."""
    sources = [f"Observation/{pk}" for pk in observation_ids]
    if response_id is not None:
        sources.append(f"QuestionnaireResponse/{response_id}")
    if session_id is not None:
        sources.append(f"DialysisSession/{session_id}")
    return sources


def source_from_param(value: str) -> str | None:
    """A report source taken from a page's query ("Observation/34"), or None when it is not
    one: anything else is ignored, never looked up."""
    return value if REPORT_SOURCE.match(value or "") else None


def report_raised_alerts(access: PatientAccess, source: str) -> bool:
    """Whether the patient's report `source` raised (or added to) an alert."""
    return AlertTrigger.objects.filter(patient=access.patient, source=source).exists()


def unit_phones(unit_ids: Iterable[int]) -> dict[int, dict[str, Part]]:
    """Each unit's phone numbers to fill into advice (the clinic letter when none are set)."""
    unit_ids = set(unit_ids)
    rows = UnitAlertSettings.objects.filter(unit_id__in=unit_ids).values(
        "unit_id", "phone", "out_of_hours_phone"
    )
    found = {
        row["unit_id"]: {
            "unit_phone": phone_part(row["phone"]),
            # Out of hours, the unit's own number is better than none.
            "out_of_hours_phone": phone_part(row["out_of_hours_phone"] or row["phone"]),
        }
        for row in rows
    }
    none = {name: phone_part("") for name in PHONE_PLACEHOLDERS}
    return {unit_id: found.get(unit_id, none) for unit_id in unit_ids}


def urgent_help(piece: advice_content.Advice, values: dict[str, Part]) -> UrgentHelp:
    if not piece.show_crisis:
        return UrgentHelp(filled(piece, values))
    crisis = advice_content.crisis()
    return UrgentHelp(
        filled(piece, values),
        emergency=with_call_links(crisis.emergency),
        crisis_lines=tuple(with_call_links(line) for line in crisis.lines),
    )


def advice_of(key: str, kind: str, fallback: str) -> advice_content.Advice:
    """The advice piece a rule names, when it is of the kind wanted; else the fallback."""
    piece = advice_content.advice(key) if key else None
    if piece is None or piece.kind != kind:
        piece = advice_content.advice(fallback)
    assert piece is not None, fallback  # the content file ships the fallbacks
    return piece


def next_steps_for(access: PatientAccess, source: str | Iterable[str]) -> NextSteps:
    """What to tell the person who just sent a report: the alerts that report raised, most
    severe first, as advice in plain words (audited when there are any). Only the patient's
    own alerts are looked at, so a source of another patient's report finds nothing."""
    sources = [source] if isinstance(source, str) else list(source)
    triggers = sorted(
        AlertTrigger.objects.filter(patient=access.patient, source__in=sources).select_related(
            "alert"
        ),
        key=lambda t: (SEVERITY_ORDER.get(t.severity, 9), t.alert.respond_by, t.pk),
    )
    if not triggers:
        return NextSteps()
    audit_record(
        actor=access.user,
        action=AuditAction.READ,
        entity_type="Alert",
        entity_id=triggers[0].alert_id,
        patient_id=access.patient.pk,
        purpose="what-happens-next",
        detail={"alerts": sorted({t.alert_id for t in triggers})},
    )
    phones = unit_phones(t.alert.unit_id for t in triggers)
    zone = patient_zone(access)
    at = now()
    urgent: list[UrgentHelp] = []
    seen: set[str] = set()
    for trigger in triggers:
        if trigger.severity != Severity.URGENT:
            continue
        piece = advice_of(trigger.alert.rule.get("advice", ""), "urgent", FALLBACK_URGENT)
        if piece.key not in seen:
            seen.add(piece.key)
            urgent.append(urgent_help(piece, phones[trigger.alert.unit_id]))
    if urgent:
        return NextSteps(urgent=tuple(urgent))
    first = triggers[0]
    alert = first.alert
    values = dict(phones[alert.unit_id])
    wait_piece = advice_of(alert.rule.get("advice", ""), "wait", FALLBACK_WAIT)
    if alert.status == AlertStatus.OPEN and alert.respond_by > at:
        values["respond_by"] = Part(deadline_words(alert.respond_by, zone, at))
        wait = filled(wait_piece, values)
    else:
        wait = Piece(wait_piece.heading, (Part(outcome_words(alert, zone)),))
    self_care: list[Piece] = []
    for trigger in triggers:
        key = trigger.alert.rule.get("self_care", "")
        piece = advice_content.advice(key) if key else None
        if piece is not None and piece.kind == "self-care" and piece.key not in seen:
            seen.add(piece.key)
            self_care.append(filled(piece, phones[trigger.alert.unit_id]))
    return NextSteps(wait=wait, self_care=tuple(self_care))


# --- The contact question on the review page --------------------------------------------------

CONTACT_FIELD = "contact_requested"
CONTACT_VALUES = {"yes": True, "no": False, "": None}


def asks_contact_question(access: PatientAccess, reporter: str) -> bool:
    """Whether the review page asks "Do you want your care team to contact you about this
    report?": for the patient's own stream, filled in by the patient or a carer for them,
    when one of the patient's programmes has a contact-request rule."""
    if reporter != "patient" or access.as_role not in (Role.PATIENT, Role.CARER):
        return False
    return any(
        rule.kind == "contact-request"
        for programme in patient_rules(access.patient.pk)
        for rule in programme.rules
    )


class ContactAnswerInvalid(ValueError):
    pass


def contact_answer(raw: str | None) -> bool | None:
    """The answer to the contact question from a form: yes, no, or not answered (None).
    Raises ContactAnswerInvalid for anything else."""
    value = (raw or "").strip().lower()
    if value not in CONTACT_VALUES:
        raise ContactAnswerInvalid(_("Choose yes or no, or leave this question out."))
    return CONTACT_VALUES[value]


# --- Messages about my reports ----------------------------------------------------------------


def may_see_alerts(access: PatientAccess) -> bool:
    """The patient, and a carer who may see the patient's reports."""
    if access.as_role == Role.PATIENT:
        return True
    return access.as_role == Role.CARER and access.can(CarerScope.VIEW_REPORTS)


def care_team_phone(access: PatientAccess) -> Part | None:
    """The phone number of the patient's home unit for patients, when the unit has set one."""
    phone = (
        UnitAlertSettings.objects.filter(unit_id=access.patient.home_unit_id)
        .values_list("phone", flat=True)
        .first()
    )
    part = phone_part(phone or "")
    return part if part.tel else None


def messages_url(access: PatientAccess) -> str:
    """The "Messages about my reports" page for this user and patient ("" when they may not
    see it)."""
    from django.urls import reverse

    if access.as_role == Role.PATIENT:
        return reverse("alerts:mine")
    if may_see_alerts(access):
        return reverse("alerts:for_patient", kwargs={"patient_id": access.patient.pk})
    return ""


@dataclass(frozen=True)
class MyAlert:
    """One alert as the patient sees it: which report, when, and where it stands."""

    alert_id: int
    about: str  # "Your mood questionnaire (PHQ-9) sent on Monday 3 March"
    outcome: str  # "Your care team phoned you on 4 March."
    is_open: bool
    status_word: str  # a word, never colour alone: "Waiting", "Seen", "Done"


STATUS_WORDS = {
    AlertStatus.OPEN: gettext_lazy("Waiting for your care team"),
    AlertStatus.ACKNOWLEDGED: gettext_lazy("Seen by your care team"),
    AlertStatus.CLOSED: gettext_lazy("Done"),
}


def in_sentence(name: str) -> str:
    """A title inside a sentence: "mood questionnaire (PHQ-9)", but "PHQ-9" stays."""
    if len(name) > 1 and name[0].isupper() and name[1].islower():
        return name[0].lower() + name[1:]
    return name


def report_names(access: PatientAccess, sources: Iterable[str]) -> dict[str, str]:
    """A plain name for each report source: the questionnaire's name for patients, "home
    reading" or "dialysis session"."""
    from coproduce.questionnaires.models import QuestionnaireResponse
    from coproduce.reporting.selectors import instrument_titles

    response_ids = [
        int(s.partition("/")[2]) for s in sources if s.startswith("QuestionnaireResponse/")
    ]
    titles = instrument_titles()
    codes = dict(
        QuestionnaireResponse.objects.filter(
            patient=access.patient, pk__in=response_ids
        ).values_list("pk", "definition__instrument_code")
    )
    names = {}
    for source in sources:
        kind, _slash, pk = source.partition("/")
        if kind == "QuestionnaireResponse":
            code = codes.get(int(pk), "")
            names[source] = in_sentence(str(titles.get(code, "")) or _("questionnaire"))
        elif kind == "DialysisSession":
            names[source] = _("dialysis session")
        else:
            names[source] = _("home reading")
    return names


def missing_since(source: str) -> dt.date | None:
    """The day of the last report named by a missing-report trigger ("missing/2026-11-20")."""
    try:
        return dt.date.fromisoformat(source.partition("/")[2])
    except ValueError:
        return None


def about_words(first: AlertTrigger, name: str, later: int, zone: ZoneInfo, is_own: bool) -> str:
    """Which report the alert is about: "Your mood questionnaire (PHQ-9) from Monday 3
    March and 1 later report", or, for a missing report, since when."""
    if first.source.startswith("missing/"):
        since = missing_since(first.source)
        if since is None:
            return _("No report for a while")
        noon = dt.datetime.combine(since, dt.time(12), tzinfo=zone)
        return _("No report since %(day)s") % {"day": day_words(noon, zone)}
    day = day_words(first.triggered_at, zone)
    if is_own:
        sentence = _("Your %(report)s from %(day)s") % {"report": name, "day": day}
    else:
        sentence = _("The %(report)s from %(day)s") % {"report": name, "day": day}
    if later:
        sentence += ngettext(" and %(n)d later report", " and %(n)d later reports", later) % {
            "n": later
        }
    return sentence


def outcome_words(alert: Alert, zone: ZoneInfo) -> str:
    """Where the report stands with the care team (`alert_outcome_words`), except that "no
    change was needed" never quotes the clinician's reason: it may hold clinical words."""
    if alert.status == AlertStatus.CLOSED and alert.action == AlertAction.NO_ACTION:
        return _("Your care team looked at this on %(day)s and no change was needed.") % {
            "day": day_words(alert.closed_at or now(), zone)
        }
    return alert_outcome_words(alert)


def alerts_for_patient(access: PatientAccess, *, days: int = MY_ALERTS_DAYS) -> list[MyAlert]:
    """The patient's alerts of the last `days` days, newest first, in plain words (audited).
    Raises PermissionDenied for a carer who may not see the patient's reports."""
    if not may_see_alerts(access):
        raise PermissionDenied(_("You cannot see messages about this person's reports."))
    since = now() - dt.timedelta(days=days)
    alerts = list(
        Alert.objects.filter(patient=access.patient)
        .filter(Q(last_triggered_at__gte=since) | Q(closed_at__gte=since))
        .select_related("unit")
        .order_by("-last_triggered_at", "-pk")
    )
    triggers: dict[int, list[AlertTrigger]] = {}
    for trigger in AlertTrigger.objects.filter(
        patient=access.patient, alert__in=[a.pk for a in alerts]
    ).order_by("triggered_at", "pk"):
        triggers.setdefault(trigger.alert_id, []).append(trigger)
    audit_record(
        actor=access.user,
        action=AuditAction.SEARCH,
        entity_type="Alert",
        patient_id=access.patient.pk,
        purpose="my-alerts",
        detail={"alerts": [a.pk for a in alerts]},
    )
    firsts = {a.pk: triggers[a.pk][0] for a in alerts if triggers.get(a.pk)}
    names = report_names(access, {t.source for t in firsts.values()})
    zone = patient_zone(access)
    rows = []
    for alert in alerts:
        first = firsts.get(alert.pk)
        if first is None:
            continue
        rows.append(
            MyAlert(
                alert_id=alert.pk,
                about=about_words(
                    first,
                    names.get(first.source, ""),
                    len(triggers[alert.pk]) - 1,
                    zone,
                    access.as_role == Role.PATIENT,
                ),
                outcome=outcome_words(alert, zone),
                is_open=alert.status != AlertStatus.CLOSED,
                status_word=str(STATUS_WORDS.get(alert.status, "")),
            )
        )
    return rows

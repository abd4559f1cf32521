"""Plain words about a series and a goal: what the latest value means, how it changed, and
how far a goal is. Presentation only; nothing here reads the database."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from coproduce.careplans.models import Goal, GoalDirection
from coproduce.observations.catalogue import unit_words

LOWER_IS_BETTER = "lower-is-better"
HIGHER_IS_BETTER = "higher-is-better"
IN_RANGE = "in-range"


@dataclass(frozen=True)
class Quantity:
    """How to write values of one code: decimals and unit ('' or '{score}' for scores)."""

    decimals: int
    unit: str

    @property
    def is_score(self) -> bool:
        return not unit_words(self.unit)

    def number(self, value: float) -> str:
        text = f"{value:.{self.decimals}f}"
        return "0" if float(text) == 0 else text

    def value(self, value: float) -> str:
        """'8', '72.5 kg', '96%'."""
        number = self.number(value)
        unit = unit_words(self.unit)
        if not unit:
            return number
        if unit == "%":
            return f"{number}%"
        return f"{number} {unit}"

    def amount(self, difference: float) -> str:
        """A change as an amount: '3 points', '1.5 kg'."""
        size = abs(difference)
        if self.is_score:
            number = self.number(size)
            return ngettext("%(n)s point", "%(n)s points", 1 if number == "1" else 2) % {
                "n": number
            }
        return self.value(size)


def in_sentence(name: str) -> str:
    """'Systolic blood pressure' → 'systolic blood pressure'; 'PHQ-9 total score' and
    'FEV1 z-score' keep their capitals (an abbreviation starts them)."""
    if len(name) > 1 and name[0].isupper() and name[1].islower():
        return name[0].lower() + name[1:]
    return name


def band_words(label: str) -> str:
    """'none-minimal' → 'none minimal'."""
    return label.replace("-", " ").replace("_", " ")


def band_of(bands: tuple[tuple[float, str], ...], value: float) -> str:
    """The published band a value falls in (bands are lower bounds, increasing)."""
    found = ""
    for lower, label in bands:
        if value >= lower:
            found = label
    return band_words(found)


def when_words(at: dt.datetime, zone: ZoneInfo, today: dt.date) -> str:
    local = timezone.localtime(at, zone).date()
    if local.year == today.year:
        return date_format(local, "j F")
    return date_format(local, "j F Y")


@dataclass(frozen=True)
class TrendWords:
    """The sentence under a chart, and whether the last change was for the better."""

    text: str
    change: str  # "better", "worse", "same", "changed" (no better direction) or "" (one value)


def judged(difference: float, direction: str) -> str:
    if difference == 0:
        return "same"
    if direction == LOWER_IS_BETTER:
        return "better" if difference < 0 else "worse"
    if direction == HIGHER_IS_BETTER:
        return "better" if difference > 0 else "worse"
    return "changed"


def trend_words(
    *,
    name: str,
    quantity: Quantity,
    latest: tuple[dt.datetime, float],
    previous: tuple[dt.datetime, float] | None,
    first: tuple[dt.datetime, float],
    band: str,
    direction: str,
    target_text: str,
    own_view: bool,
    zone: ZoneInfo,
    today: dt.date,
) -> TrendWords:
    """'Your PHQ-9 total score is 8 (mild). It went down 3 points since your last report on
    2 March and 9 points since you started in 2024. Lower is better.'

    `own_view` is the patient reading their own record ("your"); others read "the latest".
    """
    value = quantity.value(latest[1])
    band_text = f" ({band})" if band else ""
    if own_view:
        parts = [
            _("Your %(name)s is %(value)s%(band)s.")
            % {"name": in_sentence(name), "value": value, "band": band_text}
        ]
    else:
        # "Latest …: value" reads right for every name ("days of antibiotics" is plural).
        parts = [
            _("Latest %(name)s: %(value)s%(band)s.")
            % {"name": in_sentence(name), "value": value, "band": band_text}
        ]
    change = ""
    if previous is not None:
        since_last = round(latest[1] - previous[1], quantity.decimals)
        since_first = round(latest[1] - first[1], quantity.decimals)
        last_when = when_words(previous[0], zone, today)
        first_local = timezone.localtime(first[0], zone).date()
        start_when = (
            str(first_local.year)
            if first_local.year != today.year
            else date_format(first_local, "j F")
        )
        change = judged(since_last, direction)
        parts.append(
            change_sentence(since_last, since_first, quantity, last_when, start_when, own_view)
        )
        if change == "better":
            parts.append(_("That is better than last time."))
        elif change == "worse":
            parts.append(_("That is worse than last time."))
    if direction == LOWER_IS_BETTER:
        parts.append(_("Lower is better."))
    elif direction == HIGHER_IS_BETTER:
        parts.append(_("Higher is better."))
    if target_text:
        parts.append(_("Clinical target: %(target)s.") % {"target": target_text.rstrip(".")})
    return TrendWords(" ".join(parts), change)


def change_sentence(
    since_last: float,
    since_first: float,
    quantity: Quantity,
    last_when: str,
    start_when: str,
    own_view: bool,
) -> str:
    values = {
        "last": quantity.amount(since_last),
        "first": quantity.amount(since_first),
        "last_when": last_when,
        "start_when": start_when,
    }
    if own_view:
        last = {
            1: _("It went up %(last)s since your last report on %(last_when)s"),
            -1: _("It went down %(last)s since your last report on %(last_when)s"),
            0: _("It is the same as your last report on %(last_when)s"),
        }
        first = {
            1: _("up %(first)s since you started in %(start_when)s."),
            -1: _("down %(first)s since you started in %(start_when)s."),
            0: _("the same as when you started in %(start_when)s."),
        }
    else:
        last = {
            1: _("It went up %(last)s since the report before, on %(last_when)s"),
            -1: _("It went down %(last)s since the report before, on %(last_when)s"),
            0: _("It is the same as the report before, on %(last_when)s"),
        }
        first = {
            1: _("up %(first)s since the first report in %(start_when)s."),
            -1: _("down %(first)s since the first report in %(start_when)s."),
            0: _("the same as the first report in %(start_when)s."),
        }
    sign_last = (since_last > 0) - (since_last < 0)
    sign_first = (since_first > 0) - (since_first < 0)
    if sign_last == sign_first and sign_last != 0:
        # "It went down 3 points since … and 9 points since …"
        tail = _("and %(first)s since you started in %(start_when)s.")
        if not own_view:
            tail = _("and %(first)s since the first report in %(start_when)s.")
        return f"{last[sign_last] % values} {tail % values}"
    joiner = _("and")
    return f"{last[sign_last] % values}, {joiner} {first[sign_first] % values}"


# --- Goals ------------------------------------------------------------------------------------


def goal_target_words(goal: Goal, quantity: Quantity | None) -> str:
    """'at most 10', 'at least 80%', 'between 4 and 7 mmol/L', or ''."""
    if quantity is None or not goal.direction:
        return ""
    if goal.direction == GoalDirection.AT_MOST and goal.target_high is not None:
        return _("at most %(value)s") % {"value": quantity.value(goal.target_high)}
    if goal.direction == GoalDirection.AT_LEAST and goal.target_low is not None:
        return _("at least %(value)s") % {"value": quantity.value(goal.target_low)}
    if goal.target_low is not None and goal.target_high is not None:
        return _("between %(low)s and %(high)s") % {
            "low": quantity.number(goal.target_low),
            "high": quantity.value(goal.target_high),
        }
    return ""


def goal_progress_words(
    goal: Goal,
    *,
    quantity: Quantity | None,
    latest: tuple[dt.datetime, float] | None,
    zone: ZoneInfo,
    today: dt.date,
) -> str:
    """How the latest value stands against the goal, in words (never colour alone)."""
    if not goal.measure_code or quantity is None:
        return ""
    if latest is None:
        return _("There are no values for this measure yet.")
    at, value = latest
    values = {"value": quantity.value(value), "when": when_words(at, zone, today)}
    low, high = goal.target_low, goal.target_high
    if not goal.direction:
        return _("Latest value: %(value)s on %(when)s.") % values
    if high is not None and value > high:
        return _("Latest value: %(value)s on %(when)s. That is %(gap)s above the goal.") % {
            **values,
            "gap": quantity.amount(value - high),
        }
    if low is not None and value < low:
        return _("Latest value: %(value)s on %(when)s. That is %(gap)s below the goal.") % {
            **values,
            "gap": quantity.amount(low - value),
        }
    return _("Latest value: %(value)s on %(when)s. That meets the goal.") % values


def goal_date_words(goal: Goal, today: dt.date) -> str:
    if goal.target_date is None:
        return ""
    when = date_format(goal.target_date, "j F Y")
    if goal.target_date < today and goal.status == "active":
        return _("The date you chose, %(date)s, has passed.") % {"date": when}
    return _("By %(date)s.") % {"date": when}


def goal_achievement_words(
    goal: Goal,
    *,
    quantity: Quantity | None,
    latest: tuple[dt.datetime, float] | None,
    zone: ZoneInfo,
    today: dt.date,
) -> str:
    """Where a goal stands, in words: for an achieved or stopped goal, when and who said so;
    for an active goal with a number, 'Reached on 3 March: 1.8 kg' or 'Not yet: latest 2.6 kg
    on 3 March'. Empty for an active goal without a number or without values yet."""
    changed_at = goal.status_changed_at
    changer = goal.status_changed_by.display_name if goal.status_changed_by_id else ""
    when = when_words(changed_at, zone, today) if changed_at is not None else ""
    if goal.status == "achieved":
        if when and changer:
            return _("Achieved on %(when)s (marked by %(name)s).") % {
                "when": when,
                "name": changer,
            }
        return _("Achieved.")
    if goal.status == "stopped":
        if when and changer:
            return _("Stopped on %(when)s (by %(name)s).") % {"when": when, "name": changer}
        return _("Stopped.")
    if not goal.measure_code or quantity is None or not goal.direction:
        return ""
    if latest is None:
        return ""  # the progress words already say there are no values yet
    at, value = latest
    values = {"value": quantity.value(value), "when": when_words(at, zone, today)}
    low, high = goal.target_low, goal.target_high
    if (high is not None and value > high) or (low is not None and value < low):
        return _("Not yet: latest %(value)s on %(when)s.") % values
    return _("Reached on %(when)s: %(value)s.") % values

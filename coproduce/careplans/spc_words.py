"""Plain words about the I chart of one patient's own series (`own_spc`): a sentence for the
patient ("this looks like a real change, not everyday ups and downs") and another for the
clinician ("Special cause: 8 points in a row below the centre line (runs signal)"), the
chart's text alternative, and what the data table says of each signalling value.

Presentation only; nothing here reads the database. The better/worse words follow the
measure's direction (lower is better for PHQ-9); a measure kept in a range has none.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, ngettext_lazy

from coproduce.careplans.own_spc import ABOVE, BELOW, OwnSpc
from coproduce.careplans.words import HIGHER_IS_BETTER, LOWER_IS_BETTER, Quantity, when_words

# The patient's and the carer's words, chosen by (own view, "scores"/"readings", side).
RECENT_RUN = {
    (True, "scores", ABOVE): gettext_lazy(
        "Your last %(count)d scores are all higher than your usual level"
    ),
    (True, "scores", BELOW): gettext_lazy(
        "Your last %(count)d scores are all lower than your usual level"
    ),
    (True, "readings", ABOVE): gettext_lazy(
        "Your last %(count)d readings are all higher than your usual level"
    ),
    (True, "readings", BELOW): gettext_lazy(
        "Your last %(count)d readings are all lower than your usual level"
    ),
    (False, "scores", ABOVE): gettext_lazy(
        "The last %(count)d scores are all higher than the usual level"
    ),
    (False, "scores", BELOW): gettext_lazy(
        "The last %(count)d scores are all lower than the usual level"
    ),
    (False, "readings", ABOVE): gettext_lazy(
        "The last %(count)d readings are all higher than the usual level"
    ),
    (False, "readings", BELOW): gettext_lazy(
        "The last %(count)d readings are all lower than the usual level"
    ),
}
EARLIER_RUN = {
    (True, ABOVE): gettext_lazy(
        "From %(start)s to %(end)s, %(count)d values in a row were higher than your usual level"
    ),
    (True, BELOW): gettext_lazy(
        "From %(start)s to %(end)s, %(count)d values in a row were lower than your usual level"
    ),
    (False, ABOVE): gettext_lazy(
        "From %(start)s to %(end)s, %(count)d values in a row were higher than the usual level"
    ),
    (False, BELOW): gettext_lazy(
        "From %(start)s to %(end)s, %(count)d values in a row were lower than the usual level"
    ),
}
# Pluralised on "count" (how many values are outside the range).
OUTSIDE = {
    (True, ABOVE): ngettext_lazy(
        "One value was much higher than your usual range (%(values)s): more than everyday "
        "ups and downs.",
        "%(count)d values were much higher than your usual range (%(values)s): more than "
        "everyday ups and downs.",
        "count",
    ),
    (True, BELOW): ngettext_lazy(
        "One value was much lower than your usual range (%(values)s): more than everyday "
        "ups and downs.",
        "%(count)d values were much lower than your usual range (%(values)s): more than "
        "everyday ups and downs.",
        "count",
    ),
    (False, ABOVE): ngettext_lazy(
        "One value was much higher than the usual range (%(values)s): more than everyday "
        "ups and downs.",
        "%(count)d values were much higher than the usual range (%(values)s): more than "
        "everyday ups and downs.",
        "count",
    ),
    (False, BELOW): ngettext_lazy(
        "One value was much lower than the usual range (%(values)s): more than everyday "
        "ups and downs.",
        "%(count)d values were much lower than the usual range (%(values)s): more than "
        "everyday ups and downs.",
        "count",
    ),
}
COMMON = {
    (True, "scores"): gettext_lazy("Your scores go up and down, but no more than usual."),
    (True, "readings"): gettext_lazy("Your readings go up and down, but no more than usual."),
    (False, "scores"): gettext_lazy("The scores go up and down, but no more than usual."),
    (False, "readings"): gettext_lazy("The readings go up and down, but no more than usual."),
}


PATIENT, CARER, CLINICIAN = "patient", "carer", "clinician"
# Signal points named in a sentence: the newest few; the table and the chart show them all.
MAX_LISTED = 3


@dataclass(frozen=True)
class SpcWords:
    """`text`: the sentence under the chart; `description`: for the chart's text
    alternative; `signal`: True when the words report a special cause; `plain`: told in
    everyday words (patient, carer) rather than SPC terms (clinician)."""

    text: str
    description: str
    signal: bool
    plain: bool = True


def side_judged(side: int, direction: str) -> str:
    """'better', 'worse' or '' for values on `side` (ABOVE/BELOW) of the usual level."""
    if direction == LOWER_IS_BETTER:
        return "worse" if side == ABOVE else "better"
    if direction == HIGHER_IS_BETTER:
        return "better" if side == ABOVE else "worse"
    return ""


def _values(spc: OwnSpc, indices, quantity: Quantity, zone: ZoneInfo, today: dt.date) -> str:
    """'27 on 3 March, 25 on 5 March': the newest MAX_LISTED, then 'and 2 more'."""
    shown = list(indices)[-MAX_LISTED:]
    text = ", ".join(
        _("%(value)s on %(when)s")
        % {
            "value": quantity.value(spc.points[i].value),
            "when": when_words(spc.points[i].at, zone, today),
        }
        for i in shown
    )
    more = len(indices) - len(shown)
    if more:
        text += " " + ngettext("and %(n)d earlier", "and %(n)d earlier", more) % {"n": more}
    return text


def too_few_words(spc: OwnSpc, *, plain: bool) -> str:
    values = {"needed": spc.needed, "count": spc.count}
    if plain:
        return (
            ngettext(
                "Too few values to tell a real change from everyday ups and downs yet "
                "(%(needed)d needed, %(count)d so far).",
                "Too few values to tell a real change from everyday ups and downs yet "
                "(%(needed)d needed, %(count)d so far).",
                spc.count,
            )
            % values
        )
    return (
        ngettext(
            "No control limits yet: %(count)d value, at least %(needed)d needed for an I chart.",
            "No control limits yet: %(count)d values, at least %(needed)d needed for an I chart.",
            spc.count,
        )
        % values
    )


def patient_words(
    spc: OwnSpc,
    *,
    quantity: Quantity,
    direction: str,
    zone: ZoneInfo,
    today: dt.date,
    own: bool = True,
) -> str:
    """For the patient (`own`: "your") or a carer (`own` False: "the"): no statistics
    words, the usual level and range instead of centre line and limits."""
    kind = "scores" if quantity.is_score else "readings"
    parts = []
    run = spc.long_run
    if run is not None:
        values = {"count": run.length}
        if run.end == spc.count - 1:
            text = RECENT_RUN[(own, kind, run.side)]
        else:
            values |= {
                "start": when_words(spc.points[run.start].at, zone, today),
                "end": when_words(spc.points[run.end].at, zone, today),
            }
            text = EARLIER_RUN[(own, run.side)]
        parts.append(
            _("%(what)s: this looks like a real change, not everyday ups and downs.")
            % {"what": text % values}
        )
        judged = side_judged(run.side, direction)
        if judged == "better":
            parts.append(_("For this measure that is a change for the better."))
        elif judged == "worse":
            parts.append(
                _(
                    "For this measure that is a change for the worse: worth talking over "
                    "with the care team."
                )
            )
    elif spc.runs_signal:
        parts.append(
            _(
                "Your values have stayed above or below your usual level for longer than "
                "everyday ups and downs would: this looks like a real change."
            )
            if own
            else _(
                "The values have stayed above or below the usual level for longer than "
                "everyday ups and downs would: this looks like a real change."
            )
        )
    for side, all_indices in ((ABOVE, spc.above), (BELOW, spc.below)):
        # Values up to the end of the long run were told with it (those before it are the
        # old level, outside only because the centre line lies between the two levels).
        indices = [i for i in all_indices if run is None or i > run.end]
        if not indices:
            continue
        listed = {"values": _values(spc, indices, quantity, zone, today), "count": len(indices)}
        parts.append(OUTSIDE[(own, side)] % listed)
        if run is None or run.side != side:
            judged = side_judged(side, direction)
            if judged == "better":
                parts.append(_("For this measure that is better."))
            elif judged == "worse":
                parts.append(_("For this measure that is worse."))
    if not parts:
        return str(COMMON[(own, kind)])
    return " ".join(str(part) for part in parts)


def clinician_words(
    spc: OwnSpc, *, quantity: Quantity, direction: str, zone: ZoneInfo, today: dt.date
) -> str:
    """For the clinician: SPC terms, the run and the points, and which way is better."""
    findings = []
    judgement = ""
    run = spc.long_run
    if run is not None:
        values = {
            "count": run.length,
            "start": when_words(spc.points[run.start].at, zone, today),
            "end": when_words(spc.points[run.end].at, zone, today),
        }
        text = (
            _("%(count)d points in a row above the centre line, %(start)s to %(end)s (runs signal)")
            if run.side == ABOVE
            else _(
                "%(count)d points in a row below the centre line, %(start)s to %(end)s "
                "(runs signal)"
            )
        )
        findings.append(text % values)
        judgement = side_judged(run.side, direction)
    elif spc.runs_signal:
        findings.append(
            ngettext(
                "%(crossings)d crossing of the centre line, fewer than the %(minimum)d "
                "expected (runs signal)",
                "%(crossings)d crossings of the centre line, fewer than the %(minimum)d "
                "expected (runs signal)",
                spc.crossings or 0,
            )
            % {"crossings": spc.crossings, "minimum": spc.crossings_min}
        )
    outside = spc.outside
    if outside:
        findings.append(
            ngettext(
                "%(count)d point outside the control limits (%(values)s)",
                "%(count)d points outside the control limits (%(values)s)",
                len(outside),
            )
            % {"count": len(outside), "values": _values(spc, outside, quantity, zone, today)}
        )
    basis = _(
        "I chart of the last %(count)d values: centre line %(centre)s, control limits %(limits)s."
    ) % {
        "count": spc.count,
        "centre": finer(quantity).value(spc.centre),
        "limits": limits_words(spc, quantity),
    }
    if not findings:
        return f"{_('Common-cause variation only.')} {basis}"
    sides = {ABOVE for _i in spc.above} | {BELOW for _i in spc.below}
    if not judgement and run is None and len(sides) == 1:
        judgement = side_judged(sides.pop(), direction)
    words = [_("Special cause: %(findings)s.") % {"findings": "; ".join(findings)}]
    if judgement == "better":
        words.append(_("An improvement for this measure."))
    elif judgement == "worse":
        words.append(_("A deterioration for this measure."))
    return " ".join([*words, basis])


def finer(quantity: Quantity) -> Quantity:
    """A centre line and limits are written with one decimal more than the values (12.2
    for PHQ-9 totals), so two close lines never read as the same number."""
    return Quantity(decimals=quantity.decimals + 1, unit=quantity.unit)


def limits_words(spc: OwnSpc, quantity: Quantity) -> str:
    quantity = finer(quantity)
    if spc.lower is not None and spc.upper is not None:
        return _("%(low)s to %(high)s") % {
            "low": quantity.number(spc.lower),
            "high": quantity.value(spc.upper),
        }
    return _("none (the values do not vary)")


def description_words(
    spc: OwnSpc, *, quantity: Quantity, zone: ZoneInfo, today: dt.date, plain: bool
) -> str:
    """For the chart's text alternative: the lines and which points are signals."""
    lines = (
        _(
            "Dash-dot line: usual level, %(centre)s (average of the last %(count)d values). "
            "Short-dashed lines: usual range, %(limits)s."
        )
        if plain
        else _(
            "Dash-dot line: centre line, %(centre)s (mean of the last %(count)d values). "
            "Short-dashed lines: control limits, %(limits)s."
        )
    )
    parts = [
        lines
        % {
            "centre": finer(quantity).value(spc.centre),
            "count": spc.count,
            "limits": limits_words(spc, quantity),
        }
    ]
    if spc.outside:
        parts.append(
            (
                _("Diamonds: outside the usual range, %(values)s.")
                if plain
                else _("Diamonds: outside the control limits, %(values)s.")
            )
            % {"values": _values(spc, spc.outside, quantity, zone, today)}
        )
    if spc.run_points:
        run = spc.long_run
        parts.append(
            _("Squares: %(count)d values in a row on one side of the line, %(start)s to %(end)s.")
            % {
                "count": run.length,
                "start": when_words(spc.points[run.start].at, zone, today),
                "end": when_words(spc.points[run.end].at, zone, today),
            }
        )
    return " ".join(parts)


def spc_words(
    spc: OwnSpc,
    *,
    quantity: Quantity,
    direction: str,
    audience: str,
    zone: ZoneInfo,
    today: dt.date,
) -> SpcWords:
    """The words for one I chart, for the `audience`: PATIENT (their own), CARER (plain
    words about the patient) or CLINICIAN (SPC terms)."""
    plain = audience != CLINICIAN
    if not spc.enough:
        return SpcWords(too_few_words(spc, plain=plain), "", signal=False, plain=plain)
    context = {"quantity": quantity, "direction": direction, "zone": zone, "today": today}
    if plain:
        text = patient_words(spc, own=audience == PATIENT, **context)
    else:
        text = clinician_words(spc, **context)
    description = description_words(spc, quantity=quantity, zone=zone, today=today, plain=plain)
    return SpcWords(text, description, signal=spc.signal, plain=plain)


def point_signal_words(spc: OwnSpc, index: int, *, plain: bool) -> str:
    """What the data table says of one charted value: '' when it is not a signal."""
    if not spc.enough or index < 0:
        return ""
    if index in spc.above:
        return _("Above the usual range") if plain else _("Above the upper control limit")
    if index in spc.below:
        return _("Below the usual range") if plain else _("Below the lower control limit")
    if index in spc.run_points:
        return _("Part of a long run") if plain else _("In a long run (runs signal)")
    return ""

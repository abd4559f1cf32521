"""What the questionnaire pages say to people: whose form it is, the question stem a frequency
scale leaves out, scores and bands in plain words. Presentation only; no database reads.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from coproduce.access.policy import PatientAccess
from coproduce.accounts.models import Role
from coproduce.questionnaires.form import FormItem
from coproduce.questionnaires.models import QuestionnaireResponse, ReporterKind
from coproduce.scoring import InstrumentSpec, ScoreSpec, UnknownInstrument, instrument

# The PHQ and GAD files list each problem as an item; the printed forms ask one question
# above them all. The stem belongs in the definitions as a display item (FHIR `display`)
# at their next version; until then it is shown from here, for the frequency items only.
FREQUENCY_STEM = gettext_lazy(
    "Over the last 2 weeks, how often have you been bothered by this problem?"
)
FREQUENCY_STEM_CARER = gettext_lazy(
    "Over the last 2 weeks, how often do you think %(name)s has been bothered by this problem?"
)
STEM_ITEMS: dict[str, frozenset[str]] = {
    "phq-9": frozenset(str(n) for n in range(1, 10)),
    "phq-2": frozenset({"1", "2"}),
    "gad-7": frozenset(str(n) for n in range(1, 8)),
    "gad-2": frozenset({"1", "2"}),
}

# Published band codes in words a patient reads (others: the code with spaces).
BAND_WORDS = {
    "none-minimal": gettext_lazy("none or minimal"),
    "minimal": gettext_lazy("minimal"),
    "mild": gettext_lazy("mild"),
    "moderate": gettext_lazy("moderate"),
    "moderately-severe": gettext_lazy("moderately severe"),
    "severe": gettext_lazy("severe"),
    "positive": gettext_lazy("worth talking about with your care team"),
    "negative": gettext_lazy("not a sign of a problem"),
}

# The answer checks (answers.py) are pure Python and write their messages in English; they
# are marked here for translation and translated when a page shows them. Messages with a
# number in them (ranges, lengths) stay in English until answers.py returns message ids.
ANSWER_MESSAGES = (
    gettext_noop("Please answer this question."),
    gettext_noop("This questionnaire has no question with this id."),
    gettext_noop("Choose one of the answers given."),
    gettext_noop("Enter a whole number."),
    gettext_noop("Enter a number."),
    gettext_noop("Answer yes or no."),
    gettext_noop("Enter a date as year-month-day, for example 2026-03-31."),
)


def answer_message(message: str) -> str:
    """An answer check's message in the page's language."""
    return _(message) if message in ANSWER_MESSAGES else message


SHORT_NAMES = {
    "phq-9": "PHQ-9",
    "phq-2": "PHQ-2",
    "gad-7": "GAD-7",
    "gad-2": "GAD-2",
}


def short_name(instrument_code: str, title: str) -> str:
    """'PHQ-9' for the Patient Health Questionnaire-9 (PHQ-9); else the title."""
    if instrument_code in SHORT_NAMES:
        return SHORT_NAMES[instrument_code]
    if title.endswith(")") and "(" in title:
        inside = title[title.rindex("(") + 1 : -1]
        if " " not in inside and (inside.isupper() or any(c.isdigit() for c in inside)):
            return inside  # an abbreviation such as 'EQ-5D-5L'
    return title


def band_words(band: str | None) -> str:
    if not band:
        return ""
    return str(BAND_WORDS.get(band, band.replace("-", " ")))


def question_stem(instrument_code: str, item: FormItem, reporter: str, name: str) -> str:
    if item.link_id not in STEM_ITEMS.get(instrument_code, ()):
        return ""
    if reporter == ReporterKind.CARER:
        return FREQUENCY_STEM_CARER % {"name": name}
    return str(FREQUENCY_STEM)


@dataclass(frozen=True)
class Voice:
    """Whose questionnaire a page is about and whose view the answers give, in words."""

    heading: str  # e.g. "Your answers", "Answering for Ben Smith"
    stream: str  # e.g. "Ben's own answers, given by you"


def voice(access: PatientAccess, reporter: str) -> Voice:
    name = access.patient.full_name
    if access.as_role == Role.PATIENT:
        return Voice(_("Your answers"), _("Your own answers."))
    if reporter == ReporterKind.CARER:
        return Voice(
            _("Your own view of %(name)s") % {"name": name},
            _("Your view as a carer. It is kept apart from %(name)s's own answers.")
            % {"name": name},
        )
    if reporter == ReporterKind.CLINICIAN:
        return Voice(
            _("Your assessment of %(name)s") % {"name": name},
            _("A clinician's assessment"),
        )
    return Voice(
        _("Answering for %(name)s") % {"name": name},
        _("%(name)s's answers, given by you on their behalf. Answer as %(name)s would.")
        % {"name": name},
    )


def reporter_label(reporter: str) -> str:
    return {
        ReporterKind.PATIENT: _("The patient's own answers"),
        ReporterKind.CARER: _("A carer's own view"),
        ReporterKind.CLINICIAN: _("A clinician's assessment"),
    }.get(reporter, reporter)


def spec_or_none(instrument_code: str) -> InstrumentSpec | None:
    try:
        return instrument(instrument_code)
    except UnknownInstrument:
        return None


def primary_score(spec: InstrumentSpec | None) -> ScoreSpec | None:
    if spec is None:
        return None
    return next((s for s in spec.scores if s.primary), spec.scores[0] if spec.scores else None)


def score_title(spec: ScoreSpec) -> str:
    """The score's title to follow "Your": 'PHQ-9 total score', 'visit experience score'."""
    title = spec.title
    if len(title) > 1 and title[0].isupper() and title[1].islower():
        return title[0].lower() + title[1:]
    return title


def number_words(value: float, decimals: int) -> str:
    return f"{value:.{decimals}f}"


@dataclass(frozen=True)
class ScoreWords:
    """A response's main score in words: "Your PHQ-9 score is 11 (moderate)"."""

    sentence: str
    value: str = ""
    out_of: str = ""
    band: str = ""


def score_words(response: QuestionnaireResponse, access: PatientAccess) -> ScoreWords | None:
    """The sentence for a completed response's main score, or None when it has none."""
    score: Mapping = response.score or {}
    definition = response.definition
    spec = spec_or_none(definition.instrument_code)
    main = primary_score(spec)
    name = short_name(definition.instrument_code, definition.title)
    if main is None:
        return None
    value = (score.get("scores") or {}).get(main.name, score.get("total"))
    if value is None:
        return ScoreWords(
            _(
                "We could not work out a %(name)s score because too many questions were "
                "not answered. Your care team can still see the answers."
            )
            % {"name": name}
        )
    band = band_words(score.get("band")) if main.bands else ""
    words = number_words(value, main.decimals)
    out_of = number_words(main.maximum, main.decimals) if main.maximum is not None else ""
    title = score_title(main)
    own = access.as_role == Role.PATIENT and response.reporter == ReporterKind.PATIENT
    if own:
        sentence = _("Your %(title)s is %(value)s") % {"title": title, "value": words}
    elif response.reporter == ReporterKind.CARER:
        sentence = _("The %(title)s of your own view is %(value)s") % {
            "title": title,
            "value": words,
        }
    else:
        sentence = _("%(patient)s's %(title)s is %(value)s") % {
            "patient": access.patient.full_name,
            "title": title,
            "value": words,
        }
    if out_of:
        sentence += " " + _("out of %(max)s") % {"max": out_of}
    if band:
        sentence += f" ({band})"
    return ScoreWords(sentence=sentence + ".", value=words, out_of=out_of, band=band)

"""Demo shared decisions, written through the services, for `seed --demo`: the demo patient
(on dialysis) chose home haemodialysis with his team three months ago and will look again
next month; a second decision is not yet made."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from coproduce.core.clock import today, travelled_to
from coproduce.decisions.models import SharedDecision
from coproduce.decisions.selectors import possible_participants
from coproduce.decisions.services import DecisionInput, OwnOption, decision_create
from coproduce.patients.selectors import patient_for_user


def at_local(day: dt.date, zone: ZoneInfo) -> dt.datetime:
    """Half past ten on `day` where the patient is cared for, during the visit."""
    return dt.datetime.combine(day, dt.time(10, 30), zone)


def people_then(access) -> tuple[int, ...]:
    """Everyone who could take part at the (travelled) time of the visit."""
    return tuple(possible_participants(access).values_list("pk", flat=True))


def demo_decisions_create(
    *, patient, clinician, end_date: dt.date, **_story
) -> list[SharedDecision]:
    """Two decisions for `patient`, recorded by `clinician`."""
    access = patient_for_user(clinician, patient.pk, purpose="demo")
    zone = ZoneInfo(patient.home_unit.time_zone)
    present = max(end_date, today())
    decisions = []
    with travelled_to(at_local(end_date - dt.timedelta(days=91), zone)):
        decisions.append(
            decision_create(
                access=access,
                decision_input=DecisionInput(
                    option_set_id="dialysis-type",
                    question="Home or unit haemodialysis: which fits my life best?",
                    priorities=(
                        "Being able to keep working at the garage",
                        "Not spending three afternoons a week on the road",
                        "Feeling less wiped out after dialysis",
                        "Not putting too much on my wife",
                    ),
                    participant_ids=people_then(access),
                    choice="home-haemodialysis",
                    reasons=(
                        "I can dialyse in the evening after work and I lose less of the day. "
                        "My wife is happy to learn with me, and the shorter sessions should "
                        "leave me less tired. I know the fistula may need more looking after."
                    ),
                    review_on=present + dt.timedelta(days=30),
                ),
            )
        )
    with travelled_to(at_local(end_date - dt.timedelta(days=14), zone)):
        decisions.append(
            decision_create(
                access=access,
                decision_input=DecisionInput(
                    question="Should I start the tests for a kidney transplant now?",
                    own_options=(
                        OwnOption(
                            title="Start the transplant tests now",
                            involves="Heart and blood tests over a few months, then a "
                            "meeting with the transplant team.",
                            benefits="I could be on the waiting list sooner.",
                            harms="Several hospital trips while I am still learning home dialysis.",
                        ),
                        OwnOption(
                            title="Wait until home dialysis has settled",
                            involves="Talk about it again in the autumn.",
                            benefits="One new thing at a time.",
                            harms="A later place on the waiting list.",
                        ),
                    ),
                    priorities=(
                        "Getting home dialysis right first",
                        "Not missing my chance of a transplant",
                    ),
                    participant_ids=people_then(access),
                ),
            )
        )
    return decisions

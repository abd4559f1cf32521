"""The demo questionnaires: twenty monthly PHQ-9s, one to resume, the carer's two streams."""

from __future__ import annotations

import datetime as dt

from coproduce.core.clock import today
from coproduce.observations.models import Observation
from coproduce.questionnaires.demo import demo_questionnaires_create
from coproduce.questionnaires.models import QuestionnaireResponse
from tests.factories import load_instrument, make_carer_grant, make_user


def test_the_demo_has_a_trend_a_form_to_resume_and_both_carer_streams(cast):
    load_instrument("phq-9")
    load_instrument("visit-experience")
    parent = make_user(role="carer", network=cast.network)
    make_carer_grant(
        patient=cast.child,
        carer=parent,
        granted_by=cast.clinician,
        scopes=frozenset({"view_reports", "report_for_patient", "report_own"}),
    )
    end = today()

    created = demo_questionnaires_create(
        patient=cast.patient, carer=parent, child=cast.child, end_date=end
    )
    again = demo_questionnaires_create(
        patient=cast.patient, carer=parent, child=cast.child, end_date=end
    )

    assert created == again == 24
    totals = [
        r.score["total"]
        for r in QuestionnaireResponse.objects.filter(
            patient=cast.patient, status="completed", definition__instrument_code="phq-9"
        ).order_by("authored_at")
    ]
    # Twelve months moderate, then eight mild (a shift the dashboard's I chart shows).
    assert totals == [14, 15, 13, 16, 14, 12, 15, 14, 16, 13, 15, 14, 10, 9, 8, 9, 7, 8, 8, 7]
    assert Observation.objects.filter(patient=cast.patient, code="loinc:44261-6").count() == 20
    open_form = QuestionnaireResponse.objects.get(status="in-progress")
    assert sorted(open_form.answers) == ["1", "2", "3", "4"]
    child_streams = set(
        QuestionnaireResponse.objects.filter(patient=cast.child).values_list("reporter", flat=True)
    )
    assert child_streams == {"patient", "carer"}
    first = QuestionnaireResponse.objects.filter(patient=cast.patient).order_by("authored_at")[0]
    assert first.authored_at.date() >= end - dt.timedelta(days=20 * 30)

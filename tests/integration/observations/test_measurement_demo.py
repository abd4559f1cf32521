"""The demo's home measurements: through the services, in the right streams, once."""

from __future__ import annotations

from coproduce.core.clock import today
from coproduce.observations.demo import demo_measurements_create
from coproduce.observations.models import DialysisSession, Observation
from tests import factories


def test_demo_measurements_fill_four_weeks_in_the_right_streams_once(cast):
    parent = factories.make_user(role="carer", network=cast.network)
    factories.make_carer_grant(
        patient=cast.child,
        carer=parent,
        granted_by=cast.clinician,
        scopes=frozenset({"view_reports", "report_for_patient", "report_own"}),
    )
    count = demo_measurements_create(
        patient=cast.patient, carer=parent, child=cast.child, end_date=today()
    )
    assert count > 50
    own = Observation.objects.filter(patient=cast.patient, derived_from="")
    assert {o.code for o in own} == {
        "loinc:29463-7",
        "loinc:8480-6",
        "loinc:8462-4",
        "loinc:8867-4",
    }
    assert {o.source for o in own} == {"patient"}
    assert 10 <= DialysisSession.objects.filter(patient=cast.patient).count() <= 12
    child_rows = Observation.objects.filter(patient=cast.child)
    assert {(o.source, o.code) for o in child_rows} == {
        ("carer", "loinc:8310-5"),
        ("carer", "loinc:29463-7"),
        ("patient", "loinc:20150-9"),
    }
    assert {o.reporter_id for o in child_rows} == {parent.pk}

    rows = Observation.objects.count()
    demo_measurements_create(patient=cast.patient, carer=parent, child=cast.child, end_date=today())
    assert Observation.objects.count() == rows

"""The self-dialysis session log: values grouped by one session, all or nothing, checks on
weights and fluid removed, idempotent submission, carers, the session list."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from coproduce.core.clock import now
from coproduce.core.models import AuditEvent
from coproduce.observations import dialysis
from coproduce.observations.dialysis import DialysisEntry, dialysis_session_record
from coproduce.observations.measurements import Entered
from coproduce.observations.models import DialysisSession, Observation
from coproduce.observations.selectors import dialysis_sessions, home_measurements
from coproduce.patients.selectors import patient_for_user


def good_entry(**changes) -> DialysisEntry:
    entry = DialysisEntry(
        started_at=now() - dt.timedelta(hours=5),
        duration_minutes=240,
        weight_before=Entered(72.4, "kg"),
        weight_after=Entered(70.3, "kg"),
        ultrafiltration=Entered(2.3, "L"),
        systolic_before=148,
        diastolic_before=86,
        systolic_after=126,
        diastolic_after=78,
        problems=("cramps",),
        problem_note="Cramp in the last half hour; turned the fluid removal down.",
    )
    return dataclasses.replace(entry, **changes)


def own(cast):
    return patient_for_user(cast.patient.user, cast.patient.pk)


def log(access, entry=None, key="key-1", **kwargs):
    return dialysis_session_record(
        access=access, entry=entry or good_entry(), submission_key=key, **kwargs
    )


def test_a_session_stores_its_values_as_observations_derived_from_it(cast):
    session = log(own(cast))
    rows = Observation.objects.filter(derived_from=f"DialysisSession/{session.pk}")
    values = {r.code: r.value_quantity or r.value_code or r.value_text for r in rows}
    assert values == {
        dialysis.WEIGHT_BEFORE: 72.4,
        dialysis.WEIGHT_AFTER: 70.3,
        dialysis.ULTRAFILTRATION: 2300,
        dialysis.DURATION: 240,
        "loinc:8480-6": 148,
        "loinc:8462-4": 86,
        dialysis.SYSTOLIC_AFTER: 126,
        dialysis.DIASTOLIC_AFTER: 78,
        dialysis.PROBLEM_KIND: "cramps",
        dialysis.PROBLEM_NOTE: "Cramp in the last half hour; turned the fluid removal down.",
    }
    assert session.ended_at - session.started_at == dt.timedelta(minutes=240)
    after = rows.get(code=dialysis.WEIGHT_AFTER)
    assert after.effective_at == session.ended_at
    assert {r.source for r in rows} == {"patient"}


def test_a_session_is_audited_once_and_each_value_once(cast):
    session = log(own(cast))
    events = AuditEvent.objects.filter(entity_type="DialysisSession", action="create")
    assert [e.entity_id for e in events] == [str(session.pk)]
    assert (
        AuditEvent.objects.filter(entity_type="Observation", action="create").count()
        == Observation.objects.count()
        == 10
    )


def test_the_same_submission_key_stores_one_session(cast):
    first = log(own(cast))
    again = log(own(cast))
    assert again.pk == first.pk
    assert DialysisSession.objects.count() == 1
    assert Observation.objects.count() == 10


def test_a_key_of_another_patient_is_refused(cast):
    log(patient_for_user(cast.clinician, cast.child.pk), key="shared")
    with pytest.raises(PermissionDenied):
        log(own(cast), key="shared")


def expect_errors(cast, entry) -> dict[str, str]:
    with pytest.raises(ValidationError) as error:
        log(own(cast), entry)
    assert DialysisSession.objects.count() == 0
    assert Observation.objects.count() == 0
    return {k: v[0] for k, v in error.value.message_dict.items()}


def test_weight_after_above_weight_before_is_refused(cast):
    errors = expect_errors(cast, good_entry(weight_after=Entered(73.0, "kg")))
    assert "more than your weight before" in errors["weight_after"]


def test_an_implausible_drop_in_weight_is_refused(cast):
    errors = expect_errors(
        cast, good_entry(weight_after=Entered(62.4, "kg"), ultrafiltration=Entered(10, "L"))
    )
    assert "A drop of 10 kg in one session is not possible" in errors["weight_after"]


def test_fluid_removed_far_from_the_weight_lost_is_refused(cast):
    errors = expect_errors(cast, good_entry(ultrafiltration=Entered(4500, "mL")))
    assert "4500 mL" in errors["ultrafiltration"]
    assert "2.1 kg" in errors["ultrafiltration"]


def test_implausible_weight_is_named_in_pounds_when_typed_in_pounds(cast):
    errors = expect_errors(
        cast,
        good_entry(weight_before=Entered(1500, "[lb_av]"), weight_after=Entered(150, "[lb_av]")),
    )
    assert errors["weight_before"].startswith("A weight of 1500 lb is not possible.")


def test_every_faulty_field_is_named_at_once(cast):
    errors = expect_errors(
        cast,
        good_entry(
            started_at=now() + dt.timedelta(days=1),
            duration_minutes=2000,
            systolic_before=80,
            diastolic_before=120,
            systolic_after=130,
            diastolic_after=None,
            problems=("other",),
            problem_note="",
        ),
    )
    assert set(errors) == {
        "started_at",
        "duration",
        "diastolic_before",
        "diastolic_after",
        "problem_note",
    }


def test_a_session_that_would_end_in_the_future_is_refused(cast):
    errors = expect_errors(cast, good_entry(started_at=now() - dt.timedelta(hours=1)))
    assert "end in the future" in errors["started_at"]


def test_missing_weights_and_fluid_are_named(cast):
    errors = expect_errors(
        cast, good_entry(weight_before=None, weight_after=None, ultrafiltration=None)
    )
    assert set(errors) == {"weight_before", "weight_after", "ultrafiltration"}


def test_blood_pressure_is_optional_as_a_pair(cast):
    session = log(
        own(cast),
        good_entry(
            systolic_before=None,
            diastolic_before=None,
            systolic_after=None,
            diastolic_after=None,
            problems=(),
            problem_note="",
        ),
    )
    codes = set(
        Observation.objects.filter(derived_from=session.reference).values_list("code", flat=True)
    )
    assert codes == {
        dialysis.WEIGHT_BEFORE,
        dialysis.WEIGHT_AFTER,
        dialysis.ULTRAFILTRATION,
        dialysis.DURATION,
    }


def test_unknown_problem_is_refused(cast):
    errors = expect_errors(cast, good_entry(problems=("explosion",)))
    assert set(errors) == {"problems"}


def test_carer_on_behalf_and_carer_without_scope(cast):
    access = patient_for_user(cast.carer, cast.patient.pk)
    session = log(access)
    assert (session.source, session.reporter_id) == ("patient", cast.carer.pk)
    with pytest.raises(PermissionDenied):
        log(access, key="key-2", stream="carer")


def test_session_list_groups_values_and_home_lists_leave_them_out(cast):
    first = log(own(cast), key="a", entry=good_entry(started_at=now() - dt.timedelta(days=2)))
    second = log(own(cast), key="b")
    sessions = dialysis_sessions(own(cast))
    assert [s.pk for s, _rows in sessions] == [second.pk, first.pk]
    assert all(len(rows) == 10 for _s, rows in sessions)
    assert home_measurements(own(cast), sources=("patient",)) == []


def test_a_heavier_person_may_lose_more_in_one_session(cast):
    # 8 kg is more than the 5 kg floor but under 8% of 150 kg (12 kg).
    entry = good_entry(
        weight_before=Entered(150, "kg"),
        weight_after=Entered(142, "kg"),
        ultrafiltration=Entered(7800, "mL"),
    )
    session = log(own(cast), entry)
    assert Observation.objects.filter(derived_from=session.reference).count() == 10

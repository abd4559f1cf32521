"""A patient's competency record: a clinician assigns a checklist and sets each step's
level (every change a row, audited); the patient or a carer with the care-plan scope sees
it in plain words and notes their practice but never sets a level; sign-off only when every
step is independent."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from coproduce.core.models import AuditEvent
from coproduce.patients.selectors import patient_for_user
from coproduce.skills import selectors, services
from coproduce.skills.checklists import built_in_checklists
from coproduce.skills.models import Level, StepEntry
from tests import factories
from tests.factories_skills import assignment_of

pytestmark = pytest.mark.django_db

STEPS = [s.id for s in built_in_checklists()["self-dialysis"].steps]


def nurse(cast):
    return patient_for_user(cast.nurse, cast.patient.pk)


def carer_with_care_plan(cast):
    grant = factories.make_carer_grant(
        patient=cast.patient,
        carer=factories.make_user(role="carer", network=cast.network),
        granted_by=cast.patient.user,
        scopes=frozenset({"view_reports", "care_plan"}),
    )
    return grant.carer


def detail_url(assignment, name="skills:checklist_detail") -> str:
    return reverse(
        name, kwargs={"patient_id": assignment.patient_id, "assignment_id": assignment.pk}
    )


def test_levels_keep_their_history_and_each_change_is_audited(cast):
    assignment = assignment_of(cast.patient, cast.clinician)
    access = nurse(cast)
    for level in (Level.TAUGHT, Level.SUPERVISED, Level.INDEPENDENT):
        services.step_level_set(
            access=access, assignment=assignment, step_id="alarms", level=level, note=level
        )
    [view] = selectors.assignments_for(access)
    alarms = next(s for s in view.steps if s.step.id == "alarms")
    assert alarms.level == Level.INDEPENDENT
    assert [e.level for e in alarms.history] == ["independent", "supervised", "taught"]
    assert {e.recorded_by for e in alarms.history} == {cast.nurse}
    untouched = next(s for s in view.steps if s.step.id == "priming")
    assert untouched.level == Level.NOT_STARTED
    assert (
        AuditEvent.objects.filter(entity_type="StepEntry", patient_id=cast.patient.pk).count() == 3
    )


def test_an_unknown_level_or_step_is_refused_with_a_specific_error(cast):
    assignment = assignment_of(cast.patient, cast.clinician)
    with pytest.raises(ValidationError) as error:
        services.step_level_set(
            access=nurse(cast), assignment=assignment, step_id="alarms", level="expert"
        )
    assert error.value.message_dict == {"level": ["Choose a level from the list."]}
    with pytest.raises(ValidationError) as error:
        services.step_level_set(
            access=nurse(cast), assignment=assignment, step_id="juggling", level="taught"
        )
    assert "step" in error.value.message_dict
    assert not StepEntry.objects.exists()


def test_sign_off_needs_every_step_independent_and_records_who_and_when(cast):
    assignment = assignment_of(cast.patient, cast.clinician)
    access = nurse(cast)
    for step in STEPS[:-1]:
        services.step_level_set(
            access=access, assignment=assignment, step_id=step, level=Level.INDEPENDENT
        )
    with pytest.raises(ValidationError) as error:
        services.checklist_sign_off(access=access, assignment=assignment)
    assert "1 step(s) are not yet independent" in str(error.value)
    assignment.refresh_from_db()
    assert assignment.signed_off_at is None
    services.step_level_set(
        access=access, assignment=assignment, step_id=STEPS[-1], level=Level.INDEPENDENT
    )
    services.checklist_sign_off(access=access, assignment=assignment)
    assert assignment.signed_off_by == cast.nurse
    assert assignment.signed_off_at is not None
    with pytest.raises(ValidationError):
        services.step_level_set(
            access=access, assignment=assignment, step_id="alarms", level=Level.TAUGHT
        )
    with pytest.raises(ValidationError):
        services.checklist_sign_off(access=access, assignment=assignment)


def test_patients_and_carers_note_practice_but_never_set_levels(cast):
    assignment = assignment_of(cast.patient, cast.clinician)
    own = patient_for_user(cast.patient.user, cast.patient.pk)
    with pytest.raises(PermissionDenied):
        services.step_level_set(
            access=own, assignment=assignment, step_id="alarms", level=Level.SUPERVISED
        )
    with pytest.raises(PermissionDenied):
        services.checklist_sign_off(access=own, assignment=assignment)
    services.practice_note_add(
        access=own, assignment=assignment, step_id="alarms", note="Practised the air alarm."
    )
    carer = patient_for_user(carer_with_care_plan(cast), cast.patient.pk)
    services.practice_note_add(
        access=carer, assignment=assignment, step_id="alarms", note="Watched him do it."
    )
    [view] = selectors.assignments_for(own)
    alarms = next(s for s in view.steps if s.step.id == "alarms")
    assert alarms.level == Level.NOT_STARTED
    assert [e.note for e in alarms.history] == ["Watched him do it.", "Practised the air alarm."]
    with pytest.raises(ValidationError) as error:
        services.practice_note_add(access=own, assignment=assignment, step_id="alarms", note=" ")
    assert "note" in error.value.message_dict


def test_a_carer_without_the_care_plan_scope_and_another_unit_see_nothing(cast):
    assignment = assignment_of(cast.patient, cast.clinician)
    as_carer = patient_for_user(cast.carer, cast.patient.pk)
    with pytest.raises(PermissionDenied):
        selectors.assignments_for(as_carer)
    with pytest.raises(PermissionDenied):
        services.practice_note_add(
            access=as_carer, assignment=assignment, step_id="alarms", note="Hello"
        )
    with pytest.raises(PermissionDenied):
        patient_for_user(cast.other_clinician, cast.patient.pk)
    other = patient_for_user(cast.other_clinician, cast.other_patient.pk)
    assert selectors.assignment_for_access(other, assignment.pk) is None
    with pytest.raises(PermissionDenied):
        services.step_level_set(
            access=other, assignment=assignment, step_id="alarms", level=Level.TAUGHT
        )


def test_the_clinician_assigns_and_sets_levels_from_the_pages(cast, verified_client):
    client = verified_client(cast.nurse)
    list_url = reverse("skills:checklist_list", kwargs={"patient_id": cast.patient.pk})
    page = client.get(list_url).content.decode()
    assert "No skills have been assigned yet." in page
    assert "Doing my own haemodialysis at home" in page  # offered in the assign form
    assign_url = reverse("skills:checklist_assign", kwargs={"patient_id": cast.patient.pk})
    bad = client.post(assign_url, {"checklist": "juggling"})
    assert bad.status_code == 400
    assert "Choose a checklist from the list." in bad.content.decode()
    response = client.post(assign_url, {"checklist": "self-dialysis"})
    assignment = assignment_of(cast.patient, cast.clinician)
    assert response.status_code == 302
    assert response.url == detail_url(assignment)
    step_url = detail_url(assignment, "skills:step_record")
    bad = client.post(step_url, {"step": "alarms", "alarms-level": "expert"})
    assert bad.status_code == 400
    assert "Choose a level from the list." in bad.content.decode()
    client.post(step_url, {"step": "alarms", "alarms-level": "supervised", "alarms-note": "Good"})
    sign_off = client.post(detail_url(assignment, "skills:checklist_sign_off"))
    assert sign_off.status_code == 400
    assert "Every step must be independent before you sign off." in sign_off.content.decode()
    patient_page = verified_client(cast.patient.user).get(detail_url(assignment)).content.decode()
    assert "Supervised: does it with someone watching" in patient_page
    assert "Save level" not in patient_page


def test_a_patient_posting_a_level_only_adds_nothing(cast, verified_client):
    assignment = assignment_of(cast.patient, cast.clinician)
    client = verified_client(cast.patient.user)
    response = client.post(
        detail_url(assignment, "skills:step_record"),
        {"step": "alarms", "alarms-level": "independent", "alarms-note": "I did it."},
    )
    assert response.status_code == 302
    [entry] = StepEntry.objects.all()
    assert (entry.level, entry.note) == ("", "I did it.")


def test_the_dialysis_list_links_to_the_skills_only_for_who_may_see_them(cast, verified_client):
    list_url = reverse("observations:dialysis_session_list", kwargs={"patient_id": cast.patient.pk})
    skills_url = reverse("skills:checklist_list", kwargs={"patient_id": cast.patient.pk})
    assert skills_url in verified_client(cast.patient.user).get(list_url).content.decode()
    assert skills_url not in verified_client(cast.carer).get(list_url).content.decode()
    assert verified_client(cast.carer).get(skills_url).status_code == 403
    assert skills_url in verified_client(carer_with_care_plan(cast)).get(list_url).content.decode()


def test_the_patient_finds_their_skills_from_my_skills(cast, verified_client):
    assignment_of(cast.patient, cast.clinician)
    page = verified_client(cast.patient.user).get(reverse("skills:mine")).content.decode()
    assert "My self-management skills" in page
    assert "Doing my own haemodialysis at home" in page
    assert "0 of 10 steps done independently" in page
    assert "Assign a checklist" not in page

"""The patient's agenda for an upcoming visit: written by the patient or a carer with the
care-plan scope, up to three concerns in order, limits named by field, read-only once the
visit starts, every save audited in the same transaction."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse

from coproduce.core.models import AuditEvent
from coproduce.patients.selectors import patient_for_user
from coproduce.visits import services
from coproduce.visits.models import VisitAgenda
from tests import factories
from tests.factories_reporting import move_clock
from tests.factories_visits import upcoming_visit_for

pytestmark = pytest.mark.django_db


def own_access(cast):
    return patient_for_user(cast.patient.user, cast.patient.pk)


def agenda_url(visit) -> str:
    return reverse("visits:agenda", kwargs={"patient_id": visit.patient_id, "visit_id": visit.pk})


def test_the_patient_writes_and_changes_an_agenda_each_save_a_version(cast):
    visit = upcoming_visit_for(cast.patient, clinician=cast.clinician)
    access = own_access(cast)
    agenda = services.agenda_save(
        access=access,
        visit=visit,
        concerns=["  Tired all the time ", "", "My knees hurt"],
        questions="Can I swim?",
    )
    assert agenda.concerns == ["Tired all the time", "My knees hurt"]  # empty one dropped
    assert agenda.version == 1
    again = services.agenda_save(
        access=access, visit=visit, concerns=["My knees hurt"], questions=""
    )
    assert again.pk == agenda.pk
    assert again.version == 2
    assert VisitAgenda.objects.get(pk=agenda.pk).concerns == ["My knees hurt"]
    events = AuditEvent.objects.filter(entity_type="VisitAgenda", patient_id=cast.patient.pk)
    assert sorted(events.values_list("action", flat=True)) == ["create", "update"]


def test_a_failed_save_leaves_no_audit_and_no_agenda(cast):
    visit = upcoming_visit_for(cast.patient)
    with pytest.raises(ValidationError) as error:
        services.agenda_save(
            access=own_access(cast),
            visit=visit,
            concerns=["ok", "x" * (services.CONCERN_MAX + 1)],
            questions="",
        )
    assert "concern_2" in error.value.message_dict
    assert str(services.CONCERN_MAX) in error.value.message_dict["concern_2"][0]
    assert not VisitAgenda.objects.exists()
    assert not AuditEvent.objects.filter(entity_type="VisitAgenda").exists()


def test_the_audit_rolls_back_with_the_save(cast):
    visit = upcoming_visit_for(cast.patient)

    def save_then_fail():
        with transaction.atomic():
            services.agenda_save(access=own_access(cast), visit=visit, concerns=["a"], questions="")
            raise RuntimeError

    with pytest.raises(RuntimeError):
        save_then_fail()
    assert not VisitAgenda.objects.exists()
    assert not AuditEvent.objects.filter(entity_type="VisitAgenda").exists()


def test_more_than_three_concerns_and_long_questions_are_refused(cast):
    visit = upcoming_visit_for(cast.patient)
    with pytest.raises(ValidationError):
        services.agenda_save(
            access=own_access(cast), visit=visit, concerns=["a", "b", "c", "d"], questions=""
        )
    with pytest.raises(ValidationError) as error:
        services.agenda_save(
            access=own_access(cast),
            visit=visit,
            concerns=["a"],
            questions="q" * (services.QUESTIONS_MAX + 1),
        )
    assert "questions" in error.value.message_dict


def test_the_agenda_locks_when_the_visit_starts(cast, monkeypatch):
    visit = upcoming_visit_for(cast.patient, days=1)
    services.agenda_save(access=own_access(cast), visit=visit, concerns=["a"], questions="")
    move_clock(monkeypatch, visit.starts_at + dt.timedelta(minutes=1))
    with pytest.raises(ValidationError):
        services.agenda_save(access=own_access(cast), visit=visit, concerns=["b"], questions="")
    assert VisitAgenda.objects.get(visit=visit).concerns == ["a"]


def test_a_carer_writes_only_with_the_care_plan_scope(cast):
    visit = upcoming_visit_for(cast.child)
    without = patient_for_user(cast.carer, cast.child.pk)
    with pytest.raises(PermissionDenied):
        services.agenda_save(access=without, visit=visit, concerns=["a"], questions="")
    carer = factories.make_user(role="carer", network=cast.network)
    factories.make_carer_grant(
        patient=cast.child,
        carer=carer,
        granted_by=cast.clinician,
        scopes=frozenset({"view_reports", "care_plan"}),
    )
    agenda = services.agenda_save(
        access=patient_for_user(carer, cast.child.pk),
        visit=visit,
        concerns=["Sleeps badly"],
        questions="",
    )
    assert agenda.written_by == carer
    event = AuditEvent.objects.get(entity_type="VisitAgenda")
    assert event.actor_id == carer.pk
    assert event.detail["as"] == "carer"


def test_another_patients_visit_is_refused_by_the_service(cast):
    visit = upcoming_visit_for(cast.other_patient)
    with pytest.raises(PermissionDenied):
        services.agenda_save(access=own_access(cast), visit=visit, concerns=["a"], questions="")


def test_the_page_saves_and_shows_errors_next_to_fields_keeping_text(cast, verified_client):
    visit = upcoming_visit_for(cast.patient, clinician=cast.clinician)
    client = verified_client(cast.patient.user)
    long_text = "y" * (services.CONCERN_MAX + 5)
    response = client.post(
        agenda_url(visit),
        {"concern_1": "Pain at night", "concern_2": long_text, "questions": "Why?"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="id_concern_2_error"' in body
    assert str(services.CONCERN_MAX) in body
    assert "Pain at night" in body
    assert long_text in body
    response = client.post(
        agenda_url(visit), {"concern_1": "Pain at night", "concern_2": "", "concern_3": "Sleep"}
    )
    assert response.status_code == 302
    assert VisitAgenda.objects.get(visit=visit).concerns == ["Pain at night", "Sleep"]


def test_the_page_is_read_only_after_the_start(cast, verified_client, monkeypatch):
    visit = upcoming_visit_for(cast.patient, days=1)
    services.agenda_save(access=own_access(cast), visit=visit, concerns=["Pain"], questions="")
    move_clock(monkeypatch, visit.starts_at + dt.timedelta(hours=1))
    client = verified_client(cast.patient.user)
    body = client.get(agenda_url(visit)).content.decode()
    assert "can no longer be changed" in body
    assert "<form" not in body.split("<main")[-1]
    client.post(agenda_url(visit), {"concern_1": "Changed"})
    assert VisitAgenda.objects.get(visit=visit).concerns == ["Pain"]


def test_another_patients_visit_is_not_found(cast, verified_client):
    visit = upcoming_visit_for(cast.other_patient)
    url = reverse("visits:agenda", kwargs={"patient_id": cast.patient.pk, "visit_id": visit.pk})
    assert verified_client(cast.patient.user).get(url).status_code == 404


def test_my_health_invites_the_patient_to_write_an_agenda(cast, verified_client):
    visit = upcoming_visit_for(cast.patient, clinician=cast.clinician)
    body = verified_client(cast.patient.user).get(reverse("patients:my_home")).content.decode()
    assert "tell us what you want to talk about" in body
    assert cast.clinician.display_name in body
    assert agenda_url(visit) in body


def test_no_invitation_without_an_upcoming_visit(cast, verified_client):
    upcoming_visit_for(cast.patient, days=-1)  # already started
    body = verified_client(cast.patient.user).get(reverse("patients:my_home")).content.decode()
    assert "tell us what you want to talk about" not in body


def test_a_carer_with_the_care_plan_scope_uses_the_page(cast, verified_client):
    visit = upcoming_visit_for(cast.child)
    carer = factories.make_user(role="carer", network=cast.network)
    factories.make_carer_grant(
        patient=cast.child,
        carer=carer,
        granted_by=cast.clinician,
        scopes=frozenset({"view_reports", "care_plan"}),
    )
    client = verified_client(carer)
    assert client.get(agenda_url(visit)).status_code == 200
    client.post(agenda_url(visit), {"concern_1": "Coughs at night"})
    agenda = VisitAgenda.objects.get(visit=visit)
    assert agenda.written_by == carer
    body = verified_client(cast.clinician).get(
        reverse(
            "visits:pre_visit_summary",
            kwargs={"patient_id": cast.child.pk, "visit_id": visit.pk},
        )
    )
    assert carer.display_name in body.content.decode()


def test_a_carer_without_the_scope_is_refused_the_page(cast, verified_client):
    visit = upcoming_visit_for(cast.child)
    assert verified_client(cast.carer).get(agenda_url(visit)).status_code == 403

"""Who may open a patient's record: one test per branch of coproduce/access/policy.py."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from coproduce.access import services as access_services
from coproduce.access.policy import access_for
from coproduce.accounts.models import Role
from coproduce.core.clock import now, today
from coproduce.core.models import AuditEvent
from coproduce.patients import services as patient_services
from coproduce.patients.selectors import patient_for_user, patients_visible_to
from coproduce.programmes.definition import built_in_programme_paths, parse_programme
from coproduce.programmes.services import programme_load
from tests import factories


def years_old(years: int, extra_days: int = 10) -> dt.date:
    day = today() - dt.timedelta(days=extra_days)
    return day.replace(year=day.year - years)


def test_patient_opens_own_record(cast):
    access = patient_for_user(cast.patient.user, cast.patient.pk)
    assert access.patient == cast.patient
    assert access.as_role == Role.PATIENT


def test_patient_cannot_open_another_record(cast):
    with pytest.raises(PermissionDenied):
        patient_for_user(cast.patient.user, cast.other_patient.pk)


def test_clinician_opens_patient_of_own_unit(cast):
    assert patient_for_user(cast.clinician, cast.patient.pk).as_role == Role.CLINICIAN


def test_clinician_cannot_open_patient_of_another_unit(cast):
    with pytest.raises(PermissionDenied):
        patient_for_user(cast.clinician, cast.other_patient.pk)


def test_clinician_on_care_team_opens_patient_of_another_unit(cast):
    patient_services.care_team_member_add(
        actor=None, patient=cast.other_patient, user=cast.clinician, role="clinician"
    )
    assert patient_for_user(cast.clinician, cast.other_patient.pk)


def test_clinician_opens_patient_enrolled_at_own_unit(cast):
    programme, _ = programme_load(
        actor=None, definition=parse_programme(built_in_programme_paths()[0])
    )
    patient_services.enrolment_start(
        actor=None,
        patient=cast.other_patient,
        programme=programme,
        unit=cast.tree.units[0],
        started_on=today(),
    )
    assert patient_for_user(cast.clinician, cast.other_patient.pk)


def test_ended_unit_membership_removes_access(cast):
    from coproduce.network.models import UnitMembership
    from coproduce.network.services import unit_membership_end

    membership = UnitMembership.objects.get(user=cast.other_clinician)
    unit_membership_end(actor=None, membership=membership, ended_on=today() - dt.timedelta(days=1))
    # still on the care team of other_patient, so still allowed there; no unit patients
    assert access_for(cast.other_clinician, cast.other_patient) is not None
    stranger = factories.make_patient(tree=cast.tree, unit=cast.tree.units[1])
    assert access_for(cast.other_clinician, stranger) is None


@pytest.mark.parametrize("role", ["qi_lead", "administrator"])
def test_qi_lead_and_administrator_open_no_records(cast, role):
    with pytest.raises(PermissionDenied):
        patient_for_user(getattr(cast, role), cast.patient.pk)
    assert not patients_visible_to(getattr(cast, role)).exists()


def test_inactive_user_opens_nothing(cast):
    cast.clinician.is_active = False
    assert access_for(cast.clinician, cast.patient) is None


def test_carer_opens_both_patients(cast):
    assert set(patients_visible_to(cast.carer)) == {cast.patient, cast.child}
    access = patient_for_user(cast.carer, cast.child.pk)
    assert access.as_role == Role.CARER
    assert access.can("view_reports")
    assert not access.can("care_plan")


def test_carer_cannot_open_a_patient_without_grant(cast):
    with pytest.raises(PermissionDenied):
        patient_for_user(cast.carer, cast.other_patient.pk)


def test_revocation_is_effective_at_once(cast):
    grant = cast.carer.carer_grants.get(patient=cast.patient)
    access_services.carer_grant_revoke(actor=cast.patient.user, grant=grant)
    with pytest.raises(PermissionDenied):
        patient_for_user(cast.carer, cast.patient.pk)
    assert list(patients_visible_to(cast.carer)) == [cast.child]


def test_expired_grant_gives_no_access(cast):
    grant = cast.carer.carer_grants.get(patient=cast.patient)
    grant.valid_from = now() - dt.timedelta(days=10)
    grant.valid_until = now() - dt.timedelta(seconds=1)
    grant.save()
    assert access_for(cast.carer, cast.patient) is None


def test_grant_not_yet_valid_gives_no_access(cast):
    grant = cast.carer.carer_grants.get(patient=cast.patient)
    grant.valid_from = now() + dt.timedelta(days=1)
    grant.save()
    assert access_for(cast.carer, cast.patient) is None


def test_carer_sees_confidential_items_of_a_child_under_12(cast):
    assert access_for(cast.carer, cast.child).sees_confidential


def test_carer_does_not_see_confidential_items_from_12(cast):
    teenager = factories.make_patient(tree=cast.tree, birth_date=years_old(12))
    factories.make_carer_grant(patient=teenager, carer=cast.carer, granted_by=cast.clinician)
    access = access_for(cast.carer, teenager)
    assert access is not None
    assert not access.sees_confidential


def test_clinician_grant_for_16_year_old_needs_patient_consent(cast):
    teenager = factories.make_patient(tree=cast.tree, birth_date=years_old(16), with_login=True)
    grant = factories.make_carer_grant(
        patient=teenager, carer=cast.carer, granted_by=cast.clinician
    )
    assert access_for(cast.carer, teenager) is None
    access_services.carer_grant_patient_consent(actor=teenager.user, grant=grant)
    assert access_for(cast.carer, teenager) is not None


def test_clinician_grant_for_15_year_old_needs_no_consent(cast):
    teenager = factories.make_patient(tree=cast.tree, birth_date=years_old(15))
    factories.make_carer_grant(patient=teenager, carer=cast.carer, granted_by=cast.clinician)
    assert access_for(cast.carer, teenager) is not None


def test_clinician_cannot_grant_carer_access_for_an_adult(cast):
    with pytest.raises(PermissionDenied):
        factories.make_carer_grant(
            patient=cast.other_patient, carer=cast.carer, granted_by=cast.clinician
        )


def test_network_ages_are_configurable(cast):
    network = cast.network
    network.confidential_from_age = 6
    network.save()
    cast.carer.network.refresh_from_db()
    assert not access_for(cast.carer, cast.child).sees_confidential


def test_reads_and_denials_are_audited_without_leaking_existence(cast):
    before = AuditEvent.objects.count()
    patient_for_user(cast.clinician, cast.patient.pk)
    read = AuditEvent.objects.latest("pk")
    assert (read.action, read.outcome, read.patient_id) == ("read", "success", cast.patient.pk)
    with pytest.raises(PermissionDenied) as forbidden:
        patient_for_user(cast.clinician, cast.other_patient.pk)
    with pytest.raises(PermissionDenied) as missing:
        patient_for_user(cast.clinician, 999_999_999)
    assert str(forbidden.value) == str(missing.value)
    denials = AuditEvent.objects.filter(outcome="denied").order_by("pk")
    assert [d.entity_id for d in denials] == [str(cast.other_patient.pk), "999999999"]
    assert AuditEvent.objects.count() == before + 3


def test_non_numeric_patient_id_is_a_denial(cast):
    with pytest.raises(PermissionDenied):
        patient_for_user(cast.clinician, "1 OR 1=1")

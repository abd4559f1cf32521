"""Registry extracts: consent by purpose, de-identification, pseudonyms, disclosure
control, audit and who may make them (coproduce/extracts/services.py)."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections import defaultdict

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from coproduce.access.services import consent_record
from coproduce.core.clock import now, today, travelled_to
from coproduce.core.models import AuditAction, AuditEvent
from coproduce.extracts import services
from coproduce.extracts.models import RegistryExtract
from coproduce.extracts.pseudonyms import pseudonym, purpose_key
from tests import factories
from tests.factories_extracts import extract_made, extract_rows, extract_text, measured

pytestmark = pytest.mark.integration


@pytest.fixture
def extract_settings(settings, tmp_path):
    settings.COPRODUCE_EXTRACTS_DIR = tmp_path / "extracts"
    settings.COPRODUCE_SMALL_CELL_MAX = 0  # k = 1: no generalisation unless a test sets it
    return settings


@pytest.fixture
def programme(db):
    return factories.load_programme("rheumatoid-arthritis")


def enrolled_patient(cast, programme, **kwargs):
    patient = factories.make_patient(tree=cast.tree, **kwargs)
    factories.make_enrolment(patient=patient, programme=programme)
    measured(patient)
    return patient


def code_of(patient, purpose: str) -> str:
    key = purpose_key(django_settings.COPRODUCE_PSEUDONYM_KEY.encode(), purpose)
    return pseudonym(key, patient.pk)


def pseudonyms_in(extract) -> set[str]:
    return {row["pseudonym"] for row in extract_rows(extract)}


def years_old(years: int) -> dt.date:
    return today().replace(year=today().year - years, day=1)


# --- Consent by purpose ------------------------------------------------------------------


def test_registry_extract_leaves_out_patients_who_opted_out(cast, programme, extract_settings):
    stays = enrolled_patient(cast, programme)
    opted_out = enrolled_patient(cast, programme)
    came_back = enrolled_patient(cast, programme)
    consent_record(actor=cast.clinician, patient=opted_out, kind="registry", given=False)
    consent_record(actor=cast.clinician, patient=came_back, kind="registry", given=False)
    consent_record(actor=cast.clinician, patient=came_back, kind="registry", given=True)

    found = pseudonyms_in(extract_made(cast.qi_lead))

    assert code_of(stays, "registry") in found
    assert code_of(came_back, "registry") in found
    assert code_of(opted_out, "registry") not in found


def test_research_extract_holds_only_patients_who_opted_in(cast, programme, extract_settings):
    never_asked = enrolled_patient(cast, programme)
    opted_in = enrolled_patient(cast, programme)
    withdrew = enrolled_patient(cast, programme)
    consent_record(actor=cast.clinician, patient=opted_in, kind="research", given=True)
    consent_record(actor=cast.clinician, patient=withdrew, kind="research", given=True)
    consent_record(actor=cast.clinician, patient=withdrew, kind="research", given=False)

    found = pseudonyms_in(extract_made(cast.qi_lead, purpose="research"))

    assert found == {code_of(opted_in, "research")}
    assert code_of(never_asked, "research") not in found
    assert code_of(withdrew, "research") not in found


def test_research_consent_of_an_adolescent_must_be_their_own(cast, programme, extract_settings):
    """From own_consent_from_age (16) a yes made by a carer, or made before the patient
    was 16, does not count; below 16 a parent's yes does."""
    child = enrolled_patient(cast, programme, birth_date=years_old(10))
    teen_by_parent = enrolled_patient(cast, programme, birth_date=years_old(17))
    teen_asked_at_14 = enrolled_patient(cast, programme, birth_date=years_old(17))
    teen_own = enrolled_patient(cast, programme, birth_date=years_old(17), with_login=True)
    consent_record(actor=cast.carer, patient=child, kind="research", given=True)
    consent_record(actor=cast.carer, patient=teen_by_parent, kind="research", given=True)
    with travelled_to(now() - dt.timedelta(days=3 * 365)):
        consent_record(actor=cast.clinician, patient=teen_asked_at_14, kind="research", given=True)
    consent_record(actor=teen_own.user, patient=teen_own, kind="research", given=True)

    found = pseudonyms_in(extract_made(cast.qi_lead, purpose="research"))

    assert found == {code_of(child, "research"), code_of(teen_own, "research")}


def test_consent_recorded_after_the_request_does_not_change_the_extract(
    cast, programme, extract_settings
):
    patient = enrolled_patient(cast, programme)
    extract = extract_made(cast.qi_lead, build=False)
    consent_record(actor=cast.clinician, patient=patient, kind="registry", given=False)

    services.registry_extract_build(extract_id=extract.pk)
    extract.refresh_from_db()

    assert code_of(patient, "registry") in pseudonyms_in(extract)


# --- What the file holds -----------------------------------------------------------------


def test_extract_holds_no_identifiers_and_only_month_dates(cast, programme, extract_settings):
    patients = [enrolled_patient(cast, programme) for _ in range(3)]
    for patient in patients:
        patient.national_id = f"943476{patient.pk:04d}"
        patient.save(update_fields=["national_id"])

    extract = extract_made(cast.qi_lead)
    text = extract_text(extract)
    rows = extract_rows(extract)

    assert list(rows[0]) == list(services.COLUMNS)
    assert len(rows) == 3
    for patient in patients:
        for identifier in (
            patient.local_id,
            patient.family_name,
            patient.national_id,
            patient.birth_date.isoformat(),
            f",{patient.pk},",
        ):
            assert identifier not in text
    assert not re.search(r"\d{4}-\d{2}-\d{2}", text)
    assert {row["month"] for row in rows} <= {
        f"{d.year:04d}-{d.month:02d}" for d in (today() - dt.timedelta(days=20),)
    }
    assert {row["birth_year"] for row in rows} == {"1970"}
    assert {row["value"] for row in rows} == {"12.0"}


def test_extract_leaves_out_equity_fields_unless_asked(cast, programme, extract_settings):
    enrolled_patient(cast, programme)

    plain = extract_rows(extract_made(cast.qi_lead))
    with_equity = extract_rows(extract_made(cast.qi_lead, equity=True))

    assert {row["deprivation_quintile"] for row in plain} == {""}
    assert {row["deprivation_quintile"] for row in with_equity} == {"3"}


def test_pseudonyms_are_stable_within_a_purpose_and_differ_across(
    cast, programme, extract_settings
):
    patient = enrolled_patient(cast, programme)
    consent_record(
        actor=patient.user or cast.clinician, patient=patient, kind="research", given=True
    )

    first = pseudonyms_in(extract_made(cast.qi_lead))
    second = pseudonyms_in(extract_made(cast.qi_lead))
    research = pseudonyms_in(extract_made(cast.qi_lead, purpose="research"))

    assert first == second == {code_of(patient, "registry")}
    assert research == {code_of(patient, "research")}
    assert first.isdisjoint(research)


def test_extract_generalises_rare_combinations_to_k_patients(cast, programme, extract_settings):
    extract_settings.COPRODUCE_SMALL_CELL_MAX = 2  # k = 3
    for _ in range(3):
        enrolled_patient(cast, programme, birth_date=dt.date(1970, 6, 15))
    rare = enrolled_patient(cast, programme, birth_date=dt.date(1994, 2, 1))
    for _ in range(2):
        enrolled_patient(cast, programme, birth_date=dt.date(1992, 2, 1))

    extract = extract_made(cast.qi_lead)
    rows = extract_rows(extract)

    patients_per_group = defaultdict(set)
    for row in rows:
        group = tuple(row[c] for c in ("birth_year", "sex", "unit", "ethnicity"))
        patients_per_group[group].add(row["pseudonym"])
    assert all(len(p) >= 3 for p in patients_per_group.values())
    by_patient = {row["pseudonym"]: row["birth_year"] for row in rows}
    assert by_patient[code_of(rare, "registry")] == "1990-1994"
    assert extract.generalised_patients == 3
    assert extract.k == 3


def test_extract_withholds_patients_who_cannot_reach_k(cast, programme, extract_settings):
    extract_settings.COPRODUCE_SMALL_CELL_MAX = 2  # k = 3
    enrolled_patient(cast, programme)
    enrolled_patient(cast, programme, birth_date=dt.date(1999, 1, 1))

    extract = extract_made(cast.qi_lead)

    assert extract_rows(extract) == []
    assert (extract.patient_count, extract.withheld_patients) == (0, 2)


def test_summary_hides_small_counts(cast, programme, extract_settings):
    extract_settings.COPRODUCE_SMALL_CELL_MAX = 2
    for _ in range(3):
        enrolled_patient(cast, programme)

    extract = extract_made(cast.qi_lead)

    cells = extract.summary["cells"]
    assert {c["unit"] for c in cells} == {cast.tree.units[0].code, "all units"}
    assert {c["patients"] for c in cells} == {3}


# --- Audit ------------------------------------------------------------------------------


def test_extract_is_audited_with_its_checksum_and_counts(cast, programme, extract_settings):
    enrolled_patient(cast, programme)

    extract = extract_made(cast.qi_lead)

    data = (services.extracts_dir() / extract.file_name).read_bytes()
    assert extract.sha256 == hashlib.sha256(data).hexdigest()
    event = AuditEvent.objects.get(
        entity_type="RegistryExtract", entity_id=str(extract.pk), action=AuditAction.EXPORT
    )
    assert event.actor == cast.qi_lead
    assert event.purpose == "registry"
    assert event.detail["sha256"] == extract.sha256
    assert (event.detail["rows"], event.detail["patients"]) == (1, 1)
    assert event.detail["reason"] == "Quarterly review of CRP control"
    assert event.detail["filters"]["programmes"] == ["rheumatoid-arthritis"]


def test_extract_request_and_its_audit_event_roll_back_together(cast, programme, extract_settings):
    def request_then_fail():
        with transaction.atomic():
            extract_made(cast.qi_lead, build=False)
            assert AuditEvent.objects.filter(entity_type="RegistryExtract").count() == 1
            raise RuntimeError("the connection dropped")

    with pytest.raises(RuntimeError):
        request_then_fail()
    assert not RegistryExtract.objects.exists()
    assert not AuditEvent.objects.filter(entity_type="RegistryExtract").exists()


def test_extract_completion_and_its_audit_event_roll_back_together(
    cast, programme, extract_settings
):
    enrolled_patient(cast, programme)
    extract = extract_made(cast.qi_lead, build=False)
    built = services.write_extract(extract)

    def complete_then_fail():
        with transaction.atomic():
            services.registry_extract_complete(extract_id=extract.pk, built=built)
            assert AuditEvent.objects.filter(action=AuditAction.EXPORT).count() == 1
            raise RuntimeError("the worker was stopped")

    with pytest.raises(RuntimeError):
        complete_then_fail()

    extract.refresh_from_db()
    assert (extract.status, extract.sha256) == ("pending", "")
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


def test_a_failed_build_is_recorded_and_keeps_no_file(cast, programme, extract_settings):
    enrolled_patient(cast, programme)
    extract_settings.COPRODUCE_PSEUDONYM_KEY = "too-short"  # refused by purpose_key

    extract = extract_made(cast.qi_lead)

    assert (extract.status, extract.file_name, extract.sha256) == ("failed", "", "")
    directory = services.extracts_dir()
    assert not directory.exists() or list(directory.iterdir()) == []
    event = AuditEvent.objects.get(entity_type="RegistryExtract", action=AuditAction.UPDATE)
    assert event.detail["error"] == "ValueError"


def test_building_twice_writes_one_file(cast, programme, extract_settings):
    enrolled_patient(cast, programme)
    extract = extract_made(cast.qi_lead)

    services.registry_extract_build(extract_id=extract.pk)

    assert len(list(services.extracts_dir().iterdir())) == 1
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT).count() == 1


# --- Who may, and bad requests -----------------------------------------------------------


@pytest.mark.parametrize("who", ["clinician", "carer", "administrator", "patient"])
def test_only_qi_leads_may_ask_for_an_extract(cast, programme, extract_settings, who):
    user = cast.patient.user if who == "patient" else getattr(cast, who)
    with pytest.raises(PermissionDenied):
        extract_made(user, units=[cast.tree.units[0].pk])
    assert not RegistryExtract.objects.exists()


def test_extract_of_another_networks_unit_is_refused(cast, programme, extract_settings):
    other = factories.make_network()
    with pytest.raises(PermissionDenied):
        extract_made(cast.qi_lead, units=[other.units[0].pk])


def test_bad_request_names_each_field(cast, programme, extract_settings):
    with pytest.raises(ValidationError) as error:
        services.registry_extract_request(
            actor=cast.qi_lead,
            purpose="research",
            programme_codes=["no-such-programme"],
            unit_ids=[],
            first_month="2026-13",
            last_month="June",
            reason="  ",
            include_equity=True,
        )
    assert set(error.value.message_dict) == {
        "programmes",
        "units",
        "first_month",
        "last_month",
        "reason",
        "include_equity",
    }


def test_last_month_before_first_is_refused(cast, programme, extract_settings):
    with pytest.raises(ValidationError) as error:
        services.registry_extract_request(
            actor=cast.qi_lead,
            purpose="registry",
            programme_codes=["rheumatoid-arthritis"],
            unit_ids=[cast.tree.units[0].pk],
            first_month="2026-05",
            last_month="2026-02",
            reason="Review",
        )
    assert "after the first month" in error.value.message_dict["last_month"][0]

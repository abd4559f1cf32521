"""At 360 px a QI lead opens "Registry extract" from the QI home, reads what is removed,
forgets the reason and is told next to the field, then makes a quality-improvement
extract and downloads it: the file has pseudonyms and month-level dates, no names or local
ids. axe finds no WCAG 2.2 AA violations and the browser reports no CSP violation."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from coproduce.extracts.models import RegistryExtract
from tests import factories
from tests.factories_extracts import measured
from tests.functional.conftest import log_in
from tests.functional.test_accessibility import wcag_violations

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_qi_lead_makes_and_downloads_an_extract(phone_tab, browser_cast, settings, tmp_path):
    settings.COPRODUCE_EXTRACTS_DIR = tmp_path / "extracts"
    settings.COPRODUCE_SMALL_CELL_MAX = 2  # k = 3
    programme = factories.load_programme("rheumatoid-arthritis")
    patients = [factories.make_patient(tree=browser_cast.tree) for _ in range(3)]
    for patient in patients:
        factories.make_enrolment(patient=patient, programme=programme)
        measured(patient)
    page = phone_tab.page
    log_in(phone_tab, browser_cast.qi_lead)
    phone_tab.goto("/qi/")
    page.get_by_role("link", name="Registry extract").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="What the extract holds, and what is removed"))
    assert wcag_violations(phone_tab) == ""

    page.get_by_label("Quality improvement (registry)").check()
    page.get_by_label("Rheumatoid arthritis").check()
    page.get_by_label(browser_cast.tree.units[0].name, exact=True).check()
    page.get_by_label("First month").fill("2020-01")
    page.get_by_label("Last month").fill("2030-12")
    page.get_by_role("button", name="Make the extract").click()
    page.wait_for_load_state()
    expect(page.get_by_role("alert")).to_contain_text("Say why you need this extract")
    expect(page.locator("#id_reason_error")).to_contain_text("Say why you need this extract")
    expect(page.get_by_label("Rheumatoid arthritis")).to_be_checked()
    assert not RegistryExtract.objects.exists()
    assert wcag_violations(phone_tab) == ""

    page.get_by_label("Why do you need this extract?").fill("CRP testing audit")
    page.get_by_role("button", name="Make the extract").click()
    page.wait_for_load_state()
    expect(page.get_by_text("is being made")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("Download extract")).click()
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert wcag_violations(phone_tab) == ""
    assert phone_tab.csp_violations == []

    lines = text.splitlines()
    assert lines[0].startswith("pseudonym,birth_year,sex,unit")
    assert len(lines) == 4
    for patient in patients:
        assert patient.local_id not in text
        assert patient.family_name not in text
    assert not re.search(r"\d{4}-\d{2}-\d{2}", text)

"""At 360 px a clinician and the patient open the same clinical target's edit form on two
phones and both change its wording. The clinician saves first; the patient's save shows the
edit conflict with both texts (theirs still in the box), takes the clinician's wording with
a button (no JavaScript needed) and saves. axe finds no WCAG 2.2 AA violations and the
browser reports no CSP violation."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from coproduce.careplans.models import Goal
from tests.factories_careplans import clinical_target_create
from tests.functional.conftest import PHONE_VIEWPORT, log_in, open_tab
from tests.functional.test_accessibility import wcag_violations

pytestmark = pytest.mark.django_db(transaction=True)

CLINICIANS_WORDS = "Systolic pressure at or below 130, checked at home twice a week"
PATIENTS_WORDS = "Blood pressure under 130 without feeling dizzy in the garden"


@pytest.fixture
def second_phone(chromium, live_server):
    yield from open_tab(chromium, live_server.url, viewport=PHONE_VIEWPORT, is_mobile=True)


def test_two_people_edit_one_goal_and_the_second_sees_both_texts(
    phone_tab, second_phone, browser_cast
):
    patient, clinician = browser_cast.patient, browser_cast.clinician
    target = clinical_target_create(clinician=clinician, patient=patient)

    log_in(phone_tab, clinician)
    phone_tab.goto(reverse("patients:patient_detail", kwargs={"patient_id": patient.pk}))
    doctor = phone_tab.page
    doctor.get_by_role("link", name="Care plan: goals, clinical targets").click()
    doctor.wait_for_load_state()
    expect(doctor.get_by_role("heading", name="Clinical targets", exact=True)).to_be_visible()
    assert wcag_violations(phone_tab) == ""
    doctor.locator("#targets-heading ~ ul").get_by_role("link", name="Change").click()
    doctor.wait_for_load_state()

    log_in(second_phone, patient.user)
    second_phone.goto(reverse("careplans:my_care_plan"))
    own = second_phone.page
    expect(own.get_by_role("heading", name="My care plan")).to_be_visible()
    assert wcag_violations(second_phone) == ""
    own.locator("#targets-heading ~ ul").get_by_role("link", name="Change").click()
    own.wait_for_load_state()

    doctor.get_by_label("The clinical target, in plain words").fill(CLINICIANS_WORDS)
    doctor.get_by_role("button", name="Save goal").click()
    doctor.wait_for_load_state()
    expect(doctor.get_by_text("Your changes were saved.")).to_be_visible()

    box = own.get_by_label("The clinical target, in plain words")
    box.fill(PATIENTS_WORDS)
    own.get_by_role("button", name="Save goal").click()
    own.wait_for_load_state()
    expect(own.get_by_role("alert")).to_contain_text(
        "Someone else changed this while you were editing"
    )
    expect(box).to_have_value(PATIENTS_WORDS)
    expect(own.locator(".their-version")).to_have_text(CLINICIANS_WORDS)
    expect(own.locator("#conflict-description")).to_contain_text(clinician.display_name)
    assert Goal.objects.get(pk=target.pk).description == CLINICIANS_WORDS
    assert wcag_violations(second_phone) == ""

    own.get_by_role("button", name="Use their wording").click()
    own.wait_for_load_state()
    expect(box).to_have_value(CLINICIANS_WORDS)
    box.fill(CLINICIANS_WORDS + ", without feeling dizzy")
    own.get_by_role("button", name="Save goal").click()
    own.wait_for_load_state()
    expect(own.get_by_text("Your changes were saved.")).to_be_visible()
    saved = Goal.objects.get(pk=target.pk)
    assert saved.description == CLINICIANS_WORDS + ", without feeling dizzy"
    assert saved.version == 3
    assert phone_tab.csp_violations == []
    assert second_phone.csp_violations == []

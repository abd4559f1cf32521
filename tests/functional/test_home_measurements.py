"""A patient on a phone records a blood pressure and a weight in pounds; an implausible
value shows its error next to the field; axe finds no WCAG 2.2 AA violations."""

from __future__ import annotations

from django.urls import reverse

from coproduce.observations.models import Observation
from tests import factories
from tests.functional.conftest import log_in
from tests.functional.test_accessibility import wcag_violations


def test_patient_records_blood_pressure_and_weight_in_pounds_on_a_phone(phone_tab, browser_cast):
    patient = browser_cast.patient
    page = phone_tab.page
    log_in(phone_tab, patient.user)
    add = reverse("observations:measurement_add", kwargs={"patient_id": patient.pk})

    phone_tab.goto(add)
    assert wcag_violations(phone_tab) == ""
    page.get_by_role("link", name="Blood pressure").click()
    page.wait_for_load_state()
    assert wcag_violations(phone_tab) == ""

    # Top and bottom numbers swapped: both stay as typed, the error is beside the field.
    page.get_by_label("Top number (systolic)").fill("82")
    page.get_by_label("Bottom number (diastolic)").fill("131")
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    assert (
        page.locator("#id_diastolic_error")
        .inner_text()
        .startswith("The bottom number (diastolic) must be lower")
    )
    assert page.get_by_label("Top number (systolic)").input_value() == "82"
    assert page.get_by_label("Bottom number (diastolic)").input_value() == "131"
    assert page.get_by_role("alert").is_visible()
    assert wcag_violations(phone_tab) == ""
    assert not Observation.objects.filter(patient=patient).exists()

    page.get_by_label("Top number (systolic)").fill("131")
    page.get_by_label("Bottom number (diastolic)").fill("82")
    page.get_by_label("Pulse (heart beats per minute)").fill("68")
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    assert page.get_by_text("131/82 mmHg, pulse 68").is_visible()

    # Weight in lb: first a slip (a number too big for any unit), then the right value.
    phone_tab.goto(add + "?kind=weight")
    assert page.locator("[data-pounds-for]").is_hidden()  # only shown for stones
    page.get_by_label("Unit for weight").select_option(label="stones and pounds")
    assert page.locator("[data-pounds-for]").is_visible()
    page.get_by_label("Unit for weight").select_option(label="lb")
    page.get_by_label("Weight", exact=True).fill("1890")
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    error = page.locator("#id_weight_error")
    assert error.inner_text().startswith("A weight of 1890 lb is not possible.")
    # The error sits with the weight field, above the input it describes.
    field = page.locator(".field", has=page.locator("#id_weight"))
    assert field.locator("#id_weight_error").count() == 1
    assert wcag_violations(phone_tab) == ""

    page.get_by_label("Weight", exact=True).fill("176.4")
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    assert page.get_by_text("176.4 lb").is_visible()
    assert wcag_violations(phone_tab) == ""

    stored = {o.code: o.value_quantity for o in Observation.objects.filter(patient=patient)}
    assert stored == {
        "loinc:8480-6": 131,
        "loinc:8462-4": 82,
        "loinc:8867-4": 68,
        "loinc:29463-7": 80.0,
    }
    # Nothing needs horizontal scrolling on a 360 px screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert phone_tab.csp_violations == []


def test_dialysis_log_and_lists_on_a_phone_have_no_wcag_violations(phone_tab, browser_cast):
    patient = browser_cast.patient
    factories.make_enrolment(patient=patient, programme=factories.load_programme("kidney-dialysis"))
    page = phone_tab.page
    log_in(phone_tab, patient.user)
    phone_tab.goto(reverse("observations:dialysis_session_add", kwargs={"patient_id": patient.pk}))
    assert wcag_violations(phone_tab) == ""

    page.get_by_label("Weight before").fill("72.4")
    page.get_by_label("Weight after").fill("74")
    page.get_by_label("Fluid removed (ultrafiltration)").fill("2300")
    page.get_by_label("Cramps").check()
    page.get_by_role("button", name="Save session").click()
    page.wait_for_load_state()
    assert "more than your weight before" in page.locator("#id_weight_after_error").inner_text()
    assert page.get_by_label("Cramps").is_checked()
    assert wcag_violations(phone_tab) == ""

    # The session must have ended already: start it 5 hours ago.
    start = page.get_by_label("When did the session start?")
    start.fill(page.evaluate(
        "(() => { const d = new Date(Date.now() - 5 * 3600e3);"
        " return d.toISOString().slice(0, 16); })()"
    ))  # fmt: skip
    page.get_by_label("Weight after").fill("70.3")
    page.get_by_role("button", name="Save session").click()
    page.wait_for_load_state()
    assert page.get_by_text("2.1 kg less").is_visible()
    assert wcag_violations(phone_tab) == ""

    phone_tab.goto(reverse("observations:measurement_list", kwargs={"patient_id": patient.pk}))
    assert wcag_violations(phone_tab) == ""
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert phone_tab.csp_violations == []


def test_carer_records_for_the_child_and_as_themself_on_a_phone(phone_tab, browser_cast):
    child = browser_cast.child
    parent = factories.make_user(
        role="carer", network=browser_cast.network, password=factories.PASSWORD
    )
    factories.make_carer_grant(
        patient=child,
        carer=parent,
        granted_by=browser_cast.clinician,
        scopes=frozenset({"view_reports", "report_for_patient", "report_own"}),
    )
    page = phone_tab.page
    log_in(phone_tab, parent)
    add = reverse("observations:measurement_add", kwargs={"patient_id": child.pk})

    phone_tab.goto(add + "?kind=temperature")
    page.get_by_label(f"{child.given_name}’s own reading").check()
    page.get_by_label("Temperature", exact=True).fill("101.3")
    page.get_by_label("Unit for temperature").select_option(label="°F")
    assert wcag_violations(phone_tab) == ""
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()

    phone_tab.goto(add + "?kind=temperature")
    page.get_by_label("My own observation").check()
    page.get_by_label("Temperature", exact=True).fill("38.9")
    page.get_by_label("Unit for temperature").select_option(label="°C")
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()

    own = page.locator(
        "section", has=page.get_by_role("heading", name=f"{child.given_name}’s readings")
    )
    carers = page.locator(
        "section", has=page.get_by_role("heading", name="Carers’ own observations")
    )
    # Shown in the unit the parent chose last (°C): 101.3 °F is 38.5 °C.
    assert "38.5 °C" in own.inner_text()
    assert "38.9 °C" in carers.inner_text()
    assert "38.9 °C" not in own.inner_text()
    assert wcag_violations(phone_tab) == ""
    rows = {(o.source, o.value_quantity) for o in Observation.objects.filter(patient=child)}
    assert rows == {("patient", 38.5), ("carer", 38.9)}

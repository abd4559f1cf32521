"""On a phone: a carer logs a self-dialysis session for the patient; the nurse finds it in
"Sessions to countersign" and countersigns it; everyone sees "Countersigned by"; axe finds
no WCAG 2.2 AA violations."""

from __future__ import annotations

from django.urls import reverse

from coproduce.observations.models import Observation
from coproduce.skills.models import SessionReview
from tests import factories
from tests.functional.conftest import log_in
from tests.functional.test_accessibility import wcag_violations


def test_the_carer_logs_a_session_and_the_nurse_countersigns_it(phone_tab, browser_cast):
    patient, nurse = browser_cast.patient, browser_cast.nurse
    factories.make_enrolment(patient=patient, programme=factories.load_programme("kidney-dialysis"))
    carer = factories.make_user(
        role="carer", network=browser_cast.network, password=factories.PASSWORD
    )
    factories.make_carer_grant(
        patient=patient,
        carer=carer,
        granted_by=patient.user,
        scopes=frozenset({"view_reports", "report_for_patient", "care_plan"}),
    )
    page = phone_tab.page
    log_in(phone_tab, carer)
    phone_tab.goto(reverse("observations:dialysis_session_add", kwargs={"patient_id": patient.pk}))
    start = page.get_by_label("When did the session start?")
    start.fill(page.evaluate(
        "(() => { const d = new Date(Date.now() - 5 * 3600e3);"
        " return d.toISOString().slice(0, 16); })()"
    ))  # fmt: skip
    page.get_by_label("Weight before").fill("72.4")
    page.get_by_label("Weight after").fill("70.3")
    page.get_by_label("Fluid removed (ultrafiltration)").fill("2300")
    page.get_by_role("button", name="Save session").click()
    page.wait_for_load_state()
    assert page.get_by_text("2.1 kg less").is_visible()
    values = list(Observation.objects.filter(patient=patient).values_list("pk", "value_quantity"))

    page.context.clear_cookies()
    log_in(phone_tab, nurse)
    phone_tab.goto(reverse("skills:countersign_queue"))
    assert wcag_violations(phone_tab) == ""
    page.get_by_role("link", name=f"{patient.full_name}: session on").click()
    page.wait_for_load_state()
    assert wcag_violations(phone_tab) == ""
    # Asking a question without writing it: the error is next to the comment.
    page.get_by_label("Ask a question: the patient sees it").check()
    page.get_by_role("button", name="Save review").click()
    page.wait_for_load_state()
    assert "Write what you want to ask" in page.locator("#id_comment_error").inner_text()
    assert wcag_violations(phone_tab) == ""
    page.get_by_label("Countersign: the record is right").check()
    page.get_by_role("button", name="Save review").click()
    page.wait_for_load_state()
    assert page.get_by_text("No sessions are waiting for your countersignature.").is_visible()
    assert SessionReview.objects.get().clinician == nurse

    page.context.clear_cookies()
    log_in(phone_tab, carer)
    phone_tab.goto(reverse("observations:dialysis_session_list", kwargs={"patient_id": patient.pk}))
    assert page.get_by_text(f"Countersigned by {nurse.display_name} on").is_visible()
    assert wcag_violations(phone_tab) == ""
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert phone_tab.csp_violations == []
    assert (
        list(Observation.objects.filter(patient=patient).values_list("pk", "value_quantity"))
        == values
    )
